"""Import fidelity (issue 14): every shared real report, re-published in the shapes found in the wild, is read
exactly — or the part that cannot be read is refused with an error and left unset. Never a wrong number.

The variants are made here from the shared reports' transcriptions (nothing stored twice): year-first and
two-line titles, `|`-separated tables with blank cells, one cell per line, column names with digits, separated
cells with one missing, blank totals, rows ahead of the 表二 heading, and copies cut off after 表二 or inside 表三.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from test_import_inputs import AGENCIES, Grid, Published, grid_t2, parts, published, to_glued_text, to_tab_text, write

from gongkai_xlsx.form import FORM_2021, Severity
from gongkai_xlsx.importer import import_report
from gongkai_xlsx.check.verify import verify_report

T3, T4 = FORM_2021.table3, FORM_2021.table4
NAMES = list(AGENCIES)
TOTALS = {T3.item_id(r.key, "total") for r in T3.rows} | {T4.item_id(g.key, "total") for g in T4.groups}


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


def errors(result) -> list[str]:
    return [f.code for f in result.findings if f.severity is Severity.ERROR]


def pub_of(name: str, overview: str = "") -> Published:
    pub = published(name, {"text_overview": overview or f"{decoded_year(name)}年，本机关依法做好政府信息公开工作。"})
    return pub


def decoded_year(name: str) -> int:
    return int(re.search(r"_(\d{4})\.txt$", name).group(1))


def zero_cells(pub: Published) -> set[str]:
    """The cells a page would leave blank: every zero that is not a total."""
    single = {T3.item_id(r, c.key) for r in ("other_1", "other_2") for c in T3.columns} if pub.other_single else set()
    return {k for k, v in pub.values.items()
            if v == 0 and k not in TOTALS | single and k.startswith(("t3_", "t4_"))}


# ------------------------------------------------------------------------------------------ renderers
def _row_cells(grid: Grid, r: int) -> list[tuple[str, int]]:
    """The cells a page has in grid row ``r`` (covered parts of merged cells are not cells), with colspans."""
    return [(c.text, c.colspan) for c in sorted(grid.cells, key=lambda c: c.col) if c.row == r]


def to_bar_text(pub: Published, style: str = "pipes", heading_after: str | None = None) -> str:
    """The report as a page converted to text with ``|`` between cells.

    ``pipes``: ``label | 0 | | | 0 |`` (a blank cell between two bars); ``markdown``: ``| label | 0 | | ||`` with the
    cells a colspan covers as bars at the end; ``grid``: ``| label | | | 0 | … |``, every column of the grid a cell
    (the parts a merged cell covers empty, where they are); ``lines``: one cell per line (``0 |``, a bare ``|`` for a blank cell,
    ``||`` after a row). ``heading_after``: the 表二 heading is put below the 表二 row with this label.
    """
    lines: list[str] = []
    held: list[str] = []
    for kind, item in parts(pub):
        if kind == "heading" and item.startswith("二、") and heading_after:
            held = [item]
            continue
        if kind != "table":
            lines += [item, ""]
            continue
        for r in range(item.rows):
            cells = _row_cells(item, r)
            if style == "pipes":
                lines.append(" | ".join(text for text, _ in cells) + " |")
            elif style == "markdown":
                pad = sum(span - 1 for _, span in cells)
                lines.append("| " + " | ".join(text for text, _ in cells) + " | " + "|" * pad)
            elif style == "grid":  # a PDF converted to markdown: every grid column a cell, merged parts empty
                texts = [""] * item.cols
                for cell in item.cells:
                    if cell.row == r:
                        texts[cell.col] = cell.text
                lines.append("| " + " | ".join(texts) + " |")
            else:
                lines += [f"{text} |" if text else "|" for text, _ in cells]
                lines.append("||")
            if held and any(text == heading_after for text, _ in cells):
                lines += held
                held = []
    return "\n".join(lines) + "\n"


def retitle(text: str, title: str) -> str:
    first, rest = text.split("\n", 1)
    return title + "\n" + rest


# ------------------------------------------------------------------------------------------ 1. year and agency
def title_variants(agency: str, year: int) -> dict[str, str]:
    return {
        "year_first": f"{year}年{agency}政府信息公开工作年度报告",
        "about": f"{agency}关于{year}年度政府信息公开情况的报告",
        "two_lines": f"{agency[:3]}\n{agency[3:]}{year}年度政府信息公开工作年度报告",
        "two_lines_in_the_words": f"{agency}{year}年政府信息公开\n工作年度报告",
        "tables_part": f"{year}年{agency}政府信息公开工作年度报告（表格部分）",
    }


@pytest.mark.parametrize("variant", list(title_variants("甲", 2000)))
@pytest.mark.parametrize("name", NAMES)
def test_titles_in_the_wild_give_year_and_agency(tmp_path, name, variant):
    pub = pub_of(name)
    pub.preamble = ""  # the title alone must say it
    text = retitle(to_tab_text(pub), title_variants(pub.agency, pub.year)[variant])
    result = import_report(write(tmp_path, "t.txt", text))
    assert (result.report.year, result.report.agency_name) == (pub.year, pub.agency)
    assert result.report.values == pub.values and errors(result) == []


@pytest.mark.parametrize("name", NAMES)
def test_a_period_stated_once_gives_the_year_and_a_sentence_gives_no_agency(tmp_path, name):
    pub = pub_of(name)
    pub.preamble = f"本报告所列数据统计期限为 {pub.year} 年 1 月 1 日至 12 月 31 日。"
    sentence = f"根据《中华人民共和国政府信息公开条例》规定，现公布区统计局{pub.year}年政府信息公开工作年度报告。"
    for title in ("政府信息公开工作年度报告", sentence):
        result = import_report(write(tmp_path, "p.txt", retitle(to_tab_text(pub), title)))
        assert result.report.year == pub.year
        assert result.report.agency_name == ""  # never "根据《条例》规定，现公布区统计局"
        assert "IMPORT_AGENCY_UNKNOWN" in codes(result) and "IMPORT_YEAR_UNKNOWN" not in codes(result)
        assert result.report.values == pub.values


def test_no_year_anywhere_is_needs_year_not_unreadable(tmp_path):
    pub = pub_of("06_huaian_2024.txt")
    pub.preamble = ""
    result = import_report(write(tmp_path, "n.txt", retitle(to_tab_text(pub), "淮安市人民政府政府信息公开工作年度报告")))
    assert result.report.year is None and result.needs_year
    unknown = next(f for f in result.findings if f.code == "IMPORT_YEAR_UNKNOWN")
    assert "--year" in unknown.hint and result.report.values == pub.values
    given = import_report(write(tmp_path, "n.txt", retitle(to_tab_text(pub), "政府信息公开工作年度报告")), year=2024)
    assert given.report.year == 2024 and not given.needs_year


# ------------------------------------------------------------------------------------------ 2. `|` tables
@pytest.mark.parametrize("style", ["pipes", "markdown", "grid", "lines"])
@pytest.mark.parametrize("name", NAMES)
def test_bar_separated_tables_with_blank_cells_read_exactly(tmp_path, name, style):
    pub = pub_of(name)
    pub.blank = zero_cells(pub)
    result = import_report(write(tmp_path, "b.txt", to_bar_text(pub, style)))
    assert result.report.values == pub.values
    assert errors(result) == []
    blank = next(f for f in result.findings if f.code == "BLANK_AS_ZERO")
    assert {c.item for c in blank.cells} == pub.blank


def test_a_row_of_blanks_with_a_total_is_read_not_dropped(tmp_path):
    # `| 12 | | | | | | 12 |`: 12 applications from natural persons, the other columns blank
    pub = pub_of("08_hongze_2024.txt")
    pub.blank = zero_cells(pub)
    text = to_bar_text(pub, "pipes")
    row = next(line for line in text.split("\n") if line.startswith("一、本年新收"))
    assert re.fullmatch(r"一、本年新收政府信息公开申请数量 \| 95 \|  \|  \|  \|  \|  \| 95 \|", row)
    result = import_report(write(tmp_path, "r.txt", text))
    assert [result.report.values[T3.item_id("new", c.key)] for c in T3.columns] == [95, 0, 0, 0, 0, 0, 95]
    assert "IMPORT_ROW_INCOMPLETE" not in codes(result)


# ------------------------------------------------------------------------------------------ 3. digits that are not data
@pytest.mark.parametrize("name", NAMES)
def test_column_names_with_digits_are_not_values(tmp_path, name):
    pub = pub_of(name)
    lines = []
    for line in to_tab_text(pub, lose_tabs="").split("\n"):
        lines.append(line)
        if line.startswith("\t\t\t自然人") or "行政复议\t" in line and "总计" not in line:
            lines.append("\t\t\t" + "\t".join(f"数据{i}" for i in range(1, 8)))
    text = "\n".join(lines)
    assert "数据7" in text
    result = import_report(write(tmp_path, "h.txt", text))
    assert result.report.values == pub.values and errors(result) == []


@pytest.mark.parametrize("name", NAMES)
def test_too_many_numbers_in_a_row_are_chosen_by_the_sums_or_refused(tmp_path, name):
    pub = pub_of(name)
    text = to_tab_text(pub, lose_tabs="")
    label = "一、本年新收政府信息公开申请数量"
    row = next(line for line in text.split("\n") if line.startswith(label))
    # a stray number ahead of the row's seven (a footnote mark, a column index): only the last seven add up
    assert row.startswith(label + "\t\t")
    stray = text.replace(row, row.replace(label + "\t\t", label + "\t1\t", 1))
    result = import_report(write(tmp_path, "s.txt", stray))
    assert result.report.values == pub.values and errors(result) == []
    chosen = next(f for f in result.findings if f.code == "IMPORT_EXTRA_BY_SUMS")
    assert "第 2–8 个" in chosen.message
    # two sets of seven that both add up and differ: which is the row cannot be told — refused, unset
    doubled = text.replace(row, row + "\t1\t0\t0\t0\t0\t0\t1")
    result = import_report(write(tmp_path, "d.txt", doubled))
    new = [T3.item_id("new", c.key) for c in T3.columns]
    assert all(result.report.values[i] is None for i in new) and "IMPORT_EXTRA_NUMBERS" in errors(result)


# ------------------------------------------------------------------------------------------ 4. never an invented split
@pytest.mark.parametrize("style", ["pipes", "markdown", "spaces"])
def test_separated_cells_with_one_missing_are_not_split(tmp_path, style):
    values = {item.id: (Decimal(0) if item.id == "t2_fee" else 0) for item in FORM_2021.items}
    values.update(t2_rule_issued=14, t2_rule_repealed=0, t2_rule_valid=316)
    pub = Published("示例县司法局", 2024, values, {"text_overview": "2024年，本机关依法做好政府信息公开工作。"})
    text = to_bar_text(pub, "pipes" if style == "spaces" else style)
    row = next(line for line in text.split("\n") if "规章" in line and "14" in line)
    missing = {"pipes": "规章 | 14 | 316 |", "markdown": "| 规章 | 14 | 316 | ", "spaces": "规章    14    316"}[style]
    result = import_report(write(tmp_path, "m.txt", text.replace(row, missing)))
    rule = ("t2_rule_issued", "t2_rule_repealed", "t2_rule_valid")
    assert [result.report.values[i] for i in rule] == [None, None, None]  # never 14|3|16
    refused = next(f for f in result.findings if f.code == "IMPORT_CELL_MISSING")
    assert refused.severity is Severity.ERROR and "14 316" in refused.message
    assert {c.item for c in refused.cells} == set(rule)


@pytest.mark.parametrize("name", NAMES)
def test_a_run_together_row_is_split_by_what_the_report_states_or_refused(tmp_path, name):
    pub = pub_of(name)
    v = pub.values
    issued, repealed, valid = v["t2_norm_issued"], v["t2_norm_repealed"], v["t2_norm_valid"]
    glued = f"{issued}{repealed}{valid}"
    silent = import_report(write(tmp_path, "g.txt", to_glued_text(pub)))
    norm = ("t2_norm_issued", "t2_norm_repealed", "t2_norm_valid")
    read = [silent.report.values[i] for i in norm]
    if read != [issued, repealed, valid]:  # several splits: refused, and only where they disagree
        ambiguous = next(f for f in silent.findings if f.code == "IMPORT_GLUED_AMBIGUOUS" and glued in f.message)
        assert ambiguous.severity is Severity.ERROR
        assert all(r in (None, e) for r, e in zip(read, (issued, repealed, valid)))
    for overview in (f"{pub.year}年，现行有效行政规范性文件{valid}件，本年制发行政规范性文件{issued}件，废止{repealed}件。",
                     f"{pub.year}年，制发行政规范性文件{issued}件，废止规范性文件{repealed}件，行政规范性文件现行有效{valid}件。"):
        told = import_report(write(tmp_path, "t.txt", to_glued_text(pub_of(name, overview))))
        assert [told.report.values[i] for i in norm] == [issued, repealed, valid]
        assert "IMPORT_TEXT_TABLE_MISMATCH" not in codes(told)
        assert not [f for f in told.findings if f.code == "IMPORT_GLUED_AMBIGUOUS" and glued in f.message]


# ------------------------------------------------------------------------------------------ 5. rows out of place
@pytest.mark.parametrize("name", NAMES)
def test_table_2_rows_ahead_of_their_heading_are_found(tmp_path, name):
    pub = pub_of(name)
    result = import_report(write(tmp_path, "h.txt", to_bar_text(pub, "pipes", heading_after="行政许可")))
    assert result.report.values == pub.values and errors(result) == []


@pytest.mark.parametrize("name", NAMES)
def test_a_carried_over_row_missing_only_its_total_keeps_its_cells(tmp_path, name):
    pub = pub_of(name)
    text = to_bar_text(pub, "pipes")
    row = next(line for line in text.split("\n") if line.startswith("四、结转下年度继续办理"))
    cut = row.rsplit("|", 2)[0] + "|"  # the last cell (总计) is not there
    result = import_report(write(tmp_path, "c.txt", text.replace(row, cut)))
    assert result.report.values == pub.values  # the six cells kept, the total their sum
    assert errors(result) == []
    total = next(f for f in result.findings if f.code == "IMPORT_TOTAL_BLANK")
    assert [c.item for c in total.cells] == ["t3_carry_out_total"]
    assert not [f for f in verify_report(result.report) if f.rule == "T3_BALANCE"]


# ------------------------------------------------------------------------------------------ 6. blank totals
@pytest.mark.parametrize("style", ["pipes", "markdown", "grid", "lines"])
@pytest.mark.parametrize("name", NAMES)
def test_blank_published_totals_are_summed_not_zero(tmp_path, name, style):
    pub = pub_of(name)
    shown = {t for t in TOTALS if not (pub.other_single and t in ("t3_other_1_total", "t3_other_2_total"))}
    pub.blank = shown  # like the 2019-format pages: the 总计 column left empty
    result = import_report(write(tmp_path, "t.txt", to_bar_text(pub, style)))
    assert result.report.values == pub.values
    summed = {c.item for f in result.findings if f.code == "IMPORT_TOTAL_BLANK" for c in f.cells}
    assert summed == shown
    assert not [f for f in verify_report(result.report) if f.severity is Severity.ERROR]


@pytest.mark.parametrize("shape", ["tab", "pdf-layout"])
@pytest.mark.parametrize("name", NAMES)
def test_blank_totals_in_tab_text_and_in_a_pdf_without_cells_are_summed(tmp_path, name, shape):
    from test_import_inputs import to_pdf

    pub = pub_of(name)
    pub.blank = {t for t in TOTALS if not (pub.other_single and t in ("t3_other_1_total", "t3_other_2_total"))}
    data = to_tab_text(pub) if shape == "tab" else to_pdf(pub, ruled=False)
    result = import_report(write(tmp_path, "t." + ("txt" if shape == "tab" else "pdf"), data))
    if shape == "pdf-layout":
        assert result.variant == "pdf-layout"  # plain text: the numbers of a row, no cells
    assert result.report.values == pub.values and errors(result) == []
    assert {c.item for f in result.findings if f.code == "IMPORT_TOTAL_BLANK" for c in f.cells} == pub.blank


@pytest.mark.parametrize("name", NAMES)
def test_a_blank_column_in_a_pdf_without_cells_is_not_taken_for_a_blank_total(tmp_path, name):
    from test_import_inputs import to_pdf

    pub = pub_of(name)
    # no applications from 法律服务机构 (their count moved to 自然人, the totals unchanged), its column left blank in
    # every row, the totals published: six numbers a row, the last one the total
    for row in T3.rows:
        legal, natural = T3.item_id(row.key, "legal"), T3.item_id(row.key, "natural")
        pub.values[natural] += pub.values[legal]
        pub.values[legal] = 0
    pub.blank = {T3.item_id(r.key, "legal") for r in T3.rows}
    result = import_report(write(tmp_path, "c.pdf", to_pdf(pub, ruled=False)))
    wrong = {k: (result.report.values[k], v) for k, v in pub.values.items() if result.report.values[k] not in (v, None)}
    assert wrong == {}  # refused where it cannot be told (a row of zeros is zeros either way), never shifted
    assert errors(result)


# ------------------------------------------------------------------------------------------ truncated copies
@pytest.mark.parametrize("name", NAMES)
def test_a_copy_cut_after_table_2_reads_table_2_and_refuses_the_rest(tmp_path, name):
    pub = pub_of(name)
    text = to_bar_text(pub, "pipes")
    cut = text[:text.index("三、收到和处理政府信息公开申请情况")]
    result = import_report(write(tmp_path, "c.txt", cut))
    for key, value in pub.values.items():
        assert result.report.values[key] == (value if key.startswith("t2_") else None), key
    assert {"IMPORT_TABLE_NOT_FOUND"} == set(errors(result))


@pytest.mark.parametrize("name", NAMES)
def test_a_copy_cut_inside_table_3_reads_what_is_there_and_refuses_the_rest(tmp_path, name):
    pub = pub_of(name)
    text = to_bar_text(pub, "pipes")
    at = text.index("4.保护第三方合法权益")
    result = import_report(write(tmp_path, "c.txt", text[:at + len("4.保护第三")]))
    read_rows = ("new", "carry_in", "open", "partial", "deny_1", "deny_2", "deny_3")
    for key, value in pub.values.items():
        row_read = key.startswith("t2_") or any(key.startswith(f"t3_{r}_") for r in read_rows)
        assert result.report.values[key] == (value if row_read else None), key
    truncated = next(f for f in result.findings if f.code == "IMPORT_TABLE_TRUNCATED")
    assert "3.危及" in truncated.message and truncated.severity is Severity.ERROR
    assert not [f for f in verify_report(result.report) if f.rule]  # no rule runs over rows never read


# ------------------------------------------------------------------------------------------ 8. narrative pairing
def test_each_number_of_a_results_sentence_is_compared_with_the_row_it_names(tmp_path):
    pub = pub_of("08_hongze_2024.txt")
    v = pub.values
    deny = sum(v[T3.item_id(r.key, "total")] for r in T3.rows if r.key.startswith("deny_"))
    sentence = (f"2024年，共答复政府信息公开申请{v['t3_total_total']}件。其中同意公开答复 {v['t3_open_total']} 件，"
                f"部分公开 {v['t3_partial_total']} 件，不予公开 {deny} 件。")
    agree = import_report(write(tmp_path, "a.txt", to_tab_text(pub_of("08_hongze_2024.txt", sentence))))
    paired = {c.number: c.items for c in agree.claims}
    assert paired[v["t3_open_total"]] == ("t3_open_total",) and paired[v["t3_partial_total"]] == ("t3_partial_total",)
    assert "IMPORT_TEXT_TABLE_MISMATCH" not in codes(agree)
    wrong = sentence.replace(f"部分公开 {v['t3_partial_total']} 件", f"部分公开 {v['t3_partial_total'] + 5} 件")
    disagree = import_report(write(tmp_path, "d.txt", to_tab_text(pub_of("08_hongze_2024.txt", wrong))))
    (mismatch,) = [f for f in disagree.findings if f.code == "IMPORT_TEXT_TABLE_MISMATCH"]
    assert "（二）部分公开" in mismatch.message and mismatch.cells[1].item == "t3_partial_total"


# ------------------------------------------------------------------------------------------ 7. findings kept
def _import_to_workbook(tmp_path, text: str, name: str = "r.txt"):
    from typer.testing import CliRunner

    from gongkai_xlsx.cli import app

    source = write(tmp_path, name, text)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["import-report", str(source), "-o", str(out), "--json", "--force"])
    return result, out / f"{source.stem}_导入.xlsx"


@pytest.mark.parametrize("name", NAMES)
def test_a_workbook_from_an_import_that_left_cells_unread_never_verifies_ok(tmp_path, name):
    from gongkai_xlsx import verify_paths
    from gongkai_xlsx.check.verify import verify_file
    from gongkai_xlsx.consolidate.merge import merge_inbox
    from gongkai_xlsx.read.returned import read_file

    pub = pub_of(name)
    text = to_bar_text(pub, "pipes")
    cut = text[:text.index("4.保护第三方合法权益") + len("4.保护第三")]
    result, workbook = _import_to_workbook(tmp_path, cut)
    assert result.exit_code == 1, result.output
    imported = {f["code"] for f in __import__("json").loads(result.stdout)["reports"][0]["findings"]}
    report = read_file(workbook)
    # the empty cells are unset again (not 0), the import's findings come back with the workbook
    assert report.values["t3_carry_out_total"] is None and report.values["t3_new_total"] == pub.values["t3_new_total"]
    assert {"IMPORT_TABLE_TRUNCATED", "IMPORT_TABLE_NOT_FOUND"} <= {f.code for f in report.findings}
    verdict = verify_file(workbook)
    assert verdict.status == "errors" and {f.code for f in verdict.findings} == imported
    assert not [f for f in verdict.findings if f.rule]  # no rule over the rows never read
    assert verify_paths([workbook]).files[0].status == "errors"
    merged = merge_inbox([workbook], year=pub.year)
    assert [e.status for e in merged.entries] == ["invalid_excluded"]


def test_a_clean_import_verifies_ok_and_a_removed_record_is_an_error(tmp_path):
    import zipfile

    from gongkai_xlsx.check.verify import verify_file

    pub = pub_of("06_huaian_2024.txt")
    result, workbook = _import_to_workbook(tmp_path, to_tab_text(pub))
    assert result.exit_code == 0 and verify_file(workbook).status == "ok"
    cut = to_bar_text(pub, "pipes")
    result, workbook = _import_to_workbook(tmp_path, cut[:cut.index("三、收到和处理")], "cut.txt")
    assert verify_file(workbook).status == "errors"
    # the record taken out of the workbook: its count of errors in the document properties still tells
    with zipfile.ZipFile(workbook) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts["xl/workbook.xml"] = re.sub(rb'<definedName name="stamp_import_record"[^<]*</definedName>', b"",
                                      parts["xl/workbook.xml"])
    stripped = tmp_path / "stripped.xlsx"
    with zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, data in parts.items():
            archive.writestr(n, data)
    verdict = verify_file(stripped)
    assert verdict.status == "errors" and "IMPORT_RECORD_MISSING" in {f.code for f in verdict.findings}


def test_import_report_without_a_year_says_needs_year_not_unreadable(tmp_path):
    import json

    pub = pub_of("06_huaian_2024.txt")
    pub.preamble = ""
    text = retitle(to_tab_text(pub), "淮安市人民政府政府信息公开工作年度报告")
    result, workbook = _import_to_workbook(tmp_path, text)
    assert result.exit_code == 1, result.output  # not 2: nothing is wrong with the file
    (entry,) = json.loads(result.stdout)["reports"]
    assert entry["status"] == "needs_year" and "--year" in entry["hint"] and "没有写明报告年度" in entry["message"]
    assert entry["agency"] == "淮安市人民政府" and not workbook.exists()
    from typer.testing import CliRunner

    from gongkai_xlsx.cli import app

    shown = CliRunner().invoke(app, ["import-report", str(tmp_path / "r.txt"), "-o", str(tmp_path / "o2")])
    assert shown.exit_code == 1 and "需指定年度" in shown.output and "无法导入" not in shown.output
    given = CliRunner().invoke(app, ["import-report", str(tmp_path / "r.txt"), "-o", str(tmp_path / "o3"),
                                     "--year", "2024"])
    assert given.exit_code == 0, given.output


def test_compare_repeats_what_the_import_of_either_report_noticed(tmp_path):
    import json

    from typer.testing import CliRunner

    from gongkai_xlsx.cli import app

    pub = pub_of("06_huaian_2024.txt")
    text = to_bar_text(pub, "pipes")
    cut = text[:text.index("三、收到和处理")]
    result, workbook = _import_to_workbook(tmp_path, cut)
    source = tmp_path / "r.txt"
    compared = CliRunner().invoke(app, ["compare", str(workbook), str(source), "--json"])
    document = json.loads(compared.stdout)
    assert compared.exit_code == 0 and document["same"] is True  # unset on both sides: the same, not 0 against 0
    for side in ("a", "b"):
        assert "IMPORT_TABLE_NOT_FOUND" in {f["code"] for f in document["import_findings"][side]}
    shown = CliRunner().invoke(app, ["compare", str(workbook), str(source)])
    assert "IMPORT_TABLE_NOT_FOUND" in shown.output and workbook.name in shown.output


def test_a_workbook_with_unread_cells_counted_despite_its_errors_does_not_break_the_consolidation(tmp_path):
    from gongkai_xlsx.consolidate.merge import merge_inbox
    from gongkai_xlsx.consolidate.workbook import render_consolidated

    pub = pub_of("06_huaian_2024.txt")
    text = to_bar_text(pub, "pipes")
    result, workbook = _import_to_workbook(tmp_path, text[:text.index("三、收到和处理")])
    merged = merge_inbox([workbook], year=pub.year, include_invalid=True)
    assert [e.status for e in merged.entries] == ["invalid_included"]
    assert merged.totals["t2_norm_valid"] == pub.values["t2_norm_valid"] and merged.totals["t3_new_total"] == 0
    assert render_consolidated(merged)[:2] == b"PK"
