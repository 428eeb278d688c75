"""Tables 二, 三 and 四 of a published report → item values, by row labels and value tokens.

Each row is found by a keyword of its label (typo-tolerant: ``其他法律行政止公开`` still has ``其他法律``), its
anchor moved back to the label's numbering; the value tokens between one row's anchor and the next are that row's
cells. A row with too few tokens whose digits are run together is split with the table's sum relations
(:mod:`.glued`). Totals are kept exactly as published.

Mapping decisions:

- 2019 trial format (国办公开办函〔2019〕60号), table 二: ``本年新制作数量`` → 本年制发件数 (both count the documents
  newly made in the year); ``处理决定数量`` of 行政许可/行政处罚/行政强制 → 本年处理决定数量 (same wording and
  meaning). ``本年新公开数量``, ``对外公开总数量`` (a cumulative count of published documents, not the count in
  force), ``上一年项目数量``, ``本年增/减``, ``其他对外管理服务事项`` and （九）政府集中采购 have no counterpart and are
  reported, not read; 本年废止件数, 现行有效件数 and 本年收费金额 are missing from such a source and count as 0.
- A single-row ``（六）其他处理`` (2019 format, and some 2021 reports such as 洪泽区 2023/2024) goes to
  ``3.其他``: the single row is the sum of all three current rows, the source does not say which reason applies,
  and ``3.其他`` is the only row that asserts none; the results total is unchanged.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .. import findings as F
from ..findings import Finding, FindingCell
from ..form import FORM_2021
from ..form.model import TABLE_SHORT_NAMES, ValueKind
from ..form.rules import T3_BALANCE, T3_RESULTS_SUM, checks_for
from ..report import SourceCell
from . import glued
from .document import normalise
from .stream import BLANK, MARK, NUM, Stream, Token, token_value

T2, T3, T4 = (TABLE_SHORT_NAMES[table] for table in ("t2", "t3", "t4"))
T_EN = {T2: "Table 2", T3: "Table 3", T4: "Table 4"}
Number = int | Decimal


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str  # the label as the format writes it (messages, variant check)
    keyword: str  # regex on compact text; typo-tolerant alternatives
    prefix: str | None  # the label's numbering, searched just before the keyword
    targets: tuple[str | None, ...]  # item id per value, None for a value with no current counterpart
    headers: tuple[str, ...] = ()  # the source's column names (for unmapped values)

    @property
    def count(self) -> int:
        return len(self.targets)


@dataclass
class Anchor:
    spec: RowSpec
    start: int  # compact index where the label starts
    keyword_end: int


@dataclass
class Reading:
    """What the tables gave: values keyed by item id, where each came from, and what was noticed."""

    values: dict[str, Number] = field(default_factory=dict)
    sources: dict[str, SourceCell] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    blanks: list[FindingCell] = field(default_factory=list)
    blank_totals: list[FindingCell] = field(default_factory=list)  # totals the source left blank: recomputed
    marks: list[FindingCell] = field(default_factory=list)
    unmapped: list[tuple[str, str, Number]] = field(default_factory=list)  # (row, column, value)
    absent: set[str] = field(default_factory=set)  # items the source's format has no cell for (0, said so)
    rows_expected: int = 0
    rows_read: int = 0
    format_version: str = "2021"

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is F.E)


# ------------------------------------------------------------------------------------------ 表三 rows
_T3_KEYWORDS = {
    "new": r"本年新收|新收政府信息",
    "carry_in": r"上年度?结转",
    "open": r"予以公开",
    "partial": r"部分公开",
    "deny_1": r"国家秘密",
    "deny_2": r"其他法律|行政法规禁止|禁止公开|止公开",
    "deny_3": r"三安全|一稳定|危及",
    "deny_4": r"第三方",
    "deny_5": r"内部事务|三类内部",
    "deny_6": r"过程性|四类过程",
    "deny_7": r"执法案卷",
    "deny_8": r"行政查询|查询事项",
    "unable_1": r"不掌握",
    "unable_2": r"没有现成|另行制作",
    "unable_3": r"补正后|仍不明确",
    "noproc_1": r"信访|举报投诉",
    "noproc_2": r"重复申请",
    "noproc_3": r"出版物",
    "noproc_4": r"大量反复|反复申请",
    "noproc_5": r"确认或重新|重新出具|已获取信息",
    "other_1": r"不补正|逾期不补",
    "other_2": r"收费通知|缴纳费用|未按收费",
    "other_3": r"3\.?其他",
    "total": r"\(七\)(?:总计|合计)|七\)总计",
    "carry_out": r"结转下年|下年度继续|继续办理",
}
_PREFIX = re.compile(r"^(\d\.|\([一二三四五六七八九十]\)|[一二三四]\.)")
OTHER_SINGLE_LABEL = next(row.path[-2] for row in FORM_2021.table3.rows if row.key == "other_1")  # （六）其他处理
T3_COLUMNS = [c.key for c in FORM_2021.table3.columns]


def _t3_specs() -> list[RowSpec]:
    t3 = FORM_2021.table3
    specs = []
    for row in t3.rows:
        label = row.path[-1]
        prefix = _PREFIX.match(normalise(label))
        specs.append(RowSpec(row.key, label, _T3_KEYWORDS[row.key], prefix.group(1) if prefix else None,
                             tuple(t3.item_id(row.key, c) for c in T3_COLUMNS)))
    return specs


T3_SPECS = _t3_specs()
T3_BY_KEY = {spec.key: spec for spec in T3_SPECS}
OTHER_SINGLE = RowSpec("other_single", OTHER_SINGLE_LABEL, r"\(六\)其他处理|六\)其他处理|其他处理", "(六)",
                       T3_BY_KEY["other_3"].targets)

# ------------------------------------------------------------------------------------------ 表二 rows
# how each row of 表二 is recognised in published text (its label and items come from the form)
_T2_KEYWORDS = {"rule": r"规章", "norm": r"规范性文件", "license": r"行政许可", "penalty": r"行政处罚",
                "coercion": r"行政强制", "fee": r"事业性收费"}
T2_2021 = tuple(RowSpec(row.key, row.label, _T2_KEYWORDS[row.key], None, row.item_ids)
                for block in FORM_2021.table2.blocks for row in block.rows)
_MADE = ("本年新制作数量", "本年新公开数量", "对外公开总数量")
_ITEMS = ("上一年项目数量", "本年增/减", "处理决定数量")
T2_2019 = (
    RowSpec("rule", "规章", r"规章", None, ("t2_rule_issued", None, None), _MADE),
    RowSpec("norm", "规范性文件", r"规范性文件", None, ("t2_norm_issued", None, None), _MADE),
    RowSpec("license", "行政许可", r"行政许可", None, (None, None, "t2_license"), _ITEMS),
    RowSpec("service", "其他对外管理服务事项", r"对外管理服务|其他对外管理", None, (None, None, None), _ITEMS),
    RowSpec("penalty", "行政处罚", r"行政处罚", None, (None, None, "t2_penalty"), _ITEMS),
    RowSpec("coercion", "行政强制", r"行政强制", None, (None, None, "t2_coercion"), _ITEMS),
    RowSpec("fee", "行政事业性收费", r"事业性收费", None, (None, None), _ITEMS[:2]),
    RowSpec("procure", "政府集中采购", r"集中采购", None, (None, None), ("采购项目数量", "采购总金额")),
)
MAPPED_2019 = {target for spec in T2_2019 for target in spec.targets if target}  # 表二 items the 2019 format has
MAPPING_2019 = ("本年新制作数量→本年制发件数；处理决定数量→本年处理决定数量；（六）其他处理→3.其他",
                "new documents made → issued; decisions → decisions; (6) other handling → 3. other")
MARKERS_2019 = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|本年增/?减|政府集中采购|对外管理服务事项")
MARKERS_2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数|本年处理决定数量|本年收费金额")

# one row of 表三 holds a number per column, the last its total; a row of 表四 one total per group of columns
T3_WIDTH = len(FORM_2021.table3.columns)
T4_GROUPS = (len(FORM_2021.table4.columns),) * len(FORM_2021.table4.groups)
T4_IDS = tuple(FORM_2021.table4.item_id(g.key, c.key) for g in FORM_2021.table4.groups
               for c in FORM_2021.table4.columns)


def detect_format(stream: Stream | None) -> str:
    """"2019" when table 二 has the trial format's columns or rows, else "2021"."""
    if stream is None:
        return "2021"
    old = len(MARKERS_2019.findall(stream.compact))
    new = len(MARKERS_2021.findall(stream.compact))
    return "2019" if old > new else "2021"


# ------------------------------------------------------------------------------------------ reading
class TableReader:
    """Reads the three tables into one :class:`Reading`; call table2, table3, table4, then finish."""

    def __init__(self, stated: dict[str, set[int]] | None = None) -> None:
        self.reading = Reading()
        self.glued_rows: dict[str, list[tuple[str, str]]] = {}
        self.stated = stated or {}  # numbers the overview states, by item id: evidence for a run-together split
        self.stream: Stream | None = None

    # -------------------------------------------------------------- anchors and segments
    @staticmethod
    def find(stream: Stream, spec: RowSpec, pos: int, end: int | None = None) -> Anchor | None:
        match = stream.search(spec.keyword, pos, end)
        if not match:
            return None
        start = match.start()
        if spec.prefix:
            j = stream.compact.rfind(spec.prefix, max(pos, start - 30), start)
            if j >= 0:
                start = j
        return Anchor(spec, start, match.end())

    def segments(self, stream: Stream, anchors: list[Anchor]) -> list[tuple[Anchor, list[Token], int]]:
        """Each anchor's value tokens (up to the next anchor) and the raw offset where its label starts."""
        out = []
        for i, anchor in enumerate(anchors):
            start = stream.raw_offset(anchor.start)
            end = stream.raw_offset(anchors[i + 1].start) if i + 1 < len(anchors) else stream.end
            out.append((anchor, stream.tokens_between(start, end), start))
        return out

    # -------------------------------------------------------------- one row
    def read_row(self, table: str, spec: RowSpec, tokens: list[Token], **options) -> None:
        """Read one row's numbers and store them; an ambiguous split of run-together digits is refused."""
        values, used, candidates = self.row_values(table, spec, tokens, **options)
        if values is None:
            return
        raw = " ".join(t.text for t in tokens if t.kind == NUM)
        if len(candidates) > 1:
            agreeing = self.by_text(spec, candidates)
            if len(agreeing) == 1:
                values = list(agreeing[0])
                self.add(F.IMPORT_GLUED_BY_TEXT, table, spec, cells=self.cells(spec), raw=raw.replace(" ", ""),
                         chosen="|".join(str(v) for v in values))
            else:  # only the cells every remaining split agrees on are read
                values = [column[0] if len(set(column)) == 1 else None for column in zip(*agreeing)]
                self.ambiguous(table, spec, raw, agreeing, values)
                if all(v is None for v in values):
                    return
        self.store(table, spec, values, used, raw)
        self.reading.rows_read += 1

    def by_text(self, spec: RowSpec, candidates: list[glued.Split]) -> list[glued.Split]:
        """The splits that agree with the numbers the overview states for the row's cells. A stated number that no
        split has is no evidence (the text disagrees with the table, which is reported as such)."""
        for index, target in enumerate(spec.targets):
            stated = self.stated.get(target) if target else None
            if stated:
                agreeing = [c for c in candidates if c[index] in stated]
                if agreeing:
                    candidates = agreeing
        return candidates

    def row_values(self, table: str, spec: RowSpec, tokens: list[Token], groups=None, prefer=None,
                   at_end: bool = False, pad: str = "trail") -> tuple[list[Number | None] | None, list[Token | None] | None,
                                                  list[glued.Split]]:
        """(values, the tokens they came from or None when split from run-together digits, the split candidates).

        A value is None when the source ends before its cell (``at_end``: the row runs to the end of its table).
        A row that cannot be read exactly is a finding and (None, None, []).
        """
        values = [t for t in tokens if t.kind in (NUM, BLANK, MARK)]
        count = spec.count
        if table != T4 and values and values[0].in_cell:
            # a table row's cells are on its own line: cells of later lines (a rowspan's empty cells, a row whose
            # label was not recognised) belong to other rows
            line = self.stream.line_of(values[0].start)
            values = [t for t in values if not t.in_cell or self.stream.line_of(t.start) == line]
        # empty cells beyond the row's own: the parts of a merged label cell (before the values, "lead") or padding
        # after them ("trail"); which side the table uses is voted by its rows (see pad_side)
        ends = (-1, 0) if pad == "trail" else (0, -1)
        for end in ends:
            while len(values) > count and values[end].kind == BLANK:
                values.pop(end)
        raw = " ".join(t.text or "□" for t in values) or "—"
        if len(values) > count:
            window = self.window_by_sums(values, count, groups)
            if window is None:
                self.add(F.IMPORT_EXTRA_NUMBERS, table, spec, cells=self.cells(spec), expected=count,
                         found=len(values), raw=raw)
                return None, None, []
            self.add(F.IMPORT_EXTRA_BY_SUMS, table, spec, expected=count, found=len(values), raw=raw,
                     first=window + 1, last=window + count)
            values = values[window:window + count]
        amounts = [target is not None and FORM_2021.item(target).kind is ValueKind.AMOUNT for target in spec.targets]
        if len(values) == count:
            used: list[Token | None] = list(values)
            return self.with_totals(table, spec, [token_value(t, amount=a) for t, a in zip(values, amounts)],
                                    used, groups), used, []
        pieces = [t.glued_piece for t in values]
        if values and self.separated(values) and (not groups or any(t.in_cell or t.kind != NUM for t in values)):
            # the source separates its cells: a missing one is missing, not digits to split (in plain text, pieces
            # apart by a space may still hold run-together digits where the form's sums check the split)
            if at_end:
                return self.truncated(table, spec, values, amounts, groups, raw)
            self.add(F.IMPORT_CELL_MISSING, table, spec, cells=self.cells(spec), expected=count,
                     found=len(values), raw=raw)
            return None, None, []
        if any(p is not None and not p.isdigit() for p in pieces) or sum(len(p or "0") for p in pieces) < count:
            if at_end and values:
                return self.truncated(table, spec, values, amounts, groups, raw)
            self.add(F.IMPORT_ROW_INCOMPLETE, table, spec, cells=self.cells(spec), expected=count,
                     found=len(values), raw=raw)
            return None, None, []
        candidates = glued.splits(pieces, count, groups)
        if prefer:
            candidates.sort(key=prefer)
        if not candidates:
            self.add(F.IMPORT_GLUED_UNDECODABLE, table, spec, cells=self.cells(spec), raw=raw.replace(" ", ""),
                     expected=count)
            return None, None, []
        self.glued_rows.setdefault(table, []).append((spec.label, raw))
        return list(candidates[0]), None, candidates

    def separated(self, values: list[Token]) -> bool:
        """Whether the row's cells are separated in the source: in cells of their own (table cells, ``|``), or
        apart from the label by a space in plain text. Run-together digits (web crawls) follow the label directly
        ("规范性文件693665"); a row of a single run of digits may always be split."""
        if len(values) == 1:
            return False
        if any(t.in_cell or t.kind != NUM for t in values):
            return True
        before = self.stream.linear.raw[values[0].start - 1] if values[0].start > 0 else " "
        return before.isspace()

    def total_column_blank(self, rows: list[list[Token]], groups: tuple[int, ...]) -> bool:
        """Whether rows of plain text (no cells: PDF layout, copied text) leave their total cells blank: every row
        has exactly one number fewer per group than the form's columns, each apart from the others, and the numbers
        cannot be the row with another cell blank instead (that reading needs each group's last number to be the
        sum of the others, which some row contradicts — or every number is 0, when both readings agree)."""
        rows = [[t for t in row if t.kind in (NUM, BLANK, MARK)] for row in rows]
        rows = [row for row in rows if row]
        width = sum(groups) - len(groups)
        if not rows or any(len(row) != width or any(t.kind != NUM or t.in_cell for t in row) for row in rows):
            return False
        if not all(self.separated(row) for row in rows):
            return False
        numbers = [[token_value(t) for t in row] for row in rows]
        if all(v == 0 for row in numbers for v in row):
            return True
        return not all(_totals_present(row, groups) for row in numbers)

    def pad_side(self, rows: list[list[Token]], count: int) -> str:
        """Where a table's rows have the empty cells that are not theirs: "lead" when the rows that tell (more empty
        cells on one side than the other can hold) mostly have them before the values (a converted grid with the
        merged label's columns), else "trail" (padding after the row)."""
        lead = trail = 0
        for row in rows:
            values = [t for t in row if t.kind in (NUM, BLANK, MARK)]
            if values:  # a row's own cells: the empty cells of the next line (rowspans) are not its padding
                line = self.stream.line_of(values[0].start)
                values = [t for t in values if self.stream.line_of(t.start) == line]
            extra = len(values) - count
            if extra <= 0:
                continue
            leading = next((i for i, t in enumerate(values) if t.kind != BLANK), len(values))
            trailing = next((i for i, t in enumerate(reversed(values)) if t.kind != BLANK), len(values))
            if trailing < extra <= leading:
                lead += 1
            elif leading < extra <= trailing:
                trail += 1
        return "lead" if lead > trail else "trail"

    @staticmethod
    def window_by_sums(values: list[Token], count: int, groups) -> int | None:
        """Where the row's ``count`` numbers start among too many, when the form's sums tell: the windows whose
        group totals add up must all hold the same numbers (the last such window is taken). None otherwise."""
        if not groups:
            return None
        numbers = [token_value(t) for t in values]
        fitting = []
        for start in range(len(values) - count + 1):
            window = numbers[start:start + count]
            offset, ok = 0, True
            for size in groups:
                group = window[offset:offset + size]
                ok = ok and sum(group[:-1]) == group[-1]
                offset += size
            if ok:
                fitting.append(start)
        if not fitting or len({tuple(numbers[i:i + count]) for i in fitting}) != 1:
            return None
        return fitting[-1]

    def with_totals(self, table: str, spec: RowSpec, values: list[Number | None], tokens: list[Token | None],
                    groups) -> list[Number | None]:
        """A blank (or missing) total cell is not a published total: the sum of its group's cells is entered."""
        if not groups:
            return values
        offset = 0
        for size in groups:
            last = offset + size - 1
            token = tokens[last]
            if (token is None or token.kind == BLANK) and spec.targets[last] is not None \
                    and all(v is not None for v in values[offset:last]):
                values[last] = sum(values[offset:last])
                tokens[last] = Token(NUM, "", token.start if token else 0, token.start if token else 0)
                self.reading.blank_totals.append(FindingCell(table, None, spec.targets[last], values[last]))
            offset += size
        return values

    def truncated(self, table: str, spec: RowSpec, values: list[Token], amounts: list[bool], groups, raw: str):
        """A row cut off by the end of its table: the cells it has are read, the others are left unset (a missing
        total is the sum of its columns)."""
        count = spec.count
        used: list[Token | None] = list(values) + [None] * (count - len(values))
        numbers: list[Number | None] = [token_value(t, amount=a) for t, a in zip(values, amounts)]
        numbers += [None] * (count - len(values))
        if groups and not any(t.in_cell or t.kind != NUM for t in values) and any(numbers[:len(values)]) \
                and _totals_present(numbers[:len(values)], groups):
            # plain text: the numbers could as well be the row with another cell blank and its total present
            self.add(F.IMPORT_CELL_MISSING, table, spec, cells=self.cells(spec), expected=count,
                     found=len(values), raw=raw)
            return None, None, []
        numbers = self.with_totals(table, spec, numbers, used, groups)
        missing = sum(1 for v in numbers if v is None)
        if missing and self.stream.linear.raw[self.stream.end:].strip():
            # the document goes on after this table: a cell is missing, not cut off, and which one is not known
            self.add(F.IMPORT_CELL_MISSING, table, spec, cells=self.cells(spec), expected=count,
                     found=len(values), raw=raw)
            return None, None, []
        if missing:
            self.add(F.IMPORT_ROW_TRUNCATED, table, spec,
                     cells=[FindingCell(None, None, t, None) for t, v in zip(spec.targets, numbers)
                            if t and v is None], found=len(values), raw=raw, missing=missing)
        return numbers, used, []

    def store(self, table: str, spec: RowSpec, values: list[Number | None], tokens: list[Token | None] | None,
              raw: str) -> None:
        for index, (target, value) in enumerate(zip(spec.targets, values)):
            token = tokens[index] if tokens else None
            if value is None:  # not in the source: left unset
                continue
            if target is None:
                header = spec.headers[index] if index < len(spec.headers) else ""
                self.reading.unmapped.append((spec.label, header, value))
                continue
            self.reading.values[target] = value
            self.reading.sources[target] = SourceCell(table, None, token.text if token else raw)
            if value < 0:  # a sign belongs only to the 2019 format's 本年增/减, which is no item of the form
                where = f"“{FORM_2021.item(target).label}”"  # the label names its table
                self.reading.findings.append(F.NEGATIVE([FindingCell(table, None, target, _plain(value))],
                                                        where=where, where_en=target, value=_plain(value)))
            if token is not None and token.kind == BLANK:
                self.reading.blanks.append(FindingCell(table, None, target, ""))
            elif token is not None and token.kind == MARK:
                self.reading.marks.append(FindingCell(table, None, target, token.text))

    def add(self, code: F.Code, table: str, spec: RowSpec | None, cells=(), **fields) -> None:
        label = spec.label if spec else ""
        self.reading.findings.append(code(cells, table=table, table_en=T_EN[table], label=label, **fields))

    @staticmethod
    def cells(spec: RowSpec) -> list[FindingCell]:
        return [FindingCell(None, None, t, None) for t in spec.targets if t]

    def ambiguous(self, table: str, spec: RowSpec, raw: str, candidates: list[glued.Split],
                  values: list[Number | None] | None = None) -> None:
        """An error for a run-together row that no evidence splits one way; ``values`` holds the cells all the
        splits agree on (those are read), None for the others (left unset)."""
        options = "；".join("|".join(str(v) for v in c) for c in candidates[:4])
        if len(candidates) > 4:
            options += f"；等 {len(candidates)} 种"
        values = values or [None] * spec.count
        cells = [FindingCell(None, None, t, None) for t, v in zip(spec.targets, values) if t and v is None]
        self.add(F.IMPORT_GLUED_AMBIGUOUS, table, spec, cells=cells, raw=raw.replace(" ", ""), options=options,
                 unset="、".join(FORM_2021.item(c.item).col_label for c in cells))

    # -------------------------------------------------------------- 表二
    def table2(self, stream: Stream | None, before: Stream | None = None) -> None:
        """表二 from its part of the document; ``before`` is the text ahead of its heading, where a table row of
        表二 may stand when the page puts the heading below the table's first rows."""
        self.stream = stream
        version = detect_format(stream)
        self.reading.format_version = version
        specs = T2_2019 if version == "2019" else T2_2021
        self.reading.rows_expected += len(specs)
        anchors, missing, pos = [], [], 0
        for spec in specs if stream else ():
            anchor = self.find(stream, spec, pos)
            if anchor:
                anchors.append(anchor)
                pos = anchor.keyword_end
            elif any(spec.targets):
                missing.append(spec)
        early = self.rows_in_cells(before, missing) if before is not None and anchors else []
        if not anchors:
            self.add(F.IMPORT_TABLE_NOT_FOUND, T2, None, cells=[FindingCell(T2, None, None, None)])
            return
        for spec in missing:
            if not any(anchor.spec is spec for anchor in early):
                self.add(F.IMPORT_ROW_NOT_FOUND, T2, spec, cells=self.cells(spec), count=spec.count)
        for part, found in ((before, early), (stream, anchors)):
            self.stream = part
            segments = self.segments(part, found) if found else []
            for index, (anchor, tokens, _) in enumerate(segments):
                prefer = _prefer_in_force if anchor.spec.key in ("rule", "norm") else glued.balanced
                self.read_row(T2, anchor.spec, tokens, prefer=prefer, at_end=index == len(segments) - 1)
        self.stream = stream

    def rows_in_cells(self, stream: Stream, specs: list[RowSpec]) -> list[Anchor]:
        """Rows of ``specs`` found in ``stream`` only as table rows: the label in a table cell, and the numbers up
        to the next line in cells of their own (a sentence that names 行政许可 is not a row)."""
        anchors = []
        for spec in specs:
            pos = 0
            while (anchor := self.find(stream, spec, pos)) is not None:
                pos = anchor.keyword_end
                offset = stream.raw_offset(anchor.start)
                line_end = stream.linear.raw.find("\n", offset)
                tokens = stream.tokens_between(offset, line_end if line_end >= 0 else stream.end)
                if _in_a_cell(stream, offset) and tokens and all(t.in_cell for t in tokens):
                    anchors.append(anchor)
                    break
        anchors.sort(key=lambda a: a.start)
        return anchors

    # -------------------------------------------------------------- 表三
    def table3(self, stream: Stream | None) -> None:
        self.stream = stream
        self.reading.rows_expected += len(T3_SPECS)
        found, order = self._t3_anchors(stream) if stream else ({}, [])
        if not found:
            self.add(F.IMPORT_TABLE_NOT_FOUND, T3, None, cells=[FindingCell(T3, None, None, None)])
            return
        specs = {**T3_BY_KEY, "other_single": OTHER_SINGLE}
        rows, used_tokens, candidates, raws = self._t3_rows(stream, found, order, specs)
        cut = self.cut_after(stream, found, order)
        for key in order:
            if key not in rows and key not in found and key not in cut:
                self.add(F.IMPORT_ROW_NOT_FOUND, T3, specs[key], cells=self.cells(specs[key]), count=T3_WIDTH)
        if cut:
            last = max((k for k in found), key=order.index)
            self.add(F.IMPORT_TABLE_TRUNCATED, T3, specs[last],
                     cells=[c for k in cut for c in self.cells(specs[k])], count=len(cut),
                     first=specs[cut[0]].label, last=specs[cut[-1]].label)
        if candidates:  # run-together rows with several splits: the column relations decide
            fixed = {k: tuple(v) for k, v in rows.items() if k not in candidates}
            chosen, valid = glued.resolve_jointly(candidates, fixed, lambda r: _t3_consistent(r, specs))
            for key, split in chosen.items():
                if valid == 1:
                    rows[key] = list(split)
                else:  # no evidence picks one split: the row is refused, not guessed
                    del rows[key]
                    self.ambiguous(T3, specs[key], raws[key], sorted(candidates[key], key=glued.balanced))
        for key in order:
            if key in rows:
                self.store(T3, specs[key], list(rows[key]), used_tokens.get(key), raws.get(key, ""))
                self.reading.rows_read += 1
        if "other_single" in rows:
            for k in ("other_1", "other_2"):
                for target in T3_BY_KEY[k].targets:
                    self.reading.values.setdefault(target, 0)
            self.reading.findings.append(F.IMPORT_OTHER_SINGLE_ROW(
                self.cells(OTHER_SINGLE), values=" ".join(str(v) for v in rows["other_single"])))
            self.reading.rows_read += 2  # the single row stands for the three current ones

    @staticmethod
    def cut_after(stream: Stream, found: dict[str, Anchor], order: list[str]) -> list[str]:
        """The rows after the last one found when the document itself ends inside the table (a truncated copy)."""
        if stream.linear.raw[stream.end:].strip():
            return []
        last = max(order.index(k) for k in found)
        return order[last + 1:]

    def _t3_anchors(self, stream: Stream) -> tuple[dict[str, Anchor], list[str]]:
        """The rows found, by key, and the row order (with one ``other_single`` row for a 2019-style （六）)."""
        found: dict[str, Anchor] = {}
        pos = 0
        for spec in T3_SPECS[:T3_SPECS.index(T3_BY_KEY["other_1"])]:
            anchor = self.find(stream, spec, pos)
            if anchor:
                found[spec.key] = anchor
                pos = anchor.keyword_end
        total = self.find(stream, T3_BY_KEY["total"], pos)
        limit = total.start if total else None
        others_pos = pos
        for key in ("other_1", "other_2", "other_3"):
            anchor = self.find(stream, T3_BY_KEY[key], others_pos, limit)
            if anchor:
                found[key] = anchor
                others_pos = anchor.keyword_end
        order = [spec.key for spec in T3_SPECS]
        if not any(k in found for k in ("other_1", "other_2", "other_3")):
            single = self.find(stream, OTHER_SINGLE, pos, limit)
            if single:
                found["other_single"] = single
                i = order.index("other_1")
                order[i:i + 3] = ["other_single"]
                others_pos = single.keyword_end
        if total is None and found:  # “（七）” missing: the first 总计 after the result rows
            total = self.find(stream, replace(T3_BY_KEY["total"], keyword=r"总计|合计", prefix=None), others_pos)
        if total:
            found["total"] = total
        carry_out = self.find(stream, T3_BY_KEY["carry_out"], total.keyword_end if total else others_pos)
        if carry_out:
            found["carry_out"] = carry_out
        return found, order

    def _t3_rows(self, stream: Stream, found: dict[str, Anchor], order: list[str], specs: dict[str, RowSpec]):
        """Each found row's values. A row whose label was not recognised is not found: its numbers are not given to
        a neighbour by position (they make the row before it too long, which the form's sums may sort out)."""
        rows: dict[str, list[Number]] = {}
        used_tokens: dict[str, list[Token] | None] = {}
        candidates: dict[str, list[glued.Split]] = {}
        raws: dict[str, str] = {}
        segments = self.segments(stream, [found[k] for k in order if k in found])
        if self.total_column_blank([tokens for _, tokens, _ in segments], (T3_WIDTH,)):
            # plain text (PDF layout) of a page that left the 总计 column blank: each row's numbers are its columns
            segments = [(anchor, tokens + [Token(BLANK, "", tokens[-1].end, tokens[-1].end)], start)
                        for anchor, tokens, start in segments]
        pad = self.pad_side([tokens for _, tokens, _ in segments], T3_WIDTH)
        for index, (anchor, tokens, label_start) in enumerate(segments):
            key = anchor.spec.key
            self.label_variant(stream, anchor, tokens, label_start,
                               segments[index + 1][2] if index + 1 < len(segments) else stream.end)
            value_tokens = [t for t in tokens if t.kind in (NUM, BLANK, MARK)]
            values, used, cands = self.row_values(T3, anchor.spec, tokens, groups=(T3_WIDTH,), prefer=glued.balanced,
                                                  at_end=index == len(segments) - 1, pad=pad)
            if values is None:
                continue
            rows[key] = values
            used_tokens[key] = used
            raws[key] = " ".join(t.text for t in value_tokens)
            if len(cands) > 1:
                candidates[key] = cands
        return rows, used_tokens, candidates, raws

    def label_variant(self, stream: Stream, anchor: Anchor, tokens: list[Token], start: int, end: int) -> None:
        expected = normalise(anchor.spec.label)
        segment = stream.compact[anchor.start:]
        stop = next((i for i, off in enumerate(stream.cmap[anchor.start:]) if off >= end), len(segment))
        if _contains_loosely(segment[:stop], expected):
            return
        first_value = next((t.start for t in tokens if t.kind in (NUM, BLANK, MARK)), end)
        found = stream.raw_text(start, max(first_value, start + 1), limit=80)
        if not found or normalise(found) == expected:
            return
        self.add(F.IMPORT_LABEL_VARIANT, T3, anchor.spec, found=found, expected=anchor.spec.label)

    # -------------------------------------------------------------- 表四
    def table4(self, stream: Stream | None) -> None:
        self.stream = stream
        self.reading.rows_expected += 1
        spec = RowSpec("t4", "行政复议、行政诉讼数据行", "", None, T4_IDS)
        tokens = [t for t in stream.tokens if t.kind in (NUM, BLANK, MARK)] if stream else []
        lines_with_values = {stream.line_of(t.start) for t in tokens if t.kind != BLANK}
        if lines_with_values:  # blank cells of header rows are not data
            tokens = [t for t in tokens if t.kind != BLANK or stream.line_of(t.start) in lines_with_values]
        if not tokens:
            self.add(F.IMPORT_TABLE_NOT_FOUND, T4, None, cells=[FindingCell(T4, None, None, None)])
            return
        if self.total_column_blank([tokens], T4_GROUPS):
            groups, out = iter(T4_GROUPS), []
            for size in T4_GROUPS:
                part = [tokens.pop(0) for _ in range(size - 1)]
                out += part + [Token(BLANK, "", part[-1].end, part[-1].end)]
            tokens = out
        self.read_row(T4, spec, tokens, groups=T4_GROUPS, prefer=glued.balanced, at_end=True)

    # -------------------------------------------------------------- after all tables
    def finish(self) -> Reading:
        reading = self.reading
        for table, rows in self.glued_rows.items():
            cells = [FindingCell(table, None, None, raw) for _, raw in rows]
            example = rows[0][1].replace(" ", "")
            reading.findings.append(F.IMPORT_GLUED_DECODED(cells, table=table, table_en=T_EN[table],
                                                          count=len(rows), example=example))
        for table in (T3, T4):
            totals = [c for c in reading.blank_totals if c.sheet == table]
            if totals:
                reading.findings.append(F.IMPORT_TOTAL_BLANK(totals, table=table, table_en=T_EN[table],
                                                             count=len(totals),
                                                             first=FORM_2021.item(totals[0].item).label))
        if reading.blanks:
            first = FORM_2021.item(reading.blanks[0].item).label
            reading.findings.append(F.BLANK_AS_ZERO(reading.blanks, count=len(reading.blanks), first=first))
        if reading.marks:
            first = FORM_2021.item(reading.marks[0].item).label
            reading.findings.append(F.PLACEHOLDER_AS_ZERO(reading.marks, count=len(reading.marks), first=first))
        if reading.format_version == "2019":
            reading.findings.append(F.IMPORT_FORMAT_2019(mapping=MAPPING_2019[0], mapping_en=MAPPING_2019[1]))
            absent = [item_id for spec in T2_2021 for item_id in spec.targets if item_id not in MAPPED_2019]
            reading.absent.update(absent)
            reading.findings.append(F.IMPORT_NOT_IN_SOURCE(
                [FindingCell(T2, None, i, None) for i in absent], version="2019", count=len(absent),
                list="、".join(_short_label(i) for i in absent), list_en=", ".join(absent)))
        if reading.unmapped:
            listed = "；".join(f"{row}“{col}” {_plain(v)}" for row, col, v in reading.unmapped)
            reading.findings.append(F.IMPORT_UNMAPPED(
                [FindingCell(T2, None, None, f"{row}｜{col}={_plain(v)}") for row, col, v in reading.unmapped],
                count=len(reading.unmapped), list=listed, list_en=listed))
        return reading


def _totals_present(numbers: list[Number], groups: tuple[int, ...]) -> bool:
    """Whether ``numbers`` (one per non-total cell count) can be the row with its totals present and some other
    cells blank (0): for each way to put the blanks, every group's last number is the sum of its others."""
    count = sum(groups)
    lasts, start = set(), 0
    for size in groups:
        lasts.add(start + size - 1)
        start += size
    others = [i for i in range(count) if i not in lasts]
    for blanks in itertools.combinations(others, count - len(numbers)):
        it = iter(numbers)
        row = [0 if i in blanks else next(it) for i in range(count)]
        start, ok = 0, True
        for size in groups:
            ok = ok and sum(row[start:start + size - 1]) == row[start + size - 1]
            start += size
        if ok:
            return True
    return False


def _in_a_cell(stream: Stream, offset: int) -> bool:
    cells = stream.linear.cells
    i = bisect.bisect_right([c.start for c in cells], offset) - 1
    return i >= 0 and cells[i].start <= offset < max(cells[i].end, cells[i].start + 1)


def _contains_loosely(text: str, label: str, slack: int = 16) -> bool:
    """``label`` in ``text``, allowing a few foreign characters inside it (vertical headings such as “他处理” that
    ``pdftotext -layout`` interleaves with a wrapped label); a label with characters missing does not match."""
    if label in text:
        return True
    start = text.find(label[0])
    while start >= 0:
        i, j = 0, start
        while i < len(label) and j < len(text) and j - start <= len(label) + slack:
            if text[j] == label[i]:
                i += 1
            j += 1
        if i == len(label):
            return True
        start = text.find(label[0], start + 1)
    return False


def _prefer_in_force(split: glued.Split) -> tuple:
    """表二（一）: prefer 现行有效 ≥ 本年制发 (documents issued this year are normally still in force), then balance."""
    return (split[-1] < split[0],) + glued.balanced(split)


# the form's column relations of 表三 that a split of run-together numbers must keep
_T3_JOINT_CHECKS = tuple(check for check in checks_for(FORM_2021) if check.rule in (T3_RESULTS_SUM, T3_BALANCE))


def _t3_consistent(rows: dict[str, tuple[int, ...]], specs: dict[str, RowSpec]) -> bool:
    """Whether rows of 表三 (by row key) keep the form's relations: the results add up to （七）总计, and new plus
    carried in equals that total plus carried over."""
    values = {target: value for key, row in rows.items() for target, value in zip(specs[key].targets, row)}
    return all(check.measure(values) == 0 for check in _T3_JOINT_CHECKS)


def _short_label(item_id: str) -> str:
    item = FORM_2021.item(item_id)
    return f"{item.row_label.split(' ')[-1]}“{item.col_label}”"


def _plain(value: Number) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)
