"""YAML text for Hayagriva files, written without a YAML library.

Hayagriva files are a small subset of YAML: a mapping of mappings whose leaves are strings,
lists and nested mappings. :func:`dump` writes that subset in block style, and every
scalar value goes through :func:`quote`, which always writes a double-quoted scalar. A
double-quoted scalar is the one YAML form in which no character is special except ``"``
and ``\\``, so colons, ``#``, ``{``, ``[``, a leading ``-``/``*``/``&``/``!``/``@``,
``yes``/``no``/``null``, numbers and dates all stay strings, read back as written.

Escapes use only the forms that YAML 1.1 and 1.2 readers share (libyaml and its ports,
which Typst and Hayagriva use through serde_yaml; PyYAML; ruamel): ``\\"``, ``\\\\``,
``\\n``, ``\\t``, ``\\r`` and ``\\xXX``/``\\uXXXX``/``\\UXXXXXXXX`` for every character
outside YAML's printable set, and for the three that YAML reads as line breaks
(U+0085, U+2028, U+2029).
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence, Union

__all__ = ["Node", "dump", "quote"]

#: What :func:`dump` writes: strings, lists and mappings of them.
Node = Union[str, Sequence["Node"], Mapping[str, "Node"]]

_NAMED = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
INDENT = "  "
_PLAIN_KEY = re.compile(r"[a-z]+(?:-[a-z]+)*")
#: Words YAML 1.1 readers turn into booleans or null when bare.
_YAML_WORDS = frozenset("y n yes no on off true false null".split())


def _escape(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        # a lone surrogate has no UTF-8 form: no YAML file can hold it
        raise ValueError(
            f"U+{code:04X} is a lone surrogate, which UTF-8 cannot encode; remove it first."
        )
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


#: What :func:`quote` escapes: its named characters; the three that YAML 1.1 reads as line
#: breaks though they are printable (U+0085, U+2028, U+2029); and everything outside YAML's
#: printable set less the BOM (c-printable is tab, line feed, carriage return, U+0020-U+007E,
#: U+0085, U+00A0-U+D7FF, U+E000-U+FFFD, U+10000 up: so C0 and C1 controls, DEL,
#: surrogates, U+FEFF, U+FFFE and U+FFFF). One regex scan finds them: 0.4 us a title, 1 us an
#: abstract, where a loop over the characters took 10 and 20 (the generated overlap page).
_ESCAPED = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]')


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or _escape(char)


def quote(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that every YAML reader reads back as exactly
    ``text`` (any string without lone surrogates; :class:`ValueError` for those)."""
    return f'"{_ESCAPED.sub(_escaped, text)}"'


def _key(name: str, plain_keys: frozenset[str]) -> str:
    # known field names (plain words) are written bare for legibility; anything else,
    # citation keys above all ("2025", "null", "a: b"), is quoted
    return name if name in plain_keys else quote(name)


def _lines(node: Node, depth: int, plain_keys: frozenset[str]) -> list[str]:
    """The lines of a mapping or list at indentation ``depth`` (scalars are inline)."""
    pad = INDENT * depth
    lines: list[str] = []
    if isinstance(node, Mapping):
        for name, value in node.items():
            key = _key(name, plain_keys)
            if isinstance(value, str):
                lines.append(f"{pad}{key}: {quote(value)}")
            elif not value:
                lines.append(f"{pad}{key}: {'{}' if isinstance(value, Mapping) else '[]'}")
            else:
                lines.append(f"{pad}{key}:")
                lines.extend(_lines(value, depth + 1, plain_keys))
        return lines
    for item in node:
        if isinstance(item, str):
            lines.append(f"{pad}- {quote(item)}")
        elif not item:
            lines.append(f"{pad}- {'{}' if isinstance(item, Mapping) else '[]'}")
        else:
            # the item's first line shares the dash's line; the rest align under it
            inner = _lines(item, depth + 1, plain_keys)
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines.extend(inner[1:])
    return lines


def dump(entries: Mapping[str, Mapping[str, Node]],
         plain_keys: frozenset[str] = frozenset()) -> str:
    """A YAML document: one top-level mapping from (quoted) keys to block mappings, a blank
    line between entries. Keys in ``plain_keys`` are written bare; each must be a plain
    lower-case word or words joined by ``-`` (``title``, ``page-range``) that YAML does not
    read as anything but a string."""
    for name in plain_keys:
        if not _PLAIN_KEY.fullmatch(name) or name in _YAML_WORDS:
            raise ValueError(f"{name!r} cannot be written as a bare YAML key; quote it.")
    if not entries:
        return "{}\n"
    blocks = []
    for key, fields in entries.items():
        if fields:
            blocks.append("\n".join([f"{quote(key)}:", *_lines(fields, 1, plain_keys)]))
        else:
            blocks.append(f"{quote(key)}: {{}}")
    return "\n\n".join(blocks) + "\n"
