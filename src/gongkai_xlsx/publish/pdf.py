"""PDF through LibreOffice: ``soffice --headless --convert-to pdf`` of the generated .docx files.

Each run uses its own throw-away LibreOffice profile (``-env:UserInstallation``), so it neither touches the
user's profile nor collides with a LibreOffice that is already running.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import GongkaiError

SOFFICE_NAMES = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 300


class PdfUnavailable(GongkaiError):
    """LibreOffice is not installed (or could not convert)."""


def find_soffice() -> str | None:
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def convert_to_pdf(documents: list[Path], out_dir: Path) -> dict[Path, Path]:
    """Each .docx converted to a PDF of the same name in ``out_dir``; raises :class:`PdfUnavailable`."""
    if not documents:
        return {}
    soffice = find_soffice()
    if soffice is None:
        raise PdfUnavailable("未找到 LibreOffice（soffice），无法生成 PDF。",
                             hint="请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer fonts-noto-cjk；"
                                  "Windows：从 libreoffice.org 安装），或用 Word/WPS 打开 .docx 另存为 PDF。")
    with tempfile.TemporaryDirectory(prefix="gongkai-pdf-") as work:
        profile = Path(work) / "profile"
        converted = Path(work) / "out"
        command = [soffice, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile.as_uri()}",
                   "--convert-to", "pdf", "--outdir", str(converted), *[str(d) for d in documents]]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PdfUnavailable(f"LibreOffice 转换 PDF 失败：{error}", hint="请用 Word/WPS 打开 .docx 另存为 PDF。") from None
        results: dict[Path, Path] = {}
        for document in documents:
            made = converted / (document.stem + ".pdf")
            if not made.exists():
                detail = (run.stderr or run.stdout or "").strip()[:200]
                raise PdfUnavailable(f"LibreOffice 没有生成 {document.stem}.pdf（{detail or '无输出'}）。",
                                     hint="请用 Word/WPS 打开 .docx 另存为 PDF。")
            target = out_dir / made.name
            shutil.move(str(made), target)
            results[document] = target
        return results
