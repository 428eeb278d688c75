"""How the consolidated workbook's sheets look and print: their cell styles, the writers of office text and numbers,
how many lines a text wraps to, the print scale, and the header and footer of every printed page."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ..form import REPORT_TITLE
from ..template.sheet_writer import write_text
from .coverage import coverage_short
from .merge import MergeResult

class Styles:
    def __init__(self, workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10.5, "font_charset": 134, "valign": "vcenter"}
        self.title = workbook.add_format({**base, "bold": True, "font_size": 14})
        self.header = workbook.add_format({**base, "bold": True, "border": 1, "text_wrap": True, "align": "center",
                                           "bg_color": "#D9E1F2"})
        self.id_header = workbook.add_format({**base, "border": 1, "font_color": "#595959",
                                              "align": "center", "text_wrap": True})
        self.text = workbook.add_format({**base, "border": 1, "num_format": "@"})
        self.quoted = workbook.add_format({**base, "border": 1, "quote_prefix": True, "text_wrap": True,
                                           "valign": "top"})
        self.number = workbook.add_format({**base, "border": 1, "num_format": "0"})
        self.amount = workbook.add_format({**base, "border": 1, "num_format": "General"})
        self.wrap = workbook.add_format({**base, "text_wrap": True, "valign": "top"})
        self.plain = workbook.add_format(base)
        self.wrapped = workbook.add_format({**base, "border": 1, "num_format": "@", "text_wrap": True, "valign": "top"})
        self.caption = workbook.add_format({**base, "bold": True, "border": 1, "bg_color": "#D9E1F2"})
        self.bold = workbook.add_format({**base, "bold": True})
        self.note = workbook.add_format({**base, "font_color": "#404040"})
        self.label = workbook.add_format({**base, "border": 1, "text_wrap": True})
        self.total = workbook.add_format({**base, "border": 1, "num_format": "0", "bold": True, "bg_color": "#EDEDED"})
        self.amount_total = workbook.add_format({**base, "border": 1, "num_format": "General", "bold": True,
                                                 "bg_color": "#EDEDED"})
        self.rate = workbook.add_format({**base, "border": 1, "num_format": "0.0%"})
        self.signed = workbook.add_format({**base, "border": 1, "num_format": "+0;-0;0"})
        self.small = workbook.add_format({**base, "border": 1, "align": "center", "font_color": "#C00000"})


def number_cell(ws, row: int, col: int, value: Any, fmt) -> None:
    ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)


def string_cell(ws, row: int, col: int, text: Any, fmt) -> None:
    """Text from offices or files: always a string, never a formula, even when it starts with = + - @."""
    text = "" if text is None else str(text)
    if text == "":
        ws.write_blank(row, col, None, fmt)
    else:
        write_text(ws, row, col, text, fmt)


def header_rows(ws, styles: Styles, labels: Iterable[str], ids: Iterable[str] | None = None) -> int:
    for col, label in enumerate(labels):
        string_cell(ws, 0, col, label, styles.header)
    if ids is None:
        return 1
    for col, key in enumerate(ids):
        string_cell(ws, 1, col, key, styles.id_header)
    return 2


def display_lines(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` characters wide: a Chinese character takes two."""
    per_line = max(1, int(width) - 1)
    lines = 0
    for part in str(text).split("\n"):
        shown = sum(2 if ord(ch) > 0x2E80 else 1 for ch in part)
        lines += max(1, -(-shown // per_line))
    return lines


PRINTABLE_PX = {False: 698, True: 1026}  # A4 less 0.5-inch side margins, at 96 pixels per inch
MIN_POINTS = 8.0  # no printed text smaller than this
BODY_POINTS = 10.5


def column_px(width: float) -> int:
    """Pixels of a column ``width`` characters wide, as LibreOffice lays it out without Calibri installed (it
    measures in DejaVu Sans: 1,905/100 mm for a width of 7, about 9.5 px a character); Excel (Calibri, 7 px a
    character) shows it narrower, so a page that fits this fits both."""
    return int(width * 9.5 + 6) if width > 0 else 0


def min_scale(points: float = BODY_POINTS) -> int:
    """The smallest print scale (percent) that keeps ``points`` text at ≥ 8 pt."""
    return -(-int(MIN_POINTS * 1000 / points) // 10)


def print_scale(widths: Iterable[float], landscape: bool, points: float = BODY_POINTS) -> int:
    """The print scale (percent, at most 100) that fits ``widths`` on one page width, but never below
    :func:`min_scale`: a wider sheet then prints across several pages at 8 pt rather than shrink further.

    An explicit scale, not 'fit to one page wide': LibreOffice ignores fit-to-width when the height is left
    open (measured on 7.4), and an explicit scale prints the same everywhere."""
    width = sum(column_px(w) for w in widths)
    return max(min(100, PRINTABLE_PX[landscape] * 100 // max(width, 1)), min_scale(points))


class Pages:
    """The same header and footer on every printed sheet: unit, year, coverage, page x / y."""

    def __init__(self, result: MergeResult) -> None:
        unit = (result.unit_name or "汇总").replace("&", "&&")
        self.header_left = f"{unit}{result.year}年度{REPORT_TITLE}汇总"
        self.footer_left = coverage_short(result).replace("&", "&&")

    def setup(self, ws, title: str, widths: list[float], *, landscape: bool, repeat_rows: tuple[int, int] | None = None,
              repeat_cols: tuple[int, int] | None = None, points: float = BODY_POINTS, centre: bool = False) -> None:
        """A4 in the given orientation at :func:`print_scale` of ``widths`` (one page's columns); header and
        footer; the rows and columns repeated on every page."""
        ws.set_paper(9)  # A4
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.set_print_scale(print_scale(widths, landscape, points))
        ws.print_across()  # a wide sheet: page by page along the rows, the repeated columns on each
        ws.set_margins(left=0.5, right=0.5, top=0.55, bottom=0.55)
        options = {"margin": 0.25, "scale_with_doc": False}
        # a space after the size code: "&9001 …" would read as a font size of 9001
        ws.set_header(f"&L&9 {self.header_left}&R&9 {title.replace('&', '&&')}", options)
        ws.set_footer(f"&L&9 {self.footer_left}&R&9 第 &P 页，共 &N 页", options)
        if repeat_rows:
            ws.repeat_rows(*repeat_rows)
        if repeat_cols:
            ws.repeat_columns(*repeat_cols)
        if centre:
            ws.center_horizontally()
