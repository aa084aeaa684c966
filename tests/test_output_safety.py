"""Output files: complete or nothing, whatever goes wrong while writing; and the accounting."""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys

import pytest

from .conftest import ROOT, SAMPLE
from .test_cli import run


def _limited(limit: int):
    def apply() -> None:
        # a file-size limit makes the real write fail with EFBIG, as a full disk fails it
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "orcid", "csljson"])
def test_write_failure_leaves_no_partial_file(tmp_path, fmt):
    target = tmp_path / "refs.out"
    target.write_text("previous complete output\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "arrow2bib", "convert", str(SAMPLE), "--to", fmt,
         "-o", str(target)],
        capture_output=True, text=True, timeout=120, preexec_fn=_limited(4096),
        # no bytecode written under the limit: Python would cut its .pyc files at 4096 bytes
        # (a short write is no error to it) and leave them for the next process to fail on
        env=dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1"))
    assert result.returncode == 1, result.stderr
    assert "cannot write the output" in result.stderr and "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert target.read_text(encoding="utf-8") == "previous complete output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.out"]


def test_unwritable_location(tmp_path):
    code, out, err = run("convert", str(SAMPLE), "-o", "/proc/arrow2bib-refs.bib")
    assert code == 1 and "cannot write the output" in err and out == ""


def test_output_is_a_directory(tmp_path):
    code, _, err = run("convert", str(SAMPLE), "--to", "bibtex", "-o", str(tmp_path))
    assert code == 2 and "this is a directory, which cannot take the output" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("dedupe", ["keep", "first", "merge"])
def test_summary_adds_up(tmp_path, dedupe):
    text = SAMPLE.read_text(encoding="utf-8")
    second = text[text.index("IJCAI Conference 2017"):text.index("AAAI Conference 2015")]
    page = tmp_path / "page.txt"
    page.write_text(text.replace("13 papers", "14 papers") + "\n" + second, encoding="utf-8")
    code, _, err = run("convert", str(page), "--to", "bibtex", "-o", str(tmp_path / "r.bib"),
                       "--dedupe", dedupe)
    summary = err.strip().splitlines()[-1]
    read = int(re.search(r"read (\d+) paper", summary).group(1))
    wrote = int(re.search(r"wrote (\d+) as", summary).group(1))
    merged = int(re.search(r"merged (\d+)", summary).group(1))
    skipped = int(re.search(r"skipped (\d+)", summary).group(1))
    assert read == 14 and read == wrote + merged + skipped, summary
    assert (wrote, merged, skipped) == {"keep": (14, 0, 0), "first": (13, 0, 1),
                                        "merge": (13, 1, 0)}[dedupe]
