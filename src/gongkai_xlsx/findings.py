"""Findings: every problem the reader or the verifier reports, as a catalogue of stable codes.

A finding has a stable ``code``, the rule it comes from (for rule findings), a severity, a Chinese message
and fix hint (English on request), and every cell involved with its sheet, A1 address, stable id and value.
Codes and JSON keys are public contracts; messages may be reworded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .form.rules import Severity


@dataclass(frozen=True)
class FindingCell:
    """One cell a finding involves."""

    sheet: str | None
    cell: str | None  # A1 address
    item: str | None  # stable id (t3_new_natural, meta_year, text_overview …)
    value: Any = None

    def as_dict(self) -> dict[str, Any]:
        value = self.value
        if value is not None and not isinstance(value, (int, float, str, bool)):
            value = str(value)
        return {"sheet": self.sheet, "cell": self.cell, "item": self.item, "value": value}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    hint: str
    rule: str | None = None
    cells: tuple[FindingCell, ...] = ()
    message_en: str = ""
    hint_en: str = ""

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        english = lang == "en"
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": (self.message_en or self.message) if english else self.message,
            "hint": (self.hint_en or self.hint) if english else self.hint,
            "cells": [cell.as_dict() for cell in self.cells],
        }


@dataclass(frozen=True)
class Code:
    """A catalogue entry: severity and message templates (``str.format`` fields named per code)."""

    code: str
    severity: Severity
    message: str
    hint: str
    message_en: str
    hint_en: str

    def __call__(self, cells: tuple[FindingCell, ...] | list[FindingCell] = (), **fields: Any) -> Finding:
        return Finding(
            code=self.code,
            severity=self.severity,
            message=self.message.format(**fields),
            hint=self.hint.format(**fields),
            cells=tuple(cells),
            message_en=self.message_en.format(**fields),
            hint_en=self.hint_en.format(**fields),
        )


CATALOGUE: dict[str, Code] = {}


def code(name: str, severity: Severity, message: str, hint: str, message_en: str, hint_en: str) -> Code:
    entry = Code(name, severity, message, hint, message_en, hint_en)
    CATALOGUE[name] = entry
    return entry


E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTICE

# ------------------------------------------------------------------------------------------ cell values
NOT_A_NUMBER = code(
    "NOT_A_NUMBER", E, "{where}应为数字，实际填写的是“{raw}”。", "请只填写阿拉伯数字（没有请填 0），不要带单位或文字。",
    "{where_en} must be a number but holds '{raw}'.", "Type digits only (0 if none), no units or words.")
NEGATIVE = code(
    "NEGATIVE", E, "{where}为负数（{value}）。", "件数和金额不能为负数，请改正。",
    "{where_en} is negative ({value}).", "Counts and amounts cannot be negative.")
FRACTIONAL_COUNT = code(
    "FRACTIONAL_COUNT", E, "{where}是件数，应为整数，实际为 {value}。", "请填写整数件数。",
    "{where_en} is a count and must be a whole number, not {value}.", "Type a whole number.")
TOO_MANY_DECIMALS = code(
    "TOO_MANY_DECIMALS", W, "{where}有 {places} 位小数，超过 {limit} 位。", "收费金额以万元为单位，最多保留 {limit} 位小数。",
    "{where_en} has {places} decimal places (more than {limit}).", "Amounts are in 万元 with at most {limit} places.")
TEXT_NUMBER = code(
    "TEXT_NUMBER", N, "{where}的数字是以文本形式填写的（“{raw}”），已按 {value} 计。", "无需处理；下次请直接输入数字。",
    "{where_en} holds a number typed as text ('{raw}'), read as {value}.", "Nothing to do.")
BLANK_AS_ZERO = code(
    "BLANK_AS_ZERO", N, "{count} 个数字单元格为空，已按 0 计（{first}等）。", "没有的请填 0，以免与漏填混淆。",
    "{count} numeric cells are blank and count as 0 (e.g. {first}).", "Type 0 where there is nothing to report.")
PLACEHOLDER_AS_ZERO = code(
    "PLACEHOLDER_AS_ZERO", N, "{count} 个数字单元格填写了“/”“无”“—”等，已按 0 计（{first}等）。", "没有的请填 0。",
    "{count} numeric cells hold '/', '无' or '—' and count as 0 (e.g. {first}).", "Type 0 instead.")
TOTAL_TYPED_OVER = code(
    "TOTAL_TYPED_OVER", W, "{where}原为自动计算的公式，现被改写为数值 {value}（按公式应为 {expected}）。",
    "请不要改写灰色的合计单元格；使用新下发的模板重新填写，或恢复公式。",
    "{where_en} was a formula and now holds the typed number {value} (the formula gives {expected}).",
    "Do not type over totals; restore the formula or refill a fresh template.")

# ------------------------------------------------------------------------------------------ the file and its identity
WRONG_FORM_VERSION = code(
    "WRONG_FORM_VERSION", E, "此文件是 {found} 版表式的模板，不是现行的 {expected} 版。", "请使用政务公开办下发的本年度模板重新填写。",
    "This file uses form version {found}, not {expected}.", "Refill the current template.")
WRONG_YEAR = code(
    "WRONG_YEAR", E, "此文件的报告年度是 {found} 年，不是 {expected} 年。", "请确认报送的是 {expected} 年度的报表。",
    "This file reports year {found}, not {expected}.", "Send the {expected} report.")
YEAR_MISMATCH = code(
    "YEAR_MISMATCH", W, "表内填写的报告年度（{found}）与模板年度（{expected}）不一致。", "请核对报告年度。",
    "The year typed in the sheet ({found}) differs from the template's year ({expected}).", "Check the year.")
STAMP_MISSING = code(
    "STAMP_MISSING", W, "此文件没有本工具模板的身份标记，按表格标签定位读取。", "建议使用下发的模板填写，便于自动校验。",
    "This workbook carries no template stamp; it was read by locating the labels.", "Prefer the issued template.")
LAYOUT_CHANGED = code(
    "LAYOUT_CHANGED", W, "模板的版式或公式被改动过（版式指纹不符）。", "请不要插入/删除行列或修改公式；如无法确认，请用下发的模板重新填写。",
    "The template's layout or formulas were changed (fingerprint mismatch).", "Do not insert rows or edit formulas.")
PROTECTION_REMOVED = code(
    "PROTECTION_REMOVED", W, "工作表“{sheet}”的保护已被撤销。", "数据已重新计算校验；请提醒填报单位不要撤销保护。",
    "Protection of sheet '{sheet}' was removed.", "Values were re-checked; ask the office to keep protection.")
AGENCY_MISMATCH = code(
    "AGENCY_MISMATCH", W, "表内的机构代码（{found}）与模板下发给的单位（{expected}）不一致。", "请确认报送单位是否用错了模板。",
    "The agency code in the sheet ({found}) differs from the template's ({expected}).", "Check the template used.")
MISSING_IDENTITY = code(
    "MISSING_IDENTITY", W, "未填写{field}。", "请在“基本信息及文字”工作表中填写{field}。",
    "{field_en} is missing.", "Fill it in on the first sheet.")
CELLS_NOT_FOUND = code(
    "CELLS_NOT_FOUND", E, "找不到 {count} 个数据单元格（{first}等）。", "文件可能不是本年报表式；请用下发的模板重新填写。",
    "{count} data cells could not be found (e.g. {first}).", "Use the issued template.")

# ------------------------------------------------------------------------------------------ unreadable files
UNREADABLE = code(
    "UNREADABLE", E, "无法读取：{reason}", "{advice}",
    "Cannot read: {reason_en}", "{advice_en}")


@dataclass
class FindingList:
    """Findings collected in order, never stopping at the first."""

    items: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.items.append(finding)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.items if f.severity is severity)
