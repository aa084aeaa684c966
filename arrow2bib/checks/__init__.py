"""Checks: what the tool notices about the papers, as problems, never silently.

Checks are plugins (the ``register_checks`` hook); :class:`CheckRun` runs every registered
check over papers as they stream past, pages as they end, and the whole run at its end.
"""

from __future__ import annotations

from typing import Callable, Iterable

import pluggy

from ..errors import PluginError
from ..model import Page, Paper, Problem
from ..plugins import call_register_hook, get_plugin_manager
from .base import Check, CheckContext

__all__ = ["Check", "CheckContext", "CheckRun", "registered_checks", "run_checks"]


def registered_checks(pm: pluggy.PluginManager) -> list[type[Check]]:
    """The check classes the plugins register, validated; names are unique."""
    found: dict[str, type[Check]] = {}

    def register_for(plugin: object) -> Callable[[type[Check]], None]:
        name = pm.get_name(plugin) or repr(plugin)

        def register(check: type[Check]) -> None:
            if not (isinstance(check, type) and issubclass(check, Check)):
                raise PluginError(f"Plugin {name} registered {check!r}, which is not a "
                                  "subclass of arrow2bib.checks.Check; register the class.")
            if check.name in found:
                raise PluginError(f"The check name {check.name!r} is registered twice (the "
                                  f"second time by {name}); rename one of them.")
            found[check.name] = check

        return register

    call_register_hook(pm, "register_checks", register_for)
    return list(found.values())


def _scope(check: type[Check]) -> str:
    return "paper" if check.scope == "paper" else "run"


class CheckRun:
    """One run of every registered check (each a fresh instance); with ``scope``, only the
    checks of that :attr:`Check.scope` (``--jobs`` splits a run that way: ``"paper"`` for the
    workers, ``"run"`` for every other check, whatever scope it states)."""

    def __init__(self, pm: pluggy.PluginManager, context: CheckContext | None = None,
                 *, skip: Iterable[str] = (), scope: str | None = None):
        context = context or CheckContext()
        skipped = set(skip)
        #: (place in the registration order, check): problems of one paper come in that order
        self.numbered = [(number, cls(context))
                         for number, cls in enumerate(registered_checks(pm))
                         if cls.name not in skipped and scope in (None, _scope(cls))]
        self.checks = [check for _number, check in self.numbered]

    def paper(self, paper: Paper, key: str | None = None) -> list[Problem]:
        """Problems of one paper."""
        return [p for check in self.checks for p in check.paper(paper, key)]

    def paper_numbered(self, paper: Paper, key: str | None = None) -> list[tuple[int, Problem]]:
        """Problems of one paper, each with its check's place in the registration order."""
        return [(n, p) for n, check in self.numbered for p in check.paper(paper, key)]

    def page(self, page: Page) -> list[Problem]:
        """Problems of a page once read (after all its papers went through :meth:`paper`)."""
        return [p for check in self.checks for p in check.page(page)]

    def page_numbered(self, page: Page) -> list[tuple[int, Problem]]:
        """:meth:`page`, each problem with its check's place in the registration order."""
        return [(n, p) for n, check in self.numbered for p in check.page(page)]

    def finish(self) -> list[Problem]:
        """Problems of the whole run."""
        return [p for check in self.checks for p in check.finish()]


def run_checks(
    pages: Page | Iterable[Page],
    *,
    pm: pluggy.PluginManager | None = None,
    context: CheckContext | None = None,
    keys: dict[int, str] | None = None,
) -> list[Problem]:
    """Run every registered check over whole pages; return the parser's problems and the
    checks' problems, in order."""
    if pm is None:
        pm = get_plugin_manager()
    run = CheckRun(pm, context)
    problems: list[Problem] = []
    for page in [pages] if isinstance(pages, Page) else pages:
        problems.extend(page.problems)
        for paper in page.papers:
            problems.extend(run.paper(paper, (keys or {}).get(id(paper))))
        problems.extend(run.page(page))
    problems.extend(run.finish())
    return problems
