"""The package's layout (docs/layout.md): rooms in layers, imports only downward, no circles, reading without
XlsxWriter."""

import ast
import re
import subprocess
import sys
from pathlib import Path

from gongkai_xlsx.roster import Agency
from gongkai_xlsx.template.render import render_template

SRC = Path(__file__).parents[1] / "src"
PACKAGE = SRC / "gongkai_xlsx"

# lowest first; a module may import its own layer and the layers below it, never one above
LAYERS = (
    ("gongkai_xlsx", "form"),  # the version, and the national format as data
    ("errors", "normalise", "roster", "findings", "report", "files", "display"),  # base modules
    ("ooxml",),  # the only place that knows OOXML
    ("template", "read"),
    ("importer", "check"),
    ("consolidate",),
    ("publish",),
    ("samples", "demo", "readme", "human", "steps", "help", "cli"),
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(name: str) -> set[str]:
    """The package's modules that ``name`` imports, at module level or inside a function."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # `from . import findings` imports a module, `from .x import y` a name
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: _imports(name) for name in MODULES}


def _layer(name: str) -> int | None:
    room = "gongkai_xlsx" if name == "gongkai_xlsx" else name.split(".")[1]
    return next((index for index, rooms in enumerate(LAYERS) if room in rooms), None)


def test_every_module_has_a_layer():
    assert [name for name in MODULES if _layer(name) is None] == []


# rooms allowed over the limit while they wait for their split by job: none since issue #11's step 2. Nothing may
# join them.
TOO_LONG_FOR_NOW: set[str] = set()


def test_no_source_file_is_over_500_lines():
    """A room that grows past 500 lines holds two jobs: split it by job, as docs/layout.md does."""
    long = {name for name, path in MODULES.items() if len(path.read_text(encoding="utf-8").splitlines()) > 500}
    assert long - TOO_LONG_FOR_NOW == set()


def test_nothing_imports_upward():
    upward = sorted(f"{name} → {target}" for name, targets in GRAPH.items() for target in targets
                    if _layer(target) > _layer(name))
    assert upward == []


def test_no_import_cycle():
    """No module reaches itself through its imports (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        for target in GRAPH[name]:
            if target not in index:
                visit(target)
                low[name] = min(low[name], low[target])
            elif target in stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == name:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    assert cycles == []


def test_verifying_a_workbook_does_not_load_xlsxwriter(tmp_path):
    """Reading and verifying is a reader's job: the template writer's library stays out of it (a verify of an
    inbox starts faster, and a reader module that reached into the writer would show here)."""
    workbook = tmp_path / "return.xlsx"
    workbook.write_bytes(render_template(year=2025, agency=Agency("11330000MB0000001X", "娲城街道办事处"),
                                         values={"t3_new_natural": 3, "t3_open_natural": 3}))
    script = (
        "import sys\n"
        "from gongkai_xlsx import verify_paths\n"
        f"result = verify_paths([{str(workbook)!r}], year=2025, workers=1)\n"
        "assert result.files[0].status == 'ok', result.as_dict()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'xlsxwriter'))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


# the rooms that may name the parts of an OOXML package: ooxml/ reads them; the writers (the template, the samples
# made from it, the published Word report) write them
PART_NAMING_ROOMS = ("ooxml", "template", "samples", "publish")
OOXML_PART = re.compile(r"^(?:xl|word|docProps|_rels|customXml)/|\[Content_Types\]\.xml")


def test_only_ooxml_reads_the_parts_of_a_package():
    """Whether a zip is a workbook, a Word document or an Office file at all is asked of ooxml.package, never
    answered by looking at part names elsewhere (docstrings and comments may name them)."""
    named = []
    for name, path in MODULES.items():
        if name == "gongkai_xlsx" or name.split(".")[1] in PART_NAMING_ROOMS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)}
        named += [f"{name}:{node.lineno} {node.value!r}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in docstrings and OOXML_PART.search(node.value)]
    assert named == []


def test_states_are_compared_by_member_never_by_their_word():
    """A state (how a report was read, what the stamp says a file is, what became of a file or submission) is an
    enum: code compares members, so a renamed word cannot silently stop matching."""
    from gongkai_xlsx.check.verify import FileStatus
    from gongkai_xlsx.consolidate.merge import SubmissionStatus
    from gongkai_xlsx.importer.batch import ImportStatus
    from gongkai_xlsx.publish import PublishStatus
    from gongkai_xlsx.report import Origin
    from gongkai_xlsx.template.generate import TemplateStatus
    from gongkai_xlsx.template.stamp import StampOrigin

    words = {state.value for enum in (FileStatus, SubmissionStatus, ImportStatus, PublishStatus, Origin,
                                      TemplateStatus, StampOrigin) for state in enum}
    compared = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            mime = isinstance(getattr(node, "left", None), ast.Call) and \
                getattr(node.left.func, "attr", "") == "get_content_disposition"  # "attachment" is MIME's word there
            if isinstance(node, ast.Compare) and not mime:
                for side in (node.left, *node.comparators):
                    elements = side.elts if isinstance(side, (ast.Tuple, ast.Set, ast.List)) else (side,)
                    compared += [f"{name}:{node.lineno} {element.value!r}" for element in elements
                                 if isinstance(element, ast.Constant) and element.value in words]
    assert compared == []
