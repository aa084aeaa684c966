"""Text encodings as the readers understand them: a name the user gave checked to be a text
encoding, and Windows-1252 decoded as browsers decode it. Shared by the text and HTML readers."""

from __future__ import annotations

import codecs

from ..errors import InputError

__all__ = ["CP1252_UNDEFINED", "check_encoding", "decode_bytes"]

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
