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
from datetime import datetime, timezone
from decimal import Decimal

from ..check.verify import FileResult, verify_submissions
from ..findings import Finding
from ..form import CURRENT_FORM, Form
from ..read.intake import Submission, collect
from ..report import Report
from ..roster import Agency, normalise_text

STATUS_ZH = {
    "included": "已报送·通过",
    "invalid_excluded": "已报送·有错误(未计入)",
    "invalid_included": "已报送·有错误(已计入)",
    "missing": "未报送",
    "superseded": "已被更新版本替代",
    "unknown_agency": "名册外单位",
    "unreadable": "无法读取",
    "wrong_year": "年度不符(未计入)",
    "published": "已公开年报(已与工作簿比对)",  # the agency's workbook counts; its published report was compared
    "attachment": "附件（非报表）",
}
COUNTED = ("included", "invalid_included")


@dataclass
class Entry:
    """One submission and what became of it."""

    submission: Submission
    result: FileResult
    status: str = ""
    agency: Agency | None = None
    superseded_by: str | None = None  # the name of the submission that replaced it

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

    def counts(self) -> dict[str, int]:
        """expected (roster), received (agencies with a current return), valid, missing, excluded; and per status."""
        counts = {status: 0 for status in STATUS_ZH}
        for entry in self.entries:
            counts[entry.status] += 1
        counts["missing"] = len(self.missing)
        current = [e for e in self.entries if e.status in ("included", "invalid_included", "invalid_excluded")]
        counts.update(
            expected=len(self.roster) if self.roster is not None else len(current),
            received=len(current),
            valid=counts["included"],
            excluded=counts["invalid_excluded"],
            members=len(self.members),
            units=sum(m.units for m in self.members),
        )
        return counts


# ------------------------------------------------------------------------------------------ matching
_DATE = re.compile(r"(20\d\d)\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})")


def filled_date(report: Report) -> datetime | None:
    """The 填报日期 the office typed, when it reads as a date."""
    match = _DATE.search(report.meta.get("meta_date", "") or "")
    if not match:
        return None
    try:
        return datetime(*map(int, match.groups()), tzinfo=timezone.utc)
    except ValueError:
        return None


def recency(entry: Entry) -> tuple:
    """Sort key for 'latest wins': e-mail date, else 填报日期, else file time; ties broken by content hash."""
    submission = entry.submission
    when = submission.received or (filled_date(entry.report) if entry.report else None) or submission.file_time
    return (when or datetime.min.replace(tzinfo=timezone.utc), entry.result.sha256)


class RosterIndex:
    """The roster looked up by code and by normalised name (built once per merge, not once per submission)."""

    def __init__(self, roster: list[Agency]) -> None:
        self.by_code = {agency.code: agency for agency in roster}
        self.by_name: dict[str, Agency] = {}
        for agency in roster:
            self.by_name.setdefault(normalise_text(agency.name), agency)


def match_agency(report: Report, roster: list[Agency] | None, index: RosterIndex | None = None) -> Agency | None:
    """The roster agency a report belongs to: by stamped code, by typed code, by normalised name."""
    codes = [c for c in (report.stamp.get("agency_code"), report.agency_code) if c]
    if roster is None:
        code = codes[0] if codes else ""
        return Agency(code=code, name=report.agency_name or report.stamp.get("agency_name", ""),
                      category="汇总" if report.origin == "consolidated" else "")
    index = index or RosterIndex(roster)
    for code in codes:
        if code in index.by_code:
            return index.by_code[code]
    wanted = normalise_text(report.agency_name)
    return index.by_name.get(wanted) if wanted else None


def merge_inbox(paths: Sequence[str | os.PathLike], *, year: int, roster: list[Agency] | None = None,
                unit_name: str = "", unit_code: str = "", include_invalid: bool = False,
                previous: Report | None = None, workers: int | None = None,
                progress: Callable[[int], None] | None = None,
                on_submissions: Callable[[int], None] | None = None) -> MergeResult:
    """Read, verify, match and sum everything under ``paths``."""
    started = time.perf_counter()
    submissions = collect(list(paths))
    if on_submissions:
        on_submissions(len(submissions))
    results = verify_submissions(submissions, year=year, previous=previous, workers=workers, progress=progress)
    merged = MergeResult(year, unit_name, unit_code, roster, include_invalid=include_invalid)
    merged.entries = [Entry(s, r) for s, r in zip(submissions, results)]
    _decide(merged)
    merged.seconds = time.perf_counter() - started
    return merged


def _decide(merged: MergeResult) -> None:
    by_agency: dict[str, list[Entry]] = {}
    index = RosterIndex(merged.roster) if merged.roster is not None else None
    for entry in merged.entries:
        if entry.result.status == "attachment":
            entry.status = "attachment"
            continue
        if entry.result.status == "unreadable" or entry.report is None:
            entry.status = "unreadable"
            continue
        if any(f.code == "WRONG_YEAR" for f in entry.result.findings):
            entry.status = "wrong_year"
            entry.agency = match_agency(entry.report, merged.roster, index)
            continue
        agency = match_agency(entry.report, merged.roster, index)
        if agency is None:
            entry.status = "unknown_agency"
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
                entry.status = "published"
            entries = [e for e in entries if not imported(e)]
        entries.sort(key=recency)
        latest = entries[-1]
        for older in entries[:-1]:
            older.status = "superseded"
            older.superseded_by = latest.submission.name
        if latest.result.status == "errors":
            latest.status = "invalid_included" if merged.include_invalid else "invalid_excluded"
        else:
            latest.status = "included"
        if latest.status in COUNTED:
            merged.members.append(Member(latest.agency, latest))
    # an attachment that is not a report is listed under the agency whose e-mail or archive it came in
    agency_of_source = {e.submission.source: e.agency for e in merged.entries if e.agency is not None}
    for entry in merged.entries:
        if entry.status == "attachment":
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
    return entry.report is not None and entry.report.origin == "imported"


def column_sums(rows: list[list], width: int) -> list:
    """The sum of each column of equally long rows of item values; zeros when there are no rows."""
    return [sum(column) for column in zip(*rows, strict=True)] if rows else [0] * width


def entry_findings(entry: Entry) -> list[Finding]:
    return entry.result.findings
