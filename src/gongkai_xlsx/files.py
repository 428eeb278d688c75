"""Files this tool writes: atomically (never half a file), under names that are safe on every system."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .roster import Agency


def write_atomically(path: Path, data: bytes) -> None:
    """Write bytes so that ``path`` is either absent, the old file, or the complete new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def template_filename(year: int, agency: Agency | None) -> str:
    """A file name a person recognises: year, report, agency name and code; safe on Windows."""
    if agency is None:
        return f"{year}年政府信息公开工作年度报告_空白模板.xlsx"
    name = _UNSAFE.sub("_", agency.name).strip(" .") or "未命名单位"
    code = _UNSAFE.sub("_", agency.code).strip(" .")
    return f"{year}年政府信息公开工作年度报告_{name}_{code}.xlsx"
