"""The human output of every command: for ``verify`` and ``merge`` one row per return named by its agency, the
findings and a totals line (the closing 下一步 block is :mod:`gongkai_xlsx.steps`); what template, import-report,
compare, publish and the demo did.

Everything that comes from data is printed through :mod:`gongkai_xlsx.display` (cleaned, never parsed as
markup); layouts fit 80 columns: an agency's name is never cut (it wraps only if it is longer than the line).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .display import counted, join, plain
from .check.verify import FileStatus
from .consolidate.merge import DUPLICATE_ZH, STATUS_ZH
from .consolidate.merge import SubmissionStatus as S
from .form import Severity
from .report import Origin

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.NOTICE: "cyan"}
# Two vocabularies, each written once: the short words of an 80-column row (verify's and merge's alike), and the
# long words of 报送情况 (merge.STATUS_ZH), which every totals line uses too
STATUS_SHORT = {S.INCLUDED: ("通过", "green"), S.INVALID_EXCLUDED: ("有错误未计入", "bold red"),
                S.INVALID_INCLUDED: ("有错误已计入", "yellow"), S.MISSING: ("未报送", "bold red"),
                S.SUPERSEDED: ("已被替代", "dim"), S.UNKNOWN_AGENCY: ("名册外", "yellow"),
                S.UNREADABLE: ("无法读取", "bold red"), S.WRONG_YEAR: ("年度不符", "bold red"),
                S.PUBLISHED: ("年报已比对", "dim"), S.ATTACHMENT: ("非报表", "dim"),
                S.UNIDENTIFIED: ("单位不明", "bold red"), S.OWN_OUTPUT: ("本工具文件", "dim")}
DUPLICATE_SHORT = (DUPLICATE_ZH, "dim")  # a superseded copy that is the counted file again, byte for byte
VERDICT = {FileStatus.OK: ("通过", "green"), FileStatus.ERRORS: ("有错误", "bold red"),
           FileStatus.UNREADABLE: STATUS_SHORT[S.UNREADABLE], FileStatus.ATTACHMENT: STATUS_SHORT[S.ATTACHMENT]}
VERDICT_EN = {FileStatus.OK: "ok", FileStatus.ERRORS: "errors", FileStatus.UNREADABLE: "unreadable",
              FileStatus.ATTACHMENT: "not a report"}
NO_AGENCY = "（未识别单位）"
NO_AGENCY_EN = "(agency not identified)"


def own_name(name: str) -> str:
    """A submission's own file name (an attachment's or archive member's, without its container)."""
    return Path(name.rsplit(" › ", 1)[-1]).name


def name_width(names: Sequence[str], console: Console, others: int) -> int:
    """The agency column's width: its longest name, as far as the line allows beside ``others`` cells."""
    longest = max((cell_len(n) for n in names), default=4)
    return max(8, min(longest, console.width - others))


def compact_table(title: str) -> Table:
    """A table without side borders, gaps of two cells: as much of an 80-column line as possible for names."""
    return Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True,
                 title_justify="left")


def counts_cell(errors: int, warnings: int, notices: int) -> Text:
    return Text(f"{errors}/{warnings}/{notices}", style="bold red" if errors else "")


# ------------------------------------------------------------------------------------------ verify
def agency_of(result, siblings: dict[str, str] | None = None, english: bool = False) -> str:
    """The agency a result is about; an attachment that is not a report takes the agency of the return it came
    with (same e-mail or archive), when ``siblings`` (see :func:`agencies_by_container`) is given."""
    report = result.report
    if report is not None and report.agency_name:
        return report.agency_name
    return (siblings or {}).get(container(result.path), "") or (NO_AGENCY_EN if english else NO_AGENCY)


def container(path: str) -> str:
    """The e-mail or archive a submission came in (its display name without the member), or the file itself."""
    return path.split(" › ", 1)[0]


def agencies_by_container(files: Sequence) -> dict[str, str]:
    found: dict[str, str] = {}
    for f in files:
        if f.report is not None and f.report.agency_name:
            found.setdefault(container(f.path), f.report.agency_name)
    return found


def verdict(f, english: bool = False) -> tuple[str, str]:
    """The word for a file's verdict and its style; a version a later one replaced says so, whatever it held."""
    if f.superseded_by and f.duplicate:
        return ("duplicate" if english else DUPLICATE_SHORT[0]), "dim"
    if f.superseded_by:
        return ("replaced" if english else STATUS_SHORT[S.SUPERSEDED][0]), "dim"
    word, style = VERDICT[f.status]
    return (VERDICT_EN[f.status] if english else word), style


def verify_rows(console: Console, files: Sequence, english: bool = False) -> Table:
    """One row per file, named by its agency; the file on a second, dimmed line."""
    table = compact_table("Verification" if english else "校验结果")
    siblings = agencies_by_container(files)
    verdicts = [verdict(f, english)[0] for f in files]
    # beside the name: 年度 (4 cells), 结论, 错/警/提 (8) and the gaps (a padding cell each side and a divider)
    others = 4 + max(map(cell_len, verdicts), default=4) + 8 + 3 * 2
    width = name_width([agency_of(f, siblings, english) for f in files], console, others=others)
    table.add_column("Agency" if english else "单位", min_width=width, overflow="fold")
    table.add_column("Year" if english else "年度", no_wrap=True)
    table.add_column("Status" if english else "结论", no_wrap=True)
    table.add_column("E/W/N" if english else "错/警/提", justify="right", no_wrap=True)
    named = [agency_of(f, siblings, english) for f in files]
    for f, agency in zip(files, named):
        word, style = verdict(f, english)
        imported = f.report is not None and f.report.origin is Origin.IMPORTED
        year = str(f.report.year or "") if f.report else ""
        name = plain(agency, "bold")
        # the file on a second line where the coordinator needs it: a problem, an import, an agency named twice
        if f.status is not FileStatus.OK or imported or f.warnings or named.count(agency) > 1 or agency in (NO_AGENCY, NO_AGENCY_EN):
            name.append("\n")
            name.append_text(plain(("[imported] " if english else "（由年报导入）") + f.path if imported else f.path,
                                   "dim"))
        table.add_row(name, year, Text(word, style=style), counts_cell(f.errors, f.warnings, f.notices))
    return table


def grouped_cells(cells: Sequence, english: bool = False) -> str:
    """A finding's cells by sheet, each sheet named once: “表三 依申请公开：J30=56、J9=22”."""
    by_sheet: dict[str, list[str]] = {}
    for cell in cells:
        by_sheet.setdefault(cell.sheet, []).append(f"{cell.cell}={cell.value}")
    if english:
        return "; ".join(f"{sheet}: {', '.join(refs)}" for sheet, refs in by_sheet.items())
    return "；".join(f"{sheet}：{'、'.join(refs)}" for sheet, refs in by_sheet.items())


def finding_lines(console: Console, finding, english: bool = False) -> None:
    label = finding.severity.value if english else finding.severity.label
    message = finding.message_en if english and finding.message_en else finding.message
    hint = finding.hint_en if english and finding.hint_en else finding.hint
    line = join("  ", (label, SEVERITY_STYLE[finding.severity]), " ", (finding.code, "bold"), "：", message)
    explanation = getattr(finding, "explanation", None)
    if explanation:
        line.append_text(join(" ", ("explained" if english else "已说明", "green"), "：", explanation))
    console.print(line)
    located = [c for c in finding.cells if c.sheet and c.cell]
    if located:
        cells = grouped_cells(located[:8], english)
        more = f"（共{len(located)}个）" if len(located) > 8 else ""
        console.print(join("      ", ("cells: " if english else "单元格：", "dim"), (cells + more, "dim")))
    console.print(join("      ", ("fix: " if english else "怎么改：", "dim"), (hint, "dim")))


def verify_details(console: Console, files: Sequence, english: bool = False) -> None:
    siblings = agencies_by_container(files)
    for f in files:
        if not f.findings:
            continue
        console.print()
        console.print(join((agency_of(f, siblings, english), "bold"), " · ", f.path))
        if f.superseded_by and f.duplicate:
            console.print(join("  ", (f"the same file as {f.superseded_by}; nothing to send back" if english else
                                      f"与 {f.superseded_by} 相同（重复）；无需退回，以下问题仅供参考。", "dim")))
        elif f.superseded_by:
            console.print(join("  ", (f"replaced by {f.superseded_by}; nothing to send back" if english else
                                      f"已被更新版本替代：{f.superseded_by}；无需退回，以下问题仅供参考。", "dim")))
        for finding in f.findings:
            finding_lines(console, finding, english)


def verify_totals(summary: dict, english: bool = False) -> Text:
    if english:
        attachments = summary["attachments"]
        return Text(f"{counted(summary['files'], 'file')}: {summary['ok']} ok, {summary['errors']} with errors, "
                    f"{summary['superseded']} replaced by a later version, {summary['unreadable']} unreadable, "
                    f"{counted(attachments, 'attachment')} that {'is not a report' if attachments == 1 else 'are not reports'}, "
                    f"{summary['imported']} read from published reports; {summary['seconds']:.1f} s.")
    counts = {**summary, "superseded": summary["superseded"] - summary.get("duplicates", 0)}
    extra = "".join(f"，{label} {counts[key]}" for key, label in (("superseded", STATUS_ZH[S.SUPERSEDED]),
                                                                    ("duplicates", DUPLICATE_ZH),
                                                                    ("attachments", STATUS_ZH[S.ATTACHMENT]),
                                                                    ("imported", "其中由年报导入")) if counts.get(key))
    return Text(f"共 {summary['files']} 个文件：通过 {summary['ok']}，有错误 {summary['errors']}，"
                f"无法读取 {summary['unreadable']}{extra}；用时 {summary['seconds']:.1f} 秒。")


# ------------------------------------------------------------------------------------------ merge
def merge_rows(console: Console, result) -> Table:
    """报送情况: every roster agency and every input, named by agency, with the note on a dimmed second line."""
    from .consolidate.status_sheets import status_rows

    rows = status_rows(result)
    shown = rows[:60]
    table = compact_table(f"{result.unit_name} {result.year} 年度报送情况".strip())
    names = [name or code or NO_AGENCY for code, name, *_ in shown]
    # beside the name: 类别 (4 cells), 情况 (up to 12) and the gaps between columns
    table.add_column("单位", min_width=name_width(names, console, others=4 + 12 + 2 * 2), overflow="fold")
    table.add_column("类别", no_wrap=True)
    table.add_column("情况", no_wrap=True)
    for name, (code, _, category, status, entry, note) in zip(names, shown):
        key = entry.status if entry is not None else S.MISSING
        word, style = DUPLICATE_SHORT if entry is not None and entry.duplicate else STATUS_SHORT.get(key, (status, ""))
        cell = plain(name, "bold")
        if entry is not None and entry.status is S.ATTACHMENT:
            note = ""  # the status says it; the workbook's 报送情况 has the reason
        detail = "；".join(x for x in (own_name(entry.submission.name) if entry else "", note) if x)
        if key is S.INCLUDED and not note:
            detail = ""  # counted as sent: nothing to look at (the workbook's 报送情况 has every file)
        if detail:
            cell.append("\n")
            cell.append_text(plain(detail, "dim"))
        table.add_row(cell, plain(category), Text(word, style=style))
    if len(rows) > 60:
        table.caption = f"另有 {len(rows) - 60} 行，见汇总工作簿“报送情况”工作表"
    return table


OTHER_COUNTS = tuple((status, STATUS_ZH[status]) for status in (
    S.SUPERSEDED, S.UNKNOWN_AGENCY, S.UNIDENTIFIED, S.WRONG_YEAR, S.UNREADABLE, S.ATTACHMENT, S.PUBLISHED,
    S.OWN_OUTPUT))


def merge_warnings(console: Console, result) -> None:
    """The warnings about the consolidation as a whole (e.g. written without the unit's identity)."""
    for finding in getattr(result, "warnings", []):
        console.print(join((finding.severity.label, SEVERITY_STYLE[finding.severity]), " ", (finding.code, "bold"), "：",
                           finding.message))


def merge_totals(result, output: Path, seconds: float) -> list[Text]:
    counts = result.counts()
    return [
        Text(f"名册 {counts['expected']} 个单位：已报送 {counts['received']}，通过并计入 {counts['valid']}，"
             f"有错误未计入 {counts['invalid_excluded']}，未报送 {counts['missing']}。" + (
                 "另有" + "、".join(f"{label} {counts[key]} 份" for key, label in OTHER_COUNTS if counts.get(key)) + "。"
                 if any(counts.get(key) for key, _ in OTHER_COUNTS) else "")),
        join(f"本年新收申请 {result.totals.get('t3_new_total', 0)} 件（{counts['members']} 个单位合计）。汇总工作簿：",
             str(output), f"（用时 {seconds:.1f} 秒）"),
    ]


# ------------------------------------------------------------------------------------------ import-report, compare, publish
def finding_line(finding, *before: str) -> Text:
    """One finding on one line: ``before`` (indent, file name), severity, code, message."""
    return join(*before, (finding.severity.label, SEVERITY_STYLE[finding.severity]), " ", finding.code, "：",
                finding.message)


def print_import(console: Console, batch) -> None:
    """``import-report``: each report's findings as it comes, then one row per report (an ``ImportBatch``)."""
    from .importer.batch import ImportStatus

    rows = []
    for imported in batch.files:
        name = imported.path.name
        if imported.status is ImportStatus.UNREADABLE:
            rows.append((name, "", "", "无法导入", imported.message + " " + imported.hint))
            continue
        if imported.status is ImportStatus.NEEDS_YEAR:
            rows.append((name, imported.agency, "—", f"{imported.format_version}版", "需指定年度（--year）"))
            console.print(join("  ", name, "：", imported.message, imported.hint))
            continue
        rows.append((name, imported.agency, str(imported.year), f"{imported.format_version}版",
                     f"{len(imported.findings)} 个问题（错误 {imported.errors}）→ {imported.output.name}"))
        for finding in imported.findings:
            console.print(finding_line(finding, "  ", name, " "))
    table = compact_table("导入结果")
    for header in ("文件", "机关", "年度", "表式", "结果"):
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*cells(*row))
    console.print(table)


def print_comparison(console: Console, result, first: str, second: str) -> None:
    """``compare`` of reports named ``first`` and ``second``: where their identities disagree, the items that
    differ, the texts that changed, and what the import of either noticed."""
    for line in result.identity:
        console.print(join(("注意：", "yellow"), line))
    if result.differences:
        console.print(join("A：", first, "\nB：", second))
        table = compact_table(f"数值不同的 {len(result.differences)} 项")
        for header in ("编号", "项目", "A", "B"):
            table.add_column(header, overflow="fold")
        for d in result.differences:
            table.add_row(*cells(d.item, d.label, "（未读入）" if d.a is None else d.a,
                                 "（未读入）" if d.b is None else d.b))
        console.print(table)
    if result.texts_changed:
        console.print(join("文字部分不同：", "、".join(result.texts_changed)))
    for side, found in result.import_findings.items():  # what the import of either report noticed, again
        name = first if side == "a" else second
        for finding in found:
            console.print(finding_line(finding, "  ", name, " "))
    if result.same:
        console.print("两份报表的全部数值和文字一致。")


def print_publication(console: Console, errors: Console, result, out_dir: Path) -> None:
    """``publish``: each document written (or refused, and why) with its notes and files, trouble with the PDF
    on ``errors`` (stderr), and the totals line."""
    from .publish import PublishStatus as P  # the writers of Word and HTML: only for publish

    words = {P.WRITTEN: ("已生成", "green"), P.DRAFT: ("已生成草稿", "yellow"), P.REFUSED: ("未生成", "bold red"),
             P.UNREADABLE: ("无法读取", "bold red"), P.ATTACHMENT: ("跳过", "dim"), P.SUPERSEDED: ("跳过", "dim")}
    for entry in result.files:
        console.print(join(words[entry.status], " ", own_name(entry.source),
                           *(("：", entry.message) if entry.message else ())))
        shown = entry.errors if entry.status in (P.REFUSED, P.DRAFT) else []
        for finding in shown + entry.text_findings:
            console.print(finding_line(finding, "  "))
        for note in entry.notes:
            console.print(join("  ", ("提示", "cyan"), " ", note))
        if entry.overview_draft:
            console.print(join("  概述段落（可保留或修改）：", entry.overview_draft))
        for path in entry.outputs:
            console.print(join("  → ", str(path)))
    if result.pdf_error:
        errors.print(join(("PDF：", "bold red"), result.pdf_error))
        errors.print(join(("怎么办：", "yellow"), result.pdf_hint))
    summary = result.as_dict()["summary"]
    console.print(join(f"共 {len(result.files)} 份：已生成 {summary['written']}，草稿 {summary['draft']}，"
                       f"未生成 {summary['refused']}，无法读取 {summary['unreadable']}"
                       + (f"，{STATUS_ZH[S.ATTACHMENT]} {summary['attachment']}" if summary["attachment"] else "")
                       + (f"，{STATUS_ZH[S.SUPERSEDED]} {summary['superseded']}" if summary["superseded"] else "")
                       + "；输出目录 ", str(out_dir), "。"))


def cells(*values: object) -> list[Text]:
    """Table cells from file names, agency names and messages: shown as typed, never read as rich markup."""
    return [plain(value) for value in values]


# ------------------------------------------------------------------------------------------ template, demo
def print_templates(console: Console, result, year: int, password: str) -> None:
    """``template``: the first 30 templates written, how many in all, where, and the sheet password."""
    from .template.generate import TemplateStatus

    table = compact_table(f"{year} 年度模板")
    names = [f.agency.name if f.agency else "（空白模板）" for f in result.files[:30]]
    table.add_column("单位", min_width=name_width(names, console, others=4 + 6 + 2 * 2), overflow="fold")
    table.add_column("类别", no_wrap=True)
    table.add_column("状态", no_wrap=True)
    for name, f in zip(names, result.files[:30]):
        table.add_row(plain(name), plain(f.agency.category if f.agency else ""),
                      "已生成" if f.status is TemplateStatus.WRITTEN else "未变化")
    console.print(table)
    if len(result.files) > 30:
        console.print(f"（另有 {len(result.files) - 30} 份，见输出目录）")
    console.print(join(f"共 {len(result.files)} 份模板（新生成 {result.written} 份），用时 {result.seconds:.1f} 秒，保存在 ",
                       str(result.out_dir), "（每个单位一个文件，文件名含单位名称和代码）。工作表保护密码：",
                       (password, "bold")))


def print_demo(console: Console, demo_run) -> None:
    """``demo``: the round trip step by step (a ``DemoRun``), and which files to open."""
    result, templates, feedback = demo_run.merged, demo_run.templates, demo_run.feedback
    counts = result.counts()
    console.print(join((f"{demo_run.unit_name} {demo_run.year} 年度 · 演示完成", "bold"),
                       f"（用时 {demo_run.seconds:.1f} 秒）"))
    console.print(join(f"1. 下发模板：为名册中的 {len(templates.files)} 个单位生成了模板 → ", f"{templates.out_dir}/"))
    console.print(Text(f"2. 收集与校验：收件箱中有 {len(result.entries)} 份报送（邮件附件、压缩包），"
                       f"通过 {counts['valid']} 个单位；有错误 {counts['invalid_excluded']} 个；"
                       + "；".join(f"{STATUS_ZH[status]} {counts[status]} 份" for status in (
                           S.WRONG_YEAR, S.UNKNOWN_AGENCY, S.UNREADABLE, S.ATTACHMENT, S.SUPERSEDED)) + "。"))
    console.print(join(f"3. 退回：为 {len(feedback)} 份有问题的报表生成了退回意见（标红并批注问题单元格）→ ",
                       f"{demo_run.feedback_dir}/"))
    missing = "、".join(a.name for a in result.missing)
    console.print(join(f"4. 汇总：{counts['members']} 个单位计入全县汇总，未报送：", missing or "无", " → ",
                       str(demo_run.consolidated)))
    console.print("请打开：汇总工作簿的“汇总”“报送情况”“校验明细”工作表；退回意见中的任一文件（先看“校验结果”工作表）；"
                  "模板目录中的任一模板。")
