"""One large text page read in parts by --jobs workers: the same papers, problems, keys and
output as the page read whole, with the cuts falling wherever they fall."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrow2bib.read import _parts as split
from arrow2bib.read._parts import page_parts, part_lines, starts_paper
from arrow2bib.read.sources import open_input
from arrow2bib.run import engine

from .test_cli import run


@pytest.fixture
def small_parts(monkeypatch):
    """Parts of a few KiB and second-pass slices of 7 papers, so that a page of a few
    hundred papers is cut many times (the workers are forked: they see the same values)."""
    monkeypatch.setattr(split, "MIN_PART_BYTES", 4096)
    monkeypatch.setattr(split, "PART_BYTES", 8192)
    monkeypatch.setattr(engine, "SLICE", 7)


def _generated(papers: int, seed: int = 3) -> str:
    from benchmarks.generate import write

    out = io.StringIO()
    write(papers, out, seed=seed)
    return out.getvalue()


def _damaged(text: str) -> str:
    """The page with trouble spread over it: a paper without a title, a mojibake author, a
    stray bullet before a title, an unknown line in the header, a wrong declared count."""
    lines = text.split("\n")
    venues = [i for i, line in enumerate(lines) if starts_paper(line)]
    for n, at in reversed(list(enumerate(venues[5::23]))):  # from the end: inserts shift
        kind = n % 3
        if kind == 0:
            lines[at + 2] = lines[at]  # the title replaced by a venue line: no title
        elif kind == 1:
            lines[at + 4] = "  • JÃ¼rgen MÃ¼ller"
        else:
            lines.insert(at + 1, "  • Stray Bullet")
    header = "\n".join(lines).replace("papers\n", "papers\nnot a header line\n", 1)
    return header.replace("\n300 papers\n", "\n299 papers\n", 1)


def _write(path, text: str, *, newline: str = "\n", bom: bool = False, encoding="utf-8"):
    data = text.replace("\n", newline).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return str(path)


@pytest.mark.parametrize("newline, bom", [("\n", False), ("\r\n", False), ("\n", True)])
def test_parts_are_the_page_line_for_line(small_parts, tmp_path, newline, bom):
    path = _write(tmp_path / "page.txt", _generated(300), newline=newline, bom=bom)
    parts = page_parts(path, 2)
    assert parts is not None and len(parts) > 10
    whole = list(open_input(path)[1])
    read = [line for part in parts for line in part_lines(part, path)]
    assert read == whole
    for part in parts[1:]:
        number, text = next(part_lines(part, path))
        assert number == part.first_line + 1 and starts_paper(text)


@pytest.mark.parametrize("jobs", [2, 3, 4, 8])
def test_part_count_fills_every_round(jobs):
    """Parts are a multiple of the processes where the sizes allow (three equal parts on two
    processes leave one idle for the last third of the reading), none larger than
    PART_BYTES, none smaller than MIN_PART_BYTES."""
    mib = 2**20
    for size in [mib // 2, 3 * mib // 2, 5 * mib // 2, 7 * mib // 2, 15 * mib // 2,
                 39 * mib, 400 * mib, 400 * mib + 12345]:
        parts = split.part_count(size, jobs)
        if parts < 2:
            assert size < 2 * split.MIN_PART_BYTES
            continue
        assert size / parts >= split.MIN_PART_BYTES
        full = size // split.MIN_PART_BYTES >= jobs
        if full:
            assert parts % jobs == 0, (size, jobs, parts)
        if size >= jobs * split.PART_BYTES:
            assert size / parts <= split.PART_BYTES
    assert split.part_count(int(7.8 * mib), 2) == 4  # was 3: two rounds of a third
    assert split.part_count(39 * mib, 2) == 20  # was 19


def test_pages_not_cut(small_parts, tmp_path):
    text = _generated(300)
    assert page_parts(_write(tmp_path / "cr.txt", text, newline="\r"), 2) is None
    assert page_parts(_write(tmp_path / "wide.txt", text, encoding="utf-16"), 2) is None
    assert page_parts(_write(tmp_path / "one.txt", _generated(3)), 2) is None
    assert page_parts(_write(tmp_path / "big.txt", text), 1) is None  # one job
    html = tmp_path / "page.html"
    html.write_text("<!DOCTYPE html><html><body><pre>" + text + "</pre></body></html>",
                    encoding="utf-8")
    assert page_parts(str(html), 2) is None
    assert page_parts(str(tmp_path / "missing.txt"), 2) is None  # the reader says why


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "csljson", "json"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_page_in_parts_converts_as_whole(small_parts, tmp_path, fmt, newline):
    path = _write(tmp_path / "page.txt", _damaged(_generated(300)), newline=newline)
    assert len(page_parts(path, 2)) > 10
    serial = run("convert", path, "--to", fmt, "-v")
    parts = run("convert", path, "--to", fmt, "--jobs", "2", "-v")
    assert serial == parts
    code, _out, err = serial
    assert code == 1  # the titleless papers are errors
    for expected in ("[parse-error]", "[mojibake]", "[count-mismatch]", "[truncated-authors]",
                     "[duplicate]", "299"):
        assert expected in err


def test_page_in_parts_check_report(small_parts, tmp_path):
    path = _write(tmp_path / "page.txt", _damaged(_generated(300)))
    serial = run("check", path, "--format", "json")
    parts = run("check", path, "--format", "json", "--jobs", "3")
    assert serial == parts
    problems = json.loads(serial[1])["problems"]
    lines = [p["line"] for p in problems if p["code"] == "parse-error" and p["line"]]
    assert len(lines) > 3 and lines == sorted(lines)


def test_same_page_twice_in_parts(small_parts, tmp_path):
    path = _write(tmp_path / "page.txt", _damaged(_generated(300)))
    args = ("convert", path, path, "--to", "bibtex", "--dedupe", "first")
    assert run(*args) == run(*args, "--jobs", "2")


def test_bad_byte_in_a_late_part(small_parts, tmp_path):
    text = _generated(300)
    data = text.encode("utf-8")
    at = data.rindex(b"We study", 0, len(data) * 9 // 10)
    path = tmp_path / "page.txt"
    path.write_bytes(data[:at] + b"\xff" + data[at:])
    out = tmp_path / "refs.bib"
    serial = run("convert", str(path), "-o", str(out))
    parts = run("convert", str(path), "-o", str(out), "--jobs", "2")
    assert serial == parts
    line = data[:at].count(b"\n") + 1
    assert serial[0] == 1 and f"{path}:{line}: The bytes are not valid utf-8" in serial[2]
    assert not out.exists()


def test_a_second_page_in_a_late_part(small_parts, tmp_path):
    """Two saved pages in one file: refused at the second header's line, whichever worker
    reads it, and nothing written."""
    first, second = _generated(300), _generated(20, seed=5)
    path = _write(tmp_path / "both.txt", first + second)
    assert len(page_parts(path, 2)) > 10
    line = first.count("\n") + 1 + second.split("\n").index("Author name cluster")
    out = tmp_path / "refs.bib"
    serial = run("convert", path, "-o", str(out))
    parts = run("convert", path, "-o", str(out), "--jobs", "2")
    assert serial == parts
    assert serial[0] == 1 and f"{path}:{line}: A second page starts here" in serial[2]
    assert not out.exists()


def test_a_tab_inside_a_paper_is_no_place_to_cut(small_parts, tmp_path):
    """A row of cells that does not start with a venue line (an abstract's line with a tab
    in it, as a copy from a table cell gives; a ``<title>\\t<first author>`` row) is inside
    a paper: a part that started there lost the paper's abstract and reported "lines before
    the first paper" (found by the QA of the --jobs default)."""
    text = _generated(300).replace(". Experiments", ".\tExperiments")
    assert text.count(".\tExperiments") > 100
    path = _write(tmp_path / "page.txt", text)
    parts = page_parts(path, 2)
    assert parts is not None and len(parts) > 10
    for part in parts[1:]:
        number, line = next(part_lines(part, path))
        assert "\t" not in line, (number, line)
    assert not starts_paper("We propose X (i. e. , per input).\tExperiments show gains.")
    assert not starts_paper("A Title of a Paper\tAnn Lee")
    assert starts_paper("NeurIPS Conference 2025 Conference Paper\tA Title\tAnn Lee")
    serial = run("convert", path, "--to", "bibtex", "-v")
    assert serial == run("convert", path, "--to", "bibtex", "--jobs", "2", "-v")
    assert "before the first paper" not in serial[2]


def _folded(text: str, width: int) -> str:
    """``text`` hard-wrapped at ``width`` columns (``fold -s``): a line's words carried to
    the next line where they would pass the width (a longer word stays whole)."""
    import textwrap

    out = []
    for line in text.split("\n"):
        out.extend(textwrap.wrap(line, width, break_long_words=False,
                                 break_on_hyphens=False) or [""])
    return "\n".join(out)


def test_parts_read_titles_as_the_whole_page_does(small_parts, tmp_path):
    """Whether a line after a title is the rest of a title cut by a hard wrap depends on the
    widest line of the page before it: each part started from none, so the first paper of a
    part read otherwise than the whole page read it (a page folded at 80 columns with one
    long link early: different errors; also "... Oral" titles where a badge follows each
    title, on a 4 MiB page; found by the QA of the --jobs default). A part starts from the
    widest line before it now."""
    text = _generated(300, seed=5)
    text = text.replace("Code: ", "Code: https://example.org/" + "x" * 120 + " and ", 1)
    text = _folded(text, 80)
    path = _write(tmp_path / "page.txt", text)
    parts = page_parts(path, 2)
    assert parts is not None and len(parts) > 10
    assert all(part.widest > 0 for part in parts[1:])
    serial = run("convert", path, "--to", "bibtex", "-v")
    assert serial == run("convert", path, "--to", "bibtex", "--jobs", "2", "-v")


@given(st.text(st.characters(codec="utf-8"), max_size=80)
       | st.text("\tÃ¼\x85 \u00a0\u200bab•1.", max_size=30))
def test_a_line_is_never_wider_than_its_characters(raw):
    """The parts' scan decodes and measures only the lines longer in bytes than the widest
    so far: that is exact only if no line is wider than it is long."""
    from arrow2bib.read.grammar import line_width

    assert line_width(raw) <= len(raw) and line_width(raw, header=True) <= len(raw)
