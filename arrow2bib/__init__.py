"""arrow2bib: turn Arrow Research author pages into clean bibliographies.

>>> import arrow2bib
>>> page = arrow2bib.parse_file("examples/xiuqiang-he.txt")   # doctest: +SKIP
>>> print(arrow2bib.export(page, "bibtex"))                    # doctest: +SKIP
"""

from __future__ import annotations

import sys as _sys

from . import _deprecated
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
)
from .exporters.base import Document, Entry, Exporter, ExportOptions
from .hookspecs import hookimpl
from .model import AuthorStatus, Page, Paper, Person, Problem, Severity

__version__ = "0.2.0"

_deprecated.install(_sys.modules[__name__])

__all__ = [
    "Arrow2BibError",
    "AuthorStatus",
    "Document",
    "Entry",
    "ExportError",
    "ExportOptions",
    "Exporter",
    "FetchError",
    "FormatError",
    "InputError",
    "OutputError",
    "OutputPathError",
    "Page",
    "Paper",
    "Person",
    "PluginError",
    "SettingError",
    "Problem",
    "Severity",
    "__version__",
    "check",
    "export",
    "export_documents",
    "formats",
    "hookimpl",
    "open_page",
    "parse",
    "parse_file",
    "write",
]
