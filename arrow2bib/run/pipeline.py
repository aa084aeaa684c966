"""The run as 0.2 named it: :class:`Run` is the one engine (:class:`~arrow2bib.run.engine.Engine`),
and :func:`process` gives its result as lists, for library callers (problems collected, never
raised). New code uses :func:`arrow2bib.convert` or :class:`~arrow2bib.run.engine.Engine`.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import pluggy

from ..exporters.base import Exporter
from ..model import Page
from .engine import DEDUPE_MODES, Dedupe, Engine, Input, Outcome, export_options, merge_papers
from .stages import FiledPage, join_headers

__all__ = ["DEDUPE_MODES", "FiledPage", "Input", "Outcome", "Run", "export_options",
           "join_headers", "merge_papers", "process"]

#: The 0.2 name of :class:`~arrow2bib.run.engine.Engine`.
Run = Engine


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
    with Engine(pages, pm=pm, exporter=exporter, key_pattern=key_pattern, options=options,
                dedupe=dedupe, checks=checks) as run:
        run.read()
        outcome = Outcome(entries=list(run.entries()), read=run.read_count)
        if exporter is not None and export:
            outcome.documents = list(exporter.documents(outcome.entries, run.export_options()))
        outcome.problems = list(run.problems)
        outcome.merged, outcome.skipped = run.merged, run.skipped
    return outcome
