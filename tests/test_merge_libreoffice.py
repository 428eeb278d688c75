"""merge with workbooks saved by a real spreadsheet application (LibreOffice Calc 7.4, through ``lo_driver.py``).

An inbox for the whole sample county (32 agencies): some returns typed into their template in LibreOffice and
saved by it (one with an error, one corrected later, one saved with an open password, one as legacy .xls), the
others written by ``render_template``. The merge must account for every file and sum exactly what the offices
typed. Then the consolidated workbook is opened in LibreOffice, which recalculates every formula (the driver's
profile forces recalculation on load, and it calls ``calculateAll``): each named cell of 汇总 must equal the
value XlsxWriter cached, and the workbook LibreOffice saves must read back as the same consolidation.

Two soffice batches: the returns (module fixture ``inbox``), then the consolidated workbook (``recalculated``).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from gongkai_xlsx import samples
from gongkai_xlsx.check.verify import verify_report
from gongkai_xlsx.template.consolidated_layout import SHEET_INDICATORS
from gongkai_xlsx.consolidate.merge import merge_inbox
from gongkai_xlsx.consolidate.workbook import SHEET_BY_CATEGORY, SHEET_DETAIL, SHEET_SUMMARY, render_consolidated
from gongkai_xlsx.form import FORM_2021, Severity
from gongkai_xlsx.ooxml.package import UnreadableFile
from gongkai_xlsx.read.returned import read_file
from gongkai_xlsx.template.layout import CHECK_FAILURES
from gongkai_xlsx.template.render import render_template

from libreoffice import for_lo, libreoffice  # noqa: F401  (the pytest fixture; conftest puts tests/ on sys.path)

pytestmark = pytest.mark.libreoffice

FORM = FORM_2021
YEAR = samples.YEAR
ROSTER = samples.roster()
BY_NAME = {agency.name: agency for agency in ROSTER}
CURRENT = samples.county_returns()[1]  # this year's return of every roster agency (the independent truth)
ITEM_IDS = [item.id for item in FORM.items]
OPEN_PASSWORD = "mima-2026"

# returns typed into the template in LibreOffice and saved by it: the seed agency (long texts, all zero), the
# five busy agencies (large numbers, fees with decimals), a department and two towns
THROUGH_LO = ("娲城街道办事处", "示例县公安局", "示例县自然资源和规划局", "示例县住房和城乡建设局",
              "示例县人力资源和社会保障局", "示例县市场监督管理局", "示例县财政局", "城东街道办事处", "青石镇人民政府")
EDUCATION, CIVIL, YUNTAI, AUDIT = "示例县教育局", "示例县民政局", "云台乡人民政府", "示例县审计局"


def book(name: str, suffix: str = "") -> str:
    return f"{YEAR}年政府信息公开工作年度报告_{name}{suffix}"


@dataclass
class LoReturn:
    """One workbook filled in LibreOffice: whose, what is typed, how it is saved, and what merge must make of it."""

    agency: str
    file: str
    status: str
    values: dict
    meta: dict
    password: str | None = None


def _lo_returns() -> list[LoReturn]:
    def current(name: str) -> tuple[dict, dict]:
        filled = CURRENT[BY_NAME[name].code]
        return dict(filled.values), dict(filled.meta)

    out = [LoReturn(name, book(name, ".xlsx"), "included", *current(name)) for name in THROUGH_LO]
    values, meta = current(EDUCATION)  # a first version with an error, then the corrected one, dated later
    wrong = {**values, "t3_open_natural": values.get("t3_open_natural", 0) + 1}
    out.append(LoReturn(EDUCATION, book(EDUCATION, ".xlsx"), "superseded", wrong, {**meta, "meta_date": "2026-01-08"}))
    out.append(LoReturn(EDUCATION, book(EDUCATION, "（更正）.xlsx"), "included", values,
                        {**meta, "meta_date": "2026-01-21"}))
    values, meta = current(CIVIL)  # 勾稽 error: not counted, but the agency did report
    out.append(LoReturn(CIVIL, book(CIVIL, ".xlsx"), "invalid_excluded",
                        {**values, "t3_new_natural": values.get("t3_new_natural", 0) + 2}, meta))
    out.append(LoReturn(YUNTAI, book(YUNTAI, ".xlsx"), "unreadable", *current(YUNTAI), password=OPEN_PASSWORD))
    out.append(LoReturn(AUDIT, book(AUDIT, ".xls"), "unreadable", *current(AUDIT)))
    return out


LO_RETURNS = _lo_returns()
NOT_COUNTED = {CIVIL, YUNTAI, AUDIT}
MISSING = {YUNTAI, AUDIT}  # their only files cannot be read


@dataclass
class Inbox:
    folder: Path
    expected_status: dict[str, str]  # file name → status
    through_lo: set[str]  # file names saved by LibreOffice


@pytest.fixture(scope="module")
def inbox(libreoffice, tmp_path_factory) -> Inbox:
    root = tmp_path_factory.mktemp("county-lo")
    templates, folder = root / "templates", root / "收件箱"
    templates.mkdir()
    folder.mkdir()
    jobs = []
    for ret in LO_RETURNS:
        agency = BY_NAME[ret.agency]
        template = templates / f"{agency.code}.xlsx"
        if not template.exists():
            template.write_bytes(render_template(year=YEAR, agency=agency))
        filled = CURRENT[agency.code]
        jobs.append({"path": str(template), "values": {**for_lo(ret.values), **filled.texts, **ret.meta},
                     "saves": [{"path": str(folder / ret.file), "password": ret.password}]})
    libreoffice.run_jobs(jobs)
    expected = {ret.file: ret.status for ret in LO_RETURNS}
    by_lo = {ret.agency for ret in LO_RETURNS}
    for agency in ROSTER:
        if agency.name not in by_lo:
            (folder / book(agency.name, ".xlsx")).write_bytes(CURRENT[agency.code].workbook())
            expected[book(agency.name, ".xlsx")] = "included"
    assert len(expected) == len(ROSTER) + 1 >= 30  # 教育局 sent two files
    return Inbox(folder, expected, {ret.file for ret in LO_RETURNS})


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """Last year's consolidation of the sample county (as ``gongkai-xlsx samples`` writes it)."""
    root = tmp_path_factory.mktemp("samples")
    samples.write_samples(root)
    return read_file(root / "上年汇总" / f"{YEAR - 1}年政府信息公开工作年度报告汇总_{samples.COUNTY}.xlsx")


@pytest.fixture(scope="module")
def merged(inbox, previous):
    return merge_inbox([inbox.folder], year=YEAR, roster=ROSTER, unit_name=samples.COUNTY,
                       unit_code=samples.COUNTY_CODE, previous=previous, workers=1)


# ------------------------------------------------------------------------------------------ 7. the merge
def test_every_file_is_accounted_for(inbox, merged):
    on_disk = sorted(p.name for p in inbox.folder.iterdir() if p.is_file() and not p.name.startswith("."))
    assert sorted(e.submission.name for e in merged.entries) == on_disk == sorted(inbox.expected_status)
    assert {e.submission.name: e.status for e in merged.entries} == inbox.expected_status
    assert sorted(a.name for a in merged.missing) == sorted(MISSING)
    counted = {m.agency.name for m in merged.members}
    assert counted == {a.name for a in ROSTER} - NOT_COUNTED
    counts = merged.counts()
    assert (counts["expected"], counts["members"], counts["superseded"], counts["invalid_excluded"],
            counts["unreadable"]) == (32, 29, 1, 1, 2)


def test_the_totals_are_the_sums_of_what_the_offices_typed(merged):
    counted = [a for a in ROSTER if a.name not in NOT_COUNTED]
    expected = {i: sum((FORM.complete_values(CURRENT[a.code].values)[i] for a in counted), 0) for i in ITEM_IDS}
    wrong = {i: (merged.totals[i], expected[i]) for i in ITEM_IDS if merged.totals[i] != expected[i]}
    assert not wrong, f"(merged, expected) differ: {wrong}"
    assert merged.totals["t3_new_total"] > 100 and merged.totals["t2_fee"] > 0
    assert isinstance(merged.totals["t2_fee"], Decimal)


def test_returns_saved_by_libreoffice_read_back_as_typed(inbox, merged):
    by_file = {e.submission.name: e for e in merged.entries}
    for ret in LO_RETURNS:
        entry = by_file[ret.file]
        if ret.status == "unreadable":
            continue
        report = entry.report
        assert report.provenance.application.startswith("LibreOffice/"), ret.file
        assert report.values == FORM.complete_values(ret.values), ret.file
        assert report.texts == CURRENT[BY_NAME[ret.agency].code].texts, ret.file
        assert report.meta == ret.meta, ret.file
        assert (report.agency_code, report.year) == (BY_NAME[ret.agency].code, YEAR)
        codes = [f.code for f in entry.result.findings]
        if ret.status == "included":
            assert codes == [], (ret.file, codes)
        else:  # the first version of 教育局 and 民政局: one 勾稽 error each (the column and the total column)
            assert sorted(codes) == ["T3_BALANCE", "T3_BALANCE"], (ret.file, codes)
    # the inbox really is a mix: exactly the LibreOffice files say so
    readable = [e for e in merged.entries if e.report is not None]
    assert {e.submission.name for e in readable if (e.report.provenance.application or "").startswith("LibreOffice")} \
        == {r.file for r in LO_RETURNS if r.status != "unreadable"}
    by_render = [e for e in merged.entries if e.submission.name not in inbox.through_lo]
    assert (len(by_render), len(inbox.through_lo)) == (19, 14)  # 19 files by render_template, 14 through LibreOffice (13 agencies, one of them twice)
    assert all(e.status == "included" and e.result.findings == [] for e in by_render)


def test_unreadable_returns_made_by_libreoffice(inbox, merged):
    reasons = {}
    for ret in LO_RETURNS:
        if ret.status != "unreadable":
            continue
        (entry,) = [e for e in merged.entries if e.submission.name == ret.file]
        assert [f.code for f in entry.result.findings] == ["UNREADABLE"]
        with pytest.raises(UnreadableFile) as caught:
            read_file(inbox.folder / ret.file)
        reasons[ret.agency] = caught.value.reason
    assert reasons == {YUNTAI: "encrypted", AUDIT: "legacy_xls"}


# ------------------------------------------------------------------------------------------ 8. the consolidated workbook
@dataclass
class Recalculated:
    path: Path  # the consolidated workbook as XlsxWriter wrote it
    saved: Path  # the same, saved by LibreOffice
    names: dict[str, str]  # every workbook-scoped name on 汇总 → its cell
    cached: dict[str, object]  # name → the value XlsxWriter cached (openpyxl data_only)
    lo: dict[str, object]  # name → LibreOffice's recalculated value
    tampered: dict[str, object]  # name → LibreOffice's value in a copy whose cached values were falsified
    formulas: list[tuple[str, str]]  # every formula cell of 指标 and 分类汇总: (sheet, A1)
    formulas_cached: list[object]  # their values as XlsxWriter cached them
    formulas_lo: list[object]  # as LibreOffice recalculated them
    indicators_cached: dict[str, object]  # the ind_* names → cached value
    indicators_lo: dict[str, object]
    pdf: Path  # the workbook printed to PDF by LibreOffice


def summary_names(data: bytes) -> tuple[dict[str, str], dict[str, object]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    names = {}
    for name, defined in workbook.defined_names.items():
        destinations = list(defined.destinations)
        if len(destinations) == 1 and destinations[0][0] == SHEET_SUMMARY:
            names[name] = destinations[0][1].replace("$", "")
    sheet = workbook[SHEET_SUMMARY]
    return names, {name: sheet[cell].value for name, cell in names.items()}


def falsify_cached(data: bytes, cells: list[str]) -> bytes:
    """The workbook with the cached results of some 汇总 formulas replaced by 999999 (formulas intact)."""
    sheet_part = _sheet_part(data, SHEET_SUMMARY)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            part = zin.read(info)
            if info.filename == sheet_part:
                for cell in cells:
                    part, n = re.subn(rb'(<c r="' + cell.encode() + rb'"[^>]*>\s*<f>[^<]*</f>\s*<v>)[^<]*(</v>)',
                                      rb"\g<1>999999\g<2>", part)
                    assert n == 1, cell
            zout.writestr(info, part)
    return out.getvalue()


def _sheet_part(data: bytes, sheet_name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    rid = re.search(r'<sheet name="' + re.escape(sheet_name) + r'"[^>]*r:id="([^"]+)"', workbook).group(1)
    target = re.search(r'Id="' + rid + r'"[^>]*Target="([^"]+)"', rels) or \
        re.search(r'Target="([^"]+)"[^>]*Id="' + rid + r'"', rels)
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


FALSIFIED = ("t3_new_total", "t2_fee", CHECK_FAILURES)


@pytest.fixture(scope="module")
def recalculated(libreoffice, merged, tmp_path_factory) -> Recalculated:
    folder = tmp_path_factory.mktemp("consolidated-lo")
    data = render_consolidated(merged)
    path = folder / "汇总.xlsx"
    path.write_bytes(data)
    names, cached = summary_names(data)
    tampered_path = folder / "汇总-缓存值被改.xlsx"
    tampered_path.write_bytes(falsify_cached(data, [names[n] for n in FALSIFIED]))
    saved = folder / "汇总-LibreOffice.xlsx"
    read = sorted(names)
    formulas, formulas_cached = formula_cells(data, (SHEET_INDICATORS, SHEET_BY_CATEGORY))
    indicators = indicator_names(data)
    pdf = folder / "汇总.pdf"
    results = libreoffice.run_jobs([{"path": str(path), "read": read + sorted(indicators), "save_as": str(saved),
                                     "read_cells": [list(ref) for ref in formulas]},
                                    {"path": str(tampered_path), "read": read},
                                    {"path": str(path), "save_as": str(pdf)}])
    assert all(result["ok"] for result in results), results
    lo_values = results[0]["values"]
    return Recalculated(path, saved, names, cached, {n: lo_values[n] for n in read}, results[1]["values"],
                        formulas, formulas_cached, results[0]["cells"], indicators,
                        {n: lo_values[n] for n in indicators}, pdf)


def formula_cells(data: bytes, sheets) -> tuple[list[tuple[str, str]], list[object]]:
    """Every formula cell of ``sheets``, and the value cached with it."""
    formulas = openpyxl.load_workbook(io.BytesIO(data))
    values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    refs, cached = [], []
    for sheet in sheets:
        for row in formulas[sheet].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    refs.append((sheet, cell.coordinate))
                    cached.append(values[sheet][cell.coordinate].value)
    return refs, cached


def indicator_names(data: bytes) -> dict[str, object]:
    """The workbook-scoped ind_* names and the values cached in their cells."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    out = {}
    for name, defined in workbook.defined_names.items():
        if name.startswith("ind_"):
            ((sheet, ref),) = list(defined.destinations)
            out[name] = workbook[sheet][ref.replace("$", "")].value
    return out


def _same(lo_value, cached, decimals: bool) -> bool:
    if decimals:  # 万元 with up to 6 decimals, summed as doubles on both sides
        return abs(lo_value - cached) <= 1e-9 * max(1.0, abs(cached))
    return lo_value == cached


def test_every_numeric_cell_of_the_summary_is_named_by_its_stable_id(recalculated):
    assert set(recalculated.names) == set(ITEM_IDS) | {CHECK_FAILURES}
    workbook = openpyxl.load_workbook(recalculated.path)
    summary, detail = workbook[SHEET_SUMMARY], workbook[SHEET_DETAIL]
    column_ids = {cell.column_letter: cell.value for cell in detail[2]}  # 明细's second header row: stable ids
    sums = {cell.coordinate: re.fullmatch(r"=SUM\('明细'!([A-Z]+)3:\1\d+\)", str(cell.value))
            for row in summary.iter_rows() for cell in row if str(cell.value).startswith("=SUM('明细'!")}
    # every total over 明细 carries a name, and the name is the id of the column it adds up
    by_cell = {cell: name for name, cell in recalculated.names.items()}
    assert len(sums) == len(ITEM_IDS) and all(sums.values())
    assert {by_cell.get(cell) for cell in sums} == set(ITEM_IDS)
    assert all(by_cell[cell] == column_ids[match.group(1)] for cell, match in sums.items())


def test_libreoffice_recalculates_every_named_summary_cell_to_the_cached_value(recalculated, merged):
    lo, cached = recalculated.lo, recalculated.cached
    wrong = {}
    for name in recalculated.names:
        decimals = name != CHECK_FAILURES and bool(FORM.item(name).decimals)
        if not isinstance(lo[name], (int, float)) or not _same(lo[name], cached[name], decimals):
            wrong[name] = (lo[name], cached[name])
    assert not wrong, f"(LibreOffice, cached by XlsxWriter) differ: {wrong}"
    assert lo[CHECK_FAILURES] == 0 == cached[CHECK_FAILURES]
    # and the cached values are the merge's totals
    assert {i: cached[i] for i in ITEM_IDS} == for_lo(merged.totals)


def test_the_comparison_sees_libreoffices_own_results(recalculated):
    """With the cached results falsified, LibreOffice still shows the true sums: what was compared above is its
    own recalculation, not the cached value read back."""
    for name in FALSIFIED:
        assert recalculated.tampered[name] == recalculated.lo[name] != 999999, name


def test_the_consolidated_workbook_saved_by_libreoffice_reads_back_the_same(recalculated, merged):
    report = read_file(recalculated.saved)
    assert report.provenance.application.startswith("LibreOffice/")
    assert report.origin == "consolidated"
    assert (report.year, report.agency_code, report.agency_name) == (YEAR, samples.COUNTY_CODE, samples.COUNTY)
    assert report.values == merged.totals
    assert [m.agency.code for m in report.members] == [m.agency.code for m in merged.members]
    assert [m.values for m in report.members] == [m.values for m in merged.members]
    assert report.units == len(merged.members) == 29
    assert [f for f in verify_report(report, year=YEAR) if f.severity is Severity.ERROR] == []
    # the untouched original reads the same
    assert read_file(recalculated.path).values == report.values


def _same_value(lo_value, cached) -> bool:
    if cached in (None, ""):  # an empty rate (denominator 0) or no 样本少 mark
        return lo_value in (None, "")
    if isinstance(cached, str):
        return lo_value == cached
    return isinstance(lo_value, (int, float)) and abs(lo_value - cached) <= 1e-12 * max(1.0, abs(cached))


def test_libreoffice_recalculates_the_indicators_and_categories_to_the_cached_values(recalculated):
    """指标 (rates, year on year, chart data) and 分类汇总 (SUMIF by category, 合计): every formula cell."""
    assert len(recalculated.formulas) > 1000
    wrong = [(ref, lo, cached) for ref, lo, cached in zip(recalculated.formulas, recalculated.formulas_lo,
                                                          recalculated.formulas_cached) if not _same_value(lo, cached)]
    assert not wrong, f"(cell, LibreOffice, cached) differ: {wrong[:10]}"
    assert set(recalculated.indicators_cached) == {"ind_open_rate", "ind_review_corrected_rate",
                                                   "ind_suit_corrected_rate", "ind_new_yoy"}
    for name, cached in recalculated.indicators_cached.items():
        assert isinstance(cached, float), name
        assert _same_value(recalculated.indicators_lo[name], cached), (name, recalculated.indicators_lo[name], cached)


def test_every_printed_page_names_the_unit_the_coverage_and_its_number(recalculated, merged):
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = subprocess.run(["pdftotext", "-layout", str(recalculated.pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    total = len(pages)
    assert total > 40  # the sheets, 明细 across its pages, a sheet per agency
    coverage = f"计入 {len(merged.members)} / 名册 {len(ROSTER)} 个单位"
    for number, page in enumerate(pages, start=1):
        assert f"{samples.COUNTY}{YEAR}年度政府信息公开工作年度报告汇总" in page, number
        assert coverage in page and f"第 {number} 页，共 {total} 页" in page, number
