"""A progress bar on stderr for the whole run, only when stderr is a terminal.

While the pages are read, one page: bytes read of the file's size, papers, papers/s and the
time left; several pages: pages done of all, with papers and papers/s. Then a bar per stage
of papers (:meth:`Progress.stage`): checked and written (the second pass), and for the
formats that render the whole list at once (the CSL-styled ones), formatted. Drawn by tqdm (a
well-kept library that knows terminal widths and rates), never into a file or a pipe:
:func:`progress_for` gives None there, and the command line then draws nothing.
"""

from __future__ import annotations

import os
import stat
from typing import Any, Iterable, Iterator, Sequence, TextIO

from .read.sources import is_text_page

__all__ = ["Progress", "progress_for"]

#: Bytes counted before the bar is told (a call into tqdm per line would cost more than the
#: reading).
_STEP = 64 * 1024


class Progress:
    """Counts of what was read, shown on ``err`` by a tqdm bar: bytes of one page (when
    ``total_bytes`` is known) or pages of several; then, stage by stage (:meth:`stage`), the
    papers through each."""

    def __init__(self, err: TextIO, *, pages: int, total_bytes: int | None = None) -> None:
        self.pages, self.papers = pages, 0
        self.by_bytes = pages == 1
        self._pending = 0
        self._err = err
        #: The stage the bar counts: ``reading``, then a stage of papers (:meth:`stage`).
        self.name = "reading"
        if self.by_bytes:
            self.bar = self._bar(total=total_bytes, unit="B", unit_scale=True,
                                 unit_divisor=1024)
        else:
            self.bar = self._bar(total=pages, unit="page")
        self._shown_first = False

    def _bar(self, **settings: Any) -> Any:
        from tqdm import tqdm  # imported for a terminal only: runs into a file never draw

        # a terminal that reports no size (a bare pseudo-terminal: 0 columns, 0 rows) gets
        # 100 columns and 20 rows, where tqdm would draw nothing (it skips a bar whose
        # position is past the last row)
        columns, rows = _size(self._err)
        shape: dict[str, Any] = {"dynamic_ncols": True} if columns else {"ncols": 100}
        if not rows:
            shape["nrows"] = 20
        return tqdm(file=self._err, desc=f"arrow2bib: {self.name}", leave=False,
                    **shape, **settings)

    def stage(self, name: str, total: int) -> None:
        """The stage before is done: the bar now counts the ``total`` papers of stage
        ``name`` (``checking``, ``writing``, ``formatting``), advanced by
        ``update(papers=...)``."""
        if self.name == "reading" and self.by_bytes and self.bar.total is not None:
            # the page was read whole: the lines' bytes (UTF-8, one per line end) may miss
            # its size by its line ends, a byte-order mark or another encoding
            self._pending = self.bar.total - self.bar.n
        self._end_bar()
        self.name = name
        self.bar = self._bar(total=total, unit=" papers")

    def update(self, *, papers: int = 0, bytes: int = 0, pages: int = 0) -> None:
        """Count ``papers`` papers, ``bytes`` bytes and ``pages`` pages more (in a stage of
        papers, ``papers`` through it)."""
        if self.name != "reading":
            if papers:
                self.bar.update(papers)
            return
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
        self.bar.update(self._within_total(self._pending))
        self._pending = 0
        if not self._shown_first:  # the first count at once, not after tqdm's interval
            self._shown_first = True
            self.bar.refresh()

    def _within_total(self, count: int) -> int:
        """``count`` bytes more, but never past the total (tqdm drops the total, and the
        percentage, from a bar counted past it)."""
        total = self.bar.total
        return count if total is None else max(0, min(count, total - self.bar.n))

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
        self._end_bar()

    def _end_bar(self) -> None:
        # the last counts are drawn before the bar goes, however quick the stage was (tqdm
        # draws at most ten frames a second, so a fast one might end on an early frame)
        if self.name == "reading":
            self._postfix()
            if self.by_bytes and self._pending:
                self.bar.update(self._within_total(self._pending))
                self._pending = 0
        self.bar.refresh()
        self.bar.close()


def _size(err: TextIO) -> tuple[int, int]:
    """The columns and rows of the terminal ``err`` writes to (0 where it reports none)."""
    try:
        size = os.get_terminal_size(err.fileno())
    except (AttributeError, ValueError, OSError):
        return 0, 0
    return size.columns, size.lines


def progress_for(err: TextIO, specs: Sequence[str]) -> Progress | None:
    """A :class:`Progress` for reading ``specs`` when ``err`` is a terminal, else None; by
    pages (not bytes) for several pages. One page read by other processes (``--jobs``)
    counts its bytes as its parts are read."""
    try:
        if not err.isatty():
            return None
    except (AttributeError, ValueError):  # no isatty, or closed
        return None
    total = None
    if len(specs) == 1:
        try:
            info = os.stat(specs[0]) if specs[0] != "-" else None
            total = info.st_size if info is not None and stat.S_ISREG(info.st_mode) else None
        except (OSError, ValueError):
            total = None  # a URL: its size is known only once fetched
        if total is not None and not is_text_page(specs[0]):
            # an HTML page's lines, which the bar counts, are its text: far fewer bytes than
            # the file's (a 4 MiB page stopped at 17.5k of 4.02M)
            total = None
    return Progress(err, pages=len(specs), total_bytes=total)
