"""Single-file web archives (MHTML, ``.mht``/``.mhtml``: a browser's "Save page as - single
file"): the page's HTML is taken out of the archive and read by the HTML reader.

An archive is a MIME message (``multipart/related``) whose first ``text/html`` part is the
page; the other parts (styles, images, frames) are not read. The part is usually
quoted-printable, whose soft line breaks (``=`` at a line's end) wrap long lines: each line of
the page is numbered as the line of the archive where it starts, so that problems point into
the file given. The standard library's :mod:`email` parses the archive.
"""

from __future__ import annotations

import quopri
import re
from typing import TYPE_CHECKING

from ..errors import InputError
from .html import MAX_HTML_BYTES, html_lines

if TYPE_CHECKING:  # the email package is imported when a web archive is read
    from email.message import EmailMessage

__all__ = ["MAX_MHTML_BYTES", "looks_like_mhtml", "mhtml_lines"]

#: The largest archive read: the page and the images and styles saved with it.
MAX_MHTML_BYTES = 4 * MAX_HTML_BYTES
#: An archive starts with mail-style headers, among them its MIME version, and says it is
#: ``multipart/related`` within its first few kilobytes.
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:")
_RELATED = re.compile(rb"content-type:\s*multipart/related", re.IGNORECASE)
_MIME_VERSION = re.compile(rb"^mime-version:", re.IGNORECASE | re.MULTILINE)


def looks_like_mhtml(head: bytes) -> bool:
    """Whether ``head`` (a file's first bytes) starts a MIME web archive."""
    start = head.lstrip()
    return (_HEADER_LINE.match(start) is not None and _MIME_VERSION.search(start) is not None
            and _RELATED.search(start) is not None)


def mhtml_lines(data: bytes, *, source: str, encoding: str | None = None
                ) -> list[tuple[int, str]]:
    """The page's lines, numbered as lines of the archive ``data``."""
    if len(data) > MAX_MHTML_BYTES:
        raise InputError(
            f"The web archive is {len(data) / 2**20:.1f} MiB, more than the "
            f"{MAX_MHTML_BYTES >> 20} MiB arrow2bib reads. Save the page as HTML or as text "
            "instead.", source=source)
    import email
    import email.policy
    from email.message import EmailMessage

    message = email.message_from_bytes(data, policy=email.policy.default)
    part = next((p for p in message.walk() if p.get_content_type() == "text/html"), None)
    if not isinstance(part, EmailMessage):
        raise InputError(
            "This web archive (MHTML) holds no HTML page. Save the author page again, as "
            "HTML or as text.", source=source)
    body, starts = _body(data, part)
    charset = encoding or part.get_content_charset()
    lines = html_lines(body, source=source, encoding=charset)
    return [(starts[min(number, len(starts)) - 1], text) for number, text in lines]


def _body(data: bytes, part: EmailMessage) -> tuple[bytes, list[int]]:
    """The part's decoded body, and for each of its lines the archive line it starts on."""
    coding = (part.get("Content-Transfer-Encoding") or "").strip().lower()
    if coding in ("", "7bit", "8bit", "binary"):
        # the body as it stands in the archive (the email package hands an 8bit part's text
        # back decoded with its charset: its bytes are the decoded payload)
        decoded = part.get_payload(decode=True)
        body = decoded if isinstance(decoded, bytes) else b""
        first = _line_of(data, body)
        return body, [first + n for n in range(body.count(b"\n") + 1)]
    raw = part.get_payload(decode=False)
    raw = raw if isinstance(raw, str) else ""
    try:
        raw_bytes = raw.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:  # 8-bit text in a part that says it is encoded
        raw_bytes = raw.encode(part.get_content_charset() or "utf-8", "surrogateescape")
    first = _line_of(data, raw_bytes)
    if coding != "quoted-printable":
        decoded = part.get_payload(decode=True)
        body = decoded if isinstance(decoded, bytes) else raw_bytes
        return body, [first] * (body.count(b"\n") + 1)  # base64: no line maps to a line
    out: list[bytes] = []
    starts: list[int] = []
    pending = b""
    pending_start = first
    for offset, physical in enumerate(raw_bytes.splitlines()):
        if not pending:
            pending_start = first + offset
        if physical.endswith(b"="):  # a soft break: the line goes on
            pending += physical[:-1]
            continue
        line = quopri.decodestring(pending + physical)
        pending = b""
        out.append(line)
        starts += [pending_start] * (line.count(b"\n") + 1)
    if pending:
        out.append(quopri.decodestring(pending))
        starts.append(pending_start)
    return b"\n".join(out), starts


def _line_of(data: bytes, body: bytes) -> int:
    """The archive line the part's body starts on (1 if it cannot be found)."""
    at = data.find(body[:200]) if body else -1
    return data.count(b"\n", 0, at) + 1 if at >= 0 else 1
