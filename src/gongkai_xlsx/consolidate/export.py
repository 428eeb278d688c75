"""Export a consolidated workbook as long-format data (one row per agency × item) for analysts."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..files import write_atomically
from ..form import CURRENT_FORM
from ..read.returned import read_file
from ..report import Origin

COLUMNS = ["agency_code", "agency", "category", "year", "id", "label", "value"]


def consolidated_frame(path: str | os.PathLike) -> pd.DataFrame:
    """The long-format frame of a consolidated workbook: agency, category, year, id, label, value.

    Values are recomputed from the 明细 sheet (never from cached formula results); amounts keep their decimals.
    """
    report = read_file(path)
    if report.origin is not Origin.CONSOLIDATED:
        raise InputError(f"{Path(path).name} 不是汇总表（由 gongkai-xlsx merge 生成）。",
                         hint="export 只接受 merge 生成的汇总工作簿。", path=str(path))
    form = report.form
    records = []
    for member in report.members:
        for item in form.items:
            value = member.values.get(item.id, 0)
            agency = member.agency
            records.append((agency.code, agency.name, agency.category, report.year, item.id, item.label,
                            float(value) if isinstance(value, Decimal) else value))
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    return frame.astype({"year": "Int64"})


def _plain_number(value: float, places: int) -> str:
    return format(value, f".{places}f").rstrip("0").rstrip(".")


def export_consolidated(path: str | os.PathLike, out: str | os.PathLike, fmt: str = "csv", *,
                        overwrite: bool = True) -> Path:
    """Write the long-format data as CSV (UTF-8 with BOM, so Excel opens it in Chinese) or Parquet.

    In CSV, text that a spreadsheet would take for a formula (starting with = + - @, tab or CR: office names
    and labels are not to be trusted) is written with a leading ' (OWASP's CSV injection advice); numbers stay
    numbers, negative ones too. Without ``overwrite`` an existing ``out`` is never replaced."""
    frame = consolidated_frame(path)
    out = Path(out)
    if fmt == "csv":
        # counts print as 12, amounts keep the decimals the form allows them: 24252.311082
        places = max(item.decimals for item in CURRENT_FORM.items)
        for column in TEXT_COLUMNS:
            frame[column] = frame[column].map(neutralised)
        data = frame.to_csv(index=False, float_format=lambda value: _plain_number(value, places)).encode("utf-8-sig")
    elif fmt == "parquet":
        import importlib.util
        import io

        if importlib.util.find_spec("pyarrow") is None:  # pandas writes Parquet through pyarrow
            raise InputError("导出 Parquet 需要 pyarrow。", hint="请运行 pip install pyarrow，或改用 --format csv。")

        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        data = buffer.getvalue()
    else:
        raise InputError(f"不支持的格式：{fmt}", hint="请使用 csv 或 parquet。")
    write_atomically(out, data, overwrite=overwrite)
    return out


TEXT_COLUMNS = ("agency_code", "agency", "category", "id", "label")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: object) -> object:
    """Text a spreadsheet application would run as a formula, made inert with a leading apostrophe."""
    if isinstance(text, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text
