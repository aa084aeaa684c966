"""The streaming run as one function: :func:`convert`, what ``arrow2bib convert`` and
``arrow2bib check`` call, and what a library caller calls for the same result.

    import arrow2bib
    result = arrow2bib.convert(["author.txt", "other.html"], to="bibtex", out="refs.bib",
                               dedupe="first", jobs=2)
    for problem in result.problems:
        print(problem)
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator, Mapping, TextIO, Union

import pluggy

from .._identity import FileIdentity, identity
from ..checks import registered_checks
from ..errors import OutputPathError, SettingError
from ..exporters.base import Entry, Exporter, ExportOptions
from ..exporters.registry import Formats
from ..model import Page, Problem, Severity
from ..plugins import get_plugin_manager
from ..write.files import Target, write_export, write_stream, writes_one_document
from ._spool import ProblemLog
from .backends import Backend, available_cpus, backend_for
from .engine import DEDUPE_MODES, Dedupe, Engine, Input, Progress

__all__ = ["Output", "Result", "convert"]

#: Where :func:`convert` writes: a path (written atomically; a format that needs several files
#: numbers them beside it), a resolved :class:`~arrow2bib.write.files.Target`, an open text
#: stream, a function that takes the entries and the export options (and returns what to call
#: the place it wrote them), or None (check only).
Output = Union[str, "os.PathLike[str]", Target, TextIO,
               Callable[[Iterator[Entry], ExportOptions], str], None]


@dataclass
class Result:
    """What :func:`convert` did: every paper read is written, merged into another, or
    skipped, each with its reason in :attr:`problems` (in report order)."""

    problems: list[Problem] = field(default_factory=list)
    #: The files written (empty for a stream, or a check).
    files: list[Path] = field(default_factory=list)
    #: The pages read (their headers and reading problems; no papers).
    pages: list[Page] = field(default_factory=list)
    read: int = 0
    written: int = 0
    merged: int = 0
    skipped: int = 0
    #: Where the output went, in words (a path, "stdout", what an output function returned).
    where: str = ""
    counts: dict[Severity, int] = field(default_factory=dict)


def convert(
    pages: Iterable[Input],
    to: str | Exporter | None = None,
    out: Output = None,
    *,
    checks: bool = True,
    skip: Iterable[str] = (),
    dedupe: Dedupe = "keep",
    key_pattern: str | None = None,
    options: Mapping[str, str] | None = None,
    encoding: str | None = None,
    jobs: int | str = 1,
    backend: Backend | None = None,
    pm: pluggy.PluginManager | None = None,
    protect: Collection[FileIdentity] = (),
    on_page: Callable[[], None] | None = None,
    progress: Progress | None = None,
    problems: Iterable[Problem] = (),
    report: Callable[[Problem], None] | ProblemLog | None = None,
) -> Result:
    """Read ``pages`` (paths, URLs, ``-``, or parsed :class:`~arrow2bib.model.Page` objects),
    check them and write them in format ``to`` to ``out``, streaming (memory does not grow with
    the pages). With ``out=None`` the papers are only checked (for ``to``'s required fields,
    when given).

    ``to``: a format name or exporter (default: from ``out``'s extension). ``checks=False``
    runs no check; ``skip`` names checks not to run. ``dedupe``: ``"keep"`` every paper,
    ``"first"`` copy only, or ``"merge"`` copies into the first. ``jobs``: worker processes,
    or ``"auto"`` (one per CPU); or give a ``backend``
    (:class:`~arrow2bib.run.backends.DaskBackend` for a Dask cluster). Arguments the run
    cannot take (a string for ``pages`` or ``skip``, an unknown check, ``jobs=0``) raise
    :class:`~arrow2bib.errors.SettingError` before anything is read.
    ``protect``: files that must not be overwritten (the inputs are always protected).
    ``problems``: problems found before the run (inputs skipped, say), reported first.
    ``progress``: told of the pages, papers and bytes read (:mod:`arrow2bib.progress`).
    ``report``: called with every problem, in report order, at the end of the run, instead
    of collecting them in :attr:`Result.problems` (which then stays empty: the run keeps its
    problems on disk, so a large run's report need not fit in memory); or the
    :class:`~arrow2bib.run._spool.ProblemLog` the run logs them into as they come (the
    command line's: nothing is copied at the end).

    Raises :class:`~arrow2bib.errors.InputError` (an input that cannot be read),
    :class:`~arrow2bib.errors.ExportError`, :class:`~arrow2bib.errors.OutputError` or
    :class:`~arrow2bib.errors.WorkerError`; then nothing is written.
    """
    pm = pm if pm is not None else get_plugin_manager()
    items, skip, jobs = _arguments(pages, skip, dedupe, jobs, pm)
    _check_output(out)
    exporter = _exporter(to, out, pm)
    if out is not None and exporter is None:
        raise SettingError("convert() needs a format: give to=..., or an output path with a "
                           "format's extension.")
    protected = set(protect) | {identity(os.fspath(item)) for item in items
                                if not isinstance(item, Page) and os.path.isfile(item)}
    backend = backend if backend is not None else backend_for(jobs)
    with Engine(items, pm=pm, exporter=exporter, key_pattern=key_pattern, options=options,
                dedupe=dedupe, checks=checks, encoding=encoding, skip=skip,
                backend=backend, on_page=on_page, progress=progress,
                problems=report if isinstance(report, ProblemLog) else None) as run:
        run.problems.extend(problems)
        opts = run.export_options() if exporter is not None else None  # bad options: fail now
        run.read()
        result = Result()
        if out is None:
            run.check()
        else:
            assert exporter is not None and opts is not None
            result.where, result.files = _write(run, exporter, opts, out, protected)
        if report is None:
            result.problems = list(run.problems)
        elif not isinstance(report, ProblemLog):
            for problem in run.problems:
                report(problem)
        result.pages = list(run.pages)
        result.read, result.written = run.read_count, run.written
        result.merged, result.skipped = run.merged, run.skipped
        result.counts = dict(run.problems.counts)
    return result


def _arguments(pages: Iterable[Input], skip: Iterable[str], dedupe: str, jobs: int | str,
               pm: pluggy.PluginManager) -> tuple[list[Input], tuple[str, ...], int]:
    """``pages``, ``skip`` and ``jobs`` as the run takes them, checked as the command line
    checks its own (a :class:`~arrow2bib.errors.SettingError` says what is wrong)."""
    if isinstance(pages, (str, bytes, os.PathLike, Page)):
        raise SettingError(f"convert() takes the pages in a list (paths, URLs, '-' or Page "
                           f"objects), not one {type(pages).__name__}: a string would be read "
                           "as its characters. Give [page].")
    if isinstance(skip, (str, bytes)):
        raise SettingError("skip takes check names in a list (skip=['duplicate']), not one "
                           "string: a string would be read as its characters.")
    skipped = tuple(skip)
    names = {check.name for check in registered_checks(pm)}
    unknown = [name for name in skipped if name not in names]
    if unknown:
        raise SettingError(f"skip: there is no check {unknown[0]!r} (the checks: "
                           f"{', '.join(sorted(names))}).")
    if dedupe not in DEDUPE_MODES:
        raise SettingError(f"dedupe must be one of {', '.join(DEDUPE_MODES)}, not {dedupe!r}.")
    if "duplicate" in skipped and dedupe != "keep":
        raise SettingError(f"dedupe={dedupe!r} needs the duplicate check; do not skip it.")
    if isinstance(jobs, str) and jobs.strip().lower() == "auto":
        jobs = available_cpus()
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise SettingError(f"jobs takes a number of processes, 1 or more, or 'auto', not "
                           f"{jobs!r}.")
    return list(pages), skipped, jobs


def _check_output(out: object) -> None:
    """Refuse an ``out`` the run cannot write to, before anything is read: not a path, a
    text stream, a function or None (``out=5`` failed deep in the run), or a binary stream
    (``io.BytesIO()``, ``sys.stdout.buffer``: the run writes text)."""
    if out is None or isinstance(out, (str, os.PathLike, Target)):
        return
    if hasattr(out, "write"):
        if isinstance(out, (io.RawIOBase, io.BufferedIOBase)) or "b" in str(
                getattr(out, "mode", "")):
            raise SettingError(
                "out is a binary stream; the run writes text: give a text stream "
                "(io.StringIO(), open(path, 'w', encoding='utf-8')) or a path.")
        return
    if callable(out):
        return
    raise SettingError(
        f"out takes a path (a str or os.PathLike), an open text stream, a function of the "
        f"entries and the export options, or None to check only; not {type(out).__name__} "
        f"{out!r:.40}.")


def _exporter(to: str | Exporter | None, out: Output, pm: pluggy.PluginManager
              ) -> Exporter | None:
    if isinstance(to, Exporter):
        return to
    formats = Formats(pm)
    if to is not None:
        return formats.get(to)
    if isinstance(out, Target):
        return formats.for_path(out.shown)
    if isinstance(out, (str, os.PathLike)):
        return formats.for_path(os.fspath(out))
    return None


def _write(run: Engine, exporter: Exporter, opts: ExportOptions, out: Output,
           protect: Collection[FileIdentity]) -> tuple[str, list[Path]]:
    """The second pass into ``out``: where it went, in words, and the files written."""
    layout = exporter.layout(opts)
    if callable(out) and not isinstance(out, (str, os.PathLike, Target)) \
            and not hasattr(out, "write"):
        return str(out(run.entries(), opts)), []
    if isinstance(out, (str, os.PathLike, Target)):
        target = out if isinstance(out, Target) else os.fspath(out)
        if layout is not None:
            files = write_stream(target, run.write, protect=protect)
        else:
            files = write_export(target, exporter, run.entries(), opts, protect=protect)
        shown = target.shown if isinstance(target, Target) else target
        if len(files) == 1 and (not isinstance(target, Target) or target.kind == "file"):
            return shown, files
        return (", ".join(str(path) for path in files) or "stdout"), files
    stream: TextIO = out  # type: ignore[assignment]
    if layout is not None:
        run.write(stream)
    elif writes_one_document(exporter):
        exporter.export(run.entries(), stream, opts)
    else:
        documents = exporter.documents(run.entries(), opts)
        first = next(documents, None)
        if first is None or next(documents, None) is not None:
            raise OutputPathError(
                f"These papers need {'no' if first is None else 'several'} {exporter.name} "
                "documents; give -o PATH so they can be written as files.")
        stream.write(first.text)
    stream.flush()
    return "stdout", []
