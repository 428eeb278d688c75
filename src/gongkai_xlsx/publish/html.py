"""A :class:`~.content.PublishedDocument` as one self-contained HTML page, built with lxml.

What a 政府网站 CMS can take as it is: inline CSS only (no scripts, no external fonts, images or style sheets),
semantic tables (``<thead>``, ``<th scope>``, ``rowspan``/``colspan`` exactly as the national layout merges),
readable on a phone (tables scroll sideways inside their own box). Office text goes in as text nodes, so lxml
escapes it: a ``<script>`` typed into 总体情况 is shown, never run. The same document gives the same bytes.
"""

from __future__ import annotations

import lxml.html
from lxml.html import builder as E

from .. import __version__
from .content import Grid, PublishedDocument

CSS = """
body{margin:0;background:#fff;color:#222;font-family:"FangSong","仿宋","STFangsong","Noto Serif CJK SC",
"Source Han Serif SC",serif;font-size:16px;line-height:1.9}
main{max-width:52em;margin:0 auto;padding:1.5em 1em 3em}
h1{font-family:"SimSun","宋体","Songti SC","Noto Serif CJK SC",serif;font-size:1.6em;text-align:center;
line-height:1.5;margin:.5em 0 1em}
h2{font-family:"SimHei","黑体","Heiti SC","Noto Sans CJK SC",sans-serif;font-size:1.1em;font-weight:bold;
margin:1.4em 0 .6em}
p{margin:.3em 0;text-indent:2em;text-align:justify}
p.note{color:#555;font-size:.95em}
p.unit{text-indent:0;text-align:right;font-size:.85em;margin:.2em 0}
.table{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.4em 0 1em}
table{width:100%;border-collapse:collapse;margin:0 auto;font-family:"SimSun","宋体","Songti SC","Noto Serif CJK SC",serif;
font-size:13px;line-height:1.4}
th,td{border:1px solid #333;padding:.3em .4em;vertical-align:middle}
th{font-weight:bold;text-align:center;background:#f4f4f4}
th.label{font-weight:normal;text-align:left;background:#fff}
td{text-align:center;white-space:nowrap;font-variant-numeric:tabular-nums}
.t3 th.label{min-width:4em}
.t3 thead th,.t4 th{min-width:2.4em}
h2,p.unit{break-after:avoid;page-break-after:avoid}
tr{break-inside:avoid;page-break-inside:avoid}
.draft-banner{text-indent:0;text-align:center;color:#b00;border:2px solid #d00;padding:.5em;font-weight:bold;
font-family:"SimHei","黑体",sans-serif}
body.draft::before{content:"草稿";position:fixed;top:40%;left:0;right:0;text-align:center;font-size:9em;
color:rgba(200,0,0,.12);transform:rotate(-30deg);pointer-events:none;z-index:10}
footer{margin-top:2em;color:#777;font-size:.8em;text-align:center}
@media (max-width:600px){body{font-size:15px}main{padding:1em .6em 2em}h1{font-size:1.35em}table{font-size:12px}}
@media print{.table{overflow:visible}body.draft::before{position:absolute}}
""".strip()


def render_html(document: PublishedDocument) -> bytes:
    """The document as UTF-8 HTML bytes."""
    body_children = []
    if document.draft:
        body_children.append(E.P(E.CLASS("draft-banner"), f"草稿：{document.draft}", role="alert"))
    body_children.append(E.H1(document.title))
    table_number = 0
    for block in document.blocks:
        if block.kind == "heading":
            body_children.append(E.H2(block.text))
        elif block.kind == "paragraph":
            body_children.append(E.P(block.text))
        elif block.kind == "note":
            body_children.append(E.P(E.CLASS("note"), block.text))
        elif block.kind == "table":
            table_number += 1
            if block.grid.unit:
                body_children.append(E.P(E.CLASS("unit"), block.grid.unit))
            body_children.append(E.DIV(E.CLASS(f"table t{table_number + 1}"), _table(block.grid)))
    page = E.HTML(
        E.HEAD(
            E.META(charset="utf-8"),
            E.META(name="viewport", content="width=device-width, initial-scale=1"),
            E.META(name="generator", content=f"gongkai-xlsx {__version__}"),
            E.TITLE(document.title),
            E.STYLE(CSS),
        ),
        E.BODY(E.MAIN(E.ARTICLE(*body_children)), **({"class": "draft"} if document.draft else {})),
        lang="zh-CN",
    )
    return lxml.html.tostring(page, doctype="<!DOCTYPE html>", encoding="utf-8", pretty_print=True,
                              method="html")


def _table(grid: Grid):
    head, body = [], []
    for index, row in enumerate(grid.rows):
        cells = []
        for cell in row:
            attributes = {}
            if cell.rowspan > 1:
                attributes["rowspan"] = str(cell.rowspan)
            if cell.colspan > 1:
                attributes["colspan"] = str(cell.colspan)
            if cell.role == "data":
                if cell.item:
                    attributes["data-item"] = cell.item
                cells.append(E.TD(cell.text, **attributes))
            elif cell.role == "label":
                cells.append(E.TH(cell.text, E.CLASS("label"), scope="row", **attributes))
            else:
                scope = "colgroup" if cell.colspan > 1 else "col"
                cells.append(E.TH(cell.text, scope=scope, **attributes))
        (head if index < grid.header_rows else body).append(E.TR(*cells))
    parts = ([E.THEAD(*head)] if head else []) + [E.TBODY(*body)]
    # border="1" as well as the CSS: a CMS editor that strips <style> (many do) still shows a ruled table
    return E.TABLE(*parts, border="1")
