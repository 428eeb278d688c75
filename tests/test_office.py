"""The office's side of the template (issue 12, and 情况说明 of issue 13): an unfilled template never passes,
the template names its checks in Chinese only, its rule sentences come from the rules, its first sheet says
where and by when, and a warning can be explained."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest

from forms import FILLED
from gongkai_xlsx.check.verify import verify_report
from gongkai_xlsx.findings import CATALOGUE
from gongkai_xlsx.form import FORM_2021
from gongkai_xlsx.form.rules import RULES, CheckKind, Severity
from gongkai_xlsx.read.returned import read_bytes
from gongkai_xlsx.roster import Agency
from gongkai_xlsx.template.layout import (
    INCOMPLETE_TEXT,
    PASS_TEXT,
    SHEET_GUIDE,
    SHEET_T2,
    SHEET_T3,
    SHEET_T4,
    break_label,
    chars_per_line,
)
from gongkai_xlsx.template.build import layout_for
from gongkai_xlsx.template.tables import TABLE3_WIDTHS
from gongkai_xlsx.template.render import ASK_COORDINATOR, render_template

AGENCY = Agency("11339999100000067Y", "示例县民政局", "部门")
YEAR = 2025


def load(data: bytes, **kwargs) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data), **kwargs)


def codes(findings) -> list[str]:
    return [f.code for f in findings]


# ------------------------------------------------------------------------------------------ filled or not
def test_an_untouched_roster_template_is_not_filled():
    found = verify_report(read_bytes(render_template(year=YEAR, agency=AGENCY)))
    assert "NOT_FILLED" in codes(found)
    assert [f for f in found if f.code == "NOT_FILLED"][0].severity is Severity.ERROR
    missing = [f for f in found if f.code == "REQUIRED_EMPTY"]
    assert [f.cells[0].item for f in missing] == ["meta_contact", "meta_phone", "meta_date", "text_overview"]
    assert all(f.severity is Severity.WARNING for f in missing)
    assert [f.message for f in missing] == ["未填写填报人。", "未填写联系电话。", "未填写填报日期。", "未填写一、总体情况。"]
    # English messages name each field as the form does in English, never by its defined name
    assert [f.message_en for f in missing] == ["contact person is empty.", "telephone is empty.",
                                               "date filled in is empty.", "1. Overview is empty."]


def test_all_zeros_with_identity_and_text_is_fine():
    found = verify_report(read_bytes(render_template(year=YEAR, agency=AGENCY, **FILLED)))
    assert found == []


@pytest.mark.parametrize("what", ["a number", "the contact", "a text", "an explanation"])
def test_anything_typed_makes_it_filled(what):
    kwargs = {"a number": {"values": {"t3_new_natural": 0, "t2_fee": 1}},
              "the contact": {"meta": {"meta_contact": "张三"}},
              "a text": {"texts": {"text_problems": "无"}},
              "an explanation": {"texts": {"note_T3_OTHER_SHARE": "说明"}}}[what]
    found = verify_report(read_bytes(render_template(year=YEAR, agency=AGENCY, **kwargs)))
    assert "NOT_FILLED" not in codes(found)


def test_each_missing_required_field_is_named():
    meta = dict(FILLED["meta"])
    del meta["meta_phone"]
    found = verify_report(read_bytes(render_template(year=YEAR, agency=AGENCY, meta=meta, texts=FILLED["texts"])))
    assert codes(found) == ["REQUIRED_EMPTY"] and found[0].cells[0].item == "meta_phone"


def test_the_banner_says_incomplete_until_the_required_fields_are_filled():
    blank = load(render_template(year=YEAR, agency=AGENCY), data_only=True)
    filled = load(render_template(year=YEAR, agency=AGENCY, **FILLED), data_only=True)
    layout = layout_for(FORM_2021)
    for sheet in layout.sheets:
        if sheet.banner:
            row, col = sheet.banner
            assert blank[sheet.name].cell(row + 1, col + 1).value.startswith(f"✎ {INCOMPLETE_TEXT}"), sheet.name
            assert PASS_TEXT not in blank[sheet.name].cell(row + 1, col + 1).value
            assert filled[sheet.name].cell(row + 1, col + 1).value == PASS_TEXT, sheet.name
    formulas = load(render_template(year=YEAR, agency=AGENCY))
    sheet = layout.sheets[0]
    banner = formulas[sheet.name].cell(sheet.banner[0] + 1, 1).value
    assert "required_missing" in banner and "feedback_open" in banner and "check_failures" in banner


# ------------------------------------------------------------------------------------------ the template itself
def test_no_rule_code_or_finding_code_on_a_visible_sheet():
    workbook = load(render_template(year=YEAR, agency=AGENCY, **FILLED))
    words = {rule.id for rule in RULES} | set(CATALOGUE)
    for ws in workbook.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and not cell.value.startswith("="):
                    assert not any(word in cell.value for word in words), (ws.title, cell.coordinate, cell.value)
    # the validation prompts too
    for ws in workbook.worksheets:
        for validation in ws.data_validations.dataValidation:
            text = f"{validation.promptTitle} {validation.prompt}"
            assert not any(word in text for word in words), text


def test_every_table_sheet_freezes_its_headers():
    workbook = load(render_template(year=YEAR))
    assert workbook[SHEET_T3].freeze_panes == "D7"  # below the three header rows, right of the three label columns
    assert workbook[SHEET_T2].freeze_panes == "B4"
    assert workbook[SHEET_T4].freeze_panes is not None


def test_table3_has_no_check_that_cannot_fail():
    """The row totals are locked SUMs of the six columns: a check of them could never fail in a protected sheet."""
    layout = layout_for(FORM_2021)
    assert not [cid for cid in layout.check_positions if cid.startswith("T3_ROW_TOTAL.")]
    t3 = next(s for s in layout.sheets if s.name == SHEET_T3)
    assert max(c.col + c.colspan - 1 for c in t3.cells) == FORM_2021.table3.label_columns + 6
    assert "T3_ROW_TOTAL" in layout.rule_positions  # still counted on the first sheet, from the inputs


def test_labels_break_only_after_an_enumerator_or_punctuation():
    assert break_label("（三）不予公开", 4) == "（三）\n不予公开"
    assert break_label("（一）予以公开", 20) == "（一）予以公开"
    layout = layout_for(FORM_2021)
    t3 = next(s for s in layout.sheets if s.name == SHEET_T3)
    labels = {(c.text, c.colspan) for c in t3.cells if c.text and c.col < 3 and c.style != "vertical"}
    whole = {p for r in FORM_2021.table3.rows for p in r.path}
    for text, colspan in labels:
        if text.replace("\n", "") not in whole:
            continue  # the corner note, headers
        lines = text.split("\n")
        for line in lines[:-1]:  # every break comes after a closing bracket or punctuation
            assert line[-1] in "）)、，,。；;：:", text
        assert "（三）\n不予公开" in {t for t, _ in labels}


def test_table3_prints_on_one_page_at_a_readable_size():
    layout = layout_for(FORM_2021)
    t3 = next(s for s in layout.sheets if s.name == SHEET_T3)
    assert t3.landscape and t3.pages_tall == 1
    # the longest unbreakable phrase of a label fits the label column, so no word is split
    per_line = chars_per_line(TABLE3_WIDTHS[2])
    for row in FORM_2021.table3.rows:
        for line in break_label(row.path[-1], per_line).split("\n"):
            assert len(line) <= per_line or len(row.path) < 3, line


def test_guide_states_each_rule_from_its_definition():
    """Each rule's sentence in 填表说明 says the rule's own comparison and limit."""
    workbook = load(render_template(year=YEAR))
    guide = workbook[SHEET_GUIDE]
    sentences = {row[0].value: row[1].value for row in guide.iter_rows() if row[0].value and row[1].value}
    for rule in RULES:
        sentence = sentences[rule.title]
        assert f"【{rule.severity.meaning}】" in sentence
        if rule.kind is CheckKind.SHARE_AT_MOST:
            assert f"{rule.left_label} ≤ {round(rule.limit * 100)}% × {rule.right_label}" in sentence
        elif rule.kind is CheckKind.TEXT_LENGTH_AT_MOST:
            assert f"{rule.left_label} ≤ {int(rule.limit)} 字" in sentence
        else:
            assert "＝" in sentence and "≤" not in sentence.split("。")[0]
            assert rule.left_label in sentence and rule.right_label in sentence
    assert "≤ 10% ×" in sentences["“其他处理”占比偏高"]
    assert "≤ 1000 字" in sentences["总体情况篇幅"]


def test_first_sheet_box_says_where_by_when_and_whom(tmp_path):
    data = render_template(year=2026, agency=AGENCY, due="2027-01-31", return_to="gkb@example.gov.cn",
                           contact="李四 0517-1234567")
    sheet = load(data).worksheets[0]
    texts = [c.value for row in sheet.iter_rows(max_row=6) for c in row if isinstance(c.value, str)]
    assert "只填浅黄色单元格 · 报送至 gkb@example.gov.cn · 截止 2027-01-31 · 联系人 李四 0517-1234567" in texts
    stamp = read_bytes(data).stamp
    assert (stamp["due"], stamp["return_to"], stamp["contact"]) == ("2027-01-31", "gkb@example.gov.cn",
                                                                   "李四 0517-1234567")
    default = [c.value for row in load(render_template(year=2026)).worksheets[0].iter_rows(max_row=6) for c in row
               if isinstance(c.value, str) and c.value.startswith("只填")]
    assert default == [f"只填浅黄色单元格 · 报送至 {ASK_COORDINATOR} · 截止 {ASK_COORDINATOR} · 联系人 {ASK_COORDINATOR}"]


def test_template_cli_options(tmp_path):
    from typer.testing import CliRunner

    from gongkai_xlsx.cli import app

    result = CliRunner().invoke(app, ["template", "--year", "2026", "-o", str(tmp_path), "--due", "2027-1-31"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
    result = CliRunner().invoke(app, ["template", "--year", "2026", "-o", str(tmp_path), "--due", "2027-01-31",
                                      "--return-to", "a@b.cn", "--contact", "王五"])
    assert result.exit_code == 0, result.output
    stamp = read_bytes(next(tmp_path.glob("*.xlsx")).read_bytes()).stamp
    assert (stamp["due"], stamp["return_to"], stamp["contact"]) == ("2027-01-31", "a@b.cn", "王五")


# ------------------------------------------------------------------------------------------ 情况说明
def test_every_warning_and_notice_rule_has_an_unlocked_note_cell():
    workbook = load(render_template(year=YEAR))
    explainable = [r.id for r in RULES if r.severity is not Severity.ERROR]
    assert explainable == ["CROSS_YEAR_CARRY", "T3_OTHER_SHARE", "TEXT_OVERVIEW_LENGTH"]
    for rule_id in explainable:
        (sheet, ref), = list(workbook.defined_names[f"note_{rule_id}"].destinations)
        assert not workbook[sheet][ref.replace("$", "")].protection.locked
    assert not [n for n in workbook.defined_names if re.fullmatch(r"note_T3_BALANCE|note_T4_.*", n)]


def test_an_explanation_travels_with_its_rules_findings():
    values = {"t3_new_natural": 10, "t3_other_3_natural": 5, "t3_open_natural": 5}
    data = render_template(year=YEAR, agency=AGENCY, values=values, meta=FILLED["meta"],
                           texts={**FILLED["texts"], "note_T3_OTHER_SHARE": "申请人多为重复申请，已按其他处理。"})
    report = read_bytes(data)
    assert report.notes == {"T3_OTHER_SHARE": "申请人多为重复申请，已按其他处理。"}
    found = verify_report(report)
    share = [f for f in found if f.rule == "T3_OTHER_SHARE"]
    assert share and all(f.explanation == "申请人多为重复申请，已按其他处理。" for f in share)
    assert share[0].as_dict()["explanation"] == "申请人多为重复申请，已按其他处理。"
    assert all(f.explanation is None for f in found if f.rule != "T3_OTHER_SHARE")


# ------------------------------------------------------------------------------------------ feedback
from gongkai_xlsx.check.feedback import FEEDBACK_SHEET, feedback_filename, render_feedback  # noqa: E402
from gongkai_xlsx.check.verify import FileResult, verify_file  # noqa: E402
from gongkai_xlsx.samples import type_over  # noqa: E402

PARTS = {"t3_new_natural": 12, "t3_new_commercial": 5, "t3_open_natural": 12, "t3_open_commercial": 5}


def verified(data: bytes, tmp_path, name: str = "in.xlsx", year: int | None = None) -> FileResult:
    path = tmp_path / name
    path.write_bytes(data)
    return verify_file(path, year=year)


def typed_over(tmp_path) -> FileResult:
    """An office typed 22 over 表三（一）予以公开 · 总计, whose parts add up to 17."""
    data = render_template(year=YEAR, agency=AGENCY, values=PARTS, **FILLED)
    return verified(type_over(data, "t3_open_total", 22), tmp_path)


def cell_of(workbook, name):
    (sheet, ref), = list(workbook.defined_names[name].destinations)
    return workbook[sheet][ref.replace("$", "")]


def test_a_typed_over_total_is_put_as_a_question(tmp_path):
    result = typed_over(tmp_path)
    assert result.status == "errors" and "TOTAL_TYPED_OVER" in codes(result.findings)
    data = render_feedback(result)
    workbook = load(data, data_only=True)
    rows = [[c.value for c in row] for row in workbook[FEEDBACK_SHEET].iter_rows()]
    asked = [r for r in rows if r[2] == "表三（一）予以公开 · 总计" and "22" in str(r[3])]
    assert asked, rows
    question = asked[0]
    assert "您填写的是 22，各分项之和为 17" in question[3]
    assert "“表三（一）予以公开 · 自然人”" in question[4] and "“表三（一）予以公开 · 商业企业”" in question[4]
    assert "T3_" not in question[3] + question[4] and "TOTAL_TYPED_OVER" in question[6]
    answer = cell_of(load(data), "answer_t3_open_total")
    assert answer.parent.title == FEEDBACK_SHEET and not answer.protection.locked
    # the copy computes the total from the parts again, but its banner never says 全部校验通过
    assert cell_of(workbook, "t3_open_total").value == 17
    assert cell_of(workbook, "feedback_open").value == 1
    for sheet in layout_for(FORM_2021).sheets:
        if sheet.banner:
            banner = workbook[sheet.name].cell(sheet.banner[0] + 1, 1).value
            assert banner != PASS_TEXT and "1个问题待答复" in banner, banner
    # no sha256 or rule code up front: they are in the details column
    assert not any("sha256" in str(v) for r in rows for v in r[:6])
    assert any("sha256" in str(r[6]) for r in rows)


def test_a_feedback_copy_returned_unchanged_keeps_its_question(tmp_path):
    data = render_feedback(typed_over(tmp_path))
    back = verified(data, tmp_path, "back.xlsx")
    assert "FEEDBACK_UNCHANGED" in codes(back.findings)
    question = [f for f in back.findings if f.code == "TOTAL_QUESTION"]
    assert question and question[0].cells[0].item == "t3_open_total" and "22" in question[0].message
    assert back.status == "errors"


def test_a_question_is_settled_by_an_answer_or_by_the_parts(tmp_path):
    data = render_feedback(typed_over(tmp_path))
    workbook = load(data)
    cell_of(workbook, "answer_t3_open_total").value = "总计应为 17，原填有误"
    buffer = io.BytesIO()
    workbook.save(buffer)
    answered = verified(buffer.getvalue(), tmp_path, "answered.xlsx")
    assert "TOTAL_QUESTION" not in codes(answered.findings) and "FEEDBACK_UNCHANGED" not in codes(answered.findings)
    workbook = load(data)
    cell_of(workbook, "t3_open_natural").value = 17  # 17 + 5 = 22: a part was wrong
    cell_of(workbook, "t3_new_natural").value = 17
    buffer = io.BytesIO()
    workbook.save(buffer)
    corrected = verified(buffer.getvalue(), tmp_path, "corrected.xlsx")
    assert "TOTAL_QUESTION" not in codes(corrected.findings) and corrected.status == "ok", corrected.findings


def test_a_wrong_year_is_answered_with_a_template_of_the_expected_year(tmp_path):
    last_year = {"t3_new_natural": 5, "t3_open_natural": 3, "t3_carry_out_natural": 2}
    result = verified(render_template(year=2024, agency=AGENCY, values=last_year, **FILLED), tmp_path, year=2025)
    assert "WRONG_YEAR" in codes(result.findings)
    data = render_feedback(result, expected_year=2025)
    report = read_bytes(data)
    assert report.year == 2025 and report.stamp["year"] == "2025"
    assert (report.agency_name, report.agency_code) == (AGENCY.name, AGENCY.code)
    assert report.values["t3_carry_in_natural"] == 2 and report.values["t3_new_natural"] == 0
    sheet = load(data)[FEEDBACK_SHEET]
    lines = [c.value for row in sheet.iter_rows(max_row=3) for c in row if c.value]
    assert any("2024 年度" in line and "2025 年度" in line for line in lines)


def test_feedback_file_names_carry_agency_and_submission_date(tmp_path):
    result = typed_over(tmp_path)
    from datetime import date

    assert feedback_filename(result) == f"{AGENCY.name}_2026-01-20_校验意见.xlsx"  # its 填报日期
    assert feedback_filename(result, date(2026, 1, 25)) == f"{AGENCY.name}_2026-01-25_校验意见.xlsx"


def test_only_the_submission_that_counts_gets_feedback(tmp_path):
    from pathlib import Path

    from typer.testing import CliRunner

    from gongkai_xlsx.cli import app

    inbox = Path(__file__).resolve().parents[1] / "samples" / "收件箱"
    out = tmp_path / "fb"
    result = CliRunner().invoke(app, ["verify", str(inbox), "--year", "2025", "--feedback", str(out), "--json"])
    assert result.exit_code in (0, 1, 2), result.output  # the sample inbox holds one unreadable attachment
    names = sorted(p.name for p in out.glob("*.xlsx"))  # (the reply drafts .eml lie beside them)
    education = [n for n in names if n.startswith("示例县教育局")]
    # the 第一版 (unbalanced, sent first) has been replaced by the 更正版, which verifies clean: no feedback at all
    assert education == [], names
    titles = [load((out / n).read_bytes())[FEEDBACK_SHEET]["A1"].value for n in names]
    assert not [t for t in titles if "教育局" in t], titles
    assert sorted(t.split(" ")[0] for t in titles) == sorted(["示例县民政局", "示例县公安局", "示例县商务局"]), titles
    assert any(n.startswith("示例县民政局_") for n in names), names
    assert all(re.fullmatch(r".+_\d{4}-\d{2}-\d{2}_校验意见\.xlsx", n) for n in names), names


def test_an_answer_alone_makes_a_feedback_copy_a_return(tmp_path):
    """The same digest tells an unchanged copy (the tool's own file) from a return: an answer typed into the
    copy, and nothing else, is the office's return (its answer is not dropped as OWN_OUTPUT)."""
    from gongkai_xlsx import verify_paths

    data = render_feedback(typed_over(tmp_path))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "unchanged.xlsx").write_bytes(data)
    workbook = load(data)
    cell_of(workbook, "answer_t3_open_total").value = "总计应为 17"
    workbook.save(inbox / "answered.xlsx")
    found = {Path(f.path).name: codes(f.findings) for f in verify_paths([inbox]).files}
    assert "OWN_OUTPUT" in found["unchanged.xlsx"] and "FEEDBACK_UNCHANGED" in found["unchanged.xlsx"]
    assert not {"OWN_OUTPUT", "FEEDBACK_UNCHANGED", "TOTAL_QUESTION"} & set(found["answered.xlsx"])
