"""The consolidated (汇总) workbook that auditors open in Excel, written fresh with XlsxWriter.

Sheets (names are a contract): 说明, 汇总 (the national layout holding the totals as live formulas over 明细, every
cell named by its stable id, the rules re-checked), 分类汇总, 明细 (one row per counted agency, one column per
stable id), 文字 (the offices' text, never a formula), 报送情况 (every roster agency and every input), 校验明细
(every finding), optionally one sheet per agency, and the identity stamp. The same inputs give the same bytes.

This module puts the workbook together (and writes 说明, 汇总 and the per-agency sheets); the sheets of what the
agencies reported are in :mod:`.content_sheets`, those of what came in in :mod:`.status_sheets`, 指标 in
:mod:`.indicators`, and how they all look and print in :mod:`.styles`.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import xlsxwriter

from .. import __version__
from ..form import REPORT_TITLE
from ..template.consolidated_layout import (
    DETAIL_FIRST_ROW,
    SHEET_BY_CATEGORY,
    SHEET_DETAIL,
    SHEET_FINDINGS,
    SHEET_INDICATORS,
    SHEET_README,
    SHEET_STATUS,
    SHEET_SUMMARY,
    SHEET_TEXTS,
)
from ..template.layout import Context, FormulaPlacement, ValuePlacement, wrapped_lines
from ..template.sheet_writer import Formats, PortableWorksheet, write_sheet
from ..template.stamp import GENERATOR, consolidated_stamp, write_stamp
from ..template.tables import SUMMARY_PRINT_COLS, tables_sheet
from .content_sheets import DetailRefs, write_by_category, write_detail, write_texts
from .coverage import coverage_text
from .indicators import write_indicators
from .merge import MergeResult, status_text
from .status_sheets import write_findings, write_status
from .styles import Pages, Styles, number_cell, string_cell


PER_AGENCY_LIMIT = 200  # per-agency sheets by default up to this many members (1,000 would double the file)


def render_consolidated(result: MergeResult, *, per_agency_sheets: bool | None = None) -> bytes:
    """The consolidated workbook as bytes (deterministic for the same merge result).

    ``per_agency_sheets``: one national-layout sheet per counted member; by default when there are at most
    :data:`PER_AGENCY_LIMIT` members.
    """
    if per_agency_sheets is None:
        per_agency_sheets = len(result.members) <= PER_AGENCY_LIMIT
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
    workbook.worksheet_class = PortableWorksheet  # every formula here is written by write_formula
    made = data_as_of(result)
    workbook.set_properties({"title": f"{result.year}年{REPORT_TITLE}汇总", "author": GENERATOR,
                             "comments": f"{GENERATOR} {__version__}", "created": made})
    formats = Formats(workbook)
    styles = Styles(workbook)
    pages = Pages(result)
    stamp = consolidated_stamp(form, result.year, result.unit_code, result.unit_name,
                               units=sum(m.units for m in result.members), members=len(result.members))

    readme = workbook.add_worksheet(SHEET_README)
    detail_rows = len(result.members)
    last_detail_row = DETAIL_FIRST_ROW + max(detail_rows, 1) - 1  # an empty range still sums to 0
    detail = DetailRefs(form, last_detail_row)

    title = f"{result.unit_name}{result.year}年{REPORT_TITLE}汇总表"
    summary = tables_sheet(form, SHEET_SUMMARY, title, FormulaPlacement(detail.column_sum), with_check_total=True,
                           subtitle=coverage_text(result))
    ctx = Context(form, result.totals, {}, {})
    ws = write_sheet(workbook, summary.layout, formats, ctx, set(), password="")
    ws.set_h_pagebreaks([summary.table3_row])
    pages.setup(ws, SHEET_SUMMARY, list(summary.layout.widths.values())[:SUMMARY_PRINT_COLS], landscape=True,
                centre=True)
    write_indicators(workbook, result, styles, detail, pages)
    write_by_category(workbook, result, styles, detail, pages)
    write_detail(workbook, result, styles, pages)
    write_texts(workbook, result, styles, pages)
    write_status(workbook, result, styles, pages)
    write_findings(workbook, result, styles, pages)
    if per_agency_sheets:
        for index, member in enumerate(result.members, start=1):
            name = _sheet_name(index, member.agency.name)
            agency = member.agency
            about = (f"机构代码 {agency.code}；类别 {agency.category or '—'}；{status_text(member.entry)}；"
                     f"来源文件 {member.entry.submission.name}。数字即该单位报送的数据（{SHEET_DETAIL}第 "
                     f"{DETAIL_FIRST_ROW + index} 行）。")
            sheet = tables_sheet(form, name, f"{agency.name}{result.year}年度（报送数据）", ValuePlacement(),
                                 with_check_total=False, subtitle=about)
            ws = write_sheet(workbook, sheet.layout, formats, Context(form, member.values, {}, {}), set(),
                             password="")
            ws.set_h_pagebreaks([sheet.table3_row])
            pages.setup(ws, name, list(sheet.layout.widths.values())[:SUMMARY_PRINT_COLS], landscape=True,
                        centre=True)
    _readme(workbook, readme, result, styles, made, pages)
    write_stamp(workbook, stamp, password=None)
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


def _readme(workbook, ws, result: MergeResult, styles: Styles, made: datetime, pages: Pages) -> None:
    counts = result.counts()
    widths = [18, 54]
    ws.set_column(0, 0, widths[0])
    ws.set_column(1, 1, widths[1])
    string_cell(ws, 0, 0, f"{result.unit_name}{result.year}年{REPORT_TITLE}汇总", styles.title)
    lines = [
        ("汇总范围", coverage_text(result)),
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
        ("怎样阅读", f"“{SHEET_SUMMARY}”为国家表式的汇总数，每个数字都是对“{SHEET_DETAIL}”相应列的求和公式（可点击查看）；"
                     f"“{SHEET_INDICATORS}”为申请量、公开率、纠错率等指标（公式及其文字说明）"
                     + ("和与上年的比较" if result.previous is not None else "") + "；"
                     f"“{SHEET_BY_CATEGORY}”按名册类别汇总；“{SHEET_DETAIL}”每行一个计入的单位、每列一个数据项（第2行为稳定编号）；"
                     f"“{SHEET_TEXTS}”为各单位的文字部分；“{SHEET_STATUS}”列出名册中每个单位和收到的每个文件；"
                     f"“{SHEET_FINDINGS}”每行一个问题，计入汇总的报表在前；"
                     "以“001 ”等编号开头的工作表（如有）是各单位报送数据的国家表式。"),
    ]
    for offset, (label, text) in enumerate(lines, start=2):
        string_cell(ws, offset, 0, label, styles.header)
        string_cell(ws, offset, 1, text, styles.wrap)
        ws.set_row(offset, 4 + 15 * wrapped_lines(text, 25))
    top = 2 + len(lines) + 1
    ranked = sorted(result.members, key=lambda m: (-(m.values.get("t3_new_total", 0) or 0), m.agency.code))[:20]
    string_cell(ws, top, 0, "本年新收申请数量前 20 的单位", styles.header)
    string_cell(ws, top, 1, "本年新收政府信息公开申请数量（件）", styles.header)
    ws.set_row(top, 30)
    for offset, member in enumerate(ranked, start=1):
        string_cell(ws, top + offset, 0, member.agency.name, styles.text)
        number_cell(ws, top + offset, 1, member.values.get("t3_new_total", 0) or 0, styles.number)
    last = top + len(ranked)
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
        chart.set_x_axis({"num_font": {"name": "宋体"}})
        height = 60 + 22 * len(ranked)
        # within columns A and B as Excel measures them (LibreOffice, measuring wider, stretches it to the same cells)
        chart.set_size({"width": 500, "height": height})
        ws.insert_chart(last + 2, 0, chart)
        last += 2 + -(-height // 20)  # the rows the chart covers (20 px each)
    # the list and its chart start a page of their own, so the chart never splits
    ws.set_h_pagebreaks([top])
    ws.print_area(0, 0, last, 1)
    pages.setup(ws, SHEET_README, widths, landscape=False)
