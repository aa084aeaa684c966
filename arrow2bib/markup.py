"""The light markup that text fields keep: Markdown bold and TeX math.

The page's abstracts write ``**Token-wise ... (TopLoRA)**`` and ``$B\\Sigma_X A$``. The model
keeps both as written; each exporter renders the spans its own way (``\\textbf{}`` and math
for BibTeX, ``<b>`` for CSL, plain text for RIS and ORCID). :func:`spans` is the one place that
recognises them.
"""

from __future__ import annotations

import re
from typing import Iterator, Literal, NamedTuple

__all__ = ["Span", "spans", "plain"]

Kind = Literal["text", "bold", "math"]


class Span(NamedTuple):
    """A run of text of one kind. For ``bold`` and ``math`` the delimiters are removed."""

    kind: Kind
    text: str


# $...$ math: not an escaped \$, non-empty, no newline, not starting or ending with a space
# (so "costs $5 and $10" is not math); **bold**: non-empty, no newline.
_MARKUP = re.compile(
    r"(?<![\\$])\$(?P<math>[^\s$](?:[^$\n]*?[^\s$\\])?)\$(?!\$)"
    r"|\*\*(?P<bold>[^*\n](?:[^\n]*?[^*\n])?)\*\*"
)


def spans(text: str) -> Iterator[Span]:
    """Split ``text`` into plain, bold and math spans, in order. Joined, they give the text
    back without the ``**`` and ``$`` delimiters."""
    pos = 0
    for match in _MARKUP.finditer(text):
        if match.start() > pos:
            yield Span("text", text[pos : match.start()])
        if match.group("math") is not None:
            yield Span("math", match.group("math"))
        else:
            yield Span("bold", match.group("bold"))
        pos = match.end()
    if pos < len(text):
        yield Span("text", text[pos:])


def plain(text: str, *, math: Literal["keep", "strip"] = "keep") -> str:
    """``text`` without Markdown bold markers; math keeps its ``$`` unless ``math="strip"``."""
    out = []
    for span in spans(text):
        if span.kind == "math" and math == "keep":
            out.append(f"${span.text}$")
        else:
            out.append(span.text)
    return "".join(out)
