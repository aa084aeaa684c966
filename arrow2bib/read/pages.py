"""A page opened or read whole: the readers (:mod:`.sources`) and the grammar
(:mod:`.grammar`) put together, for the public functions and the run."""

from __future__ import annotations

import os
from typing import Callable, Iterator

from ..model import Page
from .grammar import PageReader
from .sources import lines_from_bytes, open_input

__all__ = ["open_page", "read_bytes"]


def open_page(spec: str | os.PathLike[str], *, encoding: str | None = None,
              read: Callable[[int], None] | None = None) -> PageReader:
    """Open a page (a path, an ``http(s)://`` URL, or ``-`` for stdin) for streaming.

    The header is read at once; iterate the result for the papers, then look at its
    ``problems``. ``read``, when given, is told the bytes of each line as it is read (UTF-8
    bytes of the decoded line and its end: a progress bar's measure).
    """
    source, lines = open_input(spec, encoding=encoding)
    return PageReader(lines if read is None else _counted(lines, read), source=source)


def _counted(lines: Iterator[tuple[int, str]], read: Callable[[int], None]
             ) -> Iterator[tuple[int, str]]:
    try:
        for number, text in lines:
            read((len(text) if text.isascii() else len(text.encode("utf-8", "replace"))) + 1)
            yield number, text
    finally:
        close = getattr(lines, "close", None)
        if close is not None:  # PageReader.close reaches the file through this generator
            close()


def read_bytes(raw: bytes, *, source: str, encoding: str | None = None) -> Page:
    """Read a whole page from bytes in memory (text or HTML)."""
    return PageReader(lines_from_bytes(raw, source=source, encoding=encoding), source=source).read()
