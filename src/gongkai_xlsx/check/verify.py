"""Verify returned files: one verdict per input file (a workbook, a published report, an attachment beside them,
or unreadable), in parallel when there are many; a published report compared with the workbook its agency sent.

The verifier never stops at the first problem: every finding of a report (:mod:`.report_checks`) is listed, and a
file that cannot be read is one result with the reason, never the end of the run.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import findings as F
from ..errors import InputError
from ..findings import Finding, FindingCell
from ..form import Severity
from ..ooxml.package import UnreadableFile
from ..read.intake import Submission, collect
from ..read.returned import read_bytes, read_file, read_previous
from ..report import Origin, Report, TextEnum
from ..files import same_file
from ..normalise import normalise_code, normalise_text
from ..template.stamp import CONTENT_DIGEST, StampOrigin, content_digest
from .report_checks import jsonable, typed_texts, verify_report

PARALLEL_THRESHOLD = 60
_EPOCH = datetime.min.replace(tzinfo=timezone.utc)
# a file named like a spreadsheet that is not one is unreadable (the office must resend it), and so is a container
# we cannot open (another archive format, an Outlook .msg or winmail.dat): it may hold the return. Any other file
# that is not a workbook may be the published report (Word, PDF, HTML, text), else an attachment beside it.
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".xlt", ".et", ".ett", ".ods", ".csv")
CONTAINER_SUFFIXES = (".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".arj", ".cab", ".zip", ".msg", ".eml",
                      "winmail.dat")
CONTAINER_MAGIC = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"MSCF",
                   b"\x78\x9f\x3e\x22")  # the last: TNEF (winmail.dat)


def may_hold_a_return(name: str, data: bytes) -> bool:
    """Whether a file that is not a workbook could still be (or contain) the office's return: then it is
    unreadable (to be resent), never set aside as an attachment that is not a report."""
    lower = name.lower()
    return lower.endswith(SPREADSHEET_SUFFIXES + CONTAINER_SUFFIXES) or data.startswith(CONTAINER_MAGIC)


class FileStatus(TextEnum):
    """The verdict on one input file."""

    OK = "ok"
    ERRORS = "errors"
    UNREADABLE = "unreadable"
    ATTACHMENT = "attachment"  # a file beside the report that is not one


@dataclass
class FileResult:
    """The verdict on one input file."""

    path: str
    sha256: str
    status: FileStatus
    findings: list[Finding] = field(default_factory=list)
    report: Report | None = None
    own_output: str = ""  # what kind of the tool's own files this is ("" for a return): see own_output
    superseded_by: str = ""  # the later submission of the same agency that replaces this one (merge's decision)
    duplicate: bool = False  # and that submission is this file again, byte for byte (sent twice)

    def __post_init__(self) -> None:
        self.status = FileStatus(self.status)  # FileResult(…, "errors", …) built by hand is judged like one read

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def notices(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.NOTICE)

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        report = self.report
        agency = None
        if report is not None and (report.agency_name or report.agency_code):
            agency = {"name": report.agency_name or None, "code": report.agency_code or None}
        return {
            "path": self.path,
            "sha256": self.sha256,
            "status": self.status,
            "agency": agency,
            "year": report.year if report else None,
            "origin": report.origin if report else None,  # "imported": read from a published report
            "superseded_by": self.superseded_by or None,  # replaced by a later version: not to be sent back
            "findings": [finding.as_dict(lang) for finding in self.findings],
        }


@dataclass
class VerifyResult:
    files: list[FileResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0
    submissions: list[Submission] = field(default_factory=list, repr=False)  # in the order of files

    def summary(self) -> dict[str, Any]:
        return {
            "files": len(self.files),
            "ok": sum(1 for f in self.files if f.status is FileStatus.OK),
            "errors": sum(1 for f in self.files if f.status is FileStatus.ERRORS and not f.superseded_by),
            "superseded": sum(1 for f in self.files if f.superseded_by),
            "duplicates": sum(1 for f in self.files if f.superseded_by and f.duplicate),  # of superseded: sent twice
            "unreadable": sum(1 for f in self.files if f.status is FileStatus.UNREADABLE),
            "attachments": sum(1 for f in self.files if f.status is FileStatus.ATTACHMENT),
            "imported": sum(1 for f in self.files if f.report is not None and f.report.origin is Origin.IMPORTED),
            "findings": {severity.value: sum(1 for f in self.files for x in f.findings if x.severity is severity)
                         for severity in Severity},
            "skipped": self.skipped,
            "seconds": round(self.seconds, 3),
        }

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"files": [f.as_dict(lang) for f in self.files], "summary": self.summary()}

    @property
    def exit_code(self) -> int:
        """0: no file has an error; 1: some file has errors; 2: some input could not be read at all.

        Attachments that are not reports (a cover letter, a scanned PDF, a photo) never change it, nor do the
        errors of a version that a later one of the same agency replaces (``superseded_by``)."""
        if any(f.status is FileStatus.UNREADABLE for f in self.files):
            return 2
        return 1 if any(f.status is FileStatus.ERRORS and not f.superseded_by for f in self.files) else 0


def verify_file(path: str | os.PathLike, *, previous: Report | Mapping | None = None,
                year: int | None = None) -> FileResult:
    """Read and verify one file; an unreadable file becomes a result with one UNREADABLE finding."""
    path = str(path)
    try:
        report = read_file(path)
        found = verify_report(report, previous=previous, year=year)
    except UnreadableFile as error:
        return FileResult(path, _sha256(path), FileStatus.UNREADABLE, [unreadable_finding(error)])
    except Exception as error:  # noqa: BLE001 - see unexpected_finding
        return FileResult(path, _sha256(path), FileStatus.UNREADABLE, [unexpected_finding(error)])
    status = FileStatus.ERRORS if any(f.severity is Severity.ERROR for f in found) else FileStatus.OK
    return FileResult(path, report.provenance.sha256 if report.provenance else "", status, found, report)


def unreadable_finding(error: UnreadableFile) -> Finding:
    return F.UNREADABLE(reason=error.message, advice=error.hint, reason_en=error.message_en,
                        advice_en=error.hint_en)


def unexpected_finding(error: Exception) -> Finding:
    """A file that made the reader fail in a way nobody foresaw: that one file is reported (and the run goes on
    with the others) instead of the whole batch stopping with a traceback."""
    detail = f"{type(error).__name__}: {error}"[:200]
    return F.UNREADABLE(reason=f"读取时遇到未预料的内容（{detail}）",
                        advice="请让报送单位用 Excel 或 WPS 重新另存为 .xlsx 后发送；如仍出现，请把此文件交给 gongkai-xlsx 的维护者。",
                        reason_en=f"unexpected content ({detail})",
                        advice_en="Ask for the file re-saved as .xlsx; if it persists, send it to the maintainers.")


def _sha256(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


# ------------------------------------------------------------------------------------------ many files
def verify_submission(submission: Submission, *, year: int | None = None,
                      previous_by_code: Mapping[str, Mapping] | None = None) -> FileResult:
    """Read and verify one submission (a file, an archive member or an e-mail attachment)."""
    data = submission.load()
    if data is None:
        finding = F.UNREADABLE(reason=submission.note or "没有可读取的内容", advice=submission.hint or "请让报送单位重新发送。",
                               reason_en=submission.note or "nothing to read", advice_en="Ask for it again.")
        return FileResult(submission.name, "", FileStatus.UNREADABLE, [finding])
    try:
        report = read_bytes(data, submission.name)
        return _verified(submission, report, year, previous_by_code)
    except UnreadableFile as error:
        if error.reason == "not_a_workbook" and not may_hold_a_return(submission.filename, data):
            return _document(submission, data, year, previous_by_code)
        return FileResult(submission.name, hashlib.sha256(data).hexdigest(), FileStatus.UNREADABLE,
                          [unreadable_finding(error)])
    except Exception as error:  # noqa: BLE001 - see unexpected_finding
        return FileResult(submission.name, hashlib.sha256(data).hexdigest(), FileStatus.UNREADABLE,
                          [unexpected_finding(error)])


def _document(submission: Submission, data: bytes, year: int | None,
              previous_by_code: Mapping[str, Mapping] | None) -> FileResult:
    """A submission that is not a workbook: the published report (Word, text-layer PDF, HTML, text), read by the
    importer and verified like a workbook; else an attachment that is not a report, listed with a notice."""
    from ..importer import import_report

    digest = hashlib.sha256(data).hexdigest()
    try:
        with tempfile.TemporaryDirectory(prefix="gongkai-") as folder:
            # the importer reads files; the suffix (sanitised) tells it an HTML page from text
            suffix = "".join(c for c in Path(submission.filename).suffix.lower() if c.isascii() and c.isalnum())
            path = Path(folder) / f"attachment.{suffix[:8] or 'bin'}"
            path.write_bytes(data)
            imported = import_report(path)
    except InputError as error:
        reason, reason_en = error.message, "not a workbook nor a readable published report"
    except Exception as error:  # noqa: BLE001 - a document no reader foresaw is still only an attachment
        reason, reason_en = f"读取时遇到未预料的内容（{type(error).__name__}）", f"unexpected content ({type(error).__name__})"
    else:
        report = imported.report
        report.provenance.path = submission.name
        return _verified(submission, report, year, previous_by_code)
    finding = F.ATTACHMENT_NOT_A_REPORT(name=submission.filename, reason=reason.rstrip("。"), reason_en=reason_en)
    return FileResult(submission.name, digest, FileStatus.ATTACHMENT, [finding])


def own_output(report: Report, submission: Submission, *, unit_name: str = "", unit_code: str = "",
               outputs: Sequence[str | os.PathLike] = ()) -> tuple[str, str] | None:
    """(Chinese, English) kind of the tool's own file this is, or None for a return.

    - the file this run is about to write (``outputs``);
    - a consolidated workbook of the unit being consolidated (its stamped unit code or name is ``unit_code`` or
      ``unit_name``): a unit's consolidation never contains itself. Another unit's consolidated workbook is a
      lower level's submission and is counted;
    - a feedback workbook nobody has changed (its stamped content digest matches what is in it): it holds
      exactly the return it was made from. An office that corrects its feedback copy changes it, and that
      copy is a return.
    """
    if submission.path and any(same_file(submission.path, output) for output in outputs):
        return "本次的输出文件", "output of this run"
    stamp = report.stamp
    if report.origin is Origin.CONSOLIDATED:
        code = normalise_code(unit_code)
        same_code = bool(code) and normalise_code(stamp.get("agency_code")) == code
        same_name = bool(normalise_text(unit_name)) and normalise_text(stamp.get("agency_name", "")) == \
            normalise_text(unit_name)
        if same_code or same_name:
            return f"本单位（{stamp.get('agency_name') or unit_name}）的汇总工作簿", "consolidated workbook of this unit"
    if stamp.get("origin") == StampOrigin.FEEDBACK and stamp.get(CONTENT_DIGEST) and \
            stamp[CONTENT_DIGEST] == content_digest(report.form, report.values, typed_texts(report),
                                                      report.identity()):
        return "退回意见工作簿（未经修改）", "feedback workbook (unchanged)"
    return None


def _verified(submission: Submission, report: Report, year: int | None,
              previous_by_code: Mapping[str, Mapping] | None) -> FileResult:
    provenance = report.provenance
    provenance.member = submission.member
    provenance.sender = submission.sender
    provenance.subject = submission.subject
    provenance.received = submission.received.isoformat() if submission.received else None
    previous = (previous_by_code or {}).get(report.agency_code) if previous_by_code else None
    found = verify_report(report, year=year, previous=previous)
    own = own_output(report, submission)
    if own is not None:
        found.append(F.OWN_OUTPUT(kind=own[0], kind_en=own[1]))
    status = FileStatus.ERRORS if any(f.severity is Severity.ERROR for f in found) else FileStatus.OK
    return FileResult(submission.name, provenance.sha256, status, found, report, own_output=own[0] if own else "")


def previous_values_by_code(previous: Report) -> dict[str, Mapping]:
    """Last year's values per agency code: a consolidated workbook's members, or one agency's report."""
    if previous.members:
        return {m.agency.code: m.values for m in previous.members if m.agency.code}
    return {previous.agency_code: previous.values} if previous.agency_code else {}


def verify_submissions(submissions: Sequence[Submission], *, year: int | None = None,
                       previous: Report | None = None, workers: int | None = None,
                       progress: Callable[[int], None] | None = None) -> list[FileResult]:
    """Verify many submissions, in parallel when there are many; results in the same order."""
    previous_by_code = previous_values_by_code(previous) if previous is not None else None
    if previous is not None and not previous.members and previous_by_code is not None:
        # one agency's last-year workbook applies to whatever this year's files are
        previous_by_code = _AnyCode(previous.values)
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(submissions) >= PARALLEL_THRESHOLD else 1
    results: list[FileResult] = []
    if workers > 1:
        # what every job shares (last year's values: 200 per agency) goes to each worker once, not with each chunk
        with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                                 initargs=(year, previous_by_code)) as pool:
            # small chunks: the workers finish together (a chunk is ~0.1 s), results stream back for the progress bar
            chunksize = max(1, min(25, len(submissions) // (workers * 4)))
            for result in pool.map(_verify_job, submissions, chunksize=chunksize):
                results.append(result)
                if progress:
                    progress(1)
    else:
        for submission in submissions:
            results.append(verify_submission(submission, year=year, previous_by_code=previous_by_code))
            if progress:
                progress(1)
    compare_published(submissions, results)
    return results


def compare_published(submissions: Sequence[Submission], results: Sequence[FileResult]) -> None:
    """A published report sent by an agency that also sent a workbook is compared with that workbook cell by
    cell: each differing item is a ``PUBLISHED_DIFFERS`` warning on the report (the workbook is what counts).

    The workbook compared is the one from the same e-mail or archive, else the agency's latest."""
    from .compare import compare_reports

    def key(report: Report) -> tuple[str, int | None]:
        return normalise_text(report.agency_name), report.year

    workbooks: dict[tuple[str, int | None], list[tuple[Submission, FileResult]]] = {}
    for submission, result in zip(submissions, results):
        report = result.report
        if report is not None and report.origin is not Origin.IMPORTED and report.agency_name:
            workbooks.setdefault(key(report), []).append((submission, result))
    for submission, result in zip(submissions, results):
        report = result.report
        if report is None or report.origin is not Origin.IMPORTED or not report.agency_name:
            continue
        candidates = workbooks.get(key(report))
        if not candidates:
            continue
        same_mail = [c for c in candidates if c[0].source == submission.source]
        _, workbook = max(same_mail or candidates, key=lambda c: (c[0].received or c[0].file_time or _EPOCH,
                                                                  c[1].sha256))
        comparison = compare_reports(workbook.report, report)
        for difference in comparison.differences:
            sheet, cell = report.where(difference.item)
            result.findings.append(F.PUBLISHED_DIFFERS(
                [FindingCell(sheet, cell, difference.item, jsonable(difference.b)),
                 FindingCell(*workbook.report.where(difference.item), difference.item, jsonable(difference.a))],
                label=difference.label, item=difference.item, published=difference.b, submitted=difference.a))


class _AnyCode(dict):
    """Previous values for any agency code (``--previous`` given one agency's workbook)."""

    def __init__(self, values: Mapping) -> None:
        super().__init__()
        self.values_for_all = values

    def get(self, key, default=None):  # noqa: D102
        return self.values_for_all

    def __bool__(self) -> bool:
        return True


_worker_job_settings: tuple[int | None, Mapping | None] = (None, None)  # (year, previous_by_code), per worker


def _start_worker(year: int | None, previous_by_code: Mapping | None) -> None:
    global _worker_job_settings
    _worker_job_settings = (year, previous_by_code)


def _verify_job(submission: Submission) -> FileResult:
    year, previous_by_code = _worker_job_settings
    result = verify_submission(submission, year=year, previous_by_code=previous_by_code)
    if result.report is not None:
        # in a worker process: the cell locations are in the findings already; leaving the per-item source
        # map behind cuts what travels back to the parent by three quarters
        result.report.sources = {}
    return result


def verify_files(paths: Sequence[str | os.PathLike], *, previous: str | os.PathLike | None = None,
                 year: int | None = None, workers: int | None = None,
                 progress: Callable[[int], None] | None = None,
                 on_submissions: Callable[[int], None] | None = None) -> VerifyResult:
    """Verify every workbook named or found under the given folders, inside zips and e-mails too — each file on
    its own. Which of an agency's versions counts is merge's decision: the command, and ``gongkai_xlsx.verify_paths``
    (:func:`gongkai_xlsx.consolidate.run.verify_paths`), apply it on top of this."""
    started = time.perf_counter()
    skipped: list[str] = []
    submissions = collect(list(paths), skipped=skipped)
    if not submissions:
        raise InputError("没有找到任何要校验的文件：" + "、".join(str(p) for p in paths)
                         + (f"（只有 {len(skipped)} 个临时或隐藏文件，已跳过）" if skipped else ""),
                         hint="请检查路径：应为报送的 .xlsx 文件，或含有它们的文件夹、.eml 邮件、.zip 压缩包。")
    if on_submissions:
        on_submissions(len(submissions))
    previous_report = read_previous(previous) if previous is not None else None
    results = verify_submissions(submissions, year=year, previous=previous_report, workers=workers,
                                 progress=progress)
    return VerifyResult(results, skipped, time.perf_counter() - started, submissions)
