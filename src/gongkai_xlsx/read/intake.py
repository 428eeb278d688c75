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
import os
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

from ..errors import InputError
from ..ooxml.package import MAX_FILE_BYTES, ZIP_MAGIC

MAX_ARCHIVE_MEMBERS = 2000
MAX_DEPTH = 3  # a zip in an e-mail in a zip is as deep as real inboxes go
SKIPPED_NAMES = ("~$", ".", "__MACOSX/")


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
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise InputError(f"找不到：{path}", hint="请检查文件或文件夹路径。", path=str(path))
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            if file != path and file.name.startswith(SKIPPED_NAMES[:2]):
                if skipped is not None:
                    skipped.append(str(file))
                continue
            found.extend(_from_file(file))
    return found


def _from_file(path: Path) -> list[Submission]:
    try:
        stat = path.stat()
        size, mtime = stat.st_size, datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc)
        data = path.read_bytes() if path.name.lower().endswith((".eml", ".zip")) and size <= MAX_FILE_BYTES else None
    except OSError as exc:  # no permission, or gone since the folder was listed: accounted for, not fatal
        return [Submission(path.name, str(path), None, note=f"无法读取文件：{exc.strerror or exc}")]
    if size > MAX_FILE_BYTES:
        return [Submission(path.name, str(path), None, file_time=mtime, note=f"文件过大（{size // 1024 // 1024} MB），未读取")]
    if not path.name.lower().endswith((".eml", ".zip")):
        # a workbook (or anything else) is read where it is verified: in parallel runs the parent then never
        # holds or sends every file's bytes
        return [Submission(path.name, str(path), None, file_time=mtime, path=str(path))]
    return _expand(Submission(path.name, str(path), data, file_time=mtime), depth=0)


def _expand(item: Submission, depth: int) -> list[Submission]:
    """A submission, or the submissions inside it if it is an archive or an e-mail."""
    data = item.data or b""
    lower = item.filename.lower()
    if depth < MAX_DEPTH and lower.endswith(".eml"):
        return _from_email(item, depth)
    if depth < MAX_DEPTH and data.startswith(ZIP_MAGIC) and lower.endswith(".zip") and not _is_office(data):
        return _from_zip(item, depth)
    return [item]


def _is_office(data: bytes) -> bool:
    """An .xlsx is a zip too; a file named .zip that holds a workbook is still a workbook."""
    try:
        with zipfile.ZipFile(_bytes_io(data)) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


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


def _from_zip(item: Submission, depth: int) -> list[Submission]:
    try:
        archive = zipfile.ZipFile(_bytes_io(item.data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return [Submission(item.name, item.source, None, sender=item.sender, received=item.received,
                           subject=item.subject, file_time=item.file_time, note="压缩包已损坏，无法解压")]
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        return [Submission(item.name, item.source, None, file_time=item.file_time,
                           note=f"压缩包内有 {len(infos)} 个文件，超过上限，未解压")]
    found: list[Submission] = []
    for info in infos:
        name = zip_member_name(info)
        base = name.rsplit("/", 1)[-1]
        if name.startswith("__MACOSX/") or base.startswith(("~$", ".")):
            continue
        member_time = _zip_time(info)
        display = f"{item.name} › {name}"
        if info.file_size > MAX_FILE_BYTES:
            found.append(Submission(display, item.source, None, member=name, sender=item.sender,
                                    received=item.received, subject=item.subject, file_time=member_time,
                                    note="压缩包内的文件过大，未读取"))
            continue
        try:
            with archive.open(info) as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
            data = None
        note = None
        if data is None:
            note = "压缩包内的文件无法解压（损坏或加密）"
        elif len(data) > MAX_FILE_BYTES:
            data, note = None, "压缩包内的文件过大，未读取"
        child = Submission(display, item.source, data, member=name, sender=item.sender, received=item.received,
                           subject=item.subject, file_time=member_time, note=note)
        found.extend(_expand(child, depth + 1) if data is not None else [child])
    if not found:
        found.append(Submission(item.name, item.source, None, sender=item.sender, received=item.received,
                                subject=item.subject, file_time=item.file_time, note="压缩包是空的"))
    return found


def _zip_time(info: zipfile.ZipInfo) -> datetime | None:
    try:
        return datetime(*info.date_time, tzinfo=timezone.utc)
    except ValueError:
        return None


def _from_email(item: Submission, depth: int) -> list[Submission]:
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
    for part in message.walk():
        filename = part.get_filename()
        if not filename or part.is_multipart():
            continue
        try:
            data = part.get_payload(decode=True)
        except Exception:  # a malformed part: account for it, do not crash
            data = None
        display = f"{item.name} › {filename}"
        child = Submission(display, item.source, data, member=filename, sender=sender, received=received,
                           subject=subject, file_time=item.file_time,
                           note=None if data is not None else "附件无法解码")
        found.extend(_expand(child, depth + 1) if data is not None else [child])
    if not found:
        found.append(Submission(item.name, item.source, None, sender=sender, received=received, subject=subject,
                                file_time=item.file_time, note="邮件没有附件"))
    return found
