"""A report from any file ``compare`` is given: a workbook (returned, imported or consolidated), a published
report (text, HTML, Word, PDF), or the one report an e-mail or .zip carries, read as ``verify`` reads it.

Apart from :mod:`.compare` because reading a container verifies its submissions, and verification compares a
published report with its workbook (:func:`.verify.compare_published`): the two would import each other."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from ..report import Report


def load_report(path: str | os.PathLike) -> Report:
    """A workbook (returned, imported or consolidated) or, failing that, a published report (text, HTML, Word, PDF)."""
    from ..importer import import_report
    from ..ooxml.package import UnreadableFile, zip_holds_workbook
    from ..read.returned import read_file

    name = Path(path).name
    holds_workbook = zip_holds_workbook(path)  # None: no zip at all
    if name.lower().endswith((".eml", ".zip")) and holds_workbook is not True:
        return _report_in_container(path)
    if holds_workbook is not False:  # a .docx is a zip too: its problems are not a workbook's
        try:
            return read_file(path)
        except UnreadableFile as error:
            if error.reason not in ("not_a_workbook", "empty"):
                raise InputError(f"{name}：{error.message}", hint=error.hint, path=str(path)) from None
    try:
        return import_report(path).report
    except InputError as error:
        raise InputError(f"{Path(path).name} 既不是可读取的工作簿，也无法作为已公开的年报导入：{error.message}",
                         hint=error.hint, path=str(path)) from None


def _report_in_container(path: str | os.PathLike) -> Report:
    """The one report an e-mail or .zip carries (as ``verify`` reads it), beside attachments that are not reports."""
    from .verify import FileStatus, verify_submission
    from ..read.intake import collect

    name = Path(path).name
    found, problems = [], []
    for submission in collect([path]):
        verified = verify_submission(submission)
        if verified.report is not None and verified.status is not FileStatus.ATTACHMENT:
            found.append((submission.filename, verified.report))
        elif verified.status is FileStatus.UNREADABLE:
            problems.append(f"{submission.filename}（{verified.findings[0].message if verified.findings else '无法读取'}）")
    if len(found) == 1:
        return found[0][1]
    if not found:
        raise InputError(f"{name} 中没有可读取的报表" + (f"：{'；'.join(problems)}" if problems else "。"),
                         hint="请确认邮件或压缩包里附有填写好的工作簿或年报正文；也可以先把附件保存出来再比较。",
                         path=str(path))
    raise InputError(f"{name} 中有 {len(found)} 份报表：{'、'.join(n for n, _ in found)}，不知道比较哪一份。",
                     hint="请把要比较的那一份附件保存出来，再用它比较。", path=str(path))

