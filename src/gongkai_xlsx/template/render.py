"""Write locked Excel templates of the national form with XlsxWriter.

The layout (what goes where) comes from :mod:`gongkai_xlsx.template.layout`; this module only renders it: formats,
merges, formulas with their cached values, defined names, validation, conditional formatting, protection,
print setup and the identity stamp.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from .. import __version__
from ..files import write_atomically
from ..findings import Finding
from ..form import CURRENT_FORM, Form, Severity
from ..ooxml.package import CELL_LIMIT
from ..roster import Agency
from .layout import (
    ANSWER_PREFIX,
    blank_formula,
    FEEDBACK_OPEN,
    INFO_BOX,
    REQUIRED_MISSING,
    SHEET_STAMP,
    Cell,
    Context,
    SheetLayout,
    absolute_ref,
    quote_sheet,
    wrapped_lines,
)
from .build import layout_for
from .fingerprint import layout_fingerprint
from .stamp import (CONTENT_DIGEST, GENERATOR, IMPORT_ERRORS, IMPORT_RECORD, NAME_PREFIX, PROPERTY_PREFIX, Stamp,
                    content_digest, import_record)

DEFAULT_PASSWORD = "gongkai"
"""Sheet protection guards against accidents, not people; the password is documented in the README."""

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
LOCKED_FROM_ROSTER = "meta_locked"  # identity cells that the roster filled: same look as input, but locked


@dataclass(frozen=True)
class TemplateFile:
    """One written template."""

    path: Path
    agency: Agency | None
    stamp: Stamp


def template_id(form: Form, year: int, agency: Agency | None) -> str:
    code = agency.code if agency else "BLANK"
    return f"GK{form.version}-{year}-{code}-{layout_fingerprint(form)[:8]}"


def make_stamp(form: Form, year: int, agency: Agency | None, origin: str = "template", **extra: str) -> Stamp:
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
        origin=origin,
        **extra,
    )


ASK_COORDINATOR = "（请向政务公开办询问）"


@dataclass(frozen=True)
class Question:
    """A question a feedback copy puts to the office and keeps open until its cells or its answer settle it
    (the answer cell is named ``answer_<item>``):

    - ``total``: a total the office typed over (``typed``) that its parts do not add up to; settled when the
      parts add up to it, or answered (the total was wrong);
    - ``value``: a value the feedback copy could only show as ``typed`` (a text in a number cell, a negative or
      fractional count); settled when the cell holds another value, or answered.
    """

    item: str
    typed: str  # a number, as text
    kind: str = "total"  # "total" | "value"

    def open_formula(self) -> str:
        """1 while the question is open, else 0 (Excel)."""
        unsettled = f"{self.item}<>{self.typed}" if self.kind == "total" else f"{self.item}={self.typed}"
        return f"IF(AND({unsettled},{blank_formula(self.answer_name)}),1,0)"

    @property
    def answer_name(self) -> str:
        return ANSWER_PREFIX + self.item


def info_box(due: str = "", return_to: str = "", contact: str = "") -> str:
    """The first sheet's box: what to fill, where to send it, by when, whom to call."""
    return (f"只填浅黄色单元格 · 报送至 {return_to or ASK_COORDINATOR} · 截止 {due or ASK_COORDINATOR} · "
            f"联系人 {contact or ASK_COORDINATOR}")


def render_template(
    *,
    year: int,
    agency: Agency | None = None,
    form: Form = CURRENT_FORM,
    values: Mapping[str, float | int | Decimal] | None = None,
    texts: Mapping[str, str] | None = None,
    meta: Mapping[str, Any] | None = None,
    password: str = DEFAULT_PASSWORD,
    origin: str = "template",
    totals_as_values: bool = False,
    annotations: Mapping[str, str] | None = None,
    front_sheet: "FrontSheet | None" = None,
    import_findings: "Sequence[Finding] | None" = None,
    due: str = "",
    return_to: str = "",
    contact: str = "",
    questions: "tuple[Question, ...]" = (),
) -> bytes:
    """The template workbook as bytes.

    ``values`` (input item id → number), ``texts`` and ``meta`` (identity fields typed by the office) fill
    it in, e.g. for sample workbooks or feedback copies; totals are formulas computed from the inputs.
    With ``totals_as_values`` (for reports imported from a publication, ``origin="imported"``) the totals
    are written as the numbers given in ``values``, exactly as published, so the checks can catch a
    published total that does not add up. ``annotations`` (item, identity or text id → comment) highlights
    those cells and comments them; ``front_sheet`` adds a first sheet (the findings of a feedback copy).
    ``import_findings`` (an imported report's findings) are kept in the stamp with the items left unset (a value
    of None, written as an empty cell), so that reading the workbook repeats them.
    ``due``, ``return_to`` and ``contact`` fill the first sheet's box and the stamp; ``questions`` (a feedback
    copy's) stay open in the banner until the office answers them.
    """
    layout = layout_for(form)
    # the year and the roster's identity are the coordinator's, never the office's
    meta_values: dict[str, Any] = {**(meta or {}), "meta_year": year}
    if agency:
        meta_values.update(meta_agency=agency.name, meta_code=agency.code)
    if totals_as_values:  # a cell the source did not give (None) stays empty, never a 0 nobody published
        given = values or {}
        complete = {item.id: None if item.id in given and given[item.id] is None else given.get(item.id, 0) or 0
                    for item in form.items}
    else:
        complete = form.complete_values(values or {})
    ctx = Context(form, complete, dict(texts or {}), meta_values,
                  info={INFO_BOX: info_box(due, return_to, contact)}, open_questions=len(questions))
    question_data = json.dumps([{"item": q.item, "typed": q.typed, "kind": q.kind} for q in questions],
                               ensure_ascii=False) \
        if questions else ""
    stamp = make_stamp(form, year, agency, origin, due=due, return_to=return_to, contact=contact,
                       questions=question_data)
    locked_meta = {"meta_year"} | ({"meta_agency", "meta_code"} if agency else set())

    buffer = io.BytesIO()
    # the Normal style in 宋体 as Chinese Excel has it: column widths are measured in its digits, so a
    # spreadsheet application without Calibri (LibreOffice on a Linux desktop) does not widen every column
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "default_format_properties": {"font_name": FONT, "font_size": 11},
                                            "strings_to_numbers": False, "strings_to_urls": False})
    created = datetime(year + 1, 1, 1)  # fixed, so the same inputs give the same bytes
    workbook.set_properties({
        "title": f"{year}年{form.title}",
        "subject": f"{form.title}（{form.basis}）",
        "author": GENERATOR,
        "company": "",
        "comments": f"{GENERATOR} {__version__} · template {stamp.template_id}",
        "created": created,
    })
    for key, value in stamp.as_dict().items():
        workbook.set_custom_property(PROPERTY_PREFIX + key, value)
    record = None
    if import_findings is not None:
        unset = [item.id for item in form.items if complete.get(item.id, 0) is None]
        record = import_record(list(import_findings), unset)
        errors = sum(1 for f in import_findings if f.severity is Severity.ERROR)
        workbook.set_custom_property(PROPERTY_PREFIX + IMPORT_ERRORS, str(errors))
    if origin == "feedback":  # lets a later run tell this copy, unchanged, from a return (see merge.own_output)
        fitted = {key: fit_cell(str(text)) for key, text in (texts or {}).items()}
        workbook.set_custom_property(PROPERTY_PREFIX + CONTENT_DIGEST,
                                     content_digest(form, complete, fitted, meta_values))
    formats = Formats(workbook)
    if front_sheet is not None:
        _write_front_sheet(workbook, front_sheet, formats, password)
    open_formula = "+".join(q.open_formula() for q in questions)
    for sheet in layout.sheets:
        write_sheet(workbook, sheet, formats, ctx, locked_meta, password, totals_as_values, annotations or {},
                    formulas={FEEDBACK_OPEN: open_formula} if open_formula else {})
    _write_stamp_sheet(workbook, stamp, password, record)
    workbook.set_calc_mode("auto")
    workbook.close()
    return buffer.getvalue()


def write_template(path: str | os.PathLike, **kwargs) -> TemplateFile:
    """Write one template to ``path`` atomically (a temporary file renamed into place)."""
    path = Path(path)
    data = render_template(**kwargs)
    write_atomically(path, data)
    form = kwargs.get("form", CURRENT_FORM)
    extra = {key: kwargs[key] for key in ("due", "return_to", "contact") if kwargs.get(key)}
    return TemplateFile(path, kwargs.get("agency"), make_stamp(form, kwargs["year"], kwargs.get("agency"),
                                                                kwargs.get("origin", "template"), **extra))


# ------------------------------------------------------------------------------------------ rendering
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
        ws.conditional_format(row, col, row, col, {"type": "formula", "criteria": "=check_failures>0",
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


@dataclass(frozen=True)
class FrontSheet:
    """A sheet put before the form, e.g. the findings (校验结果) of a feedback copy."""

    name: str
    title: str
    lines: tuple[str, ...]  # short paragraphs under the title
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    widths: tuple[float, ...]
    answers: tuple[tuple[int, int, str], ...] = ()  # (index in rows, column, defined name): unlocked answer cells


def _write_front_sheet(workbook, sheet: FrontSheet, formats: Formats, password: str) -> None:
    ws = workbook.add_worksheet(sheet.name)
    last = len(sheet.headers) - 1
    for col, width in enumerate(sheet.widths):
        ws.set_column(col, col, width)
    ws.merge_range(0, 0, 0, last, "", formats.get("title", True))
    write_text(ws, 0, 0, sheet.title, formats.get("title", True))
    row = 1
    for line in sheet.lines:
        ws.merge_range(row, 0, row, last, "", formats.get("subtitle_left", True))
        write_text(ws, row, 0, line, formats.get("subtitle_left", True))
        row += 1
    row += 1
    for col, header in enumerate(sheet.headers):
        write_text(ws, row, col, header, formats.get("header", True))
    ws.repeat_rows(row)
    ws.freeze_panes(row + 1, 0)
    answers = {(index, col): name for index, col, name in sheet.answers}
    for index, values in enumerate(sheet.rows):
        row += 1
        # about two width units per Chinese character
        lines = max(wrapped_lines(str(value), max(4, int(width / 2)))
                    for value, width in zip(values, sheet.widths))
        ws.set_row(row, 4 + 14 * lines)
        for col, value in enumerate(values):
            name = answers.get((index, col))
            fmt = formats.get("text_input", False) if name else formats.get("label", True)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(row, col, value, fmt)
            else:
                write_text(ws, row, col, "" if value is None else str(value), fmt)
            if name:
                workbook.define_name(name, "=" + absolute_ref(sheet.name, row, col))
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.activate()
    ws.protect(password, {"select_locked_cells": True, "select_unlocked_cells": True, "format_rows": True,
                          "format_columns": True})


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


def _write_stamp_sheet(workbook, stamp: Stamp, password: str, record: str | None = None) -> None:
    ws = workbook.add_worksheet(SHEET_STAMP)
    ws.write_string(0, 0, "key")
    ws.write_string(0, 1, "value")
    entries = list(stamp.as_dict().items()) + ([(IMPORT_RECORD, record)] if record is not None else [])
    for row, (key, value) in enumerate(entries, start=1):
        ws.write_string(row, 0, key)
        ws.write_string(row, 1, value)
        workbook.define_name(NAME_PREFIX + key, f"={quote_sheet(SHEET_STAMP)}!$B${row + 1}")
    ws.very_hidden()
    ws.protect(password)


# ------------------------------------------------------------------------------------------ many at once
_NAME_TOKEN = "\u2983gk-agency-name\u2984"
_CODE_TOKEN = "\u2983gk-agency-code\u2984"
_SHARED_STRING = re.compile(r"<t(?: [^>]*)?>([^<]*)</t>")
_ESCAPED_LITERAL = re.compile(r"_x[0-9a-fA-F]{4}_")


def _xml_text(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode("utf-8")


class TemplateFactory:
    """Renders one year's templates for many agencies quickly.

    Only the agency's name and code differ between two agencies' templates. The factory renders the workbook
    once with XlsxWriter, using placeholder tokens for those two strings, and then produces each agency's file
    by substituting the (XML-escaped) name and code into the parts and zipping them the way XlsxWriter does.
    ``content`` (values, texts, meta) is the same for every agency: blank templates, or benchmark data.
    A test proves the result is byte-identical to :func:`render_template`; any name the substitution could not
    reproduce exactly (control characters, surrounding spaces, a name that equals another string of the
    workbook) is rendered in full instead.
    """

    def __init__(self, year: int, *, form: Form = CURRENT_FORM, password: str = DEFAULT_PASSWORD,
                 **content: Any) -> None:
        self.year, self.form, self.password, self.content = year, form, password, content
        prototype = render_template(year=year, form=form, password=password,
                                    agency=Agency(code=_CODE_TOKEN, name=_NAME_TOKEN), **content)
        with zipfile.ZipFile(io.BytesIO(prototype)) as archive:
            self.parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
        shared = dict(self.parts).get("xl/sharedStrings.xml", b"").decode("utf-8")
        self.strings = {s for s in _SHARED_STRING.findall(shared)} - {_NAME_TOKEN, _CODE_TOKEN}

    def render(self, agency: Agency | None) -> bytes:
        """The template for ``agency`` (the blank template for None)."""
        if agency is None or not self._substitutable(agency):
            return render_template(year=self.year, agency=agency, form=self.form, password=self.password,
                                   **self.content)
        name, code = _xml_text(agency.name), _xml_text(agency.code)
        tokens = (_NAME_TOKEN.encode("utf-8"), _CODE_TOKEN.encode("utf-8"))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for filename, blob in self.parts:
                if tokens[0] in blob or tokens[1] in blob:
                    blob = blob.replace(tokens[0], name).replace(tokens[1], code)
                info = zipfile.ZipInfo(filename, (1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, blob)
        return buffer.getvalue()

    def _substitutable(self, agency: Agency) -> bool:
        values = (agency.name, agency.code)
        return (agency.name != agency.code
                and all(v and v == v.strip() and not any(ord(ch) < 32 for ch in v)
                        and not _ESCAPED_LITERAL.search(v)
                        and v not in self.strings and _xml_text(v).decode("utf-8") not in self.strings
                        for v in values))
