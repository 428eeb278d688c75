"""The office's side in a real spreadsheet application (LibreOffice Calc over UNO, ``lo_driver.py``): a roster
template filled by typing, by pasting a table copied from Word/HTML into 表三 (with and without its totals) and
corrected at the keyboard afterwards; an untouched template; a feedback copy returned unchanged; an explained
warning. Every workbook LibreOffice saved is then verified by the package, which must read the exact values.

The paste path proven here is the one the template's instructions and input prompts give: 选择性粘贴 → 数值
(LibreOffice: 仅粘贴数值), of the number cells only, without the 总计 column and in two blocks around the
（七）总计 row. A block that covers a locked 总计 cell is refused by the protected sheet and changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from forms import FILLED
from gongkai_xlsx.check.feedback import render_feedback
from gongkai_xlsx.check.verify import verify_file
from gongkai_xlsx.cli import app
from gongkai_xlsx.form import FORM_2021
from gongkai_xlsx.roster import Agency
from gongkai_xlsx.samples import type_over
from gongkai_xlsx.template.render import render_template

from libreoffice import libreoffice  # noqa: F401  (the pytest fixture)
from reports import decoded_reports, input_values

pytestmark = pytest.mark.libreoffice

FORM = FORM_2021
T3 = FORM.table3
YEAR = 2024
AGENCY = Agency("11320800MB1234567X", "淮安市人民政府", "市")
REPORT = decoded_reports()["06_huaian_2024.txt"]  # the busiest real report: every part of 表三 is used
INPUTS = input_values(REPORT)
PART_COLUMNS = [c.key for c in T3.columns if c.key != T3.total_column]
ABOVE_TOTAL = [r.key for r in T3.rows[:T3.rows.index(next(r for r in T3.rows if r.key == T3.total_row))]]
IDENTITY = {"meta_contact": "王五", "meta_phone": "0517-83600000", "meta_date": "2025-01-20",
            "text_overview": "本年度依申请公开工作情况概述。"}
CORRECTION = ("t3_open_natural", INPUTS["t3_open_natural"] + 1, "t3_carry_out_natural")


def html_table(rows: list[list]) -> str:
    """A table as Word and web pages put it on the clipboard."""
    body = "".join("<tr>" + "".join(f"<td>{value}</td>" for value in row) + "</tr>" for row in rows)
    return f'<html><head><meta charset="utf-8"></head><body><table border="1">{body}</table></body></html>'


def t3_rows(keys: list[str], *, with_total: bool = False, values: dict | None = None) -> list[list]:
    values = values if values is not None else FORM.complete_values(INPUTS)
    columns = PART_COLUMNS + ([T3.total_column] if with_total else [])
    return [[values.get(T3.item_id(row, col), 0) for col in columns] for row in keys]


def expected_values() -> dict:
    """What the office meant: the report's inputs with the correction typed after pasting (one more 予以公开 for
    natural persons, one fewer carried out, so the table still balances)."""
    item, value, balance = CORRECTION
    return {**INPUTS, item: value, balance: INPUTS[balance] - 1}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("roster") / "roster_template.xlsx"
    path.write_bytes(render_template(year=YEAR, agency=AGENCY))
    return path


def t2_t4_typed() -> dict:
    return {k: float(v) if not isinstance(v, int) else v for k, v in INPUTS.items() if not k.startswith("t3_")}


def correction_typed() -> list:
    item, value, balance = CORRECTION
    return [[item, str(value)], [balance, str(INPUTS[balance] - 1)]]


@pytest.fixture(scope="module")
def saved(libreoffice, template, tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("office-lo")
    carry_out = [T3.item_id("carry_out", PART_COLUMNS[0])]
    two_blocks = [
        {"html": html_table(t3_rows(ABOVE_TOTAL)), "at": T3.item_id(ABOVE_TOTAL[0], PART_COLUMNS[0]), "how": "values"},
        {"html": html_table(t3_rows(["carry_out"])), "at": carry_out[0], "how": "values"},
    ]
    all_rows = [r.key for r in T3.rows]
    jobs = {
        "typed": {"path": str(template), "values": {**t2_t4_typed(), **IDENTITY},
                  "type": [[k, str(v)] for k, v in expected_values().items() if k.startswith("t3_")]},
        "pasted values": {"path": str(template), "values": {**t2_t4_typed(), **IDENTITY}, "paste": two_blocks,
                          "type": correction_typed()},
        "pasted as is": {"path": str(template), "values": {**t2_t4_typed(), **IDENTITY},
                         "paste": [{**block, "how": "paste"} for block in two_blocks], "type": correction_typed()},
        "pasted with totals": {
            "path": str(template), "values": {**t2_t4_typed(), **IDENTITY},
            "paste": [{"html": html_table(t3_rows(all_rows, with_total=True)), "at": T3.item_id("new", "natural"),
                       "how": "values"}, *two_blocks],
            "type": correction_typed()},
        "untouched": {"path": str(template)},
        "identity only": {"path": str(template), "values": IDENTITY},
        "explained": {"path": str(template),
                      "values": {**IDENTITY, "t3_new_natural": 10, "t3_open_natural": 5, "t3_other_3_natural": 5,
                                 "note_T3_OTHER_SHARE": "申请人均为重复申请，按其他处理属实。"}},
    }
    for label, job in jobs.items():
        job["save_as"] = str(out / f"{label.replace(' ', '_')}.xlsx")
        job.setdefault("read", ["t3_new_natural"])
    results = libreoffice.run_jobs(list(jobs.values()))
    return {label: {**result, "path": Path(job["save_as"])} for (label, job), result in zip(jobs.items(), results)}


def exact(path: Path) -> dict:
    result = verify_file(path)
    assert result.report is not None, result.findings
    return result


def assert_meant(result) -> None:
    values = result.report.values
    complete = FORM.complete_values(expected_values())
    wrong = {k: (values[k], v) for k, v in complete.items() if values[k] != v}
    assert not wrong, f"read back (LibreOffice, meant) differ: {wrong}"
    assert result.status == "ok" and result.findings == [], [f.code for f in result.findings]


def test_typed_at_the_keyboard(saved):
    assert all(t["content"] for t in saved["typed"]["typed"])
    assert_meant(exact(saved["typed"]["path"]))


def test_pasted_as_values_then_corrected(saved):
    job = saved["pasted values"]
    assert [p["alert"] for p in job["pasted"]] == [None, None]
    assert [(p["rows"], p["columns"]) for p in job["pasted"]] == [(len(ABOVE_TOTAL), 6), (1, 6)]
    item, value, _ = CORRECTION
    assert job["typed"][0]["content"] == str(value)  # the correction typed into a pasted cell was accepted
    assert_meant(exact(job["path"]))


def test_a_plain_paste_can_lock_the_cells_it_lands_in(saved):
    """Why the instructions say 选择性粘贴 → 数值: a plain Ctrl+V brings the copied cells' own protection along
    (LibreOffice 7.4: the one-row block of 四、结转下年度 lands locked), so the correction typed next is refused."""
    job = saved["pasted as is"]
    assert [p["alert"] for p in job["pasted"]] == [None, None]
    refused = [t for t in job["typed"] if t["alert"]]
    assert refused and "Protected" in refused[0]["alert"], job["typed"]
    item, balance = CORRECTION[0], CORRECTION[2]
    values = exact(job["path"]).report.values
    assert values[balance] == INPUTS[balance]  # the refused correction is not in the file


def test_a_block_with_the_totals_is_refused_and_the_documented_path_works(saved):
    job = saved["pasted with totals"]
    refused, *blocks = job["pasted"]
    assert refused["alert"], "a block over the locked 总计 cells must be refused by the protected sheet"
    assert [b["alert"] for b in blocks] == [None, None]
    assert_meant(exact(job["path"]))


def test_an_untouched_roster_template_is_not_filled(saved):
    result = exact(saved["untouched"]["path"])
    assert result.status == "errors" and "NOT_FILLED" in [f.code for f in result.findings]


def test_identity_and_text_with_all_zeros_is_fine(saved):
    result = exact(saved["identity only"]["path"])
    assert result.status == "ok" and result.findings == []


def test_an_explained_warning_carries_its_text_in_json(saved):
    runner = CliRunner()
    result = runner.invoke(app, ["verify", str(saved["explained"]["path"]), "--json"])
    document = json.loads(result.output)
    share = [f for f in document["files"][0]["findings"] if f["rule"] == "T3_OTHER_SHARE"]
    assert share and share[0]["explanation"] == "申请人均为重复申请，按其他处理属实。"


def test_feedback_returned_unchanged_by_libreoffice_keeps_its_question(libreoffice, tmp_path):
    values = {"t3_new_natural": 12, "t3_new_commercial": 5, "t3_open_natural": 12, "t3_open_commercial": 5}
    source = tmp_path / "typed_over.xlsx"
    source.write_bytes(type_over(render_template(year=YEAR, agency=AGENCY, values=values, **FILLED),
                                 "t3_open_total", 22))
    feedback = tmp_path / "feedback.xlsx"
    feedback.write_bytes(render_feedback(verify_file(source)))
    back = tmp_path / "back.xlsx"
    libreoffice.run_jobs([{"path": str(feedback), "read": ["feedback_open"], "save_as": str(back)}])
    result = verify_file(back)
    codes = [f.code for f in result.findings]
    assert "FEEDBACK_UNCHANGED" in codes and "TOTAL_QUESTION" in codes, codes
