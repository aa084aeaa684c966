"""``--jobs N``: a run whose per-page work is spread over N processes, with the same output
and the same report, in the same order, as the serial run.

First pass: the worker processes read the pages (:func:`~arrow2bib.pipeline.read_page`);
the main process files the papers and base keys as they arrive, in input order. Second pass,
page by page: the main process replays a page's papers with their final keys and runs the
checks that need the whole run (the duplicate check, and any check that does not declare
``scope = "page"``), while a worker runs the page-scope checks and formats the page's
entries (for formats that state a :class:`~arrow2bib.exporters.base.Framing`). The main
process then writes the pages' texts in order and merges each paper's problems in the
order of the checks' registration. At most ``2 * N`` pages are in flight at a time.

Formats without a framing (json, orcid, the citeproc formats) and ``--dedupe first/merge``
(which must see the duplicate check's verdict before writing) get a parallel first pass and
a serial second one.
"""

from __future__ import annotations

import collections
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from typing import Callable, Iterator, Sequence, TextIO

from .checks import CheckContext, CheckRun
from .exporters.base import Entry, ExportOptions
from .model import Page, Problem
from .pipeline import Run, read_page, worker_plugin_manager
from .spool import paper_from_tuple

__all__ = ["ParallelRun"]

#: What a worker sends back for a page: per paper its numbered problems, the page-level
#: numbered problems, the page's formatted text (or None) and the exporter's problems.
PageResult = tuple[list[list[tuple[int, Problem]]], list[tuple[int, Problem]], "str | None",
                   list[Problem]]


def _page_work(payload: tuple[Page, list[tuple[str, tuple]]], *, fmt: str | None,
               extra: dict[str, str], skip: tuple[str, ...], export: bool) -> PageResult:
    """A worker's share of the second pass over one page."""
    from .formats import Formats

    pm = worker_plugin_manager()
    exporter = Formats(pm).get(fmt) if fmt else None
    page, rows = payload
    run = CheckRun(pm, CheckContext(exporter=exporter), skip=skip, scope="page")
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
    return per_paper, run.page_numbered(page), text, reported


class ParallelRun:
    """Drive a :class:`~arrow2bib.pipeline.Run` with ``jobs`` worker processes."""

    def __init__(self, run: Run, jobs: int) -> None:
        self.run, self.jobs = run, jobs
        self._pool = ProcessPoolExecutor(max_workers=jobs)

    def __enter__(self) -> ParallelRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(cancel_futures=True)

    def read(self, specs: Sequence[str], step: Callable[[], None] = lambda: None) -> None:
        """The first pass: pages read by the workers, filed in input order."""
        chunk = max(1, min(16, len(specs) // (self.jobs * 4)))
        read = partial(read_page, encoding=self.run.encoding, key_pattern=self.run.key_pattern)
        for page in self._pool.map(read, specs, chunksize=chunk):
            self.run.add_read(page)
            step()

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
        work = partial(_page_work, fmt=run.exporter.name if run.exporter else None,
                       extra=dict(options.extra) if options else {}, skip=run.skip,
                       export=out is not None)
        main = CheckRun(run.pm, CheckContext(exporter=run.exporter), skip=run.skip, scope="run")
        window: collections.deque[tuple[Page, list, Future]] = collections.deque()
        written = False
        for page, rows in self._pages():
            local = [main.paper_numbered(paper_from_tuple(fields), key) if main.checks else []
                     for key, fields in rows]
            window.append((page, local, self._pool.submit(work, (page, rows))))
            if len(window) >= 2 * self.jobs:
                written |= self._finish_page(*window.popleft(), main, out, framing, written)
        while window:
            written |= self._finish_page(*window.popleft(), main, out, framing, written)
        run.problems.extend(main.finish())
        if out is not None and framing is not None:
            out.write(framing.closing(written))

    def _pages(self) -> Iterator[tuple[Page, list[tuple[str, tuple]]]]:
        """Each page with its papers' final keys and fields, replayed from the run's spool."""
        rows = self.run.keyed_rows()
        for page, size in self.run.page_sizes():
            yield page, [next(rows) for _ in range(size)]

    def _finish_page(self, page: Page, local: list, future: Future, main: CheckRun,
                     out: TextIO | None, framing, written: bool) -> bool:
        """Log a page's problems in serial order and write its text; True if it wrote any."""
        per_paper, page_level, text, reported = future.result()
        run = self.run
        run.problems.extend(page.problems)
        for theirs, ours in zip(per_paper, local):
            run.problems.extend(p for _n, p in sorted(theirs + ours, key=lambda item: item[0]))
        mine = main.page_numbered(page)
        run.problems.extend(p for _n, p in sorted(page_level + mine, key=lambda item: item[0]))
        for problem in reported:
            run.problems.add(problem, export=True)
        run.written += len(per_paper) if out is not None else 0
        if out is not None and text is not None and framing is not None:
            out.write(framing.opening(written))
            out.write(text)
            return True
        return False

