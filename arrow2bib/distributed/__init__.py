"""Converting many pages on Dask workers (dask.distributed): the one engine
(:mod:`arrow2bib.run.engine`) with a :class:`~arrow2bib.run.backends.DaskBackend`.

    from distributed import Client
    from arrow2bib.distributed import convert
    result = convert(paths, "out/refs.bib", client=Client("tcp://scheduler:8786"))

The workers read the pages (a large text page in parts) and run the paper checks and the
formatting, batch by batch; the client keeps what needs every paper in order (the citation
keys, the duplicate index, the cross-paper checks) on its disk, and writes the output: the very
bytes ``arrow2bib convert`` writes for the same inputs, and one report
``refs.report.json`` in the JSON of ``arrow2bib check --format json``.

Plugins: the workers rebuild the client's plugin manager (modules by name, other plugin
objects by value), so a plugin package must be installed on every worker too. The workers must
read the inputs by the same paths (a shared file system) or by URL.
"""

from __future__ import annotations

#: The oldest Dask this was tested with.
MIN_DASK = (2024, 5)
_INSTALL = "pip install 'arrow2bib[dask]' (on the client and on every worker)"

try:
    import dask
    import distributed  # noqa: F401 (the backend imports it; checked here, with its name)
except ImportError as exc:  # pragma: no cover - the test runs this in a subprocess
    raise ImportError(f"arrow2bib.distributed needs Dask and dask.distributed: {_INSTALL}. "
                      f"({exc})") from exc
if tuple(int(part) for part in dask.__version__.split(".")[:2]) < MIN_DASK:
    raise ImportError(f"arrow2bib.distributed needs Dask {MIN_DASK[0]}.{MIN_DASK[1]} or later "
                      f"(this is {dask.__version__}): {_INSTALL}.")

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

import pluggy

from ..errors import OutputError
from ..exporters.base import Document
from ..model import Problem
from ..run.backends import DaskBackend
from ..run.convert import convert as _convert
from ..run.engine import Dedupe
from ..write.files import write_documents
from ..write.report import render_json

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["ClusterResult", "convert", "report_path", "shard_path"]


@dataclass
class ClusterResult:
    """What :func:`convert` did: the files written, the report, every problem in report
    order, and the counts."""

    files: list[Path]
    report: Path
    problems: list[Problem] = field(default_factory=list)
    read: int = 0
    written: int = 0
    skipped: int = 0
    merged: int = 0

    @property
    def shards(self) -> list[Path]:
        """Deprecated (0.2 wrote shards): :attr:`files`."""
        warnings.warn("ClusterResult.shards is deprecated (the output is no longer sharded); "
                      "use ClusterResult.files. Removed in 0.4.0.", DeprecationWarning,
                      stacklevel=2)
        return self.files

    @property
    def partitions(self) -> int:
        """Deprecated: always 1 (0.2 wrote one shard per partition)."""
        warnings.warn("ClusterResult.partitions is deprecated: the output is one file.",
                      DeprecationWarning, stacklevel=2)
        return 1


def convert(
    inputs: Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    to: str | None = None,
    client: Client | None = None,
    key_pattern: str | None = None,
    options: Mapping[str, str] | None = None,
    dedupe: Dedupe = "keep",
    partitions: int | None = None,
    encoding: str | None = None,
    pm: pluggy.PluginManager | None = None,
) -> ClusterResult:
    """Convert the pages ``inputs`` (paths or URLs the workers can read) on Dask workers.

    Writes ``output`` (a format that needs several files numbers them beside it) and the
    report ``refs.report.json`` beside it (for ``output="refs.bib"``; see
    :func:`report_path`): the bytes and problems of :func:`arrow2bib.convert` on the same
    inputs. ``client``: a :class:`distributed.Client` (default: the current one). ``to``: the
    format (default: from ``output``'s extension). ``pm``: the plugin manager to mirror on the
    workers (default: built-in and installed plugins). ``partitions`` is deprecated and
    ignored (the engine sends the workers batches, as many as they have threads for).

    Raises what the single-process run raises for the same input (nothing is written then),
    and :class:`~arrow2bib.errors.WorkerError` when the workers die on an input.
    """
    if partitions is not None:
        warnings.warn("convert(partitions=...) is deprecated and ignored: the output is one "
                      "file, and the engine sizes the work to the workers. Removed in 0.4.0.",
                      DeprecationWarning, stacklevel=2)
    specs = [os.fspath(spec) for spec in inputs]
    if not specs:
        raise ValueError("convert() needs at least one input page.")
    if "-" in specs:
        raise ValueError("The workers cannot read standard input ('-'); give files or URLs.")
    target = Path(output)
    if not target.parent.is_dir():
        raise OutputError(f"{target}: the directory {target.parent} does not exist; create it "
                          "first.")
    backend = DaskBackend(client)
    result = _convert(specs, to, target, key_pattern=key_pattern, options=options,
                      dedupe=dedupe, encoding=encoding, backend=backend, pm=pm)
    extension = target.suffix
    report = report_path(target, extension)
    write_documents(report, [Document("", render_json(result.problems, papers=result.read))])
    return ClusterResult(files=result.files, report=report, problems=result.problems,
                         read=result.read, written=result.written, skipped=result.skipped,
                         merged=result.merged)


def shard_path(output: str | os.PathLike[str], extension: str, number: int) -> Path:
    """Deprecated (0.2 wrote shards; the output is now one file): ``refs.bib`` ->
    ``refs-00003.bib``. Removed in 0.4.0."""
    warnings.warn("shard_path() is deprecated: arrow2bib.distributed writes one output file. "
                  "Removed in 0.4.0.", DeprecationWarning, stacklevel=2)
    output = Path(output)
    return output.with_name(f"{_stem(output, extension)}-{number:05d}{extension}")


def report_path(output: str | os.PathLike[str], extension: str) -> Path:
    """The report beside the output: ``refs.bib`` -> ``refs.report.json``."""
    output = Path(output)
    return output.with_name(f"{_stem(output, extension)}.report.json")


def _stem(output: Path, extension: str) -> str:
    name = output.name
    if name.lower().endswith(extension.lower()) and len(name) > len(extension):
        return name[: -len(extension)]
    return name
