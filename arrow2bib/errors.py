"""Exceptions raised by arrow2bib.

The library raises only for input or configuration that is unusable as a whole; a damaged
paper on an otherwise readable page becomes a :class:`~arrow2bib.model.Problem` instead.

Every exception subclasses :class:`Arrow2BibError` and a matching builtin, so callers may
catch either::

    Arrow2BibError
    ├── InputError (ValueError)        the input is not an Arrow page, or cannot be decoded
    │   ├── FetchError (OSError)       a URL could not be fetched within the limits
    │   └── NotAPageError              the input is plainly something else (a PDF, an image,
    │                                  text with no Arrow page header or venue line)
    ├── FormatError (LookupError)      no such format, or no such option of a format
    ├── ExportError (ValueError)       an exporter could not write the papers
    │   └── SettingError               a setting the caller chose is not valid (key
    │                                  pattern, a format option's value, CSL style or locale)
    ├── OutputError (OSError)          the output file could not be written
    │   └── OutputPathError            the output path cannot take output (an input, a
    │                                  directory, a socket...): a usage error
    ├── PluginError (RuntimeError)     a plugin is broken or registers something invalid
    └── WorkerError (RuntimeError)     a worker process (--jobs, Dask) died on an input
"""

from __future__ import annotations

__all__ = [
    "Arrow2BibError",
    "ExportError",
    "FetchError",
    "FormatError",
    "InputError",
    "NotAPageError",
    "OutputError",
    "OutputPathError",
    "PluginError",
    "SettingError",
    "WorkerError",
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


class NotAPageError(InputError):
    """The input is plainly not an Arrow page: a binary file (PDF, image, archive) or text
    with neither the page header nor any venue line. A directory's files that raise it are
    skipped with a warning."""


class FormatError(Arrow2BibError, LookupError):
    """No exporter is registered under the requested name, alias or file extension, or the
    format has no option of the requested name."""


class ExportError(Arrow2BibError, ValueError):
    """An exporter could not turn the papers into its format."""


class SettingError(ExportError):
    """A setting the caller chose is not valid: the key pattern, a format option's value,
    a CSL style or locale. The command line treats it as a usage error (exit code 2)."""


class OutputError(Arrow2BibError, OSError):
    """The output could not be written; no partial file is left behind."""


class OutputPathError(OutputError):
    """The output path cannot take the output: it is an input, a directory, a socket or a
    block device, or names stdout or a device for a format that writes several files.
    Nothing was written."""


class PluginError(Arrow2BibError, RuntimeError):
    """A plugin failed to load, or registered an invalid or conflicting contribution."""


class WorkerError(Arrow2BibError, RuntimeError):
    """A worker process died (killed, out of memory, a crash in compiled code) while working on
    an input: the run stops, nothing is written. ``source`` names the input."""

    def __init__(self, message: str, *, source: str | None = None):
        self.message, self.source = message, source
        super().__init__(message)
