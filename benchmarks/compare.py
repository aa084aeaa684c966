"""Two checkouts of arrow2bib side by side: the same commands on the same generated page,
interleaved (base, this, base, this...), so that the load of a shared machine falls on both.

    python -m benchmarks.compare --base ../arrow2bib-at-v0.2 [--size 100000] [--repeat 3]
    python -m benchmarks.compare --compiled [--mode overlap] [--only bibtex]

``--instructions`` counts the instructions each command runs (valgrind's cachegrind, without
its cache simulation; one run each, since the count hardly moves between runs) in place of
timing it: a ratio that a shared machine's load does not touch, for changes of a few percent
that timing cannot tell apart. Under valgrind a command runs some 50 times slower: use pages
of a few thousand papers (``--size 2000``). The ``--jobs`` row is left out (its workers are
other processes).

``--compiled`` compares this checkout's sources (pure Python) with the same sources whose
core mypyc compiled (a wheel pip builds from a temporary copy with ``ARROW2BIB_COMPILE=1``;
needs a C compiler, and takes a few minutes): the speed of the optional compiled core.

The rows: ``check``, ``convert`` to each streaming format, ``--jobs 2``, and on pages of up
to ``--citeproc-max`` papers (2,000) the CSL-styled formats (``text``, ``html``,
``markdown``), which take some 20 times as long a paper.

Each row is a fresh process, as in :mod:`benchmarks.run`; the table gives, per command, the
medians of wall seconds, CPU seconds (user + system, the children's included) and peak
memory for the base checkout and this one, and this one's ratios to the base. CPU seconds are
the steadier measure on a machine others use. What changed between two commits (a refactor
that must not cost time, say) is read off the ratio columns.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Sequence

from .generate import MODES, write

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("bibtex", "biblatex", "ris", "csljson", "json", "orcid")
#: The CSL-styled formats (citeproc-py), some 40 times slower a paper than the others: their
#: rows run on pages up to ``--citeproc-max`` papers.
CITEPROC = ("text", "html", "markdown")


def commands(page: Path, out: Path, citeproc: bool = False) -> list[tuple[str, list[str]]]:
    """The rows: a check, each format (the CSL-styled ones with ``citeproc``), and
    ``--jobs 2``."""
    rows = [("check PAGE", ["check", str(page)])]
    rows += [(f"convert --to {fmt}", ["convert", str(page), "--to", fmt, "-q", "-o",
                                      str(out / f"{fmt}.out")])
             for fmt in FORMATS + (CITEPROC if citeproc else ())]
    rows.append(("convert --to bibtex --jobs 2", ["convert", str(page), "--to", "bibtex", "-q",
                                                  "--jobs", "2", "-o", str(out / "jobs.bib")]))
    return rows


def compiled_copy(folder: Path) -> Path:
    """This checkout's package with its core compiled (see setup.py), unpacked from a wheel
    that pip builds from a copy of the sources in its own build environment (the setuptools
    and mypy that pyproject.toml and setup.py ask for, whatever this environment has)."""
    source, tree = folder / "source", folder / "compiled"
    shutil.copytree(ROOT / "arrow2bib", source / "arrow2bib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    for name in ("setup.py", "pyproject.toml", "README.md", "LICENSE", "MANIFEST.in"):
        shutil.copy2(ROOT / name, source / name)
    env = dict(os.environ, ARROW2BIB_COMPILE="1")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                    str(folder / "wheel"), str(source)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    (wheel,) = (folder / "wheel").glob("arrow2bib-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tree)
    probe = subprocess.run([sys.executable, "-c", "import arrow2bib; print(arrow2bib.compiled)"],
                           cwd=tree, env=dict(env, PYTHONPATH=str(tree)), capture_output=True,
                           text=True, check=True)
    if probe.stdout.strip() != "True":
        raise SystemExit("the core did not compile (is a C compiler installed?)")
    return tree


#: Where the rows' Python writes its bytecode (a folder of the run's temporary one): a row
#: then starts as an installed arrow2bib does, its modules compiled once, by the warm-up,
#: even where PYTHONDONTWRITEBYTECODE is set (it is on some machines; the compiling is a
#: third of a small page's run).
PYCACHE = "pycache"


def _env(tree: Path, folder: Path, **extra: str) -> dict[str, str]:
    """The environment a row runs ``arrow2bib`` from ``tree`` in: no settings file, one
    process unless the row says --jobs (a large page takes several by default), bytecode
    kept in ``folder`` (:data:`PYCACHE`)."""
    env = dict(os.environ, PYTHONPATH=str(tree), ARROW2BIB_NO_CONFIG="1", ARROW2BIB_JOBS="1",
               PYTHONPYCACHEPREFIX=str(folder / PYCACHE), **extra)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def warm_up(trees: dict[str, Path], rows: list[tuple[str, list[str]]], folder: Path) -> None:
    """Every row run once from each tree, untimed: whatever a row imports (the tree's
    modules, the standard library's, the installed plugins') is compiled to bytecode before
    any row is measured, for both trees alike. (With a bytecode folder of its own, Python
    compiles even the standard library again, on the first import of each module.)"""
    for _name, argv in rows:
        for tree in trees.values():
            subprocess.run([sys.executable, "-m", "arrow2bib", *argv], cwd=tree,
                           env=_env(tree, folder), stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_once(tree: Path, argv: Sequence[str], folder: Path) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds, peak KiB and exit code of ``arrow2bib argv`` from ``tree``."""
    env = _env(tree, folder)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "arrow2bib", *argv], cwd=tree, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
            proc.returncode)


def instructions_once(tree: Path, argv: Sequence[str], folder: Path) -> tuple[int, int]:
    """Instructions run by ``arrow2bib argv`` from ``tree`` (valgrind's count), and its exit
    code."""
    env = _env(tree, folder, PYTHONHASHSEED="0")  # the same hashes, dict and set orders
    log = folder / "valgrind.log"
    proc = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                           "--cachegrind-out-file=/dev/null", f"--log-file={log}",
                           sys.executable, "-m", "arrow2bib", *argv],
                          cwd=tree, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found = re.search(r"I\s+refs:\s+([\d,]+)", log.read_text("utf-8", "replace"))
    if found is None:
        raise SystemExit(f"valgrind gave no instruction count: see {log}")
    return int(found.group(1).replace(",", "")), proc.returncode


def _instruction_rows(trees: dict[str, Path], rows: list[tuple[str, list[str]]],
                      folder: Path, described: str) -> None:
    print(f"| {described} | base G instructions | this G instructions | ratio |")
    print("|---|---|---|---|")
    for name, argv_row in rows:
        if "--jobs" in argv_row:
            continue
        got = {tree: instructions_once(trees[tree], argv_row, folder) for tree in ("base", "this")}
        codes = {tree: got[tree][1] for tree in got}
        note = "" if codes["base"] == codes["this"] else f" (exit {codes})"
        base, this = got["base"][0], got["this"][0]
        print(f"| {name}{note} | {base / 1e9:.3f} | {this / 1e9:.3f} | {this / base:.3f}x |",
              flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    other = parser.add_mutually_exclusive_group(required=True)
    other.add_argument("--base", type=Path, help="the other checkout")
    other.add_argument("--compiled", action="store_true",
                       help="base: this checkout's sources; this: the same, core compiled")
    parser.add_argument("--size", type=int, default=100_000, help="papers on the page")
    parser.add_argument("--page", type=Path,
                        help="this page instead of a generated one (examples/xiuqiang-he.txt: "
                             "a run as most users make it, where starting up is most of it)")
    parser.add_argument("--mode", choices=sorted(MODES), default="diverse",
                        help="the generated page's titles (benchmarks.generate)")
    parser.add_argument("--only", metavar="TEXT",
                        help="only the rows whose command contains TEXT (e.g. bibtex)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command and tree")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions (valgrind) instead of timing: steady on a "
                             "busy machine; use a small --size")
    parser.add_argument("--citeproc-max", type=int, default=2000, metavar="N",
                        help="the CSL-styled formats (text, html, markdown) only on pages of "
                             "up to N papers (default: 2000)")
    args = parser.parse_args(argv)
    if args.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions needs valgrind (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory(prefix="arrow2bib-compare-") as work:
        folder = Path(work)
        if args.compiled:
            trees = {"base": ROOT, "this": compiled_copy(folder)}
            print("base: this checkout's sources (pure Python); this: its core compiled")
        else:
            trees = {"base": args.base.resolve(), "this": ROOT}
        if args.page is not None:
            page, described = args.page.resolve(), args.page.name
            citeproc = True
        else:
            page, described = folder / "page.txt", f"{args.size:,} papers ({args.mode})"
            with open(page, "w", encoding="utf-8") as handle:
                write(args.size, handle, seed=args.seed, mode=args.mode)
            citeproc = args.size <= args.citeproc_max
        rows = [row for row in commands(page, folder, citeproc)
                if args.only is None or args.only in row[0]]
        warm_up(trees, rows, folder)
        if args.instructions:
            _instruction_rows(trees, rows, folder, described)
            return 0
        print("load average: {:.1f} {:.1f} {:.1f} at start".format(*os.getloadavg()))
        print(f"| {described} | base wall s | this wall s | ratio | "
              "base CPU s | this CPU s | ratio | base MiB | this MiB | ratio |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for name, argv_row in rows:
            got: dict[str, list[tuple[float, float, int, int]]] = {"base": [], "this": []}
            for _ in range(args.repeat):
                for tree in ("base", "this"):
                    got[tree].append(run_once(trees[tree], argv_row, folder))
            med = {tree: [statistics.median(r[i] for r in got[tree]) for i in range(3)]
                   for tree in got}
            codes = {tree: {r[3] for r in got[tree]} for tree in got}
            note = "" if codes["base"] == codes["this"] else f" (exit {codes})"
            cells = []
            for i, scale in ((0, 1), (1, 1), (2, 1024)):
                a, b = med["base"][i] / scale, med["this"][i] / scale
                cells += [f"{a:.2f}" if i < 2 else f"{a:.0f}",
                          f"{b:.2f}" if i < 2 else f"{b:.0f}", f"{b / a:.2f}x"]
            print(f"| {name}{note} | " + " | ".join(cells) + " |", flush=True)
        print("load average: {:.1f} {:.1f} {:.1f} at the end".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
