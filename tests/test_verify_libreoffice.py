"""Returned workbooks as a real spreadsheet application saves them: templates filled in LibreOffice Calc (UNO,
``lo_driver.py``), **saved by LibreOffice** as .xlsx (or as hostile formats), then read back by our reader and
verified.

LibreOffice rewrites the whole package on save: its own defined-name and formula syntax, shared strings, styles,
``docProps/app.xml`` ("LibreOffice/7.4…"), its own protection records. These tests prove the reader copes with
all of it: values come back by defined name, the layout fingerprint survives an untouched round trip, and each
error is named by rule instance and cell exactly as the workbook shows it.

One soffice batch (module fixture ``saved``) makes every file; the tests only read them.

Oracles, independent of the reader: the numbers published in real reports (``reports.py``); for broken files,
a hand-written list of the rule instances that must fail, which must also be what LibreOffice's own live check
cells show in the same workbook; cell addresses from the template layout (shifted when rows were inserted).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from xlsxwriter.utility import xl_rowcol_to_cell

from gongkai_xlsx import samples
from gongkai_xlsx.check.verify import verify_file
from gongkai_xlsx.form import FORM_2021, checks_for
from gongkai_xlsx.ooxml.fastpath import sheet_data_only
from gongkai_xlsx.ooxml.package import Package, UnreadableFile
from gongkai_xlsx.read.returned import read_bytes, read_file
from gongkai_xlsx.roster import Agency
from gongkai_xlsx.template.layout import CHECK_FAILURES, SHEET_MAIN, SHEET_T2, SHEET_T3, SHEET_T4
from gongkai_xlsx.template.build import layout_for
from gongkai_xlsx.template.render import DEFAULT_PASSWORD, render_template

from libreoffice import for_lo, libreoffice  # noqa: F401  (the pytest fixture; conftest puts tests/ on sys.path)
from reports import decoded_reports, input_values, published_values

pytestmark = pytest.mark.libreoffice

FORM = FORM_2021
LAYOUT = layout_for(FORM)
CHECKS = {c.id: c for c in checks_for(FORM)}
LIVE_CHECKS = dict(LAYOUT.check_positions)  # check id → (sheet, row, col) of its live cell in the template
YEAR = 2025
AGENCY = Agency("11341100MB0000000X", "娲城街道办事处", "街道")
ITEM_IDS = [item.id for item in FORM.items]
INSERTED = 2  # rows inserted above 表三's table
OPEN_PASSWORD = "kaifang-2025"


def cell_of(item_id: str, *, shift: int = 0) -> tuple[str, str]:
    """(sheet, A1) of an item in the template as generated, rows shifted by ``shift`` on 表三."""
    sheet, row, col = LAYOUT.positions[item_id]
    return sheet, xl_rowcol_to_cell(row + (shift if sheet == SHEET_T3 else 0), col)


def lo_number(value):
    """LibreOffice gives every number as a double: a whole one back to int."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------------------ the cases
REPORTS = {key: rep for key, rep in decoded_reports().items()}
SEED = samples.seed_return(AGENCY)  # 娲城街道办事处 2025 as published: all tables zero, long texts
SEED_META = {"meta_contact": "娲城街道党政办", "meta_phone": "0571-80000000", "meta_date": "2026-01-16"}

# consistent inputs the typed-over totals are measured against: 4 new = 3 opened + 1 carried over; 2 upheld
OFFICE = {"meta_contact": "李四", "meta_phone": "0517-1234567", "meta_date": "2026-01-20",
          "text_overview": "本年度政府信息公开工作概述。"}
BASE = {"t3_new_natural": 4, "t3_open_natural": 3, "t3_carry_out_natural": 1, "t4_review_upheld": 2}


@dataclass
class Broken:
    """A workbook broken the way an office breaks one, and the rule instances that must then fail."""

    inputs: dict
    overrides: dict = field(default_factory=dict)  # totals typed over (their sheet is unprotected first)
    fails: frozenset = frozenset()  # check ids, written by hand from the form's definition
    reprotect: bool = False  # protect the sheet again after typing over (the warning must then not appear)
    known_bug: str = ""


BROKEN = {
    # T3_BALANCE by typing inputs only (sheets stay protected)
    "balance:natural": Broken({"t3_new_natural": 5, "t3_open_natural": 3},
                              fails=frozenset({"T3_BALANCE.natural", "T3_BALANCE.total"})),
    "balance:commercial": Broken({"t3_new_commercial": 2, "t3_deny_8_commercial": 3},
                                 fails=frozenset({"T3_BALANCE.commercial", "T3_BALANCE.total"})),
    # typed-over totals: the sheet is unprotected (the only way to type into a formula cell), then saved so
    "results_sum:total": Broken(BASE, {"t3_total_total": 5},
                                fails=frozenset({"T3_RESULTS_SUM.total", "T3_ROW_TOTAL.total", "T3_BALANCE.total"})),
    "results_sum:natural": Broken(
        BASE, {"t3_total_natural": 9},
        # the workbook's 总计 J30 = SUM(D30:I30) stays a live formula and now shows 9: the total column fails
        # its balance and results checks, while its row total holds (this is what LibreOffice shows)
        fails=frozenset({"T3_RESULTS_SUM.natural", "T3_BALANCE.natural", "T3_RESULTS_SUM.total",
                         "T3_BALANCE.total"}),
        # (the reader once recomputed t3_total_total from the inputs instead of from the typed-over 9)
    ),
    "row_total:open": Broken(BASE, {"t3_open_total": 2},
                             fails=frozenset({"T3_ROW_TOTAL.open", "T3_RESULTS_SUM.total"})),
    "t4_total:review": Broken(BASE, {"t4_review_total": 1}, fails=frozenset({"T4_GROUP_TOTAL.review"})),
    "row_total:open, protected again": Broken(BASE, {"t3_open_total": 2}, reprotect=True,
                                              fails=frozenset({"T3_ROW_TOTAL.open", "T3_RESULTS_SUM.total"})),
}

# typed as text through the cell API after unprotecting (keyboard typing is refused by the validation)
TEXT_CASES = {
    "text numbers": {SHEET_T2: {"t2_license": "1,234", "t2_penalty": "/"},
                     SHEET_T3: {"t3_new_natural": "１２", "t3_open_natural": 12}},
    "not a number": {SHEET_T4: {"t4_review_upheld": "5件"}},
}
INSERT_REPORT = "06_huaian_2024.txt"  # the busiest real report: every part of 表三 is used
HOSTILE = {  # saved by LibreOffice from a filled template → the reader's reason
    "encrypted.xlsx": ("encrypted", OPEN_PASSWORD),
    "legacy.xls": ("legacy_xls", None),
    "legacy-encrypted.xls": ("legacy_xls", OPEN_PASSWORD),
    "opendocument.ods": ("not_a_workbook", None),
}
CHECK_CELLS = {cid: [sheet, xl_rowcol_to_cell(row, col)] for cid, (sheet, row, col) in LIVE_CHECKS.items()}


def _jobs(folder: Path, template: Path, template_2024: Path) -> dict[str, dict]:
    jobs: dict[str, dict] = {}

    def out(label: str, suffix: str = ".xlsx") -> str:
        return str(folder / (re.sub(r"[^\w.-]+", "_", label) + suffix))

    for key, rep in REPORTS.items():
        jobs[f"valid:{key}"] = {"path": str(template), "values": for_lo(input_values(rep)), "save_as": out(key)}
    jobs["valid:seed"] = {"path": str(template), "values": {**for_lo(SEED.values), **SEED.texts, **SEED_META},
                          "save_as": out("seed")}
    for label, case in BROKEN.items():
        sheets = {LAYOUT.positions[i][0] for i in case.overrides}
        jobs[f"broken:{label}"] = {
            "path": str(template), "unprotect": {s: DEFAULT_PASSWORD for s in sheets},
            "values": {**case.inputs, **case.overrides},
            "protect": {s: DEFAULT_PASSWORD for s in sheets} if case.reprotect else {},
            "read": [CHECK_FAILURES, *ITEM_IDS], "read_cells": list(CHECK_CELLS.values()),
            "save_as": out(label)}
    jobs["inserted"] = {"path": str(template), "unprotect": {SHEET_T3: DEFAULT_PASSWORD},
                        "insert_rows": [[SHEET_T3, 0, INSERTED]],
                        "values": for_lo(input_values(REPORTS[INSERT_REPORT])),
                        "read": [CHECK_FAILURES], "read_formulas": ["t3_total_natural"], "save_as": out("inserted")}
    jobs["wrong year"] = {"path": str(template_2024), "values": BASE, "save_as": out("wrong_year")}
    for label, by_sheet in TEXT_CASES.items():
        jobs[f"text:{label}"] = {"path": str(template), "unprotect": {s: DEFAULT_PASSWORD for s in by_sheet},
                                 "values": {k: v for values in by_sheet.values() for k, v in values.items()},
                                 "save_as": out(label)}
    jobs["hostile"] = {"path": str(template), "values": BASE,
                       "saves": [{"path": str(folder / name), "password": password}
                                 for name, (_, password) in HOSTILE.items()]}
    # LibreOffice opens what it wrote: the hostile files are real workbooks holding the typed numbers
    for label, job in jobs.items():  # every office fills its identity and 一、总体情况 (else REQUIRED_EMPTY)
        if "values" in job:
            job["values"] = {**OFFICE, **job["values"]}
    jobs["reopen:encrypted.xlsx"] = {"path": str(folder / "encrypted.xlsx"), "open_password": OPEN_PASSWORD,
                                     "read": ["t3_new_natural", "t4_review_upheld", CHECK_FAILURES]}
    jobs["reopen:legacy.xls"] = {"path": str(folder / "legacy.xls"),
                                 "read": ["t3_new_natural", "t4_review_upheld", CHECK_FAILURES]}
    return jobs


@dataclass
class Saved:
    folder: Path  # every file LibreOffice saved (and the two templates)
    results: dict[str, dict]  # job label → the driver's result, with "path": the .xlsx it saved (or None)

    def __getitem__(self, label: str) -> dict:
        return self.results[label]


@pytest.fixture(scope="module")
def saved(libreoffice, tmp_path_factory) -> Saved:
    """Every case typed and saved by LibreOffice in one soffice batch."""
    folder = tmp_path_factory.mktemp("saved-by-libreoffice")
    template = folder / "template-2025.xlsx"
    template.write_bytes(render_template(year=YEAR, agency=AGENCY))
    template_2024 = folder / "template-2024.xlsx"
    template_2024.write_bytes(render_template(year=YEAR - 1, agency=AGENCY))
    jobs = _jobs(folder, template, template_2024)
    results = libreoffice.run_jobs(list(jobs.values()))
    out = {}
    for (label, job), result in zip(jobs.items(), results):
        result["path"] = Path(job["save_as"]) if job.get("save_as") else None
        out[label] = result
    return Saved(folder, out)


_CHECK_BY_ITEMS = {(c.rule.id, c.left + c.right): cid for cid, c in CHECKS.items()}


def instances(findings) -> set[str]:
    """The check ids (rule instances) that rule findings name, recognised by the items of their cells."""
    return {_CHECK_BY_ITEMS.get((f.rule, tuple(c.item for c in f.cells)), f"{f.rule}:?") for f in findings if f.rule}


def summary(findings) -> list[tuple]:
    """Findings as comparable tuples: (code, rule, severity, ((sheet, cell, item, value), ...)), sorted."""
    return sorted((f.code, f.rule, f.severity.value, tuple((c.sheet, c.cell, c.item, c.value) for c in f.cells))
                  for f in findings)


# ------------------------------------------------------------------------------------------ 1. valid reports
@pytest.mark.parametrize("key", [*REPORTS, "seed"])
def test_a_valid_report_saved_by_libreoffice_reads_back_exactly(key, saved):
    path = saved[f"valid:{key}"]["path"]
    result = verify_file(path, year=YEAR)
    report = result.report
    assert result.status == "ok", summary(result.findings)
    # no finding at all: in particular no LAYOUT_CHANGED (LibreOffice's rewritten names and formulas keep the
    # fingerprint), no PROTECTION_REMOVED (its protection records are read as protection), no STAMP_MISSING
    assert summary(result.findings) == []
    assert report.provenance.application.startswith("LibreOffice/"), report.provenance.application
    assert report.origin == "template"
    assert (report.year, report.agency_code, report.agency_name) == (YEAR, AGENCY.code, AGENCY.name)
    published = published_values(REPORTS[key]) if key != "seed" else FORM.complete_values(SEED.values)
    wrong = {i: (report.values[i], published[i]) for i in ITEM_IDS if report.values[i] != published[i]}
    assert not wrong, f"(read back, published) differ: {wrong}"
    assert all(type(report.values[i]) is int for i in ITEM_IDS if not FORM.item(i).decimals)
    if key == "seed":  # texts typed with line breaks, and the identity fields, come back as typed
        assert report.texts == SEED.texts
        assert report.meta == SEED_META


# ------------------------------------------------------------------------------------------ 2. broken rules
def _lo_values(result: dict) -> dict:
    return {k: lo_number(v) for k, v in result["values"].items()}


def _expected_findings(case: Broken, workbook_values: dict) -> list[tuple]:
    """What verify must say: each failing rule instance with its cells (layout addresses, the workbook's
    values), each typed-over total, the changed layout, and each sheet left unprotected."""
    expected = []
    for cid in case.fails:
        check = CHECKS[cid]
        cells = tuple((*cell_of(i), i, workbook_values[i]) for i in check.left + check.right)
        expected.append((check.rule.id, check.rule.id, check.rule.severity.value, cells))
    for item_id, typed in case.overrides.items():
        expected.append(("TOTAL_TYPED_OVER", None, "warning", ((*cell_of(item_id), item_id, typed),)))
    if case.overrides:  # a formula replaced by a number is a changed layout too
        expected.append(("LAYOUT_CHANGED", None, "warning", ()))
    if not case.reprotect:
        for sheet in sorted({LAYOUT.positions[i][0] for i in case.overrides}):
            expected.append(("PROTECTION_REMOVED", None, "warning", ((sheet, None, None, None),)))
    return sorted(expected)


@pytest.mark.parametrize("label", BROKEN)
def test_libreoffice_itself_shows_the_failures_written_down(label, saved):
    """The oracle: the template's live check cells, recalculated by LibreOffice before saving, fail exactly the
    instances written down for the case (and check_failures counts them)."""
    result = saved[f"broken:{label}"]
    failing = {cid for cid, value in zip(CHECK_CELLS, result["cells"], strict=True) if value != 0}
    # (the row totals have no check cells of their own: the first sheet counts them into check_failures)
    assert failing == {cid for cid in BROKEN[label].fails if cid in CHECK_CELLS}
    assert result["values"][CHECK_FAILURES] == len(BROKEN[label].fails)
    for item_id, typed in BROKEN[label].overrides.items():
        assert result["values"][item_id] == typed


@pytest.mark.parametrize("label", [pytest.param(label, marks=pytest.mark.xfail(strict=True, reason=case.known_bug))
                                   if case.known_bug else label for label, case in BROKEN.items()])
def test_verify_names_exactly_the_failing_rule_instances_and_cells(label, saved):
    case = BROKEN[label]
    result = saved[f"broken:{label}"]
    workbook_values = _lo_values(result)  # what the saved workbook holds (LibreOffice's recalculated values)
    checked = verify_file(result["path"], year=YEAR)
    assert checked.status == "errors"
    found = instances(checked.findings)
    assert found == case.fails, f"verify: {sorted(found)}; the workbook shows: {sorted(case.fails)}"
    assert summary(checked.findings) == _expected_findings(case, workbook_values)
    typed = [f for f in checked.findings if f.code == "TOTAL_TYPED_OVER"]
    for finding in typed:  # the message gives the typed number and what the formula would give
        (cell,) = finding.cells
        assert str(case.overrides[cell.item]) in finding.message


# ------------------------------------------------------------------------------------------ 3. inserted rows
def test_rows_inserted_above_table3_still_read_by_defined_names(saved):
    result = saved["inserted"]
    assert result["values"][CHECK_FAILURES] == 0  # the live checks followed the move too
    report = read_file(result["path"])
    published = published_values(REPORTS[INSERT_REPORT])
    wrong = {i: (report.values[i], published[i]) for i in ITEM_IDS if report.values[i] != published[i]}
    assert not wrong, f"(read back, published) differ: {wrong}"
    for item_id in ITEM_IDS:  # LibreOffice moved the names: 表三's cells are 2 rows lower, the others unchanged
        assert report.where(item_id) == cell_of(item_id, shift=INSERTED), item_id
    # LibreOffice rewrote the totals' formulas to the moved rows, and that is what the reader sees
    template_formula = next(c.formula for s in LAYOUT.sheets for c in s.cells if c.name == "t3_total_natural")
    moved = re.sub(r"([A-Z]+)(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) + INSERTED}", template_formula)
    assert result["formulas"]["t3_total_natural"].lstrip("=").replace("$", "") == moved
    assert report.sources["t3_total_natural"].formula.replace("$", "") == moved
    checked = verify_file(result["path"], year=YEAR)
    assert checked.status == "ok"
    assert summary(checked.findings) == [("LAYOUT_CHANGED", None, "warning", ()),
                                         ("PROTECTION_REMOVED", None, "warning", ((SHEET_T3, None, None, None),))]


# ------------------------------------------------------------------------------------------ 4. wrong year
def test_a_template_for_the_wrong_year(saved):
    path = saved["wrong year"]["path"]
    checked = verify_file(path, year=YEAR)
    assert checked.status == "errors"
    assert checked.report.year == YEAR - 1
    assert summary(checked.findings) == [("WRONG_YEAR", None, "error", ((*cell_of("meta_year"), "meta_year", YEAR - 1),))]
    assert cell_of("meta_year") == (SHEET_MAIN, "B8")  # below the first sheet's box (只填浅黄色单元格 …)
    (finding,) = checked.findings
    assert str(YEAR - 1) in finding.message and str(YEAR) in finding.message
    assert verify_file(path, year=YEAR - 1).status == "ok"  # the same file, for its own year, is fine


# ------------------------------------------------------------------------------------------ 5. text in number cells
def test_numbers_typed_as_text_are_read_and_noted(saved):
    checked = verify_file(saved["text:text numbers"]["path"], year=YEAR)
    report = checked.report
    assert (report.values["t3_new_natural"], report.values["t2_license"], report.values["t2_penalty"]) == (12, 1234, 0)
    assert report.sources["t3_new_natural"].raw == "１２"  # LibreOffice saved it as text, not as a number
    assert checked.status == "ok"
    assert summary(checked.findings) == sorted([
        ("TEXT_NUMBER", None, "notice", ((*cell_of("t3_new_natural"), "t3_new_natural", "１２"),)),
        ("TEXT_NUMBER", None, "notice", ((*cell_of("t2_license"), "t2_license", "1,234"),)),
        ("PLACEHOLDER_AS_ZERO", None, "notice", ((*cell_of("t2_penalty"), "t2_penalty", "/"),)),
        ("PROTECTION_REMOVED", None, "warning", ((SHEET_T2, None, None, None),)),
        ("PROTECTION_REMOVED", None, "warning", ((SHEET_T3, None, None, None),)),
    ])


def test_text_that_is_not_a_number_is_an_error_naming_the_cell(saved):
    checked = verify_file(saved["text:not a number"]["path"], year=YEAR)
    assert checked.status == "errors"
    assert cell_of("t4_review_upheld") == (SHEET_T4, "A7")
    assert summary(checked.findings) == [
        ("NOT_A_NUMBER", None, "error", ((SHEET_T4, "A7", "t4_review_upheld", "5件"),)),
        ("PROTECTION_REMOVED", None, "warning", ((SHEET_T4, None, None, None),)),
    ]
    finding = next(f for f in checked.findings if f.code == "NOT_A_NUMBER")
    assert "A7" in finding.message and "5件" in finding.message
    assert checked.report.values["t4_review_upheld"] == 0


# ------------------------------------------------------------------------------------------ 6. hostile files
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_made_by_libreoffice_are_refused_with_their_reason(name, saved):
    path = saved.folder / name
    before = sha256(path)
    with pytest.raises(UnreadableFile) as caught:
        read_file(path)
    assert caught.value.reason == HOSTILE[name][0]
    assert caught.value.message and caught.value.hint
    checked = verify_file(path, year=YEAR)
    assert checked.status == "unreadable"
    assert [f.code for f in checked.findings] == ["UNREADABLE"]
    assert checked.sha256 == before
    assert sha256(path) == before  # reading never touches the input


def test_the_hostile_files_are_real_workbooks(saved):
    """LibreOffice opens what it saved (the encrypted one with its password) and finds the typed numbers."""
    for label in ("reopen:encrypted.xlsx", "reopen:legacy.xls"):
        values = _lo_values(saved[label])
        assert (values["t3_new_natural"], values["t4_review_upheld"], values[CHECK_FAILURES]) == (4, 2, 0), label
    head = (saved.folder / "encrypted.xlsx").read_bytes()
    assert head.startswith(b"\xd0\xcf\x11\xe0") and "EncryptedPackage".encode("utf-16-le") in head


def test_reading_leaves_every_saved_file_byte_identical(saved):
    files = sorted(p for p in saved.folder.iterdir() if p.is_file())
    assert len(files) >= len(REPORTS) + len(BROKEN) + len(HOSTILE) + 5
    for path in files:
        before, stat = sha256(path), path.stat()
        try:
            read_file(path)
        except UnreadableFile:
            pass
        verify_file(path, year=YEAR)
        assert sha256(path) == before, path.name
        assert path.stat().st_mtime_ns == stat.st_mtime_ns, path.name


def test_libreoffice_worksheets_read_the_same_cut_to_their_cells_or_whole(saved, monkeypatch):
    """The reader parses a worksheet's <sheetData> alone when it safely can; on every workbook LibreOffice wrote
    that gives exactly what parsing the whole worksheet gives."""
    from test_reader import agree_cut_and_whole

    compared = 0
    for path in sorted(p for p in saved.folder.iterdir() if p.suffix == ".xlsx"):
        data = path.read_bytes()
        try:
            read_bytes(data)
        except UnreadableFile:
            continue
        agree_cut_and_whole(data, monkeypatch)
        package = Package.open(data, path.name)
        worksheets = [name for name in package.names if name.startswith("xl/worksheets/sheet")]
        assert any(sheet_data_only(package.read(name)) is not None for name in worksheets), path.name
        compared += 1
    assert compared >= len(REPORTS) + len(BROKEN)
