"""A consolidated workbook read back: its totals recomputed from the 明细 rows, never taken from its formulas."""

from __future__ import annotations

from decimal import Decimal

from .. import findings as F
from ..normalise import parse_number
from ..ooxml.workbook import Workbook, a1
from ..report import Report, SourceCell
from ..template.consolidated_layout import DETAIL_FIRST_ROW, DETAIL_ID_ROW, SHEET_DETAIL
from .values import normalise_value, year_of


def read_consolidated(workbook: Workbook, report: Report, located) -> None:
    """A consolidated workbook: its totals are recomputed from the 明细 rows, never taken from its formulas."""
    form = report.form
    sheet = workbook.sheet(SHEET_DETAIL)
    columns: dict[str, int] = {}
    col = 0
    while True:
        raw = sheet.at(DETAIL_ID_ROW, col)
        if raw is None or raw.value in (None, ""):
            break
        columns[str(raw.value)] = col
        col += 1
    missing = [item for item in form.items if item.id not in columns]
    if missing:
        report.findings.append(F.CELLS_NOT_FOUND(count=len(missing), first=missing[0].label, first_en=missing[0].id))
    row = DETAIL_FIRST_ROW
    # (item, its column's letters): a city's workbook has 200 numbers per member, and a1() of each would
    # overflow its cache
    item_columns = [(item, a1(0, columns[item.id])[:-1]) for item in form.items if item.id in columns]
    while True:
        code, name = sheet.at(row, columns.get("code", 0)), sheet.at(row, columns.get("name", 1))
        if (code is None or code.value in (None, "")) and (name is None or name.value in (None, "")):
            break
        values: dict[str, Decimal | int] = {}
        number_row = str(row + 1)
        for item, letters in item_columns:
            ref = letters + number_row
            number = sheet.whole_number(ref)
            if number is None:  # not a plain whole number: normalised, and any problem is a finding
                raw = sheet.get(ref)
                number = normalise_value(report, item, SourceCell(SHEET_DETAIL, ref, raw.value if raw else None), raw,
                                    [], [])
            values[item.id] = number

        def text(key: str) -> str:
            raw = sheet.at(row, columns[key]) if key in columns else None
            return "" if raw is None or raw.value is None else str(raw.value)

        units = parse_number(sheet.at(row, columns["units"]).value if "units" in columns and
                             sheet.at(row, columns["units"]) else 1).value or 1
        report.members.append({"code": text("code"), "name": text("name"), "category": text("category"),
                               "parent": text("parent"), "units": int(units), "values": values})
        row += 1
    report.values = {item.id: sum(member["values"].get(item.id, 0) for member in report.members)
                     for item in form.items}
    report.units = sum(m["units"] for m in report.members) or 0
    for item in form.items:
        if item.id in located:
            sheet_name, r, c = located[item.id]
            report.sources[item.id] = SourceCell(sheet_name, a1(r, c), None)
    report.agency_name = report.stamp.get("agency_name", "")
    report.agency_code = report.stamp.get("agency_code", "")
    report.year = year_of(report.stamp.get("year"))
