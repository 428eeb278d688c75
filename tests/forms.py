"""Filled forms for tests, written as small text tables that read like the spreadsheet they describe.

    | 表三      | natural | commercial | total |
    | new       | 5       | 1          |       |
    | open      | 5       | 1          |       |

Rows and columns are the stable keys of the form (表三 rows × columns, 表四 groups × columns); 表二 items are
given as ``| 表二 | value |`` rows keyed by item id. Empty cells are left out (the template holds 0 there).
"""

from __future__ import annotations

from decimal import Decimal

from gongkai_xlsx.form import FORM_2021


def parse_tables(text: str) -> dict[str, int | Decimal]:
    values: dict[str, int | Decimal] = {}
    header: list[str] = []
    table = ""
    for line in text.strip().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] in ("表二", "表三", "表四"):
            table, header = cells[0], cells[1:]
            continue
        key, numbers = cells[0], cells[1:]
        for column, number in zip(header, numbers):
            if number == "":
                continue
            value = Decimal(number) if "." in number else int(number)
            if table == "表二":
                values[key] = value
            elif table == "表三":
                values[FORM_2021.table3.item_id(key, column)] = value
            else:
                values[FORM_2021.table4.item_id(key, column)] = value
    unknown = set(values) - set(FORM_2021.items_by_id)
    assert not unknown, f"unknown ids in test table: {unknown}"
    return values


# a small township that handled a few applications: every rule holds
SMALL_TOWN = """
| 表三      | natural | commercial | legal |
| new       | 6       | 1          | 1     |
| carry_in  | 1       |            |       |
| open      | 3       | 1          |       |
| partial   | 1       |            |       |
| unable_1  | 2       |            | 1     |
| carry_out | 1       |            |       |
| 表四        | upheld | pending |
| review      | 1      |         |
| suit_direct |        | 1       |
| 表二           | value |
| t2_norm_issued | 2     |
| t2_norm_valid  | 14    |
| t2_license     | 35    |
| t2_fee         | 1.25  |
"""


# what every office fills even with nothing to report (without it a template is NOT_FILLED, see check.report_checks.looks_blank)
FILLED = {"meta": {"meta_contact": "李四", "meta_phone": "0517-1234567", "meta_date": "2026-01-20"},
          "texts": {"text_overview": "本年度无依申请公开事项。"}}
