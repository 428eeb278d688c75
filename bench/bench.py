"""Benchmark: templates, verify, and verify + merge at 100, 1,000 and 5,000 agencies, against reference pipelines.

Run:   pip install -e '.[bench]' && python bench/bench.py [--sizes 100 1000 5000] [--repeat 3] [--write docs/benchmarks.md]

In the same run it times the reference pipelines of ../shared/domain/performance.md on the same files, on 2
processes like ours: an openpyxl read loop (read_only, data_only) and a python-calamine read loop followed by an
XlsxWriter write of every number; they read cached values only (no names, formulas, protection or checks), so they
are a floor, not a competitor. It prints our time divided by theirs. Wall-clock times on this machine (2 cores); peak memory is the largest
resident set of the process or of any worker process.

A shared VM's speed drifts by a third within minutes, so with ``--repeat N`` every stage runs N times, the stages
interleaved (each round runs them all once), and the table shows the median with the range of the rounds; the
ratios are taken within each round, where the machine's speed is the same for ours and the reference.
"""

from __future__ import annotations

import argparse
import compileall
import io
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import gongkai_xlsx
from gongkai_xlsx import __version__
from gongkai_xlsx.form import FORM_2021
from gongkai_xlsx.roster import Agency
from gongkai_xlsx.template.layout import SHEET_MAIN, SHEET_T2, SHEET_T3, SHEET_T4
from gongkai_xlsx.template.render import TemplateFactory

YEAR = 2026
VARIANTS = 20  # distinct filled contents, spread over the agencies


def roster(n: int) -> list[Agency]:
    return [Agency(f"11339999{i:09d}X", f"示例县第{i}单位", "部门" if i % 3 else "乡镇") for i in range(n)]


def filled_contents(count: int) -> list[dict]:
    """Plausible filled forms whose rules hold: inputs drawn at random, totals left to the template."""
    rng = random.Random(count)
    t3 = FORM_2021.table3
    contents = []
    for _ in range(count):
        values = {item.id: rng.randint(0, 3) if not item.decimals else rng.randint(0, 10**6) / 10**4
                  for item in FORM_2021.input_items if item.table == "t2"}  # the amount (万元) with 4 decimals
        for column in t3.columns[:-1]:
            new = rng.randint(0, 8)
            values[t3.item_id("new", column.key)] = new
            values[t3.item_id("open", column.key)] = new // 2
            values[t3.item_id("unable_1", column.key)] = new - new // 2
        text = "2026年，本单位认真贯彻政府信息公开条例。" * 10
        contents.append({"values": values, "texts": {"text_overview": text, "text_problems": "无", "text_other": "无"}})
    return contents


def make_inbox(folder: Path, n: int) -> None:
    factories = [TemplateFactory(YEAR, **content) for content in filled_contents(VARIANTS)]
    for index, agency in enumerate(roster(n)):
        (folder / f"{agency.code}.xlsx").write_bytes(factories[index % VARIANTS].render(agency))


FORM_SHEETS = (SHEET_MAIN, SHEET_T2, SHEET_T3, SHEET_T4)


def openpyxl_values(path: str) -> list:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    values = [c.value for name in FORM_SHEETS for row in workbook[name].iter_rows() for c in row]
    workbook.close()
    return values


def calamine_values(path: str) -> list:
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(path)
    return [v for name in FORM_SHEETS for row in workbook.get_sheet_by_name(name).to_python() for v in row]


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


STAGES = {
    "templates": "from gongkai_xlsx.template.generate import generate_templates; import bench; "
                 "generate_templates(bench.YEAR, OUT, bench.roster(N))",
    "verify": "from gongkai_xlsx import verify_paths; r = verify_paths([INBOX], year=bench.YEAR); "
              "assert r.summary()['errors'] == 0, r.summary()",
    "verify+merge": "from gongkai_xlsx.consolidate.merge import merge_inbox; "
                    "from gongkai_xlsx.consolidate.workbook import render_consolidated; "
                    "r = merge_inbox([INBOX], year=bench.YEAR, roster=bench.roster(N)); "
                    "data = render_consolidated(r); open(OUT + '/c.xlsx', 'wb').write(data); "
                    "assert len(r.members) == N, r.counts()",
    # the reference pipelines of ../shared/domain/performance.md, on 2 processes like ours: read every value of
    # the four form sheets of each file, then (calamine) write the numbers of all files with XlsxWriter
    "openpyxl read loop": "import glob, multiprocessing as mp\n"
                          "with mp.Pool(2) as pool:\n"
                          "    rows = pool.map(bench.openpyxl_values, sorted(glob.glob(INBOX + '/*.xlsx')), chunksize=50)\n"
                          "assert len(rows) == N",
    "calamine read + XlsxWriter write": "import glob, multiprocessing as mp, xlsxwriter\n"
                                        "with mp.Pool(2) as pool:\n"
                                        "    rows = pool.map(bench.calamine_values, sorted(glob.glob(INBOX + '/*.xlsx')), chunksize=50)\n"
                                        "out = xlsxwriter.Workbook(OUT + '/ref.xlsx', {'constant_memory': True})\n"
                                        "ws = out.add_worksheet()\n"
                                        "for i, row in enumerate(rows):\n"
                                        "    ws.write_row(i, 0, [v for v in row if isinstance(v, (int, float))])\n"
                                        "out.close()",
}


def run_stage(stage: str, n: int, inbox: Path) -> tuple[float, float]:
    """(seconds, peak MB) of one stage in a fresh process, so that memory is measured stage by stage."""
    with tempfile.TemporaryDirectory() as out:
        code = (f"import sys, time, resource; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench\n"
                f"N, INBOX, OUT = {n}, {str(inbox)!r}, {out!r}\n"
                f"t = time.perf_counter()\n{STAGES[stage]}\n"
                f"print(time.perf_counter() - t, bench.peak_mb())")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{stage} failed:\n{result.stderr[-2000:]}")
        seconds, peak = map(float, result.stdout.split()[-2:])
        return seconds, peak


NOTES = "## Reading these numbers"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--repeat", type=int, default=1, help="rounds of every stage; the median is shown")
    parser.add_argument("--write", type=Path, help="also write the results as markdown to this file")
    args = parser.parse_args()
    lines = [f"gongkai-xlsx {__version__} · Python {platform.python_version()} · {os.cpu_count()} cores · "
             f"{platform.machine()} · {args.repeat} round(s) per size, median [min–max]", "",
             "| agencies | stage | seconds | ms per agency | peak MB | ours ÷ openpyxl loop | ours ÷ calamine+XlsxWriter |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    print("\n".join(lines), flush=True)
    # an installed package runs from bytecode compiled at install time (pip does it), as the reference libraries
    # here do; a checkout installed with -e compiles on first import unless PYTHONDONTWRITEBYTECODE is set (it is
    # on this VM): without this, every stage of ours would also time compiling our own source (about 0.1 s)
    compileall.compile_dir(Path(gongkai_xlsx.__file__).parent, quiet=1)
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            inbox = Path(tmp)
            make_inbox(inbox, n)
            rounds = []
            for _ in range(args.repeat):
                # the slow openpyxl reference once: it is a distant yardstick, not the one the ratios rest on
                stages = [s for s in STAGES if s != "openpyxl read loop" or not rounds]
                rounds.append({stage: run_stage(stage, n, inbox) for stage in stages})
        for stage in STAGES:
            runs = [r[stage] for r in rounds if stage in r]
            seconds = [t for t, _ in runs]
            ours = stage in ("verify", "verify+merge")
            ratio_a = f"{median(r[stage][0] / rounds[0]['openpyxl read loop'][0] for r in rounds):.2f}" if ours else ""
            ratio_b = (f"{median(r[stage][0] / r['calamine read + XlsxWriter write'][0] for r in rounds):.2f}"
                       if ours else "")
            spread = f" [{min(seconds):.2f}–{max(seconds):.2f}]" if len(seconds) > 1 else ""
            line = (f"| {n:,} | {stage} | {median(seconds):.2f}{spread} | {median(seconds) / n * 1000:.2f} | "
                    f"{max(peak for _, peak in runs):.0f} | {ratio_a} | {ratio_b} |")
            lines.append(line)
            print(line, flush=True)
    if args.write:
        # the hand-written reading of the numbers after the table is kept
        notes = args.write.read_text(encoding="utf-8") if args.write.exists() else ""
        notes = notes[notes.index(NOTES):] if NOTES in notes else ""
        args.write.write_text("# Benchmarks\n\nProduced by `python bench/bench.py --sizes "
                              + " ".join(map(str, args.sizes)) + f" --repeat {args.repeat} --write docs/benchmarks.md`."
                              "\n\n" + "\n".join(lines) + "\n" + ("\n" + notes if notes else ""), encoding="utf-8")


if __name__ == "__main__":
    main()
