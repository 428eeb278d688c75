"""The consolidated (汇总) workbook that auditors open in Excel, written fresh with XlsxWriter.

Sheets (names are a contract): 说明, 汇总 (the national layout holding the totals as live formulas over 明细, every
cell named by its stable id, the rules re-checked), 分类汇总, 明细 (one row per counted agency, one column per
stable id), 文字 (the offices' text, never a formula), 报送情况 (every roster agency and every input), 校验明细
(every finding), optionally one sheet per agency, and the identity stamp. The same inputs give the same bytes.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from .. import __version__
from ..form import Severity
from ..template.consolidated_layout import (
    DETAIL_FIRST_ROW,
    DETAIL_FIXED,
    SHEET_BY_CATEGORY,
    SHEET_DETAIL,
    SHEET_FINDINGS,
    SHEET_README,
    SHEET_STATUS,
    SHEET_SUMMARY,
    SHEET_TEXTS,
)
from ..template.layout import (
    SHEET_STAMP,
    Context,
    FormulaPlacement,
    ValuePlacement,
    quote_sheet,
    tables_sheet,
    wrapped_lines,
)
from ..template.render import Formats, write_sheet, write_text
from ..template.stamp import GENERATOR, NAME_PREFIX, PROPERTY_PREFIX
from .merge import STATUS_ZH, Entry, MergeResult, column_sums



def consolidated_filename(result: MergeResult) -> str:
    return f"{result.year}年政府信息公开工作年度报告汇总_{result.unit_name or '汇总'}.xlsx"


def render_consolidated(result: MergeResult, *, per_agency_sheets: bool = False) -> bytes:
    """The consolidated workbook as bytes (deterministic for the same merge result)."""
    # XlsxWriter keeps an object per cell until it writes the file (a quarter of a million for 1,000 agencies);
    # none of them is part of a cycle, yet the cycle collector would scan them again and again (5 % of the work)
    with _cycle_collector_paused():
        return _render(result, per_agency_sheets)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _render(result: MergeResult, per_agency_sheets: bool) -> bytes:
    form = result.form
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
    made = data_as_of(result)
    workbook.set_properties({"title": f"{result.year}年政府信息公开工作年度报告汇总", "author": GENERATOR,
                             "comments": f"{GENERATOR} {__version__}", "created": made})
    formats = Formats(workbook)
    styles = _Styles(workbook)
    stamp = {
        "form_version": form.version, "form_basis": form.basis, "year": str(result.year),
        "template_id": f"GK{form.version}-{result.year}-{result.unit_code or 'UNIT'}-CONSOLIDATED",
        "generator": GENERATOR, "generator_version": __version__, "agency_code": result.unit_code,
        "agency_name": result.unit_name, "fingerprint": "", "origin": "consolidated",
        "units": str(sum(m.units for m in result.members)), "members": str(len(result.members)),
    }
    for key, value in stamp.items():
        workbook.set_custom_property(PROPERTY_PREFIX + key, value)

    readme = workbook.add_worksheet(SHEET_README)
    detail_rows = len(result.members)
    last_detail_row = DETAIL_FIRST_ROW + max(detail_rows, 1) - 1  # an empty range still sums to 0
    column_of = {item.id: len(DETAIL_FIXED) + index for index, item in enumerate(form.items)}

    def column_sum(item_id: str) -> str:
        col = xl_col_to_name(column_of[item_id])
        return f"SUM({quote_sheet(SHEET_DETAIL)}!{col}{DETAIL_FIRST_ROW + 1}:{col}{last_detail_row + 1})"

    title = f"{result.unit_name}{result.year}年政府信息公开工作年度报告汇总表"
    summary, _, _ = tables_sheet(form, SHEET_SUMMARY, title, FormulaPlacement(column_sum), with_check_total=True)
    ctx = Context(form, result.totals, {}, {})
    write_sheet(workbook, summary, formats, ctx, set(), password="")
    _by_category(workbook, result, styles, column_of, last_detail_row)
    _detail(workbook, result, styles)
    _texts(workbook, result, styles)
    _status(workbook, result, styles)
    _findings(workbook, result, styles)
    if per_agency_sheets:
        for index, member in enumerate(result.members, start=1):
            name = _sheet_name(index, member.agency.name)
            sheet, _, _ = tables_sheet(form, name, f"{member.agency.name}{result.year}年度（报送数据）",
                                       ValuePlacement(), with_check_total=False)
            write_sheet(workbook, sheet, formats, Context(form, member.values, {}, {}), set(), password="")
    _readme(workbook, readme, result, styles, made)
    stamp_sheet = workbook.add_worksheet(SHEET_STAMP)
    for row, (key, value) in enumerate(stamp.items(), start=1):
        stamp_sheet.write_string(row, 0, key)
        stamp_sheet.write_string(row, 1, value)
        workbook.define_name(NAME_PREFIX + key, f"={quote_sheet(SHEET_STAMP)}!$B${row + 1}")
    stamp_sheet.very_hidden()
    readme.activate()
    workbook.close()
    return buffer.getvalue()


def data_as_of(result: MergeResult) -> datetime:
    """The newest e-mail date among the inputs: 'as of' for the workbook, and reproducible (no wall clock)."""
    dates = [e.submission.received for e in result.entries if e.submission.received]
    if dates:
        return max(dates).replace(tzinfo=None)
    return datetime(result.year + 1, 1, 1)


def _sheet_name(index: int, name: str) -> str:
    cleaned = "".join(ch for ch in name if ch not in "[]:*?/\\'")
    return f"{index:03d} {cleaned}"[:31]


class _Styles:
    def __init__(self, workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10.5, "font_charset": 134, "valign": "vcenter"}
        self.title = workbook.add_format({**base, "bold": True, "font_size": 14})
        self.header = workbook.add_format({**base, "bold": True, "border": 1, "text_wrap": True, "align": "center",
                                           "bg_color": "#D9E1F2"})
        self.id_header = workbook.add_format({**base, "border": 1, "font_size": 8, "font_color": "#595959",
                                              "align": "center"})
        self.text = workbook.add_format({**base, "border": 1, "num_format": "@"})
        self.quoted = workbook.add_format({**base, "border": 1, "quote_prefix": True, "text_wrap": True,
                                           "valign": "top"})
        self.number = workbook.add_format({**base, "border": 1, "num_format": "0"})
        self.amount = workbook.add_format({**base, "border": 1, "num_format": "General"})
        self.wrap = workbook.add_format({**base, "text_wrap": True, "valign": "top"})
        self.plain = workbook.add_format(base)


def _number(ws, row: int, col: int, value: Any, fmt) -> None:
    ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)


def _string(ws, row: int, col: int, text: Any, fmt) -> None:
    """Text from offices or files: always a string, never a formula, even when it starts with = + - @."""
    text = "" if text is None else str(text)
    if text == "":
        ws.write_blank(row, col, None, fmt)
    else:
        write_text(ws, row, col, text, fmt)


def _header(ws, styles: _Styles, labels: Iterable[str], ids: Iterable[str] | None = None) -> int:
    for col, label in enumerate(labels):
        _string(ws, 0, col, label, styles.header)
    if ids is None:
        return 1
    for col, key in enumerate(ids):
        _string(ws, 1, col, key, styles.id_header)
    return 2


def _detail(workbook, result: MergeResult, styles: _Styles) -> None:
    form = result.form
    ws = workbook.add_worksheet(SHEET_DETAIL)
    labels = [label for label, _ in DETAIL_FIXED] + [item.label for item in form.items]
    ids = [key for _, key in DETAIL_FIXED] + [item.id for item in form.items]
    _header(ws, styles, labels, ids)
    ws.set_row(0, 60)
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 24)
    ws.set_column(2, len(DETAIL_FIXED) - 1, 10)
    ws.set_column(len(DETAIL_FIXED), len(ids) - 1, 11)
    # the numbers are nearly all of the consolidated workbook's cells (200 per agency): each member's row of
    # them is made once by the merge, and they carry no cell style (a style on each costs XlsxWriter an eighth
    # more; Excel's gridlines and General format show them just as well)
    first_number_col = len(DETAIL_FIXED)
    write_number = ws.write_number
    for offset, member in enumerate(result.members):
        row = DETAIL_FIRST_ROW + offset
        agency = member.agency
        fixed = (agency.code, agency.name, agency.category, agency.parent, STATUS_ZH[member.entry.status])
        for col, value in enumerate(fixed):
            _string(ws, row, col, value, styles.text)
        _number(ws, row, 5, member.units, styles.number)
        _string(ws, row, 6, member.entry.submission.name, styles.text)
        for col, value in enumerate(member.row, start=first_number_col):
            write_number(row, col, float(value) if type(value) is Decimal else value)
    ws.freeze_panes(DETAIL_FIRST_ROW, 2)
    ws.autofilter(1, 0, DETAIL_FIRST_ROW + max(len(result.members), 1) - 1, len(ids) - 1)


def _by_category(workbook, result: MergeResult, styles: _Styles, column_of: dict[str, int],
                 last_detail_row: int) -> None:
    form = result.form
    ws = workbook.add_worksheet(SHEET_BY_CATEGORY)
    labels = ["类别", "计入单位数"] + [item.label for item in form.items]
    ids = ["category", "members"] + [item.id for item in form.items]
    _header(ws, styles, labels, ids)
    ws.set_row(0, 60)
    ws.set_column(0, 1, 12)
    ws.set_column(2, len(ids) - 1, 11)
    categories: list[str] = []
    for agency in (result.roster or []) + [m.agency for m in result.members]:
        if agency.category not in categories:
            categories.append(agency.category)
    first, last = DETAIL_FIRST_ROW + 1, last_detail_row + 1
    category_range = f"{quote_sheet(SHEET_DETAIL)}!$C${first}:$C${last}"
    rows: dict[str, list[list]] = {category: [] for category in categories}
    for member in result.members:
        rows[member.agency.category].append(member.row)
    for offset, category in enumerate(categories):
        row = 2 + offset
        _string(ws, row, 0, category, styles.text)
        key = xl_rowcol_to_cell(row, 0, col_abs=True)
        ws.write_formula(row, 1, f"=COUNTIF({category_range},{key})", styles.number, len(rows[category]))
        totals = column_sums(rows[category], len(form.items))  # the formulas' cached values
        for index, (item, total) in enumerate(zip(form.items, totals)):
            col = xl_col_to_name(column_of[item.id])
            ws.write_formula(row, 2 + index, f"=SUMIF({category_range},{key},{quote_sheet(SHEET_DETAIL)}!"
                                             f"{col}${first}:{col}${last})",
                             styles.amount if item.decimals else styles.number,
                             float(total) if isinstance(total, Decimal) else total)
    ws.freeze_panes(2, 2)


def _texts(workbook, result: MergeResult, styles: _Styles) -> None:
    form = result.form
    ws = workbook.add_worksheet(SHEET_TEXTS)
    _header(ws, styles, ["机构代码", "机构名称", "类别"] + [t.heading for t in form.texts])
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 2, 8)
    ws.set_column(3, 3 + len(form.texts) - 1, 60)
    for offset, member in enumerate(result.members, start=1):
        texts = member.entry.report.texts
        for col, value in enumerate((member.agency.code, member.agency.name, member.agency.category)):
            _string(ws, offset, col, value, styles.text)
        for index, section in enumerate(form.texts):
            _string(ws, offset, 3 + index, texts.get(section.id, ""), styles.quoted)
    ws.freeze_panes(1, 2)


STATUS_COLUMNS = ("序号", "机构代码", "机构名称", "类别", "报送情况", "文件", "发件人", "收到时间", "填报日期", "sha256",
                  "错误", "警告", "提示", "说明")


def status_rows(result: MergeResult) -> list[tuple]:
    """Every roster agency and every input, once each: the 报送情况 sheet and the CLI summary share this."""
    rows: list[tuple] = []
    by_agency: dict[str, list[Entry]] = {}
    for entry in result.entries:
        if entry.agency is not None and entry.status not in ("unknown_agency",):
            by_agency.setdefault(entry.agency.code, []).append(entry)
    seen: set[int] = set()
    for agency in result.roster or []:
        entries = by_agency.get(agency.code, [])
        if not any(e.status in ("included", "invalid_included", "invalid_excluded") for e in entries):
            note = "截至汇总时未收到本年度报表" + ("（收到的文件见下行）" if entries else "")
            rows.append((agency.code, agency.name, agency.category, STATUS_ZH["missing"], None, note))
        for entry in sorted(entries, key=lambda e: e.status not in ("included", "invalid_included",
                                                                     "invalid_excluded")):
            seen.add(id(entry))
            rows.append((agency.code, agency.name, agency.category, STATUS_ZH[entry.status], entry, _note(entry)))
    for entry in result.entries:
        if id(entry) in seen:
            continue
        report = entry.report
        code = entry.agency.code if entry.agency else (report.agency_code if report else "")
        name = entry.agency.name if entry.agency else (report.agency_name if report else "")
        category = entry.agency.category if entry.agency else ""
        rows.append((code, name, category, STATUS_ZH[entry.status], entry, _note(entry)))
    return rows


def _note(entry: Entry) -> str:
    from .merge import imported

    note = _status_note(entry)
    if imported(entry):
        note = "由年报导入" + (f"；{note}" if note else "")
    return note


def _status_note(entry: Entry) -> str:
    if entry.status == "published":
        differing = sum(1 for f in entry.result.findings if f.code == "PUBLISHED_DIFFERS")
        return (f"与报送的工作簿有 {differing} 项不一致（汇总按工作簿计）" if differing
                else "与报送的工作簿一致（汇总按工作簿计）")
    if entry.status == "attachment":
        return entry.result.findings[0].message if entry.result.findings else ""
    if entry.status == "superseded":
        return f"已被更新版本替代：{entry.superseded_by}"
    if entry.status == "unreadable":
        return entry.result.findings[0].message if entry.result.findings else ""
    if entry.status == "wrong_year":
        return next((f.message for f in entry.result.findings if f.code == "WRONG_YEAR"), "")
    if entry.status == "invalid_excluded":
        return "有错误，未计入汇总；已可生成退回意见"
    if entry.status == "unknown_agency":
        return "名册中没有此单位，未计入汇总"
    if entry.status in ("unidentified", "own_output"):
        code = "OWN_OUTPUT" if entry.status == "own_output" else ("IDENTITY_UNKNOWN", "IDENTITY_CONFLICT")
        return next((f.message for f in entry.result.findings if f.code in code), "")
    return ""


def _status(workbook, result: MergeResult, styles: _Styles) -> None:
    ws = workbook.add_worksheet(SHEET_STATUS)
    _header(ws, styles, STATUS_COLUMNS)
    rows = status_rows(result)
    for col, width in enumerate((5, 20, 22, 8, 20, 36, 24, 20, 12, 18, 6, 6, 6, 40)):
        ws.set_column(col, col, width)
    for number, (code, name, category, status, entry, note) in enumerate(rows, start=1):
        row = number
        _number(ws, row, 0, number, styles.number)
        for col, value in enumerate((code, name, category, status), start=1):
            _string(ws, row, col, value, styles.text)
        if entry is not None:
            submission = entry.submission
            report = entry.report
            values = (submission.name, submission.sender,
                      submission.received.strftime("%Y-%m-%d %H:%M") if submission.received else "",
                      report.meta.get("meta_date", "") if report else "", entry.result.sha256)
            for col, value in enumerate(values, start=5):
                _string(ws, row, col, value, styles.text)
            for col, severity in enumerate((Severity.ERROR, Severity.WARNING, Severity.NOTICE), start=10):
                _number(ws, row, col, sum(1 for f in entry.result.findings if f.severity is severity), styles.number)
        else:
            for col in range(5, 13):
                ws.write_blank(row, col, None, styles.text)
        _string(ws, row, 13, note, styles.text)
    ws.freeze_panes(1, 3)
    ws.autofilter(0, 0, max(1, len(rows)), len(STATUS_COLUMNS) - 1)
    _print_wide(ws)


FINDING_COLUMNS = ("机构代码", "机构名称", "文件", "报送情况", "代码", "级别", "工作表", "单元格", "编号", "值", "问题", "怎么改")


def _findings(workbook, result: MergeResult, styles: _Styles) -> None:
    ws = workbook.add_worksheet(SHEET_FINDINGS)
    _header(ws, styles, FINDING_COLUMNS)
    for col, width in enumerate((20, 22, 30, 16, 20, 6, 16, 8, 22, 10, 60, 50)):
        ws.set_column(col, col, width)
    row = 0
    for entry in result.entries:
        code = entry.agency.code if entry.agency else (entry.report.agency_code if entry.report else "")
        name = entry.agency.name if entry.agency else (entry.report.agency_name if entry.report else "")
        for finding in entry.result.findings:
            cells = finding.cells or (None,)
            for cell in cells:
                row += 1
                values = (code, name, entry.submission.name, STATUS_ZH[entry.status], finding.code,
                          finding.severity.label, cell.sheet if cell else "", cell.cell if cell else "",
                          cell.item if cell else "", "" if cell is None or cell.value is None else str(cell.value),
                          finding.message, finding.hint)
                for col, value in enumerate(values):
                    _string(ws, row, col, value, styles.text)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, max(row, 1), len(FINDING_COLUMNS) - 1)
    _print_wide(ws)


def _print_wide(ws) -> None:
    """A list sheet prints landscape on A4, one page wide, its header row on every page."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def _readme(workbook, ws, result: MergeResult, styles: _Styles, made: datetime) -> None:
    counts = result.counts()
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 70)
    _string(ws, 0, 0, f"{result.unit_name}{result.year}年政府信息公开工作年度报告汇总", styles.title)
    lines = [
        ("汇总单位", f"{result.unit_name}（{result.unit_code or '未设代码'}）"),
        ("报告年度", str(result.year)),
        ("表式", f"{result.form.basis}（{result.form.version}版）"),
        ("生成工具", f"{GENERATOR} {__version__}"),
        ("数据截至", made.strftime("%Y-%m-%d %H:%M") + "（最晚一份报送邮件的时间；无邮件时为年度次年1月1日）"),
        ("名册单位数", str(counts["expected"])),
        ("已报送", f"{counts['received']} 个单位"),
        ("通过校验并计入", f"{counts['valid']} 个单位"
                         + (f"；另有 {counts['invalid_included']} 个有错误的单位按 --include-invalid 计入"
                            if counts["invalid_included"] else "")),
        ("有错误未计入", f"{counts['invalid_excluded']} 个单位（见“报送情况”“校验明细”）"),
        ("未报送", f"{counts['missing']} 个单位" + ("：" + "、".join(a.name for a in result.missing[:20])
                                                   + ("等" if len(result.missing) > 20 else "") if result.missing else "")),
        ("其他", f"被更新版本替代 {counts['superseded']} 份；名册外单位 {counts['unknown_agency']} 份；"
                 f"单位不明 {counts['unidentified']} 份；年度不符 {counts['wrong_year']} 份；无法读取 {counts['unreadable']} 份"
                 + (f"；本工具生成的文件 {counts['own_output']} 份（不是报送）" if counts["own_output"] else "")),
        ("汇总口径", f"计入 {counts['members']} 个报送单元，代表 {counts['units']} 个单位（下级汇总表按其下级单位数计）。"),
        ("怎样阅读", "“汇总”为国家表式的汇总数，每个数字都是对“明细”相应列的求和公式（可点击查看）；"
                     "“分类汇总”按名册类别汇总；“明细”每行一个计入的单位、每列一个数据项（第2行为稳定编号）；"
                     "“文字”为各单位的文字部分；“报送情况”列出名册中每个单位和收到的每个文件；"
                     "“校验明细”列出每个问题所在的文件、工作表和单元格。"),
    ]
    for offset, (label, text) in enumerate(lines, start=2):
        _string(ws, offset, 0, label, styles.header)
        _string(ws, offset, 1, text, styles.wrap)
        ws.set_row(offset, 4 + 15 * wrapped_lines(text, 34))
    top = 2 + len(lines) + 1
    ranked = sorted(result.members, key=lambda m: (-(m.values.get("t3_new_total", 0) or 0), m.agency.code))[:20]
    _string(ws, top, 0, "本年新收申请数量前 20 的单位", styles.header)
    _string(ws, top, 1, "本年新收政府信息公开申请数量（件）", styles.header)
    for offset, member in enumerate(ranked, start=1):
        _string(ws, top + offset, 0, member.agency.name, styles.text)
        _number(ws, top + offset, 1, member.values.get("t3_new_total", 0) or 0, styles.number)
    if ranked:
        chart = workbook.add_chart({"type": "bar"})
        chart.add_series({
            "name": "本年新收申请数量",
            "categories": [SHEET_README, top + 1, 0, top + len(ranked), 0],
            "values": [SHEET_README, top + 1, 1, top + len(ranked), 1],
            "data_labels": {"value": True},
        })
        chart.set_title({"name": "本年新收政府信息公开申请数量（前 20 个单位）", "name_font": {"name": "宋体", "size": 12}})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True, "num_font": {"name": "宋体"}})
        chart.set_size({"width": 680, "height": 60 + 22 * len(ranked)})
        ws.insert_chart(top + len(ranked) + 2, 0, chart)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
