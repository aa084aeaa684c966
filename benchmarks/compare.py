"""Two checkouts of arrow2bib side by side: the same commands on the same generated page,
interleaved (base, this, base, this...), so that the load of a shared machine falls on both.

    python -m benchmarks.compare --base ../arrow2bib-at-v0.2 [--size 100000] [--repeat 3]
    python -m benchmarks.compare --base ../main --mode overlap --rows "convert --to bibtex"

Each row is a fresh process, as in :mod:`benchmarks.run`; the table gives, per command, the
medians of wall seconds, CPU seconds (user + system, the children's included) and peak
memory for the base checkout and this one, and this one's ratios to the base. CPU seconds are
the steadier measure on a machine others use. What changed between two commits (a refactor
that must not cost time, say) is read off the ratio columns.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from .generate import write

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("bibtex", "biblatex", "ris", "csljson", "json", "orcid")


def commands(page: Path, out: Path) -> list[tuple[str, list[str]]]:
    """The rows: a check, each format, and ``--jobs 2``."""
    rows = [("check PAGE", ["check", str(page)])]
    rows += [(f"convert --to {fmt}", ["convert", str(page), "--to", fmt, "-q", "-o",
                                      str(out / f"{fmt}.out")]) for fmt in FORMATS]
    rows.append(("convert --to bibtex --jobs 2", ["convert", str(page), "--to", "bibtex", "-q",
                                                  "--jobs", "2", "-o", str(out / "jobs.bib")]))
    return rows


def run_once(tree: Path, argv: Sequence[str]) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds, peak KiB and exit code of ``arrow2bib argv`` from ``tree``."""
    env = dict(os.environ, PYTHONPATH=str(tree), ARROW2BIB_NO_CONFIG="1")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "arrow2bib", *argv], cwd=tree, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
            proc.returncode)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the other checkout")
    parser.add_argument("--size", type=int, default=100_000, help="papers on the page")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command and tree")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mode", default="diverse", choices=("diverse", "overlap", "math"),
                        help="the page generator's mode (benchmarks/generate.py)")
    parser.add_argument("--rows", default="",
                        help="only the rows whose command starts with one of these, "
                             "comma-separated (default: every row)")
    args = parser.parse_args(argv)
    wanted = [row.strip() for row in args.rows.split(",") if row.strip()]
    trees = {"base": args.base.resolve(), "this": ROOT}
    with tempfile.TemporaryDirectory(prefix="arrow2bib-compare-") as work:
        folder = Path(work)
        page = folder / "page.txt"
        with open(page, "w", encoding="utf-8") as handle:
            write(args.size, handle, seed=args.seed, mode=args.mode)
        print(f"| {args.size:,} papers, {args.mode} | base wall s | this wall s | ratio | base CPU s | "
              "this CPU s | ratio | base MiB | this MiB | ratio |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for name, argv_row in commands(page, folder):
            if wanted and not any(name.startswith(row) for row in wanted):
                continue
            got: dict[str, list[tuple[float, float, int, int]]] = {"base": [], "this": []}
            for _ in range(args.repeat):
                for tree in ("base", "this"):
                    got[tree].append(run_once(trees[tree], argv_row))
            med = {tree: [statistics.median(r[i] for r in got[tree]) for i in range(3)]
                   for tree in got}
            codes = {tree: {r[3] for r in got[tree]} for tree in got}
            note = "" if codes["base"] == codes["this"] else f" (exit {codes})"
            cells = []
            for i, scale in ((0, 1), (1, 1), (2, 1024)):
                a, b = med["base"][i] / scale, med["this"][i] / scale
                cells += [f"{a:.1f}" if i < 2 else f"{a:.0f}",
                          f"{b:.1f}" if i < 2 else f"{b:.0f}", f"{b / a:.2f}x"]
            print(f"| {name}{note} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
