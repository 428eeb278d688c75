"""HTML (a saved web page or a crawl of one) → :class:`Document`, with lxml.

Data tables (``<table>`` without a nested table) become grids: rowspan/colspan are resolved to grid columns, a
cell covered by a span is not repeated, a cell's text is joined across its ``<p>``/``<span>``/``<br>`` pieces
(header words split across elements come back together), ``&nbsp;`` is blank. Layout tables (tables that hold
other tables) are walked through like any container. Everything else becomes lines of text in reading order.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from ..errors import InputError
from .document import Cell, Document, Line, decode_text

SKIP = {"script", "style", "noscript", "template", "head", "iframe", "object", "svg", "select", "button", "input",
        "textarea"}
BLOCK = {"p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "h1", "h2", "h3", "h4", "h5",
         "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "center", "form", "fieldset", "address",
         "hr", "caption", "figure", "figcaption"}
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
MAX_SPAN = 200


def looks_like_html(text: str) -> bool:
    head = text[:5000].lower()
    return bool(re.search(r"<\s*(?:!doctype\s+html|html|body|table|tr|td|p|div|br)\b", head))


def read_html(data: bytes) -> Document:
    match = CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii").lower() if match else None
    if declared in ("gb2312", "gbk", "gb_2312-80", "x-gbk"):
        declared = "gb18030"
    text = decode_text(data, declared)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = lxml.html.document_fromstring(text) if text.strip() else None
    except (etree.ParserError, ValueError) as error:
        raise InputError(f"网页无法解析：{error}", hint="请在浏览器中打开该网页，另存为“网页，仅 HTML”后再导入。") from error
    if root is None:
        raise InputError("网页是空的。", hint="请确认保存的是年度报告正文所在的网页。")
    walker = _Walker()
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        walker.lines.append(Line(text=_collapse(title.text_content())))
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    generator = root.xpath("//meta[@name='generator']/@content")
    return Document(kind="html", lines=walker.lines, reflow=False,
                    application=str(generator[0]) if generator else None)


def _collapse(text: str) -> str:
    return re.sub(r"[ \t\r\n\f\v\xa0\u3000]+", " ", text).strip()


class _Walker:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.buffer: list[str] = []
        self.tables = 0

    def flush(self) -> None:
        text = _collapse("".join(self.buffer))
        self.buffer = []
        if text:
            self.lines.append(Line(text=text))

    def walk(self, element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if tag in SKIP:
            return
        if tag == "table" and not element.xpath(".//table"):
            self.flush()
            self.table(element)
        elif tag == "br":
            self.flush()
        elif tag in BLOCK or tag in ("table", "tr", "td", "th", "tbody", "thead", "tfoot", "body", "html"):
            self.flush()
            self.walk_content(element)
            self.flush()
        else:
            self.walk_content(element)

    def walk_content(self, element) -> None:
        """An element's own text, its children, and the text after each child."""
        if element.text:
            self.buffer.append(element.text)
        for child in element:
            self.walk(child)
            if child.tail:
                self.buffer.append(child.tail)

    def table(self, table) -> None:
        self.tables += 1
        rows = [tr for tr in table.iter("tr")]
        occupied: dict[tuple[int, int], bool] = {}
        for r, tr in enumerate(rows):
            cells: list[Cell] = []
            col = 0
            for td in tr:
                if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                    continue
                while occupied.get((r, col)):
                    col += 1
                rowspan = _span(td.get("rowspan"))
                colspan = _span(td.get("colspan"))
                cells.append(Cell(_cell_text(td), col))
                for dr in range(rowspan):
                    for dc in range(colspan):
                        occupied[(r + dr, col + dc)] = True
                col += colspan
            if cells:
                self.lines.append(Line(cells=cells, table=self.tables))


def _span(value: str | None) -> int:
    try:
        return max(1, min(MAX_SPAN, int(str(value).strip())))
    except (TypeError, ValueError):
        return 1


def _cell_text(td) -> str:
    """A cell's text: its pieces joined; block elements and <br> become spaces (labels are compared without them)."""
    parts: list[str] = []

    def visit(element) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in SKIP:
            return
        if tag == "br" or tag in BLOCK:
            parts.append(" ")
        if element.text:
            parts.append(element.text)
        for child in element:
            visit(child)
            if child.tail:
                parts.append(child.tail)
        if tag in BLOCK:
            parts.append(" ")

    visit(td)
    return _collapse("".join(parts))
