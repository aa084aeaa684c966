"""What the workers run first: the client's plugin manager rebuilt, and the pages read."""

from __future__ import annotations

import importlib
import math
import threading
import types
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import pluggy

from .. import hookspecs
from ..api import parse_file
from ..errors import Arrow2BibError, PluginError
from ..exporters.registry import Formats
from ..keys import base_key
from ..model import Page

#: A paper's place in the input: (input number, paper number on its page). Tuples sort in
#: input order, so no global count of papers is needed.
Pos = tuple[int, int]
#: The copy kinds ``--dedupe`` acts on (versions are separate works).
COPY_KINDS = ("identical", "near-identical")
#: Suffix candidates tried per colliding group beyond the ones it needs, before asking again.
SPARE_CANDIDATES = 4


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


def _only(part: Iterable[Any]) -> Any:
    (value,) = part
    return value
