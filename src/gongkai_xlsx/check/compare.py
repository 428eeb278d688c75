"""Compare two reports of one agency and year cell by cell: a published report and a submitted workbook, or two
versions of a return."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..findings import Finding
from ..form import MetaRole
from ..normalise import normalise_text
from ..report import Origin, Report


@dataclass(frozen=True)
class Difference:
    item: str
    label: str
    a: int | Decimal | None  # None: a cell an import left unset
    b: int | Decimal | None
    where_a: str  # sheet!cell in A, when known
    where_b: str


@dataclass
class Comparison:
    a: Report
    b: Report
    differences: list[Difference] = field(default_factory=list)
    texts_changed: list[str] = field(default_factory=list)  # headings of text sections that differ
    identity: list[str] = field(default_factory=list)  # agency or year disagreements

    @property
    def same(self) -> bool:
        return not (self.differences or self.texts_changed or self.identity)

    @property
    def import_findings(self) -> dict[str, list[Finding]]:
        """What the import of either report noticed (a published report, or a workbook written by import-report
        that keeps its import's findings): cells left unset, ambiguous splits, truncated tables …"""
        return {side: list(report.findings) for side, report in (("a", self.a), ("b", self.b))
                if report.origin is Origin.IMPORTED and report.findings}

    def as_dict(self) -> dict:
        """The JSON document of ``compare --json``."""
        return {
            "same": self.same, "identity": self.identity, "texts_changed": self.texts_changed,
            "differences": [{"item": d.item, "label": d.label, "a": _text(d.a), "b": _text(d.b),
                             "where_a": d.where_a, "where_b": d.where_b} for d in self.differences],
            "import_findings": {side: [f.as_dict() for f in found] for side, found in self.import_findings.items()},
        }


def _text(value) -> str | None:
    return None if value is None else str(value)  # None: a cell the import left unset


def compare_reports(a: Report, b: Report) -> Comparison:
    """Every item whose value differs, the text sections that differ, and identity disagreements."""
    result = Comparison(a, b)
    if a.year and b.year and a.year != b.year:
        result.identity.append(f"{a.form.meta_field(MetaRole.YEAR).label}不同：{a.year} 与 {b.year}")
    if a.agency_name and b.agency_name and normalise_text(a.agency_name) != normalise_text(b.agency_name):
        result.identity.append(f"{a.form.meta_field(MetaRole.AGENCY).label}不同：{a.agency_name} 与 {b.agency_name}")
    for item in a.form.items:
        value_a, value_b = a.values.get(item.id, 0), b.values.get(item.id, 0)
        if value_a != value_b:
            result.differences.append(Difference(item.id, item.label, value_a, value_b, _where(a, item.id),
                                                 _where(b, item.id)))
    for section in a.form.texts:
        if normalise_text(a.texts.get(section.id, "")) != normalise_text(b.texts.get(section.id, "")):
            result.texts_changed.append(section.heading)
    return result


def _where(report: Report, item: str) -> str:
    sheet, cell = report.where(item)
    return f"{sheet}!{cell}" if sheet and cell else ""
