"""``--jobs N``: a run whose work is spread over N processes, with the same output and the
same report, in the same order, as the serial run.

First pass: the worker processes read the pages (:func:`~arrow2bib.run.pipeline.read_page`), a
large text page in parts cut at venue lines (:mod:`arrow2bib.read._parts`); the main process files
the papers and base keys as they arrive, in input order. Second pass, :data:`SLICE` papers
at a time: the main process replays the papers with their final keys and runs the checks
that need the whole run (the duplicate check, the page counts, and any check that does not
declare ``scope = "paper"``), while a worker runs the paper-scope checks and formats the
entries (for formats that state a :class:`~arrow2bib.exporters.base.Framing`). The main
process then writes the texts in order and merges each paper's problems in the order of the
checks' registration. At most ``2 * N`` tasks are in flight at a time, in either pass.

Formats without a framing (json, orcid, the citeproc formats) and ``--dedupe first/merge``
(which must see the duplicate check's verdict before writing) get a parallel first pass and
a serial second one.
"""

from __future__ import annotations

import collections
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from typing import Callable, Iterator, NamedTuple, Sequence, TextIO

from ..checks import CheckContext, CheckRun
from ..exporters.base import Entry, ExportOptions
from ..exporters.registry import Formats
from ..model import Page, Problem
from .pipeline import (
    FiledPage,
    Run,
    join_headers,
    part_cluster,
    read_page,
    read_part,
    worker_plugin_manager,
)
from ..read._parts import page_parts
from ._spool import paper_from_tuple

__all__ = ["ParallelRun"]

#: The most papers of a page sent to a worker at a time in the second pass.
SLICE = 1000

#: What a worker sends back for a share of a page: per paper its numbered problems, the
#: share's formatted text (or None) and the exporter's problems.
SliceResult = tuple[list[list[tuple[int, Problem]]], "str | None", list[Problem]]


def _slice_work(payload: tuple[Page, list[tuple[str, tuple]]], *, fmt: str | None,
                extra: dict[str, str], skip: tuple[str, ...], export: bool) -> SliceResult:
    """A worker's share of the second pass: the paper-scope checks and the formatting of
    some papers of one page."""
    pm = worker_plugin_manager()
    exporter = Formats(pm).get(fmt) if fmt else None
    page, rows = payload
    run = CheckRun(pm, CheckContext(exporter=exporter), skip=skip, scope="paper")
    reported: list[Problem] = []
    options = ExportOptions(extra=extra, report=reported.append, pages={page.source: page})
    per_paper, texts = [], []
    for key, fields in rows:
        paper = paper_from_tuple(fields)
        per_paper.append(run.paper_numbered(paper, key))
        if export and exporter is not None:
            texts.append(exporter.format_entry(Entry(key=key, paper=paper), options))
    text = None
    if export and exporter is not None and texts:
        framing = exporter.framing(options)
        assert framing is not None
        text = framing.separator.join(texts)
    return per_paper, text, reported


class ParallelRun:
    """Drive a :class:`~arrow2bib.run.pipeline.Run` with ``jobs`` worker processes."""

    def __init__(self, run: Run, jobs: int) -> None:
        self.run, self.jobs = run, jobs
        self._pool = ProcessPoolExecutor(max_workers=jobs)

    def __enter__(self) -> ParallelRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(cancel_futures=True)

    def read(self, specs: Sequence[str], step: Callable[[], None] = lambda: None) -> None:
        """The first pass: pages read by the workers (a large text page in parts), filed in
        input order."""
        run = self.run
        window: collections.deque[tuple[Future, bool]] = collections.deque()
        headers: list[Page] = []  # of the page being read, one per part
        filed = 0  # its papers filed so far

        def file_next() -> None:
            nonlocal filed
            future, last = window.popleft()
            header, rows = future.result()
            run.add_rows(rows, filed)  # part by part: a page's rows are never all in memory
            headers.append(header)
            filed += len(rows)
            if last:
                run.add_header(join_headers(headers), filed)
                headers.clear()
                filed = 0
                step()

        for spec in specs:
            for task, last in self._tasks(spec):
                window.append((self._pool.submit(task), last))
                if len(window) >= 2 * self.jobs:
                    file_next()
        while window:
            file_next()

    def _tasks(self, spec: str) -> Iterator[tuple[Callable[[], FiledPage], bool]]:
        """The reading of ``spec``: one task, or one per part of a large text page; each with
        whether it is the page's last."""
        run = self.run
        parts = page_parts(spec, self.jobs, encoding=run.encoding)
        if parts is None:
            yield partial(read_page, spec, encoding=run.encoding,
                          key_pattern=run.key_pattern), True
            return
        cluster = part_cluster(parts[0])
        for i, part in enumerate(parts):
            yield partial(read_part, part, cluster=cluster,
                          key_pattern=run.key_pattern), i == len(parts) - 1

    def splits(self, export: bool) -> bool:
        """Whether the second pass can run in the workers (else use ``run.entries()``)."""
        run = self.run
        if not run.checks or (export and run.dedupe != "keep"):
            return False
        return not export or (run.exporter is not None
                              and run.exporter.framing(run.export_options()) is not None)

    def write(self, out: TextIO | None) -> None:
        """The second pass, the pages' texts written to ``out`` (None: check only)."""
        run = self.run
        options = run.export_options() if out is not None else None
        framing = None
        if options is not None and run.exporter is not None:
            framing = run.exporter.framing(options)
        work = partial(_slice_work, fmt=run.exporter.name if run.exporter else None,
                       extra=dict(options.extra) if options else {}, skip=run.skip,
                       export=out is not None)
        main = CheckRun(run.pm, CheckContext(exporter=run.exporter), skip=run.skip, scope="run")
        window: collections.deque[_Slice] = collections.deque()
        started = False
        for page, rows, first, last in self._slices():
            local = [main.paper_numbered(paper_from_tuple(fields), key) if main.checks else []
                     for key, fields in rows]
            # the page's own problems now, before the next page's papers go through
            page_level = main.page_numbered(page) if last else []
            window.append(_Slice(page, first, local, page_level,
                                 self._pool.submit(work, (page, rows))))
            if len(window) >= 2 * self.jobs:
                started |= self._finish(window.popleft(), out, framing, started)
        while window:
            started |= self._finish(window.popleft(), out, framing, started)
        run.problems.extend(main.finish())
        if out is not None and framing is not None:
            out.write(framing.closing(started))

    def _slices(self) -> Iterator[tuple[Page, list[tuple[str, tuple]], bool, bool]]:
        """Each page's papers with their final keys and fields, replayed from the run's
        spool, :data:`SLICE` at a time; with whether a slice is its page's first and last."""
        rows = self.run.keyed_rows()
        for page, size in self.run.page_sizes():
            starts = range(0, size, SLICE) or range(1)
            for start in starts:
                share = [next(rows) for _ in range(min(SLICE, size - start))]
                yield page, share, start == 0, start == starts[-1]

    def _finish(self, piece: _Slice, out: TextIO | None, framing, started: bool) -> bool:
        """Log a slice's problems in serial order and write its text; True if it wrote any."""
        per_paper, text, reported = piece.future.result()
        run = self.run
        if piece.first:
            run.problems.extend(piece.page.problems)
        for theirs, ours in zip(per_paper, piece.local):
            run.problems.extend(p for _n, p in sorted(theirs + ours, key=lambda item: item[0]))
        run.problems.extend(p for _n, p in piece.page_level)
        for problem in reported:
            run.problems.add(problem, export=True)
        run.written += len(per_paper) if out is not None else 0
        if out is not None and text is not None and framing is not None:
            out.write(framing.opening(started))
            out.write(text)
            return True
        return False


class _Slice(NamedTuple):
    """A share of a page in the second pass, waiting for its worker."""

    page: Page
    first: bool
    local: list[list[tuple[int, Problem]]]
    page_level: list[tuple[int, Problem]]
    future: Future
