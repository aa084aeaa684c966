"""Notes: what an exporter converted successfully, told at the paper's line.

A note is a :class:`~arrow2bib.model.Problem` of severity ``INFO``: the output is right, and
the user may want to look (``--strict`` fails on warnings, never on notes). Two codes:

``math-converted``
    A format that does not read TeX (CSL-JSON, RIS, ORCID, the formatted references) wrote
    a title's or abstract's ``$...$`` as Unicode (``$\\ell_1$`` -> ``ℓ₁``,
    :mod:`arrow2bib.text.unimath`). BibTeX and biblatex keep TeX and give no such note (math
    that TeX would not compile is the ``invalid-math`` check's warning).
``url-repaired``
    A link of the abstract was rebuilt from text that the extraction had split
    (``https: //github. com/a/b`` -> ``https://github.com/a/b``), and the format writes it.
    A link the page gives whole gets no note.

One note per field and format, listing every span converted there.
"""

from __future__ import annotations

import functools
import re
from typing import Callable

from ..model import Paper, Problem, Severity
from ..text.markup import unbolded
from ..text.unimath import plain_math

__all__ = ["MATH_CONVERTED", "URL_REPAIRED", "math_notes", "report_notes", "url_notes"]

MATH_CONVERTED = "math-converted"
URL_REPAIRED = "url-repaired"

Report = Callable[[Problem], None]


def _note(paper: Paper, key: str | None, code: str, message: str, **details: object
          ) -> Problem:
    return Problem(code=code, severity=Severity.INFO, message=message, source=paper.source,
                   line=paper.line or None, title=paper.title, key=key, details=details)


def math_notes(paper: Paper, fmt: str, key: str | None = None) -> list[Problem]:
    """A ``math-converted`` note for the title and for the abstract when they hold math."""
    notes = []
    abstract = paper.abstract if paper.abstract is not None else paper.raw_abstract
    for field, text in (("title", paper.title), ("abstract", abstract or "")):
        if "$" not in text:
            continue
        math = [span.text for span in unbolded(text) if span.kind == "math"]
        if not math:
            continue
        unicode = [plain_math(m) for m in math]
        shown = ", ".join(f"${m}$ -> {u}" for m, u in zip(math, unicode))
        notes.append(_note(
            paper, key, MATH_CONVERTED,
            f"{fmt}: the {field}'s math is written as Unicode ({shown}); the format does not "
            "read TeX.", format=fmt, field=field, math=math, unicode=unicode))
    return notes


def _as_written(url: str, raw: str) -> str | None:
    """The text of ``raw`` that ``url`` was rebuilt from: its characters in order with white
    space between any two (the splits text extraction makes; the scheme in any case), or
    None when not found. Only the text from each place the scheme starts is looked at."""
    scheme, sep, rest = url.partition("://")
    if not sep or not rest:
        return None
    head = scheme.lower() + sep
    count = len(url)
    for start in _scheme_start(scheme).finditer(raw):
        words = _non_space_words(raw, start.start(), count)  # the URL's length in characters
        if words is None:
            continue
        compact = "".join(words)
        if compact[:len(head)].lower() == head and compact[len(head):] == rest:
            return " ".join(words)
    return None


def _non_space_words(raw: str, start: int, count: int) -> list[str] | None:
    """The words of the shortest text of ``raw`` from ``start`` that holds ``count`` non-space
    characters (the last word cut there), or None when it does not start with one or
    ``raw`` ends first: what :func:`_non_space_chars` matches, split at its white space."""
    if start >= len(raw) or raw[start].isspace():
        return None
    window = 2 * count + 32  # room for the white space of a split link, usually enough
    words: list[str] = []
    have = 0
    for word in raw[start:start + window].split():
        if have + len(word) >= count:
            words.append(word[:count - have])
            return words
        words.append(word)
        have += len(word)
    if start + window >= len(raw):
        return None  # raw ended first
    found = _non_space_chars(count).match(raw, start)  # more white space than the window
    return found.group().split() if found else None


@functools.lru_cache(maxsize=64)
def _scheme_start(scheme: str) -> re.Pattern[str]:
    """Where ``scheme`` and its colon start, in any case and with white space between."""
    return re.compile(re.escape(scheme) + r"\s*:", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _non_space_chars(count: int) -> re.Pattern[str]:
    """``count`` non-space characters, with any white space between them."""
    return re.compile(r"\S(?:\s*\S){%d}" % (count - 1))


def url_notes(paper: Paper, fmt: str, key: str | None = None) -> list[Problem]:
    """A ``url-repaired`` note for each link of the abstract that the page does not give
    whole (its text was split, or changed, by the text extraction)."""
    raw = paper.raw_abstract or ""
    notes = []
    for url in paper.urls:
        if not url or url in raw:
            continue
        written = _as_written(url, raw)
        was = f" from {written!r}" if written else ""
        notes.append(_note(
            paper, key, URL_REPAIRED,
            f"{fmt}: the link {url!r} was rebuilt{was} in the abstract, where the text "
            "extraction had split it.", format=fmt, field="urls", url=url,
            **({"written": written} if written else {})))
    return notes


def report_notes(report: Report, paper: Paper, fmt: str, key: str | None = None, *,
                 math: bool = True) -> None:
    """Give ``report`` the notes for ``paper`` in format ``fmt``: its repaired links, and,
    when ``math`` (the format writes math as Unicode), its converted math."""
    for note in (math_notes(paper, fmt, key) if math else []) + url_notes(paper, fmt, key):
        report(note)
