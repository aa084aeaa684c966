"""Fetch a page over HTTP(S) within limits: the one place arrow2bib touches the network.

- Only ``http`` and ``https`` URLs are fetched; anything else (``file:``, ``ftp:``, ``data:``)
  is refused before any I/O, and so is a redirect to another scheme.
- One deadline covers the whole exchange, redirects included (``timeout``): connecting, the
  TLS handshake, the status line and headers, the body. It is checked before every read from
  the socket (the handshake's too), whose wait is cut to the time left (a per-read timeout
  alone lets a server that sends a byte a second hold a client for ever).
- A body shorter than its ``Content-Length``, or a response with two different
  ``Content-Length`` values, is an error, not a page.
- The body is capped as sent and again once decompressed (``max_bytes``): gzip and deflate
  are decoded here, streamed, stopping as soon as the cap is passed (no "zip bombs").
- Redirects are followed by hand, at most ``max_redirects``; a loop is reported as one.

Every failure is a :class:`~arrow2bib.errors.FetchError` whose message names the URL, the
limit that was hit and what to do. Standard library only (:mod:`urllib.request`); proxies
from the environment (``https_proxy``, ``no_proxy``) are honoured.
"""

from __future__ import annotations

import codecs
import functools
import http.client
import io
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass
from importlib import metadata

from ..errors import FetchError

__all__ = ["ALLOWED_SCHEMES", "USER_AGENT", "Fetched", "fetch"]

ALLOWED_SCHEMES = frozenset({"http", "https"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_CODINGS = frozenset({"gzip", "x-gzip", "deflate"})
_MAX_DIGITS = 18
_GIVE_UP = "save the page from a browser and give arrow2bib the file"


def _version() -> str:
    try:
        return metadata.version("arrow2bib")
    except metadata.PackageNotFoundError:
        return "dev"


#: Sent with every request, so that site operators can see who is asking.
USER_AGENT = f"arrow2bib/{_version()} (+https://pypi.org/project/arrow2bib/)"


@dataclass(frozen=True, kw_only=True)
class Fetched:
    """A fetched page."""

    #: The URL the content came from, after redirects.
    url: str
    #: The HTTP status (2xx).
    status: int
    #: The media type, lower case, without parameters (``text/html``).
    content_type: str
    #: The charset the ``Content-Type`` header names, lower case; ``None`` when it names
    #: none, or one Python does not know.
    charset: str | None
    #: The body, decompressed.
    content: bytes


def fetch(
    url: str,
    *,
    timeout: float = 30.0,
    max_bytes: int = 20 * 2**20,
    max_redirects: int = 5,
) -> Fetched:
    """GET ``url`` within the limits; raise :class:`~arrow2bib.errors.FetchError` otherwise.

    :param timeout: seconds for the whole exchange, redirects included.
    :param max_bytes: the most bytes read, both as sent and once decompressed.
    :param max_redirects: the most redirects followed.
    """
    current = _checked(url, url)
    deadline = time.monotonic() + timeout
    opener = _opener(deadline)
    chain = [current]
    while True:
        with _open(opener, current, url, deadline, timeout) as response:
            status = response.status
            if status in _REDIRECTS:
                current = _redirect(url, current, response, chain, max_redirects)
                continue
            if not 200 <= status < 300:
                raise FetchError(
                    f"The server answered {status} {response.reason or ''}".rstrip()
                    + (f" for {current}" if current != url else "")
                    + f"; check the URL in a browser, or {_GIVE_UP}.",
                    source=url,
                )
            content = _read_body(response, url, deadline, timeout, max_bytes)
            return Fetched(
                url=current,
                status=status,
                content_type=response.headers.get_content_type(),
                charset=_known_charset(response.headers.get_content_charset()),
                content=content,
            )


def _known_charset(label: str | None) -> str | None:
    """The charset if Python knows it; a label it does not know says nothing usable."""
    if not label:
        return None
    try:
        codecs.lookup(label)
    except LookupError:
        return None
    return label


def _checked(target: str, url: str, *, redirected: bool = False) -> str:
    """``target`` as an ASCII http(s) URL; a :class:`FetchError` if it is not one."""
    try:
        parts = urllib.parse.urlsplit(target.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"This is not a valid URL ({exc}).", source=url) from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        what = f"{scheme}:" if scheme else "a URL without a scheme"
        if redirected:
            raise FetchError(
                f"The server redirected to {target!r}, which is {what}, not http(s); arrow2bib "
                f"follows only http and https redirects. Check the URL, or {_GIVE_UP}.",
                source=url,
            )
        raise FetchError(
            f"Only http:// and https:// URLs are fetched, not {what}. For a file on this "
            "computer, give its path instead.",
            source=url,
        )
    if not parts.hostname:
        raise FetchError("The URL has no host name; check it.", source=url)
    if parts.username is not None or parts.password is not None:
        raise FetchError(
            "The URL carries a user name or password; arrow2bib does not send credentials. "
            f"Remove them, or {_GIVE_UP}.",
            source=url,
        )
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError(f"The host name {parts.hostname!r} is not valid.", source=url) from None
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port is not None else host
    # a browser's address bar accepts non-ASCII paths; HTTP needs them percent-encoded
    path = urllib.parse.quote(parts.path, safe="/%:@!$&'()*+,;=~")
    query = urllib.parse.quote(parts.query, safe="/%:@!$&'()*+,;=~?")
    return urllib.parse.urlunsplit((scheme, netloc, path or "/", query, ""))


class _DeadlineReader(io.RawIOBase):
    """A socket's reading end that cuts every wait to the time left before the deadline and
    raises :class:`TimeoutError` once it has passed."""

    def __init__(self, owner: _DeadlineSocket):
        super().__init__()
        self._owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        sock = self._owner._sock
        sock.settimeout(_left(self._owner._deadline))
        return sock.recv_into(buffer)

    def close(self) -> None:
        if not self.closed:
            self._owner._release()
        super().close()


class _DeadlineSocket:
    """The connection's socket, for :mod:`http.client`: reads through a
    :class:`_DeadlineReader`, sends with the time left; everything else as the socket.

    Like a socket and its ``makefile`` files, closing it leaves the socket open until its
    readers are closed too (:mod:`urllib.request` closes the connection's socket as soon as
    the headers are read, and the response reads the body through its file).
    """

    def __init__(self, sock: socket.socket, deadline: float):
        self._sock, self._deadline = sock, deadline
        self._readers = 0
        self._closed = False

    def makefile(self, mode: str = "r", *args, **kwargs) -> io.BufferedReader:
        assert "r" in mode and "w" not in mode, mode  # http.client only reads through it
        self._readers += 1
        return io.BufferedReader(_DeadlineReader(self))

    def _release(self) -> None:
        self._readers -= 1
        if self._closed and not self._readers:
            self._sock.close()

    def close(self) -> None:
        self._closed = True
        if not self._readers:
            self._sock.close()

    def sendall(self, data, *args) -> None:
        self._sock.settimeout(_left(self._deadline))
        self._sock.sendall(data, *args)

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


def _left(deadline: float) -> float:
    """Seconds left before ``deadline``; :class:`TimeoutError` when none are."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the deadline has passed")
    return left


def _connector(deadline: float):
    """:func:`socket.create_connection` waiting at most the time left, its socket a
    :class:`_DeadlineSocket` (a proxy's answer to ``CONNECT`` is read through it too)."""

    def create_connection(address, timeout=None, source_address=None):
        sock = socket.create_connection(address, _left(deadline), source_address)
        return _DeadlineSocket(sock, deadline)

    return create_connection


class _HTTPConnection(http.client.HTTPConnection):
    """An HTTP connection whose every read and send keeps to one deadline."""

    def __init__(self, *args, deadline: float, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connector(deadline)


class _HTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection whose every read and send keeps to one deadline, the TLS
    handshake's included (:func:`_handshake`)."""

    def __init__(self, *args, deadline: float, **kwargs):
        super().__init__(*args, **kwargs)
        self._deadline = deadline
        self._create_connection = _connector(deadline)

    def connect(self) -> None:
        # HTTPSConnection.connect, with the handshake done here: wrap_socket's handshake
        # waits up to the socket's timeout as it was set when connecting began, not the
        # time left when the handshake begins
        http.client.HTTPConnection.connect(self)  # the TCP connection, and a proxy's tunnel
        plain = self.sock._sock  # type: ignore[union-attr]
        host = getattr(self, "_tunnel_host", None) or self.host
        tls = self._context.wrap_socket(  # type: ignore[attr-defined]
            plain, server_hostname=host, do_handshake_on_connect=False)
        self.sock = tls
        _handshake(tls, self._deadline)
        self.sock = _DeadlineSocket(tls, self._deadline)  # type: ignore[assignment]


def _handshake(sock: ssl.SSLSocket, deadline: float) -> None:
    """The TLS handshake on ``sock`` within the time left before ``deadline``.

    Since Python 3.5 a socket's timeout bounds the handshake's total duration, not each of
    its reads (the ssl module's documentation), so the time left, set just before it, is the
    deadline for every read and write the handshake makes."""
    sock.settimeout(_left(deadline))
    sock.do_handshake()


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: float):
        super().__init__()
        self._deadline = deadline

    def http_open(self, req):
        return self.do_open(functools.partial(_HTTPConnection, deadline=self._deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: float):
        self._context = ssl.create_default_context()
        super().__init__(context=self._context)
        self._deadline = deadline

    def https_open(self, req):
        return self.do_open(functools.partial(_HTTPSConnection, deadline=self._deadline), req,
                            context=self._context)


def _opener(deadline: float) -> urllib.request.OpenerDirector:
    """HTTP and HTTPS only: no file, ftp or data handler, no automatic redirects; every
    connection keeps to ``deadline``."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        _HTTPHandler(deadline),
        _HTTPSHandler(deadline),
    ):
        opener.add_handler(handler)
    return opener


def _open(
    opener: urllib.request.OpenerDirector, current: str, url: str, deadline: float, timeout: float
) -> http.client.HTTPResponse:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timed_out(url, timeout)
    request = urllib.request.Request(
        current,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
            "Accept-Encoding": "gzip, deflate",
        },
    )
    try:
        response = opener.open(request, timeout=remaining)
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise _timed_out(url, timeout) from None
        raise FetchError(
            f"Cannot reach the server ({exc.reason}); check the URL and your connection, "
            "or try again later.",
            source=url,
        ) from None
    except TimeoutError:
        raise _timed_out(url, timeout) from None
    except (http.client.HTTPException, OSError, ValueError) as exc:
        raise FetchError(
            f"The request failed ({type(exc).__name__}: {exc}); try again later, or {_GIVE_UP}.",
            source=url,
        ) from None
    if response is None:  # no handler took it: cannot happen for http(s), but never None
        raise FetchError("No handler for this URL.", source=url)
    return response  # type: ignore[no-any-return]


def _redirect(
    url: str,
    current: str,
    response: http.client.HTTPResponse,
    chain: list[str],
    max_redirects: int,
) -> str:
    location = response.headers.get("Location")
    if not location:
        raise FetchError(
            f"The server answered {response.status} (a redirect) without saying where to; "
            f"try again later, or {_GIVE_UP}.",
            source=url,
        )
    target = _checked(urllib.parse.urljoin(current, location.strip()), url, redirected=True)
    if target in chain:
        loop = " -> ".join([*chain[chain.index(target) :], target])
        raise FetchError(
            f"The server redirects in a loop ({loop}); try the URL in a browser, or {_GIVE_UP}.",
            source=url,
        )
    if len(chain) > max_redirects:
        raise FetchError(
            f"More than {max_redirects} redirects (max_redirects), the last to {target}; "
            f"fetch the final URL directly, or {_GIVE_UP}.",
            source=url,
        )
    chain.append(target)
    return target


def _read_body(
    response: http.client.HTTPResponse, url: str, deadline: float, timeout: float, max_bytes: int
) -> bytes:
    """Read the body in chunks, decompressing as it comes, never past ``max_bytes``."""
    lengths = {value.strip() for field in response.headers.get_all("Content-Length") or ()
               for value in field.split(",")}
    if len(lengths) > 1:
        raise FetchError(
            f"The server sent {len(lengths)} different Content-Length values "
            f"({', '.join(sorted(lengths))}), so where the page ends is ambiguous; try again "
            f"later, or {_GIVE_UP}.",
            source=url,
        )
    declared = next(iter(lengths), "")
    # ASCII digits only ("²".isdigit() is true), and few enough for int() (Python refuses
    # over 4,300 digits); a longer number is over any limit anyway
    if declared.isascii() and declared.isdigit() and (
        len(declared) > _MAX_DIGITS or int(declared) > max_bytes
    ):
        size = f"{int(declared):,}" if len(declared) <= _MAX_DIGITS else "a huge number of"
        raise _too_large(url, max_bytes, f"it announces {size} bytes")
    coding = response.headers.get("Content-Encoding", "identity").strip().lower() or "identity"
    if coding not in _CODINGS and coding != "identity":
        raise FetchError(
            f"The server sent the page compressed as {coding!r}, which arrow2bib does not "
            f"decode (only gzip and deflate); {_GIVE_UP}.",
            source=url,
        )
    inflater = _Inflater(coding, url) if coding in _CODINGS else None
    out = bytearray()
    received = 0
    while True:
        if time.monotonic() > deadline:
            raise _timed_out(url, timeout)
        try:
            chunk = response.read1(_CHUNK)  # one receive: the deadline is checked between
        except TimeoutError:
            raise _timed_out(url, timeout) from None
        except (http.client.HTTPException, OSError) as exc:
            raise FetchError(
                f"The connection broke while reading the page ({type(exc).__name__}); try "
                "again later.",
                source=url,
            ) from None
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise _too_large(url, max_bytes, "more was sent")
        if inflater is None:
            out += chunk
        else:
            inflater.feed(chunk, out, max_bytes)
        if len(out) > max_bytes:
            raise _too_large(url, max_bytes, f"it decompresses to more ({coding})")
    chunked = "chunked" in response.headers.get("Transfer-Encoding", "").lower()
    if (not chunked and declared.isascii() and declared.isdigit()
            and received < int(declared)):
        raise FetchError(
            f"The page ended after {received:,} of the {int(declared):,} bytes its "
            "Content-Length announces; the connection was probably cut. Try again later, or "
            f"{_GIVE_UP}.",
            source=url,
        )
    if inflater is not None:
        inflater.finish()
    return bytes(out)


class _Inflater:
    """Streamed gzip/deflate decoding that never produces more than asked for."""

    def __init__(self, coding: str, url: str):
        self.coding, self.url = coding, url
        self._engine: zlib._Decompress | None = None
        self._pending = b""

    def _start(self, head: bytes) -> zlib._Decompress:
        if self.coding != "deflate":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" should be zlib-wrapped (RFC 9110), but some servers send it raw
        wrapped = (head[0] & 0x0F) == 8 and ((head[0] << 8) | head[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def feed(self, data: bytes, out: bytearray, limit: int) -> None:
        """Decompress ``data`` into ``out``, stopping once ``out`` holds over ``limit``."""
        data, self._pending = self._pending + data, b""
        while data and len(out) <= limit:
            if self._engine is None:
                if len(data) < 2:
                    self._pending = data
                    return
                self._engine = self._start(data)
            try:
                out += self._engine.decompress(data, limit + 1 - len(out))
            except zlib.error as exc:
                raise FetchError(
                    f"The compressed page is damaged ({self.coding}: {exc}); try again later.",
                    source=self.url,
                ) from None
            if self._engine.eof:
                data = self._engine.unused_data
                if self.coding == "deflate":
                    return  # anything after the stream is not part of it
                self._engine = None  # gzip may hold several members, one after another
            else:
                data = self._engine.unconsumed_tail

    def finish(self) -> None:
        """Fail if the compressed stream stopped in the middle."""
        if self._pending or (self._engine is not None and not self._engine.eof):
            raise FetchError(
                f"The compressed page ended early ({self.coding}); the connection was probably "
                "cut. Try again later.",
                source=self.url,
            )


def _timed_out(url: str, timeout: float) -> FetchError:
    return FetchError(
        f"No complete answer within {timeout:g} s (timeout); try again later, or {_GIVE_UP}.",
        source=url,
    )


def _too_large(url: str, max_bytes: int, why: str) -> FetchError:
    return FetchError(
        f"The page is larger than the {max_bytes:,}-byte limit (max_bytes): {why}. An author "
        f"page is far smaller: check the URL, or {_GIVE_UP}.",
        source=url,
    )
