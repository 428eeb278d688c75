"""Real published reports as values keyed by our stable ids.

The reports, their cell-by-cell transcriptions and the national format notes are copied from the project's
shared domain material into tests/data/ (unchanged), so the tests run on any machine with just this repository.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from gongkai_xlsx.form import FORM_2021

SHARED = Path(__file__).resolve().parent / "data"
REPORTS = SHARED / "domain" / "reports"
DECODED = REPORTS / "decoded_tables.json"
BANNER = "==================== DECODED TABLES"
SEED = SHARED / "seeds" / "000_5c92d2d32d5cb08a.txt"

_SEC2 = {"rule": ("t2_rule_issued", "t2_rule_repealed", "t2_rule_valid"),
         "norm": ("t2_norm_issued", "t2_norm_repealed", "t2_norm_valid"),
         "lic": ("t2_license",), "pen": ("t2_penalty",), "coer": ("t2_coercion",)}


def publication_text(name: str) -> str:
    """A shared report's published part: without the leading '# ' notes and the decoded-tables banner."""
    text = (REPORTS / name).read_text(encoding="utf-8").split(BANNER)[0]
    return "\n".join(line for line in text.split("\n") if not line.startswith("# "))


def decoded_reports() -> dict[str, dict]:
    return json.loads(DECODED.read_text(encoding="utf-8"))["reports"]


def published_values(report: dict) -> dict[str, int | Decimal]:
    """Every cell as published, totals included, keyed by stable id.

    A 2019-style single （六）其他处理 row (``other_single_row``) is put in ``other_3`` (3.其他): it is where
    such applications belong in the 2021 format when the source does not split them.
    """
    t3, t4 = FORM_2021.table3, FORM_2021.table4
    values: dict[str, int | Decimal] = {}
    for key, ids in _SEC2.items():
        numbers = report["sec2"][key]
        for item_id, number in zip(ids, numbers if isinstance(numbers, list) else [numbers]):
            values[item_id] = number
    values["t2_fee"] = Decimal(report["sec2"]["fee"])
    for row in t3.rows:
        numbers = report["t3"][row.key]
        if numbers is None:
            numbers = report["other_single_row"] if row.key == "other_3" else [0] * len(t3.columns)
        for column, number in zip(t3.columns, numbers):
            values[t3.item_id(row.key, column.key)] = number
    flat = iter(report["t4"])
    for group in t4.groups:
        for column in t4.columns:
            values[t4.item_id(group.key, column.key)] = next(flat)
    return values


def input_values(report: dict) -> dict[str, int | Decimal]:
    """Only what an office types into the template (no totals)."""
    published = published_values(report)
    return {item.id: published[item.id] for item in FORM_2021.input_items}
