"""Word .docx → :class:`Document`, with python-docx.

The body is read in order: paragraphs become lines, tables become grids. Merges are read from the XML as Word
writes them: ``w:gridSpan`` spans columns, ``w:vMerge`` without ``restart`` continues the cell above (not
repeated), ``w:gridBefore`` skips leading grid columns.
"""

from __future__ import annotations

import io

from ..errors import InputError
from ..ooxml.package import application_named
from .document import Cell, Document, Line

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes) -> Document:
    import docx  # python-docx
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx and lxml raise many types for a broken package or part
        raise InputError(f"Word 文件已损坏或不是 .docx 格式（{error}）。",
                         hint="请用 Word 或 WPS 打开后另存为 .docx 再导入。") from error
    lines: list[Line] = []
    tables = 0
    for element in document.element.body.iterchildren():
        if element.tag == f"{W}p":
            lines.append(Line(text=_paragraph_text(element)))
        elif element.tag == f"{W}tbl":
            tables += 1
            lines.extend(_table_lines(element, tables))
        elif element.tag == f"{W}sdt":  # content controls wrap paragraphs and tables
            for child in element.iter(f"{W}p"):
                lines.append(Line(text=_paragraph_text(child)))
    return Document(kind="docx", lines=lines, reflow=False, application=application_named(data))


def _paragraph_text(p) -> str:
    parts: list[str] = []
    for node in p.iter():
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append(" ")
        elif node.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
    return "".join(parts)


def _table_lines(tbl, table: int) -> list[Line]:
    lines: list[Line] = []
    for tr in tbl.iterchildren(f"{W}tr"):
        col = 0
        tr_pr = tr.find(f"{W}trPr")
        if tr_pr is not None:
            before = tr_pr.find(f"{W}gridBefore")
            if before is not None:
                col = _int(before.get(f"{W}val"), 0)
        cells: list[Cell] = []
        for tc in tr.iterchildren(f"{W}tc"):
            span, continued = 1, False
            tc_pr = tc.find(f"{W}tcPr")
            if tc_pr is not None:
                grid_span = tc_pr.find(f"{W}gridSpan")
                if grid_span is not None:
                    span = max(1, _int(grid_span.get(f"{W}val"), 1))
                v_merge = tc_pr.find(f"{W}vMerge")
                if v_merge is not None and v_merge.get(f"{W}val", "continue") != "restart":
                    continued = True
            if not continued:
                text = " ".join(_paragraph_text(p) for p in tc.iter(f"{W}p"))
                cells.append(Cell(text, col))
            col += span
        if cells:
            lines.append(Line(cells=cells, table=table))
    return lines


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
