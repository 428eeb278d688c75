"""The whole round trip on the sample county, as ``gongkai-xlsx demo`` runs it: templates, an inbox verified with
feedback for the returns that need it, and the county's consolidated workbook."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .check.feedback import write_feedback
from .check.verify import FileStatus
from .consolidate.merge import MergeResult, feedback_entries, merge_inbox, submission_dates
from .consolidate.workbook import render_consolidated
from .files import consolidated_filename, write_atomically
from .form import Severity
from .read.returned import read_file
from .roster import read_roster
from .samples import COUNTY, COUNTY_CODE, PREVIOUS_CONSOLIDATED, YEAR, write_samples
from .template.generate import GenerationResult, generate_templates


@dataclass
class DemoResult:
    """What :func:`run_demo` wrote, and the consolidation it made."""

    year: int
    unit_name: str
    templates: GenerationResult
    merged: MergeResult
    consolidated: Path
    feedback_dir: Path
    feedback: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        """The JSON document of ``demo --json``."""
        return {"year": self.year, "unit_name": self.unit_name, "templates": str(self.templates.out_dir),
                "template_count": len(self.templates.files), "submissions": len(self.merged.entries),
                "counts": self.merged.counts(), "missing": [a.name for a in self.merged.missing],
                "consolidated": str(self.consolidated), "feedback_dir": str(self.feedback_dir),
                "feedback": [str(p) for p in self.feedback], "seconds": round(self.seconds, 3)}


def run_demo(out_dir: Path) -> DemoResult:
    """Write the sample county under ``out_dir`` and run it through: templates → verification with feedback →
    consolidation (last year's consolidated workbook as the cross-year reference)."""
    started = time.perf_counter()
    sample_dir, inbox = out_dir / "样例", out_dir / "样例" / "收件箱"
    write_samples(sample_dir)
    agencies = read_roster(sample_dir / "示例县名册.csv")
    templates = generate_templates(YEAR, out_dir / "模板", agencies, force=True)
    previous = read_file(sample_dir / PREVIOUS_CONSOLIDATED)
    result = merge_inbox([inbox], year=YEAR, roster=agencies, unit_name=COUNTY, unit_code=COUNTY_CODE,
                         previous=previous)
    consolidated = out_dir / consolidated_filename(result.year, result.unit_name)
    write_atomically(consolidated, render_consolidated(result))
    feedback_dir = out_dir / "退回意见"
    # the submissions that count (the latest per agency, as merge decided), named by agency and date
    entries = [e for e in feedback_entries(result.entries) if e.result.status is FileStatus.ERRORS or
               any(f.severity is Severity.WARNING for f in e.result.findings)]
    feedback = write_feedback([e.result for e in entries], feedback_dir, expected_year=YEAR,
                              dates=submission_dates(entries))
    return DemoResult(YEAR, COUNTY, templates, result, consolidated, feedback_dir, feedback,
                      time.perf_counter() - started)
