"""The roster (名册): which agencies report to this office, read from CSV or XLSX.

Columns: 机构代码, 机构名称, 类别 (部门/乡镇/街道/…), optional 上级, 邮箱. Header names are matched after NFKC
normalisation and with a few common synonyms; CSV files may be UTF-8 (with or without BOM) or GBK/GB18030,
which is what Excel on a Chinese Windows writes.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .normalise import normalise_code, normalise_text

COLUMNS = {
    "code": ("机构代码", "统一社会信用代码", "单位代码", "代码"),
    "name": ("机构名称", "机关名称", "单位名称", "名称"),
    "category": ("类别", "单位类别", "类型"),
    "parent": ("上级", "上级单位", "上级机关"),
    "email": ("邮箱", "电子邮箱", "邮件", "email", "e-mail"),
}
REQUIRED = ("code", "name", "category")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office's compound file: legacy .xls/.et, or an encrypted .xlsx
# a code Excel turned into a number: 1.13399991000002E+17 (CSV) or a float of 16+ digits (xlsx)
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?E\+?\d+$")


@dataclass(frozen=True)
class Agency:
    """One reporting agency of the roster."""

    code: str
    name: str
    category: str = ""
    parent: str = ""
    email: str = ""


def read_roster(path: str | Path) -> list[Agency]:
    """Read a roster file; raise :class:`InputError` naming the file, row and column for anything wrong."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到名册文件：{path}", hint="请检查路径。", path=str(path))
    raw = path.read_bytes()
    if raw[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(path)
    elif raw[:8] == OLE_MAGIC and "EncryptedPackage".encode("utf-16-le") in raw:
        raise InputError(f"名册 {path.name} 设置了打开密码（已加密），无法读取。",
                         hint="请在 Excel/WPS 中取消打开密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后重试，"
                              "或另存为 CSV。", path=str(path))
    elif path.suffix.lower() in (".xls", ".et") or raw[:8] == OLE_MAGIC:
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
    lines = text.splitlines()
    try:
        dialect = csv.Sniffer().sniff(lines[0] if lines else ",", delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    # a roster's fields never span lines: a quote left open would swallow the rows after it, silently
    for number, line in enumerate(lines, start=1):
        if line.count('"') % 2:
            raise InputError(f"名册 {path.name} 第{number}行有不成对的引号（\"）：{line[:60]}",
                             hint="不成对的引号会把后面的行并入这一格。请删除或补全该引号后重试。", path=str(path))
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as error:
        raise InputError(f"名册 {path.name} 第{reader.line_num}行无法按 CSV 读取：{error}",
                         hint="请检查该行的引号和分隔符，或在 Excel 中重新另存为 CSV。", path=str(path)) from None
    return rows


def _xlsx_rows(path: Path) -> list[list[str]]:
    import openpyxl  # only rosters need it here; keeps the form and template paths light

    try:  # not read-only: merged cells are only known to the full reader (rosters are small)
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(f"名册 {path.name} 无法作为 Excel 文件打开：{exc}", hint="请确认文件未损坏，或另存为 CSV。",
                         path=str(path)) from None
    try:
        sheet = workbook.worksheets[0]
        grid = [list(row) for row in sheet.iter_rows(values_only=True)]
        # a merged cell (one 类别 for several rows) holds its value in its first cell only: it covers the others
        for merged in sheet.merged_cells.ranges:
            value = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(grid) else None
            for r in range(merged.min_row, min(merged.max_row, len(grid)) + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if c - 1 < len(grid[r - 1]):
                        grid[r - 1][c - 1] = value
        return [[_cell_text(v) for v in row] for row in grid]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 123.0: a whole number Excel stores as a float
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e15:
        return repr(float(value)).upper()  # a long code stored as a number: flagged in _agencies
    return str(value)


def _agencies(path: Path, rows: list[list[str]]) -> list[Agency]:
    numbered = [(number, row) for number, row in enumerate(rows, start=1) if any(str(v).strip() for v in row)]
    rows = [row for _, row in numbered]
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
    if len(rows) == 1:
        raise InputError(f"名册 {path.name} 只有表头，没有任何单位。", hint="请在表头下每行填写一个单位：机构代码、机构名称、类别。",
                         path=str(path))
    for number, row in numbered[1:]:
        def get(key: str) -> str:
            index = where.get(key)
            if index is None or index >= len(row):
                return ""
            return " ".join(str(row[index]).split())

        code = normalise_code(get("code"))
        name = get("name")
        if not code:
            problems.append(f"第{number}行：机构代码为空")
        elif _SCIENTIFIC.match(code):
            problems.append(f"第{number}行：机构代码被 Excel 存成了数字（{code}），末尾几位已经丢失，请把该列设为“文本”后重新输入代码")
            code = ""
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
