"""Findings: every problem the reader or the verifier reports, as a catalogue of stable codes.

A finding has a stable ``code``, the rule it comes from (for rule findings), a severity, a Chinese message
and fix hint (English on request), and every cell involved with its sheet, A1 address, stable id and value.
Codes and JSON keys are public contracts; messages may be reworded.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    explanation: str | None = None  # the office's 情况说明 for this rule (note_<RULE_ID>): the finding is 已说明

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        english = lang == "en"
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": (self.message_en or self.message) if english else self.message,
            "hint": (self.hint_en or self.hint) if english else self.hint,
            "cells": [cell.as_dict() for cell in self.cells],
            "explanation": self.explanation,
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
FORMULA_IN_INPUT = code(
    "FORMULA_IN_INPUT", E, "{where}填写的是公式（={formula}），不是直接输入的{kind}；公式的结果不被采信，此格{counted}。",
    "输入格只能直接填写{kind}：请删除公式，直接输入后重新报送。",
    "{where_en} holds a formula (={formula}), not a typed {kind_en}; its result is not trusted and counts as "
    "{counted_en}.", "Input cells take typed values only: delete the formula and type the {kind_en}.")
DATE_IN_NUMBER = code(
    "DATE_IN_NUMBER", E, "{where}显示为日期或时间（{shown}），不是数字；此格按 0 计。",
    "输入的内容被当成了日期：请把该单元格的格式设为“常规”或“数值”，重新输入数字（没有请填 0）。",
    "{where_en} shows a date or time ({shown}), not a number; it counts as 0.",
    "The entry was taken for a date: format the cell as General or Number and type the number again.")
IMPLAUSIBLE_UNITS = code(
    "IMPLAUSIBLE_UNITS", E, "{where}为 {value}，超出一个报送单元可能代表的单位数（至多 {limit}）。",
    "请核对下级汇总表“明细”工作表的“下级单位数”。",
    "{where_en} is {value}, more units than one member can stand for (at most {limit}).",
    "Check 下级单位数 in the 明细 sheet of the lower level's workbook.")
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
SHEET_COPIED = code(
    "SHEET_COPIED", E, "工作表“{copy}”是“{original}”的副本，其中 {count} 处数字与原表不同（如 {first}）；本工具只读取原表“{original}”。",
    "请把数字填写在原表“{original}”中，删除副本“{copy}”后重新报送。",
    "Sheet '{copy}' is a copy of '{original}' and {count} of its numbers differ from the original (e.g. {first}); "
    "only '{original}' is read.", "Type the numbers into '{original}' and delete the copy.")
EXTRA_SHEET = code(
    "EXTRA_SHEET", W, "工作簿中多了工作表“{sheet}”，其中的 {count} 个数字未被读取（如 {first}）。",
    "本工具只读取模板自带的工作表；如这些数字需要报送，请填入模板的相应位置，否则可删除该工作表。",
    "The workbook has an extra sheet '{sheet}'; its {count} numbers were not read (e.g. {first}).",
    "Only the template's own sheets are read: move the numbers there or delete the sheet.")
NOT_FILLED = code(
    "NOT_FILLED", E, "此报表没有填写：数字、填报人、联系电话、填报日期和文字部分都与下发的空白模板相同。",
    "请在浅黄色单元格中填写本单位的数据和文字后重新报送；确实没有数据的单位，也请填写填报人、联系电话、填报日期和"
    "“一、总体情况”，数字填 0。",
    "This report was not filled in: its numbers, contact fields and texts are those of the blank template.",
    "Fill in the yellow cells and send it again; an agency with nothing to report still fills the contact fields and "
    "section 1.")
REQUIRED_EMPTY = code(
    "REQUIRED_EMPTY", W, "未填写{field}。", "请在“基本信息及文字”工作表中填写{field}。",
    "{field_en} is empty.", "Fill it in on the first sheet.")
FEEDBACK_UNCHANGED = code(
    "FEEDBACK_UNCHANGED", W, "这份校验意见工作簿发回时没有任何修改（数字、文字与生成时完全相同）。",
    "请按“校验结果”工作表逐条改正或答复后再报送；问题仍然存在。",
    "This feedback workbook came back unchanged (its values and texts are those it was made with).",
    "Correct or answer each finding on the 校验结果 sheet, then send it again.")
TOTAL_QUESTION = code(
    "TOTAL_QUESTION", E, "{label}：您原填 {typed}，各分项之和为 {parts}，尚未答复是总计还是分项有误。",
    "请核对{part_labels}：如某个分项有误，请改正分项，使合计等于 {typed}；如总计有误（应为 {parts}），"
    "请在“校验结果”工作表该问题的“答复”单元格中写明。",
    "{label_en}: you typed {typed} but the parts add up to {parts}; say whether the total or a part is wrong.",
    "Correct a part so they add up to {typed}, or write in the answer cell that the total is wrong.")
VALUE_QUESTION = code(
    "VALUE_QUESTION", E, "{label}：校验意见指出原报送的数字有误（校验意见中暂填 {shown}），尚未改正，也没有答复。",
    "请填写正确的数字；如 {shown} 就是正确的数字，请在“校验结果”工作表该问题的“答复”单元格中写明。",
    "{label_en}: the number the feedback questioned (shown as {shown}) was neither corrected nor answered.",
    "Type the right number, or confirm it in the answer cell.")
CELLS_NOT_FOUND = code(
    "CELLS_NOT_FOUND", E, "找不到 {count} 个数据单元格（{first}等）。", "文件可能不是本年报表式；请用下发的模板重新填写。",
    "{count} data cells could not be found (e.g. {first}).", "Use the issued template.")

# ------------------------------------------------------------------------------------------ across years
SAME_AS_LAST_YEAR = code(
    "SAME_AS_LAST_YEAR", W, "表二至表四的全部 {count} 个数字与上年报表完全相同（其中 {nonzero} 个不为 0）。",
    "数字逐项与上年相同，常见于照抄上年报表：请核实是否误报了上年的数据；如确实相同，请在“六、其他需要报告的事项”中说明。",
    "All {count} numbers of tables 2–4 equal last year's ({nonzero} of them non-zero).",
    "Identical tables are a known sign of a copied report: check that this year's figures were reported.")

# ------------------------------------------------------------------------------------------ unreadable files
UNREADABLE = code(
    "UNREADABLE", E, "无法读取：{reason}", "{advice}",
    "Cannot read: {reason_en}", "{advice_en}")
TEXT_TOO_LONG = code(
    "TEXT_TOO_LONG", W, "{where}有 {length} 个字符，超过 Excel 单元格的上限 32,767 个字符；退回意见和汇总表中只保留前面部分，并注明已截断。",
    "请把这部分文字精简到 32,767 个字符以内后重新报送。",
    "{where_en} holds {length} characters, more than an Excel cell's 32,767; feedback and consolidation keep the start, "
    "marked as cut.", "Shorten the text to at most 32,767 characters.")

# ------------------------------------------------------------------------------------------ whose return, which one
# (merge and verify: matching a return to its agency, telling the tool's own files from returns)
IDENTITY_UNKNOWN = code(
    "IDENTITY_UNKNOWN", E, "无法确定这份报表属于哪个单位：机关名称和机构代码都没有填写，文件中也没有单位标记；未计入汇总。",
    "请让报送单位填写机关名称和机构代码后重新报送；下级的汇总工作簿请用 merge --unit-name 单位名称 --unit-code 单位代码 重新生成。",
    "Whose return this is cannot be told: neither agency name nor code is filled in, and the file carries no agency "
    "stamp; not counted.", "Ask for it again with name and code filled in; regenerate a lower level's consolidation "
    "with merge --unit-name and --unit-code.")
IDENTITY_CONFLICT = code(
    "IDENTITY_CONFLICT", E, "填写的机构代码 {code} 是名册中的“{by_code}”，填写的机关名称却是名册中的另一个单位“{by_name}”，"
    "无法确定属于哪个单位；未计入汇总。", "请与两个单位核实，改正机关名称或机构代码后重新报送。",
    "The code {code} is the roster's '{by_code}' but the name is another roster agency, '{by_name}'; not counted.",
    "Check with both agencies and have the name or code corrected.")
OWN_OUTPUT = code(
    "OWN_OUTPUT", N, "此文件是本工具生成的{kind}，不是报送的报表，未计入。", "无需处理；请不要把工具生成的文件放进收件箱。",
    "This file is the tool's own {kind_en}, not a return; not counted.", "Nothing to do; keep outputs out of the inbox.")
DATE_IN_FUTURE = code(
    "DATE_IN_FUTURE", W, "邮件日期 {when} 晚于本机当前时间，发件电脑的时钟可能有误；判断哪一份是最新版本时不采信这个日期。",
    "请与报送单位核实哪一份是最终版本。", "The e-mail is dated {when}, later than now: the sender's clock is probably "
    "wrong, and this date is not trusted for telling the latest version.", "Check with the office which is final.")
UNIT_IDENTITY_MISSING = code(
    "UNIT_IDENTITY_MISSING", W, "汇总工作簿没有写入汇总单位的{missing}；上级汇总时无法确定它属于哪个单位，将不予计入。",
    "请加上 --unit-name 单位名称 --unit-code 统一社会信用代码（例如 --unit-name 某某县 --unit-code 11339999000000001X）重新汇总。",
    "The consolidated workbook carries no {missing_en} of its unit; the next level cannot tell whose it is and will "
    "not count it.", "Run merge again with --unit-name NAME --unit-code CODE.")
MEMBER_IDENTITY_MISSING = code(
    "MEMBER_IDENTITY_MISSING", W, "“明细”第 {row} 行没有机构代码和机构名称（其数字已计入合计）。",
    "请让报送单位补全该行的机构代码和名称后重新报送。",
    "Row {row} of 明细 has neither agency code nor name (its numbers are counted).", "Ask for the row to be completed.")


# ================================================================================== importing published reports
# Codes of gongkai_xlsx.importer (issue 6): a report read from its publication (web page text, HTML, Word, PDF).
# The generic normalisation codes above (BLANK_AS_ZERO, PLACEHOLDER_AS_ZERO) are reused for blank cells and "/".
IMPORT_SECTION_MISSING = code(
    "IMPORT_SECTION_MISSING", W, "原文中没有找到“{heading}”部分。",
    "请核对原文是否完整（网页是否只复制了一部分，表格是否是图片）；缺少的部分按空白或 0 计。",
    "Section '{heading}' was not found in the source.",
    "Check that the source is complete (not cut short, tables not pasted as pictures).")
IMPORT_HEADING_VARIANT = code(
    "IMPORT_HEADING_VARIANT", N, "原文标题“{found}”与表式的“{expected}”写法不同，已按“{expected}”读取。",
    "无需处理；如属错别字，建议发布单位更正原文。",
    "Heading '{found}' differs from the form's '{expected}'; read as the latter.", "Nothing to do.")
IMPORT_LABEL_VARIANT = code(
    "IMPORT_LABEL_VARIANT", N, "{table}原文行标签“{found}”与表式的“{expected}”写法不同，已按“{expected}”读取。",
    "无需处理；如属错别字，建议发布单位更正原文。",
    "{table_en}: row label '{found}' differs from the form's '{expected}'; read as the latter.", "Nothing to do.")
IMPORT_TABLE_NOT_FOUND = code(
    "IMPORT_TABLE_NOT_FOUND", E, "原文中没有读到{table}的数字（表格可能是图片，或没有发布），{table}未读入（留空）。",
    "请改用报告的 Word 版或带文字的 PDF，或向发布单位索取数据后手工补录。",
    "No numbers of {table_en} were found in the source (a picture, or not published); left unset.",
    "Use the Word or text PDF version, or enter the table by hand.")
IMPORT_ROW_NOT_FOUND = code(
    "IMPORT_ROW_NOT_FOUND", E, "{table}中没有找到“{label}”这一行，其 {count} 个数字未读入（留空）。",
    "请对照原文核实：若原文有这一行，请手工补录这些数字。",
    "{table_en}: row '{label}' was not found; its {count} numbers are left unset.",
    "Check the source and enter the row by hand if it is there.")
IMPORT_TABLE_TRUNCATED = code(
    "IMPORT_TABLE_TRUNCATED", E, "原文在{table}“{label}”之后中断，其后 {count} 行（“{first}”至“{last}”）没有读到，未读入（留空）。",
    "原文（网页或复制的文字）不完整；请取得完整的报告后重新导入，或手工补录。",
    "{table_en}: the source ends after row '{label}'; the {count} rows after it ('{first}' to '{last}') are "
    "left unset.", "The source is incomplete; import the complete report or enter the rest by hand.")
IMPORT_ROW_INCOMPLETE = code(
    "IMPORT_ROW_INCOMPLETE", E, "{table}“{label}”这一行应有 {expected} 个数字，只读到 {found} 个（{raw}），未读入（留空）。",
    "请对照原文手工补录这一行。",
    "{table_en}: row '{label}' needs {expected} numbers but {found} were read ({raw}); left unset.",
    "Enter this row by hand from the source.")
IMPORT_CELL_MISSING = code(
    "IMPORT_CELL_MISSING", E, "{table}“{label}”这一行应有 {expected} 个数字，原文分格写出的只有 {found} 个（{raw}），"
    "缺的是哪一格无法确定，这一行未读入（留空）。",
    "原文已用分隔符分开各格，不能把一个数字拆成几个；请对照原文手工补录这一行。",
    "{table_en}: row '{label}' needs {expected} numbers; the source's separated cells hold only {found} ({raw}) and "
    "which cell is missing cannot be told; left unset.", "Enter this row by hand from the source.")
IMPORT_ROW_TRUNCATED = code(
    "IMPORT_ROW_TRUNCATED", E, "{table}“{label}”这一行在原文中到此中断，只有前 {found} 个数字（{raw}），其余 {missing} 个未读入（留空）。",
    "原文（网页或复制的文字）可能不完整；请取得完整的报告后重新导入，或手工补录。",
    "{table_en}: row '{label}' is cut off in the source after {found} numbers ({raw}); the other {missing} are "
    "left unset.", "The source looks incomplete; import the complete report or enter the rest by hand.")
IMPORT_TOTAL_BLANK = code(
    "IMPORT_TOTAL_BLANK", N, "原文{table}有 {count} 个总计单元格为空或缺失（如“{first}”）；空白不是发布的总计，已按各栏之和计入。",
    "无需处理；如原文确有总计，请核对。",
    "{table_en}: {count} total cells are blank or missing in the source (e.g. '{first}'); a blank is not a "
    "published total, so the sum of the columns was entered.", "Nothing to do.")
IMPORT_EXTRA_NUMBERS = code(
    "IMPORT_EXTRA_NUMBERS", E, "{table}“{label}”这一行应有 {expected} 个数字，读到 {found} 个（{raw}），无法确定哪些属于这一行，未读入（留空）。",
    "请对照原文手工补录这一行。",
    "{table_en}: row '{label}' needs {expected} numbers but {found} were read ({raw}); which belong to the row "
    "cannot be told; left unset.", "Enter this row by hand from the source.")
IMPORT_EXTRA_BY_SUMS = code(
    "IMPORT_EXTRA_BY_SUMS", N, "{table}“{label}”这一行读到 {found} 个数字（{raw}），只有第 {first}–{last} 个满足表内合计关系，已取这 {expected} 个。",
    "多出的数字多半是转换时混入的表头或编号；如有疑问请对照原文核实。",
    "{table_en}: row '{label}' has {found} numbers ({raw}); only numbers {first}–{last} satisfy the table's sums "
    "and were taken.", "Check against the source if in doubt.")
IMPORT_GLUED_DECODED = code(
    "IMPORT_GLUED_DECODED", N, "原文{table}有 {count} 行的数字连写在一起、没有分隔（如“{example}”），已按表内合计关系拆分。",
    "拆分依据：行合计（总计＝各列之和）、（七）总计＝各项办理结果之和、勾稽关系；有歧义的行另有提示。",
    "{table_en}: {count} rows have their cells run together (e.g. '{example}'); they were split with the table's "
    "sum relations.", "Rows that stay ambiguous are reported separately.")
IMPORT_GLUED_AMBIGUOUS = code(
    "IMPORT_GLUED_AMBIGUOUS", E, "原文{table}“{label}”的数字连写为“{raw}”，有多种拆分（{options}），表内合计和正文都不能确定是哪一种；{unset}未读入（留空）。",
    "请对照原网页或原文件手工补录这一行。",
    "{table_en}: row '{label}' reads '{raw}', which splits several ways ({options}) and neither the table's sums "
    "nor the text tell which; the cells they disagree on are left unset.",
    "Enter these cells by hand from the original page or file.")
IMPORT_GLUED_BY_TEXT = code(
    "IMPORT_GLUED_BY_TEXT", N, "原文{table}“{label}”的数字连写为“{raw}”，按“一、总体情况”中写明的数字拆为 {chosen}。",
    "无需处理；如有疑问请对照原网页或原文件核实。",
    "{table_en}: row '{label}' reads '{raw}'; split as {chosen} by the numbers section 1 states.",
    "Nothing to do.")
IMPORT_GLUED_UNDECODABLE = code(
    "IMPORT_GLUED_UNDECODABLE", E, "原文{table}“{label}”的数字连写为“{raw}”，拆不出满足合计关系的 {expected} 个数字，未读入（留空）。",
    "请对照原网页或原文件手工补录这一行。",
    "{table_en}: row '{label}' reads '{raw}', which does not split into {expected} numbers that add up; left unset.",
    "Enter this row by hand from the source.")
IMPORT_OTHER_SINGLE_ROW = code(
    "IMPORT_OTHER_SINGLE_ROW", W, "表三“（六）其他处理”只有一行（2019 年试行表式的写法），其数字（{values}）已全部计入“3.其他”。",
    "现行表式把其他处理分为“1.逾期不补正”“2.逾期未缴费”“3.其他”三行；能区分的，请发布单位今后分行填写。",
    "Table 3 has a single '(6) other handling' row (2019 trial format); its numbers ({values}) were put in "
    "'3. other'.", "The current format splits it into three rows.")
IMPORT_FORMAT_2019 = code(
    "IMPORT_FORMAT_2019", N, "此报告使用 2019 年试行表式（国办公开办函〔2019〕60号）。已按对应关系读入：{mapping}。",
    "对应不上的栏目见其他提示。",
    "This report uses the 2019 trial format; mapped: {mapping_en}.", "Unmapped columns are reported separately.")
IMPORT_UNMAPPED = code(
    "IMPORT_UNMAPPED", N, "原文有 {count} 个数字在现行表式中没有对应栏目，未读入：{list}。",
    "这些栏目已在 2021 年表式中取消，无需处理。",
    "{count} numbers of the source have no column in the current format and were not read: {list_en}.",
    "These columns were dropped in the 2021 format.")
IMPORT_NOT_IN_SOURCE = code(
    "IMPORT_NOT_IN_SOURCE", W, "原文（{version} 年表式）没有现行表式的 {count} 个栏目（{list}），已按 0 计。",
    "请向发布单位核实这些数字；汇总时请注明该单位这几项缺报。",
    "The source ({version} format) lacks {count} columns of the current format ({list_en}); counted as 0.",
    "Ask the publishing office for these numbers.")
IMPORT_YEAR_UNKNOWN = code(
    "IMPORT_YEAR_UNKNOWN", W, "没能从原文中认出报告年度（标题和统计期限都没有写明年度）。", "请用 --year 指定年度后再导入。",
    "The report year could not be recognised in the source (neither the title nor the period states it).",
    "Give the year with --year and import again.")
IMPORT_YEAR_DIFFERS = code(
    "IMPORT_YEAR_DIFFERS", W, "原文的报告年度是 {found} 年，与指定的 {expected} 年不一致；已按 {expected} 年导入。",
    "请确认导入的是 {expected} 年度的报告。",
    "The source reports year {found}, not the given {expected}; imported as {expected}.",
    "Make sure this is the {expected} report.")
IMPORT_AGENCY_UNKNOWN = code(
    "IMPORT_AGENCY_UNKNOWN", W, "没能从原文标题中认出机关名称。", "请在导入时指定机关（--agency）。",
    "The agency could not be recognised from the title.", "Give the agency explicitly (--agency).")
IMPORT_AGENCY_DIFFERS = code(
    "IMPORT_AGENCY_DIFFERS", N, "原文标题中的机关名称“{found}”与指定的“{expected}”不一致；已按“{expected}”导入。",
    "请确认导入的是该机关的报告。",
    "The title names '{found}', not the given '{expected}'; imported as '{expected}'.",
    "Make sure this is that agency's report.")
IMPORT_RECORD_MISSING = code(
    "IMPORT_RECORD_MISSING", E, "这是从公开年报导入的工作簿，导入时记录了 {count} 个错误，但这份记录已不在工作簿中。",
    "请用 import-report 从原文重新导入，不要使用改动过的导入工作簿。",
    "This workbook was imported from a published report whose import recorded {count} errors, but the record is "
    "no longer in the workbook.", "Import the report again from its source.")
IMPORT_TEXT_TABLE_MISMATCH = code(
    "IMPORT_TEXT_TABLE_MISMATCH", W, "“一、总体情况”中写道：“{sentence}”，其中的 {number} 与表格中的{where}（{value}）不一致。",
    "请核对正文与表格，更正有误的一处；如口径不同（只统计本级、含上年结转等），请在正文中写明。",
    "Section 1 says '{sentence}': {number} differs from {where_en} in the tables ({value}).",
    "Check the text against the tables and correct one of them, or state the different scope in the text.")

# ------------------------------------------------------------------------------------------ the inbox as a whole
ATTACHMENT_NOT_A_REPORT = code(
    "ATTACHMENT_NOT_A_REPORT", N, "附件（非报表）：{name}（{reason}）",
    "已列出，不计入报送；如果这是该单位唯一的附件，请向其索取填写好的 Excel 模板或年报的 Word 版。",
    "Attachment, not a report: {name} ({reason_en})",
    "Listed, not counted; if it is the office's only attachment, ask for the filled template or the Word report.")
PUBLISHED_DIFFERS = code(
    "PUBLISHED_DIFFERS", W, "已公开的年报与报送的工作簿不一致：{label}（{item}）年报为 {published}，工作簿为 {submitted}。",
    "公开的年报应与报送的报表一致：请核对后更正年报或工作簿（汇总按工作簿计）。",
    "The published report differs from the submitted workbook: {item} is {published} in the report, "
    "{submitted} in the workbook.",
    "The published report must say what the workbook says: correct one of them (the workbook is counted).")
