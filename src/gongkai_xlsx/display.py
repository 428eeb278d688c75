"""What the command line prints: one sanitiser for every string that comes from data, and streams that never
crash on the console they write to.

File names, attachment names, e-mail senders, roster names and office text are data. Printed raw they could
move the cursor, retitle the window or plant a hyperlink (ESC and OSC-8 sequences), and text such as
``[/]`` or ``汇总[final].xlsx`` must never be read as rich markup. :func:`clean` makes a string safe to show;
:func:`plain` turns it into a rich ``Text`` (never parsed as markup). :func:`prepare_streams` makes stdout and
stderr degrade characters a GBK console cannot encode instead of raising ``UnicodeEncodeError``, and stands in
for a closed stream.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from rich.text import Text

if TYPE_CHECKING:  # the bar is the command line's; checking a workbook in the library needs none of it
    from rich.console import Console
    from rich.progress import Progress

# ESC sequences: CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \ — OSC-8 hyperlinks, window titles), other
# two-byte escapes; the 8-bit forms CSI (U+009B) and OSC (U+009D) too.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"           # CSI
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC up to its terminator (or the end)
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"     # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"                           # any other escape
)
# C0 and C1 controls, DEL, and the bidirectional overrides that make text read other than it is stored
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# characters our own messages use that some consoles (GBK) cannot show, and what stands in for them
_FALLBACKS = {"›": ">", "✓": "√", "✗": "×", "…": "...", "→": "->", "—": "-", "·": "-"}


def clean(value: object, *, newlines: bool = False) -> str:
    """``value`` as text that is safe to print: escape sequences removed, other control characters shown as
    U+FFFD, line breaks kept only when ``newlines`` (a name is one line); tabs become a space."""
    text = "" if value is None else str(value)
    text = _ESCAPES.sub("", text)
    if not newlines:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    text = text.replace("\t", " ")
    return _CONTROLS.sub("\ufffd", text)


def plain(value: object, style: str = "", *, newlines: bool = False) -> Text:
    """A rich ``Text`` for data: cleaned, styled as a whole, never parsed as markup."""
    return Text(fallback(clean(value, newlines=newlines)), style=style)


def join(*parts: Text | str | tuple[Any, str]) -> Text:
    """A line built from parts: ``Text`` as is, ``str`` as data (cleaned), ``(value, style)`` cleaned and styled."""
    line = Text()
    for part in parts:
        if isinstance(part, Text):
            line.append_text(part)
        elif isinstance(part, tuple):
            line.append(fallback(clean(part[0])), style=part[1])
        else:
            line.append(fallback(clean(part, newlines=True)))
    return line


# ------------------------------------------------------------------------------------------ streams
def _encodes(stream: TextIO | None, text: str) -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
        return True
    except (UnicodeEncodeError, LookupError):
        return False


def utf8_stream(stream: TextIO | None = None) -> bool:
    """Whether the stream's encoding is a Unicode one (it can take any text)."""
    stream = sys.stdout if stream is None else stream
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name.startswith("utf")
    except LookupError:
        return False


def fallback(text: str, stream: TextIO | None = None) -> str:
    """``text`` with our own typographic characters replaced where the stream cannot encode them."""
    stream = sys.stdout if stream is None else stream
    if _encodes(stream, text):
        return text
    for char, stand_in in _FALLBACKS.items():
        if char in text and not _encodes(stream, char):
            text = text.replace(char, stand_in)
    return text


def prepare_streams() -> None:
    """Make stdout and stderr safe for any console: characters the encoding cannot take become ``?`` (a GBK
    console cannot show ``›``), and a closed stream (``>&-``) is replaced by one that discards what is written,
    so printing never raises."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None or _closed(stream):
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - lives as long as the process
            continue
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, io.UnsupportedOperation):  # pragma: no cover - a detached or exotic stream
                pass


def _closed(stream: TextIO) -> bool:
    try:
        return stream.closed or (hasattr(stream, "fileno") and not _fd_open(stream.fileno()))
    except (ValueError, io.UnsupportedOperation, OSError):
        return False


def _fd_open(fd: int) -> bool:
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


def stdout_closed() -> bool:
    """Whether the process was started with stdout closed (``command >&-``)."""
    return sys.__stdout__ is None or _closed(sys.__stdout__)


def json_text(document: Any, stream: TextIO | None = None) -> str:
    """A JSON document for ``stream``: UTF-8 text where the stream takes Unicode, else every non-ASCII character
    as a ``\\uXXXX`` escape — valid JSON that any decoder reads back to the same strings, on a GBK console or
    redirected to a file on Chinese Windows alike."""
    stream = sys.stdout if stream is None else stream
    return json.dumps(document, ensure_ascii=not utf8_stream(stream), indent=2) + "\n"


# ------------------------------------------------------------------------------------------ line breaking
# Rich breaks lines only at spaces: a Chinese sentence is one "word" to it, so at 80 columns it moves the whole
# sentence to the next line (leaving "汇总：27" alone) and then chops it anywhere — inside a password, an e-mail
# address or a cell reference. Chinese is broken between any two ideographs (GB/T 15834 line-breaking), never
# inside a run of Latin letters and digits, never before a closing mark nor after an opening one.
_CJK = "\u2e80-\u2fff\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CLOSING_CHARS = "，。、；：！？）】」』》〉”’%％,.;:!?)]}"
_CLOSING = re.escape(_CLOSING_CHARS)
_WIDE_CLOSING = re.escape("".join(c for c in _CLOSING_CHARS if ord(c) > 0x7f))
_OPENING = re.escape("（【「『《〈“‘([{")
_UNITS = re.compile(
    rf"\s+"                                   # spaces: a break after them
    rf"|[{_OPENING}]*[{_CJK}\u3000-\u303f\uff00-\uffef]"  # one ideograph (or full-width mark) with the marks
    rf"(?:[{_WIDE_CLOSING}]|[{_CLOSING}](?![A-Za-z0-9]))*"  # closing it (an ASCII one only where no word follows)
    rf"|[{_OPENING}]*[^\s{_CJK}\u3000-\u303f\uff00-\uffef]+"  # a run of Latin, digits, ASCII marks
    rf"(?:[{_WIDE_CLOSING}]|[{_CLOSING}](?![A-Za-z0-9]))*"
)


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """Where to break ``text`` so that each line fits ``width`` cells (rich's ``divide_line`` contract), with
    a break allowed between ideographs and at spaces, not inside a Latin word, number or address, and never
    before a closing mark (it takes the unit before it along)."""
    from rich.cells import cell_len

    breaks: list[int] = []
    column = 0
    line_start = 0
    previous = None  # (start, cells from the line's start to that unit's start) of the last unit on the line
    for unit in _UNITS.finditer(text):
        start, piece = unit.start(), unit.group()
        length = cell_len(piece)
        if piece.isspace():
            column += length  # spaces may hang past the edge; the next unit starts the new line
            continue
        if column + length <= width:
            previous = (start, column)
            column += length
            continue
        if piece[0] in _CLOSING_CHARS and previous and previous[0] > line_start \
                and cell_len(text[previous[0]:start]) + length <= width:
            breaks.append(previous[0])  # the closing mark keeps the unit before it company on the new line
            line_start, column = previous[0], cell_len(text[previous[0]:start]) + length
            previous = (start, column - length)
            continue
        if column and start:
            breaks.append(start)
            line_start, column = start, 0
        previous = (start, column)
        if length <= width or not fold:
            column += length
            continue
        for offset, char in enumerate(piece):  # a unit wider than the line: fold it by cells
            char_length = cell_len(char)
            if column + char_length > width and column:
                at = start + offset
                while text[at] in _CLOSING_CHARS and at - 1 > line_start:
                    at -= 1  # a closing mark takes the character before it to the new line
                breaks.append(at)
                column = cell_len(text[at:start + offset])
                line_start = at
            column += char_length
    return breaks


def use_cjk_line_breaking() -> None:
    """Make rich wrap Chinese text as Chinese is wrapped (see :func:`divide_line`); rich looks the function up
    in ``rich.text`` each time it wraps a line."""
    import rich.text

    rich.text.divide_line = divide_line


class ProgressBar:
    """A rich progress bar on stderr that yields an ``advance(n)`` callback (silent for --json or no terminal).

    ``total`` may be unknown at first (0) and given later with :meth:`set_total`.
    """

    def __init__(self, console: Console, total: int, label: str, quiet: bool = False) -> None:
        self.console, self.total, self.label = console, total, label
        self.quiet = quiet or not console.is_terminal or 0 < total < 20
        self.bar: Progress | None = None
        self.task = None

    def __enter__(self):
        if self.quiet:
            return lambda n=1: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn(self.label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=self.console, transient=True)
        self.bar.start()
        self.task = self.bar.add_task(self.label, total=self.total or None)
        return lambda n=1: self.bar.advance(self.task, n)

    def set_total(self, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, total=total)

    def __exit__(self, *exc) -> None:
        if self.bar:
            self.bar.stop()


@contextmanager
def working(console: Console, label: str, quiet: bool = False) -> Iterator[None]:
    """A spinner on stderr while a step without a count runs (silent for --json or no terminal)."""
    if quiet or not console.is_terminal:
        yield
        return
    with console.status(label):
        yield


def counted(count: int, singular: str, plural: str = "") -> str:
    """``1 file``, ``3 files``: an English count with its noun (``plural`` when it is not singular + s)."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
