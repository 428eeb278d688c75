"""Reading returned workbooks: by defined names or by labels, normalised once, trusting no cached value."""

import io
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter

from forms import SMALL_TOWN, parse_tables
from gongkai_xlsx.check.verify import verify_report
from gongkai_xlsx.form import FORM_2021
from gongkai_xlsx.read.returned import read_bytes
from gongkai_xlsx.roster import Agency
from gongkai_xlsx.template.build import layout_for
from gongkai_xlsx.template.render import render_template
from reports import decoded_reports, input_values, published_values

AGENCY = Agency("11339999100000235X", "娲城街道办事处", "街道")
T3 = "表三 依申请公开"


def small_town(**kwargs) -> bytes:
    kwargs.setdefault("meta", {"meta_contact": "李四", "meta_phone": "0517-1234567", "meta_date": "2026-01-20"})
    kwargs.setdefault("texts", {"text_overview": "概述"})
    return render_template(year=2025, agency=AGENCY, values=parse_tables(SMALL_TOWN), **kwargs)


def edited(data: bytes, edit) -> bytes:
    """The workbook after an office edited it (openpyxl keeps formulas, drops cached values)."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def codes(findings):
    return sorted(f.code for f in findings)


def unprotected(data: bytes) -> bytes:
    """The workbook with every sheet's protection switched off, as an office that removed it saves it."""
    return edited(data, lambda wb: [setattr(ws, "protection", type(ws.protection)()) for ws in wb.worksheets])


def rewrite_parts(data: bytes, which, change) -> bytes:
    """The zip with every part whose name ``which`` accepts replaced by ``change(part bytes)``."""
    import zipfile

    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            target.writestr(info, change(part) if which(info.filename) else part)
    return buffer.getvalue()


def test_a_clean_return_reads_back_exactly():
    report = read_bytes(small_town(texts={"text_overview": "概述"}), "a.xlsx")
    assert report.origin == "template" and report.year == 2025
    assert (report.agency_name, report.agency_code) == (AGENCY.name, AGENCY.code)
    assert report.values == FORM_2021.complete_values(parse_tables(SMALL_TOWN))
    assert report.values["t2_fee"] == Decimal("1.25")
    assert report.texts["text_overview"] == "概述" and report.meta["meta_contact"] == "李四"
    assert report.stamp["form_version"] == "2021" and report.stamp["agency_code"] == AGENCY.code
    assert verify_report(report) == []
    assert report.where("t3_new_natural") == (T3, "D7")


@pytest.mark.parametrize("name", sorted(decoded_reports()))
def test_real_reports_round_trip_through_the_template(name):
    report = decoded_reports()[name]
    data = render_template(year=report["year"], values=input_values(report))
    assert read_bytes(data).values == published_values(report)


def test_cached_values_are_never_trusted():
    # an openpyxl save keeps the formulas but drops every cached value: totals must still come out right
    report = read_bytes(edited(small_town(), lambda wb: None))
    assert report.values["t3_total_total"] == 8 and report.values["t3_new_total"] == 8
    assert verify_report(report) == []


@pytest.mark.parametrize("typed, expected, code", [
    ("６", 6, "TEXT_NUMBER"), (" 6 ", 6, "TEXT_NUMBER"), ("6.0", 6, "TEXT_NUMBER"), ("1,206", 1206, "TEXT_NUMBER"),
    (None, 0, "BLANK_AS_ZERO"), ("", 0, "BLANK_AS_ZERO"), ("/", 0, "PLACEHOLDER_AS_ZERO"),
    ("无", 0, "PLACEHOLDER_AS_ZERO"), ("—", 0, "PLACEHOLDER_AS_ZERO"), ("×", 0, "PLACEHOLDER_AS_ZERO"),
    ("－－", 0, "PLACEHOLDER_AS_ZERO"),
    ("5件", 0, "NOT_A_NUMBER"), ("约10", 0, "NOT_A_NUMBER"), (-2, -2, "NEGATIVE"), (2.5, Decimal("2.5"), "FRACTIONAL_COUNT"),
])
def test_values_are_normalised_once_and_every_change_is_reported(typed, expected, code):
    def edit(wb):
        wb[T3]["D7"].value = typed  # t3_new_natural

    report = read_bytes(edited(small_town(), edit))
    assert report.values["t3_new_natural"] == expected
    finding = next(f for f in report.findings if f.code == code)
    (cell,) = [c for c in finding.cells if c.item == "t3_new_natural"]
    assert (cell.sheet, cell.cell) == (T3, "D7")
    severity = {"TEXT_NUMBER": "notice", "BLANK_AS_ZERO": "notice", "PLACEHOLDER_AS_ZERO": "notice"}.get(code, "error")
    assert finding.severity.value == severity
    assert "D7" in finding.message or code in ("BLANK_AS_ZERO", "PLACEHOLDER_AS_ZERO")


def test_a_typed_over_total_is_reported_and_is_what_the_rules_see():
    def edit(wb):
        wb[T3]["J7"].value = 9  # t3_new_total was =SUM(D7:I7), which gives 8

    report = read_bytes(edited(small_town(), edit))
    assert report.values["t3_new_total"] == 9
    found = verify_report(report)
    typed = next(f for f in found if f.code == "TOTAL_TYPED_OVER")
    assert "9" in typed.message and "8" in typed.message and typed.cells[0].cell == "J7"
    assert {"T3_ROW_TOTAL", "T3_BALANCE", "LAYOUT_CHANGED"} <= set(codes(found))


def test_removed_protection_wrong_year_and_wrong_form_version():
    def edit(wb):
        for ws in wb.worksheets:
            ws.protection.sheet = False
        for prop in wb.custom_doc_props.props:
            if prop.name == "gongkai_form_version":
                prop.value = "2019"

    report = read_bytes(edited(small_town(), edit))
    found = verify_report(report, year=2026)
    assert codes(found).count("PROTECTION_REMOVED") == 5
    assert "WRONG_FORM_VERSION" in codes(found) and "WRONG_YEAR" in codes(found)
    wrong_year = next(f for f in found if f.code == "WRONG_YEAR")
    assert "2025" in wrong_year.message and "2026" in wrong_year.message


def test_a_missing_stamp_is_a_warning_and_values_still_read():
    def edit(wb):
        wb.custom_doc_props.props.clear()
        for name in [n for n in wb.defined_names if n.startswith("stamp_")]:
            del wb.defined_names[name]

    report = read_bytes(edited(small_town(), edit))
    assert "STAMP_MISSING" in codes(report.findings)
    assert report.values == FORM_2021.complete_values(parse_tables(SMALL_TOWN))


def test_an_agency_using_another_agencys_template_is_flagged():
    def edit(wb):
        sheet, row, col = layout_for(FORM_2021).positions["meta_code"]
        wb[sheet].cell(row + 1, col + 1).value = "11339999100000999Z"

    report = read_bytes(edited(small_town(), edit))
    assert "AGENCY_MISMATCH" in codes(report.findings)


# ---------------------------------------------------------------------------------- not our template
def national_table_workbook(values, label_variant=lambda s: s) -> bytes:
    """A workbook a county made itself: the national 表三/表四 laid out by hand, no names, no stamp."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = workbook.add_worksheet("年报")
    t3, t4 = FORM_2021.table3, FORM_2021.table4
    ws.write(0, 0, "示例县民政局2025年政府信息公开工作年度报告")
    for h in t3.header:
        ws.write(2 + h.row, h.col, label_variant(h.text))
    for r, row in enumerate(t3.rows):
        ws.write(5 + r, min(len(row.path) - 1, 2), label_variant(row.path[-1]))
        for c, column in enumerate(t3.columns):
            ws.write(5 + r, 3 + c, values[t3.item_id(row.key, column.key)])
    top = 5 + len(t3.rows) + 2
    for h in t4.header:
        ws.write(top + h.row, h.col, label_variant(h.text))
    for i, item_id in enumerate(t4.item_id(g.key, c.key) for g in t4.groups for c in t4.columns):
        ws.write(top + 3, i, values[item_id])
    row = top + 6
    for block in FORM_2021.table2.blocks:
        ws.write(row, 0, block.caption)
        for col, header in enumerate(block.headers):
            ws.write(row + 1, col, header)
        for offset, table_row in enumerate(block.rows):
            ws.write(row + 2 + offset, 0, label_variant(table_row.label))
            for col, item_id in enumerate(table_row.item_ids, start=1):
                ws.write(row + 2 + offset, col, values[item_id])
        row += 3 + len(block.rows)
    workbook.close()
    return buffer.getvalue()


def real_report_variants(label: str) -> str:
    """Label variants seen in published reports (national_format.md §8)."""
    label = label.replace("1.", "1、").replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开")
    return label.replace("只计这一情形", "只计这一情 形").replace("社会公益组织", "社会公益\n组织").replace("（", "(").replace("）", ")")


def other_quotes(label: str) -> str:
    """Quotation marks the published-report importer also takes as quotes: 3.危及『三安全一稳定』."""
    return label.replace("“", "『").replace("”", "』")


@pytest.mark.parametrize("variant", [lambda s: s, real_report_variants, other_quotes])
def test_a_workbook_not_made_from_our_template_is_read_by_its_labels(variant):
    values = published_values(decoded_reports()["06_huaian_2024.txt"])
    report = read_bytes(national_table_workbook(values, variant))
    assert report.origin == "labels"
    assert (report.agency_name, report.year) == ("示例县民政局", 2025)  # from the title
    assert report.values == values
    found = codes(verify_report(report))
    assert "STAMP_MISSING" in found and "CELLS_NOT_FOUND" not in found
    assert not [c for c in found if c.startswith(("T3_", "T4_"))]


def test_totals_built_on_a_typed_over_total_use_the_typed_number():
    # D30 (t3_total_natural) typed over: J30 = SUM(D30:I30) is still live in the workbook and shows the typed 9
    def edit(wb):
        wb[T3]["D30"].value = 9

    report = read_bytes(edited(small_town(), edit))
    inputs = parse_tables(SMALL_TOWN)
    others = sum(v for k, v in FORM_2021.complete_values(inputs).items()
                 if k.startswith("t3_total_") and k not in ("t3_total_natural", "t3_total_total"))
    assert report.values["t3_total_natural"] == 9
    assert report.values["t3_total_total"] == 9 + others
    failing = {f"{f.rule}.{c.item.split('_')[-1]}" for f in verify_report(report) if f.rule for c in f.cells[:1]}
    # exactly the checks the typed 9 breaks; none on the row total, whose formula is still live
    assert failing == {"T3_RESULTS_SUM.natural", "T3_RESULTS_SUM.total", "T3_BALANCE.natural", "T3_BALANCE.total"}


# ------------------------------------------------------------------------------------------ the worksheet cut
def _read_whole(data: bytes, monkeypatch):
    """The report read with every part parsed whole (the worksheet and shared-string cuts switched off)."""
    from gongkai_xlsx.ooxml import fastpath, sheet

    with monkeypatch.context() as patch:
        patch.setattr(sheet, "sheet_data_only", lambda part: None)
        patch.setattr(fastpath.SharedStrings, "_cut_after", lambda self, index: None)
        return read_bytes(data, "whole.xlsx")


def report_facts(report) -> tuple:
    return (report.values, report.texts, report.meta, report.agency_name, report.agency_code, report.year,
            sorted((f.code, tuple((c.sheet, c.cell, c.item, c.value) for c in f.cells)) for f in report.findings),
            {key: (s.sheet, s.cell, s.raw, s.formula) for key, s in report.sources.items()})


def agree_cut_and_whole(data: bytes, monkeypatch) -> None:
    """The reader gives the same with and without the worksheet cut, and the cut is really taken."""
    from gongkai_xlsx.ooxml.fastpath import sheet_data_only
    from gongkai_xlsx.ooxml.package import Package

    package = Package.open(data, "cut.xlsx")
    worksheets = [name for name in package.names if name.startswith("xl/worksheets/sheet")]
    assert any(sheet_data_only(package.read(name)) is not None for name in worksheets)
    assert report_facts(read_bytes(data, "whole.xlsx")) == report_facts(_read_whole(data, monkeypatch))


def test_reading_the_sheet_data_alone_gives_what_the_whole_worksheet_gives(monkeypatch):
    clean = small_town(texts={"text_overview": "概述"})
    broken = edited(unprotected(clean), lambda wb: [wb[T3].__setitem__("D7", "１２"), wb[T3].__setitem__("D30", 99)])
    for data in (clean, broken):
        agree_cut_and_whole(data, monkeypatch)
    found = codes(read_bytes(broken).findings)
    assert found.count("PROTECTION_REMOVED") == 5 and "TEXT_NUMBER" in found and "TOTAL_TYPED_OVER" in found


@pytest.mark.parametrize("change, cut", [
    (lambda x: x, True),
    (lambda x: x.replace(b"<sheetData>", b"<!-- a note --><sheetData>"), False),  # a comment before the cells
    (lambda x: x.replace(b"<sheetData>", b"<?pi here?><sheetData>"), False),
    (lambda x: x.replace(b"</sheetData>", b"</sheetData><sheetData></sheetData>"), False),  # two of them
    (lambda x: x.replace(b"<worksheet ", b"<x:worksheet xmlns:x=\"urn:x\" ").replace(b"sheetData>", b"x:sheetData>"),
     False),  # a prefixed sheetData
    (lambda x: x[:x.index(b"<sheetData>")] + b"<sheetData/>" + x[x.index(b"</sheetData>") + 12:], False),
])
def test_the_worksheet_is_cut_only_where_the_bytes_leave_no_doubt(change, cut):
    from gongkai_xlsx.ooxml.fastpath import sheet_data_only
    from gongkai_xlsx.ooxml.package import Package

    part = change(Package.open(small_town(), "t.xlsx").read("xl/worksheets/sheet3.xml"))
    trimmed = sheet_data_only(part)
    assert (trimmed is not None) is cut
    if cut:
        from lxml import etree

        def content_cells(root):  # every cell that holds something, with its formula, value and attributes
            return [etree.tostring(c) for c in root.iter("{*}c") if len(c)]

        whole, alone = etree.fromstring(part), etree.fromstring(trimmed)
        assert [e.tag for e in alone] == [e.tag for e in whole if e.tag.endswith("sheetData")]
        assert content_cells(alone) == content_cells(whole) and len(content_cells(whole)) > 150
        assert len(list(alone.iter("{*}c"))) < len(list(whole.iter("{*}c")))  # the styled empty ones are left out


@pytest.mark.parametrize("table, whole", [
    (b"<si><t>a</t></si><si><r><t>b</t></r><r><rPr/><t>c</t></r><rPh><t>x</t></rPh></si><si><t>d</t></si>", False),
    (b"<si><t>a</t></si><!-- x --><si><t>bc</t></si><si><t>d</t></si>", True),
    (b"<si><t>a</t></si><si/><si><t>d</t></si>", True),  # an empty string written short: no counting on it
])
def test_shared_strings_are_parsed_only_as_far_as_asked(table, whole):
    import zipfile

    from gongkai_xlsx.ooxml.fastpath import SharedStrings
    from gongkai_xlsx.ooxml.package import Package

    filler = b"".join(b"<si><t>f%d</t></si>" % i for i in range(60))  # the labels after an office's own strings
    sst = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + table
           + filler + b"</sst>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/sharedStrings.xml", sst)
    strings = SharedStrings(Package.open(buffer.getvalue(), "t.xlsx"), "xl/sharedStrings.xml")
    expected = ["a", "bc", "d"] if b"<si/>" not in table else ["a", "", "d"]
    assert strings[0] == "a" and strings._parsed_all is whole
    assert [strings[i] for i in range(3)] == expected
    assert strings[62] == "f59" and strings[40] == "f37"
    with pytest.raises(IndexError):
        strings[63]


def test_a_workbook_part_read_before_is_recognised_by_its_stored_bytes_and_a_changed_one_is_read_again():
    import zipfile

    from gongkai_xlsx.ooxml import workbook as reader
    from gongkai_xlsx.ooxml.package import Package

    first, second = small_town(), render_template(year=2025, agency=Agency("11339999100000999X", "白沙镇", "乡镇"))
    stored = [Package.open(data, "x.xlsx").stored("xl/workbook.xml") for data in (first, second)]
    assert stored[0] == stored[1] and stored[0][0] == zipfile.ZIP_DEFLATED  # the same template: the same part
    # the second file's workbook structure is the one worked out for the first, not parsed again
    assert reader._structure(Package.open(second, "b.xlsx")) is reader._structure(Package.open(first, "a.xlsx"))

    assert read_bytes(first).where("t3_new_natural") == (T3, "D7")
    name = "<definedName name=\"t3_new_natural\">'表三 依申请公开'!$"
    moved = rewrite_parts(first, lambda part: part == "xl/workbook.xml",
                          lambda xml: xml.replace((name + "D$7").encode(), (name + "E$7").encode()))
    assert Package.open(moved, "m.xlsx").stored("xl/workbook.xml") != stored[0]
    assert reader._structure(Package.open(moved, "m.xlsx")) is not reader._structure(Package.open(first, "a.xlsx"))
    assert read_bytes(moved).where("t3_new_natural") == (T3, "E7")


def test_protection_is_read_from_the_element_not_from_look_alike_bytes():
    def rewritten(data: bytes, change) -> bytes:  # every worksheet part changed by ``change``
        return rewrite_parts(data, lambda part: part.startswith("xl/worksheets/sheet"), change)

    # a cell whose text reads like the element, in the sheet itself, before the real element (if any)
    text_cell = b'<c r="Z1" t="inlineStr"><is><t>sheetProtection sheet="1"</t></is></c></row>'
    with_text = lambda part: part.replace(b"</row>", text_cell, 1)  # noqa: E731
    # a comment that looks like the element
    with_comment = lambda part: part.replace(b"</worksheet>", b'<!-- <sheetProtection sheet="1"/> --></worksheet>')  # noqa: E731
    # a CDATA section in a cell's text that holds the element's bytes
    cdata_cell = b'<c r="Z1" t="inlineStr"><is><t><![CDATA[<sheetProtection sheet="1"/>]]></t></is></c></row>'
    with_cdata = lambda part: part.replace(b"</row>", cdata_cell, 1)  # noqa: E731
    protected = small_town()
    open_sheets = unprotected(protected)
    for change in (with_text, with_comment, with_cdata):
        assert codes(read_bytes(rewritten(open_sheets, change)).findings).count("PROTECTION_REMOVED") == 5
        assert "PROTECTION_REMOVED" not in codes(read_bytes(rewritten(protected, change)).findings)
