"""Text for Hayagriva fields: cleaning, the page's light markup, and Hayagriva's string syntax.

Hayagriva reads most text fields (``title``, ``publisher``, ``note``, ``abstract``...) as
*formattable strings*, a small syntax of its own inside the YAML string: ``{...}`` keeps
its content out of a style's title or sentence case, ``$...$`` is Typst math, and ``\\``
escapes any of ``\\ { } $``. :func:`formattable` is the one place that writes it. Names
are plain strings (no syntax), and so are URLs.

The page's text keeps Markdown bold (``**...**``) and TeX math (``$...$``). Hayagriva has no
bold, so the markers are dropped. TeX math is *not* Typst math (``$\\Sigma_X$`` is an
error or garbage there, and Typst evaluates math as code), so math is written as its
literal TeX source, ``$`` included, protected from case changes.
"""

from __future__ import annotations

import re

# the model's markup (**bold**, $math$), recognised by arrow2bib's own public module
from arrow2bib.text.markup import Span, spans

__all__ = ["Span", "clean", "escape", "formattable", "needs_protection", "spans"]

#: Everything str.splitlines() breaks at, and tab: folded to a space.
_BREAKS = re.compile(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]")
_SPACE = re.compile(r"\s+")
#: The characters Hayagriva's formattable strings give a meaning to.
_CONTROL = re.compile(r"[\\{}$]")
#: Words and the white space between them (kept).
_WORDS = re.compile(r"(\s+)")
#: A word's parts, split at hyphens and slashes (``Click-Through``, ``Input/Output``).
_PARTS = re.compile(r"[-/\u2010\u2011\u2013]")


#: Control characters and lone surrogates (Unicode's categories Cc and Cs, both fixed):
#: meaningless in a reference, and a lone surrogate cannot even be written as UTF-8. One
#: regex scan finds them: :func:`clean` takes 2 us a title and 5 an abstract, where asking
#: ``unicodedata.category`` of each character took 10 and 22 (the generated overlap page).
_REMOVABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def clean(text: str) -> tuple[str, bool]:
    """``text`` on one line: the value and whether anything beyond spacing changed.

    Line breaks and tabs become spaces, other control characters are removed, runs of
    white space become one space, and the ends are trimmed."""
    if text.isprintable():  # no line break, tab, control character or surrogate: spaces only
        return (text.strip(" ") if "  " not in text else _SPACE.sub(" ", text).strip()), False
    folded = _BREAKS.sub(" ", text)
    changed = folded != text
    if _REMOVABLE.search(folded):
        folded = _REMOVABLE.sub("", folded)
        changed = True
    return _SPACE.sub(" ", folded).strip(), changed


def escape(text: str) -> str:
    """``text`` as literal characters of a Hayagriva formattable string."""
    return _CONTROL.sub(r"\\\g<0>", text)


def needs_protection(word: str) -> bool:
    """Whether a style's title or sentence case would spoil ``word``: a part of it (split
    at hyphens and slashes) has a capital after its first letter or digit (``DeepFM``,
    ``CTR``, ``LoRA``, ``3D``, ``(SRA-CL)``). Hayagriva's title case turns ``DeepFM``
    into ``Deepfm``."""
    if word[1:].islower():  # most words: no capital after the first character at all
        return False
    for part in _PARTS.split(word):
        alnum = [c for c in part if c.isalnum()]
        if any(c.isupper() for c in alnum[1:]):
            return True
    return False


def _protected(word: str) -> str:
    """``word`` with braces around its letters and digits, punctuation at its ends left
    outside: Hayagriva's title case drops the space after ``{DeepFM:}`` (``DeepFM:a``) but
    not after ``{DeepFM}:``."""
    alnum = [i for i, c in enumerate(word) if c.isalnum()]
    start, end = alnum[0], alnum[-1] + 1
    return escape(word[:start]) + "{" + escape(word[start:end]) + "}" + escape(word[end:])


def formattable(text: str, *, protect: bool = True) -> str:
    """Model text (cleaned) as a Hayagriva formattable string.

    Bold markers are dropped; math keeps its TeX source between literal ``$``, in braces;
    with ``protect``, words that :func:`needs_protection` are braced too, so that
    title-casing and sentence-casing styles leave them as written."""
    out: list[str] = []
    for span in spans(text):
        if span.kind == "math":
            out.append("{" + escape(f"${span.text}$") + "}")
            continue
        if not protect:
            out.append(escape(span.text))
            continue
        literal = _CONTROL.search(span.text) is None  # nothing to escape in this span
        for index, piece in enumerate(_WORDS.split(span.text)):
            if index % 2 or not piece:
                out.append(piece)
            elif needs_protection(piece):
                out.append(_protected(piece))
            else:
                out.append(piece if literal else escape(piece))
    return "".join(out)
