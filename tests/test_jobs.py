"""Many pages: directories as inputs, --jobs N processes, output identical to the serial run."""

from __future__ import annotations

import io

import pytest

from arrow2bib.cli import main

from .conftest import SAMPLE
from .test_cli import run


@pytest.fixture
def pages(tmp_path):
    from benchmarks.generate import write

    folder = tmp_path / "pages"
    folder.mkdir()
    for i in range(12):
        with open(folder / f"page{i:02d}.txt", "w", encoding="utf-8") as out:
            write(20 + i, out, seed=i)
    (folder / "sample.html").write_bytes(
        (SAMPLE.parent.parent / "tests" / "data" / "xiuqiang-he.clean.html").read_bytes())
    (folder / "notes.md").write_text("not a page", encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", ["bibtex", "json"])
def test_jobs_output_identical_to_serial(pages, fmt):
    serial = run("convert", str(pages), "--to", fmt, "-q")
    parallel = run("convert", str(pages), "--to", fmt, "-q", "--jobs", "2")
    assert serial[0] == parallel[0] == 0, serial[2] + parallel[2]
    assert serial[1] == parallel[1]
    assert serial[1].count("@inproceedings{" if fmt == "bibtex" else '"title"') > 13


def test_directory_takes_page_files_only(pages):
    code, out, err = run("check", str(pages), "--format", "json", "--jobs", "2")
    assert code == 0, err
    import json

    report = json.loads(out)
    assert report["summary"]["papers"] == sum(20 + i for i in range(12)) + 13


def test_error_in_a_worker_is_reported_cleanly(pages):
    (pages / "zz-bad.txt").write_bytes(b"Author name cluster\n\xff\xfe\n")
    code, out, err = run("convert", str(pages), "--to", "bibtex", "--jobs", "2")
    assert code == 1 and out == ""
    assert f"{pages / 'zz-bad.txt'}:2: The bytes are not valid utf-8" in err


def test_bad_jobs_and_empty_directory(tmp_path):
    assert run("convert", str(SAMPLE), "--jobs", "0")[0] == 2
    assert run("convert", str(tmp_path))[0] == 2


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_only_on_a_terminal(pages):
    err = Tty()
    assert main(["check", str(pages), "--jobs", "2"], out=io.StringIO(), err=err) == 0
    assert "\rarrow2bib: read 13/13 pages" in err.getvalue()
    code, _, plain = run("check", str(pages))
    assert "\r" not in plain
