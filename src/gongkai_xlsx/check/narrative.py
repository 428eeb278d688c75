"""Numbers quoted in 一、总体情况 compared with the tables (issue 6 item 2).

Only clear patterns are matched — a count of applications received, handled, carried over; results by kind;
administrative reconsideration and litigation cases; normative documents issued or in force — each tied to the
table cells it restates. A claim that matches none of the accepted readings (e.g. received = 本年新收, or
本年新收 + 上年结转) is a warning that quotes the sentence and names the cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .. import findings as F
from ..findings import Finding, FindingCell
from ..form import FORM_2021, TextRole, short_label
from ..normalise import compact_with_offsets

OVERVIEW = FORM_2021.text(FORM_2021.text_id(TextRole.OVERVIEW))
T3 = FORM_2021.table3
T4 = FORM_2021.table4


def _t3(row: str, col: str = "total") -> str:
    return T3.item_id(row, col)


def _group(prefix: str) -> tuple[str, ...]:
    return tuple(_t3(r.key) for r in T3.rows if r.key.startswith(prefix))


_SUITS = ("suit_direct", "suit_after")
TABLE3 = FORM_2021.item(T3.item_id(T3.total_row, T3.total_column)).label.split(" ")[0]  # 表三
TABLE4 = FORM_2021.item(T4.item_id("review", T4.total_column)).label.split(" ")[0]  # 表四


def _suits_heading() -> str:
    """行政诉讼: the heading both litigation groups of 表四 share (行政诉讼·未经复议直接起诉, 行政诉讼·复议后起诉)."""
    return {g.key: g.label for g in T4.groups}[_SUITS[0]].split("·")[0]


def _row(item_id: str) -> str:
    return short_label(FORM_2021.item(item_id).row_label.split(" ")[-1])


def _cell(item_id: str) -> str:
    """How a message names one cell, in the form's words: 表三“（一）予以公开”总计, 表二“规章｜现行有效件数”."""
    item = FORM_2021.item(item_id)
    table = item.label.split(" ")[0]
    if item.table == "t3":  # 表三's cells are named by row, then column: its columns are the applicants
        return f"{table}“{_row(item_id)}”{item.col_label}"
    return f"{table}“{_row(item_id)}｜{item.col_label}”"


def _group_sum(prefix: str) -> str:
    """表三“（三）不予公开”各项总计之和: the rows under one heading of 表三, named by the heading."""
    heading = next(r.path[1] for r in T3.rows if r.key.startswith(prefix))
    return f"{TABLE3}“{heading}”各项总计之和"

_N = r"(\d[\d,]*)"
_FILL = r"(?:共计|总计|合计|共)?"


@dataclass(frozen=True)
class Pattern:
    name: str
    regex: re.Pattern
    readings: tuple[tuple[str, ...], ...]  # accepted item sums; the first is the one named in messages
    where: str  # Chinese name of the cells
    where_en: str


def _p(name, regex, readings, where, where_en) -> Pattern:
    return Pattern(name, re.compile(regex), readings, where, where_en)


PATTERNS = (
    _p("received", rf"(?:受理|收到|接收|新收)[^。;,]{{0,30}}?申请{_FILL}{_N}件",
       ((_t3("new"),), (_t3("new"), _t3("carry_in"))), _cell(_t3("new")),
       "t3_new_total"),
    _p("received_n_first", rf"(?:受理|收到|接收|新收)(?:了)?{_FILL}{_N}件(?:政府信息公开|依申请公开)?申请",
       ((_t3("new"),), (_t3("new"), _t3("carry_in"))), _cell(_t3("new")),
       "t3_new_total"),
    _p("handled", rf"(?<!公开)(?<!处理)(?:办结|答复)(?:了)?(?:依申请公开|政府信息公开申请|申请)?{_FILL}{_N}件",
       ((_t3("total"),),), _cell(_t3("total")), "t3_total_total"),
    _p("carried_in", rf"上年度?结转(?:的)?(?:申请)?{_FILL}{_N}件",
       ((_t3("carry_in"),),), _cell(_t3("carry_in")), "t3_carry_in_total"),
    _p("carried_out", rf"{_N}件(?:申请)?(?:结转|顺延)(?:到|至)?下一?年度?",
       ((_t3("carry_out"),),), _cell(_t3("carry_out")), "t3_carry_out_total"),
    _p("carried_out_2", rf"结转(?:到|至)?下一?年度?(?:继续办理)?(?:的)?(?:申请)?{_FILL}{_N}件",
       ((_t3("carry_out"),),), _cell(_t3("carry_out")), "t3_carry_out_total"),
    _p("open_partial", rf"予以公开(?:及|和|与|、)部分公开(?:的)?{_FILL}{_N}件",
       ((_t3("open"), _t3("partial")),), f"{TABLE3}“{_row(_t3('open'))}”与“{_row(_t3('partial'))}”总计之和",
       "t3_open_total + t3_partial_total"),
    _p("open", rf"(?:^|[,;:.。])(?:其中)?:?(?:予以公开|同意公开)(?:答复)?(?:的)?{_N}件", ((_t3("open"),),),
       _cell(_t3("open")), "t3_open_total"),
    _p("partial", rf"(?:^|[,;:.。])(?:其中)?:?部分(?:同意)?公开(?:答复)?(?:的)?{_N}件", ((_t3("partial"),),),
       _cell(_t3("partial")), "t3_partial_total"),
    _p("deny", rf"(?:^|[,;:.。])(?:其中)?:?不予公开(?:答复)?(?:的)?{_N}件", (_group("deny_"),), _group_sum("deny_"),
       "sum of t3_deny_*_total"),
    _p("unable", rf"(?:^|[,;:.。])(?:其中)?:?无法提供(?:的)?{_N}件", (_group("unable_"),), _group_sum("unable_"),
       "sum of t3_unable_*_total"),
    _p("noproc", rf"(?:^|[,;:.。])(?:其中)?:?不予处理(?:的)?{_N}件", (_group("noproc_"),), _group_sum("noproc_"),
       "sum of t3_noproc_*_total"),
    _p("other", rf"(?:^|[,;:.。])(?:其中)?:?其他处理(?:的)?{_N}件", (_group("other_"),), _group_sum("other_"),
       "sum of t3_other_*_total"),
    _p("review", rf"行政复议(?:案件|申请)?{_FILL}{_N}件", ((T4.item_id("review", "total"),),),
       _cell(T4.item_id("review", "total")), "t4_review_total"),
    _p("suit", rf"行政诉讼(?:案件)?{_FILL}{_N}件", (tuple(T4.item_id(g, "total") for g in _SUITS),),
       f"{TABLE4}“{_suits_heading()}”两类总计之和", "t4_suit_direct_total + t4_suit_after_total"),
    _p("norm_valid", rf"现行有效(?:的)?(?:行政)?规范性文件{_FILL}{_N}件", (("t2_norm_valid",),),
       _cell("t2_norm_valid"), "t2_norm_valid"),
    _p("norm_issued", rf"制发(?:的)?(?:行政)?规范性文件{_FILL}{_N}件", (("t2_norm_issued",),),
       _cell("t2_norm_issued"), "t2_norm_issued"),
    _p("norm_valid_after", rf"(?:行政)?规范性文件(?:中)?现行有效(?:的)?{_FILL}{_N}件", (("t2_norm_valid",),),
       _cell("t2_norm_valid"), "t2_norm_valid"),
    _p("norm_repealed", rf"废止(?:了)?(?:的)?(?:行政)?规范性文件{_FILL}{_N}件", (("t2_norm_repealed",),),
       _cell("t2_norm_repealed"), "t2_norm_repealed"),
    _p("rule_valid", rf"现行有效(?:的)?规章{_FILL}{_N}件", (("t2_rule_valid",),), _cell("t2_rule_valid"),
       "t2_rule_valid"),
    _p("rule_issued", rf"制发(?:的)?规章{_FILL}{_N}件", (("t2_rule_issued",),), _cell("t2_rule_issued"),
       "t2_rule_issued"),
)
# after a count of reconsideration or litigation cases: "其中结果维持 72 件，结果纠正 64 件…"
BREAKDOWN = tuple((column.key, column.label) for column in T4.columns if column.key != T4.total_column)


@dataclass(frozen=True)
class Claim:
    """A number quoted in the overview, the cells it restates, and whether the tables agree."""

    sentence: str
    number: int
    items: tuple[str, ...]
    where: str
    where_en: str
    table_value: int | Decimal | None
    matches: bool


def check_overview(text: str, values: dict, read: set[str]) -> tuple[list[Claim], list[Finding]]:
    """Claims found in ``text`` (the overview) and a warning for each that disagrees with ``values``.

    ``read`` holds the item ids actually read from the source; a claim about cells that were not read is skipped.
    """
    compact, cmap = compact_with_offsets(text, fold=True)  # the overview as typed: folded here
    found: list[tuple[int, int, tuple[tuple[str, ...], ...], str, str]] = []
    for pattern in PATTERNS:
        for match in pattern.regex.finditer(compact):
            found.append((cmap[match.start(1)], _int(match.group(1)), pattern.readings, pattern.where,
                          pattern.where_en))
            if pattern.name in ("review", "suit"):
                found += _breakdown(compact, cmap, match.end(), pattern.name)
    claims: list[Claim] = []
    seen: set[tuple[int, tuple[str, ...]]] = set()
    for offset, number, readings, where, where_en in sorted(found, key=lambda f: f[0]):
        key = (offset, readings[0])
        if key in seen or not all(i in read for i in readings[0]):
            continue
        seen.add(key)
        sums = [sum(values.get(i, 0) or 0 for i in reading) for reading in readings]
        claims.append(Claim(_sentence(text, offset), number, readings[0], where, where_en, sums[0], number in sums))
    findings = []
    for claim in claims:
        if claim.matches:
            continue
        cells = [FindingCell(OVERVIEW.heading, None, OVERVIEW.id, claim.sentence)]
        cells += [FindingCell(None, None, i, values.get(i)) for i in claim.items]
        findings.append(F.IMPORT_TEXT_TABLE_MISMATCH(
            cells, sentence=claim.sentence, number=claim.number, where=claim.where, where_en=claim.where_en,
            value=_plain(claim.table_value)))
    return claims, findings


def stated_values(text: str) -> dict[str, set[int]]:
    """Numbers the overview states for single cells of the tables (item id → the numbers stated for it)."""
    compact, _ = compact_with_offsets(text, fold=True)
    stated: dict[str, set[int]] = {}
    for pattern in PATTERNS:
        if len(pattern.readings) != 1 or len(pattern.readings[0]) != 1:
            continue
        for match in pattern.regex.finditer(compact):
            stated.setdefault(pattern.readings[0][0], set()).add(_int(match.group(1)))
    return stated


def _breakdown(compact: str, cmap: list[int], pos: int, kind: str):
    """"…N 件，其中结果维持 a 件，结果纠正 b 件…" up to the end of the clause."""
    ends = [j for j in (compact.find(";", pos), compact.find("。", pos)) if j >= 0]
    tail_end = min(ends) if ends else len(compact)
    tail = compact[pos:tail_end]
    if "其中" not in tail[:4]:
        return []
    groups = ("review",) if kind == "review" else _SUITS
    name = "行政复议" if kind == "review" else "行政诉讼"
    out = []
    for column, word in BREAKDOWN:
        match = re.search(rf"{word}{_N}件", tail)
        if match:
            items = tuple(T4.item_id(g, column) for g in groups)
            out.append((cmap[pos + match.start(1)], _int(match.group(1)), (items,), f"表四“{name}｜{word}”",
                        " + ".join(items)))
    return out


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def _sentence(text: str, at: int, limit: int = 120) -> str:
    start = max(text.rfind(ch, 0, at) for ch in "。；;！？\n") + 1
    ends = [j for j in (text.find(ch, at) for ch in "。；;！？\n") if j >= 0]
    end = min(ends) + 1 if ends else len(text)
    sentence = text[start:end].strip()
    if sentence.endswith(("；", ";", "\n")):
        sentence = sentence[:-1]
    if len(sentence) > limit:
        offset = at - start
        lo = max(0, offset - limit // 2)
        sentence = ("…" if lo else "") + sentence[lo:lo + limit] + "…"
    return sentence


def _plain(value) -> str:
    if value is None:
        return "—"
    return format(value, "f") if not isinstance(value, int) else str(value)
