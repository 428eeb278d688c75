"""What every source reader produces: a document as lines of text and table rows, in reading order.

The readers (plain text, HTML, Word, PDF) differ only in how they find lines and table cells; everything after
this point — sections, tables, texts — works on a :class:`Document`, linearised once into one string
(:class:`Linear`) in which a table row is its cells joined by tabs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..errors import InputError
from ..normalise import QUOTES, WHITESPACE, is_placeholder, norm_char


@dataclass
class Cell:
    text: str
    col: int  # grid column where the cell starts (for value columns and blank cells)
    value: bool | None = None  # known to be a value cell (or not); None: decided by the table's columns


@dataclass
class Line:
    """A line of text, or (``cells`` set) a table row. ``table`` numbers the table a row belongs to."""

    text: str = ""
    cells: list[Cell] | None = None
    table: int = -1


@dataclass
class Document:
    kind: str  # "text" | "html" | "docx" | "pdf"
    lines: list[Line]
    reflow: bool  # True when lines are hard-wrapped (plain text, PDF) and paragraphs must be rebuilt
    application: str | None = None  # producing application, when the file says
    variant: str = ""  # how it was read, e.g. "pdf-tables" / "pdf-layout"


@dataclass(frozen=True)
class CellSpan:
    start: int  # offset of the cell's text in Linear.raw
    end: int
    col: int
    table: int
    value_column: bool  # the cell is in a column of values (at or right of the first column holding a number)


@dataclass
class Linear:
    """The document as one string (``raw``) plus a same-length normalised copy (``norm``) and cell positions."""

    raw: str
    norm: str
    cells: list[CellSpan] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ characters
def normalise(text: str) -> str:
    """Text for comparing labels: normalised characters, no whitespace, no quotation marks."""
    out = []
    for ch in text:
        if ch in WHITESPACE:
            continue
        c = norm_char(ch)
        if c in WHITESPACE or c in QUOTES:
            continue
        out.append(c)
    return "".join(out)


NUMBER_TEXT = re.compile(r"[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?")


def is_number_text(text: str) -> bool:
    return bool(NUMBER_TEXT.fullmatch(text.strip()))


def clean_cell(text: str) -> str:
    """A cell's text on one line: tabs and line breaks become spaces, blank-looking characters are stripped."""
    text = re.sub(r"[\t\r\n\f\v]+", " ", text.replace("\xa0", " ").replace("\u3000", " ").replace("\u200b", ""))
    return text.strip()


# ------------------------------------------------------------------------------------------ linearisation
def linearise(document: Document) -> Linear:
    first_value_columns: dict[int, list[int]] = {}
    for line in document.lines:
        if line.cells is not None:
            columns = [c.col for c in line.cells if is_number_text(c.text) or is_placeholder(c.text)]
            if columns:
                first_value_columns.setdefault(line.table, []).append(min(columns))
    # Value columns start at the first column that holds a number; a blank cell there or to its right is a
    # blank value. Grids read from HTML, Word or PDF tables have exact columns: the leftmost such column counts.
    # Tab-separated text copied from a page may shift a row (the seed's row that lost its leading tabs): there
    # the column where most rows start their numbers counts.
    starts: dict[int, int] = {}
    for table, firsts in first_value_columns.items():
        if document.kind == "text":
            starts[table] = max(sorted(set(firsts)), key=firsts.count)
        else:
            starts[table] = min(firsts)
    parts: list[str] = []
    spans: list[CellSpan] = []
    offset = 0
    for line in document.lines:
        if line.cells is None:
            text = line.text.replace("\t", " ")
            parts.append(text + "\n")
            offset += len(text) + 1
            continue
        start = starts.get(line.table)
        for index, cell in enumerate(line.cells):
            text = clean_cell(cell.text)
            if index:
                parts.append("\t")
                offset += 1
            value_column = cell.value if cell.value is not None else start is not None and cell.col >= start
            spans.append(CellSpan(offset, offset + len(text), cell.col, line.table, value_column))
            parts.append(text)
            offset += len(text)
        parts.append("\n")
        offset += 1
    raw = "".join(parts)
    norm = "".join(norm_char(ch) for ch in raw)
    return Linear(raw=raw, norm=norm, cells=spans)


# ------------------------------------------------------------------------------------------ plain text
PAGE_FOOTER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3}|—\s*\d{1,3}\s*—)\s*$")


def text_lines(text: str, *, table_base: int = 0) -> list[Line]:
    """Lines of plain text; runs of tab-separated or ``|``-separated lines become table rows (one table per run).

    A ``|`` row (``| 12 | | | | | | 12 |`` or ``规章 | 0 | 0 | 0 |``) has a cell between each pair of bars, a blank
    cell included: the separators give the column positions. Pages converted one cell per line (``0 |``, a bare
    ``|`` for a blank cell, ``||`` closing a row) are joined back into rows, a row starting at each label cell.
    """
    lines: list[Line] = []
    table = table_base
    in_table = False
    pending: Line | None = None  # a row being rebuilt from one-cell-per-line text
    for line in text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n"):
        if PAGE_FOOTER.match(line):
            continue
        bar_cells = _bar_cells(line) if "\t" not in line else None
        if bar_cells is None and not ("\t" in line and line.strip()):
            in_table, pending = False, None
            lines.append(Line(text=line))
            continue
        if not in_table:
            table += 1
            in_table = True
        if bar_cells is None:
            pending = None
            lines.append(Line(cells=[Cell(part, col) for col, part in enumerate(line.split("\t"))], table=table))
            continue
        if len(bar_cells) > 1 and not line.replace("|", "").replace("｜", "").strip():
            pending = None  # "||", "|||": the cells a colspan covers, closing a row converted one cell per line
            continue
        if len(bar_cells) == 1:  # one cell per line: "0 |", a bare "|" for a blank cell
            cells = [_bar_cell(c) for c in bar_cells]
            if pending is None or any(c.value is False for c in cells):
                pending = Line(cells=[], table=table)
                lines.append(pending)
            for cell in cells:
                cell.col = len(pending.cells)
                pending.cells.append(cell)
            continue
        pending = None
        cells = [_bar_cell(c) for c in bar_cells]
        for col, cell in enumerate(cells):
            cell.col = col
        lines.append(Line(cells=cells, table=table))
    return lines


_BAR = re.compile(r"[|｜]")


def _bar_cells(line: str) -> list[str] | None:
    """The cells of a ``|``-separated line, or None when the line is not one (no bar at its start or end and
    fewer than two bars: a sentence that happens to hold a bar)."""
    stripped = line.strip()
    if not stripped or not _BAR.search(stripped):
        return None
    starts, ends = _BAR.match(stripped[0]) is not None, _BAR.match(stripped[-1]) is not None
    if not (starts or ends) and len(_BAR.findall(stripped)) < 2:
        return None
    parts = _BAR.split(stripped)
    if ends:
        parts = parts[:-1]  # nothing after the closing bar
    if starts and any(p.strip() for p in parts):
        parts = parts[1:]  # nothing before the opening bar of a "| a | b |" row (a bare "|" is one blank cell)
    return parts


def _bar_cell(text: str) -> Cell:
    text = text.strip()
    value = not text or is_number_text(text) or is_placeholder(text)
    return Cell(text, 0, value)


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Bytes to text: a byte-order mark, then the declared charset, then UTF-8, then GB18030 (GBK/GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    encodings = [declared] if declared else []
    encodings += ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    raise InputError("无法识别文件的文字编码（不是 UTF-8，也不是 GBK/GB18030）。",
                     hint="请用记事本或浏览器另存为 UTF-8 编码的文本或网页后再导入。")


def looks_binary(text: str) -> bool:
    """Mostly control or unassigned characters: not a text a person wrote."""
    if not text:
        return False
    sample = text[:20000]
    bad = sum(1 for ch in sample
              if (unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs") and ch not in "\t\n\r\f") or ch == "\ufffd")
    return bad > max(3, len(sample) // 50)
