"""Render a laid-out sheet (:class:`.layout.SheetLayout`) with XlsxWriter: the styles, cells, merges, formulas with
their cached values, defined names, validation, conditional formatting, protection and print setup. The template
and the consolidated workbook both write their sheets through it; every formula of our workbooks goes through
:func:`write_formula`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from ..ooxml.package import CELL_LIMIT
from .layout import CHECK_FAILURES, FEEDBACK_OPEN, REQUIRED_MISSING, Cell, Context, SheetLayout, absolute_ref
from .stamp import GENERATOR

FONT = "宋体"
_BASE = {"font_name": FONT, "font_size": 10.5, "font_charset": 134, "valign": "vcenter", "text_wrap": True}
_BORDER = {"border": 1}
STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 16, "align": "center"},
    "subtitle": {"font_size": 10, "align": "center", "font_color": "#595959"},
    "subtitle_left": {"font_size": 10.5, "align": "left"},
    "banner": {"bold": True, "font_size": 12, "align": "center", "bg_color": "#E2EFDA", "font_color": "#375623"},
    "infobox": {"border": 2, "border_color": "#BF8F00", "bold": True, "font_size": 11, "align": "left",
                "bg_color": "#FFF2CC"},
    "unit": {"align": "right", "font_size": 9},
    "caption": {**_BORDER, "bold": True, "align": "left", "bg_color": "#D9E1F2"},
    "header": {**_BORDER, "bold": True, "align": "center"},
    "corner": {**_BORDER, "align": "center", "font_size": 9},
    "label": {**_BORDER, "align": "left"},
    "label_center": {**_BORDER, "align": "center"},
    "vertical": {**_BORDER, "align": "center", "rotation": 270},
    "count_input": {**_BORDER, "align": "center", "num_format": "0", "bg_color": "#FFF2CC"},
    "amount_input": {**_BORDER, "align": "center", "num_format": "General", "bg_color": "#FFF2CC"},
    "total": {**_BORDER, "align": "center", "num_format": "0", "bg_color": "#EDEDED", "bold": True},
    "amount_total": {**_BORDER, "align": "center", "num_format": "General", "bg_color": "#EDEDED", "bold": True},
    "meta_label": {**_BORDER, "bold": True, "align": "left"},
    "meta_input": {**_BORDER, "align": "left", "bg_color": "#FFF2CC", "num_format": "@"},
    "heading": {"bold": True, "font_size": 12, "align": "left"},
    "text_input": {**_BORDER, "align": "left", "valign": "top", "bg_color": "#FFF2CC", "num_format": "@"},
    "link": {"align": "left", "font_color": "#0563C1", "underline": 1},
    "check_header": {**_BORDER, "align": "center", "font_size": 9, "font_color": "#595959"},
    "check_label": {"align": "right", "font_size": 9, "font_color": "#595959"},
    "check_label_left": {"align": "left", "font_size": 9, "font_color": "#595959"},
    "check": {**_BORDER, "align": "center", "num_format": "0;-0;0", "font_color": "#595959"},
}


class Formats:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self.cache: dict[tuple[str, bool], Any] = {}
        self.fail = workbook.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "bold": True})
        self.ok = workbook.add_format({"bg_color": "#E2EFDA", "font_color": "#375623"})
        self.pending = workbook.add_format({"bg_color": "#FFEB9C", "font_color": "#7F6000", "bold": True})
        self.flag = workbook.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "border": 2,
                                         "border_color": "#C00000"})

    def get(self, style: str, locked: bool):
        key = (style, locked)
        if key not in self.cache:
            props = {**_BASE, **STYLES[style]}
            if not locked:
                props["locked"] = False
            self.cache[key] = self.workbook.add_format(props)
        return self.cache[key]


def write_sheet(workbook, sheet: SheetLayout, formats: Formats, ctx: Context, locked_meta: set[str],
                 password: str, totals_as_values: bool = False, annotations: Mapping[str, str] = {},
                 formulas: Mapping[str, str] = {}):
    """Render one laid-out sheet; return the XlsxWriter worksheet (callers may add to its print setup).
    ``formulas`` (defined name → formula) replaces the content of a named cell (a feedback copy counts its
    open questions in ``feedback_open``, a constant 0 in a template)."""
    ws = workbook.add_worksheet(sheet.name)
    for col, width in sheet.widths.items():
        ws.set_column(col, col, width)
    for row, height in sheet.heights.items():
        ws.set_row(row, height)
    for cell in sheet.cells:
        if cell.name in formulas:
            cell = replace(cell, formula=formulas[cell.name])
        _write_cell(workbook, ws, sheet, cell, formats, ctx, locked_meta, totals_as_values)
        key = cell.item or cell.meta or cell.text_id
        if key in annotations:
            _annotate(ws, cell, annotations[key], formats, locked=cell.locked or (cell.meta in locked_meta))
    for v in sheet.validations:
        options: dict[str, Any] = {"input_title": v.title, "input_message": v.message, "show_input": True}
        if v.kind == "any":
            options["validate"] = "any"
        else:
            options.update(validate=v.kind, criteria=">=", value=0, error_type="stop",
                           error_title="输入有误", error_message=v.message)
        ws.data_validation(v.first_row, v.first_col, v.last_row, v.last_col, options)
    if sheet.check_cells:
        # one rule pair over all check cells of the sheet (a multi-range), not a pair per cell
        cells = " ".join(xl_rowcol_to_cell(row, col) for row, col in sheet.check_cells)
        first_row, first_col = sheet.check_cells[0]
        for criteria, fmt in (("!=", formats.fail), ("==", formats.ok)):
            ws.conditional_format(first_row, first_col, first_row, first_col,
                                  {"type": "cell", "criteria": criteria, "value": 0, "format": fmt,
                                   "multi_range": cells})
    if sheet.banner:
        row, col = sheet.banner
        ws.conditional_format(row, col, row, col, {"type": "formula", "criteria": f"={CHECK_FAILURES}>0",
                                                   "format": formats.fail})
        if sheet.banner_office:
            ws.conditional_format(row, col, row, col, {
                "type": "formula", "criteria": f"=OR({FEEDBACK_OPEN}>0,{REQUIRED_MISSING}>0)", "format": formats.pending})
    if sheet.freeze:
        ws.freeze_panes(*sheet.freeze)
    ws.set_paper(9)  # A4
    if sheet.landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, sheet.pages_tall)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.5, bottom=0.5)
    if sheet.print_area:
        ws.print_area(*sheet.print_area)
    if sheet.repeat_rows:
        ws.repeat_rows(*sheet.repeat_rows)
    ws.hide_gridlines(2)
    ws.protect(password, {"select_locked_cells": True, "select_unlocked_cells": True, "format_rows": True,
                          "format_columns": True})
    return ws


def _annotate(ws, cell: Cell, comment: str, formats: Formats, locked: bool) -> None:
    """Mark a cell a finding is about: a red frame and fill over its own style, and the finding as a comment."""
    ws.conditional_format(cell.row, cell.col, cell.row, cell.col,
                          {"type": "formula", "criteria": "=TRUE", "format": formats.flag})
    ws.write_comment(cell.row, cell.col, comment[:2000], {"x_scale": 2.2, "y_scale": 2.5, "author": GENERATOR})


def _write_cell(workbook, ws, sheet: SheetLayout, cell: Cell, formats: Formats, ctx: Context,
                locked_meta: set[str], totals_as_values: bool = False) -> None:
    locked = cell.locked
    style = cell.style
    if cell.meta and cell.meta in locked_meta:
        locked = True
    fmt = formats.get(style, locked)
    if cell.rowspan > 1 or cell.colspan > 1:
        ws.merge_range(cell.row, cell.col, cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1, "", fmt)
    if cell.item is not None and totals_as_values and ctx.values.get(cell.item, 0) is None:
        ws.write_blank(cell.row, cell.col, None, fmt)  # not in the source: left empty
    elif cell.formula is not None and cell.item is not None and totals_as_values:
        ws.write_number(cell.row, cell.col, float(ctx.values.get(cell.item, 0) or 0), fmt)
    elif cell.formula is not None:
        write_formula(ws, cell.row, cell.col, cell.formula, fmt, cell.cached(ctx) if cell.cached else 0)
    elif cell.item is not None:
        ws.write_number(cell.row, cell.col, float(ctx.values.get(cell.item, 0) or 0), fmt)
    elif cell.meta is not None:
        value = ctx.meta.get(cell.meta)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            ws.write_number(cell.row, cell.col, value, fmt)
        else:
            write_text(ws, cell.row, cell.col, "" if value is None else str(value), fmt)
    elif cell.text_id is not None:
        write_text(ws, cell.row, cell.col, ctx.texts.get(cell.text_id, ""), fmt)
    elif cell.info is not None:
        write_text(ws, cell.row, cell.col, ctx.info.get(cell.info, ""), fmt)
    elif cell.cached is not None:  # a constant the layout computes (feedback_open: 0 in a template)
        ws.write_number(cell.row, cell.col, _cached(cell.cached(ctx)), fmt)
    elif cell.link is not None:
        ws.write_url(cell.row, cell.col, "internal:" + cell.link, fmt, string=cell.text)
    elif cell.text is not None:
        write_text(ws, cell.row, cell.col, cell.text, fmt)
    if cell.name:
        workbook.define_name(cell.name, "=" + absolute_ref(sheet.name, cell.row, cell.col))




def fit_cell(text: str) -> str:
    """Text as it fits one Excel cell: whole, or its start with a note saying it was cut and how long it was."""
    if len(text) <= CELL_LIMIT:
        return text
    note = f"……（原文共 {len(text)} 个字符，超过 Excel 单元格上限 {CELL_LIMIT} 个字符，以下已截断）"
    return text[:CELL_LIMIT - len(note)] + note


def write_text(ws, row: int, col: int, text: str, fmt) -> None:
    """Text as a string (never a formula); text over a cell's limit is cut visibly (see :func:`fit_cell`)."""
    if text == "":
        ws.write_blank(row, col, None, fmt)
        return
    ws.write_string(row, col, fit_cell(text), fmt)


# functions that Excel 2007, WPS and LibreOffice all evaluate the same way; nothing else goes into our workbooks
PORTABLE_FUNCTIONS = frozenset({"SUM", "IF", "AND", "OR", "NOT", "ABS", "ROUND", "ISNUMBER", "ISBLANK", "COUNTBLANK",
                                "SUMIF", "COUNTIF", "LEN", "SUBSTITUTE", "MAX", "MIN", "CHAR"})
_FUNCTION = re.compile(r'"[^"]*"|([A-Z][A-Z0-9.]*)\(')


class PortableWorksheet(Worksheet):
    """A worksheet whose cell formulas all come through :func:`write_formula`, which admits only functions every
    application knows: XlsxWriter's renaming of newer functions (thirty regular-expression passes over each
    formula) has nothing to do there, and skipping it saves a third of writing 指标 for 1,000 agencies."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        if expand_future_functions:  # conditional formats and validations: as XlsxWriter does it
            return super()._prepare_formula(formula, expand_future_functions)
        return formula[1:] if formula.startswith("=") else formula


def write_formula(ws, row: int, col: int, formula: str, fmt, value: Any) -> None:
    """Every formula of our workbooks is written here: ``formula`` (without "=") with the value it computes.

    The value is cached in the file, so a reader (or Excel's protected view) sees it without recalculating;
    a function outside :data:`PORTABLE_FUNCTIONS` is refused, so no workbook depends on one application.
    """
    for match in _FUNCTION.finditer(formula):
        if match.group(1) and match.group(1) not in PORTABLE_FUNCTIONS:
            raise ValueError(f"formula uses {match.group(1)}, not evaluated alike by Excel 2007, WPS and LibreOffice")
    ws.write_formula(row, col, "=" + formula, fmt, _cached(value))


def _cached(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
