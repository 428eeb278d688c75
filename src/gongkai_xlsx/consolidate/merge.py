"""Merge: from an inbox to the consolidated figures — read and verify every submission, match each to the
roster, keep the latest per agency, decide what is included, and sum.

Every input is accounted for: each submission ends with exactly one status, and every roster agency without
a counted submission is listed as missing.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from .. import findings as F
from ..check.verify import FileResult, FileStatus, own_output, verify_submissions
from ..errors import InputError
from ..findings import Finding
from ..form import CURRENT_FORM, Form, MetaRole, Severity
from ..read.intake import Submission, collect
from ..normalise import normalise_text
from ..report import Origin, Report, TextEnum
from ..roster import Agency


class SubmissionStatus(TextEnum):
    """What became of a submission in a merge (and, for a roster agency with none, MISSING)."""

    INCLUDED = "included"
    INVALID_EXCLUDED = "invalid_excluded"
    INVALID_INCLUDED = "invalid_included"
    MISSING = "missing"
    SUPERSEDED = "superseded"
    UNKNOWN_AGENCY = "unknown_agency"
    UNIDENTIFIED = "unidentified"
    OWN_OUTPUT = "own_output"
    UNREADABLE = "unreadable"
    WRONG_YEAR = "wrong_year"
    PUBLISHED = "published"  # the agency's workbook counts; its published report was compared with it
    ATTACHMENT = "attachment"


S = SubmissionStatus  # short, for the tables below
# Chinese text, so full-width parentheses: these words are printed in 报送情况 and quoted in the county report
STATUS_ZH = {
    S.INCLUDED: "已报送·通过",
    S.INVALID_EXCLUDED: "已报送·有错误（未计入）",
    S.INVALID_INCLUDED: "已报送·有错误（已计入）",
    S.MISSING: "未报送",
    S.SUPERSEDED: "已被更新版本替代",
    S.UNKNOWN_AGENCY: "名册外单位",
    S.UNIDENTIFIED: "单位不明（未计入）",
    S.OWN_OUTPUT: "本工具生成的文件（未计入）",
    S.UNREADABLE: "无法读取",
    S.WRONG_YEAR: "年度不符（未计入）",
    S.PUBLISHED: "已公开年报（已与工作簿比对）",
    S.ATTACHMENT: "附件（非报表）",
}
DUPLICATE_ZH = "重复报送"  # a superseded entry that is the counted file again, byte for byte


def status_text(entry: Entry) -> str:
    """The status as 报送情况 words it: a superseded copy identical to the one that counts is 重复报送."""
    return DUPLICATE_ZH if entry.status is S.SUPERSEDED and entry.duplicate else STATUS_ZH[entry.status]


COUNTED = (S.INCLUDED, S.INVALID_INCLUDED)
CURRENT = (*COUNTED, S.INVALID_EXCLUDED)  # the version that counts for its agency, counted or not
# statuses that leave the consolidation incomplete or doubtful: the coordinator must act (exit code 1)
ATTENTION = (S.MISSING, S.INVALID_EXCLUDED, S.UNREADABLE, S.WRONG_YEAR, S.UNKNOWN_AGENCY, S.UNIDENTIFIED)
FUTURE_TOLERANCE = timedelta(days=1)  # time zones and a slightly fast clock are not a wrong clock


@dataclass
class Entry:
    """One submission and what became of it."""

    submission: Submission
    result: FileResult
    status: SubmissionStatus | None = None  # decided by the merge
    agency: Agency | None = None
    superseded_by: str | None = None  # the name of the submission that replaced it
    duplicate: bool = False  # superseded by a byte-identical copy (same sha256): sent again, not an earlier version

    @property
    def report(self) -> Report | None:
        return self.result.report


@dataclass
class Member:
    """One agency counted in the totals."""

    agency: Agency
    entry: Entry
    row: list = field(default_factory=list)  # its values in the form's item order: a row of 明细

    @property
    def values(self) -> dict:
        return self.entry.report.values

    @property
    def units(self) -> int:
        return self.entry.report.units


@dataclass
class MergeResult:
    year: int
    unit_name: str
    unit_code: str
    roster: list[Agency] | None
    entries: list[Entry] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    missing: list[Agency] = field(default_factory=list)
    totals: dict[str, int | Decimal] = field(default_factory=dict)
    include_invalid: bool = False
    seconds: float = 0.0
    form: Form = CURRENT_FORM
    warnings: list[Finding] = field(default_factory=list)  # about the consolidation itself (e.g. no unit identity)
    previous: Report | None = None  # last year's (consolidated) report, when given: the year-on-year figures

    @property
    def needs_attention(self) -> bool:
        """True when a roster agency is missing or an input was not counted for a reason the coordinator must
        act on (the CLI's exit code 1)."""
        counts = self.counts()
        return any(counts[status] for status in ATTENTION)

    def counts(self) -> dict[str, int]:
        """expected (roster), received (agencies with a current return), valid, missing, excluded; and per status."""
        counts = {status: 0 for status in STATUS_ZH}
        for entry in self.entries:
            counts[entry.status] += 1
        counts[S.MISSING] = len(self.missing)
        current = [e for e in self.entries if e.status in CURRENT]
        counts.update(
            expected=len(self.roster) if self.roster is not None else len(current),
            received=len(current),
            valid=counts[S.INCLUDED],
            excluded=counts[S.INVALID_EXCLUDED],
            members=len(self.members),
            units=sum(m.units for m in self.members),
        )
        return counts


# ------------------------------------------------------------------------------------------ matching
_DATE = re.compile(r"(20\d\d)\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})")


def filled_date(report: Report) -> datetime | None:
    """The 填报日期 the office typed, when it reads as a date."""
    match = _DATE.search(report.meta_text(MetaRole.DATE))
    if not match:
        return None
    try:
        return datetime(*map(int, match.groups()), tzinfo=timezone.utc)
    except ValueError:
        return None


def plausible(when: datetime | None, now: datetime) -> bool:
    """A date that can be the date of a return: not later than now (a day's grace for time zones)."""
    return when is not None and when <= now + FUTURE_TOLERANCE


def received_at(entry: Entry) -> datetime | None:
    """When this version was sent: e-mail date, else 填报日期, else file time."""
    submission = entry.submission
    return submission.received or (filled_date(entry.report) if entry.report else None) or submission.file_time


def recency(entry: Entry, now: datetime | None = None) -> tuple:
    """Sort key for 'latest wins' among the versions of one agency's return (the last one wins).

    1. A date later than now (``FUTURE_TOLERANCE`` allowed) comes from a wrong clock and is not trusted: such a
       version ranks below every version with a plausible date (and among such versions, by date).
    2. Otherwise the e-mail date, else the 填报日期 typed in the return, else the file's time.
    3. Equal dates: the content hash, so the choice never depends on the order files were found in.
    """
    now = now or datetime.now(timezone.utc)
    when = received_at(entry)
    never = datetime.min.replace(tzinfo=timezone.utc)
    return (plausible(when, now) if when else True, when or never, entry.result.sha256)


class RosterIndex:
    """The roster looked up by code and by normalised name (built once per merge, not once per submission)."""

    def __init__(self, roster: list[Agency]) -> None:
        self.by_code = {agency.code: agency for agency in roster}
        self.by_name: dict[str, Agency] = {}
        for agency in roster:
            self.by_name.setdefault(normalise_text(agency.name), agency)


def identify(report: Report, roster: list[Agency] | None,
             index: RosterIndex | None = None) -> tuple[Agency | None, Finding | None]:
    """The agency a report belongs to, or None with the error finding that says why it cannot be told.

    What the office typed (机构代码, 机关名称) decides; the template's stamp only when the typed identity names
    no roster agency (a mistyped code): an office that filled in another office's template is counted as
    itself, never as the template's owner. A code of one roster agency with the name of another is refused
    (IDENTITY_CONFLICT); a return with no identity at all is refused (IDENTITY_UNKNOWN), never matched on an
    empty key. Without a roster the typed code (else the name) is the agency. A report with no roster match
    gives (None, None): an unknown agency.
    """
    code = report.agency_code or ""  # the reader falls back to the stamp's when the cell is empty
    name = report.agency_name or ""
    stamp_code = report.stamp.get("agency_code", "") or ""
    if not (code or normalise_text(name) or stamp_code):
        return None, F.IDENTITY_UNKNOWN()
    if roster is None:
        return Agency(code=code or stamp_code, name=name or report.stamp.get("agency_name", ""),
                      category="汇总" if report.origin is Origin.CONSOLIDATED else ""), None
    index = index or RosterIndex(roster)
    by_code = index.by_code.get(code) if code else None
    by_name = index.by_name.get(normalise_text(name)) if normalise_text(name) else None
    if by_code is not None and by_name is not None and by_code != by_name:
        return None, F.IDENTITY_CONFLICT(code=code, by_code=by_code.name, by_name=by_name.name)
    found = by_code or by_name or index.by_code.get(stamp_code)
    return found, None


def merge_inbox(paths: Sequence[str | os.PathLike], *, year: int, roster: list[Agency] | None = None,
                unit_name: str = "", unit_code: str = "", include_invalid: bool = False,
                previous: Report | None = None, workers: int | None = None,
                progress: Callable[[int], None] | None = None,
                on_submissions: Callable[[int], None] | None = None,
                outputs: Sequence[str | os.PathLike] = (), now: datetime | None = None) -> MergeResult:
    """Read, verify, match and sum everything under ``paths``.

    ``outputs`` are the files this run will write: found among the inputs, they are not returns. ``now`` is the
    time dates are judged against (a date after it comes from a wrong clock). Raises :class:`InputError` when
    there is nothing at all to merge.
    """
    started = time.perf_counter()
    submissions = collect(list(paths))
    if not submissions:
        raise InputError("没有找到任何要汇总的文件：" + "、".join(str(p) for p in paths),
                         hint="请检查路径：收件箱中应有各单位报送的 .xlsx 文件、.eml 邮件或 .zip 压缩包。")
    if on_submissions:
        on_submissions(len(submissions))
    results = verify_submissions(submissions, year=year, previous=previous, workers=workers, progress=progress)
    merged = MergeResult(year, unit_name, unit_code, roster, include_invalid=include_invalid, previous=previous)
    merged.entries = [Entry(s, r) for s, r in zip(submissions, results)]
    _decide(merged, outputs, now or datetime.now(timezone.utc))
    if not (unit_name.strip() and unit_code.strip()):
        missing = "名称和代码" if not (unit_name.strip() or unit_code.strip()) else \
            ("名称" if not unit_name.strip() else "代码")
        merged.warnings.append(F.UNIT_IDENTITY_MISSING(missing=missing, missing_en={"名称和代码": "name and code",
                                                                                    "名称": "name", "代码": "code"}[missing]))
    merged.seconds = time.perf_counter() - started
    return merged


def _refuse(entry: Entry, status: SubmissionStatus, finding: Finding) -> None:
    entry.status = status
    entry.result.findings.append(finding)
    if finding.severity is Severity.ERROR:
        entry.result.status = FileStatus.ERRORS


def _decide(merged: MergeResult, outputs: Sequence[str | os.PathLike] = (), now: datetime | None = None) -> None:
    now = now or datetime.now(timezone.utc)
    by_agency: dict[str, list[Entry]] = {}
    index = RosterIndex(merged.roster) if merged.roster is not None else None
    for entry in merged.entries:
        if entry.result.status is FileStatus.ATTACHMENT:
            entry.status = S.ATTACHMENT
            continue
        if entry.result.status is FileStatus.UNREADABLE or entry.report is None:
            entry.status = S.UNREADABLE
            continue
        own = own_output(entry.report, entry.submission, unit_name=merged.unit_name, unit_code=merged.unit_code,
                         outputs=outputs)
        if own is not None:
            entry.status = S.OWN_OUTPUT
            if not any(f.code == F.OWN_OUTPUT.code for f in entry.result.findings):
                entry.result.findings.append(F.OWN_OUTPUT(kind=own[0], kind_en=own[1]))
            continue
        when = entry.submission.received
        if when is not None and not plausible(when, now):
            entry.result.findings.append(F.DATE_IN_FUTURE(when=when.strftime("%Y-%m-%d %H:%M")))
        agency, refusal = identify(entry.report, merged.roster, index)
        if any(f.code == F.WRONG_YEAR.code for f in entry.result.findings):
            entry.status = S.WRONG_YEAR
            entry.agency = agency
            continue
        if refusal is not None:
            _refuse(entry, S.UNIDENTIFIED, refusal)
            continue
        if agency is None:
            entry.status = S.UNKNOWN_AGENCY
            continue
        entry.agency = agency
        by_agency.setdefault(agency.code or normalise_text(agency.name), []).append(entry)
    if merged.roster is None:
        # without a roster a published report (its title names the agency, no code) joins the workbook of the
        # agency of that name
        by_name = {normalise_text(e.agency.name): key for key, entries in by_agency.items() for e in entries
                   if not imported(e) and e.agency.name}
        for key in [k for k, entries in by_agency.items() if all(imported(e) for e in entries)]:
            target = by_name.get(key)
            if target is not None and target != key:
                by_agency[target].extend(by_agency.pop(key))
    for key, entries in by_agency.items():
        if any(not imported(e) for e in entries):
            # the workbook counts; a published report beside it was compared with it (PUBLISHED_DIFFERS)
            for entry in [e for e in entries if imported(e)]:
                entry.status = S.PUBLISHED
            entries = [e for e in entries if not imported(e)]
        entries.sort(key=lambda entry: recency(entry, now))
        latest = entries[-1]
        for older in entries[:-1]:
            older.status = S.SUPERSEDED
            older.superseded_by = latest.submission.name
            older.duplicate = bool(older.result.sha256) and older.result.sha256 == latest.result.sha256
        if latest.result.status is FileStatus.ERRORS:
            latest.status = S.INVALID_INCLUDED if merged.include_invalid else S.INVALID_EXCLUDED
        else:
            latest.status = S.INCLUDED
        if latest.status in COUNTED:
            merged.members.append(Member(latest.agency, latest))
    # an attachment that is not a report is listed under the agency whose e-mail or archive it came in
    agency_of_source = {e.submission.source: e.agency for e in merged.entries if e.agency is not None}
    for entry in merged.entries:
        if entry.status is S.ATTACHMENT:
            entry.agency = agency_of_source.get(entry.submission.source)
    order = {agency.code: index for index, agency in enumerate(merged.roster or [])}
    merged.members.sort(key=lambda m: (order.get(m.agency.code, len(order)), m.agency.code, m.agency.name))
    if merged.roster is not None:
        merged.missing = [agency for agency in merged.roster if agency.code not in by_agency]
    item_ids = [item.id for item in merged.form.items]
    for member in merged.members:
        values = member.values
        # a cell an import left unset (None) counts as 0 only here, in a return counted despite its errors
        member.row = [values.get(item_id, 0) or 0 for item_id in item_ids]
    merged.totals = dict(zip(item_ids, column_sums([member.row for member in merged.members], len(item_ids))))


def imported(entry: Entry) -> bool:
    """Whether the submission was read from a published report (Word, PDF, HTML, text), not a workbook."""
    return entry.report is not None and entry.report.origin is Origin.IMPORTED


def column_sums(rows: list[list], width: int) -> list:
    """The sum of each column of equally long rows of item values; zeros when there are no rows."""
    return [sum(column) for column in zip(*rows, strict=True)] if rows else [0] * width


def decide_latest(submissions: Sequence[Submission], results: Sequence[FileResult], year: int,
                  roster: list[Agency] | None = None) -> list[Entry]:
    """Each submission with merge's decision on it (latest per agency, wrong year …), without summing: what
    ``verify --feedback`` uses so that only the submission that counts gets feedback."""
    merged = MergeResult(year, "", "", roster)
    merged.entries = [Entry(s, r) for s, r in zip(submissions, results)]
    _decide(merged)
    return merged.entries


def mark_superseded(result, year: int, roster: list[Agency] | None = None) -> list[Entry]:
    """Decide as merge does which submission counts for each agency, and mark on every replaced file the one
    that replaced it (``FileResult.superseded_by``), so that verify's verdicts, exit code, feedback and 下一步
    agree with merge: a first version the office has already corrected is not sent back. Returns the entries."""
    entries = decide_latest(result.submissions, result.files, year, roster)
    for entry in entries:
        if entry.status is S.SUPERSEDED and entry.superseded_by:
            entry.result.superseded_by = entry.superseded_by
            entry.result.duplicate = entry.duplicate
    return entries


def feedback_entries(entries: Sequence[Entry]) -> list[Entry]:
    """The submissions that get feedback: per agency the one that counts (the latest, as merge decided), and a
    report of the wrong year only when its agency sent none of the right year. A submission naming no agency at
    all cannot be told from another one, so each of those gets its own."""
    def key(entry: Entry) -> str:
        agency = entry.agency
        return (agency.code or normalise_text(agency.name)) if agency else ""

    current = {key(e) for e in entries if e.status in CURRENT}
    chosen = []
    for entry in entries:
        if entry.report is None or entry.status in (S.UNREADABLE, S.OWN_OUTPUT, S.ATTACHMENT, S.PUBLISHED):
            continue  # nothing to answer: not a return, the tool's own file, or a report compared with a workbook
        if entry.status is S.SUPERSEDED and key(entry):
            continue
        if entry.status is S.WRONG_YEAR and key(entry) in current - {""}:
            continue
        chosen.append(entry)
    return chosen


def submission_dates(entries: Sequence[Entry]) -> dict[str, date]:
    """The date of each submission (e-mail date, else 填报日期, else file time), by its result's path: feedback
    files are named by it."""
    dates = {}
    for entry in entries:
        when = received_at(entry)  # what recency ranks the versions by
        if when is not None:
            dates[entry.result.path] = when.date()
    return dates
