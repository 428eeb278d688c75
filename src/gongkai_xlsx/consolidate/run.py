"""What ``gongkai-xlsx merge`` does after the merge: the consolidated workbook written and, with a feedback folder,
the feedback workbooks, reply drafts for the returns with errors and reminder drafts for who has not reported;
and what ``verify --feedback`` writes, answering only the submission that counts, as merge decides it."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..check.drafts import Draft, feedback_with_replies, inbox_date, write_reminders
from ..check import verify as check_verify
from ..check.verify import FileStatus, VerifyResult
from ..files import write_atomically
from ..report import Origin
from ..roster import Agency
from .merge import (MergeResult, SubmissionStatus, decide_latest, feedback_entries, mark_superseded,
                    submission_dates)


@dataclass
class MergeRun:
    """A merge and what was written from it."""

    result: MergeResult
    output: Path
    feedback: list[Path] = field(default_factory=list)  # the feedback workbooks
    drafts: list[Draft] = field(default_factory=list)  # replies to the current returns with errors
    reminders: list[Draft] = field(default_factory=list)  # to the roster agencies not (or wrongly) reported
    seconds: float = 0.0  # the whole job, as the coordinator waited for it

    @property
    def exit_code(self) -> int:
        """0: every roster agency counted and nothing excluded; 1: written, but something needs attention."""
        return 1 if self.result.needs_attention else 0

    def as_dict(self) -> dict:
        """The JSON document of ``merge --json``."""
        from .status_sheets import status_rows

        result = self.result
        return {
            "output": str(self.output), "year": result.year, "counts": result.counts(),
            "totals": {k: (str(v) if not isinstance(v, int) else v) for k, v in result.totals.items()},
            "status": [{"code": row[0], "name": row[1], "category": row[2], "status": row[3],
                        "file": row[4].submission.name if row[4] else None,
                        "origin": row[4].report.origin if row[4] and row[4].report else None,
                        "note": row[5]} for row in status_rows(result)],
            "feedback": [str(p) for p in self.feedback], "drafts": [d.as_dict() for d in self.drafts + self.reminders],
            "seconds": round(self.seconds, 3), "warnings": [w.as_dict() for w in result.warnings],
        }

    def write_feedback(self, out_dir: Path, *, deadline: date | None = None,
                       inputs: Sequence[str | os.PathLike] = ()) -> None:
        """The feedback workbooks and reply drafts of the current returns under ``out_dir`` and, with a roster,
        reminder drafts in its 催报 folder; ``inputs`` (the inbox) are never overwritten."""
        from .workbook import data_as_of

        result = self.result
        as_of = data_as_of(result)
        agency_of = {id(e.result): e.agency for e in result.entries}
        current = {id(e.result) for e in result.entries
                   if e.status in (SubmissionStatus.INVALID_EXCLUDED, SubmissionStatus.INVALID_INCLUDED)}
        entries = feedback_entries(result.entries)  # the latest per agency; a wrong year with a template
        self.feedback, self.drafts = feedback_with_replies(
            [e.result for e in entries], out_dir, as_of=as_of, deadline=deadline, expected_year=result.year,
            dates=submission_dates(entries), inputs=inputs,
            needs_reply=lambda r: id(r) in current,  # not a version the office has already replaced
            agency_of=lambda r: agency_of.get(id(r)))
        if result.roster is not None:
            self.reminders = write_reminders(chased(result), result.year, out_dir, deadline=deadline, as_of=as_of)


def write_merge(result: MergeResult, output: Path, *, per_agency_sheets: bool | None = None,
                feedback: Path | None = None, deadline: date | None = None, overwrite: bool = False,
                inputs: Sequence[str | os.PathLike] = (), started: float | None = None) -> MergeRun:
    """Write the consolidated workbook to ``output`` (replacing a file there only with ``overwrite``); with
    ``feedback``, the feedback workbooks and reply drafts of the current returns there and, with a roster,
    reminder drafts in its 催报 folder. ``inputs`` (the inbox) are never overwritten; ``started`` (a
    ``time.perf_counter()``) is when the job began, for :attr:`MergeRun.seconds`."""
    from .workbook import render_consolidated  # XlsxWriter, only when writing

    started = time.perf_counter() if started is None else started
    write_atomically(output, render_consolidated(result, per_agency_sheets=per_agency_sheets), overwrite=overwrite)
    run = MergeRun(result, output)
    if feedback:
        run.write_feedback(feedback, deadline=deadline, inputs=inputs)
    run.seconds = time.perf_counter() - started
    return run


def chased(result: MergeResult) -> list[tuple[Agency, str]]:
    """Roster agencies to remind, with why: not reported, or only another year's report."""
    wrong_year = {e.agency.code: e for e in result.entries
                  if e.status is SubmissionStatus.WRONG_YEAR and e.agency is not None}
    found = []
    for agency in result.missing:
        entry = wrong_year.get(agency.code)
        if entry is not None and entry.report is not None:
            found.append((agency, f"我们收到的是贵单位 {entry.report.year} 年度的报表，尚未收到 {result.year} 年度的报表"))
        else:
            found.append((agency, f"尚未收到贵单位 {result.year} 年度政府信息公开工作年度报表"))
    return found


def is_consolidated(path: str | os.PathLike) -> bool:
    """A consolidated workbook (the tool's own earlier output), which merge --force may replace in an inbox."""
    from ..read.returned import read_file

    try:
        return read_file(path).origin is Origin.CONSOLIDATED
    except Exception:  # noqa: BLE001 - anything unreadable is not ours to replace
        return False


def verify_paths(paths: Sequence[str | os.PathLike], *, year: int | None = None, **options) -> VerifyResult:
    """``gongkai-xlsx verify``: every returned file verified (:func:`gongkai_xlsx.check.verify.verify_files`, same
    options), and every first version that a later one in the same inbox replaced marked ``superseded_by`` as
    merge decides it — so the verdicts and the exit code a Python caller gets are the command's: a version the
    office has already corrected is not counted as an error and not sent back."""
    result = check_verify.verify_files(paths, year=year, **options)
    mark_superseded(result, year or 0)
    return result


def verify_feedback(result: VerifyResult, out_dir: Path, *, year: int | None = None, deadline: date | None = None,
                    inputs: Sequence[str | os.PathLike] = ()) -> tuple[list[Path], list[Draft]]:
    """``verify --feedback``: a feedback workbook for each return with findings and a reply draft for each with
    errors — only the submission that counts for an agency (the latest, as merge decides) is answered. Returns
    the workbooks and drafts."""
    answered = feedback_entries(decide_latest(result.submissions, result.files, year or 0))
    return feedback_with_replies([e.result for e in answered], out_dir, as_of=inbox_date(result.files),
                                 deadline=deadline, expected_year=year, dates=submission_dates(answered),
                                 inputs=inputs, needs_reply=lambda f: f.status is FileStatus.ERRORS)
