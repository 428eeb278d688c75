"""表二, 表三 and 表四 laid out: each on a sheet of its own in the template, or all three stacked on one sheet
(:func:`tables_sheet`: the consolidated 汇总, or a printable copy of one agency's form)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..form import Form
from ..form.rules import T3_ROW_TOTAL, Severity
from .layout import (
    CHECK_FAILURES,
    SHEET_T2,
    SHEET_T3,
    SHEET_T4,
    Cell,
    Placement,
    SheetLayout,
    add_banner,
    break_label,
    chars_per_line,
    check_value,
    checks_for_template,
    error_failures,
    failing_count,
    sum_arguments,
    unit_on_its_own_line,
    wrapped_lines,
)

TABLE2_WIDTHS = (26, 18, 18, 18)
TABLE3_WIDTHS = (4.5, 9, 44) + (7,) * 7  # the label column holds its longest unbreakable phrase
TABLE3_ROW_HEIGHT = 15  # points: 表三 printed landscape fills one A4 page (type ≥ 9 pt after fitting)
TABLE4_WIDTH = 7.2


# ------------------------------------------------------------------------------------------ 表二
def table2_block(sheet: SheetLayout, form: Form, positions, placement: Placement, top: int, left: int = 0) -> int:
    """Lay 表二 out from (top, left); return the last row used."""
    t2 = form.table2
    row = top
    for block in t2.blocks:
        sheet.add(Cell(row, left, "caption", text=block.caption, colspan=t2.grid_columns))
        row += 1
        sheet.add(Cell(row, left, "header", text=block.headers[0]))
        if len(block.headers) == t2.grid_columns:
            for col, header in enumerate(block.headers[1:], start=1):
                sheet.add(Cell(row, left + col, "header", text=header))
        else:
            sheet.add(Cell(row, left + 1, "header", text=block.headers[1], colspan=t2.grid_columns - 1))
        row += 1
        for table_row in block.rows:
            sheet.add(Cell(row, left, "label", text=table_row.label))
            if len(table_row.item_ids) == 1:
                placement.place(sheet, form, table_row.item_ids[0], row, left + 1, positions,
                                colspan=t2.grid_columns - 1)
                last = left + 1
            else:
                for col, item_id in enumerate(table_row.item_ids, start=1):
                    placement.place(sheet, form, item_id, row, left + col, positions)
                last = left + len(table_row.item_ids)
            placement.validate(sheet, form, table_row.item_ids[0], row, left + 1, last, table_row.label)
            row += 1
    return row - 1


def table2_sheet(form: Form, positions) -> SheetLayout:
    t2 = form.table2
    sheet = SheetLayout(SHEET_T2, widths=dict(enumerate(TABLE2_WIDTHS)))
    last_col = t2.grid_columns - 1
    sheet.add(Cell(0, 0, "title", text=t2.heading, colspan=t2.grid_columns))
    add_banner(sheet, form, 1, last_col)
    last = table2_block(sheet, form, positions, Placement(), top=3)
    sheet.print_area = (0, 0, last, last_col)
    sheet.freeze = (3, 1)
    return sheet


# ------------------------------------------------------------------------------------------ 表三
def table3_block(sheet: SheetLayout, form: Form, positions, check_positions, placement: Placement,
                 top: int, left: int = 0, check_col: int | None = None, column_checks_row: int | None = None,
                 coded: bool = True, row_height: float = 0) -> int:
    """Lay 表三 out from (top, left) with its checks (row checks in ``check_col``, column checks below it, or
    from ``column_checks_row`` on); return the last row of the table itself. ``coded=False`` labels the checks
    in Chinese only (a printed report, and an office's template, show no rule codes); ``row_height``
    (points) sets every row's height (the template's 表三 fills its printed page)."""
    t3 = form.table3
    data_col0 = left + t3.label_columns
    # characters a label cell holds on one line: the label column alone, the two label columns, all three
    widths = [TABLE3_WIDTHS[2], TABLE3_WIDTHS[1], TABLE3_WIDTHS[1] + TABLE3_WIDTHS[2], sum(TABLE3_WIDTHS[:3])]
    label_chars = [chars_per_line(w) for w in widths]
    for h in t3.header:
        sheet.add(Cell(top + h.row, left + h.col, "corner" if h.col == 0 else "header", text=h.text,
                       rowspan=h.rowspan, colspan=h.colspan))
    if check_col is not None:
        sheet.add(Cell(top, check_col, "check_header", rowspan=t3.header_rows,
                       text="行合计校验\n" + (f"{T3_ROW_TOTAL.id}\n" if coded else "") + "（总计−六列之和）"))
    first = top + t3.header_rows
    row_of = {r.key: first + i for i, r in enumerate(t3.rows)}
    col_of = {c.key: data_col0 + i for i, c in enumerate(t3.columns)}
    # label cells, merged the way the Word template merges them
    i = 0
    while i < len(t3.rows):
        r = t3.rows[i]
        if len(r.path) == 1:
            sheet.add(Cell(row_of[r.key], left, "label", text=break_label(r.path[0], label_chars[3]), colspan=3))
            i += 1
            continue
        group = [x for x in t3.rows if x.path[0] == r.path[0]]
        sheet.add(Cell(row_of[group[0].key], left, "vertical", text=r.path[0], rowspan=len(group)))
        j = 0
        while j < len(group):
            g = group[j]
            if len(g.path) == 2:
                sheet.add(Cell(row_of[g.key], left + 1, "label", text=break_label(g.path[1], label_chars[2]),
                               colspan=2))
                j += 1
                continue
            sub = [x for x in group if len(x.path) == 3 and x.path[1] == g.path[1]]
            sheet.add(Cell(row_of[g.key], left + 1, "label_center", text=break_label(g.path[1], label_chars[1]),
                           rowspan=len(sub)))
            for s in sub:
                sheet.add(Cell(row_of[s.key], left + 2, "label", text=break_label(s.path[2], label_chars[0])))
            j += len(sub)
        i += len(group)
    part_cols = [c.key for c in t3.columns if c.key != t3.total_column]
    for r in t3.rows:
        for c in t3.columns:
            placement.place(sheet, form, t3.item_id(r.key, c.key), row_of[r.key], col_of[c.key], positions)
        if r.key != t3.total_row:
            placement.validate(sheet, form, t3.item_id(r.key, part_cols[0]), row_of[r.key],
                               col_of[part_cols[0]], col_of[part_cols[-1]], r.label)
    last_data_row = first + len(t3.rows) - 1

    def ref_here(ids: Sequence[str]) -> str:
        return sum_arguments([positions[i][1:] for i in ids])

    checks = [c for c in checks_for_template(form) if c.rule.id.startswith("T3_") and c.rule.severity is Severity.ERROR]
    column_rules: dict[str, int] = {}
    next_row = last_data_row + 2 if column_checks_row is None else column_checks_row
    for check in checks:
        if check.rule.id == T3_ROW_TOTAL.id:
            if check_col is None:
                continue
            pos = (row_of[check.scope], check_col)
        else:
            if check.rule.id not in column_rules:
                column_rules[check.rule.id] = next_row
                sheet.add(Cell(next_row, left, "check_label", colspan=3,
                               text=(f"{check.rule.id} " if coded else "") + f"{check.rule.title}差额\n"
                                    f"（{check.rule.left_label}）−（{check.rule.right_label}）"))
                sheet.heights[next_row] = 42
                next_row += 1
            pos = (column_rules[check.rule.id], col_of[check.scope])
        sheet.add(Cell(*pos, "check", formula=check.excel_value(ref_here), cached=check_value(check)))
        sheet.check_cells.append(pos)
        check_positions[check.id] = (sheet.name, *pos)
    for r in t3.rows:
        lines = max(cell.text.count("\n") + 1 for cell in sheet.cells
                    if cell.row == row_of[r.key] and cell.col < data_col0 and cell.text and cell.rowspan == 1)
        if lines > 1 or row_height:
            sheet.heights[row_of[r.key]] = max(row_height, 15 * lines)
    sheet.heights[top] = 22 if row_height else 30
    for header_row in range(top + 1, top + t3.header_rows):  # 社会公益组织 … take two lines
        sheet.heights[header_row] = max(sheet.heights.get(header_row, 0), 24)
    return last_data_row


def table3_sheet(form: Form, positions, check_positions) -> SheetLayout:
    t3 = form.table3
    ncols = t3.label_columns + len(t3.columns)
    # no row-total check column: the 总计 column is a locked SUM of the six, so in a protected sheet that check
    # could never fail; the verifier still checks every returned file, and the rule still counts on the first sheet
    sheet = SheetLayout(SHEET_T3, widths=dict(enumerate(TABLE3_WIDTHS)))
    sheet.add(Cell(0, 0, "title", text=t3.heading, colspan=ncols))
    add_banner(sheet, form, 1, ncols - 1)
    sheet.add(Cell(2, 0, "unit", text="单位：件", colspan=ncols))
    header_top = 3
    last = table3_block(sheet, form, positions, check_positions, Placement(), top=header_top, check_col=None, coded=False,
                        row_height=TABLE3_ROW_HEIGHT)
    # printed: the table itself, scaled to the page width; its rows are tall enough to fill an A4 page
    sheet.print_area = (0, 0, last, ncols - 1)
    sheet.repeat_rows = (header_top, header_top + t3.header_rows - 1)
    sheet.freeze = (header_top + t3.header_rows, t3.label_columns)
    sheet.landscape = True
    sheet.pages_tall = 1
    return sheet


# ------------------------------------------------------------------------------------------ 表四
def table4_block(sheet: SheetLayout, form: Form, positions, check_positions, placement: Placement,
                 top: int, left: int = 0, check_row: int | None = None, coded: bool = True) -> int:
    """Lay 表四 out from (top, left) with its checks two rows below (or in ``check_row``); return the data row."""
    t4 = form.table4
    for h in t4.header:
        sheet.add(Cell(top + h.row, left + h.col, "header", text=h.text, rowspan=h.rowspan, colspan=h.colspan))
    data_row = top + t4.header_rows
    col = left
    for group in t4.groups:
        first_col = col
        for column in t4.columns:
            placement.place(sheet, form, t4.item_id(group.key, column.key), data_row, col, positions)
            col += 1
        placement.validate(sheet, form, t4.item_id(group.key, t4.columns[0].key), data_row, first_col, col - 2,
                           group.label)
    check_row = data_row + 2 if check_row is None else check_row
    for check in checks_for_template(form):
        if not check.rule.id.startswith("T4_"):
            continue
        total_col = positions[check.left[0]][2]
        sheet.add(Cell(check_row, total_col - 3, "check_label", colspan=3,
                       text=(f"{check.rule.id} " if coded else f"{check.rule.title}") + "差额\n（总计−四项之和）→"))
        pos = (check_row, total_col)
        sheet.add(Cell(*pos, "check",
                       formula=check.excel_value(lambda ids: sum_arguments([positions[i][1:] for i in ids])),
                       cached=check_value(check)))
        sheet.check_cells.append(pos)
        check_positions[check.id] = (sheet.name, *pos)
    sheet.heights[check_row] = 30
    sheet.heights[top + 1] = 24
    return data_row


def table4_sheet(form: Form, positions, check_positions) -> SheetLayout:
    t4 = form.table4
    ncols = len(t4.groups) * len(t4.columns)
    sheet = SheetLayout(SHEET_T4, widths={c: TABLE4_WIDTH for c in range(ncols)}, landscape=True)
    sheet.add(Cell(0, 0, "title", text=t4.heading, colspan=ncols))
    add_banner(sheet, form, 1, ncols - 1)
    sheet.add(Cell(2, 0, "unit", text="单位：件", colspan=ncols))
    data_row = table4_block(sheet, form, positions, check_positions, Placement(), top=3, coded=False)
    sheet.print_area = (0, 0, data_row, ncols - 1)
    sheet.freeze = (data_row, 0)
    return sheet


# ------------------------------------------------------------------------------------------ all three tables on one sheet
SUMMARY_WIDTHS = {0: 4, 1: 7, 2: 30, **{c: 5.5 for c in range(3, 18)}, 18: 2, 19: 13}
SUMMARY_PRINT_COLS = 18  # 表四's fifteen columns from the fourth: the checks to the right of them do not print


@dataclass
class TablesSheet:
    """The three tables on one sheet: where they are, and where the printed part ends."""

    layout: SheetLayout
    positions: dict[str, tuple[str, int, int]]
    check_positions: dict[str, tuple[str, int, int]]
    table3_row: int  # the row of 表三's heading (a printed page starts there)
    checks_row: int  # the first row of the checks, below the printed part


def tables_sheet(form: Form, name: str, title: str, placement: Placement, *, with_check_total: bool,
                 subtitle: str = "") -> TablesSheet:
    """表二, 表三 and 表四 stacked on one sheet in the national layout (the consolidated 汇总 sheet, or a copy
    of one agency's form) for printing: title, ``subtitle`` (what the figures cover), the tables; the live checks
    with Chinese labels below and to the right of the print area. ``with_check_total`` adds the pass/fail line
    and ``check_failures``."""
    positions: dict[str, tuple[str, int, int]] = {}
    check_positions: dict[str, tuple[str, int, int]] = {}
    sheet = SheetLayout(name, widths=dict(SUMMARY_WIDTHS))
    last_col = SUMMARY_PRINT_COLS - 1
    sheet.add(Cell(0, 0, "title", text=title, colspan=last_col + 1))
    sheet.heights[0] = 30
    row = 1
    if subtitle:
        sheet.add(Cell(row, 0, "subtitle_left", text=subtitle, colspan=last_col + 1))
        sheet.heights[row] = 6 + 14 * wrapped_lines(subtitle, 80)
        row += 1
    row += 1
    sheet.add(Cell(row, 0, "heading", text=form.table2.heading, colspan=last_col + 1))
    table2_top = row + 1
    row = table2_block(sheet, form, positions, placement, top=table2_top, left=2) + 2
    for cell in list(sheet.cells):  # the blocks' header rows hold three-line headers in narrow columns
        if cell.style == "header" and cell.row >= table2_top:
            sheet.heights[cell.row] = 44
            cell.text = unit_on_its_own_line(cell.text)
    table3_row = row
    t3, t4 = form.table3, form.table4
    # the checks go below everything that prints: 表三 (header + rows), a blank row, 表四's heading, header, data
    table3_last = row + 1 + t3.header_rows + len(t3.rows) - 1
    table4_data = table3_last + 2 + t4.header_rows
    checks_row = table4_data + 3
    sheet.add(Cell(row, 0, "heading", text=t3.heading, colspan=10))
    sheet.add(Cell(row, 10, "unit", text="单位：件", colspan=1))
    caption_row = checks_row - 1
    sheet.add(Cell(caption_row, 0, "check_label_left", colspan=last_col + 1,
                   text="以下为自动校验（在打印范围之外）：差额应为 0，不为 0 时标红。"))
    column_checks = checks_row + (1 if with_check_total else 0)
    row = table3_block(sheet, form, positions, check_positions, placement, top=row + 1, left=0,
                       check_col=SUMMARY_PRINT_COLS + 1, column_checks_row=column_checks, coded=False)
    assert row == table3_last
    sheet.heights[table3_row + 1 + t3.header_rows - 1] = 44  # 社会公益组织, 法律服务机构 in narrow columns
    row += 1
    sheet.add(Cell(row, 0, "heading", text=t4.heading, colspan=last_col + 1))
    t3_column_rules = len({c.rule.id for c in checks_for_template(form)
                           if c.rule.id.startswith("T3_") and c.rule.id != T3_ROW_TOTAL.id
                           and c.rule.severity is Severity.ERROR})
    t4_checks = column_checks + t3_column_rules
    data_row = table4_block(sheet, form, positions, check_positions, placement, top=row + 1, left=3,
                            check_row=t4_checks, coded=False)
    assert data_row == table4_data
    sheet.heights[data_row - 1] = 30
    if with_check_total:
        add_banner(sheet, form, checks_row, last_col, office=False)
        row = t4_checks + 2
        terms = failing_count(check_positions[c.id] for c in checks_for_template(form)
                              if c.id in check_positions and c.rule.severity is Severity.ERROR)
        sheet.add(Cell(row, 0, "meta_label", text="未通过的校验项数（错误）", colspan=3))
        sheet.add(Cell(row, 3, "check", name=CHECK_FAILURES, formula=terms, cached=error_failures))
        sheet.check_cells.append((row, 3))
        positions[CHECK_FAILURES] = (sheet.name, row, 3)
    sheet.print_area = (0, 0, data_row, last_col)
    sheet.landscape = True
    return TablesSheet(sheet, positions, check_positions, table3_row, checks_row)
