"""The base class every check, built-in or third-party, subclasses.

A check sees the papers as they stream past (:meth:`Check.paper`), each page once it is read
(:meth:`Check.page`), and, for checks across papers and inputs, the end of the run
(:meth:`Check.finish`). It *returns* problems; it never raises for bad data, prints or exits.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Iterable, Literal

from ..model import Page, Paper, Problem

if TYPE_CHECKING:
    from ..exporters.base import Exporter

__all__ = ["Check", "CheckContext"]


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
    #: ``"paper"`` for a check that looks at each paper alone and keeps no state (nothing in
    #: :meth:`page` or :meth:`finish`): ``--jobs`` may then run it in other processes, on
    #: any share of the papers (a large page is cut in parts). ``"run"`` (the default,
    #: always safe) keeps it in the main process, seeing every paper of the run in order.
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
