"""merge: a realistic inbox in, every file accounted for, totals that add up, a workbook that verifies clean."""

import gc
import hashlib
import io
import json
import zipfile
from pathlib import Path
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from forms import FILLED
from gongkai_xlsx import samples
from gongkai_xlsx.check.verify import verify_report
from gongkai_xlsx.cli import app
from gongkai_xlsx.consolidate.export import consolidated_frame, export_consolidated
from gongkai_xlsx.consolidate.merge import merge_inbox
from gongkai_xlsx.consolidate.workbook import (
    SHEET_BY_CATEGORY,
    SHEET_DETAIL,
    SHEET_STATUS,
    SHEET_SUMMARY,
    SHEET_TEXTS,
    render_consolidated,
)
from gongkai_xlsx.form import FORM_2021, Severity
from gongkai_xlsx.read.intake import collect
from gongkai_xlsx.read.returned import read_bytes, read_file
from gongkai_xlsx.roster import Agency
from gongkai_xlsx.template.render import render_template

YEAR = samples.YEAR


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The sample county written to disk, and its returns as generated (the independent truth)."""
    root = tmp_path_factory.mktemp("county")
    samples.write_samples(root)
    previous, current = samples.county_returns()
    return root, previous, current


@pytest.fixture(scope="module")
def merged(county):
    root, _, _ = county
    previous = read_file(root / "上年汇总" / f"{YEAR - 1}年政府信息公开工作年度报告汇总_示例县.xlsx")
    return merge_inbox([root / "收件箱"], year=YEAR, roster=samples.roster(), unit_name="示例县",
                       unit_code=samples.COUNTY_CODE, previous=previous, workers=1)


def status_of(result, agency_name):
    return sorted(e.status for e in result.entries if e.agency and e.agency.name == agency_name)


def test_zip_names_written_by_chinese_windows_are_decoded(tmp_path):
    archive = tmp_path / "报表.zip"
    archive.write_bytes(samples.windows_zip({"娲城街道办事处年报.xlsx": b"x", "青石镇.xlsx": b"y"},
                                            samples.datetime(2026, 1, 5, 9, 0)))
    raw = zipfile.ZipFile(archive).infolist()[0]
    assert not raw.flag_bits & 0x800  # really written without the UTF-8 flag
    assert sorted(s.member for s in collect([archive])) == ["娲城街道办事处年报.xlsx", "青石镇.xlsx"]


@pytest.mark.parametrize("outlook", [False, True])
def test_email_attachments_and_provenance(tmp_path, outlook):
    when = samples.datetime(2026, 1, 20, 10, 30, tzinfo=samples.CHINA)
    mail = tmp_path / "m.eml"
    mail.write_bytes(samples.email_with("教育局 <jy@example.cn>", "报送：年报", when,
                                        {"2025年年报_教育局.xlsx": b"PK-data", "说明.pdf": b"%PDF"},
                                        outlook_names=outlook))
    (first, second) = collect([mail])
    assert (first.member, first.data, second.member) == ("2025年年报_教育局.xlsx", b"PK-data", "说明.pdf")
    assert first.sender == "教育局 <jy@example.cn>" and first.subject == "报送：年报" and first.received == when
    assert first.name == "m.eml › 2025年年报_教育局.xlsx"


def test_an_email_without_attachments_is_still_accounted_for(tmp_path):
    mail = tmp_path / "empty.eml"
    mail.write_bytes(b"From: a@b.cn\r\nSubject: hi\r\n\r\nno attachment\r\n")
    (only,) = collect([mail])
    assert only.data is None and only.note == "邮件没有附件"


def test_a_workbook_is_read_where_it_is_verified_and_a_vanished_one_is_accounted_for(tmp_path):
    from gongkai_xlsx.check.verify import verify_submissions

    kept, vanished = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    kept.write_bytes(render_template(year=YEAR, **FILLED))  # a template with nothing typed is NOT_FILLED
    vanished.write_bytes(render_template(year=YEAR, **FILLED))
    submissions = collect([tmp_path])
    assert [s.data for s in submissions] == [None, None]  # left on disk: a worker process reads them
    kept_hash = hashlib.sha256(kept.read_bytes()).hexdigest()
    vanished.unlink()  # gone between collecting and verifying
    first, second = verify_submissions(submissions, year=YEAR, workers=1)
    assert first.status == "ok" and first.report.year == YEAR and first.sha256 == kept_hash
    assert second.status == "unreadable" and "无法读取文件" in second.findings[0].message and second.sha256 == ""


def test_every_input_is_accounted_for_with_one_status(county, merged):
    root, _, _ = county
    names = {e.submission.name for e in merged.entries}
    for path in (root / "收件箱").iterdir():
        assert any(name == path.name or name.startswith(path.name + " › ") for name in names), path.name
    assert all(e.status for e in merged.entries)
    assert status_of(merged, "示例县教育局") == ["included", "superseded"]
    assert status_of(merged, "示例县民政局") == ["invalid_excluded"]
    assert status_of(merged, "示例县公安局") == ["invalid_excluded"]
    assert status_of(merged, "示例县商务局") == ["wrong_year"]
    # a scanned PDF beside the workbook is an attachment, not a report: listed, not unreadable
    assert [e.status for e in merged.entries if e.submission.member == "年报正文（扫描件）.pdf"] == ["attachment"]
    assert [e.report.agency_name for e in merged.entries if e.status == "unknown_agency"] == ["示例县档案馆"]
    # the agency that only sent last year's file has not reported this year
    assert sorted(a.name for a in merged.missing) == ["云台乡人民政府", "示例县商务局", "示例县审计局"]
    counts = merged.counts()
    assert (counts["expected"], counts["valid"], counts["members"]) == (32, 27, 27)


def test_totals_equal_independently_computed_sums(county, merged):
    _, _, current = county
    counted = {m.agency.code for m in merged.members}
    expected = {item.id: sum((FORM_2021.complete_values(current[code].values)[item.id] for code in counted), 0)
                for item in FORM_2021.items}
    assert merged.totals == expected
    assert merged.totals["t3_new_total"] > 0


def test_category_totals_and_detail_rows_equal_independently_computed_values(county, merged):
    _, _, current = county
    ids = [item.id for item in FORM_2021.items]

    def expected(codes):  # numbers as the workbook stores them (amounts in yuan become floats)
        return [float(sum(FORM_2021.complete_values(current[code].values)[i] for code in codes)) for i in ids]

    # the cached values of the formulas, as Excel shows them before recalculating
    workbook = openpyxl.load_workbook(io.BytesIO(render_consolidated(merged)), data_only=True)
    detail = list(workbook[SHEET_DETAIL].iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in detail] == [m.agency.code for m in merged.members]
    for row in detail:
        assert list(row[len(row) - len(ids):]) == expected([row[0]])
    # 分类汇总: items down the side in the form's order, one column per roster category and 合计
    rows = list(workbook[SHEET_BY_CATEGORY].iter_rows(values_only=True))
    (header,) = [row for row in rows if row[0] == "项目"]
    categories = list(header[2:header.index("合计")])
    assert categories == list(dict.fromkeys(a.category for a in samples.roster()))
    id_col = header.index("编号")
    by_id = {row[id_col]: row for row in rows if row[id_col] and row[id_col] != "编号"}
    assert [key for key in by_id if key != "members"] == ids
    members = by_id["members"]
    for index, category in enumerate(categories, start=2):
        codes = [m.agency.code for m in merged.members if m.agency.category == category]
        assert members[index] == len(codes)
        sums = expected(codes)
        assert [by_id[i][index] for i in ids] == sums, category
    assert [by_id[i][len(categories) + 2] for i in ids] == expected([m.agency.code for m in merged.members])
    # labels verbatim from the form (a line break before a unit is layout): a row's label heads its run of
    # items, each item's column label beside it
    item_rows = [row for row in rows if row[id_col] in FORM_2021.items_by_id]
    assert [row[1].replace("\n", "") for row in item_rows] == [item.col_label or "—" for item in FORM_2021.items]
    assert {row[0] for row in item_rows if row[0]} == {item.row_label for item in FORM_2021.items}


def test_cross_year_rules_run_against_last_years_consolidation(merged):
    warnings = [f for e in merged.entries for f in e.result.findings if f.code == "CROSS_YEAR_CARRY"]
    assert warnings == []  # the sample's carry-over matches last year's


def test_the_consolidated_workbook_verifies_clean_and_is_reproducible(merged):
    data = render_consolidated(merged)
    assert data == render_consolidated(merged)
    report = read_bytes(data, "county.xlsx")
    assert report.origin == "consolidated" and report.year == YEAR and report.units == 27
    assert report.values == merged.totals
    assert [f for f in verify_report(report) if f.severity is Severity.ERROR] == []
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for name in ("说明", "汇总", "分类汇总", "明细", "文字", "报送情况", "校验明细"):
        assert name in workbook.sheetnames
    detail = workbook[SHEET_DETAIL]
    assert detail["H2"].value == FORM_2021.items[0].id and detail.freeze_panes == "C3"
    summary_cell = workbook.defined_names["t3_new_total"]
    ((sheet, ref),) = list(summary_cell.destinations)
    assert sheet == SHEET_SUMMARY and workbook[sheet][ref.replace("$", "")].value.startswith("=SUM('明细'!")
    status_rows = [row for row in workbook[SHEET_STATUS].iter_rows(min_row=2, values_only=True)]
    assert sum(1 for row in status_rows if row[4] == "未报送") == 3
    assert {row[4] for row in status_rows} >= {"已报送·通过", "已报送·有错误（未计入）", "已被更新版本替代", "名册外单位",
                                               "附件（非报表）", "年度不符（未计入）", "未报送"}


def test_parallel_verification_gives_what_one_process_gives(county):
    root, _, _ = county
    previous = read_file(root / "上年汇总" / f"{YEAR - 1}年政府信息公开工作年度报告汇总_示例县.xlsx")
    changed = previous.members[0]
    changed.values = {key: value + 1 for key, value in changed.values.items()}  # its carry-over now differs
    serial, parallel = (merge_inbox([root / "收件箱"], year=YEAR, roster=samples.roster(), unit_name="示例县",
                                    unit_code=samples.COUNTY_CODE, previous=previous, workers=workers)
                        for workers in (1, 2))

    def outcome(result):
        return [(e.submission.name, e.status, sorted((f.code, f.message, [(c.sheet, c.cell) for c in f.cells])
                                                   for f in e.result.findings))
                for e in result.entries]

    assert outcome(parallel) == outcome(serial)
    assert parallel.totals == serial.totals
    carry = [e.agency.code for e in parallel.entries for f in e.result.findings if f.code == "CROSS_YEAR_CARRY"]
    assert changed.agency.code in carry  # last year's figures reached the worker processes


def test_a_consolidated_workbooks_detail_is_read_cell_by_cell(merged):
    workbook = openpyxl.load_workbook(io.BytesIO(render_consolidated(merged)))
    detail = workbook[SHEET_DETAIL]
    ids = [cell.value for cell in detail[2]]
    typed, junk = FORM_2021.items[0].id, FORM_2021.items[1].id
    typed_cell = detail.cell(row=4, column=ids.index(typed) + 1)
    junk_cell = detail.cell(row=5, column=ids.index(junk) + 1)
    typed_cell.value, junk_cell.value = "12", "见附件"
    edited = io.BytesIO()
    workbook.save(edited)
    report = read_bytes(edited.getvalue(), "county.xlsx")
    assert report.origin == "consolidated"
    found = {(f.code, f.cells[0].sheet, f.cells[0].cell) for f in report.findings if f.cells}
    assert ("TEXT_NUMBER", SHEET_DETAIL, typed_cell.coordinate) in found
    assert ("NOT_A_NUMBER", SHEET_DETAIL, junk_cell.coordinate) in found
    assert report.members[1].values[typed] == 12 and report.members[2].values[junk] == 0
    assert report.values[typed] == sum(m.values[typed] for m in report.members)
    assert report.values[typed] == merged.totals[typed] - merged.members[1].values[typed] + 12


def test_the_cycle_collector_is_paused_only_while_the_workbook_is_written(merged, monkeypatch):
    from gongkai_xlsx.consolidate import workbook as consolidate

    seen = []
    write = consolidate._render
    monkeypatch.setattr(consolidate, "_render", lambda *args: seen.append(gc.isenabled()) or write(*args))
    render_consolidated(merged)
    assert seen == [False] and gc.isenabled()

    def failing(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(consolidate, "_render", failing)
    with pytest.raises(RuntimeError):
        render_consolidated(merged)
    assert gc.isenabled()  # on again after a failed write
    gc.disable()
    try:
        monkeypatch.setattr(consolidate, "_render", lambda *args: b"")
        render_consolidated(merged)
        assert not gc.isenabled()  # a caller's own choice is left as it was
    finally:
        gc.enable()


def test_include_invalid_counts_returns_with_errors(county):
    root, _, _ = county
    result = merge_inbox([root / "收件箱"], year=YEAR, roster=samples.roster(), include_invalid=True, workers=1)
    assert status_of(result, "示例县民政局") == ["invalid_included"]
    assert len(result.members) == 29


def test_a_two_level_merge_gives_the_flat_totals(county, tmp_path):
    root, _, current = county
    roster = samples.roster()
    halves = {"A": [a for a in roster if a.category == "部门"], "B": [a for a in roster if a.category != "部门"]}
    for code, agencies in halves.items():
        folder = tmp_path / code
        for agency in agencies:
            (folder / f"{agency.code}.xlsx").parent.mkdir(exist_ok=True)
            (folder / f"{agency.code}.xlsx").write_bytes(
                current[agency.code].workbook())
        county_result = merge_inbox([folder], year=YEAR, roster=agencies, unit_name=f"县{code}", unit_code=code,
                                    workers=1)
        (tmp_path / "city").mkdir(exist_ok=True)
        (tmp_path / "city" / f"{code}.xlsx").write_bytes(render_consolidated(county_result))
    city = merge_inbox([tmp_path / "city"], year=YEAR, roster=[Agency("A", "县A", "县"), Agency("B", "县B", "县")],
                       unit_name="市", unit_code="C", workers=1)
    flat = merge_inbox([tmp_path / "A", tmp_path / "B"], year=YEAR, roster=roster, workers=1)
    assert city.totals == flat.totals
    assert [m.units for m in city.members] == [len(halves["A"]), len(halves["B"])]
    assert city.counts()["units"] == len(roster)


INJECTIONS = ['=HYPERLINK("http://x","点我")', "+1+1", "@SUM(A1)", "-2+3", "=1+1"]


def test_office_text_never_becomes_a_formula(tmp_path):
    for index, text in enumerate(INJECTIONS):
        texts = {"text_overview": text, "text_problems": text, "text_other": text}
        (tmp_path / f"{index}.xlsx").write_bytes(
            render_template(year=YEAR, agency=Agency(f"X{index}", f"单位{index}"), texts=texts))
    result = merge_inbox([tmp_path], year=YEAR, workers=1)
    data = render_consolidated(result)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_index = openpyxl.load_workbook(io.BytesIO(data)).sheetnames.index(SHEET_TEXTS) + 1
        assert b"<f>" not in archive.read(f"xl/worksheets/sheet{sheet_index}.xml")
    sheet = openpyxl.load_workbook(io.BytesIO(data))[SHEET_TEXTS]
    texts = [cell for row in sheet.iter_rows() for cell in row if cell.value in INJECTIONS]
    assert sorted(cell.value for cell in texts) == sorted(INJECTIONS * 3)  # three sections per agency
    assert all(cell.data_type == "s" for cell in texts)


def test_export_long_format(merged, tmp_path):
    path = tmp_path / "c.xlsx"
    path.write_bytes(render_consolidated(merged))
    frame = consolidated_frame(path)
    assert list(frame.columns) == ["agency_code", "agency", "category", "year", "id", "label", "value"]
    assert len(frame) == len(merged.members) * len(FORM_2021.items)
    assert frame.groupby("id")["value"].sum()["t3_new_total"] == merged.totals["t3_new_total"]
    fee = frame[frame["id"] == "t2_fee"]["value"].sum()
    assert Decimal(str(round(fee, 6))) == Decimal(str(round(float(merged.totals["t2_fee"]), 6)))
    csv = export_consolidated(path, tmp_path / "c.csv", "csv")
    assert pd.read_csv(csv, encoding="utf-8-sig").shape == frame.shape
    parquet = export_consolidated(path, tmp_path / "c.parquet", "parquet")
    assert pd.read_parquet(parquet).shape == frame.shape


def test_cli_merge_exit_codes_and_no_overwrite(county, tmp_path):
    root, _, _ = county
    output = tmp_path / "汇总.xlsx"
    args = ["merge", str(root / "收件箱"), "--year", str(YEAR), "--roster", str(root / "示例县名册.csv"),
            "-o", str(output), "--unit-name", "示例县", "--json"]
    runner = CliRunner()
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output  # written, but agencies are missing and returns excluded
    document = json.loads(result.stdout)
    assert document["counts"]["missing"] == 3 and output.exists()
    before = output.read_bytes()
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "已存在" in again.output and output.read_bytes() == before
    assert runner.invoke(app, args + ["--force"]).exit_code == 1


def test_samples_are_up_to_date():
    # regenerate with: gongkai-xlsx samples -o samples/
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "samples"
    built = samples.build().files
    on_disk = {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert set(on_disk) == set(built), "samples/ is stale: run gongkai-xlsx samples -o samples/"
    stale = [name for name in built if built[name] != on_disk[name]]
    assert not stale, f"samples/ is stale ({stale[:3]}): run gongkai-xlsx samples -o samples/"


def test_demo_runs_the_whole_round_trip(tmp_path):
    result = CliRunner().invoke(app, ["demo", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "模板").glob("*.xlsx"))) == 32
    assert (tmp_path / f"{YEAR}年政府信息公开工作年度报告汇总_示例县.xlsx").exists()
    assert list((tmp_path / "退回意见").glob("*_校验意见.xlsx"))
    assert "演示完成" in result.output


def test_demo_json_says_what_the_round_trip_did(tmp_path):
    result = CliRunner().invoke(app, ["demo", "-o", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["template_count"] == 32 and document["counts"]["expected"] == 32
    assert Path(document["consolidated"]).exists()
    assert sorted(document["feedback"]) == sorted(str(p) for p in (tmp_path / "退回意见").glob("*_校验意见.xlsx"))


def test_the_human_heading_names_the_unit_and_year_as_demo_does(merged):
    # demo prints 示例县 2025 年度; merge's table heading must read the same way
    from rich.console import Console

    from gongkai_xlsx.human import merge_rows

    console = Console(width=80, record=True)
    console.print(merge_rows(console, merged))
    assert f"示例县 {YEAR} 年度报送情况" in console.export_text()


def test_a_byte_identical_copy_is_a_duplicate_not_an_earlier_version(tmp_path):
    # the same file sent twice: one counts, the other is 重复报送 (与…相同), not 已被更新版本替代
    from rich.console import Console

    from gongkai_xlsx.consolidate.status_sheets import status_rows
    from gongkai_xlsx.human import merge_rows

    agency = Agency("113399991000002351", "娲城街道办事处", "街道")
    workbook = render_template(year=YEAR, **{**FILLED, "agency": agency})
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "第一次.xlsx").write_bytes(workbook)
    (inbox / "再发一次.xlsx").write_bytes(workbook)
    result = merge_inbox([inbox], year=YEAR, roster=[agency], unit_name="示例县", unit_code="", workers=1)
    assert sorted(e.status for e in result.entries) == ["included", "superseded"]  # JSON status values unchanged
    (copy,) = [e for e in result.entries if e.status == "superseded"]
    (counted,) = [e for e in result.entries if e.status == "included"]
    assert copy.duplicate and copy.superseded_by == counted.submission.name
    (row,) = [r for r in status_rows(result) if r[4] is copy]
    assert row[3] == "重复报送" and row[5] == f"与 {counted.submission.name} 相同（重复）"
    sheet = openpyxl.load_workbook(io.BytesIO(render_consolidated(result)), read_only=True)[SHEET_STATUS]
    texts = [str(c) for r in sheet.iter_rows(values_only=True) for c in r if c]
    assert "重复报送" in texts and "已被更新版本替代" not in texts
    console = Console(width=80, record=True)
    console.print(merge_rows(console, result))
    shown = console.export_text()
    assert "重复报送" in shown and "被替代" not in shown and "相同（重复）" in shown


def test_verify_calls_a_file_sent_twice_a_duplicate_too(tmp_path):
    # verify decides versions as merge does: the same file again is 重复报送 (与…相同), not 已被替代
    from pathlib import Path

    # 教育局's 第一版 (two errors), as its e-mail came in, sent twice
    sample = next((Path(__file__).resolve().parents[1] / "samples" / "收件箱").glob("*教育局（第一版）.eml"))
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "第一次.eml").write_bytes(sample.read_bytes())
    (inbox / "再发一次.eml").write_bytes(sample.read_bytes())
    result = CliRunner().invoke(app, ["verify", str(inbox), "--year", str(YEAR)], env={"COLUMNS": "120"})
    assert "重复报送" in result.output and "相同（重复）" in result.output, result.output
    assert "已被替代" not in result.output and "已被更新版本替代" not in result.output
    document = json.loads(CliRunner().invoke(app, ["verify", str(inbox), "--year", str(YEAR), "--json"]).stdout)
    assert (document["summary"]["superseded"], document["summary"]["duplicates"], document["summary"]["errors"]) == (1, 1, 1)
