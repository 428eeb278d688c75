"""A consolidated workbook read back: its totals recomputed from the 明细 rows, never taken from its formulas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .. import findings as F
from ..findings import FindingCell
from ..form.model import ValueKind
from ..normalise import normalise_code
from ..ooxml.package import a1
from ..ooxml.sheet import Sheet
from ..ooxml.workbook import Workbook
from ..report import ConsolidatedMember, Report, SourceCell
from ..roster import Agency
from ..template.consolidated_layout import (
    DETAIL_COLUMN,
    DETAIL_FIRST_ROW,
    DETAIL_ID_ROW,
    SHEET_DETAIL,
    SHEET_STATUS,
    STATUS_COLUMNS,
)
from .values import normalise_value, year_of

# no member of a consolidation stands for more agencies than this (a province has some tens of thousands)
MAX_UNITS = 100_000


@dataclass(frozen=True)
class _DetailField:
    """A 明细 column that is no item of the form, normalised as one."""

    id: str
    label: str
    kind: ValueKind = ValueKind.COUNT
    decimals: int = 0


_UNITS = _DetailField("units", "下级单位数")


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
    # every row up to the last: a row whose code and name were blanked (or an empty row) does not end the
    # reading of the rows after it
    last = sheet.last_row()
    code_col, name_col = (columns.get(key, DETAIL_COLUMN[key]) for key in ("code", "name"))
    while row <= last:
        code, name = sheet.at(row, code_col), sheet.at(row, name_col)
        if (code is None or code.value in (None, "")) and (name is None or name.value in (None, "")):
            if not any(letters + str(row + 1) in sheet.refs for _, letters in item_columns):
                row += 1
                continue  # an empty row
            report.findings.append(F.MEMBER_IDENTITY_MISSING(
                [FindingCell(SHEET_DETAIL, a1(row, code_col), "code", None)], row=row + 1))
        values: dict[str, Decimal | int] = {}
        number_row = str(row + 1)
        for item, letters in item_columns:
            ref = letters + number_row
            number = sheet.whole_number(ref)
            if number is None:  # not a plain whole number: normalised, and any problem is a finding
                raw = sheet.get(ref)
                number = normalise_value(report, item, SourceCell(SHEET_DETAIL, ref, raw.value if raw else None), raw,
                                         [], [], epoch=workbook.epoch)
            values[item.id] = number

        def text(key: str) -> str:
            raw = sheet.at(row, columns[key]) if key in columns else None
            return "" if raw is None or raw.value is None else str(raw.value)

        units = _member_units(report, sheet, columns["units"], row, workbook.epoch) if "units" in columns else 1
        agency = Agency(text("code"), text("name"), text("category"), text("parent"))
        report.members.append(ConsolidatedMember(agency, units, values))
        row += 1
    report.values = {item.id: sum(member.values.get(item.id, 0) for member in report.members)
                     for item in form.items}
    report.units = sum(m.units for m in report.members) or 0
    for item in form.items:
        if item.id in located:
            sheet_name, r, c = located[item.id]
            report.sources[item.id] = SourceCell(sheet_name, a1(r, c), None)
    report.agency_name = report.stamp.get("agency_name", "")
    report.agency_code = normalise_code(report.stamp.get("agency_code"))  # the unit's code as typed to merge
    report.year = year_of(report.stamp.get("year"))


def _member_units(report: Report, sheet: Sheet, col: int, row: int, epoch: datetime) -> int:
    """A 明细 row's 下级单位数: a typed whole number from 0 to :data:`MAX_UNITS`. Anything else is a finding
    (negative, fractional, not a number, a formula, implausibly large) and the row stands for itself alone."""
    ref = a1(row, col)
    number = sheet.whole_number(ref)
    if number is not None and number <= MAX_UNITS:
        return number
    raw = sheet.get(ref)
    if raw is None or (raw.formula is None and (raw.value is None or str(raw.value).strip() == "")):
        return 1  # not recorded: the member itself
    before = len(report.findings)
    source = SourceCell(SHEET_DETAIL, ref, raw.value, raw.formula)
    value = normalise_value(report, _UNITS, source, raw, [], [], epoch=epoch)
    if len(report.findings) > before:
        return 1
    if value > MAX_UNITS:
        report.findings.append(F.IMPLAUSIBLE_UNITS([FindingCell(SHEET_DETAIL, ref, "units", value)],
                                                   where=f"“{SHEET_DETAIL}”工作表 {ref} 单元格（{_UNITS.label}）",
                                                   where_en=f"{SHEET_DETAIL}!{ref} (units)", value=value,
                                                   limit=f"{MAX_UNITS:,}"))
        return 1
    return value if isinstance(value, int) and value >= 0 else 1


@dataclass(frozen=True)
class StatusRow:
    """One row of a consolidated workbook's 报送情况: an agency (or an input) and its status as the sheet words it."""

    code: str
    name: str
    status: str


def read_status_sheet(workbook: Workbook) -> list[StatusRow]:
    """The 报送情况 rows of a consolidated workbook, in the columns ``consolidated_layout.STATUS_COLUMNS`` puts them
    (empty when it has no such sheet), down to the first empty row. Workbooks written before the statuses took
    full-width parentheses said 有错误(未计入): read as （未计入）."""
    sheet = workbook.sheet(SHEET_STATUS)
    if sheet is None:
        return []
    columns = [STATUS_COLUMNS.index(label) for label in ("机构代码", "机构名称", "报送情况")]
    rows = []
    row = 1
    while True:
        cells = [sheet.at(row, col) for col in columns]
        if all(c is None or c.value in (None, "") for c in cells):
            return rows
        code, name, status = ("" if c is None or c.value is None else str(c.value) for c in cells)
        rows.append(StatusRow(code, name, status.replace("(", "（").replace(")", "）")))
        row += 1
