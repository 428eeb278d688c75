"""One worksheet of an OOXML workbook: its cells decoded only when asked for, formulas (shared and array ones
included), protection. Parsed cut down to ``<sheetData>`` where the bytes allow (:mod:`.fastpath`)."""

from __future__ import annotations

from dataclasses import dataclass

from .fastpath import parse_cut, protected_in_bytes, sheet_data_only
from .package import Package, a1, decode_xstring, namespace, split_cell


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


def parse_sheet(package: Package, name: str, part: str, strings, dates: frozenset = frozenset()) -> Sheet:
    data = package.read(part)
    cut = sheet_data_only(data)
    root = parse_cut(package, part, cut)
    elements = None
    if root is not None:
        ns = namespace(root)
        protected = bool(protected_in_bytes(data))  # the cut is only made where the bytes can tell
        elements = _cells_by_address(root.find(ns + "sheetData"), ns)
    if elements is None:  # no cut, or a cell without its address (the cut left out the cells it follows)
        root = package.parse(part, data, bulk=True)
        ns = namespace(root)
        protected = protection_element(root, ns)
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


def protection_element(root, ns: str) -> bool:
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
