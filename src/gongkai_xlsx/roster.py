"""The roster (名册): which agencies report to this office, read from CSV or XLSX.

Columns: 机构代码, 机构名称, 类别 (部门/乡镇/街道/…), optional 上级, 邮箱. Header names are matched after NFKC
normalisation and with a few common synonyms; CSV files may be UTF-8 (with or without BOM) or GBK/GB18030,
which is what Excel on a Chinese Windows writes.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

COLUMNS = {
    "code": ("机构代码", "统一社会信用代码", "单位代码", "代码"),
    "name": ("机构名称", "机关名称", "单位名称", "名称"),
    "category": ("类别", "单位类别", "类型"),
    "parent": ("上级", "上级单位", "上级机关"),
    "email": ("邮箱", "电子邮箱", "邮件", "email", "e-mail"),
}
REQUIRED = ("code", "name", "category")


@dataclass(frozen=True)
class Agency:
    """One reporting agency of the roster."""

    code: str
    name: str
    category: str = ""
    parent: str = ""
    email: str = ""


def normalise_text(text: str) -> str:
    """NFKC (full-width → half-width), no spaces of any width, no line breaks: for comparing names and labels."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def read_roster(path: str | Path) -> list[Agency]:
    """Read a roster file; raise :class:`InputError` naming the file, row and column for anything wrong."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到名册文件：{path}", hint="请检查路径。", path=str(path))
    raw = path.read_bytes()
    if raw[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(path)
    elif path.suffix.lower() in (".xls", ".et") or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError(f"名册 {path.name} 是旧版 Excel（.xls）或 WPS 格式，无法读取。",
                         hint="请在 Excel/WPS 中另存为 .xlsx 或 CSV（UTF-8）后重试。", path=str(path))
    else:
        rows = _csv_rows(path, raw)
    return _agencies(path, rows)


def _csv_rows(path: Path, raw: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InputError(f"名册 {path.name} 的编码无法识别。", hint="请保存为 UTF-8 或 GBK 编码的 CSV。", path=str(path))
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(path: Path) -> list[list[str]]:
    import openpyxl  # only rosters need it here; keeps the form and template paths light

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(f"名册 {path.name} 无法作为 Excel 文件打开：{exc}", hint="请确认文件未损坏，或另存为 CSV。",
                         path=str(path)) from None
    try:
        sheet = workbook.worksheets[0]
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _agencies(path: Path, rows: list[list[str]]) -> list[Agency]:
    rows = [row for row in rows if any(str(v).strip() for v in row)]
    if not rows:
        raise InputError(f"名册 {path.name} 是空的。", hint="第一行应为表头：机构代码、机构名称、类别（可选：上级、邮箱）。",
                         path=str(path))
    header = [normalise_text(str(h)).lower() for h in rows[0]]
    where: dict[str, int] = {}
    for key, names in COLUMNS.items():
        for name in names:
            if normalise_text(name).lower() in header:
                where[key] = header.index(normalise_text(name).lower())
                break
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in where]
    if missing:
        raise InputError(f"名册 {path.name} 缺少列：{'、'.join(missing)}（第1行表头为：{'、'.join(map(str, rows[0]))}）。",
                         hint="第一行应为表头：机构代码、机构名称、类别（可选：上级、邮箱）。", path=str(path))
    agencies: list[Agency] = []
    seen: dict[str, int] = {}
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        def get(key: str) -> str:
            index = where.get(key)
            if index is None or index >= len(row):
                return ""
            return " ".join(str(row[index]).split())

        code = unicodedata.normalize("NFKC", get("code")).replace(" ", "").upper()
        name = get("name")
        if not code:
            problems.append(f"第{number}行：机构代码为空")
        if not name:
            problems.append(f"第{number}行：机构名称为空")
        if code and code in seen:
            problems.append(f"第{number}行：机构代码 {code} 与第{seen[code]}行重复")
        if code and name and code not in seen:
            seen[code] = number
            agencies.append(Agency(code=code, name=name, category=get("category"), parent=get("parent"),
                                   email=get("email")))
    if problems:
        shown = "；".join(problems[:10]) + (f"；另有{len(problems) - 10}处" if len(problems) > 10 else "")
        raise InputError(f"名册 {path.name} 有 {len(problems)} 处问题：{shown}。", hint="请改正名册后重试。",
                         path=str(path))
    return agencies
