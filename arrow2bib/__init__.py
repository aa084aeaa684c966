"""arrow2bib: turn Arrow Research author pages into clean bibliographies.

>>> import arrow2bib
>>> page = arrow2bib.parse_file("examples/xiuqiang-he.txt")   # doctest: +SKIP
>>> print(arrow2bib.export(page, "bibtex"))                    # doctest: +SKIP
"""

from __future__ import annotations

import sys as _sys

from . import _core, _deprecated
from .api import check, export, export_documents, formats, open_page, parse, parse_file, write
from .errors import (
    Arrow2BibError,
    ExportError,
    FetchError,
    FormatError,
    InputError,
    OutputError,
    OutputPathError,
    PluginError,
    SettingError,
    WorkerError,
)
from .checks.base import Check, Copy, CopyCheck, PaperCheck, Verdict
from .exporters.base import Document, Entry, Exporter, ExportOptions, Layout
from .hookspecs import hookimpl
from .model import AuthorStatus, Page, Paper, Person, Problem, Severity
from .run.convert import Result, convert

__version__ = "0.2.0"

#: True when this install runs the compiled core (mypyc; see :mod:`arrow2bib._core`).
compiled: bool = bool(_core.compiled_modules())

_deprecated.install(_sys.modules[__name__])

__all__ = [
    "Arrow2BibError",
    "AuthorStatus",
    "Check",
    "Copy",
    "CopyCheck",
    "Document",
    "Entry",
    "ExportError",
    "ExportOptions",
    "Exporter",
    "Layout",
    "FetchError",
    "FormatError",
    "InputError",
    "OutputError",
    "OutputPathError",
    "Page",
    "PaperCheck",
    "Paper",
    "Person",
    "PluginError",
    "SettingError",
    "Problem",
    "Result",
    "Verdict",
    "WorkerError",
    "Severity",
    "__version__",
    "check",
    "compiled",
    "convert",
    "export",
    "export_documents",
    "formats",
    "hookimpl",
    "open_page",
    "parse",
    "parse_file",
    "write",
]
