"""A progress bar on stderr while the pages are read, only when stderr is a terminal.

One page: bytes read of the file's size, papers, papers/s and the time left. Several pages:
pages done of all, with papers and papers/s. Drawn by tqdm (a well-kept library that knows
terminal widths and rates), never into a file or a pipe: :func:`progress_for` gives None
there, and the command line then draws nothing.
"""

from __future__ import annotations

import os
import stat
from typing import Iterable, Iterator, Sequence, TextIO

__all__ = ["Progress", "progress_for"]

#: Bytes counted before the bar is told (a call into tqdm per line would cost more than the
#: reading).
_STEP = 64 * 1024


class Progress:
    """Counts of what was read, shown on ``err`` by a tqdm bar: bytes of one page (when
    ``total_bytes`` is known) or pages of several."""

    def __init__(self, err: TextIO, *, pages: int, total_bytes: int | None = None,
                 by_pages: bool = False) -> None:
        self.pages, self.papers = pages, 0
        self.by_bytes = pages == 1 and not by_pages
        self._pending = 0
        from tqdm import tqdm  # imported for a terminal only: runs into a file never draw

        # a terminal that reports no width (0 columns: a bare pseudo-terminal) gets 100,
        # where tqdm would draw nothing
        width = {"dynamic_ncols": True} if _columns(err) else {"ncols": 100}
        if self.by_bytes:
            self.bar = tqdm(total=total_bytes, file=err, unit="B", unit_scale=True,
                            unit_divisor=1024, desc="arrow2bib: reading", leave=False,
                            **width)
        else:
            self.bar = tqdm(total=pages, file=err, unit="page", desc="arrow2bib: reading",
                            leave=False, **width)
        self._shown_first = False

    def update(self, *, papers: int = 0, bytes: int = 0, pages: int = 0) -> None:
        """Count ``papers`` papers, ``bytes`` bytes and ``pages`` pages more."""
        self.papers += papers
        if self.by_bytes:
            self._pending += bytes
            if self._pending >= _STEP:
                self._flush()
        elif pages:
            self._postfix()
            self.bar.update(pages)

    def _flush(self) -> None:
        self._postfix()
        self.bar.update(self._pending)
        self._pending = 0
        if not self._shown_first:  # the first count at once, not after tqdm's interval
            self._shown_first = True
            self.bar.refresh()

    def _postfix(self) -> None:
        elapsed = self.bar.format_dict.get("elapsed") or 0
        rate = f", {self.papers / elapsed:,.0f} papers/s" if elapsed > 0 else ""
        self.bar.set_postfix_str(f"{self.papers:,} papers{rate}", refresh=False)

    def count_papers(self, papers: Iterable) -> Iterator:
        """``papers``, counted as they pass."""
        for paper in papers:
            self.update(papers=1)
            yield paper

    def close(self) -> None:
        """Remove the bar (the closing report follows on stderr)."""
        # the last counts are drawn before the bar goes, however quick the reading was
        # (tqdm draws at most ten frames a second, so a fast run might end on an early one)
        self._postfix()
        if self.by_bytes and self._pending:
            self.bar.update(self._pending)
            self._pending = 0
        self.bar.refresh()
        self.bar.close()


def _columns(err: TextIO) -> int:
    try:
        return os.get_terminal_size(err.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 0


def progress_for(err: TextIO, specs: Sequence[str], *, pages: bool = False
                 ) -> Progress | None:
    """A :class:`Progress` for reading ``specs`` when ``err`` is a terminal, else None; by
    pages (not bytes) for several pages, or when ``pages`` (other processes read them)."""
    try:
        if not err.isatty():
            return None
    except (AttributeError, ValueError):  # no isatty, or closed
        return None
    total = None
    if pages:
        return Progress(err, pages=len(specs), by_pages=True)
    if len(specs) == 1:
        try:
            info = os.stat(specs[0]) if specs[0] != "-" else None
            total = info.st_size if info is not None and stat.S_ISREG(info.st_mode) else None
        except (OSError, ValueError):
            total = None  # a URL: its size is known only once fetched
    return Progress(err, pages=len(specs), total_bytes=total)
