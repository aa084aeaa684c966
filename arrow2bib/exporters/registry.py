"""The registry of output formats, filled from the ``register_exporters`` hook.

Formats are found by name, alias or file extension (``-o refs.bib`` means BibTeX), as pybtex
finds its plugins. A name claimed twice is an error naming both plugins, unless the later
exporter sets ``replace = True``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import pluggy

from ..errors import FormatError, PluginError
from ..plugins import call_register_hook, plugin_distribution
from .base import Exporter

__all__ = ["FormatInfo", "Formats"]


@dataclass(frozen=True)
class FormatInfo:
    """A registered exporter and the plugin that registered it."""

    exporter: Exporter
    plugin: str

    @property
    def name(self) -> str:
        return self.exporter.name


def _plugin_label(pm: pluggy.PluginManager, plugin: object) -> str:
    name = pm.get_name(plugin) or repr(plugin)
    dist = plugin_distribution(pm, name)
    return f"{name} ({dist[0]} {dist[1]})" if dist else name


class Formats:
    """The formats a plugin manager knows about."""

    def __init__(self, pm: pluggy.PluginManager):
        self._by_name: dict[str, FormatInfo] = {}

        def register_for(plugin: object) -> Callable[[Exporter], None]:
            label = _plugin_label(pm, plugin)
            return lambda exporter: self._add(exporter, label)

        call_register_hook(pm, "register_exporters", register_for)

    def _add(self, exporter: Exporter, plugin: str) -> None:
        if not isinstance(exporter, Exporter):
            raise PluginError(
                f"Plugin {plugin} registered {exporter!r}, which is not an instance of "
                "arrow2bib.exporters.Exporter; register an instance of an Exporter subclass."
            )
        for attr in ("name", "extension"):
            value = getattr(exporter, attr, None)
            if not isinstance(value, str) or not value:
                raise PluginError(
                    f"Plugin {plugin} registered an exporter without a {attr}; "
                    f"set the class attribute {attr!r}."
                )
        if not exporter.extension.startswith("."):
            raise PluginError(
                f"Plugin {plugin} registered format {exporter.name!r} with extension "
                f"{exporter.extension!r}; extensions start with a dot, as in '.bib'."
            )
        for name in (exporter.name, *exporter.aliases):
            previous = self._by_name.get(name.lower())
            if previous is None:
                continue
            if exporter.replace and name == exporter.name:
                # the replaced exporter's aliases go with it
                for key in [k for k, v in self._by_name.items() if v is previous]:
                    del self._by_name[key]
                continue
            raise PluginError(
                f"The format name {name!r} is registered twice: by {previous.plugin} and by "
                f"{plugin}. Uninstall one of them, or set replace = True on the exporter that "
                "should win."
            )
        info = FormatInfo(exporter, plugin)
        for name in (exporter.name, *exporter.aliases):
            self._by_name[name.lower()] = info

    def __iter__(self) -> Iterator[FormatInfo]:
        seen: set[int] = set()
        for info in sorted(self._by_name.values(), key=lambda i: i.name):
            if id(info) not in seen:
                seen.add(id(info))
                yield info

    def names(self) -> list[str]:
        """The primary names, sorted."""
        return [info.name for info in self]

    def get(self, name: str) -> Exporter:
        """The exporter registered under ``name`` or one of its aliases."""
        info = self._by_name.get(name.lower())
        if info is None:
            raise FormatError(
                f"Unknown format {name!r}. Known formats: {', '.join(self.names())} "
                "(run 'arrow2bib formats' to list them)."
            )
        return info.exporter

    def for_path(self, path: str) -> Exporter:
        """The exporter whose extension ends ``path``; the longest extension wins."""
        lowered = path.lower()
        candidates = [
            info.exporter
            for info in self
            if lowered.endswith(info.exporter.extension.lower())
        ]
        if not candidates:
            raise FormatError(
                f"Cannot tell the output format from {path!r}; give --to NAME "
                f"(one of {', '.join(self.names())})."
            )
        longest = max(len(e.extension) for e in candidates)
        best = [e for e in candidates if len(e.extension) == longest]
        preferred = [e for e in best if e.default_for_extension]
        if len(preferred) == 1:
            return preferred[0]
        if len(best) == 1:
            return best[0]
        raise FormatError(
            f"Several formats write {best[0].extension} files "
            f"({', '.join(e.name for e in best)}); choose one with --to."
        )
