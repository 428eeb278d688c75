"""One agency's annual report as read from any source: a returned workbook, a published report, a consolidation.

Readers produce a :class:`Report`; the verifier, the feedback writer and the merger consume it. Values are
normalised once, at the reader's edge; the raw value and where it came from are kept beside each one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from .findings import Finding
from .form import CURRENT_FORM, Form, MetaRole
from .roster import Agency

Number = int | Decimal


class TextEnum(str, Enum):
    """A state named by a word: compared by member, written to JSON and printed as its word."""

    __str__ = str.__str__  # as 3.11's StrEnum does (3.10 has none): f"{state}" is the word, not "Class.NAME"


class Origin(TextEnum):
    """How a report's cells were found."""

    TEMPLATE = "template"  # by the defined names of our template
    LABELS = "labels"  # by the labels of the national format, in a workbook not made from our template
    IMPORTED = "imported"  # read from a published report (Word, PDF, HTML, text)
    CONSOLIDATED = "consolidated"  # a consolidated workbook: its members' rows


@dataclass(slots=True)  # one per item of every report read: slots make the many small objects cheaper
class SourceCell:
    """Where an item's value came from, and what was there before normalisation."""

    sheet: str | None
    cell: str | None  # A1 address
    raw: Any = None
    formula: str | None = None  # the formula found there, if any


@dataclass
class Provenance:
    """Where a report came from."""

    path: str
    sha256: str = ""
    size: int = 0
    application: str | None = None  # docProps/app.xml Application (+ AppVersion), e.g. "LibreOffice/7.4…"
    kind: str = "xlsx"  # "xlsx" | "xls" | "text" | "html" | "docx" | "pdf" | "consolidated"
    sender: str | None = None  # e-mail provenance, when it came by mail
    received: str | None = None
    subject: str | None = None
    member: str | None = None  # name inside a zip or an e-mail


@dataclass
class ConsolidatedMember:
    """One agency counted in a consolidated workbook, as read back from its 明细 row: like the merge's
    :class:`~gongkai_xlsx.consolidate.merge.Member`, its ``agency``, the ``units`` it stands for and its
    ``values``."""

    agency: Agency
    units: int = 1
    values: dict[str, Number] = field(default_factory=dict)


@dataclass
class Report:
    """Everything read from one submission."""

    form: Form = CURRENT_FORM
    provenance: Provenance | None = None
    origin: Origin = Origin.TEMPLATE  # how the cells were found
    stamp: dict[str, str] = field(default_factory=dict)  # the template identity stamp as found
    year: int | None = None
    agency_name: str = ""
    agency_code: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # meta_contact, meta_phone, meta_date …
    values: dict[str, Number] = field(default_factory=dict)  # item id → normalised value (totals as found)
    sources: dict[str, SourceCell] = field(default_factory=dict)  # item/meta/text id → where it came from
    texts: dict[str, str] = field(default_factory=dict)  # text_overview, text_problems, text_other
    findings: list[Finding] = field(default_factory=list)  # what the reader noticed (normalisation, identity)
    units: int = 1  # agencies this report stands for (a consolidated workbook counts its members)
    members: list[ConsolidatedMember] = field(default_factory=list)  # a consolidated workbook's 明细 rows
    notes: dict[str, str] = field(default_factory=dict)  # rule id → the office's 情况说明 (note_<RULE_ID> cells)
    answers: dict[str, str] = field(default_factory=dict)  # item id → the office's answer to a feedback question

    def __post_init__(self) -> None:
        self.origin = Origin(self.origin)  # Report(origin="imported") built by hand is judged like one read

    def __getstate__(self) -> dict[str, Any]:
        # the form travels by its version (reports cross process boundaries when verifying in parallel)
        return {**self.__dict__, "form": self.form.version}

    def __setstate__(self, state: dict[str, Any]) -> None:
        from .form import FORMS

        self.__dict__.update(state, form=FORMS[state["form"]])

    def meta_text(self, role: MetaRole) -> str:
        """What the report holds in the identity field with this role ("" when empty; the year as text)."""
        if role is MetaRole.AGENCY:
            return self.agency_name
        if role is MetaRole.CODE:
            return self.agency_code
        if role is MetaRole.YEAR:
            return str(self.year) if self.year else ""
        return self.meta.get(self.form.meta_id(role), "") or ""

    def identity(self) -> dict[str, str]:
        """The identity and contact fields an office types, by id (agency name and code included, the year not)."""
        return {self.form.meta_id(MetaRole.AGENCY): self.agency_name,
                self.form.meta_id(MetaRole.CODE): self.agency_code, **self.meta}

    def where(self, key: str) -> tuple[str | None, str | None]:
        source = self.sources.get(key)
        return (source.sheet, source.cell) if source else (None, None)

