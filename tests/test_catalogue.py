"""Finding codes are public contracts written once, in the catalogue (findings.py): every other module refers to
them as ``F.<NAME>.code``, so a code renamed there cannot leave a stale copy behind that silently never matches."""

import ast
from pathlib import Path

from gongkai_xlsx import findings as F

PACKAGE = Path(__file__).parents[1] / "src" / "gongkai_xlsx"
CODES = {value.code for name, value in vars(F).items() if name.isupper() and isinstance(getattr(value, "code", None), str)}


def _retyped(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted(f"{node.value} (line {node.lineno})" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in CODES)


def test_finding_codes_are_referenced_from_the_catalogue_not_retyped():
    assert len(CODES) > 50 and "WRONG_YEAR" in CODES
    retyped = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative != "findings.py" and _retyped(path):
            retyped[relative] = _retyped(path)
    assert retyped == {}
