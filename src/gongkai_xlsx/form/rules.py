"""Rules (勾稽关系 and soft checks) as data: evaluated here in Python, rendered to Excel formulas by the same objects.

Each rule has a stable id, a severity and message templates; its *checks* are the rule's instances (one per
column, row or group), each naming the items it involves. :func:`evaluate` runs every check on a mapping of
item id → number; :meth:`Check.excel_value` renders the same check as an Excel expression whose value is the
check's measure (a difference, a share or a length), so the template's live checks and the verifier can never
disagree about what a rule means.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from itertools import repeat

from .model import Form, TextRole


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def label(self) -> str:
        """The word offices and coordinators see: 错误 / 警告 / 提示."""
        return {"error": "错误", "warning": "警告", "notice": "提示"}[self.value]

    @property
    def meaning(self) -> str:
        """The word with what it asks of the office, as the template's instructions say it."""
        return {"error": "错误（必须改正）", "warning": "警告（请核实）", "notice": "提示"}[self.value]


class CheckKind(str, Enum):
    EQUAL = "equal"  # sum(left) == sum(right); measure = difference
    CROSS_YEAR = "cross_year"  # sum(left) this year == sum(right) last year; measure = difference
    SHARE_AT_MOST = "share_at_most"  # sum(left) <= limit × sum(right); measure = sum(left) − limit × sum(right)
    TEXT_LENGTH_AT_MOST = "text_length_at_most"  # characters (whitespace excluded) <= limit; measure = excess


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    kind: CheckKind
    title: str
    title_en: str
    left_label: str  # what the left side is, in Chinese, e.g. 一、本年新收 + 二、上年结转
    right_label: str
    hint: str
    hint_en: str
    limit: float = 0.0  # the share or length limit for the soft rules
    in_template: bool = True  # rendered as a live check in the template

    @property
    def requirement(self) -> str:
        """What must hold, built from the rule's comparison and limit (the README's table and the template's
        填表说明 both print this, so neither can misstate a rule)."""
        if self.kind is CheckKind.SHARE_AT_MOST:
            return f"{self.left_label} ≤ {self.limit:.0%} × {self.right_label}"
        if self.kind is CheckKind.TEXT_LENGTH_AT_MOST:
            return f"{self.left_label} ≤ {int(self.limit)} 字（不计空白）"
        if self.kind is CheckKind.CROSS_YEAR:
            return f"本年{self.left_label} ＝ 上年{self.right_label}"
        return f"{self.left_label} ＝ {self.right_label}"

    @property
    def explainable(self) -> bool:
        """A warning or notice may be right to tolerate: the template has a 情况说明 cell (``note_<id>``) for it."""
        return self.severity is not Severity.ERROR


@dataclass(frozen=True)
class Check:
    """One instance of a rule: a column, a row or a group."""

    rule: Rule
    scope: str  # stable key, e.g. the column key "natural"
    scope_label: str  # e.g. 自然人
    left: tuple[str, ...]  # item ids (or a text id for TEXT_LENGTH_AT_MOST)
    right: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """Stable id of the instance, e.g. ``T3_BALANCE.natural``."""
        return f"{self.rule.id}.{self.scope}"

    @property
    def items(self) -> tuple[str, ...]:
        return self.left + self.right

    def measure(self, values: Mapping[str, float | int | Decimal], previous: Mapping | None = None,
                texts: Mapping[str, str] | None = None) -> float | int | Decimal | None:
        """The check's measure; 0 or less passes (equality: exactly 0). None when the data is not there."""
        kind = self.rule.kind
        if kind is CheckKind.TEXT_LENGTH_AT_MOST:
            if texts is None:
                return None
            return max(0, text_length(texts.get(self.left[0]) or "") - int(self.rule.limit))
        left = total(values, self.left)
        if kind is CheckKind.CROSS_YEAR:
            if previous is None:
                return None
            return left - total(previous, self.right)
        right = total(values, self.right)
        if kind is CheckKind.SHARE_AT_MOST:
            # scaled to whole numbers (left·q − right·p for a limit p/q) so Python and Excel compare exactly
            p, q = _ratio(self.rule.limit)
            return max(0, left * q - right * p)
        return left - right

    def passes(self, measure) -> bool:
        if measure is None:
            return True
        if self.rule.kind is CheckKind.EQUAL or self.rule.kind is CheckKind.CROSS_YEAR:
            return measure == 0
        return measure <= 0

    def excel_value(self, ref: Callable[[Sequence[str]], str]) -> str:
        """The measure as an Excel expression (no leading ``=``); ``ref`` turns item ids into SUM arguments.

        Only SUM, MAX, LEN and SUBSTITUTE are used: Excel 2007, WPS and LibreOffice all evaluate them.
        """
        kind = self.rule.kind
        if kind is CheckKind.TEXT_LENGTH_AT_MOST:
            cell = ref(self.left)
            stripped = cell
            for ch in WHITESPACE_EXCEL:
                stripped = f"SUBSTITUTE({stripped},{ch},\"\")"
            return f"MAX(0,LEN({stripped})-{int(self.rule.limit)})"
        if kind is CheckKind.CROSS_YEAR:
            raise ValueError(f"{self.rule.id} needs last year's data and has no template formula")
        left = f"SUM({ref(self.left)})"
        right = f"SUM({ref(self.right)})"
        if kind is CheckKind.SHARE_AT_MOST:
            p, q = _ratio(self.rule.limit)
            return f"MAX(0,{left}*{q}-{right}*{p})"
        return f"{left}-{right}"

    def message(self, measure, values: Mapping, previous: Mapping | None = None, lang: str = "zh") -> str:
        """A sentence saying what is wrong, naming the scope and the numbers."""
        rule = self.rule
        left = _fmt(sum(values.get(i, 0) or 0 for i in self.left)) if rule.kind is not CheckKind.TEXT_LENGTH_AT_MOST else None
        if rule.kind is CheckKind.EQUAL:
            right = _fmt(sum(values.get(i, 0) or 0 for i in self.right))
            if lang == "en":
                return f"{rule.title_en} [{self.scope}]: {left} ≠ {right} (difference {_fmt(measure)})."
            return (f"{rule.title}（{self.scope_label}）：{rule.left_label} = {left}，"
                    f"{rule.right_label} = {right}，相差 {_fmt(measure)}。")
        if rule.kind is CheckKind.CROSS_YEAR:
            right = _fmt(sum((previous or {}).get(i, 0) or 0 for i in self.right))
            if lang == "en":
                return f"{rule.title_en} [{self.scope}]: this year {left}, last year {right}."
            return (f"{rule.title}（{self.scope_label}）：本年{rule.left_label} = {left}，"
                    f"上年{rule.right_label} = {right}，相差 {_fmt(measure)}。")
        if rule.kind is CheckKind.SHARE_AT_MOST:
            right = sum(values.get(i, 0) or 0 for i in self.right)
            share = (sum(values.get(i, 0) or 0 for i in self.left) / right) if right else 0
            if lang == "en":
                return f"{rule.title_en}: {left} of {_fmt(right)} results ({share:.0%}) are 'other handling'."
            return (f"{rule.title}：{rule.left_label} = {left}，占{rule.right_label}（{_fmt(right)}）的 "
                    f"{share:.0%}，超过 {rule.limit:.0%}。")
        length = int(measure) + int(rule.limit)
        if lang == "en":
            return f"{rule.title_en}: {length} characters, guideline {int(rule.limit)}."
        return f"{rule.title}：{rule.left_label}共 {length} 字，超过原则上不超过的 {int(rule.limit)} 字。"


# whitespace not counted in a text's length; the Excel list must render the same set. U+0001 is there because
# LibreOffice hands a tab inside a multi-line cell to formulas as U+0001 (it cannot occur in an .xlsx text)
WHITESPACE = (" ", "\u3000", "\n", "\r", "\t", "\x01")
WHITESPACE_EXCEL = ('" "', '"\u3000"', "CHAR(10)", "CHAR(13)", "CHAR(9)", "CHAR(1)")


def text_length(text: str) -> int:
    """Characters of a text section, whitespace excluded (what 篇幅不超过一千字 counts)."""
    return sum(1 for ch in text if ch not in WHITESPACE)


def _fmt(number) -> str:
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return f"{number}"


def _ratio(limit: float) -> tuple[int, int]:
    fraction = Fraction(limit).limit_denominator(1000)
    return fraction.numerator, fraction.denominator


# ------------------------------------------------------------------------------------------ the rules
T3_BALANCE = Rule(
    id="T3_BALANCE",
    severity=Severity.ERROR,
    kind=CheckKind.EQUAL,
    title="表三勾稽关系",
    title_en="Table 3 balance (new + carried in = results total + carried out)",
    left_label="一、本年新收 + 二、上年结转",
    right_label="三、（七）总计 + 四、结转下年度继续办理",
    hint="本列“一”与“二”之和应等于“三（七）总计”与“四”之和：请核对本年新收、上年结转、各项办理结果和结转下年度的数字。",
    hint_en="In this column, new + carried-in must equal the results total + carried-out; check those rows.",
)
T3_RESULTS_SUM = Rule(
    id="T3_RESULTS_SUM",
    severity=Severity.ERROR,
    kind=CheckKind.EQUAL,
    title="表三办理结果合计",
    title_en="Table 3 results total (total = sum of the 21 result rows)",
    left_label="三、（七）总计",
    right_label="（一）至（六）各项办理结果之和",
    hint="“（七）总计”应等于（一）至（六）全部21个结果行之和（每件申请只计一种结果）；请勿改写合计单元格。",
    hint_en="The results total must be the sum of the 21 result rows; do not type over the total.",
)
T3_ROW_TOTAL = Rule(
    id="T3_ROW_TOTAL",
    severity=Severity.ERROR,
    kind=CheckKind.EQUAL,
    title="表三行合计",
    title_en="Table 3 row total (total = the six applicant columns)",
    left_label="总计",
    right_label="自然人至其他六列之和",
    hint="“总计”列应等于自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他六列之和；请勿改写合计单元格。",
    hint_en="The total column must equal the six applicant columns; do not type over the total.",
)
T4_GROUP_TOTAL = Rule(
    id="T4_GROUP_TOTAL",
    severity=Severity.ERROR,
    kind=CheckKind.EQUAL,
    title="表四合计",
    title_en="Table 4 group total (total = upheld + corrected + other + pending)",
    left_label="总计",
    right_label="结果维持 + 结果纠正 + 其他结果 + 尚未审结",
    hint="“总计”应等于结果维持、结果纠正、其他结果、尚未审结之和；请勿改写合计单元格。",
    hint_en="The total must equal upheld + corrected + other + pending; do not type over the total.",
)
CROSS_YEAR_CARRY = Rule(
    id="CROSS_YEAR_CARRY",
    severity=Severity.WARNING,
    kind=CheckKind.CROSS_YEAR,
    title="跨年度结转衔接",
    title_en="Carry-over across years (carried in = last year's carried out)",
    left_label="二、上年结转",
    right_label="四、结转下年度继续办理",
    hint="本年“二、上年结转”通常应等于上年报告的“四、结转下年度继续办理”；如上年数据有更正，请在“六、其他需要报告的事项”中说明。",
    hint_en="Carried-in should equal last year's carried-out; explain any correction in section 6.",
    in_template=False,
)
T3_OTHER_SHARE = Rule(
    id="T3_OTHER_SHARE",
    severity=Severity.NOTICE,
    kind=CheckKind.SHARE_AT_MOST,
    title="“其他处理”占比偏高",
    title_en="High share of 'other handling'",
    left_label="（六）其他处理",
    right_label="（七）总计",
    hint="原则上所有申请都应按法定方式处理（国办公开办函〔2019〕60号）；“其他处理”偏高时请核实归类，或在报告中说明原因。",
    hint_en="Applications should be handled in a statutory way; check the classification or explain.",
    limit=0.1,
)
TEXT_OVERVIEW_LENGTH = Rule(
    id="TEXT_OVERVIEW_LENGTH",
    severity=Severity.NOTICE,
    kind=CheckKind.TEXT_LENGTH_AT_MOST,
    title="总体情况篇幅",
    title_en="Length of section 1 (overview)",
    left_label="一、总体情况",
    right_label="",
    hint="通知要求“一、总体情况”重在聚焦主题、简明客观，篇幅原则上不超过一千字。",
    hint_en="The notice asks for an overview of at most about 1,000 characters.",
    limit=1000,
)

RULES = (T3_BALANCE, T3_RESULTS_SUM, T3_ROW_TOTAL, T4_GROUP_TOTAL, CROSS_YEAR_CARRY, T3_OTHER_SHARE,
         TEXT_OVERVIEW_LENGTH)
RULES_BY_ID = {rule.id: rule for rule in RULES}


_CHECKS: dict[str, tuple[Check, ...]] = {}


def checks_for(form: Form) -> tuple[Check, ...]:
    """Every check (rule instance) of a form, in a stable order."""
    if form.version not in _CHECKS:
        _CHECKS[form.version] = _build_checks(form)
    return _CHECKS[form.version]


def _build_checks(form: Form) -> tuple[Check, ...]:
    t3, t4 = form.table3, form.table4
    part_columns = [c for c in t3.columns if c.key != t3.total_column]
    checks: list[Check] = []
    for column in t3.columns:
        checks.append(Check(T3_BALANCE, column.key, column.label,
                            left=(t3.item_id("new", column.key), t3.item_id("carry_in", column.key)),
                            right=(t3.item_id(t3.total_row, column.key), t3.item_id("carry_out", column.key))))
    for column in t3.columns:
        checks.append(Check(T3_RESULTS_SUM, column.key, column.label,
                            left=(t3.item_id(t3.total_row, column.key),),
                            right=tuple(t3.item_id(r, column.key) for r in t3.result_rows)))
    for row in t3.rows:
        checks.append(Check(T3_ROW_TOTAL, row.key, row.label,
                            left=(t3.item_id(row.key, t3.total_column),),
                            right=tuple(t3.item_id(row.key, c.key) for c in part_columns)))
    for group in t4.groups:
        checks.append(Check(T4_GROUP_TOTAL, group.key, group.label,
                            left=(t4.item_id(group.key, t4.total_column),),
                            right=tuple(t4.item_id(group.key, c.key) for c in t4.columns
                                        if c.key != t4.total_column)))
    for column in t3.columns:
        checks.append(Check(CROSS_YEAR_CARRY, column.key, column.label,
                            left=(t3.item_id("carry_in", column.key),),
                            right=(t3.item_id("carry_out", column.key),)))
    other_rows = [r.key for r in t3.rows if r.key.startswith("other_")]
    checks.append(Check(T3_OTHER_SHARE, t3.total_column, "总计",
                        left=tuple(t3.item_id(r, t3.total_column) for r in other_rows),
                        right=(t3.item_id(t3.total_row, t3.total_column),)))
    overview = form.text(form.text_id(TextRole.OVERVIEW))
    checks.append(Check(TEXT_OVERVIEW_LENGTH, overview.id, overview.heading, left=(overview.id,)))
    return tuple(checks)


_ZEROS = repeat(0)


def total(values: Mapping[str, float | int | Decimal], ids: Sequence[str]):
    """The sum of the values of ``ids``, a missing (or None) value counting as 0."""
    try:
        return sum(map(values.get, ids, _ZEROS))  # every check of every report: kept in C
    except TypeError:  # a None among them
        return sum(values.get(i, 0) or 0 for i in ids)


@dataclass(frozen=True)
class Violation:
    """A check that did not pass, with the numbers that made it fail."""

    check: Check
    measure: float | int | Decimal

    @property
    def rule(self) -> Rule:
        return self.check.rule

    @property
    def severity(self) -> Severity:
        return self.check.rule.severity


def evaluate(form: Form, values: Mapping[str, float | int | Decimal], *, texts: Mapping[str, str] | None = None,
             previous: Mapping[str, float | int | Decimal] | None = None) -> list[Violation]:
    """Run every check of ``form``; return the ones that fail (all of them, never stopping at the first).

    ``values`` maps item ids to numbers (missing ids count as 0). Cross-year checks run only when
    ``previous`` (last year's values) is given; the text check only when ``texts`` is given.
    """
    violations = []
    for check in checks_for(form):
        measure = check.measure(values, previous=previous, texts=texts)
        if not check.passes(measure):
            violations.append(Violation(check, measure))
    return violations
