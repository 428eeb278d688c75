"""The template workbook, inspected with openpyxl: names, locking, validation, cached values, stamp."""

import io
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import range_boundaries

from gongkai_xlsx.form import FORM_2021, checks_for, evaluate
from gongkai_xlsx.template.layout import CHECK_FAILURES, PASS_TEXT, SHEET_GUIDE, SHEET_MAIN, SHEET_STAMP, SHEET_T2, \
    SHEET_T3, SHEET_T4
from gongkai_xlsx.files import template_filename
from gongkai_xlsx.roster import Agency
from gongkai_xlsx.template.fingerprint import layout_fingerprint
from gongkai_xlsx.template.build import layout_for
from gongkai_xlsx.template.render import TemplateFactory, render_template
from reports import decoded_reports, input_values, published_values

AGENCY = Agency("11330000MB0000001X", "娲城街道办事处", "街道")
HUAIAN = decoded_reports()["06_huaian_2024.txt"]


def load(data: bytes, **kwargs):
    return openpyxl.load_workbook(io.BytesIO(data), **kwargs)


@pytest.fixture(scope="module")
def blank():
    return load(render_template(year=2026))


@pytest.fixture(scope="module")
def filled_values():
    data = render_template(year=2024, agency=AGENCY, values=input_values(HUAIAN), texts={"text_overview": "概述"},
                           meta={"meta_contact": "张三", "meta_phone": "0517-1234567", "meta_date": "2025-01-20"})
    return load(data, data_only=True)


def named_cell(workbook, name):
    defined = workbook.defined_names[name]
    (sheet, ref), = list(defined.destinations)
    return workbook[sheet][ref.replace("$", "")]


def test_sheets_in_order_with_the_stamp_very_hidden(blank):
    assert blank.sheetnames == [SHEET_MAIN, SHEET_T2, SHEET_T3, SHEET_T4, SHEET_GUIDE, SHEET_STAMP]
    assert blank[SHEET_STAMP].sheet_state == "veryHidden"
    assert all(blank[name].sheet_state == "visible" for name in blank.sheetnames[:-1])


def test_every_item_has_its_name_inputs_unlocked_totals_locked_formulas(blank):
    for item in FORM_2021.items:
        cell = named_cell(blank, item.id)
        if item.computed:
            assert cell.protection.locked and str(cell.value).startswith("=SUM("), item.id
        else:
            assert not cell.protection.locked and cell.value == 0, item.id
    for name in ("meta_agency", "meta_code", "meta_year", "text_overview", "text_problems", "text_other",
                 CHECK_FAILURES):
        named_cell(blank, name)
    assert named_cell(blank, "meta_year").value == 2026 and named_cell(blank, "meta_year").protection.locked
    assert not named_cell(blank, "meta_agency").protection.locked  # blank template: the office types it


def test_only_input_cells_are_unlocked_and_every_sheet_is_protected(blank):
    inputs = {named_cell(blank, i.id).coordinate + "@" + named_cell(blank, i.id).parent.title
              for i in FORM_2021.input_items}
    inputs |= {named_cell(blank, n).coordinate + "@" + named_cell(blank, n).parent.title
               for n in ("meta_agency", "meta_code", "meta_contact", "meta_phone", "meta_date",
                         "text_overview", "text_problems", "text_other",
                         "note_CROSS_YEAR_CARRY", "note_T3_OTHER_SHARE", "note_TEXT_OVERVIEW_LENGTH")}
    for ws in blank.worksheets:
        assert ws.protection.sheet and ws.protection.password, ws.title
        unlocked = {f"{c.coordinate}@{ws.title}" for row in ws.iter_rows() for c in row
                    if not c.protection.locked and not _inside_merge(ws, c.coordinate)}
        assert unlocked <= inputs, unlocked - inputs


def _inside_merge(ws, coordinate):
    """A cell covered by a merge but not its top-left one (nobody can type there)."""
    for merged in ws.merged_cells.ranges:
        if coordinate in merged and coordinate != merged.start_cell.coordinate:
            return True
    return False


def test_roster_identity_is_filled_and_locked():
    workbook = load(render_template(year=2025, agency=AGENCY))
    assert named_cell(workbook, "meta_agency").value == AGENCY.name
    assert named_cell(workbook, "meta_code").value == AGENCY.code
    assert named_cell(workbook, "meta_agency").protection.locked
    assert not named_cell(workbook, "meta_contact").protection.locked


def test_every_numeric_input_carries_validation(blank):
    for item in FORM_2021.input_items:
        cell = named_cell(blank, item.id)
        rules = [dv for dv in cell.parent.data_validations.dataValidation
                 if any(_in_range(cell, r) for r in str(dv.sqref).split())]
        assert len(rules) == 1, item.id
        rule = rules[0]
        assert rule.type == ("decimal" if item.decimals else "whole"), item.id
        assert rule.operator == "greaterThanOrEqual" and rule.formula1 == "0"
        assert rule.errorStyle in (None, "stop") and rule.prompt and rule.error  # absent means stop


def _in_range(cell, ref):
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return min_row <= cell.row <= max_row and min_col <= cell.column <= max_col


def test_cached_values_equal_python_for_a_real_report(filled_values):
    published = published_values(HUAIAN)
    for item in FORM_2021.items:
        value = named_cell(filled_values, item.id).value
        assert Decimal(str(value)) == Decimal(str(published[item.id])), item.id
    assert named_cell(filled_values, CHECK_FAILURES).value == 0
    assert filled_values[SHEET_T3]["A2"].value == PASS_TEXT
    assert named_cell(filled_values, "meta_contact").value == "张三"
    assert named_cell(filled_values, "text_overview").value == "概述"


def test_cached_check_values_show_a_failing_balance():
    inputs = input_values(HUAIAN)
    inputs["t3_new_commercial"] += 4
    workbook = load(render_template(year=2024, values=inputs), data_only=True)
    layout = layout_for(FORM_2021)
    values = FORM_2021.complete_values(inputs)
    failing = {v.check.id for v in evaluate(FORM_2021, values)}
    assert failing == {"T3_BALANCE.commercial", "T3_BALANCE.total"}
    for check in checks_for(FORM_2021):
        if check.id in layout.check_positions:
            sheet, row, col = layout.check_positions[check.id]
            assert workbook[sheet].cell(row + 1, col + 1).value == check.measure(values), check.id
    assert named_cell(workbook, CHECK_FAILURES).value == 2
    assert "有2项校验未通过" in workbook[SHEET_MAIN]["A3"].value


def test_stamp_in_properties_sheet_and_names(blank):
    props = {p.name: p.value for p in blank.custom_doc_props.props}
    assert props["gongkai_form_version"] == "2021" and props["gongkai_year"] == "2026"
    assert props["gongkai_fingerprint"] == layout_fingerprint(FORM_2021)
    stamp_rows = dict(blank[SHEET_STAMP].iter_rows(min_row=2, values_only=True))
    assert stamp_rows["template_id"] == props["gongkai_template_id"]
    assert named_cell(blank, "stamp_fingerprint").value == props["gongkai_fingerprint"]


def test_same_inputs_give_the_same_bytes():
    assert render_template(year=2026) == render_template(year=2026)
    assert render_template(year=2026, agency=AGENCY) == render_template(year=2026, agency=AGENCY)
    assert render_template(year=2026, agency=AGENCY) != render_template(year=2025, agency=AGENCY)


@pytest.fixture(scope="module")
def factory():
    return TemplateFactory(2026)


names = st.text(alphabet=st.sampled_from(list("示例县教育局街道办事处&<>\"'()（）·-_x0 ")), min_size=1, max_size=20)


@settings(max_examples=40, deadline=None)
@given(name=names, code=st.from_regex(r"[0-9A-Z&<]{1,18}", fullmatch=True))
def test_bulk_factory_is_byte_identical_to_a_full_render(factory, name, code):
    agency = Agency(code, name.strip() or "单位")
    assert factory.render(agency) == render_template(year=2026, agency=agency)


def test_file_names_are_recognisable_and_safe_on_windows():
    assert template_filename(2026, None) == "2026年政府信息公开工作年度报告_空白模板.xlsx"
    name = template_filename(2026, Agency("A/1", '县"局":*?'))
    assert name.startswith("2026年政府信息公开工作年度报告_县_局_") and not set('/\\:*?"<>|') & set(name)


def test_write_template_reports_the_stamp_it_wrote(tmp_path):
    """The stamp a written template reports is the one in the file — with a feedback copy's questions and the
    office's box — not a second one rebuilt from the arguments."""
    from gongkai_xlsx.read.returned import read_file
    from gongkai_xlsx.template.render import Question, write_template

    written = write_template(tmp_path / "t.xlsx", year=2026, agency=Agency("001", "示例局"), origin="feedback",
                             due="2027-01-15", contact="张三", questions=(Question("t2_rule_issued", "5"),))
    read_back = read_file(written.path).stamp
    assert read_back.pop("content_digest")  # an unchanged feedback copy's digest is written beside the stamp
    assert written.stamp.as_dict() == read_back
    assert written.stamp.questions
