"""The light markup that text fields keep: Markdown bold and TeX math.

The page's abstracts write ``**Token-wise ... (TopLoRA)**`` and ``$B\\Sigma_X A$``. The model
keeps both as written; each exporter renders the spans its own way (``\\textbf{}`` and math
for BibTeX, ``<b>`` for CSL, plain text for RIS and ORCID). :func:`spans` is the one place that
recognises them.
"""

from __future__ import annotations

import re
from typing import Iterator, Literal, NamedTuple

__all__ = ["Span", "spans", "plain", "unbolded"]

Kind = Literal["text", "bold", "math"]


class Span(NamedTuple):
    """A run of text of one kind. For ``bold`` and ``math`` the delimiters are removed."""

    kind: Kind
    text: str


#: ``_new(Span, (kind, text))`` is ``Span(kind, text)`` made directly, without the call
#: through the named tuple's ``__new__`` (a Python function): half the cost, for the ten or so
#: spans of a paper.
_new = tuple.__new__


#: ``$...$`` math: not an escaped ``\$``, non-empty, no newline, not starting or ending with a
#: space (so "costs $5 and $10" is not math); ``**bold**``: non-empty, no newline. The
#: look-behind for ``\$`` comes after the first ``$`` ("not ``\$`` or ``$$`` ending here" is
#: the same test as before it): a pattern that starts with a literal lets the regex engine jump
#: from one ``$`` or ``*`` to the next. (tests/oracles.py keeps the plain pattern.)
_MARKUP = re.compile(
    r"\$(?<![\\$]\$)(?P<math>[^\s$](?:[^$\n]*?[^\s$\\])?)\$(?!\$)"
    r"|\*\*(?P<bold>[^*\n](?:[^\n]*?[^*\n])?)\*\*"
)


def spans(text: str) -> Iterator[Span]:
    """Split ``text`` into plain, bold and math spans, in order. Joined, they give the text
    back without the ``**`` and ``$`` delimiters."""
    if "$" not in text and "**" not in text:  # most text has no markup: skip the regex scan
        if text:
            yield _new(Span, ("text", text))
        return
    # one split in C instead of a match object per span: [text, math, bold, text, ...],
    # with None for the group that did not take part (tests/oracles.py: the plain loop)
    parts = _MARKUP.split(text)
    for i in range(0, len(parts) - 1, 3):
        if parts[i]:
            yield _new(Span, ("text", parts[i]))
        math = parts[i + 1]
        yield _new(Span, ("math", math) if math is not None else ("bold", parts[i + 2]))
    if parts[-1]:
        yield _new(Span, ("text", parts[-1]))


def unbolded(text: str) -> Iterator[Span]:
    """:func:`spans` as the formats that drop bold see them: text and math spans only. A bold
    span's content is split again, since bold may hold math (``**$\\ell_1$-LoRA**``), and
    comes out as text and math spans."""
    for span in spans(text):
        if span.kind == "bold":
            for inner in spans(span.text):
                # bold cannot hold bold (the pattern ends it at the first **)
                yield inner if inner.kind == "math" else _new(Span, ("text", inner.text))
        else:
            yield span


def plain(text: str, *, math: Literal["keep", "strip"] = "keep") -> str:
    """``text`` without Markdown bold markers; math keeps its ``$`` unless ``math="strip"``."""
    if "$" not in text and "**" not in text:  # no markup (see :func:`spans`)
        return text
    out = []
    for span in unbolded(text):
        if span.kind == "math" and math == "keep":
            out.append(f"${span.text}$")
        else:
            out.append(span.text)
    return "".join(out)
