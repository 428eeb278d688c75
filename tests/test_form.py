"""The form definition: the national format exactly, with the stable ids other tools depend on."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai_xlsx.form import FORM_2021, MetaRole, ValueKind
from reports import SHARED

FORMAT_NOTES = (SHARED / "domain" / "national_format.md").read_text(encoding="utf-8")
FORM_PACKAGE = Path(__file__).resolve().parents[1] / "src" / "gongkai_xlsx" / "form"

T3_ROWS = (["new", "carry_in", "open", "partial"] + [f"deny_{i}" for i in range(1, 9)]
           + [f"unable_{i}" for i in range(1, 4)] + [f"noproc_{i}" for i in range(1, 6)]
           + [f"other_{i}" for i in range(1, 4)] + ["total", "carry_out"])
T3_COLUMNS = ["natural", "commercial", "research", "charity", "legal", "other_org", "total"]


def test_cell_counts_match_the_national_format():
    tables = [item.table for item in FORM_2021.items]
    assert (tables.count("t2"), tables.count("t3"), tables.count("t4")) == (10, 175, 15)


def test_stable_ids_are_exactly_the_published_contract():
    expected = ["t2_rule_issued", "t2_rule_repealed", "t2_rule_valid", "t2_norm_issued", "t2_norm_repealed",
                "t2_norm_valid", "t2_license", "t2_penalty", "t2_coercion", "t2_fee"]
    expected += [f"t3_{r}_{c}" for r in T3_ROWS for c in T3_COLUMNS]
    expected += [f"t4_{g}_{c}" for g in ("review", "suit_direct", "suit_after")
                 for c in ("upheld", "corrected", "other", "pending", "total")]
    assert [item.id for item in FORM_2021.items] == expected
    assert [m.id for m in FORM_2021.meta][:3] == ["meta_agency", "meta_code", "meta_year"]
    assert [t.id for t in FORM_2021.texts] == ["text_overview", "text_problems", "text_other"]


def test_each_identity_role_names_one_field_with_an_english_label():
    roles = [field.role for field in FORM_2021.meta]
    assert sorted(roles) == sorted(MetaRole) and len(set(roles)) == len(roles)
    assert all(FORM_2021.meta_field(field.role) is field and field.label_en for field in FORM_2021.meta)
    assert FORM_2021.meta_id(MetaRole.YEAR) == "meta_year"


def test_totals_are_computed_and_everything_else_is_input():
    computed = {item.id for item in FORM_2021.computed_items}
    expected = {f"t3_{r}_total" for r in T3_ROWS} | {f"t3_total_{c}" for c in T3_COLUMNS}
    expected |= {f"t4_{g}_total" for g in ("review", "suit_direct", "suit_after")}
    assert computed == expected
    assert FORM_2021.item("t3_total_natural").sum_of == tuple(f"t3_{r}_natural" for r in T3_ROWS[2:-2])
    assert len(FORM_2021.item("t3_total_natural").sum_of) == 21


def test_units_and_value_kinds():
    fee = FORM_2021.item("t2_fee")
    assert (fee.unit, fee.kind, fee.decimals) == ("万元", ValueKind.AMOUNT, 6)
    others = [item for item in FORM_2021.items if item.id != "t2_fee"]
    assert all(item.unit == "件" and item.kind is ValueKind.COUNT and item.decimals == 0 for item in others)


def _verbatim_labels():
    f = FORM_2021
    yield from f.section_headings
    yield f.table3.balance_note
    for block in f.table2.blocks:
        yield block.caption
        yield from block.headers
        for row in block.rows:
            yield row.label
    for row in f.table3.rows:
        yield from row.path
    for cell in f.table3.header + f.table4.header:
        yield cell.text


@pytest.mark.parametrize("label", sorted(set(_verbatim_labels())))
def test_every_label_is_verbatim_from_the_notice(label):
    # national_format.md quotes each label of the notice in backticks
    assert f"`{label}`" in FORMAT_NOTES or label in re.findall(r"`([^`]+)`", FORMAT_NOTES), label


def test_the_form_package_imports_no_excel_library():
    banned = {"openpyxl", "xlsxwriter", "python_calamine", "pandas", "xlrd"}
    for source in FORM_PACKAGE.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module.split(".")[0]]
            assert not banned & set(names), f"{source.name} imports {names}"
    probe = ("import sys, gongkai_xlsx.form; "
             "print(sorted(m for m in ('openpyxl','xlsxwriter','pandas','python_calamine') if m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True).stdout.strip() == "[]"


def test_complete_values_computes_totals_of_totals():
    values = FORM_2021.complete_values({"t3_open_natural": 2, "t3_deny_4_legal": 3, "t4_review_upheld": 1})
    assert values["t3_total_natural"] == 2
    assert values["t3_open_total"] == 2
    assert values["t3_total_total"] == 5
    assert values["t4_review_total"] == 1
