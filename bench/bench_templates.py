"""Benchmark: generate roster templates (goal: 1,000 in ≤ 10 s on 2 cores).

Run:  python bench/bench_templates.py [N ...]     (default: 100 1000)
Prints wall time for `generate_templates` over a synthetic roster, the per-file cost, and for comparison the
cost of a full XlsxWriter render per file (what the bulk factory avoids repeating).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from gongkai_xlsx import __version__
from gongkai_xlsx.generate import generate_templates
from gongkai_xlsx.roster import Agency
from gongkai_xlsx.template import render_template


def roster(n: int) -> list[Agency]:
    return [Agency(f"11339999{i:09d}X", f"示例县第{i}单位", "部门" if i % 3 else "乡镇") for i in range(n)]


def main(sizes: list[int]) -> None:
    print(f"gongkai-xlsx {__version__} · template generation benchmark")
    started = time.perf_counter()
    for _ in range(20):
        render_template(year=2026, agency=Agency("X", "单位"))
    full_ms = (time.perf_counter() - started) / 20 * 1000
    print(f"full XlsxWriter render of one template: {full_ms:.1f} ms")
    for n in sizes:
        agencies = roster(n)
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            result = generate_templates(2026, Path(tmp), agencies)
            seconds = time.perf_counter() - started
            size = sum(f.path.stat().st_size for f in result.files)
        print(f"{n:>6} templates: {seconds:6.2f} s  ({seconds / n * 1000:.2f} ms/file, "
              f"{size / n / 1024:.1f} KiB/file, {result.written} written)"
              f"{'  goal ≤ 10 s: met' if n == 1000 and seconds <= 10 else ''}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1000])
