"""The one engine: pages -> keys -> checks -> de-duplication -> format -> write, in batches.

Every run (``arrow2bib convert`` and ``check``, ``--jobs N``, a Dask cluster, the library's
:func:`arrow2bib.convert`) is this sequence of stages; a backend
(:mod:`arrow2bib.run.backends`) only decides where the per-batch work runs. The order of the
output and of the problems is decided here, once, so it is the same on every backend.

1. read (:func:`~arrow2bib.run.stages.read`): each input, or each part of a large text page,
   is read and each paper given its base key; papers are filed in input order in a
   :class:`~arrow2bib.run._spool.PaperSpool` and the base keys in a
   :class:`~arrow2bib.keys._table.KeyTable`, both on disk.
2. key: once every input is read, the table knows which keys collide and gives their
   suffixes (:func:`arrow2bib.keys.suffix`, the one suffix rule).
3. check: the papers are replayed in order, in batches (:func:`batch_size`). The checks
   that look across papers (:class:`~arrow2bib.checks.Check`,
   :class:`~arrow2bib.checks.CopyCheck`) see each paper here, in this process and in order;
   the paper checks (:class:`~arrow2bib.checks.PaperCheck`) run with the formatting, on the
   backend.
4. dedupe: a :class:`~arrow2bib.checks.Copy` that a copy check found removes the later paper
   (``--dedupe first``) or merges it into the earlier one (``--dedupe merge``).
5. format: a batch's papers are formatted by the exporter's
   :meth:`~arrow2bib.exporters.base.Exporter.format_entries` on the backend (formats with a
   :meth:`~arrow2bib.exporters.base.Exporter.layout`); other formats get the entries, in
   order, in this process.
6. write: batches are written in input order as they complete; at most
   :attr:`~arrow2bib.run.backends.Backend.depth` batches are in flight.

Problems are reported in one order on every backend: per page, its reading problems, then per
paper its checks' problems in the order the checks were registered (a copy that ``--dedupe``
removes has its copy check's problem replaced by the ``dedupe`` note, in its place), then the
page's own (the counts); at the end the run's, and last what the exporter reported.

Failure policy, the same on every backend: a run writes all of its output or none. An input
that cannot be read, an illegal key, or a worker that dies stops the run with one error naming
the input; nothing is written (outputs are staged and renamed at the end), and the error says
which input to fix or leave out. A paper that can be read but is damaged is never an error of
the run: it is a problem in the report, and the other papers are written.
"""

from __future__ import annotations

import collections
import dataclasses
import itertools
import os
from dataclasses import dataclass, field
from typing import (
    Any,
    Callable,
    Iterable,
    Iterator,
    Literal,
    Mapping,
    NamedTuple,
    Protocol,
    TextIO,
    TypeVar,
    Union,
)

import pluggy

from ..checks import CheckContext, CheckRun, Copy
from ..checks.base import removed_copy
from ..errors import FormatError, SettingError, WorkerError
from ..exporters.base import Document, Entry, Exporter, ExportOptions, Layout, warn_old_contract
from ..keys import base_keys
from ..keys._table import KeyTable, order_digest
from ..model import AuthorStatus, Page, Paper, Problem, Severity
from ..read._parts import Part, page_parts
from ..read.pages import open_page
from ..read.sources import is_url
from ._spool import PaperSpool, ProblemLog, paper_from_tuple, paper_tuple, problem_tuple
from .backends import Backend, Handle, InProcess
from .stages import (
    KEY_BATCH,
    Batch,
    BatchDone,
    Filed,
    FiledPage,
    ReadTask,
    batched,
    check_and_format,
    describe,
    header,
    join_headers,
    joined,
    part_cluster,
    read,
    read_all,
)

__all__ = ["DEDUPE_MODES", "SLICE", "Engine", "Input", "Outcome", "Progress", "export_options"]

R = TypeVar("R")
S = TypeVar("S")

#: What a run reads: a page already parsed, or a path, URL or ``-`` to parse as it goes.
Input = Union[Page, str, "os.PathLike[str]"]

Dedupe = Literal["keep", "first", "merge"]
DEDUPE_MODES: tuple[str, ...] = ("keep", "first", "merge")

#: The most papers in one batch of the second pass, sent to a worker.
SLICE = 1000
#: The same in this process (no sending to pay for: smaller batches hold less in memory).
LOCAL_SLICE = 256


#: The fewest papers in a batch sent to a worker (the first ones, and those of the end).
MIN_SLICE = 64

#: Whole pages of fewer bytes are read several to a task sent to a worker, until the task
#: holds this many bytes: a directory of small pages is not sent a page at a time (each
#: task costs the main process and the worker some work and a wait, whatever its size).
GROUP_BYTES = 256 * 1024

#: A reading task of one page or part: the task, whether it reads the page's last part, and
#: its bytes (for the progress bar; 0 where unknown).
_Read = tuple[ReadTask, bool, int]


def batch_size(number: int, left: int, local: bool, depth: int) -> int:
    """The most papers in batch ``number`` (from 0) of the second pass, ``left`` papers of
    the run not yet in a batch. In this process, :data:`LOCAL_SLICE` (or :data:`SLICE`, if
    smaller). Sent to workers, :data:`SLICE`, but for the first ones (1/8, 1/4, 1/2 of it: a
    worker starts once the first is checked here, not after a whole slice) and those of the
    end, each at most what is left over twice the batches in flight (the last batches come
    back close together, not one large one after the others); never under
    :data:`MIN_SLICE` (or :data:`SLICE`, if smaller)."""
    if local:
        return min(SLICE, LOCAL_SLICE)
    size = min(SLICE >> max(0, 3 - number), -(-left // (2 * depth)))
    return max(min(MIN_SLICE, SLICE), size)


class Progress(Protocol):
    """What the engine tells of its reading (a progress bar: :mod:`arrow2bib.progress`).

    One that also has a ``stage(name, total)`` method is told of the stages after the
    reading too: ``checking`` or ``writing`` (the second pass), then ``formatting`` when the
    format renders the whole list at once (:attr:`ExportOptions.progress
    <arrow2bib.exporters.base.ExportOptions.progress>`), each followed by ``update(papers=n)``
    as its papers go through.
    """

    def update(self, *, papers: int = 0, bytes: int = 0, pages: int = 0) -> None: ...

    def count_papers(self, papers: Iterable[Paper]) -> Iterator[Paper]: ...


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


def merge_papers(first: Paper, later: Paper) -> Paper:
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
                   pages: Mapping[str, Page],
                   progress: Callable[[int, int], None] | None = None) -> ExportOptions:
    """Validated options for ``exporter`` (unknown option names are a :class:`FormatError`,
    an option that is not a name with a string value a :class:`SettingError`)."""
    if extra is not None and not isinstance(extra, Mapping):
        raise SettingError(f"options are option names with string values (a dict such as "
                           f"{{'sort': 'year'}}), not {type(extra).__name__}.")
    extra = dict(extra or {})
    for name, value in extra.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise SettingError(f"The option {name!r} must be a name with a string value (as "
                               f"-O NAME=VALUE gives it), not {type(value).__name__} "
                               f"{value!r}.")
    unknown = sorted(set(extra) - set(exporter.options))
    if unknown:
        known = ", ".join(sorted(exporter.options)) or "none"
        raise FormatError(
            f"The {exporter.name} format has no option {unknown[0]!r} (its options: {known})."
        )
    if progress is None:
        return ExportOptions(extra=extra, report=report, pages=pages)
    return ExportOptions(extra=extra, report=report, pages=pages, progress=progress)


class _Segment(NamedTuple):
    """The papers of one page in a batch of the second pass (a batch may hold the end of one
    page, whole small pages and the start of another: fewer, larger tasks)."""

    page: Page
    first: bool  # the page's first papers: its reading problems are reported before them
    size: int  # its papers in the batch
    page_level: list[tuple[int, Problem]]  # the page's own problems, after its last papers


class _Pending(NamedTuple):
    """A batch of the second pass, waiting for its backend."""

    segments: list[_Segment]
    keys: list[str]
    papers: list[Paper]
    write: list[bool]
    ours: list[list[tuple[int, Problem]]]  # the in-order checks' problems, per paper
    notes: list[Problem | None]  # the dedupe note, per paper
    batch: Batch | None
    handle: Handle[BatchDone] | None


class Engine:
    """One run over ``inputs`` (see the module's description); a context manager that removes
    its temporary files and stops its backend.

    :meth:`read` is the first pass (it raises :class:`~arrow2bib.errors.InputError` for an
    unreadable input, :class:`~arrow2bib.errors.ExportError` for an illegal key and
    :class:`~arrow2bib.errors.WorkerError` for a worker that died); then one of
    :meth:`write` (formats with a layout), :meth:`entries` (what to export) or :meth:`check`
    (no output) runs the second pass. :attr:`problems` holds, in report order, what reading,
    checking and exporting found.
    """

    def __init__(self, inputs: Iterable[Input], *, pm: pluggy.PluginManager,
                 exporter: Exporter | None = None, key_pattern: str | None = None,
                 options: Mapping[str, str] | None = None, dedupe: Dedupe = "keep",
                 checks: bool = True, encoding: str | None = None,
                 skip: Iterable[str] = (), backend: Backend | None = None,
                 on_page: Callable[[], None] | None = None,
                 progress: Progress | None = None, problems: ProblemLog | None = None) -> None:
        if dedupe not in DEDUPE_MODES:
            raise ValueError(f"dedupe must be one of {DEDUPE_MODES}, not {dedupe!r}")
        self.inputs, self.pm, self.exporter = list(inputs), pm, exporter
        self.key_pattern, self.options, self.dedupe = key_pattern, options, dedupe
        self.checks, self.encoding, self.skip = checks, encoding, tuple(skip)
        self.backend: Backend = backend or InProcess()
        self.on_page = on_page or (lambda: None)
        self.progress = progress
        #: The pages read, without their papers (header and reading problems), in order.
        self.pages: list[Page] = []
        self._headers: dict[str, Page] = {}  # by source, for the exporters
        self._sizes: list[int] = []
        # the caller's log (it outlives the run), or one of the run's own
        self.problems = problems if problems is not None else ProblemLog()
        self._own_log = problems is None
        self.read_count = self.merged = self.skipped = self.written = 0
        self._spool = PaperSpool()
        self._keys = KeyTable()
        self._plugins = describe(pm)
        self._stage = ""  # the stage of papers the progress bar counts (after the reading)
        self._counted = 0  # its papers counted so far

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close(abort=kind is not None)

    def close(self, abort: bool = False) -> None:
        """Stop the backend's workers (at once with ``abort``: the run failed) and remove the
        temporary files."""
        try:
            self.backend.close(abort)
        finally:
            self._spool.close()
            self._keys.close()
            if self._own_log:
                self.problems.close()

    # -- stage 1: read ---------------------------------------------------------------------
    def read(self) -> None:
        """Read every input, filing papers and base keys, in input order."""
        # per task sent: its handle, and per page (or part) it reads, its task, whether it
        # is the page's last part and its bytes
        window: collections.deque[tuple[Handle[list[FiledPage]], list[_Read]]] = \
            collections.deque()
        group: list[_Read] = []  # small pages, to read in one task
        grouped = 0  # their bytes
        headers: list[Page] = []  # of the page being read, one per part
        filed = 0  # its papers filed so far

        def send(reads: list[_Read]) -> None:
            tasks = [task for task, _last, _size in reads]
            label = tasks[0].label + (f" (and {len(tasks) - 1} more pages)"
                                      if len(tasks) > 1 else "")
            window.append((self.backend.submit(read_all, tasks, label), reads))
            if len(window) >= self.backend.depth:
                file_next()

        def send_group() -> None:
            nonlocal grouped
            if group:
                send(list(group))
                group.clear()
                grouped = 0

        def file_next() -> None:
            nonlocal filed
            handle, reads = window.popleft()
            for (_task, last, size), (page, rows) in zip(reads, self._pages_read(handle, reads)):
                self.add_filed(rows, filed)  # part by part: a page's rows are never all in memory
                if self.progress is not None:  # a page's bytes, as its parts are read
                    self.progress.update(papers=rows.papers, bytes=size)
                headers.append(page)
                filed += rows.papers
                if last:
                    self.add_header(join_headers(headers), filed)
                    headers.clear()
                    filed = 0
                    self._page_done()

        for item in self.inputs:
            if self.backend.local or isinstance(item, Page) or os.fspath(item) == "-":
                send_group()
                while window:  # in input order
                    file_next()
                self.add_page(*self.open(item))  # streamed, a paper at a time
                self._page_done()
                continue
            for read_one in self._read_tasks(os.fspath(item)):
                task, last, size = read_one
                if isinstance(task.item, Part) or not 0 < size < GROUP_BYTES:
                    send_group()  # a part of a large page, a URL, a FIFO: a task of its own
                    send([read_one])
                    continue
                group.append(read_one)
                grouped += size
                if grouped >= GROUP_BYTES:
                    send_group()
        send_group()
        while window:
            file_next()

    def _pages_read(self, handle: Handle[list[FiledPage]], reads: list[_Read]
                    ) -> list[FiledPage]:
        """A reading task's pages, in order."""
        return self._apart(handle, read, lambda: [task for task, _last, _size in reads])

    def _apart(self, handle: Handle[R], fn: Callable[[Any], S],
               pieces: Callable[[], list[Any]]) -> R | list[S]:
        """``handle``'s result; when a worker died on its task (twice: see the backends) and
        the task did the work of several ``pieces()`` (pages), the result of ``fn`` on each,
        each in a task of its own: the one that kills its worker again is the one the error
        names (:class:`~arrow2bib.errors.WorkerError`)."""
        try:
            return handle.result()
        except WorkerError:
            parts = pieces()
            if len(parts) < 2:
                raise
        return [self.backend.submit(fn, part, part.label).result() for part in parts]

    def _page_done(self) -> None:
        self.on_page()
        if self.progress is not None:
            self.progress.update(pages=1)

    def _read_tasks(self, spec: str) -> Iterator[_Read]:
        """The reading of ``spec``: one task, or one per part of a large text page; each with
        whether it is the page's last and its bytes (for the progress bar; 0 where unknown)."""
        parts = page_parts(spec, self.backend.parts, encoding=self.encoding)
        if parts is None:
            yield (ReadTask(spec, self._plugins, self.encoding, self.key_pattern), True,
                   _file_size(spec))
            return
        cluster = part_cluster(parts[0])
        size = _file_size(spec)
        for number, part in enumerate(parts):
            end = size if part.end is None else part.end
            yield (ReadTask(part, self._plugins, key_pattern=self.key_pattern, cluster=cluster),
                   number == len(parts) - 1, max(0, end - part.start))

    def open(self, item: Input) -> tuple[object, Iterable[Paper]]:
        """A page's header (or reader) and its papers, for :meth:`add_page`."""
        if isinstance(item, Page):
            return item, item.papers
        bar = self.progress
        if bar is None:
            reader = open_page(item, encoding=self.encoding)
            return reader, reader
        reader = open_page(item, encoding=self.encoding, read=lambda size: bar.update(bytes=size))
        return reader, bar.count_papers(reader)

    def add_page(self, page: object, papers: Iterable[Paper]) -> None:
        """File the papers of one page (``page`` is its :class:`Page` or the reader whose
        header and problems are complete once ``papers`` is exhausted)."""
        count = 0
        pm, pattern = self.pm, self.key_pattern
        for chunk in batched(papers, KEY_BATCH):  # keyed a batch at a time, as they stream
            for paper, key in zip(chunk, base_keys(chunk, pm, pattern)):
                self._file(count, key, order_digest(paper), paper_tuple(paper))
                count += 1
        self.add_header(header(page), count)

    def add_read(self, page: FiledPage) -> None:
        """File a page read by :func:`~arrow2bib.run.stages.read` (in another process, say)."""
        page_header, rows = page
        self.add_filed(rows)
        self.add_header(page_header, rows.papers)

    def add_filed(self, rows: Filed, start: int = 0) -> None:
        """File papers of the page being read as :func:`~arrow2bib.run.stages.read` gives
        them, the first being its ``start``-th; then :meth:`add_header` when the page is
        done."""
        table, first = self._keys, self.read_count + start
        for count, (key, digest) in enumerate(rows.keys, first):
            table.add(count, key, digest)
        for blob, size in zip(rows.batches, rows.sizes):
            self._spool.append_packed(blob, size)

    def add_rows(self, rows: Iterable[tuple[str, int, tuple]], start: int = 0) -> None:
        """File papers of the page being read, the first being its ``start``-th; then
        :meth:`add_header` when the page is done."""
        for count, row in enumerate(rows, start):
            self._file(count, *row)

    def _file(self, count: int, key: str, digest: int, fields: tuple) -> None:
        self._keys.add(self.read_count + count, key, digest)
        self._spool.append((key, fields))

    def add_header(self, page: Page, count: int) -> None:
        """End the page being read: its header, after its ``count`` papers were filed."""
        self.pages.append(page)
        self._headers[page.source] = page
        self._sizes.append(count)
        self.read_count += count

    # -- stage 2: keys ---------------------------------------------------------------------
    def page_sizes(self) -> Iterator[tuple[Page, int]]:
        """Each page read, with its number of papers, in order."""
        return zip(self.pages, self._sizes)

    def keyed_rows(self) -> Iterator[tuple[str, tuple]]:
        """Every paper filed, as ``(final key, paper fields)``, in order."""
        changed = self._keys.changed()
        next_change = next(changed, None)
        for position, (key, fields) in enumerate(self._spool.replay()):
            if next_change is not None and next_change[0] == position:
                key = next_change[1]
                next_change = next(changed, None)
            yield key, fields

    # -- stages 3 to 6 ---------------------------------------------------------------------
    def export_options(self) -> ExportOptions:
        """The exporter's options, reporting into :attr:`problems`."""
        assert self.exporter is not None
        return export_options(self.exporter, self.options,
                              lambda problem: self._reported(problem_tuple(problem)),
                              self._headers, self._formatted)

    def _reported(self, values: tuple) -> None:
        """Log a problem the exporter reported (as its :func:`problem_tuple`). A paper it
        could not write at all (``export-skipped``, one per paper) counts as skipped, not
        written: every paper read is written, merged or skipped."""
        self.problems.add_tuple(values, export=True)
        if values[0] == "export-skipped":
            self.written -= 1
            self.skipped += 1

    def _start(self, stage: str, total: int) -> None:
        """Tell the progress bar (one that knows stages) that ``stage`` starts."""
        tell = getattr(self.progress, "stage", None)
        if tell is not None:
            tell(stage, total)
            self._stage, self._counted = stage, 0

    def _count(self, papers: int) -> None:
        """``papers`` more through the stage the progress bar counts."""
        if self._stage and self.progress is not None and papers:
            self.progress.update(papers=papers)
            self._counted += papers

    def _formatted(self, done: int, total: int) -> None:
        """:attr:`ExportOptions.progress`: ``done`` of ``total`` entries formatted."""
        if self._stage != "formatting":
            self._start("formatting", total)
        self._count(done - self._counted)

    def layout(self) -> Layout | None:
        """The exporter's layout (None: the format needs the entries in one place)."""
        if self.exporter is None:
            return None
        return self.exporter.layout(self.export_options())

    def write(self, out: TextIO) -> None:
        """The second pass for a format with a :meth:`layout`: its text written to ``out``."""
        assert self.exporter is not None
        options = self.export_options()
        layout = self.exporter.layout(options)
        if layout is None:
            raise TypeError(f"The {self.exporter.name} format states no layout; use entries().")
        if not self.backend.local:
            warn_old_contract(self.exporter)
        started = False
        kept: list[Entry] = []
        for done in self._second_pass(texts=True):
            if isinstance(done, str):
                out.write(layout.opening(started))
                out.write(done)
                started = True
            else:  # --dedupe merge: the merged entries, formatted here at the end
                kept.append(done)
                if len(kept) >= LOCAL_SLICE:
                    out.write(layout.opening(started))
                    out.write(self.exporter.format_entries(kept, options))
                    started = True
                    kept.clear()
        if kept:
            out.write(layout.opening(started))
            out.write(self.exporter.format_entries(kept, options))
            started = True
        out.write(layout.closing(started))

    def entries(self) -> Iterator[Entry]:
        """The second pass: the entries to export, in order, after checks and dedupe."""
        for done in self._second_pass(texts=False):
            assert isinstance(done, Entry)
            yield done

    def check(self) -> None:
        """The second pass without output: every check's problems, in :attr:`problems`."""
        for _done in self._second_pass(texts=False, keep=False):
            pass

    def _second_pass(self, *, texts: bool, keep: bool = True) -> Iterator[Entry | str]:
        """Stages 3-6: per batch, the text written (``texts``) or the entries kept (``keep``),
        in order; with ``--dedupe merge`` the merged entries come last."""
        ordered = (CheckRun(self.pm, CheckContext(exporter=self.exporter), skip=self.skip,
                            scope="run") if self.checks else None)
        self._start("writing" if texts else "checking", self.read_count)
        self._merged: dict[str, Paper] = {}
        self._dropped: set[str] = set()
        window: collections.deque[_Pending] = collections.deque()
        rows = self.keyed_rows()
        local, depth = self.backend.local, self.backend.depth
        number, left = 0, self.read_count
        most = batch_size(number, left, local, depth)
        segments: list[tuple[Page, bool, bool, list[tuple[str, tuple]]]] = []
        held = 0  # papers in those segments
        for page, size in self.page_sizes():
            start = 0
            while True:  # a page with no paper is one (empty) segment
                share = list(itertools.islice(rows, min(most - held, size - start)))
                end = start + len(share)
                segments.append((page, start == 0, end >= size, share))
                held += len(share)
                left -= len(share)
                if held >= most:  # a batch may end inside a page, or cover several
                    window.append(self._submit(segments, ordered, texts))
                    segments, held, number = [], 0, number + 1
                    most = batch_size(number, left, local, depth)
                    if len(window) >= depth:
                        yield from self._finish(window.popleft(), texts, keep)
                start = end
                if start >= size or not share:
                    break
        if segments:
            window.append(self._submit(segments, ordered, texts))
        while window:
            yield from self._finish(window.popleft(), texts, keep)
        if ordered is not None:
            self.problems.extend(ordered.finish())
        for key, paper in self._merged.items():
            if texts or keep:
                self.written += 1
                yield Entry(key=key, paper=paper)

    def _submit(self, segments: list[tuple[Page, bool, bool, list[tuple[str, tuple]]]],
                ordered: CheckRun | None, texts: bool) -> _Pending:
        """Stages 3 and 4 for one batch here, in order; stages 3 and 5 sent to the backend.
        ``segments``: per page of the batch, the page, whether the batch has its first and
        its last papers, and those papers' ``(final key, paper fields)``."""
        keys: list[str] = []
        papers: list[Paper] = []
        write: list[bool] = []
        ours: list[list[tuple[int, Problem]]] = []
        notes: list[Problem | None] = []
        parts: list[_Segment] = []
        for page, first, last, share in segments:
            for key, fields in share:
                paper = paper_from_tuple(fields)
                found, copy, by = (ordered.verdict_numbered(paper, key) if ordered
                                   else ([], None, -1))
                target = self._copy_target(copy)
                note = None
                if target is not None:
                    found, note = self._removed(found, by, paper, key, target)
                    if self.dedupe == "merge":
                        self._merged[target] = merge_papers(self._merged[target], paper)
                        self.merged += 1
                    else:
                        self._dropped.add(key)
                        self.skipped += 1
                elif self.dedupe == "merge":
                    self._merged[key] = paper
                keys.append(key)
                papers.append(paper)
                write.append(target is None and self.dedupe != "merge")
                ours.append(found)
                notes.append(note)
            page_level = ordered.page_numbered(page) if (ordered and last) else []
            parts.append(_Segment(page, first, len(share), page_level))
        batch = handle = None
        layout = texts and any(write)
        if self.checks or layout:
            assert self.exporter is not None or not layout
            sent = (papers if self.backend.local
                    else [fields for _page, _first, _last, share in segments
                          for _key, fields in share])
            batch = Batch(pages=tuple(part.page for part in parts), keys=keys, papers=sent,
                          write=write, plugins=self._plugins,
                          fmt=(self.exporter if self.backend.local or self.exporter is None
                               else self.exporter.name),
                          extra=dict(self.options or {}), skip=self.skip, checks=self.checks,
                          layout=layout, shapes=self.problems.summarising)
            handle = self.backend.submit(check_and_format, batch, batch.label)
        return _Pending(parts, keys, papers, write, ours, notes, batch, handle)

    def _finish(self, pending: _Pending, texts: bool, keep: bool) -> Iterator[Entry | str]:
        """Stage 6 for one batch: its problems logged in report order, its output given."""
        done = self._done(pending)
        theirs = done.problems if done is not None else [[] for _paper in pending.papers]
        log = self.problems
        at = 0
        for part in pending.segments:
            if part.first:
                log.extend(part.page.problems)
            end = at + part.size
            for mine, other, note in zip(pending.ours[at:end], theirs[at:end],
                                         pending.notes[at:end]):
                found = [(number, problem_tuple(problem)) for number, problem in mine]
                if other:  # in the order the checks were registered
                    found = sorted([*found, *other], key=_number)
                for _n, values in found:
                    log.add_tuple(values)
                if note is not None:
                    log.add(note)
            log.extend(p for _n, p in part.page_level)
            at = end
        if done is not None:
            for values in done.reported:
                self._reported(values)
        if texts or keep:  # a check writes nothing
            self.written += sum(pending.write)
        self._count(len(pending.papers))
        if texts:
            if done is not None and done.text is not None:
                yield done.text
        elif keep:
            for key, paper, write in zip(pending.keys, pending.papers, pending.write):
                if write:
                    yield Entry(key=key, paper=paper)

    def _done(self, pending: _Pending) -> BatchDone | None:
        """A batch's result (told apart page by page if a worker dies on it: :meth:`_apart`)."""
        batch = pending.batch
        if pending.handle is None or batch is None:
            return None
        done = self._apart(pending.handle, check_and_format, lambda: _pieces(batch, pending))
        if isinstance(done, BatchDone):
            return done
        layout = self.layout() if batch.layout else None
        return joined(done, layout.separator if layout is not None else "")

    def _copy_target(self, copy: Copy | None) -> str | None:
        """The key of the kept paper that a paper copies, when de-duplication removes it."""
        if self.dedupe == "keep" or copy is None or not copy.removable:
            return None
        target = copy.key
        assert target is not None
        if self.dedupe == "merge":
            return target if target in self._merged else None
        return target if target not in self._dropped else None

    def _removed(self, found: list[tuple[int, Problem]], by: int, paper: Paper, key: str,
                 target: str) -> tuple[list[tuple[int, Problem]], Problem | None]:
        """A copy that ``--dedupe`` removes is reported once, as removed (a note): the copy
        check's problem becomes the ``dedupe`` note, in its place; a copy check that reported
        no problem gets a note after the paper's problems."""
        for place, (number, problem) in enumerate(found):
            if number == by:
                found = list(found)
                found[place] = (number, removed_copy(problem, mode=self.dedupe, into=target))
                return found, None
        verb = (f"merged into {target}" if self.dedupe == "merge"
                else f"skipped as a copy of {target}")
        return found, Problem(
            code="dedupe", severity=Severity.INFO,
            message=f"Not exported on its own: {verb} (--dedupe {self.dedupe}).",
            source=paper.source, line=paper.line, title=paper.title, key=key,
            details={"mode": self.dedupe, "into": target})


def _pieces(batch: Batch, pending: _Pending) -> list[Batch]:
    """``batch`` cut where its pages end."""
    pieces, at = [], 0
    for part in pending.segments:
        end = at + part.size
        write = batch.write[at:end]
        pieces.append(dataclasses.replace(batch, pages=(part.page,), keys=batch.keys[at:end],
                                          papers=batch.papers[at:end], write=write,
                                          layout=batch.layout and any(write)))
        at = end
    return pieces


def _number(item: tuple[int, tuple]) -> int:
    return item[0]


def _file_size(spec: str) -> int:
    """The bytes of the file ``spec`` (0 for a URL, or a file that cannot be looked at)."""
    try:
        return 0 if is_url(spec) else os.stat(spec).st_size
    except (OSError, ValueError):
        return 0
