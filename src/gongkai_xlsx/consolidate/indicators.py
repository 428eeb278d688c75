"""The 指标 sheet of the consolidated workbook: the rates consolidated reports quote, and the year-on-year change.

Every figure is a live formula (over the named cells of 汇总 for the county, over 明细 for each agency) with its
cached value, and the sheet states each formula in words. The county's rates carry workbook-scoped names that
are a public contract: ``ind_open_rate``, ``ind_review_corrected_rate``, ``ind_suit_corrected_rate`` and, with
last year's workbook, ``ind_new_yoy``.

A rate is empty when its denominator is 0; over fewer than :data:`SMALL_SAMPLE` cases it is shown but marked
样本少 (too few cases to compare agencies by).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from ..form import CURRENT_FORM, Form, short_label
from ..template.consolidated_layout import SHEET_INDICATORS
from ..template.layout import quote_sheet
from ..template.sheet_writer import write_formula
from .coverage import coverage_short

SMALL_SAMPLE = 30
SMALL_MARK = "样本少"


@dataclass(frozen=True)
class Rate:
    """numerator ÷ denominator, both sums of items; ``name`` is the county value's defined name."""

    name: str
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    words: str


@dataclass(frozen=True)
class Measure:
    """A figure compared with last year's: the sum of ``items``."""

    label: str
    items: tuple[str, ...]
    name: str | None = None  # the defined name of the county's 增减率, if it has one


def rates(form: Form) -> tuple[Rate, ...]:
    """The three rates, their items taken from the form (labels verbatim)."""
    t3, t4 = form.table3, form.table4
    total = t3.total_column
    rows = {row.key: row for row in t3.rows}
    open_row, partial_row, total_row = rows["open"], rows["partial"], rows[t3.total_row]
    cols = {c.key: c.label for c in t4.columns}
    decided = ("upheld", "corrected", "other")
    groups = {g.key: g.label for g in t4.groups}
    suits = ("suit_direct", "suit_after")
    return (
        Rate("ind_open_rate", "实质公开率",
             (t3.item_id(open_row.key, total), t3.item_id(partial_row.key, total)), (t3.item_id(t3.total_row, total),),
             f"实质公开率 =（{open_row.path[-1]} + {short_label(partial_row.path[-1])}）÷ {total_row.path[-1]}，"
             f"均取表三“{t3.columns[-1].label}”列（本年度办理结果中予以公开和部分公开所占比例）。"),
        Rate("ind_review_corrected_rate", "复议纠错率",
             (t4.item_id("review", "corrected"),), tuple(t4.item_id("review", c) for c in decided),
             f"复议纠错率 = {groups['review']}“{cols['corrected']}”÷（“{cols['upheld']}”+“{cols['corrected']}”+"
             f"“{cols['other']}”），即已审结的行政复议中被纠正的比例；“{cols['pending']}”不计。"),
        Rate("ind_suit_corrected_rate", "诉讼纠错率",
             tuple(t4.item_id(g, "corrected") for g in suits),
             tuple(t4.item_id(g, c) for g in suits for c in decided),
             f"诉讼纠错率 =（未经复议直接起诉 + 复议后起诉）的“{cols['corrected']}”÷ 两者的（“{cols['upheld']}”+"
             f"“{cols['corrected']}”+“{cols['other']}”），即已审结的行政诉讼中被纠正的比例；“{cols['pending']}”不计。"),
    )


def measures(form: Form) -> tuple[Measure, ...]:
    """The figures compared with last year's."""
    t3, t4 = form.table3, form.table4
    total = t3.total_column
    rows = {row.key: row for row in t3.rows}
    return (
        Measure("本年新收申请", (t3.item_id("new", total),), "ind_new_yoy"),
        Measure(f"办理结果{rows[t3.total_row].path[-1]}", (t3.item_id(t3.total_row, total),)),
        Measure(rows["open"].path[-1], (t3.item_id("open", total),)),
        Measure("行政复议总计", (t4.item_id("review", t4.total_column),)),
        Measure("行政诉讼总计", tuple(t4.item_id(g, t4.total_column) for g in ("suit_direct", "suit_after"))),
    )


def indicator_names(form: Form = CURRENT_FORM) -> tuple[str, ...]:
    """The defined names of the county's 指标, in the sheet's order (a public contract: ``ind_*``)."""
    return tuple(rate.name for rate in rates(form)) + tuple(m.name for m in measures(form) if m.name)


def _sum(values: Mapping[str, Any], ids: Sequence[str]):
    return sum((values.get(i, 0) or 0 for i in ids), 0)


def rate_value(values: Mapping[str, Any], rate: Rate) -> float | str:
    """The rate as the sheet's formula computes it: "" when the denominator is 0."""
    den = _sum(values, rate.denominator)
    return "" if den == 0 else _sum(values, rate.numerator) / den


def small_value(denominator) -> str:
    return SMALL_MARK if 0 < denominator < SMALL_SAMPLE else ""


def change_values(previous, current) -> tuple[Any, Any]:
    """(增减, 增减率) as the sheet computes them; both "" without last year's figure."""
    if previous is None:
        return "", ""
    return current - previous, ("" if previous == 0 else current / previous - 1)


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value


# ------------------------------------------------------------------------------------------ the sheet
NAME_WIDTH, CATEGORY_WIDTH, NUMBER_WIDTH = 24, 5, 7.5
MEASURES_PER_PAGE = 3  # the comparison with last year prints three figures (twelve columns) to a page
RATE_COLS = ("分子", "分母", "比率", "样本")
CHANGE_COLS = ("上年", "本年", "增减", "增减率")


def write_indicators(workbook, result, styles, detail, pages) -> None:
    """The 指标 sheet (see the module docstring)."""
    form = result.form
    ws = workbook.add_worksheet(SHEET_INDICATORS)
    the_rates, the_measures = rates(form), measures(form)
    previous = result.previous
    first_change_col = 2 + len(RATE_COLS) * len(the_rates)
    last_col = first_change_col - 1 + (len(CHANGE_COLS) * len(the_measures) if previous is not None else 0)
    ws.set_column(0, 0, NAME_WIDTH)
    ws.set_column(1, 1, CATEGORY_WIDTH)
    ws.set_column(2, last_col, NUMBER_WIDTH)
    wide = max(first_change_col - 2, len(CHANGE_COLS) * MEASURES_PER_PAGE)  # the widest page's columns beside 名称, 类别

    def text(row: int, col: int, value: str, fmt) -> None:
        ws.write_string(row, col, value, fmt)

    def note(row: int, value: str, height_chars: int = 90) -> None:
        ws.merge_range(row, 0, row, first_change_col - 1, "", styles.wrap)
        text(row, 0, value, styles.wrap)
        ws.set_row(row, 4 + 15 * -(-len(value) // height_chars))

    unit = result.unit_name or "汇总"
    text(0, 0, f"{unit}{result.year}年政府信息公开工作指标", styles.title)
    ws.set_row(0, 24)
    note(1, f"{coverage_short(result)}。每个数字都是公式（全县的指标引用“汇总”中的合计，各单位的引用“明细”中该单位的行），"
            "可点击查看；以下是各公式的文字说明。")
    row = 3
    text(row, 0, "一、计算方法", styles.bold)
    row += 1
    words = [rate.words for rate in the_rates]
    words.append(f"分母为 0 时比率为空；分母（件数）少于 {SMALL_SAMPLE} 时照常计算，但标注“{SMALL_MARK}”，不宜据此比较或评价单位。")
    if previous is not None:
        words.append(f"与上年比较：增减 = 本年 − 上年；增减率 = 本年 ÷ 上年 − 1（上年为 0 或没有上年数据时为空）。"
                     f"上年数据取自上年汇总表（{previous.agency_name or ''}{previous.year or ''}年度，"
                     f"{len(previous.members) or 1} 个单位），按机构代码对应。")
    for line in words:
        note(row, line)
        row += 1

    def band_heading(at: int, title: str, columns: tuple[str, ...]) -> int:
        """A band's title and its column headings (an empty heading leaves its cell blank); the next row."""
        text(at, 0, title, styles.bold)
        for col, label in enumerate(columns):
            if label:
                text(at + 1, col, label, styles.header)
        return at + 2

    # ---- the county
    row = band_heading(row + 1, "二、全县指标（汇总数）", ("指标", "", *RATE_COLS))
    totals = result.totals
    for rate in the_rates:
        num, den = _sum(totals, rate.numerator), _sum(totals, rate.denominator)
        text(row, 0, rate.label, styles.label)
        write_formula(ws, row, 2, "+".join(rate.numerator), styles.number, _plain(num))
        write_formula(ws, row, 3, "+".join(rate.denominator), styles.number, _plain(den))
        _rate_cells(ws, styles, row, 2, num, den)
        workbook.define_name(rate.name, f"={quote_sheet(SHEET_INDICATORS)}!{xl_rowcol_to_cell(row, 4, True, True)}")
        row += 1

    if previous is not None:
        row = band_heading(row + 1, "三、与上年比较（全县）", ("项目", "", *CHANGE_COLS))
        for measure in the_measures:
            before, now = _sum(previous.values, measure.items), _sum(totals, measure.items)
            text(row, 0, measure.label, styles.label)
            ws.write_number(row, 2, _plain(before), styles.number)
            write_formula(ws, row, 3, "+".join(measure.items), styles.number, _plain(now))
            _change_cells(ws, styles, row, 2, before, now)
            if measure.name:
                workbook.define_name(measure.name,
                                     f"={quote_sheet(SHEET_INDICATORS)}!{xl_rowcol_to_cell(row, 5, True, True)}")
            row += 1

    # ---- charts, on a page of their own: their data to the right of the print area, the charts in it
    row += 1
    chart_page = row
    text(row, 0, ("四" if previous is not None else "三") + "、构成（全县）", styles.bold)
    row += 1
    chart_row = row
    data_col = last_col + 3
    _charts(workbook, ws, form, totals, styles, chart_row, data_col)
    row += CHART_ROWS + 1

    # ---- each agency: one table, the rates first and the comparison with last year to their right; every
    # printed page repeats its two header rows and the agency's name and category
    ws.set_h_pagebreaks([chart_page, row])
    text(row, 0, ("五" if previous is not None else "四") + "、各单位指标", styles.bold)
    row += 1
    header = row
    text(header, 0, "机构名称", styles.header)
    text(header, 1, "类别", styles.header)
    ws.merge_range(header, 0, header + 1, 0, "机构名称", styles.header)
    ws.merge_range(header, 1, header + 1, 1, "类别", styles.header)
    groups = [(rate.label, RATE_COLS) for rate in the_rates]
    if previous is not None:
        groups += [(measure.label, CHANGE_COLS) for measure in the_measures]
    col = 2
    for label, cols in groups:
        ws.merge_range(header, col, header, col + len(cols) - 1, label, styles.header)
        for offset, sub in enumerate(cols):
            text(header + 1, col + offset, sub, styles.header)
        col += len(cols)
    ws.set_row(header, 30)
    row = header + 2
    last_year = {m.agency.code: m.values for m in previous.members} if previous is not None else {}
    for offset, member in enumerate(result.members):
        values = member.values
        text(row, 0, member.agency.name, styles.label)
        if len(member.agency.name) * 2 > NAME_WIDTH - 1:
            ws.set_row(row, 4 + 14 * -(-len(member.agency.name) * 2 // (NAME_WIDTH - 1)))
        text(row, 1, member.agency.category or "", styles.label)
        col = 2
        for rate in the_rates:
            num, den = _sum(values, rate.numerator), _sum(values, rate.denominator)
            write_formula(ws, row, col, "+".join(detail.member_cell(i, offset) for i in rate.numerator),
                          styles.number, _plain(num))
            write_formula(ws, row, col + 1, "+".join(detail.member_cell(i, offset) for i in rate.denominator),
                          styles.number, _plain(den))
            _rate_cells(ws, styles, row, col, num, den)
            col += len(RATE_COLS)
        if previous is not None:
            before_values = last_year.get(member.agency.code)
            for measure in the_measures:
                before = _sum(before_values, measure.items) if before_values is not None else None
                now = _sum(values, measure.items)
                if before is None:
                    ws.write_blank(row, col, None, styles.number)
                else:
                    ws.write_number(row, col, _plain(before), styles.number)
                write_formula(ws, row, col + 1, "+".join(detail.member_cell(i, offset) for i in measure.items),
                              styles.number, _plain(now))
                _change_cells(ws, styles, row, col, before, now, guarded=True)
                col += len(CHANGE_COLS)
        row += 1
    ws.freeze_panes(header + 2, 2)
    ws.print_area(0, 0, max(row - 1, header + 1), last_col)
    if previous is not None:
        ws.set_v_pagebreaks(list(range(first_change_col, last_col + 1, len(CHANGE_COLS) * MEASURES_PER_PAGE)))
    widths = [NAME_WIDTH, CATEGORY_WIDTH] + [NUMBER_WIDTH] * wide
    pages.setup(ws, SHEET_INDICATORS, widths, landscape=True, repeat_rows=(header, header + 1), repeat_cols=(0, 1))


def _rate_cells(ws, styles, row: int, col: int, num, den) -> None:
    """比率 and 样本 after 分子 (``col``) and 分母."""
    n, d = xl_rowcol_to_cell(row, col), xl_rowcol_to_cell(row, col + 1)
    write_formula(ws, row, col + 2, f'IF({d}=0,"",{n}/{d})', styles.rate, "" if den == 0 else _plain(num) / _plain(den))
    write_formula(ws, row, col + 3, f'IF(AND({d}>0,{d}<{SMALL_SAMPLE}),"{SMALL_MARK}","")', styles.small,
                  small_value(den))


def _change_cells(ws, styles, row: int, col: int, before, now, guarded: bool = False) -> None:
    """增减 and 增减率 after 上年 (``col``) and 本年; ``guarded``: 上年 may be empty (an agency new this year)."""
    b, n = xl_rowcol_to_cell(row, col), xl_rowcol_to_cell(row, col + 1)
    change, ratio = change_values(None if before is None else _plain(before), _plain(now))
    diff = f"{n}-{b}"
    pct = f'IF({b}=0,"",{n}/{b}-1)'
    if guarded:
        diff, pct = f'IF(ISNUMBER({b}),{diff},"")', f'IF(ISNUMBER({b}),{pct},"")'
    write_formula(ws, row, col + 2, diff, styles.signed, change)
    write_formula(ws, row, col + 3, pct, styles.rate, ratio)


CHART_WIDTH = 400
CHART_ROWS = 30  # rows the charts cover (20 px each): two rows of charts, 290 px high each


def _charts(workbook, ws, form: Form, totals, styles, top: int, data_col: int) -> None:
    """办理结果构成, 申请人构成 and 复议诉讼结果 as charts, their data (formulas over 汇总) beside the print area."""
    t3, t4 = form.table3, form.table4
    total = t3.total_column
    results: dict[str, list[str]] = {}
    rows = {row.key: row for row in t3.rows}
    for key in t3.result_rows:
        results.setdefault(rows[key].path[1], []).append(t3.item_id(key, total))
    applicants = [(c.label, (t3.item_id("new", c.key),)) for c in t3.columns if c.key != total]
    blocks = [("办理结果构成（表三“总计”列）", [(short_label(label), tuple(ids)) for label, ids in results.items()]),
              ("申请人构成（本年新收）", applicants)]
    row = top
    sheet = SHEET_INDICATORS
    charts = []
    for title, series in blocks:
        ws.write_string(row, data_col, title, styles.bold)
        for offset, (label, ids) in enumerate(series, start=1):
            ws.write_string(row + offset, data_col, label)
            write_formula(ws, row + offset, data_col + 1, "+".join(ids), None, _plain(_sum(totals, ids)))
        chart = workbook.add_chart({"type": "pie"})
        chart.add_series({"name": title, "categories": [sheet, row + 1, data_col, row + len(series), data_col],
                          "values": [sheet, row + 1, data_col + 1, row + len(series), data_col + 1],
                          "data_labels": {"percentage": True, "category": True, "leader_lines": True,
                                          "font": {"name": "宋体", "size": 9}}})
        charts.append((title, chart))
        row += len(series) + 2
    # 复议诉讼结果: one column group per outcome, one series per kind of case
    outcomes = [c for c in t4.columns if c.key != t4.total_column]
    ws.write_string(row, data_col, "复议诉讼结果", styles.bold)
    for offset, column in enumerate(outcomes, start=1):
        ws.write_string(row + offset, data_col, column.label)
    chart = workbook.add_chart({"type": "column"})
    for g, group in enumerate(t4.groups, start=1):
        ws.write_string(row, data_col + g, group.label.replace("行政诉讼·", ""))
        for offset, column in enumerate(outcomes, start=1):
            item = t4.item_id(group.key, column.key)
            write_formula(ws, row + offset, data_col + g, item, None, _plain(totals.get(item, 0)))
        chart.add_series({"name": [sheet, row, data_col + g],
                          "categories": [sheet, row + 1, data_col, row + len(outcomes), data_col],
                          "values": [sheet, row + 1, data_col + g, row + len(outcomes), data_col + g],
                          "data_labels": {"value": True, "font": {"name": "宋体", "size": 8}}})
    chart.set_legend({"position": "bottom", "font": {"name": "宋体", "size": 9}})
    chart.set_x_axis({"num_font": {"name": "宋体", "size": 9}})
    chart.set_y_axis({"num_font": {"name": "宋体", "size": 9}, "major_gridlines": {"visible": True}})
    charts.append(("复议诉讼结果（件）", chart))
    for index, (title, chart) in enumerate(charts):
        chart.set_title({"name": title, "name_font": {"name": "宋体", "size": 10}})
        if index < 2:
            chart.set_legend({"none": True})
        # two charts side by side, the third below the first: each wide enough to read its labels
        chart.set_size({"width": CHART_WIDTH, "height": CHART_ROWS * 10 - 6})
        ws.insert_chart(top + (index // 2) * (CHART_ROWS // 2), 0, chart,
                        {"x_offset": 4 + (index % 2) * (CHART_WIDTH + 8), "y_offset": 2, "object_position": 3})


__all__ = ["SMALL_MARK", "SMALL_SAMPLE", "Measure", "Rate", "measures", "rate_value", "rates",
           "write_indicators"]
