"""The consolidated workbook as an auditor reads and prints it: what it covers, how it prints, 分类汇总, 校验明细,
文字, the 指标 sheet and its defined names. The sample county (32 agencies, 27 counted), merged with last year's
consolidation; every expected value is computed here from the merge's members, not read from the workbook."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string, get_column_letter

from gongkai_xlsx import samples
from gongkai_xlsx.consolidate import workbook as consolidate
from gongkai_xlsx.consolidate.styles import BODY_POINTS, PRINTABLE_PX, column_px, min_scale
from gongkai_xlsx.consolidate.workbook import (SHEET_DETAIL, SHEET_FINDINGS, SHEET_README, SHEET_STATUS, SHEET_SUMMARY,
                                               SHEET_TEXTS, render_consolidated)
from gongkai_xlsx.form import FORM_2021
from gongkai_xlsx.form.rules import RULES
from gongkai_xlsx.consolidate.indicators import SMALL_MARK
from gongkai_xlsx.template.consolidated_layout import SHEET_INDICATORS
from gongkai_xlsx.consolidate.merge import COUNTED, merge_inbox
from gongkai_xlsx.check.verify import own_output
from gongkai_xlsx.read.intake import Submission
from gongkai_xlsx.read.returned import read_bytes, read_file
from gongkai_xlsx.report import Origin

YEAR = samples.YEAR
T3, T4 = FORM_2021.table3, FORM_2021.table4


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("county")
    samples.write_samples(root)
    previous = read_file(root / "上年汇总" / f"{YEAR - 1}年政府信息公开工作年度报告汇总_示例县.xlsx")
    merged = merge_inbox([root / "收件箱"], year=YEAR, roster=samples.roster(), unit_name=samples.COUNTY,
                         unit_code=samples.COUNTY_CODE, previous=previous, workers=1)
    return merged, previous


@pytest.fixture(scope="module")
def merged(county):
    return county[0]


@pytest.fixture(scope="module")
def data(merged):
    return render_consolidated(merged)


@pytest.fixture(scope="module")
def book(data):
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def cached(data):
    return openpyxl.load_workbook(io.BytesIO(data), data_only=True)


def printed_sheets(book):
    return [ws for ws in book.worksheets if ws.sheet_state == "visible"]


# ------------------------------------------------------------------------------------------ 1. coverage
def test_the_summary_opens_with_its_coverage_naming_every_agency_not_counted(merged, cached):
    counted = {m.agency.name for m in merged.members}
    not_counted = [a for a in merged.roster if a.name not in counted]
    assert len(not_counted) == 5 and len(counted) == 27
    opening = cached[SHEET_SUMMARY]["A2"].value
    assert opening.startswith(f"计入 27 / 名册 32 个单位；未计入：")
    named = re.findall(r"([^：、；。]+?)（([^）]+)）", opening.split("未计入：", 1)[1].split("。")[0])
    assert {name for name, _ in named} == {a.name for a in not_counted}
    reasons = dict(named)
    assert reasons["示例县民政局"] == reasons["示例县公安局"] == "有错误"
    assert reasons["示例县商务局"] == "只收到其他年度的报表"
    assert reasons["示例县审计局"] == reasons["云台乡人民政府"] == "未报送"
    # the 说明 sheet says the same
    assert opening in [cell.value for row in cached[SHEET_README].iter_rows() for cell in row]


def test_every_printed_sheet_names_unit_year_coverage_and_page(book):
    for ws in printed_sheets(book):
        header = ws.oddHeader.left.text + ws.oddHeader.right.text
        footer = ws.oddFooter.left.text + ws.oddFooter.right.text
        assert f"示例县{YEAR}年度" in header and ws.title in header, ws.title
        assert "计入 27 / 名册 32 个单位" in footer and "&P" in footer and "&N" in footer, ws.title


def test_no_check_cell_or_rule_code_prints_on_the_national_tables(book, merged):
    rule_ids = {rule.id for rule in RULES}
    sheets = [book[SHEET_SUMMARY]] + [ws for ws in book.worksheets if re.match(r"\d{3} ", ws.title)]
    assert len(sheets) == 1 + len(merged.members)
    for ws in sheets:
        (area,) = ws.print_area if isinstance(ws.print_area, list) else [ws.print_area]
        first, last = area.split("!")[1].replace("$", "").split(":")
        last_col, last_row = column_index_from_string(re.match(r"[A-Z]+", last).group()), int(re.search(r"\d+", last).group())
        checks = 0
        for row in ws.iter_rows():
            for cell in row:
                inside = cell.column <= last_col and cell.row <= last_row
                value = str(cell.value or "")
                if inside:
                    assert not any(rule_id in value for rule_id in rule_ids), (ws.title, cell.coordinate, value)
                formula_check = value.startswith("=") and not value.startswith("=SUM('明细'!")
                if formula_check:  # every check (a formula that is not a total over 明细) lies outside
                    checks += 1
                    assert not inside, (ws.title, cell.coordinate, value)
        assert checks > 30, ws.title  # the row, column and 表四 checks are there, just not printed


# ------------------------------------------------------------------------------------------ 2. printing
def test_every_sheet_prints_on_a4_at_eight_points_or_more_and_fits_its_width(book):
    for ws in printed_sheets(book):
        setup = ws.page_setup
        assert int(setup.paperSize) == 9, ws.title
        scale = int(setup.scale or 100)
        assert BODY_POINTS * scale / 100 >= 8, ws.title
        assert scale >= min_scale()
        landscape = setup.orientation == "landscape"
        repeated = _repeated_cols(ws)
        printed = _printed_cols(ws)
        if ws.title in (SHEET_DETAIL, SHEET_INDICATORS):
            continue  # wider than a page by design: they print across pages, their name columns repeated
        width = sum(column_px(typed_width(ws, c)) for c in printed)
        assert width * scale / 100 <= PRINTABLE_PX[landscape] + 1, (ws.title, width, scale)
        assert not repeated, ws.title


def test_detail_and_indicators_repeat_the_agency_and_header_rows_on_every_page(book):
    assert book[SHEET_DETAIL].print_title_cols == "$A:$B" and book[SHEET_DETAIL].print_title_rows == "$1:$2"
    assert book[SHEET_INDICATORS].print_title_cols == "$A:$B" and book[SHEET_INDICATORS].print_title_rows


def _printed_cols(ws) -> range:
    area = ws.print_area
    if not area:
        return range(1, ws.max_column + 1)
    area = area[0] if isinstance(area, list) else area
    first, last = area.split("!")[1].replace("$", "").split(":")
    return range(column_index_from_string(re.match(r"[A-Z]+", first).group()),
                 column_index_from_string(re.match(r"[A-Z]+", last).group()) + 1)


def typed_width(ws, col: int) -> float:
    """The width the writer asked for: a file stores it with Excel's 5-pixel padding (width + 5/7)."""
    for dimension in ws.column_dimensions.values():  # one entry may cover a run of columns (min..max)
        if dimension.min <= col <= dimension.max and dimension.customWidth:
            return max(0.0, dimension.width - 5 / 7)
    return 8.43  # Excel's default


def _repeated_cols(ws):
    return ws.print_title_cols


def test_per_agency_sheets_by_default_up_to_the_limit(merged, book, monkeypatch):
    agency_sheets = [ws.title for ws in book.worksheets if re.match(r"\d{3} ", ws.title)]
    assert agency_sheets == [f"{i:03d} {m.agency.name}"[:31] for i, m in enumerate(merged.members, start=1)]
    monkeypatch.setattr(consolidate, "PER_AGENCY_LIMIT", len(merged.members) - 1)
    fewer = openpyxl.load_workbook(io.BytesIO(render_consolidated(merged)), read_only=True).sheetnames
    assert not [name for name in fewer if re.match(r"\d{3} ", name)]
    forced = openpyxl.load_workbook(io.BytesIO(render_consolidated(merged, per_agency_sheets=True)),
                                    read_only=True).sheetnames
    assert len(forced) == len(book.sheetnames)


# ------------------------------------------------------------------------------------------ 4. 校验明细
def test_findings_one_row_per_finding_counted_returns_first(merged, cached):
    ws = cached[SHEET_FINDINGS]
    rows = list(ws.iter_rows(values_only=True))
    headers = [i for i, row in enumerate(rows) if row[0] == "序号"]
    assert len(headers) == 2
    columns = rows[headers[0]]

    def block(start, end):
        return [dict(zip(columns, row)) for row in rows[start + 1:end] if isinstance(row[0], int)]

    counted, others = block(headers[0], headers[1]), block(headers[1], len(rows))
    expected_counted = [(e, f) for e in merged.entries if e.status in COUNTED for f in e.result.findings]
    expected_others = [(e, f) for e in merged.entries if e.status not in COUNTED for f in e.result.findings]
    assert len(others) == len(expected_others) > 0 and len(counted) == len(expected_counted)
    assert [(r["文件"], r["代码"], r["问题"]) for r in others] == \
        [(e.submission.name, f.code, f.message) for e, f in expected_others]
    # a finding with several cells is one row listing them all
    many = next((e, f) for e, f in expected_others if len(f.cells) > 1)
    row = next(r for r in others if r["文件"] == many[0].submission.name and r["问题"] == many[1].message)
    assert all(cell.cell in row["单元格"] and cell.item in row["单元格"] for cell in many[1].cells)
    assert "已说明" in columns


# ------------------------------------------------------------------------------------------ 5. 文字
def test_texts_are_one_block_per_agency_in_full(merged, cached):
    ws = cached[SHEET_TEXTS]
    cells = [row[0] for row in ws.iter_rows(values_only=True)]
    for member in merged.members:
        start = cells.index(f"{member.agency.name}（{member.agency.code}；{member.agency.category}）")
        for section in FORM_2021.texts:
            text = member.entry.report.texts.get(section.id, "")
            at = cells.index(section.heading, start)
            following = []
            for value in cells[at + 1:]:
                if value in [s.heading for s in FORM_2021.texts] or value is None:
                    break
                following.append(value)
            assert "\n".join(following).replace("\n", "") == (text or "（未填写）").replace("\n", "")
    heights = [ws.row_dimensions[r].height for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value]
    assert max(h or 0 for h in heights) > 100  # the long texts get rows tall enough to show them


# ------------------------------------------------------------------------------------------ 6. 指标
def _sum(values, ids):
    return sum(values.get(i, 0) for i in ids)


def test_rates_computed_from_detail_equal_the_named_cells(merged, book, cached):
    detail = list(cached[SHEET_DETAIL].iter_rows(values_only=True))
    ids = detail[1]
    members = [dict(zip(ids, row)) for row in detail[2:]]
    county = {i: sum(m[i] for m in members) for i in ids[7:]}
    open_ids = (T3.item_id("open", "total"), T3.item_id("partial", "total"))
    review = [T4.item_id("review", c) for c in ("upheld", "corrected", "other")]
    suits = [T4.item_id(g, c) for g in ("suit_direct", "suit_after") for c in ("upheld", "corrected", "other")]
    expected = {
        "ind_open_rate": _sum(county, open_ids) / county[T3.item_id("total", "total")],
        "ind_review_corrected_rate": county[T4.item_id("review", "corrected")] / _sum(county, review),
        "ind_suit_corrected_rate": (county[T4.item_id("suit_direct", "corrected")]
                                    + county[T4.item_id("suit_after", "corrected")]) / _sum(county, suits),
    }
    previous = merged.previous
    new = T3.item_id("new", "total")
    expected["ind_new_yoy"] = county[new] / previous.values[new] - 1
    for name, value in expected.items():
        ((sheet, ref),) = list(book.defined_names[name].destinations)
        assert sheet == SHEET_INDICATORS
        assert cached[sheet][ref.replace("$", "")].value == pytest.approx(value, rel=1e-12), name
        assert book[sheet][ref.replace("$", "")].value.startswith("=IF("), name  # a live formula


def test_each_agencys_rates_and_small_samples(merged, cached):
    ws = cached[SHEET_INDICATORS]
    rows = list(ws.iter_rows(values_only=True))
    (start,) = [i for i, row in enumerate(rows) if row[0] == "机构名称"]
    by_name = {row[0]: row for row in rows[start + 2:] if row[0]}
    assert list(by_name) == [m.agency.name for m in merged.members]
    open_ids = (T3.item_id("open", "total"), T3.item_id("partial", "total"))
    seen_small = seen_empty = False
    for member in merged.members:
        values = member.values
        num, den = _sum(values, open_ids), values[T3.item_id("total", "total")]
        row = by_name[member.agency.name]
        assert row[2:4] == (num, den)
        if den == 0:
            assert row[4] in ("", None) and row[5] in ("", None)
            seen_empty = True
        else:
            assert row[4] == pytest.approx(num / den, rel=1e-12)
            assert (row[5] or "") == (SMALL_MARK if den < 30 else "")
            seen_small |= den < 30
    assert seen_small and seen_empty


def test_the_indicator_sheet_states_its_formulas_in_words(cached):
    text = "\n".join(str(c) for row in cached[SHEET_INDICATORS].iter_rows(values_only=True) for c in row if c)
    for words in ("实质公开率 =", "复议纠错率 =", "诉讼纠错率 =", "增减率 = 本年 ÷ 上年 − 1", f"少于 30", SMALL_MARK):
        assert words in text, words


def test_without_last_year_there_is_no_year_on_year(merged):
    from dataclasses import replace

    alone = replace(merged, previous=None)
    book = openpyxl.load_workbook(io.BytesIO(render_consolidated(alone)))
    assert "ind_new_yoy" not in book.defined_names and "ind_open_rate" in book.defined_names


def test_only_portable_functions_are_written():
    from gongkai_xlsx.template.sheet_writer import write_formula

    with pytest.raises(ValueError, match="IFERROR"):
        write_formula(None, 0, 0, 'IFERROR(A1/B1,"")', None, 0)
    # quoted text naming a function is not a call
    import xlsxwriter

    workbook = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    write_formula(workbook.add_worksheet(), 0, 0, 'IF(A1=0,"IFERROR(x)","")', None, "")
    workbook.close()


def test_status_sheet_keeps_its_columns(cached):
    header = next(cached[SHEET_STATUS].iter_rows(values_only=True))
    assert header[4] == "报送情况" and "sha256" in header and "填报日期" in header


def test_a_long_text_goes_on_in_further_rows_none_taller_than_excel_allows():
    from gongkai_xlsx.consolidate.content_sheets import TEXT_CHARS_PER_LINE, TEXT_LINE_POINTS, TEXT_ROW_LINES, text_rows
    from gongkai_xlsx.template.layout import wrapped_lines

    paragraph = "本机关认真贯彻落实政府信息公开条例，" * 40  # one paragraph longer than a row
    text = "\n".join(["一、总体情况", paragraph, "短段落。", paragraph[:300]] * 3)
    rows = text_rows(text, TEXT_CHARS_PER_LINE)
    assert len(rows) > 3
    assert all(6 + TEXT_LINE_POINTS * wrapped_lines(row, TEXT_CHARS_PER_LINE) <= 409 for row in rows)
    assert all(wrapped_lines(row, TEXT_CHARS_PER_LINE) <= TEXT_ROW_LINES for row in rows)
    assert "".join(rows).replace("\n", "") == text.replace("\n", "")  # nothing lost, nothing added
    assert text_rows("短", TEXT_CHARS_PER_LINE) == ["短"]


def test_an_explained_finding_shows_its_explanation(merged):
    """已说明: the office's 情况说明 of a finding (Finding.explanation) is in its row."""
    from dataclasses import replace

    entry = next(e for e in merged.entries if e.result.findings)
    original = list(entry.result.findings)
    entry.result.findings[0] = replace(original[0], explanation="上年数据更正，已在六中说明")
    try:
        sheet = openpyxl.load_workbook(io.BytesIO(render_consolidated(merged)), read_only=True)[SHEET_FINDINGS]
        rows = list(sheet.iter_rows(values_only=True))
        columns = next(row for row in rows if row[0] == "序号")
        explained = [row for row in rows if row[columns.index("已说明")] == "上年数据更正，已在六中说明"]
        assert len(explained) == 1 and explained[0][columns.index("问题")] == original[0].message
    finally:
        entry.result.findings[:] = original


def test_a_label_with_its_unit_breaks_before_the_unit_and_gets_the_lines_it_needs(book):
    # rendered by LibreOffice, 本年收费金额（单位：万元） left "）" alone on a line (汇总) or ran into the next row (分类汇总)
    from gongkai_xlsx.template.layout import wrapped_lines

    summary, by_category = book["汇总"], book["分类汇总"]
    units = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str) and "（单位：" in c.value]
    assert units and all("\n（单位：" in text for text in units), units
    per_line = int(typed_width(by_category, 2)) // 2  # 栏目, column B
    checked = 0
    for (cell,) in by_category.iter_rows(min_col=2, max_col=2, min_row=4):
        if not isinstance(cell.value, str):
            continue
        lines = wrapped_lines(cell.value, per_line)
        if lines > 1:
            height = by_category.row_dimensions[cell.row].height or 15
            assert height >= 4 + 14 * lines, (cell.coordinate, cell.value, height)
        checked += "（单位：" in cell.value
    assert checked


def test_the_stamp_sheet_holds_the_stamp_under_the_templates_key_value_header(book, merged):
    """The consolidated workbook is stamped by the template's stamp writer: the same _stamp sheet (a key/value
    header, then one named row per field) and the same fields as its custom properties."""
    ws = book["_stamp"]
    assert ws.sheet_state == "veryHidden"
    assert (ws["A1"].value, ws["B1"].value) == ("key", "value")
    row_of = {ws.cell(row, 1).value: row for row in range(2, ws.max_row + 1)}
    rows = {key: ws.cell(row, 2).value or "" for key, row in row_of.items()}
    properties = {p.name.removeprefix("gongkai_"): p.value or "" for p in book.custom_doc_props.props}
    assert rows == properties
    assert rows["origin"] == "consolidated" and rows["agency_code"] == samples.COUNTY_CODE
    assert rows["units"] == str(sum(m.units for m in merged.members))
    assert rows["members"] == str(len(merged.members))
    assert {key: book.defined_names[f"stamp_{key}"].attr_text for key in rows} == \
        {key: f"'_stamp'!$B${row}" for key, row in row_of.items()}


def _as_the_previous_release_wrote_it(data: bytes) -> bytes:
    """The workbook with its _stamp sheet as the release before this one wrote it: no key/value header row
    (the fields and their names in the same cells, B2 on)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    sheets = dict(re.findall(r'<sheet name="([^"]+)" sheetId="\d+"(?: state="\w+")? r:id="(rId\d+)"',
                             source.read("xl/workbook.xml").decode()))
    rels_xml = source.read("xl/_rels/workbook.xml.rels").decode()
    targets = {m.group(1): m.group(2) for m in re.finditer(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels_xml)}
    part = "xl/" + targets[sheets["_stamp"]].lstrip("/").removeprefix("xl/")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info)
            if info.filename == part:
                text = blob.decode()
                assert '<row r="1" ' in text
                text = re.sub(r'<row r="1" .*?</row>', "", text, count=1).replace('<dimension ref="A1:', '<dimension ref="A2:')
                blob = text.encode()
            target.writestr(info, blob)
    return out.getvalue()


def test_a_unit_code_typed_in_full_width_or_lower_case_reads_back_as_the_code_it_is(merged):
    """The stamp keeps --unit-code as typed; read back it is compared with rosters like any agency code."""
    typed = dataclasses.replace(merged, unit_code="１１３３９９９９ " + samples.COUNTY_CODE[8:].lower())
    report = read_bytes(render_consolidated(typed))
    assert report.origin is Origin.CONSOLIDATED and report.agency_code == samples.COUNTY_CODE


@pytest.mark.parametrize("release", ["this", "previous"])
def test_a_consolidated_workbook_of_either_release_is_read_back_and_known_as_the_units_own(merged, data, release,
                                                                                          tmp_path):
    """A city reads a county's consolidated workbook (and a unit its own last year's) whichever release wrote it:
    by its stamp it is a consolidation, its totals are its members', and in the unit's own inbox it is the
    unit's own output, never a return."""
    blob = data if release == "this" else _as_the_previous_release_wrote_it(data)
    if release == "previous":
        assert openpyxl.load_workbook(io.BytesIO(blob))["_stamp"]["A1"].value is None
    path = tmp_path / "汇总.xlsx"
    path.write_bytes(blob)
    report = read_file(path)
    assert report.origin is Origin.CONSOLIDATED
    assert (report.agency_code, report.year) == (samples.COUNTY_CODE, YEAR)
    assert report.units == sum(m.units for m in merged.members) and len(report.members) == len(merged.members)
    assert {item: float(value) for item, value in report.values.items()} == \
        {item: float(value) for item, value in merged.totals.items()}
    submission = Submission(path.name, str(path), blob)
    assert own_output(report, submission, unit_code=samples.COUNTY_CODE) is not None
    # the code typed as codes are everywhere compared (width, spaces, case): still this unit's own workbook
    typed = "１１３３９９９９ " + samples.COUNTY_CODE[8:].lower()
    assert own_output(report, submission, unit_code=typed) is not None
    assert own_output(report, submission, unit_code="OTHER-UNIT") is None  # another unit's: a lower level's return


def test_the_status_sheet_reads_back_as_it_was_written(merged, data):
    """read.consolidated.read_status_sheet (what publish's coverage line counts from) gives back every 报送情况 row
    the writer put there: code, name and the status in its words."""
    from gongkai_xlsx.consolidate.status_sheets import status_rows
    from gongkai_xlsx.ooxml.package import Package
    from gongkai_xlsx.ooxml.workbook import open_workbook
    from gongkai_xlsx.read.consolidated import read_status_sheet

    read = read_status_sheet(open_workbook(Package.open(data, "county.xlsx")))
    written = status_rows(merged)
    assert [(r.code, r.name, r.status) for r in read] == [(str(row[0] or ""), row[1], row[3]) for row in written]
    assert {r.status for r in read} >= {"已报送·通过", "未报送", "名册外单位"}
