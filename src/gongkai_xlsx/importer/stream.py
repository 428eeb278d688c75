"""A stretch of the linear document as value tokens (numbers, blank cells, placeholders) and label text.

Row labels are found in ``compact``: the stretch's text normalised (full-width → half-width, 、 → .), without
whitespace, quotation marks or the value tokens themselves, so a label broken across lines, split by a number
column (``pdftotext -layout``) or glued to its numbers (web crawls) reads as one string. ``cmap`` maps each
compact character back to its offset in the linear text; tokens are assigned to rows by those offsets.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..normalise import compact_with_offsets, is_placeholder
from .document import Linear

NUM, BLANK, MARK = "num", "blank", "mark"

NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
# column names a conversion gives a table (数据1…数据6, 列1, Column1): digits that are not data
HEADER_NUMBERING = re.compile(r"(?:数据|列|栏|字段|column|col)\s*\d{1,2}", re.IGNORECASE)
HEADER_WORD = re.compile(r"(?<!无)(?:数据|字段)$")
TEXT_MARK = re.compile(r"(?<!\S)(?:[/\\]|[-—–−]{1,2})(?!\S)")


@dataclass(frozen=True)
class Token:
    kind: str  # NUM | BLANK | MARK
    text: str  # the number as written (digits normalised to ASCII), the placeholder, or "" for a blank cell
    start: int  # offsets in the linear text
    end: int
    in_cell: bool = False  # the source put it in a cell of its own (a table cell, or between separators)

    @property
    def glued_piece(self) -> str | None:
        """The digits for splitting run-together cells (None for a blank or placeholder: one cell, 0)."""
        return self.text.replace(",", "") if self.kind == NUM else None


def token_value(token: Token, *, amount: bool = False) -> int | Decimal:
    """A token's number: int for counts (Decimal if the source wrote a fraction), Decimal for amounts."""
    if token.kind != NUM:
        return Decimal(0) if amount else 0
    text = token.text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - NUMBER only matches valid decimals
        return 0
    if amount:
        return number
    return int(number) if number == number.to_integral_value() else number


class Stream:
    """Tokens and compact label text of ``linear`` between ``start`` and ``end``."""

    def __init__(self, linear: Linear, start: int, end: int, *, numbering: bool = False) -> None:
        self.linear = linear
        self.start, self.end = start, max(start, end)
        self.tokens = self._tokenise(numbering)
        self.compact, self.cmap = self._compact()
        newlines = [i for i in range(self.start, self.end) if linear.raw[i] == "\n"]
        self._newlines = newlines

    # ------------------------------------------------------------------ tokens
    def _tokenise(self, numbering: bool) -> list[Token]:
        linear, a, b = self.linear, self.start, self.end
        norm = linear.norm
        tokens: list[Token] = []
        in_cell = bytearray(b - a)
        header = bytearray(b - a)
        starts = [span.start for span in linear.cells]
        first = bisect.bisect_left(starts, a)
        for span in linear.cells[first:]:
            if span.start >= b:
                break
            for i in range(span.start, min(span.end, b)):
                in_cell[i - a] = 1
            text = linear.raw[span.start:span.end]
            if not text.strip():
                if span.value_column:
                    tokens.append(Token(BLANK, "", span.start, span.start, True))
            elif is_placeholder(text):
                tokens.append(Token(MARK, text.strip(), span.start, span.end, True))
            elif HEADER_NUMBERING.fullmatch(text.strip()):  # 数据1…数据6, 列1: a conversion's column names
                for i in range(span.start, min(span.end, b)):
                    header[i - a] = 1
        taken = bytearray(b - a)
        for token in tokens:
            for i in range(token.start, token.end):
                taken[i - a] = 1
        for match in NUMBER.finditer(norm, a, b):
            s, e = match.span()
            if taken[s - a] or header[s - a]:
                continue
            if HEADER_WORD.search(norm, max(a, s - 3), s):  # "数据1 数据2 …" outside cells
                continue
            text = match.group()
            before = norm[s - 1] if s > 0 else ""
            after = norm[e] if e < len(norm) else ""
            if before == "(" and after == ")":  # （1） in a caption
                continue
            if before.isascii() and before.isalpha():  # H5, ICP…
                continue
            if (numbering and after == "." and "." not in text and "," not in text and text[-1] in "12345678"
                    and _letter_follows(norm, e + 1, b)):
                text, e = text[:-1], e - 1  # the last digit numbers the next label: "00000002.其他法律…"
                if not text:
                    continue
            if s >= 1 and norm[s - 1] in "-−+" and (s < 2 or norm[s - 2] in " \t\n"):
                s -= 1  # a signed number (本年增/减 of the 2019 format)
                text = norm[s].replace("−", "-") + text
            tokens.append(Token(NUM, text, s, e, bool(in_cell[s - a])))
        for match in TEXT_MARK.finditer(norm, a, b):
            s, e = match.span()
            if not in_cell[s - a]:
                tokens.append(Token(MARK, match.group(), s, e))
        tokens.sort(key=lambda t: t.start)
        return tokens

    def _compact(self) -> tuple[str, list[int]]:
        a, b = self.start, self.end
        skip = bytearray(b - a)
        for token in self.tokens:
            for i in range(token.start, token.end):
                skip[i - a] = 1
        return compact_with_offsets(self.linear.norm, a, b, skip=skip)

    # ------------------------------------------------------------------ helpers
    def search(self, pattern: str | re.Pattern, pos: int = 0, end: int | None = None) -> re.Match | None:
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        return regex.search(self.compact, pos, len(self.compact) if end is None else end)

    def raw_offset(self, compact_index: int) -> int:
        """Offset in the linear text of a compact position (the stream's end past the last character)."""
        return self.cmap[compact_index] if compact_index < len(self.cmap) else self.end

    def tokens_between(self, start: int, end: int) -> list[Token]:
        return [t for t in self.tokens if start <= t.start < end]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset)  # the newline ending a line belongs to it

    def raw_text(self, start: int, end: int, limit: int = 60) -> str:
        """Source text between two offsets, whitespace collapsed, shortened for messages."""
        text = re.sub(r"\s+", " ", self.linear.raw[start:end]).strip()
        return text if len(text) <= limit else text[:limit - 1] + "…"


def _letter_follows(norm: str, i: int, end: int) -> bool:
    while i < end and norm[i] in " \t":
        i += 1
    return i < end and norm[i].isalpha()
