"""The base classes of checks, built-in or third-party.

Three kinds, none of which needs to know how a run is scheduled:

- :class:`PaperCheck` looks at one paper alone (:meth:`PaperCheck.paper`) and keeps no state;
  the run may give it papers in batches (:meth:`PaperCheck.papers`) anywhere, in any order.
- :class:`Check` sees every paper of the run in input order (:meth:`Check.paper`), each page
  once it is read (:meth:`Check.page`) and the end of the run (:meth:`Check.finish`): for
  checks across papers and pages.
- :class:`CopyCheck` is a :class:`Check` that finds copies of earlier papers: its
  :meth:`CopyCheck.compare` returns a :class:`Verdict` whose typed :class:`Copy` is what
  ``--dedupe`` and merging read.

A check *returns* problems; it never raises for bad data, prints or exits.
"""

from __future__ import annotations

import abc
import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Iterable, Literal, Sequence

from ..model import Page, Paper, Problem, Severity

if TYPE_CHECKING:
    from ..exporters.base import Exporter

__all__ = ["COPY_KINDS", "Check", "CheckContext", "Copy", "CopyCheck", "PaperCheck", "Verdict",
           "removed_copy"]


@dataclass(frozen=True, kw_only=True)
class CheckContext:
    """What a run of checks knows: the target format, if any."""

    #: The exporter the papers are checked for, or None for the format-neutral core checks.
    exporter: Exporter | None = None


class Check(abc.ABC):
    """A check. Subclasses set :attr:`name`, :attr:`codes` and :attr:`description`, and
    override the methods they need; a new instance is made for every run."""

    #: A unique name, for listings and for turning the check off.
    name: ClassVar[str]
    #: The problem codes this check reports (documented in the README).
    codes: ClassVar[tuple[str, ...]] = ()
    #: One line for listings.
    description: ClassVar[str] = ""
    #: Deprecated (0.2; removed in 0.4.0): subclass :class:`PaperCheck` instead of stating
    #: ``scope = "paper"``. A 0.2 check that states it is still run as a paper check.
    scope: ClassVar[Literal["paper", "run"]] = "run"

    def __init__(self, context: CheckContext):
        self.context = context

    def paper(self, paper: Paper, key: str | None) -> Iterable[Problem]:
        """Problems of one paper, seen as it streams past."""
        return ()

    def page(self, page: Page) -> Iterable[Problem]:
        """Problems of a page once it has been read (``page.papers`` may be empty when the
        run streams; use the header fields and the counts)."""
        return ()

    def finish(self) -> Iterable[Problem]:
        """Problems that need every paper of every input, at the end of the run."""
        return ()


class PaperCheck(Check):
    """A check that looks at each paper alone and keeps no state: implement :meth:`paper` (or,
    for work shared across a batch, :meth:`papers`). The run may call it on any batch of
    papers, in any process, in any order; its problems are reported in input order."""

    def papers(self, batch: Sequence[tuple[Paper, str | None]]) -> list[list[Problem]]:
        """Problems of each ``(paper, key)`` of ``batch``, one list per paper, in order."""
        return [list(self.paper(paper, key)) for paper, key in batch]


#: The kinds of copy that ``--dedupe`` acts on (a ``version`` is a separate work).
COPY_KINDS = ("identical", "near-identical")


@dataclass(frozen=True)
class Copy:
    """An earlier paper of the run that a paper copies (or is a version of)."""

    #: ``identical``, ``near-identical`` (``--dedupe`` removes or merges these) or ``version``.
    kind: str
    #: The earlier paper's citation key, source, line and title.
    key: str | None
    source: str
    line: int
    title: str

    @property
    def removable(self) -> bool:
        """Whether ``--dedupe first|merge`` removes the later paper as a copy of this one."""
        return self.kind in COPY_KINDS and self.key is not None


@dataclass(frozen=True)
class Verdict:
    """What a :class:`CopyCheck` found for one paper: its problems, and the copy, if any."""

    problems: tuple[Problem, ...] = ()
    copy: Copy | None = None


class CopyCheck(Check):
    """A :class:`Check` that finds copies of earlier papers; implement :meth:`compare`."""

    @abc.abstractmethod
    def compare(self, paper: Paper, key: str | None) -> Verdict:
        """Compare ``paper`` with every earlier paper of the run (and remember it)."""

    def paper(self, paper: Paper, key: str | None) -> Iterable[Problem]:
        return self.compare(paper, key).problems


def removed_copy(duplicate: Problem, *, mode: str, into: str) -> Problem:
    """The one note for a copy that ``--dedupe first|merge`` removed, in place of its
    ``duplicate`` warning: the copy is no longer in the output, so nothing is left to act
    on (``--strict`` passes); the duplicate's details stay in the note's."""
    verb = f"merged into {into}" if mode == "merge" else f"skipped as a copy of {into}"
    return dataclasses.replace(
        duplicate, code="dedupe", severity=Severity.INFO,
        message=f"Not exported on its own: {verb} (--dedupe {mode}). {duplicate.message}",
        details={"mode": mode, "into": into, "duplicate": dict(duplicate.details)})
