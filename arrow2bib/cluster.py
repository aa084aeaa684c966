"""Converting many pages on a Dask cluster, with the single-process result, in shards.

    from distributed import Client
    from arrow2bib.cluster import convert
    result = convert(paths, "out/refs.bib", client=Client("tcp://scheduler:8786"))

Every stage is a ``dask.bag`` step run by the workers; the client only collects what is
small (errors, colliding key groups, duplicate matches, the problems) and writes the report:

1. read: each partition parses a contiguous run of inputs and computes each paper's base
   citation key (:func:`~arrow2bib.keys.base_key`). Pages stay in the workers' memory.
2. keys: a shuffle on the lower-cased base key finds the groups of colliding papers; the
   client runs the suffix rule of :mod:`arrow2bib.keys` over those groups only, asking the
   workers which of the candidate keys are someone's base key (a distributed membership
   filter).
3. duplicates: a shuffle on each paper's exact normal title and on each of its blocking keys;
   each group matches its members against the earlier ones (all for a title, the last
   ``MAX_BLOCK`` for a block), and a shuffle on the paper keeps its best match over all its
   groups (``best_match`` again, candidates in input order: the index's own rule).
4. export: the client decides ``--dedupe first`` from the copy links; each partition then runs
   the checks over its pages in input order, puts its problems in the single-process order and
   exports its entries. Shards are written only once every partition has succeeded.

Plugins: the workers rebuild the client's plugin manager (modules by name, other plugin
objects by value), so a plugin package must be installed on every worker too.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import os
import threading
import types
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping, Sequence

#: The first Dask whose bag shuffle hashes keys the same in every worker process (dask#10734);
#: before it, a group could be split between workers and keys or duplicates missed.
MIN_DASK = (2024, 5)
_INSTALL = "pip install 'arrow2bib[dask]' (on the client and on every worker)"

try:
    import dask
    import dask.bag as db
    import distributed
except ImportError as exc:  # pragma: no cover - the test runs this in a subprocess
    raise ImportError(f"arrow2bib.cluster needs Dask and dask.distributed: {_INSTALL}. "
                      f"({exc})") from exc
if tuple(int(part) for part in dask.__version__.split(".")[:2]) < MIN_DASK:
    raise ImportError(f"arrow2bib.cluster needs Dask {MIN_DASK[0]}.{MIN_DASK[1]} or later "
                      f"(this is {dask.__version__}): {_INSTALL}.")

import pluggy

from . import hookspecs
from .api import parse_file
from .checks import CheckContext, CheckRun, registered_checks
from .checks.builtin import duplicate_problem
from .checks.duplicates import (
    MAX_BLOCK,
    Match,
    Record,
    best_match,
    blocking_keys,
    record_for,
)
from .errors import Arrow2BibError, OutputError, PluginError
from .exporters.base import Document, Entry, Exporter
from .formats import Formats
from .keys import base_key, canonical_digest, suffix
from .model import Page, Problem, Severity
from .output import write_documents
from .pipeline import export_options
from .report import render_json

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["ClusterResult", "convert", "report_path", "shard_path"]

#: A paper's place in the input: (input number, paper number on its page). Tuples sort in
#: input order, so no global count of papers is needed.
Pos = tuple[int, int]
#: The copy kinds ``--dedupe`` acts on (versions are separate works).
COPY_KINDS = ("identical", "near-identical")
#: Suffix candidates tried per colliding group beyond the ones it needs, before asking again.
SPARE_CANDIDATES = 4


@dataclass
class ClusterResult:
    """What :func:`convert` did: the shard files written (in input order), the merged report,
    every problem in the single-process order, and the counts."""

    shards: list[Path]
    report: Path
    problems: list[Problem]
    read: int = 0
    written: int = 0
    skipped: int = 0
    merged: int = 0
    partitions: int = 0


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


# --- the plugin manager, rebuilt on each worker -----------------------------------------

@dataclass(frozen=True)
class _Plugins:
    """How to rebuild the client's plugin manager: modules by name, other objects by value."""

    token: str
    project: str
    items: tuple[tuple[str, str | None, Any], ...]


def _describe(pm: pluggy.PluginManager) -> _Plugins:
    items: list[tuple[str, str | None, Any]] = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # blocked
            continue
        if isinstance(plugin, types.ModuleType):
            if plugin.__name__ == "__main__":  # a worker's __main__ is another module
                raise PluginError(f"The plugin {name!r} is the __main__ module, which Dask "
                                  "workers cannot import; move it into an importable module.")
            items.append((name, plugin.__name__, None))
        else:  # a class or instance registered by hand travels pickled, as dask sends it
            items.append((name, None, plugin))
    return _Plugins(uuid.uuid4().hex, pm.project_name, tuple(items))


_MANAGERS: OrderedDict[str, tuple[pluggy.PluginManager, Formats]] = OrderedDict()
_MANAGERS_LOCK = threading.Lock()


def _manager(plugins: _Plugins) -> tuple[pluggy.PluginManager, Formats]:
    """The worker's copy of the client's plugin manager, built once per run and worker."""
    with _MANAGERS_LOCK:
        if plugins.token in _MANAGERS:
            return _MANAGERS[plugins.token]
        pm = pluggy.PluginManager(plugins.project)
        pm.add_hookspecs(hookspecs)
        for name, module, obj in plugins.items:
            try:
                plugin = importlib.import_module(module) if module else obj
            except ImportError as exc:
                raise PluginError(
                    f"The plugin {name!r} ({module}) the client uses cannot be imported on "
                    f"this Dask worker ({exc}); install it on every worker.") from exc
            pm.register(plugin, name=name)
        pm.check_pending()
        _MANAGERS[plugins.token] = (pm, Formats(pm))
        while len(_MANAGERS) > 4:  # a long-lived worker serves many runs
            _MANAGERS.popitem(last=False)
        return _MANAGERS[plugins.token]


@dataclass(frozen=True)
class _Plan:
    """Everything a task needs besides its data."""

    plugins: _Plugins
    fmt: str
    key_pattern: str | None
    options: Mapping[str, str]
    encoding: str | None
    dedupe: str
    output: str


# --- stage 1: read ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Read:
    """One input, parsed, with its papers' base keys."""

    index: int
    page: Page
    bases: tuple[str, ...]


@dataclass(frozen=True)
class _Failed:
    """An input the single-process run would stop at: ``stage`` 0 reading, 1 keys."""

    index: int
    stage: int
    error: Arrow2BibError


def _chunks(specs: Sequence[str], partitions: int) -> list[list[tuple[int, str]]]:
    """Contiguous runs of about ``len(specs) / partitions`` inputs. An input named twice keeps
    every input from its first to its last naming in one partition, so that checks keeping
    state per page source, and formats grouping entries by source, see what one process sees."""
    size = math.ceil(len(specs) / max(1, min(partitions, len(specs))))
    last = {spec: index for index, spec in enumerate(specs)}
    chunks: list[list[tuple[int, str]]] = [[]]
    reach = 0
    for index, spec in enumerate(specs):
        if len(chunks[-1]) >= size and index > reach:
            chunks.append([])
        chunks[-1].append((index, spec))
        reach = max(reach, last[spec])
    return chunks


def _read(chunk_part: Iterable[list[tuple[int, str]]], plan: _Plan) -> list[_Read | _Failed]:
    pm, _formats = _manager(plan.plugins)
    out: list[_Read | _Failed] = []
    for index, spec in _only(chunk_part):
        try:
            page = parse_file(spec, encoding=plan.encoding)
        except Arrow2BibError as exc:
            out.append(_Failed(index, 0, exc))
            continue
        try:
            bases = tuple(base_key(paper, pm, plan.key_pattern) for paper in page.papers)
        except Arrow2BibError as exc:
            out.append(_Failed(index, 1, exc))
            continue
        out.append(_Read(index, page, bases))
    return out


def _failures(items: Iterable[_Read | _Failed]) -> list[_Failed]:
    return [item for item in items if isinstance(item, _Failed)]


# --- stage 2: keys ------------------------------------------------------------------------

def _key_rows(items: Iterable[_Read]) -> list[tuple[str, Pos, str, str]]:
    return [(base.lower(), (item.index, j), base, canonical_digest(paper))
            for item in items for j, (paper, base) in enumerate(zip(item.page.papers,
                                                                    item.bases))]


def _collisions(group: tuple[str, list[tuple[str, Pos, str, str]]]):
    return group[0], sorted((pos, base, digest) for _l, pos, base, digest in group[1])


def _present(items: Iterable[_Read], wanted: frozenset[str]) -> list[str]:
    return [low for item in items for low in (b.lower() for b in item.bases) if low in wanted]


class _Short(Exception):
    """A group needed more suffix candidates than were looked up."""


def _suffixes(groups, limits: Mapping[str, int], taken: set[str]) -> dict[Pos, str]:
    """The single-process suffix loop (:mod:`arrow2bib.keys`) over the colliding groups, in
    order of their first paper, with ``taken`` holding the candidates that are base keys."""
    given: dict[Pos, str] = {}
    for lower, members in groups:
        ordered = sorted(members, key=lambda m: (m[2], m[0]))  # (digest, input position)
        n = 0
        for pos, base, _digest in ordered[1:]:
            while True:
                n += 1
                if n > limits[lower]:
                    raise _Short
                candidate = base + suffix(n)
                if candidate.lower() not in taken:
                    break
            taken.add(candidate.lower())
            given[pos] = candidate
    return given


def _assign(read: db.Bag, client: Client) -> dict[Pos, str]:
    """The keys that differ from the base key (suffixed members of colliding groups)."""
    groups = client.compute(read.map_partitions(_key_rows)
                            .groupby(itemgetter(0), shuffle="tasks")
                            .filter(lambda g: len(g[1]) > 1).map(_collisions), sync=True)
    groups.sort(key=lambda g: g[1][0][0])
    spare = SPARE_CANDIDATES
    while groups:
        limits = {lower: len(members) - 1 + spare for lower, members in groups}
        wanted = frozenset(lower + suffix(n) for lower, limit in limits.items()
                           for n in range(1, limit + 1))
        taken = set(client.compute(read.map_partitions(_present, wanted).distinct(),
                                   sync=True))
        try:
            return _suffixes(groups, limits, taken)
        except _Short:
            spare *= 8
    return {}


# --- stage 3: duplicates ------------------------------------------------------------------

def _block_rows(items: Iterable[_Read], keys_part: Iterable[dict[Pos, str]]):
    keys = _only(keys_part)
    rows = []
    for item in items:
        for j, (paper, base) in enumerate(zip(item.page.papers, item.bases)):
            pos = (item.index, j)
            record = record_for(paper, keys.get(pos, base))
            rows.append((("n", record.normal), pos, record))
            rows.extend((("b", key), pos, record) for key in blocking_keys(record))
    return rows


def _group_best(group) -> list[tuple[Pos, Record, Pos, Record]]:
    """Each member's best match among the earlier members of one title or block group."""
    (kind, _name), rows = group
    rows = sorted(rows, key=itemgetter(1))
    where = {id(record): pos for _k, pos, record in rows}  # best_match returns the object
    found = []
    for i, (_k, pos, record) in enumerate(rows):
        earlier = rows[:i] if kind == "n" else rows[max(0, i - MAX_BLOCK):i]
        match = best_match(record, (old for _k2, _p, old in earlier))
        if match is not None:
            found.append((pos, record, where[id(match.other)], match.other))
    return found


def _paper_best(group) -> tuple[Pos, Pos, Match]:
    """A paper's best match over all its groups: best_match over the groups' bests in input
    order gives the single index's answer (ties go to the earliest paper)."""
    pos, rows = group
    olds = sorted({old_pos: old for _p, _r, old_pos, old in rows}.items())
    where = {id(old): old_pos for old_pos, old in olds}
    match = best_match(rows[0][1], (old for _p, old in olds))
    assert match is not None  # every row is a match of this paper
    return pos, where[id(match.other)], match


def _duplicates(read: db.Bag, keys: list[dict[Pos, str]],
                client: Client) -> dict[Pos, tuple[Pos, Match]]:
    """Each paper's best match among the earlier papers, as the single index finds it."""
    rows = read.map_partitions(_block_rows, db.from_sequence(keys, partition_size=1))
    best = (rows.groupby(itemgetter(0), shuffle="tasks").map(_group_best).flatten()
            .groupby(itemgetter(0), shuffle="tasks").map(_paper_best))
    return {pos: (old_pos, match) for pos, old_pos, match in client.compute(best, sync=True)}


def _only(part: Iterable[Any]) -> Any:
    (value,) = part
    return value


# --- stage 4: checks, problems in order, export ------------------------------------------

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
            if pos in extra.matches:
                problems.append(duplicate_problem(paper, key, extra.matches[pos]))
            problems.extend(after.paper(paper, key))
            into = extra.dropped.get(pos)
            if into is None:
                entries.append(Entry(key=key, paper=paper))
                continue
            # the same problem as the single-process run's (arrow2bib.pipeline.process)
            problems.append(Problem(
                code="dedupe", severity=Severity.INFO,
                message=f"Not exported on its own: skipped as a copy of {into} "
                        f"(--dedupe {plan.dedupe}).",
                source=paper.source, line=paper.line, title=paper.title, key=key,
                details={"mode": plan.dedupe, "into": into}))
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


# --- the entry --------------------------------------------------------------------------

def convert(
    inputs: Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    to: str | None = None,
    client: Client | None = None,
    key_pattern: str | None = None,
    options: Mapping[str, str] | None = None,
    dedupe: Literal["keep", "first"] = "keep",
    partitions: int | None = None,
    encoding: str | None = None,
    pm: pluggy.PluginManager | None = None,
) -> ClusterResult:
    """Convert the pages ``inputs`` (paths or URLs the workers can read) on a Dask cluster.

    Writes the shards ``refs-00000.bib``, ``refs-00001.bib``... (for ``output="refs.bib"``;
    see :func:`shard_path`), the entries in input order across the shards, and one report
    ``refs.report.json`` in the JSON of ``arrow2bib check --format json``. The entries, keys,
    problems and counts are those of :func:`arrow2bib.pipeline.process` on the same inputs.

    ``client``: a :class:`distributed.Client` (default: the current one). ``partitions``: how
    many runs of inputs (and shards) to make, at most one per input (default: the cluster's
    worker threads). ``to``: the format (default: from ``output``'s extension). ``pm``: the
    plugin manager to mirror on the workers (default: built-in and installed plugins).

    Raises what the single-process run raises for the same input: the first
    :class:`~arrow2bib.errors.InputError` in input order, the first illegal key's
    :class:`~arrow2bib.errors.ExportError`; nothing is written then.
    """
    if dedupe not in ("keep", "first"):
        raise ValueError(f"dedupe must be 'keep' or 'first' on a cluster, not {dedupe!r}"
                         + ("; merge the copies in a single-process run (arrow2bib convert "
                            "--dedupe merge)." if dedupe == "merge" else "."))
    specs = [os.fspath(spec) for spec in inputs]
    if not specs:
        raise ValueError("convert() needs at least one input page.")
    if "-" in specs:
        raise ValueError("The workers cannot read standard input ('-'); give files or URLs.")
    if pm is None:
        from .plugins import get_plugin_manager

        pm = get_plugin_manager()
    formats = Formats(pm)
    exporter = formats.get(to) if to else formats.for_path(os.fspath(output))
    export_options(exporter, options, lambda problem: None, {})  # unknown options: fail now
    target = Path(output)
    if not target.parent.is_dir():
        raise OutputError(f"{target}: the directory {target.parent} does not exist; create it "
                          "first (on a file system the workers share).")
    if client is None:
        try:
            client = distributed.default_client()
        except ValueError:
            raise ValueError("No Dask client: pass client=distributed.Client(...) (a "
                             "LocalCluster or a scheduler address).") from None
    if partitions is None:
        partitions = sum(client.nthreads().values()) or 1
    elif partitions < 1:
        raise ValueError(f"partitions must be 1 or more, not {partitions}.")
    chunks = _chunks(specs, partitions)
    part_of = [number for number, chunk in enumerate(chunks) for _item in chunk]
    plan = _Plan(_describe(pm), exporter.name, key_pattern, dict(options or {}), encoding,
                 dedupe, str(target))

    read = client.persist(db.from_sequence(chunks, partition_size=1).map_partitions(_read, plan))
    failures = client.compute(read.map_partitions(_failures), sync=True)
    if failures:  # what one process meets first: every input is read before any key is made
        raise min(failures, key=lambda f: (f.stage, f.index)).error

    extras = [_Extra(number) for number in range(len(chunks))]
    for pos, key in _assign(read, client).items():
        extras[part_of[pos[0]]].keys[pos] = key
    matches = _duplicates(read, [dict(extra.keys) for extra in extras], client)
    for pos in sorted(matches):
        old_pos, match = matches[pos]
        extra = extras[part_of[pos[0]]]
        extra.matches[pos] = match
        if (dedupe == "first" and match.kind in COPY_KINDS
                and old_pos not in extras[part_of[old_pos[0]]].dropped):
            extra.dropped[pos] = match.other.key or ""  # records here always carry keys

    parts = client.persist(read.map_partitions(
        _export, db.from_sequence(extras, partition_size=1), plan))
    summaries = sorted(client.compute(parts.map(_summary), sync=True), key=lambda p: p.number)
    shards = client.compute(parts.map_partitions(_write, plan, exporter.extension), sync=True)
    problems = ([p for s in summaries for p in s.problems] + [p for s in summaries
                for p in s.finish] + [p for s in summaries for p in s.export])
    result = ClusterResult(
        shards=list(shards), report=report_path(target, exporter.extension), problems=problems,
        read=sum(s.read for s in summaries), written=sum(s.written for s in summaries),
        skipped=sum(s.skipped for s in summaries), partitions=len(chunks))
    write_documents(result.report, [Document("", render_json(problems, papers=result.read))])
    return result
