"""Text encodings as the readers understand them: a name the user gave checked to be a text
encoding, and Windows-1252 decoded as browsers decode it. Shared by the text and HTML readers."""

from __future__ import annotations

import codecs

from ..errors import InputError

__all__ = ["BOMS", "CP1252_UNDEFINED", "bomless_utf16", "check_encoding", "decode_bytes"]

#: Byte-order marks (UTF-32 before UTF-16, whose mark begins UTF-32-LE's): the mark, the codec
#: that reads a text starting with it (dropping it), and the codec of the text after it.
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)

#: Windows-1252 as browsers read it (WHATWG): the five bytes Python's cp1252 leaves undefined
#: are the C1 controls of the same number, never an error. In real Windows-1252 text they do
#: not occur; where they do, the text is UTF-8 read as Windows-1252 (``â€\x9d`` is ``”``),
#: which the parser repairs and reports as mojibake.
CP1252_UNDEFINED = {0xDC00 + b: b for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


def decode_bytes(data: bytes, name: str) -> str:
    """``data`` decoded strictly, except Windows-1252 as browsers decode it."""
    if name != "cp1252":
        return data.decode(name)
    return data.decode(name, "surrogateescape").translate(CP1252_UNDEFINED)


def check_encoding(encoding: str, source: str | None = None) -> str:
    """The codec name for a text encoding the user named; :class:`InputError` otherwise.

    ``rot13``, ``base64``, ``zlib`` and the like are codecs, but not text encodings: bytes
    cannot be decoded with them, so they are refused as unknown rather than failing later.
    """
    unknown = InputError(f"Unknown encoding {encoding!r}; name a text encoding Python knows, "
                         "such as 'utf-8' or 'cp1252'.", source=source)
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, ValueError):  # ValueError: a name with a NUL in it
        raise unknown from None
    try:
        b"\n".decode(encoding)  # LookupError for a bytes-to-bytes or str-to-str codec
    except LookupError:
        raise unknown from None
    except UnicodeError:  # a text codec that cannot decode a lone newline: still a text codec
        pass
    return name


def bomless_utf16(head: bytes) -> str | None:
    """``utf-16-le``/``-be`` when ``head`` is plainly UTF-16 without a BOM: most of its byte
    pairs are an ASCII character and a zero. (Valid UTF-8, so it would decode into text full
    of NULs and be refused as "not an Arrow page", which would not help.)"""
    pairs = len(head) // 2
    if pairs < 4:
        return None
    even, odd = head[0 : pairs * 2 : 2], head[1 : pairs * 2 : 2]
    for zeros, other, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) > 0.8 * pairs and other.count(0) < 0.1 * pairs:
            return name
    return None
