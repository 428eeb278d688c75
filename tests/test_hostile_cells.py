"""Hostile cells: what an input cell holds is not always what it looks like (issue 17, items 5, 6, 17, 20).

Each case is a real template whose parts are rewritten the way the application (or the attacker) wrote them:
a formula where a typed number belongs, a date shown in a count cell, a copy of a data sheet filled instead of
the original, Excel's ``_xHHHH_`` escapes, superscript digits, cells without an address, a consolidated
workbook's impossible 下级单位数. Each reads to a finding (or to the right value), never to a silent number.
"""

import io
import re
import zipfile

import openpyxl
import pytest

from forms import FILLED, SMALL_TOWN, parse_tables
from libreoffice import libreoffice  # noqa: F401  (the fixture)
from gongkai_xlsx.check.verify import verify_report
from gongkai_xlsx.normalise import How, parse_number
from gongkai_xlsx.read.returned import read_bytes
from gongkai_xlsx.roster import Agency
from gongkai_xlsx.form import FORM_2021
from gongkai_xlsx.template.build import layout_for
from gongkai_xlsx.template.render import render_template
from xlsxwriter.utility import xl_rowcol_to_cell

AGENCY = Agency("11339999100000235X", "娲城街道办事处", "街道")
MAIN, T2, T3, T4 = "基本信息及文字", "表二 主动公开", "表三 依申请公开", "表四 复议诉讼"
PARTS = {MAIN: "xl/worksheets/sheet1.xml", T2: "xl/worksheets/sheet2.xml", T3: "xl/worksheets/sheet3.xml",
         T4: "xl/worksheets/sheet4.xml"}
CLEAN = render_template(year=2025, agency=AGENCY, values=parse_tables(SMALL_TOWN), **FILLED)
TEXT_AT = xl_rowcol_to_cell(*layout_for(FORM_2021).positions["text_overview"][1:])  # 一、总体情况


def rewritten(data: bytes, changes: dict) -> bytes:
    """The zip with each part named in ``changes`` replaced by ``change(its bytes)``."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            target.writestr(info, changes[info.filename](part) if info.filename in changes else part)
    return buffer.getvalue()


def cell_replaced(xml: bytes, ref: str, content: str) -> bytes:
    """A worksheet's ``<c r="ref">`` element (empty or not) replaced by ``content`` (a whole ``<c>``)."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(/>|>.*?</c>)')
    assert pattern.search(xml), ref
    return pattern.sub(content.encode(), xml, count=1)


def with_cell(ref_sheet: str, ref: str, content: str, data: bytes = CLEAN, extra: dict | None = None) -> bytes:
    return rewritten(data, {PARTS[ref_sheet]: lambda xml: cell_replaced(xml, ref, content), **(extra or {})})


def codes(report) -> list[str]:
    return sorted(f.code for f in report.findings)


def finding(report, code: str):
    found = [f for f in report.findings if f.code == code]
    assert found, (code, codes(report))
    return found[0]


# ------------------------------------------------------------------------------------------ 5. formulas in input cells
FORMULAS = {
    "constant arithmetic, cached 5": '<c r="D7" s="15"><f>1+1</f><v>5</v></c>',
    "a reference": '<c r="D7" s="15"><f>A1</f><v>3</v></c>',
    "a web service": '<c r="D7" s="15" t="str"><f>WEBSERVICE("http://x.example/n")</f><v>7</v></c>',
    "an external reference": '<c r="D7" s="15"><f>[1]Sheet1!A1</f><v>4</v></c>',
    "no cached value": '<c r="D7" s="15"><f>1+1</f></c>',
    "an empty formula element": '<c r="D7" s="15"><f/><v>6</v></c>',
    "an array formula": '<c r="D7" s="15"><f t="array" ref="D7">SUM(1,2)</f><v>3</v></c>',
}


@pytest.mark.parametrize("case", sorted(FORMULAS))
def test_a_formula_in_an_input_cell_is_an_error_never_its_cached_value(case):
    report = read_bytes(with_cell(T3, "D7", FORMULAS[case]), "formula.xlsx")
    found = finding(report, "FORMULA_IN_INPUT")
    assert found.severity.value == "error"
    assert [(c.sheet, c.cell, c.item) for c in found.cells] == [(T3, "D7", "t3_new_natural")]
    assert "D7" in found.message and found.hint
    assert report.values["t3_new_natural"] == 1 - 1  # the cached value is not counted: the cell is refused
    assert any(f.severity.value == "error" for f in verify_report(report))


def test_a_shared_formula_in_input_cells_is_refused_in_every_cell_that_shares_it():
    def change(xml):
        xml = cell_replaced(xml, "D7", '<c r="D7" s="15"><f t="shared" ref="D7:E7" si="7">1+1</f><v>2</v></c>')
        return cell_replaced(xml, "E7", '<c r="E7" s="15"><f t="shared" si="7"/><v>2</v></c>')

    report = read_bytes(rewritten(CLEAN, {PARTS[T3]: change}), "shared.xlsx")
    refused = {c.cell for f in report.findings if f.code == "FORMULA_IN_INPUT" for c in f.cells}
    assert refused == {"D7", "E7"}


@pytest.mark.parametrize("master", [
    '<c r="D7" s="15"><f t="array" ref="D7:F7">{1,2,3}</f><v>1</v></c>',
    '<c r="D7" s="15"><f t="dataTable" ref="D7:F7" dt2D="0" dtr="1" r1="A1"/><v>1</v></c>',
])
def test_cells_an_array_formula_or_data_table_fills_are_refused_though_they_hold_a_bare_value(master):
    # only the first cell of the range has the <f>; the others look exactly like typed numbers
    def change(xml):
        xml = cell_replaced(xml, "D7", master)
        return cell_replaced(cell_replaced(xml, "E7", '<c r="E7" s="15"><v>2</v></c>'), "F7", '<c r="F7" s="15"><v>3</v></c>')

    report = read_bytes(rewritten(CLEAN, {PARTS[T3]: change}), "array.xlsx")
    refused = {c.cell for f in report.findings if f.code == "FORMULA_IN_INPUT" for c in f.cells}
    assert refused == {"D7", "E7", "F7"}
    assert [report.values[f"t3_new_{c}"] for c in ("natural", "commercial", "research")] == [0, 0, 0]


def test_a_formula_in_the_amount_and_in_table_4_is_refused_too():
    data = with_cell(T2, "B17", '<c r="B17" s="15"><f>1/3</f><v>0.333333</v></c>',
                     extra={PARTS[T4]: lambda xml: cell_replaced(xml, "A7", '<c r="A7" s="15"><f>2*3</f><v>6</v></c>')})
    report = read_bytes(data, "amount.xlsx")
    refused = {c.item for f in report.findings if f.code == "FORMULA_IN_INPUT" for c in f.cells}
    assert refused == {"t2_fee", "t4_review_upheld"}


def test_a_formula_in_the_year_or_a_text_cell_is_refused():
    at = {key: xl_rowcol_to_cell(*layout_for(FORM_2021).positions[key][1:]) for key in ("meta_year", "text_overview")}
    year = f'<c r="{at["meta_year"]}" s="6"><f>2024+1</f><v>2025</v></c>'
    text = f'<c r="{at["text_overview"]}" s="8" t="str"><f>WEBSERVICE("http://x.example/t")</f><v>抓取的文字</v></c>'
    data = with_cell(MAIN, at["meta_year"], year,
                     data=rewritten(CLEAN, {PARTS[MAIN]: lambda x: cell_replaced(x, at["text_overview"], text)}))
    report = read_bytes(data, "meta.xlsx")
    refused = {c.item for f in report.findings if f.code == "FORMULA_IN_INPUT" for c in f.cells}
    assert refused == {"meta_year", "text_overview"}
    assert report.texts["text_overview"] == ""  # fetched text is not an office's text


def test_totals_keep_their_formulas_without_a_finding():
    report = read_bytes(CLEAN, "clean.xlsx")
    assert "FORMULA_IN_INPUT" not in codes(report) and verify_report(report) == []


# ------------------------------------------------------------------------------------------ 6. dates in count cells
def with_style(data: bytes, num_fmt_id: int, format_code: str | None = None) -> tuple[bytes, int]:
    """The workbook with one more cell style (number format ``num_fmt_id``, custom when ``format_code``);
    returns the workbook and the new style's index."""
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    count = int(re.search(r'<cellXfs count="(\d+)"', styles).group(1))
    if format_code is not None:
        escaped = format_code.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        styles = re.sub(r'<numFmts count="(\d+)">', lambda m: f'<numFmts count="{int(m.group(1)) + 1}">'
                        f'<numFmt numFmtId="{num_fmt_id}" formatCode="{escaped}"/>', styles)
    styles = styles.replace(f'<cellXfs count="{count}">', f'<cellXfs count="{count + 1}">')
    styles = styles.replace("</cellXfs>", f'<xf numFmtId="{num_fmt_id}" fontId="0" fillId="0" borderId="0" xfId="0" '
                                          'applyNumberFormat="1"/></cellXfs>')
    return rewritten(data, {"xl/styles.xml": lambda _: styles.encode()}), count


DATE_FORMATS = [(14, None), (22, None), (31, None), (57, None), (32, None), (45, None), (170, "yyyy-mm-dd"),
                (171, 'yyyy"年"m"月"d"日"'), (172, "[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy"), (173, "h:mm"),
                (174, "[h]:mm:ss"), (175, "[$-804]aaaa;@"), (176, "m/d;@"), (177, "[DBNum1][$-804]yyyy\"年\"m\"月\"")]
NUMBER_FORMATS = [(0, None), (1, None), (3, None), (49, None), (178, "0;-0;0"), (179, '0"件"'), (180, "[Red]0"),
                  (181, "0.00E+00"), (182, '#,##0" 万元"'), (183, "General"), (184, '"日"0'), (185, "0_);[Red]\\(0\\)"),
                  (186, "[>=100]0;0")]


@pytest.mark.parametrize("num_fmt_id, format_code", DATE_FORMATS)
def test_a_date_in_a_count_cell_is_an_error_not_45662_requests(num_fmt_id, format_code):
    data, style = with_style(CLEAN, num_fmt_id, format_code)
    report = read_bytes(with_cell(T3, "D7", f'<c r="D7" s="{style}"><v>45662</v></c>', data), "date.xlsx")
    found = finding(report, "DATE_IN_NUMBER")
    assert found.severity.value == "error" and [(c.cell, c.item) for c in found.cells] == [("D7", "t3_new_natural")]
    assert report.values["t3_new_natural"] == 0


@pytest.mark.parametrize("num_fmt_id, format_code", NUMBER_FORMATS)
def test_a_number_format_is_no_date(num_fmt_id, format_code):
    data, style = with_style(CLEAN, num_fmt_id, format_code)
    report = read_bytes(with_cell(T3, "D7", f'<c r="D7" s="{style}"><v>6</v></c>', data), "number.xlsx")
    assert "DATE_IN_NUMBER" not in codes(report) and report.values["t3_new_natural"] == 6


def test_a_zero_under_a_date_format_is_still_zero():
    # a format applied over a range reaches the template's zeros too; nobody types a date that is 0
    data, style = with_style(CLEAN, 14)
    report = read_bytes(with_cell(T3, "I7", f'<c r="I7" s="{style}"><v>0</v></c>', data), "zero.xlsx")
    assert "DATE_IN_NUMBER" not in codes(report) and report.values["t3_new_other_org"] == 0


def test_a_date_typed_as_a_date_cell_is_an_error():
    report = read_bytes(with_cell(T3, "D7", '<c r="D7" s="15" t="d"><v>2025-01-05T00:00:00</v></c>'), "d.xlsx")
    assert "DATE_IN_NUMBER" in codes(report) and report.values["t3_new_natural"] == 0


def in_1904_date_system(data: bytes) -> bytes:
    """The workbook saved with Excel's 1904 date system (old Mac Excel; 选项 → 使用 1904 日期系统)."""
    return rewritten(data, {"xl/workbook.xml": lambda xml: re.sub(rb"<workbookPr\b", b'<workbookPr date1904="1"', xml)})


def test_dates_of_a_1904_workbook_are_shown_as_the_office_saw_them():
    # the same day is serial 45662 in the 1900 system and 44200 in the 1904 one; read as 1900, a 填报日期 and the
    # date a finding shows would be four years early
    data, style = with_style(in_1904_date_system(CLEAN), 14)
    date_at = xl_rowcol_to_cell(*layout_for(FORM_2021).positions["meta_date"][1:])
    data = rewritten(data, {PARTS[T3]: lambda xml: cell_replaced(xml, "D7", f'<c r="D7" s="{style}"><v>44200</v></c>'),
                            PARTS[MAIN]: lambda xml: cell_replaced(xml, date_at, f'<c r="{date_at}" s="{style}">'
                                                                                 '<v>44200</v></c>')})
    report = read_bytes(data, "mac.xlsx")
    assert "2025-01-05" in finding(report, "DATE_IN_NUMBER").message
    assert report.meta["meta_date"] == "2025-01-05"
    plain = read_bytes(with_cell(T3, "D7", f'<c r="D7" s="{style}"><v>45662</v></c>', with_style(CLEAN, 14)[0]), "p.xlsx")
    assert "2025-01-05" in finding(plain, "DATE_IN_NUMBER").message


def edited(data: bytes, edit) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_filled_copy_of_table_3_beside_the_zero_original_is_an_error():
    def edit(wb):
        copy = wb.copy_worksheet(wb[T3])  # openpyxl names it "表三 依申请公开 Copy"
        copy["D7"], copy["D10"] = 12, 12

    report = read_bytes(edited(render_template(year=2025, agency=AGENCY), edit), "copied.xlsx")
    found = finding(report, "SHEET_COPIED")
    assert found.severity.value == "error"
    assert T3 in found.message and f"{T3} Copy" in found.message
    assert {(c.sheet, c.cell) for c in found.cells} >= {(f"{T3} Copy", "D7"), (f"{T3} Copy", "D10")}


def test_a_copy_holding_what_the_original_holds_is_only_an_extra_sheet():
    report = read_bytes(edited(CLEAN, lambda wb: wb.copy_worksheet(wb[T3])), "backup.xlsx")
    assert "SHEET_COPIED" not in codes(report)
    assert finding(report, "EXTRA_SHEET").severity.value == "warning"


def test_a_renamed_original_with_a_filled_copy_under_its_name_is_an_error():
    # Excel and LibreOffice move the defined names with a renamed sheet: the names then point at the renamed
    # (zero) original, while the copy that was filled carries the template's sheet name
    def rename(xml: bytes) -> bytes:
        return xml.replace(f'name="{T3}" '.encode(), 'name="表三(原)" '.encode()).replace(
            f"'{T3}'!".encode(), "'表三(原)'!".encode())

    def edit(wb):
        copy = wb.copy_worksheet(wb[T3])
        copy["D7"], copy["D10"] = 12, 12

    copied = edited(render_template(year=2025, agency=AGENCY), edit)
    # the copy takes the template's name, the original the new one, as the office left them
    data = rewritten(copied, {"xl/workbook.xml": lambda x: rename(x).replace(f'name="{T3} Copy"'.encode(),
                                                                             f'name="{T3}"'.encode())})
    report = read_bytes(data, "renamed.xlsx")
    assert report.where("t3_new_natural") == ("表三(原)", "D7")
    found = finding(report, "SHEET_COPIED")
    assert {(c.sheet, c.cell) for c in found.cells} >= {(T3, "D7")}


def test_an_extra_sheet_of_notes_with_numbers_is_a_warning_and_one_with_text_only_is_nothing():
    def notes(wb):
        ws = wb.create_sheet("附表")
        ws["A1"], ws["B1"] = "政务新媒体", 3

    assert finding(read_bytes(edited(CLEAN, notes), "notes.xlsx"), "EXTRA_SHEET").severity.value == "warning"

    def named_like_a_table(wb):  # an office's own table, named after one of ours but no copy of it
        ws = wb.create_sheet("表二补充")
        ws["A1"], ws["B1"], ws["B2"] = "政务新媒体发布信息（条）", 1200, 36

    report = read_bytes(edited(CLEAN, named_like_a_table), "own.xlsx")
    assert "SHEET_COPIED" not in codes(report) and finding(report, "EXTRA_SHEET").cells[0].sheet == "表二补充"
    text_only = read_bytes(edited(CLEAN, lambda wb: wb.create_sheet("说明")["A1"].__setattr__("value", "备注")))
    assert "EXTRA_SHEET" not in codes(text_only) and "SHEET_COPIED" not in codes(text_only)


# ------------------------------------------------------------------------------------------ 17. escapes, digits, positions
def with_strings(data: bytes, texts: list[str]) -> tuple[bytes, int]:
    """The workbook with ``texts`` appended to its shared strings (written as stored); their first index."""
    sst = zipfile.ZipFile(io.BytesIO(data)).read("xl/sharedStrings.xml").decode()
    unique = int(re.search(r'uniqueCount="(\d+)"', sst).group(1))
    sst = re.sub(r'uniqueCount="\d+"', f'uniqueCount="{unique + len(texts)}"', sst)
    sst = sst.replace("</sst>", "".join(f'<si><t xml:space="preserve">{t}</t></si>' for t in texts) + "</sst>")
    return rewritten(data, {"xl/sharedStrings.xml": lambda _: sst.encode()}), unique


@pytest.mark.parametrize("stored, text", [
    ("第一段_x000D_\n第二段", "第一段\r\n第二段"),
    ("制表_x0009_符", "制表\t符"),
    ("字面_x005F_x000D_不变", "字面_x000D_不变"),  # _x005F_ escapes the underscore
    ("小写_x000d_也是", "小写\r也是"),
    ("不完整_x00D_与_xZZZZ_", "不完整_x00D_与_xZZZZ_"),
])
@pytest.mark.parametrize("inline", [False, True])
def test_excel_escapes_in_text_are_decoded(stored, text, inline):
    if inline:
        data = with_cell(MAIN, TEXT_AT, f'<c r="{TEXT_AT}" s="8" t="inlineStr"><is><t xml:space="preserve">{stored}</t></is></c>')
    else:
        data, index = with_strings(CLEAN, [stored])
        data = with_cell(MAIN, TEXT_AT, f'<c r="{TEXT_AT}" s="8" t="s"><v>{index}</v></c>', data)
    assert read_bytes(data, "escaped.xlsx").texts["text_overview"] == text


@pytest.mark.parametrize("inline", [False, True])
def test_an_escaped_digit_in_a_number_cell_is_that_digit(inline):
    if inline:
        data = with_cell(T3, "D7", '<c r="D7" s="15" t="inlineStr"><is><t>_x0035_</t></is></c>')
    else:
        data, index = with_strings(CLEAN, ["_x0035_"])
        data = with_cell(T3, "D7", f'<c r="D7" s="15" t="s"><v>{index}</v></c>', data)
    report = read_bytes(data, "digit.xlsx")
    assert report.values["t3_new_natural"] == 5
    assert "NOT_A_NUMBER" not in codes(report) and "TEXT_NUMBER" in codes(report)


@pytest.mark.parametrize("typed", ["5²", "²", "⑤", "1⑤", "⒌", "₅", "5⁰", "Ⅴ", "½"])
def test_superscript_circled_and_other_digit_look_alikes_are_not_numbers(typed):
    assert parse_number(typed).how is How.INVALID
    report = read_bytes(with_cell(T3, "D7", f'<c r="D7" s="15" t="inlineStr"><is><t>{typed}</t></is></c>'), "sup.xlsx")
    assert "NOT_A_NUMBER" in codes(report) and report.values["t3_new_natural"] == 0


@pytest.mark.parametrize("typed, value", [("５", 5), ("１２", 12), ("12", 12), ("１，２０６", 1206), ("１２．０", 12)])
def test_full_width_digits_are_still_read(typed, value):
    parsed = parse_number(typed)
    assert parsed.how is How.TEXT_NUMBER and parsed.value == value


def without_addresses(xml: bytes, rows: bool = False, only: str | None = None) -> bytes:
    """Cells (and rows) written without their ``r`` attribute wherever their position is implied by order (the
    cell right after the one before it in its row, the row right after the one before it): legal OOXML."""
    if only:
        return re.sub(rb'<c r="' + only.encode() + rb'"', b"<c", xml)
    previous_row = 0

    def row_without(match: re.Match) -> bytes:
        nonlocal previous_row
        number = int(match.group(2))
        implied, previous_row = number == previous_row + 1, number
        previous_col = 0

        def cell_without(cell: re.Match) -> bytes:
            nonlocal previous_col
            col = 0
            for letter in cell.group(1).decode():
                col = col * 26 + ord(letter) - 64
            implied_col, previous_col = col == previous_col + 1, col
            return b"<c" if implied_col else cell.group(0)

        body = re.sub(rb'<c r="([A-Z]+)[0-9]+"', cell_without, match.group(3))
        return (b"<row" if rows and implied else match.group(1)) + body

    return re.sub(rb'(<row r="([0-9]+)")(.*?</row>|[^>]*/>)', row_without, xml, flags=re.S)


@pytest.mark.parametrize("rows", [False, True])
@pytest.mark.parametrize("whole", [False, True])  # the worksheet cut (fast path) and the whole part (slow path)
def test_cells_without_an_address_are_read_at_their_implied_position(rows, whole):
    expected = read_bytes(CLEAN, "clean.xlsx").values

    def change(xml: bytes) -> bytes:
        xml = without_addresses(xml, rows)
        return xml.replace(b"<sheetData>", b"<!-- a comment: no cut --><sheetData>") if whole else xml

    report = read_bytes(rewritten(CLEAN, {PARTS[T3]: change, PARTS[T2]: change, PARTS[T4]: change}), "no_r.xlsx")
    left = zipfile.ZipFile(io.BytesIO(rewritten(CLEAN, {PARTS[T3]: change}))).read(PARTS[T3])
    unaddressed = len(re.findall(rb"<c(?![^>]*\br=)[ />]", left)), len(re.findall(rb"<row(?![^>]*\br=)[ />]", left))
    assert unaddressed[0] > 150 and (unaddressed[1] > 20 if rows else unaddressed[1] == 0)
    assert report.values == expected
    assert report.where("t3_new_natural") == (T3, "D7")
    assert [f.code for f in report.findings if f.severity.value != "notice"] == []


def test_one_cell_without_its_address_after_empty_styled_cells_reads_at_its_place():
    data = with_cell(T3, "D7", '<c r="D7" s="15"><v>9</v></c>')
    report = read_bytes(rewritten(data, {PARTS[T3]: lambda xml: without_addresses(xml, only="D7")}), "one.xlsx")
    assert report.values["t3_new_natural"] == 9


# ------------------------------------------------------------------------------------------ 20. consolidated inputs
@pytest.fixture(scope="module")
def consolidated() -> bytes:
    import tempfile
    from pathlib import Path

    from gongkai_xlsx.consolidate.merge import merge_inbox
    from gongkai_xlsx.consolidate.workbook import render_consolidated

    agencies = [Agency("A1", "甲局", "部门"), Agency("B2", "乙镇", "乡镇")]
    with tempfile.TemporaryDirectory() as folder:
        for agency in agencies:
            Path(folder, f"{agency.code}.xlsx").write_bytes(
                render_template(year=2025, agency=agency, values=parse_tables(SMALL_TOWN)))
        result = merge_inbox([Path(folder)], year=2025, roster=agencies, unit_name="某县", unit_code="C", workers=1)
    return render_consolidated(result)


def detail_edited(data: bytes, column_id: str, value) -> tuple[bytes, str]:
    def edit(wb):
        detail = wb["明细"]
        ids = [cell.value for cell in detail[2]]
        cell = detail.cell(row=3, column=ids.index(column_id) + 1)
        cell.value = value
        edit.where = cell.coordinate

    return edited(data, edit), edit.where


@pytest.mark.parametrize("value, code", [(-5, "NEGATIVE"), (1e300, "NOT_A_NUMBER"), (2.5, "FRACTIONAL_COUNT"),
                                         ("很多", "NOT_A_NUMBER"), (5_000_000, "IMPLAUSIBLE_UNITS"),
                                         ("=1+1", "FORMULA_IN_INPUT")])
def test_a_consolidated_inputs_units_must_be_a_plausible_whole_number(consolidated, value, code):
    data, where = detail_edited(consolidated, "units", value)
    report = read_bytes(data, "county.xlsx")
    assert report.origin == "consolidated"
    found = finding(report, code)
    assert found.severity.value == "error" and ("明细", where) in {(c.sheet, c.cell) for c in found.cells}
    assert report.units == 2  # an impossible count of units stands for the member itself


def test_a_consolidated_inputs_units_read_as_written(consolidated):
    data, _ = detail_edited(consolidated, "units", 12)
    report = read_bytes(data, "county.xlsx")
    assert report.units == 13 and not [f for f in report.findings if f.severity.value == "error"]


@pytest.mark.parametrize("value, code", [(-5, "NEGATIVE"), (1e300, "NOT_A_NUMBER"), (2.5, "FRACTIONAL_COUNT"),
                                         ("=1+1", "FORMULA_IN_INPUT")])
def test_a_consolidated_inputs_numbers_are_checked_like_a_templates(consolidated, value, code):
    data, where = detail_edited(consolidated, "t3_new_natural", value)
    report = read_bytes(data, "county.xlsx")
    assert ("明细", where) in {(c.sheet, c.cell) for c in finding(report, code).cells}


# ------------------------------------------------------------------------------------------ saved by a real application

COPY = f"{T3}_2"  # the name LibreOffice gives a copy


@pytest.fixture(scope="module")
def saved_by_libreoffice(libreoffice, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-lo")
    template, other = folder / "template.xlsx", folder / "other.xlsx"
    template.write_bytes(render_template(year=2025, agency=AGENCY))
    other.write_bytes(render_template(year=2025, agency=AGENCY))
    external = f"='{other.as_uri()}'#$'{T3}'.D7"
    jobs = {
        "formulas": {"formulas": [[T3, "D7", "=1+1"], [T3, "E7", "=A1"], [T3, "F7", external]],
                     "array_formulas": [[T3, "D8:F8", "={4;5;6}"]],
                     "set_cells": [[MAIN, TEXT_AT, "原文照录_x000D_字样"]]},
        "date": {"set_cells": [[T3, "G7", 45662]], "number_formats": [[T3, "G7", "YYYY-MM-DD"]]},
        "copied": {"copy_sheets": [[T3, COPY]], "set_cells": [[COPY, "D7", 12], [COPY, "D10", 12]]},
        "renamed": {"rename_sheets": [[T3, "表三(原)"]], "copy_sheets": [["表三(原)", T3]],
                    "set_cells": [[T3, "D7", 12], [T3, "D10", 12]]},
    }
    batch = [{"path": str(template), "unprotect": {"*": "gongkai"}, "protect": {"*": "gongkai"},
              "save_as": str(folder / f"{label}.xlsx"), **job} for label, job in jobs.items()]
    results = libreoffice.run_jobs(batch)
    return {label: read_bytes(open(result["saved"], "rb").read(), f"{label}.xlsx")
            for label, result in zip(jobs, results)}


def test_formulas_saved_by_libreoffice_are_refused(saved_by_libreoffice):
    report = saved_by_libreoffice["formulas"]
    refused = {c.cell: c for f in report.findings if f.code == "FORMULA_IN_INPUT" for c in f.cells}
    # =1+1, =A1, '[1]表三 依申请公开'!D7 (an external link), and {=…} over D8:F8 (E8 and F8 hold bare values)
    assert set(refused) == {"D7", "E7", "F7", "D8", "E8", "F8"}
    assert [report.values[i] for i in ("t3_new_natural", "t3_new_commercial", "t3_new_research")] == [0, 0, 0]
    assert report.texts["text_overview"] == "原文照录_x000D_字样"  # LibreOffice writes it as _x005F_x000D_


def test_a_date_saved_by_libreoffice_is_refused(saved_by_libreoffice):
    report = saved_by_libreoffice["date"]
    assert [c.cell for c in finding(report, "DATE_IN_NUMBER").cells] == ["G7"]
    assert "2025-01-05" in finding(report, "DATE_IN_NUMBER").message


@pytest.mark.parametrize("label, copy, original", [("copied", COPY, T3), ("renamed", T3, "表三(原)")])
def test_a_filled_copy_saved_by_libreoffice_is_refused(saved_by_libreoffice, label, copy, original):
    report = saved_by_libreoffice[label]
    found = finding(report, "SHEET_COPIED")
    assert {(c.sheet, c.cell) for c in found.cells} == {(copy, "D7"), (copy, "D10")}
    assert report.where("t3_new_natural") == (original, "D7") and report.values["t3_new_natural"] == 0
