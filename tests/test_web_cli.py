"""``arrow2bib serve`` as a user runs it (issue 20): a real process on 127.0.0.1 that answers
the page, opens the browser with --open, stops cleanly on SIGTERM and SIGINT, and explains a
port it cannot take and a missing web extra."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed "
                    "(pip install 'arrow2bib[web]')")

from arrow2bib.cli import main  # noqa: E402


def start(tmp_path, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen,
                                                                             str]:
    log = open(tmp_path / "stderr.txt", "w+", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "arrow2bib", "serve", *args],
                               stderr=log, stdout=subprocess.DEVNULL, cwd=tmp_path,
                               env={**os.environ, **(env or {})})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        log.seek(0)
        found = re.search(r"serving the page at (http://127\.0\.0\.1:\d+/)", log.read())
        if found:
            return process, found.group(1)
        assert process.poll() is None, (tmp_path / "stderr.txt").read_text()
        time.sleep(0.1)
    process.kill()
    raise AssertionError("arrow2bib serve did not start within 30 seconds")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_answers_on_loopback_and_stops_cleanly(tmp_path, stop):
    process, url = start(tmp_path, "--port", "0")
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
            assert b'<script src="/static/app.js"' in response.read()
        port = int(url.rsplit(":", 1)[1].strip("/"))
        # bound to the loopback address only
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) == 0
        outside = [address for address in _own_addresses() if not address.startswith("127.")]
        for address in outside:
            with socket.socket() as probe:
                probe.settimeout(2)
                assert probe.connect_ex((address, port)) != 0, address
    finally:
        process.send_signal(stop)
        assert process.wait(30) == 0
    assert "the page's server stopped" in (tmp_path / "stderr.txt").read_text()
    assert list(path.name for path in tmp_path.iterdir()) == ["stderr.txt"]


def _own_addresses() -> list[str]:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.connect(("192.0.2.1", 9))  # no packet is sent: only picks the route's address
            return [udp.getsockname()[0]]
    except OSError:
        return []


def test_open_starts_the_browser_on_the_page(tmp_path):
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f"#!/bin/sh\necho \"$1\" > {opened}\n", encoding="utf-8")
    browser.chmod(0o755)
    process, url = start(tmp_path, "--port", "0", "--open", env={"BROWSER": str(browser)})
    try:
        deadline = time.monotonic() + 15
        # the shell makes the file before it writes the line: wait for the line
        while time.monotonic() < deadline and not (
                opened.exists() and opened.read_text(encoding="utf-8").endswith("\n")):
            time.sleep(0.1)
        assert opened.read_text(encoding="utf-8").strip() == url
    finally:
        process.terminate()
        process.wait(30)


def test_a_port_in_use_is_a_usage_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        err = io.StringIO()
        assert main(["serve", "--port", str(port)], out=io.StringIO(), err=err) == 2
    assert f"--port {port}: cannot listen there" in err.getvalue()
    err = io.StringIO()
    assert main(["serve", "--port", "70000"], out=io.StringIO(), err=err) == 2
    assert "0 to 65535" in err.getvalue()


def test_without_the_web_extra_serve_says_how_to_install_it(tmp_path):
    # a site folder whose starlette cannot be imported stands for an install without the extra
    blocker = tmp_path / "blocker"
    (blocker / "starlette").mkdir(parents=True)
    (blocker / "starlette" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'starlette'\", name='starlette')\n")
    result = subprocess.run([sys.executable, "-m", "arrow2bib", "serve", "--port", "0"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(blocker)})
    assert result.returncode == 2
    assert "pip install 'arrow2bib[web]'" in result.stderr
    assert "starlette" in result.stderr and "Traceback" not in result.stderr
