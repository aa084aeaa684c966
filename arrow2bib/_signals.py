"""Holding Ctrl-C and SIGTERM back for a moment: while a temporary file is made and recorded
(:mod:`arrow2bib.write.files`), and while worker processes are started
(:mod:`arrow2bib.run.backends`: a signal handled inside ``fork``'s own bookkeeping raises where
Python can only print "Exception ignored", and the run would go on). Held signals are
delivered right after, where they unwind the run as usual."""

from __future__ import annotations

import contextlib
import signal
from typing import Iterator

__all__ = ["HELD", "signals_held"]

HELD = frozenset({signal.SIGINT, signal.SIGTERM})


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back in this thread until the block ends."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
