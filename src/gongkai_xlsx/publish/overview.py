"""Numbers in the text: a paragraph for 一、总体情况 drafted from the tables, and the office's own text checked
against the tables before publishing (:mod:`gongkai_xlsx.check.narrative`, the check used on published reports)."""

from __future__ import annotations

from ..findings import Finding
from ..form import Form, TextRole
from ..check.narrative import check_overview
from ..report import Origin, Report
from .content import format_value


def draft_overview(report: Report) -> str:
    """申请 received and carried over, handled (公开, 部分公开), carried to next year; 复议 and 诉讼 cases.

    Worded so that the narrative check recognises every number it states (a test holds it to that)."""
    form: Form = report.form
    t3, t4 = form.table3, form.table4
    values = report.values

    def t3_total(row: str) -> str:
        item_id = t3.item_id(row, t3.total_column)
        return format_value(form.item(item_id), values.get(item_id))

    review = t4.item_id("review", t4.total_column)
    suits = [t4.item_id(group.key, t4.total_column) for group in t4.groups if group.key != "review"]
    suit_total = sum(values.get(item_id, 0) or 0 for item_id in suits)
    subject = f"{report.agency_name}所属单位共" if report.origin is Origin.CONSOLIDATED else "本机关"
    return (f"{report.year}年，{subject}收到政府信息公开申请{t3_total('new')}件，上年结转{t3_total('carry_in')}件；"
            f"办结{t3_total(t3.total_row)}件，其中予以公开{t3_total('open')}件，部分公开{t3_total('partial')}件；"
            f"结转下年度继续办理{t3_total('carry_out')}件。"
            f"全年发生政府信息公开行政复议{format_value(form.item(review), values.get(review))}件，"
            f"行政诉讼{format_value(form.item(suits[0]), suit_total)}件。")


def check_text(report: Report, extra: str = "") -> list[Finding]:
    """Numbers quoted in 一、总体情况 (and in ``extra``, a drafted paragraph) that disagree with the tables."""
    text = "\n".join(part for part in (extra, report.texts.get(report.form.text_id(TextRole.OVERVIEW), "")) if part)
    if not text:
        return []
    return check_overview(text, report.values, {item.id for item in report.form.items})[1]
