"""PDF with a text layer → :class:`Document`, with pdfplumber.

Two readings of the same file, tried in this order by the importer:

- ``pdf-tables``: ruled tables found by pdfplumber become grids (a merged cell is not repeated, an empty cell is
  blank); the text above, between and below them is read as layout text.
- ``pdf-layout``: every page as layout text (what ``pdftotext -layout`` gives), for PDFs whose tables have no
  ruling lines or that pdfplumber splits badly. The text readers handle that layout.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from ..errors import InputError
from .document import Cell, Document, Line, text_lines


def read_pdf(data: bytes) -> Iterator[Document]:
    """The PDF's readings, best first; the layout reading is only computed when it is asked for."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = list(pdf.pages)
    except Exception as error:  # pdfminer raises many unrelated types for broken or encrypted files
        name = type(error).__name__
        if "Password" in name or "Encrypt" in name:
            raise InputError("PDF 文件有密码保护，无法读取。", hint="请提供未加密的 PDF，或网页版、Word 版报告。") from error
        raise InputError(f"PDF 文件已损坏，无法读取（{name}）。", hint="请重新下载该 PDF，或提供网页版、Word 版报告。") from error
    with pdf:
        try:
            if not any(page.chars for page in pages):
                raise InputError("PDF 没有文字层（可能是扫描件或图片），无法读取其中的文字和数字。",
                                 hint="请提供带文字的 PDF（能选中复制文字的），或网页版、Word 版报告。")
            metadata = pdf.metadata or {}
            application = " / ".join(str(metadata[k]) for k in ("Creator", "Producer")
                                     if metadata.get(k) and "unspecified" not in str(metadata[k])) or None
            tables = _tables_reading(pages)
        except InputError:
            raise
        except Exception as error:
            raise InputError(f"PDF 文件无法解析（{type(error).__name__}: {error}）。",
                             hint="请重新下载该 PDF，或提供网页版、Word 版报告。") from error
        if tables is not None:
            yield Document(kind="pdf", lines=tables, reflow=True, application=application, variant="pdf-tables")
        try:
            layout = [line for page in pages for line in text_lines(page.extract_text(layout=True) or "")]
        except Exception as error:
            raise InputError(f"PDF 文件无法解析（{type(error).__name__}: {error}）。",
                             hint="请重新下载该 PDF，或提供网页版、Word 版报告。") from error
        yield Document(kind="pdf", lines=layout, reflow=True, application=application, variant="pdf-layout")


def _tables_reading(pages) -> list[Line] | None:
    """Ruled tables as grids and the text around them as layout text; None when no page has a table."""
    lines: list[Line] = []
    table_id = 0
    for page in pages:
        found = sorted(page.find_tables(), key=lambda t: t.bbox[1])
        top = 0.0
        for table in found:
            x0, y0, x1, y1 = table.bbox
            if y0 > top:
                lines.extend(_band_text(page, top, y0))
            table_id += 1
            for row in table.extract():
                cells = [Cell(text or "", col) for col, text in enumerate(row) if text is not None]
                if cells:
                    lines.append(Line(cells=cells, table=table_id))
            top = max(top, y1)
        if top < page.height:
            lines.extend(_band_text(page, top, page.height))
    return lines if table_id else None


def _band_text(page, top: float, bottom: float) -> list[Line]:
    top, bottom = max(0.0, top), min(float(page.height), bottom)
    if bottom - top < 1:
        return []
    band = page.crop((0, top, float(page.width), bottom), strict=False)
    # a table's cell text must not leak into the band: keep only characters wholly inside it
    band = band.filter(lambda obj: obj.get("object_type") != "char" or (obj["top"] >= top - 0.5 and obj["bottom"] <= bottom + 0.5))
    return text_lines(band.extract_text(layout=True) or "")
