"""Reply and reminder e-mails, ready to send and never sent: ``.eml`` drafts the coordinator opens in Outlook,
Foxmail or Thunderbird, checks, and sends from their own mailbox.

A reply goes to the address the return came from (Cc the roster's 邮箱 when that differs), names the agency and
year, lists what to fix and by when, and carries the feedback workbook. A reminder goes to the roster's 邮箱 of
an agency that has not reported (or sent another year's report) and carries its template of the year.

Drafts are plain RFC 5322 messages built with the standard library's ``email`` package (UTF-8, CRLF line ends,
``X-Unsent: 1`` so that Outlook opens them as unsent), and their bytes depend only on their content: the Date is
the inbox's 'as of' time, the Message-ID and the MIME boundary are derived from a hash of the content.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses
from pathlib import Path

from ..display import clean
from ..files import safe_filename, write_atomically
from ..findings import Finding
from ..form import REPORT_TITLE, Severity
from ..roster import Agency

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
REMINDER_DIR = "催报"
MAX_LISTED = 10  # findings listed in a reply's body; the workbook has them all
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")


@dataclass
class Draft:
    """One e-mail draft written to disk."""

    path: Path
    kind: str  # "reply" | "reminder"
    agency: str
    to: list[str] = field(default_factory=list)  # addresses (may be empty: no address known)
    cc: list[str] = field(default_factory=list)
    attachment: Path | None = None  # the feedback workbook a reply carries

    def as_dict(self) -> dict:
        return {"path": str(self.path), "kind": self.kind, "agency": self.agency, "to": self.to, "cc": self.cc,
                "attachment": str(self.attachment) if self.attachment else None}


def addresses(header: str | None) -> list[tuple[str, str]]:
    """(display name, address) pairs from a From/邮箱 value; what does not look like an address is left out
    (a header with line breaks or control characters never reaches the draft)."""
    found = []
    for name, address in getaddresses([header or ""]):
        address = address.strip()
        if _ADDRESS.match(address) and address.isprintable():
            found.append(("".join(ch for ch in name if ch.isprintable()).strip(), address))
    return found


def _address(name: str, address: str) -> Address:
    user, _, domain = address.rpartition("@")
    try:
        return Address(display_name=name, username=user, domain=domain)
    except (ValueError, TypeError):
        return Address(username=user, domain=domain)


def _deadline_text(deadline: date | None) -> str:
    if deadline is None:
        return "请于收到本邮件后 5 个工作日内"
    return f"请于 {deadline.year}年{deadline.month}月{deadline.day}日 前"


def _message(*, to: list[tuple[str, str]], cc: list[tuple[str, str]], subject: str, body: str,
             attachment: tuple[str, bytes], as_of: datetime) -> bytes:
    message = EmailMessage()
    message["X-Unsent"] = "1"  # Outlook opens it as a message to send, not as a received one
    if to:
        message["To"] = [_address(*pair) for pair in to]
    if cc:
        message["Cc"] = [_address(*pair) for pair in cc]
    message["Subject"] = subject
    when = as_of if as_of.tzinfo else as_of.replace(tzinfo=timezone.utc)
    message["Date"] = format_datetime(when)
    name, data = attachment
    digest = hashlib.sha256("\n".join((subject, body, name, *(a for _, a in to + cc))).encode()
                            + hashlib.sha256(data).digest()).hexdigest()
    message["Message-ID"] = f"<{digest[:32]}@gongkai-xlsx.invalid>"
    message.set_content(body, charset="utf-8")
    message.add_attachment(data, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=name)
    message.set_boundary(f"=_gongkai_{digest[32:56]}")
    return message.as_bytes(policy=SMTP)


# ------------------------------------------------------------------------------------------ replies
def _where(finding: Finding) -> str:
    cells = [f"{c.sheet}!{c.cell}" for c in finding.cells if c.sheet and c.cell]
    return (cells[0] + ("等" if len(cells) > 1 else "") + "：") if cells else ""


def reply_body(agency: str, year: int | None, file_name: str, findings: list[Finding], feedback_name: str,
               deadline: date | None) -> str:
    """The reply's text: what was found, what to fix (the first few, by severity), by when."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    year_text = f"{year}年度" if year else ""
    counts = f"{len(errors)} 个错误" + (f"、{len(warnings)} 个警告" if warnings else "")
    lines = [
        f"{agency}：",
        "",
        f"贵单位报送的{year_text}政府信息公开工作年度报表（{file_name}）经校验，发现 {counts}，暂未计入汇总。"
        f"{_deadline_text(deadline)}按附件“{feedback_name}”逐项改正后重新报送。",
        "",
        "需要改正的问题：",
    ]
    for number, finding in enumerate(errors[:MAX_LISTED], start=1):
        lines.append(f"{number}. {_where(finding)}{finding.message}")
        lines.append(f"   怎么改：{finding.hint}")
    if len(errors) > MAX_LISTED:
        lines.append(f"（另有 {len(errors) - MAX_LISTED} 个错误，见附件“校验结果”工作表。）")
    if warnings:
        lines += ["", "请核实的警告："]
        for number, finding in enumerate(warnings[:MAX_LISTED], start=1):
            explanation = getattr(finding, "explanation", None)  # the office's 情况说明, when it gave one
            lines.append(f"{number}. {_where(finding)}{finding.message}" + (f"（已说明：{explanation}）" if explanation else ""))
        if len(warnings) > MAX_LISTED:
            lines.append(f"（另有 {len(warnings) - MAX_LISTED} 个警告，见附件。）")
    lines += [
        "",
        "附件是按贵单位原报送数据重新生成的模板：标红的单元格即有问题的单元格，“校验结果”工作表列出全部问题。"
        "请直接在附件中改正并保存，各表顶部横幅变绿后发回本邮箱。",
        "",
        "谢谢！",
    ]
    return "\n".join(lines) + "\n"


def inbox_date(files: Iterable) -> datetime:
    """The newest e-mail date among the returns (else 1 January after the latest year): the drafts' Date, so that
    their bytes depend on the inbox only. ``files`` are verified results (``FileResult``)."""
    files = list(files)
    dates = []
    for f in files:
        received = f.report.provenance.received if f.report is not None and f.report.provenance else None
        if received:
            try:
                dates.append(datetime.fromisoformat(received))
            except ValueError:
                pass
    if dates:
        return max(dates)
    years = [f.report.year for f in files if f.report is not None and f.report.year]
    return datetime(max(years, default=2000) + 1, 1, 1)


def feedback_with_replies(results: list, out_dir: Path, *, needs_reply: Callable[[object], bool], as_of: datetime,
                          deadline: date | None = None,
                          agency_of: Callable[[object], Agency | None] = lambda result: None,
                          expected_year: int | None = None, dates: Mapping[str, date] | None = None,
                          inputs=()) -> tuple[list[Path], list[Draft]]:
    """A feedback workbook for every return of ``results`` with findings
    (:func:`~gongkai_xlsx.check.feedback.write_feedback`, which ``expected_year``, ``dates`` and ``inputs`` are
    passed to) and, beside each that ``needs_reply``, the reply draft that carries it (to the roster entry
    ``agency_of`` gives). Returns the workbooks and the drafts written."""
    from .feedback import write_feedback  # the writer (XlsxWriter) only when feedback is asked for

    drafts: list[Draft] = []

    def reply(result, workbook: Path) -> None:
        if needs_reply(result):
            drafts.append(write_reply(result, workbook, agency=agency_of(result), deadline=deadline, as_of=as_of))

    written = write_feedback(results, out_dir, expected_year=expected_year, dates=dates, on_written=reply,
                             inputs=inputs)
    return written, drafts


def write_reply(result, workbook: Path, *, agency: Agency | None = None, deadline: date | None = None,
                as_of: datetime) -> Draft:
    """The reply draft for one verified return with errors, written beside its feedback ``workbook``.

    ``result`` is a :class:`~gongkai_xlsx.check.verify.FileResult`; ``agency`` the roster's entry, for its 邮箱."""
    report = result.report
    # names typed in a workbook may hold line breaks or control characters: never in a header (or the body)
    name = clean((agency.name if agency else "") or (report.agency_name if report else "")) or "报送单位"
    year = report.year if report else None
    provenance = report.provenance if report else None
    to = addresses(provenance.sender if provenance else None)[:1]
    roster = addresses(agency.email if agency else None)
    cc = [pair for pair in roster if pair[1].lower() not in {a.lower() for _, a in to}]
    if not to:  # no e-mail: the return came as a file; the roster's address is all there is
        to, cc = cc[:1], cc[1:]
    file_name = clean(result.path.rsplit(" › ", 1)[-1].rsplit("/", 1)[-1])
    subject = f"【请改正】{name}{year or ''}年{REPORT_TITLE}校验意见"
    body = reply_body(name, year, file_name, list(result.findings), workbook.name, deadline)
    path = workbook.with_suffix(".eml")
    write_atomically(path, _message(to=to, cc=cc, subject=subject, body=body,
                                    attachment=(workbook.name, workbook.read_bytes()), as_of=as_of))
    return Draft(path, "reply", name, [a for _, a in to], [a for _, a in cc], workbook)


# ------------------------------------------------------------------------------------------ reminders
def reminder_body(agency: Agency, year: int, template_name: str, deadline: date | None, reason: str) -> str:
    lines = [
        f"{agency.name}：",
        "",
        f"截至目前，{reason}。{_deadline_text(deadline)}填写附件“{template_name}”"
        f"（{year}年度{REPORT_TITLE}模板，已按贵单位名称和代码生成），并发回本邮箱。",
        "",
        "填写说明见模板第一个工作表；灰色单元格为自动计算的合计，请勿改写；各表顶部横幅变绿即表示校验通过。",
        "如已报送，请忽略本邮件。",
        "",
        "谢谢！",
    ]
    return "\n".join(lines) + "\n"


def write_reminders(chased: Iterable[tuple[Agency, str]], year: int, out_dir: Path, *,
                    deadline: date | None = None, as_of: datetime, password: str | None = None) -> list[Draft]:
    """One reminder draft per (agency, reason) under ``out_dir``/催报, each with the agency's template."""
    from ..files import template_filename
    from ..template.render import render_template

    drafts = []
    folder = Path(out_dir) / REMINDER_DIR
    for agency, reason in chased:
        agency = replace(agency, name=clean(agency.name) or agency.code)
        template_name = template_filename(year, agency)
        template = render_template(year=year, agency=agency, **({"password": password} if password else {}))
        to = addresses(agency.email)
        subject = f"【催报】请报送{agency.name}{year}年{REPORT_TITLE}"
        body = reminder_body(agency, year, template_name, deadline, reason)
        path = folder / safe_filename(f"{agency.name}_{agency.code}_催报", ".eml")
        write_atomically(path, _message(to=to[:1], cc=to[1:], subject=subject, body=body,
                                        attachment=(template_name, template), as_of=as_of))
        drafts.append(Draft(path, "reminder", agency.name, [a for _, a in to[:1]], [a for _, a in to[1:]]))
    return drafts
