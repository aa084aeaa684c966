"""The ``invalid-math`` check: ``$...$`` that TeX would not compile.

BibTeX and biblatex write such a span as text (``\\$x{\\textasciicircum}1...``) so that
the document still compiles (:mod:`arrow2bib.text.texmath` says why it is not math); the other
formats show it as Unicode either way. Reported at the paper's line, with the field.
"""

from __future__ import annotations

from typing import Callable, Iterable

from ..hookspecs import hookimpl
from ..text.markup import unbolded
from ..model import Paper, Problem, Severity
from ..text.texmath import math_error
from .base import Check, PaperCheck

__all__ = ["InvalidMath"]


class InvalidMath(PaperCheck):
    """Math in a title or abstract that pdflatex would stop at."""

    name = "invalid-math"
    codes = ("invalid-math",)
    description = "$...$ that TeX would not compile (written as text in BibTeX and biblatex)"

    def paper(self, paper: Paper, key: str | None) -> Iterable[Problem]:
        abstract = paper.abstract if paper.abstract is not None else paper.raw_abstract
        for field, text in (("title", paper.title), ("abstract", abstract or "")):
            if "$" not in text:
                continue
            for span in unbolded(text):
                reason = math_error(span.text) if span.kind == "math" else None
                if reason:
                    yield Problem(
                        code=self.name, severity=Severity.WARNING,
                        message=f"The {field} has ${span.text}$, which TeX would not compile "
                        f"({reason}); BibTeX and biblatex write it as text.",
                        source=paper.source, line=paper.line, title=paper.title, key=key,
                        details={"field": field, "math": span.text, "reason": reason})


@hookimpl
def register_checks(register: Callable[[type[Check]], None]) -> None:
    """Register the ``invalid-math`` check."""
    register(InvalidMath)
