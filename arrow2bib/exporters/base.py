"""The base class every exporter, built-in or third-party, subclasses."""

from __future__ import annotations

import abc
import io
import warnings
from dataclasses import dataclass, field
from typing import Callable, ClassVar, Iterable, Iterator, Mapping, Sequence, TextIO

from ..model import Page, Paper, Problem, Severity

__all__ = ["Document", "Entry", "Exporter", "ExportOptions", "Framing", "Layout", "Requirements",
           "lossy", "missing"]


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

    ``progress`` is told how far a format that takes long over the whole list has come.
    """

    extra: Mapping[str, str] = field(default_factory=dict)
    report: Callable[[Problem], None] = field(default=lambda problem: None, compare=False)
    #: The pages the entries come from, by source, with their header and reading problems
    #: (their ``papers`` may be empty: the entries carry the papers). Formats that describe
    #: whole pages use it; most ignore it.
    pages: Mapping[str, Page] = field(default_factory=dict, compare=False)
    #: ``progress(done, total)``: a format that works long over the whole list after taking
    #: its entries (the CSL-styled formats render it at once) tells how many of ``total`` it
    #: has done, so that the command line's bar moves meanwhile. The default does nothing.
    progress: Callable[[int, int], None] = field(default=lambda done, total: None,
                                                 compare=False)


#: Entries formatted at a time by :meth:`Exporter.write_layout`.
WRITE_BATCH = 256


@dataclass(frozen=True)
class Layout:
    """How a format lays its entries out, when its whole output is ``head``, then the entries'
    texts (:meth:`Exporter.format_entries`) with ``separator`` between two, then ``tail``;
    with no entries at all it is ``empty`` (``head + tail`` when None).

    A format that states its layout is written in batches of entries, wherever the run formats
    them, and gets :meth:`Exporter.write_layout` as its ``export``."""

    head: str = ""
    separator: str = ""
    tail: str = ""
    empty: str | None = None

    def opening(self, started: bool) -> str:
        """What comes before a batch's text: the head, or the separator once the output has
        ``started`` (an entry is out already)."""
        return self.separator if started else self.head

    def closing(self, started: bool) -> str:
        """What ends the output: the tail, or the whole empty output when it never started."""
        if started:
            return self.tail
        return self.head + self.tail if self.empty is None else self.empty


#: The 0.2 name of :class:`Layout` (deprecated; removed in 0.4.0).
Framing = Layout


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

    Subclasses set the class attributes and implement one of: :meth:`layout` with
    :meth:`format_entries` (a sequence of entry texts between a head and a tail: the run formats
    batches of entries wherever its backend runs them), :meth:`export` (one document written as
    a whole), or :meth:`documents` (a format that must split its output over several files,
    ORCID's bulk limit, say). None of them needs to know how a run is scheduled.
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

    def export(self, entries: Iterable[Entry], out: TextIO, options: ExportOptions) -> None:
        """Write ``entries`` to ``out`` in this format. Must not print or exit. A format
        with a :meth:`layout` need not override it (it is :meth:`write_layout` then)."""
        if self.layout(options) is None:
            raise NotImplementedError(f"{type(self).__name__} implements neither export() nor "
                                      "layout() with format_entries()")
        self.write_layout(entries, out, options)

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

    def layout(self, options: ExportOptions) -> Layout | None:
        """The format's :class:`Layout` for ``options``, or None (the default) when its
        output is not a plain sequence of entry texts (a JSON document grouped by page, say).
        A format that returns one implements :meth:`format_entries`.

        (A format written for 0.2 that overrides the deprecated ``framing`` still works.)"""
        if type(self).framing is not Exporter.framing:
            _deprecated(self, "framing()", "layout()")
            return self.framing(options)
        return None

    def format_entries(self, entries: Sequence[Entry], options: ExportOptions) -> str:
        """The text of a batch of consecutive entries, separators included, for a format with a
        :meth:`layout`. Must depend on nothing but ``entries`` and ``options`` (the run may
        call it in another process, for any batch, in any order)."""
        if type(self).format_entry is not Exporter.format_entry:
            _deprecated(self, "format_entry()", "format_entries()")
            layout = self.layout(options)
            separator = layout.separator if layout is not None else ""
            return separator.join(self.format_entry(entry, options) for entry in entries)
        raise NotImplementedError(f"{type(self).__name__} states a layout but does not "
                                  "implement format_entries()")

    def write_layout(self, entries: Iterable[Entry], out: TextIO, options: ExportOptions, *,
                     batch: int = 0) -> None:
        """:meth:`export` for a format with a :meth:`layout`: the head, the entries' texts
        (formatted ``batch`` at a time) with the separator, the tail."""
        layout = self.layout(options)
        assert layout is not None, f"{type(self).__name__} states no layout"
        batch = batch or WRITE_BATCH
        started = False
        chunk: list[Entry] = []

        def flush() -> None:
            nonlocal started
            out.write(layout.opening(started))
            out.write(self.format_entries(chunk, options))
            started = True
            chunk.clear()

        for entry in entries:
            chunk.append(entry)
            if len(chunk) >= batch:
                flush()
        if chunk:
            flush()
        out.write(layout.closing(started))

    # -- the 0.2 contract, deprecated (removed in 0.4.0) ---------------------------------
    def framing(self, options: ExportOptions) -> Layout | None:
        """Deprecated: override :meth:`layout`."""
        return self.layout(options) if type(self).layout is not Exporter.layout else None

    def format_entry(self, entry: Entry, options: ExportOptions) -> str:
        """Deprecated: override :meth:`format_entries`."""
        return self.format_entries([entry], options)

    def write_framed(self, entries: Iterable[Entry], out: TextIO, options: ExportOptions) -> None:
        """Deprecated: :meth:`write_layout`."""
        self.write_layout(entries, out, options)

    def documents(self, entries: Iterable[Entry], options: ExportOptions) -> Iterator[Document]:
        """Yield the output documents. By default, one document made by :meth:`export`."""
        buffer = io.StringIO()
        self.export(entries, buffer, options)
        yield Document("", buffer.getvalue())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def warn_old_contract(exporter: Exporter) -> None:
    """Warn, in the process that runs the run, when ``exporter`` implements the 0.2 contract
    (its batches may be formatted in worker processes, whose warnings nobody sees)."""
    if type(exporter).format_entry is not Exporter.format_entry:
        _deprecated(exporter, "format_entry()", "format_entries()")


def _deprecated(exporter: Exporter, old: str, new: str) -> None:
    """A DeprecationWarning naming the replacement of ``old``."""
    warnings.warn(f"{type(exporter).__name__}.{old} is the arrow2bib 0.2 exporter contract, "
                  f"deprecated and removed in 0.4.0: implement {new} instead (see CHANGELOG.md).",
                  DeprecationWarning, stacklevel=3)
