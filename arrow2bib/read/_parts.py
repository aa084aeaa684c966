"""One large text page cut into parts that ``--jobs`` processes read apart.

The grammar starts a paper at every venue line and carries nothing from one paper to the
next but the page's cluster name (which tells a cut author list from a complete one); the
blocks it recognises from their shape alone (an unreadable venue line, a title and bullets
after an abstract) end at the next venue line too. So a
page cut just before venue lines reads, part by part, into exactly the papers and problems
of the whole page, provided each part knows the line number it starts at and the cluster
name. The cuts are found in the main process (a seek and a few lines read per cut); each
worker then reads only its byte range.

Only local text files are cut: not HTML (one tree), stdin or URLs (read once), nor UTF-16
and UTF-32 (line breaks are not single bytes), nor files with lone CR line breaks (counting
them is not worth it). Everything else reads whole, as before.
"""

from __future__ import annotations

import codecs
import os
import string
from dataclasses import dataclass
from typing import BinaryIO, Generator, cast

from ..errors import InputError
from ._encodings import CP1252_UNDEFINED
from .grammar import line_width, starts_paper
from .sources import is_url, sniff_file, text_lines

__all__ = ["Part", "page_parts", "part_count", "part_lines", "starts_paper"]

#: A page is cut only into parts of at least this many bytes (a process and the rows it
#: sends back cost more than a small part saves).
MIN_PART_BYTES = 1 * 2**20
#: The size of a part when a page is large: each is sent back as one list of rows, so
#: this bounds the memory a part costs in the main process (a few times its size).
PART_BYTES = 2 * 2**20
#: How far past its target a cut looks for a venue line before giving up on that cut.
_SCAN_BYTES = 1 * 2**20
_BLOCK = 8 * 2**20


@dataclass(frozen=True)
class Part:
    """Bytes ``start`` to ``end`` of ``source``, whose first line is line ``first_line + 1``
    of the page, decoded with ``encoding``."""

    source: str
    start: int
    end: int | None  # None: to the end of the file
    first_line: int
    encoding: str
    #: The widest line of the page before the part, as its reader measures lines
    #: (:func:`~arrow2bib.read.grammar.line_width`): where the part's reader starts from.
    widest: int = 0


def part_count(size: int, jobs: int) -> int:
    """How many parts a page of ``size`` bytes is cut into for ``jobs`` processes: none over
    :data:`PART_BYTES` (rounded up) and none under :data:`MIN_PART_BYTES`, and a multiple of
    ``jobs`` where that allows, so that the last round keeps every process busy (three equal
    parts on two processes take two rounds, four take two shorter ones)."""
    most = size // MIN_PART_BYTES
    parts = max(jobs, -(-size // PART_BYTES))
    parts = -(-parts // jobs) * jobs  # a multiple of jobs
    if parts > most:
        parts = most // jobs * jobs if most >= jobs else most
    return parts


def page_parts(spec: str, jobs: int, *, encoding: str | None = None) -> list[Part] | None:
    """``spec`` cut at venue lines into parts for ``jobs`` processes (about
    :data:`PART_BYTES` each, at least ``jobs`` of them, none under :data:`MIN_PART_BYTES`),
    or None if it is not cut (see the module's description; also when it is too small or no
    cut is found)."""
    if jobs < 2 or spec == "-" or is_url(spec):
        return None
    try:
        size = os.path.getsize(spec)
        parts = part_count(size, jobs)
        if parts < 2:
            return None
        with open(spec, "rb") as handle:
            name = sniff_file(handle, spec, encoding)
            if name is None:
                return None
            later = "utf-8" if name == "utf-8-sig" else name  # the mark is at the start only
            if not _ascii_compatible(later):
                return None
            cuts: list[int] = []
            first = _venue_line_at(handle, 0)  # the header ends before it
            if first is None:
                return None
            for i in range(1, parts):
                cut = _venue_line_at(handle, max(size * i // parts, first + 1))
                if cut is not None and (not cuts or cut > cuts[-1]):
                    cuts.append(cut)
            if not cuts:
                return None
            scanned = _scan(handle, first, cuts, name, later)
    except (OSError, InputError):
        return None  # the serial reader reports it properly
    if scanned is None:
        return None
    lines, widths = scanned
    starts = [0] + cuts
    return [Part(spec, start, end, line, name if start == 0 else later, widest)
            for start, end, line, widest in zip(starts, cuts + [None], [0] + lines,
                                                [0] + widths)]


def part_lines(part: Part, source: str) -> Generator[tuple[int, str], None, None]:
    """The numbered lines of ``part`` (numbered as in the whole page)."""
    with open(part.source, "rb") as handle:
        handle.seek(part.start)
        # the reader only calls read(size) on its stream, which a window has
        stream = (handle if part.end is None
                  else cast(BinaryIO, _Window(handle, part.end - part.start)))
        yield from text_lines(stream, source, part.encoding, start=part.first_line)


def _ascii_compatible(encoding: str) -> bool:
    """Whether ``encoding`` writes ASCII text (line breaks, venue lines) as ASCII bytes."""
    try:
        return string.printable.encode(encoding) == string.printable.encode("ascii")
    except (UnicodeError, LookupError):
        return False


class _Window:
    """The next ``size`` bytes of a binary file, as a stream."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self._handle, self._left = handle, size

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > self._left:
            size = self._left
        data = self._handle.read(size)
        self._left -= len(data)
        return data


def _venue_line_at(handle: BinaryIO, offset: int) -> int | None:
    """The offset of the first whole line at or after ``offset`` that starts a paper (an
    ASCII venue line), or None within :data:`_SCAN_BYTES`."""
    base = max(offset - 1, 0)  # the byte before: a line break there starts a line at offset
    handle.seek(base)
    data = handle.read(_SCAN_BYTES + 1)
    at = 0 if offset == 0 else data.find(b"\n") + 1
    if at == 0 and offset > 0:
        return None
    while (end := data.find(b"\n", at)) >= 0:
        line = data[at:end].rstrip(b"\r")
        if line.isascii() and starts_paper(line.decode("ascii")):
            return base + at
        at = end + 1
    return None


def _scan(handle: BinaryIO, first: int, cuts: list[int], name: str, later: str
          ) -> tuple[list[int], list[int]] | None:
    """For each cut, how many lines come before it, and the widest of them as the reader
    measures lines (the header's, before ``first``, as the header's: each part's reader
    starts from it, so that a part reads as the whole page does there); None if the file
    has lone CR line breaks. A line is never wider than its bytes: only the lines longer
    than the widest so far are decoded and measured (a few on a page)."""
    lenient = codecs.lookup(later).name == "cp1252"
    counts: list[int] = []
    widths: list[int] = []
    lines = widest = start = 0
    handle.seek(0)
    for end in [first, *cuts]:  # each the start of a line
        header = end == first
        while start < end:
            data = handle.read(min(_BLOCK, end - start))
            if not data:
                return None
            # a block that ends inside a line ends before it (read again with the next one)
            cut = len(data) if start + len(data) == end else data.rfind(b"\n") + 1
            data = data[:cut or len(data)]
            if data.count(b"\r") != data.count(b"\r\n"):
                return None
            split = data.split(b"\n")
            lines += len(split) - 1
            if max(map(len, split)) > widest:  # most blocks hold no line wider than before
                for line in split:
                    if len(line) > widest:
                        widest = max(widest, _measure(line, name if start == 0 else later,
                                                      lenient, header))
            start += len(data)
            handle.seek(start)
        if not header:
            counts.append(lines)
            widths.append(widest)
    return counts, widths


def _measure(line: bytes, encoding: str, lenient: bool, header: bool) -> int:
    """The reader's width of one line of the file (as :func:`text_lines` decodes it)."""
    line = line.rstrip(b"\r")
    text = line.decode(encoding, "surrogateescape" if lenient else "replace")
    if lenient:
        text = text.translate(CP1252_UNDEFINED)
    return line_width(text, header=header)
