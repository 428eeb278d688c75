"""The coordinator's desk, run as a coordinator runs it: the installed ``gongkai-xlsx`` in a subprocess, at 80 and
120 columns, on a UTF-8 terminal and on a GBK console (Chinese Windows), reading what it prints.

The inbox is built like a real one: a workbook with the signed PDF beside it in one e-mail, an office that sent
only its Word report, an office that sent both (differing in one number), a return of the wrong year, a roster
agency that never answered, and names carrying escape sequences and rich markup.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from forms import SMALL_TOWN, parse_tables
from test_import_inputs import Published, seed_sections, to_docx

from gongkai_xlsx.form import FORM_2021
from gongkai_xlsx.roster import Agency
from gongkai_xlsx.samples import email_with
from gongkai_xlsx.template.render import render_template

EXE = shutil.which("gongkai-xlsx", path=str(Path(sys.executable).parent)) or "gongkai-xlsx"
YEAR = 2025
WACHENG = Agency("113399991000002351", "娲城街道办事处", "街道", email="gk023@example.gov.cn")
BAISHA = Agency("11339999100000278E", "白沙镇人民政府", "乡镇", email="gk027@example.gov.cn")
LONGQUAN = Agency("113399991000002869", "龙泉镇人民政府", "乡镇", email="gk028@example.gov.cn")
TAOYUAN = Agency("113399991000002944", "桃源乡人民政府", "乡镇", email="gk029@example.gov.cn")
SHIMEN = Agency("11339999100000307R", "石门乡人民政府", "乡镇", email="gk030@example.gov.cn")
# a long name (a real one: 29 characters) that an 80-column table must not cut
LONG = Agency("11339999100000323F", "示例县人民政府国有资产监督管理委员会机关服务中心办公室", "部门",
              email="gk032@example.gov.cn")
ROSTER = (WACHENG, BAISHA, LONGQUAN, TAOYUAN, SHIMEN, LONG)
WHEN = datetime(2026, 1, 20, 9, 0, tzinfo=timezone(timedelta(hours=8)))
MARKUP = re.compile(r"\[/|\[(?:bold|green|red|yellow|cyan|dim|italic|link)\b[^\]]*\]")


def values(**changes):
    return {**parse_tables(SMALL_TOWN), **changes}


def workbook(agency: Agency, year: int = YEAR, **changes) -> bytes:
    return render_template(year=year, agency=agency, values=values(**changes))


def report_docx(agency: Agency, **changes) -> bytes:
    published = FORM_2021.complete_values(values(**changes))
    return to_docx(Published(agency.name, YEAR, published, seed_sections()))


def scanned_pdf() -> bytes:
    from PIL import Image
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (400, 560), "white").save(buffer, "PDF")
    return buffer.getvalue()


def book_name(agency: Agency) -> str:
    return f"{YEAR}年政府信息公开工作年度报告_{agency.name}.xlsx"


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("desk")
    inbox = root / "收件箱"
    inbox.mkdir()
    roster = "机构代码,机构名称,类别,上级,邮箱\n" + "".join(
        f"{a.code},{a.name},{a.category},示例县人民政府,{a.email}\n" for a in ROSTER)
    (root / "名册.csv").write_text(roster, encoding="utf-8-sig")

    def mail(name: str, sender: str, attachments: dict[str, bytes], hours: int = 0) -> None:
        (inbox / name).write_bytes(email_with(sender, f"报送：{name}", WHEN + timedelta(hours=hours), attachments))

    # the workbook (with an error) and the signed PDF, in one e-mail, from an address that is not the roster's
    mail("01_娲城.eml", "娲城街道 <wacheng.office@example.gov.cn>",
         {book_name(WACHENG): workbook(WACHENG, t3_new_natural=9), "年报（盖章版）.pdf": scanned_pdf()})
    # only the published report, as Word
    mail("02_白沙.eml", "白沙镇 <gk027@example.gov.cn>", {f"白沙镇人民政府{YEAR}年政府信息公开工作年度报告.docx": report_docx(BAISHA)})
    # the workbook and the Word report, which differs in one number
    mail("03_龙泉.eml", "龙泉镇 <gk028@example.gov.cn>",
         {book_name(LONGQUAN): workbook(LONGQUAN),
          f"龙泉镇人民政府{YEAR}年政府信息公开工作年度报告.docx": report_docx(LONGQUAN, t2_license=36)})
    # last year's workbook: a reminder too
    mail("04_石门.eml", "石门乡 <gk030@example.gov.cn>", {book_name(SHIMEN): workbook(SHIMEN, year=YEAR - 1)})
    # the long name, with a picture and a cover letter beside the workbook
    mail("05_国资.eml", "国资委 <gk032@example.gov.cn>",
         {book_name(LONG): workbook(LONG), "说明.txt": "您好，附件是我单位的年报，请查收。".encode(), "照片.jpg": b"\xff\xd8\xff\xe0" + bytes(200)})
    return root


def run(*args: str, columns: int = 80, env: dict | None = None, cwd: Path | None = None,
        shell_suffix: str = "") -> subprocess.CompletedProcess:
    """The installed command as a user runs it, output redirected (captured) as in a script or a pipe."""
    environment = {**os.environ, "COLUMNS": str(columns), "PYTHONIOENCODING": "utf-8", **(env or {})}
    environment.pop("FORCE_COLOR", None)
    if shell_suffix:
        command = " ".join(_quote(a) for a in (EXE, *args)) + " " + shell_suffix
        return subprocess.run(["bash", "-c", command], capture_output=True, env=environment, cwd=cwd, timeout=300)
    return subprocess.run([EXE, *args], capture_output=True, env=environment, cwd=cwd, timeout=300)


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def text_of(result: subprocess.CompletedProcess, encoding: str = "utf-8") -> str:
    return result.stdout.decode(encoding) + result.stderr.decode(encoding)


def assert_readable(output: str, names=(a.name for a in ROSTER)) -> None:
    """No markup leaks, no escape sequences, no traceback, and every agency named is named whole on one line."""
    assert not MARKUP.search(output), MARKUP.search(output).group(0)
    assert "\x1b" not in output and "Traceback" not in output
    lines = output.splitlines()
    for name in names:
        if name[:4] in output:  # named at all: then whole, on one line
            assert any(name in line for line in lines), f"{name} is cut or wrapped:\n{output}"


# ------------------------------------------------------------------------------------------ every command, read
@pytest.mark.parametrize("columns", [80, 120])
def test_every_commands_human_output_reads_well(desk, tmp_path, columns):
    inbox, roster = str(desk / "收件箱"), str(desk / "名册.csv")
    (tmp_path / "龙泉.xlsx").write_bytes(workbook(LONGQUAN))
    (tmp_path / "龙泉.docx").write_bytes(report_docx(LONGQUAN, t2_license=36))
    outputs = {
        "template": run("template", "-y", str(YEAR), "-o", str(tmp_path / "模板"), "-r", roster, columns=columns),
        "verify": run("verify", inbox, columns=columns),
        "verify -q": run("verify", inbox, "-q", columns=columns),
        "merge": run("merge", inbox, "-y", str(YEAR), "-r", roster, "-o", str(tmp_path / "汇总.xlsx"),
                     "--feedback", str(tmp_path / "退回"), columns=columns),
        "compare": run("compare", str(tmp_path / "龙泉.xlsx"), str(tmp_path / "龙泉.docx"), columns=columns),
        "import-report": run("import-report", str(tmp_path / "龙泉.docx"), "-o", str(tmp_path / "导入"),
                             columns=columns),
        "export": run("export", str(tmp_path / "汇总.xlsx"), "-o", str(tmp_path / "汇总.csv"), columns=columns),
        "samples": run("samples", "-o", str(tmp_path / "样例"), columns=columns),
        "publish": run("publish", str(tmp_path / "龙泉.xlsx"), "-o", str(tmp_path / "公开"), "-f", "docx,html",
                       columns=columns),
    }
    for command, result in outputs.items():
        output = text_of(result)
        assert_readable(output)
        assert result.returncode in (0, 1), f"{command}: {output}"
    verify_output = text_of(outputs["verify"])
    # rows named by agency first: the verdict is on the agency's line
    assert any(line.lstrip("│┃ ").startswith(WACHENG.name) and "有错误" in line for line in verify_output.splitlines())
    assert any(LONG.name in line and "通过" in line for line in verify_output.splitlines())


def test_quiet_prints_the_totals_and_what_needs_action(desk):
    output = text_of(run("verify", str(desk / "收件箱"), "-q"))
    assert_readable(output)
    assert WACHENG.name in output  # has errors
    assert LONG.name not in output  # passed: not listed
    assert "T3_BALANCE" not in output  # no finding details
    assert "共 " in output and "下一步" in output


def test_english_output_is_english_to_the_last_line(desk, tmp_path):
    """``--lang en`` (with -q, and with the 下一步 block): only names, addresses and paths from the data stay
    Chinese — every line of the tool's own words is English."""
    for quiet in ((), ("-q",)):
        output = text_of(run("verify", str(desk / "收件箱"), "--lang", "en", "--feedback", str(tmp_path / "fb"),
                             *quiet))
        assert_readable(output)
        assert "Next steps" in output and "下一步" not in output
        # the tool's own Chinese words (the data — agency names, addresses, file names — holds none of them)
        own_words = re.compile(r"错误|通过|下一步|已生成|发给|退回意见|无法读取|重新发送|邮件草稿|未识别单位|共 \d")
        assert [line for line in output.splitlines() if own_words.search(line)] == [], output


def test_the_next_steps_name_who_gets_what(desk, tmp_path):
    result = run("merge", str(desk / "收件箱"), "-y", str(YEAR), "-r", str(desk / "名册.csv"),
                 "-o", str(tmp_path / "汇总.xlsx"), "--feedback", str(tmp_path / "退回"), columns=80)
    output = text_of(result)
    assert_readable(output)
    steps = output.split("下一步", 1)[1]
    assert "wacheng.office@example.gov.cn" in steps and WACHENG.name in steps  # where the feedback goes
    assert TAOYUAN.name in steps and SHIMEN.name in steps  # not reported / wrong year: chase them
    assert "--unit-name" in steps and "--unit-code" in steps  # written without the unit's identity
    assert "UNIT_IDENTITY_MISSING" in output.split("下一步", 1)[0]  # merge's own warning is shown, not only in --json


# ------------------------------------------------------------------------------------------ what an inbox holds
def test_attachments_that_are_not_reports_never_fail_the_inbox(desk):
    result = run("verify", str(desk / "收件箱"), "--json")
    document = json.loads(result.stdout)
    assert result.returncode == 1  # 娲城 has errors; nothing is unreadable
    by_name = {Path(f["path"].split(" › ")[-1]).name: f for f in document["files"]}
    for name in ("年报（盖章版）.pdf", "说明.txt", "照片.jpg"):
        assert by_name[name]["status"] == "attachment"
        assert [f["severity"] for f in by_name[name]["findings"]] == ["notice"]
    assert document["summary"]["unreadable"] == 0 and document["summary"]["attachments"] == 3
    human = text_of(run("verify", str(desk / "收件箱")))
    assert "附件（非报表）" in human and "年报（盖章版）.pdf" in human


def test_a_container_we_cannot_open_is_unreadable_not_an_attachment(tmp_path):
    """A .rar or an Outlook .msg may hold the return: the office must resend it (never set aside as 非报表)."""
    (tmp_path / "rar.eml").write_bytes(email_with("某单位 <a@example.gov.cn>", "报送", WHEN, {
        "年报.rar": b"Rar!\x1a\x07\x00" + bytes(100), "年报.msg": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "报表.7z": b"7z\xbc\xaf\x27\x1c" + bytes(50)}))
    result = run("verify", str(tmp_path), "--json")
    assert result.returncode == 2
    assert {f["status"] for f in json.loads(result.stdout)["files"]} == {"unreadable"}


def test_published_reports_are_submissions_and_are_compared_with_the_workbook(desk, tmp_path):
    document = json.loads(run("verify", str(desk / "收件箱"), "--json").stdout)
    imported = [f for f in document["files"] if f["origin"] == "imported"]
    assert {f["agency"]["name"] for f in imported} == {BAISHA.name, LONGQUAN.name}
    baisha = next(f for f in imported if f["agency"]["name"] == BAISHA.name)
    assert baisha["status"] == "ok" and baisha["year"] == YEAR
    longquan = next(f for f in imported if f["agency"]["name"] == LONGQUAN.name)
    differs = [f for f in longquan["findings"] if f["code"] == "PUBLISHED_DIFFERS"]
    assert len(differs) == 1 and differs[0]["severity"] == "warning"
    assert {c["item"] for c in differs[0]["cells"]} == {"t2_license"}

    output = tmp_path / "汇总.xlsx"
    merged = json.loads(run("merge", str(desk / "收件箱"), "-y", str(YEAR), "-r", str(desk / "名册.csv"),
                            "-o", str(output), "--json").stdout)
    status = {(s["name"], s["file"]): s for s in merged["status"]}
    counted = {s["name"]: s for s in merged["status"] if s["status"] == "已报送·通过"}
    assert counted[BAISHA.name]["origin"] == "imported"  # counted from its published report
    assert counted[LONGQUAN.name]["file"].endswith(book_name(LONGQUAN))  # the workbook counts, not the report
    assert merged["totals"]["t2_license"] == 35 * 3  # 白沙, 龙泉 (its workbook: 35, not 36), 国资
    assert any(s["origin"] == "imported" and s["name"] == LONGQUAN.name for s in status.values())
    import openpyxl

    sheet = openpyxl.load_workbook(output, read_only=True)["报送情况"]
    rows = [[str(v or "") for v in row] for row in sheet.iter_rows(values_only=True)]
    assert any(BAISHA.name in row and any("由年报导入" in v for v in row) for row in rows)


# ------------------------------------------------------------------------------------------ drafts
def test_reply_and_reminder_drafts_are_ready_to_send(desk, tmp_path):
    feedback = tmp_path / "退回"
    args = ("merge", str(desk / "收件箱"), "-y", str(YEAR), "-r", str(desk / "名册.csv"),
            "--feedback", str(feedback))
    assert run(*args, "-o", str(tmp_path / "汇总.xlsx")).returncode == 1
    (draft_path,) = feedback.glob("*.eml")
    message = email.message_from_bytes(draft_path.read_bytes(), policy=email.policy.default)
    assert message["X-Unsent"] == "1"
    assert message["To"].addresses[0].addr_spec == "wacheng.office@example.gov.cn"
    assert message["Cc"].addresses[0].addr_spec == WACHENG.email
    assert WACHENG.name in message["Subject"] and str(YEAR) in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "表三" in body and "改正" in body
    (attachment,) = message.iter_attachments()
    workbook_path = draft_path.with_suffix(".xlsx")
    assert attachment.get_filename() == workbook_path.name
    assert attachment.get_content() == workbook_path.read_bytes()

    reminders = {email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["To"].addresses[0].addr_spec: p
                 for p in (feedback / "催报").glob("*.eml")}
    assert set(reminders) == {TAOYUAN.email, SHIMEN.email}
    reminder = email.message_from_bytes(reminders[TAOYUAN.email].read_bytes(), policy=email.policy.default)
    assert reminder["X-Unsent"] == "1" and TAOYUAN.name in reminder["Subject"]
    (template,) = reminder.iter_attachments()
    assert template.get_filename().endswith(".xlsx") and TAOYUAN.name in template.get_filename()
    from gongkai_xlsx.read.returned import read_bytes

    assert read_bytes(template.get_content(), "t.xlsx").stamp["agency_code"] == TAOYUAN.code

    # deterministic: a second run writes the same bytes
    before = {p.relative_to(feedback): p.read_bytes() for p in feedback.rglob("*.eml")}
    shutil.rmtree(feedback)
    run(*args, "-o", str(tmp_path / "汇总2.xlsx"))
    assert {p.relative_to(feedback): p.read_bytes() for p in feedback.rglob("*.eml")} == before


# ------------------------------------------------------------------------------------------ hostile consoles and names
GBK = {"PYTHONIOENCODING": "gbk", "LC_ALL": "C", "LANG": "C"}


def every_command(desk: Path, out: Path) -> dict[str, list[str]]:
    inbox, roster = str(desk / "收件箱"), str(desk / "名册.csv")
    return {
        "template": ["template", "-y", str(YEAR), "-o", str(out / "模板"), "-r", roster],
        "verify": ["verify", inbox, "--feedback", str(out / "退回v")],
        "merge": ["merge", inbox, "-y", str(YEAR), "-r", roster, "-o", str(out / "汇总.xlsx"),
                  "--feedback", str(out / "退回m")],
        "compare": ["compare", str(out / "汇总.xlsx"), str(out / "汇总.xlsx")],
        "import-report": ["import-report", str(desk / "白沙.docx"), "-o", str(out / "导入")],
        "export": ["export", str(out / "汇总.xlsx"), "-o", str(out / "汇总.csv")],
        "publish": ["publish", str(out / "汇总.xlsx"), "-o", str(out / "公开"), "-f", "docx,html"],
        "samples": ["samples", "-o", str(out / "样例")],
        "version": ["--version"],
    }


@pytest.mark.parametrize("as_json", [False, True])
def test_every_command_works_on_a_gbk_console_redirected(desk, tmp_path, as_json):
    (desk / "白沙.docx").write_bytes(report_docx(BAISHA))
    for name, args in every_command(desk, tmp_path).items():
        if as_json and name in ("samples", "version", "export"):
            continue
        extra = (["--json"] if as_json else []) + (["--force"] if name in ("template", "import-report", "publish")
                                                     else [])
        result = run(*args, *extra, env=GBK)
        output = result.stdout.decode("gbk") + result.stderr.decode("gbk")
        assert "Traceback" not in output and "UnicodeEncodeError" not in output, f"{name}: {output}"
        assert result.returncode in (0, 1), f"{name}: {output}"
        if as_json:
            json.loads(result.stdout.decode("gbk"))  # valid, whatever the console's encoding


def test_every_commands_help_works_on_a_gbk_console():
    for command in ("template", "verify", "merge", "export", "import-report", "compare", "publish", "samples", "demo"):
        result = run(command, "--help", env=GBK)
        output = result.stdout.decode("gbk")
        assert result.returncode == 0 and "Traceback" not in output and "--" in output, command


@pytest.mark.parametrize("args", [["verify"], ["verify", "--json"], ["compare", "--json"]])
def test_a_closed_stdout_ends_quietly(desk, args):
    inputs = [str(desk / "收件箱")] if args[0] == "verify" else [str(desk / "白沙.docx")] * 2
    (desk / "白沙.docx").write_bytes(report_docx(BAISHA))
    result = run(args[0], *inputs, *args[1:], shell_suffix=">&-")
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr and b"Error" not in result.stderr
    assert "标准输出已关闭" in result.stderr.decode()


def test_markup_and_escape_sequences_in_names_are_shown_as_typed(desk, tmp_path):
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    osc8 = "\x1b]8;;http://evil.example/\x07点我\x1b]8;;\x07"
    evil = Agency("11339999100000331A", "\x1b[31m红色\x1b[0m[bold]单位[/]", "部门", email="x@example.gov.cn")
    (hostile / "evil.eml").write_bytes(email_with(
        "\x1b[2J坏人 <bad@example.gov.cn>", "报送", WHEN,
        {f"{osc8}[green]表[/].xlsx": workbook(WACHENG, t3_new_natural=9)}))
    roster = tmp_path / "名册.csv"
    roster.write_text("机构代码,机构名称,类别,邮箱\n" + f"{evil.code},{evil.name},部门,{evil.email}\n"
                      f"{WACHENG.code},{WACHENG.name},街道,{WACHENG.email}\n", encoding="utf-8")
    for args in (["verify", str(hostile)], ["verify", str(hostile), "-q"],
                 ["merge", str(hostile), "-y", str(YEAR), "-r", str(roster), "-o", str(tmp_path / "o[/]x.xlsx"),
                  "--unit-name", "[/]", "--feedback", str(tmp_path / "退[/]回")],
                 ["template", "-y", str(YEAR), "-o", str(tmp_path / "t"), "--password", "[/]"]):
        result = run(*args)
        output = text_of(result)
        assert "Traceback" not in output and "\x1b" not in output and "\x07" not in output, output
        assert result.returncode in (0, 1), output
    merged = text_of(run("merge", str(hostile), "-y", str(YEAR), "-o", str(tmp_path / "汇总[final].xlsx")))
    assert "汇总[final].xlsx" in merged
    template = text_of(run("template", "-y", str(YEAR), "-o", str(tmp_path / "t2"), "--password", "[/]"))
    assert "[/]" in template


def test_the_cli_prints_no_markup_strings():
    """Data reach the console only through display.plain/join: no rich markup or markup escaping in the CLI's
    source (the consoles have markup off, so a tag would be printed literally)."""
    import gongkai_xlsx.cli as cli
    import gongkai_xlsx.human as human

    for module in (cli, human):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert "[/]" not in source and "escape(" not in source and "print_json" not in source, module.__name__


def test_a_published_report_without_a_year_gets_no_feedback_and_no_traceback(tmp_path):
    from reports import SEED

    text = re.sub(r"20\d\d", "", SEED.read_text(encoding="utf-8"))  # a copy that states no year anywhere
    (tmp_path / "无年度.txt").write_text(text, encoding="utf-8")
    result = run("verify", str(tmp_path / "无年度.txt"), "--feedback", str(tmp_path / "退回"))
    output = text_of(result)
    assert "Traceback" not in output and result.returncode in (0, 1), output
    assert "IMPORT_YEAR_UNKNOWN" in output


def test_a_reminder_for_an_agency_with_a_long_name_is_a_bounded_eml_file(tmp_path):
    from gongkai_xlsx.check.drafts import write_reminders

    long_name = "示例县某某街道办事处" * 12  # 120 characters: 360 bytes, past any file system's 255
    (reminder,) = write_reminders([(Agency("X1", long_name, email="t@example.gov.cn"), "未报送")], YEAR, tmp_path,
                                  as_of=WHEN)
    assert reminder.path.suffix == ".eml" and len(reminder.path.name.encode()) <= 200
    assert reminder.path.is_file()


def test_a_draft_never_carries_a_line_break_or_control_character_in_a_header(tmp_path):
    from gongkai_xlsx.check.drafts import write_reply, write_reminders
    from gongkai_xlsx.check.verify import FileResult
    from gongkai_xlsx.report import Provenance, Report

    report = Report(year=YEAR, agency_name="娲城街道\n办事处\x1b[31m",
                    provenance=Provenance("x", sender="a\r\nBcc: evil@example.com <ok@example.gov.cn>"))
    workbook_path = tmp_path / "x_校验意见.xlsx"
    workbook_path.write_bytes(b"PK")
    draft = write_reply(FileResult("mail.eml › x.xlsx", "", "errors", [], report), workbook_path,
                        as_of=WHEN)
    message = email.message_from_bytes(draft.path.read_bytes(), policy=email.policy.default)
    assert "\n" not in message["Subject"] and "\x1b" not in message["Subject"]
    assert message["Bcc"] is None
    (reminder,) = write_reminders([(Agency("X1", "桃源\t乡\x07", email="t@example.gov.cn"), "未报送")], YEAR, tmp_path,
                                  as_of=WHEN)
    parsed = email.message_from_bytes(reminder.path.read_bytes(), policy=email.policy.default)
    assert "\x07" not in parsed["Subject"] and parsed["To"].addresses[0].addr_spec == "t@example.gov.cn"


def test_english_counts_take_their_noun_in_the_right_number():
    from gongkai_xlsx.display import counted
    from gongkai_xlsx.human import verify_totals

    assert [counted(1, "file"), counted(2, "file"), counted(1, "agency", "agencies"), counted(0, "agency", "agencies")] \
        == ["1 file", "2 files", "1 agency", "0 agencies"]
    summary = {"files": 1, "ok": 1, "errors": 0, "superseded": 0, "unreadable": 0, "attachments": 0, "imported": 0,
               "seconds": 0.1}
    line = verify_totals(summary, english=True).plain
    assert line.startswith("1 file:") and "0 attachments that are not reports" in line
    line = verify_totals({**summary, "files": 2, "attachments": 1}, english=True).plain
    assert line.startswith("2 files:") and "1 attachment that is not a report" in line
