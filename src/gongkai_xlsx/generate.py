"""Generate templates for a reporting year: one blank template, or one per roster agency (in parallel)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OutputError
from .form import CURRENT_FORM
from .roster import Agency
from .template import DEFAULT_PASSWORD, make_stamp, render_template, template_filename, write_atomically

# below this many files a process pool costs more than it saves
PARALLEL_THRESHOLD = 40


@dataclass
class GeneratedFile:
    path: Path
    agency: Agency | None
    template_id: str
    status: str  # "written" | "unchanged"


@dataclass
class GenerationResult:
    """What :func:`generate_templates` did."""

    year: int
    out_dir: Path
    files: list[GeneratedFile] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def written(self) -> int:
        return sum(1 for f in self.files if f.status == "written")


def generate_templates(
    year: int,
    out_dir: str | os.PathLike,
    agencies: Sequence[Agency] | None = None,
    *,
    password: str = DEFAULT_PASSWORD,
    force: bool = False,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> GenerationResult:
    """Write the blank template (no ``agencies``) or one template per agency into ``out_dir``.

    An existing file with other content is refused (it may be a copy someone filled in) unless ``force``;
    an identical one is left alone. Returns every file with its status.
    """
    started = time.perf_counter()
    out = Path(out_dir)
    targets: list[Agency | None] = list(agencies) if agencies else [None]
    paths = [out / template_filename(year, agency) for agency in targets]
    _refuse_collisions(paths, targets)
    if not force:
        _refuse_overwrites(paths, year, targets, password)
    jobs = [(year, agency, str(path), password) for agency, path in zip(targets, paths)]
    statuses: list[str] = []
    if workers is None:
        workers = min(os.cpu_count() or 1, 8) if len(jobs) >= PARALLEL_THRESHOLD else 1
    if workers > 1:
        chunk = max(1, len(jobs) // (workers * 8))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for status in pool.map(_write_one, jobs, chunksize=chunk):
                statuses.append(status)
                if progress:
                    progress(1)
    else:
        for job in jobs:
            statuses.append(_write_one(job))
            if progress:
                progress(1)
    result = GenerationResult(year, out)
    for agency, path, status in zip(targets, paths, statuses):
        result.files.append(GeneratedFile(path, agency, make_stamp(CURRENT_FORM, year, agency).template_id, status))
    result.seconds = time.perf_counter() - started
    return result


def _write_one(job: tuple[int, Agency | None, str, str]) -> str:
    year, agency, path, password = job
    data = render_template(year=year, agency=agency, password=password)
    target = Path(path)
    if target.exists() and target.read_bytes() == data:
        return "unchanged"
    write_atomically(target, data)
    return "written"


def _refuse_collisions(paths: list[Path], targets: list[Agency | None]) -> None:
    seen: dict[Path, Agency | None] = {}
    for path, agency in zip(paths, targets):
        if path in seen:
            other = seen[path]
            raise OutputError(f"名册中 {agency.code if agency else ''}（{agency.name if agency else ''}）与 "
                              f"{other.code if other else ''} 生成的文件名相同：{path.name}",
                              hint="请检查名册中的机构名称和代码。")
        seen[path] = agency


def _refuse_overwrites(paths: list[Path], year: int, targets: list[Agency | None], password: str) -> None:
    clashes = []
    for path, agency in zip(paths, targets):
        if path.exists() and path.read_bytes() != render_template(year=year, agency=agency, password=password):
            clashes.append(path.name)
    if clashes:
        shown = "、".join(clashes[:5]) + (f" 等{len(clashes)}个文件" if len(clashes) > 5 else "")
        raise OutputError(f"输出目录中已有内容不同的同名文件：{shown}。",
                          hint="它们可能是已填写的副本。请换一个输出目录，或确认无误后加 --force 覆盖。")
