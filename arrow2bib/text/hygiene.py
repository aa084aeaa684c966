"""Characters no consumer should get, handled in one place for every format.

- Lone surrogates (a UTF-7 page, a library caller's string) cannot be encoded as UTF-8 at
  all: each becomes U+FFFD, the replacement character.
- Unicode noncharacters (U+FDD0-U+FDEF and the last two code points of every plane,
  U+FFFE, U+FFFF, U+1FFFE...) make biber refuse a whole file: removed.
- Control characters (C0 and C1, DEL; ``\\x1c``-``\\x1e`` are separators) become a space,
  so that ``RIS\\x1cER`` stays two words.
- Bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) reorder what
  a reader sees: reported, and kept (the UTF-8 formats carry them; ASCII BibTeX drops them
  and says so).

The parser cleans each line of a page as it reads it (:meth:`~arrow2bib.parser.PageReader`),
reporting at the line; :func:`arrow2bib.export` and its kin clean the papers a library
caller gives. Each change is an ``unsafe-character`` problem.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Callable, NamedTuple

from ..model import Paper, Problem, Severity

__all__ = ["BIDI", "CODE", "Cleaned", "clean", "clean_paper", "describe", "problem"]

CODE = "unsafe-character"

_SURROGATE = re.compile("[\ud800-\udfff]")
_NONCHARACTER = re.compile(
    "[\ufdd0-\ufdef" + "".join(f"{chr(p << 16 | 0xFFFE)}{chr(p << 16 | 0xFFFF)}"
                               for p in range(17)) + "]")
#: Control characters other than the line breaks and tab a reader folds anyway.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI = re.compile(f"[{BIDI}]")


class Cleaned(NamedTuple):
    """Text made safe, and what was found: ``(kind, code points)`` pairs, where kind is
    ``surrogate``, ``noncharacter``, ``control`` or ``bidi``."""

    text: str
    found: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _codes(chars: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f"U+{ord(c):04X}" for c in chars))


def clean(text: str) -> Cleaned:
    """``text`` with lone surrogates replaced, noncharacters removed, control characters
    made spaces; bidi controls found but kept."""
    if text.isprintable():  # none of them (all are Cs, Cn, Cc or Cf)
        return Cleaned(text)
    found = []
    for kind, pattern, replacement in (("surrogate", _SURROGATE, "\ufffd"),
                                       ("noncharacter", _NONCHARACTER, ""),
                                       ("control", _CONTROL, " ")):
        chars = pattern.findall(text)
        if chars:
            found.append((kind, _codes(chars)))
            text = pattern.sub(replacement, text)
    bidi = _BIDI.findall(text)
    if bidi:
        found.append(("bidi", _codes(bidi)))
    return Cleaned(text, tuple(found))


_DONE = {"surrogate": "replaced lone surrogate(s) {} with U+FFFD (they cannot be UTF-8)",
         "noncharacter": "removed Unicode noncharacter(s) {} (biber refuses a file with them)",
         "control": "made control character(s) {} a space",
         "bidi": "found bidirectional control(s) {}, which reorder what a reader sees; kept "
                 "(ASCII BibTeX leaves them out)"}


def describe(found: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """One sentence for what :func:`clean` found."""
    parts = [_DONE[kind].format(", ".join(codes)) for kind, codes in found]
    return "; ".join(parts)[:1].upper() + "; ".join(parts)[1:] + "."


def problem(found: tuple[tuple[str, tuple[str, ...]], ...], *, source: str = "",
            line: int | None = None, title: str | None = None, where: str = "") -> Problem:
    """The ``unsafe-character`` problem for what :func:`clean` found."""
    return Problem(code=CODE, severity=Severity.WARNING,
                   message=(f"In the {where}: " if where else "") + describe(found),
                   source=source, line=line, title=title,
                   details={"found": {kind: list(codes) for kind, codes in found},
                            **({"field": where} if where else {})})


_PAPER_TEXT = ("title", "venue", "venue_kind", "paper_type", "abstract", "raw_abstract")
_PERSON_TEXT = ("literal", "given", "family", "particle", "suffix", "nickname")


def clean_paper(paper: Paper, report: Callable[[Problem], None]) -> Paper:
    """``paper`` with every text cleaned (:func:`clean`), reporting each field changed."""
    changes: dict[str, object] = {}

    def fix(where: str, value: str | None) -> str | None:
        if value is None:
            return None
        cleaned = clean(value)
        if cleaned.found:
            report(problem(cleaned.found, source=paper.source, line=paper.line or None,
                           title=clean(paper.title).text, where=where))
        return cleaned.text

    for name in _PAPER_TEXT:
        value = getattr(paper, name)
        new = fix(name, value)
        if new != value:
            changes[name] = new
    urls = tuple(fix("urls", u) or "" for u in paper.urls)
    if urls != paper.urls:
        changes["urls"] = urls
    people = []
    for person in paper.authors:
        fields = {n: fix("authors", getattr(person, n)) for n in _PERSON_TEXT}
        people.append(person if all(fields[n] == getattr(person, n) for n in fields)
                      else dataclasses.replace(person, **fields))  # type: ignore[arg-type]
    if any(a is not b for a, b in zip(people, paper.authors)):
        changes["authors"] = tuple(people)
    return dataclasses.replace(paper, **changes) if changes else paper  # type: ignore[arg-type]

