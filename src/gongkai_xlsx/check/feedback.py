"""Feedback workbooks: a fresh copy of the agency's template holding the office's values, with the offending
cells highlighted and commented and a 校验结果 sheet listing every finding, for the coordinator to send back.

The copy is itself a valid template (same layout, stamp and names), so the office corrects it and returns it.
The input file is never touched: the copy is generated anew from the report read out of it.

What the copy cannot show by itself stays a question the office must answer: a total it typed over (the copy
puts the formula back, so the parts' sum shows there; the office's figure and the parts to check are on the
校验结果 sheet) and a value the copy could not keep (a text in a number cell). Each question has an answer cell
and keeps the banner from saying 全部校验通过 until the cells or the answer settle it; returned unchanged, the
copy is ``FEEDBACK_UNCHANGED`` and its questions are still open (:mod:`gongkai_xlsx.check.verify`).

A report of the wrong year is answered with a template of the expected year for that agency instead, its
identity filled and (when the report is last year's) 二、上年结转 taken from that report's 四、结转下年度.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path

from .. import findings as F
from ..files import display_name, safe_filename, same_file, write_atomically
from ..findings import Finding
from ..form import Form, MetaRole, Severity
from ..roster import Agency
from ..template.layout import SHEET_FEEDBACK
from ..template.render import FrontSheet, Question, render_template
from ..template.stamp import StampOrigin
from .report_checks import part_labels
from .verify import FileResult

FEEDBACK_SHEET = SHEET_FEEDBACK
# a cell the copy cannot hold as the office typed it
VALUE_CODES = (F.NOT_A_NUMBER.code, F.NEGATIVE.code, F.FRACTIONAL_COUNT.code)
QUESTION_CODES = (F.TOTAL_TYPED_OVER.code, *VALUE_CODES)  # the findings that ask the office a question


def feedback_filename(result: FileResult, when: date | None = None) -> str:
    """``<agency>_<date of the submission>_校验意见.xlsx``: which agency and which submission it answers (the
    returned file's own name stands in for an agency that wrote none; no date when none is known); valid and
    bounded on Windows and Linux whatever the agency or the attachment was called."""
    report = result.report
    agency = " ".join((report.agency_name or report.stamp.get("agency_name", "")).split()) if report else ""
    stem = agency or Path(display_name(result.path).rsplit(" › ", 1)[-1].replace("\\", "/")).stem
    when = when or submission_date(result)
    return safe_filename(f"{stem}_{when.isoformat()}" if when else stem, "_校验意见.xlsx")


def submission_date(result: FileResult) -> date | None:
    """When the submission was sent: its e-mail's date, else the 填报日期 typed in it."""
    report = result.report
    if report is None:
        return None
    provenance = report.provenance
    if provenance is not None and provenance.received:
        try:
            return date.fromisoformat(provenance.received[:10])
        except ValueError:
            pass
    match = re.search(r"(20\d\d)\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})", report.meta_text(MetaRole.DATE))
    if match:
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            return None
    return None


def _agency(result: FileResult) -> Agency | None:
    report, stamp = result.report, result.report.stamp
    if stamp.get("agency_code"):
        return Agency(stamp["agency_code"], stamp.get("agency_name") or report.agency_name)
    return None


def render_feedback(result: FileResult, *, password: str | None = None, expected_year: int | None = None) -> bytes:
    """The feedback workbook for one verified (readable) file; ``expected_year`` (verify's --year) makes a
    report of another year answered with a template of that year."""
    report = result.report
    if report is None:
        raise ValueError("an unreadable file has no feedback workbook")
    extra = {"password": password} if password else {}
    if expected_year and report.year and report.year != expected_year:
        return _wrong_year_template(result, expected_year, **extra)
    form = report.form
    year = int(report.stamp.get("year") or report.year or 0) or None
    if year is None:
        raise ValueError("no reporting year in the file")
    inputs = {item.id: report.values.get(item.id, 0) for item in form.input_items}
    meta = report.identity()
    texts = {**report.texts, **{f"note_{rule}": text for rule, text in report.notes.items()}}
    questions = _questions(result.findings, report.values, form)
    annotations: dict[str, str] = {}
    for finding in result.findings:
        for cell in finding.cells:
            if cell.item and not cell.item.startswith("stamp"):
                note = f"【{finding.severity.label}】{finding.message}\n怎么改：{finding.hint}"
                annotations[cell.item] = (annotations[cell.item] + "\n\n" + note) if cell.item in annotations else note
    return render_template(year=year, agency=_agency(result), form=form, values=inputs, texts=texts, meta=meta,
                           origin=StampOrigin.FEEDBACK, annotations=annotations,
                           front_sheet=_findings_sheet(result, questions), questions=tuple(questions),
                           **_office_box(report.stamp), **extra)


def _office_box(stamp: Mapping[str, str]) -> dict[str, str]:
    return {key: stamp[key] for key in ("due", "return_to", "contact") if stamp.get(key)}


def _questions(findings: list[Finding], values: Mapping, form: Form) -> list[Question]:
    """One question per cell the copy cannot show as the office left it (a typed-over total, an unreadable or
    impossible number), once per cell."""
    questions: dict[str, Question] = {}
    for finding in findings:
        for cell in finding.cells:
            item = form.items_by_id.get(cell.item or "")
            if item is None or cell.item in questions:
                continue
            if finding.code == F.TOTAL_TYPED_OVER.code and item.computed:
                questions[item.id] = Question(item.id, _number(values.get(item.id, 0)), "total")
            elif finding.code in VALUE_CODES and not item.computed:
                questions[item.id] = Question(item.id, _number(values.get(item.id, 0)), "value")
    return list(questions.values())


def _number(value) -> str:
    text = format(Decimal(str(value or 0)).normalize(), "f")
    return text


def _findings_sheet(result: FileResult, questions: list[Question]) -> FrontSheet:
    report = result.report
    form = report.form
    counts = {severity: sum(1 for f in result.findings if f.severity is severity) for severity in Severity}
    who = report.agency_name or "（未填写机关名称）"
    when = submission_date(result)
    lines = (
        f"报送单位：{who}　报告年度：{report.year or '未知'}　原文件：{display_name(Path(result.path).name)}"
        + (f"（{when.isoformat()} 报送）" if when else ""),
        f"共发现 {counts[Severity.ERROR]} 个错误、{counts[Severity.WARNING]} 个警告、{counts[Severity.NOTICE]} 个提示。"
        "错误必须改正；警告请核实；提示供参考。"
        + (f"其中 {len(questions)} 个问题需要您在“答复”栏作答或改正相应数字。" if questions else ""),
        "本文件已按原报送数据重新生成，标红的单元格即有问题的单元格（鼠标移上去可看说明）。请直接在本文件中改正并保存，"
        "各表顶部横幅显示“全部校验通过”（变绿）后重新报送。",
    )
    asked = {q.item: q for q in questions}
    rows, answers = [], []
    # the questions first: they need an answer; then errors, warnings, notices
    ordered = sorted(_ordered(result.findings), key=lambda f: f.code not in QUESTION_CODES)
    for number, finding in enumerate(ordered, start=1):
        question = None
        if finding.code in QUESTION_CODES:
            question = next((asked.pop(c.item) for c in finding.cells if c.item in asked), None)
        problem, fix = finding.message, finding.hint
        if question is not None and question.kind == "total":
            problem, fix = _total_question(form, question, report.values)
        elif question is not None:
            fix += f"如原数字确实无误，请在“答复”栏说明。"
        if finding.explanation:
            problem += f"\n【已说明】{finding.explanation}"
        level = finding.severity.label + ("·已说明" if finding.explanation else "")
        if question is not None:
            answers.append((len(rows), 5, question.answer_name))
        rows.append((number, level, _where(finding, form), problem, fix, "", _details(finding)))
    rows.append(("", "", "（原文件）", "", "", "", f"sha256 {result.sha256}"))
    return FrontSheet(
        name=FEEDBACK_SHEET,
        title=f"{who} {report.year or ''}年度报表校验结果".strip(),
        lines=lines,
        headers=("序号", "级别", "项目", "问题", "怎么改", "答复", "详细信息（代码、单元格）"),
        rows=tuple(rows),
        widths=(5, 8, 30, 52, 52, 24, 26),
        answers=tuple(answers),
    )


def _total_question(form: Form, question: Question, values: Mapping) -> tuple[str, str]:
    item = form.item(question.item)
    parts = sum(values.get(p, 0) or 0 for p in item.sum_of)
    problem = (f"{item.title}：您填写的是 {question.typed}，各分项之和为 {_number(parts)}，两者不一致。"
               "是总计有误，还是某个分项有误？")
    fix = (f"请核对{part_labels(form, item.id)}。如某个分项有误，请改正该分项，使合计等于 {question.typed}"
           f"（本文件中的总计由公式计算）；如总计有误、应为 {_number(parts)}，请在“答复”栏写明。")
    return problem, fix


def _where(finding: Finding, form: Form, limit: int = 4) -> str:
    """The cells of a finding named as an office names them (表三（一）予以公开 · 总计), at most ``limit``."""
    labels = {m.id: m.label for m in form.meta} | {t.id: t.heading for t in form.texts}
    names: list[str] = []
    for cell in finding.cells:
        item = form.items_by_id.get(cell.item or "")
        name = item.title if item else labels.get(cell.item or "") or (f"工作表“{cell.sheet}”" if cell.sheet else "")
        if cell.sheet == "上年":
            name = f"上年{name}"
        if name and name not in names:
            names.append(name)
    if not names:
        return "整个文件"
    return "\n".join(names[:limit]) + (f"\n等 {len(names)} 处" if len(names) > limit else "")


def _details(finding: Finding) -> str:
    where = "、".join(f"{c.sheet}!{c.cell}" for c in finding.cells if c.sheet and c.cell)
    return finding.code + (f"\n{where}" if where else "")


def _ordered(found: list[Finding]) -> list[Finding]:
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTICE: 2}
    return sorted(found, key=lambda f: rank[f.severity])


def _wrong_year_template(result: FileResult, year: int, **extra) -> bytes:
    """A template of ``year`` for the agency that sent a report of another year: its identity filled and, when the
    report is last year's, 二、上年结转 taken from its 四、结转下年度继续办理; one line says why."""
    report = result.report
    form = report.form
    t3 = form.table3
    values = {}
    carried = report.year == year - 1
    if carried:
        for column in t3.columns:
            if column.key != t3.total_column:
                values[t3.item_id("carry_in", column.key)] = report.values.get(t3.item_id("carry_out", column.key), 0)
    agency = _agency(result)
    meta = {form.meta_id(role): report.meta_text(role) for role in (MetaRole.AGENCY, MetaRole.CODE)}
    why = (f"您报送的是 {report.year} 年度的报表，本次收集的是 {year} 年度。请在本模板中填写 {year} 年度的数据后重新报送"
           + ("；“二、上年结转”已按您 {0} 年度报表的“四、结转下年度继续办理”预先填好，请核对。".format(report.year)
              if carried else "。"))
    front = FrontSheet(
        name=FEEDBACK_SHEET, title=f"{report.agency_name or '（未填写机关名称）'} 请填写 {year} 年度报表",
        lines=(why,), headers=("序号", "级别", "项目", "问题", "怎么改", "详细信息（代码、单元格）"),
        rows=((1, "错误", "报告年度", f"报送的报表是 {report.year} 年度，应为 {year} 年度。", why,
               f"{F.WRONG_YEAR.code}\nsha256 {result.sha256}"),),
        widths=(5, 8, 20, 44, 60, 30))
    return render_template(year=year, agency=agency, form=form, values=values, meta=meta, origin=StampOrigin.FEEDBACK,
                           front_sheet=front, **_office_box(report.stamp), **extra)


def write_feedback(results: list[FileResult], out_dir: str | os.PathLike, *, password: str | None = None,
                   expected_year: int | None = None, dates: Mapping[str, date] | None = None,
                   on_written: Callable[[FileResult, Path], None] | None = None,
                   inputs: list[str | os.PathLike] = ()) -> list[Path]:
    """Write a feedback workbook for every readable file with findings; return their paths.

    Pass only the submissions that count (the latest per agency, as merge decides); ``dates`` (result path → the
    date of its submission) names each file by the submission it answers; ``expected_year`` answers a report of
    another year with a template of that year. ``on_written(result, path)`` is called for each workbook written
    (the reply drafts go beside them). A name that would be one of ``inputs`` (the files verified) gets the
    return's hash added: an input is never overwritten."""
    written = []
    out = Path(out_dir)
    taken = _input_files(inputs)
    for result in results:
        if result.report is None or not result.findings or result.own_output:
            continue  # nothing to send back; or the tool's own file (a feedback copy is not fed back again)
        if not (result.report.stamp.get("year") or result.report.year):
            continue  # no year (a published report that states none): no template of a year to write into
        path = out / feedback_filename(result, (dates or {}).get(result.path))
        if path in written or path.resolve() in taken or (path.exists() and any(same_file(path, t) for t in taken)):
            # two inputs with one name (in different folders), or the name of an input: keep both, touch none
            path = path.with_name(safe_filename(f"{path.stem}_{result.sha256[:8]}", path.suffix))
        write_atomically(path, render_feedback(result, password=password, expected_year=expected_year))
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
