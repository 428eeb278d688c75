"""What a laid-out sheet is made of: the template's sheet and defined names, cells, sheets, references, the live
banner and check counts, how item cells are placed, and how much text a column holds.

The sheets themselves are laid out in :mod:`.tables` (表二–表四), :mod:`.main_sheet` (基本信息及文字) and
:mod:`.guide` (填表说明), and assembled by :mod:`.build` (``layout_for``); the template writer renders them, the
reader uses their sheet names and label positions. Positions are 0-based (row, col); formulas carry a function
that gives their cached value, so the writer can store the value Excel would compute.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..form import Form
from ..ooxml.package import a1, absolute_a1
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
INFO_BOX = "box"  # Context.info key of the first sheet's box (只填浅黄色单元格 · 报送至 … · 截止 … · 联系人 …)


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


# ------------------------------------------------------------------------------------------ helpers
def add_banner(sheet: SheetLayout, form: Form, row: int, last_col: int, office: bool = True) -> None:
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
    return f"✎ {INCOMPLETE_TEXT}：请填写" + "、".join(required.label for required in form.required_fields)


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
    for required in ctx.form.required_fields:
        value = (ctx.texts if required.is_text else ctx.meta).get(required.id)
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
               if check.rule.severity is Severity.ERROR and not check.passes(measure_check(check, ctx)))


def checks_for_template(form: Form) -> tuple[Check, ...]:
    return tuple(check for check in checks_for(form) if check.rule.in_template)


def measure_check(check: Check, ctx: Context):
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
                validation_text(f"{what}：请输入不小于0的数字，单位万元，最多{item.decimals}位小数。{PASTE_HINT}")))
        else:
            sheet.validations.append(Validation(
                row, first_col, row, last_col, "integer", "请输入整数",
                validation_text(f"{what}：请输入不小于0的整数（单位：{item.unit}）。没有请填0。{PASTE_HINT}")))


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


def validation_text(message: str, length: int = 255) -> str:
    # Excel refuses validation messages over 255 characters
    return message if len(message) <= length else message[: length - 1] + "…"


def _item_value(item_id: str) -> Callable[[Context], Any]:
    return lambda ctx: ctx.values[item_id]


def check_value(check: Check) -> Callable[[Context], Any]:
    return lambda ctx: measure_check(check, ctx)


def failing(position: tuple[str, int, int]) -> str:
    """1 when the check cell at ``position`` fails, else 0 (a check cell holds 0 when its check passes)."""
    return f"IF({check_ref(position)}<>0,1,0)"


def failing_count(positions: Iterable[tuple[str, int, int]]) -> str:
    """The formula counting how many of the check cells at ``positions`` fail."""
    return "+".join(failing(position) for position in positions)


def check_ref(position: tuple[str, int, int]) -> str:
    sheet, row, col = position
    return f"{quote_sheet(sheet)}!{a1(row, col)}"


def group_by_rule(checks: Sequence[Check]) -> dict[str, list[Check]]:
    grouped: dict[str, list[Check]] = {}
    for check in checks:
        grouped.setdefault(check.rule.id, []).append(check)
    return grouped


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
