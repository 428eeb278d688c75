"""Trust under attack and accident (issue #17): a hostile corpus built here, one test class per defect class.

Each builder makes a file the way a careless office, a wrong clock or a hostile sender would; each test says
what the user must see instead of a silent loss, a double count or a traceback.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import stat
import subprocess
import sys
import textwrap
import zipfile
import zlib
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from forms import SMALL_TOWN, parse_tables
from gongkai_xlsx.cli import app
from gongkai_xlsx.roster import Agency

YEAR = 2025
CHINA = timezone(timedelta(hours=8))
VALUES = parse_tables(SMALL_TOWN)
A = Agency("11339999100000011A", "示例县甲局", "部门")
B = Agency("11339999100000022B", "示例县乙局", "部门")
ROSTER_TEXT = "机构代码,机构名称,类别\n" + "".join(f"{a.code},{a.name},{a.category}\n" for a in (A, B))


# ------------------------------------------------------------------------------------------ the corpus
def filled(agency: Agency | None, values=None, *, meta=None, texts=None) -> bytes:
    """A return as an office fills it: the template of ``agency`` (None: a blank template) with values."""
    from gongkai_xlsx.template.render import render_template

    meta = {"meta_contact": "王芳", "meta_date": "2026-01-10", **(meta or {})}
    return render_template(year=YEAR, agency=agency, values=VALUES if values is None else values, meta=meta,
                           texts=texts or {})


def scaled(factor: int) -> dict:
    return {key: value * factor for key, value in VALUES.items()}


def rewrite_part(data: bytes, part: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info)
            zout.writestr(info.filename, change(content) if info.filename == part else content)
    return out.getvalue()


def typed_over_identity(template_of: Agency, typed: Agency, values=None) -> bytes:
    """``typed`` filled in ``template_of``'s template and typed its own name and code over the identity cells
    (the stamp in the document properties still names ``template_of``)."""
    data = filled(template_of, values)

    def retype(xml: bytes) -> bytes:
        return xml.replace(template_of.name.encode(), typed.name.encode()).replace(
            template_of.code.encode(), typed.code.encode())

    return rewrite_part(data, "xl/sharedStrings.xml", retype)


def mail(sender: str, when: datetime, attachments: dict[str, bytes], *, subject: str = "报送年报") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "zwgk@example.gov.cn"
    message["Subject"] = subject
    message["Date"] = format_datetime(when)
    message.set_content("附件是年报。")
    for name, data in attachments.items():
        message.add_attachment(data, maintype="application",
                               subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename=name)
    return message.as_bytes()


def raw_mail(attachment_headers: bytes, payload: bytes, *, when: str = "Mon, 12 Jan 2026 10:00:00 +0800") -> bytes:
    """An e-mail written byte by byte, for headers no library would write (raw GBK names, no name at all)."""
    body = base64.encodebytes(payload)
    return (b"From: office@example.cn\r\nTo: zwgk@example.gov.cn\r\nSubject: report\r\nDate: " + when.encode()
            + b"\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n--XX\r\n" + attachment_headers
            + b"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body + b"\r\n--XX--\r\n")


def merged(paths, **options):
    from gongkai_xlsx.consolidate.merge import merge_inbox

    options.setdefault("year", YEAR)
    options.setdefault("workers", 1)
    return merge_inbox([str(p) for p in paths], **options)


def statuses(result) -> dict[str, str]:
    return {e.submission.name: e.status for e in result.entries}


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def json_of(result) -> dict:
    return json.loads(result.stdout_bytes.decode("utf-8"))  # strict: the JSON must be valid UTF-8


def roster_file(tmp_path: Path, text: str = ROSTER_TEXT) -> Path:
    path = tmp_path / "名册.csv"
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ 1. the empty key
def test_two_returns_without_any_identity_are_not_one_agency(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(filled(None, scaled(1)))
    (tmp_path / "b.xlsx").write_bytes(filled(None, scaled(2)))
    result = merged([tmp_path])
    assert "superseded" not in statuses(result).values()
    assert set(statuses(result).values()) == {"unidentified"}
    for entry in result.entries:
        assert "IDENTITY_UNKNOWN" in {f.code for f in entry.result.findings}
    assert result.members == [] and result.totals["t3_new_total"] == 0


def test_two_consolidated_workbooks_without_unit_identity_are_both_refused_loudly(tmp_path):
    from gongkai_xlsx.consolidate.workbook import render_consolidated

    for county, factor in (("一县", 1), ("二县", 3)):
        inbox = tmp_path / county
        inbox.mkdir()
        (inbox / "r.xlsx").write_bytes(filled(Agency(f"1133{factor:014d}", f"{county}某局"), scaled(factor)))
        (tmp_path / f"{county}汇总.xlsx").write_bytes(render_consolidated(merged([inbox])))  # no --unit-name
    cli = invoke("merge", str(tmp_path / "一县汇总.xlsx"), str(tmp_path / "二县汇总.xlsx"), "--year", str(YEAR),
                 "-o", str(tmp_path / "市.xlsx"), "--json")
    assert cli.exit_code == 1, cli.output
    document = json_of(cli)
    assert document["counts"]["superseded"] == 0 and document["counts"]["unidentified"] == 2


def test_a_detail_row_without_code_and_name_does_not_end_the_reading(tmp_path):
    from gongkai_xlsx.consolidate.workbook import render_consolidated
    from gongkai_xlsx.consolidate.export import consolidated_frame

    for number in range(3):
        agency = Agency(f"1133999910000{number:05d}", f"某局{number}")
        (tmp_path / f"{number}.xlsx").write_bytes(filled(agency, scaled(number + 1)))
    result = merged([tmp_path], unit_name="某县", unit_code="11339999000000001X")
    result.members[1].agency = Agency("", "", "部门")  # a row somebody blanked out
    path = tmp_path / "county.xlsx"
    path.write_bytes(render_consolidated(result))
    frame = consolidated_frame(path)
    assert frame["agency_code"].nunique(dropna=False) == 3
    assert len(frame) == 3 * len(set(frame["id"]))
    expected = sum(VALUES.get("t3_new_natural", 0) * f for f in (1, 2, 3))
    assert frame[frame["id"] == "t3_new_natural"]["value"].sum() == expected


# ------------------------------------------------------------------------------------------ 2. our own outputs
def test_a_consolidated_workbook_in_the_inbox_is_not_counted_again(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "a.xlsx").write_bytes(filled(A))
    (inbox / "b.xlsx").write_bytes(filled(B))
    roster = roster_file(tmp_path)
    output = inbox / "汇总.xlsx"
    args = ["merge", str(inbox), "--year", str(YEAR), "--roster", str(roster), "--unit-name", "示例县", "--json"]
    first = invoke(*args, "-o", str(output))
    assert first.exit_code == 0, first.output
    again = invoke(*args, "-o", str(output), "--force")
    assert again.exit_code == 0, again.output
    assert json_of(again)["totals"]["t3_new_total"] == json_of(first)["totals"]["t3_new_total"]
    # written under another name: still our own (its unit is the one being written)
    other = invoke(*args, "-o", str(tmp_path / "汇总2.xlsx"))
    document = json_of(other)
    assert document["totals"]["t3_new_total"] == json_of(first)["totals"]["t3_new_total"]
    assert document["counts"]["own_output"] == 1
    # a lower level's genuine submission (another unit) is still counted by the next level
    city = invoke("merge", str(output), "--year", str(YEAR), "--unit-name", "示例市", "-o",
                  str(tmp_path / "市.xlsx"), "--json")
    assert json_of(city)["totals"]["t3_new_total"] == json_of(first)["totals"]["t3_new_total"]


def test_feedback_workbooks_in_the_inbox_are_not_returns(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    wrong = dict(VALUES, t3_new_natural=VALUES["t3_new_natural"] + 5)  # does not balance: an error
    (inbox / "1.eml").write_bytes(mail("甲局 <a@x.cn>", datetime(2026, 1, 10, 9, tzinfo=CHINA),
                                       {"甲局年报.xlsx": filled(A, wrong)}))
    verified = invoke("verify", str(inbox), "--year", str(YEAR), "--feedback", str(inbox / "退回意见"))
    assert verified.exit_code == 1, verified.output
    assert list((inbox / "退回意见").iterdir())
    (inbox / "2.eml").write_bytes(mail("甲局 <a@x.cn>", datetime(2026, 1, 20, 9, tzinfo=CHINA),
                                       {"甲局年报（更正）.xlsx": filled(A)}))
    result = merged([inbox], roster=[A])
    counted = [m.entry.submission.name for m in result.members]
    assert counted == ["2.eml › 甲局年报（更正）.xlsx"]
    own = [e for e in result.entries if e.status == "own_output"]  # the workbook, and the one in its reply draft
    assert own and all("退回意见" in e.submission.source for e in own)
    assert all("OWN_OUTPUT" in {f.code for f in e.result.findings} for e in own)


def test_a_feedback_copy_the_office_corrected_and_sent_back_is_a_return(tmp_path):
    from gongkai_xlsx.check.feedback import render_feedback
    from gongkai_xlsx.read.returned import read_bytes
    from gongkai_xlsx.check.verify import FileResult, verify_report

    wrong = dict(VALUES, t3_new_natural=VALUES["t3_new_natural"] + 5)
    report = read_bytes(filled(A, wrong), "甲局.xlsx")
    feedback = render_feedback(FileResult("甲局.xlsx", "0" * 64, "errors", verify_report(report), report))
    corrected = rewrite_part(feedback, "docProps/custom.xml", lambda xml: xml)  # same bytes, as a control
    from gongkai_xlsx.read.returned import read_bytes as read

    assert read(corrected, "x.xlsx").values == report.values
    (tmp_path / "back.eml").write_bytes(mail("甲局 <a@x.cn>", datetime(2026, 1, 20, tzinfo=CHINA),
                                             {"甲局_校验意见.xlsx": edited_feedback(feedback)}))
    result = merged([tmp_path], roster=[A])
    assert [e.status for e in result.entries] == ["included"]


def edited_feedback(feedback: bytes) -> bytes:
    """The feedback copy with 表三's 自然人 new applications corrected (as the office would type it)."""
    from gongkai_xlsx.read.returned import read_bytes

    report = read_bytes(feedback, "f.xlsx")
    sheet, cell = report.where("t3_new_natural")
    workbook_part = f"xl/worksheets/sheet{_sheet_index(feedback, sheet)}.xml"
    wrong = VALUES["t3_new_natural"] + 5

    def fix(xml: bytes) -> bytes:
        pattern = re.compile(rb'(<c r="' + cell.encode() + rb'"[^>]*>)<v>' + str(wrong).encode() + rb"</v>")
        assert pattern.search(xml)
        return pattern.sub(rb"\g<1><v>" + str(VALUES["t3_new_natural"]).encode() + rb"</v>", xml)

    return rewrite_part(feedback, workbook_part, fix)


def _sheet_index(data: bytes, sheet_name: str) -> int:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return workbook.sheetnames.index(sheet_name) + 1


# ------------------------------------------------------------------------------------------ 3. typed identity
def test_office_b_in_office_as_template_is_bs_return_and_as_own_stays_as(tmp_path):
    (tmp_path / "a.eml").write_bytes(mail("甲局 <a@x.cn>", datetime(2026, 1, 10, tzinfo=CHINA),
                                          {"甲局.xlsx": filled(A, scaled(1))}))
    (tmp_path / "b.eml").write_bytes(mail("乙局 <b@x.cn>", datetime(2026, 1, 15, tzinfo=CHINA),
                                          {"乙局.xlsx": typed_over_identity(A, B, scaled(2))}))
    for roster in ([A, B], None):
        result = merged([tmp_path], roster=roster)
        by_code = {m.agency.code: m for m in result.members}
        assert set(by_code) == {A.code, B.code}, statuses(result)
        assert by_code[A.code].values["t3_new_natural"] == VALUES["t3_new_natural"]
        assert by_code[B.code].values["t3_new_natural"] == 2 * VALUES["t3_new_natural"]
        assert result.missing == []
        b_entry = by_code[B.code].entry
        assert "AGENCY_MISMATCH" in {f.code for f in b_entry.result.findings}


def test_a_return_whose_typed_code_and_name_name_two_roster_agencies_is_refused(tmp_path):
    # the code of A (locked in A's template), the name of B typed over A's
    data = rewrite_part(filled(A), "xl/sharedStrings.xml", lambda xml: xml.replace(A.name.encode(), B.name.encode()))
    (tmp_path / "x.xlsx").write_bytes(data)
    result = merged([tmp_path], roster=[A, B])
    (entry,) = result.entries
    assert entry.status == "unidentified"
    assert "IDENTITY_CONFLICT" in {f.code for f in entry.result.findings}


# ------------------------------------------------------------------------------------------ 4. future dates
def test_an_email_from_a_clock_in_the_future_does_not_win_over_the_real_correction(tmp_path):
    wrong = dict(VALUES, t3_new_natural=VALUES["t3_new_natural"] + 5)
    (tmp_path / "first.eml").write_bytes(mail("甲局 <a@x.cn>", datetime(2099, 3, 1, tzinfo=CHINA),
                                              {"甲局.xlsx": filled(A, wrong)}))
    (tmp_path / "second.eml").write_bytes(mail("甲局 <a@x.cn>", datetime(2026, 1, 20, tzinfo=CHINA),
                                               {"甲局（更正）.xlsx": filled(A)}))
    result = merged([tmp_path], roster=[A])
    assert statuses(result) == {"first.eml › 甲局.xlsx": "superseded", "second.eml › 甲局（更正）.xlsx": "included"}
    future = next(e for e in result.entries if e.submission.name.startswith("first"))
    assert "DATE_IN_FUTURE" in {f.code for f in future.result.findings}


# ------------------------------------------------------------------------------------------ 8. undecodable names
def test_a_file_named_in_raw_gbk_bytes_is_merged_verified_and_reported_in_utf8(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    raw = os.fsencode(inbox) + b"/" + "甲局年报：最终版.xlsx".encode("gbk")
    with open(raw, "wb") as handle:
        handle.write(filled(A, dict(VALUES, t3_new_natural=VALUES["t3_new_natural"] + 5)))
    out = tmp_path / "汇总.xlsx"
    merge = invoke("merge", str(inbox), "--year", str(YEAR), "-o", str(out), "--unit-name", "某县", "--json",
                   "--include-invalid", "--feedback", str(tmp_path / "意见"))
    assert merge.exit_code in (0, 1), merge.output
    document = json_of(merge)
    assert [row["file"] for row in document["status"]] == ["甲局年报：最终版.xlsx"]
    assert out.exists()
    verify = invoke("verify", str(inbox), "--json", "--feedback", str(tmp_path / "意见2"))
    assert verify.exit_code == 1, verify.output
    assert json_of(verify)["files"][0]["path"] == "甲局年报：最终版.xlsx"
    (written,) = (tmp_path / "意见2").glob("*.xlsx")
    # named by agency and date (issue 12); the decoded attachment name is what its 校验结果 sheet quotes
    assert written.name.startswith(A.name + "_") and ":" not in written.name
    assert "甲局年报：最终版.xlsx" in _feedback_header(written)


# ------------------------------------------------------------------------------------------ 9. archive bombs
BOUNDED = textwrap.dedent("""
    import resource, sys
    limit = int(sys.argv[1]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from gongkai_xlsx.cli import main
    sys.argv = ["gongkai-xlsx"] + sys.argv[2:]
    main()
""")


def run_bounded(megabytes: int, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """The CLI in a process that cannot take more than ``megabytes`` of address space."""
    return subprocess.run([sys.executable, "-c", BOUNDED, str(megabytes), *args], capture_output=True,
                          timeout=timeout, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def cli_baseline() -> int:
    """Address space the CLI needs to verify a plain workbook, so the bound is tight over it (MB)."""
    probe = subprocess.run([sys.executable, "-c", "import resource, gongkai_xlsx.cli, gongkai_xlsx.check.verify, "
                            "gongkai_xlsx.read.returned;print(open('/proc/self/status').read())"],
                           capture_output=True, text=True)
    size = next(line for line in probe.stdout.splitlines() if line.startswith("VmSize"))
    return int(size.split()[1]) // 1024


def test_a_small_archive_that_inflates_to_gigabytes_is_refused_in_bounded_memory(tmp_path):
    bomb = tmp_path / "收件箱" / "炸弹.zip"
    bomb.parent.mkdir()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        chunk = b"\0" * (45 * 1024 * 1024)
        for number in range(16):  # 16 × 45 MB: each member under the per-member limit, 720 MB in all
            archive.writestr(f"{number}.xlsx", chunk)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    (tmp_path / "收件箱" / "甲局.xlsx").write_bytes(filled(A))
    bound = cli_baseline() + 400
    done = run_bounded(bound, "verify", str(bomb.parent), "--json")
    assert done.returncode == 2, done.stderr.decode()[-2000:]
    document = json.loads(done.stdout.decode("utf-8"))
    refused = [f for f in document["files"] if f["path"].startswith("炸弹.zip")]
    assert len(refused) == 1 and "压缩包" in refused[0]["findings"][0]["message"]
    assert any(f["status"] == "ok" for f in document["files"])  # the rest of the inbox is still verified


# ------------------------------------------------------------------------------------------ 10. import bombs
def pdf_with_stream(content: bytes) -> bytes:
    """A one-page PDF whose content stream is ``content`` compressed (a few KB that inflate to much more)."""
    compressor = zlib.compressobj(9)
    packed = compressor.compress(content) + compressor.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


@pytest.mark.parametrize("kind", ["pdf", "text"])
def test_an_import_that_would_inflate_is_refused_in_bounded_memory_and_time(tmp_path, kind):
    if kind == "pdf":
        source = tmp_path / "年报.pdf"
        source.write_bytes(pdf_with_stream(b"BT /F1 12 Tf 0 0 Td (1) Tj ET\n" * (600 * 1024 * 1024 // 30)))
        assert source.stat().st_size < 3 * 1024 * 1024
    else:
        source = tmp_path / "年报.txt"
        source.write_bytes(("三、收到和处理政府信息公开申请情况 " + "1 " * (14 * 1024 * 1024)).encode())
    bound = cli_baseline() + 500
    for args in (["import-report", str(source), "-o", str(tmp_path / "out")], ["compare", str(source), str(source)]):
        done = run_bounded(bound, *args, timeout=40)
        stderr = done.stderr.decode("utf-8")
        assert done.returncode == 2, stderr[-2000:] + done.stdout.decode()[-2000:]
        assert "Traceback" not in stderr and "MemoryError" not in stderr
        assert "上限" in stderr + done.stdout.decode("utf-8")


# ------------------------------------------------------------------------------------------ 11. Excel's cell limit
def test_text_over_excels_cell_limit_is_cut_visibly_not_a_traceback(tmp_path):
    long_text = "情况说明" * 11_000  # 44,000 characters: Excel never wrote it, a crafted file can
    marker = "甲局的概述"
    data = rewrite_part(filled(A, texts={"text_overview": marker}), "xl/sharedStrings.xml",
                        lambda xml: xml.replace(marker.encode(), long_text.encode()))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "long.xlsx").write_bytes(data)
    verify = invoke("verify", str(tmp_path / "in"), "--json", "--feedback", str(tmp_path / "fb"))
    assert verify.exit_code in (0, 1), verify.output
    codes = {f["code"] for f in json_of(verify)["files"][0]["findings"]}
    assert "TEXT_TOO_LONG" in codes
    (feedback,) = (tmp_path / "fb").iterdir()
    workbook = openpyxl.load_workbook(feedback)
    texts = [c.value for ws in workbook for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("情况说明情况说明")]
    assert texts and all(len(t) <= 32_767 for t in texts) and all("截断" in t for t in texts)
    merge = invoke("merge", str(tmp_path / "in"), "--year", str(YEAR), "-o", str(tmp_path / "c.xlsx"))
    assert merge.exit_code in (0, 1) and (tmp_path / "c.xlsx").exists(), merge.output


# ------------------------------------------------------------------------------------------ 14. CSV injection
def test_csv_export_neutralises_formulas_but_keeps_numbers(tmp_path):
    from gongkai_xlsx.consolidate.workbook import render_consolidated

    hostile = Agency("11339999100000033C", '=HYPERLINK("http://x.cn","点击")', "+部门")
    negative = dict(VALUES, t2_norm_issued=-3)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.xlsx").write_bytes(filled(hostile, negative))
    result = merged([tmp_path / "in"], roster=[hostile], include_invalid=True, unit_name="某县")
    (tmp_path / "c.xlsx").write_bytes(render_consolidated(result))
    done = invoke("export", str(tmp_path / "c.xlsx"), "--format", "csv", "-o", str(tmp_path / "c.csv"))
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "c.csv").read_text(encoding="utf-8-sig"))))
    for row in rows:
        for key in ("agency", "category", "agency_code", "label"):
            assert not row[key].startswith(("=", "+", "-", "@", "\t", "\r")), row[key]
    assert rows[0]["agency"] == "'" + hostile.name and rows[0]["category"] == "'+部门"
    assert next(r["value"] for r in rows if r["id"] == "t2_norm_issued") == "-3"


# ------------------------------------------------------------------------------------------ 15. outputs vs inputs
def test_an_output_never_overwrites_an_input(tmp_path):
    from gongkai_xlsx.consolidate.workbook import render_consolidated

    one = tmp_path / "甲.xlsx"
    one.write_bytes(filled(A))
    before = one.read_bytes()
    done = invoke("merge", str(one), "--year", str(YEAR), "-o", str(one), "--force")
    assert done.exit_code == 2 and one.read_bytes() == before, done.output
    link = tmp_path / "别名.xlsx"
    os.link(one, link)
    done = invoke("merge", str(one), "--year", str(YEAR), "-o", str(link), "--force")
    assert done.exit_code == 2 and one.read_bytes() == before, done.output
    county = tmp_path / "county.xlsx"
    county.write_bytes(render_consolidated(merged([one], unit_name="某县")))
    kept = county.read_bytes()
    target = tmp_path / "data.csv"
    target.write_bytes(b"precious")
    assert invoke("export", str(county), "-o", str(target)).exit_code == 2 and target.read_bytes() == b"precious"
    assert invoke("export", str(county), "-o", str(target), "--force").exit_code == 0
    assert invoke("export", str(county), "-o", str(county), "--force").exit_code == 2
    assert county.read_bytes() == kept


# ------------------------------------------------------------------------------------------ 16. file names
def test_long_and_windows_invalid_names_give_valid_bounded_output_names(tmp_path):
    from gongkai_xlsx.files import safe_filename

    inbox = tmp_path / "in"
    inbox.mkdir()
    long_name = "甲" * 80 + ".xlsx"  # 245 bytes: the feedback name would pass 255
    assert len(long_name.encode()) > 240
    wrong = dict(VALUES, t3_new_natural=VALUES["t3_new_natural"] + 5)
    (inbox / "m.eml").write_bytes(mail("a@x.cn", datetime(2026, 1, 10, tzinfo=CHINA),
                                       {long_name: filled(A, wrong), 'a:b"c<d>e|f?g*.xlsx': filled(B, wrong),
                                        "CON.xlsx": filled(B, wrong)}))
    done = invoke("verify", str(inbox), "--json", "--feedback", str(tmp_path / "fb"))
    assert done.exit_code == 1, done.output
    names = sorted(p.name for p in (tmp_path / "fb").iterdir() if p.suffix == ".xlsx")
    assert len(names) == 2  # B's two attachments: only the one that counts is answered (issue 12)
    for name in names:
        assert len(name.encode()) <= 255 and not set(name) & set(':"<>|?*\\/')
        assert name.split(".")[0].upper() not in ("CON", "PRN", "AUX", "NUL")
    for hostile in ("CON", "nul.txt", "a" * 300, "x\x07y", "..", " .hidden. ", "COM1.tar.gz"):
        safe = safe_filename(hostile, ".xlsx")
        assert safe.endswith(".xlsx") and len(safe.encode()) <= 200
        assert safe.split(".")[0].upper() not in ("CON", "NUL", "COM1") and not re.search(r"[\x00-\x1f]", safe)
    agency = Agency("11339999100000044D", "某" * 63, "部门")
    roster = tmp_path / "r.csv"
    roster.write_text(f"机构代码,机构名称,类别\n{agency.code},{agency.name},部门\n", encoding="utf-8")
    made = invoke("template", "--year", str(YEAR), "--roster", str(roster), "-o", str(tmp_path / "t"))
    assert made.exit_code == 0, made.output
    (template,) = (tmp_path / "t").iterdir()
    assert len(template.name.encode()) <= 200


def test_the_consolidated_workbook_named_after_a_unit_with_a_slash_is_one_file_not_a_folder():
    from gongkai_xlsx.files import consolidated_filename

    assert consolidated_filename(2025, "示例县/开发区") == "2025年政府信息公开工作年度报告汇总_示例县_开发区.xlsx"
    assert consolidated_filename(2025, "") == "2025年政府信息公开工作年度报告汇总_汇总.xlsx"
    assert len(consolidated_filename(2025, "县" * 100).encode()) <= 200


# ------------------------------------------------------------------------------------------ 18. rosters
def test_a_stray_quote_in_a_roster_is_reported_naming_the_row(tmp_path):
    from gongkai_xlsx.errors import InputError
    from gongkai_xlsx.roster import read_roster

    lines = ["机构代码,机构名称,类别"] + [f"1133999910000{n:05d},某局{n},部门" for n in range(6)]
    lines[3] = lines[3].replace("某局2", '"某局2')
    path = roster_file(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        read_roster(path)
    assert "第4行" in caught.value.message and "引号" in caught.value.message
    big = ["机构代码,机构名称,类别", '1,"x,部门'] + [f"1133{n:014d},{'长' * 50},部门" for n in range(5000)]
    with pytest.raises(InputError) as caught:
        read_roster(roster_file(tmp_path, "\n".join(big) + "\n"))
    assert "第2行" in caught.value.message


def test_roster_codes_excel_turned_into_numbers_merged_categories_and_encryption(tmp_path):
    from gongkai_xlsx.errors import InputError
    from gongkai_xlsx.roster import read_roster

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["机构代码", "机构名称", "类别"])
    sheet.append(["11339999100000011A", "甲局", "部门"])
    sheet.append([113399991000002400, "乙局", None])  # an 18-digit code Excel stored as a number
    path = tmp_path / "名册.xlsx"
    workbook.save(path)
    with pytest.raises(InputError) as caught:
        read_roster(path)
    assert "第3行" in caught.value.message and "数字" in caught.value.message
    sheet["A3"] = "11339999100000022B"
    sheet.append(["11339999100000033C", "丙局", None])
    sheet.merge_cells("C2:C4")
    workbook.save(path)
    assert [a.category for a in read_roster(path)] == ["部门", "部门", "部门"]
    (tmp_path / "csv.csv").write_text("机构代码,机构名称,类别\n1.13399991000002E+17,乙局,部门\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_roster(tmp_path / "csv.csv")
    assert "第2行" in caught.value.message
    encrypted = tmp_path / "加密.xlsx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200 + "EncryptionInfo".encode("utf-16-le")
                          + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le"))
    with pytest.raises(InputError) as caught:
        read_roster(encrypted)
    assert "加密" in caught.value.message and "旧版" not in caught.value.message


# ------------------------------------------------------------------------------------------ 19. mail
def test_mail_attachment_names_in_raw_gbk_and_without_a_name_are_read(tmp_path):
    from gongkai_xlsx.read.intake import collect

    workbook = filled(A)
    raw_name = "甲局年报.xlsx".encode("gbk")
    (tmp_path / "gbk.eml").write_bytes(raw_mail(
        b'Content-Type: application/octet-stream; name="' + raw_name + b'"\r\n'
        b'Content-Disposition: attachment; filename="' + raw_name + b'"', workbook))
    (tmp_path / "noname.eml").write_bytes(raw_mail(
        b"Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n"
        b"Content-Disposition: attachment", workbook))
    found = {s.source.rsplit("/", 1)[-1]: s for s in collect([tmp_path])}
    assert found["gbk.eml"].member == "甲局年报.xlsx" and "\ufffd" not in found["gbk.eml"].name
    assert found["noname.eml"].data == workbook and found["noname.eml"].member.startswith("noname")
    wrong = dict(VALUES, t3_new_natural=VALUES["t3_new_natural"] + 5)
    (tmp_path / "gbk.eml").write_bytes(raw_mail(
        b'Content-Type: application/octet-stream; name="' + raw_name + b'"\r\n'
        b'Content-Disposition: attachment; filename="' + raw_name + b'"', filled(A, wrong)))
    done = invoke("verify", str(tmp_path / "gbk.eml"), "--feedback", str(tmp_path / "fb"))
    assert done.exit_code == 1
    (written,) = (tmp_path / "fb").glob("*.xlsx")
    assert written.name.startswith(A.name + "_") and "甲局年报.xlsx" in _feedback_header(written)


def test_winmail_dat_and_outlook_msg_say_what_to_ask_for(tmp_path):
    tnef = b"\x78\x9f\x3e\x22" + b"\0" * 200
    (tmp_path / "w.eml").write_bytes(raw_mail(
        b'Content-Type: application/ms-tnef; name="winmail.dat"\r\n'
        b'Content-Disposition: attachment; filename="winmail.dat"', tnef))
    msg = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200 + "__substg1.0_0037001F".encode("utf-16-le")
           + b"\0" * 200 + "__attach_version1.0_#00000000".encode("utf-16-le"))
    (tmp_path / "转发的邮件.msg").write_bytes(msg)
    done = invoke("verify", str(tmp_path), "--json")
    files = {f["path"]: f for f in json_of(done)["files"]}
    winmail = files["w.eml › winmail.dat"]["findings"][0]
    assert "winmail.dat" in winmail["message"] and "RTF" in winmail["hint"]
    outlook = files["转发的邮件.msg"]["findings"][0]
    assert "Outlook" in outlook["message"] and "附件" in outlook["hint"]


# ------------------------------------------------------------------------------------------ 20. modes, races, nothing to do
def test_outputs_keep_the_umask_and_force_keeps_the_mode(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.xlsx").write_bytes(filled(A))
    out = tmp_path / "c.xlsx"
    old = os.umask(0o022)
    try:
        assert invoke("merge", str(tmp_path / "in"), "--year", str(YEAR), "-o", str(out)).exit_code in (0, 1)
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        out.chmod(0o640)
        assert invoke("merge", str(tmp_path / "in"), "--year", str(YEAR), "-o", str(out), "--force").exit_code in (0, 1)
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_a_concurrent_merge_without_force_does_not_overwrite_a_file_made_meanwhile(tmp_path, monkeypatch):
    from gongkai_xlsx.consolidate import workbook as consolidate

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.xlsx").write_bytes(filled(A))
    out = tmp_path / "c.xlsx"
    real = consolidate.render_consolidated

    def render_while_another_writes(*args, **kwargs):
        out.write_bytes(b"the other run's workbook")
        return real(*args, **kwargs)

    monkeypatch.setattr(consolidate, "render_consolidated", render_while_another_writes)
    done = invoke("merge", str(tmp_path / "in"), "--year", str(YEAR), "-o", str(out))
    assert done.exit_code == 2 and out.read_bytes() == b"the other run's workbook", done.output


def test_nothing_to_do_is_not_success(tmp_path):
    (tmp_path / "empty").mkdir()
    assert invoke("verify", str(tmp_path / "empty")).exit_code == 2
    assert invoke("merge", str(tmp_path / "empty"), "--year", str(YEAR), "-o", str(tmp_path / "c.xlsx")).exit_code == 2
    assert not (tmp_path / "c.xlsx").exists()
    roster = roster_file(tmp_path, "机构代码,机构名称,类别\n")
    assert invoke("template", "--year", str(YEAR), "--roster", str(roster), "-o", str(tmp_path / "t")).exit_code == 2


# ------------------------------------------------------------------------------------------ #13: unit identity
def test_merge_without_unit_identity_says_what_to_pass(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.xlsx").write_bytes(filled(A))
    result = merged([tmp_path / "in"])
    assert [w.code for w in result.warnings] == ["UNIT_IDENTITY_MISSING"]
    assert "--unit-name" in result.warnings[0].hint
    assert merged([tmp_path / "in"], unit_name="某县", unit_code="11339999000000001X").warnings == []
    done = invoke("merge", str(tmp_path / "in"), "--year", str(YEAR), "-o", str(tmp_path / "c.xlsx"), "--json")
    assert [w["code"] for w in json_of(done)["warnings"]] == ["UNIT_IDENTITY_MISSING"]


def _feedback_header(path) -> str:
    """The lines above a feedback workbook's 校验结果 table (they name the returned file)."""
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return " ".join(str(c.value) for row in sheet.iter_rows(max_row=4) for c in row if c.value)
