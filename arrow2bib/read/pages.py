"""A page opened or read whole: the readers (:mod:`.sources`) and the grammar
(:mod:`.grammar`) put together, for the public functions and the run."""

from __future__ import annotations

import os

from ..model import Page
from .grammar import PageReader
from .sources import lines_from_bytes, open_input

__all__ = ["open_page", "read_bytes"]


def open_page(spec: str | os.PathLike[str], *, encoding: str | None = None) -> PageReader:
    """Open a page (a path, an ``http(s)://`` URL, or ``-`` for stdin) for streaming.

    The header is read at once; iterate the result for the papers, then look at its
    ``problems``.
    """
    source, lines = open_input(spec, encoding=encoding)
    return PageReader(lines, source=source)


def read_bytes(raw: bytes, *, source: str, encoding: str | None = None) -> Page:
    """Read a whole page from bytes in memory (text or HTML)."""
    return PageReader(lines_from_bytes(raw, source=source, encoding=encoding), source=source).read()
