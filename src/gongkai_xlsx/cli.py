"""The ``gongkai-xlsx`` command line: parses arguments, calls the library, formats results.

Exit codes: 0 success; 1 the inputs have problems the user must fix (findings); 2 bad usage or an input that
could not be read at all. Messages are Chinese first; nothing here prints a traceback for bad input.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from . import __version__
from .display import ProgressBar, join, json_text, prepare_streams, stdout_closed, use_cjk_line_breaking, working
from .errors import GongkaiError, InputError
from .files import refuse_overwriting_inputs
from .help import ChineseHelpCommand, ChineseHelpGroup
from .roster import read_roster
from .template.generate import generate_templates
from .template.render import DEFAULT_PASSWORD

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNUSABLE = 2

app = typer.Typer(
    cls=ChineseHelpGroup,
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="政府信息公开工作年度报告（国办公开办函〔2021〕30号）：生成 Excel 模板、校验回收的报表、汇总。\n\n"
         "Government information disclosure annual reports: templates, verification, consolidation.",
)
# markup and emoji codes off: nothing printed is ever read as markup; data goes through display.plain/join
console = Console(stderr=True, markup=False, emoji=False, highlight=False)
out = Console(markup=False, emoji=False, highlight=False)
use_cjk_line_breaking()  # Chinese wrapped between ideographs, never inside a password, address or number


def _fail(error: GongkaiError) -> None:
    # a message about one file names it, also where the reader's own words do not ("无法打开文件：…")
    where = (error.path, "：") if error.path and Path(error.path).name not in error.message else ()
    console.print(join(("错误：", "bold red"), *where, error.message))
    if error.hint:
        console.print(join(("怎么办：", "yellow"), error.hint))
    raise typer.Exit(EXIT_UNUSABLE)


def _json(document: object) -> None:
    """One JSON document on stdout: UTF-8, or ASCII escapes where the console cannot take UTF-8 (display.json_text)."""
    sys.stdout.write(json_text(document))


def _deadline(value: Optional[str]) -> Optional[date]:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(GongkaiError(f"--deadline 应为日期，如 2026-03-15，不是 {value}。"))
        return None


def _version(value: bool) -> None:
    if value:
        out.print(f"gongkai-xlsx {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="显示版本号后退出 / show the version and exit.")) -> None:
    pass


@app.command()
def template(
    year: int = typer.Option(..., "--year", "-y", metavar="年度", min=2021, max=2100,
                             help="报告年度，例如 2026 / reporting year."),
    out_dir: Path = typer.Option(..., "--out", "-o", metavar="目录", help="输出目录 / output folder."),
    roster: Optional[Path] = typer.Option(None, "--roster", "-r", metavar="名册文件",
                                          help="名册 CSV/XLSX（机构代码、机构名称、类别，可选 上级、邮箱）：每个单位一份模板 / "
                                               "roster: one template per agency."),
    password: str = typer.Option(DEFAULT_PASSWORD, "--password", metavar="密码",
                                 help="工作表保护密码（防误改，不是加密）/ sheet protection password."),
    force: bool = typer.Option(False, "--force", help="覆盖输出目录中内容不同的同名文件 / overwrite differing files."),
    due: Optional[str] = typer.Option(None, "--due", metavar="日期",
                                      help="报送截止日期，写在模板第一页 / deadline shown on the first sheet."),
    return_to: Optional[str] = typer.Option(None, "--return-to", metavar="地址",
                                            help="报送地址（如邮箱），写在模板第一页 / where to send it."),
    contact: Optional[str] = typer.Option(None, "--contact", metavar="联系人",
                                          help="联系人及电话，写在模板第一页 / whom to call."),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出结果 / print the result as JSON."),
) -> None:
    """生成锁定的 Excel 模板：无名册时生成一份空白模板，有名册时每个单位一份。

    Generate locked templates: one blank template, or one per roster agency.
    """
    try:
        if due is not None:
            try:
                due = date.fromisoformat(due.strip()).isoformat()
            except ValueError:
                raise InputError(f"--due 应为日期 YYYY-MM-DD，实际为“{due}”。",
                                 hint=f"例如 --due {year + 1}-01-31。") from None
        agencies = read_roster(roster) if roster else None
        with ProgressBar(console, len(agencies) if agencies else 1, "生成模板", quiet=as_json) as advance:
            result = generate_templates(year, out_dir, agencies, password=password, force=force, progress=advance,
                                        due=due or "", return_to=(return_to or "").strip(),
                                        contact=(contact or "").strip())
    except GongkaiError as error:
        _fail(error)
        return
    if as_json:
        _json(result.as_dict())
        return
    from .human import print_templates

    print_templates(out, result, year, password)


@app.command()
def verify(
    paths: list[Path] = typer.Argument(..., metavar="文件或文件夹", help="报送的文件或文件夹（递归查找）/ files or folders (searched recursively)."),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出到标准输出 / print one JSON object to stdout."),
    feedback: Optional[Path] = typer.Option(None, "--feedback", metavar="目录", help="为有问题的文件生成退回意见工作簿（及有错误者的回复邮件草稿 .eml）的目录 / "
                                                                     "folder for feedback workbooks and reply drafts."),
    previous: Optional[Path] = typer.Option(None, "--previous", metavar="文件", help="同一单位上年的报表（或上年汇总表），用于跨年度校验 / "
                                                                     "last year's workbook, for cross-year rules."),
    year: Optional[int] = typer.Option(None, "--year", "-y", metavar="年度", min=2021, max=2100,
                                       help="应报年度；年度不符的文件判为错误 / expected reporting year."),
    deadline: Optional[str] = typer.Option(None, "--deadline", metavar="日期", help="回复邮件草稿中写明的改正期限，如 2026-03-15 / "
                                                                    "the date the drafts ask for corrections by."),
    lang: str = typer.Option("zh", "--lang", metavar="zh|en", help="消息语言 zh 或 en / message language."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="只显示汇总行和需要处理的文件 / totals and what needs action only."),
) -> None:
    """校验回收的报表：逐条规则重新计算，说明每个问题所在的工作表、单元格和改法。

    Verify returned workbooks: recompute every rule, explain each problem by sheet, cell and rule. Published
    reports (Word, PDF with text, HTML, text) are imported and verified too; other attachments are listed.
    Exit code 0: no errors; 1: some file has errors; 2: some input could not be read (or bad usage).
    """
    from .check.verify import FileStatus
    from .consolidate.run import verify_feedback, verify_paths
    from .human import verify_details, verify_rows, verify_totals
    from .steps import needs_action, next_steps, published_steps, reply_steps, unreadable_steps

    if lang not in ("zh", "en"):
        _fail(GongkaiError(f"--lang 只能是 zh 或 en，不是 {lang}。"))
    by_date = _deadline(deadline)
    written, drafts = [], []
    try:
        bar = ProgressBar(console, 0, "校验", quiet=as_json)
        with bar as advance:
            result = verify_paths(paths, previous=previous, year=year, progress=advance,
                                  on_submissions=bar.set_total)
        if feedback:
            written, drafts = verify_feedback(result, feedback, year=year, deadline=by_date, inputs=paths)
    except GongkaiError as error:
        _fail(error)
        return
    if as_json:
        document = result.as_dict(lang)
        document["summary"]["feedback"] = [str(p) for p in written]
        document["summary"]["drafts"] = [d.as_dict() for d in drafts]
        _json(document)
        raise typer.Exit(result.exit_code)
    english = lang == "en"
    summary = result.summary()
    if quiet:
        out.print(verify_totals(summary, english))
        needs_action(out, result.files, english)
    else:
        out.print(verify_rows(out, result.files, english))
        verify_details(out, result.files, english)
        out.print()
        out.print(verify_totals(summary, english))
    if result.skipped:
        out.print(f"Skipped {len(result.skipped)} temporary or hidden files (such as Office's ~$ lock files)."
                  if english else f"已跳过 {len(result.skipped)} 个临时/隐藏文件（如 ~$ 开头的 Office 锁文件）。")
    if written:
        out.print(join(f"Wrote {len(written)} feedback workbooks and {len(drafts)} reply drafts: " if english else
                       f"已生成 {len(written)} 份退回意见工作簿、{len(drafts)} 封回复邮件草稿：", str(feedback)))
    with_errors = [f for f in result.files if f.status is FileStatus.ERRORS and not f.superseded_by]
    next_steps(out, reply_steps(drafts, with_errors, feedback, english=english)
               + unreadable_steps(result.files, english) + published_steps(result.files, english), english)
    raise typer.Exit(result.exit_code)


@app.command()
def merge(
    inputs: list[Path] = typer.Argument(..., metavar="文件或文件夹", help="收件箱：文件、文件夹、.zip、.eml（递归）/ inbox: files, folders, zips, e-mails."),
    year: int = typer.Option(..., "--year", "-y", metavar="年度", min=2021, max=2100, help="汇总的报告年度 / reporting year."),
    output: Path = typer.Option(..., "--out", "-o", metavar="文件", help="汇总工作簿（.xlsx）/ consolidated workbook to write."),
    roster: Optional[Path] = typer.Option(None, "--roster", "-r", metavar="名册文件", help="名册 CSV/XLSX / roster."),
    unit_name: str = typer.Option("", "--unit-name", metavar="名称", help="汇总单位名称，如 示例县 / name of the consolidating unit."),
    unit_code: str = typer.Option("", "--unit-code", metavar="代码", help="汇总单位代码（上级汇总时用于匹配）/ its code."),
    include_invalid: bool = typer.Option(False, "--include-invalid", help="有错误的报表也计入汇总 / count returns with errors."),
    previous: Optional[Path] = typer.Option(None, "--previous", metavar="文件", help="上年汇总表，用于跨年度校验 / last year's consolidated workbook."),
    per_agency_sheets: Optional[bool] = typer.Option(
        None, "--per-agency-sheets/--no-per-agency-sheets",
        help="每个单位一个国家表式工作表（默认：不超过 200 个单位时生成）/ one sheet per agency (default: up to 200)."),
    feedback: Optional[Path] = typer.Option(None, "--feedback", metavar="目录", help="为有问题的报表生成退回意见、回复邮件草稿（.eml），有名册时"
                                                                     "在其中的 催报/ 生成催报邮件草稿 / feedback, reply and reminder drafts."),
    deadline: Optional[str] = typer.Option(None, "--deadline", metavar="日期", help="邮件草稿中写明的期限，如 2026-03-15 / "
                                                                    "the date the drafts ask for returns by."),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的汇总工作簿 / overwrite the output."),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出结果 / print the result as JSON."),
) -> None:
    """汇总：读取收件箱中的全部报表，校验、匹配名册、取最新版本，生成全县汇总工作簿。

    Consolidate an inbox into one workbook. Exit code 0: every roster agency counted and nothing excluded;
    1: written, but something needs attention (missing, excluded, unreadable); 2: bad usage or not written.
    """
    from .consolidate.merge import merge_inbox
    from .consolidate.run import is_consolidated, write_merge
    from .human import merge_rows, merge_totals, merge_warnings
    from .steps import merge_next_steps
    from .read.returned import read_previous

    if output.exists() and not force:
        _fail(GongkaiError(f"汇总工作簿已存在：{output}", hint="请换一个文件名，或确认后加 --force 覆盖。"))
    by_date = _deadline(deadline)
    started = time.perf_counter()
    try:
        refuse_overwriting_inputs(output, inputs, replaceable=is_consolidated)
        agencies = read_roster(roster) if roster else None
        previous_report = read_previous(previous, what="上年汇总表") if previous is not None else None
        bar = ProgressBar(console, 0, "读取并校验", quiet=as_json)
        with bar as advance:
            result = merge_inbox(inputs, year=year, roster=agencies, unit_name=unit_name, unit_code=unit_code,
                                 include_invalid=include_invalid, previous=previous_report, progress=advance,
                                 on_submissions=bar.set_total, outputs=[output])
        with working(console, "写出汇总工作簿", quiet=as_json):  # a second or two for 1,000 agencies, after the bar ends
            run = write_merge(result, output, per_agency_sheets=per_agency_sheets, overwrite=force)
        if feedback:
            run.write_feedback(feedback, deadline=by_date, inputs=inputs)
        run.seconds = time.perf_counter() - started  # the whole job, as the coordinator waited for it
    except GongkaiError as error:
        _fail(error)
        return
    if as_json:
        _json(run.as_dict())
        raise typer.Exit(run.exit_code)
    out.print(merge_rows(out, result))
    out.print()
    for line in merge_totals(result, output, run.seconds):
        out.print(line)
    merge_warnings(out, result)
    if run.feedback:
        out.print(join(f"已生成 {len(run.feedback)} 份退回意见工作簿、{len(run.drafts)} 封回复邮件草稿、"
                       f"{len(run.reminders)} 封催报邮件草稿：", str(feedback)))
    merge_next_steps(out, result, run.drafts, run.reminders, feedback, output)
    raise typer.Exit(run.exit_code)


@app.command()
def export(
    workbook: Path = typer.Argument(..., metavar="汇总工作簿", help="merge 生成的汇总工作簿 / a consolidated workbook."),
    output: Path = typer.Option(..., "--out", "-o", metavar="文件", help="输出文件 / output file."),
    fmt: str = typer.Option("csv", "--format", "-f", metavar="格式", help="csv 或 parquet / csv or parquet."),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的输出文件 / overwrite the output."),
) -> None:
    """导出汇总工作簿的长表数据（单位、类别、年度、编号、名称、数值），供 pandas 等分析。

    Export a consolidated workbook as long-format data for analysts.
    """
    from .consolidate.export import export_consolidated
    from .ooxml.package import UnreadableFile

    try:
        if output.exists() and not force:
            raise GongkaiError(f"输出文件已存在：{output}", hint="请换一个文件名，或确认后加 --force 覆盖。")
        refuse_overwriting_inputs(output, [workbook])
        path = export_consolidated(workbook, output, fmt, overwrite=force)
    except UnreadableFile as error:
        _fail(error)
        return
    except GongkaiError as error:
        _fail(error)
        return
    out.print(join("已导出：", str(path)))


@app.command("import-report")
def import_report_command(
    files: list[Path] = typer.Argument(..., metavar="年报文件", help="已公开的年报：文本、HTML、Word（.docx）、PDF / published reports."),
    out_dir: Path = typer.Option(..., "--out", "-o", metavar="目录", help="输出目录：每份年报一个模板格式的工作簿 / output folder."),
    year: Optional[int] = typer.Option(None, "--year", "-y", metavar="年度", min=2000, max=2100, help="报告年度（不填则从标题识别）/ year."),
    agency: Optional[str] = typer.Option(None, "--agency", metavar="名称", help="机关名称（不填则从标题识别）/ agency name."),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的输出文件 / overwrite outputs."),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出结果 / print the result as JSON."),
) -> None:
    """导入已公开的年报（文本、HTML、Word、PDF），按原样（含总计）写入模板格式的工作簿并校验。

    Import published reports into workbooks of the template, totals exactly as published, and verify them.
    Exit code 0: no errors; 1: some report has errors (e.g. a published total that does not add up) or states
    no year (give --year); 2: unreadable.
    """
    from .importer.batch import import_reports

    try:
        batch = import_reports(files, out_dir, year=year, agency=agency, force=force)
    except GongkaiError as error:
        _fail(error)
        return
    if as_json:
        _json(batch.as_dict())
    else:
        from .human import print_import

        print_import(out, batch)
    raise typer.Exit(batch.exit_code)


@app.command()
def compare(
    first: Path = typer.Argument(..., metavar="报表A", help="报表 A：工作簿或已公开的年报 / report A."),
    second: Path = typer.Argument(..., metavar="报表B", help="报表 B / report B."),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出结果 / print the result as JSON."),
) -> None:
    """逐项比较同一单位同一年度的两份报表（如公开的年报与报送的工作簿，或两个版本）。

    Compare two reports of one agency and year cell by cell. Exit code 0: identical; 1: they differ; 2: unreadable.
    """
    from .check.compare import compare_reports
    from .check.load import load_report

    try:
        result = compare_reports(load_report(first), load_report(second))
    except GongkaiError as error:
        _fail(error)
        return
    code = EXIT_OK if result.same else EXIT_FINDINGS
    if as_json:
        _json(result.as_dict())
    else:
        from .human import print_comparison

        print_comparison(out, result, first.name, second.name)
    raise typer.Exit(code)


@app.command()
def publish(
    workbooks: list[Path] = typer.Argument(..., metavar="文件或文件夹", help="通过校验的工作簿（回收的、导入的或汇总的；文件夹、.zip、.eml 均可）/ "
                                                     "verified workbooks."),
    out_dir: Path = typer.Option(..., "--out", "-o", metavar="目录", help="输出目录 / output folder."),
    formats: str = typer.Option("docx,html", "--format", "-f", metavar="格式", help="docx、html、pdf，逗号分隔 / formats."),
    allow_errors: bool = typer.Option(False, "--allow-errors",
                                      help="有错误的工作簿也生成，标明“草稿” / write workbooks with errors as drafts."),
    draft_overview: bool = typer.Option(False, "--draft-overview",
                                        help="在“一、总体情况”开头加一段由表格数字生成的概述 / "
                                             "add a paragraph drafted from the tables."),
    force: bool = typer.Option(False, "--force", help="覆盖内容不同的已有文件 / overwrite differing files."),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出结果 / print the result as JSON."),
) -> None:
    """生成年度报告正文（Word、网页、PDF）：数据取自通过校验的工作簿，表格与国家表式一致。

    Write the annual report itself (.docx, self-contained .html, .pdf) from verified workbooks. Exit code 0: all
    written; 1: some refused (errors), written as drafts, or no PDF; 2: unreadable.
    """
    from .publish import publish_paths

    try:
        result = publish_paths(workbooks, out_dir, formats=formats, allow_errors=allow_errors,
                               draft_overview_paragraph=draft_overview, force=force)
    except GongkaiError as error:
        _fail(error)
        return
    if as_json:
        _json(result.as_dict())
        raise typer.Exit(result.exit_code)
    from .human import print_publication

    print_publication(out, console, result, out_dir)
    raise typer.Exit(result.exit_code)


@app.command()
def samples(
    out_dir: Path = typer.Option(Path("samples"), "--out", "-o", metavar="目录", help="输出目录 / output folder."),
) -> None:
    """生成示例县样例数据（名册、收件箱、上年汇总表）；仓库中的 samples/ 即由此生成。

    Write the sample county (roster, inbox, last year's consolidation); the repository's samples/ comes from this.
    """
    from .samples import write_samples

    written = write_samples(out_dir)
    out.print(join(f"已生成 {len(written)} 个样例文件：", str(out_dir), "（说明见 ", str(out_dir / "README.md"), "）"))


@app.command()
def demo(
    out_dir: Path = typer.Option(Path("gongkai-demo"), "--out", "-o", metavar="目录", help="输出目录 / output folder."),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出到标准输出 / print one JSON object to stdout."),
) -> None:
    """演示一整轮：示例县（32个单位）的模板 → 收件箱校验与退回意见 → 全县汇总表，最后说明打开哪些文件。

    The whole round trip on the sample county: templates, verification with feedback, consolidation.
    """
    from .demo import run_demo

    try:
        demo_run = run_demo(out_dir)
    except GongkaiError as error:
        _fail(error)
        return
    if as_json:
        _json(demo_run.as_dict())
        return
    from .human import print_demo

    print_demo(out, demo_run)


# every subcommand's --help names its arguments in Chinese and is measured in terminal cells (help.py)
for _info in app.registered_commands:
    _info.cls = ChineseHelpCommand


def main() -> None:
    """Console entry point."""
    prepare_streams()  # a GBK console, a closed stdout: degrade, never raise
    if stdout_closed():
        console.print("错误：标准输出已关闭，结果无处输出。请去掉 >&- 或把输出重定向到文件（> 结果.txt）。")
        sys.exit(EXIT_UNUSABLE)
    try:
        app()
    except KeyboardInterrupt:
        console.print("已中断。")
        sys.exit(130)
    except BrokenPipeError:  # `gongkai-xlsx verify … | head`: the reader left; stop quietly
        _silence_stdout()
        sys.exit(EXIT_FINDINGS)
    except OSError as error:  # an output folder without write permission, a full disk, a file that vanished
        where = f" {error.filename}" if error.filename else ""
        console.print(join(("错误：", "bold red"), f"无法读写文件{where}：{error.strerror or error}"))
        console.print(join(("怎么办：", "yellow"), "请检查路径是否存在、是否有读写权限、磁盘是否已满，然后重新运行。"))
        sys.exit(EXIT_UNUSABLE)


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    main()
