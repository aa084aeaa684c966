"""Readers: turn a path, a URL, stdin or a string into numbered lines for the grammar.

Text is decoded strictly (UTF-8, with or without BOM; UTF-16 with a BOM; or the encoding the
caller names) and streamed line by line; HTML is recognised by its first bytes and handed to
:mod:`arrow2bib.html`, which yields the same kind of lines. Decoding failures name the file
and the line.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import sys
from pathlib import Path
from typing import BinaryIO, Iterator

from .errors import InputError

__all__ = ["lines_from_bytes", "lines_from_stream", "open_input", "is_url"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def is_url(text: str) -> bool:
    """True if ``text`` looks like a URL (scheme followed by ``://``), not a file path."""
    head, sep, _ = text.partition("://")
    return bool(sep) and head.isalpha() and len(head) > 1


def _sniff_encoding(head: bytes, encoding: str | None) -> str:
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"Unknown encoding {encoding!r}; name one Python knows, such as "
                             "'utf-8' or 'cp1252'.") from None
        return encoding
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return "utf-8"


def _decode_error(source: str, exc: UnicodeDecodeError, line: int) -> InputError:
    return InputError(
        f"The bytes are not valid {exc.encoding} text ({exc.reason} at byte "
        f"{exc.start} of this line). Save the page as UTF-8, or name its encoding "
        "with --encoding (for example cp1252).",
        source=source,
        line=line,
    )


_LINE_BREAK = re.compile(r"\r\n?|\n")


_CHUNK = 1 << 20


def _text_lines(stream: BinaryIO, source: str, encoding: str) -> Iterator[tuple[int, str]]:
    """Decode in large chunks (fast), reporting an undecodable byte on its own line."""
    if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        yield from _wide_lines(stream, source, encoding)
        return
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    number = 0
    pending = ""
    while True:
        chunk = stream.read(_CHUNK)
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            before = chunk[: max(exc.start, 0)]
            line = number + 1 + before.count(b"\n") + pending.count("\r")
            raise _decode_error(source, exc, line) from None
        text = pending + text
        if chunk and text.endswith("\r"):
            # the LF of a CRLF may start the next chunk: keep the CR back
            text, carry = text[:-1], "\r"
        else:
            carry = ""
        parts = _LINE_BREAK.split(text)
        pending = parts.pop() + carry
        for part in parts:
            number += 1
            yield number, part
        if not chunk:
            break
    if pending:
        yield number + 1, pending


def _wide_lines(stream: BinaryIO, source: str, encoding: str) -> Iterator[tuple[int, str]]:
    text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline=None)
    number = 0
    while True:
        try:
            line = text.readline()
        except UnicodeDecodeError as exc:
            raise _decode_error(source, exc, number + 1) from None
        if not line:
            return
        number += 1
        yield number, line.rstrip("\n")


def lines_from_stream(
    stream: BinaryIO, *, source: str, encoding: str | None = None
) -> Iterator[tuple[int, str]]:
    """Numbered lines from a binary stream: HTML through the HTML reader, text streamed."""
    buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[arg-type]
    head = buffered.peek(4096)[:4096]  # type: ignore[union-attr]
    from .html import MAX_HTML_BYTES, html_lines, looks_like_html

    if looks_like_html(head):
        # one byte past the cap is enough for the HTML reader to refuse it clearly
        data = buffered.read(MAX_HTML_BYTES + 1)  # type: ignore[union-attr]
        return iter(html_lines(data, source=source, encoding=encoding))
    return _text_lines(buffered, source, _sniff_encoding(head, encoding))  # type: ignore[arg-type]


def lines_from_bytes(
    data: bytes, *, source: str, encoding: str | None = None
) -> Iterator[tuple[int, str]]:
    """Numbered lines from bytes already in memory."""
    return lines_from_stream(io.BytesIO(data), source=source, encoding=encoding)


def open_input(
    spec: str | os.PathLike[str], *, encoding: str | None = None
) -> tuple[str, Iterator[tuple[int, str]]]:
    """Open a path, a URL or ``-`` (stdin); return its display name and its lines."""
    text = os.fspath(spec)
    if text == "-":
        return "<stdin>", lines_from_stream(sys.stdin.buffer, source="<stdin>", encoding=encoding)
    if is_url(text):
        from .fetch import fetch

        fetched = fetch(text)
        return text, lines_from_bytes(
            fetched.content, source=text, encoding=encoding or fetched.charset
        )
    path = Path(text)
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        raise InputError("No such file; check the path.", source=text) from None
    except IsADirectoryError:
        raise InputError("This is a directory, not a page file.", source=text) from None
    except OSError as exc:
        raise InputError(f"Cannot open the file: {exc.strerror}.", source=text) from None
    return text, _closing(handle, lines_from_stream(handle, source=text, encoding=encoding))


def _closing(handle: BinaryIO, lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    with handle:
        yield from lines
