"""Write locked Excel templates of the national form with XlsxWriter.

The layout (what goes where) comes from :mod:`gongkai_xlsx.template.build`, and :mod:`.sheet_writer` renders its
sheets; this module makes the workbook: the identity and content it is filled with, a feedback copy's first sheet
and questions, the identity stamp, and many agencies' templates at once (:class:`TemplateFactory`).
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from .. import __version__
from ..files import write_atomically
from ..findings import Finding
from ..form import CURRENT_FORM, Form, MetaRole
from ..roster import Agency
from .layout import (
    ANSWER_PREFIX,
    FEEDBACK_OPEN,
    INFO_BOX,
    Context,
    absolute_ref,
    blank_formula,
    wrapped_lines,
)
from .build import layout_for
from .sheet_writer import FONT, Formats, fit_cell, write_sheet, write_text
from .stamp import GENERATOR, Stamp, StampOrigin, content_digest, make_stamp, write_stamp

DEFAULT_PASSWORD = "gongkai"
"""Sheet protection guards against accidents, not people; the password is documented in the README."""

@dataclass(frozen=True)
class TemplateFile:
    """One written template."""

    path: Path
    agency: Agency | None
    stamp: Stamp


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


def render_template(**kwargs) -> bytes:
    """The template workbook as bytes (see :func:`render_template_with_stamp` for the arguments)."""
    return render_template_with_stamp(**kwargs)[0]


def render_template_with_stamp(
    *,
    year: int,
    agency: Agency | None = None,
    form: Form = CURRENT_FORM,
    values: Mapping[str, float | int | Decimal] | None = None,
    texts: Mapping[str, str] | None = None,
    meta: Mapping[str, Any] | None = None,
    password: str = DEFAULT_PASSWORD,
    origin: StampOrigin = StampOrigin.TEMPLATE,
    totals_as_values: bool = False,
    annotations: Mapping[str, str] | None = None,
    front_sheet: "FrontSheet | None" = None,
    import_findings: "Sequence[Finding] | None" = None,
    due: str = "",
    return_to: str = "",
    contact: str = "",
    questions: "tuple[Question, ...]" = (),
) -> tuple[bytes, Stamp]:
    """The template workbook as bytes, and the stamp written into it.

    ``values`` (input item id → number), ``texts`` and ``meta`` (identity fields typed by the office) fill
    it in, e.g. for sample workbooks or feedback copies; totals are formulas computed from the inputs.
    With ``totals_as_values`` (for reports imported from a publication, ``origin=StampOrigin.IMPORTED``) the totals
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
    meta_values: dict[str, Any] = {**(meta or {}), form.meta_id(MetaRole.YEAR): year}
    if agency:
        meta_values.update({form.meta_id(MetaRole.AGENCY): agency.name, form.meta_id(MetaRole.CODE): agency.code})
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
    locked_meta = {field.id for field in form.meta if field.set_by_template or (agency and field.from_roster)}

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
    digest = None
    if origin == StampOrigin.FEEDBACK:  # lets a later run tell this copy, unchanged, from a return (see merge.own_output)
        fitted = {key: fit_cell(str(text)) for key, text in (texts or {}).items()}
        digest = content_digest(form, complete, fitted, meta_values)
    formats = Formats(workbook)
    if front_sheet is not None:
        _write_front_sheet(workbook, front_sheet, formats, password)
    open_formula = "+".join(q.open_formula() for q in questions)
    for sheet in layout.sheets:
        write_sheet(workbook, sheet, formats, ctx, locked_meta, password, totals_as_values, annotations or {},
                    formulas={FEEDBACK_OPEN: open_formula} if open_formula else {})
    unset = [item.id for item in form.items if complete.get(item.id, 0) is None]
    write_stamp(workbook, stamp, password,
                import_findings=None if import_findings is None else list(import_findings), unset=unset, digest=digest)
    workbook.set_calc_mode("auto")
    workbook.close()
    return buffer.getvalue(), stamp


def write_template(path: str | os.PathLike, **kwargs) -> TemplateFile:
    """Write one template to ``path`` atomically (a temporary file renamed into place)."""
    path = Path(path)
    data, stamp = render_template_with_stamp(**kwargs)
    write_atomically(path, data)
    return TemplateFile(path, kwargs.get("agency"), stamp)  # the stamp as written, not rebuilt from the arguments


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
