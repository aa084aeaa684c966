"""Converting many pages on Dask workers (dask.distributed), with the single-process result,
in shards.

    from distributed import Client
    from arrow2bib.distributed import convert
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

The stages live in :mod:`._workers` (plugin manager and reading), :mod:`._keys`,
:mod:`._duplicates` and :mod:`._export`; this module checks for Dask and runs them.
"""

from __future__ import annotations

#: The first Dask whose bag shuffle hashes keys the same in every worker process (dask#10734);
#: before it, a group could be split between workers and keys or duplicates missed.
MIN_DASK = (2024, 5)
_INSTALL = "pip install 'arrow2bib[dask]' (on the client and on every worker)"

try:
    import dask
    import dask.bag as db
    import distributed
except ImportError as exc:  # pragma: no cover - the test runs this in a subprocess
    raise ImportError(f"arrow2bib.distributed needs Dask and dask.distributed: {_INSTALL}. "
                      f"({exc})") from exc
if tuple(int(part) for part in dask.__version__.split(".")[:2]) < MIN_DASK:
    raise ImportError(f"arrow2bib.distributed needs Dask {MIN_DASK[0]}.{MIN_DASK[1]} or later "
                      f"(this is {dask.__version__}): {_INSTALL}.")

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Mapping, Sequence

import pluggy

from ..errors import OutputError
from ..exporters.base import Document
from ..exporters.registry import Formats
from ..model import Problem
from ..plugins import get_plugin_manager
from ..run.pipeline import export_options
from ..write.files import write_documents
from ..write.report import render_json
from ._duplicates import _duplicates
from ._export import _export, _Extra, _summary, _write, report_path, shard_path
from ._keys import _assign
from ._workers import COPY_KINDS, _chunks, _describe, _failures, _Plan, _read

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["ClusterResult", "convert", "report_path", "shard_path"]


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
    """Convert the pages ``inputs`` (paths or URLs the workers can read) on Dask workers.

    Writes the shards ``refs-00000.bib``, ``refs-00001.bib``... (for ``output="refs.bib"``;
    see :func:`shard_path`), the entries in input order across the shards, and one report
    ``refs.report.json`` in the JSON of ``arrow2bib check --format json``. The entries, keys,
    problems and counts are those of :func:`arrow2bib.run.pipeline.process` on the same inputs.

    ``client``: a :class:`distributed.Client` (default: the current one). ``partitions``: how
    many runs of inputs (and shards) to make, at most one per input (default: the Dask client's
    worker threads). ``to``: the format (default: from ``output``'s extension). ``pm``: the
    plugin manager to mirror on the workers (default: built-in and installed plugins).

    Raises what the single-process run raises for the same input: the first
    :class:`~arrow2bib.errors.InputError` in input order, the first illegal key's
    :class:`~arrow2bib.errors.ExportError`; nothing is written then.
    """
    if dedupe not in ("keep", "first"):
        raise ValueError(f"dedupe must be 'keep' or 'first' with Dask, not {dedupe!r}"
                         + ("; merge the copies in a single-process run (arrow2bib convert "
                            "--dedupe merge)." if dedupe == "merge" else "."))
    specs = [os.fspath(spec) for spec in inputs]
    if not specs:
        raise ValueError("convert() needs at least one input page.")
    if "-" in specs:
        raise ValueError("The workers cannot read standard input ('-'); give files or URLs.")
    if pm is None:
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
