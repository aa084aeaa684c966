"""Building the plugin manager: built-in plugins, then installed ones.

Built-in formats are registered exactly as third-party plugins are, from
:data:`DEFAULT_PLUGINS`. Installed plugins come from the ``arrow2bib`` entry-point group,
each loaded on its own, so one broken plugin costs a warning naming its distribution and
the rest keep working. Environment:

- ``ARROW2BIB_STRICT_PLUGINS=1``: a plugin that fails to load is an error instead.
- ``ARROW2BIB_LOAD_PLUGINS=name,name``: load only these entry points (empty: none).

Call :func:`get_plugin_manager` for a fresh manager; nothing here is global, so tests (and
embedding applications) never leak plugins into one another.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import traceback
import warnings
import weakref
from importlib import metadata
from typing import Any, Callable, Iterable

import pluggy

from . import hookspecs
from .errors import PluginError

__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "PluginWarning",
    "WrongResult",
    "call_register_hook",
    "failed_plugins",
    "get_plugin_manager",
    "load_entry_points",
    "plugin_at_fault",
    "plugin_distribution",
    "plugin_label",
]

ENTRY_POINT_GROUP = "arrow2bib"

#: The modules that provide the built-in features, registered through the public hooks.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "arrow2bib.keys",
    "arrow2bib.checks.builtin",
    "arrow2bib.checks.mathcheck",
    "arrow2bib.exporters.json",
    "arrow2bib.exporters.bibtex",
    "arrow2bib.exporters.biblatex",
    "arrow2bib.exporters.csljson",
    "arrow2bib.exporters.ris",
    "arrow2bib.exporters.orcid",
    "arrow2bib.exporters.citeproc",
)


#: For each plugin manager, the distribution (name, version) of each entry-point plugin.
_DISTRIBUTIONS: weakref.WeakKeyDictionary[pluggy.PluginManager, dict[str, tuple[str, str]]] = (
    weakref.WeakKeyDictionary()
)


#: For each plugin manager, the entry-point plugins that failed to load: name ->
#: (distribution, version, the error); the distribution's are None when it is not known.
_FAILED: weakref.WeakKeyDictionary[
    pluggy.PluginManager, dict[str, tuple[str | None, str | None, str]]] = (
    weakref.WeakKeyDictionary())


def failed_plugins(pm: pluggy.PluginManager) -> dict[str, tuple[str | None, str | None, str]]:
    """The installed plugins that could not be loaded into ``pm`` (and were skipped): entry
    point name -> ``(distribution, version, error)``."""
    return dict(_FAILED.get(pm, {}))


def plugin_distribution(pm: pluggy.PluginManager, name: str) -> tuple[str, str] | None:
    """The ``(distribution, version)`` an installed plugin came from, or None (built-in or
    registered by hand)."""
    return _DISTRIBUTIONS.get(pm, {}).get(name)


class PluginWarning(UserWarning):
    """A plugin could not be loaded and was skipped."""


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _wanted(env: dict[str, str] | os._Environ[str]) -> set[str] | None:
    raw = env.get("ARROW2BIB_LOAD_PLUGINS")
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


def load_entry_points(
    pm: pluggy.PluginManager,
    entry_points: Iterable[metadata.EntryPoint] | None = None,
    *,
    env: dict[str, str] | os._Environ[str] | None = None,
) -> None:
    """Register the plugins of the ``arrow2bib`` entry-point group, one at a time."""
    env = os.environ if env is None else env
    strict = _truthy(env.get("ARROW2BIB_STRICT_PLUGINS"))
    wanted = _wanted(env)
    if entry_points is None:
        entry_points = metadata.entry_points(group=ENTRY_POINT_GROUP)
    entry_points = list(entry_points)
    missing = sorted((wanted or set()) - {ep.name for ep in entry_points})
    if missing:
        # a name that is not installed loads nothing: say so rather than run without it
        message = (f"ARROW2BIB_LOAD_PLUGINS names {', '.join(map(repr, missing))}, which no "
                   "installed package provides (installed: "
                   f"{', '.join(sorted(ep.name for ep in entry_points)) or 'none'}).")
        if strict:
            raise PluginError(message)
        warnings.warn(message, PluginWarning, stacklevel=2)
    for ep in entry_points:
        if wanted is not None and ep.name not in wanted:
            continue
        dist = getattr(ep, "dist", None)
        dist_name = f"{dist.name} {dist.version}" if dist is not None else ep.value
        if pm.get_plugin(ep.name) is not None:
            continue
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
            pm.check_pending()
            if dist is not None:
                _DISTRIBUTIONS.setdefault(pm, {})[ep.name] = (dist.name, dist.version)
        except Exception as exc:  # any failure in third-party code: isolate it
            if pm.get_plugin(ep.name) is not None:
                pm.unregister(name=ep.name)
            _FAILED.setdefault(pm, {})[ep.name] = (
                dist.name if dist is not None else None,
                dist.version if dist is not None else None, f"{type(exc).__name__}: {exc}")
            message = (
                f"The arrow2bib plugin {ep.name!r} from {dist_name} could not be loaded "
                f"({type(exc).__name__}: {exc})"
                + ("" if strict else "; it was skipped")
                + ". Reinstall or uninstall it, or set ARROW2BIB_LOAD_PLUGINS to choose the "
                "plugins to load."
            )
            if strict:
                raise PluginError(message) from exc
            warnings.warn(message, PluginWarning, stacklevel=2)


def call_register_hook(pm: pluggy.PluginManager, name: str,
                       register_for: Callable[[object], Callable[[Any], None]]) -> None:
    """Call the ``register_*`` hook ``name`` once for each plugin that implements it, in the
    order the plugins registered, each time with ``register_for(plugin)`` as the ``register``
    callback, so that what is registered is known to come from that plugin.

    Each call goes through pluggy's own hook caller (a subset of the hook without the other
    plugins' implementations), so hook wrappers and tracing apply as to any hook call.
    """
    impls = getattr(pm.hook, name).get_hookimpls()
    plain = [impl.plugin for impl in impls if not (impl.hookwrapper or impl.wrapper)]
    for plugin in plain:
        others = [other for other in plain if other is not plugin]
        try:
            answers = pm.subset_hook_caller(name, remove_plugins=others)(
                register=register_for(plugin))
        except PluginError:
            raise
        except Exception as exc:  # third-party code: say whose it is
            raise PluginError(
                f"The plugin {plugin_label(pm, plugin)} failed in its {name} hook "
                f"({type(exc).__name__}: {exc}). Fix or uninstall it, or set "
                "ARROW2BIB_LOAD_PLUGINS to choose the plugins to load.") from exc
        if answers:  # pluggy collects what the hook returned, None left out
            warnings.warn(
                f"The plugin {plugin_label(pm, plugin)}'s {name} hook returned a "
                f"{type(answers[0]).__name__} instead of calling register(...): nothing it "
                "returned was registered. Call register(item) for each item.",
                PluginWarning, stacklevel=2)


def plugin_label(pm: pluggy.PluginManager, plugin: object) -> str:
    """``'name' (distribution version)`` for a plugin, as messages name it."""
    name = str(pm.get_name(plugin) or getattr(plugin, "__name__", type(plugin).__name__))
    dist = plugin_distribution(pm, name)
    return f"{name!r}" + (f" ({dist[0]} {dist[1]})" if dist else "")


#: A frame of a traceback printed as text (a worker process's, sent back as a string).
_TEXT_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<name>\S+)',
                         re.MULTILINE)


class WrongResult(TypeError):
    """A plugin's object gave arrow2bib a value of the wrong type (the message says which and
    what it must give); ``origin`` is the object's class as ``module.qualname``, which names
    the plugin also when the error comes back from a worker process (kept when pickled)."""

    def __init__(self, message: str, origin: str = "") -> None:
        super().__init__(message, origin)
        self.message, self.origin = message, origin

    def __str__(self) -> str:
        return self.message


def plugin_at_fault(exc: BaseException, pm: pluggy.PluginManager) -> tuple[str, str] | None:
    """Which installed plugin raised ``exc``, when its traceback (or that of a worker
    process, chained to it) passes through a plugin's own files: ``(label, where)`` of the
    innermost such frame; failing that, of the innermost frame of arrow2bib's that was
    driving one of a plugin's objects; the class a :class:`WrongResult` names comes before
    that (a check whose ``paper()`` returned None, or a str); or None (arrow2bib's own
    code, or Python's)."""
    roots: dict[str, str] = {}
    for plugin in pm.get_plugins():
        name = pm.get_name(plugin)
        if not name or plugin_distribution(pm, name) is None:
            continue  # built in, or registered by a library caller (its own code)
        module = getattr(plugin, "__name__", None) or type(plugin).__module__
        top = sys.modules.get(module.split(".")[0])
        file = getattr(top, "__file__", None)
        if file:
            root = os.path.dirname(file) if os.path.basename(file) == "__init__.py" else file
            roots[root] = plugin_label(pm, plugin)
    if not roots:
        return None
    found: tuple[str, str] | None = None
    driving: tuple[str, str] | None = None
    named: tuple[str, str] | None = None  # the plugin's class a WrongResult names

    def owner(file: str) -> str | None:
        for root, label in roots.items():
            if file == root or file.startswith(root + os.sep):
                return label
        return None

    def consider(file: str, line: int, function: str) -> None:
        nonlocal found
        if (label := owner(file)) is not None:
            found = (label, f"{file}:{line}, in {function}")

    seen: set[int] = set()
    chain: BaseException | None = exc
    while chain is not None and id(chain) not in seen:
        seen.add(id(chain))
        if isinstance(chain, WrongResult) and chain.origin:
            module = sys.modules.get(chain.origin.rpartition(".")[0].split(".<locals>")[0])
            if (label := owner(getattr(module, "__file__", None) or "")) is not None:
                named = named or (label, f"{getattr(module, '__file__', '')}, its "
                                         f"{chain.origin.rpartition('.')[2]}")
        for frame, line in traceback.walk_tb(chain.__traceback__):
            consider(frame.f_code.co_filename, line, frame.f_code.co_name)
            for driven in frame.f_locals.values():  # a plugin's check or exporter, say
                module = sys.modules.get(type(driven).__module__)
                if (label := owner(getattr(module, "__file__", None) or "")) is not None:
                    driving = (label, f"{frame.f_code.co_filename}:{line}, in "
                                      f"{frame.f_code.co_name}, running its "
                                      f"{type(driven).__name__}")
                    break
        text = getattr(chain, "tb", None)  # concurrent.futures' _RemoteTraceback
        if isinstance(text, str):
            for match in _TEXT_FRAME.finditer(text):
                consider(match["file"], int(match["line"]), match["name"])
        chain = chain.__cause__ or chain.__context__
    return found or named or driving


def get_plugin_manager(*, load_installed: bool = True) -> pluggy.PluginManager:
    """Return a new plugin manager with the built-in plugins and, unless told otherwise,
    the installed ones."""
    pm = pluggy.PluginManager("arrow2bib")
    pm.add_hookspecs(hookspecs)
    for module_name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(module_name), name=module_name)
    pm.check_pending()
    if load_installed:
        load_entry_points(pm)
    return pm
