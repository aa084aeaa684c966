"""The work a backend maps: reading a page (or a part of one) and checking and formatting a
batch of papers. Plain functions of plain data, so that any backend can run them anywhere: in
this process, in a ``--jobs`` worker process, on a Dask worker.

Each task carries :class:`Plugins`, the run's plugin manager described so that another process
rebuilds it (modules by name, other plugin objects by value); in the process that made the
description, the manager itself is used.
"""

from __future__ import annotations

import dataclasses
import importlib
import itertools
import os
import threading
import types
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Sequence, Union

import pluggy

from .. import hookspecs
from ..checks import CheckContext, CheckRun
from ..errors import PluginError
from ..exporters.base import Entry, Exporter, ExportOptions
from ..exporters.registry import Formats
from ..keys import base_keys
from ..keys._table import order_digest
from ..model import Page, Paper, Problem
from ..read._parts import Part, part_lines
from ..read.grammar import PageReader
from ..read.pages import open_page
from ._spool import PaperSpool, paper_from_tuple, paper_tuple, problem_tuple

__all__ = ["Batch", "BatchDone", "Filed", "FiledPage", "Plugins", "ReadTask",
           "check_and_format", "describe", "joined", "manager", "read", "read_all"]


class Filed(NamedTuple):
    """The papers of a page (or of a part of one) as read, ready to file: per paper its base
    key and order digest (:attr:`keys`), and the papers as the run's spool keeps them
    (:attr:`batches`: :meth:`~arrow2bib.run._spool.PaperSpool.packed` lists of ``(base key,
    paper_tuple(paper))``, of :attr:`sizes` rows each), made where the page was read: the
    process that files them copies the bytes, it does not unpickle every paper and marshal
    it again."""

    keys: list[tuple[str, int]]
    batches: list[bytes]
    sizes: list[int]

    @property
    def papers(self) -> int:
        """How many papers."""
        return len(self.keys)


#: A page read: its header (without papers), and its papers ready to file.
FiledPage = tuple[Page, Filed]


# -- the plugin manager, shared with the tasks --------------------------------------------

@dataclass(frozen=True)
class Plugins:
    """How to rebuild a plugin manager: modules by name, other objects by value."""

    token: str
    project: str
    items: tuple[tuple[str, str | None, Any], ...]


_MANAGERS: OrderedDict[str, tuple[pluggy.PluginManager, Formats]] = OrderedDict()
_LOCK = threading.Lock()


def describe(pm: pluggy.PluginManager) -> Plugins:
    """``pm`` described for the tasks; in this process they use ``pm`` itself."""
    items: list[tuple[str, str | None, Any]] = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # blocked
            continue
        if isinstance(plugin, types.ModuleType):
            items.append((name, plugin.__name__, None))
        else:  # a class or instance registered by hand travels pickled
            items.append((name, None, plugin))
    plugins = Plugins(os.urandom(16).hex(), pm.project_name, tuple(items))
    _remember(plugins.token, pm)
    return plugins


def _remember(token: str, pm: pluggy.PluginManager) -> tuple[pluggy.PluginManager, Formats]:
    with _LOCK:
        _MANAGERS[token] = (pm, Formats(pm))
        while len(_MANAGERS) > 8:  # a long-lived worker serves many runs
            _MANAGERS.popitem(last=False)
        return _MANAGERS[token]


def manager(plugins: Plugins) -> tuple[pluggy.PluginManager, Formats]:
    """The plugin manager ``plugins`` describes: the original in its own process, else rebuilt
    once per process."""
    with _LOCK:
        if plugins.token in _MANAGERS:
            return _MANAGERS[plugins.token]
    pm = pluggy.PluginManager(plugins.project)
    pm.add_hookspecs(hookspecs)
    for name, module, obj in plugins.items:
        if module == "__main__":
            raise PluginError(f"The plugin {name!r} is the __main__ module, which a worker "
                              "process cannot import; move it into an importable module.")
        try:
            plugin = importlib.import_module(module) if module else obj
        except ImportError as exc:
            raise PluginError(f"The plugin {name!r} ({module}) cannot be imported in this "
                              f"worker ({exc}); install it where the workers run.") from exc
        pm.register(plugin, name=name)
    pm.check_pending()
    return _remember(plugins.token, pm)


# -- stage 1: read and key ----------------------------------------------------------------

#: Papers keyed together (one ``citation_keys`` hook call): as many as a batch of the engine.
KEY_BATCH = 256


@dataclass(frozen=True)
class ReadTask:
    """Read one input (a path, a URL, ``-``) or one part of a large text page, and make each
    paper's base key. A part after a page's first needs the page's ``cluster`` name."""

    item: Union[str, Part]
    plugins: Plugins
    encoding: str | None = None
    key_pattern: str | None = None
    cluster: str | None = None

    @property
    def label(self) -> str:
        """The input, as an error names it."""
        if isinstance(self.item, Part):
            return f"{self.item.source} (from byte {self.item.start})"
        return str(self.item)


def read(task: ReadTask) -> FiledPage:
    """Stage 1 for one task."""
    pm, _formats = manager(task.plugins)
    item = task.item
    if isinstance(item, Part):
        reader = PageReader(part_lines(item, item.source), source=item.source,
                            widest=item.widest)
        if item.start > 0:
            reader.cluster = task.cluster
    else:
        reader = open_page(item, encoding=task.encoding)
    return filed(reader, pm, task.key_pattern)


def read_all(tasks: Sequence[ReadTask]) -> list[FiledPage]:
    """Stage 1 for several tasks (small pages, read in one task sent to a worker)."""
    return [read(task) for task in tasks]


def filed(reader: Any, pm: pluggy.PluginManager, key_pattern: str | None) -> FiledPage:
    """The papers of ``reader`` (a page reader, or a :class:`Page`) filed, and its header."""
    rows = Filed([], [], [])
    for papers in batched(reader.papers if isinstance(reader, Page) else reader, KEY_BATCH):
        keys = base_keys(papers, pm, key_pattern)
        rows.keys.extend(zip(keys, map(order_digest, papers)))
        rows.batches.append(PaperSpool.packed(list(zip(keys, map(paper_tuple, papers)))))
        rows.sizes.append(len(papers))
    return header(reader), rows


def batched(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    """``papers`` in lists of ``size`` (the last may be shorter), as they stream past."""
    iterator = iter(papers)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def header(page: Any) -> Page:
    """A page without its papers (a :class:`Page`, or a reader once read)."""
    return Page(source=page.source, cluster=page.cluster,
                declared_papers=page.declared_papers, author_rows=page.author_rows,
                problems=tuple(page.problems))


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
        problem for item in headers for problem in item.problems))


# -- stages 3 and 5: the paper checks, and formatting -------------------------------------

@dataclass(frozen=True)
class Batch:
    """Consecutive papers of the run, from one page or several (``pages``, in order), with
    their final keys: run the paper checks over all of them and, when ``fmt`` states a
    layout, format those marked to write.

    ``papers`` holds :class:`~arrow2bib.model.Paper` objects, or their
    :func:`~arrow2bib.run._spool.paper_tuple` fields (cheaper to send to another process)."""

    pages: Sequence[Page]
    keys: Sequence[str]
    papers: Sequence[Union[Paper, tuple]]
    write: Sequence[bool]
    plugins: Plugins
    fmt: str | Exporter | None  # the exporter itself when the batch stays in this process
    extra: Mapping[str, str]
    skip: tuple[str, ...]
    checks: bool = True
    layout: bool = False
    #: send each problem with its message's shape (the run makes its closing table)
    shapes: bool = False

    @property
    def label(self) -> str:
        """The papers, as an error names them."""
        if not self.papers:
            return f"{self.pages[0].source if self.pages else ''}:0 (0 papers from there)"
        first = self.papers[0]
        source, line = ((first.source, first.line) if isinstance(first, Paper)
                        else (first[-2], first[-1]))  # paper_tuple ends with source, line
        return f"{source}:{line} ({len(self.papers)} papers from there)"

    @property
    def page(self) -> Page:
        """The batch's first page (deprecated: a batch may hold several pages; read
        :attr:`pages`. Removed in 0.4.0)."""
        warnings.warn("Batch.page is deprecated and will be removed in arrow2bib 0.4.0: a "
                      "batch may hold several pages; read Batch.pages.", DeprecationWarning,
                      stacklevel=2)
        return self.pages[0]


@dataclass(frozen=True)
class BatchDone:
    """What a :class:`Batch` gave: per paper its paper checks' numbered problems, each as its
    :func:`~arrow2bib.run._spool.problem_tuple` (plain tuples: a worker's results are read
    back by the process that writes, and tuples come back several times faster than the
    objects); the text of the papers to write (None without a layout), and what the exporter
    reported meanwhile (problem tuples too)."""

    problems: list[list[tuple[int, tuple]]]
    text: str | None
    reported: list[tuple]


def joined(done: Sequence[BatchDone], separator: str) -> BatchDone:
    """The results of consecutive batches as one batch's: their texts with the format's
    ``separator`` between two (:attr:`~arrow2bib.exporters.base.Layout.separator`)."""
    texts = [item.text for item in done if item.text is not None]
    return BatchDone([found for item in done for found in item.problems],
                     separator.join(texts) if texts else None,
                     [values for item in done for values in item.reported])


_RUNS: dict[tuple[str, object, tuple[str, ...]], CheckRun] = {}


def check_and_format(batch: Batch) -> BatchDone:
    """Stages 3 (paper checks) and 5 (format) for one batch."""
    pm, formats = manager(batch.plugins)
    fmt = batch.fmt
    exporter = formats.get(fmt) if isinstance(fmt, str) else fmt
    papers = [item if isinstance(item, Paper) else paper_from_tuple(item)
              for item in batch.papers]
    shaped = batch.shapes
    problems: list[list[tuple[int, tuple]]] = [[] for _paper in papers]
    if batch.checks:
        cache = (batch.plugins.token, fmt if isinstance(fmt, str) else id(fmt), batch.skip)
        run = _RUNS.get(cache)
        if run is None:  # paper checks keep no state: one instance serves every batch
            run = _RUNS[cache] = CheckRun(pm, CheckContext(exporter=exporter),
                                          skip=batch.skip, scope="paper")
            while len(_RUNS) > 16:
                del _RUNS[next(iter(_RUNS))]
        problems = [[(number, problem_tuple(problem, shaped=shaped))
                     for number, problem in found]
                    for found in run.batch_numbered(list(zip(papers, batch.keys)))]
    text = None
    reported: list[tuple] = []
    if batch.layout and exporter is not None:
        def report(problem: Problem) -> None:
            reported.append(problem_tuple(problem, shaped=shaped))

        options = ExportOptions(extra=batch.extra, report=report,
                                pages={page.source: page for page in batch.pages})
        entries = [Entry(key=key, paper=paper)
                   for key, paper, write in zip(batch.keys, papers, batch.write) if write]
        if entries:
            text = exporter.format_entries(entries, options)
    return BatchDone(problems, text, reported)
