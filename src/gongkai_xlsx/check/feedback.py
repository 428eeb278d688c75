"""Feedback workbooks: a fresh copy of the agency's template holding the office's values, with the offending
cells highlighted and commented and a 校验结果 sheet listing every finding, for the coordinator to send back.

The copy is itself a valid template (same layout, stamp and names), so the office corrects it and returns it.
The input file is never touched: the copy is generated anew from the report read out of it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..files import display_name, safe_filename, same_file, write_atomically
from ..findings import Finding
from ..form import Severity
from ..roster import Agency
from ..template.render import FrontSheet, render_template
from .verify import FileResult

FEEDBACK_SHEET = "校验结果"


def feedback_filename(result: FileResult) -> str:
    """``<the returned file's name>_校验意见.xlsx`` (for an attachment or archive member, its own name), valid and
    bounded on Windows and Linux whatever the attachment was called."""
    stem = Path(display_name(result.path).rsplit(" › ", 1)[-1].replace("\\", "/")).stem
    return safe_filename(stem, "_校验意见.xlsx")


def render_feedback(result: FileResult, *, password: str | None = None) -> bytes:
    """The feedback workbook for one verified (readable) file."""
    report = result.report
    if report is None:
        raise ValueError("an unreadable file has no feedback workbook")
    form = report.form
    stamp = report.stamp
    agency = None
    if stamp.get("agency_code"):
        agency = Agency(stamp["agency_code"], stamp.get("agency_name") or report.agency_name)
    year = int(stamp.get("year") or report.year or 0) or None
    if year is None:
        raise ValueError("no reporting year in the file")
    inputs = {item.id: report.values.get(item.id, 0) for item in form.input_items}
    meta = {"meta_agency": report.agency_name, "meta_code": report.agency_code, **report.meta}
    annotations: dict[str, str] = {}
    for finding in result.findings:
        for cell in finding.cells:
            if cell.item and not cell.item.startswith("stamp"):
                note = f"【{finding.severity.label}】{finding.message}\n怎么改：{finding.hint}"
                annotations[cell.item] = (annotations[cell.item] + "\n\n" + note) if cell.item in annotations else note
    extra = {"password": password} if password else {}
    return render_template(year=year, agency=agency, form=form, values=inputs, texts=report.texts, meta=meta,
                           origin="feedback", annotations=annotations, front_sheet=_findings_sheet(result),
                           **extra)


def _findings_sheet(result: FileResult) -> FrontSheet:
    report = result.report
    counts = {severity: sum(1 for f in result.findings if f.severity is severity) for severity in Severity}
    who = report.agency_name or "（未填写机关名称）"
    lines = (
        f"报送单位：{who}　报告年度：{report.year or '未知'}　原文件：{display_name(Path(result.path).name)}（sha256 {result.sha256[:12]}…）",
        f"共发现 {counts[Severity.ERROR]} 个错误、{counts[Severity.WARNING]} 个警告、{counts[Severity.NOTICE]} 个提示。"
        "错误必须改正；警告请核实；提示供参考。",
        "本文件已按原报送数据重新生成，标红的单元格即有问题的单元格（鼠标移上去可看说明）。请直接在本文件中改正并保存，"
        "所有校验通过（各表顶部横幅变绿）后重新报送。",
    )
    rows = []
    for number, finding in enumerate(_ordered(result.findings), start=1):
        where = "、".join(f"{c.sheet}!{c.cell}" for c in finding.cells if c.sheet and c.cell)
        rows.append((number, finding.severity.label, finding.code, where or "—", finding.message,
                     finding.hint))
    return FrontSheet(
        name=FEEDBACK_SHEET,
        title=f"{who} {report.year or ''}年度报表校验结果".strip(),
        lines=lines,
        headers=("序号", "级别", "代码", "位置", "问题", "怎么改"),
        rows=tuple(rows),
        widths=(6, 7, 20, 28, 70, 60),
    )


def _ordered(found: list[Finding]) -> list[Finding]:
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTICE: 2}
    return sorted(found, key=lambda f: rank[f.severity])


def write_feedback(results: list[FileResult], out_dir: str | os.PathLike, *,
                   password: str | None = None,
                   on_written: Callable[[FileResult, Path], None] | None = None,
                   inputs: list[str | os.PathLike] = ()) -> list[Path]:
    """Write a feedback workbook for every readable return with findings; return their paths.

    ``on_written(result, path)`` is called for each workbook written (the reply drafts go beside them). A name
    that would be one of ``inputs`` (the files verified) gets the return's hash added: an input is never
    overwritten."""
    written = []
    out = Path(out_dir)
    taken = _input_files(inputs)
    for result in results:
        if result.report is None or not result.findings or result.own_output:
            continue  # nothing to send back; or the tool's own file (a feedback copy is not fed back again)
        if not (result.report.stamp.get("year") or result.report.year):
            continue  # no year (a published report that states none): no template of a year to write into
        path = out / feedback_filename(result)
        if path in written or path.resolve() in taken or (path.exists() and any(same_file(path, t) for t in taken)):
            # two inputs with one name (in different folders), or the name of an input: keep both, touch none
            path = path.with_name(safe_filename(f"{path.stem}_{result.sha256[:8]}", path.suffix))
        write_atomically(path, render_feedback(result, password=password))
        written.append(path)
        if on_written is not None:
            on_written(result, path)
    return written


def _input_files(inputs) -> set[Path]:
    files: set[Path] = set()
    for given in map(Path, inputs):
        if given.is_dir():
            files.update(p.resolve() for p in given.rglob("*") if p.is_file())
        elif given.exists():
            files.add(given.resolve())
    return files
