"""Import a batch of published reports: each one read, verified and written as a workbook of the template.

What ``gongkai-xlsx import-report`` does; a report that cannot be imported is recorded and the batch goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..check.report_checks import verify_report
from ..errors import GongkaiError
from ..files import safe_filename, write_atomically
from ..findings import Finding
from ..form import Severity
from ..report import TextEnum
from ..roster import Agency
from ..template.render import render_template
from ..template.stamp import StampOrigin
from . import import_report


class ImportStatus(TextEnum):
    """What became of one published report of the batch."""

    OK = "ok"
    ERRORS = "errors"
    NEEDS_YEAR = "needs_year"  # read, but the source states no year: give --year
    UNREADABLE = "unreadable"


@dataclass
class ImportedFile:
    """One published report of the batch: imported and written to ``output``, or refused (``message``, ``hint``)."""

    path: Path
    status: ImportStatus
    output: Path | None = None
    agency: str = ""
    year: int | None = None
    format_version: str = ""
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    message: str = ""
    hint: str = ""

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    def as_dict(self) -> dict:
        if self.status is ImportStatus.UNREADABLE:
            return {"path": str(self.path), "status": self.status, "message": self.message, "hint": self.hint}
        if self.status is ImportStatus.NEEDS_YEAR:
            return {"path": str(self.path), "status": self.status, "message": self.message, "hint": self.hint,
                    "agency": self.agency, "format_version": self.format_version,
                    "seconds": round(self.seconds, 3), "findings": [f.as_dict() for f in self.findings]}
        return {"path": str(self.path), "status": self.status, "output": str(self.output), "agency": self.agency,
                "year": self.year, "format_version": self.format_version, "seconds": round(self.seconds, 3),
                "findings": [f.as_dict() for f in self.findings]}


@dataclass
class ImportBatch:
    """What :func:`import_reports` did, file by file in the order given."""

    files: list[ImportedFile] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0: no errors; 1: some report has errors (e.g. a published total that does not add up) or needs --year;
        2: unreadable."""
        if any(f.status is ImportStatus.UNREADABLE for f in self.files):
            return 2
        return 1 if any(f.status in (ImportStatus.ERRORS, ImportStatus.NEEDS_YEAR) for f in self.files) else 0

    def as_dict(self) -> dict:
        """The JSON document of ``import-report --json``."""
        return {"reports": [f.as_dict() for f in self.files]}


NEEDS_YEAR = "原文的标题和统计期限都没有写明报告年度，未写入工作簿（表格已读到）。"
NEEDS_YEAR_HINT = "请用 --year 指定年度后再导入，例如：gongkai-xlsx import-report {name} -o <输出目录> --year 2024"


def import_reports(files: list[Path], out_dir: Path, *, year: int | None = None, agency: str | None = None,
                   force: bool = False) -> ImportBatch:
    """Import each published report, verify it and write it as a workbook of the template under ``out_dir``
    (totals exactly as published); existing outputs are only replaced with ``force``."""
    batch = ImportBatch()
    for path, target in zip(files, import_targets(files, out_dir)):
        try:
            imported = import_report(path, year=year, agency=agency)
            report = imported.report
            found = verify_report(report)
            if imported.needs_year:  # its tables were read; only the year is missing, which the user can give
                batch.files.append(ImportedFile(
                    path, ImportStatus.NEEDS_YEAR, None, report.agency_name, None, imported.format_version, imported.seconds,
                    found, message=NEEDS_YEAR, hint=NEEDS_YEAR_HINT.format(name=path.name)))
                continue
            if target.exists() and not force:
                raise GongkaiError(f"输出文件已存在：{target}", hint="请换一个输出目录，或加 --force 覆盖。")
            try:
                write_atomically(target, render_template(
                    year=report.year, agency=Agency(report.agency_code or "", report.agency_name or path.stem),
                    values=report.values, texts=report.texts, origin=StampOrigin.IMPORTED, totals_as_values=True,
                    import_findings=report.findings))
            except OSError as exc:
                raise GongkaiError(f"无法写入 {target}：{exc.strerror or exc}",
                                   hint="请检查输出目录是否存在、是否有写入权限、磁盘是否已满。") from None
        except GongkaiError as error:
            batch.files.append(ImportedFile(path, ImportStatus.UNREADABLE, message=error.message, hint=error.hint))
            continue
        errors = any(f.severity is Severity.ERROR for f in found)
        batch.files.append(ImportedFile(path, ImportStatus.ERRORS if errors else ImportStatus.OK, target,
                                        report.agency_name, report.year, imported.format_version, imported.seconds,
                                        found))
    return batch


def import_targets(files: list[Path], out_dir: Path) -> list[Path]:
    """One workbook per input, named after it; 报告.txt beside 报告.html (or two 报告.txt from two folders) each
    get their own, never one over the other. Names are valid and bounded (:func:`safe_filename`): an input named
    near the file system's limit still gets its workbook."""
    stems = [path.stem for path in files]
    targets: list[Path] = []
    for path in files:
        stem = path.stem if stems.count(path.stem) == 1 else f"{path.stem}_{path.suffix.lstrip('.')}"
        target, number = out_dir / safe_filename(stem, "_导入.xlsx"), 2
        while target in targets:
            target, number = out_dir / safe_filename(f"{stem}_{number}", "_导入.xlsx"), number + 1
        targets.append(target)
    return targets
