"""Generated artefacts committed for users are exactly what the project's commands produce today."""

from pathlib import Path

from gongkai_xlsx.files import template_filename
from gongkai_xlsx.template.render import render_template

ROOT = Path(__file__).resolve().parents[1]


def test_blank_template_for_the_coming_cycle_is_up_to_date():
    # regenerate with: gongkai-xlsx template --year 2026 -o templates/ --force
    path = ROOT / "templates" / template_filename(2026, None)
    assert path.exists(), path
    assert path.read_bytes() == render_template(year=2026), "templates/ is stale: regenerate it"


def test_readme_generated_sections_are_current():
    from gongkai_xlsx.readme import render

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert render(readme) == readme, "README.md is stale: run python docs/update_readme.py"


def test_readme_documents_every_command():
    from typer.main import get_command

    from gongkai_xlsx.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in get_command(app).commands:
        assert f"$ gongkai-xlsx {name} --help" in readme, name


def test_ci_runs_the_readme_test_command_verbatim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "python3 -m venv .venv && . .venv/bin/activate && pip install -q -e '.[test]' && pytest"
    assert f"```bash\n{test_command}\n```" in readme
    assert test_command in ci.splitlines()


def test_the_wheel_ships_every_data_file(tmp_path):
    # a new user installs with `pip install .`: what the demo reads must be in the wheel, not only in src/
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    data = ROOT / "src" / "gongkai_xlsx" / "data"
    expected = {f"gongkai_xlsx/data/{p.name}" for p in data.iterdir() if p.is_file()}
    assert expected and expected <= names, expected - names
