"""JSON text of the ``csljson`` and ``json`` formats and of the JSON report, written faster
than ``json.dumps``.

``json.dumps(value, indent=2)`` runs json's pure-Python encoder (its C encoder serves only
``indent=None``), and ``json.dumps(value)`` makes the C encoder anew at each call: for the
small values of one paper (or one problem) both cost more than writing the text here.
Strings are written by json's own C writer (``encode_basestring``, what
``ensure_ascii=False`` uses), so the text is json's, character for character; values of
other types (floats, booleans, subclasses) are left to json. ``tests/test_json_text.py``
compares both functions with json over generated values.
"""

from __future__ import annotations

import json
from typing import Any, Callable

__all__ = ["flat", "indented"]

#: ``json.dumps(value, ensure_ascii=False)`` without making an encoder at every call.
_encode = json.JSONEncoder(ensure_ascii=False).encode
#: json's own writer of a string (C), as ``_encode`` calls it for a ``str``.
_string: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


def flat(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)``. Dictionaries' keys are strings."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    if kind is list:
        return "[" + ", ".join([_string(v) if type(v) is str else flat(v)
                                for v in value]) + "]"
    if kind is dict:
        return "{" + ", ".join([f"{_string(k)}: {_string(v) if type(v) is str else flat(v)}"
                                for k, v in value.items()]) + "}"
    return _encode(value)


def indented(value: Any, depth: int = 0, one_line_from: int | None = None,
             width: int = 80) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` of ``value`` at nesting level
    ``depth`` (its lines after the first start with ``2 * depth`` more spaces). With
    ``one_line_from``, a list or dictionary at that level or deeper that :func:`flat` writes
    in at most ``width`` characters stays on one line. Dictionaries' keys are strings."""
    if not isinstance(value, (list, dict)) or not value:
        return flat(value)
    if one_line_from is not None and depth >= one_line_from \
            and len(one_line := flat(value)) <= width:
        return one_line
    pad, inner = "  " * depth, "  " * (depth + 1)
    deeper = depth + 1
    if isinstance(value, list):
        parts = [inner + (_string(v) if type(v) is str
                          else indented(v, deeper, one_line_from, width)) for v in value]
        return "[\n" + ",\n".join(parts) + f"\n{pad}]"
    parts = []
    for k, v in value.items():  # most values are strings: written here, not by a call
        parts.append(f"{inner}{_string(k)}: " + (
            _string(v) if type(v) is str else indented(v, deeper, one_line_from, width)))
    return "{\n" + ",\n".join(parts) + f"\n{pad}}}"
