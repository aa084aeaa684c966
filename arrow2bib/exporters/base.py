"""The base class every exporter, built-in or third-party, subclasses."""

from __future__ import annotations

import abc
import io
from dataclasses import dataclass, field
from typing import Callable, ClassVar, Iterable, Iterator, Mapping, TextIO

from ..model import Page, Paper, Problem, Severity

__all__ = ["Document", "Entry", "Exporter", "ExportOptions", "Framing", "Requirements", "lossy",
           "missing"]


@dataclass(frozen=True)
class Requirements:
    """What a format needs of one paper: its entry type there, and the fields it requires
    and recommends that the paper lacks (see :meth:`Exporter.requirements`)."""

    entry_type: str
    missing_required: tuple[str, ...] = ()
    missing_recommended: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Entry:
    """A paper ready for export: the paper and the citation key chosen for it."""

    key: str
    paper: Paper


@dataclass(frozen=True, kw_only=True)
class ExportOptions:
    """Options that reach every exporter.

    ``extra`` holds format-specific options given as ``-O name=value`` on the command line;
    each exporter documents the names it understands in :attr:`Exporter.options` and rejects
    the others (see :meth:`Exporter.option`).

    ``report`` receives a :class:`~arrow2bib.model.Problem` for anything the exporter had to
    change or leave out (a title cut to a format's length limit, a year outside a schema's
    range): nothing is dropped silently. The default discards them.
    """

    extra: Mapping[str, str] = field(default_factory=dict)
    report: Callable[[Problem], None] = field(default=lambda problem: None, compare=False)
    #: The pages the entries come from, by source, with their header and reading problems
    #: (their ``papers`` may be empty: the entries carry the papers). Formats that describe
    #: whole pages use it; most ignore it.
    pages: Mapping[str, Page] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Framing:
    """How a format lays its entries out, when its whole output is ``head``, then each
    entry's text (:meth:`Exporter.format_entry`) with ``separator`` between two, then
    ``tail``; with no entries at all it is ``empty`` (``head + tail`` when None).

    A format that states its framing can be exported in pieces (``--jobs`` formats the
    pages in parallel) and gets :meth:`Exporter.write_framed` as its ``export``."""

    head: str = ""
    separator: str = ""
    tail: str = ""
    empty: str | None = None

    def opening(self, started: bool) -> str:
        """What comes before an entry's text: the head, or the separator once the output has
        ``started`` (an entry is out already)."""
        return self.separator if started else self.head

    def closing(self, started: bool) -> str:
        """What ends the output: the tail, or the whole empty output when it never started."""
        if started:
            return self.tail
        return self.head + self.tail if self.empty is None else self.empty


@dataclass(frozen=True)
class Document:
    """One output document. ``suffix`` is ``""`` for a format's single document, or a
    distinguishing part (``-002``) when a format writes several files."""

    suffix: str
    text: str


def lossy(paper: Paper, fmt: str, message: str, *, severity: Severity = Severity.WARNING,
          **details: object) -> Problem:
    """An ``export-lossy`` problem: format ``fmt`` had to change or leave out part of
    ``paper``. The one shape every built-in exporter reports such changes in."""
    return Problem(
        code="export-lossy",
        severity=severity,
        message=message,
        source=paper.source,
        line=paper.line or None,
        title=paper.title,
        details={"format": fmt, **details},
    )


def missing(
    entry_type: str,
    present: Iterable[str],
    required: Mapping[str, tuple[str, ...]],
    recommended: Mapping[str, tuple[str, ...]],
) -> Requirements:
    """Compare the fields a format writes for a paper with its tables of required and
    recommended fields per entry type (key ``""`` holds the default)."""
    have = set(present)
    need = required.get(entry_type, required.get("", ()))
    want = recommended.get(entry_type, recommended.get("", ()))
    return Requirements(entry_type, tuple(f for f in need if f not in have),
                        tuple(f for f in want if f not in have))


class Exporter(abc.ABC):
    """An output format.

    Subclasses set the class attributes and implement :meth:`export`. A format that must
    split its output over several files (ORCID's bulk limit, say) overrides
    :meth:`documents` instead.
    """

    #: The name used with ``--to``.
    name: ClassVar[str]
    #: The file extension, with its dot (``.bib``); ``-o refs.bib`` picks the format by it.
    extension: ClassVar[str]
    #: Other names accepted by ``--to``.
    aliases: ClassVar[tuple[str, ...]] = ()
    #: One line for ``arrow2bib formats``.
    description: ClassVar[str] = ""
    #: Format-specific options (``-O name=value``): name -> one-line help.
    options: ClassVar[Mapping[str, str]] = {}
    #: Set to True to take over a name another plugin registered first.
    replace: ClassVar[bool] = False
    #: Whether :meth:`extension` inference should prefer this exporter for its extension.
    default_for_extension: ClassVar[bool] = True
    #: True when the output is BibTeX syntax that can be appended to a user's ``.bib`` file
    #: (``convert --merge-into``).
    bibtex_syntax: ClassVar[bool] = False

    @abc.abstractmethod
    def export(self, entries: Iterable[Entry], out: TextIO, options: ExportOptions) -> None:
        """Write ``entries`` to ``out`` in this format. Must not print or exit."""

    def option(self, options: ExportOptions, name: str, default: str) -> str:
        """The value of format option ``name`` (declared in :attr:`options`), or ``default``."""
        if name not in self.options:
            raise KeyError(f"{type(self).__name__} reads undeclared option {name!r}")
        return options.extra.get(name, default)

    def requirements(self, paper: Paper) -> Requirements | None:
        """The fields this format requires and recommends for ``paper`` that it lacks, for the
        ``missing-field`` check; None (the default) means the format states none, and the
        check falls back to the core minimum (title, authors, year, venue)."""
        return None

    def framing(self, options: ExportOptions) -> Framing | None:
        """The format's :class:`Framing` for ``options``, or None (the default) when its
        output is not a plain sequence of entry texts (a JSON document grouped by page, say).
        A format that returns one implements :meth:`format_entry`."""
        return None

    def format_entry(self, entry: Entry, options: ExportOptions) -> str:
        """One entry's text, for a format with a :meth:`framing`. Must depend on nothing but
        ``entry`` and ``options`` (it may run in another process)."""
        raise NotImplementedError(f"{type(self).__name__} has no per-entry text")

    def write_framed(self, entries: Iterable[Entry], out: TextIO, options: ExportOptions) -> None:
        """:meth:`export` for a format with a :meth:`framing`: the head, the entries' texts
        with the separator, the tail."""
        framing = self.framing(options)
        assert framing is not None, f"{type(self).__name__} states no framing"
        started = False
        for entry in entries:
            out.write(framing.opening(started))
            out.write(self.format_entry(entry, options))
            started = True
        out.write(framing.closing(started))

    def documents(self, entries: Iterable[Entry], options: ExportOptions) -> Iterator[Document]:
        """Yield the output documents. By default, one document made by :meth:`export`."""
        buffer = io.StringIO()
        self.export(entries, buffer, options)
        yield Document("", buffer.getvalue())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"
