"""The progress bar (issue 18): on stderr when it is a terminal, while the pages are read
and then through each stage of papers (checked and written, formatted); nothing when it is
not. Run under a pseudo-terminal (pty) in a child process."""

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


def _under_pty(*argv: str, cwd: Path, rows: int = 40, columns: int = 120) -> tuple[int, str]:
    """Run arrow2bib with stderr on a pseudo-terminal of ``rows`` x ``columns``; its return
    code and all it drew."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
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
    # it does not stop at the reading: the checks and the writing are most of a run
    writing = _stage(drawn, "writing")
    assert writing and writing[-1] == (5_000, 5_000), writing
    assert writing == sorted(writing)
    assert drawn.index("arrow2bib: reading") < drawn.index("arrow2bib: writing")


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


def test_jobs_show_bytes_for_one_page(tmp_path):
    # other processes read the page: the bar counts its bytes as they finish (it counted
    # pages, "0/1" for the whole reading of a large page, before --jobs became a default)
    code, drawn = _under_pty("convert", str(EXAMPLE), "-o", str(tmp_path / "refs.bib"),
                             "--jobs", "2", cwd=tmp_path)
    assert code == 0, drawn
    size = EXAMPLE.stat().st_size
    assert re.search(rf"arrow2bib: reading: +100%.*\| {size / 1024:.1f}k/{size / 1024:.1f}k "
                     r"\[.*13 papers", drawn), drawn[:500]
    assert not re.search(r"\| [01]/1 \[", drawn)


@pytest.mark.parametrize("ending", ["", "\n", "\r\n"])
def test_a_text_page_ends_at_its_size(tmp_path, ending):
    # the bar counts each line's UTF-8 bytes and one for its end: the example, without a
    # last line break, counted one byte past its size and lost its total ("17.7kB"); CRLF
    # pages counted short of it
    page = tmp_path / "page.txt"
    text = EXAMPLE.read_text("utf-8").rstrip("\n")
    page.write_bytes((text.replace("\n", ending or "\n") + ending).encode("utf-8"))
    code, drawn = _under_pty("convert", str(page), "-o", str(tmp_path / "refs.bib"),
                             "--jobs", "1", cwd=tmp_path)
    assert code == 0, drawn
    size = page.stat().st_size
    frames = [f for f in re.split(r"[\r\n]", drawn) if "arrow2bib: reading" in f]
    assert re.search(rf": +100%.*\| {size / 1024:.1f}k/{size / 1024:.1f}k \[", frames[-1]), frames
    assert all("%|" in frame for frame in frames), frames  # never counted past its total


def _stage(drawn: str, name: str) -> list[tuple[int, int]]:
    """The ``(done, total)`` of each frame the bar drew for stage ``name``."""
    frames = re.findall(rf"arrow2bib: {name}: +\d+%\|[^|]*\| (\d+)/(\d+) \[", drawn)
    return [(int(done), int(total)) for done, total in frames]


def _page(tmp_path: Path, papers: int) -> Path:
    from benchmarks.generate import write
    page = tmp_path / f"page-{papers}.txt"
    with page.open("w", encoding="utf-8") as out:
        write(papers, out)
    return page


def test_a_check_shows_the_papers_checked(tmp_path):
    code, drawn = _under_pty("check", str(_page(tmp_path, 600)), cwd=tmp_path)
    assert code == 0, drawn
    assert _stage(drawn, "checking")[-1] == (600, 600), drawn[-800:]
    assert "arrow2bib: writing" not in drawn


def test_a_csl_styled_format_shows_its_formatting(tmp_path):
    # citeproc-py renders the whole list once every paper is checked: the longest stage
    code, drawn = _under_pty("convert", str(_page(tmp_path, 150)), "--to", "text", "-o",
                             str(tmp_path / "refs.txt"), cwd=tmp_path)
    assert code == 0, drawn
    assert _stage(drawn, "checking")[-1] == (150, 150), drawn[-800:]
    formatting = _stage(drawn, "formatting")
    assert formatting[0] == (0, 150) and formatting[-1] == (150, 150), formatting
    assert formatting == sorted(formatting)
    assert drawn.index("arrow2bib: checking") < drawn.index("arrow2bib: formatting")
    assert (tmp_path / "refs.txt").read_text(encoding="utf-8").count("\n\n") == 149


def test_a_terminal_that_reports_no_size_gets_a_bar(tmp_path):
    # a bare pseudo-terminal says 0 rows and 0 columns; tqdm alone drew nothing there
    code, drawn = _under_pty("convert", str(EXAMPLE), "-o", str(tmp_path / "refs.bib"),
                             cwd=tmp_path, rows=0, columns=0)
    assert code == 0, drawn
    assert re.search(r"arrow2bib: reading: +\d+%\|", drawn), drawn[:500]
    assert _stage(drawn, "writing")[-1] == (13, 13), drawn[:1000]
