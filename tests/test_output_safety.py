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


def test_a_report_that_cannot_be_written_leaves_the_output_as_it_was(tmp_path):
    """The output and the report are renamed into place together: a report that cannot be
    written (to a device that is always full, as /dev/full: made in tmp_path) leaves the old
    output, not a new one beside an old or missing report."""
    import stat

    target, full = tmp_path / "refs.bib", tmp_path / "full"
    target.write_text("old output\n", encoding="utf-8")
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    code, out, err = run("convert", str(SAMPLE), "-o", str(target), "--report", str(full))
    assert code == 1 and f"{full}: cannot write the output" in err, err
    assert "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "old output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "refs.bib"]
    # the control: to a file, both are written
    code, _, err = run("convert", str(SAMPLE), "-o", str(target), "--report",
                       str(tmp_path / "refs.json"))
    assert code == 0 and target.read_text(encoding="utf-8").startswith("@"), err


@pytest.mark.parametrize("where", ["output", "merge", "numbered", "symlink"])
def test_the_report_never_replaces_another_output(tmp_path, where):
    """--report naming the -o file (also through a link), the --merge-into file, or one of the
    numbered files the output becomes: refused (exit 2), nothing written."""
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{old,\n  title = {Old},\n}\n", encoding="utf-8")
    if where == "output":
        args = ["-o", str(bib), "--report", str(bib)]
    elif where == "merge":
        args = ["--merge-into", str(bib), "--report", str(bib)]
    elif where == "numbered":
        args = ["--to", "orcid", "-o", str(tmp_path / "refs.xml"),
                "--report", str(tmp_path / "refs-002.xml")]
    else:
        (tmp_path / "link.json").symlink_to(bib)
        args = ["-o", str(bib), "--report", str(tmp_path / "link.json")]
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run("convert", str(SAMPLE), *args)
    assert code == 2 and "the report would replace it" in err and out == ""
    assert bib.read_text(encoding="utf-8") == "@article{old,\n  title = {Old},\n}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("command", [["convert", "--to", "bibtex"], ["check"]])
def test_a_report_on_stdout_never_mixes_with_the_output(command):
    code, out, err = run(command[0], str(SAMPLE), *command[1:], "--report", "-")
    assert code == 2 and "--report -" in err and out == ""


def test_unwritable_location(tmp_path):
    code, out, err = run("convert", str(SAMPLE), "-o", "/proc/arrow2bib-refs.bib")
    assert code == 1 and "cannot write the output" in err and out == ""


def test_output_is_a_directory(tmp_path):
    code, _, err = run("convert", str(SAMPLE), "--to", "bibtex", "-o", str(tmp_path))
    assert code == 2 and "this is a directory, which cannot take the output" in err
    assert list(tmp_path.iterdir()) == []
    # one that does not exist yet, named by its final slash: no file of its name
    code, _, err = run("convert", str(SAMPLE), "--to", "bibtex", "-o", f"{tmp_path}/new/")
    assert code == 2 and "this names a directory (it ends in /)" in err
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


def _closed(fd: int):
    def close() -> None:
        os.close(fd)
    return close


def test_a_closed_stdout_is_an_error_not_an_empty_success(tmp_path):
    """Started with stdout closed (>&-): a command that writes there says so and exits 2
    (it had written nothing and said 'wrote 0', exit 0); with -o it runs as usual."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
    for argv in (["convert", str(SAMPLE), "--to", "bibtex"], ["check", str(SAMPLE)]):
        result = subprocess.run([sys.executable, "-m", "arrow2bib", *argv], stdout=None,
                                stderr=subprocess.PIPE, text=True, timeout=120,
                                preexec_fn=_closed(1), env=env)
        assert result.returncode == 2 and "stdout is closed" in result.stderr, result.stderr
    target = tmp_path / "refs.bib"
    result = subprocess.run([sys.executable, "-m", "arrow2bib", "convert", str(SAMPLE), "-o",
                             str(target), "-q"], stderr=subprocess.PIPE, text=True,
                            timeout=120, preexec_fn=_closed(1), env=env)
    assert result.returncode == 0 and target.read_text(encoding="utf-8").startswith("@")


def test_a_closed_stderr_does_not_fail_a_run_that_worked(tmp_path):
    """Started with stderr closed (2>&-): the output is written and the exit code is the
    run's (it was 1, from the messages that had nowhere to go)."""
    target = tmp_path / "refs.bib"
    result = subprocess.run([sys.executable, "-m", "arrow2bib", "convert", str(SAMPLE), "-o",
                             str(target)], stdout=subprocess.PIPE, text=True, timeout=120,
                            preexec_fn=_closed(2),
                            env=dict(os.environ, PYTHONPATH=str(ROOT),
                                     PYTHONDONTWRITEBYTECODE="1"))
    assert result.returncode == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("@")


def test_numbered_files_of_an_earlier_run_are_named(tmp_path):
    """ORCID writes 100 works a file (refs-001.xml...): a later run that writes fewer files
    leaves the earlier run's others, which would be uploaded with the new ones. They are
    named in a warning, and left as they are."""
    from benchmarks.generate import write

    big = tmp_path / "big.txt"
    with open(big, "w", encoding="utf-8") as out:
        write(101, out, 0)
    target = tmp_path / "refs.xml"
    code, _, err = run("convert", str(big), "--to", "orcid", "-o", str(target), "-q")
    assert code in (0, 1), err
    numbered = sorted(p.name for p in tmp_path.glob("refs-*.xml"))
    assert numbered == ["refs-001.xml", "refs-002.xml"]
    code, _, err = run("convert", str(SAMPLE), "--to", "orcid", "-o", str(target))
    assert code == 0
    assert ("2 numbered file(s) beside " + str(target) + " are from an earlier run, not this "
            "one (refs-001.xml, refs-002.xml)") in err
    assert sorted(p.name for p in tmp_path.glob("refs-*.xml")) == numbered  # left alone
    # a format that never numbers its files says nothing of a user's refs-001.bib
    (tmp_path / "refs-001.bib").write_text("% a backup\n", encoding="utf-8")
    code, _, err = run("convert", str(SAMPLE), "-o", str(tmp_path / "refs.bib"))
    assert code == 0 and "earlier run" not in err


def test_an_output_name_of_the_longest_length_is_written(tmp_path):
    """A legal name of 242 to 255 characters failed ("File name too long"): its temporary
    file's name, made from it, was 14 characters longer. The temporary name is cut now."""
    longest = os.pathconf(tmp_path, "PC_NAME_MAX")
    target = tmp_path / ("r" * (longest - 4) + ".bib")
    code, _out, err = run("convert", str(SAMPLE), "-o", str(target))
    assert code == 0, err
    assert target.read_text(encoding="utf-8").startswith("@")
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
