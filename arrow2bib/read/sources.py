"""Readers: turn a path, a URL, stdin or a string into numbered lines for the grammar.

Text is decoded strictly (UTF-8, with or without BOM; UTF-16/32 with a BOM; or the encoding
the caller names, a BOM winning over it) and streamed line by line; HTML is recognised by its
first bytes and handed to :mod:`arrow2bib.html`, which yields the same kind of lines (a
single-file web archive, MHTML, through :mod:`.mhtml`).
Decoding failures name the file and the line; bytes that are not UTF-8 are never guessed to
be Windows-1252 (the error shows the line as it would read, for the user to decide with
``--encoding cp1252``). Mojibake in decodable text is the parser's to repair and report.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import sys
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from ..errors import InputError, NotAPageError
from ._encodings import BOMS, CP1252_UNDEFINED, bomless_utf16, check_encoding, decode_bytes
from .html import MAX_HTML_BYTES, html_lines, looks_like_html
from .mhtml import MAX_MHTML_BYTES, looks_like_mhtml, mhtml_lines
from .repair import clean_inline

__all__ = [
    "MAX_LINE", "binary_kind", "check_encoding", "decode_bytes", "is_text_page", "is_url",
    "lines_from_bytes",
    "refuse_binary",
    "lines_from_stream", "open_input", "sniff_file", "text_lines",
]

#: Encodings whose byte order only a byte-order mark tells (Python's stream decoders insist).
_NEED_BOM = frozenset({"utf-16", "utf-32"})
#: The encoding suggested when strict UTF-8 fails: what Windows saves "ANSI" text in.
_SUGGESTED = "cp1252"
#: The longest preview of an undecodable line, in characters.
_PREVIEW = 80
_LINE_BREAK = re.compile(r"\r\n?|\n")
_BYTE_BREAK = re.compile(rb"\r\n?|\n")
#: Text is decoded this many bytes at a time.
_CHUNK = 1 << 20
#: The longest line read, in characters. An abstract is a few thousand; a longer "line" is
#: not a page (``/dev/zero``, a binary file, a page whose line breaks were lost), and
#: refusing it bounds the memory used.
MAX_LINE = 8 * 2**20


#: Files that are plainly not a saved page, by their first bytes (magic numbers): what the
#: user gave is then named, instead of a decoding error about an encoding it never had.
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF-", "a PDF document"),
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (0, b"BM", "a BMP image"),
    (8, b"WEBP", "a WebP image"),
    (4, b"ftyp", "a video or HEIF image"),
    (0, b"PK\x03\x04", "a ZIP archive (or a document made of one: .docx, .odt, .epub)"),
    (0, b"PK\x05\x06", "a ZIP archive"),
    (0, b"\x1f\x8b", "a gzip-compressed file"),
    (0, b"BZh", "a bzip2-compressed file"),
    (0, b"\xfd7zXZ\x00", "an xz-compressed file"),
    (0, b"(\xb5/\xfd", "a zstd-compressed file"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (0, b"Rar!\x1a\x07", "a RAR archive"),
    (257, b"ustar", "a tar archive"),
    (0, b"\x7fELF", "a program (ELF executable)"),
    (0, b"MZ", "a Windows program"),
    (0, b"SQLite format 3\x00", "an SQLite database"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office document"),
    (0, b"{\\rtf", "an RTF document"),
)


def binary_kind(head: bytes) -> str | None:
    """What ``head`` (a file's first bytes) shows the file to be, when it is plainly not
    text: ``"a PDF document"``; None for anything that may be a page."""
    for offset, magic, kind in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            if magic == b"BM" and len(head) > 14 and head[6:10] != b"\x00\x00\x00\x00":
                continue  # "BM" starts words too; a BMP's reserved bytes are zero
            if magic == b"MZ" and b"\x00" not in head[:64]:
                continue
            return kind
    return None


def refuse_binary(head: bytes, source: str) -> None:
    """Raise :class:`NotAPageError` when ``head`` (a file's first bytes) shows a binary file."""
    if (kind := binary_kind(head)) is not None:
        raise NotAPageError(f"This is {kind}, not a saved Arrow page. Open the author page in a "
                         "browser and save it as text or HTML (or give its URL).",
                         source=source, line=None)


def is_url(text: str) -> bool:
    """True if ``text`` looks like a URL (scheme followed by ``://``), not a file path."""
    head, sep, _ = text.partition("://")
    return bool(sep) and head.isalpha() and len(head) > 1


def _sniff_encoding(head: bytes, encoding: str | None, source: str) -> str:
    # A byte-order mark is certain, a name given by the user is not: the mark wins (as it
    # does in browsers and in the HTML reader).
    for bom, name, _text in BOMS:
        if head.startswith(bom):
            return name
    if not encoding:
        if (wide := bomless_utf16(head)) is not None:
            raise InputError(
                f"The text looks like {wide.upper()} without a byte-order mark (every other "
                f"byte is zero); run again with --encoding {wide}, or save the page as UTF-8.",
                source=source,
                line=1,
            )
        return "utf-8"
    name = check_encoding(encoding, source)
    if name in _NEED_BOM:
        raise InputError(
            f"The text has no byte-order mark, so the byte order of {encoding!r} is unknown; "
            f"name {name}-le or {name}-be instead.",
            source=source,
        )
    return name


def _decode_error(
    source: str, exc: UnicodeError, line: int, encoding: str, found: tuple[int, bytes] | None
) -> InputError:
    """The refusal of undecodable bytes, naming the line; for UTF-8, a preview of the line as
    Windows-1252, so that the user can see whether ``--encoding cp1252`` is the fix.

    ``found`` is the byte's 1-based position in its line and the line's bytes, when known.
    """
    reason = getattr(exc, "reason", str(exc))
    where = f" at byte {found[0]} of the line" if found else ""
    message = f"The bytes are not valid {encoding} text ({reason}{where})."
    preview = None
    if found is not None and codecs.lookup(encoding).name == "utf-8":
        as_utf8 = found[1].decode("utf-8", "replace")
        if any(c > "\x7f" and c != "\ufffd" for c in as_utf8):
            # valid UTF-8 beside the bad bytes: damage, not another encoding
            return InputError(
                f"{message} The rest of the line is UTF-8, so the file is damaged rather than "
                "in another encoding: correct or delete the bytes there, or save the page "
                "again.",
                source=source,
                line=line,
            )
        try:
            preview = clean_inline(found[1].decode(_SUGGESTED))
        except UnicodeDecodeError:
            pass
    if preview and preview.isprintable():
        if len(preview) > _PREVIEW:
            preview = preview[: _PREVIEW - 1] + "…"
        message += (f" Read as Windows-1252 this line says {preview!r}: if that is right, run "
                    f"again with --encoding {_SUGGESTED}; otherwise save the page as UTF-8.")
    else:
        message += (" Save the page as UTF-8, or name its encoding with --encoding (for "
                    "example cp1252).")
    return InputError(message, source=source, line=line)


def _line_of(data: bytes, start: int) -> tuple[int, bytes]:
    """Where byte ``start`` is in its line of ``data`` (1-based), and the whole line (for an
    ASCII-compatible encoding, where line breaks are single bytes)."""
    begin = max(data.rfind(b"\n", 0, start), data.rfind(b"\r", 0, start)) + 1
    end = _BYTE_BREAK.search(data, start)
    return start - begin + 1, data[begin : end.start() if end else len(data)]


def text_lines(stream: BinaryIO, source: str, encoding: str, *, start: int = 0
               ) -> Iterator[tuple[int, str]]:
    """Numbered lines of text (the first is line ``start + 1``: a part of a page is read
    with its place in the page), decoded in large chunks (fast), an undecodable byte
    reported on its own line."""
    if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        yield from _wide_lines(stream, source, encoding)
        return
    lenient = codecs.lookup(encoding).name == "cp1252"
    decoder = codecs.getincrementaldecoder(encoding)(
        errors="surrogateescape" if lenient else "strict"
    )
    number = start
    pending = ""
    while True:
        chunk = _read(stream.read, _CHUNK, source)
        try:
            text = decoder.decode(chunk, final=not chunk)
            if lenient:
                text = text.translate(CP1252_UNDEFINED)
        except UnicodeDecodeError as exc:
            # exc.object is what the decoder held (bytes kept from the last chunk + this one);
            # line breaks are single ASCII bytes in every encoding read here
            data = exc.object if isinstance(exc.object, bytes) else chunk
            start = max(exc.start, 0)
            before = pending + data[:start].decode("latin-1")
            line = number + 1 + len(_LINE_BREAK.findall(before))
            raise _decode_error(source, exc, line, encoding, _line_of(data, start)) from None
        except UnicodeError as exc:  # a codec that fails without saying where
            raise _decode_error(source, exc, number + 1, encoding, None) from None
        text = pending + text
        if chunk and text.endswith("\r"):
            # the LF of a CRLF may start the next chunk: keep the CR back
            text, carry = text[:-1], "\r"
        else:
            carry = ""
        # str.split is several times faster than the pattern, which only CRs need
        parts = _LINE_BREAK.split(text) if "\r" in text else text.split("\n")
        pending = parts.pop() + carry
        if len(pending) > MAX_LINE:
            raise _too_long(source, number + len(parts) + 1)
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
            line = text.readline(MAX_LINE + 1)
        except OSError as exc:
            raise _read_failed(source, exc) from None
        except UnicodeError as exc:
            raise _decode_error(source, exc, number + 1, encoding, None) from None
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE:
            raise _too_long(source, number)
        yield number, line.rstrip("\n")


def _too_long(source: str, line: int) -> InputError:
    return InputError(
        f"This line is longer than {MAX_LINE:,} characters; the lines of an Arrow page are far "
        "shorter. Check that this is the page you meant (saved as text or HTML, with its line "
        "breaks).",
        source=source,
        line=line,
    )


def _read(read: Callable[[int], bytes], size: int, source: str) -> bytes:
    """``read(size)``, a failure of the device or the network file system an InputError."""
    try:
        return read(size)
    except OSError as exc:
        raise _read_failed(source, exc) from None


def _read_failed(source: str, exc: OSError) -> InputError:
    return InputError(f"Reading failed: {exc.strerror or exc}. Copy the page to a local file "
                      "and try again.", source=source)


def lines_from_stream(
    stream: BinaryIO, *, source: str, encoding: str | None = None
) -> Iterator[tuple[int, str]]:
    """Numbered lines from a binary stream: HTML through the HTML reader, text streamed."""
    buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[arg-type, type-var]
    head = _read(buffered.peek, 4096, source)[:4096]  # type: ignore[union-attr]
    refuse_binary(head, source)
    if looks_like_html(head):
        # one byte past the cap is enough for the HTML reader to refuse it clearly
        data = _read(buffered.read, MAX_HTML_BYTES + 1, source)  # type: ignore[union-attr]
        return iter(html_lines(data, source=source, encoding=encoding))
    if looks_like_mhtml(head):
        data = _read(buffered.read, MAX_MHTML_BYTES + 1, source)  # type: ignore[union-attr]
        return iter(mhtml_lines(data, source=source, encoding=encoding))
    return text_lines(buffered, source, _sniff_encoding(head, encoding, source))  # type: ignore[arg-type]


def is_text_page(path: str | os.PathLike[str]) -> bool:
    """Whether the file at ``path`` reads as a text page, not as HTML or a web archive (by
    its first bytes; False when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return not (looks_like_html(head) or looks_like_mhtml(head))


def sniff_file(handle: BinaryIO, source: str, encoding: str | None = None) -> str | None:
    """The encoding the text reader would use for the file ``handle`` (left at its start),
    or None for HTML. Raises :class:`InputError` as the reader would."""
    head = _read(handle.read, 4096, source)
    handle.seek(0)
    refuse_binary(head, source)
    if looks_like_html(head) or looks_like_mhtml(head):
        return None
    return _sniff_encoding(head, encoding, source)


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
        stdin = getattr(sys.stdin, "buffer", None)
        if stdin is None:  # started with stdin closed (``<&-``), or without a console
            raise InputError("There is no standard input to read; pipe the page in, or give "
                             "its file.", source="<stdin>")
        return "<stdin>", lines_from_stream(stdin, source="<stdin>", encoding=encoding)
    if is_url(text):
        from .fetch import fetch  # http, ssl and urllib are imported for URLs only

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
    except ValueError:  # a NUL in the path: no file can have that name
        raise InputError("No such file (the path holds a NUL character).",
                         source=text.replace("\0", "\\0")) from None
    try:
        lines = lines_from_stream(handle, source=text, encoding=encoding)
    except BaseException:  # refused before the first line (HTML, encoding): close it now
        handle.close()
        raise
    return text, _closing(handle, lines)


def _closing(handle: BinaryIO, lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    with handle:
        yield from lines
