"""The published report as a format-neutral document: title, opening paragraph, the six parts, the tables.

Everything the .docx and .html writers put on the page comes from here, and every label, table shape, merged
header and item id comes from the form definition (:mod:`gongkai_xlsx.form`): the writers only decide how a
heading, a paragraph or a grid cell looks. Tables are grids of :class:`GridCell` with their row and column
spans exactly as the national Word template merges them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..form import Form, MetaRole, TextRole
from ..form.model import Item, ValueKind
from ..report import Report

# The legal basis every report cites in its opening paragraph (the 条例 itself; the format notice is form.basis).
STATUTE = "《中华人民共和国政府信息公开条例》"
FORMAT_NAME = "《中华人民共和国政府信息公开工作年度报告格式》"
UNIT_COUNT = "单位：件"


@dataclass(frozen=True)
class GridCell:
    """One cell of a published table: its text and merge span; ``role`` says how it is drawn."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    role: str = "data"  # "head" (column header) | "caption" (a 表二 block caption) | "label" (row label) | "data"
    item: str | None = None  # the stable id of a value cell


@dataclass(frozen=True)
class Grid:
    """A table as rows of cells; a cell covered by another's span is simply absent (as in HTML)."""

    columns: int
    header_rows: int  # leading rows that are column headers (repeated on each page, <thead> in HTML)
    rows: tuple[tuple[GridCell, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    unit: str = ""  # e.g. "单位：件", printed above the table

    def items(self) -> list[str]:
        return [cell.item for row in self.rows for cell in row if cell.item]


@dataclass(frozen=True)
class Block:
    """One element of the body, in reading order."""

    kind: str  # "heading" | "paragraph" | "note" | "table"
    text: str = ""
    grid: Grid | None = None


@dataclass
class PublishedDocument:
    """A report ready to be written as .docx or .html."""

    title: str
    agency: str
    year: int
    blocks: list[Block] = field(default_factory=list)
    draft: str | None = None  # why this is a draft (a workbook with errors), shown as a banner and watermark
    consolidated: bool = False


# ------------------------------------------------------------------------------------------ values
def format_value(item: Item, value) -> str:
    """A value as it is published: whole numbers plain, amounts with the decimals they have (no exponent)."""
    if value is None:
        value = 0
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if item.kind is ValueKind.COUNT and value == value.to_integral_value():
            return str(int(value))
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text or "0"
    return str(value)


# ------------------------------------------------------------------------------------------ tables
def table2_grid(form: Form, values: dict) -> Grid:
    """表二: one 4-column table, each block a full-width caption row, a header row and its item rows."""
    t2 = form.table2
    width = t2.grid_columns
    rows: list[tuple[GridCell, ...]] = []
    for block in t2.blocks:
        rows.append((GridCell(block.caption, colspan=width, role="caption"),))
        header = [GridCell(block.headers[0], role="head")]
        value_headers = block.headers[1:]
        span = (width - 1) // len(value_headers)
        header += [GridCell(text, colspan=span, role="head") for text in value_headers]
        rows.append(tuple(header))
        for row in block.rows:
            cells = [GridCell(row.label, role="label")]
            span = (width - 1) // len(row.item_ids)
            cells += [GridCell(format_value(form.item(i), values.get(i)), colspan=span, item=i) for i in row.item_ids]
            rows.append(tuple(cells))
    return Grid(width, 0, tuple(rows), (2.2,) + (1.0,) * (width - 1))


def _header_rows(cells, rows: int) -> list[tuple[GridCell, ...]]:
    grid: list[list[GridCell]] = [[] for _ in range(rows)]
    for cell in sorted(cells, key=lambda c: (c.row, c.col)):
        grid[cell.row].append(GridCell(cell.text, cell.rowspan, cell.colspan, role="head"))
    return [tuple(row) for row in grid]


def table3_grid(form: Form, values: dict) -> Grid:
    """表三: the 3-row merged header, then each row's label path merged as in the Word template (a path element
    shared by consecutive rows spans them; the last element spans the remaining label columns)."""
    t3 = form.table3
    label_columns = t3.label_columns
    rows = _header_rows(t3.header, t3.header_rows)
    paths = [row.path for row in t3.rows]
    for index, row in enumerate(t3.rows):
        cells: list[GridCell] = []
        for depth, text in enumerate(row.path):
            prefix = row.path[:depth + 1]
            if index and paths[index - 1][:depth + 1] == prefix:
                continue  # covered by the span of the row above
            last = depth == len(row.path) - 1
            span = 1
            if not last:
                while index + span < len(paths) and paths[index + span][:depth + 1] == prefix:
                    span += 1
            cells.append(GridCell(text, rowspan=span, colspan=label_columns - depth if last else 1, role="label"))
        for column in t3.columns:
            item_id = t3.item_id(row.key, column.key)
            cells.append(GridCell(format_value(form.item(item_id), values.get(item_id)), item=item_id))
        rows.append(tuple(cells))
    data_columns = len(t3.columns)
    return Grid(label_columns + data_columns, t3.header_rows, tuple(rows),
                (1.0, 1.6, 4.4) + (1.0,) * data_columns, unit=UNIT_COUNT)


def table4_grid(form: Form, values: dict) -> Grid:
    """表四: the 3-row merged header (行政复议 | 行政诉讼 未经复议直接起诉 / 复议后起诉), then one row of values."""
    t4 = form.table4
    rows = _header_rows(t4.header, t4.header_rows)
    data = []
    for group in t4.groups:
        for column in t4.columns:
            item_id = t4.item_id(group.key, column.key)
            data.append(GridCell(format_value(form.item(item_id), values.get(item_id)), item=item_id))
    rows.append(tuple(data))
    columns = len(t4.groups) * len(t4.columns)
    return Grid(columns, t4.header_rows, tuple(rows), (1.0,) * columns, unit=UNIT_COUNT)


# ------------------------------------------------------------------------------------------ text
# characters XML 1.0 cannot hold (a cell's _x000B_ escape, text pasted from Word): Word and HTML writers refuse them
_NOT_XML = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")  # Word's manual line break is \x0b


def printable(text: str) -> str:
    """Text as it can be written into .docx and .html: line breaks made \\n, characters XML forbids removed."""
    return _NOT_XML.sub("", _BREAKS.sub("\n", text or ""))


def paragraphs(text: str) -> list[str]:
    """An office's text as paragraphs: one per non-blank line, surrounding spaces removed."""
    return [line.strip() for line in printable(text).split("\n") if line.strip()]


def report_title(form: Form, agency: str, year: int) -> str:
    return f"{agency}{year}年{form.title}"


def opening_paragraph(form: Form, report: Report) -> str:
    """The standard opening: who wrote it under which rules, the statistical period, whom to ask."""
    agency, year = report.agency_name, report.year
    text = (f"本报告由{agency}根据{STATUTE}（以下简称《条例》）和{FORMAT_NAME}（{form.basis}）要求编制。"
            f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")
    details = "，".join(f"{form.meta_field(role).label}：{report.meta_text(role)}"
                       for role in (MetaRole.CONTACT, MetaRole.PHONE) if report.meta_text(role))
    return text + f"如对本报告有疑问，请与{agency}联系" + (f"（{details}）" if details else "") + "。"


def agency_document(report: Report, *, draft: str | None = None, overview_draft: str | None = None
                    ) -> PublishedDocument:
    """One agency's report: title, opening, 一 to 六 with the office's texts, 二/三/四 as tables."""
    form = report.form
    document = PublishedDocument(report_title(form, report.agency_name, report.year), report.agency_name,
                                 report.year, draft=draft)
    document.blocks.append(Block("paragraph", opening_paragraph(form, report)))
    texts = {section.heading: section.id for section in form.texts}
    tables = _tables(form, report.values)
    for heading in form.section_headings:
        document.blocks.append(Block("heading", heading))
        if heading in tables:
            document.blocks.append(Block("table", grid=tables[heading]))
            continue
        if heading == form.text(form.text_id(TextRole.OVERVIEW)).heading and overview_draft:
            document.blocks.append(Block("paragraph", overview_draft))
        for paragraph in paragraphs(report.texts.get(texts[heading], "")):
            document.blocks.append(Block("paragraph", paragraph))
    return _printable(document)


def _printable(document: PublishedDocument) -> PublishedDocument:
    """Every text of the document (names and contact details too) free of characters XML forbids."""
    document.title, document.agency = printable(document.title), printable(document.agency)
    document.blocks = [Block(b.kind, printable(b.text).replace("\n", " ") if b.text else b.text, b.grid)
                       for b in document.blocks]
    return document


def _tables(form: Form, values: dict) -> dict[str, Grid]:
    return {form.table2.heading: table2_grid(form, values), form.table3.heading: table3_grid(form, values),
            form.table4.heading: table4_grid(form, values)}


@dataclass
class Coverage:
    """Which agencies a consolidated workbook counts, out of its roster."""

    counted: list[str]  # names of the counted members
    roster: int  # agencies on the roster (0: the workbook was made without one)
    not_counted: list[tuple[str, str]]  # (name, status) of roster agencies not counted
    units: int = 0  # agencies the counted members stand for (a county's consolidation counts its members)


@dataclass
class Indicator:
    name: str  # the defined name, e.g. ind_open_rate
    label: str
    value: str


def consolidated_document(report: Report, coverage: Coverage, indicators: list[Indicator], *,
                          draft: str | None = None, overview_draft: str | None = None) -> PublishedDocument:
    """The 汇总 report of a consolidated workbook: coverage, the three tables over all counted agencies, the
    指标 when the workbook has them; the text parts are headings with a note (the county writes them)."""
    form = report.form
    unit = report.agency_name
    document = PublishedDocument(report_title(form, unit, report.year), unit, report.year, draft=draft,
                                 consolidated=True)
    year = report.year
    document.blocks.append(Block("paragraph", (
        f"本报告根据{STATUTE}（以下简称《条例》）和{FORMAT_NAME}（{form.basis}）要求，汇总{unit}所属单位的"
        f"政府信息公开工作年度报告编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")))
    document.blocks.append(Block("paragraph", coverage_statement(coverage)))
    if indicators:
        document.blocks.append(Block("paragraph", "主要指标（取自汇总工作簿“指标”工作表）：" + "；".join(
            f"{indicator.label} {indicator.value}" for indicator in indicators) + "。"))
    tables = _tables(form, report.values)
    for heading in form.section_headings:
        document.blocks.append(Block("heading", heading))
        if heading in tables:
            document.blocks.append(Block("table", grid=tables[heading]))
        else:
            document.blocks.append(Block("note", TEXT_NOTE))
            if heading == form.text(form.text_id(TextRole.OVERVIEW)).heading and overview_draft:
                document.blocks.append(Block("paragraph", overview_draft))
    return _printable(document)


TEXT_NOTE = "（本部分由汇总单位撰写；各单位报送的文字见汇总工作簿“文字”工作表。）"


def coverage_statement(coverage: Coverage) -> str:
    counted = len(coverage.counted)
    units = f"（代表 {coverage.units} 个单位）" if coverage.units and coverage.units != counted else ""
    if not coverage.roster:
        return f"本报告的数据汇总了 {counted} 个报送单位{units}的年度报告（汇总时未使用名册）。"
    text = f"本报告的数据汇总了名册 {coverage.roster} 个单位中 {counted} 个单位{units}的年度报告"
    if not coverage.not_counted:
        return text + "，名册中的单位全部计入。"
    by_status: dict[str, list[str]] = {}
    for name, status in coverage.not_counted:
        by_status.setdefault(status, []).append(name)
    listed = "；".join(f"{status}：{'、'.join(names)}" for status, names in by_status.items())
    return text + f"。未计入的 {len(coverage.not_counted)} 个单位——{listed}。"
