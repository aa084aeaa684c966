"""The module paths of 0.1, kept for one release as deprecated aliases of their new homes.

``import arrow2bib.parser`` (or ``from arrow2bib.normalize import ...``) still works and
gives the very module now at ``arrow2bib.read.grammar`` (so attributes set on it, by a test's
monkeypatch say, are set on the real module), with a :class:`DeprecationWarning` that names the
new path. The aliases go in 0.3.0.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import Sequence

__all__ = ["MOVED", "install"]

#: Old module path -> new module path (0.1 -> 0.2).
MOVED: dict[str, str] = {
    "arrow2bib.readers": "arrow2bib.read.sources",
    "arrow2bib.fetch": "arrow2bib.read.fetch",
    "arrow2bib.html": "arrow2bib.read.html",
    "arrow2bib.parser": "arrow2bib.read.grammar",
    "arrow2bib.repair": "arrow2bib.read.repair",
    "arrow2bib.names": "arrow2bib.read.names",
    "arrow2bib.split": "arrow2bib.read._parts",
    "arrow2bib.normalize": "arrow2bib.text.fold",
    "arrow2bib.markup": "arrow2bib.text.markup",
    "arrow2bib.latex": "arrow2bib.text.latex",
    "arrow2bib.keytable": "arrow2bib.keys._table",
    "arrow2bib.formats": "arrow2bib.exporters.registry",
    "arrow2bib.pipeline": "arrow2bib.run.pipeline",
    "arrow2bib.parallel": "arrow2bib.run.parallel",
    "arrow2bib.spool": "arrow2bib.run._spool",
    "arrow2bib.output": "arrow2bib.write.files",
    "arrow2bib.merge": "arrow2bib.write.merge_into",
    "arrow2bib.report": "arrow2bib.write.report",
    "arrow2bib.cluster": "arrow2bib.distributed",
    # the Dask engine's stages are the one engine's now
    "arrow2bib.cluster.workers": "arrow2bib.run.stages",
    "arrow2bib.cluster.keys": "arrow2bib.keys._table",
    "arrow2bib.cluster.duplicates": "arrow2bib.checks.duplicates",
    "arrow2bib.cluster.export": "arrow2bib.run.engine",
}


class _AliasLoader(importlib.abc.Loader):
    """Loads an old path as the module at its new path (imported once, shared)."""

    def __init__(self, new: str):
        self.new = new
        self.real_spec: importlib.machinery.ModuleSpec | None = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        warnings.warn(
            f"{spec.name} is deprecated and will be removed in arrow2bib 0.3.0; import "
            f"{self.new} instead.", DeprecationWarning, stacklevel=2)
        module = importlib.import_module(self.new)
        self.real_spec = module.__spec__
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        # the import system set the alias's spec on the shared module: give it its own back
        module.__spec__ = self.real_spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Finds the old module paths of :data:`MOVED`."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: types.ModuleType | None = None
                  ) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        if new is None:
            return None
        is_package = any(old.startswith(fullname + ".") for old in MOVED)
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(new),
                                              is_package=is_package)


class _Package(types.ModuleType):
    """The ``arrow2bib`` package, which keeps its public names when an old module path of the
    same name is imported: the import system sets the module it loaded as an attribute of
    its package, and ``arrow2bib.formats`` (the function) must not become the module of the
    old ``import arrow2bib.formats``."""

    def __setattr__(self, name: str, value: object) -> None:
        current = self.__dict__.get(name)
        if (isinstance(value, types.ModuleType) and f"{self.__name__}.{name}" in MOVED
                and current is not None and not isinstance(current, types.ModuleType)):
            return
        super().__setattr__(name, value)


def install(package: types.ModuleType) -> None:
    """Put the finder of the old paths on :data:`sys.meta_path` (once), and keep
    ``package``'s public names from being replaced by the old modules of the same name."""
    if not any(isinstance(finder, _AliasFinder) for finder in sys.meta_path):
        sys.meta_path.append(_AliasFinder())
    package.__class__ = _Package
