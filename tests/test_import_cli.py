"""`import-report` and `compare`: published reports become verifiable workbooks, and two reports can be diffed."""

import json

from typer.testing import CliRunner

from gongkai_xlsx.check.verify import verify_report
from gongkai_xlsx.cli import app
from gongkai_xlsx.read.returned import read_file
from reports import REPORTS, decoded_reports, publication_text, published_values
runner = CliRunner()


def test_imported_workbooks_hold_the_published_values_and_verify_with_the_known_findings(tmp_path):
    sources = sorted(REPORTS.glob("*.txt"))
    result = runner.invoke(app, ["import-report", *map(str, sources), "-o", str(tmp_path), "--json"])
    # 平潭's run-together 规范性文件 rows are refused (see test_import.REFUSED): those imports have errors
    refused = {"01_pingtan_2021.txt": {"t2_norm_issued", "t2_norm_repealed", "t2_norm_valid"},
               "03_pingtan_2023.txt": {"t2_norm_repealed", "t2_norm_valid"}}
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert [r["status"] for r in document["reports"]] == [
        "errors" if source.name in refused else "ok" for source in sources]
    decoded = decoded_reports()
    for source, entry in zip(sources, document["reports"]):
        workbook = tmp_path / f"{source.stem}_导入.xlsx"
        report = read_file(workbook)
        assert report.origin == "imported" and report.stamp["origin"] == "imported"
        expected = {k: (None if k in refused.get(source.name, ()) else v)
                    for k, v in published_values(decoded[source.name]).items()}
        assert report.values == expected, source.name  # totals as published, refused cells empty
        found = verify_report(report)
        codes = {f.code for f in found}
        assert not {c for c in codes if c.startswith(("T3_", "T4_"))}, (source.name, codes)
        # the workbook says again what the import said: the same findings, so it verifies as the import did
        assert sorted(f.code for f in found) == sorted(f["code"] for f in entry["findings"]), source.name
        assert ("IMPORT_GLUED_AMBIGUOUS" in codes) == (source.name in refused)
        expected_mismatch = source.name == "08_hongze_2024.txt"  # 平潭 2023's 393 is about a refused cell
        assert ("IMPORT_TEXT_TABLE_MISMATCH" in codes) == expected_mismatch, (source.name, codes)


def test_a_published_total_that_does_not_add_up_is_an_error(tmp_path):
    published = publication_text("06_huaian_2024.txt")
    # the published 表四 行政复议 总计 is 351 = 72 + 64 + 178 + 37; publish 352 instead
    row = "72   64    178    37    351"  # the 表四 data row as pdftotext laid it out
    assert row in published
    broken = tmp_path / "huaian_broken.txt"
    broken.write_text(published.replace(row, row[:-3] + "352"), encoding="utf-8")
    result = runner.invoke(app, ["import-report", str(broken), "-o", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 1, result.output
    (entry,) = json.loads(result.stdout)["reports"]
    assert "T4_GROUP_TOTAL" in {f["code"] for f in entry["findings"]}


def test_compare_finds_the_differing_cells(tmp_path):
    source = REPORTS / "06_huaian_2024.txt"
    runner.invoke(app, ["import-report", str(source), "-o", str(tmp_path)])
    workbook = tmp_path / "06_huaian_2024_导入.xlsx"
    same = runner.invoke(app, ["compare", str(workbook), str(source), "--json"])
    assert same.exit_code == 0 and json.loads(same.stdout)["same"] is True
    other = runner.invoke(app, ["compare", str(workbook), str(tmp_path / "missing.xlsx")])
    assert other.exit_code == 2 and "missing.xlsx" in other.output  # the message names the file
    hongze = REPORTS / "08_hongze_2024.txt"
    diff = runner.invoke(app, ["compare", str(source), str(hongze), "--json"])
    assert diff.exit_code == 1
    document = json.loads(diff.stdout)
    assert any("机关名称不同" in line for line in document["identity"])  # the form's label for the agency
    assert {"item": "t3_new_total", "a": "3119", "b": "95"}.items() <= next(
        d for d in document["differences"] if d["item"] == "t3_new_total").items()


def test_unreadable_published_reports_get_a_message(tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"\x00\x01not a pdf")
    result = runner.invoke(app, ["import-report", str(junk), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "Traceback" not in result.output and "无法导入" in result.output


def test_compare_answers_a_word_file_as_a_report_not_as_a_workbook(tmp_path):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * 60_000_000 + b"</w:document>")
    (tmp_path / "年报.docx").write_bytes(buffer.getvalue())
    result = runner.invoke(app, ["compare", str(REPORTS / "06_huaian_2024.txt"), str(tmp_path / "年报.docx")],
                           terminal_width=200)
    assert result.exit_code == 2 and "年报.docx" in result.output and "压缩炸弹" in result.output
    assert "Excel" not in result.output  # not "ask the office for its Excel file"


def test_inputs_with_one_name_each_get_their_own_workbook_and_names_are_shown_as_typed(tmp_path):
    source = (REPORTS / "06_huaian_2024.txt").read_text(encoding="utf-8")
    inputs = []
    for folder in ("a", "b"):  # the same file name from two offices' folders
        (tmp_path / folder).mkdir()
        inputs.append(tmp_path / folder / "报告[终稿].txt")
        inputs[-1].write_text(source, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["import-report", *map(str, inputs), "-o", str(out)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["报告[终稿]_txt_2_导入.xlsx", "报告[终稿]_txt_导入.xlsx"]
    assert "报告[终稿].txt" in result.output  # not eaten as rich markup


def test_a_report_saved_under_a_long_title_is_imported_under_a_bounded_name(tmp_path):
    source = tmp_path / ("淮安市人民政府办公室关于淮安市人民政府2024年政府信息公开工作年度报告的公告" * 2 + "（最终稿修订版本）.txt")
    assert 247 < len(source.name.encode()) <= 255  # a valid name; with _导入.xlsx instead of .txt it passes 255 bytes
    source.write_text((REPORTS / "06_huaian_2024.txt").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["import-report", str(source), "-o", str(out)], terminal_width=200)
    assert result.exit_code == 0, result.output
    (made,) = out.iterdir()
    assert made.name.endswith("_导入.xlsx") and len(made.name.encode()) <= 200


def test_a_file_system_error_is_a_message_not_a_traceback(tmp_path, monkeypatch, capsys):
    import sys

    import pytest

    from gongkai_xlsx import cli

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setattr(sys, "argv", ["gongkai-xlsx", "template", "--year", "2025", "-o", str(blocker / "模板")])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == cli.EXIT_UNUSABLE
    err = capsys.readouterr().err
    assert "无法读写文件" in err and "not-a-folder" in err and "怎么办" in err and "Traceback" not in err


def test_compare_reads_the_report_an_email_or_zip_carries_as_verify_does():
    # the coordinator compares the first version with the correction straight from the inbox: before, an .eml
    # was "neither a workbook nor a published report"
    from pathlib import Path

    inbox = Path(__file__).resolve().parents[1] / "samples" / "收件箱"
    first, corrected = inbox / "201_示例县教育局（第一版）.eml", inbox / "260_示例县教育局（更正版）.eml"
    result = runner.invoke(app, ["compare", str(first), str(corrected), "--json"])
    assert result.exit_code == 1, result.output
    differing = {d["item"]: (d["a"], d["b"]) for d in json.loads(result.stdout)["differences"]}
    assert differing["t3_total_total"] == ("6", "5") and len(differing) == 4
    # a mail with the workbook and a scanned PDF holds one report; a zip of three offices' workbooks is ambiguous
    beside = inbox / "240_示例县科学技术局.eml"
    assert runner.invoke(app, ["compare", str(beside), str(beside)]).exit_code == 0
    several = runner.invoke(app, ["compare", str(inbox / "乡镇街道年报（汇总上报）.zip"), str(beside)],
                            terminal_width=200)
    assert several.exit_code == 2 and "中有3份报表" in "".join(several.output.split())
