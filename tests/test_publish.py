"""`publish`: the annual report document generated from verified workbooks, and checked by reading it back."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import lxml.html
import pytest
from typer.testing import CliRunner

from gongkai_xlsx.check.compare import compare_reports
from gongkai_xlsx.check.narrative import check_overview
from gongkai_xlsx.check.verify import verify_submission
from gongkai_xlsx.cli import app
from gongkai_xlsx.form import FORM_2021
from gongkai_xlsx.importer import import_report
from gongkai_xlsx.publish import PublishedFile, document_for, publish_paths, render_docx, render_html
from gongkai_xlsx.publish.content import table3_grid, table4_grid
from gongkai_xlsx.publish.overview import check_text, draft_overview
from gongkai_xlsx.read.intake import collect
from gongkai_xlsx.read.returned import read_bytes, read_file
from gongkai_xlsx.roster import Agency
from gongkai_xlsx.template.render import render_template
from reports import decoded_reports, input_values

ROOT = Path(__file__).resolve().parents[1]
INBOX = ROOT / "samples" / "收件箱"
PREVIOUS = ROOT / "samples" / "上年汇总" / "2024年政府信息公开工作年度报告汇总_示例县.xlsx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
runner = CliRunner()


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """Every sample return published once (docx and html), with the verified report each came from."""
    out = tmp_path_factory.mktemp("published")
    result = publish_paths([INBOX], out, formats="docx,html")
    reports = {}
    for submission in collect([INBOX]):
        verified = verify_submission(submission)
        reports[submission.name] = verified
    return result, reports, out


def test_every_sample_agency_round_trips_through_docx_and_html_with_its_200_values(published):
    result, reports, _ = published
    written = [f for f in result.files if f.status == "written"]
    agencies = [f for f in written if f.kind == "agency"]
    # every readable return without errors is published; nothing else is
    ok = [name for name, v in reports.items() if v.status == "ok"]
    assert sorted(f.source for f in written) == sorted(ok) and len(agencies) >= 28
    for entry in agencies:
        report = reports[entry.source].report
        assert len(entry.outputs) == 2
        for output in entry.outputs:
            imported = import_report(output)
            back = imported.report
            assert imported.format_version == "2021"
            assert (back.agency_name, back.year) == (report.agency_name, report.year), output
            assert len(back.values) == len(FORM_2021.items) == 200
            assert back.values == report.values, output
            assert set(back.sources) >= {item.id for item in FORM_2021.items}  # every cell read, none defaulted
            assert not [f.code for f in imported.findings], (output, [f.message for f in imported.findings])
            comparison = compare_reports(report, back)
            assert comparison.same, (output, comparison.differences, comparison.texts_changed, comparison.identity)


def test_compare_says_the_workbook_and_its_published_docx_are_identical(published, tmp_path):
    result, reports, _ = published
    entry = next(f for f in result.files if f.agency == "娲城街道办事处")
    submission = next(s for s in collect([INBOX]) if s.name == entry.source)
    workbook = tmp_path / "娲城.xlsx"
    workbook.write_bytes(submission.load())
    docx = next(p for p in entry.outputs if p.endswith(".docx"))
    outcome = runner.invoke(app, ["compare", str(workbook), docx])
    assert outcome.exit_code == 0, outcome.output
    assert "一致" in outcome.output
    outcome = runner.invoke(app, ["import-report", docx, next(p for p in entry.outputs if p.endswith(".html")),
                                  "-o", str(tmp_path / "imported"), "--json"])
    assert outcome.exit_code == 0, outcome.output
    for document in json.loads(outcome.stdout)["reports"]:
        assert read_file(document["output"]).values == reports[entry.source].report.values


@pytest.mark.parametrize("name", sorted(decoded_reports()))
def test_real_reports_numbers_round_trip(name, tmp_path):
    """Large counts, amounts with decimals, every row non-zero: the real published tables survive the trip."""
    decoded = decoded_reports()[name]
    workbook = tmp_path / "filled.xlsx"
    workbook.write_bytes(render_template(year=2024, agency=Agency("11320800014163245X", "淮安市人民政府"),
                                         values=input_values(decoded)))
    report = read_file(workbook)
    result = publish_paths([workbook], tmp_path / "out")
    assert [f.status for f in result.files] == ["written"]
    for output in result.files[0].outputs:
        assert import_report(output).report.values == report.values, output


def test_a_report_of_an_agency_with_a_long_name_is_written_under_a_bounded_file_name(tmp_path):
    decoded = decoded_reports()["06_huaian_2024.txt"]
    workbook = tmp_path / "filled.xlsx"
    long_name = "淮安市某某区某某街道办事处" * 7  # 91 characters: the title alone passes 255 bytes
    workbook.write_bytes(render_template(year=2024, agency=Agency("11320800014163245X", long_name),
                                         values=input_values(decoded)))
    result = publish_paths([workbook], tmp_path / "out", formats="html")
    assert [f.status for f in result.files] == ["written"]
    (output,) = map(Path, result.files[0].outputs)
    assert output.suffix == ".html" and len(output.name.encode()) <= 210 and output.is_file()


def test_the_consolidated_workbook_gives_the_county_report_with_coverage(tmp_path):
    report = read_file(PREVIOUS)
    result = publish_paths([PREVIOUS], tmp_path)
    entry = result.files[0]
    assert (entry.status, entry.kind, entry.agency) == ("written", "consolidated", "示例县")
    html = Path(next(p for p in entry.outputs if p.endswith(".html"))).read_text(encoding="utf-8")
    assert f"名册 {len(report.members)} 个单位中 {len(report.members)} 个单位" in html
    assert "本部分由汇总单位撰写" in html
    for output in entry.outputs:
        assert import_report(output).report.values == report.values  # the sums over all counted agencies


def test_coverage_names_the_agencies_not_counted(tmp_path):
    from gongkai_xlsx.consolidate.merge import merge_inbox
    from gongkai_xlsx.consolidate.workbook import render_consolidated
    from gongkai_xlsx.roster import read_roster

    roster = read_roster(ROOT / "samples" / "示例县名册.csv")
    merged = merge_inbox([INBOX], year=2025, roster=roster, unit_name="示例县", unit_code="")
    workbook = tmp_path / "汇总.xlsx"
    workbook.write_bytes(render_consolidated(merged))
    result = publish_paths([workbook], tmp_path / "out", formats="html")
    html = Path(result.files[0].outputs[0]).read_text(encoding="utf-8")
    counts = merged.counts()
    assert f"名册 {len(roster)} 个单位中 {counts['members']} 个单位" in html
    not_counted = [a.name for a in roster if a.code not in {m.agency.code for m in merged.members}]
    assert not_counted and f"未计入的 {len(not_counted)} 个单位" in html
    for name in not_counted:
        assert name in html
    # Chinese text, full-width parentheses: 已报送·有错误（未计入）
    sentence = html.split(f"未计入的 {len(not_counted)} 个单位", 1)[1].split("。", 1)[0]
    assert "（未计入）" in sentence and "(" not in sentence and ")" not in sentence
    # a workbook written when the statuses had ASCII parentheses gives the same coverage, worded full-width
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    for row in book["报送情况"].iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and "（" in cell.value and "·" in cell.value:
                cell.value = cell.value.replace("（", "(").replace("）", ")")
    book.save(tmp_path / "旧汇总.xlsx")
    older = publish_paths([tmp_path / "旧汇总.xlsx"], tmp_path / "old", formats="html")
    older_html = Path(older.files[0].outputs[0]).read_text(encoding="utf-8")
    assert sentence in older_html


def test_the_consolidated_workbooks_indicators_are_shown_as_it_states_them(tmp_path):
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName

    def without_indicators():
        """PREVIOUS without the 指标 sheet and its ind_* names that merge writes."""
        book = openpyxl.load_workbook(PREVIOUS)
        del book["指标"]
        for name in [n for n in book.defined_names if n.startswith("ind_")]:
            del book.defined_names[name]
        return book

    book = without_indicators()
    sheet = book.create_sheet("指标")
    sheet["A1"], sheet["B1"] = "实质公开率", 0.3061
    sheet["A2"], sheet["B2"] = "本年新收申请同比", "—"
    for name, ref in (("ind_open_rate", "$B$1"), ("ind_new_yoy", "$B$2")):
        book.defined_names[name] = DefinedName(name, attr_text=f"'指标'!{ref}")
    workbook = tmp_path / "with_indicators.xlsx"
    book.save(workbook)
    assert read_file(workbook).origin == "consolidated"
    result = publish_paths([workbook], tmp_path / "out", formats="html")
    html = Path(result.files[0].outputs[0]).read_text(encoding="utf-8")
    assert "实质公开率 30.6%" in html and "本年新收申请同比 —" in html
    plain = tmp_path / "plain.xlsx"
    without_indicators().save(plain)
    without = publish_paths([plain], tmp_path / "plain", formats="html")
    assert "主要指标" not in Path(without.files[0].outputs[0]).read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------ errors, drafts
def test_a_workbook_with_errors_is_refused_with_its_findings_or_written_as_a_draft(tmp_path):
    broken = next(s for s in collect([INBOX]) if "民政局" in s.name)
    result = publish_paths([INBOX / Path(broken.source).name], tmp_path / "refused")
    entry = result.files[0]
    assert entry.status == "refused" and not entry.outputs and result.exit_code == 1
    assert {f.code for f in entry.errors} == {"T3_BALANCE"}
    assert not (tmp_path / "refused").exists() or not any((tmp_path / "refused").iterdir())
    draft = publish_paths([INBOX / Path(broken.source).name], tmp_path / "draft", allow_errors=True)
    entry = draft.files[0]
    assert entry.status == "draft" and len(entry.outputs) == 2
    assert all("草稿" in Path(p).name for p in entry.outputs)
    html = Path(next(p for p in entry.outputs if p.endswith(".html"))).read_text(encoding="utf-8")
    assert 'class="draft"' in html and "草稿：" in html
    word = zipfile.ZipFile(next(p for p in entry.outputs if p.endswith(".docx")))
    assert "草稿：" in word.read("word/document.xml").decode()
    header = "".join(word.read(n).decode() for n in word.namelist() if n.startswith("word/header"))
    assert "草稿" in header and 'string="草稿"' in header  # the header line and the watermark on every page
    assert import_report(next(p for p in entry.outputs if p.endswith(".docx"))).report.agency_name == "示例县民政局"
    clean = publish_paths([INBOX / "085_娲城街道办事处.eml"], tmp_path / "clean", formats="docx")
    word = zipfile.ZipFile(clean.files[0].outputs[0])
    assert not any("草稿" in word.read(n).decode() for n in word.namelist() if n.startswith("word/"))


def test_cli_prints_refusals_and_exit_codes(tmp_path):
    outcome = runner.invoke(app, ["publish", str(INBOX / "210_示例县民政局.eml"), "-o", str(tmp_path)])
    assert outcome.exit_code == 1
    assert "未生成" in outcome.output and "T3_BALANCE" in outcome.output
    outcome = runner.invoke(app, ["publish", str(INBOX / "085_娲城街道办事处.eml"), "-o", str(tmp_path), "--json"])
    assert outcome.exit_code == 0, outcome.output
    assert json.loads(outcome.stdout)["summary"]["written"] == 1
    outcome = runner.invoke(app, ["publish", str(INBOX / "085_娲城街道办事处.eml"), "-o", str(tmp_path),
                                  "--format", "docx,odt"])
    assert outcome.exit_code == 2 and "odt" in outcome.output


def test_pdf_without_libreoffice_is_a_clear_message_and_the_rest_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    outcome = runner.invoke(app, ["publish", str(INBOX / "085_娲城街道办事处.eml"), "-o", str(tmp_path / "out"),
                                  "--format", "docx,html,pdf"])
    assert outcome.exit_code == 1
    assert "未找到 LibreOffice" in outcome.output and "其余格式（docx、html）已生成" in outcome.output
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir()) == [".docx", ".html"]


# ------------------------------------------------------------------------------------------ numbers in the text
def _seed_report():
    submission = next(s for s in collect([INBOX / "085_娲城街道办事处.eml"]))
    return read_bytes(submission.load(), submission.name)


def test_the_drafted_overview_states_numbers_the_narrative_check_recognises_and_agrees_with():
    report = read_file(PREVIOUS)  # non-zero tables: 复议, 诉讼, 公开 all occur
    paragraph = draft_overview(report)
    claims, mismatches = check_overview(paragraph, report.values, set(report.values))
    assert not mismatches
    named = {claim.items for claim in claims}
    t3 = FORM_2021.table3
    for row in ("new", "carry_in", "total", "open", "carry_out"):
        assert (t3.item_id(row, "total"),) in named, row
    assert ("t4_review_total",) in named and ("t4_suit_direct_total", "t4_suit_after_total") in named
    assert paragraph.startswith("2024年，示例县所属单位共收到政府信息公开申请")


def test_the_county_report_can_carry_the_drafted_overview(tmp_path):
    report = read_file(PREVIOUS)
    result = publish_paths([PREVIOUS], tmp_path, formats="html", draft_overview_paragraph=True)
    html = Path(result.files[0].outputs[0]).read_text(encoding="utf-8")
    assert result.files[0].overview_draft == draft_overview(report)
    assert html.index("本部分由汇总单位撰写") < html.index(draft_overview(report)) < html.index("二、主动公开政府信息情况")


def test_numbers_in_the_offices_text_that_disagree_with_the_tables_are_reported(tmp_path):
    report = _seed_report()
    assert check_text(report) == []
    report.texts["text_overview"] += "\n全年共收到政府信息公开申请12件。"
    found = check_text(report)
    assert [f.code for f in found] == ["IMPORT_TEXT_TABLE_MISMATCH"] and "12" in found[0].message


# ------------------------------------------------------------------------------------------ the files themselves
def test_same_inputs_give_the_same_bytes(tmp_path):
    first = publish_paths([INBOX / "085_娲城街道办事处.eml", PREVIOUS], tmp_path / "a")
    second = publish_paths([INBOX / "085_娲城街道办事处.eml", PREVIOUS], tmp_path / "b")
    for a, b in zip(sorted((tmp_path / "a").iterdir()), sorted((tmp_path / "b").iterdir())):
        assert a.name == b.name and a.read_bytes() == b.read_bytes(), a.name
    docx = next(p for p in first.files[0].outputs if p.endswith(".docx"))
    package = zipfile.ZipFile(docx)
    assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = package.read("docProps/core.xml").decode()
    assert "2026-01-01T00:00:00Z" in core and "python-docx" not in core
    assert len(second.files) == 2


def test_the_docx_is_an_a4_official_document_with_east_asian_fonts_and_page_numbers():
    data = render_docx(document_for(_seed_report()))
    package = zipfile.ZipFile(io.BytesIO(data))
    document = package.read("word/document.xml").decode()
    styles = package.read("word/styles.xml").decode()
    assert 'w:w="11906"' in document and 'w:h="16838"' in document  # A4 in twentieths of a point
    for font in ("仿宋", "宋体", "黑体"):
        assert re.search(rf'<w:rFonts [^>]*w:eastAsia="{font}"', styles), font
    assert "eastAsiaTheme" not in styles  # theme fonts would override the named ones
    footer = "".join(package.read(n).decode() for n in package.namelist() if n.startswith("word/footer"))
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    assert "娲城街道办事处2025年政府信息公开工作年度报告" in document
    assert "联系电话：0571-80000000" in document and "统计期限自2025年1月1日起至2025年12月31日止" in document


def test_tables_have_the_national_merges():
    t3 = table3_grid(FORM_2021, {})
    corner = t3.rows[0][0]
    assert (corner.text, corner.rowspan, corner.colspan) == (FORM_2021.table3.balance_note, 3, 3)
    results = next(c for row in t3.rows for c in row if c.text == "三、本年度办理结果")
    assert (results.rowspan, results.colspan) == (len(FORM_2021.table3.result_rows) + 1, 1)
    deny = next(c for row in t3.rows for c in row if c.text == "（三）不予公开")
    assert deny.rowspan == 8
    first = next(c for row in t3.rows for c in row if c.text == "一、本年新收政府信息公开申请数量")
    assert first.colspan == 3
    for row in t3.rows[t3.header_rows:]:  # every data row covers the 10 grid columns
        assert len([c for c in row if c.role == "data"]) == len(FORM_2021.table3.columns)
    t4 = table4_grid(FORM_2021, {})
    assert [(c.text, c.colspan) for c in t4.rows[0]] == [("行政复议", 5), ("行政诉讼", 10)]
    assert len(t4.rows[-1]) == 15


def test_the_html_is_self_contained_and_office_text_stays_text():
    report = _seed_report()
    typed = '<script>alert("x")</script> <img src="http://evil.example/x.png"> & “公开”'
    report.texts["text_overview"] = typed
    html = render_html(document_for(report)).decode("utf-8")
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;" in html
    tree = lxml.html.fromstring(html.encode("utf-8"))
    assert not tree.xpath("//script|//img|//link|//iframe|//object|//embed|//@src|//@href")
    assert not tree.xpath("//@*[starts-with(name(), 'on')]")
    css = "".join(tree.xpath("//style/text()"))
    assert css and "@import" not in css and "url(" not in css and "http" not in css
    assert typed in tree.text_content()
    assert html.startswith("<!DOCTYPE html>") and 'name="viewport"' in html
    # semantic tables: header cells, spans as in the national layout
    assert tree.xpath("//table//thead//th[@rowspan='3'][@colspan='3']")
    assert tree.xpath("//table//th[@scope='row'][@rowspan='22']")


def test_an_empty_text_part_is_published_as_a_heading_and_named_in_the_notes():
    report = _seed_report()
    report.texts["text_problems"] = "  \n"
    entry = PublishedFile("x", "written")
    document = document_for(report, entry=entry)
    assert entry.notes == ["“五、存在的主要问题及改进情况”没有文字，公开前请补写。"]
    headings = [b.text for b in document.blocks if b.kind == "heading"]
    assert headings == list(FORM_2021.section_headings)


@pytest.mark.libreoffice
def test_pdf_through_libreoffice(tmp_path):
    from libreoffice import find_soffice, in_ci

    if find_soffice() is None:
        if in_ci():
            pytest.fail("LibreOffice is required in CI")
        pytest.skip("LibreOffice (soffice) is not installed")
    result = publish_paths([INBOX / "085_娲城街道办事处.eml"], tmp_path, formats="pdf")
    assert result.pdf_error is None and [Path(p).suffix for p in result.files[0].outputs] == [".pdf"]
    pdf = Path(result.files[0].outputs[0])
    assert pdf.read_bytes().startswith(b"%PDF") and not list(tmp_path.glob("*.docx"))
    import subprocess

    text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert "娲城街道办事处2025年政府信息公开工作年度报告" in text and FORM_2021.table3.balance_note in text


def test_control_characters_in_office_text_do_not_stop_publishing():
    """A cell's _x000B_ escape or text pasted from Word brings characters XML cannot hold."""
    report = _seed_report()
    report.texts["text_overview"] = "第一段\x0b第二段\x00，含\x1f控制字符\ufffe。"
    report.meta["meta_contact"] = "张\x01三"
    document = document_for(report)
    overview = [b.text for b in document.blocks if b.kind == "paragraph"][1:3]
    assert overview == ["第一段", "第二段，含控制字符。"]
    assert "填报人：张三" in document.blocks[0].text
    render_docx(document)
    assert "第二段，含控制字符。" in render_html(document).decode("utf-8")


def test_indicators_are_labelled_by_their_row_and_column_and_keep_their_remark(tmp_path):
    """A 指标 sheet laid out as a table: label, numerator, denominator, the named figure, a remark beside it."""
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName

    book = openpyxl.load_workbook(PREVIOUS)
    if "指标" in book.sheetnames:
        del book["指标"]
    for name in [n for n in book.defined_names if n.startswith("ind_")]:
        del book.defined_names[name]
    sheet = book.create_sheet("指标")
    sheet.append(["指标", None, "分子", "分母", "比率", "样本"])
    sheet.append(["实质公开率", None, 7, 20, 0.35, "样本少"])
    sheet.append(["复议纠错率", None, 0, 0, "", None])
    sheet.append([])
    sheet.append(["项目", None, "上年", "本年", "增减", "增减率"])
    sheet.append(["本年新收申请", None, 100, 148, 48, 0.48])
    for name, ref in (("ind_open_rate", "$E$2"), ("ind_review_corrected_rate", "$E$3"), ("ind_new_yoy", "$F$6")):
        book.defined_names[name] = DefinedName(name, attr_text=f"'指标'!{ref}")
    workbook = tmp_path / "table_indicators.xlsx"
    book.save(workbook)
    html = Path(publish_paths([workbook], tmp_path / "out", formats="html").files[0].outputs[0]).read_text("utf-8")
    assert "主要指标（取自汇总工作簿“指标”工作表）：实质公开率 35.0%（样本少）；本年新收申请增减率 48.0%。" in html
    assert "复议纠错率" not in html  # no value (its denominator is 0): not invented


def test_an_output_folder_inside_the_inbox_is_not_read_as_submissions(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "085.eml").write_bytes((INBOX / "085_娲城街道办事处.eml").read_bytes())
    first = publish_paths([inbox], inbox / "年报")
    again = publish_paths([inbox], inbox / "年报")
    assert [f.status for f in first.files] == [f.status for f in again.files] == ["written"]
    assert again.exit_code == 0


def test_a_scanned_pdf_beside_the_workbook_is_listed_and_does_not_fail_publishing(tmp_path):
    # 240_示例县科学技术局.eml carries the workbook and a scanned PDF of the report (offices do this): verify lists
    # the PDF as 附件（非报表）; publish did the same file as 无法读取 and exited 2 on the README's own command
    mail = INBOX / "240_示例县科学技术局.eml"
    result = publish_paths([mail], tmp_path, formats="docx")
    assert sorted(f.status for f in result.files) == ["attachment", "written"]
    assert result.exit_code == 0 and result.as_dict()["summary"]["attachment"] == 1
    cli = runner.invoke(app, ["publish", str(mail), "-o", str(tmp_path / "cli")])
    assert cli.exit_code == 0, cli.output
    assert "无法读取 年报正文" not in cli.output and "附件（非报表） 1" in cli.output


def test_a_version_the_agency_corrected_is_skipped_not_refused_nor_published_twice(tmp_path):
    # the README's 'publish 收件箱/': 教育局's first version (errors) was refused beside its published correction,
    # and the run exited 1; the same passing workbook sent twice became two reports (…报告.docx and …报告_2.docx)
    first, corrected = INBOX / "201_示例县教育局（第一版）.eml", INBOX / "260_示例县教育局（更正版）.eml"
    result = publish_paths([first, corrected], tmp_path / "a", formats="docx")
    assert [f.status for f in result.files] == ["superseded", "written"] and result.exit_code == 0
    assert "260_示例县教育局（更正版）.eml" in result.files[0].message and not result.files[0].outputs
    twice = tmp_path / "twice"
    twice.mkdir()
    data = next(s for s in collect([INBOX / "010_示例县发展和改革局.eml"])).load()
    (twice / "【发改局】 年报.xlsx").write_bytes(data)
    (twice / "发改局 再发一次.xlsx").write_bytes(data)
    result = publish_paths([twice], tmp_path / "b", formats="docx")
    assert sorted(f.status for f in result.files) == ["superseded", "written"]
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["示例县发展和改革局2025年政府信息公开工作年度报告.docx"]
    cli = runner.invoke(app, ["publish", str(first), str(corrected), "-o", str(tmp_path / "c")])
    assert cli.exit_code == 0 and "被更新版本替代1；" in "".join(cli.output.split())
