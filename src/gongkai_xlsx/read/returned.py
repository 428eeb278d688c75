"""Read a returned workbook into a :class:`~gongkai_xlsx.report.Report`, trusting nothing in it.

Cells are found by the template's defined names (so inserted rows do not matter), or, for workbooks not
made from our template, by the national table's labels. Cached formula values are never used: totals are
recomputed from the inputs, and a total whose formula was replaced by a typed number is reported (that number
is then what the rules see). Values are normalised here, once, each change recorded as a finding.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .. import findings as F
from ..errors import InputError
from ..findings import Finding, FindingCell
from ..form import CURRENT_FORM, Form, MetaRole
from ..ooxml.package import UnreadableFile, a1
from ..normalise import How, parse_number
from ..ooxml.sheet import RawCell
from ..ooxml.workbook import Workbook, load_workbook, read_bounded
from ..report import Origin, Provenance, Report
from ..template.consolidated_layout import SHEET_DETAIL
from ..template.fingerprint import layout_fingerprint_of
from ..template.layout import ANSWER_PREFIX, NOTE_PREFIX, SHEET_FEEDBACK, SHEET_STAMP
from ..template.build import layout_for
from ..template.stamp import (
    IMPORT_ERRORS,
    IMPORT_RECORD,
    NAME_PREFIX,
    PROPERTY_PREFIX,
    STAMP_FIELDS,
    StampOrigin,
    read_import_record,
)
from .consolidated import read_consolidated
from .values import _cell_text as cell_text, read_meta_and_texts, read_values


# ------------------------------------------------------------------------------------------ entry points
def read_file(path: str | Path, *, form: Form = CURRENT_FORM) -> Report:
    """Read one returned file; raise :class:`UnreadableFile` (with a clear Chinese message) if it is no workbook."""
    path = Path(path)
    data = read_bounded(path)
    return read_bytes(data, str(path), form=form)


def read_previous(path: str | Path, *, what: str = "上年报表", form: Form = CURRENT_FORM) -> Report:
    """Last year's workbook (one agency's, or a consolidated one) for the cross-year rules; an unreadable one is
    an :class:`InputError` that names it as last year's (``what``), not as a submission."""
    try:
        return read_file(path, form=form)
    except UnreadableFile as error:
        raise InputError(f"{what} {path} 无法读取：{error.message}", hint=error.hint, path=str(path)) from None


def read_bytes(data: bytes, path: str = "<memory>", *, form: Form = CURRENT_FORM) -> Report:
    """Read a workbook from its bytes; ``path`` names it in messages."""
    provenance = Provenance(path=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    workbook = load_workbook(data, path)
    provenance.application = workbook.application
    report = Report(form=form, provenance=provenance)
    _read_stamp(workbook, report)
    structure = workbook.structure
    if structure is not None and structure.located is not None and structure.located[0] == form.version:
        located = structure.located[1]
    else:
        located = _locate_by_names(workbook, form)
        if structure is not None:
            structure.located = (form.version, located)
    if len(located) < len(form.items) // 2:
        from .labels import locate_by_labels  # only for workbooks not made from our template

        located = locate_by_labels(workbook, form)
        report.origin = Origin.LABELS
        if not report.stamp:
            report.findings.append(F.STAMP_MISSING())
    elif not report.stamp:
        report.findings.append(F.STAMP_MISSING())
    if report.stamp.get("origin") == StampOrigin.IMPORTED:
        report.origin = Origin.IMPORTED
    if report.stamp.get("origin") == StampOrigin.CONSOLIDATED and SHEET_DETAIL in workbook.sheet_parts:
        report.origin = Origin.CONSOLIDATED
        read_consolidated(workbook, report, located)
        return report
    read_values(workbook, report, located)
    if report.origin is Origin.IMPORTED:
        _read_import_record(workbook, report)
    if report.origin is Origin.LABELS:
        from .labels import identity_from_title

        identity = identity_from_title(workbook)
        if identity:
            report.agency_name, report.year = identity
    read_meta_and_texts(workbook, report, located)
    _read_notes_and_answers(workbook, report)
    if report.origin is not Origin.LABELS:
        _check_template(workbook, report, form)
    if report.origin is Origin.TEMPLATE:
        _check_other_sheets(workbook, report, form, located)
    return report



# ------------------------------------------------------------------------------------------ stamp and cells
def _read_stamp(workbook: Workbook, report: Report) -> None:
    stamp = {key[len(PROPERTY_PREFIX):]: value for key, value in workbook.properties.items()
             if key.startswith(PROPERTY_PREFIX)}
    if not stamp:
        for key in STAMP_FIELDS:
            where = workbook.resolve_name(NAME_PREFIX + key)
            if where and where[0] == SHEET_STAMP:
                sheet = workbook.sheet(SHEET_STAMP)
                cell = sheet.at(*where[1:]) if sheet else None
                if cell is not None and cell.value is not None:
                    stamp[key] = str(cell.value)
    report.stamp = stamp


def _read_import_record(workbook: Workbook, report: Report) -> None:
    """An imported workbook's record of its import: its findings are the report's again, and the cells the source
    did not give are unset (None), not the empty cells' 0. A record that was removed is an error of its own."""
    record = None
    where = workbook.resolve_name(NAME_PREFIX + IMPORT_RECORD)
    if where and where[0] == SHEET_STAMP:
        sheet = workbook.sheet(SHEET_STAMP)
        cell = sheet.at(*where[1:]) if sheet else None
        if cell is not None and isinstance(cell.value, str):
            record = read_import_record(cell.value)
    if record is None:
        errors = report.stamp.get(IMPORT_ERRORS)
        if errors and errors != "0":
            report.findings.append(F.IMPORT_RECORD_MISSING(count=errors))
        return
    findings, unset = record
    unset_ids = {item for item in unset if item in report.values}
    for item in unset_ids:
        report.values[item] = None
    for index, finding in enumerate(report.findings):  # the empty cells of unset items are not blanks typed as 0
        if finding.code == F.BLANK_AS_ZERO.code and unset_ids:
            kept = [c for c in finding.cells if c.item not in unset_ids]
            report.findings[index] = F.BLANK_AS_ZERO(kept, count=len(kept), first=cell_text(kept[0], report.form)) if kept else None
    report.findings[:] = [f for f in report.findings if f is not None] + findings


def _locate_by_names(workbook: Workbook, form: Form) -> dict[str, tuple[str, int, int]]:
    located = {}
    keys = [item.id for item in form.items] + [m.id for m in form.meta] + [t.id for t in form.texts]
    for key in keys:
        where = workbook.resolve_name(key)
        if where and where[0] in workbook.sheet_parts:
            located[key] = where
    return located


def _read_notes_and_answers(workbook: Workbook, report: Report) -> None:
    """The office's 情况说明 (``note_<RULE_ID>``) and its answers to a feedback copy's questions
    (``answer_<item id>``), by their defined names; empty cells are left out."""
    for name in workbook.names:
        if name.startswith(NOTE_PREFIX):
            target = report.notes
        elif name.startswith(ANSWER_PREFIX):
            target = report.answers
        else:
            continue
        where = workbook.resolve_name(name)
        sheet = workbook.sheet(where[0]) if where and where[0] in workbook.sheet_parts else None
        raw = sheet.at(*where[1:]) if sheet else None
        text = "" if raw is None or raw.value is None else " ".join(str(raw.value).split())
        if text:
            key = name.split("_", 1)[1]
            target[key if target is report.answers else key.upper()] = text[:2000]


# ------------------------------------------------------------------------------------------ template identity
def _check_template(workbook: Workbook, report: Report, form: Form) -> None:
    stamp = report.stamp
    version = stamp.get("form_version")
    if version and version != form.version:
        report.findings.append(F.WRONG_FORM_VERSION(found=version, expected=form.version))
    code = stamp.get("agency_code")
    if code and report.agency_code and code != report.agency_code:
        code_id = form.meta_id(MetaRole.CODE)
        sheet, cell = report.where(code_id)
        report.findings.append(F.AGENCY_MISMATCH([FindingCell(sheet, cell, code_id, report.agency_code)],
                                                 found=report.agency_code, expected=code))
    layout = layout_for(form)
    if stamp and report.origin is Origin.TEMPLATE:
        if stamp.get("fingerprint") and file_fingerprint(workbook, form) != stamp["fingerprint"]:
            report.findings.append(F.LAYOUT_CHANGED())
    for sheet_layout in layout.sheets:
        if workbook.is_protected(sheet_layout.name) is False:
            report.findings.append(F.PROTECTION_REMOVED([FindingCell(sheet_layout.name, None, None)],
                                                        sheet=sheet_layout.name))


# ------------------------------------------------------------------------------------------ sheets of the office's own
_FORM_SHEETS: dict[str, tuple[frozenset, frozenset, dict[str, frozenset]]] = {}


def _form_sheets(form: Form) -> tuple[frozenset, frozenset, dict[str, frozenset]]:
    """The template's sheet names, those of them that hold no data (guide, stamp), and each data sheet's label
    texts; per form version (hashing a whole form is not cheap)."""
    if form.version not in _FORM_SHEETS:
        layout = layout_for(form)
        data_sheets = {sheet for sheet, _, _ in layout.positions.values()}
        labels = {sheet.name: frozenset(" ".join(cell.text.split()) for cell in sheet.cells
                                        if cell.text and len(cell.text.strip()) > 1)
                  for sheet in layout.sheets if sheet.name in data_sheets}
        issued = frozenset(sheet.name for sheet in layout.sheets) | {SHEET_STAMP}
        _FORM_SHEETS[form.version] = issued, issued - data_sheets, labels
    return _FORM_SHEETS[form.version]


def _check_other_sheets(workbook: Workbook, report: Report, form: Form, located) -> None:
    """Numbers on a sheet the values were not read from. A copy of a data sheet (the workbook's structure is not
    protected, so 表三 can be copied, and the copy filled while the original stays zero) whose numbers differ
    from the original's is an error; numbers on any other sheet of the office's own are a warning (unread)."""
    issued, others, labels = _form_sheets(form)
    if report.stamp.get("origin") == StampOrigin.FEEDBACK:  # a feedback copy's own first sheet (its findings and answers)
        issued, others = issued | {SHEET_FEEDBACK}, others | {SHEET_FEEDBACK}
    if all(name in issued for name in workbook.sheet_parts):
        return  # the common case: the template's own sheets and no other (a renamed one is another)
    read_from = {where[0] for where in located.values()}
    candidates = [name for name in workbook.sheet_parts if name not in read_from and name not in others]
    positions = layout_for(form).positions
    original_of: dict[str, str] = {}  # template sheet → the sheet its values were read from (renamed or not)
    for key, (sheet_name, _, _) in located.items():
        if key in positions:
            original_of.setdefault(positions[key][0], sheet_name)
    for name in candidates:
        sheet = workbook.sheet(name)
        if sheet is None:
            continue
        cells = sheet.cells
        texts = {" ".join(raw.value.split()) for raw in cells.values() if isinstance(raw.value, str)}
        # a copy keeps the labels, whatever it is called (a name like 表二补充 alone makes no copy)
        copied = next((issued for issued, own in labels.items() if len(own & texts) >= min(5, len(own))), None)
        numbers = [(ref, number) for ref, raw in cells.items() if (number := _typed_number(raw))]
        differing = []
        if copied is not None:
            original = workbook.sheet(original_of.get(copied, copied))
            differing = [(ref, number) for ref, number in numbers
                         if original is None or _typed_number(original.get(ref)) != number]
        if differing:
            report.findings.append(F.SHEET_COPIED(
                [FindingCell(name, ref, None, _plain_number(number)) for ref, number in differing[:50]], copy=name,
                original=original_of.get(copied, copied), count=len(differing), first=f"{name}!{differing[0][0]}"))
        elif numbers:  # a backup copy holding what the original holds, or a sheet of the office's own
            report.findings.append(F.EXTRA_SHEET(
                [FindingCell(name, ref, None, _plain_number(number)) for ref, number in numbers[:50]], sheet=name,
                count=len(numbers), first=f"{name}!{numbers[0][0]}"))


def _typed_number(raw: RawCell | None):
    """A cell's typed non-zero number (a number, or a number typed as text), else None; formulas do not count."""
    if raw is None or raw.formula is not None or raw.error or isinstance(raw.value, bool):
        return None
    parsed = parse_number(raw.value)
    if parsed.how not in (How.NUMBER, How.TEXT_NUMBER) or not parsed.value:
        return None
    return parsed.value


def _plain_number(number):
    return int(number) if number == number.to_integral_value() else float(number)


def file_fingerprint(workbook: Workbook, form: Form) -> str:
    """The fingerprint recomputed from the file: its names and the formulas at the template's formula cells."""
    def formula_at(sheet_name: str, row: int, col: int) -> str | None:
        sheet = workbook.sheet(sheet_name)
        return sheet.formula(a1(row, col)) if sheet else None

    return layout_fingerprint_of(layout_for(form), workbook.names.get, formula_at)



__all__ = ["Finding", "Report", "UnreadableFile", "file_fingerprint", "read_bytes", "read_file"]
