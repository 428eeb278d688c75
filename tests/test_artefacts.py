"""Generated artefacts committed for users are exactly what the project's commands produce today."""

from pathlib import Path

from gongkai_xlsx.template import render_template, template_filename

ROOT = Path(__file__).resolve().parents[1]


def test_blank_template_for_the_coming_cycle_is_up_to_date():
    # regenerate with: gongkai-xlsx template --year 2026 -o templates/ --force
    path = ROOT / "templates" / template_filename(2026, None)
    assert path.exists(), path
    assert path.read_bytes() == render_template(year=2026), "templates/ is stale: regenerate it"
