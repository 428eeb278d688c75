"""Where every part of the form goes in the template workbook: sheets, cells, merges, formulas, names.

Derived entirely from the form definition; the template writer renders it, the reader uses its sheet names
and label positions. Positions are 0-based (row, col); formulas carry a function that gives their cached
value, so the writer can store the value Excel would compute.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


from ..form import Form
from ..ooxml.workbook import a1, absolute_a1
from ..form.rules import WHITESPACE_EXCEL, Check, Severity, checks_for, text_length

SHEET_MAIN = "基本信息及文字"
SHEET_T2 = "表二 主动公开"
SHEET_T3 = "表三 依申请公开"
SHEET_T4 = "表四 复议诉讼"
SHEET_GUIDE = "填表说明"
SHEET_STAMP = "_stamp"
SHEET_FEEDBACK = "校验结果"  # a feedback copy's first sheet: its findings and the office's answers

CHECK_FAILURES = "check_failures"
REQUIRED_MISSING = "required_missing"  # how many required fields (填报人 … 一、总体情况) are still empty
FEEDBACK_OPEN = "feedback_open"  # a feedback copy's questions not yet answered (0 in a template)
NOTE_PREFIX = "note_"  # note_<RULE_ID>: the office's 情况说明 for a warning or notice (a public contract)
ANSWER_PREFIX = "answer_"  # answer_<item id>: the office's answer to a feedback question

PASS_TEXT = "✓ 全部校验通过"
INCOMPLETE_TEXT = "尚未填写完整"


def note_name(rule_id: str) -> str:
    """The defined name of the 情况说明 cell for a rule, e.g. ``note_T3_OTHER_SHARE``."""
    return NOTE_PREFIX + rule_id


@dataclass
class Context:
    """What a cached value may depend on."""

    form: Form
    values: Mapping[str, Any]  # every item, totals included (Form.complete_values)
    texts: Mapping[str, str]
    meta: Mapping[str, Any]
    info: Mapping[str, str] = field(default_factory=dict)  # the first sheet's box: due, return_to, contact
    open_questions: int = 0  # a feedback copy's questions (all open when it is made)


@dataclass
class Cell:
    row: int
    col: int
    style: str  # a key of the writer's style table
    text: str | None = None  # constant text
    item: str | None = None  # numeric item id (input or total)
    meta: str | None = None  # identity field id
    text_id: str | None = None  # text section id
    formula: str | None = None  # without the leading "="
    cached: Callable[[Context], Any] | None = None
    rowspan: int = 1
    colspan: int = 1
    name: str | None = None  # workbook-scoped defined name
    locked: bool = True
    link: str | None = None  # internal hyperlink target "'sheet'!A1"
    info: str | None = None  # a value of Context.info (the template's own options)


@dataclass
class Validation:
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    kind: str  # "integer" | "decimal" | "any"
    title: str
    message: str


@dataclass
class SheetLayout:
    name: str
    widths: dict[int, float]
    cells: list[Cell] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    validations: list[Validation] = field(default_factory=list)
    print_area: tuple[int, int, int, int] | None = None
    repeat_rows: tuple[int, int] | None = None
    landscape: bool = False
    check_cells: list[tuple[int, int]] = field(default_factory=list)  # for conditional formatting
    banner: tuple[int, int] | None = None
    banner_office: bool = False  # the banner also waits for required fields and a feedback copy's answers
    freeze: tuple[int, int] | None = None  # (first scrolling row, first scrolling column)
    pages_tall: int = 0  # printed that many pages tall (0: as many as it takes), always one page wide

    def add(self, cell: Cell) -> Cell:
        self.cells.append(cell)
        return cell


@dataclass
class TemplateLayout:
    form: Form
    sheets: list[SheetLayout]
    positions: dict[str, tuple[str, int, int]]  # item/meta/text id → (sheet, row, col)
    check_positions: dict[str, tuple[str, int, int]]  # check id → position
    rule_positions: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # rule id → its failing count

    def address(self, key: str, *, absolute: bool = True) -> str:
        sheet, row, col = self.positions[key]
        return f"{quote_sheet(sheet)}!{(absolute_a1 if absolute else a1)(row, col)}"


def absolute_ref(sheet: str, row: int, col: int) -> str:
    return f"{quote_sheet(sheet)}!{absolute_a1(row, col)}"


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def sum_arguments(cells: Sequence[tuple[int, int]]) -> str:
    """SUM arguments for cells of one sheet, merging runs along a row or a column into ranges."""
    parts: list[str] = []
    run: list[tuple[int, int]] = []

    def flush() -> None:
        if not run:
            return
        first, last = run[0], run[-1]
        if first == last:
            parts.append(a1(*first))
        else:
            parts.append(f"{a1(*first)}:{a1(*last)}")
        run.clear()

    for cell in cells:
        if run:
            prev = run[-1]
            same_col = cell[1] == prev[1] == run[0][1] and cell[0] == prev[0] + 1
            same_row = cell[0] == prev[0] == run[0][0] and cell[1] == prev[1] + 1
            if not (same_col or same_row):
                flush()
        run.append(cell)
    flush()
    return ",".join(parts)


def build_layout(form: Form) -> TemplateLayout:
    """The template's layout for ``form``; identical for every agency and year (those are cell values)."""
    positions: dict[str, tuple[str, int, int]] = {}
    check_positions: dict[str, tuple[str, int, int]] = {}
    t2 = _table2_sheet(form, positions)
    t3 = _table3_sheet(form, positions, check_positions)
    t4 = _table4_sheet(form, positions, check_positions)
    rule_positions: dict[str, tuple[str, int, int]] = {}
    main = _main_sheet(form, positions, check_positions, rule_positions)
    guide = _guide_sheet(form)
    layout = TemplateLayout(form, [main, t2, t3, t4, guide], positions, check_positions, rule_positions)
    return layout


_LAYOUTS: dict[str, TemplateLayout] = {}


def layout_for(form: Form) -> TemplateLayout:
    """The (cached) template layout of a form, keyed by its version: hashing a whole form is not cheap."""
    if form.version not in _LAYOUTS:
        _LAYOUTS[form.version] = build_layout(form)
    return _LAYOUTS[form.version]


# ------------------------------------------------------------------------------------------ helpers
def _banner(sheet: SheetLayout, form: Form, row: int, last_col: int, office: bool = True) -> None:
    """The live verdict at the top of a sheet. An office's template passes only when the checks pass, every
    required field is filled and (in a feedback copy) every question is answered."""
    failed = f'"✗ 有"&{CHECK_FAILURES}&"项校验未通过，请查看标红的校验单元格"'
    if office:
        formula = (f'IF({CHECK_FAILURES}>0,{failed},IF({FEEDBACK_OPEN}>0,"？ 有"&{FEEDBACK_OPEN}&"{_OPEN_TAIL}",'
                   f'IF({REQUIRED_MISSING}>0,"{incomplete_text(form)}","{PASS_TEXT}")))')
    else:
        formula = f'IF({CHECK_FAILURES}=0,"{PASS_TEXT}",{failed})'
    sheet.add(Cell(row, 0, "banner", colspan=last_col + 1, formula=formula,
                   cached=lambda ctx: banner_value(ctx, office)))
    sheet.banner = (row, 0)
    sheet.banner_office = office


_OPEN_TAIL = "个问题待答复，请见“校验结果”工作表"


def incomplete_text(form: Form) -> str:
    """The banner of a template whose checks pass but whose required fields are not all filled."""
    return f"✎ {INCOMPLETE_TEXT}：请填写" + "、".join(label for _, label in form.required_fields)


def banner_value(ctx: Context, office: bool = True) -> str:
    """What the banner formula shows for ``ctx`` (its cached value)."""
    failures = error_failures(ctx)
    if failures:
        return f"✗ 有{failures}项校验未通过，请查看标红的校验单元格"
    if office and ctx.open_questions:
        return f"？ 有{ctx.open_questions}{_OPEN_TAIL}"
    if office and required_missing(ctx):
        return incomplete_text(ctx.form)
    return PASS_TEXT


def required_missing(ctx: Context) -> int:
    """How many required fields are empty: what the template's ``required_missing`` cell computes."""
    count = 0
    for key, _ in ctx.form.required_fields:
        value = ctx.texts.get(key) if key.startswith("text_") else ctx.meta.get(key)
        count += text_length(str(value if value is not None else "")) == 0
    return count


def blank_formula(ref: str) -> str:
    """Excel: TRUE when the cell ``ref`` holds nothing but whitespace (the same whitespace as text_length)."""
    stripped = ref
    for ch in WHITESPACE_EXCEL:
        stripped = f"SUBSTITUTE({stripped},{ch},\"\")"
    return f"LEN({stripped})=0"


def error_failures(ctx: Context) -> int:
    """How many error checks fail: what the template's ``check_failures`` cell computes."""
    return sum(1 for check in checks_for_template(ctx.form)
               if check.rule.severity is Severity.ERROR and not check.passes(_measure(check, ctx)))


def checks_for_template(form: Form) -> tuple[Check, ...]:
    return tuple(check for check in checks_for(form) if check.rule.in_template)


def _measure(check: Check, ctx: Context):
    return check.measure(ctx.values, texts=ctx.texts)


class Placement:
    """How a table's item cells are filled. The template: inputs for the parts, SUM formulas for the totals."""

    def place(self, sheet: SheetLayout, form: Form, item_id: str, row: int, col: int,
              positions: dict[str, tuple[str, int, int]], colspan: int = 1) -> None:
        item = form.item(item_id)
        if item.computed:
            cells = [positions[p][1:] for p in item.sum_of]  # parts come earlier in row/column order
            sheet.add(Cell(row, col, "total", item=item_id, name=item_id, colspan=colspan,
                           formula=f"SUM({sum_arguments(cells)})", cached=_item_value(item_id)))
        else:
            style = "amount_input" if item.decimals else "count_input"
            sheet.add(Cell(row, col, style, item=item_id, name=item_id, locked=False, colspan=colspan))
        positions[item_id] = (sheet.name, row, col)

    def validate(self, sheet: SheetLayout, form: Form, item_id: str, row: int, first_col: int, last_col: int,
                 what: str) -> None:
        item = form.item(item_id)
        if item.decimals:
            sheet.validations.append(Validation(
                row, first_col, row, last_col, "decimal", "请输入金额",
                _limit(f"{what}：请输入不小于0的数字，单位万元，最多{item.decimals}位小数。{PASTE_HINT}")))
        else:
            sheet.validations.append(Validation(
                row, first_col, row, last_col, "integer", "请输入整数",
                _limit(f"{what}：请输入不小于0的整数（单位：{item.unit}）。没有请填0。{PASTE_HINT}")))


class FormulaPlacement(Placement):
    """Every item cell a formula given by ``formula_for(item_id)`` (e.g. a column sum over a detail sheet)."""

    def __init__(self, formula_for: Callable[[str], str]) -> None:
        self.formula_for = formula_for

    def place(self, sheet, form, item_id, row, col, positions, colspan=1) -> None:
        style = "amount_total" if form.item(item_id).decimals else "total"
        sheet.add(Cell(row, col, style, item=item_id, name=item_id, colspan=colspan,
                       formula=self.formula_for(item_id), cached=_item_value(item_id)))
        positions[item_id] = (sheet.name, row, col)

    def validate(self, *args, **kwargs) -> None:
        pass  # nothing is typed here


class ValuePlacement(Placement):
    """Every item cell a plain number (a copy of one agency's form), without defined names."""

    def place(self, sheet, form, item_id, row, col, positions, colspan=1) -> None:
        style = "amount_total" if form.item(item_id).decimals else "total"
        sheet.add(Cell(row, col, style, item=item_id, colspan=colspan))
        positions[item_id] = (sheet.name, row, col)

    def validate(self, *args, **kwargs) -> None:
        pass


PASTE_HINT = "复制粘贴请用“选择性粘贴→数值（无格式文本）”。"


def _limit(message: str, length: int = 255) -> str:
    # Excel refuses validation messages over 255 characters
    return message if len(message) <= length else message[: length - 1] + "…"


def _item_value(item_id: str) -> Callable[[Context], Any]:
    return lambda ctx: ctx.values[item_id]


def _check_value(check: Check) -> Callable[[Context], Any]:
    return lambda ctx: _measure(check, ctx)


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


def _table2_sheet(form: Form, positions) -> SheetLayout:
    t2 = form.table2
    sheet = SheetLayout(SHEET_T2, widths=dict(enumerate(TABLE2_WIDTHS)))
    last_col = t2.grid_columns - 1
    sheet.add(Cell(0, 0, "title", text=t2.heading, colspan=t2.grid_columns))
    _banner(sheet, form, 1, last_col)
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
                       text="行合计校验\n" + ("T3_ROW_TOTAL\n" if coded else "") + "（总计−六列之和）"))
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
        if check.rule.id == "T3_ROW_TOTAL":
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
        sheet.add(Cell(*pos, "check", formula=check.excel_value(ref_here), cached=_check_value(check)))
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


def _table3_sheet(form: Form, positions, check_positions) -> SheetLayout:
    t3 = form.table3
    ncols = t3.label_columns + len(t3.columns)
    # no row-total check column: the 总计 column is a locked SUM of the six, so in a protected sheet that check
    # could never fail; the verifier still checks every returned file, and the rule still counts on the first sheet
    sheet = SheetLayout(SHEET_T3, widths=dict(enumerate(TABLE3_WIDTHS)))
    sheet.add(Cell(0, 0, "title", text=t3.heading, colspan=ncols))
    _banner(sheet, form, 1, ncols - 1)
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
                       cached=_check_value(check)))
        sheet.check_cells.append(pos)
        check_positions[check.id] = (sheet.name, *pos)
    sheet.heights[check_row] = 30
    sheet.heights[top + 1] = 24
    return data_row


def _table4_sheet(form: Form, positions, check_positions) -> SheetLayout:
    t4 = form.table4
    ncols = len(t4.groups) * len(t4.columns)
    sheet = SheetLayout(SHEET_T4, widths={c: TABLE4_WIDTH for c in range(ncols)}, landscape=True)
    sheet.add(Cell(0, 0, "title", text=t4.heading, colspan=ncols))
    _banner(sheet, form, 1, ncols - 1)
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
                           if c.rule.id.startswith("T3_") and c.rule.id != "T3_ROW_TOTAL"
                           and c.rule.severity is Severity.ERROR})
    t4_checks = column_checks + t3_column_rules
    data_row = table4_block(sheet, form, positions, check_positions, placement, top=row + 1, left=3,
                            check_row=t4_checks, coded=False)
    assert data_row == table4_data
    sheet.heights[data_row - 1] = 30
    if with_check_total:
        _banner(sheet, form, checks_row, last_col, office=False)
        row = t4_checks + 2
        terms = "+".join(f"IF({_check_ref(check_positions[c.id])}<>0,1,0)" for c in checks_for_template(form)
                         if c.id in check_positions and c.rule.severity is Severity.ERROR)
        sheet.add(Cell(row, 0, "meta_label", text="未通过的校验项数（错误）", colspan=3))
        sheet.add(Cell(row, 3, "check", name=CHECK_FAILURES, formula=terms, cached=error_failures))
        sheet.check_cells.append((row, 3))
        positions[CHECK_FAILURES] = (sheet.name, row, 3)
    sheet.print_area = (0, 0, data_row, last_col)
    sheet.landscape = True
    return TablesSheet(sheet, positions, check_positions, table3_row, checks_row)


# ------------------------------------------------------------------------------------------ 基本信息及文字
INFO_BOX = "box"  # Context.info key of the first sheet's box (只填浅黄色单元格 · 报送至 … · 截止 … · 联系人 …)


def _main_sheet(form: Form, positions, check_positions, rule_positions) -> SheetLayout:
    width = 8
    sheet = SheetLayout(SHEET_MAIN, widths={0: 22, **{c: 11.5 for c in range(1, width)}})
    agency, year = "meta_agency", "meta_year"
    sheet.add(Cell(0, 0, "title", colspan=width,
                   formula=f'{agency}&{year}&"年{form.title}"', cached=lambda ctx: f"{ctx.meta.get('meta_agency') or ''}"
                   f"{ctx.meta.get('meta_year') or ''}年{form.title}"))
    sheet.heights[0] = 30
    sheet.add(Cell(1, 0, "subtitle", colspan=width,
                   text=f"（按《中华人民共和国{form.title}格式》（{form.basis}）填报）"))
    _banner(sheet, form, 2, width - 1)
    sheet.add(Cell(3, 0, "infobox", info=INFO_BOX, colspan=width))
    sheet.heights[3] = 36
    row = 5
    for meta in form.meta:
        sheet.add(Cell(row, 0, "meta_label", text=meta.label))
        sheet.add(Cell(row, 1, "meta_input", meta=meta.id, name=meta.id, colspan=width - 1, locked=False))
        positions[meta.id] = (sheet.name, row, 1)
        row += 1
    row += 1
    pointers = {form.section_headings[1]: SHEET_T2, form.section_headings[2]: SHEET_T3,
                form.section_headings[3]: SHEET_T4}
    for heading in form.section_headings:
        if heading in pointers:
            target = pointers[heading]
            sheet.add(Cell(row, 0, "heading", text=heading, colspan=4))
            sheet.add(Cell(row, 4, "link", text=f"见工作表“{target}” →", colspan=width - 4,
                           link=f"{quote_sheet(target)}!A1"))
            row += 1
            continue
        section = next(t for t in form.texts if t.heading == heading)
        sheet.add(Cell(row, 0, "heading", text=f"{heading}{section.prompt}", colspan=width))
        row += 1
        sheet.add(Cell(row, 0, "text_input", text_id=section.id, name=section.id, colspan=width, locked=False))
        sheet.heights[row] = 300 if section.max_chars else 160
        sheet.validations.append(Validation(row, 0, row, 0, "any", heading[:30],
                                            _limit(f"请在此填写{heading}{section.prompt}" +
                                                   (f"篇幅原则上不超过{section.max_chars}字。" if section.max_chars else ""))))
        positions[section.id] = (sheet.name, row, 0)
        row += 1
    # 情况说明: a place for the office to say why a warning or notice is right (a corrected last-year figure …)
    row += 1
    sheet.add(Cell(row, 0, "caption", colspan=width,
                   text="情况说明（校验给出警告或提示、但数据属实无需改正时，请在对应行说明原因；没有可不填）"))
    row += 1
    for rule in _explainable_rules(form):
        sheet.add(Cell(row, 0, "label", text=f"{rule.title}（{rule.severity.label}）"))
        name = note_name(rule.id)
        sheet.add(Cell(row, 1, "text_input", name=name, colspan=width - 1, locked=False, text_id=name))
        sheet.validations.append(Validation(row, 1, row, 1, "any", "情况说明",
                                            _limit(f"{rule.title}：{rule.requirement}。如数据属实，请在此说明原因（可不填）。")))
        positions[name] = (sheet.name, row, 1)
        sheet.heights[row] = 45
        row += 1
    print_last = row - 1
    # summary of the live checks
    row += 1
    sheet.add(Cell(row, 0, "caption", text="自动校验汇总（填写时实时计算；不打印）", colspan=width))
    row += 1
    sheet.add(Cell(row, 0, "header", text="校验项目及要求", colspan=5))
    sheet.add(Cell(row, 5, "header", text="级别"))
    sheet.add(Cell(row, 6, "header", text="未通过项数", colspan=2))
    row += 1
    rule_count_cells: list[tuple[int, int]] = []
    for rule_id, checks in _group_by_rule(checks_for_template(form)).items():
        rule = checks[0].rule
        text = f"{rule.title}：{rule.requirement}" + ("。" + rule.hint if rule.severity is not Severity.ERROR else "")
        sheet.add(Cell(row, 0, "label", text=text, colspan=5))
        sheet.add(Cell(row, 5, "label_center", text=rule.severity.label))
        # a check with a cell of its own is counted from it; the others (notices, and the row totals, which
        # have no column: they cannot fail while the sheet is protected) are computed here from the inputs
        terms = []
        for c in checks:
            if c.id in check_positions:
                terms.append(f"IF({_check_ref(check_positions[c.id])}<>0,1,0)")
            else:
                comparison = "<>0" if rule.severity is Severity.ERROR else ">0"
                terms.append(f"IF({c.excel_value(lambda ids: ','.join(ids))}{comparison},1,0)")
        sheet.add(Cell(row, 6, "check", colspan=2, formula="+".join(terms),
                       cached=lambda ctx, cs=checks: sum(1 for c in cs if not c.passes(_measure(c, ctx)))))
        sheet.check_cells.append((row, 6))
        rule_positions[rule_id] = (sheet.name, row, 6)
        if rule.severity is Severity.ERROR:
            rule_count_cells.append((row, 6))
        sheet.heights[row] = 15 * wrapped_lines(text, 26) + 4
        row += 1
    required = "+".join(f"IF({blank_formula(key)},1,0)" for key, _ in form.required_fields)
    labels = "、".join(label for _, label in form.required_fields)
    sheet.add(Cell(row, 0, "meta_label", text=f"未填写的必填项（{labels}）", colspan=6))
    sheet.add(Cell(row, 6, "check", colspan=2, name=REQUIRED_MISSING, formula=required, cached=required_missing))
    sheet.check_cells.append((row, 6))
    positions[REQUIRED_MISSING] = (sheet.name, row, 6)
    row += 1
    # a constant 0 in a template; a feedback copy writes here the count of its questions still unanswered
    sheet.add(Cell(row, 0, "meta_label", text="待答复的问题（校验意见）", colspan=6))
    sheet.add(Cell(row, 6, "check", colspan=2, name=FEEDBACK_OPEN, cached=lambda ctx: ctx.open_questions))
    sheet.check_cells.append((row, 6))
    positions[FEEDBACK_OPEN] = (sheet.name, row, 6)
    row += 1
    sheet.add(Cell(row, 0, "meta_label", text="未通过的校验项数（错误）", colspan=6))
    sheet.add(Cell(row, 6, "check", colspan=2, name=CHECK_FAILURES,
                   formula=f"SUM({sum_arguments(rule_count_cells)})", cached=error_failures))
    sheet.check_cells.append((row, 6))
    positions[CHECK_FAILURES] = (sheet.name, row, 6)
    sheet.heights = {k: v for k, v in sheet.heights.items() if v}
    sheet.print_area = (0, 0, print_last, width - 1)
    return sheet


def _explainable_rules(form: Form):
    """The warning and notice rules, in their order: each gets a 情况说明 cell ``note_<RULE_ID>``."""
    return [checks[0].rule for checks in _group_by_rule(checks_for(form)).values() if checks[0].rule.explainable]


def _check_ref(position: tuple[str, int, int]) -> str:
    sheet, row, col = position
    return f"{quote_sheet(sheet)}!{a1(row, col)}"


def _group_by_rule(checks: Sequence[Check]) -> dict[str, list[Check]]:
    grouped: dict[str, list[Check]] = {}
    for check in checks:
        grouped.setdefault(check.rule.id, []).append(check)
    return grouped


# ------------------------------------------------------------------------------------------ 填表说明
def _guide_sheet(form: Form) -> SheetLayout:
    sheet = SheetLayout(SHEET_GUIDE, widths={0: 24, 1: 90})
    sheet.add(Cell(0, 0, "title", text="填表说明", colspan=2))
    rows: list[tuple[str, str, str]] = [
        ("caption", "怎样填写和报送", ""),
        ("label", "1. 填写", "只能在浅黄色单元格中输入。机关名称、机构代码和报告年度已由政务公开办预先填好并锁定；"
                             "灰色的“总计”和“（七）总计”由公式自动计算，无需填写。数字单元格只能输入不小于0的整数"
                             "（行政事业性收费为万元，可含小数）；没有的请填 0，不要填“无”“/”或文字。"),
        ("label", "2. 校验", "每张表的顶部横幅实时显示校验结果；表格下方的校验单元格显示差额，不为 0 时标红。"
                             f"填报人、联系电话、填报日期和{form.texts[0].heading}未填时横幅显示“{INCOMPLETE_TEXT}”。"
                             "请在横幅显示“全部校验通过”（变绿）后再报送。"),
        ("label", "3. 文字部分", f"在“{SHEET_MAIN}”工作表中填写{form.texts[0].heading}、{form.texts[1].heading}、"
                                 f"{form.texts[2].heading}。确实没有数据的单位，也请填写{form.texts[0].heading}和填报人等信息，"
                                 "数字填 0。"),
        ("label", "4. 复制粘贴", "从 Word、网页或其他表格复制数字时，请先选中要粘贴的第一个浅黄色单元格，再用"
                                 "“选择性粘贴”→“数值”（Excel、WPS）或“选择性粘贴”→“无格式文本”（LibreOffice，Ctrl+Alt+Shift+V）；"
                                 "不要直接粘贴（会带入原表格的格式和锁定，之后无法再修改）。复制时不要包含灰色的“总计”列和"
                                 "“（七）总计”行：表三请分两次复制粘贴——“一”至“（六）”各行的六列数字，以及“四、结转下年度继续办理”一行。"),
        ("label", "5. 情况说明", f"校验给出警告或提示、但数据属实无需改正时（如上年数据更正后结转数不一致），请在“{SHEET_MAIN}”"
                                 "工作表的“情况说明”中写明原因，政务公开办可以看到。"),
        ("label", "6. 报送", "保存为 .xlsx 格式（不要另存为 .xls 或 .et），不要修改工作表名称、不要插入或删除行列，"
                             "不要撤销工作表保护；以邮件附件方式报送本级政务公开办（报送地址、截止日期和联系人见第一张工作表）。"),
        ("caption", "自动校验规则", ""),
    ]
    for check_rule in _group_by_rule(checks_for(form)).values():
        rule = check_rule[0].rule
        rows.append(("label", rule.title, f"【{rule.severity.meaning}】{rule.requirement}。{rule.hint}"))
    rows.append(("caption", f"通知中的统计口径（摘自{form.basis}）", ""))
    for heading, note in form.counting_notes:
        rows.append(("label", heading, note))
    row = 2
    for style, left, right in rows:
        if style == "caption":
            sheet.add(Cell(row, 0, "caption", text=left, colspan=2))
        else:
            sheet.add(Cell(row, 0, "label", text=left))
            sheet.add(Cell(row, 1, "label", text=right))
            sheet.heights[row] = 4 + 15 * max(wrapped_lines(left, 11), wrapped_lines(right, 42))
        row += 1
    sheet.print_area = (0, 0, row - 1, 1)
    return sheet


def chars_per_line(width: float, font_size: float = 10.5) -> int:
    """About how many Chinese characters fit on one line of a column ``width`` (Excel width units) wide."""
    pixels = width * 7 + 5  # Excel's width unit is one digit of the default font, ~7 px
    return max(1, int((pixels - 6) / (font_size * 4 / 3)))  # a CJK character is one em wide (pt → px)


_BREAK_AFTER = "）)、，,。；;：:"


def break_label(text: str, per_line: int) -> str:
    """``text`` with line breaks only after an enumerator or punctuation (（三）、1. …), so that a cell too
    narrow for it never splits a word ("（三）不予公/开" becomes "（三）\n不予公开"). Text that fits is unchanged."""
    if len(text) <= per_line or "\n" in text:
        return text
    pieces: list[str] = []
    current = ""
    for ch in text:
        current += ch
        if ch in _BREAK_AFTER:
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + len(piece) <= per_line:
            lines[-1] += piece
        else:
            lines.append(piece)
    return "\n".join(lines)


def unit_on_its_own_line(text: str | None) -> str | None:
    """A label whose unit is in parentheses, broken before the unit: 本年收费金额\n（单位：万元）. Wrapped by the
    cell instead, a narrow column leaves the closing ）alone on a line (LibreOffice) or cuts the unit in two."""
    if not text or "（单位" not in text or text.startswith("（单位") or "\n" in text:
        return text
    return text.replace("（单位", "\n（单位", 1)


def wrapped_lines(text: str, per_line: int) -> int:
    """Lines a wrapped text needs in a column holding about ``per_line`` Chinese characters."""
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
