"""Import a published annual report (web page text, HTML, Word .docx, PDF) into a :class:`~gongkai_xlsx.report.Report`.

    >>> result = import_report("平潭综合实验区2023年度政府信息公开工作年度报告.html")
    >>> result.report.values["t3_new_total"], result.format_version, [f.code for f in result.findings]

Stages, one module each, data flowing one way: read the file into lines and table rows (:mod:`.document`,
:mod:`.html_reader`, :mod:`.docx_reader`, :mod:`.pdf_reader`) → find the six parts (:mod:`.sections`) → read
tables 二/三/四 by their row labels (:mod:`.stream`, :mod:`.tables`, :mod:`.glued`) → compare the overview's
numbers with the tables (:mod:`gongkai_xlsx.check.narrative`). Values are kept exactly as published, totals included; what could
not be mapped, or was ambiguous, is a finding (codes ``IMPORT_*`` in :mod:`gongkai_xlsx.findings`). A file that
is not a readable report raises :class:`~gongkai_xlsx.errors.InputError` with a Chinese message and hint.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import findings as F
from ..check.narrative import Claim, check_overview, stated_values
from ..errors import InputError
from ..findings import Finding
from ..form import FORM_2021
from ..form.model import TextRole, ValueKind
from ..ooxml.package import MAX_FILE_BYTES, OLE_MAGIC, ZIP_MAGIC, Package, UnreadableFile, classify_ole
from ..report import Origin, Provenance, Report, SourceCell
from .bounds import check_file_size, check_pdf, check_text
from .document import Document, decode_text, linearise, looks_binary, normalise, text_lines
from .rows import Reading
from .sections import HEADING_TEXT, Sections, cut_trailing_junk, identity, paragraphs
from .stream import Stream
from .tables import TableReader

__all__ = ["Claim", "ImportResult", "import_report", "read_document"]

# each text section of the form and the importer's key for its region (the role's word)
TEXT_SECTIONS = tuple((section.id, section.role.value) for section in FORM_2021.texts)
OVERVIEW = FORM_2021.text_id(TextRole.OVERVIEW)


@dataclass
class ImportResult:
    """A published report as read: the :class:`Report`, the format it used, and what was noticed."""

    report: Report
    format_version: str  # "2021" or "2019" (the 2019 trial format, 国办公开办函〔2019〕60号)
    findings: list[Finding] = field(default_factory=list)  # the same list as report.findings
    claims: list[Claim] = field(default_factory=list)  # numbers of 一、总体情况 checked against the tables
    variant: str = ""  # how the file was read, e.g. "pdf-tables" or "pdf-layout"
    seconds: float = 0.0

    @property
    def needs_year(self) -> bool:
        """The source states no year (title and period) and none was given: the year must be given (--year)."""
        return self.report.year is None

    @property
    def kind(self) -> str:
        return self.report.provenance.kind if self.report.provenance else ""


def import_report(path: str | Path, *, year: int | None = None, agency: Any = None) -> ImportResult:
    """Read one published report.

    ``year`` and ``agency`` (a name, or an object with ``name`` and ``code`` such as a roster
    :class:`~gongkai_xlsx.roster.Agency`) override what the title says; a disagreement is a finding.
    """
    started = time.perf_counter()
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"文件过大（{path.stat().st_size // 1024 // 1024} MB），未读取：{path}",
                             hint=f"发布的年度报告通常不超过几 MB；请确认文件无误（上限 {MAX_FILE_BYTES // 1024 // 1024} MB）。",
                             path=str(path))
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise InputError(f"找不到文件：{path}", hint="请检查文件路径。", path=str(path)) from error
    except IsADirectoryError as error:
        raise InputError(f"{path} 是文件夹，不是文件。", hint="请指定一份报告文件。", path=str(path)) from error
    except OSError as error:
        raise InputError(f"无法打开文件 {path}：{error.strerror}", hint="请检查文件权限。", path=str(path)) from error
    best: _Interpretation | None = None
    try:
        for document in read_document(data, path.name):
            interpretation = _interpret(document)
            if best is None or interpretation.score < best.score:
                best = interpretation
            if interpretation.clean:
                break
    except InputError as error:
        error.path = str(path)
        raise
    assert best is not None
    if best.reading.rows_read == 0:
        raise _no_tables(best, path)
    result = _result(best, data, path, year, agency)
    result.seconds = time.perf_counter() - started
    return result


# ------------------------------------------------------------------------------------------ the file
def read_document(data: bytes, name: str = "") -> Iterator[Document]:
    """The file's readings as documents, best first (a PDF is read by its ruled tables, then as layout text)."""
    if not data.strip():
        raise InputError("文件是空的。", hint="请确认下载或保存的文件完整。")
    suffix = Path(name).suffix.lower()
    if data.startswith(b"%PDF"):
        from .pdf_reader import read_pdf

        check_pdf(data)
        return _bounded(read_pdf(data))
    if data.startswith(ZIP_MAGIC):
        try:  # the workbook reader's zip checks: structure, and sizes that give a zip bomb away
            package = Package.open(data, name)
        except UnreadableFile as error:
            if error.reason == "zip_bomb":
                raise InputError(error.message, hint="请重新下载或另存该文件后再导入。") from None
            raise InputError("文件已损坏（看起来是压缩格式，但无法打开）。", hint="请重新下载或保存该文件。") from None
        if package.is_word_document():
            from .docx_reader import read_docx
            return _bounded([read_docx(data)])
        if package.is_workbook():
            raise InputError("这是 Excel 工作簿，不是发布的年度报告。", hint="回收的 Excel 报表请用校验（verify）命令读取。")
        raise InputError("无法识别的压缩文件（不是 Word .docx）。", hint="请提供年度报告的网页、Word（.docx）、PDF 或文本文件。")
    if data.startswith(OLE_MAGIC):
        if classify_ole(data) == "encrypted":
            raise InputError("文件设置了打开密码（已加密），无法读取。", hint="请在 Word 或 WPS 中取消打开密码，另存为 .docx 后再导入。")
        raise InputError("这是旧版 Office 文件（.doc/.xls/.wps），无法直接读取。",
                         hint="请用 Word 或 WPS 打开后另存为 .docx，再导入。")
    if data.startswith(b"{\\rtf"):
        raise InputError("这是 RTF 文件，无法直接读取。", hint="请用 Word 或 WPS 打开后另存为 .docx，再导入。")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("无法识别的文件格式（不是文本、网页、Word 或 PDF）。",
                         hint="请提供年度报告的网页（.html）、Word（.docx）、PDF 或文本（.txt）文件。")
    from .html_reader import looks_like_html, read_html
    if suffix in (".htm", ".html", ".shtml", ".xhtml") or looks_like_html(data[:5000].decode("latin-1")):
        check_file_size(data, "html")
        return _bounded([read_html(data)])
    check_file_size(data, "text")
    text = decode_text(data)
    if looks_binary(text):
        raise InputError("无法识别的文件格式（内容不是可读的文字）。",
                         hint="请提供年度报告的网页（.html）、Word（.docx）、PDF 或文本（.txt）文件。")
    return _bounded([Document(kind="text", lines=text_lines(text), reflow=True)])


def _bounded(documents) -> Iterator[Document]:
    """Each reading, refused before its analysis when its text is longer than any report (see :mod:`.bounds`)."""
    for document in documents:
        check_text(document.lines)
        yield document


# ------------------------------------------------------------------------------------------ reading one document
@dataclass
class _Interpretation:
    document: Document
    sections: Sections
    reading: Reading
    texts: dict[str, str]
    agency: str
    year: int | None
    findings: list[Finding]

    @property
    def score(self) -> tuple[int, int, int]:
        warnings = sum(1 for f in self.findings if f.severity is F.W)
        return (self.reading.errors, self.reading.rows_expected - self.reading.rows_read, warnings)

    @property
    def clean(self) -> bool:
        return self.reading.errors == 0 and self.reading.rows_read >= self.reading.rows_expected


def _interpret(document: Document) -> _Interpretation:
    linear = linearise(document)
    sections = Sections(linear)
    findings: list[Finding] = []
    for found, expected in sections.variants():
        findings.append(F.IMPORT_HEADING_VARIANT(found=found, expected=expected))

    def stream(key: str, numbering: bool = False) -> Stream | None:
        region = sections.region(key)
        return Stream(linear, *region, numbering=numbering) if region else None

    texts: dict[str, str] = {}
    for text_id, key in TEXT_SECTIONS:
        region = sections.region(key)
        if region is None:
            continue
        text = paragraphs(linear.raw[region[0]:region[1]], reflow=document.reflow)
        texts[text_id] = cut_trailing_junk(text) if key == TextRole.OTHER.value else text
    # numbers the overview states for single cells: the only evidence besides the form's sums for a split
    reader = TableReader(stated=stated_values(texts.get(OVERVIEW, "")))
    t2_heading = sections.found.get("t2")
    before = None
    if t2_heading is not None and not t2_heading.fallback:
        overview = sections.found.get("overview")
        before = Stream(linear, overview.end if overview else 0, t2_heading.start)
    reader.table2(stream("t2"), before)
    reader.table3(stream("t3", numbering=True))
    reader.table4(stream("t4"))
    reading = reader.finish()
    agency, year = identity(linear, sections)
    for key in ("overview", "t2", "t3", "t4", "problems", "other"):
        if key not in sections.found:
            findings.append(F.IMPORT_SECTION_MISSING(heading=HEADING_TEXT[key]))
    return _Interpretation(document, sections, reading, texts, agency, year, findings + reading.findings)


def _no_tables(best: _Interpretation, path: Path) -> InputError:
    table_headings = [k for k in ("t2", "t3", "t4") if k in best.sections.found]
    if not table_headings and "overview" not in best.sections.found:
        return InputError("这不像是政府信息公开工作年度报告：没有找到“二、主动公开政府信息情况”“三、收到和处理政府信息公开申请情况”等部分和表格。",
                          hint="请确认文件是年度报告正文（网页、Word、带文字的 PDF 或复制的文本），而不是目录页或其他文章。",
                          path=str(path))
    return InputError("找到了年度报告的正文，但没有读到表格中的数字（表格可能是图片，或网页只保存了文字部分）。",
                      hint="请改用报告的 Word 版或带文字的 PDF，或在浏览器中把网页另存为“网页，全部”后再导入。",
                      path=str(path))


def _result(best: _Interpretation, data: bytes, path: Path, year: int | None, agency: Any) -> ImportResult:
    reading = best.reading
    findings = list(best.findings)
    # a cell the source did not give is unset (None), never a 0 nobody published; an item the form has and the
    # 2019 format lacks is 0 (said by IMPORT_NOT_IN_SOURCE)
    values: dict[str, Any] = {}
    for item in FORM_2021.items:
        default = Decimal(0) if item.kind is ValueKind.AMOUNT else 0
        values[item.id] = reading.values.get(item.id, default if item.id in reading.absent else None)
    sources: dict[str, SourceCell] = dict(reading.sources)
    texts = {text_id: best.texts.get(text_id, "") for text_id, _ in TEXT_SECTIONS}
    for text_id, key in TEXT_SECTIONS:
        if text_id in best.texts:
            sources[text_id] = SourceCell(HEADING_TEXT[key], None, None)
    # identity: what the caller says wins, a disagreement is reported
    agency_name, agency_code = best.agency, ""
    if agency is not None:
        given_name = getattr(agency, "name", agency if isinstance(agency, str) else "")
        agency_code = getattr(agency, "code", "") or ""
        if given_name:
            if best.agency and normalise(best.agency) not in normalise(given_name) \
                    and normalise(given_name) not in normalise(best.agency):
                findings.insert(0, F.IMPORT_AGENCY_DIFFERS(found=best.agency, expected=given_name))
            agency_name = given_name
    elif not best.agency:
        findings.insert(0, F.IMPORT_AGENCY_UNKNOWN())
    report_year = best.year
    if year is not None:
        if best.year is not None and best.year != year:
            findings.insert(0, F.IMPORT_YEAR_DIFFERS(found=best.year, expected=year))
        report_year = year
    elif best.year is None:
        findings.insert(0, F.IMPORT_YEAR_UNKNOWN())
    claims: list[Claim] = []
    if texts[OVERVIEW]:
        claims, mismatches = check_overview(texts[OVERVIEW], values, set(reading.sources))
        findings += mismatches
    provenance = Provenance(path=str(path), sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                            application=best.document.application, kind=best.document.kind)
    report = Report(form=FORM_2021, provenance=provenance, origin=Origin.IMPORTED, year=report_year,
                    agency_name=agency_name, agency_code=agency_code, values=values, sources=sources,
                    texts=texts, findings=findings)
    return ImportResult(report=report, format_version=reading.format_version, findings=findings, claims=claims,
                        variant=best.document.variant or best.document.kind)
