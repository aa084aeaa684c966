"""``--jobs N`` as 0.2 ran it, kept for one release: :class:`ParallelRun` now only gives a run
(:class:`~arrow2bib.run.engine.Engine`) a :class:`~arrow2bib.run.backends.ProcessPool`
backend. New code passes ``backend=ProcessPool(n)`` to the engine, or ``jobs=n`` to
:func:`arrow2bib.convert`. Removed in 0.4.0.
"""

from __future__ import annotations

import warnings
from typing import Callable, Sequence, TextIO

from .backends import ProcessPool
from .engine import SLICE, Engine

__all__ = ["SLICE", "ParallelRun"]


class ParallelRun:
    """Deprecated: drive ``run`` with ``jobs`` worker processes."""

    def __init__(self, run: Engine, jobs: int) -> None:
        warnings.warn("arrow2bib.run.parallel.ParallelRun is deprecated and removed in 0.4.0: "
                      "pass backend=ProcessPool(jobs) to the engine, or jobs=... to "
                      "arrow2bib.convert().", DeprecationWarning, stacklevel=2)
        self.run, self.jobs = run, jobs
        run.backend.close()
        run.backend = ProcessPool(jobs)

    def __enter__(self) -> ParallelRun:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.run.backend.close(abort=kind is not None)

    def read(self, specs: Sequence[str], step: Callable[[], None] = lambda: None) -> None:
        """The first pass over ``specs``."""
        self.run.inputs, self.run.on_page = list(specs), step
        self.run.read()

    def splits(self, export: bool) -> bool:
        """Whether :meth:`write` can do the second pass (a format with a layout, or a check)."""
        return not export or self.run.layout() is not None

    def write(self, out: TextIO | None) -> None:
        """The second pass, written to ``out`` (None: check only)."""
        if out is None:
            self.run.check()
        else:
            self.run.write(out)
