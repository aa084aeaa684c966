"""The whole job, left to right: pages -> keys -> checks -> de-duplication -> exporter.

:func:`process` is what ``arrow2bib convert`` and ``arrow2bib check`` run; the library
exposes it for callers who want the same behaviour (problems collected, never raised).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal, Mapping, Sequence

import pluggy

from .checks import CheckContext, CheckRun
from .errors import FormatError
from .exporters.base import Document, Entry, Exporter, ExportOptions
from .keys import assign_keys
from .model import AuthorStatus, Page, Paper, Problem, Severity

__all__ = ["DEDUPE_MODES", "Outcome", "process"]

Dedupe = Literal["keep", "first", "merge"]
DEDUPE_MODES: tuple[str, ...] = ("keep", "first", "merge")


@dataclass
class Outcome:
    """What a run did: every paper is written, merged into another, or skipped with a reason."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    read: int = 0
    merged: int = 0
    skipped: int = 0

    @property
    def written(self) -> int:
        return len(self.entries)


def _merge(first: Paper, later: Paper) -> Paper:
    """Complete ``first`` from ``later`` (the README documents these rules)."""
    def rank(p: Paper) -> tuple[int, int]:
        return (len(p.authors), p.authors_status is AuthorStatus.COMPLETE)

    better = later if rank(later) > rank(first) else first
    return dataclasses.replace(
        first,
        authors=better.authors,
        authors_status=better.authors_status,
        abstract=first.abstract or later.abstract,
        raw_abstract=first.raw_abstract or later.raw_abstract,
        urls=tuple(dict.fromkeys(first.urls + later.urls)),
    )


def export_options(exporter: Exporter, extra: Mapping[str, str] | None, report,
                   pages: Mapping[str, Page]) -> ExportOptions:
    """Validated options for ``exporter`` (unknown option names are a :class:`FormatError`)."""
    extra = dict(extra or {})
    unknown = sorted(set(extra) - set(exporter.options))
    if unknown:
        known = ", ".join(sorted(exporter.options)) or "none"
        raise FormatError(
            f"The {exporter.name} format has no option {unknown[0]!r} (its options: {known})."
        )
    return ExportOptions(extra=extra, report=report, pages=pages)


def process(
    pages: Sequence[Page],
    *,
    pm: pluggy.PluginManager,
    exporter: Exporter | None = None,
    key_pattern: str | None = None,
    options: Mapping[str, str] | None = None,
    dedupe: Dedupe = "keep",
    checks: bool = True,
    export: bool = True,
) -> Outcome:
    """Run checks over ``pages`` (for ``exporter``'s format when given) and, unless
    ``export`` is false, export with ``exporter`` what survives de-duplication."""
    if dedupe not in DEDUPE_MODES:
        raise ValueError(f"dedupe must be one of {DEDUPE_MODES}, not {dedupe!r}")
    outcome = Outcome()
    papers = [paper for page in pages for paper in page.papers]
    outcome.read = len(papers)
    keys = assign_keys(papers, pm, key_pattern)
    index_of = {key: i for i, key in enumerate(keys)}
    run = CheckRun(pm, CheckContext(exporter=exporter)) if checks else None
    kept: dict[int, Paper] = {}  # index -> paper, in order
    position = 0
    for page in pages:
        outcome.problems.extend(page.problems)
        for paper in page.papers:
            index, key = position, keys[position]
            position += 1
            found = run.paper(paper, key) if run else []
            outcome.problems.extend(found)
            copy_of = next((p.details["other"] for p in found if p.code == "duplicate"
                            and p.details.get("kind") in ("identical", "near-identical")), None)
            if copy_of is not None and dedupe != "keep":
                target = index_of.get(copy_of["key"])
                if target is not None and target in kept:
                    if dedupe == "merge":
                        kept[target] = _merge(kept[target], paper)
                        outcome.merged += 1
                        verb = f"merged into {copy_of['key']}"
                    else:
                        outcome.skipped += 1
                        verb = f"skipped as a copy of {copy_of['key']}"
                    outcome.problems.append(Problem(
                        code="dedupe", severity=Severity.INFO,
                        message=f"Not exported on its own: {verb} (--dedupe {dedupe}).",
                        source=paper.source, line=paper.line, title=paper.title, key=key,
                        details={"mode": dedupe, "into": copy_of["key"]}))
                    continue
            kept[index] = paper
        if run:
            outcome.problems.extend(run.page(page))
    if run:
        outcome.problems.extend(run.finish())
    outcome.entries = [Entry(key=keys[i], paper=p) for i, p in kept.items()]
    if exporter is not None and export:
        headers = {page.source: dataclasses.replace(page, papers=()) for page in pages}
        export_problems: list[Problem] = []
        opts = export_options(exporter, options, export_problems.append, headers)
        outcome.documents = list(exporter.documents(outcome.entries, opts))
        outcome.problems.extend(export_problems)
    return outcome
