"""Many pages: directories as inputs, --jobs N processes, output identical to the serial run."""

from __future__ import annotations

import io
import re

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


@pytest.fixture
def pages_with_copies(pages):
    # the sample page twice (as HTML and as text): every paper is a cross-page duplicate and
    # every key collides, which the worker/main split must report exactly as the serial run
    (pages / "sample-copy.txt").write_bytes(SAMPLE.read_bytes())
    return pages


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "ris", "csljson", "json"])
@pytest.mark.parametrize("dedupe", ["keep", "first"])
def test_jobs_output_and_report_identical_to_serial(pages_with_copies, fmt, dedupe):
    args = ("convert", str(pages_with_copies), "--to", fmt, "--dedupe", dedupe, "-v")
    serial = run(*args)
    parallel = run(*args, "--jobs", "2")
    assert serial[0] == parallel[0] == 0, serial[2] + parallel[2]
    assert serial[1] == parallel[1]
    assert serial[2] == parallel[2]  # every problem, in the same order, and the summary
    assert ("duplicate]" if dedupe == "keep" else "dedupe]") in serial[2]
    assert "truncated-authors]" in serial[2]
    marker = {"bibtex": "@inproceedings{", "biblatex": "@inproceedings{", "ris": "TY  - ",
              "csljson": '"title"', "json": '"title"'}[fmt]
    assert serial[1].count(marker) > 13


def test_jobs_files_identical_to_serial(pages_with_copies, tmp_path):
    for fmt in ("bibtex", "orcid"):
        (tmp_path / "serial").mkdir(exist_ok=True)
        (tmp_path / "parallel").mkdir(exist_ok=True)
        ext = ".bib" if fmt == "bibtex" else ".xml"
        assert run("convert", str(pages_with_copies), "--to", fmt, "-q",
                   "-o", str(tmp_path / "serial" / f"refs{ext}"))[0] == 0
        assert run("convert", str(pages_with_copies), "--to", fmt, "-q", "--jobs", "2",
                   "-o", str(tmp_path / "parallel" / f"refs{ext}"))[0] == 0
    names = sorted(p.name for p in (tmp_path / "serial").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "parallel").iterdir())
    assert len(names) > 3  # several ORCID bulk files, and the .bib
    for name in names:
        assert (tmp_path / "serial" / name).read_bytes() == \
            (tmp_path / "parallel" / name).read_bytes(), name


def test_jobs_check_report_identical_to_serial(pages_with_copies):
    for fmt in ("text", "json"):
        serial = run("check", str(pages_with_copies), "--format", fmt, "--to", "bibtex")
        parallel = run("check", str(pages_with_copies), "--format", fmt, "--to", "bibtex",
                       "--jobs", "3")
        assert serial == parallel
        assert "duplicate" in serial[1]


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


def test_bad_jobs_and_empty_directory(tmp_path, capsys):
    assert run("convert", str(SAMPLE), "--jobs", "0")[0] == 2
    # a number of processes the machine cannot make use of is refused before any is made
    # (100000 forked until the memory was gone)
    assert run("convert", str(SAMPLE), "--jobs", "100000")[0] == 2
    assert "100000 processes is more than 4 per CPU" in capsys.readouterr().err
    assert run("convert", str(SAMPLE), "--jobs", "many")[0] == 2  # argparse's usage error
    assert "'many' is not a number of processes (a number, or auto)" in capsys.readouterr().err
    code, _, err = run("convert", str(tmp_path))
    assert code == 1 and f"{tmp_path}: This directory holds no Arrow page" in err


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_only_on_a_terminal(pages):
    err = Tty()
    assert main(["check", str(pages), "--jobs", "2"], out=io.StringIO(), err=err) == 0
    # the page bar (arrow2bib.progress; tqdm draws at least its first frame)
    assert re.search(r"\rarrow2bib: reading: +\d+%.*\| \d+/13 \[", err.getvalue())
    code, _, plain = run("check", str(pages))
    assert "\r" not in plain


def test_one_page_read_in_parts_shows_its_bytes_as_they_are_read(tmp_path, monkeypatch):
    """A page cut into parts for the workers: the bar moves as each part is filed (it
    showed "0/1 page" until the whole page was read)."""
    from arrow2bib import progress
    from arrow2bib.read import _parts

    monkeypatch.setattr(_parts, "MIN_PART_BYTES", 2048)  # the sample, cut into parts
    monkeypatch.setattr(_parts, "PART_BYTES", 4096)
    monkeypatch.setattr(progress, "_STEP", 1)  # every count drawn
    err = Tty()
    assert main(["convert", str(SAMPLE), "--jobs", "2", "-o", str(tmp_path / "refs.bib")],
                out=io.StringIO(), err=err) == 0
    size = SAMPLE.stat().st_size
    frames = [f for f in re.split(r"[\r\n]", err.getvalue()) if "arrow2bib: reading" in f]
    done = [float(m.group(1)) * 1024 for f in frames
            if (m := re.search(r"\| ([\d.]+)k/[\d.]+k \[", f))]
    assert done and done == sorted(done), frames
    assert any(0 < d < size - 1024 for d in done), frames  # a part's bytes, before the end
    assert abs(done[-1] - size) < 100 and "13 papers" in frames[-1], frames


def test_an_html_page_s_bar_has_no_total_it_cannot_reach(tmp_path):
    """The bar counts the text lines read, which for an HTML page are far fewer bytes than
    its file: a 4 MiB page's bar stopped at 17.5k/4.02M (found by the QA of the --jobs
    default). An HTML page's bar counts bytes without a total."""
    page = SAMPLE.parent.parent / "tests" / "data" / "xiuqiang-he.clean.html"
    err = Tty()
    assert main(["convert", str(page), "-o", str(tmp_path / "refs.bib")], out=io.StringIO(),
                err=err) == 0
    frames = [f for f in re.split(r"[\r\n]", err.getvalue()) if "arrow2bib: reading" in f]
    assert frames and "13 papers" in frames[-1], frames
    assert not any(re.search(r"[\d.]+[kM]?/[\d.]+[kM]?", f) for f in frames), frames
    # a text page's bar keeps its total
    err = Tty()
    assert main(["convert", str(SAMPLE), "-o", str(tmp_path / "refs.bib")], out=io.StringIO(),
                err=err) == 0
    assert re.search(r"\| [\d.]+k?/[\d.]+k \[", err.getvalue())


def test_jobs_auto_is_a_process_per_cpu_this_process_may_use(tmp_path, monkeypatch):
    from arrow2bib import cli

    monkeypatch.setattr(cli.os, "sched_getaffinity", lambda pid: {0, 2, 5}, raising=False)
    assert cli._jobs("auto") == cli._jobs(" AUTO ") == 3
    monkeypatch.delattr(cli.os, "sched_getaffinity", raising=False)  # macOS, Windows
    monkeypatch.setattr(cli.os, "cpu_count", lambda: 6)
    assert cli._jobs("auto") == 6
    monkeypatch.setattr(cli.os, "cpu_count", lambda: None)  # undetermined
    assert cli._jobs("auto") == 1
    monkeypatch.undo()
    # and a run with it writes what one process writes
    one, auto = tmp_path / "one.bib", tmp_path / "auto.bib"
    assert run("convert", str(SAMPLE), "-o", str(one))[0] == 0
    assert run("convert", str(SAMPLE), "-o", str(auto), "--jobs", "auto")[0] == 0
    assert auto.read_bytes() == one.read_bytes()


def _padded(path, size):
    """The sample page with one line of spaces after it: ``size`` bytes or more, read as the
    sample is (the line is blank), in a moment."""
    text = SAMPLE.read_text("utf-8")
    path.write_text(text + "\n" + " " * max(0, size - len(text.encode("utf-8"))) + "\n",
                    "utf-8")
    return path


def test_default_jobs_follow_the_inputs_size(tmp_path, monkeypatch):
    import os

    from arrow2bib.run import backends
    from arrow2bib.run.backends import AUTO_JOBS, AUTO_JOBS_BYTES, default_jobs

    small = tmp_path / "small.txt"
    small.write_bytes(SAMPLE.read_bytes())
    large = tmp_path / "large.txt"
    with large.open("wb") as f:  # sparse: the size is what counts
        f.truncate(AUTO_JOBS_BYTES)
    half = tmp_path / "half.txt"
    with half.open("wb") as f:
        f.truncate(AUTO_JOBS_BYTES // 2)
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)  # its size is 0, and looking at it does not wait for a writer
    assert default_jobs([str(small)], cpus=2) == 1
    assert default_jobs([large], cpus=2) == 2  # paths of any kind
    assert default_jobs([str(large)], cpus=1) == 1
    assert default_jobs([str(large)], cpus=64) == AUTO_JOBS == 4
    assert default_jobs([str(half)], cpus=2) == 1
    assert default_jobs([str(half), str(small), str(half)], cpus=2) == 2  # in all
    # what has no size here counts nothing: stdin, URLs, a FIFO, a file that is not there
    assert default_jobs(["-", "https://arrow.example/a", str(fifo), str(tmp_path / "none"),
                         str(half), str(small)], cpus=2) == 1
    just_under = tmp_path / "under.txt"
    with just_under.open("wb") as f:
        f.truncate(AUTO_JOBS_BYTES - 1)
    assert default_jobs([str(just_under)], cpus=2) == 1
    # one HTML page (or web archive) is read whole by one process: it stays in one, however
    # large; several pages are read side by side
    html = tmp_path / "page.html"
    html.write_bytes(b"\xef\xbb\xbf  <!DOCTYPE html>\n<html>" + b" " * AUTO_JOBS_BYTES)
    mhtml = tmp_path / "page.mht"
    mhtml.write_bytes(b"From: <Saved by Blink>\r\nMIME-Version: 1.0\r\nContent-Type: "
                      b"multipart/related;\r\n\tboundary=\"x\"\r\n\r\n" + b" " * AUTO_JOBS_BYTES)
    assert default_jobs([str(html)], cpus=2) == default_jobs([mhtml], cpus=2) == 1
    assert default_jobs([str(html), "-", str(fifo)], cpus=2) == 1
    assert default_jobs([str(html), str(small)], cpus=2) == 2
    assert default_jobs([str(half), str(html)], cpus=2) == 2
    # without cpus, the CPUs this process may use (as --jobs auto)
    monkeypatch.setattr(backends.os, "sched_getaffinity", lambda pid: {0, 3, 5}, raising=False)
    assert default_jobs([str(large)]) == 3


def test_a_large_input_runs_in_processes_by_default(tmp_path, monkeypatch):
    from arrow2bib.run import backends
    from arrow2bib.run.backends import AUTO_JOBS_BYTES

    monkeypatch.setattr(backends.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    page = _padded(tmp_path / "page.txt", AUTO_JOBS_BYTES)
    plain = tmp_path / "plain.bib"
    assert run("convert", str(SAMPLE), "-o", str(plain), "-q")[0] == 0
    default, one = tmp_path / "default.bib", tmp_path / "one.bib"
    code, _, err = run("convert", str(page), "-o", str(default), "-v")
    assert code == 0, err
    assert err.startswith("arrow2bib: working in 2 processes: the inputs hold 2 MiB or more "
                          "(--jobs 1 for one)\n")
    code, _, err_one = run("convert", str(page), "-o", str(one), "-v", "--jobs", "1")
    assert code == 0 and "working in" not in err_one
    assert default.read_bytes() == one.read_bytes() == plain.read_bytes()
    # the same report (but for the output's name)
    assert err.split("\n", 1)[1].replace("default.bib", "one.bib") == err_one
    # a small input stays in this process; a number asked for is not announced
    for argv in ([str(SAMPLE)], [str(page), "--jobs", "2"], [str(page), "--jobs", "auto"]):
        code, _, err = run("convert", *argv, "-o", str(tmp_path / "x.bib"), "-v")
        assert code == 0 and "working in" not in err, err
    monkeypatch.setenv("ARROW2BIB_JOBS", "1")
    code, _, err = run("convert", str(page), "-o", str(tmp_path / "x.bib"), "-v")
    assert code == 0 and "working in" not in err, err
    # check (which lists every problem without -v) runs as convert does, and says nothing
    monkeypatch.delenv("ARROW2BIB_JOBS")
    code, out, err = run("check", str(page))
    assert code == 0 and "working in" not in out + err
    assert out == run("check", str(page), "--jobs", "1")[1]


@pytest.mark.parametrize("broken", ["semaphores", "queues"])
def test_a_system_that_cannot_run_workers_works_in_one_process(tmp_path, monkeypatch, broken):
    """AWS Lambda and containers without /dev/shm have no POSIX semaphores: a pool cannot
    make its queues (a traceback of concurrent.futures, with --jobs 2, before). The default
    keeps to one process there; --jobs N says it cannot and works in one; the library says
    why in a SettingError."""
    import concurrent.futures.process as futures_process
    import multiprocessing.context as context

    import arrow2bib
    from arrow2bib.errors import SettingError
    from arrow2bib.run import backends
    from arrow2bib.run.backends import AUTO_JOBS_BYTES

    def no_semaphores():
        raise NotImplementedError("system lacks sem_open")

    def no_queue(*args, **kwargs):
        raise OSError(38, "Function not implemented")

    page = _padded(tmp_path / "page.txt", AUTO_JOBS_BYTES)
    plain = tmp_path / "plain.bib"
    assert run("convert", str(page), "-o", str(plain), "-q", "--jobs", "1")[0] == 0
    monkeypatch.setattr(backends.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    if broken == "semaphores":
        monkeypatch.setattr(futures_process, "_check_system_limits", no_semaphores)
    else:
        monkeypatch.setattr(context.BaseContext, "SimpleQueue", no_queue)
    reason = backends.pool_unavailable()
    assert reason in ("system lacks sem_open", "[Errno 38] Function not implemented")
    out = tmp_path / "out.bib"
    code, _, err = run("convert", str(page), "-o", str(out), "-v")
    assert code == 0 and "working in" not in err and "warning: 2 processes" not in err, err
    assert out.read_bytes() == plain.read_bytes()
    out.unlink()
    code, _, err = run("convert", str(page), "-o", str(out), "--jobs", "2")
    assert code == 0, err
    assert err.startswith(f"arrow2bib: warning: 2 processes were asked for, but this system "
                          f"cannot run worker processes ({reason}); working in one.\n")
    assert out.read_bytes() == plain.read_bytes()
    assert "warning" not in run("convert", str(page), "-o", str(out), "--jobs", "2", "-q")[2]
    with pytest.raises(SettingError, match=r"jobs=2: this system cannot run worker processes"):
        arrow2bib.convert([page], "bibtex", tmp_path / "lib.bib", jobs=2)
    assert not (tmp_path / "lib.bib").exists()
    monkeypatch.undo()
    assert backends.pool_unavailable() is None  # this machine can


def _blocked_signals(_arg):
    import signal

    return signal.pthread_sigmask(signal.SIG_BLOCK, [])  # the mask, unchanged


@pytest.mark.skipif(not hasattr(__import__("signal"), "pthread_sigmask"),
                    reason="no signal masks on this system")
def test_workers_take_sigterm(tmp_path):
    """A worker is forked while the main process holds SIGINT and SIGTERM back (a submit is
    not cut by Ctrl-C): it inherited that mask, so the pool's SIGTERM to its workers after
    one had died did nothing, and a run whose worker was killed (the OOM killer) hung for
    good, with its output in place or not (found by the QA of the --jobs default)."""
    import signal

    from arrow2bib.run.backends import ProcessPool

    pool = ProcessPool(2)
    try:
        masks = [pool.submit(_blocked_signals, None, "mask").result() for _ in range(4)]
    finally:
        pool.close()
    assert all(signal.SIGTERM not in mask and signal.SIGINT not in mask for mask in masks)


def test_ctrl_c_while_the_plugins_load_is_no_traceback(tmp_path, monkeypatch):
    """Ctrl-C in the first moments of a run (the plugins loading) printed a KeyboardInterrupt
    traceback; it is an interrupt like any other: a line, exit 130, nothing written."""
    from arrow2bib import cli

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "get_plugin_manager", interrupted)
    out = tmp_path / "refs.bib"
    try:
        code, stdout, err = run("convert", str(SAMPLE), "-o", str(out))
    except KeyboardInterrupt:  # out of main(): the traceback a user saw
        pytest.fail("the interrupt left main()")
    assert (code, stdout, err) == (130, "", "arrow2bib: interrupted; nothing was written.\n")
    assert not out.exists()
