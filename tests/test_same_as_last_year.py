"""SAME_AS_LAST_YEAR: with last year's figures, a report whose 表二–表四 equal them item by item (and are not all
zero) is a warning — a known sign of a copied report — in verify and in merge."""

from forms import SMALL_TOWN, parse_tables
from gongkai_xlsx import samples
from gongkai_xlsx.form import FORM_2021, Severity
from gongkai_xlsx.check.verify import verify_report
from gongkai_xlsx.consolidate.merge import merge_inbox
from gongkai_xlsx.read.returned import read_bytes, read_file
from gongkai_xlsx.template.render import render_template

YEAR = samples.YEAR


def _report(values: dict):
    return read_bytes(render_template(year=YEAR, values=values), "town.xlsx")


def codes(findings):
    return [f.code for f in findings]


def test_a_copy_of_last_years_tables_is_a_warning():
    values = parse_tables(SMALL_TOWN)
    last_year = FORM_2021.complete_values(values)
    found = [f for f in verify_report(_report(values), previous=last_year) if f.code == "SAME_AS_LAST_YEAR"]
    assert len(found) == 1 and found[0].severity is Severity.WARNING
    nonzero = sum(1 for v in last_year.values() if v)
    assert f"全部 {len(FORM_2021.items)} 个数字" in found[0].message and f"{nonzero} 个不为 0" in found[0].message


def test_not_when_one_number_differs_not_when_all_zero_not_without_last_year():
    values = parse_tables(SMALL_TOWN)
    last_year = FORM_2021.complete_values({**values, "t2_license": values["t2_license"] + 1})
    assert "SAME_AS_LAST_YEAR" not in codes(verify_report(_report(values), previous=last_year))
    zeros = FORM_2021.complete_values({})
    assert "SAME_AS_LAST_YEAR" not in codes(verify_report(_report({}), previous=zeros))
    assert "SAME_AS_LAST_YEAR" not in codes(verify_report(_report(values)))


def test_merge_flags_an_agency_that_sent_last_years_figures_again(tmp_path):
    """A copied report counts (a warning never excludes), and the warning is on its entry."""
    previous_returns, current = samples.county_returns()
    roster = samples.roster()
    copier, honest = roster[0], roster[1]
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    copied = previous_returns[copier.code]
    (inbox / "copied.xlsx").write_bytes(render_template(year=YEAR, agency=copier, values=copied.values,
                                                        texts=copied.texts, meta=current[copier.code].meta))
    (inbox / "honest.xlsx").write_bytes(current[honest.code].workbook())
    samples.write_samples(tmp_path / "samples")
    previous = read_file(tmp_path / "samples" / "上年汇总" / f"{YEAR - 1}年政府信息公开工作年度报告汇总_示例县.xlsx")
    merged = merge_inbox([inbox], year=YEAR, roster=roster, previous=previous, workers=1)
    flagged = {e.agency.name for e in merged.entries if "SAME_AS_LAST_YEAR" in codes(e.result.findings)}
    assert flagged == {copier.name}
    assert {m.agency.name for m in merged.members} == {copier.name, honest.name}
