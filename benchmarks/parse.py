"""How fast is parsing? Whole processes, medians, ratios to a floor measured in the same run.

    python -m benchmarks.parse [--papers 100000] [--repeat 5]

The floor is Python reading the page and splitting it into paper blocks with one regex: what
any parser must at least do. The figure that matters is the ratio, since machines are noisy.
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

ROOT = Path(__file__).resolve().parent.parent

FLOOR = r"""
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.split(r"\n(?=\S+(?: \S+)* (?:Conference|Journal|Workshop) \d{4} )", text)
print(len(blocks))
"""

#: The least a converter written in Python does: the floor's split, then per paper the venue
#: line (one regex, cached), the title, the author bullets ("Given Family" -> "Family, Given",
#: cached), three regex repairs of the abstract, LaTeX specials escaped with one
#: str.translate, and a BibTeX entry written. No checks, no key rules, no unicode-to-LaTeX, no
#: title protection, no markup or math handling: arrow2bib's output is not expected from it.
#: It shows what the interpreter itself costs on this page, so how near the floor Python can get.
BARE = r"""
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.split(r"\n(?=\S+(?: \S+)* (?:Conference|Journal|Workshop) \d{4} )", text)
VENUE = re.compile(r"^(?:(.+)\s)?[A-Z][\w-]*\s([12]\d{3})\s")
URL = re.compile(r"https?: //(\S+?)\. (\w)")
ABBR = re.compile(r"\b([a-z])\. ([a-z])\. ,")
BOLD = re.compile(r"\*\*(.+?)\*\*")
ESCAPE = str.maketrans({"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "{": r"\{",
                        "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                        "\\": r"\textbackslash{}"})
venues, names = {}, {}
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for n, block in enumerate(blocks[1:]):
        lines = [line for line in block.split("\n") if line]
        venue = venues.get(lines[0])
        if venue is None:
            venue = venues[lines[0]] = VENUE.match(lines[0]).groups()
        authors, i = [], 2
        while i < len(lines) and lines[i].startswith("  \u2022 "):
            raw = lines[i][4:]
            name = names.get(raw)
            if name is None:
                given, _, family = raw.rpartition(" ")
                name = names[raw] = f"{family}, {given}" if given else family
            authors.append(name)
            i += 1
        abstract = ABBR.sub(r"\1.\2.,", URL.sub(r"https://\1.\2", " ".join(lines[i:])))
        abstract = BOLD.sub(r"\\textbf{\1}", abstract.translate(ESCAPE))
        out.write("@inproceedings{k%d,\n  author = {%s},\n  title = {%s},\n  booktitle = {%s},"
                  "\n  year = {%s},\n  abstract = {%s},\n}\n\n" % (
                      n, " and ".join(authors), lines[1].translate(ESCAPE), venue[0], venue[1],
                      abstract))
print(len(blocks) - 1)
"""

PARSE = r"""
import sys
from arrow2bib import open_page
n = sum(1 for _ in open_page(sys.argv[1]))
print(n)
"""


def _time(code: str, path: Path, repeat: int) -> tuple[float, str]:
    runs, out = [], ""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                                text=True, env=env, check=True)
        runs.append(time.perf_counter() - start)
        out = result.stdout.strip()
    return statistics.median(runs), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from benchmarks.generate import write

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.txt"
        with open(path, "w", encoding="utf-8") as handle:
            write(args.papers, handle)
        size = path.stat().st_size / 2**20
        floor, _ = _time(FLOOR, path, args.repeat)
        parse, count = _time(PARSE, path, args.repeat)
    print(f"page: {args.papers} papers, {size:.1f} MiB; medians of {args.repeat} runs")
    print(f"{'floor (read + regex split)':<32}{floor:8.2f} s   1.00x")
    print(f"{'arrow2bib parse (' + count + ' papers)':<32}{parse:8.2f} s   {parse / floor:.2f}x"
          f"   {int(args.papers / parse):,} papers/s")


if __name__ == "__main__":
    main()
