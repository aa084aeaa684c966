"""The URL fetcher, against a real HTTP server on the loopback address (never another host)."""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import http.server
import shutil
import socket
import ssl
import subprocess
import threading
import time
import zlib

import pytest

import arrow2bib
from arrow2bib.errors import FetchError, InputError
from arrow2bib.read.fetch import USER_AGENT, Fetched, fetch

from .conftest import ROOT, SAMPLE

CLEAN = (ROOT / "tests" / "data" / "xiuqiang-he.clean.html").read_bytes()
SMALL = 64 * 1024  # a max_bytes small enough to test the caps quickly
BOMB = gzip.compress(b"\0" * (64 * 2**20), compresslevel=9)  # 64 MiB of zeros in ~64 KiB


class Handler(http.server.BaseHTTPRequestHandler):
    """Routes by path; each route is one behaviour the fetcher must handle."""

    protocol_version = "HTTP/1.1"
    wake = threading.Event()  # set at teardown, so slow handlers stop at once

    def log_message(self, *args):  # keep the test output clean
        pass

    def send(self, status=200, body=b"", headers=(), ctype="text/html; charset=utf-8",
             length=True):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for name, value in headers:
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location, status=302):
        self.send(status, headers=[("Location", location)])

    def do_GET(self):
        path = self.path
        try:
            if path == "/page.html":
                self.send(body=CLEAN)
            elif path == "/page.txt":
                self.send(body=SAMPLE.read_bytes(), ctype="text/plain; charset=UTF-8")
            elif path == "/gzip":
                self.send(body=gzip.compress(CLEAN), headers=[("Content-Encoding", "gzip")])
            elif path == "/gzip-members":
                half = len(CLEAN) // 2
                body = gzip.compress(CLEAN[:half]) + gzip.compress(CLEAN[half:])
                self.send(body=body, headers=[("Content-Encoding", "gzip")])
            elif path == "/deflate":
                self.send(body=zlib.compress(CLEAN), headers=[("Content-Encoding", "deflate")])
            elif path == "/raw-deflate":
                engine = zlib.compressobj(wbits=-zlib.MAX_WBITS)
                body = engine.compress(CLEAN) + engine.flush()
                self.send(body=body, headers=[("Content-Encoding", "deflate")])
            elif path == "/brotli":
                self.send(body=b"\x8b\x00", headers=[("Content-Encoding", "br")])
            elif path == "/big":
                self.send(body=b"x" * (SMALL + 1))
            elif path == "/big-unannounced":
                self.send(body=b"x" * (SMALL * 4), length=False)
            elif path == "/bomb":
                self.send(body=BOMB, headers=[("Content-Encoding", "gzip")])
            elif path == "/truncated-gzip":
                body = gzip.compress(CLEAN)[:-100]
                self.send(body=body, headers=[("Content-Encoding", "gzip")])
            elif path == "/damaged-gzip":
                body = b"\x1f\x8b\x08\x00" + b"garbage" * 20
                self.send(body=body, headers=[("Content-Encoding", "gzip")])
            elif path == "/loop-a":
                self.redirect("/loop-b")
            elif path == "/loop-b":
                self.redirect("/loop-a", 301)
            elif path.startswith("/chain/"):
                step = int(path.rsplit("/", 1)[1])
                if step < 8:
                    self.redirect(f"/chain/{step + 1}", 307)
                else:
                    self.send(body=CLEAN)
            elif path == "/relative":
                self.redirect("page.html", 308)
            elif path == "/to-file":
                self.redirect("file:///etc/passwd")
            elif path == "/to-ftp":
                self.redirect("ftp://127.0.0.1/page.html", 301)
            elif path == "/no-location":
                self.send(302)
            elif path == "/missing":
                self.send(404, b"not here")
            elif path == "/broken":
                self.send(500, b"oops")
            elif path == "/slow":
                self.wake.wait(5)
                self.send(body=CLEAN)
            elif path == "/drip":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "200")
                self.end_headers()
                for _ in range(200):
                    if self.wake.wait(0.05):
                        return
                    self.wfile.write(b"x")
                    self.wfile.flush()
            elif path == "/drip-headers":
                # a status line, then header lines one byte at a time, for ever (a per-read
                # timeout never fires: every read gets a byte)
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                self.wfile.flush()
                for byte in b"X-Slow: " + b"y" * 10_000:
                    if self.wake.wait(0.05):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            elif path == "/drip-status":
                for byte in b"HTTP/1.1 200 OK" + b" " * 10_000:
                    if self.wake.wait(0.05):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            elif path == "/short-body":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(CLEAN)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(CLEAN[: len(CLEAN) // 2])  # then the connection closes
            elif path == "/short-gzip-body":
                body = gzip.compress(CLEAN)
                self.send_response(200)
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body) + 10))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
            elif path in ("/two-lengths", "/two-lengths-one-field", "/same-two-lengths"):
                second = len(CLEAN) if path == "/same-two-lengths" else len(CLEAN) - 7
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                if path == "/two-lengths-one-field":
                    self.send_header("Content-Length", f"{len(CLEAN)}, {second}")
                else:
                    self.send_header("Content-Length", str(len(CLEAN)))
                    self.send_header("Content-Length", str(second))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(CLEAN)
            elif path == "/odd-charset":
                self.send(body=CLEAN, ctype="text/html; charset=klingon")
            elif path == "/no-type":
                self.send(body=CLEAN, ctype=None)
            elif path == "/headers":
                body = "\n".join(f"{k}: {v}" for k, v in self.headers.items()).encode()
                self.send(body=body, ctype="text/plain")
            elif path == "/caf%C3%A9":
                self.send(body=b"accent ok", ctype="text/plain")
            else:
                self.send(404)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to do


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    """Loopback requests must not be sent to a proxy configured in the environment."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture(scope="module")
def server():
    Handler.wake.clear()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    Handler.wake.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


# -- pages that arrive ----------------------------------------------------------------------
ARRIVALS = [
    # (path asked for, path the content came from)
    ("/page.html", "/page.html"),
    ("/gzip", "/gzip"),
    ("/gzip-members", "/gzip-members"),
    ("/deflate", "/deflate"),
    ("/raw-deflate", "/raw-deflate"),
    ("/relative", "/page.html"),
    ("/chain/4", "/chain/8"),
]


@pytest.mark.parametrize("path, final", ARRIVALS)
def test_the_sample_page_arrives_whole(server, path, final):
    got = fetch(server + path)
    assert isinstance(got, Fetched)
    assert got.content == CLEAN
    assert (got.status, got.content_type, got.charset) == (200, "text/html", "utf-8")
    assert got.url == server + final


def test_fetched_is_frozen(server):
    got = fetch(server + "/page.txt")
    assert (got.content, got.content_type, got.charset) == (SAMPLE.read_bytes(), "text/plain",
                                                            "utf-8")
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.status = 500  # type: ignore[misc]


@pytest.mark.parametrize("path, content_type, charset", [
    ("/odd-charset", "text/html", None),  # a charset Python does not know says nothing
    ("/no-type", "text/plain", None),  # HTTP's default media type
])
def test_content_type_and_charset(server, path, content_type, charset):
    got = fetch(server + path)
    assert (got.content_type, got.charset, got.content) == (content_type, charset, CLEAN)


def test_request_names_arrow2bib_and_the_encodings(server):
    sent = fetch(server + "/headers").content.decode()
    assert f"User-Agent: {USER_AGENT}" in sent and USER_AGENT.startswith("arrow2bib/")
    assert "Accept-Encoding: gzip, deflate" in sent


def test_non_ascii_path_is_percent_encoded(server):
    assert fetch(server + "/café").content == b"accent ok"


@pytest.mark.parametrize("path", ["/page.html", "/page.txt", "/gzip"])
def test_parse_file_reads_a_url_like_the_text_page(server, sample_page, path):
    page = arrow2bib.parse_file(server + path)
    assert page.problems == () and page.source == server + path

    def neutral(paper):
        return dataclasses.replace(paper, source="", line=0)

    assert [neutral(p) for p in page.papers] == [neutral(p) for p in sample_page.papers]


# -- limits and refusals --------------------------------------------------------------------
LIMITS = [
    # (path, keyword arguments, words the message must hold)
    ("/big", {"max_bytes": SMALL}, ["max_bytes", "announces"]),
    ("/big-unannounced", {"max_bytes": SMALL}, ["max_bytes", "more was sent"]),
    ("/bomb", {"max_bytes": SMALL}, ["max_bytes", "decompresses", "gzip"]),
    ("/bomb", {}, ["max_bytes", "decompresses"]),  # the default cap, 20 MiB
    ("/loop-a", {}, ["loop", "/loop-a -> ", "/loop-b -> ", "save the page"]),
    ("/chain/0", {"max_redirects": 5}, ["More than 5 redirects", "max_redirects"]),
    ("/page.html", {"max_redirects": 0}, []),  # no redirect: no error (checked below)
    ("/relative", {"max_redirects": 0}, ["More than 0 redirects"]),
    ("/to-file", {}, ["redirected to 'file:///etc/passwd'", "only http and https"]),
    ("/to-ftp", {}, ["ftp:", "only http and https"]),
    ("/no-location", {}, ["302", "without saying where"]),
    ("/missing", {}, ["404", "Not Found"]),
    ("/broken", {}, ["500"]),
    ("/brotli", {}, ["'br'", "gzip and deflate"]),
    ("/truncated-gzip", {}, ["ended early"]),
    ("/damaged-gzip", {}, ["damaged"]),
    ("/slow", {"timeout": 0.5}, ["0.5 s", "timeout"]),
    ("/drip", {"timeout": 1.0}, ["1 s", "timeout"]),
    # the deadline covers the status line and the headers, not only the body (issue 16)
    ("/drip-headers", {"timeout": 1.0}, ["1 s", "timeout"]),
    ("/drip-status", {"timeout": 1.0}, ["1 s", "timeout"]),
    # a body shorter than announced, or two lengths, is not a page
    ("/short-body", {}, [f"ended after {len(CLEAN) // 2:,} of the {len(CLEAN):,} bytes"]),
    ("/short-gzip-body", {}, ["ended after", "Content-Length"]),
    ("/two-lengths", {}, ["2 different Content-Length values", str(len(CLEAN) - 7)]),
    ("/two-lengths-one-field", {}, ["2 different Content-Length values"]),
]


@pytest.mark.parametrize("path, kwargs, words", LIMITS,
                         ids=[f"{c[0]}-{'-'.join(c[1])}" for c in LIMITS])
def test_limits(server, path, kwargs, words):
    """Each limit is an error naming the URL and what to do, raised promptly (the deadline
    tests: within a few seconds of a 1 s limit, where the server would go on for minutes)."""
    url = server + path
    start = time.monotonic()
    if not words:
        assert fetch(url, **kwargs).content == CLEAN
        return
    with pytest.raises(FetchError) as info:
        fetch(url, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{url}: "), "every error names the URL"
    for word in words:
        assert word in message
    assert time.monotonic() - start < 3, "limits are enforced promptly"
    assert isinstance(info.value, InputError) and isinstance(info.value, OSError)


@pytest.fixture
def no_network(monkeypatch):
    """A tripwire: any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


BAD_URLS = [
    ("file:///etc/passwd", "not file:"),
    ("FILE:///etc/passwd", "not file:"),
    ("ftp://127.0.0.1/page.html", "not ftp:"),
    ("data:text/html,<p>hi</p>", "not data:"),
    ("javascript:alert(1)", "not javascript:"),
    ("127.0.0.1/page.html", "without a scheme"),
    ("http:///page.html", "no host name"),
    ("http://user:secret@127.0.0.1/page.html", "user name or password"),
    ("http://127.0.0.1:99999/page.html", "not a valid URL"),
    ("http://[::1/page.html", "not a valid URL"),
]


@pytest.mark.parametrize("url, words", BAD_URLS)
def test_bad_urls_are_refused_before_any_io(no_network, url, words):
    with pytest.raises(FetchError) as info:
        fetch(url)
    assert str(info.value).startswith(f"{url}: ") and words in str(info.value)


def test_file_url_never_reads_the_file(tmp_path, no_network):
    secret = tmp_path / "secret.html"
    secret.write_text("<p>TOP-SECRET-MARKER</p>")
    with pytest.raises(FetchError) as info:
        fetch(secret.as_uri())
    assert "TOP-SECRET-MARKER" not in str(info.value)
    assert "give its path instead" in str(info.value)


def test_connection_refused_is_a_fetch_error():
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="Cannot reach the server"):
        fetch(f"http://127.0.0.1:{port}/page.html", timeout=2)


def test_the_same_content_length_twice_is_one_length(server):
    assert fetch(server + "/same-two-lengths").content == CLEAN


def test_the_deadline_is_checked_on_every_read(server, monkeypatch):
    """A server sending a byte a read is cut off by the deadline even when the socket's own
    per-read timeout would never fire: the time left shrinks on every read."""
    import arrow2bib.read.fetch as fetching

    waits: list[float] = []
    real = fetching._left

    def left(deadline):
        waits.append(real(deadline))
        return waits[-1]

    monkeypatch.setattr(fetching, "_left", left)
    with pytest.raises(FetchError, match="timeout"):
        fetch(server + "/drip-headers", timeout=0.6)
    assert len(waits) > 5 and waits == sorted(waits, reverse=True)


# -- TLS and proxies: the handshake and the tunnel keep to the deadline too -------------------
TLS_DRIP = b"\x16\x03\x03\x40\x00" + b"\x02" * 10_000  # a TLS record that never ends
PROXY_DRIP = b"HTTP/1.1 200 Connection established" + b" " * 10_000  # a reply line, likewise


@pytest.fixture
def dripping():
    """A loopback server that takes what the client sends first, then answers ``payload`` a
    byte at a time (every read gets a byte: a per-read timeout never fires)."""
    wake = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def serve(payload: bytes) -> None:
        with contextlib.suppress(OSError):
            conn, _ = listener.accept()
            with conn:
                conn.recv(4096)
                for byte in payload:
                    if wake.wait(0.05):
                        return
                    conn.sendall(bytes([byte]))

    def start(payload: bytes) -> int:
        threading.Thread(target=serve, args=(payload,), daemon=True).start()
        return listener.getsockname()[1]

    yield start
    wake.set()
    listener.close()


def test_the_deadline_covers_the_tls_handshake(dripping):
    """The handshake gets the time left when it starts (before, the time left when connecting
    started, whatever connecting had taken)."""
    url = f"https://127.0.0.1:{dripping(TLS_DRIP)}/"
    start = time.monotonic()
    with pytest.raises(FetchError, match="within 0.5 s"):
        fetch(url, timeout=0.5)
    assert time.monotonic() - start < 3, "the deadline is enforced promptly"


def test_the_deadline_covers_a_proxys_tunnel(dripping, monkeypatch):
    """An https URL through a proxy: the proxy's answer to CONNECT is read through the
    deadline too (before, a per-read timeout: a proxy dripping its reply held the fetch for as
    long as it dripped, here 500 s)."""
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{dripping(PROXY_DRIP)}")
    start = time.monotonic()
    with pytest.raises(FetchError, match="within 0.5 s"):
        fetch("https://arrow.invalid/authors", timeout=0.5)
    assert time.monotonic() - start < 3, "the deadline is enforced promptly"


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    """A loopback HTTPS server with a self-signed certificate made here (the openssl
    command), which the fetch trusts through SSL_CERT_FILE."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl command to make a certificate with")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def test_https_with_the_handshake_done_by_the_fetcher(tls_server):
    assert fetch(tls_server + "/gzip", timeout=5).content == CLEAN
    with pytest.raises(FetchError, match="certificate"):  # verification still on
        fetch(tls_server.replace("127.0.0.1", "localhost") + "/page.html", timeout=5)
