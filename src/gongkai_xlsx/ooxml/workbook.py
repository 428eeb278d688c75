"""A lazy reader of one OOXML workbook: sheets parsed on demand, shared strings, defined names, properties.

The only place (with :mod:`.package`) that knows OOXML. Byte-level fast paths read the common cell shapes
without building a tree, and module caches keep what every template of one form version repeats (workbook.xml,
relationships, app.xml), so an inbox of returns parses those once. Nothing here knows the national form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .package import (
    DATE_FORMAT_IDS,
    MAX_FILE_BYTES,
    Package,
    UnreadableFile,
    attribute,
    child,
    children,
    classify_ole,
    decode_xstring,
    is_date_format,
    refuse,
    resolve,
    sniff,
    split_cell,
)


_PROTECTED = re.compile(rb"<(?:\w+:)?sheetProtection\b[^>]*\bsheet\s*=\s*([\"'])(?:1|true)\1")


@dataclass
class RawCell:
    value: object  # number, str, bool or None
    formula: str | None = None
    error: str | None = None  # an Excel error value such as #REF!
    date: bool = False  # shown as a date or time (a date number format, or a t="d" cell)


class Sheet:
    """One worksheet's cells, decoded only when asked for (a returned template has ~1,000 cell elements and
    the reader needs ~300 of them)."""

    def __init__(self, name: str, elements: dict, strings, ns: str, protected: bool,
                 dates: frozenset = frozenset(), spans: tuple = ()) -> None:
        self.name = name
        self._dates = dates  # the style indexes (s="…") that show a number as a date or time
        # (first row, first col, last row, last col, formula) of array formulas and data tables: the cells they
        # fill other than the first hold a bare value, yet are computed
        self._spans = spans
        self._unusual = bool(dates or spans)  # the fast path's one check for both
        self.protected = protected
        self._elements = elements  # A1 address → <c> element with content
        self._strings = strings
        self._ns = ns
        self._v_tag, self._f_tag = ns + "v", ns + "f"
        self._decoded: dict[str, RawCell | None] = {}
        self._shared: dict[str, tuple[str, str]] | None = None

    def at(self, row: int, col: int) -> RawCell | None:
        return self.get(a1(row, col))

    def whole_number(self, ref: str) -> int | None:
        """The cell's value if it is a plain whole number ≥ 0 with no formula (nearly every input cell of a
        returned template), else None: the caller then takes :meth:`get` and normalises. Three C calls instead
        of a full decode, because this is the reader's hottest line."""
        element = self._elements.get(ref)
        if element is None or len(element) != 1 or element.get("t") not in (None, "n"):
            return None
        if self._unusual and (element.get("s") in self._dates or self._spanned(ref) is not None):
            return None  # a date such as 45662, or a value an array formula put there: the slow path says so
        value = element[0]
        text = value.text
        if value.tag != self._v_tag or not text or not text.isdigit() or not text.isascii() or len(text) > 15:
            return None  # (longer: beyond a spreadsheet's precision, normalising rejects it)
        return int(text)

    def formula(self, ref: str) -> str | None:
        """The cell's formula (without ``=``), or None; cheaper than :meth:`get` for a cell whose value is
        not needed (the reader recomputes totals and fingerprints formulas, it never uses their cached values)."""
        element = self._elements.get(ref)
        if element is None:
            return None
        for node in element:  # at most three children, <f> first: cheaper than find()
            if node.tag == self._f_tag:
                return node.text or self.get(ref).formula or None  # no text: a shared formula's dependent cell
        return self._spanned(ref) if self._spans else None

    def _spanned(self, ref: str) -> str | None:
        """The formula of the array formula or data table whose range holds this cell, if any."""
        if not self._spans:
            return None
        try:
            row, col = split_cell(ref)
        except ValueError:
            return None
        for first_row, first_col, last_row, last_col, formula in self._spans:
            if first_row <= row <= last_row and first_col <= col <= last_col:
                return formula
        return None

    @property
    def refs(self):
        """The A1 addresses of the cells with content."""
        return self._elements.keys()

    def last_row(self) -> int:
        """The 0-based index of the last row with a cell with content; -1 for an empty sheet."""
        if not self._elements:
            return -1
        # the rows' own numbers (a thousand <row> elements, not two hundred thousand cells), when every row says
        # its number; else every cell's address
        some = next(iter(self._elements.values()))
        parent = some.getparent() if hasattr(some, "getparent") else None
        rows = parent.getparent() if parent is not None else None
        if rows is not None:
            numbers = [row.get("r") for row in rows if len(row)]
            if all(number and number.isdigit() for number in numbers):
                return max(map(int, numbers)) - 1
        return max(int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") or 0) for ref in self._elements) - 1

    def get(self, ref: str) -> RawCell | None:
        if ref not in self._decoded:
            element = self._elements.get(ref)
            self._decoded[ref] = None if element is None else self._decode(ref, element)
        return self._decoded[ref]

    @property
    def cells(self) -> dict[str, RawCell]:
        """Every cell with content, decoded (for locating tables by their labels)."""
        return {ref: cell for ref in self._elements if (cell := self.get(ref)) is not None}

    def _decode(self, ref: str, cell) -> RawCell:
        ns = self._ns
        kind = cell.get("t") or "n"
        text = formula_element = inline = None
        v_tag, f_tag, is_tag = self._v_tag, self._f_tag, ns + "is"
        for node in cell:  # a cell has at most three children; a loop is cheaper than three find() calls
            tag = node.tag
            if tag == v_tag:
                text = node.text
            elif tag == f_tag:
                formula_element = node
            elif tag == is_tag:
                inline = node
        formula = None
        if formula_element is not None:
            formula = formula_element.text or ""
            if formula_element.get("t") == "shared" and not formula:
                master = self._shared_masters().get(formula_element.get("si") or "")
                if master:
                    formula = _translate_shared(master, ref)
        if formula is None and self._spans:
            formula = self._spanned(ref)
        raw = RawCell(None, formula, date=kind == "d" or bool(self._dates and cell.get("s") in self._dates))
        if kind == "s":
            try:
                raw.value = self._strings[int(text)] if text is not None else None
            except (ValueError, IndexError):
                raw.value = None
        elif kind == "inlineStr":
            raw.value = (decode_xstring("".join(t.text or "" for t in inline.iter(ns + "t")))
                         if inline is not None else "")
        elif kind == "str":
            raw.value = decode_xstring(text) if text else text
        elif kind == "d":
            raw.value = text
        elif kind == "b":
            raw.value = text == "1"
        elif kind == "e":
            raw.error = text or "#N/A"
            raw.value = text
        elif text is not None:
            try:
                raw.value = float(text) if ("." in text or "e" in text or "E" in text) else int(text)
            except ValueError:
                raw.value = text
        return raw

    def _shared_masters(self) -> dict[str, tuple[str, str]]:
        """Shared formulas (Excel writes them): index → (the master's formula, the master's address)."""
        if self._shared is None:
            self._shared = {}
            for ref, cell in self._elements.items():
                formula = cell.find(self._ns + "f")
                if formula is not None and formula.get("t") == "shared" and formula.text:
                    self._shared[formula.get("si") or ""] = (formula.text, ref)
        return self._shared


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
            self._sheets[name] = _parse_sheet(self.package, name, self.sheet_parts[name], self.strings,
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
            protected = _protection_element(root, _namespace(root))
        return protected

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


@lru_cache(maxsize=65536)
def a1(row: int, col: int) -> str:
    """A1 address of a 0-based (row, col)."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"

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


def absolute_a1(row: int, col: int) -> str:
    """$A$1 address of a 0-based (row, col)."""
    ref = a1(row, col)
    digits = len(ref.rstrip("0123456789"))
    return f"${ref[:digits]}${ref[digits:]}"


def load_workbook(data: bytes, path: str = "<memory>") -> Workbook:
    """The workbook in ``data``; :class:`UnreadableFile` if it is none (an old .xls, an encrypted file, a zip
    of something else …). ``path`` names it in messages."""
    kind = sniff(data[:1024], len(data))
    if kind == "ole":
        kind = classify_ole(data)
    if kind != "zip":
        raise refuse(kind, path)
    package = Package.open(data, path)
    if not package.has("xl/workbook.xml"):
        raise refuse("zip_not_workbook", path)
    workbook = open_workbook(package)
    return workbook


# ------------------------------------------------------------------------------------------ the package
@dataclass
class Structure:
    """What workbook.xml and its relationships say: sheets, defined names, where the shared strings are."""

    sheet_parts: dict[str, str]
    names: dict[str, str]
    strings_part: str
    styles_part: str = "xl/styles.xml"
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
    ns = _namespace(root)
    defined = root.find(ns + "definedNames")
    if defined is not None:
        names = {element.get("name"): element.text or "" for element in defined.iterchildren(ns + "definedName")
                 if element.get("localSheetId") is None and element.get("name")}
    strings_part = next((target for target, kind in rels.values() if kind.endswith("/sharedStrings")),
                        "xl/sharedStrings.xml")
    styles_part = next((target for target, kind in rels.values() if kind.endswith("/styles")), "xl/styles.xml")
    structure = Structure(sheet_parts, names, strings_part, styles_part)
    if None not in key:
        remember(_STRUCTURES, key, structure)
    return structure


def _relationships(package: Package, part: str, source: str, data: bytes) -> dict[str, tuple[str, str]]:
    if not data:
        return {}
    root = package.parse(part, data)
    return {rel.get("Id"): (resolve(source, rel.get("Target") or ""), rel.get("Type") or "")
            for rel in children(root, "Relationship")}


def _namespace(root) -> str:
    """The ``{uri}`` prefix of a part's root element ('' when it has no namespace)."""
    return root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""


class SharedStrings:
    """The shared string table, parsed only as far as the strings asked for, each decoded when first asked for.

    An office's own strings (its name, contact, texts) are on the first sheet, so they come first in the table;
    the hundred-odd labels and guidance lines after them are usually never needed. The table is cut after the
    string asked for where the bytes leave no doubt (unprefixed ``<si>``, no comment or CDATA section), and
    parsed whole otherwise.
    """

    def __init__(self, package: Package, part: str) -> None:
        self._package, self._part = package, part
        self._data = package.read(part)
        self._whole = any(marker in self._data for marker in (b"<!--", b"<![CDATA[", b":si>", b"<si/>", b":sst"))
        self._items: list = []
        self._parsed_all = False
        self._decoded: dict[int, str] = {}

    def _parse_through(self, index: int) -> None:
        # a little beyond the string asked for, and more each time: one or two parses, not one per string
        cut = None if self._whole else self._cut_after(max(index, 2 * len(self._items), 31))
        root = _parse_cut(self._package, self._part, cut)
        if root is not None:
            items = list(root.iterchildren(_namespace(root) + "si"))
            if len(items) <= index:  # counted wrong (an odd writer): read it all
                root = None
        if root is None:
            root = self._package.parse(self._part, self._data, bulk=True)
            items = list(root.iterchildren(_namespace(root) + "si"))
            self._parsed_all = True
        ns = _namespace(root)
        self._t, self._r = ns + "t", ns + "r"
        self._items = items

    def _cut_after(self, index: int) -> bytes | None:
        """The table's bytes up to the end of string ``index``, closed; None when that is all of it anyway."""
        data, end = self._data, -1
        for _ in range(index + 1):
            end = data.find(b"</si>", end + 1)
            if end < 0:
                return None
        end += len(b"</si>")
        return data[:end] + b"</sst>" if data.find(b"</si>", end) >= 0 else None

    def __getitem__(self, index: int) -> str:
        if index < 0:
            raise IndexError(index)
        if index >= len(self._items) and not self._parsed_all:
            self._parse_through(index)
        if index not in self._decoded:
            parts = []
            for node in self._items[index]:  # <t>, or runs <r><t>; phonetic hints <rPh> are not part of the text
                if node.tag == self._t:
                    parts.append(node.text or "")
                elif node.tag == self._r:
                    run = node.find(self._t)
                    parts.append((run.text or "") if run is not None else "")
            self._decoded[index] = decode_xstring("".join(parts))
        return self._decoded[index]


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
    ns = _namespace(root)
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


def _parse_sheet(package: Package, name: str, part: str, strings, dates: frozenset = frozenset()) -> Sheet:
    data = package.read(part)
    cut = sheet_data_only(data)
    root = _parse_cut(package, part, cut)
    elements = None
    if root is not None:
        ns = _namespace(root)
        protected = bool(protected_in_bytes(data))  # the cut is only made where the bytes can tell
        elements = _cells_by_address(root.find(ns + "sheetData"), ns)
    if elements is None:  # no cut, or a cell without its address (the cut left out the cells it follows)
        root = package.parse(part, data, bulk=True)
        ns = _namespace(root)
        protected = _protection_element(root, ns)
        data_element = root.find(ns + "sheetData")
        elements = _cells_by_address(data_element, ns)
        if elements is None:
            elements = _cells_by_position(data_element, ns)
    # array formulas and data tables declare their range with ref="…" on the first cell's <f>, as shared formulas
    # do; within <sheetData> nothing else has it. One byte search: a template has none (Excel's shared formulas
    # do, and then the formula cells are looked at)
    probe = cut if cut is not None else data
    spans = _formula_spans(elements, ns) if b"ref=" in probe else ()
    return Sheet(name, elements, strings, ns, protected, dates, spans)


def _formula_spans(elements: dict, ns: str) -> tuple:
    """The ranges that array formulas and data tables fill: (first row, first col, last row, last col, formula)."""
    spans = []
    f_tag = ns + "f"
    for element in elements.values():
        formula = element.find(f_tag)
        if formula is None or formula.get("t") not in ("array", "dataTable") or not formula.get("ref"):
            continue
        corners = formula.get("ref").replace("$", "").upper().split(":")
        try:
            (first_row, first_col), (last_row, last_col) = split_cell(corners[0]), split_cell(corners[-1])
        except ValueError:
            continue
        text = formula.text or ""
        shown = "{=" + text + "}" if formula.get("t") == "array" else f"TABLE({text})"
        spans.append((min(first_row, last_row), min(first_col, last_col), max(first_row, last_row),
                      max(first_col, last_col), shown))
    return tuple(spans)


def _cells_by_address(data_element, ns: str) -> dict | None:
    """A1 address → ``<c>`` element, for the cells with content (merged areas are full of styled empty ones);
    None when a cell with content has no address (legal OOXML: see :func:`_cells_by_position`)."""
    elements = {}
    if data_element is not None:
        for cell in data_element.iter(ns + "c"):
            if len(cell):
                ref = cell.get("r")
                if not ref:
                    return None
                elements[ref if ref.isalnum() and ref.isupper() else ref.replace("$", "").upper()] = cell
    return elements


def _cells_by_position(data_element, ns: str) -> dict:
    """As :func:`_cells_by_address`, where rows and cells may leave out their ``r``: a row without one follows
    the row before it, a cell without one the cell before it in its row (ECMA-376 §18.3.1.73 and §18.3.1.4)."""
    elements = {}
    row_index = -1
    for row in data_element.iterchildren(ns + "row"):
        number = row.get("r")
        row_index = int(number) - 1 if number and number.isdigit() and int(number) > 0 else row_index + 1
        col = -1
        for cell in row.iterchildren(ns + "c"):
            ref = cell.get("r")
            try:
                cell_row, col = split_cell(ref.replace("$", "")) if ref else (row_index, col + 1)
            except ValueError:  # an address that is none: the position its order gives
                cell_row, col = row_index, col + 1
            if len(cell):
                elements[a1(cell_row, col)] = cell
    return elements


def _parse_cut(package: Package, part: str, cut: bytes | None):
    """A part cut down to what the reader needs, parsed; None when there is no cut or it does not parse (the
    whole part then decides whether the file is damaged)."""
    if cut is None:
        return None
    try:
        return package.parse(part, cut, bulk=True)
    except UnreadableFile:
        return None


_ROOT_NAME = re.compile(rb"<([\w:]+)[\s>]")


def sheet_data_only(data: bytes) -> bytes | None:
    """The worksheet part cut down to its root element and ``<sheetData>``, or None when that is not certain.

    The cells are all the reader needs from a worksheet, yet a returned template carries as much again in data
    validations, conditional formats and page setup, and parsing is most of the reader's time. The cut is made
    only where the bytes leave no doubt (see :func:`_plain_markup`; exactly one unprefixed ``<sheetData>`` with
    content), and the styled empty cells (half of a template's, from merged areas and borders) are left out.
    Whatever the cut yields is still parsed by lxml; anything it cannot cut, or that then does not parse, is read
    whole.
    """
    start = data.find(b"<sheetData")
    end = data.find(b"</sheetData>", start)
    if (start < 0 or end < 0 or not data.startswith(b"<sheetData>", start)
            or data.find(b"<sheetData", start + 1) >= 0 or data.find(b"</sheetData>", end + 1) >= 0
            or b":sheetData" in data or not _plain_markup(data)):
        return None
    root = _ROOT_NAME.match(data, data.find(b"<", _prolog_end(data)))
    if root is None:
        return None
    head_end = data.find(b">", root.start()) + 1
    if head_end > start:
        return None
    cells = _EMPTY_CELL.sub(b"", data[start:end + len(b"</sheetData>")])
    return b"".join((data[:head_end], cells, b"</", root.group(1), b">"))


def _prolog_end(data: bytes) -> int:
    return data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0


def _plain_markup(data: bytes) -> bool:
    """True when every ``<`` after the XML declaration starts an element or end tag: no comment, CDATA section,
    DTD or processing instruction, the only places where markup-like bytes are not markup."""
    prolog_end = _prolog_end(data)
    # a one-byte search first: most worksheets hold no "!" or "?" at all (a two-byte search stops at every "<")
    return ((data.find(b"!", prolog_end) < 0 or data.find(b"<!", prolog_end) < 0)
            and (data.find(b"?", prolog_end) < 0 or data.find(b"<?", prolog_end) < 0))


_EMPTY_CELL = re.compile(rb'<c r="[A-Z]{1,3}[0-9]{1,7}" s="[0-9]{1,5}"/>')


def protected_in_bytes(data: bytes) -> bool | None:
    """Whether a worksheet part's bytes switch its protection on (its ``<sheetProtection sheet="1">``); None
    when the bytes alone cannot tell (markup that is not markup: see :func:`_plain_markup`)."""
    if not _plain_markup(data):
        return None
    at = data.find(b"sheetProtection")
    while at > 0:  # the word may also be a cell's text; the element is the one an opening "<" starts
        if _PROTECTED.match(data, data.rfind(b"<", 0, at)):
            return True
        at = data.find(b"sheetProtection", at + 1)
    return False


def _protection_element(root, ns: str) -> bool:
    protection = root.find(ns + "sheetProtection")
    return protection is not None and protection.get("sheet") in ("1", "true")


def _translate_shared(master: tuple[str, str], ref: str) -> str:
    """The formula of a cell that shares its master's formula (Excel writes these), moved by the offset."""
    from openpyxl.formula.tokenizer import TokenizerError
    from openpyxl.formula.translate import Translator  # the well-kept implementation of this

    formula, origin = master
    try:
        return Translator("=" + formula, origin=origin).translate_formula(ref)[1:]
    except TokenizerError:  # a damaged master formula: the cell then counts as having none (a typed value)
        return ""
