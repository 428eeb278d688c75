"""Publish: the annual report document itself (.docx, one self-contained .html, .pdf through LibreOffice),
generated from the data that passed verification.

    >>> result = publish_paths(["收件箱/"], "年报/", formats=("docx", "html"))
    >>> [(f.agency, f.status, f.outputs) for f in result.files]

Each input (a returned or imported workbook, also inside a .zip or an e-mail; or a consolidated workbook) is read
and verified exactly as ``verify`` does: the published values are the ones verification recomputes, so the tables
are right by construction. A workbook with errors is refused with its findings (``allow_errors`` writes it as a
草稿 with a banner and watermark). A consolidated workbook gives the 汇总 report: coverage, the three tables over
all counted agencies, its 指标 when it has them.

Stages, one module each: :mod:`.content` (the document, from the form definition) → :mod:`.docx` /
:mod:`.html` (how it looks) → :mod:`.pdf` (LibreOffice); :mod:`.overview` drafts and checks the numbers in the text.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..check.verify import FileStatus
from ..errors import InputError
from ..files import safe_filename
from ..findings import Finding
from ..form import Severity, TextRole
from ..read.intake import Submission, collect
from ..report import Origin, Report, TextEnum
from .content import Coverage, Indicator, PublishedDocument, agency_document, consolidated_document
from .docx import render_docx
from .html import render_html
from .overview import check_text, draft_overview
from .pdf import PdfUnavailable, convert_to_pdf

__all__ = ["FORMATS", "PublishResult", "PublishStatus", "PublishedFile", "PdfUnavailable", "document_for", "publish_paths",
           "render_docx", "render_html"]

FORMATS = ("docx", "html", "pdf")
DEFAULT_FORMATS = ("docx", "html")


class PublishStatus(TextEnum):
    """What became of one input of ``publish``."""

    WRITTEN = "written"
    DRAFT = "draft"  # written with errors (--allow-errors), marked 草稿
    REFUSED = "refused"
    UNREADABLE = "unreadable"
    ATTACHMENT = "attachment"  # a file beside a return that is not a report, e.g. a scanned PDF: listed, not an error
    SUPERSEDED = "superseded"  # an earlier version of a workbook the same agency sent again


@dataclass
class PublishedFile:
    """What became of one input."""

    source: str  # the input as a person recognises it (file, or archive › member, or mail › attachment)
    status: PublishStatus
    kind: str = "agency"  # "agency" | "consolidated"
    agency: str | None = None
    year: int | None = None
    outputs: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # verification's findings (the errors, when refused)
    text_findings: list[Finding] = field(default_factory=list)  # numbers in 一、总体情况 that disagree with the tables
    overview_draft: str | None = None
    message: str = ""  # why it was refused or could not be read
    notes: list[str] = field(default_factory=list)  # what to finish before publishing (an empty text part)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "status": self.status, "kind": self.kind, "agency": self.agency,
            "year": self.year, "outputs": self.outputs, "message": self.message,
            "findings": [f.as_dict() for f in self.findings],
            "text_findings": [f.as_dict() for f in self.text_findings],
            "overview_draft": self.overview_draft, "notes": self.notes,
        }


@dataclass
class PublishResult:
    out_dir: str
    formats: tuple[str, ...]
    files: list[PublishedFile] = field(default_factory=list)
    pdf_error: str | None = None  # LibreOffice missing or failing: the other formats are still written
    pdf_hint: str = ""
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0: every input published; 1: some refused (errors), written as drafts, or no PDF; 2: unreadable."""
        if any(f.status is PublishStatus.UNREADABLE for f in self.files):
            return 2
        if self.pdf_error or any(f.status in (PublishStatus.REFUSED, PublishStatus.DRAFT) for f in self.files):
            return 1
        return 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "out_dir": self.out_dir, "formats": list(self.formats), "files": [f.as_dict() for f in self.files],
            "pdf_error": self.pdf_error, "seconds": round(self.seconds, 3),
            "summary": {status: sum(1 for f in self.files if f.status is status) for status in PublishStatus},
        }


def parse_formats(text: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``"docx,html"`` → ("docx", "html"); an unknown format is an :class:`InputError`."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    formats = tuple(dict.fromkeys(p.strip().lower().lstrip(".") for p in parts if p.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise InputError(f"不支持的输出格式：{'、'.join(unknown) or '（空）'}。", hint="可选 docx、html、pdf，用逗号分隔，如 --format docx,html,pdf。")
    return formats


def publish_paths(paths: list[str | os.PathLike], out_dir: str | os.PathLike, *,
                  formats: tuple[str, ...] | str = DEFAULT_FORMATS, allow_errors: bool = False,
                  draft_overview_paragraph: bool = False, force: bool = False) -> PublishResult:
    """Publish every workbook named or found under ``paths`` (folders, .zip, .eml too) into ``out_dir``."""
    from ..check.verify import verify_submission

    started = time.perf_counter()
    formats = parse_formats(formats)
    out = Path(out_dir)
    result = PublishResult(str(out), formats)
    used: set[str] = set()
    to_convert: list[tuple[PublishedFile, Path]] = []
    with tempfile.TemporaryDirectory(prefix="gongkai-publish-") as scratch:
        found = [(submission, verify_submission(submission)) for submission in collect(list(paths))
                 # our own earlier output (年报/ inside the inbox given again): not a submission
                 if not _inside(submission.source, out)]
        replaced_by = _superseded(found)
        for submission, verified in found:
            entry = PublishedFile(submission.name, PublishStatus.WRITTEN, findings=list(verified.findings))
            result.files.append(entry)
            report = verified.report
            if submission.name in replaced_by:
                # as merge does: an earlier version the same agency corrected is neither published nor refused
                entry.status = PublishStatus.SUPERSEDED
                entry.agency, entry.year = report.agency_name or None, report.year
                entry.message = f"已被更新版本替代：{replaced_by[submission.name]}"
                continue
            if verified.status is FileStatus.ATTACHMENT:
                # as in verify: a cover letter or scanned PDF beside the workbook is listed, it fails nothing
                entry.status = PublishStatus.ATTACHMENT
                entry.message = verified.findings[0].message if verified.findings else ""
                continue
            if verified.status is FileStatus.UNREADABLE or report is None:
                entry.status = PublishStatus.UNREADABLE
                entry.message = verified.findings[0].message if verified.findings else "无法读取"
                continue
            entry.agency, entry.year = report.agency_name or None, report.year
            entry.kind = "consolidated" if report.origin is Origin.CONSOLIDATED else "agency"
            if not report.agency_name or report.year is None:
                entry.status = PublishStatus.REFUSED
                entry.message = "工作簿中没有机关名称或报告年度，无法生成年报标题。"
                continue
            draft = None
            if verified.status is FileStatus.ERRORS:
                if not allow_errors:
                    entry.status = PublishStatus.REFUSED
                    entry.message = f"工作簿有 {len(entry.errors)} 个错误，未生成年报（改正后重新校验；或加 --allow-errors 生成草稿）。"
                    continue
                entry.status = PublishStatus.DRAFT
                draft = f"所依据的工作簿有 {len(entry.errors)} 个错误，未通过校验，不得发布。"
            document = document_for(report, submission, entry, draft=draft,
                                    draft_overview_paragraph=draft_overview_paragraph)
            stem = _unique_stem(document, used)
            docx_bytes = render_docx(document)
            if "docx" in formats:
                entry.outputs.append(str(_write(out / f"{stem}.docx", docx_bytes, force)))
            if "html" in formats:
                entry.outputs.append(str(_write(out / f"{stem}.html", render_html(document), force)))
            if "pdf" in formats:
                source = out / f"{stem}.docx" if "docx" in formats else Path(scratch) / f"{stem}.docx"
                if "docx" not in formats:
                    source.write_bytes(docx_bytes)
                to_convert.append((entry, source))
        if to_convert:
            for entry, source in to_convert:
                target = out / f"{source.stem}.pdf"
                if target.exists() and not force:
                    raise InputError(f"输出文件已存在：{target}", hint="请换一个输出目录，或加 --force 覆盖。", path=str(target))
            try:
                made = convert_to_pdf([source for _, source in to_convert], out)
                for entry, source in to_convert:
                    entry.outputs.append(str(made[source]))
            except PdfUnavailable as error:
                others = [f for f in formats if f != "pdf"]
                result.pdf_error = error.message + (f"其余格式（{'、'.join(others)}）已生成。" if others else "")
                result.pdf_hint = error.hint
    result.seconds = time.perf_counter() - started
    return result


def document_for(report: Report, submission: Submission | None = None, entry: PublishedFile | None = None, *,
                 draft: str | None = None, draft_overview_paragraph: bool = False) -> PublishedDocument:
    """The document for one verified report (an agency's, or a consolidated workbook's 汇总 report)."""
    if report.origin is Origin.CONSOLIDATED:
        data = submission.load() if submission is not None else None
        coverage, indicators = consolidated_extras(data, report) if data else (_coverage_without_status(report), [])
        overview = draft_overview(report) if draft_overview_paragraph else None
        if entry is not None:
            entry.overview_draft = overview
        return consolidated_document(report, coverage, indicators, draft=draft, overview_draft=overview)
    overview = draft_overview(report) if draft_overview_paragraph else None
    if entry is not None:
        entry.overview_draft = overview
        entry.text_findings = check_text(report, overview or "")
        entry.notes = [f"“{section.heading}”没有文字，公开前请补写。" for section in report.form.texts
                       if not report.texts.get(section.id, "").strip()
                       and not (overview and section.role is TextRole.OVERVIEW)]
    return agency_document(report, draft=draft, overview_draft=overview)


def _superseded(found: list) -> dict[str, str]:
    """Each earlier version of one agency's workbook for one year → the name of the latest (merge's rule)."""
    from ..consolidate.merge import Entry, recency
    from ..normalise import normalise_text

    groups: dict[tuple, list[Entry]] = {}
    for submission, verified in found:
        report = verified.report
        if report is None or verified.status in (FileStatus.UNREADABLE, FileStatus.ATTACHMENT) or \
                report.origin in (Origin.CONSOLIDATED, Origin.IMPORTED):
            continue  # a published report beside a workbook is compared by verify, not a version of it
        who = report.agency_code or normalise_text(report.agency_name or "")
        if who and report.year is not None:
            groups.setdefault((who, report.year), []).append(Entry(submission, verified))
    replaced: dict[str, str] = {}
    for entries in groups.values():
        entries.sort(key=recency)
        for older in entries[:-1]:
            replaced[older.submission.name] = entries[-1].submission.name
    return replaced


def _inside(source: str, folder: Path) -> bool:
    try:
        return Path(source).resolve().is_relative_to(folder.resolve())
    except (OSError, ValueError):
        return False


def _unique_stem(document: PublishedDocument, used: set[str]) -> str:
    base = safe_filename(document.title + ("（草稿）" if document.draft else ""))
    stem, number = base, 2
    while stem in used:
        stem, number = f"{base}_{number}", number + 1
    used.add(stem)
    return stem


def _write(target: Path, data: bytes, force: bool) -> Path:
    from ..files import write_atomically

    if target.exists() and not force and target.read_bytes() != data:
        raise InputError(f"输出文件已存在且内容不同：{target}", hint="请换一个输出目录，或加 --force 覆盖。", path=str(target))
    write_atomically(target, data)
    return target


# ------------------------------------------------------------------------------------------ consolidated workbooks
def consolidated_extras(data: bytes, report: Report) -> tuple[Coverage, list[Indicator]]:
    """Coverage from the workbook's 报送情况 sheet, and its 指标 (defined names ``ind_*``) when it has them."""
    from ..consolidate.merge import COUNTED, CURRENT, STATUS_ZH, SubmissionStatus
    from ..ooxml.package import Package
    from ..ooxml.workbook import open_workbook
    from ..read.consolidated import read_status_sheet

    workbook = open_workbook(Package.open(data, report.provenance.path if report.provenance else ""))
    coverage = _coverage_without_status(report)
    rows = read_status_sheet(workbook)
    if rows:
        # every roster agency has exactly one row with a current status: a counted or refused return, or 未报送
        roster_statuses = {STATUS_ZH[s] for s in (*CURRENT, SubmissionStatus.MISSING)}
        counted = {STATUS_ZH[s] for s in COUNTED}
        roster = {row.code or row.name: (row.name, row.status) for row in rows if row.status in roster_statuses}
        coverage.roster = len(roster)
        coverage.not_counted = [(name, status) for name, status in roster.values() if status not in counted]
    return coverage, _indicators(workbook)


def _coverage_without_status(report: Report) -> Coverage:
    return Coverage(counted=[m.agency.name for m in report.members], roster=0, not_counted=[],
                    units=report.units)


def _indicators(workbook) -> list[Indicator]:
    """The consolidated workbook's own 指标 as it states them (value and label beside it), computed by nobody here."""
    from ..consolidate.indicators import indicator_names

    order = indicator_names()
    names = sorted((n for n in workbook.names if n.startswith("ind_")),
                   key=lambda n: (order.index(n) if n in order else len(order), n))
    found = []
    for name in names:
        where = workbook.resolve_name(name)
        sheet = workbook.sheet(where[0]) if where else None
        if sheet is None:
            continue
        _, row, col = where
        raw = sheet.at(row, col)
        if raw is None or raw.value in (None, "") or raw.error:
            continue
        label = next((text for text in (_text(sheet.at(row, k)) for k in range(col)) if text), name)
        # the column's own heading (e.g. 增减率 beside 上年/本年/增减) says which figure of the row this is
        heading = next((text for text in (_text(sheet.at(r, col)) for r in range(row - 1, -1, -1)) if text), "")
        if heading and heading not in label and heading not in GENERIC_HEADINGS:
            label += heading
        mark = _text(sheet.at(row, col + 1))  # a remark beside the figure, e.g. 样本少
        value = _indicator_text(name, raw.value) + (f"（{mark}）" if mark else "")
        found.append(Indicator(name, label, value))
    return found


GENERIC_HEADINGS = ("比率", "值", "数值", "指标")


def _text(cell) -> str:
    return cell.value.strip() if cell is not None and isinstance(cell.value, str) else ""


def _indicator_text(name: str, value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if name.endswith(("_rate", "_yoy")) and -10 < value < 10:  # a ratio, shown as the percentage it means
        return f"{value * 100:.1f}%"
    return f"{value:g}"
