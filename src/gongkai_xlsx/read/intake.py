"""Intake: turn an inbox (files, folders, zip archives, e-mail messages) into a flat list of submissions.

Zip archives made on Chinese Windows store file names in GBK without the UTF-8 flag; e-mail attachments carry
RFC 2047/2231-encoded names. Every input found is accounted for: each attachment or archive member becomes a
submission, and a container that yields nothing (an e-mail without attachments, a damaged archive) becomes one
too, with a note saying why, so nothing is lost silently.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import mimetypes
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

from ..errors import InputError
from ..files import display_name
from ..ooxml.package import MAX_FILE_BYTES, OLE_MAGIC, ZIP_MAGIC, classify_ole, is_office_document

MAX_ARCHIVE_MEMBERS = 2000
MAX_DEPTH = 3  # a zip in an e-mail in a zip is as deep as real inboxes go
SKIPPED_PREFIXES = ("~$", ".")  # Office lock files and hidden files are not submissions
MAC_RESOURCES = "__MACOSX/"  # what a Mac's archiver adds to a zip beside every file
# what archives and e-mails may unpack into memory: per archive, and for the whole inbox (a real return is
# tens of KB; a county's 1,000 returns a few tens of MB). A small zip that claims or yields more is a bomb
MAX_ARCHIVE_TOTAL = 100 * 1024 * 1024
MAX_UNPACKED_TOTAL = 300 * 1024 * 1024
MAX_MEMBER_RATIO = 100  # uncompressed : compressed for a member over 1 MB (a workbook is compressed already)
TNEF_MAGIC = b"\x78\x9f\x3e\x22"
WINMAIL = ("附件是 Outlook 的 winmail.dat（TNEF 格式）：对方用 Outlook 的“RTF 格式”发信，真正的附件被打包在里面，本工具无法读取。",
           "请让报送单位在 Outlook 中把邮件格式改为“HTML”或“纯文本”（不要用 RTF 格式）后重新发送附件。")
OUTLOOK_MSG = ("文件是 Outlook 邮件（.msg），不是 Excel 工作簿；其中的附件本工具无法直接读取。",
               "请在 Outlook 中打开这封邮件，把其中的 Excel 附件另存出来再放入收件箱；或请报送单位直接发送 Excel 附件。")


@dataclass
class Submission:
    """One candidate return: its bytes and where they came from."""

    name: str  # what a person recognises: the file name, or archive.zip › member, or mail.eml › attachment
    source: str  # the input file it was found in
    data: bytes | None  # None when the bytes are on disk (see path) or there is nothing to read (see note)
    member: str | None = None
    sender: str | None = None
    received: datetime | None = None  # the e-mail's date
    subject: str | None = None
    file_time: datetime | None = None  # the file's or archive member's modification time
    note: str | None = None  # why there is nothing to read
    path: str | None = None  # a plain file left on disk: read by whoever verifies it (a worker process), not here
    hint: str | None = None  # what to ask the sender for, when there is nothing to read

    def load(self) -> bytes | None:
        """The bytes to read, from disk if they were left there; None when there is nothing to read (see note)."""
        if self.data is None and self.path is not None:
            try:
                return Path(self.path).read_bytes()
            except OSError as exc:
                self.note = f"无法读取文件：{exc.strerror or exc}"
                return None
        return self.data

    @property
    def sha256(self) -> str:
        data = self.load()
        return hashlib.sha256(data).hexdigest() if data is not None else ""

    @property
    def filename(self) -> str:
        return self.member.rsplit("/", 1)[-1] if self.member else Path(self.source).name


def collect(paths: list[str | os.PathLike], skipped: list[str] | None = None) -> list[Submission]:
    """Every submission under the given files and folders, in a stable order.

    Office lock files (``~$…``) and hidden files are not returns: they are left out and, when ``skipped`` is
    given, listed there.
    """
    found: list[Submission] = []
    budget = _Budget(MAX_UNPACKED_TOTAL)
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise InputError(f"找不到：{display_name(str(path))}", hint="请检查文件或文件夹路径。", path=str(path))
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            if file != path and file.name.startswith(SKIPPED_PREFIXES):
                if skipped is not None:
                    skipped.append(display_name(str(file)))
                continue
            found.extend(_from_file(file, budget))
    return found


class _Budget:
    """Bytes that archives and e-mails may still unpack into memory."""

    def __init__(self, total: int) -> None:
        self.left = total


_UNPACKED = (".eml", ".zip", ".msg", ".dat")  # containers unpacked here, and mail formats recognised here


def _from_file(path: Path, budget: _Budget | None = None) -> list[Submission]:
    # the name as a person reads it: raw GBK bytes from an undecoded Windows zip are decoded, not escaped
    name, source = display_name(path.name), display_name(str(path))
    try:
        stat = path.stat()
        size, mtime = stat.st_size, datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc)
        data = path.read_bytes() if path.name.lower().endswith(_UNPACKED) and size <= MAX_FILE_BYTES else None
    except OSError as exc:  # no permission, or gone since the folder was listed: accounted for, not fatal
        return [Submission(name, source, None, note=f"无法读取文件：{exc.strerror or exc}")]
    if size > MAX_FILE_BYTES:
        return [Submission(name, source, None, file_time=mtime, note=f"文件过大（{size // 1024 // 1024} MB），未读取")]
    if not path.name.lower().endswith(_UNPACKED):
        # a workbook (or anything else) is read where it is verified: in parallel runs the parent then never
        # holds or sends every file's bytes
        return [Submission(name, source, None, file_time=mtime, path=str(path))]
    return _expand(Submission(name, source, data, file_time=mtime), depth=0, budget=budget or _Budget(MAX_UNPACKED_TOTAL))


def _expand(item: Submission, depth: int, budget: _Budget) -> list[Submission]:
    """A submission, or the submissions inside it if it is an archive or an e-mail."""
    data = item.data or b""
    lower = item.filename.lower()
    if depth < MAX_DEPTH and lower.endswith(".eml"):
        return _from_email(item, depth, budget)
    if depth < MAX_DEPTH and data.startswith(ZIP_MAGIC) and lower.endswith(".zip") and not is_office_document(data):
        return _from_zip(item, depth, budget)
    refusal = _mail_format(lower, data)
    if refusal is not None:
        item.data, (item.note, item.hint) = None, refusal
        return [item]
    return [item]


def _mail_format(lower_name: str, data: bytes) -> tuple[str, str] | None:
    """The message for e-mail formats that wrap the real attachment: winmail.dat (TNEF) and Outlook .msg."""
    if data.startswith(TNEF_MAGIC) or lower_name.endswith("winmail.dat"):
        return WINMAIL
    if data.startswith(OLE_MAGIC) and ("__substg1.0_".encode("utf-16-le") in data or lower_name.endswith(".msg")) \
            and classify_ole(data) not in ("xls", "encrypted"):
        return OUTLOOK_MSG
    return None


def _bytes_io(data: bytes):
    import io

    return io.BytesIO(data)


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name: UTF-8 when flagged, else the bytes Windows wrote (GBK), not cp437 mojibake."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename  # pragma: no cover - gb18030 decodes any byte string


def _from_zip(item: Submission, depth: int, budget: _Budget) -> list[Submission]:
    try:
        archive = zipfile.ZipFile(_bytes_io(item.data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return [Submission(item.name, item.source, None, sender=item.sender, received=item.received,
                           subject=item.subject, file_time=item.file_time, note="压缩包已损坏，无法解压")]
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        return [Submission(item.name, item.source, None, file_time=item.file_time,
                           note=f"压缩包内有 {len(infos)} 个文件，超过上限，未解压")]
    declared = sum(info.file_size for info in infos)
    inflated = [i for i in infos if i.file_size > 1024 * 1024 and i.file_size > MAX_MEMBER_RATIO * max(i.compress_size, 1)]
    limit = min(MAX_ARCHIVE_TOTAL, budget.left)
    if declared > limit or inflated:
        why = (f"解压后共 {declared / 1024 / 1024:.0f} MB，超过上限 {limit // 1024 // 1024} MB" if declared > limit else
               f"其中 {zip_member_name(inflated[0])} 的压缩比超过 {MAX_MEMBER_RATIO}:1（疑似压缩炸弹）")
        return [Submission(item.name, item.source, None, sender=item.sender, received=item.received,
                           subject=item.subject, file_time=item.file_time,
                           note=f"压缩包 {item.filename} {why}，未解压", hint="请让报送单位只发送填写好的报表（.xlsx），不要打包其他文件。")]
    found: list[Submission] = []
    for info in infos:
        name = zip_member_name(info)
        base = name.rsplit("/", 1)[-1]
        if name.startswith(MAC_RESOURCES) or base.startswith(SKIPPED_PREFIXES):
            continue
        member_time = _zip_time(info)
        display = f"{item.name} › {name}"
        if info.file_size > MAX_FILE_BYTES:
            found.append(Submission(display, item.source, None, member=name, sender=item.sender,
                                    received=item.received, subject=item.subject, file_time=member_time,
                                    note="压缩包内的文件过大，未读取"))
            continue
        allowed = min(MAX_FILE_BYTES, budget.left)  # a member may lie about its size: reading is bounded too
        try:
            with archive.open(info) as handle:
                data = handle.read(allowed + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
            data = None
        note = None
        if data is None:
            note = "压缩包内的文件无法解压（损坏或加密）"
        elif len(data) > allowed:
            data, note = None, f"压缩包 {item.filename} 内的文件解压后超过上限，未读取"
        else:
            budget.left -= len(data)
        child = Submission(display, item.source, data, member=name, sender=item.sender, received=item.received,
                           subject=item.subject, file_time=member_time, note=note)
        found.extend(_expand(child, depth + 1, budget) if data is not None else [child])
    if not found:
        found.append(Submission(item.name, item.source, None, sender=item.sender, received=item.received,
                                subject=item.subject, file_time=item.file_time, note="压缩包是空的"))
    return found


def _zip_time(info: zipfile.ZipInfo) -> datetime | None:
    try:
        return datetime(*info.date_time, tzinfo=timezone.utc)
    except ValueError:
        return None


def _from_email(item: Submission, depth: int, budget: _Budget) -> list[Submission]:
    message = email.message_from_bytes(item.data or b"", policy=email.policy.default)
    sender = str(message.get("From", "") or "") or None
    subject = str(message.get("Subject", "") or "") or None
    received = None
    try:
        if message.get("Date"):
            received = parsedate_to_datetime(str(message["Date"]))
            if received.tzinfo is None:
                received = received.replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        received = None
    found: list[Submission] = []
    unnamed = 0
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = attachment_name(part)
        if not filename:
            # an attachment without a file name (some mail programs send one): still a return, named after the mail
            if part.get_content_disposition() != "attachment" and part.get_content_maintype() != "application":
                continue  # the message body
            unnamed += 1
            extension = mimetypes.guess_extension(part.get_content_type()) or ""
            filename = f"{Path(item.filename).stem}_附件{unnamed}{extension}"
        try:
            data = part.get_payload(decode=True)
        except Exception:  # a malformed part: account for it, do not crash
            data = None
        display = f"{item.name} › {filename}"
        note = None if data is not None else "附件无法解码"
        if data is not None and len(data) > budget.left:
            data, note = None, "邮件附件的总大小超过上限，未读取"
        elif data is not None:
            budget.left -= len(data)
        child = Submission(display, item.source, data, member=filename, sender=sender, received=received,
                           subject=subject, file_time=item.file_time, note=note)
        found.extend(_expand(child, depth + 1, budget) if data is not None else [child])
    if not found:
        found.append(Submission(item.name, item.source, None, sender=sender, received=received, subject=subject,
                                file_time=item.file_time, note="邮件没有附件"))
    return found


_RAW_NAME = re.compile(r'(?:file)?name\*?=\s*"?([^";]+)"?', re.IGNORECASE)


def attachment_name(part) -> str | None:
    """An attachment's file name: RFC 2047/2231 decoded by the mail library, or raw 8-bit GBK/UTF-8 bytes (which
    some Chinese mail programs write against the standard) decoded instead of turned into U+FFFD."""
    for header in ("Content-Disposition", "Content-Type"):
        for key, value in part.raw_items():
            if key.lower() != header.lower() or not isinstance(value, str):
                continue
            if any("\udc80" <= ch <= "\udcff" for ch in value):
                match = _RAW_NAME.search(value)
                if match:
                    return display_name(match.group(1).strip())
    name = part.get_filename()
    return display_name(name) if name else None
