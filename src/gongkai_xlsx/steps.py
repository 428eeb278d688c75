"""What the coordinator does next: ``verify -q``'s lines of what needs action, and the 下一步 block closing
``verify`` and ``merge`` (who gets which feedback at which address, whom to chase, what to pass to the next level).

``verify --lang en`` prints them in English; merge has no ``--lang`` and speaks Chinese. Everything that comes
from data goes through :mod:`gongkai_xlsx.display`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.text import Text

from . import findings as F
from .check.drafts import Draft, addresses
from .check.verify import FileStatus
from .consolidate.merge import SubmissionStatus as S
from .display import counted, join
from .human import VERDICT, VERDICT_EN, agency_of


def needs_action(console: Console, files: Sequence, english: bool = False) -> None:
    """For -q: one line per file the coordinator must act on."""
    for f in files:
        if f.status not in (FileStatus.ERRORS, FileStatus.UNREADABLE) or f.superseded_by:
            continue  # a version the agency has already replaced needs nothing
        word, style = VERDICT[f.status]
        if english:
            word = VERDICT_EN[f.status]
            errors = f" ({counted(f.errors, 'error')})" if f.errors else ""
        else:
            errors = f"（错误 {f.errors}）" if f.errors else ""
        console.print(join("  ", (agency_of(f, english=english), "bold"), "  ", (word, style), errors))
        console.print(join("    ", (f.path, "dim")))


def _sender(result) -> str:
    provenance = result.report.provenance if result.report is not None else None
    found = addresses(provenance.sender if provenance else None)
    return found[0][1] if found else ""


def next_steps(console: Console, steps: list[Text], english: bool = False) -> None:
    """The 下一步 block: numbered steps, or that nothing is left to do."""
    console.print()
    console.print(Text("Next steps" if english else "下一步", style="bold"))
    if not steps:
        steps = [Text("Everything passed: nothing to send back or chase." if english
                      else "全部通过，没有需要退回或催报的。")]
    for number, step in enumerate(steps, start=1):
        console.print(join(f"  {number}. ", step))


def reply_steps(drafts: Sequence[Draft], with_errors: Sequence, feedback: Path | None,
                agency_email: dict[int, str] | None = None, english: bool = False) -> list[Text]:
    """Who gets which feedback at which address; without --feedback, how to make them."""
    steps: list[Text] = []
    if drafts:
        step = (join(f"Send the feedback back to {counted(len(drafts), 'agency', 'agencies')}: the e-mail drafts (.eml, feedback "
                     "attached) are in ", str(feedback), "; open each, check it and send it:") if english else
                join(f"把退回意见发回 {len(drafts)} 个单位：邮件草稿（.eml，已附退回意见）在 ", str(feedback),
                     "，双击打开、核对后发送："))
        for draft in drafts:
            step.append_text(join("\n     ", (draft.agency, "bold"), " → ", _recipients(draft, english)))
        steps.append(step)
    elif with_errors:
        step = Text(f"Send back {counted(len(with_errors), 'return')} with errors, to:" if english
                    else f"有错误的 {len(with_errors)} 份报表应退回，发给：")
        for result in with_errors:
            address = _sender(result) or (agency_email or {}).get(id(result), "")
            step.append_text(join("\n     ", (agency_of(result, english=english), "bold"), " → ",
                                  address or ("(no e-mail address)" if english else "（无邮箱）")))
        step.append_text(join("\n     (add ", ("--feedback <folder>", "bold"),
                              " to write feedback workbooks and reply drafts)") if english else
                         join("\n     （加 ", ("--feedback 退回意见", "bold"), " 可生成退回意见工作簿和回复邮件草稿）"))
        steps.append(step)
    return steps


def _recipients(draft: Draft, english: bool = False) -> str:
    if not draft.to:
        return ("no e-mail address (add it to the roster's 邮箱 column, or contact them otherwise); the draft has "
                "no recipient" if english else "没有邮箱（名册中填写 邮箱 或另行联系），草稿未填收件人")
    if english:
        return ", ".join(draft.to) + (f" (cc {', '.join(draft.cc)})" if draft.cc else "")
    return "、".join(draft.to) + (f"（抄送 {'、'.join(draft.cc)}）" if draft.cc else "")


def unreadable_steps(files: Sequence, english: bool = False) -> list[Text]:
    """Whom to ask for a file that could not be read."""
    broken = [f for f in files if f.status is FileStatus.UNREADABLE]
    if not broken:
        return []
    step = Text(f"{counted(len(broken), 'file')} could not be read; ask the senders to send them again:" if english
                else f"{len(broken)} 个文件无法读取，请报送单位重新发送：")
    for f in broken:
        sender = _sender(f)
        step.append_text(join("\n     ", (f.path, "bold"), f" → {sender}" if sender else ""))
    return [step]


def published_steps(files: Sequence, english: bool = False) -> list[Text]:
    """Agencies whose published report differs from their workbook."""
    differing = [f for f in files if any(x.code == F.PUBLISHED_DIFFERS.code for x in f.findings)]
    if not differing:
        return []
    step = Text("The published report differs from the workbook (the workbook is counted); ask the agency to "
                "check and correct:" if english else "已公开的年报与工作簿不一致（汇总按工作簿计），请单位核对更正：")
    for f in differing:
        count = sum(1 for x in f.findings if x.code == F.PUBLISHED_DIFFERS.code)
        step.append_text(join("\n     ", (agency_of(f, english=english), "bold"), f": {counted(count, 'item')}" if english else f"：{count} 项"))
    return [step]


def merge_next_steps(console: Console, result, drafts: Sequence[Draft], reminders: Sequence[Draft],
                     feedback: Path | None, output: Path) -> None:
    """merge's 下一步: replies, reminders, files to ask again, returns not counted, the unit's own identity."""
    entries = result.entries
    with_errors = [e.result for e in entries if e.status in (S.INVALID_EXCLUDED, S.INVALID_INCLUDED)]
    agency_email = {id(e.result): e.agency.email for e in entries if e.agency is not None and e.agency.email}
    steps = reply_steps(drafts, with_errors, feedback, agency_email)
    chase = [a for a in result.missing]
    if chase:
        wrong_year = {e.agency.code for e in entries if e.status is S.WRONG_YEAR and e.agency is not None}
        if reminders:
            step = join(f"催报 {len(chase)} 个单位：催报邮件草稿（附本年度模板）在 ", str(Path(reminders[0].path).parent),
                        "：")
            for draft in reminders:
                step.append_text(join("\n     ", (draft.agency, "bold"), " → ", _recipients(draft)))
        else:
            hint = "加 --feedback 退回意见 生成催报邮件草稿" if feedback is None else "名册中填写 邮箱 后可生成催报邮件草稿"
            step = Text(f"催报 {len(chase)} 个单位（{hint}）：")
            for agency in chase:
                why = "（报来的不是本年度）" if agency.code in wrong_year else ""
                step.append_text(join("\n     ", (agency.name, "bold"), why, " → ", agency.email or "名册中没有邮箱"))
        steps.append(step)
    broken = [e for e in entries if e.status is S.UNREADABLE]
    if broken:
        step = Text(f"{len(broken)} 个文件无法读取，请报送单位重新发送：")
        for entry in broken:
            sender = addresses(entry.submission.sender)
            step.append_text(join("\n     ", (entry.submission.name, "bold"), f" → {sender[0][1]}" if sender else ""))
        steps.append(step)
    for status, what in ((S.UNIDENTIFIED, "份报表认不出是哪个单位的（或与名册中的单位冲突），未计入：请核对后让其用本单位的模板重报："),
                         (S.UNKNOWN_AGENCY, "份来自名册外的单位，未计入：请核对名册，或确认是否应由本级汇总：")):
        listed = [e for e in entries if e.status is status]
        if listed:
            step = Text(f"{len(listed)} {what}")
            for entry in listed:
                step.append_text(join("\n     ", (agency_of(entry.result), "bold"), "：", (entry.submission.name, "dim")))
            steps.append(step)
    steps += published_steps([e.result for e in entries])
    missing = [(what, option) for what, option, given in (("名称", "--unit-name 本级名称", result.unit_name),
                                                            ("代码", "--unit-code 本级代码", result.unit_code))
               if not given.strip()]
    if missing:
        steps.append(join(f"汇总工作簿没有写明汇总单位的{'和'.join(w for w, _ in missing)}：报送上级前请加 ",
                          (" ".join(o for _, o in missing), "bold"), " 重新运行（上级汇总时凭此认出本单位，否则不予计入）。"))
    if not steps:
        steps.append(join("全部通过并计入。把汇总工作簿报送上级：", str(output)))
    next_steps(console, steps)
