"""The command line: arguments in, files and clear messages out, meaningful exit codes."""

import json

from typer.testing import CliRunner

from gongkai_xlsx.cli import app
from gongkai_xlsx.roster import read_roster
from gongkai_xlsx.samples import ROSTER_FILE as SAMPLE_ROSTER
from gongkai_xlsx.template.render import render_template

runner = CliRunner()


def test_blank_template(tmp_path):
    result = runner.invoke(app, ["template", "--year", "2026", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (path,) = tmp_path.iterdir()
    assert path.name == "2026年政府信息公开工作年度报告_空白模板.xlsx"
    assert path.read_bytes() == render_template(year=2026)


def test_roster_templates_as_json(tmp_path):
    result = runner.invoke(app, ["template", "--year", "2025", "-o", str(tmp_path / "out"), "--roster",
                                 str(SAMPLE_ROSTER), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    agencies = read_roster(SAMPLE_ROSTER)
    assert [f["agency"]["code"] for f in report["files"]] == [a.code for a in agencies]
    assert all(f["status"] == "written" for f in report["files"])
    assert len(list((tmp_path / "out").iterdir())) == len(agencies)


def test_a_filled_copy_is_never_overwritten_without_force(tmp_path):
    assert runner.invoke(app, ["template", "--year", "2026", "-o", str(tmp_path)]).exit_code == 0
    (path,) = tmp_path.iterdir()
    path.write_bytes(b"someone filled this in")
    result = runner.invoke(app, ["template", "--year", "2026", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "已有内容不同的同名文件" in result.output and "--force" in result.output
    assert path.read_bytes() == b"someone filled this in"
    assert runner.invoke(app, ["template", "--year", "2026", "-o", str(tmp_path), "--force"]).exit_code == 0
    assert path.read_bytes() == render_template(year=2026)


def test_bad_roster_gets_a_message_not_a_traceback(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["template", "--year", "2026", "-o", str(tmp_path / "o"), "--roster", str(roster)])
    assert result.exit_code == 2
    assert "缺少列" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_bad_usage_exits_2(tmp_path):
    assert runner.invoke(app, ["template", "--year", "1999", "-o", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["template", "-o", str(tmp_path)]).exit_code == 2




def test_every_help_names_placeholders_in_chinese_and_fits_80_columns():
    # a coordinator reads 文件或文件夹…, 年度, 目录 — not Python types like <list[Path]>, {paths}… or <int range>
    from rich.cells import cell_len
    from typer.main import get_command

    helps = {}
    for args in [[]] + [[name] for name in get_command(app).commands]:
        result = runner.invoke(app, [*args, "--help"], prog_name="gongkai-xlsx", terminal_width=80,
                               env={"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"})
        assert result.exit_code == 0, result.output
        helps[" ".join(args)] = result.output
    for command, text in helps.items():
        for leak in ("<list", "<int", "<path", "<str", "<Path", "{", "range>"):
            assert leak not in text, f"{command} --help shows {leak}:\n{text}"
        wide = [line for line in text.splitlines() if cell_len(line) > 80]
        assert not wide, f"{command} --help runs past 80 columns:\n" + "\n".join(wide)
    assert "-y, --year 年度" in helps["merge"] and "文件或文件夹…" in helps["merge"]
    assert "-o, --out 目录" in helps["template"] and "--deadline 日期" in helps["verify"]


def test_a_file_that_cannot_be_opened_is_named_in_the_error(tmp_path):
    """export and compare read one workbook: the reader's message ("无法打开文件：…") says what, the CLI says which."""
    missing = tmp_path / "不存在的汇总表.xlsx"
    for args in (["export", str(missing), "-o", str(tmp_path / "out.csv")], ["compare", str(missing), str(missing)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert "不存在的汇总表.xlsx" in "".join(result.output.split("怎么办")[0].split()), result.output
