"""Files the tool writes and names it shows: valid on Windows and Linux, never over an input, never a surprise.

- :func:`safe_filename`: a name valid on Windows and Linux (no ``: " < > | ? * \\ /`` or control characters, no
  reserved device names such as CON or NUL, no trailing dot or space) and bounded in bytes, so that a long
  attachment or agency name cannot make a write fail.
- :func:`display_name`: a file name as a person reads it. A name that arrived as raw bytes the file system could
  not decode (a Windows zip unpacked by a tool that does not decode names: GBK bytes on a UTF-8 Linux) is
  decoded as UTF-8, else GBK, instead of carrying surrogate escapes into JSON, workbooks and messages.
- :func:`same_file`: whether an output would be one of the inputs (same path, a link, the same file).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

from .form import REPORT_TITLE

# a file name component: 255 bytes on Linux file systems, 255 UTF-16 units on Windows. Leave room for what is
# added to it (a temporary file's prefix and suffix, a hash to keep two long names apart)
MAX_NAME_BYTES = 200
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}


def display_name(name: str) -> str:
    """``name`` with undecodable bytes (surrogate escapes, as Python keeps them on POSIX) decoded as UTF-8, else
    GBK (what Chinese Windows writes); anything still undecodable becomes U+FFFD. Control characters become
    spaces."""
    if any("\udc80" <= ch <= "\udcff" for ch in name):
        raw = name.encode("utf-8", "surrogateescape")
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes every byte string
            name = raw.decode("utf-8", "replace")
    name = name.encode("utf-8", "replace").decode("utf-8")  # lone surrogates of any other origin
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in name)


def safe_filename(stem: str, suffix: str = "", *, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name ``<stem><suffix>`` valid on Windows and Linux and at most ``max_bytes`` UTF-8 bytes.

    Forbidden characters become ``_``; a reserved device name (CON, NUL, COM1 …, also as ``CON.txt``) gets a
    trailing ``_``; a stem too long is cut on a character boundary and ends with a short hash of the whole, so
    two long names that share their start stay two files.
    """
    stem = display_name(stem)
    stem = _UNSAFE.sub("_", stem).strip(" .") or "未命名"
    if stem.split(".")[0].strip().upper() in _RESERVED:
        head, dot, rest = stem.partition(".")
        stem = f"{head}_{dot}{rest}"
    budget = max_bytes - len(suffix.encode("utf-8"))
    if len(stem.encode("utf-8")) > budget:
        digest = "_" + hashlib.sha256(stem.encode("utf-8")).hexdigest()[:8]
        room = budget - len(digest)
        cut = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(" .")
        stem = cut + digest
    return stem + suffix


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """True when the two paths are one file: the same resolved path, or (both existing) the same inode."""
    first, second = Path(a), Path(b)
    try:
        if first.resolve() == second.resolve():
            return True
        return first.exists() and second.exists() and os.path.samefile(first, second)
    except OSError:
        return False


def refuse_overwriting_inputs(output: str | os.PathLike, inputs, *, replaceable=None) -> None:
    """Raise :class:`OutputError` when ``output`` is one of the inputs: a file named as input (also by another
    path or a link), or a file found in an input folder, unless ``replaceable(path)`` says it is the tool's own
    earlier output (e.g. last run's consolidated workbook written into the inbox)."""
    from .errors import OutputError

    output = Path(output)

    def refuse(path: Path) -> None:
        raise OutputError(f"输出文件 {display_name(str(output))} 就是输入文件 {display_name(str(path))}，不能覆盖输入。",
                          hint="请给输出另起一个文件名（-o），输入文件从不修改。", path=str(output))

    for given in map(Path, inputs):
        if given.is_file() or not given.exists():
            if same_file(output, given):
                refuse(given)
        elif output.exists():
            for path in given.rglob("*"):
                if path.is_file() and same_file(output, path) and not (replaceable and replaceable(path)):
                    refuse(path)


def _default_mode() -> int:
    """The mode a new file gets here: 0666 less the process's umask (as any program's files get)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(path: str | os.PathLike, data: bytes, *, overwrite: bool = True) -> None:
    """Write bytes so that ``path`` is either absent, the old file, or the complete new file.

    The new file has the mode any new file gets (the umask's), or the mode of the file it replaces. Without
    ``overwrite`` the last step creates ``path`` exclusively (a hard link of the finished temporary file, or
    O_EXCL where links are not supported): a file that appeared meanwhile (another run) is never replaced, and
    :class:`OutputError` says so.
    """
    from .errors import OutputError

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        mode = _default_mode()
    # a short temporary name: the final name may already be near the file system's limit
    fd = tmp = None
    for attempt in range(100):
        candidate = path.parent / f".gk{os.getpid()}_{attempt}.tmp"
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            tmp = candidate
            break
        except FileExistsError:
            continue
    if fd is None:  # pragma: no cover - a hundred leftovers of this very process id
        raise OutputError(f"无法在 {path.parent} 中创建临时文件。", hint="请清理该目录中的 .gk*.tmp 文件。")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        if overwrite:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise OutputError(f"{display_name(str(path))} 已存在（可能是同时运行的另一次命令刚刚写出的），未覆盖。",
                              hint="请换一个文件名，或确认后加 --force 覆盖。", path=str(path)) from None
        except OSError:  # a file system without hard links: create exclusively and write in place
            try:
                with open(path, "xb") as handle:
                    handle.write(data)
                os.chmod(path, mode)
            except FileExistsError:
                raise OutputError(f"{display_name(str(path))} 已存在（可能是同时运行的另一次命令刚刚写出的），未覆盖。",
                                  hint="请换一个文件名，或确认后加 --force 覆盖。", path=str(path)) from None
        os.unlink(tmp)
    except BaseException:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise


def template_filename(year: int, agency) -> str:
    """A file name a person recognises: year, report, agency name and code; valid and bounded on Windows and
    Linux (see :func:`safe_filename`)."""
    if agency is None:
        return f"{year}年{REPORT_TITLE}_空白模板.xlsx"
    return safe_filename(f"{year}年{REPORT_TITLE}_{agency.name}_{agency.code}", ".xlsx")


def consolidated_filename(year: int, unit_name: str) -> str:
    """The consolidated workbook's name: year and the consolidating unit's name as typed (``示例县/开发区`` is a
    name, not a folder), valid and bounded as :func:`safe_filename` makes it."""
    return safe_filename(f"{year}年{REPORT_TITLE}汇总_{unit_name or '汇总'}", ".xlsx")
