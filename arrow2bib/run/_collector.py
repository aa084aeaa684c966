"""The cyclic garbage collector, set for the processes a run owns.

A run makes and drops millions of small containers (a paper's tuples, its problems, a batch
on its way to or from a worker), and many live for a whole batch. CPython starts a collection
of the youngest generation every 700 containers made and not yet freed, so the batches in
flight are scanned again and again (and promoted, to be scanned by the older generations'
collections): about a second of CPU time in a 5x10^4-paper run with ``--jobs 2``, a tenth of
the main process's. With the youngest generation's threshold at :data:`YOUNG` (the older
generations' left as they are), whole runs take about 5% less time with ``--jobs 1`` and
``--jobs 2``, and the same memory (docs/speed.md, "The garbage collector").

Only processes that arrow2bib owns are set: the command line's, for the time of a command
(restored after), and the ``--jobs`` workers. A program that calls the library keeps its own
settings (``gc.set_threshold`` is the caller's to choose).
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator

__all__ = ["YOUNG", "tune", "tuned"]

#: Containers made (and not yet freed) between two collections of the youngest generation.
YOUNG = 20_000


def tune() -> None:
    """Set this process's collector for a run (a worker process's, for its lifetime)."""
    young, older, oldest = gc.get_threshold()
    if 0 < young < YOUNG:  # 0: the collector was turned off, and stays off
        gc.set_threshold(YOUNG, older, oldest)


@contextlib.contextmanager
def tuned() -> Iterator[None]:
    """:func:`tune` for the time of the ``with`` block; the settings before are restored."""
    before = gc.get_threshold()
    tune()
    try:
        yield
    finally:
        gc.set_threshold(*before)
