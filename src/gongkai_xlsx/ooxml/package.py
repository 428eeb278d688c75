"""Safe, fast access to the parts of an OOXML workbook (zip + XML), for files that nobody vouches for.

The returned workbook may be anything: truncated, a zip bomb, an XML entity attack, encrypted, a legacy
.xls or WPS .et, a PDF renamed to .xlsx. :func:`sniff` tells them apart by their bytes; :class:`Package`
reads a zip with limits on sizes and ratios and parses every XML part with defusedxml, so each of those
ends in an :class:`UnreadableFile` with a clear reason instead of a traceback, a hang or a blown memory.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from posixpath import dirname, join, normpath

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from lxml import etree as LxmlTree

from ..errors import InputError

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PART_BYTES = 40 * 1024 * 1024
MAX_TOTAL_BYTES = 120 * 1024 * 1024
MAX_ENTRIES = 5000
CELL_LIMIT = 32_767  # characters in one Excel cell
MAX_RATIO = 200  # uncompressed : compressed, for parts over 1 MiB (ordinary XML compresses 10–30 ×)

# for the large parts, after the DTD guard: no entity resolution, no network, no DTD loading, size limits on
_BULK_PARSER = LxmlTree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                  remove_comments=True, remove_pis=True, collect_ids=False)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class UnreadableFile(InputError):
    """A file that cannot be read as a workbook; ``reason`` is a stable code."""

    def __init__(self, reason: str, message: str, hint: str, *, path: str | None = None,
                 message_en: str = "", hint_en: str = "") -> None:
        super().__init__(message, hint=hint, path=path)
        self.reason = reason
        self.message_en = message_en or message
        self.hint_en = hint_en or hint


RESAVE = "请在 Excel 或 WPS 中打开后“另存为”Excel 工作簿（*.xlsx）再报送。"
RESAVE_EN = "Open it in Excel or WPS and save it as an Excel workbook (.xlsx)."


def sniff(head: bytes, size: int) -> str:
    """What a file is, by its first bytes: "zip", "ole", "pdf", "html", "empty" or "unknown"."""
    if size == 0:
        return "empty"
    if head.startswith(ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")):
        return "html"
    return "unknown"


def classify_ole(data: bytes) -> str:
    """An OLE compound file is an encrypted OOXML package, a legacy .xls / WPS .et workbook, or a Word file."""
    def utf16(name: str) -> bytes:
        return name.encode("utf-16-le")

    if utf16("EncryptionInfo") in data or utf16("EncryptedPackage") in data:
        return "encrypted"
    if utf16("WordDocument") in data:
        return "doc"
    if utf16("Workbook") in data or utf16("Book") in data:
        return "xls"
    return "ole"


WORKBOOK_PART = "xl/workbook.xml"  # what makes a package a spreadsheet (.xlsx, and WPS's and LibreOffice's too)
DOCUMENT_PART = "word/document.xml"  # what makes it a Word document (.docx)


def is_office_document(data: bytes) -> bool:
    """Whether a zip's bytes are an Office Open XML package (it has ``[Content_Types].xml``): an .xlsx or .docx
    is a zip too, and a file named .zip that holds a workbook is still a workbook, not an archive to unpack."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def application_named(data: bytes) -> str | None:
    """The application an Office package's bytes name in ``docProps/app.xml`` (its ``<Application>`` as written,
    without the version), or None."""
    try:
        app = zipfile.ZipFile(io.BytesIO(data)).read("docProps/app.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile):
        return None
    start, end = app.find("<Application>"), app.find("</Application>")
    return app[start + len("<Application>"):end] if start >= 0 and end > start else None


def zip_holds_workbook(path) -> bool | None:
    """Whether the file at ``path`` is a zip that holds a workbook (True) or a zip that holds none, such as a
    .docx or an archive (False); None when it is no zip that opens. Only the zip's index is read."""
    try:
        with zipfile.ZipFile(path) as archive:
            return WORKBOOK_PART in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def refuse(kind: str, path: str) -> UnreadableFile:
    """The clear message for each kind of file we cannot read."""
    messages = {
        "empty": ("empty", "文件是空的（0 字节）。", "请让报送单位重新发送附件。", "The file is empty.", "Ask for it again."),
        "encrypted": ("encrypted", "文件设置了打开密码（已加密），无法读取。", "请让报送单位取消打开密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后重新报送。",
                      "The file is password-encrypted.", "Ask the office to remove the open password and resend."),
        "xls": ("legacy_xls", "文件是旧版 Excel 97-2003（.xls）或 WPS 表格（.et）格式，本工具不读取这种格式。", RESAVE,
                "The file is a legacy .xls (Excel 97-2003) or WPS .et workbook.", RESAVE_EN),
        "doc": ("not_a_workbook", "文件是 Word 文档，不是 Excel 工作簿。", "请报送填写好的 Excel 模板（.xlsx）。",
                "The file is a Word document, not a workbook.", "Send the filled Excel template."),
        "pdf": ("not_a_workbook", "文件是 PDF，不是 Excel 工作簿。", "请报送填写好的 Excel 模板（.xlsx）；已公开的年报可用 import-report 导入。",
                "The file is a PDF, not a workbook.", "Send the filled Excel template."),
        "html": ("not_a_workbook", "文件是网页或 XML 文本，不是 Excel 工作簿。", RESAVE,
                 "The file is HTML/XML text, not a workbook.", RESAVE_EN),
        "ole": ("not_a_workbook", "文件是无法识别的 Office 复合文档。", RESAVE, "Unrecognised OLE file.", RESAVE_EN),
        "unknown": ("not_a_workbook", "文件不是 Excel 工作簿（无法识别其格式）。", "请确认附件是填写好的 Excel 模板（.xlsx）。",
                    "The file is not a workbook.", "Send the filled Excel template (.xlsx)."),
        "zip_not_workbook": ("not_a_workbook", "文件是压缩包或其他 Office 文件，不是 Excel 工作簿。", "请报送填写好的 Excel 模板（.xlsx）。",
                             "The zip file is not an Excel workbook.", "Send the filled Excel template (.xlsx)."),
        "wps_et": ("legacy_xls", "文件是 WPS 表格专用格式（.et），无法读取。", RESAVE, "The file is a WPS .et workbook.", RESAVE_EN),
    }
    reason, message, hint, message_en, hint_en = messages[kind]
    return UnreadableFile(reason, message, hint, path=path, message_en=message_en, hint_en=hint_en)


@dataclass
class Package:
    """The parts of a zip package, read lazily and within limits."""

    path: str
    archive: zipfile.ZipFile
    names: set[str] = field(default_factory=set)
    total_read: int = 0
    infos: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    data: bytes = b""

    @classmethod
    def open(cls, data: bytes, path: str) -> "Package":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise UnreadableFile("damaged", "文件已损坏或不完整（压缩结构无法读取），可能是下载或发送时被截断。",
                                 "请让报送单位重新发送原文件。", path=path,
                                 message_en="The file is damaged or truncated (invalid zip).",
                                 hint_en="Ask the office to send the file again.") from None
        if len(infos) > MAX_ENTRIES:
            raise _bomb(path, f"包含 {len(infos)} 个部件")
        declared = sum(info.file_size for info in infos)
        if declared > MAX_TOTAL_BYTES:
            raise _bomb(path, f"解压后达 {declared // 1024 // 1024} MB")
        for info in infos:
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _bomb(path, f"部件 {info.filename} 的压缩比异常（{info.file_size // max(info.compress_size, 1)}:1）")
        return cls(path, archive, {info.filename for info in infos}, infos={info.filename: info for info in infos},
                   data=data)

    def has(self, name: str) -> bool:
        return name in self.names

    def is_workbook(self) -> bool:
        """Whether the package is a spreadsheet."""
        return WORKBOOK_PART in self.names

    def is_word_document(self) -> bool:
        """Whether the package is a Word document."""
        return DOCUMENT_PART in self.names

    def stored(self, name: str) -> bytes | None:
        """A part exactly as stored in the zip (its compression method, then its compressed bytes), or None.

        Equal stored bytes mean equal content without inflating either: a key for caches of parts that many
        files repeat byte for byte. None when the part is missing, encrypted, or its local header (the 30 bytes
        of fixed layout that the zip format puts before every member) does not check out.
        """
        info = self.infos.get(name)
        if info is None or info.flag_bits & 0x1:
            return None
        offset = info.header_offset
        header = self.data[offset:offset + 30]
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            return None
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        start = offset + 30 + name_length + extra_length
        content = self.data[start:start + info.compress_size]
        if len(content) != info.compress_size:
            return None
        return bytes((info.compress_type & 0xFF,)) + content

    def read(self, name: str) -> bytes:
        """A part's bytes, never more than the limits allow (the sizes in the zip header may lie)."""
        try:
            with self.archive.open(name) as member:
                data = member.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError, KeyError) as exc:
            # KeyError: a part the workbook's own index names is not in the zip
            raise UnreadableFile("damaged", f"文件已损坏或不完整（部件 {name} 无法解压）。", "请让报送单位重新发送原文件。",
                                 path=self.path, message_en=f"The file is damaged ({name}: {exc}).",
                                 hint_en="Ask the office to send the file again.") from None
        if len(data) > MAX_PART_BYTES:
            raise _bomb(self.path, f"部件 {name} 解压后超过 {MAX_PART_BYTES // 1024 // 1024} MB")
        self.total_read += len(data)
        if self.total_read > MAX_TOTAL_BYTES:
            raise _bomb(self.path, "解压后的总大小超过限制")
        return data

    def xml(self, name: str, *, bulk: bool = False):
        """A part parsed as XML, refusing any DTD (and so any entity declaration or external reference).

        Metadata parts go through defusedxml. Worksheets (``bulk``), the large parts, go through the C parser
        after a guard that refuses any ``<!DOCTYPE``/``<!ENTITY``: entities can only be declared in a DTD, so
        the attacks defusedxml blocks cannot reach the parser; lxml (configured to resolve no entity and load
        nothing) then reads them several times faster than defusedxml's pure-Python tree builder.
        """
        return self.parse(name, self.read(name), bulk=bulk)

    def parse(self, name: str, data: bytes, *, bulk: bool = False):
        """Parse a part's bytes as :meth:`xml` does (``name`` is for messages)."""
        try:
            if bulk:
                # markup is case-sensitive: a DTD can only be declared as "<!DOCTYPE" (and entities as "<!ENTITY")
                if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                    raise DefusedXmlException("DTD")
                return LxmlTree.fromstring(data, _BULK_PARSER)
            return SafeET.fromstring(data, forbid_dtd=True)
        except DefusedXmlException:
            raise UnreadableFile("xml_attack", f"文件的 XML 部件 {name} 含有被禁止的 DTD/实体定义（可能是恶意构造的文件）。",
                                 "该文件不会被读取。请让报送单位用下发的模板重新填写。", path=self.path,
                                 message_en=f"XML part {name} declares a DTD or entities (possible attack).",
                                 hint_en="The file is not read; ask for a fresh copy.") from None
        except (SafeET.ParseError, LxmlTree.XMLSyntaxError):
            raise UnreadableFile("damaged", f"文件的 XML 部件 {name} 已损坏。", "请让报送单位重新发送原文件。",
                                 path=self.path, message_en=f"XML part {name} is damaged.",
                                 hint_en="Ask the office to send the file again.") from None


def _bomb(path: str, detail: str) -> UnreadableFile:
    return UnreadableFile("zip_bomb", f"文件大小异常（{detail}），疑似压缩炸弹，已拒绝读取。", "请让报送单位重新发送正常保存的 Excel 文件。",
                          path=path, message_en=f"Abnormal size ({detail}); possible zip bomb, refused.",
                          hint_en="Ask for a normally saved workbook.")


# ------------------------------------------------------------------------------------------ XML helpers
def local(tag) -> str:
    """The local name of a namespaced tag (transitional and strict OOXML use different namespaces)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(root) -> str:
    """The ``{uri}`` prefix of a part's root element ('' when it has no namespace)."""
    return root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""


def children(element, name: str):
    return (child for child in element if local(child.tag) == name)


def child(element, name: str):
    return next(children(element, name), None)


def attribute(element, name: str) -> str | None:
    """An attribute by local name (r:id lives in the relationships namespace)."""
    for key, value in element.attrib.items():
        if local(key) == name:
            return value
    return None


def resolve(base_part: str, target: str) -> str:
    """A relationship target relative to its source part, as a package part name."""
    if target.startswith("/"):
        return target.lstrip("/")
    return normpath(join(dirname(base_part), target))


_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


@lru_cache(maxsize=65536)
def a1(row: int, col: int) -> str:
    """A1 address of a 0-based (row, col)."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def absolute_a1(row: int, col: int) -> str:
    """$A$1 address of a 0-based (row, col)."""
    ref = a1(row, col)
    digits = len(ref.rstrip("0123456789"))
    return f"${ref[:digits]}${ref[digits:]}"


def split_cell(ref: str) -> tuple[int, int]:
    """0-based (row, col) of an A1 reference (``$`` allowed)."""
    match = _CELL.match(ref.upper())
    if not match:
        raise ValueError(ref)
    letters, digits = match.groups()
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch) - 64)
    return int(digits) - 1, col - 1


# ------------------------------------------------------------------------------------------ text and number formats
_XSTRING_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def decode_xstring(text: str) -> str:
    """Text as OOXML stores it (ST_Xstring) decoded: ``_xHHHH_`` is the character U+HHHH (Excel writes a carriage
    return pasted from Word as ``_x000D_``), and ``_x005F_`` an underscore, so ``_x005F_x000D_`` stays literal."""
    if "_x" not in text:
        return text
    decoded = _XSTRING_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)
    if any("\ud800" <= ch <= "\udfff" for ch in decoded):  # a pair of escaped surrogates is one character
        decoded = decoded.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return decoded


# the built-in number formats that show a date or time: 14–22 and 45–47 everywhere, 27–36 and 50–58 in the East
# Asian locales (Excel and WPS on Chinese Windows write 年/月/日 and 时/分/秒 formats with these ids)
DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(45, 48), *range(27, 37), *range(50, 59)])
_LITERALS = re.compile(r'"[^"]*"|\\.|[_*].')  # quoted text, an escaped character, padding and fill characters
_ELAPSED = re.compile(r"\[(?:h+|m+|s+)\]", re.IGNORECASE)  # [h]:mm — elapsed time
_BRACKETS = re.compile(r"\[[^\]]*\]")  # colours, conditions, locales ([Red], [>=100], [$-804], [DBNum1])
_DATE_TOKEN = re.compile(r"[ymdhsg]|aaa|e(?![+-])", re.IGNORECASE)  # e+/e- is a scientific exponent


def is_date_format(code: str) -> bool:
    """Whether a number format code shows a date or time (y m d h s outside quotes and brackets, 上午/下午 via h,
    aaa for a weekday, g and e for eras)."""
    text = _LITERALS.sub("", code)
    if _ELAPSED.search(text):
        return True
    text = _BRACKETS.sub("", text)
    text = re.sub("general", "", text, flags=re.IGNORECASE)
    return bool(_DATE_TOKEN.search(text))
