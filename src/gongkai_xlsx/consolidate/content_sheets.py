"""The sheets of what the agencies reported: 明细 (one row per counted agency, one column per stable id), 分类汇总
(by roster category, formulas over 明细) and 文字 (the offices' texts, never a formula). 汇总 is the national
layout of :func:`gongkai_xlsx.template.tables.tables_sheet` with formulas over 明细 (:class:`DetailRefs`)."""

from __future__ import annotations

from decimal import Decimal

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from ..form import REPORT_TITLE
from ..template.consolidated_layout import (
    DETAIL_COLUMN,
    DETAIL_FIRST_ROW,
    DETAIL_FIXED,
    DETAIL_ID_ROW,
    DETAIL_NUMBERS,
    SHEET_BY_CATEGORY,
    SHEET_DETAIL,
    SHEET_SUMMARY,
    SHEET_TEXTS,
)
from ..template.layout import quote_sheet, unit_on_its_own_line, wrapped_lines
from ..template.sheet_writer import write_formula
from .coverage import coverage_short
from .merge import MergeResult, column_sums, status_text
from .styles import Pages, Styles, display_lines, header_rows, number_cell, print_scale, string_cell


class DetailRefs:
    """Addresses on 明细 for formulas elsewhere: an item's column, its sum, one member's cell."""

    def __init__(self, form, last_row: int) -> None:
        self.sheet = quote_sheet(SHEET_DETAIL)
        self.first, self.last = DETAIL_FIRST_ROW + 1, last_row + 1  # 1-based rows of the members
        self.letters = {item.id: xl_col_to_name(len(DETAIL_FIXED) + index) for index, item in enumerate(form.items)}
        category = xl_col_to_name(DETAIL_COLUMN["category"])
        self.category_range = f"{self.sheet}!${category}${self.first}:${category}${self.last}"

    def column(self, item_id: str) -> str:
        col = self.letters[item_id]
        return f"{self.sheet}!{col}${self.first}:{col}${self.last}"

    def column_sum(self, item_id: str) -> str:
        col = self.letters[item_id]
        return f"SUM({self.sheet}!{col}{self.first}:{col}{self.last})"

    def member_cell(self, item_id: str, offset: int) -> str:
        """The cell of the ``offset``-th member (0-based) in the item's column."""
        return f"{self.sheet}!{self.letters[item_id]}{self.first + offset}"


def write_detail(workbook, result: MergeResult, styles: Styles, pages: Pages) -> None:
    form = result.form
    ws = workbook.add_worksheet(SHEET_DETAIL)
    labels = [label for label, _ in DETAIL_FIXED] + [item.label for item in form.items]
    ids = [key for _, key in DETAIL_FIXED] + [item.id for item in form.items]
    header_rows(ws, styles, labels, ids)
    widths = [DETAIL_WIDTHS[key] for _, key in DETAIL_FIXED] + [DETAIL_NUMBER_WIDTH] * len(form.items)
    ws.set_row(0, 4 + 14 * max(display_lines(label, DETAIL_NUMBER_WIDTH) for label in labels))
    ws.set_row(DETAIL_ID_ROW, 4 + 14 * max(display_lines(key, DETAIL_NUMBER_WIDTH) for key in ids))
    ws.set_default_row(15)
    for col, width in enumerate(widths[:len(DETAIL_FIXED)]):
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
        fixed = {"code": agency.code, "name": agency.name, "category": agency.category, "parent": agency.parent,
                 "status": status_text(member.entry), "units": member.units, "source": member.entry.submission.name}
        for col, (_, key) in enumerate(DETAIL_FIXED):
            if key in DETAIL_NUMBERS:
                number_cell(ws, row, col, fixed[key], styles.number)
            else:
                string_cell(ws, row, col, fixed[key], styles.text)
        for col, value in enumerate(member.row, start=first_number_col):
            write_number(row, col, float(value) if type(value) is Decimal else value)
    ws.freeze_panes(DETAIL_FIRST_ROW, DETAIL_COLUMN["name"] + 1)
    ws.autofilter(1, 0, DETAIL_FIRST_ROW + max(len(result.members), 1) - 1, len(ids) - 1)
    ws.hide_gridlines(0)  # printed too: the numbers have no borders of their own
    # every printed page repeats both header rows and the agency's code and name: a number is never anonymous
    pages.setup(ws, SHEET_DETAIL, widths, landscape=True, repeat_rows=(0, DETAIL_ID_ROW),
                repeat_cols=(DETAIL_COLUMN["code"], DETAIL_COLUMN["name"]))


DETAIL_WIDTHS = {"code": 19, "name": 14, "category": 6, "parent": 8, "status": 12, "units": 5, "source": 20}
DETAIL_NUMBER_WIDTH = 10


def write_by_category(workbook, result: MergeResult, styles: Styles, detail: DetailRefs, pages: Pages) -> None:
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
    string_cell(ws, 0, 0, f"{result.unit_name}{result.year}年{REPORT_TITLE}分类汇总表", styles.title)
    ws.set_row(0, 24)
    string_cell(ws, 1, 0, f"按名册类别汇总（{coverage_short(result)}）；每个数字是对“{SHEET_DETAIL}”相应列按类别的求和公式，"
                      f"“合计”等于“{SHEET_SUMMARY}”中的同一项。", styles.note)
    header_row = 2
    for col, label in enumerate(["项目", "栏目", *categories, "合计"]):
        string_cell(ws, header_row, col, label, styles.header)
    string_cell(ws, header_row, id_col, "编号", styles.id_header)
    ws.set_row(header_row, 30)
    members_by_category: dict[str, list] = {category: [] for category in categories}
    for member in result.members:
        members_by_category[member.agency.category].append(member.row)
    totals_by_category = {c: column_sums(rows, len(form.items)) for c, rows in members_by_category.items()}
    category_cells = [xl_rowcol_to_cell(header_row, 2 + i, row_abs=True) for i in range(len(categories))]
    row = header_row + 1
    string_cell(ws, row, 0, "计入单位数", styles.label)
    string_cell(ws, row, 1, "个", styles.label)
    for i, category in enumerate(categories):
        write_formula(ws, row, 2 + i, f"COUNTIF({detail.category_range},{category_cells[i]})", styles.number,
                      len(members_by_category[category]))
    write_formula(ws, row, last, f"SUM({xl_rowcol_to_cell(row, 2)}:{xl_rowcol_to_cell(row, last - 1)})",
                  styles.total, len(result.members))
    string_cell(ws, row, id_col, "members", styles.id_header)
    row += 1
    index_of = {item.id: index for index, item in enumerate(form.items)}
    for table, heading in (("t2", form.table2.heading), ("t3", form.table3.heading), ("t4", form.table4.heading)):
        ws.merge_range(row, 0, row, last, "", styles.caption)
        string_cell(ws, row, 0, heading, styles.caption)
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
            string_cell(ws, row, 0, label, styles.label)
            label_lines = wrapped_lines(label, BY_CATEGORY_LABEL_WIDTH // 2) if end == start else 1
            for item in items[start:end + 1]:
                number = styles.amount if item.decimals else styles.number
                column_label = unit_on_its_own_line(item.col_label) or "—"
                string_cell(ws, row, 1, column_label, styles.label)
                lines = max(label_lines, wrapped_lines(column_label, BY_CATEGORY_COLUMN_WIDTH // 2))
                if lines > 1:  # a 栏目 such as 本年收费金额\n（单位：万元） needs its lines, not the next row
                    ws.set_row(row, 4 + 14 * lines)
                column = detail.column(item.id)
                for i, category in enumerate(categories):
                    write_formula(ws, row, 2 + i, f"SUMIF({detail.category_range},{category_cells[i]},{column})",
                                  number, totals_by_category[category][index_of[item.id]])
                write_formula(ws, row, last, detail.column_sum(item.id),
                              styles.amount_total if item.decimals else styles.total, result.totals[item.id])
                string_cell(ws, row, id_col, item.id, styles.id_header)
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


def write_texts(workbook, result: MergeResult, styles: Styles, pages: Pages) -> None:
    """One block per counted agency: its name, then each text section under its heading, wrapped in full."""
    form = result.form
    ws = workbook.add_worksheet(SHEET_TEXTS)
    ws.set_column(0, 0, TEXT_WIDTH)
    per_line = TEXT_CHARS_PER_LINE
    string_cell(ws, 0, 0, f"{result.unit_name}{result.year}年度各单位年度报告的文字部分", styles.title)
    ws.set_row(0, 24)
    row = 2
    for member in result.members:
        agency = member.agency
        string_cell(ws, row, 0, f"{agency.name}（{agency.code}；{agency.category or '—'}）", styles.caption)
        ws.set_row(row, 20)
        row += 1
        texts = member.entry.report.texts
        for section in form.texts:
            string_cell(ws, row, 0, section.heading, styles.bold)
            row += 1
            text = texts.get(section.id, "") or ""
            for chunk in text_rows(text, per_line) if text.strip() else ["（未填写）"]:
                string_cell(ws, row, 0, chunk, styles.quoted)
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
