"""The consolidated (汇总) workbook that auditors open in Excel, written fresh with XlsxWriter.

Sheets (names are a contract): 说明, 汇总 (the national layout holding the totals as live formulas over 明细, every
cell named by its stable id, the rules re-checked), 分类汇总, 明细 (one row per counted agency, one column per
stable id), 文字 (the offices' text, never a formula), 报送情况 (every roster agency and every input), 校验明细
(every finding), optionally one sheet per agency, and the identity stamp. The same inputs give the same bytes.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from .. import __version__
from ..form import Severity
from ..template.consolidated_layout import (
    DETAIL_FIRST_ROW,
    DETAIL_FIXED,
    DETAIL_ID_ROW,
    SHEET_BY_CATEGORY,
    SHEET_DETAIL,
    SHEET_FINDINGS,
    SHEET_README,
    SHEET_STATUS,
    SHEET_SUMMARY,
    SHEET_TEXTS,
)
from ..template.layout import (
    SHEET_STAMP,
    Context,
    FormulaPlacement,
    ValuePlacement,
    quote_sheet,
    unit_on_its_own_line,
    wrapped_lines,
)
from ..template.sheet_writer import Formats, PortableWorksheet, write_formula, write_sheet, write_text
from ..template.stamp import GENERATOR, NAME_PREFIX, PROPERTY_PREFIX
from ..template.tables import SUMMARY_PRINT_COLS, tables_sheet
from .coverage import coverage_short, coverage_text
from .indicators import SHEET_INDICATORS, write_indicators
from .merge import COUNTED, STATUS_ZH, Entry, MergeResult, column_sums, status_text



def consolidated_filename(result: MergeResult) -> str:
    return f"{result.year}年政府信息公开工作年度报告汇总_{result.unit_name or '汇总'}.xlsx"


PER_AGENCY_LIMIT = 200  # per-agency sheets by default up to this many members (1,000 would double the file)


def render_consolidated(result: MergeResult, *, per_agency_sheets: bool | None = None) -> bytes:
    """The consolidated workbook as bytes (deterministic for the same merge result).

    ``per_agency_sheets``: one national-layout sheet per counted member; by default when there are at most
    :data:`PER_AGENCY_LIMIT` members.
    """
    if per_agency_sheets is None:
        per_agency_sheets = len(result.members) <= PER_AGENCY_LIMIT
    # XlsxWriter keeps an object per cell until it writes the file (a quarter of a million for 1,000 agencies);
    # none of them is part of a cycle, yet the cycle collector would scan them again and again (5 % of the work)
    with _cycle_collector_paused():
        return _render(result, per_agency_sheets)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _render(result: MergeResult, per_agency_sheets: bool) -> bytes:
    form = result.form
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
    workbook.worksheet_class = PortableWorksheet  # every formula here is written by write_formula
    made = data_as_of(result)
    workbook.set_properties({"title": f"{result.year}年政府信息公开工作年度报告汇总", "author": GENERATOR,
                             "comments": f"{GENERATOR} {__version__}", "created": made})
    formats = Formats(workbook)
    styles = _Styles(workbook)
    pages = _Pages(result)
    stamp = {
        "form_version": form.version, "form_basis": form.basis, "year": str(result.year),
        "template_id": f"GK{form.version}-{result.year}-{result.unit_code or 'UNIT'}-CONSOLIDATED",
        "generator": GENERATOR, "generator_version": __version__, "agency_code": result.unit_code,
        "agency_name": result.unit_name, "fingerprint": "", "origin": "consolidated",
        "units": str(sum(m.units for m in result.members)), "members": str(len(result.members)),
    }
    for key, value in stamp.items():
        workbook.set_custom_property(PROPERTY_PREFIX + key, value)

    readme = workbook.add_worksheet(SHEET_README)
    detail_rows = len(result.members)
    last_detail_row = DETAIL_FIRST_ROW + max(detail_rows, 1) - 1  # an empty range still sums to 0
    detail = DetailRefs(form, last_detail_row)

    title = f"{result.unit_name}{result.year}年政府信息公开工作年度报告汇总表"
    summary = tables_sheet(form, SHEET_SUMMARY, title, FormulaPlacement(detail.column_sum), with_check_total=True,
                           subtitle=coverage_text(result))
    ctx = Context(form, result.totals, {}, {})
    ws = write_sheet(workbook, summary.layout, formats, ctx, set(), password="")
    ws.set_h_pagebreaks([summary.table3_row])
    pages.setup(ws, SHEET_SUMMARY, list(summary.layout.widths.values())[:SUMMARY_PRINT_COLS], landscape=True,
                centre=True)
    write_indicators(workbook, result, styles, detail, pages)
    _by_category(workbook, result, styles, detail, pages)
    _detail(workbook, result, styles, pages)
    _texts(workbook, result, styles, pages)
    _status(workbook, result, styles, pages)
    _findings(workbook, result, styles, pages)
    if per_agency_sheets:
        for index, member in enumerate(result.members, start=1):
            name = _sheet_name(index, member.agency.name)
            agency = member.agency
            about = (f"机构代码 {agency.code}；类别 {agency.category or '—'}；{status_text(member.entry)}；"
                     f"来源文件 {member.entry.submission.name}。数字即该单位报送的数据（{SHEET_DETAIL}第 "
                     f"{DETAIL_FIRST_ROW + index} 行）。")
            sheet = tables_sheet(form, name, f"{agency.name}{result.year}年度（报送数据）", ValuePlacement(),
                                 with_check_total=False, subtitle=about)
            ws = write_sheet(workbook, sheet.layout, formats, Context(form, member.values, {}, {}), set(),
                             password="")
            ws.set_h_pagebreaks([sheet.table3_row])
            pages.setup(ws, name, list(sheet.layout.widths.values())[:SUMMARY_PRINT_COLS], landscape=True,
                        centre=True)
    _readme(workbook, readme, result, styles, made, pages)
    stamp_sheet = workbook.add_worksheet(SHEET_STAMP)
    for row, (key, value) in enumerate(stamp.items(), start=1):
        stamp_sheet.write_string(row, 0, key)
        stamp_sheet.write_string(row, 1, value)
        workbook.define_name(NAME_PREFIX + key, f"={quote_sheet(SHEET_STAMP)}!$B${row + 1}")
    stamp_sheet.very_hidden()
    readme.activate()
    workbook.close()
    return buffer.getvalue()


class DetailRefs:
    """Addresses on 明细 for formulas elsewhere: an item's column, its sum, one member's cell."""

    def __init__(self, form, last_row: int) -> None:
        self.sheet = quote_sheet(SHEET_DETAIL)
        self.first, self.last = DETAIL_FIRST_ROW + 1, last_row + 1  # 1-based rows of the members
        self.letters = {item.id: xl_col_to_name(len(DETAIL_FIXED) + index) for index, item in enumerate(form.items)}
        self.category_range = f"{self.sheet}!$C${self.first}:$C${self.last}"

    def column(self, item_id: str) -> str:
        col = self.letters[item_id]
        return f"{self.sheet}!{col}${self.first}:{col}${self.last}"

    def column_sum(self, item_id: str) -> str:
        col = self.letters[item_id]
        return f"SUM({self.sheet}!{col}{self.first}:{col}{self.last})"

    def member_cell(self, item_id: str, offset: int) -> str:
        """The cell of the ``offset``-th member (0-based) in the item's column."""
        return f"{self.sheet}!{self.letters[item_id]}{self.first + offset}"


# ------------------------------------------------------------------------------------------ print setup
PRINTABLE_PX = {False: 698, True: 1026}  # A4 less 0.5-inch side margins, at 96 pixels per inch
MIN_POINTS = 8.0  # no printed text smaller than this
BODY_POINTS = 10.5


def column_px(width: float) -> int:
    """Pixels of a column ``width`` characters wide, as LibreOffice lays it out without Calibri installed (it
    measures in DejaVu Sans: 1,905/100 mm for a width of 7, about 9.5 px a character); Excel (Calibri, 7 px a
    character) shows it narrower, so a page that fits this fits both."""
    return int(width * 9.5 + 6) if width > 0 else 0


def min_scale(points: float = BODY_POINTS) -> int:
    """The smallest print scale (percent) that keeps ``points`` text at ≥ 8 pt."""
    return -(-int(MIN_POINTS * 1000 / points) // 10)


def print_scale(widths: Iterable[float], landscape: bool, points: float = BODY_POINTS) -> int:
    """The print scale (percent, at most 100) that fits ``widths`` on one page width, but never below
    :func:`min_scale`: a wider sheet then prints across several pages at 8 pt rather than shrink further.

    An explicit scale, not 'fit to one page wide': LibreOffice ignores fit-to-width when the height is left
    open (measured on 7.4), and an explicit scale prints the same everywhere."""
    width = sum(column_px(w) for w in widths)
    return max(min(100, PRINTABLE_PX[landscape] * 100 // max(width, 1)), min_scale(points))


class _Pages:
    """The same header and footer on every printed sheet: unit, year, coverage, page x / y."""

    def __init__(self, result: MergeResult) -> None:
        unit = (result.unit_name or "汇总").replace("&", "&&")
        self.header_left = f"{unit}{result.year}年度政府信息公开工作年度报告汇总"
        self.footer_left = coverage_short(result).replace("&", "&&")

    def setup(self, ws, title: str, widths: list[float], *, landscape: bool, repeat_rows: tuple[int, int] | None = None,
              repeat_cols: tuple[int, int] | None = None, points: float = BODY_POINTS, centre: bool = False) -> None:
        """A4 in the given orientation at :func:`print_scale` of ``widths`` (one page's columns); header and
        footer; the rows and columns repeated on every page."""
        ws.set_paper(9)  # A4
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.set_print_scale(print_scale(widths, landscape, points))
        ws.print_across()  # a wide sheet: page by page along the rows, the repeated columns on each
        ws.set_margins(left=0.5, right=0.5, top=0.55, bottom=0.55)
        options = {"margin": 0.25, "scale_with_doc": False}
        # a space after the size code: "&9001 …" would read as a font size of 9001
        ws.set_header(f"&L&9 {self.header_left}&R&9 {title.replace('&', '&&')}", options)
        ws.set_footer(f"&L&9 {self.footer_left}&R&9 第 &P 页，共 &N 页", options)
        if repeat_rows:
            ws.repeat_rows(*repeat_rows)
        if repeat_cols:
            ws.repeat_columns(*repeat_cols)
        if centre:
            ws.center_horizontally()


def data_as_of(result: MergeResult) -> datetime:
    """The newest e-mail date among the inputs: 'as of' for the workbook, and reproducible (no wall clock)."""
    dates = [e.submission.received for e in result.entries if e.submission.received]
    if dates:
        return max(dates).replace(tzinfo=None)
    return datetime(result.year + 1, 1, 1)


def _sheet_name(index: int, name: str) -> str:
    cleaned = "".join(ch for ch in name if ch not in "[]:*?/\\'")
    return f"{index:03d} {cleaned}"[:31]


class _Styles:
    def __init__(self, workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10.5, "font_charset": 134, "valign": "vcenter"}
        self.title = workbook.add_format({**base, "bold": True, "font_size": 14})
        self.header = workbook.add_format({**base, "bold": True, "border": 1, "text_wrap": True, "align": "center",
                                           "bg_color": "#D9E1F2"})
        self.id_header = workbook.add_format({**base, "border": 1, "font_color": "#595959",
                                              "align": "center", "text_wrap": True})
        self.text = workbook.add_format({**base, "border": 1, "num_format": "@"})
        self.quoted = workbook.add_format({**base, "border": 1, "quote_prefix": True, "text_wrap": True,
                                           "valign": "top"})
        self.number = workbook.add_format({**base, "border": 1, "num_format": "0"})
        self.amount = workbook.add_format({**base, "border": 1, "num_format": "General"})
        self.wrap = workbook.add_format({**base, "text_wrap": True, "valign": "top"})
        self.plain = workbook.add_format(base)
        self.wrapped = workbook.add_format({**base, "border": 1, "num_format": "@", "text_wrap": True, "valign": "top"})
        self.caption = workbook.add_format({**base, "bold": True, "border": 1, "bg_color": "#D9E1F2"})
        self.bold = workbook.add_format({**base, "bold": True})
        self.note = workbook.add_format({**base, "font_color": "#404040"})
        self.label = workbook.add_format({**base, "border": 1, "text_wrap": True})
        self.total = workbook.add_format({**base, "border": 1, "num_format": "0", "bold": True, "bg_color": "#EDEDED"})
        self.amount_total = workbook.add_format({**base, "border": 1, "num_format": "General", "bold": True,
                                                 "bg_color": "#EDEDED"})
        self.rate = workbook.add_format({**base, "border": 1, "num_format": "0.0%"})
        self.signed = workbook.add_format({**base, "border": 1, "num_format": "+0;-0;0"})
        self.small = workbook.add_format({**base, "border": 1, "align": "center", "font_color": "#C00000"})


def _number(ws, row: int, col: int, value: Any, fmt) -> None:
    ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)


def _string(ws, row: int, col: int, text: Any, fmt) -> None:
    """Text from offices or files: always a string, never a formula, even when it starts with = + - @."""
    text = "" if text is None else str(text)
    if text == "":
        ws.write_blank(row, col, None, fmt)
    else:
        write_text(ws, row, col, text, fmt)


def _header(ws, styles: _Styles, labels: Iterable[str], ids: Iterable[str] | None = None) -> int:
    for col, label in enumerate(labels):
        _string(ws, 0, col, label, styles.header)
    if ids is None:
        return 1
    for col, key in enumerate(ids):
        _string(ws, 1, col, key, styles.id_header)
    return 2


def _detail(workbook, result: MergeResult, styles: _Styles, pages: _Pages) -> None:
    form = result.form
    ws = workbook.add_worksheet(SHEET_DETAIL)
    labels = [label for label, _ in DETAIL_FIXED] + [item.label for item in form.items]
    ids = [key for _, key in DETAIL_FIXED] + [item.id for item in form.items]
    _header(ws, styles, labels, ids)
    widths = list(DETAIL_WIDTHS) + [DETAIL_NUMBER_WIDTH] * len(form.items)
    ws.set_row(0, 4 + 14 * max(display_lines(label, DETAIL_NUMBER_WIDTH) for label in labels))
    ws.set_row(DETAIL_ID_ROW, 4 + 14 * max(display_lines(key, DETAIL_NUMBER_WIDTH) for key in ids))
    ws.set_default_row(15)
    for col, width in enumerate(DETAIL_WIDTHS):
        ws.set_column(col, col, width)
    ws.set_column(len(DETAIL_FIXED), len(ids) - 1, DETAIL_NUMBER_WIDTH)
    # the numbers are nearly all of the consolidated workbook's cells (200 per agency): each member's row of
    # them is made once by the merge, and they carry no cell style (a style on each costs XlsxWriter an eighth
    # more; Excel's gridlines and General format show them just as well)
    first_number_col = len(DETAIL_FIXED)
    write_number = ws.write_number
    for offset, member in enumerate(result.members):
        row = DETAIL_FIRST_ROW + offset
        agency = member.agency
        fixed = (agency.code, agency.name, agency.category, agency.parent, status_text(member.entry))
        for col, value in enumerate(fixed):
            _string(ws, row, col, value, styles.text)
        _number(ws, row, 5, member.units, styles.number)
        _string(ws, row, 6, member.entry.submission.name, styles.text)
        for col, value in enumerate(member.row, start=first_number_col):
            write_number(row, col, float(value) if type(value) is Decimal else value)
    ws.freeze_panes(DETAIL_FIRST_ROW, 2)
    ws.autofilter(1, 0, DETAIL_FIRST_ROW + max(len(result.members), 1) - 1, len(ids) - 1)
    ws.hide_gridlines(0)  # printed too: the numbers have no borders of their own
    # every printed page repeats both header rows and the agency's code and name: a number is never anonymous
    pages.setup(ws, SHEET_DETAIL, widths, landscape=True, repeat_rows=(0, DETAIL_ID_ROW), repeat_cols=(0, 1))


DETAIL_WIDTHS = (19, 14, 6, 8, 12, 5, 20)  # 代码 名称 类别 上级 状态 下级单位数 来源文件
DETAIL_NUMBER_WIDTH = 10


def _by_category(workbook, result: MergeResult, styles: _Styles, detail: DetailRefs, pages: _Pages) -> None:
    """Items down the side in the national order (grouped by table, labels verbatim), one column per roster
    category and 合计; every number a formula over 明细 (SUMIF by category, SUM for 合计) with its cached value."""
    form = result.form
    ws = workbook.add_worksheet(SHEET_BY_CATEGORY)
    categories = by_category_columns(result)
    last = 2 + len(categories)  # the 合计 column
    id_col = last + 2  # the stable ids, outside the print area (for programs; a printout needs no codes)
    widths = [BY_CATEGORY_LABEL_WIDTH, BY_CATEGORY_COLUMN_WIDTH] + [9] * len(categories) + [10]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.set_column(last + 1, last + 1, 2)
    ws.set_column(id_col, id_col, 24)
    _string(ws, 0, 0, f"{result.unit_name}{result.year}年政府信息公开工作年度报告分类汇总表", styles.title)
    ws.set_row(0, 24)
    _string(ws, 1, 0, f"按名册类别汇总（{coverage_short(result)}）；每个数字是对“{SHEET_DETAIL}”相应列按类别的求和公式，"
                      f"“合计”等于“{SHEET_SUMMARY}”中的同一项。", styles.note)
    header_row = 2
    for col, label in enumerate(["项目", "栏目", *categories, "合计"]):
        _string(ws, header_row, col, label, styles.header)
    _string(ws, header_row, id_col, "编号", styles.id_header)
    ws.set_row(header_row, 30)
    members_by_category: dict[str, list] = {category: [] for category in categories}
    for member in result.members:
        members_by_category[member.agency.category].append(member.row)
    totals_by_category = {c: column_sums(rows, len(form.items)) for c, rows in members_by_category.items()}
    category_cells = [xl_rowcol_to_cell(header_row, 2 + i, row_abs=True) for i in range(len(categories))]
    row = header_row + 1
    _string(ws, row, 0, "计入单位数", styles.label)
    _string(ws, row, 1, "个", styles.label)
    for i, category in enumerate(categories):
        write_formula(ws, row, 2 + i, f"COUNTIF({detail.category_range},{category_cells[i]})", styles.number,
                      len(members_by_category[category]))
    write_formula(ws, row, last, f"SUM({xl_rowcol_to_cell(row, 2)}:{xl_rowcol_to_cell(row, last - 1)})",
                  styles.total, len(result.members))
    _string(ws, row, id_col, "members", styles.id_header)
    row += 1
    index_of = {item.id: index for index, item in enumerate(form.items)}
    for table, heading in (("t2", form.table2.heading), ("t3", form.table3.heading), ("t4", form.table4.heading)):
        ws.merge_range(row, 0, row, last, "", styles.caption)
        _string(ws, row, 0, heading, styles.caption)
        row += 1
        items = [item for item in form.items if item.table == table]
        start = 0
        while start < len(items):  # one label for the run of items of a row, merged down like the national table
            end = start
            while end + 1 < len(items) and items[end + 1].row_label == items[start].row_label:
                end += 1
            label = items[start].row_label
            if end > start:
                ws.merge_range(row, 0, row + end - start, 0, "", styles.label)
            _string(ws, row, 0, label, styles.label)
            label_lines = wrapped_lines(label, BY_CATEGORY_LABEL_WIDTH // 2) if end == start else 1
            for item in items[start:end + 1]:
                number = styles.amount if item.decimals else styles.number
                column_label = unit_on_its_own_line(item.col_label) or "—"
                _string(ws, row, 1, column_label, styles.label)
                lines = max(label_lines, wrapped_lines(column_label, BY_CATEGORY_COLUMN_WIDTH // 2))
                if lines > 1:  # a 栏目 such as 本年收费金额\n（单位：万元） needs its lines, not the next row
                    ws.set_row(row, 4 + 14 * lines)
                column = detail.column(item.id)
                for i, category in enumerate(categories):
                    write_formula(ws, row, 2 + i, f"SUMIF({detail.category_range},{category_cells[i]},{column})",
                                  number, totals_by_category[category][index_of[item.id]])
                write_formula(ws, row, last, detail.column_sum(item.id),
                              styles.amount_total if item.decimals else styles.total, result.totals[item.id])
                _string(ws, row, id_col, item.id, styles.id_header)
                row += 1
            start = end + 1
    ws.freeze_panes(header_row + 1, 2)
    ws.print_area(0, 0, row - 1, last)
    pages.setup(ws, SHEET_BY_CATEGORY, widths, landscape=print_scale(widths, False) is not None,
                repeat_rows=(header_row, header_row))


BY_CATEGORY_LABEL_WIDTH = 34
BY_CATEGORY_COLUMN_WIDTH = 17  # 栏目: 本年处理决定数量 (8 characters) on one line


def by_category_columns(result: MergeResult) -> list[str]:
    """分类汇总's category columns: the roster's categories in roster order, then any other member's."""
    categories: list[str] = []
    for agency in (result.roster or []) + [m.agency for m in result.members]:
        if agency.category not in categories:
            categories.append(agency.category)
    return categories


def _texts(workbook, result: MergeResult, styles: _Styles, pages: _Pages) -> None:
    """One block per counted agency: its name, then each text section under its heading, wrapped in full."""
    form = result.form
    ws = workbook.add_worksheet(SHEET_TEXTS)
    ws.set_column(0, 0, TEXT_WIDTH)
    per_line = TEXT_CHARS_PER_LINE
    _string(ws, 0, 0, f"{result.unit_name}{result.year}年度各单位年度报告的文字部分", styles.title)
    ws.set_row(0, 24)
    row = 2
    for member in result.members:
        agency = member.agency
        _string(ws, row, 0, f"{agency.name}（{agency.code}；{agency.category or '—'}）", styles.caption)
        ws.set_row(row, 20)
        row += 1
        texts = member.entry.report.texts
        for section in form.texts:
            _string(ws, row, 0, section.heading, styles.bold)
            row += 1
            text = texts.get(section.id, "") or ""
            for chunk in text_rows(text, per_line) if text.strip() else ["（未填写）"]:
                _string(ws, row, 0, chunk, styles.quoted)
                ws.set_row(row, 6 + TEXT_LINE_POINTS * wrapped_lines(chunk, per_line))
                row += 1
        row += 1
    ws.print_area(0, 0, max(row - 1, 0), 0)
    pages.setup(ws, SHEET_TEXTS, [TEXT_WIDTH], landscape=False)


TEXT_WIDTH = 72
TEXT_CHARS_PER_LINE = 34  # Chinese characters a TEXT_WIDTH column holds at 10.5 pt, with a margin
TEXT_LINE_POINTS = 14
TEXT_ROW_LINES = 26  # Excel's tallest row is 409 points: longer texts go on in the next row


def text_rows(text: str, per_line: int, max_lines: int = TEXT_ROW_LINES) -> list[str]:
    """A long text cut into rows of at most ``max_lines`` wrapped lines, at paragraph ends where possible.

    Joining the rows with newlines gives the text back, except that a paragraph longer than a row is cut
    without a newline between its parts."""
    rows: list[str] = []
    current: list[str] = []
    lines = 0
    for paragraph in text.split("\n"):
        while wrapped_lines(paragraph, per_line) > max_lines:  # longer than a row by itself
            if current:
                rows.append("\n".join(current))
                current, lines = [], 0
            cut = per_line * max_lines
            rows.append(paragraph[:cut])
            paragraph = paragraph[cut:]
        needed = wrapped_lines(paragraph, per_line)
        if current and lines + needed > max_lines:
            rows.append("\n".join(current))
            current, lines = [], 0
        current.append(paragraph)
        lines += needed
    if current:
        rows.append("\n".join(current))
    return rows


STATUS_COLUMNS = ("序号", "机构代码", "机构名称", "类别", "报送情况", "文件", "发件人", "收到时间", "错误", "警告", "提示",
                  "说明", "填报日期", "sha256")
STATUS_WIDTHS = (4, 18, 12, 5, 10, 20, 14, 15, 4, 4, 4, 20, 12, 66)
STATUS_PRINTED = len(STATUS_COLUMNS) - 2  # 填报日期 and the hash are for checking and disputes, not the printout


def status_rows(result: MergeResult) -> list[tuple]:
    """Every roster agency and every input, once each: the 报送情况 sheet and the CLI summary share this."""
    rows: list[tuple] = []
    by_agency: dict[str, list[Entry]] = {}
    for entry in result.entries:
        if entry.agency is not None and entry.status not in ("unknown_agency",):
            by_agency.setdefault(entry.agency.code, []).append(entry)
    seen: set[int] = set()
    for agency in result.roster or []:
        entries = by_agency.get(agency.code, [])
        if not any(e.status in ("included", "invalid_included", "invalid_excluded") for e in entries):
            note = "截至汇总时未收到本年度报表" + ("（收到的文件见下行）" if entries else "")
            rows.append((agency.code, agency.name, agency.category, STATUS_ZH["missing"], None, note))
        for entry in sorted(entries, key=lambda e: e.status not in ("included", "invalid_included",
                                                                     "invalid_excluded")):
            seen.add(id(entry))
            rows.append((agency.code, agency.name, agency.category, status_text(entry), entry, _note(entry)))
    for entry in result.entries:
        if id(entry) in seen:
            continue
        report = entry.report
        code = entry.agency.code if entry.agency else (report.agency_code if report else "")
        name = entry.agency.name if entry.agency else (report.agency_name if report else "")
        category = entry.agency.category if entry.agency else ""
        rows.append((code, name, category, status_text(entry), entry, _note(entry)))
    return rows


def _note(entry: Entry) -> str:
    from .merge import imported

    note = _status_note(entry)
    if imported(entry):
        note = "由年报导入" + (f"；{note}" if note else "")
    return note


def _status_note(entry: Entry) -> str:
    if entry.status == "published":
        differing = sum(1 for f in entry.result.findings if f.code == "PUBLISHED_DIFFERS")
        return (f"与报送的工作簿有 {differing} 项不一致（汇总按工作簿计）" if differing
                else "与报送的工作簿一致（汇总按工作簿计）")
    if entry.status == "attachment":
        return entry.result.findings[0].message if entry.result.findings else ""
    if entry.status == "superseded" and entry.duplicate:
        return f"与 {entry.superseded_by} 相同（重复）"
    if entry.status == "superseded":
        return f"已被更新版本替代：{entry.superseded_by}"
    if entry.status == "unreadable":
        return entry.result.findings[0].message if entry.result.findings else ""
    if entry.status == "wrong_year":
        return next((f.message for f in entry.result.findings if f.code == "WRONG_YEAR"), "")
    if entry.status == "invalid_excluded":
        return "有错误，未计入汇总；已可生成退回意见"
    if entry.status == "unknown_agency":
        return "名册中没有此单位，未计入汇总"
    if entry.status in ("unidentified", "own_output"):
        code = "OWN_OUTPUT" if entry.status == "own_output" else ("IDENTITY_UNKNOWN", "IDENTITY_CONFLICT")
        return next((f.message for f in entry.result.findings if f.code in code), "")
    return ""


def _status(workbook, result: MergeResult, styles: _Styles, pages: _Pages) -> None:
    ws = workbook.add_worksheet(SHEET_STATUS)
    _header(ws, styles, STATUS_COLUMNS)
    ws.set_row(0, 30)
    rows = status_rows(result)
    for col, width in enumerate(STATUS_WIDTHS):
        ws.set_column(col, col, width)
    for number, (code, name, category, status, entry, note) in enumerate(rows, start=1):
        row = number
        _number(ws, row, 0, number, styles.number)
        for col, value in enumerate((code, name, category, status), start=1):
            _string(ws, row, col, value, styles.wrapped)
        lines = [display_lines(name or "", 12), display_lines(status, 10), display_lines(note, 20)]
        if entry is not None:
            submission = entry.submission
            report = entry.report
            values = (submission.name, submission.sender,
                      submission.received.strftime("%Y-%m-%d %H:%M") if submission.received else "")
            for col, value in enumerate(values, start=5):
                _string(ws, row, col, value, styles.wrapped)
            lines += [display_lines(submission.name, 20), display_lines(submission.sender or "", 14)]
            for col, severity in enumerate((Severity.ERROR, Severity.WARNING, Severity.NOTICE), start=8):
                _number(ws, row, col, sum(1 for f in entry.result.findings if f.severity is severity), styles.number)
            _string(ws, row, 12, report.meta.get("meta_date", "") if report else "", styles.text)
            _string(ws, row, 13, entry.result.sha256, styles.text)
        else:
            for col in (5, 6, 7, 8, 9, 10, 12, 13):
                ws.write_blank(row, col, None, styles.text)
        _string(ws, row, 11, note, styles.wrapped)
        ws.set_row(row, 4 + 14 * max(lines))
    ws.freeze_panes(1, 3)
    ws.autofilter(0, 0, max(1, len(rows)), len(STATUS_COLUMNS) - 1)
    ws.print_area(0, 0, max(1, len(rows)), STATUS_PRINTED - 1)
    pages.setup(ws, SHEET_STATUS, list(STATUS_WIDTHS[:STATUS_PRINTED]), landscape=True, repeat_rows=(0, 0))


FINDING_COLUMNS = ("序号", "机构名称", "文件", "报送情况", "代码", "级别", "问题", "单元格", "怎么改", "已说明", "机构代码")
FINDING_WIDTHS = (4, 12, 14, 9, 16, 4, 26, 16, 18, 8, 19)
FINDING_PRINTED = len(FINDING_COLUMNS) - 1  # the agency code is for filters and programs; its name prints
COUNTED_FINDINGS = "一、计入汇总的报表的问题"
OTHER_FINDINGS = "二、未计入汇总或已被替代的报表的问题（不影响汇总数）"


def finding_cells_text(finding) -> str:
    """All cells of a finding in one cell: 工作表!单元格（编号）= 值, separated by semicolons."""
    parts = []
    for cell in finding.cells:
        where = "!".join(part for part in (cell.sheet, cell.cell) if part)
        if cell.item:
            where += f"（{cell.item}）" if where else cell.item
        if cell.value not in (None, ""):
            where += f" = {cell.value}"
        parts.append(where)
    return "；".join(parts)


def finding_rows(result: MergeResult) -> tuple[list[tuple], list[tuple]]:
    """校验明细's rows, one per finding: (entry, finding) of the submissions that count, then of the others."""
    counted, others = [], []
    for entry in result.entries:
        for finding in entry.result.findings:
            (counted if entry.status in COUNTED else others).append((entry, finding))
    return counted, others


def _findings(workbook, result: MergeResult, styles: _Styles, pages: _Pages) -> None:
    """One row per finding (its cells listed in one cell): first those of the returns in the totals, then, in a
    second block, those of returns replaced by a newer version or not counted. 已说明 holds an office's
    explanation of a finding, when it gave one."""
    ws = workbook.add_worksheet(SHEET_FINDINGS)
    for col, width in enumerate(FINDING_WIDTHS):
        ws.set_column(col, col, width)
    counted, others = finding_rows(result)
    last = FINDING_PRINTED - 1
    width_of = dict(zip(FINDING_COLUMNS, FINDING_WIDTHS))
    wrapped = ("机构名称", "文件", "报送情况", "问题", "单元格", "怎么改", "已说明")
    row = 0
    header_row = 1
    for block, (heading, findings) in enumerate(((COUNTED_FINDINGS, counted), (OTHER_FINDINGS, others))):
        ws.merge_range(row, 0, row, last, "", styles.caption)
        _string(ws, row, 0, f"{heading}：{len(findings)} 个", styles.caption)
        row += 1
        for col, label in enumerate(FINDING_COLUMNS):
            _string(ws, row, col, label, styles.header if col <= last else styles.id_header)
        row += 1
        for number, (entry, finding) in enumerate(findings, start=1):
            code = entry.agency.code if entry.agency else (entry.report.agency_code if entry.report else "")
            name = entry.agency.name if entry.agency else (entry.report.agency_name if entry.report else "")
            explanation = getattr(finding, "explanation", None) or ""
            values = (number, name, entry.submission.name, status_text(entry), finding.code,
                      finding.severity.label, finding.message, finding_cells_text(finding), finding.hint, explanation,
                      code)
            for col, value in enumerate(values):
                if isinstance(value, int):
                    _number(ws, row, col, value, styles.number)
                else:
                    _string(ws, row, col, value, styles.wrapped)
            lines = max(display_lines(str(value), width_of[label]) for label, value in zip(FINDING_COLUMNS, values)
                        if label in wrapped)
            ws.set_row(row, min(409, 4 + 14 * lines))
            row += 1
        if block == 0:
            ws.autofilter(header_row, 0, max(row - 1, header_row + 1), len(FINDING_COLUMNS) - 1)
        if not findings:
            _string(ws, row, 0, "（无）", styles.text)
            row += 1
        row += 1
    ws.freeze_panes(header_row + 1, 3)
    ws.print_area(0, 0, row - 1, last)
    pages.setup(ws, SHEET_FINDINGS, list(FINDING_WIDTHS[:FINDING_PRINTED]), landscape=True,
                repeat_rows=(header_row, header_row))


def display_lines(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` characters wide: a Chinese character takes two."""
    per_line = max(1, int(width) - 1)
    lines = 0
    for part in str(text).split("\n"):
        shown = sum(2 if ord(ch) > 0x2E80 else 1 for ch in part)
        lines += max(1, -(-shown // per_line))
    return lines


def _readme(workbook, ws, result: MergeResult, styles: _Styles, made: datetime, pages: _Pages) -> None:
    counts = result.counts()
    widths = [18, 54]
    ws.set_column(0, 0, widths[0])
    ws.set_column(1, 1, widths[1])
    _string(ws, 0, 0, f"{result.unit_name}{result.year}年政府信息公开工作年度报告汇总", styles.title)
    lines = [
        ("汇总范围", coverage_text(result)),
        ("汇总单位", f"{result.unit_name}（{result.unit_code or '未设代码'}）"),
        ("报告年度", str(result.year)),
        ("表式", f"{result.form.basis}（{result.form.version}版）"),
        ("生成工具", f"{GENERATOR} {__version__}"),
        ("数据截至", made.strftime("%Y-%m-%d %H:%M") + "（最晚一份报送邮件的时间；无邮件时为年度次年1月1日）"),
        ("名册单位数", str(counts["expected"])),
        ("已报送", f"{counts['received']} 个单位"),
        ("通过校验并计入", f"{counts['valid']} 个单位"
                         + (f"；另有 {counts['invalid_included']} 个有错误的单位按 --include-invalid 计入"
                            if counts["invalid_included"] else "")),
        ("有错误未计入", f"{counts['invalid_excluded']} 个单位（见“报送情况”“校验明细”）"),
        ("未报送", f"{counts['missing']} 个单位" + ("：" + "、".join(a.name for a in result.missing[:20])
                                                   + ("等" if len(result.missing) > 20 else "") if result.missing else "")),
        ("其他", f"被更新版本替代 {counts['superseded']} 份；名册外单位 {counts['unknown_agency']} 份；"
                 f"单位不明 {counts['unidentified']} 份；年度不符 {counts['wrong_year']} 份；无法读取 {counts['unreadable']} 份"
                 + (f"；本工具生成的文件 {counts['own_output']} 份（不是报送）" if counts["own_output"] else "")),
        ("汇总口径", f"计入 {counts['members']} 个报送单元，代表 {counts['units']} 个单位（下级汇总表按其下级单位数计）。"),
        ("怎样阅读", f"“{SHEET_SUMMARY}”为国家表式的汇总数，每个数字都是对“{SHEET_DETAIL}”相应列的求和公式（可点击查看）；"
                     f"“{SHEET_INDICATORS}”为申请量、公开率、纠错率等指标（公式及其文字说明）"
                     + ("和与上年的比较" if result.previous is not None else "") + "；"
                     f"“{SHEET_BY_CATEGORY}”按名册类别汇总；“{SHEET_DETAIL}”每行一个计入的单位、每列一个数据项（第2行为稳定编号）；"
                     f"“{SHEET_TEXTS}”为各单位的文字部分；“{SHEET_STATUS}”列出名册中每个单位和收到的每个文件；"
                     f"“{SHEET_FINDINGS}”每行一个问题，计入汇总的报表在前；"
                     "以“001 ”等编号开头的工作表（如有）是各单位报送数据的国家表式。"),
    ]
    for offset, (label, text) in enumerate(lines, start=2):
        _string(ws, offset, 0, label, styles.header)
        _string(ws, offset, 1, text, styles.wrap)
        ws.set_row(offset, 4 + 15 * wrapped_lines(text, 25))
    top = 2 + len(lines) + 1
    ranked = sorted(result.members, key=lambda m: (-(m.values.get("t3_new_total", 0) or 0), m.agency.code))[:20]
    _string(ws, top, 0, "本年新收申请数量前 20 的单位", styles.header)
    _string(ws, top, 1, "本年新收政府信息公开申请数量（件）", styles.header)
    ws.set_row(top, 30)
    for offset, member in enumerate(ranked, start=1):
        _string(ws, top + offset, 0, member.agency.name, styles.text)
        _number(ws, top + offset, 1, member.values.get("t3_new_total", 0) or 0, styles.number)
    last = top + len(ranked)
    if ranked:
        chart = workbook.add_chart({"type": "bar"})
        chart.add_series({
            "name": "本年新收申请数量",
            "categories": [SHEET_README, top + 1, 0, top + len(ranked), 0],
            "values": [SHEET_README, top + 1, 1, top + len(ranked), 1],
            "data_labels": {"value": True},
        })
        chart.set_title({"name": "本年新收政府信息公开申请数量（前 20 个单位）", "name_font": {"name": "宋体", "size": 12}})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True, "num_font": {"name": "宋体"}})
        chart.set_x_axis({"num_font": {"name": "宋体"}})
        height = 60 + 22 * len(ranked)
        # within columns A and B as Excel measures them (LibreOffice, measuring wider, stretches it to the same cells)
        chart.set_size({"width": 500, "height": height})
        ws.insert_chart(last + 2, 0, chart)
        last += 2 + -(-height // 20)  # the rows the chart covers (20 px each)
    # the list and its chart start a page of their own, so the chart never splits
    ws.set_h_pagebreaks([top])
    ws.print_area(0, 0, last, 1)
    pages.setup(ws, SHEET_README, widths, landscape=False)
