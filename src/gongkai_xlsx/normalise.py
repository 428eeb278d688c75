"""Normalising what offices type into number cells, once, at the reader's edge.

Every raw value becomes a number (or is rejected) and the way it was read is recorded, so that each change
can be explained: numbers typed as text, full-width digits, surrounding spaces, thousands separators, ``12.0``
for 12, blanks and placeholders (``/``, ``无``, ``—``) counted as 0. Anything else (``5件``, ``约10``) is
invalid and the reader reports the cell.

Text is compared in one way everywhere (:func:`normalise_text`: names, labels, placeholders, typed numbers;
:func:`normalise_code`: agency codes), and one set of characters counts as quotation marks (``QUOTES``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum


def normalise_text(text: str | None) -> str:
    """Text as compared: NFKC (full-width → half-width), without spaces of any width or line breaks. For names,
    labels, placeholders and numbers typed as text."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def normalise_code(text: str | None) -> str:
    """An agency code as compared and kept: :func:`normalise_text` in capitals (统一社会信用代码 letters are)."""
    return normalise_text(text).upper()


class How(str, Enum):
    NUMBER = "number"  # a number cell
    TEXT_NUMBER = "text_number"  # a number typed as text (possibly full-width, spaced, with separators)
    BLANK = "blank"  # empty: counts as 0
    PLACEHOLDER = "placeholder"  # "/", "无", "—" …: counts as 0
    INVALID = "invalid"  # not a number


# what offices type, and reports publish, for "none": counted as 0 (compared after NFKC, without spaces)
PLACEHOLDERS = {"/", "//", "无", "—", "——", "-", "--", "–", "−", "\\", "、", "×", "空", "null", "none", "n/a", "na", "无数据"}
# a spreadsheet holds 15 significant digits; anything this large is a typing accident, not a count or an amount
# (and 1E999 would overflow the float every spreadsheet and XlsxWriter store numbers as)
TOO_LARGE = Decimal(10) ** 15
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Parsed:
    value: Decimal | None  # None only for INVALID
    how: How
    raw: object


def parse_number(raw: object) -> Parsed:
    """Read one cell's raw value (number, string, bool or None) as a Decimal, saying how."""
    if raw is None:
        return Parsed(Decimal(0), How.BLANK, raw)
    if isinstance(raw, bool):
        return Parsed(None, How.INVALID, raw)
    if isinstance(raw, (int, float, Decimal)):
        return _within_range(Parsed(_decimal(raw), How.NUMBER, raw))
    text = str(raw)
    if _digit_look_alike(text):
        return Parsed(None, How.INVALID, raw)
    text = normalise_text(text)
    if text == "":
        return Parsed(Decimal(0), How.BLANK, raw)
    if _placeholder(text):
        return Parsed(Decimal(0), How.PLACEHOLDER, raw)
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if _PLAIN.match(text):
        try:
            return _within_range(Parsed(Decimal(text), How.TEXT_NUMBER, raw))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            pass
    return Parsed(None, How.INVALID, raw)


def _digit_look_alike(text: str) -> bool:
    """Whether the text holds a digit that is not a decimal digit: superscripts (5²), subscripts, circled (⑤) or
    stopped (⒌) digits. NFKC would turn them into plain digits ("5²" into 52); full-width digits stay allowed."""
    return not text.isascii() and any(ch.isdigit() and not ch.isdecimal() for ch in text)


def is_placeholder(text: str) -> bool:
    """Whether a cell's text stands for "none" (``/``, ``无``, ``—`` …)."""
    return _placeholder(normalise_text(text))


def _placeholder(normalised: str) -> bool:
    return normalised.lower() in PLACEHOLDERS or normalised in PLACEHOLDERS


def _within_range(parsed: Parsed) -> Parsed:
    value = parsed.value
    if value is not None and (not value.is_finite() or abs(value) >= TOO_LARGE):
        return Parsed(None, How.INVALID, parsed.raw)
    return parsed


def _decimal(number: int | float | Decimal) -> Decimal:
    if isinstance(number, float):
        # repr gives the shortest string that round-trips: 24252.311082, not its binary expansion
        return Decimal(repr(number))
    return Decimal(number)


def as_count(value: Decimal) -> int | Decimal:
    """An integral Decimal as int (``12.0`` → 12); a fractional one stays Decimal."""
    integral = value.to_integral_value()
    return int(integral) if value == integral else value


def decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


# ------------------------------------------------------------------------------------------ characters of text
WHITESPACE = frozenset(" \t\r\n\f\v\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                       "\u200b\u2028\u2029\u202f\u205f\u3000\ufeff")
QUOTES = frozenset("“”‘’\"'「」『』〝〞")
_NUMERALS = {"、": ".", "．": ".", "。": "。"}


def norm_char(ch: str) -> str:
    """One character, normalised for matching: full-width ASCII to half-width (NFKC) and 、 to a dot.

    Always one character, so offsets in the normalised text are offsets in the original.
    """
    if ch in _NUMERALS:
        return _NUMERALS[ch]
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def compact_with_offsets(text: str, start: int = 0, end: int | None = None, *,
                         skip: bytes | bytearray | None = None, fold: bool = False) -> tuple[str, list[int]]:
    """``text[start:end]`` without whitespace and quotation marks, and the offset in ``text`` of each character
    kept, so that a match in the compact text points back into the original.

    ``skip`` marks (per offset from ``start``) characters to leave out as well (a table's number tokens).
    ``fold`` is for raw text: each character kept is normalised (:func:`norm_char`) *after* the whitespace and
    quotation-mark test, so the characters that become quotation marks only when folded (＂＇｢｣﹁﹂﹃﹄) stay in,
    as 「」"' — unlike in text normalised beforehand (the importer's ``Linear.norm``), where they are left out.
    """
    end = len(text) if end is None else end
    chars: list[str] = []
    offsets: list[int] = []
    for i in range(start, end):
        if skip is not None and skip[i - start]:
            continue
        ch = text[i]
        if ch in WHITESPACE or ch in QUOTES:
            continue
        chars.append(norm_char(ch) if fold else ch)
        offsets.append(i)
    return "".join(chars), offsets
