"""Stage 4 on the Dask workers: checks in the single-process order, export, shard files."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pluggy

from ..checks import CheckContext, CheckRun, registered_checks
from ..checks.builtin import duplicate_problem, removed_copy
from ..checks.duplicates import Match
from ..exporters.base import Document, Entry, Exporter
from ..model import Page, Problem
from ..write.files import write_documents
from ..run.pipeline import export_options
from ._workers import Pos, _manager, _only, _Plan, _Read


def shard_path(output: str | os.PathLike[str], extension: str, number: int) -> Path:
    """Shard ``number`` of ``output``: ``refs.bib`` -> ``refs-00003.bib`` (the format's
    extension; a format that writes several documents adds its own suffix after the number)."""
    output = Path(output)
    return output.with_name(f"{_stem(output, extension)}-{number:05d}{extension}")


def report_path(output: str | os.PathLike[str], extension: str) -> Path:
    """The merged report beside the shards: ``refs.bib`` -> ``refs.report.json``."""
    output = Path(output)
    return output.with_name(f"{_stem(output, extension)}.report.json")


def _stem(output: Path, extension: str) -> str:
    name = output.name
    if name.lower().endswith(extension.lower()) and len(name) > len(extension):
        return name[: -len(extension)]
    return name


@dataclass
class _Extra:
    """What the client decided for one partition's papers."""

    number: int
    keys: dict[Pos, str] = field(default_factory=dict)
    matches: dict[Pos, Match] = field(default_factory=dict)
    dropped: dict[Pos, str] = field(default_factory=dict)  # paper -> key of the kept copy


@dataclass
class _Part:
    """One partition's outcome; its documents wait on the worker until every part is ready."""

    number: int
    problems: list[Problem]
    finish: list[Problem]
    export: list[Problem]
    documents: list[Document]
    read: int
    written: int
    skipped: int


def _check_runs(pm: pluggy.PluginManager, exporter: Exporter) -> tuple[CheckRun, CheckRun]:
    """The checks before and after ``duplicate`` (found by the shuffle), in their order."""
    names = [check.name for check in registered_checks(pm)]
    cut = names.index("duplicate") if "duplicate" in names else len(names)
    context = CheckContext(exporter=exporter)
    return (CheckRun(pm, context, skip=names[cut:]),
            CheckRun(pm, context, skip=names[:cut + 1]))


def _export(items: Iterable[_Read], extra_part: Iterable[_Extra], plan: _Plan) -> list[_Part]:
    extra = _only(extra_part)
    pm, formats = _manager(plan.plugins)
    exporter = formats.get(plan.fmt)
    before, after = _check_runs(pm, exporter)
    problems: list[Problem] = []
    entries: list[Entry] = []
    headers: dict[str, Page] = {}
    read = 0
    for item in items:
        page = item.page
        headers[page.source] = dataclasses.replace(page, papers=())
        problems.extend(page.problems)
        for j, paper in enumerate(page.papers):
            read += 1
            pos = (item.index, j)
            key = extra.keys.get(pos, item.bases[j])
            problems.extend(before.paper(paper, key))
            into = extra.dropped.get(pos)
            if pos in extra.matches:
                duplicate = duplicate_problem(paper, key, extra.matches[pos])
                # a removed copy: one note (as in arrow2bib.run.pipeline), not a warning
                problems.append(duplicate if into is None else
                                removed_copy(duplicate, mode=plan.dedupe, into=into))
            problems.extend(after.paper(paper, key))
            if into is None:
                entries.append(Entry(key=key, paper=paper))
        problems.extend(before.page(page))
        problems.extend(after.page(page))
    finish = before.finish() + after.finish()
    export_problems: list[Problem] = []
    opts = export_options(exporter, plan.options, export_problems.append, headers)
    documents = list(exporter.documents(entries, opts))
    return [_Part(extra.number, problems, finish, export_problems, documents, read,
                  len(entries), read - len(entries))]


def _write(parts: Iterable[_Part], plan: _Plan, extension: str) -> list[Path]:
    (part,) = parts
    return write_documents(shard_path(plan.output, extension, part.number), part.documents)


def _summary(part: _Part) -> _Part:
    return dataclasses.replace(part, documents=[])
