"""The rows of tables 二, 三 and 四 as the importer looks for them in published text: each row's label, the keyword
that finds it (typo-tolerant), its numbering and the items its values go to; and what a table reading gives.

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

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .. import findings as F
from ..findings import Finding, FindingCell
from ..form import FORM_2021
from ..report import SourceCell
from .document import normalise
from .stream import Stream

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
