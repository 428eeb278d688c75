"""The identity stamped into every workbook this tool writes: built here and written here, once.

A returned workbook proves what it is by this stamp: custom document properties, a very hidden ``_stamp``
sheet and ``stamp_*`` defined names carry the same fields. A template (and its feedback, imported and sample
copies) carries the fingerprint of its layout (:mod:`.fingerprint`); a consolidated workbook its unit and how
many returns and units it counts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .. import __version__
from ..findings import Finding, FindingCell
from ..form import Form, MetaRole
from ..form.rules import Severity
from ..normalise import normalise_text
from ..report import TextEnum
from ..roster import Agency
from .fingerprint import layout_fingerprint
from .layout import SHEET_STAMP, quote_sheet

STAMP_FIELDS = ("form_version", "form_basis", "year", "template_id", "generator", "generator_version",
                "agency_code", "agency_name", "fingerprint", "origin", "due", "return_to", "contact", "questions",
                "units", "members")
OPTIONAL_FIELDS = ("due", "return_to", "contact", "questions", "units", "members")  # written only when they have a value
PROPERTY_PREFIX = "gongkai_"
NAME_PREFIX = "stamp_"
GENERATOR = "gongkai-xlsx"


class StampOrigin(TextEnum):
    """What the tool wrote a workbook as: a fact kept in the file's stamp (how a report was *read* is
    :class:`~gongkai_xlsx.report.Origin`)."""

    TEMPLATE = "template"  # a template to fill (also the samples' filled ones)
    FEEDBACK = "feedback"  # a feedback copy (校验意见) sent back to the office
    IMPORTED = "imported"  # a published report written into the template by import-report
    CONSOLIDATED = "consolidated"  # a consolidated workbook


@dataclass(frozen=True)
class Stamp:
    form_version: str
    form_basis: str
    year: int
    template_id: str
    generator: str
    generator_version: str
    agency_code: str
    agency_name: str
    fingerprint: str
    origin: StampOrigin = StampOrigin.TEMPLATE
    due: str = ""  # 截止日期 YYYY-MM-DD (template --due)
    return_to: str = ""  # where the office sends the file (template --return-to)
    contact: str = ""  # whom the office calls (template --contact)
    questions: str = ""  # a feedback copy's open questions, JSON (see check.feedback)
    units: int | None = None  # a consolidated workbook: the units it counts (a lower consolidation counts its own)
    members: int | None = None  # a consolidated workbook: the returns it counts

    def as_dict(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items()
                if value not in ("", None) or key not in OPTIONAL_FIELDS}


def _id_prefix(form: Form, year: int) -> str:
    return f"GK{form.version}-{year}"


def template_id(form: Form, year: int, agency: Agency | None) -> str:
    """A template's id: form version, year, agency code (BLANK) and the layout's fingerprint."""
    code = agency.code if agency else "BLANK"
    return f"{_id_prefix(form, year)}-{code}-{layout_fingerprint(form)[:8]}"


def make_stamp(form: Form, year: int, agency: Agency | None, origin: StampOrigin = StampOrigin.TEMPLATE,
               **extra: str) -> Stamp:
    """The stamp of a template; ``extra``: its optional fields (due, return_to, contact, content, questions)."""
    return Stamp(
        form_version=form.version,
        form_basis=form.basis,
        year=year,
        template_id=template_id(form, year, agency),
        generator=GENERATOR,
        generator_version=__version__,
        agency_code=agency.code if agency else "",
        agency_name=agency.name if agency else "",
        fingerprint=layout_fingerprint(form),
        origin=StampOrigin(origin),  # a caller's word ("feedback") is the member
        **extra,
    )


def consolidated_stamp(form: Form, year: int, unit_code: str, unit_name: str, *, units: int, members: int) -> Stamp:
    """The stamp of a consolidated workbook: the consolidating unit's identity and what it counts; no layout
    fingerprint (its totals are recomputed from 明细 when it is read back)."""
    return Stamp(
        form_version=form.version,
        form_basis=form.basis,
        year=year,
        template_id=f"{_id_prefix(form, year)}-{unit_code or 'UNIT'}-CONSOLIDATED",
        generator=GENERATOR,
        generator_version=__version__,
        agency_code=unit_code,
        agency_name=unit_name,
        fingerprint="",
        origin=StampOrigin.CONSOLIDATED,
        units=units,
        members=members,
    )


def write_stamp(workbook, stamp: Stamp, password: str | None, *, import_findings: list[Finding] | None = None,
                unset: Sequence[str] = (), digest: str | None = None) -> None:
    """Stamp an XlsxWriter workbook: a custom property per field, and the very hidden ``_stamp`` sheet (a key/value
    header, then a row and a ``stamp_*`` name per field), protected with ``password`` unless it is None.

    A workbook written from a published report also keeps its import's record (``import_findings`` and the
    ``unset`` items) and the number of its errors; the tool's own filled copies keep the ``digest`` of their
    content (:func:`content_digest`).
    """
    fields = stamp.as_dict()
    for key, value in fields.items():
        workbook.set_custom_property(PROPERTY_PREFIX + key, value)
    entries = list(fields.items())
    if import_findings is not None:
        errors = sum(1 for f in import_findings if f.severity is Severity.ERROR)
        workbook.set_custom_property(PROPERTY_PREFIX + IMPORT_ERRORS, str(errors))
        entries.append((IMPORT_RECORD, import_record(import_findings, list(unset))))
    if digest is not None:
        workbook.set_custom_property(PROPERTY_PREFIX + CONTENT_DIGEST, digest)
    ws = workbook.add_worksheet(SHEET_STAMP)
    ws.write_string(0, 0, "key")
    ws.write_string(0, 1, "value")
    for row, (key, value) in enumerate(entries, start=1):
        ws.write_string(row, 0, key)
        ws.write_string(row, 1, value)
        workbook.define_name(NAME_PREFIX + key, f"={quote_sheet(SHEET_STAMP)}!$B${row + 1}")
    ws.very_hidden()
    if password is not None:
        ws.protect(password)


# ------------------------------------------------------------------------------------------ an import's record
# A workbook written from a published report keeps what the import noticed (cells not read, ambiguous splits,
# truncated tables …) in its stamp: one more _stamp row and stamp_ name, and the number of its errors as a custom
# property (a record removed from the workbook is then noticed). Reading such a workbook repeats the findings.
IMPORT_RECORD = "import_record"
IMPORT_ERRORS = "import_errors"
_RECORD_LIMIT = 32000  # a cell holds 32,767 characters


def import_record(findings: list[Finding], unset: list[str]) -> str:
    """The import's findings and the item ids it left unset, as the text kept in the stamp."""
    def encode(finding: Finding, english: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"code": finding.code, "severity": finding.severity.value, "message": finding.message,
                               "hint": finding.hint,
                               "cells": [[c.sheet, c.cell, c.item, _jsonable(c.value)] for c in finding.cells]}
        if english:
            out.update(message_en=finding.message_en, hint_en=finding.hint_en)
        return out

    for english in (True, False):
        text = json.dumps({"version": 1, "unset": list(unset), "findings": [encode(f, english) for f in findings]},
                          ensure_ascii=False, separators=(",", ":"))
        if len(text) <= _RECORD_LIMIT:
            return text
    # very many findings: the errors first, then as many others as fit
    ordered = sorted(findings, key=lambda f: f.severity is not Severity.ERROR)
    kept: list[dict[str, Any]] = []
    for finding in ordered:
        kept.append(encode(finding, False))
        text = json.dumps({"version": 1, "unset": list(unset), "findings": kept}, ensure_ascii=False,
                          separators=(",", ":"))
        if len(text) > _RECORD_LIMIT:
            kept.pop()
            break
    return json.dumps({"version": 1, "unset": list(unset), "findings": kept}, ensure_ascii=False,
                      separators=(",", ":"))


def read_import_record(text: str) -> tuple[list[Finding], list[str]] | None:
    """The findings and unset item ids of :func:`import_record`; None when the text is not such a record."""
    try:
        record = json.loads(text)
        findings = [Finding(code=str(f["code"]), severity=Severity(f["severity"]), message=str(f["message"]),
                            hint=str(f.get("hint", "")),
                            cells=tuple(FindingCell(*cell[:4]) for cell in f.get("cells", [])),
                            message_en=str(f.get("message_en", "")), hint_en=str(f.get("hint_en", "")))
                    for f in record["findings"]]
        unset = [str(item) for item in record.get("unset", [])]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return findings, unset


def _jsonable(value: Any) -> Any:
    return value if value is None or isinstance(value, (int, float, str, bool)) else str(value)


CONTENT_DIGEST = "content_digest"  # stamp field of the tool's own filled outputs (feedback copies)


def content_digest(form, values: Mapping, texts: Mapping, identity: Mapping) -> str:
    """sha256 of what an office can change in a filled workbook: input values, texts (with 情况说明 and answers,
    keyed note_<RULE_ID> and answer_<item>), identity and contact.

    Written into the tool's own filled outputs (feedback copies) and recomputed from what is read back, it
    tells a copy nobody has changed (the tool's own file) from one an office corrected (a return). Values
    compare as floats, texts and identity without spaces or width differences, so reading back what was
    written gives the same digest.
    """
    def plain(text) -> str:
        return normalise_text(str(text or "")).upper()

    canonical = {
        "values": {item.id: repr(float(values.get(item.id) or 0)) for item in form.input_items},
        "texts": {section.id: plain(texts.get(section.id, "")) for section in form.texts},
        # the office's 情况说明 (note_<RULE_ID>) and its answers to a feedback copy's questions (answer_<item>)
        "notes": {key: plain(text) for key, text in texts.items()
                  if key.startswith(("note_", "answer_")) and plain(text)},
        # what the office types (the year is the template's)
        "identity": {field.id: plain(identity.get(field.id, "")) for field in form.meta
                     if field.role is not MetaRole.YEAR},
    }
    blob = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
