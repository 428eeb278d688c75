"""A version the office has already corrected is not sent back by verify; Chinese output wraps as Chinese does.

The sample inbox holds 示例县教育局's 第一版 (two errors) and its 更正版 (clean): merge counts the correction, so
verify must not ask the coordinator to return the first version — not in its verdicts, exit code, feedback or
下一步. And at 80 columns a line of Chinese breaks between ideographs, never inside a password, address or number.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from gongkai_xlsx.display import divide_line

ROOT = Path(__file__).resolve().parents[1]
INBOX = ROOT / "samples" / "收件箱"
EXE = str(Path(sys.executable).with_name("gongkai-xlsx"))


def run(*args: str, columns: int = 80) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": str(columns), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([EXE, *args], capture_output=True, env=env, timeout=300)


def test_verify_does_not_send_back_a_version_already_corrected(tmp_path):
    done = run("verify", str(INBOX), "--year", "2025", "--json")
    files = json.loads(done.stdout)["files"]
    first = [f for f in files if "第一版" in f["path"]]
    corrected = [f for f in files if "更正版" in f["path"]]
    assert len(first) == 1 and len(corrected) == 1
    assert first[0]["status"] == "errors" and first[0]["superseded_by"] == corrected[0]["path"]
    assert corrected[0]["status"] == "ok" and corrected[0]["superseded_by"] is None
    summary = json.loads(done.stdout)["summary"]
    counted_errors = [f for f in files if f["status"] == "errors" and not f["superseded_by"]]
    assert summary["errors"] == len(counted_errors) and summary["superseded"] == 1

    feedback = tmp_path / "退回意见"
    human = run("verify", str(INBOX), "--year", "2025", "-q", "--feedback", str(feedback))
    output = human.stdout.decode()
    steps = output[output.index("下一步"):]
    assert "示例县教育局" not in steps, steps  # nobody is asked to send back what the office already corrected
    assert not any("教育局" in p.name for p in feedback.iterdir())
    for name in ("示例县民政局", "示例县公安局"):  # the returns that do count with errors still go back
        assert name in steps
    assert f"有错误 {len(counted_errors)}" in output and "已被更新版本替代 1" in output


def test_verify_exit_code_ignores_a_corrected_version(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for name in ("201_示例县教育局（第一版）.eml", "260_示例县教育局（更正版）.eml"):
        shutil.copy(INBOX / name, inbox / name)
    assert run("verify", str(inbox), "--year", "2025").returncode == 0
    (inbox / "260_示例县教育局（更正版）.eml").unlink()
    assert run("verify", str(inbox), "--year", "2025").returncode == 1  # alone, the first version is sent back


# ------------------------------------------------------------------------------------------ line breaking
LATIN = re.compile(r"[A-Za-z0-9@._=!-]+")
CLOSING = "，。、；：！？）】」』》"

# what the tool prints: Chinese runs (maybe opened by a bracket, closed by a mark), Latin words (names, addresses,
# numbers, passwords) and single spaces
chinese = st.builds(lambda opening, run, closing: opening + run + closing, st.sampled_from(["", "（", "“"]),
                    st.text(alphabet="示例县教育局收件箱中有份报送邮附压缩包通过个单位错误年度不符", min_size=1, max_size=12),
                    st.sampled_from(["", *CLOSING, "”"]))
pieces = st.one_of(chinese, st.from_regex(r"[A-Za-z0-9@.=!]{1,12}", fullmatch=True), st.just(" "))


@settings(max_examples=300, deadline=None)
@given(st.lists(pieces, min_size=1, max_size=30), st.integers(min_value=14, max_value=90))
def test_chinese_breaks_between_ideographs_never_inside_a_word(parts, width):
    text = "".join(parts)
    breaks = divide_line(text, width)
    assert breaks == sorted(set(breaks)) and all(0 < b < len(text) for b in breaks)
    bounds = [0, *breaks, len(text)]
    lines = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    assert "".join(lines) == text
    for line in lines:
        assert cell_len(line.rstrip()) <= width
    for b in breaks:
        assert text[b] not in CLOSING, (text, b)  # no line starts with a closing mark
        inside_word = LATIN.fullmatch(text[b - 1:b + 1]) is not None
        word = next((m for m in LATIN.finditer(text) if m.start() < b < m.end()), None)
        if inside_word and word is not None:  # only a word wider than a line (with the marks it holds) folds
            held = word.group() + re.match(f"[{CLOSING}”]*", text[word.end():]).group()
            assert cell_len(held) > width - 2, (text, word.group())


def test_eighty_columns_keep_a_password_and_a_sentence_whole(tmp_path):
    done = run("template", "--year", "2026", "--roster", str(ROOT / "samples" / "示例县名册.csv"), "-o",
               str(tmp_path / "模板"))
    lines = done.stdout.decode().splitlines()
    assert any("gongkai" in line for line in lines), lines[-3:]  # the password on one line, not gon / gkai
    assert all(cell_len(line.rstrip()) <= 80 for line in lines)


def test_the_python_api_verifies_as_the_command_does():
    """README's ``gongkai_xlsx.verify_paths`` gives the command's verdicts: the corrected first version is
    superseded, not an error that fails the exit code."""
    import gongkai_xlsx

    result = gongkai_xlsx.verify_paths([INBOX], year=2025)
    command = json.loads(run("verify", str(INBOX), "--year", "2025", "--json").stdout)
    by_path = {str(f.path): f for f in result.files}
    first = next(f for f in result.files if "第一版" in str(f.path))
    assert first.superseded_by and first.superseded_by in by_path
    timing_and_writing = ("seconds", "feedback", "drafts")
    assert ({k: v for k, v in result.as_dict()["summary"].items() if k not in timing_and_writing}
            == {k: v for k, v in command["summary"].items() if k not in timing_and_writing})
    assert result.exit_code == run("verify", str(INBOX), "--year", "2025", "-q").returncode
