"""A :class:`~.content.PublishedDocument` as a Word .docx, with python-docx.

Set as Chinese official documents are (GB/T 9704 conventions): A4, margins 3.7/3.5/2.8/2.6 cm, title in 宋体 (bold,
二号), first-level headings in 黑体 三号, body in 仿宋 三号, tables in 宋体; page numbers centred in the footer
(a PAGE field). East Asian font names are set on ``w:rFonts/@w:eastAsia`` (Word picks the CJK face from there,
not from ``w:ascii``), and the default template's theme fonts are removed so that nothing overrides them.
The bytes are reproducible: fixed core properties and zip timestamps.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell

from .. import __version__
from ..form import REPORT_TITLE
from .content import Grid, PublishedDocument

LATIN_FONT = "Times New Roman"
TITLE_FONT, HEADING_FONT, BODY_FONT, TABLE_FONT = "宋体", "黑体", "仿宋", "宋体"
BODY_SIZE, TABLE_SIZE = Pt(16), Pt(9)  # 三号, 小五
DRAFT_RED = RGBColor(0xC0, 0x00, 0x00)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def render_docx(document: PublishedDocument) -> bytes:
    """The document as .docx bytes (the same document gives the same bytes)."""
    word = Document()
    _page_setup(word)
    _styles(word)
    _properties(word, document)
    _footer(word, document)
    if document.draft:
        banner = word.add_paragraph(style="Draft")
        banner.add_run(f"草稿：{document.draft}")
    word.add_paragraph(document.title, style="ReportTitle")
    for block in document.blocks:
        if block.kind == "heading":
            word.add_paragraph(block.text, style="ReportHeading")
        elif block.kind == "paragraph":
            word.add_paragraph(block.text, style="ReportBody")
        elif block.kind == "note":
            word.add_paragraph(block.text, style="ReportNote")
        elif block.kind == "table":
            _table(word, block.grid)
    buffer = io.BytesIO()
    word.save(buffer)
    return _reproducible_zip(buffer.getvalue())


# ------------------------------------------------------------------------------------------ page and styles
def _page_setup(word) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.5)


def text_width(word) -> int:
    section = word.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def set_fonts(r_pr_owner, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Latin and East Asian font names on an element with rPr (a style or a run)."""
    r_pr = r_pr_owner.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)


def _styles(word) -> None:
    styles = word.styles
    # the default template names theme fonts (minorHAnsi/minorEastAsia, Calibri/MS Mincho) in docDefaults and its
    # built-in styles: a theme font wins over a named one, so they go, and every style falls back to ours
    for fonts in word.styles.element.iter(qn("w:rFonts")):
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)
    defaults = word.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for fonts in defaults.iter(qn("w:rFonts")):
            fonts.set(qn("w:ascii"), LATIN_FONT)
            fonts.set(qn("w:hAnsi"), LATIN_FONT)
            fonts.set(qn("w:eastAsia"), BODY_FONT)
    normal = styles["Normal"]
    set_fonts(normal.element, BODY_FONT)
    normal.font.size = BODY_SIZE
    _language(normal.element)

    def paragraph_style(name: str, font: str, size, *, bold=False, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                        indent: bool = False, before=0, after=0, line=Pt(28)):
        style = styles.add_style(name, 1)  # WD_STYLE_TYPE.PARAGRAPH
        style.base_style = normal
        set_fonts(style.element, font)
        style.font.size = size
        style.font.bold = bold
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        if line is None:
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        else:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = line
        if indent:
            fmt.first_line_indent = Pt(size.pt * 2)  # two characters, as official documents indent
        return style

    paragraph_style("ReportTitle", TITLE_FONT, Pt(22), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=16,
                    line=Pt(36))
    heading = paragraph_style("ReportHeading", HEADING_FONT, BODY_SIZE, indent=True, before=6, after=6)
    heading.paragraph_format.keep_with_next = True
    paragraph_style("ReportBody", BODY_FONT, BODY_SIZE, indent=True)
    paragraph_style("ReportNote", BODY_FONT, Pt(14), indent=True)
    paragraph_style("TableText", TABLE_FONT, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
    paragraph_style("TableLabel", TABLE_FONT, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT, line=None)
    unit = paragraph_style("TableUnit", TABLE_FONT, Pt(10.5), align=WD_ALIGN_PARAGRAPH.RIGHT, line=None, after=2)
    unit.paragraph_format.keep_with_next = True
    draft = paragraph_style("Draft", HEADING_FONT, Pt(14), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    draft.font.color.rgb = DRAFT_RED
    _border(draft.element.get_or_add_pPr(), "FF0000")


def _language(style_element) -> None:
    r_pr = style_element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    r_pr.append(lang)


def _border(p_pr, color: str) -> None:
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "12")
        edge.set(qn("w:space"), "4")
        edge.set(qn("w:color"), color)
        borders.append(edge)
    p_pr.append(borders)


def _properties(word, document: PublishedDocument) -> None:
    """Fixed core properties: the same report gives the same bytes (no "now", no user name)."""
    properties = word.core_properties
    moment = datetime(document.year + 1, 1, 1, tzinfo=timezone.utc)
    properties.title = document.title
    properties.subject = REPORT_TITLE
    properties.author = document.agency
    properties.last_modified_by = f"gongkai-xlsx {__version__}"
    properties.comments = ("草稿（所依据的工作簿未通过校验）" if document.draft else
                           "由通过校验的工作簿生成（gongkai-xlsx publish）")
    properties.keywords = ""
    properties.category = ""
    properties.created = moment
    properties.modified = moment
    properties.last_printed = moment
    properties.revision = 1


def _footer(word, document: PublishedDocument) -> None:
    """Page numbers ("— 1 —") centred in the footer; a draft also says so in the header of every page."""
    section = word.sections[0]
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _footer_run(paragraph, "— ")
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    _footer_run(paragraph)._r.append(begin)
    _footer_run(paragraph)._r.append(instruction)
    _footer_run(paragraph)._r.append(separate)
    _footer_run(paragraph, "1")
    _footer_run(paragraph)._r.append(end)
    _footer_run(paragraph, " —")
    if document.draft:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run("草稿 · 未通过校验，不得发布")
        run.font.size, run.font.bold, run.font.color.rgb = Pt(12), True, DRAFT_RED
        set_fonts(run._r, HEADING_FONT)
        header._p.append(parse_xml(WATERMARK))


# Word's own watermark (设计 → 水印): a VML WordArt shape in the header, behind the text of every page; LibreOffice
# shows it too. Shape type 136 is WordArt's plain text path.
WATERMARK = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word"><w:rPr><w:noProof/></w:rPr><w:pict>'
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    + "".join(f'<v:f eqn="{eqn}"/>' for eqn in (
        "sum #0 0 10800", "prod #0 2 1", "sum 21600 0 @1", "sum 0 0 @2", "sum 21600 0 @3", "if @0 @3 0",
        "if @0 21600 @1", "if @0 0 @2", "if @0 @4 21600", "mid @5 @6", "mid @8 @5", "mid @7 @8", "mid @6 @7",
        "sum @6 0 @5"))
    + '</v:formulas><v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" '
    'o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/>'
    '<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>'
    '<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
    '<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:360pt;height:180pt;rotation:315;z-index:-251657216;'
    'mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;'
    'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#ff9999" stroked="f">'
    '<v:fill opacity=".4"/><v:textpath style="font-family:&quot;黑体&quot;;font-size:1pt" string="草稿"/>'
    '<w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r>'
)


def _footer_run(paragraph, text: str = ""):
    run = paragraph.add_run(text)
    run.font.size = Pt(14)
    set_fonts(run._r, TABLE_FONT)
    return run


# ------------------------------------------------------------------------------------------ tables
def _table(word, grid: Grid) -> None:
    if grid.unit:
        word.add_paragraph(grid.unit, style="TableUnit")
    table = word.add_table(rows=len(grid.rows), cols=grid.columns)
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = text_width(word)
    scale = sum(grid.widths)
    widths = [int(total * w / scale) for w in grid.widths]
    for column, width in zip(table.columns, widths):
        column.width = width
    size = Pt(10.5) if grid.columns <= 4 else None  # 表二 has room for 五号; 表三 and 表四 stay 小五
    # every cell object taken once, before any merge: python-docx's table.cell() walks the whole grid each time
    cells = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
    style_ids = {role: word.styles["TableLabel" if role == "label" else "TableText"].style_id
                 for role in ("label", "head", "caption", "data")}
    occupied: set[tuple[int, int]] = set()
    for r, row in enumerate(grid.rows):
        _cant_split(table.rows[r])
        if r < grid.header_rows:
            _repeat_header(table.rows[r])
        c = 0
        for cell in row:
            while (r, c) in occupied:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    occupied.add((r + dr, c + dc))
            target = cells[r][c]
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(cells[r + cell.rowspan - 1][c + cell.colspan - 1])
            paragraph = target.paragraphs[0]
            paragraph._p.style = style_ids[cell.role]
            # a table (a 表二 block: caption, header and rows) stays on one page where it fits; a caption or a header
            # is never left alone at the foot of a page
            below = r + cell.rowspan
            paragraph.paragraph_format.keep_with_next = below < len(grid.rows) and grid.rows[below][0].role != "caption"
            run = paragraph.add_run(cell.text)
            if size is not None:
                run.font.size = size
            if cell.role in ("head", "caption"):
                run.bold = True
            target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            c += cell.colspan
    for tr in table._tbl.tr_lst:  # Word reads each cell's width (a merged cell spans its columns' widths)
        column = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = sum(widths[column:column + span])
            column += span


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


# ------------------------------------------------------------------------------------------ reproducible bytes
def _reproducible_zip(data: bytes) -> bytes:
    """The same package with fixed member timestamps (python-docx stamps each member with the current time)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
