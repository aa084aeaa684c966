"""The optional compiled core: which modules a regular install compiles with mypyc.

``ARROW2BIB_COMPILE=1 pip install .`` compiles :data:`CORE_MODULES` with mypyc where a C
compiler is there (``setup.py``); any other install (editable, no switch, no compiler) has
the same modules as plain Python. The Python source is the reference: both write the same
bytes (CI checks every format's output under both). ``arrow2bib.compiled`` and
``arrow2bib --version`` say which one runs.
"""

from __future__ import annotations

import importlib.util
from importlib.machinery import EXTENSION_SUFFIXES

__all__ = ["CORE_MODULES", "C_MODULES", "compiled_modules"]

#: The modules mypyc compiles: text rendering, reading, the duplicate check, the spool and
#: the engine that drives them.
#: Modules that mark pluggy hooks (``@hookimpl`` sets an attribute on the function, which a
#: compiled function cannot carry) and base classes that plugins subclass stay Python.
#: So do modules whose frozen dataclasses cross to worker processes (``--jobs``, Dask): mypyc's
#: frozen dataclasses cannot be unpickled (``read._parts.Part``, ``write.sort.FieldOptions``).
#: ``setup.py`` reads this tuple as text, so it stays a literal.
CORE_MODULES: tuple[str, ...] = (
    "arrow2bib.text.latex",
    "arrow2bib.text.propernouns",
    "arrow2bib.text.fold",
    "arrow2bib.text.markup",
    "arrow2bib.text.links",
    "arrow2bib.read.grammar",
    "arrow2bib.read.repair",
    "arrow2bib.read.names",
    "arrow2bib.read.sources",
    "arrow2bib.checks.duplicates",
    "arrow2bib.exporters._notes",
    "arrow2bib.exporters._bibtex",
    "arrow2bib.exporters._punctuation",
    "arrow2bib.keys._table",
    "arrow2bib.run._spool",
    "arrow2bib.run.engine",
    "arrow2bib.run.pipeline",
    "arrow2bib.checks",
)


#: The core's modules written in C (``setup.py`` builds them with the mypyc ones): the
#: duplicate index's table (``arrow2bib/_index.c``; without it,
#: ``arrow2bib.checks.duplicates._Table``, the Python reference, does the same).
C_MODULES: tuple[str, ...] = ("arrow2bib._index",)


def compiled_modules() -> tuple[str, ...]:
    """The modules of :data:`CORE_MODULES` and :data:`C_MODULES` that this install runs
    compiled (as extension modules); empty for a pure-Python install."""
    found = []
    for name in CORE_MODULES + C_MODULES:
        spec = importlib.util.find_spec(name)  # the file it loads from, without loading it
        if spec is not None and (spec.origin or "").endswith(tuple(EXTENSION_SUFFIXES)):
            found.append(name)
    return tuple(found)
