"""`gongkai-xlsx verify`: exit codes, the JSON contract, and feedback workbooks that are valid templates."""

import hashlib
import io
import re
import json

import openpyxl
from typer.testing import CliRunner

from forms import SMALL_TOWN, parse_tables
from gongkai_xlsx.check.feedback import FEEDBACK_SHEET
from gongkai_xlsx.cli import app
from gongkai_xlsx.form import FORM_2021
from gongkai_xlsx.read.returned import read_file
from gongkai_xlsx.roster import Agency
from gongkai_xlsx.template.render import render_template

runner = CliRunner()
AGENCY = Agency("11339999100000235X", "娲城街道办事处", "街道")


def write(path, **changes):
    values = {**parse_tables(SMALL_TOWN), **changes}
    path.write_bytes(render_template(year=2025, agency=AGENCY, values=values))
    return path


def test_a_verdict_built_by_hand_with_its_word_counts_like_one_verified():
    """FileResult(…, "errors") from a caller's own code is the member FileStatus.ERRORS: the exit code, the
    totals and the coordinator's lists compare members, and must not miss it."""
    from gongkai_xlsx.check.verify import FileResult, FileStatus, VerifyResult

    result = VerifyResult([FileResult("a.xlsx", "", "errors"), FileResult("b.xlsx", "", "ok")])
    assert result.files[0].status is FileStatus.ERRORS and result.files[1].status is FileStatus.OK
    assert result.exit_code == 1 and result.summary()["errors"] == 1 and result.summary()["ok"] == 1
    assert json.loads(json.dumps(result.as_dict()))["files"][0]["status"] == "errors"


def test_exit_codes_say_ok_errors_unreadable(tmp_path):
    ok = write(tmp_path / "ok.xlsx")
    bad = write(tmp_path / "bad.xlsx", t3_new_natural=9)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    assert runner.invoke(app, ["verify", str(ok)]).exit_code == 0
    assert runner.invoke(app, ["verify", str(ok), str(bad)]).exit_code == 1
    assert runner.invoke(app, ["verify", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["verify", str(tmp_path / "missing.xlsx")]).exit_code == 2
    assert runner.invoke(app, ["verify", str(ok), "--lang", "fr"]).exit_code == 2


def test_json_output_is_the_documented_contract(tmp_path):
    write(tmp_path / "bad.xlsx", t3_new_natural=9)
    result = runner.invoke(app, ["verify", str(tmp_path), "--json"])
    document = json.loads(result.stdout)
    (entry,) = document["files"]
    assert set(entry) == {"path", "sha256", "status", "agency", "year", "origin", "superseded_by", "findings"}
    assert entry["origin"] == "template" and entry["superseded_by"] is None
    assert entry["status"] == "errors" and entry["year"] == 2025
    assert entry["agency"] == {"name": AGENCY.name, "code": AGENCY.code}
    assert entry["sha256"] == hashlib.sha256((tmp_path / "bad.xlsx").read_bytes()).hexdigest()
    balance = [f for f in entry["findings"] if f["rule"] == "T3_BALANCE"]
    assert [f["code"] for f in balance] == ["T3_BALANCE", "T3_BALANCE"]  # 自然人 and 总计 columns
    finding = balance[0]
    assert set(finding) == {"code", "rule", "severity", "message", "hint", "cells", "explanation"}
    assert finding["severity"] == "error" and "自然人" in finding["message"] and finding["hint"]
    assert {"sheet": "表三 依申请公开", "cell": "D7", "item": "t3_new_natural", "value": 9} in finding["cells"]
    assert len(finding["cells"]) == 4
    assert document["summary"]["errors"] == 1 and document["summary"]["findings"]["error"] == 2
    english = json.loads(runner.invoke(app, ["verify", str(tmp_path), "--json", "--lang", "en"]).stdout)
    assert "balance" in english["files"][0]["findings"][0]["message"]


def test_the_human_output_names_sheet_cell_and_fix(tmp_path):
    write(tmp_path / "bad.xlsx", t3_new_natural=9)
    output = runner.invoke(app, ["verify", str(tmp_path)], terminal_width=200).output
    assert "T3_BALANCE" in output and "表三 依申请公开：D7=9" in output and "怎么改" in output


def test_feedback_workbook_is_a_valid_template_with_the_findings(tmp_path):
    (tmp_path / "in").mkdir()
    bad = write(tmp_path / "in" / "bad.xlsx", t3_new_natural=9)
    before = bad.read_bytes()
    result = runner.invoke(app, ["verify", str(bad), "--feedback", str(tmp_path / "fb")])
    assert result.exit_code == 1
    assert bad.read_bytes() == before  # the input is never modified
    (copy,) = (tmp_path / "fb").glob("*.xlsx")
    # named by the agency and the date of the submission it answers (a file on disk: its modification date)
    assert re.fullmatch(rf"{AGENCY.name}_\d{{4}}-\d{{2}}-\d{{2}}_校验意见\.xlsx", copy.name), copy.name
    report = read_file(copy)
    assert report.stamp["origin"] == "feedback" and report.stamp["agency_code"] == AGENCY.code
    expected = FORM_2021.complete_values({**parse_tables(SMALL_TOWN), "t3_new_natural": 9})
    assert report.values == expected
    workbook = openpyxl.load_workbook(io.BytesIO(copy.read_bytes()))
    assert workbook.sheetnames[0] == FEEDBACK_SHEET
    rows = [row for row in workbook[FEEDBACK_SHEET].iter_rows(values_only=True) if row[0] in (1, 2)]
    assert [row[6].split("\n")[0] for row in rows] == ["T3_BALANCE", "T3_BALANCE"]  # codes in the details column
    assert "自然人" in rows[0][3] and "T3_BALANCE" not in rows[0][3] + rows[0][2]
    assert "表三一、本年新收政府信息公开申请数量 · 自然人" in rows[0][2]  # the cells named as an office names them
    assert "T3_BALANCE" not in str(workbook["表三 依申请公开"]["D7"].comment) and \
        "表三勾稽关系" in workbook["表三 依申请公开"]["D7"].comment.text
    # the office corrects the copy and returns it: it verifies clean
    fixed = openpyxl.load_workbook(io.BytesIO(copy.read_bytes()))
    fixed["表三 依申请公开"]["D7"].value = 6
    fixed.save(tmp_path / "fixed.xlsx")
    assert runner.invoke(app, ["verify", str(tmp_path / "fixed.xlsx")]).exit_code == 0


def test_english_output_keeps_scopes_that_look_like_markup(tmp_path):
    write(tmp_path / "bad.xlsx", t3_new_natural=9)
    output = runner.invoke(app, ["verify", str(tmp_path), "--lang", "en"], terminal_width=200).output
    assert "[natural]" in output and "1 file: 0 ok, 1 with errors" in output
