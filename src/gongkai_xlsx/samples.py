"""A county in a box: the fictional 示例县, its returns for 2025 and last year's consolidation.

Everything here is generated deterministically (seeded numbers, fixed dates, fixed MIME boundaries and zip
times), so ``gongkai-xlsx samples -o samples/`` reproduces the committed ``samples/`` byte for byte, and
``gongkai-xlsx demo`` can rebuild the same inbox on a machine that only installed the package.

The inbox is what a coordinator really receives: e-mails with attachments (RFC 2231 and RFC 2047 file
names), a zip made on Chinese Windows (GBK names, no UTF-8 flag), a corrected second version, a return with a
勾稽 error, one with a typed-over total, one for the wrong year, a stranger, an attachment that is not a
workbook, and an agency that never replied. 娲城街道办事处 returns the exact values and texts of the real seed
report (its tables are all zero).
"""

from __future__ import annotations

import base64
import io
import random
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from .files import consolidated_filename, write_atomically
from .form import CURRENT_FORM, MetaRole, TextRole
from .roster import Agency, read_roster
from .template.build import layout_for
from .template.render import render_template

DATA = Path(__file__).parent / "data"
ROSTER_FILE = DATA / "示例县名册.csv"
SEED_FILE = DATA / "娲城街道办事处_2025年政府信息公开工作年度报告.txt"
YEAR = 2025
COUNTY = "示例县"
COUNTY_CODE = "11339999000000001X"
PREVIOUS_CONSOLIDATED = f"上年汇总/{consolidated_filename(YEAR - 1, COUNTY)}"  # last year's, the cross-year reference
COORDINATOR = "示例县政务公开办 <zwgk@example.gov.cn>"
BUSY = ("示例县公安局", "示例县自然资源和规划局", "示例县住房和城乡建设局", "示例县人力资源和社会保障局",
        "示例县市场监督管理局")
SEED_AGENCY = "娲城街道办事处"
CHINA = timezone(timedelta(hours=8))

# the results of an application, and how often each happens in a county (weights)
RESULT_WEIGHTS = {"open": 40, "partial": 10, "deny_4": 3, "deny_6": 2, "deny_8": 2, "unable_1": 25, "unable_2": 3,
                  "unable_3": 2, "noproc_1": 5, "noproc_2": 3, "other_1": 2, "other_3": 1}
APPLICANT_WEIGHTS = {"natural": 85, "commercial": 8, "research": 1, "charity": 1, "legal": 4, "other_org": 1}
CONTACTS = ("王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周婷", "吴强")


@dataclass
class FilledReturn:
    agency: Agency
    year: int
    values: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    def workbook(self) -> bytes:
        return render_template(year=self.year, agency=self.agency, values=self.values, texts=self.texts,
                               meta=self.meta)


def roster() -> list[Agency]:
    return read_roster(ROSTER_FILE)


# ------------------------------------------------------------------------------------------ plausible numbers
def _split(rng: random.Random, total: int, weights: dict[str, int]) -> dict[str, int]:
    keys = list(weights)
    counts = dict.fromkeys(keys, 0)
    for _ in range(total):
        counts[rng.choices(keys, weights=[weights[k] for k in keys])[0]] += 1
    return counts


def _returns_for(year: int, agencies: list[Agency], carried_in: dict[str, dict[str, int]]) -> dict[str, FilledReturn]:
    """Every agency's return for ``year``; ``carried_in`` is last year's 结转下年度 per agency and column."""
    rng = random.Random(year * 7919)
    t3, t4 = CURRENT_FORM.table3, CURRENT_FORM.table4
    returns: dict[str, FilledReturn] = {}
    for index, agency in enumerate(agencies):
        values: dict = {}
        busy = agency.name in BUSY
        if agency.name != SEED_AGENCY:
            new_total = rng.randint(15, 60) if busy else (rng.choice((0, 0, 0, 1, 2, 3, 5)) if agency.category == "部门"
                                                          else rng.choice((0, 0, 0, 0, 1, 2)))
            new = _split(rng, new_total, APPLICANT_WEIGHTS)
            carry_in = carried_in.get(agency.code, {})
            for column, count in new.items():
                values[t3.item_id("new", column)] = count
                incoming = carry_in.get(column, 0)
                values[t3.item_id("carry_in", column)] = incoming
                pending = rng.choice((0, 0, 0, 1)) if busy and count else 0
                values[t3.item_id("carry_out", column)] = pending
                for result, n in _split(rng, count + incoming - pending, RESULT_WEIGHTS).items():
                    values[t3.item_id(result, column)] = n
            if agency.category == "部门":
                values["t2_norm_issued"] = rng.randint(0, 4)
                values["t2_norm_repealed"] = rng.randint(0, 2)
                values["t2_norm_valid"] = rng.randint(5, 40)
                values["t2_license"] = rng.randint(200, 3000) if busy else rng.randint(0, 300)
                values["t2_penalty"] = rng.randint(50, 900) if busy else rng.randint(0, 40)
                values["t2_coercion"] = rng.randint(0, 60) if busy else 0
                values["t2_fee"] = Decimal(rng.randint(0, 2_000_000)) / 10000 if busy else Decimal(0)
            else:
                values["t2_penalty"] = rng.randint(0, 15)
            if busy:
                review = _split(rng, rng.randint(0, 4), {"upheld": 5, "corrected": 1, "other": 1, "pending": 1})
                direct = _split(rng, rng.randint(0, 2), {"upheld": 4, "corrected": 1, "other": 1, "pending": 1})
                for column, n in review.items():
                    values[t4.item_id("review", column)] = n
                for column, n in direct.items():
                    values[t4.item_id("suit_direct", column)] = n
        text_id = CURRENT_FORM.text_id
        texts = {
            text_id(TextRole.OVERVIEW): f"{year}年，{agency.name}认真贯彻《中华人民共和国政府信息公开条例》，"
                                        f"坚持“公开为常态、不公开为例外”，"
                                        f"围绕中心工作做好主动公开、依申请公开、政府信息管理、平台建设和监督保障等工作。",
            text_id(TextRole.PROBLEMS): "存在的主要问题：政策解读形式较为单一。改进措施：丰富图解、问答等解读形式，提升公开质量。",
            text_id(TextRole.OTHER): "本年度未收取信息处理费。",
        }
        meta = contact_fields(CONTACTS[index % len(CONTACTS)], f"0571-8{index:03d}{year % 100:02d}00",
                              f"{year + 1}-01-{10 + index % 18:02d}")
        returns[agency.code] = FilledReturn(agency, year, values, texts, meta)
    return returns


def contact_fields(contact: str, phone: str, filled: str) -> dict[str, str]:
    """The contact fields an office types (填报人, 联系电话, 填报日期), keyed by their ids in the form."""
    return {CURRENT_FORM.meta_id(role): text
            for role, text in ((MetaRole.CONTACT, contact), (MetaRole.PHONE, phone), (MetaRole.DATE, filled))}


def _carried_out(returns: dict[str, FilledReturn]) -> dict[str, dict[str, int]]:
    t3 = CURRENT_FORM.table3
    return {code: {c.key: r.values.get(t3.item_id("carry_out", c.key), 0) for c in t3.columns}
            for code, r in returns.items()}


def seed_return(agency: Agency) -> FilledReturn:
    """娲城街道办事处 2025 exactly as published (read with the report importer)."""
    from .importer import import_report

    imported = import_report(SEED_FILE, year=YEAR, agency=agency)
    report = imported.report
    inputs = {item.id: report.values.get(item.id, 0) for item in CURRENT_FORM.input_items}
    return FilledReturn(agency, YEAR, inputs, dict(report.texts),
                        contact_fields("娲城街道党政办", "0571-80000000", "2026-01-16"))


def county_returns() -> tuple[dict[str, FilledReturn], dict[str, FilledReturn]]:
    """(2024 returns, 2025 returns) of every roster agency; 2025's 上年结转 equals 2024's 结转下年度."""
    agencies = roster()
    previous = _returns_for(YEAR - 1, agencies, {})
    current = _returns_for(YEAR, agencies, _carried_out(previous))
    seed_agency = next(a for a in agencies if a.name == SEED_AGENCY)
    current[seed_agency.code] = seed_return(seed_agency)
    previous[seed_agency.code] = FilledReturn(seed_agency, YEAR - 1, {}, current[seed_agency.code].texts,
                                              current[seed_agency.code].meta)
    return previous, current


# ------------------------------------------------------------------------------------------ how returns arrive
def type_over(workbook: bytes, item_id: str, value: int) -> bytes:
    """The workbook as Excel saves it after someone typed a number over a total's formula."""
    layout = layout_for(CURRENT_FORM)
    sheet_name, row, col = layout.positions[item_id]
    part = f"xl/worksheets/sheet{[s.name for s in layout.sheets].index(sheet_name) + 1}.xml"
    from xlsxwriter.utility import xl_rowcol_to_cell

    ref = xl_rowcol_to_cell(row, col).encode()
    pattern = re.compile(rb'<c r="' + ref + rb'"([^>]*)><f>[^<]*</f><v>[^<]*</v></c>')
    return _rewrite_part(workbook, part, lambda xml: pattern.sub(
        lambda m: b'<c r="' + ref + b'"' + m.group(1) + b"><v>" + str(value).encode() + b"</v></c>", xml, count=1))


def _rewrite_part(workbook: bytes, part: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                data = change(data)
            zout.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


class _GbkName(zipfile.ZipInfo):
    """A zip entry named the way Windows' 'Send to → Compressed folder' names it on a Chinese system."""

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's own hook
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def windows_zip(files: dict[str, bytes], when: datetime) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = _GbkName(name, when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def email_with(sender: str, subject: str, when: datetime, attachments: dict[str, bytes], *,
               body: str = "", outlook_names: bool = False) -> bytes:
    """An e-mail as an office sends it; ``outlook_names`` encodes file names RFC 2047-style (=?GBK?B?…?=)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = COORDINATOR
    message["Subject"] = subject
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<{when:%Y%m%d%H%M%S}.{_stable_hash(subject) % 10**8}@example.gov.cn>"
    message.set_content(body or "您好！附件是我单位的政府信息公开工作年度报告，请审核。")
    for name, data in attachments.items():
        maintype, subtype = ("application", "pdf") if name.endswith(".pdf") else \
            ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
        if outlook_names:
            # as Outlook and Foxmail write them: one RFC 2047 encoded word in GBK, stored raw (not re-encoded)
            part = list(message.iter_attachments())[-1]
            encoded = "=?GBK?B?" + base64.b64encode(name.encode("gbk")).decode("ascii") + "?="
            del part["Content-Disposition"]
            del part["Content-Type"]
            part.set_raw("Content-Type", f'{maintype}/{subtype}; name="{encoded}"')
            part.set_raw("Content-Disposition", f'attachment; filename="{encoded}"')
    message.set_boundary(f"==gongkai-sample-{_stable_hash(subject + sender) % 10**10:010d}==")
    return message.as_bytes()


def _stable_hash(text: str) -> int:
    import hashlib

    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:10], 16)


@dataclass
class SampleSet:
    """The files of the sample county, by relative path."""

    files: dict[str, bytes]
    story: list[tuple[str, str]]  # (file, what it shows)


def build() -> SampleSet:
    """Every sample file, in memory."""
    agencies = roster()
    by_name = {a.name: a for a in agencies}
    previous, current = county_returns()
    files: dict[str, bytes] = {"示例县名册.csv": ROSTER_FILE.read_bytes()}
    story: list[tuple[str, str]] = [("示例县名册.csv", f"名册：{len(agencies)} 个单位（部门、乡镇、街道）")]
    inbox = "收件箱"
    day = datetime(YEAR + 1, 1, 12, 9, 30, tzinfo=CHINA)

    def mail(name: str, agency: Agency, attachments: dict[str, bytes], offset_hours: int, note: str,
             subject: str = "", outlook: bool = False) -> None:
        when = day + timedelta(hours=offset_hours)
        sender = f"{agency.name} <{agency.email or 'office@example.gov.cn'}>"
        files[f"{inbox}/{name}"] = email_with(sender, subject or f"报送：{agency.name}{YEAR}年政府信息公开工作年度报告",
                                             when, attachments, outlook_names=outlook)
        story.append((f"{inbox}/{name}", note))

    def book(agency: Agency) -> str:
        return f"{YEAR}年政府信息公开工作年度报告_{agency.name}.xlsx"

    special = {"城东街道办事处", "城西街道办事处", "青石镇人民政府", "示例县教育局", "示例县民政局", "示例县公安局",
               "示例县商务局", "示例县审计局", "云台乡人民政府", "示例县科学技术局"}
    hour = 0
    for agency in agencies:
        if agency.name in special:
            continue
        hour += 5
        outlook = hour % 3 == 0
        mail(f"{hour:03d}_{agency.name}.eml", agency, {book(agency): current[agency.code].workbook()}, hour,
             f"{agency.name}：按时报送，数据无误" + ("（附件名按 RFC 2047 编码，Outlook 风格）" if outlook else ""),
             outlook=outlook)
    towns = [by_name[n] for n in ("城东街道办事处", "城西街道办事处", "青石镇人民政府")]
    zipped = windows_zip({book(a): current[a.code].workbook() for a in towns},
                         datetime(YEAR + 1, 1, 18, 16, 0))
    files[f"{inbox}/乡镇街道年报（汇总上报）.zip"] = zipped
    story.append((f"{inbox}/乡镇街道年报（汇总上报）.zip", "三个街道/乡镇打包的压缩包，Windows 中文系统生成（GBK 文件名）"))

    education = by_name["示例县教育局"]
    wrong = dict(current[education.code].values)
    wrong["t3_open_natural"] = wrong.get("t3_open_natural", 0) + 1
    first = FilledReturn(education, YEAR, wrong, current[education.code].texts, current[education.code].meta)
    mail("201_示例县教育局（第一版）.eml", education, {book(education): first.workbook()}, 200,
         "示例县教育局第一版：表三勾稽关系不平（予以公开多填 1 件）")
    mail("260_示例县教育局（更正版）.eml", education, {book(education).replace(".xlsx", "（更正）.xlsx"):
                                              current[education.code].workbook()}, 260,
         "示例县教育局更正版：后发的版本替代第一版", subject=f"【更正】{education.name}{YEAR}年年报")

    civil = by_name["示例县民政局"]
    broken = dict(current[civil.code].values)
    broken["t3_new_natural"] = broken.get("t3_new_natural", 0) + 2
    mail("210_示例县民政局.eml", civil,
         {book(civil): FilledReturn(civil, YEAR, broken, current[civil.code].texts, current[civil.code].meta).workbook()},
         210, "示例县民政局：本年新收多填 2 件，勾稽关系不平（有错误，不计入汇总，生成退回意见）")

    police = by_name["示例县公安局"]
    open_total = CURRENT_FORM.complete_values(current[police.code].values)["t3_open_total"]
    typed = type_over(current[police.code].workbook(), "t3_open_total", int(open_total) + 5)
    mail("220_示例县公安局.eml", police, {book(police): typed}, 220,
         "示例县公安局：手工改写了“予以公开”行的总计（比各列之和多 5），行合计不平")

    commerce = by_name["示例县商务局"]
    mail("230_示例县商务局.eml", commerce, {book(commerce).replace(str(YEAR), str(YEAR - 1)):
                                          previous[commerce.code].workbook()}, 230,
         "示例县商务局：误发了上一年度（2024）的报表，年度不符")

    science = by_name["示例县科学技术局"]
    mail("240_示例县科学技术局.eml", science,
         {book(science): current[science.code].workbook(), "年报正文（扫描件）.pdf": _fake_pdf(science.name)}, 240,
         "示例县科学技术局：附件里除了报表还有一份扫描的 PDF（不是报表，列为“附件（非报表）”，不影响校验结论）")

    stranger = Agency("12339999MB00000777", "示例县档案馆", "事业单位")
    nothing = FilledReturn(stranger, YEAR, {}, {CURRENT_FORM.text_id(TextRole.OVERVIEW): "本馆本年度未收到政府信息公开申请。"},
                           contact_fields("档案馆办公室", "0571-80000250", f"{YEAR + 1}-01-22"))
    mail("250_示例县档案馆.eml", stranger, {book(stranger): nothing.workbook()}, 250,
         "示例县档案馆：不在名册中（名册外单位）")
    story.append(("（无文件）", "云台乡人民政府、示例县审计局：未报送"))

    files.update(_previous_consolidation(previous))
    story.append((PREVIOUS_CONSOLIDATED,
                  f"{YEAR - 1}年度全县汇总表，用于跨年度校验（本年“上年结转”应等于上年“结转下年度”）"))
    files["README.md"] = _readme(story).encode("utf-8")
    return SampleSet(files, story)


def _fake_pdf(title: str) -> bytes:
    return (f"%PDF-1.4\n% {title}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
            .encode("utf-8"))


def _previous_consolidation(previous: dict[str, FilledReturn]) -> dict[str, bytes]:
    from .consolidate.merge import merge_inbox
    from .consolidate.workbook import render_consolidated

    with tempfile.TemporaryDirectory() as tmp:
        for filled in previous.values():
            (Path(tmp) / f"{filled.agency.code}.xlsx").write_bytes(filled.workbook())
        result = merge_inbox([tmp], year=YEAR - 1, roster=roster(), unit_name=COUNTY, unit_code=COUNTY_CODE,
                             workers=1)
        # file paths are temporary: name the sources by agency so the workbook is the same on every machine
        for entry in result.entries:
            entry.submission.name = f"{YEAR - 1}年报_{entry.agency.name if entry.agency else ''}.xlsx"
        data = render_consolidated(result)
    return {PREVIOUS_CONSOLIDATED: data}


def _readme(story: list[tuple[str, str]]) -> str:
    lines = [f"# 示例县 {YEAR} 年度：样例数据", "",
             "由 `gongkai-xlsx samples -o samples/` 生成（确定性生成，测试会检查是否最新）。数字为虚构，"
             "娲城街道办事处的数据和文字取自其真实公开的 2025 年年报。", "",
             "| 文件 | 说明 |", "|---|---|"]
    lines += [f"| `{name}` | {what} |" for name, what in story]
    lines += ["", "试一试：", "", "```bash",
              f"gongkai-xlsx verify samples/收件箱 --year {YEAR} --feedback 退回意见/",
              f"gongkai-xlsx merge samples/收件箱 --year {YEAR} --roster samples/示例县名册.csv --unit-name {COUNTY} "
              f"--previous samples/{PREVIOUS_CONSOLIDATED} -o 汇总.xlsx",
              "```", ""]
    return "\n".join(lines)


def write_samples(out_dir: str | Path) -> list[Path]:
    """Write the sample set under ``out_dir``; return the files written."""
    out = Path(out_dir)
    written = []
    for name, data in build().files.items():
        path = out / name
        write_atomically(path, data)
        written.append(path)
    return written
