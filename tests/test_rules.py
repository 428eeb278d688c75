"""Rules: each written once, evaluated in Python and rendered to Excel formulas that compute the same thing."""

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai_xlsx.form import FORM_2021, RULES_BY_ID, Severity, checks_for, evaluate
from gongkai_xlsx.form.rules import WHITESPACE, text_length
from reports import decoded_reports, published_values

REPORTS = decoded_reports()
CHECKS = checks_for(FORM_2021)


def failing(violations, severity=Severity.ERROR):
    return sorted(v.check.id for v in violations if v.severity is severity)


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_real_published_reports_pass_every_error_rule(name):
    assert failing(evaluate(FORM_2021, published_values(REPORTS[name]))) == []


def test_every_rule_instance_exists_once():
    ids = [check.id for check in CHECKS]
    assert len(ids) == len(set(ids))
    per_rule = {rule: sum(1 for c in CHECKS if c.rule.id == rule) for rule in RULES_BY_ID}
    assert per_rule == {"T3_BALANCE": 7, "T3_RESULTS_SUM": 7, "T3_ROW_TOTAL": 25, "T4_GROUP_TOTAL": 3,
                        "CROSS_YEAR_CARRY": 7, "T3_OTHER_SHARE": 1, "TEXT_OVERVIEW_LENGTH": 1}


def test_a_balance_error_names_its_column_and_numbers():
    values = FORM_2021.complete_values({"t3_new_natural": 5, "t3_open_natural": 3})
    violations = evaluate(FORM_2021, values)
    assert failing(violations) == ["T3_BALANCE.natural", "T3_BALANCE.total"]
    message = next(v for v in violations if v.check.id == "T3_BALANCE.natural").check.message(
        2, values)
    assert "自然人" in message and "= 5" in message and "= 3" in message and "相差 2" in message


def test_a_typed_over_total_breaks_the_sum_rules():
    values = published_values(REPORTS["06_huaian_2024.txt"])
    values["t3_total_natural"] += 1  # a person typed over （七）总计
    assert failing(evaluate(FORM_2021, values)) == ["T3_BALANCE.natural", "T3_RESULTS_SUM.natural",
                                                    "T3_ROW_TOTAL.total"]
    values = published_values(REPORTS["01_pingtan_2021.txt"])
    values["t4_suit_direct_total"] = 11
    assert failing(evaluate(FORM_2021, values)) == ["T4_GROUP_TOTAL.suit_direct"]


def test_cross_year_rule_needs_last_year_and_compares_carry_over():
    this_year = published_values(REPORTS["03_pingtan_2023.txt"])
    assert failing(evaluate(FORM_2021, this_year), Severity.WARNING) == []
    last_year = dict(this_year, t3_carry_out_natural=2, t3_carry_out_total=2)
    assert failing(evaluate(FORM_2021, this_year, previous=last_year), Severity.WARNING) == [
        "CROSS_YEAR_CARRY.natural", "CROSS_YEAR_CARRY.total"]


def test_other_handling_share_notice():
    values = FORM_2021.complete_values({"t3_new_natural": 10, "t3_open_natural": 9, "t3_other_3_natural": 1})
    assert failing(evaluate(FORM_2021, values), Severity.NOTICE) == []  # exactly 10 %: not above the limit
    values = FORM_2021.complete_values({"t3_new_natural": 10, "t3_open_natural": 8, "t3_other_1_natural": 2})
    assert failing(evaluate(FORM_2021, values), Severity.NOTICE) == ["T3_OTHER_SHARE.total"]


def test_overview_length_counts_characters_without_whitespace():
    values = FORM_2021.complete_values({})
    exactly = "字" * 1000 + " \n\u3000"
    assert failing(evaluate(FORM_2021, values, texts={"text_overview": exactly}), Severity.NOTICE) == []
    assert failing(evaluate(FORM_2021, values, texts={"text_overview": exactly + "多"}), Severity.NOTICE) == [
        "TEXT_OVERVIEW_LENGTH.text_overview"]


# ---------------------------------------------------------------------------------- Python == Excel formula
_NAME = re.compile(r"\b(t[234]_[a-z0-9_]+|text_[a-z]+)\b")


def excel_eval(formula: str, values, texts) -> float:
    """Evaluate the subset of Excel our rule formulas use (SUM, MAX, LEN, SUBSTITUTE, CHAR, + - *)."""
    expression = _NAME.sub(lambda m: f"_v({m.group(1)!r})", formula)
    expression = expression.replace("&", "+")
    env = {
        "SUM": lambda *a: sum(a), "MAX": max, "LEN": len, "CHAR": chr,
        "SUBSTITUTE": lambda text, old, new: text.replace(old, new),
        "_v": lambda name: texts.get(name, "") if name.startswith("text_") else values.get(name, 0),
    }
    return eval(expression, {"__builtins__": {}}, env)  # noqa: S307 - test-only evaluator over our own formulas


counts = st.integers(min_value=0, max_value=60)


@settings(max_examples=150, deadline=None)
@given(inputs=st.dictionaries(st.sampled_from([i.id for i in FORM_2021.input_items if i.decimals == 0]), counts),
       overview=st.text(alphabet=st.sampled_from(["字", "a", *WHITESPACE]), max_size=1100),
       typed_over=st.dictionaries(st.sampled_from([i.id for i in FORM_2021.computed_items]), counts, max_size=2))
def test_rendered_formulas_compute_what_python_computes(inputs, overview, typed_over):
    values = {**FORM_2021.complete_values(inputs), **typed_over}
    texts = {"text_overview": overview}
    for check in CHECKS:
        if not check.rule.in_template:
            with pytest.raises(ValueError):
                check.excel_value(lambda ids: ",".join(ids))
            continue
        excel = excel_eval(check.excel_value(lambda ids: ",".join(ids)), values, texts)
        assert excel == check.measure(values, texts=texts), check.id
    assert text_length(overview) == overview.count("字") + overview.count("a")


def test_fee_amounts_keep_their_decimals():
    values = published_values(REPORTS["03_pingtan_2023.txt"])
    assert values["t2_fee"] == Decimal("5949.088667")


def test_missing_and_none_values_count_as_zero():
    from gongkai_xlsx.form.rules import total

    zeros = FORM_2021.complete_values({})
    partial = {"t3_new_natural": 0, "t3_open_natural": None}
    assert evaluate(FORM_2021, partial) == evaluate(FORM_2021, zeros) == []
    # with a number beside them the checks fail, and exactly as they do with explicit zeros
    with_none = evaluate(FORM_2021, {"t3_new_natural": 5, "t3_open_natural": None})
    assert with_none == evaluate(FORM_2021, {"t3_new_natural": 5, "t3_open_natural": 0}) and len(with_none) == 2
    assert total({"a": 2, "b": None}, ("a", "b", "c")) == 2 and total({"a": 2, "b": 3}, ("a", "b")) == 5
