"""arrow2bib's speed in one command: whole processes, medians, peak memory, and the baselines
measured in the same run on the same generated pages.

    python -m benchmarks.run [--sizes 1000,10000,100000] [--modes diverse,overlap]
                             [--repeat 3] [--formats all] [--citeproc-max 10000]
                             [--out results.json]

Every row is a fresh process (interpreter start-up included), timed from spawn to exit; its
peak memory is the child's ``ru_maxrss`` from ``os.wait4``. benchmarks/README.md says what
each row measures. The machine is shared and noisy: compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .generate import write
from .parse import BARE, FLOOR, PARSE

ROOT = Path(__file__).resolve().parent.parent
# one process unless a row says --jobs (a large page takes several by default)
ENV = dict(os.environ, ARROW2BIB_JOBS="1", PYTHONPATH=os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))

# Baselines: bibtexparser writes the entries it already holds; pandoc converts the same
# papers from CSL-JSON. The keys are the arrow2bib formats each one is compared with.
PREPARE_LIBRARY = r"""
import pickle, sys, bibtexparser
library = bibtexparser.parse_file(sys.argv[1])
with open(sys.argv[2], "wb") as handle:
    pickle.dump(library, handle, pickle.HIGHEST_PROTOCOL)
print(len(library.entries), len(library.failed_blocks))
"""
BIBTEXPARSER_WRITE = r"""
import pickle, sys, time, bibtexparser
from bibtexparser.middlewares import default_unparse_stack
with open(sys.argv[1], "rb") as handle:
    library = pickle.load(handle)
start = time.perf_counter()
# in place: the path bibtexparser itself recommends for large libraries (no deep copy)
text = bibtexparser.write_string(
    library, unparse_stack=default_unparse_stack(allow_inplace_modification=True))
seconds = time.perf_counter() - start
with open(sys.argv[2], "w", encoding="utf-8") as handle:
    handle.write(text)
print(seconds)
"""
PANDOC_FORMATS = ("bibtex", "biblatex")
HEADER = ("mode", "papers", "command", "median s", "CPU s", "papers/s", "peak MiB", "x floor",
          "x bibtex", "x bibtexparser", "x pandoc", "peer / arrow2bib")
#: The converters from the npm registry, pinned by benchmarks/peers/package-lock.json.
PEERS = ROOT / "benchmarks" / "peers"
#: A command still running after this many seconds is stopped and reported as "> 10 min".
TIME_LIMIT = 600.0


@dataclass
class Row:
    """One measured command at one page size: its runs and what they cost."""

    papers: int
    name: str
    kind: str  # floor | bare | parse | arrow2bib | bibtexparser | pandoc | peer | jobs
    fmt: str | None
    argv: list[str]
    ok_codes: tuple[int, ...] = (0,)
    seconds: list[float] = field(default_factory=list)
    peak_kib: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # the child's user + system seconds
    exit_codes: list[int] = field(default_factory=list)
    stdout: str = ""
    error: str | None = None
    expect: str | None = None  # a file the command must write (a glob: -001 parts too)
    mode: str = "diverse"  # the page generator's mode
    timed_out: bool = False

    def outputs(self) -> list[Path]:
        """The files written that match ``expect``."""
        if not self.expect:
            return []
        path = Path(self.expect)
        return sorted(path.parent.glob(path.stem + "*" + path.suffix))

    @property
    def median(self) -> float | None:
        """Median seconds of the runs, or None if the command failed."""
        return None if self.error or not self.seconds else statistics.median(self.seconds)


def run_once(argv: Sequence[str], out: Path) -> tuple[float, int, int, str]:
    """Run ``argv`` once, stdout to ``out``: seconds, peak KiB, exit code (-1000 for an
    uncaught Python exception, -1002 when stopped at :data:`TIME_LIMIT`), stderr's tail."""
    seconds, kib, code, tail, _cpu = run_timed(argv, out)
    return seconds, kib, code, tail


def run_timed(argv: Sequence[str], out: Path) -> tuple[float, int, int, str, float]:
    """:func:`run_once`, and the child's CPU seconds (user + system: on a shared machine
    they vary less than the wall-clock time)."""
    with open(out, "wb") as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=stdout,
                                stderr=stderr, env=ENV)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > TIME_LIMIT:
                proc.kill()  # a peer past 10 minutes is reported, not waited for
                timed_out = True
            time.sleep(0.01)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen
        stderr.seek(0)
        text = stderr.read().decode("utf-8", "replace")
    code = proc.returncode
    cpu = usage.ru_utime + usage.ru_stime
    if timed_out:
        return seconds, usage.ru_maxrss, -1002, f"> {TIME_LIMIT / 60:.0f} min", cpu
    if code == 1 and "Traceback (most recent call last)" in text:
        code = -1000  # a crash, not arrow2bib's "problems found" exit 1
    return seconds, usage.ru_maxrss, code, text[-1500:], cpu  # ru_maxrss: KiB on Linux


def measure(row: Row, repeat: int, work: Path) -> Row:
    """Run ``row``'s command ``repeat`` times (stopping at the first failure)."""
    out = work / f"stdout-{row.kind}-{row.fmt}.txt"
    for i in range(repeat):
        for old in row.outputs():
            old.unlink()  # so that a run which writes nothing cannot pass
        seconds, kib, code, tail, cpu = run_timed(row.argv, out)
        if code in row.ok_codes and row.expect and not row.outputs():
            code, tail = -1001, f"no {row.expect} written; {tail}"
        row.seconds.append(seconds)
        row.peak_kib.append(kib)
        row.cpu.append(cpu)
        row.exit_codes.append(code)
        print(f"  [{row.papers}] {row.name}: run {i + 1}/{repeat} {seconds:.2f} s, "
              f"{kib / 1024:.0f} MiB, exit {code}", file=sys.stderr, flush=True)
        if code not in row.ok_codes:
            row.timed_out = code == -1002
            row.error = f"exit {code}: {tail.strip()[-300:]}"
            break
    # only the tail: a check report at 10^6 papers is hundreds of MiB, and what this process
    # holds counts in the next child's peak (exec records the forked memory's high-water mark)
    with open(out, "rb") as handle:
        handle.seek(max(0, out.stat().st_size - 800))
        row.stdout = handle.read().decode("utf-8", "replace")[-200:].strip()
    return row


def machine() -> dict[str, Any]:
    """The machine and tools, for the header and the JSON."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("model name", "Hardware")):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import bibtexparser

    pandoc = shutil.which("pandoc")
    pandoc_version = None
    if pandoc:
        first = subprocess.run([pandoc, "--version"], capture_output=True, text=True,
                               check=True).stdout
        pandoc_version = first.split("\n", 1)[0].split()[-1]
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu": model, "system": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(), "bibtexparser": bibtexparser.__version__,
        "pandoc": pandoc_version, "pandoc_path": pandoc, "load_start": os.getloadavg(),
        "peers": _peers(),
    }


def _peers() -> dict[str, Any] | None:
    """The npm peers' versions and how to run them, or None when they are not installed
    (``npm ci --prefix benchmarks/peers``)."""
    node = shutil.which("node")
    modules = PEERS / "node_modules"
    if not node or not (modules / "bibtex-tidy").is_dir():
        return None
    versions = {name: json.loads((modules / name / "package.json").read_text())["version"]
                for name in ("@citation-js/core", "@citation-js/plugin-bibtex", "bibtex-tidy")}
    node_version = subprocess.run([node, "--version"], capture_output=True, text=True,
                                  check=False).stdout.strip()
    return {"node": node, "node_version": node_version, "versions": versions,
            "citationjs": [node, str(PEERS / "citationjs.js")],
            "bibtex_tidy": [node, str(modules / "bibtex-tidy" / "bin" / "bibtex-tidy")]}


def describe(info: dict[str, Any]) -> str:
    """The machine, the tools measured and the load, in two lines (from :func:`machine`, with
    ``load_start`` and ``load_end``)."""
    peers = info["peers"]
    return (f"machine: {info['nproc']} CPUs ({info['cpu']}, {info['system']}); Python "
            f"{info['python']}; bibtexparser {info['bibtexparser']}; pandoc "
            f"{info['pandoc'] or 'not installed'}; peers "
            + (", ".join(f"{k} {v}" for k, v in peers["versions"].items())
               + f" on node {peers['node_version']}" if peers else "not installed")
            + "\nload average: {:.1f} {:.1f} {:.1f} at start, ".format(*info["load_start"])
            + "{:.1f} {:.1f} {:.1f} at the end".format(*info["load_end"]))


def arrow2bib_formats(cli: list[str]) -> list[dict[str, Any]]:
    """The built-in formats, as ``arrow2bib formats --json`` lists them."""
    listed = json.loads(subprocess.run(cli + ["formats", "--json"], capture_output=True,
                                       text=True, env=ENV, check=True).stdout)
    return [f for f in listed if f["plugin"].startswith("arrow2bib.")]


def bench_size(n: int, args: argparse.Namespace, formats: list[dict[str, Any]],
               info: dict[str, Any], work: Path, notes: list[str], mode: str) -> list[Row]:
    """Generate an ``n``-paper page in ``mode`` and measure every command on it."""
    work.mkdir(parents=True)
    page = work / "page.txt"
    with open(page, "w", encoding="utf-8") as handle:
        write(n, handle, args.seed, mode)
    print(f"[{mode} {n}] page: {page.stat().st_size / 2**20:.1f} MiB", file=sys.stderr,
          flush=True)
    start = len(notes)
    rows = _bench_page(n, args, formats, info, work, notes, page)
    notes[start:] = [f"{mode} {note}" for note in notes[start:]]
    for row in rows:
        row.mode = mode
    return rows


def _bench_page(n: int, args: argparse.Namespace, formats: list[dict[str, Any]],
                info: dict[str, Any], work: Path, notes: list[str], page: Path) -> list[Row]:
    py, cli = [sys.executable], args.cli
    rows = [measure(Row(n, "floor: read + one regex split", "floor", None,
                        py + ["-c", FLOOR, str(page)]), args.repeat, work),
            measure(Row(n, "bare Python: split + naive BibTeX (no checks, keys, LaTeX rules)",
                        "bare", None, py + ["-c", BARE, str(page), str(work / "bare.bib")],
                        expect=str(work / "bare.bib")), args.repeat, work),
            measure(Row(n, "arrow2bib parse only (library, streaming)", "parse", None,
                        py + ["-c", PARSE, str(page)]), args.repeat, work),
            measure(Row(n, "arrow2bib check PAGE", "arrow2bib", None,
                        cli + ["check", str(page)], (0, 1)), args.repeat, work)]
    if any(f["name"] == "bibtex" for f in formats):
        rows.append(measure(Row(n, "arrow2bib convert --to bibtex --skip-check duplicate",
                                "arrow2bib", "bibtex-nodup",
                                cli + ["convert", str(page), "--to", "bibtex", "-o",
                                       str(work / "nodup.bib"), "-q", "--skip-check",
                                       "duplicate"], (0, 1), expect=str(work / "nodup.bib")),
                            args.repeat, work))
    outputs: dict[str, Path] = {}
    for fmt in formats:
        name = fmt["name"]
        if "style" in fmt["options"] and n > args.citeproc_max:
            notes.append(f"{n}: convert --to {name} skipped (CSL-styled formats run only up "
                         f"to --citeproc-max={args.citeproc_max} papers; citeproc-py is slow)")
            continue
        outputs[name] = work / f"out-{name}{fmt['extension']}"
        rows.append(measure(Row(n, f"arrow2bib convert --to {name}", "arrow2bib", name,
                                cli + ["convert", str(page), "--to", name, "-o",
                                       str(outputs[name]), "-q"], (0, 1),
                                expect=str(outputs[name])), args.repeat, work))

    if "bibtex" in outputs:
        # one page, two processes (the page is cut into parts from 2 MiB on)
        jobs = work / "jobs2.bib"
        rows.append(measure(Row(n, "arrow2bib convert --to bibtex --jobs 2", "arrow2bib",
                                "bibtex-jobs2",
                                cli + ["convert", str(page), "--to", "bibtex", "-o", str(jobs),
                                       "-q", "--jobs", "2"], (0, 1), expect=str(jobs)),
                            args.repeat, work))
        if jobs.exists() and outputs["bibtex"].exists():
            same = jobs.read_bytes() == outputs["bibtex"].read_bytes()
            notes.append(f"{n}: convert --to bibtex --jobs 2 wrote "
                         f"{'the same bytes as' if same else 'OTHER BYTES THAN'} --jobs 1")

    def prepared(name: str) -> Path:
        # the baselines start from arrow2bib's own output; made untimed if not measured
        path = outputs.get(name, work / f"prep-{name}")
        if not path.exists():
            subprocess.run(cli + ["convert", str(page), "--to", name, "-o", str(path), "-q"],
                           env=ENV, check=False)
        return path

    if not args.baselines:
        notes.append(f"{n}: baselines skipped (--no-baselines)")
        return rows
    library = work / "library.pickle"
    made = subprocess.run(py + ["-c", PREPARE_LIBRARY, str(prepared("bibtex")), str(library)],
                          capture_output=True, text=True, env=ENV, check=False)
    if made.returncode == 0:
        entries, failed = made.stdout.split()
        notes.append(f"{n}: bibtexparser parsed arrow2bib's BibTeX into {entries} entries "
                     f"({failed} failed blocks), untimed")
        rows.append(measure(Row(n, "bibtexparser v2: unpickle Library + write_string",
                                "bibtexparser", "bibtex",
                                py + ["-c", BIBTEXPARSER_WRITE, str(library),
                                      str(work / "bibtexparser.bib")]), args.repeat, work))
        if rows[-1].median is not None:
            notes.append(f"{n}: of which write_string alone: {float(rows[-1].stdout):.2f} s "
                         "(last run)")
    else:
        notes.append(f"{n}: bibtexparser baseline skipped: {made.stderr.strip()[-300:]}")
    peers = info["peers"]
    if peers:
        rows.append(measure(Row(n, "citation-js: CSL-JSON -> BibTeX", "peer", "citation-js",
                                peers["citationjs"] + [str(prepared("csljson")),
                                                       str(work / "citationjs.bib")],
                                expect=str(work / "citationjs.bib")), args.repeat, work))
        tidy = work / "tidy.bib"
        rows.append(measure(Row(n, "bibtex-tidy --duplicates: BibTeX -> BibTeX", "peer",
                                "bibtex-tidy",
                                peers["bibtex_tidy"] + [str(prepared("bibtex")), "--duplicates",
                                                        "--output", str(tidy)],
                                expect=str(tidy)), args.repeat, work))
    if info["pandoc"]:
        csl = prepared("csljson")
        for target in PANDOC_FORMATS:
            rows.append(measure(Row(n, f"pandoc -f csljson -t {target}", "pandoc", target,
                                    [info["pandoc_path"], "-f", "csljson", "-t", target,
                                     str(csl), "-o", str(work / f"pandoc.{target}")]),
                                args.repeat, work))
    return rows


def bench_jobs(args: argparse.Namespace, work: Path, notes: list[str]) -> list[Row]:
    """Many pages: ``convert DIR --jobs 1`` against ``--jobs 2`` (and the machine's count)."""
    folder = work / "pages"
    folder.mkdir(parents=True)
    for i in range(args.jobs_pages):
        with open(folder / f"page{i:04d}.txt", "w", encoding="utf-8") as handle:
            write(args.jobs_papers, handle, args.seed + i)
    total = args.jobs_pages * args.jobs_papers
    print(f"[jobs] {args.jobs_pages} pages of {args.jobs_papers} papers", file=sys.stderr,
          flush=True)
    rows = []
    for jobs in sorted({1, 2, os.cpu_count() or 1}):
        out = work / f"jobs{jobs}.bib"
        rows.append(measure(Row(total, f"arrow2bib convert DIR ({args.jobs_pages} pages) "
                                f"--to bibtex --jobs {jobs}", "jobs", "bibtex",
                                args.cli + ["convert", str(folder), "--to", "bibtex", "-o",
                                            str(out), "-q", "--jobs", str(jobs)], (0, 1),
                                expect=str(out)), args.repeat, work))
    outputs = {(work / f"jobs{j}.bib").read_bytes() for j in (1, 2)
               if (work / f"jobs{j}.bib").exists()}
    notes.append(f"--jobs: the outputs of --jobs 1 and --jobs 2 are "
                 f"{'identical' if len(outputs) == 1 else 'DIFFERENT'}")
    if rows[0].median and len(rows) > 1 and rows[1].median:
        notes.append(f"--jobs 2 is {rows[0].median / rows[1].median:.2f}x as fast as --jobs 1 "
                     f"on {args.jobs_pages} pages")
    return rows


def _ratio(row: Row, base: Row | None) -> str:
    if base is None or row is base or row.median is None or not base.median:
        return ""
    return f"{row.median / base.median:.1f}x"


def table(rows: list[Row]) -> str:
    """The results as a Markdown table, with ratios to the baselines of the same size."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)]
    for row in rows:
        same = [r for r in rows if r.papers == row.papers and r.mode == row.mode]
        floor = next((r for r in same if r.kind == "floor"), None)
        writer = next((r for r in same if r.kind == "bibtexparser"), None)
        fmt = (row.fmt or "").split("-")[0]  # bibtex-jobs2 is still bibtex
        pandoc = next((r for r in same if r.kind == "pandoc" and r.fmt == fmt), None)
        bibtex = next((r for r in same if r.kind == "arrow2bib" and r.fmt == "bibtex"), None)
        mine = row.kind == "arrow2bib"
        peer = row.kind in ("peer", "pandoc", "bibtexparser")
        if row.timed_out:
            cells = [f"> {TIME_LIMIT / 60:.0f} min"] + [""] * 8
        elif row.median is None:
            cells = [f"failed ({(row.error or 'no runs').split(':')[0]}, see below)"] + [""] * 8
        else:
            cells = [f"{row.median:.2f}", f"{statistics.median(row.cpu):.2f}",
                     f"{row.papers / row.median:,.0f}",
                     f"{max(row.peak_kib) / 1024:.0f}", _ratio(row, floor),
                     _ratio(row, bibtex) if mine else "",
                     _ratio(row, writer) if mine and fmt == "bibtex" else "",
                     _ratio(row, pandoc) if mine else "",
                     # how many times arrow2bib's bibtex time the peer took (> 1: slower)
                     _ratio(row, bibtex) if peer else ""]
        lines.append("| " + " | ".join([row.mode, f"{row.papers:,}", row.name] + cells) + " |")
    return "\n".join(lines)


def _sizes(text: str) -> list[int]:
    sizes = [int(float(s)) if "e" in s.lower() else int(s) for s in text.split(",") if s]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("give page sizes such as 1000,10000,100000")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the machine and the table; write JSON if asked."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=_sizes, default=[1000, 10_000, 100_000],
                        help="papers per generated page, comma-separated (default: "
                        "1000,10000,100000; up to 1e6)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (median)")
    parser.add_argument("--formats", default="all",
                        help="'all' (every built-in format) or a comma-separated list")
    parser.add_argument("--citeproc-max", type=int, default=10_000, metavar="N",
                        help="largest page for the CSL-styled formats (default: 10000)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default: 0)")
    parser.add_argument("--modes", default="diverse,overlap",
                        help="page generator modes, comma-separated (default: diverse,overlap;"
                        " see benchmarks/generate.py)")
    parser.add_argument("--cli", type=shlex.split, default=[sys.executable, "-m", "arrow2bib"],
                        help="how to run arrow2bib (default: this Python -m arrow2bib with "
                        "the checkout on PYTHONPATH; e.g. --cli arrow2bib)")
    parser.add_argument("--jobs-pages", type=int, default=200, metavar="N",
                        help="pages for the --jobs rows (default: 200; 0 skips them)")
    parser.add_argument("--jobs-papers", type=int, default=500, metavar="N",
                        help="papers per page for the --jobs rows (default: 500)")
    parser.add_argument("--no-baselines", dest="baselines", action="store_false",
                        help="skip bibtexparser and pandoc (at 1e6 they need many GiB)")
    parser.add_argument("--out", type=Path, help="write the raw numbers here as JSON")
    args = parser.parse_args(argv)
    info = machine()
    formats = arrow2bib_formats(args.cli)
    if args.formats != "all":
        wanted = [f.strip() for f in args.formats.split(",") if f.strip()]
        unknown = set(wanted) - {f["name"] for f in formats}
        if unknown:
            parser.error(f"unknown format(s): {', '.join(sorted(unknown))}")
        formats = [f for f in formats if f["name"] in wanted]
    notes: list[str] = []
    if not info["pandoc"]:
        notes.append("pandoc baselines skipped: no pandoc binary on PATH")
    if not info["peers"]:
        notes.append("citation-js and bibtex-tidy baselines skipped: install them with "
                     "`npm ci --prefix benchmarks/peers` (node and npm needed)")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="arrow2bib-bench-") as tmp:
        for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
            for n in args.sizes:
                rows += bench_size(n, args, formats, info, Path(tmp) / mode / str(n), notes,
                                   mode)
        if args.jobs_pages > 0:
            rows += bench_jobs(args, Path(tmp) / "jobs", notes)
    info["load_end"] = os.getloadavg()
    print(describe(info))
    print(f"median of {args.repeat} whole-process run(s); peak MiB = the largest ru_maxrss "
          "of the runs\n")
    print(table(rows))
    exits = [f"{r.papers}: {r.name} exited {sorted(set(r.exit_codes))}"
             + (f": FAILED, {r.error}" if r.error else " (1: problems found in the page)")
             for r in rows if any(r.exit_codes)]
    for note in notes + exits:
        print(f"- {note}")
    if args.out:
        args.out.write_text(json.dumps({
            "machine": info, "repeat": args.repeat, "sizes": args.sizes,
            "notes": notes, "rows": [{**asdict(r), "median": r.median} for r in rows],
        }, indent=2) + "\n", encoding="utf-8")
    return 1 if any(r.error for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
