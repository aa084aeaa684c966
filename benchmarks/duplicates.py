"""The duplicate check's cost, alone and in a whole ``convert --to bibtex``, on both page
modes, beside the converters that do the same job, measured in the same run.

    python -m benchmarks.duplicates [--sizes 10000,100000] [--modes diverse,overlap]
                                    [--repeat 1] [--out results.json]

Two tables:

1. **The check alone**, each row a fresh process that parses the page and makes the
   papers' records untimed, then times only :class:`~arrow2bib.checks.duplicates.DuplicateIndex`
   taking every record (what the ``duplicate`` check does per paper): in memory (the default
   budget, :data:`~arrow2bib.checks.duplicates.MEMORY_BUDGET`), all in memory (no budget),
   in the database from the first paper (budget 0: the path of pages past the budget), and
   with difflib's ``SequenceMatcher`` ratio in place of the score (how the check scored
   titles before rapidfuzz; it finds a few matches fewer, see the module's docstring).
   "CPU s" is the process's CPU time over the same span; ratios are to the default row's
   CPU time; "matches" counts the papers matched to an earlier one.
2. **Whole processes** (``benchmarks/run.py``'s harness: spawn to exit, peak ``ru_maxrss``):
   ``arrow2bib check``, ``convert --to bibtex`` with and without the duplicate check, and
   the baselines: bibtexparser writing the same entries, pandoc (CSL-JSON -> BibTeX, when on
   ``PATH``), citation-js (CSL-JSON -> BibTeX) and ``bibtex-tidy --duplicates`` (BibTeX ->
   BibTeX) from the npm registry, pinned by ``benchmarks/peers/package-lock.json`` and
   installed with ``npm ci --prefix benchmarks/peers``. "peer / arrow2bib" is a baseline's
   time over ``convert --to bibtex``'s (above 1: arrow2bib is faster); "CPU s" is the
   child's user + system time (steadier than the wall clock on a shared machine). A command past 10
   minutes is stopped and shown as "> 10 min".

The machine is shared and noisy: compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any, Sequence

from .generate import write
from .run import (BIBTEXPARSER_WRITE, PREPARE_LIBRARY, TIME_LIMIT, Row, _sizes, describe,
                  machine, measure, run_once, table)

# One process per row: the page parsed and the records made untimed, then the index timed.
CHECK_ALONE = r"""
import json, sys, time
import arrow2bib
from arrow2bib.checks import duplicates
from arrow2bib.checks.duplicates import DuplicateIndex, record_for

page, how = sys.argv[1], sys.argv[2]
records = [record_for(p, f"key{i}") for i, p in enumerate(arrow2bib.open_page(page))]
if how == "difflib":
    import difflib

    def difflib_score(new, old):
        # the title score as it was (git show 66b5bb0:arrow2bib/checks/duplicates.py)
        matcher = difflib.SequenceMatcher(None, new, old, autojunk=False)
        if matcher.quick_ratio() < duplicates.THRESHOLD:
            return 0.0
        return matcher.ratio()

    duplicates.title_score = difflib_score  # compare() calls it by this name
budget = {"default": None, "memory": 1 << 62, "database": 0, "difflib": None}[how]
index = DuplicateIndex(memory_budget=budget)
start, cpu = time.perf_counter(), time.process_time()
matches = sum(index.add(record) is not None for record in records)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
in_memory = index.in_memory
index.close()
print(json.dumps({"seconds": seconds, "cpu": cpu, "matches": matches, "in_memory": in_memory,
                  "papers": len(records)}))
"""
CHECK_ROWS = [("default", "DuplicateIndex, default budget (MEMORY_BUDGET)"),
              ("memory", "DuplicateIndex, all in memory (no budget)"),
              ("database", "DuplicateIndex, in the database from the first paper (budget 0)"),
              ("difflib", "DuplicateIndex, default budget, difflib ratio as the score (before)")]


def check_alone(page: Path, n: int, mode: str, repeat: int, work: Path) -> list[dict[str, Any]]:
    """The check-alone rows for one page."""
    rows = []
    for how, name in CHECK_ROWS:
        runs = []
        for i in range(repeat):
            wall, kib, code, tail = run_once([sys.executable, "-c", CHECK_ALONE, str(page), how],
                                             work / f"alone-{how}.json")
            if code != 0:
                rows.append({"mode": mode, "papers": n, "name": name, "how": how,
                             "error": f"exit {code}: {tail.strip()[-300:]}"})
                break
            result = json.loads((work / f"alone-{how}.json").read_text())
            runs.append({**result, "peak_kib": kib, "wall": wall})
            print(f"  [{mode} {n}] {name}: run {i + 1}/{repeat} {result['seconds']:.2f} s",
                  file=sys.stderr, flush=True)
        else:
            rows.append({"mode": mode, "papers": n, "name": name, "how": how,
                         "seconds": statistics.median(r["seconds"] for r in runs),
                         "cpu": statistics.median(r["cpu"] for r in runs),
                         "matches": runs[0]["matches"], "in_memory": runs[0]["in_memory"],
                         "peak_kib": max(r["peak_kib"] for r in runs)})
    return rows


def alone_table(rows: list[dict[str, Any]]) -> str:
    """The check-alone rows as a Markdown table, ratios to the default row of the page."""
    lines = ["| mode | papers | index | seconds | CPU s | papers/s | x default (CPU) | matches "
             "| in memory at the end | process peak MiB |", "|" + " --- |" * 10]
    for row in rows:
        base = next((r for r in rows if r["mode"] == row["mode"] and r["papers"] == row["papers"]
                     and r["how"] == "default" and "seconds" in r), None)
        if "error" in row:
            lines.append(f"| {row['mode']} | {row['papers']:,} | {row['name']} | failed "
                         f"({row['error'][:60]}) | | | | | | |")
            continue
        ratio = f"{row['cpu'] / base['cpu']:.1f}x" if base and base is not row else ""
        lines.append(f"| {row['mode']} | {row['papers']:,} | {row['name']} | "
                     f"{row['seconds']:.2f} | {row['cpu']:.2f} | "
                     f"{row['papers'] / row['seconds']:,.0f} | {ratio} | "
                     f"{row['matches']:,} | {'yes' if row['in_memory'] else 'no'} | "
                     f"{row['peak_kib'] / 1024:.0f} |")
    return "\n".join(lines)


def whole(page: Path, n: int, mode: str, repeat: int, work: Path, info: dict[str, Any],
          cli: list[str], notes: list[str]) -> list[Row]:
    """The whole-process rows for one page: arrow2bib and the baselines."""
    bib, nodup = work / "out.bib", work / "nodup.bib"
    rows = [measure(Row(n, "arrow2bib check PAGE", "arrow2bib", None,
                        cli + ["check", str(page)], (0, 1)), repeat, work),
            measure(Row(n, "arrow2bib convert --to bibtex --skip-check duplicate", "arrow2bib",
                        "bibtex-nodup", cli + ["convert", str(page), "--to", "bibtex", "-o",
                                               str(nodup), "-q", "--skip-check", "duplicate"],
                        (0, 1), expect=str(nodup)), repeat, work),
            measure(Row(n, "arrow2bib convert --to bibtex", "arrow2bib", "bibtex",
                        cli + ["convert", str(page), "--to", "bibtex", "-o", str(bib), "-q"],
                        (0, 1), expect=str(bib)), repeat, work),
            # the same on two processes ("x bibtex" is then its time over the row above)
            measure(Row(n, "arrow2bib convert --to bibtex --jobs 2", "arrow2bib",
                        "bibtex-jobs2", cli + ["convert", str(page), "--to", "bibtex", "-o",
                                               str(work / "jobs2.bib"), "-q", "--jobs", "2"],
                        (0, 1), expect=str(work / "jobs2.bib")), repeat, work)]
    # the baselines start from arrow2bib's own output of the same papers, made untimed
    csl = work / "page.json"
    run_once(cli + ["convert", str(page), "--to", "csljson", "-o", str(csl), "-q"],
             work / "prep.txt")
    library = work / "library.pickle"
    code = run_once([sys.executable, "-c", PREPARE_LIBRARY, str(bib), str(library)],
                    work / "prep-library.txt")[2]
    if code == 0:
        rows.append(measure(Row(n, "bibtexparser v2: unpickle Library + write_string",
                                "bibtexparser", "bibtex",
                                [sys.executable, "-c", BIBTEXPARSER_WRITE, str(library),
                                 str(work / "bibtexparser.bib")]), repeat, work))
    else:
        notes.append(f"{mode} {n}: bibtexparser could not read arrow2bib's BibTeX")
    if info["pandoc"]:
        rows.append(measure(Row(n, "pandoc -f csljson -t bibtex", "pandoc", "bibtex",
                                [info["pandoc_path"], "-f", "csljson", "-t", "bibtex", str(csl),
                                 "-o", str(work / "pandoc.bib")]), repeat, work))
    peers = info["peers"]
    if peers:
        rows.append(measure(Row(n, "citation-js: CSL-JSON -> BibTeX", "peer", "citation-js",
                                peers["citationjs"] + [str(csl), str(work / "citationjs.bib")],
                                expect=str(work / "citationjs.bib")), repeat, work))
        tidy = work / "tidy.bib"
        rows.append(measure(Row(n, "bibtex-tidy --duplicates: BibTeX -> BibTeX", "peer",
                                "bibtex-tidy", peers["bibtex_tidy"] + [
                                    str(bib), "--duplicates", "--output", str(tidy)],
                                expect=str(tidy)), repeat, work))
    for row in rows:
        row.mode = mode
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Run both tables on every mode and size; print the machine and the tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.duplicates", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=_sizes, default=[10_000, 100_000],
                        help="papers per generated page (default: 10000,100000)")
    parser.add_argument("--modes", default="diverse,overlap",
                        help="page generator modes (default: diverse,overlap)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per row (median)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-whole", dest="whole", action="store_false",
                        help="only the check-alone table")
    parser.add_argument("--out", type=Path, help="write the raw numbers here as JSON")
    args = parser.parse_args(argv)
    info = machine()
    cli = [sys.executable, "-m", "arrow2bib"]
    notes: list[str] = []
    if not info["pandoc"]:
        notes.append("pandoc skipped: no pandoc on PATH")
    if not info["peers"]:
        notes.append("citation-js and bibtex-tidy skipped: install them with "
                     "`npm ci --prefix benchmarks/peers` (node 20 or newer)")
    alone: list[dict[str, Any]] = []
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="arrow2bib-dup-") as tmp:
        for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
            for n in args.sizes:
                work = Path(tmp) / mode / str(n)
                work.mkdir(parents=True)
                page = work / "page.txt"
                with open(page, "w", encoding="utf-8") as handle:
                    write(n, handle, args.seed, mode)
                alone += check_alone(page, n, mode, args.repeat, work)
                if args.whole:
                    rows += whole(page, n, mode, args.repeat, work, info, cli, notes)
    info["load_end"] = os.getloadavg()
    print(describe(info))
    print(f"median of {args.repeat} run(s); a command past {TIME_LIMIT / 60:.0f} min is "
          "stopped\n")
    print("The duplicate check alone (index time in the process; the page parsed untimed):\n")
    print(alone_table(alone))
    if rows:
        print("\nWhole processes:\n")
        print(table(rows))
    for note in notes:
        print(f"- {note}")
    failed = [r for r in rows if r.error and not r.timed_out] + [r for r in alone if "error" in r]
    for row in rows:
        if row.error:
            print(f"- {row.mode} {row.papers}: {row.name}: {row.error}")
    if args.out:
        args.out.write_text(json.dumps({
            "machine": info, "repeat": args.repeat, "sizes": args.sizes, "alone": alone,
            "notes": notes, "rows": [{**asdict(r), "median": r.median} for r in rows],
        }, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
