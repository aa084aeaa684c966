"""SHA-256 digests of every format's output, to show that a change moved code without
changing what the tool writes.

    python -m benchmarks.digests --check             # the bundled page and the 10^4 page
    python -m benchmarks.digests --check --slow      # with the citeproc formats on the 10^4 page
    python -m benchmarks.digests --check --page bundled
    python -m benchmarks.digests --record            # rewrite tests/data/digests.json
    python -m benchmarks.digests --check --installed # the installed arrow2bib (a compiled core)

Each case runs the command line in this process (``arrow2bib convert ... -o DIR/out.EXT``)
and hashes every file it wrote (names and bytes, in name order) and, for ``check``, the
report, each run in the page's directory with the page named by its file name (the json and
csljson formats write it). The pages: ``examples/xiuqiang-he.txt`` and the page of
``python -m benchmarks.generate 10000`` (seed 0). The installed hayagriva plugin's format is
included when the plugin is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import pathlib
import sys
import tempfile
import warnings
from typing import Callable

from benchmarks.generate import write as write_page

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "examples" / "xiuqiang-he.txt"
DIGESTS = ROOT / "tests" / "data" / "digests.json"
GENERATED_PAPERS = 10_000
GENERATED_SEED = 0

#: (case name, command-line arguments after the input; "{out}" is the output directory)
CASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("json", ("--to", "json")),
    ("bibtex", ("--to", "bibtex")),
    ("bibtex-utf8", ("--to", "bibtex", "-O", "encoding=utf8")),
    ("bibtex-key-pattern", ("--to", "bibtex", "-k", "{auth}{year}")),
    ("bibtex-dedupe-merge", ("--to", "bibtex", "--dedupe", "merge")),
    ("bibtex-dedupe-first", ("--to", "bibtex", "--dedupe", "first")),
    ("biblatex", ("--to", "biblatex")),
    ("csljson", ("--to", "csljson")),
    ("ris", ("--to", "ris")),
    ("orcid", ("--to", "orcid")),
    ("orcid-work", ("--to", "orcid", "-O", "layout=work")),
    ("text", ("--to", "text")),
    ("text-ieee", ("--to", "text", "--style", "ieee")),
    ("html", ("--to", "html")),
    ("markdown", ("--to", "markdown")),
    ("hayagriva", ("--to", "hayagriva")),
    ("check-json", ()),
)

#: the citeproc formats take minutes each on the 10^4 page: run there only with --slow
SLOW_CASES = ("text", "text-ieee", "html", "markdown")


def _hayagriva_installed() -> bool:
    from importlib import metadata

    return any(ep.name == "hayagriva" for ep in metadata.entry_points(group="arrow2bib"))


def _digest_files(directory: pathlib.Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.iterdir()):
        digest.update(path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def run_case(page: pathlib.Path, name: str, args: tuple[str, ...]) -> str:
    """The digest of one case's output. The page is named by its file name alone (the run
    happens in its directory), since some formats write the page's name."""
    from arrow2bib.cli import main

    here = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out, err = io.StringIO(), io.StringIO()
        os.chdir(page.parent)
        try:
            return _run(main, page.name, name, args, pathlib.Path(tmp), out, err)
        finally:
            os.chdir(here)


def _run(main: Callable[..., int], page: str, name: str, args: tuple[str, ...],
         tmp: pathlib.Path, out: io.StringIO, err: io.StringIO) -> str:
    if name == "check-json":
        code = main(["check", page, "--format", "json"], out=out, err=err)
        return hashlib.sha256(f"{code}\n{out.getvalue()}".encode()).hexdigest()
    fmt = args[args.index("--to") + 1]
    target = tmp / "out" / "out"
    target.parent.mkdir()
    code = main(["convert", page, *args, "-q", "-o", f"{target}.{fmt}"], out=out, err=err)
    if code not in (0, 1):
        raise RuntimeError(f"{name}: exit {code}: {err.getvalue()}")
    return _digest_files(target.parent)


def digests(which: str, *, slow: bool = False) -> dict[str, str]:
    """The digests of one page's cases: ``which`` is ``bundled`` or ``generated``."""
    names = [n for n, _a in CASES]
    if which == "generated" and not slow:
        names = [n for n in names if n not in SLOW_CASES]
    if not _hayagriva_installed():
        names.remove("hayagriva")
    args = dict(CASES)
    with tempfile.TemporaryDirectory() as tmp:
        if which == "bundled":
            page = BUNDLED
        else:
            page = pathlib.Path(tmp) / "page-10k.txt"
            with open(page, "w", encoding="utf-8") as out:
                write_page(GENERATED_PAPERS, out, seed=GENERATED_SEED)
        return {name: run_case(page, name, args[name]) for name in names}


def _use_installed() -> None:
    """Import arrow2bib from the environment's packages: this checkout leaves ``sys.path``
    (``python -m`` put it first), and the installed package is named with its core."""
    if "arrow2bib" in sys.modules:
        raise RuntimeError("arrow2bib was imported before --installed took the checkout out")
    sys.path[:] = [p for p in sys.path if pathlib.Path(p or os.curdir).resolve() != ROOT]
    import arrow2bib

    core = "compiled core" if arrow2bib.compiled else "pure Python"
    print(f"arrow2bib from {pathlib.Path(arrow2bib.__file__).parent} ({core})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--check", action="store_true", help="compare with the recorded")
    action.add_argument("--record", action="store_true", help="record them")
    parser.add_argument("--page", choices=("bundled", "generated", "all"), default="all")
    parser.add_argument("--slow", action="store_true",
                        help="on the 10^4 page, the citeproc formats too (about 15 minutes)")
    parser.add_argument("--installed", action="store_true",
                        help="run the installed arrow2bib (a regular install: its compiled core "
                        "where it has one) instead of this checkout's sources")
    args = parser.parse_args(argv)
    if args.installed:
        _use_installed()
    pages = ["bundled", "generated"] if args.page == "all" else [args.page]
    recorded = json.loads(DIGESTS.read_text()) if DIGESTS.exists() else {}
    failed = 0
    for which in pages:
        found = digests(which, slow=args.slow)
        if args.record:
            recorded.setdefault(which, {}).update(found)
            continue
        for name, digest in found.items():
            expected = recorded.get(which, {}).get(name)
            status = "ok" if digest == expected else "CHANGED"
            failed += status != "ok"
            print(f"{which:<9} {name:<20} {status}")
    if args.record:
        DIGESTS.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")
        print(f"recorded in {os.path.relpath(DIGESTS)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
