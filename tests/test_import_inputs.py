"""Realistic published-report inputs for the importer tests, built from the decoded transcriptions.

Nothing binary is committed: a report's publication (title, texts, every cell as published) is rendered as a
government web page (tables with rowspan/colspan, values wrapped in <p>, header words split across elements,
&nbsp; blanks), as a Word .docx (python-docx, merged cells as in the official template), as a PDF (reportlab,
ruled tables, CJK text layer), as a tab-separated copy like the seed, or as a crawl with the cells run together
like the 平潭 pages. All renderers share one grid model of tables 二/三/四 (``grids``), taken from the form.

This module also tests its own renderers, so that a failing importer test is never a broken fixture.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from reports import REPORTS, SEED, decoded_reports, publication_text, published_values  # noqa: F401 (re-exported)

from gongkai_xlsx.form import FORM_2021

T3, T4 = FORM_2021.table3, FORM_2021.table4


# ------------------------------------------------------------------------------------------ publications
@dataclass
class Published:
    agency: str
    year: int
    values: dict
    texts: dict
    other_single: bool = False
    preamble: str = ""
    t2: Grid | None = None  # a table 二 of another format (2019), instead of the current one
    blank: set = field(default_factory=set)  # item ids rendered as an empty cell
    slash: set = field(default_factory=set)  # item ids rendered as the placeholder ``mark``
    mark: str = "/"

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"


AGENCIES = {"01_pingtan_2021.txt": "平潭综合实验区", "03_pingtan_2023.txt": "平潭综合实验区",
            "06_huaian_2024.txt": "淮安市人民政府", "08_hongze_2024.txt": "淮安市洪泽区人民政府"}


def published(name: str, texts: dict) -> Published:
    report = decoded_reports()[name]
    return Published(agency=AGENCIES[name], year=report["year"], values=published_values(report), texts=texts,
                     other_single=report["t3"]["other_1"] is None,
                     preamble=f"本报告所列数据的统计期限自{report['year']}年1月1日起至{report['year']}年12月31日止。")


def seed_sections() -> dict[str, str]:
    """The seed's three text sections, line by line (non-empty lines, stripped)."""
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").split("\n")]
    headings = {"一、总体情况": "text_overview", "二、主动公开政府信息情况": None, "五、存在的主要问题及改进情况": "text_problems",
                "六、其他需要报告的事项": "text_other"}
    out: dict[str, list[str]] = {}
    current = None
    for line in lines:
        if line in headings:
            current = headings[line]
            if current:
                out[current] = []
            continue
        if line.startswith(("三、收到", "四、政府信息公开行政")):
            current = None
        if current and line:
            out[current].append(line)
    return {k: "\n".join(v) for k, v in out.items()}


# ------------------------------------------------------------------------------------------ the grid model
@dataclass
class GCell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    value: bool = False
    header: bool = False


@dataclass
class Grid:
    cols: int
    rows: int
    cells: list[GCell]


def fmt(value) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _value_text(pub: Published, item_id: str) -> str:
    if item_id in pub.blank:
        return ""
    if item_id in pub.slash:
        return pub.mark
    return fmt(pub.values[item_id])


def grid_t2(pub: Published) -> Grid:
    cells, r = [], 0
    for block in FORM_2021.table2.blocks:
        cells.append(GCell(r, 0, block.caption, colspan=4, header=True))
        r += 1
        cells.append(GCell(r, 0, block.headers[0], header=True))
        if len(block.headers) == 2:
            cells.append(GCell(r, 1, block.headers[1], colspan=3, header=True))
        else:
            cells += [GCell(r, 1 + i, h, header=True) for i, h in enumerate(block.headers[1:])]
        r += 1
        for row in block.rows:
            cells.append(GCell(r, 0, row.label))
            if len(row.item_ids) == 1:
                cells.append(GCell(r, 1, _value_text(pub, row.item_ids[0]), colspan=3, value=True))
            else:
                cells += [GCell(r, 1 + i, _value_text(pub, item), value=True) for i, item in enumerate(row.item_ids)]
            r += 1
    return Grid(4, r, cells)


def t3_rows(pub: Published) -> list[tuple[tuple[str, ...], list[str]]]:
    """(label path, 7 value texts) per data row; a single （六） row when the source has one."""
    rows = []
    for row in T3.rows:
        if pub.other_single and row.key in ("other_1", "other_2"):
            continue
        texts = [_value_text(pub, T3.item_id(row.key, c.key)) for c in T3.columns]
        path = row.path
        if pub.other_single and row.key == "other_3":
            path = (row.path[0], "（六）其他处理")
        rows.append((path, texts))
    return rows


def grid_t3(pub: Published) -> Grid:
    cells = [GCell(h.row, h.col, h.text, h.rowspan, h.colspan, header=True) for h in T3.header]
    rows = t3_rows(pub)
    start = T3.header_rows
    for i, (path, texts) in enumerate(rows):
        r = start + i
        for depth, label in enumerate(path):
            last = depth == len(path) - 1
            if i > 0 and len(rows[i - 1][0]) > depth and rows[i - 1][0][depth] == label and not last:
                continue  # covered by the rowspan of the cell above
            run = 1
            if not last:
                while i + run < len(rows) and len(rows[i + run][0]) > depth and rows[i + run][0][depth] == label:
                    run += 1
            colspan = 3 - depth if last else 1
            cells.append(GCell(r, depth, label, rowspan=run, colspan=colspan))
        cells += [GCell(r, 3 + j, text, value=True) for j, text in enumerate(texts)]
    return Grid(10, start + len(rows), cells)


def grid_t4(pub: Published) -> Grid:
    cells = [GCell(h.row, h.col, h.text, h.rowspan, h.colspan, header=True) for h in T4.header]
    ids = [T4.item_id(g.key, c.key) for g in T4.groups for c in T4.columns]
    cells += [GCell(T4.header_rows, j, _value_text(pub, item), value=True) for j, item in enumerate(ids)]
    return Grid(15, T4.header_rows + 1, cells)


HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况", "六、其他需要报告的事项")


def parts(pub: Published):
    """The report in order: ("title"|"para"|"heading", text) and ("table", Grid)."""
    yield "title", pub.title
    if pub.preamble:
        yield "para", pub.preamble
    grids = {1: pub.t2 or grid_t2(pub), 2: grid_t3(pub), 3: grid_t4(pub)}
    texts = {0: "text_overview", 4: "text_problems", 5: "text_other"}
    for index, heading in enumerate(HEADINGS):
        yield "heading", heading
        if index in grids:
            yield "table", grids[index]
        else:
            for paragraph in pub.texts.get(texts[index], "").split("\n"):
                if paragraph:
                    yield "para", paragraph


# ------------------------------------------------------------------------------------------ HTML
_SPLIT_HEADER = {"商业企业": "商业<br/>企业", "社会公益组织": "<span>社会公益</span><span>组织</span>",
                 "法律服务机构": "<p>法律服务</p><p>机构</p>", "尚未审结": "尚未<br>审结"}


def html_cell(cell: GCell) -> str:
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    if cell.value:
        inner = "&nbsp;" if cell.text == "" else f'<p style="text-align:center"><span style="font-family:宋体">{html.escape(cell.text)}</span></p>'
    elif cell.header and cell.text in _SPLIT_HEADER:
        inner = _SPLIT_HEADER[cell.text]
    else:
        inner = f"<p>{html.escape(cell.text)}</p>"
    return f'<td{attrs} valign="center">{inner}</td>'


def html_table(grid: Grid) -> str:
    rows = []
    for r in range(grid.rows):
        cells = sorted((c for c in grid.cells if c.row == r), key=lambda c: c.col)
        rows.append("<tr>" + "".join(html_cell(c) for c in cells) + "</tr>")
    return '<table border="1" cellspacing="0" cellpadding="0" width="600"><tbody>\n' + "\n".join(rows) + "\n</tbody></table>"


def to_html(pub: Published, *, encoding: str = "utf-8") -> bytes:
    body = []
    for kind, item in parts(pub):
        if kind == "title":
            body.append(f'<h1 class="title">{html.escape(item)}</h1><div class="info">发布时间：{pub.year + 1}-01-20 '
                        f'来源：{html.escape(pub.agency)}办公室 【字体：大 中 小】</div>')
        elif kind == "heading":
            body.append(f'<p style="text-indent:2em"><strong><span>{html.escape(item)}</span></strong></p>')
        elif kind == "para":
            body.append(f'<p style="text-indent:2em">{html.escape(item)}</p>')
        else:
            body.append(html_table(item))
    charset = "gb2312" if encoding != "utf-8" else "utf-8"
    page = (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>{html.escape(pub.title)}_{html.escape(pub.agency)}门户网站</title>"
            "<script>var a = '<table><tr><td>1</td></tr></table>';</script><style>td{border:1px solid}</style></head>"
            '<body><div class="top"><a href="/">首页</a> &gt; <a href="#">政务公开</a> &gt; 政府信息公开年报</div>'
            '<table width="100%"><tr><td><div class="article">' + "\n".join(body) +
            '</div></td></tr></table><div class="foot">主办单位：' + html.escape(pub.agency) +
            "办公室 网站标识码：3501280001 【打印本页】【关闭窗口】</div></body></html>")
    return page.encode(encoding)


# ------------------------------------------------------------------------------------------ Word
def to_docx(pub: Published) -> bytes:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(10.5)
    for kind, item in parts(pub):
        if kind == "title":
            document.add_paragraph(pub.agency)
            document.add_paragraph(f"{pub.year}年政府信息公开工作年度报告")
        elif kind in ("heading", "para"):
            paragraph = document.add_paragraph(item)
            paragraph.paragraph_format.first_line_indent = Pt(21)
        else:
            table = document.add_table(rows=item.rows, cols=item.cols)
            table.style = "Table Grid"
            grid = [list(row.cells) for row in table.rows]  # taken once: table.cell() re-reads the whole grid
            for cell in item.cells:  # merged areas never overlap, so each merge leaves the others' cells valid
                target = grid[cell.row][cell.col]
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(grid[cell.row + cell.rowspan - 1][cell.col + cell.colspan - 1])
                target.text = cell.text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------ PDF
def to_pdf(pub: Published, *, ruled: bool = True) -> bytes:
    """A PDF like a WPS export; ``ruled=False`` draws no cell borders, so only the layout text can be read."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=17, firstLineIndent=21, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=24, alignment=1)
    small = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9, wordWrap="CJK", alignment=1)
    left = ParagraphStyle("cellleft", parent=small, alignment=0)
    flow = []
    widths = {4: [135, 120, 120, 120], 10: [36, 62, 145, 36, 36, 36, 36, 36, 36, 36], 15: [33] * 15}
    for kind, item in parts(pub):
        if kind == "title":
            flow += [Paragraph(pub.agency, title), Paragraph(f"{pub.year}年政府信息公开工作年度报告", title), Spacer(1, 12)]
        elif kind in ("heading", "para"):
            flow.append(Paragraph(html.escape(item), body))
        else:
            matrix = [["" for _ in range(item.cols)] for _ in range(item.rows)]
            styles = [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("FONT", (0, 0), (-1, -1), font, 7.5),
                      ("ALIGN", (0, 0), (-1, -1), "CENTER")]
            if ruled:
                styles.append(("GRID", (0, 0), (-1, -1), 0.5, "black"))
            for cell in item.cells:
                style = left if (not cell.value and not cell.header and cell.col == 2) else small
                matrix[cell.row][cell.col] = cell.text if cell.value else Paragraph(html.escape(cell.text), style)
                if cell.rowspan > 1 or cell.colspan > 1:
                    styles.append(("SPAN", (cell.col, cell.row),
                                   (cell.col + cell.colspan - 1, cell.row + cell.rowspan - 1)))
            table = Table(matrix, colWidths=widths[item.cols], repeatRows=0)
            table.setStyle(TableStyle(styles))
            flow += [Spacer(1, 4), table, Spacer(1, 8)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=50, rightMargin=50, topMargin=60, bottomMargin=60,
                      title=pub.title, creator="WPS 文字").build(flow)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------ plain text
def _tab_rows(grid: Grid) -> list[str]:
    """A table copied from Word as text: a cell per column, merged areas become empty cells."""
    lines = []
    for r in range(grid.rows):
        texts = [""] * grid.cols
        for cell in grid.cells:
            if cell.row == r:
                texts[cell.col] = cell.text
        lines.append("\t".join(texts))
    return lines


def to_tab_text(pub: Published, *, lose_tabs: str = "5.要求行政机关确认或重新出具已获取信息") -> str:
    """Like the seed: paragraphs on their own lines, tables as tab-separated rows; one row loses its leading tabs."""
    lines = []
    for kind, item in parts(pub):
        if kind == "table":
            for row in _tab_rows(item):
                lines.append(row.lstrip("\t") if lose_tabs and lose_tabs in row else row)
        else:
            lines += [item, ""]
    return "\n".join(lines) + "\n"


def to_glued_text(pub: Published) -> str:
    """Like the 平潭 crawl: one line, table cells run together without any separator."""
    out = [f"标题: {pub.title}", "==================== 正文 ====================", ""]
    chunks = [pub.preamble]
    for kind, item in parts(pub):
        if kind == "title":
            continue
        if kind == "table":
            chunks.append("".join(c.text for c in sorted(item.cells, key=lambda c: (c.row, c.col))))
        else:
            chunks.append(item)
    out.append("".join(chunks) + " 附件下载")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------ self-tests
def test_grids_have_one_value_cell_per_item():
    pub = Published("示例县民政局", 2025, {item.id: number for number, item in enumerate(FORM_2021.items)}, {})
    values = [c for g in (grid_t2(pub), grid_t3(pub), grid_t4(pub)) for c in g.cells if c.value]
    assert len(values) == len(FORM_2021.items) == 10 + 175 + 15
    assert sorted(int(c.text) for c in values) == list(range(len(FORM_2021.items)))  # each item's value once


def test_grid_cells_do_not_overlap():
    pub = Published("示例县民政局", 2025, {i.id: 0 for i in FORM_2021.items}, {}, other_single=True)
    for grid in (grid_t2(pub), grid_t3(pub), grid_t4(pub)):
        covered: set = set()
        for cell in grid.cells:
            area = {(cell.row + dr, cell.col + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan)}
            assert not area & covered
            covered |= area
        assert covered == {(r, c) for r in range(grid.rows) for c in range(grid.cols)}


def test_seed_sections_are_found():
    sections = seed_sections()
    assert sections["text_overview"].startswith("2025 年，娲城街道")
    assert sections["text_problems"].startswith("存在的主要问题：")
    assert sections["text_other"].endswith("本年度没有产生信息公开处理费。")


def test_tab_text_loses_the_leading_tabs_of_one_row():
    pub = Published("示例县民政局", 2025, {i.id: 0 for i in FORM_2021.items}, {})
    lines = to_tab_text(pub).split("\n")
    assert any(line.startswith("5.要求行政机关确认或重新出具已获取信息\t") for line in lines)


def test_html_splits_header_words_and_wraps_values():
    pub = Published("示例县民政局", 2025, {i.id: 7 for i in FORM_2021.items}, {}, blank={"t3_new_natural"})
    page = to_html(pub).decode()
    assert "商业<br/>企业" in page and "<span>社会公益</span><span>组织</span>" in page
    assert '<span style="font-family:宋体">7</span>' in page and "&nbsp;" in page
    assert re.search(r'<td rowspan="22"[^>]*><p>三、本年度办理结果</p></td>', page)


def write(tmp: Path, name: str, data: bytes | str) -> Path:
    path = tmp / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path
