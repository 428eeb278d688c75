"""Bounds on what a published report may cost to read: a small file must not take gigabytes or minutes.

A published annual report is a few tens of thousands of characters. Each format is bounded before the expensive
reading starts, so memory and time stay proportional to what a real report needs:

- text and HTML: the file's size (``MAX_TEXT_BYTES``, ``MAX_HTML_BYTES``); the text read from any format
  (``MAX_TEXT_CHARS``), checked on each reading before it is analysed;
- PDF: the streams are inflated here first, counting and discarding (never holding) the output; page
  content beyond ``MAX_PDF_CONTENT`` or streams beyond ``MAX_PDF_INFLATED`` in all are refused, before
  pdfplumber would inflate and lay out every text object;
- Word (.docx): the zip limits of the workbook reader (part sizes, ratios) and the text bound.
"""

from __future__ import annotations

import re
import zlib

from ..errors import InputError

MAX_TEXT_BYTES = 8 * 1024 * 1024  # a report as .txt: 50–200 KB
MAX_HTML_BYTES = 20 * 1024 * 1024  # a saved page may carry inline styles and pictures
MAX_TEXT_CHARS = 2_000_000  # characters read from any format; reports have 10–60 thousand
MAX_PDF_CONTENT = 24 * 1024 * 1024  # inflated page content (text drawing operators); reports have a few MB
MAX_PDF_INFLATED = 200 * 1024 * 1024  # every inflated stream (embedded fonts included)

_STREAM = re.compile(rb"stream\r?\n")
_FONT_OR_IMAGE = re.compile(rb"/(Length1|Length2|Length3|Subtype\s*/(Image|Type1C|CIDFontType0C|OpenType|Form))\b")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def check_file_size(data: bytes, kind: str) -> None:
    """Refuse a text or HTML file larger than any published report."""
    limit = MAX_HTML_BYTES if kind == "html" else MAX_TEXT_BYTES
    if len(data) > limit:
        raise InputError(f"文件有 {_megabytes(len(data))}，超过{'网页' if kind == 'html' else '文本'}年报的上限 {_megabytes(limit)}，未读取。",
                         hint="已公开的年度报告通常只有几十 KB 的文字；请确认文件是年报本身（不是合并了多份文件或数据的文件）。")


def check_text(lines) -> None:
    """Refuse a reading whose text is longer than any published report (before the analysis, which is
    proportional to it)."""
    total = 0
    for line in lines:
        total += len(line.text) + sum(len(cell.text) for cell in line.cells or ())
        if total > MAX_TEXT_CHARS:
            raise InputError(f"文件中的文字超过 {MAX_TEXT_CHARS:,} 个字符的上限，未读取。",
                             hint="已公开的年度报告通常只有几万字；请确认文件是年报本身（不是合并了多份文件或数据的文件）。")


def check_pdf(data: bytes) -> None:
    """Inflate the PDF's Flate streams in bounded chunks (nothing kept) and refuse one that inflates to more
    page content than any report has."""
    content = everything = 0
    for match in _STREAM.finditer(data):
        start = match.end()
        head = data[max(0, match.start() - 512):match.start()]
        dictionary = head[head.rfind(b"<<"):] if b"<<" in head else head
        if b"FlateDecode" not in dictionary and b"/Fl " not in dictionary and b"/Fl]" not in dictionary:
            continue
        end = data.find(b"endstream", start)
        packed = data[start:end if end != -1 else len(data)]
        inflated = _inflated_size(packed, MAX_PDF_INFLATED - everything + 1)
        everything += inflated
        if not _FONT_OR_IMAGE.search(dictionary):
            content += inflated
        if content > MAX_PDF_CONTENT or everything > MAX_PDF_INFLATED:
            limit = MAX_PDF_CONTENT if content > MAX_PDF_CONTENT else MAX_PDF_INFLATED
            raise InputError(f"PDF 的压缩内容解压后超过 {_megabytes(limit)} 的上限（疑似压缩炸弹或非年报文件），未读取。",
                             hint="请改用该年报的网页版或 Word 版，或重新从发布网站下载 PDF。")


def _inflated_size(packed: bytes, limit: int) -> int:
    """How many bytes ``packed`` inflates to, counting up to ``limit`` in 1 MB steps (memory stays small)."""
    inflater = zlib.decompressobj()
    size = 0
    chunk = packed
    try:
        while chunk and size < limit:
            out = inflater.decompress(chunk, 1024 * 1024)
            size += len(out)
            chunk = inflater.unconsumed_tail
            if not out and not chunk:
                break
    except zlib.error:
        pass  # a damaged stream: pdfplumber says what it can of it
    return size
