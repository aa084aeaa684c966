#!/usr/bin/env python3
"""Coverage-guided fuzzing of the readers and the grammar with atheris (libFuzzer).

Every input is read three ways, and each must give a :class:`~arrow2bib.Page` or raise
:class:`~arrow2bib.InputError` (anything else is a crash):

1. ``arrow2bib.parse(data)``: the public entry, where the first bytes decide text or HTML;
2. the HTML reader directly (``html_lines``, then the grammar), whatever the bytes look like;
3. ``arrow2bib.parse(data, encoding=E)`` with ``E`` one of a few encodings a user may name
   with ``--encoding`` (picked from the input's length, so a run is reproducible).

A page that comes back must also hold together (:func:`check_page`): titles present and on
one line, author-list status consistent with the count, years in range, every URL inside its
abstract, line numbers positive. A disagreement raises ``AssertionError``: a crash.

Run (see fuzz/README.md)::

    python fuzz/fuzz_parser.py -max_total_time=600 -print_final_stats=1 fuzz/corpus/parser
    python fuzz/fuzz_parser.py crash-<hash>           # replay one input
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import sys
from pathlib import Path

try:
    import atheris
except ImportError:  # the regression tests replay the corpus with the same checks, without it
    atheris = None
NO_ATHERIS = ("This fuzzer needs atheris: pip install atheris (Linux x86-64 wheels; elsewhere "
              "it builds against a libFuzzer-enabled clang), or install the test extra: "
              "pip install -e '.[test]'. See fuzz/README.md.")
if atheris is None and __name__ == "__main__":  # at once, before every module is imported
    sys.exit(NO_ATHERIS)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout, not an install

_INSTRUMENTED = (
    atheris.instrument_imports(include=["arrow2bib"]) if atheris else contextlib.nullcontext()
)
with _INSTRUMENTED:
    import arrow2bib

    # readers import the HTML reader (and others) lazily: import every module here, inside
    # the instrumentation context, or its branches would be invisible to the fuzzer
    for _module in pkgutil.walk_packages(arrow2bib.__path__, "arrow2bib."):
        if not _module.name.endswith("__main__"):  # it would run the command line
            importlib.import_module(_module.name)
    from arrow2bib.read.html import html_lines
    from arrow2bib.model import MAX_AUTHORS_SHOWN, AuthorStatus, Page
    from arrow2bib.read.grammar import parse_lines

SOURCE = "fuzz"
#: Encodings a user may plausibly name with --encoding (and two they may name by mistake).
ENCODINGS = ("cp1252", "latin-1", "utf-16", "utf-8-sig", "shift_jis", "utf-16-be", "ascii")


def check_page(page: Page) -> None:
    """Raise AssertionError when the page does not hold together."""
    assert page.source == SOURCE, page.source
    for paper in page.papers:
        assert paper.title and paper.title == paper.title.strip(), repr(paper.title)
        assert "\n" not in paper.title and "\r" not in paper.title, repr(paper.title)
        assert paper.source == SOURCE and paper.line >= 1, (paper.source, paper.line)
        assert paper.year is not None and 1000 <= paper.year <= 2999, paper.year
        if len(paper.authors) != MAX_AUTHORS_SHOWN:
            assert paper.authors_status is AuthorStatus.COMPLETE, paper
        for person in paper.authors:
            assert person.literal == person.literal.strip(), repr(person.literal)
        for url in paper.urls:
            assert paper.abstract is not None and url in paper.abstract, (url, paper.abstract)
        if paper.abstract is None:
            assert paper.raw_abstract is None and not paper.urls
    for problem in page.problems:
        assert problem.line is None or problem.line >= 1, problem
        assert problem.message and problem.source == SOURCE, problem


def read_all(data: bytes) -> None:
    """The three readings of ``data``; only InputError may escape them."""
    try:
        check_page(arrow2bib.parse(data, source=SOURCE))
    except arrow2bib.InputError:
        pass
    try:
        check_page(parse_lines(html_lines(data, source=SOURCE), source=SOURCE))
    except arrow2bib.InputError:
        pass
    try:
        encoding = ENCODINGS[len(data) % len(ENCODINGS)]
        check_page(arrow2bib.parse(data, source=SOURCE, encoding=encoding))
    except arrow2bib.InputError:
        pass


def test_one_input(data: bytes) -> None:
    """libFuzzer's entry point."""
    read_all(data)


def main() -> None:
    """Run libFuzzer with the command line's arguments."""
    if atheris is None:
        sys.exit(NO_ATHERIS)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
