"""Find the national tables in a workbook that was not made from our template, by their labels.

Labels are compared after normalisation (NFKC, no spaces or line breaks, ``1、`` → ``1.``, quotes dropped,
the typos real reports contain corrected), so ``（二）部分公开（区分处理的，只计这一情 形，不计其他情形）``
and ``2、其他法律行政止公开`` are found. Every label and table shape comes from the form definition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..form import Form
from ..normalise import QUOTES, normalise_text
from ..ooxml.package import split_cell

# typos seen in published reports (national_format.md §8), normalised form → correct normalised form
TYPOS = {
    "其他法律行政止公开": "其他法律行政法规禁止公开",
    "行政法复议": "行政复议",
}
_NUMBERING = re.compile(r"^(\d+)[、．.，,]")
_QUOTES = str.maketrans("", "", "".join(QUOTES))


def normalise_label(text: str) -> str:
    """A label as compared: NFKC, no whitespace, ``1、`` → ``1.``, no quotes, known typos fixed."""
    label = normalise_text(text).translate(_QUOTES)
    label = _NUMBERING.sub(r"\1.", label)
    for wrong, right in TYPOS.items():
        label = label.replace(wrong, right)
    return label


Position = tuple[str, int, int]


def _text_cells(workbook) -> list[tuple[str, int, int, str]]:
    cells = []
    for name in workbook.sheet_parts:
        sheet = workbook.sheet(name)
        for ref, raw in sheet.cells.items():
            if isinstance(raw.value, str) and raw.value.strip() and not raw.formula:
                row, col = split_cell(ref)
                cells.append((name, row, col, normalise_label(raw.value)))
    return cells


def _find(cells, label: str, *, sheet: str | None = None, rows: range | None = None,
          cols: range | None = None) -> list[tuple[str, int, int, str]]:
    wanted = normalise_label(label)
    found = [c for c in cells if c[3] == wanted and (sheet is None or c[0] == sheet)
             and (rows is None or c[1] in rows) and (cols is None or c[2] in cols)]
    if not found and len(wanted) >= 6:  # long labels are sometimes cut or carry a trailing note
        found = [c for c in cells if (c[3].startswith(wanted) or wanted.startswith(c[3]) and len(c[3]) >= 6)
                 and (sheet is None or c[0] == sheet) and (rows is None or c[1] in rows)
                 and (cols is None or c[2] in cols)]
    return sorted(found, key=lambda c: (c[1], c[2]))


_TITLE = re.compile(r"^(?P<agency>.+?)(?P<year>20\d\d)年度?(?:政府信息公开工作年度报告|政府信息公开年度报告)")


def identity_from_title(workbook) -> tuple[str, int] | None:
    """(agency, year) from a title cell such as ``示例县民政局2025年政府信息公开工作年度报告``."""
    for name in workbook.sheet_parts:
        for raw in workbook.sheet(name).cells.values():
            if isinstance(raw.value, str):
                match = _TITLE.match("".join(raw.value.split()))
                if match:
                    return match.group("agency"), int(match.group("year"))
    return None


def locate_by_labels(workbook, form: Form) -> dict[str, Position]:
    """Item id (and identity field) → cell, for every item whose row and column labels were found."""
    cells = _text_cells(workbook)
    located: dict[str, Position] = {}
    located.update(_table3(cells, form))
    located.update(_table2(cells, form))
    located.update(_table4(cells, form))
    return located


def _table3(cells, form: Form) -> dict[str, Position]:
    t3 = form.table3
    anchors = [c for c in _find(cells, t3.columns[0].label)
               if _find(cells, t3.columns[1].label, sheet=c[0], rows=range(c[1], c[1] + 3))]
    if not anchors:
        return {}
    sheet, header_row, first_col = anchors[0][:3]
    header_rows = range(header_row, header_row + t3.header_rows)
    columns: dict[str, int] = {t3.columns[0].key: first_col}
    for column in t3.columns[1:]:
        found = [c for c in _find(cells, column.label, sheet=sheet, rows=header_rows) if c[2] > first_col]
        if found:
            columns[column.key] = min(found, key=lambda c: c[2])[2]
    located: dict[str, Position] = {}
    below = range(header_row + 1, header_row + 200)
    for row in t3.rows:
        found = _find(cells, row.path[-1], sheet=sheet, rows=below, cols=range(0, first_col))
        if not found:
            continue
        data_row = found[0][1]
        for key, col in columns.items():
            located[t3.item_id(row.key, key)] = (sheet, data_row, col)
    return located


def _table2(cells, form: Form) -> dict[str, Position]:
    located: dict[str, Position] = {}
    for block in form.table2.blocks:
        for row in block.rows:
            found = _find(cells, row.label)
            if not found:
                continue
            sheet, data_row, label_col = found[0][:3]
            if len(row.item_ids) == 1:
                located[row.item_ids[0]] = (sheet, data_row, label_col + 1)
                continue
            for item_id, header in zip(row.item_ids, block.headers[1:]):
                headers = _find(cells, header, sheet=sheet, rows=range(max(0, data_row - 5), data_row))
                col = headers[-1][2] if headers else label_col + 1 + row.item_ids.index(item_id)
                located[item_id] = (sheet, data_row, col)
    return located


def _table4(cells, form: Form) -> dict[str, Position]:
    t4 = form.table4
    top = [c for c in _find(cells, t4.groups[0].label.split("·")[0])
           if _find(cells, "未经复议直接起诉", sheet=c[0], rows=range(c[1], c[1] + 3))]
    if not top:
        return {}
    sheet, header_row = top[0][:2]
    header_rows = range(header_row + 1, header_row + t4.header_rows)
    headers: list[tuple[int, int]] = []
    for column in t4.columns:
        headers += [(c[2], c[1]) for c in _find(cells, column.label, sheet=sheet, rows=header_rows)]
    headers.sort()
    if len(headers) != len(t4.groups) * len(t4.columns):
        return {}
    data_row = max(row for _, row in headers) + 1
    located: dict[str, Position] = {}
    ids: Iterable[str] = (t4.item_id(g.key, c.key) for g in t4.groups for c in t4.columns)
    for item_id, (col, _) in zip(ids, headers):
        located[item_id] = (sheet, data_row, col)
    return located
