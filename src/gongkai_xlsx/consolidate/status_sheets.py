"""The sheets of what came in and what was wrong with it: 报送情况 (every roster agency and every input, once each)
and 校验明细 (every finding, those of the returns in the totals first)."""

from __future__ import annotations

from .. import findings as F
from ..form import MetaRole, Severity
from ..template.consolidated_layout import SHEET_FINDINGS, SHEET_STATUS, STATUS_COLUMNS
from .merge import COUNTED, CURRENT, STATUS_ZH, Entry, MergeResult, status_text
from .merge import SubmissionStatus as S
from .styles import Pages, Styles, display_lines, header_rows, number_cell, string_cell

STATUS_WIDTHS = (4, 18, 12, 5, 10, 20, 14, 15, 4, 4, 4, 20, 12, 66)
STATUS_PRINTED = len(STATUS_COLUMNS) - 2  # 填报日期 and the hash are for checking and disputes, not the printout


def status_rows(result: MergeResult) -> list[tuple]:
    """Every roster agency and every input, once each: the 报送情况 sheet and the CLI summary share this."""
    rows: list[tuple] = []
    by_agency: dict[str, list[Entry]] = {}
    for entry in result.entries:
        if entry.agency is not None and entry.status is not S.UNKNOWN_AGENCY:
            by_agency.setdefault(entry.agency.code, []).append(entry)
    seen: set[int] = set()
    for agency in result.roster or []:
        entries = by_agency.get(agency.code, [])
        if not any(e.status in CURRENT for e in entries):
            note = "截至汇总时未收到本年度报表" + ("（收到的文件见下行）" if entries else "")
            rows.append((agency.code, agency.name, agency.category, STATUS_ZH[S.MISSING], None, note))
        for entry in sorted(entries, key=lambda e: e.status not in CURRENT):
            seen.add(id(entry))
            rows.append((agency.code, agency.name, agency.category, status_text(entry), entry, _note(entry)))
    for entry in result.entries:
        if id(entry) in seen:
            continue
        report = entry.report
        code = entry.agency.code if entry.agency else (report.agency_code if report else "")
        name = entry.agency.name if entry.agency else (report.agency_name if report else "")
        category = entry.agency.category if entry.agency else ""
        rows.append((code, name, category, status_text(entry), entry, _note(entry)))
    return rows


def _note(entry: Entry) -> str:
    from .merge import imported

    note = _status_note(entry)
    if imported(entry):
        note = "由年报导入" + (f"；{note}" if note else "")
    return note


def _status_note(entry: Entry) -> str:
    if entry.status is S.PUBLISHED:
        differing = sum(1 for f in entry.result.findings if f.code == F.PUBLISHED_DIFFERS.code)
        return (f"与报送的工作簿有 {differing} 项不一致（汇总按工作簿计）" if differing
                else "与报送的工作簿一致（汇总按工作簿计）")
    if entry.status is S.ATTACHMENT:
        return entry.result.findings[0].message if entry.result.findings else ""
    if entry.status is S.SUPERSEDED and entry.duplicate:
        return f"与 {entry.superseded_by} 相同（重复）"
    if entry.status is S.SUPERSEDED:
        return f"已被更新版本替代：{entry.superseded_by}"
    if entry.status is S.UNREADABLE:
        return entry.result.findings[0].message if entry.result.findings else ""
    if entry.status is S.WRONG_YEAR:
        return next((f.message for f in entry.result.findings if f.code == F.WRONG_YEAR.code), "")
    if entry.status is S.INVALID_EXCLUDED:
        return "有错误，未计入汇总；已可生成退回意见"
    if entry.status is S.UNKNOWN_AGENCY:
        return "名册中没有此单位，未计入汇总"
    if entry.status in (S.UNIDENTIFIED, S.OWN_OUTPUT):
        code = (F.OWN_OUTPUT.code,) if entry.status is S.OWN_OUTPUT else \
            (F.IDENTITY_UNKNOWN.code, F.IDENTITY_CONFLICT.code)
        return next((f.message for f in entry.result.findings if f.code in code), "")
    return ""


def write_status(workbook, result: MergeResult, styles: Styles, pages: Pages) -> None:
    ws = workbook.add_worksheet(SHEET_STATUS)
    header_rows(ws, styles, STATUS_COLUMNS)
    ws.set_row(0, 30)
    rows = status_rows(result)
    for col, width in enumerate(STATUS_WIDTHS):
        ws.set_column(col, col, width)
    for number, (code, name, category, status, entry, note) in enumerate(rows, start=1):
        row = number
        number_cell(ws, row, 0, number, styles.number)
        for col, value in enumerate((code, name, category, status), start=1):
            string_cell(ws, row, col, value, styles.wrapped)
        lines = [display_lines(name or "", 12), display_lines(status, 10), display_lines(note, 20)]
        if entry is not None:
            submission = entry.submission
            report = entry.report
            values = (submission.name, submission.sender,
                      submission.received.strftime("%Y-%m-%d %H:%M") if submission.received else "")
            for col, value in enumerate(values, start=5):
                string_cell(ws, row, col, value, styles.wrapped)
            lines += [display_lines(submission.name, 20), display_lines(submission.sender or "", 14)]
            for col, severity in enumerate((Severity.ERROR, Severity.WARNING, Severity.NOTICE), start=8):
                number_cell(ws, row, col, sum(1 for f in entry.result.findings if f.severity is severity), styles.number)
            string_cell(ws, row, 12, report.meta_text(MetaRole.DATE) if report else "", styles.text)
            string_cell(ws, row, 13, entry.result.sha256, styles.text)
        else:
            for col in (5, 6, 7, 8, 9, 10, 12, 13):
                ws.write_blank(row, col, None, styles.text)
        string_cell(ws, row, 11, note, styles.wrapped)
        ws.set_row(row, 4 + 14 * max(lines))
    ws.freeze_panes(1, 3)
    ws.autofilter(0, 0, max(1, len(rows)), len(STATUS_COLUMNS) - 1)
    ws.print_area(0, 0, max(1, len(rows)), STATUS_PRINTED - 1)
    pages.setup(ws, SHEET_STATUS, list(STATUS_WIDTHS[:STATUS_PRINTED]), landscape=True, repeat_rows=(0, 0))


FINDING_COLUMNS = ("序号", "机构名称", "文件", "报送情况", "代码", "级别", "问题", "单元格", "怎么改", "已说明", "机构代码")
FINDING_WIDTHS = (4, 12, 14, 9, 16, 4, 26, 16, 18, 8, 19)
FINDING_PRINTED = len(FINDING_COLUMNS) - 1  # the agency code is for filters and programs; its name prints
COUNTED_FINDINGS = "一、计入汇总的报表的问题"
OTHER_FINDINGS = "二、未计入汇总或已被替代的报表的问题（不影响汇总数）"


def finding_cells_text(finding) -> str:
    """All cells of a finding in one cell: 工作表!单元格（编号）= 值, separated by semicolons."""
    parts = []
    for cell in finding.cells:
        where = "!".join(part for part in (cell.sheet, cell.cell) if part)
        if cell.item:
            where += f"（{cell.item}）" if where else cell.item
        if cell.value not in (None, ""):
            where += f" = {cell.value}"
        parts.append(where)
    return "；".join(parts)


def finding_rows(result: MergeResult) -> tuple[list[tuple], list[tuple]]:
    """校验明细's rows, one per finding: (entry, finding) of the submissions that count, then of the others."""
    counted, others = [], []
    for entry in result.entries:
        for finding in entry.result.findings:
            (counted if entry.status in COUNTED else others).append((entry, finding))
    return counted, others


def write_findings(workbook, result: MergeResult, styles: Styles, pages: Pages) -> None:
    """One row per finding (its cells listed in one cell): first those of the returns in the totals, then, in a
    second block, those of returns replaced by a newer version or not counted. 已说明 holds an office's
    explanation of a finding, when it gave one."""
    ws = workbook.add_worksheet(SHEET_FINDINGS)
    for col, width in enumerate(FINDING_WIDTHS):
        ws.set_column(col, col, width)
    counted, others = finding_rows(result)
    last = FINDING_PRINTED - 1
    width_of = dict(zip(FINDING_COLUMNS, FINDING_WIDTHS))
    wrapped = ("机构名称", "文件", "报送情况", "问题", "单元格", "怎么改", "已说明")
    row = 0
    header_row = 1
    for block, (heading, findings) in enumerate(((COUNTED_FINDINGS, counted), (OTHER_FINDINGS, others))):
        ws.merge_range(row, 0, row, last, "", styles.caption)
        string_cell(ws, row, 0, f"{heading}：{len(findings)} 个", styles.caption)
        row += 1
        for col, label in enumerate(FINDING_COLUMNS):
            string_cell(ws, row, col, label, styles.header if col <= last else styles.id_header)
        row += 1
        for number, (entry, finding) in enumerate(findings, start=1):
            code = entry.agency.code if entry.agency else (entry.report.agency_code if entry.report else "")
            name = entry.agency.name if entry.agency else (entry.report.agency_name if entry.report else "")
            explanation = getattr(finding, "explanation", None) or ""
            values = (number, name, entry.submission.name, status_text(entry), finding.code,
                      finding.severity.label, finding.message, finding_cells_text(finding), finding.hint, explanation,
                      code)
            for col, value in enumerate(values):
                if isinstance(value, int):
                    number_cell(ws, row, col, value, styles.number)
                else:
                    string_cell(ws, row, col, value, styles.wrapped)
            lines = max(display_lines(str(value), width_of[label]) for label, value in zip(FINDING_COLUMNS, values)
                        if label in wrapped)
            ws.set_row(row, min(409, 4 + 14 * lines))
            row += 1
        if block == 0:
            ws.autofilter(header_row, 0, max(row - 1, header_row + 1), len(FINDING_COLUMNS) - 1)
        if not findings:
            string_cell(ws, row, 0, "（无）", styles.text)
            row += 1
        row += 1
    ws.freeze_panes(header_row + 1, 3)
    ws.print_area(0, 0, row - 1, last)
    pages.setup(ws, SHEET_FINDINGS, list(FINDING_WIDTHS[:FINDING_PRINTED]), landscape=True,
                repeat_rows=(header_row, header_row))
