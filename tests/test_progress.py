"""The progress bar (issue 18): on stderr when it is a terminal, while the pages are read;
nothing when it is not. Run under a pseudo-terminal (pty) in a child process."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "xiuqiang-he.txt"
PAPERS = re.compile(r"([\d,]+) papers")


@pytest.fixture
def big_page(page_5k) -> Path:
    return page_5k


def _under_pty(*argv: str, cwd: Path) -> tuple[int, str]:
    """Run arrow2bib with stderr on a pseudo-terminal; its return code and all it drew."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # 120 columns
    env = dict(os.environ)
    process = subprocess.Popen([sys.executable, "-m", "arrow2bib", *argv], cwd=cwd,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=slave, env=env)
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            process.kill()
            raise AssertionError("no output for 120 s")
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal (EIO)
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return process.wait(), b"".join(chunks).decode("utf-8", "replace")


def test_one_large_page_shows_progress_early(big_page, tmp_path):
    code, drawn = _under_pty("convert", str(big_page), "-o", str(tmp_path / "refs.bib"),
                             cwd=tmp_path)
    assert code == 0, drawn
    frames = [f for f in re.split(r"[\r\n]", drawn) if "arrow2bib: reading" in f]
    counts = [int(m.group(1).replace(",", "")) for f in frames if (m := PAPERS.search(f))]
    # the first frame comes while the page is read: before 1,000 papers are read, so before
    # any is written (writing is the second pass)
    assert counts and 0 < counts[0] < 1_000, frames[:3]
    # how many frames come between depends on the machine's speed (tqdm draws at most ten a
    # second): the last one, drawn as the bar closes, has every paper
    assert counts == sorted(counts) and counts[-1] == 5_000, counts
    assert any("papers/s" in f and re.search(r"\d+(\.\d+)?[kM]?B/", f) for f in frames)
    assert any(re.search(r"<\d\d:\d\d", f) for f in frames)  # the time left
    # the bar is gone when the closing report is written, and the report is there
    assert "problem(s) by code" in drawn and "wrote 5000 as bibtex" in drawn


def test_several_pages_count_pages(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(3):
        (pages / f"p{n}.txt").write_bytes(EXAMPLE.read_bytes())
    code, drawn = _under_pty("convert", str(pages), "-o", str(tmp_path / "refs.bib"),
                             cwd=tmp_path)
    assert code == 0, drawn
    # a bar of pages (this run is too quick for tqdm to draw more than its first frame)
    assert re.search(r"arrow2bib: reading: +\d+%\|.*\| [0-3]/3 \[", drawn), drawn
    assert "read 39 paper(s) from 3 page(s)" in drawn


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path):
    from benchmarks.generate import write
    page = tmp_path / "page-2k.txt"
    with page.open("w", encoding="utf-8") as out:
        write(2_000, out)
    done = subprocess.run([sys.executable, "-m", "arrow2bib", "convert", str(page), "-o",
                           str(tmp_path / "refs.bib")], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0
    assert "\r" not in done.stderr and "reading" not in done.stderr
    assert done.stderr.splitlines()[0].startswith("arrow2bib: ")


def test_jobs_show_pages(tmp_path):
    # other processes read the pages: the bar counts pages, even for one page
    code, drawn = _under_pty("convert", str(EXAMPLE), "-o", str(tmp_path / "refs.bib"),
                             "--jobs", "2", cwd=tmp_path)
    assert code == 0, drawn
    assert re.search(r"arrow2bib: reading: +\d+%.*\| [01]/1 \[", drawn), drawn[:500]
