"""The whole job, left to right: pages -> keys -> checks -> de-duplication -> exporter.

It streams, in two passes (:class:`Run`). The first reads every input once, paper by paper:
each paper's base key goes to a :class:`~arrow2bib.keys._table.KeyTable` and the paper to a
:class:`~arrow2bib.run._spool.PaperSpool`, both on disk. Then the keys that need a suffix are
known, and the second pass replays the papers in order, with their keys, through the checks
and the de-duplication to the exporter, which writes as it goes. Memory holds the page
headers, the checks' compact state (the duplicate index) and a paper at a time; only
``--dedupe merge`` keeps the entries (a later copy may complete any earlier entry).

``arrow2bib convert`` and ``arrow2bib check`` use :class:`Run`; :func:`process` gives the
same result as lists, for library callers (problems collected, never raised).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Literal, Mapping, Sequence, Union

import pluggy

from ..checks import CheckContext, CheckRun
from ..checks.builtin import removed_copy
from ..errors import FormatError
from ..exporters.base import Document, Entry, Exporter, ExportOptions
from ..keys import base_key
from ..keys._table import KeyTable, order_digest
from ..model import AuthorStatus, Page, Paper, Problem
from ..plugins import get_plugin_manager
from ..read._parts import Part, part_lines
from ..read.grammar import PageReader
from ..read.pages import open_page
from ._spool import PaperSpool, ProblemLog, paper_from_tuple, paper_tuple

__all__ = ["DEDUPE_MODES", "FiledPage", "Input", "Outcome", "Run", "join_headers", "process",
           "read_page", "read_part"]

#: What a run reads: a page already parsed, or a path, URL or ``-`` to parse as it goes.
Input = Union[Page, str, "os.PathLike[str]"]

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


class Run:
    """One streaming run over ``inputs`` (see the module's description); a context manager
    that removes its temporary files.

    :meth:`read` is the first pass (it raises :class:`~arrow2bib.errors.InputError` for an
    unreadable input and :class:`~arrow2bib.errors.ExportError` for an illegal key); then
    :meth:`entries` yields what to export, and :attr:`problems` holds, in report order, what
    reading, checking and exporting found. Call :meth:`finish` after exporting.
    """

    def __init__(self, inputs: Iterable[Input], *, pm: pluggy.PluginManager,
                 exporter: Exporter | None = None, key_pattern: str | None = None,
                 options: Mapping[str, str] | None = None, dedupe: Dedupe = "keep",
                 checks: bool = True, encoding: str | None = None,
                 skip: Iterable[str] = ()) -> None:
        if dedupe not in DEDUPE_MODES:
            raise ValueError(f"dedupe must be one of {DEDUPE_MODES}, not {dedupe!r}")
        self.inputs, self.pm, self.exporter = list(inputs), pm, exporter
        self.key_pattern, self.options, self.dedupe = key_pattern, options, dedupe
        self.checks, self.encoding, self.skip = checks, encoding, tuple(skip)
        #: The pages read, without their papers (header and reading problems), in order.
        self.pages: list[Page] = []
        self._headers: dict[str, Page] = {}  # by source, for the exporters
        self._sizes: list[int] = []
        self.problems = ProblemLog()
        self.read_count = self.merged = self.skipped = self.written = 0
        self._spool = PaperSpool()
        self._keys = KeyTable()

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the temporary files."""
        self._spool.close()
        self._keys.close()
        self.problems.close()

    # -- first pass ------------------------------------------------------------------------
    def read(self) -> None:
        """Read every input, filing papers and base keys."""
        for item in self.inputs:
            self.add_page(*self.open(item))

    def open(self, item: Input) -> tuple[Page | PageReader, Iterable[Paper]]:
        """A page's header (or reader) and its papers, for :meth:`add_page`."""
        if isinstance(item, Page):
            return item, item.papers
        reader = open_page(item, encoding=self.encoding)
        return reader, reader

    def add_page(self, header, papers: Iterable[Paper]) -> None:
        """File the papers of one page (``header`` is its :class:`Page` or the reader whose
        header and problems are complete once ``papers`` is exhausted)."""
        count = 0
        for paper in papers:
            self._file(count, *filed_row(paper, self.pm, self.key_pattern))
            count += 1
        self.add_header(_header(header), count)

    def add_read(self, page: FiledPage) -> None:
        """File a page that :func:`read_page` read (in another process, say)."""
        header, rows = page
        self.add_rows(rows)
        self.add_header(header, len(rows))

    def add_rows(self, rows: Iterable[tuple[str, int, tuple]], start: int = 0) -> None:
        """File papers of the page being read (from :func:`read_page` or :func:`read_part`),
        the first being its ``start``-th; then :meth:`add_header` when the page is done."""
        for count, row in enumerate(rows, start):
            self._file(count, *row)

    def _file(self, count: int, key: str, digest: int, fields: tuple) -> None:
        """File the ``count``-th paper of the page being read."""
        self._keys.add(self.read_count + count, key, digest)
        self._spool.append((key, fields))

    def add_header(self, page: Page, count: int) -> None:
        """End the page being read: its header, after its ``count`` papers were filed."""
        self.pages.append(page)
        self._headers[page.source] = page
        self._sizes.append(count)
        self.read_count += count

    # -- second pass -----------------------------------------------------------------------
    def export_options(self) -> ExportOptions:
        """The exporter's options, reporting into :attr:`problems`; its ``pages`` fill in
        as the pages are read."""
        assert self.exporter is not None
        return export_options(self.exporter, self.options,
                              lambda problem: self.problems.add(problem, export=True),
                              self._headers)

    def page_sizes(self) -> Iterator[tuple[Page, int]]:
        """Each page read, with its number of papers, in order."""
        return zip(self.pages, self._sizes)

    def keyed_rows(self) -> Iterator[tuple[str, tuple]]:
        """Every paper filed, as ``(final key, paper fields)``, in order
        (:func:`~arrow2bib.run._spool.paper_from_tuple` makes the paper)."""
        changed = self._keys.changed()
        next_change = next(changed, None)
        for position, (key, fields) in enumerate(self._spool.replay()):
            if next_change is not None and next_change[0] == position:
                key = next_change[1]
                next_change = next(changed, None)
            yield key, fields

    def entries(self) -> Iterator[Entry]:
        """The entries to export, in order, after checks and de-duplication."""
        run = (CheckRun(self.pm, CheckContext(exporter=self.exporter), skip=self.skip)
               if self.checks else None)
        rows = self.keyed_rows()
        skipped_keys: set[str] = set()
        kept: dict[str, Paper] = {}  # --dedupe merge only: key -> paper, in order
        for page, size in self.page_sizes():
            self.problems.extend(page.problems)
            for key, fields in (next(rows) for _ in range(size)):
                paper = paper_from_tuple(fields)
                found = run.paper(paper, key) if run else []
                target = self._copy_of(found, skipped_keys, kept)
                if target is not None:  # one note for the removed copy, not a warning
                    found = [removed_copy(p, mode=self.dedupe, into=target)
                             if p.code == "duplicate" else p for p in found]
                self.problems.extend(found)
                if target is not None:
                    if self.dedupe == "merge":
                        kept[target] = _merge(kept[target], paper)
                        self.merged += 1
                    else:
                        skipped_keys.add(key)
                        self.skipped += 1
                elif self.dedupe == "merge":
                    kept[key] = paper
                else:
                    self.written += 1
                    yield Entry(key=key, paper=paper)
            if run:
                self.problems.extend(run.page(page))
        if run:
            self.problems.extend(run.finish())
        for key, paper in kept.items():
            self.written += 1
            yield Entry(key=key, paper=paper)

    def _copy_of(self, found: list[Problem], skipped: set[str],
                 kept: Mapping[str, Paper]) -> str | None:
        """The key of the kept paper that this one copies, when de-duplication drops it."""
        if self.dedupe == "keep":
            return None
        copy_of = next((p.details["other"] for p in found if p.code == "duplicate"
                        and p.details.get("kind") in ("identical", "near-identical")), None)
        if copy_of is None:
            return None
        target = copy_of["key"]
        if self.dedupe == "merge":
            return target if target in kept else None
        return target if target not in skipped else None


#: A page read by :func:`read_page`: its header, and per paper its base key, order digest
#: and fields (:func:`~arrow2bib.run._spool.paper_tuple`).
FiledPage = tuple[Page, list[tuple[str, int, tuple]]]
_WORKER_PM: pluggy.PluginManager | None = None


def filed_row(paper: Paper, pm: pluggy.PluginManager, key_pattern: str | None
              ) -> tuple[str, int, tuple]:
    """What the first pass files of one paper: its base key, its order digest and its fields."""
    return base_key(paper, pm, key_pattern), order_digest(paper), paper_tuple(paper)


def worker_plugin_manager() -> pluggy.PluginManager:
    """This process's own plugin manager (built-in and installed plugins), made once: what a
    ``--jobs`` worker process uses."""
    global _WORKER_PM
    if _WORKER_PM is None:
        _WORKER_PM = get_plugin_manager()
    return _WORKER_PM


def read_page(spec: str, *, encoding: str | None = None,
              key_pattern: str | None = None) -> FiledPage:
    """The first pass over one input, as plain data that can cross a process boundary
    (``--jobs``): what :meth:`Run.add_read` files. Plugins come from this process's own
    plugin manager."""
    return _filed(open_page(spec, encoding=encoding), key_pattern)


def read_part(part: Part, *, cluster: str | None = None,
              key_pattern: str | None = None) -> FiledPage:
    """:func:`read_page` for a part of a page (:mod:`arrow2bib.read._parts`); a part after the
    first needs the page's ``cluster`` name, which its first part's header gives."""
    reader = PageReader(part_lines(part, part.source), source=part.source)
    if part.start > 0:
        reader.cluster = cluster
    return _filed(reader, key_pattern)


def _filed(reader, key_pattern: str | None) -> FiledPage:
    """A page reader's papers filed (with this process's plugins), and its header."""
    pm = worker_plugin_manager()
    rows = [filed_row(paper, pm, key_pattern) for paper in reader]
    return _header(reader), rows


def part_cluster(part: Part) -> str | None:
    """The cluster name in the header of a page's first part."""
    lines = part_lines(part, part.source)
    try:
        return PageReader(lines, source=part.source).cluster
    finally:
        lines.close()


def join_headers(headers: Sequence[Page]) -> Page:
    """The headers of one page's parts, read apart, as the page's header read whole (the
    first part's, with every part's problems in order)."""
    return dataclasses.replace(headers[0], problems=tuple(
        problem for header in headers for problem in header.problems))


def _header(page) -> Page:
    """A page without its papers (a :class:`Page`, or a reader once read)."""
    return Page(source=page.source, cluster=page.cluster,
                declared_papers=page.declared_papers, author_rows=page.author_rows,
                problems=tuple(page.problems))


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
    with Run(pages, pm=pm, exporter=exporter, key_pattern=key_pattern, options=options,
             dedupe=dedupe, checks=checks) as run:
        run.read()
        outcome = Outcome(entries=list(run.entries()), read=run.read_count)
        if exporter is not None and export:
            outcome.documents = list(exporter.documents(outcome.entries, run.export_options()))
        outcome.problems = list(run.problems)
        outcome.merged, outcome.skipped = run.merged, run.skipped
    return outcome
