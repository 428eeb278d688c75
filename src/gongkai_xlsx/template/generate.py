"""Generate templates for a reporting year: one blank template, or one per roster agency (in parallel)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import OutputError
from ..files import template_filename, write_atomically
from ..form import CURRENT_FORM
from ..report import TextEnum
from ..roster import Agency
from .render import DEFAULT_PASSWORD, TemplateFactory
from .stamp import template_id


class TemplateStatus(TextEnum):
    """What became of one template file."""

    WRITTEN = "written"
    UNCHANGED = "unchanged"  # the same bytes were there already (a rerun)


@dataclass
class GeneratedFile:
    path: Path
    agency: Agency | None
    template_id: str
    status: TemplateStatus


@dataclass
class GenerationResult:
    """What :func:`generate_templates` did."""

    year: int
    out_dir: Path
    files: list[GeneratedFile] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def written(self) -> int:
        return sum(1 for f in self.files if f.status is TemplateStatus.WRITTEN)

    def as_dict(self) -> dict:
        """The JSON document of ``template --json``."""
        return {
            "year": self.year,
            "out_dir": str(self.out_dir),
            "seconds": round(self.seconds, 3),
            "files": [{"path": str(f.path), "status": f.status, "template_id": f.template_id,
                       "agency": {"code": f.agency.code, "name": f.agency.name, "category": f.agency.category}
                       if f.agency else None} for f in self.files],
        }


def generate_templates(
    year: int,
    out_dir: str | os.PathLike,
    agencies: Sequence[Agency] | None = None,
    *,
    password: str = DEFAULT_PASSWORD,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
    due: str = "",
    return_to: str = "",
    contact: str = "",
) -> GenerationResult:
    """Write the blank template (no ``agencies``) or one template per agency into ``out_dir``.

    Nothing is written if any target exists with other content (it may be a copy someone filled in), unless
    ``force``; an identical file is left alone. Returns every file with its status. ``due`` (YYYY-MM-DD),
    ``return_to`` and ``contact`` fill the box on each template's first sheet and its stamp.
    """
    started = time.perf_counter()
    out = Path(out_dir)
    targets: list[Agency | None] = list(agencies) if agencies else [None]
    paths = [out / template_filename(year, agency) for agency in targets]
    _refuse_collisions(paths, targets)
    office = {key: value for key, value in (("due", due), ("return_to", return_to), ("contact", contact)) if value}
    factory = TemplateFactory(year, password=password, **office)
    contents = [factory.render(agency) for agency in targets]
    clashes = [p.name for p, data in zip(paths, contents) if p.exists() and p.read_bytes() != data]
    if clashes and not force:
        shown = "、".join(clashes[:5]) + (f" 等{len(clashes)}个文件" if len(clashes) > 5 else "")
        raise OutputError(f"输出目录中已有内容不同的同名文件：{shown}。",
                          hint="它们可能是已填写的副本。请换一个输出目录，或确认无误后加 --force 覆盖。")
    result = GenerationResult(year, out)
    for agency, path, data in zip(targets, paths, contents):
        if path.exists() and path.read_bytes() == data:
            status = TemplateStatus.UNCHANGED
        else:
            write_atomically(path, data)
            status = TemplateStatus.WRITTEN
        result.files.append(GeneratedFile(path, agency, template_id(CURRENT_FORM, year, agency), status))
        if progress:
            progress(1)
    result.seconds = time.perf_counter() - started
    return result


def _refuse_collisions(paths: list[Path], targets: list[Agency | None]) -> None:
    seen: dict[Path, Agency | None] = {}
    for path, agency in zip(paths, targets):
        if path in seen:
            other = seen[path]
            raise OutputError(f"名册中 {agency.code if agency else ''}（{agency.name if agency else ''}）与 "
                              f"{other.code if other else ''} 生成的文件名相同：{path.name}",
                              hint="请检查名册中的机构名称和代码。")
        seen[path] = agency
