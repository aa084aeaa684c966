"""A local web page for arrow2bib (``arrow2bib serve``, the ``web`` extra): paste or drop
author pages, see the papers and their problems, copy or download any format.

The server listens on 127.0.0.1 only, answers only requests addressed to this computer, runs
the engine and plugins of the command line, keeps each request's files in a folder of its
own that is gone before the answer leaves, and fetches nothing (a pasted web address is
text). The page's files are in the package: it works offline.
"""

from __future__ import annotations

import socket
import threading
import time
import webbrowser
from typing import Callable

import uvicorn

from .app import create_app

__all__ = ["Server", "create_app", "serve"]

#: The port ``arrow2bib serve`` listens on unless told otherwise.
DEFAULT_PORT = 8421


class Server:
    """The page's server on 127.0.0.1, bound at once (``port`` 0: a free port), so that
    :attr:`url` is known before it runs; :meth:`run` blocks, :meth:`start` runs it in a
    thread and :meth:`stop` ends that."""

    def __init__(self, port: int = DEFAULT_PORT):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.socket.bind(("127.0.0.1", port))
        except OSError:
            self.socket.close()
            raise
        self.port: int = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        config = uvicorn.Config(create_app(port=self.port), log_level="warning",
                                access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    def run(self, started: Callable[[], None] | None = None) -> None:
        """Serve until interrupted; call ``started`` once the server answers."""
        if started is not None:
            threading.Thread(target=self._when_started, args=(started,), daemon=True).start()
        self._server.run(sockets=[self.socket])

    def _when_started(self, started: Callable[[], None]) -> None:
        while not self._server.started and not self._server.should_exit:
            time.sleep(0.05)
        if self._server.started:
            started()

    def start(self) -> None:
        """Serve in a thread; return once the server answers."""
        ready = threading.Event()
        self._thread = threading.Thread(target=self.run, args=(ready.set,), daemon=True)
        self._thread.start()
        if not ready.wait(30):
            raise RuntimeError("The web server did not start within 30 seconds.")

    def stop(self) -> None:
        """End a server started with :meth:`start`."""
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        self.socket.close()


def serve(port: int = DEFAULT_PORT, *, open_browser: bool = False,
          started: Callable[[str], None] | None = None) -> None:
    """Serve the page on 127.0.0.1:``port`` until interrupted; ``started`` gets its address
    once it answers; ``open_browser`` opens it in the default browser then."""
    server = Server(port)

    def ready() -> None:
        if started is not None:
            started(server.url)
        if open_browser:
            webbrowser.open(server.url)

    server.run(ready)
