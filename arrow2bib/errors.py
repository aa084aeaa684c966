"""Exceptions raised by arrow2bib.

The library raises only for input or configuration that is unusable as a whole; a damaged
paper on an otherwise readable page becomes a :class:`~arrow2bib.model.Problem` instead.

Every exception subclasses :class:`Arrow2BibError` and a matching builtin, so callers may
catch either::

    Arrow2BibError
    ├── InputError (ValueError)        the input is not an Arrow page, or cannot be decoded
    │   └── FetchError (OSError)       a URL could not be fetched within the limits
    ├── FormatError (LookupError)      no such format, or no such option of a format
    ├── ExportError (ValueError)       an exporter could not write the papers
    ├── OutputError (OSError)          the output file could not be written
    └── PluginError (RuntimeError)     a plugin is broken or registers something invalid
"""

from __future__ import annotations

__all__ = [
    "Arrow2BibError",
    "ExportError",
    "FetchError",
    "FormatError",
    "InputError",
    "OutputError",
    "PluginError",
]


class Arrow2BibError(Exception):
    """Base class of every error arrow2bib raises."""


class InputError(Arrow2BibError, ValueError):
    """The input as a whole cannot be used: it is not an Arrow page, or not decodable text.

    ``source`` and ``line`` say where, when known; ``str()`` gives ``source:line: message``.
    """

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        self.message = message
        self.source = source
        self.line = line
        super().__init__(self._render())

    def __reduce__(self):  # so the error crosses process boundaries (--jobs) intact
        return (_rebuild_input_error, (type(self), self.message, self.source, self.line))

    def _render(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


def _rebuild_input_error(cls, message, source, line):
    return cls(message, source=source, line=line)


class FetchError(InputError, OSError):
    """A URL could not be fetched: bad scheme, network failure, timeout or a size limit."""


class FormatError(Arrow2BibError, LookupError):
    """No exporter is registered under the requested name, alias or file extension, or the
    format has no option of the requested name."""


class ExportError(Arrow2BibError, ValueError):
    """An exporter could not turn the papers into its format."""


class OutputError(Arrow2BibError, OSError):
    """The output could not be written; no partial file is left behind."""


class PluginError(Arrow2BibError, RuntimeError):
    """A plugin failed to load, or registered an invalid or conflicting contribution."""
