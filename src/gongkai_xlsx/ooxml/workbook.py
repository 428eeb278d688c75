"""A lazy reader of one OOXML workbook: sheets parsed on demand, shared strings, defined names, properties.

The only place (with :mod:`.package`, :mod:`.sheet` for one worksheet and :mod:`.fastpath` for the byte-level
cuts) that knows OOXML. Module caches keep what every template of one form version repeats (workbook.xml,
relationships, app.xml, styles), so an inbox of returns parses those once. Nothing here knows the national form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from .fastpath import SharedStrings, protected_in_bytes
from .package import (
    DATE_FORMAT_IDS,
    MAX_FILE_BYTES,
    Package,
    UnreadableFile,
    attribute,
    child,
    children,
    classify_ole,
    is_date_format,
    namespace,
    refuse,
    resolve,
    sniff,
    split_cell,
)
from .sheet import Sheet, parse_sheet, protection_element


@dataclass
class Workbook:
    """The parts of a workbook we use: sheets, names, properties."""

    package: Package
    sheet_parts: dict[str, str]  # sheet name → part name
    names: dict[str, str]  # workbook-scoped defined name → reference text
    strings: "SharedStrings | list[str]"
    properties: dict[str, str]
    application: str | None
    structure: Structure | None = None
    date_styles: frozenset = frozenset()  # cell style indexes whose number format shows a date or time
    _sheets: dict[str, Sheet] = field(default_factory=dict)

    def sheet(self, name: str) -> Sheet | None:
        if name not in self.sheet_parts:
            return None
        if name not in self._sheets:
            self._sheets[name] = parse_sheet(self.package, name, self.sheet_parts[name], self.strings,
                                              self.date_styles)
        return self._sheets[name]

    def is_protected(self, name: str) -> bool | None:
        """Whether a sheet is protected (None: no such sheet), without parsing a sheet nobody needs."""
        if name in self._sheets:
            return self._sheets[name].protected
        if name not in self.sheet_parts:
            return None
        data = self.package.read(self.sheet_parts[name])
        protected = protected_in_bytes(data)
        if protected is None:
            root = self.package.parse(self.sheet_parts[name], data, bulk=True)
            protected = protection_element(root, namespace(root))
        return protected

    @property
    def epoch(self) -> datetime:
        """Day 0 of the workbook's date serials: 1899-12-30, or 1904-01-01 in the 1904 date system (old Mac Excel,
        and a workbook saved with that option), where every serial means a date 1,462 days later."""
        return EPOCH_1904 if self.structure is not None and self.structure.date1904 else EPOCH_1900

    def resolve_name(self, name: str) -> tuple[str, int, int] | None:
        """(sheet, row, col) of a defined name that refers to one cell, else None."""
        reference = self.names.get(name)
        if not reference:
            return None
        return parse_reference(reference)


@lru_cache(maxsize=4096)  # the same few hundred references recur in every returned template
def parse_reference(reference: str) -> tuple[str, int, int] | None:
    text = reference.strip().lstrip("=")
    if "!" not in text:
        return None
    sheet, cell = text.rsplit("!", 1)
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    try:
        row, col = split_cell(cell.split(":")[0])
    except ValueError:
        return None
    return sheet, row, col



# ------------------------------------------------------------------------------------------ entry points
def read_bounded(path: Path) -> bytes:
    """A file's bytes; :class:`UnreadableFile` (with a clear Chinese message) if it is too large or cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableFile("too_large", f"文件过大（{size // 1024 // 1024} MB），不像是填写的年报模板。",
                                 "请确认附件是填写好的 Excel 模板（通常小于 1 MB）。", path=str(path),
                                 message_en=f"The file is too large ({size // 1024 // 1024} MB).",
                                 hint_en="Send the filled template (usually under 1 MB).")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile("io", f"无法打开文件：{exc.strerror or exc}", "请检查文件是否存在、是否有读取权限。",
                             path=str(path), message_en=f"Cannot open the file: {exc}",
                             hint_en="Check that it exists and is readable.") from None
    return data


def load_workbook(data: bytes, path: str = "<memory>") -> Workbook:
    """The workbook in ``data``; :class:`UnreadableFile` if it is none (an old .xls, an encrypted file, a zip
    of something else …). ``path`` names it in messages."""
    kind = sniff(data[:1024], len(data))
    if kind == "ole":
        kind = classify_ole(data)
    if kind != "zip":
        raise refuse(kind, path)
    package = Package.open(data, path)
    if not package.is_workbook():
        raise refuse("zip_not_workbook", path)
    workbook = open_workbook(package)
    return workbook


EPOCH_1900 = datetime(1899, 12, 30)  # Excel's day 0 (serial 60, the 1900-02-29 that never was, included)
EPOCH_1904 = datetime(1904, 1, 1)


# ------------------------------------------------------------------------------------------ the package
@dataclass
class Structure:
    """What workbook.xml and its relationships say: sheets, defined names, where the shared strings are."""

    sheet_parts: dict[str, str]
    names: dict[str, str]
    strings_part: str
    styles_part: str = "xl/styles.xml"
    date1904: bool = False  # <workbookPr date1904="1"/>: date serials count from 1904-01-01
    located: tuple[str, dict[str, tuple[str, int, int]]] | None = None  # (form version, id → cell), once


# Every template this tool generates for one form version has the same workbook.xml, relationships and app.xml,
# and an office's application saves them the same way for every office, so an inbox of returns mostly repeats
# them byte for byte: their reading is kept, keyed by the parts exactly as stored (not even inflated again).
_STRUCTURES: dict[tuple[bytes, bytes], Structure] = {}
_APPLICATIONS: dict[bytes, str | None] = {}
_DATE_STYLES: dict[bytes, frozenset] = {}
_CACHE_LIMIT = 64


def remember(cache: dict, key, value):
    if len(cache) >= _CACHE_LIMIT:
        cache.pop(next(iter(cache)))
    cache[key] = value
    return value


def open_workbook(package: Package) -> Workbook:
    """The workbook in an opened package (its structure shared with earlier packages of the same bytes)."""
    structure = _structure(package)
    strings = (_shared_strings(package, structure.strings_part) if package.has(structure.strings_part) else [])
    return Workbook(package, structure.sheet_parts, structure.names, strings,
                    _custom_properties(package), _application(package), structure=structure,
                    date_styles=_date_styles(package, structure.styles_part))


def _structure(package: Package) -> Structure:
    rels_part = "xl/_rels/workbook.xml.rels"
    key = (package.stored("xl/workbook.xml"), package.stored(rels_part) if package.has(rels_part) else b"")
    if key in _STRUCTURES:
        return _STRUCTURES[key]
    workbook_xml = package.read("xl/workbook.xml")
    rels_xml = package.read(rels_part) if package.has(rels_part) else b""
    root = package.parse("xl/workbook.xml", workbook_xml, bulk=True)  # hundreds of defined names
    rels = _relationships(package, rels_part, "xl/workbook.xml", rels_xml)
    sheet_parts: dict[str, str] = {}
    sheets_element = child(root, "sheets")
    for sheet in children(sheets_element, "sheet") if sheets_element is not None else ():
        name = sheet.get("name") or ""
        target = rels.get(attribute(sheet, "id") or "", ("", ""))[0]
        if target:
            sheet_parts[name] = target
    names: dict[str, str] = {}
    ns = namespace(root)
    defined = root.find(ns + "definedNames")
    if defined is not None:
        names = {element.get("name"): element.text or "" for element in defined.iterchildren(ns + "definedName")
                 if element.get("localSheetId") is None and element.get("name")}
    strings_part = next((target for target, kind in rels.values() if kind.endswith("/sharedStrings")),
                        "xl/sharedStrings.xml")
    styles_part = next((target for target, kind in rels.values() if kind.endswith("/styles")), "xl/styles.xml")
    properties = child(root, "workbookPr")
    date1904 = properties is not None and (properties.get("date1904") or "").strip().lower() in ("1", "true")
    structure = Structure(sheet_parts, names, strings_part, styles_part, date1904)
    if None not in key:
        remember(_STRUCTURES, key, structure)
    return structure


def _relationships(package: Package, part: str, source: str, data: bytes) -> dict[str, tuple[str, str]]:
    if not data:
        return {}
    root = package.parse(part, data)
    return {rel.get("Id"): (resolve(source, rel.get("Target") or ""), rel.get("Type") or "")
            for rel in children(root, "Relationship")}


def _shared_strings(package: Package, part: str) -> SharedStrings:
    return SharedStrings(package, part)


def _custom_properties(package: Package) -> dict[str, str]:
    if not package.has("docProps/custom.xml"):
        return {}
    properties = {}
    for prop in children(package.xml("docProps/custom.xml", bulk=True), "property"):
        value = next(iter(prop), None)
        properties[prop.get("name") or ""] = (value.text or "") if value is not None else ""
    return properties


def _application(package: Package) -> str | None:
    if not package.has("docProps/app.xml"):
        return None
    key = package.stored("docProps/app.xml")
    if key in _APPLICATIONS:
        return _APPLICATIONS[key]
    data = package.read("docProps/app.xml")
    root = package.parse("docProps/app.xml", data, bulk=True)  # XlsxWriter lists every defined name here
    app, version = child(root, "Application"), child(root, "AppVersion")
    name = (app.text or "").strip() if app is not None else ""
    if version is not None and version.text:
        name = f"{name} {version.text.strip()}".strip()
    if key is not None:
        remember(_APPLICATIONS, key, name or None)
    return name or None


def _date_styles(package: Package, part: str) -> frozenset:
    """The cell style indexes (as the ``s`` attribute writes them) whose number format shows a date or time.

    A count typed as 2025-01-05 is stored as 45662 and would pass for 45,662 requests; the style is the only
    trace. An inbox repeats its styles part byte for byte, so it is worked out once per stored part."""
    if not package.has(part):
        return frozenset()
    key = package.stored(part)
    if key is not None and key in _DATE_STYLES:
        return _DATE_STYLES[key]
    root = package.parse(part, package.read(part), bulk=True)
    ns = namespace(root)
    codes = {}
    formats = root.find(ns + "numFmts")
    for fmt in formats.iterchildren(ns + "numFmt") if formats is not None else ():
        codes[fmt.get("numFmtId")] = fmt.get("formatCode") or ""
    dates: set = set()
    xfs = root.find(ns + "cellXfs")
    for index, xf in enumerate(xfs.iterchildren(ns + "xf") if xfs is not None else ()):
        number_format = xf.get("numFmtId") or "0"
        if number_format in codes:
            is_date = is_date_format(codes[number_format])
        else:
            is_date = number_format.isdigit() and int(number_format) in DATE_FORMAT_IDS
        if is_date:
            dates.add(str(index))
    if "0" in dates:
        dates.add(None)  # a cell without s="…" has style 0
    found = frozenset(dates)
    if key is not None:
        remember(_DATE_STYLES, key, found)
    return found
