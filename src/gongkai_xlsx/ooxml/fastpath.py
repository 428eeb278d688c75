"""Byte-level fast paths of the OOXML reading: a part cut short, or a question answered from its bytes, only
where the bytes leave no doubt; anything else is parsed whole.

A returned template's worksheets carry as much again in validations, conditional formats and page setup as in
cells, and its shared string table ends in a hundred labels nobody reads: parsing is most of the reader's time,
and these cuts halve it. Every cut is still parsed by lxml, and a cut that does not parse falls back to the whole.
"""

from __future__ import annotations

import re

from .package import Package, UnreadableFile, decode_xstring, namespace

_PROTECTED = re.compile(rb"<(?:\w+:)?sheetProtection\b[^>]*\bsheet\s*=\s*([\"'])(?:1|true)\1")


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
        root = parse_cut(self._package, self._part, cut)
        if root is not None:
            items = list(root.iterchildren(namespace(root) + "si"))
            if len(items) <= index:  # counted wrong (an odd writer): read it all
                root = None
        if root is None:
            root = self._package.parse(self._part, self._data, bulk=True)
            items = list(root.iterchildren(namespace(root) + "si"))
            self._parsed_all = True
        ns = namespace(root)
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


def parse_cut(package: Package, part: str, cut: bytes | None):
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
