"""Checks: what the tool notices about the papers, as problems, never silently.

Checks are plugins (the ``register_checks`` hook); :class:`CheckRun` runs every registered
check over papers as they stream past, pages as they end, and the whole run at its end. The
run engine (:mod:`arrow2bib.run.engine`) runs the paper checks (:class:`PaperCheck`) on batches,
wherever its backend sends them, and the other checks in input order in its own process.
"""

from __future__ import annotations

import warnings
from typing import Callable, Iterable, Iterator, Sequence

import pluggy

from ..errors import PluginError
from ..model import Page, Paper, Problem
from ..plugins import WrongResult, call_register_hook, get_plugin_manager
from .base import Check, CheckContext, Copy, CopyCheck, PaperCheck, Verdict

__all__ = ["Check", "CheckContext", "CheckRun", "Copy", "CopyCheck", "PaperCheck", "Verdict",
           "is_paper_check", "registered_checks", "run_checks"]


def registered_checks(pm: pluggy.PluginManager) -> list[type[Check]]:
    """The check classes the plugins register, validated; names are unique."""
    found: dict[str, type[Check]] = {}
    by: dict[str, str] = {}

    def register_for(plugin: object) -> Callable[[type[Check]], None]:
        name = pm.get_name(plugin) or repr(plugin)

        def register(check: type[Check]) -> None:
            if not (isinstance(check, type) and issubclass(check, Check)):
                raise PluginError(f"Plugin {name} registered {check!r}, which is not a "
                                  "subclass of arrow2bib.checks.Check; register the class.")
            if check.name in found:
                raise PluginError(f"The check name {check.name!r} is registered twice: by "
                                  f"{by[check.name]} and by {name}; rename one of them.")
            found[check.name], by[check.name] = check, name

        return register

    call_register_hook(pm, "register_checks", register_for)
    return list(found.values())


def is_paper_check(check: type[Check]) -> bool:
    """Whether ``check`` looks at each paper alone (a :class:`PaperCheck`, or a 0.2 check that
    states the deprecated ``scope = "paper"``)."""
    if issubclass(check, PaperCheck):
        return True
    if check.scope == "paper":
        warnings.warn(f"{check.__name__}: Check.scope is deprecated and removed in arrow2bib "
                      "0.4.0; subclass arrow2bib.checks.PaperCheck instead of stating "
                      "scope = 'paper' (see CHANGELOG.md).", DeprecationWarning, stacklevel=2)
        return True
    return False


class CheckRun:
    """One run of every registered check (each a fresh instance), minus those in ``skip``;
    with ``scope``, only the paper checks (``"paper"``: :func:`is_paper_check`) or only the
    others (``"run"``)."""

    def __init__(self, pm: pluggy.PluginManager, context: CheckContext | None = None,
                 *, skip: Iterable[str] = (), scope: str | None = None):
        context = context or CheckContext()
        skipped = set(skip)
        wanted = {None: (True, False), "paper": (True,), "run": (False,)}[scope]
        #: (place in the registration order, check): problems of one paper come in that order
        self.numbered = [(number, cls(context))
                         for number, cls in enumerate(registered_checks(pm))
                         if cls.name not in skipped and is_paper_check(cls) in wanted]
        self.checks = [check for _number, check in self.numbered]

    def paper(self, paper: Paper, key: str | None = None) -> list[Problem]:
        """Problems of one paper."""
        return [p for check in self.checks for p in _valid(check, check.paper(paper, key))]

    def paper_numbered(self, paper: Paper, key: str | None = None) -> list[tuple[int, Problem]]:
        """Problems of one paper, each with its check's place in the registration order."""
        return [(n, p) for n, check in self.numbered
                for p in _valid(check, check.paper(paper, key))]

    def page(self, page: Page) -> list[Problem]:
        """Problems of a page once read (after all its papers went through :meth:`paper`)."""
        return [p for check in self.checks for p in _valid(check, check.page(page), "page")]

    def page_numbered(self, page: Page) -> list[tuple[int, Problem]]:
        """:meth:`page`, each problem with its check's place in the registration order."""
        return [(n, p) for n, check in self.numbered
                for p in _valid(check, check.page(page), "page")]

    def batch_numbered(self, batch: Sequence[tuple[Paper, str | None]]
                       ) -> list[list[tuple[int, Problem]]]:
        """Problems of each ``(paper, key)`` of ``batch`` (one list per paper), each with its
        check's place in the registration order; paper checks see the whole batch at once."""
        found: list[list[tuple[int, Problem]]] = [[] for _item in batch]
        for number, check in self.numbered:
            if isinstance(check, PaperCheck):
                results: Iterable[Iterable[Problem]] = check.papers(batch)
            else:
                results = [check.paper(paper, key) for paper, key in batch]
            for mine, problems in zip(found, results):
                if problems:  # most papers have none: no generator for them
                    mine.extend((number, problem) for problem in _valid(check, problems))
        return found

    def verdict_numbered(self, paper: Paper, key: str | None
                         ) -> tuple[list[tuple[int, Problem]], Copy | None, int]:
        """:meth:`paper_numbered`, with the first copy a :class:`CopyCheck` found and that
        check's place in the registration order (-1 without a copy)."""
        found: list[tuple[int, Problem]] = []
        copy: Copy | None = None
        by = -1
        for number, check in self.numbered:
            if isinstance(check, CopyCheck):
                verdict: Verdict = check.compare(paper, key)
                if not isinstance(verdict, Verdict):
                    raise _wrong(check, verdict, "compare", "a Verdict")
                if verdict.problems:
                    found.extend((number, problem)
                                 for problem in _valid(check, verdict.problems, "compare"))
                if copy is None and verdict.copy is not None:
                    copy, by = verdict.copy, number
            else:
                found.extend((number, problem)
                             for problem in _valid(check, check.paper(paper, key)))
        return found, copy, by

    def finish(self) -> list[Problem]:
        """Problems of the whole run."""
        return [p for check in self.checks for p in _valid(check, check.finish(), "finish")]


def _valid(check: Check, problems: Iterable[Problem], method: str = "paper"
           ) -> Iterator[Problem]:
    """``problems`` as a check's ``method`` gave them, each checked to be a
    :class:`~arrow2bib.model.Problem`: anything else failed far from the check (in the
    spool, the report), naming no one."""
    if isinstance(problems, (str, bytes, Problem)) or problems is None:
        raise _wrong(check, problems, method, "a list (or an iterable) of Problem objects")
    for problem in problems:
        if not isinstance(problem, Problem):
            raise _wrong(check, problem, method, "Problem objects", among=True)
        yield problem


def _wrong(check: Check, value: object, method: str, wanted: str, among: bool = False
           ) -> WrongResult:
    cls = type(check)
    origin = f"{cls.__module__}.{cls.__qualname__}"
    return WrongResult(
        f"the check {check.name!r} ({origin}).{method}() gave "
        f"{'among its problems ' if among else ''}{value!r:.60} (a {type(value).__name__}); "
        f"it must give {wanted}", origin)


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
