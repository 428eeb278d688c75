"""Real published reports found in the wild (tests/data/reports/, sources in its README), imported and compared
with the cells read from them by hand (truth.json): every cell the stored copy has is read exactly, every cell it
does not reach is unset and said so — none is a number nobody published."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from gongkai_xlsx.check.verify import verify_report
from gongkai_xlsx.form import FORM_2021, Severity
from gongkai_xlsx.importer import import_report

HERE = Path(__file__).resolve().parent / "data" / "reports"
TRUTH = json.loads((HERE / "truth.json").read_text(encoding="utf-8"))["reports"]
T2_ROWS = {"rule": ("t2_rule_issued", "t2_rule_repealed", "t2_rule_valid"),
           "norm": ("t2_norm_issued", "t2_norm_repealed", "t2_norm_valid"),
           "license": ("t2_license",), "penalty": ("t2_penalty",), "coercion": ("t2_coercion",), "fee": ("t2_fee",)}
T3 = FORM_2021.table3


def expected_values(truth: dict) -> tuple[dict, set, set, set]:
    """(item → value the import must give, items shown empty, items shown as a slash, totals shown empty)."""
    values: dict = {item.id: None for item in FORM_2021.items}
    empty, slash, empty_totals = set(), set(), set()
    for row, cells in truth["t2"].items():
        for item, cell in zip(T2_ROWS[row], cells):
            if cell == "/":
                slash.add(item)
                values[item] = 0
            else:
                values[item] = Decimal(cell) if item == "t2_fee" else cell
    for row, cells in truth["t3"].items():
        ids = [T3.item_id(row, c.key) for c in T3.columns]
        for item, cell in zip(ids[:-1], cells[:-1]):
            values[item] = 0 if cell == "" else cell
            if cell == "":
                empty.add(item)
        if cells[-1] == "":  # a blank total is the sum of the row's cells
            empty_totals.add(ids[-1])
            values[ids[-1]] = sum(values[i] for i in ids[:-1])
        else:
            values[ids[-1]] = cells[-1]
    return values, empty, slash, empty_totals


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_real_report_from_the_wild_reads_what_it_has_and_refuses_the_rest(name):
    truth = TRUTH[name]
    result = import_report(HERE / name)
    values, empty, slash, empty_totals = expected_values(truth)
    assert result.report.values == values
    assert (result.report.year, result.report.agency_name) == (truth["year"], truth["agency"] or "")
    assert result.needs_year == (truth["year"] is None)
    found = {f.code: f for f in result.findings}
    assert {c.item for c in found["BLANK_AS_ZERO"].cells} == empty if empty else "BLANK_AS_ZERO" not in found
    assert {c.item for c in found["PLACEHOLDER_AS_ZERO"].cells} == slash if slash else "PLACEHOLDER_AS_ZERO" not in found
    if empty_totals:
        assert {c.item for c in found["IMPORT_TOTAL_BLANK"].cells} == empty_totals
    # the copy ends inside 表三: the rest of 表三 in one error, 表四 in another; every unset cell is named
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    assert sorted(f.code for f in errors) == ["IMPORT_TABLE_NOT_FOUND", "IMPORT_TABLE_TRUNCATED"]
    named = {c.item for f in errors for c in f.cells}
    unset = {k for k, v in values.items() if v is None}
    assert {i for i in unset if i.startswith("t3_")} <= named
    assert not [f for f in verify_report(result.report) if f.rule]  # no rule judged the missing rows


def test_changchun_overview_disagrees_with_its_table():
    result = import_report(HERE / "changchun_styjrswj_2023.txt")
    (mismatch,) = [f for f in result.findings if f.code == "IMPORT_TEXT_TABLE_MISMATCH"]
    assert "共受理政府信息公开申请2件" in mismatch.message and "（3）" in mismatch.message
