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
    "call_register_hook",
    "get_plugin_manager",
    "load_entry_points",
    "plugin_distribution",
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
            message = (
                f"The arrow2bib plugin {ep.name!r} from {dist_name} could not be loaded "
                f"({type(exc).__name__}: {exc}); it was skipped. Reinstall or uninstall it, "
                "or set ARROW2BIB_LOAD_PLUGINS to choose the plugins to load."
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
        pm.subset_hook_caller(name, remove_plugins=others)(register=register_for(plugin))


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
