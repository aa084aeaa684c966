"""The one engine on its three backends (this process, a process pool, a Dask cluster): the same
bytes and the same problems; a plugin written against the documented contracts runs on each;
no worker outlives the main process; a dead worker is one error naming its input."""

from __future__ import annotations

import http.server
import io
import os
import re
import signal
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import arrow2bib
from arrow2bib import Layout, Problem, Severity
from arrow2bib.checks import Check
from arrow2bib.errors import WorkerError
from arrow2bib.exporters.base import Exporter
from arrow2bib.plugins import get_plugin_manager
from arrow2bib.run.backends import InProcess, ProcessPool

from . import contract_plugin, crash_plugin
from .conftest import ROOT, SAMPLE

distributed = pytest.importorskip(
    "distributed", reason="the Dask extra is not installed (pip install 'arrow2bib[dask]')")

from arrow2bib.run.backends import DaskBackend  # noqa: E402


@pytest.fixture
def client(dask_client):
    return dask_client


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[str]:
    """A page of 1,200 generated papers (several batches, cut in two parts for the workers), the
    sample page as text and as HTML (every paper a copy, every key a collision), and a page
    with copies across pages."""
    from benchmarks.generate import write

    folder = tmp_path_factory.mktemp("pages")
    with open(folder / "big.txt", "w", encoding="utf-8") as out:
        write(1200, out, seed=5)
    (folder / "sample.html").write_bytes(
        (ROOT / "tests" / "data" / "xiuqiang-he.clean.html").read_bytes())
    return [str(folder / "big.txt"), str(SAMPLE), str(folder / "sample.html")]


BACKENDS = ["in-process", "pool", "dask"]


def _backend(name: str, client):
    return {"in-process": InProcess, "pool": lambda: ProcessPool(2),
            "dask": lambda: DaskBackend(client)}[name]()


def _convert_everywhere(client, pages, tmp_path, fmt, **kwargs):
    """The output bytes and the problems of each backend."""
    got = {}
    for name in BACKENDS:
        folder = tmp_path / name
        folder.mkdir()
        ext = arrow2bib.formats(kwargs.get("pm")).get(fmt).extension
        result = arrow2bib.convert(pages, fmt, folder / f"refs{ext}",
                                   backend=_backend(name, client), **kwargs)
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
        got[name] = (files, result.problems,
                     (result.read, result.written, result.merged, result.skipped))
    return got


@pytest.mark.parametrize("fmt,dedupe", [
    ("bibtex", "keep"), ("bibtex", "first"), ("bibtex", "merge"), ("csljson", "first"),
    ("json", "first"),
])
def test_three_backends_give_identical_bytes_and_problems(client, pages, tmp_path, fmt, dedupe):
    pm = get_plugin_manager(load_installed=False)
    got = _convert_everywhere(client, pages, tmp_path, fmt, dedupe=dedupe, pm=pm)
    assert got["in-process"] == got["pool"] == got["dask"]
    files, problems, (read, written, merged, skipped) = got["in-process"]
    assert read == 1200 + 13 + 13
    assert written + merged + skipped == read
    codes = {p.code for p in problems}
    assert "truncated-authors" in codes
    if dedupe == "keep":
        assert "duplicate" in codes
    else:  # each removed copy is reported once, as removed
        assert "dedupe" in codes and written < read
    assert sum(len(data) for data in files.values()) > 100_000


@pytest.mark.parametrize("papers", [0, 1, 63, 64, 1_000, 7_777, 50_000, 1_000_000])
def test_batches_sent_to_workers_start_small_and_end_small(papers):
    # the first batch is checked here before any worker has work, and the last ones come
    # back while this process waits: both small; the middle ones SLICE; in this process
    # LOCAL_SLICE throughout
    from arrow2bib.run.engine import LOCAL_SLICE, MIN_SLICE, SLICE, batch_size

    depth, left, sizes = 4, papers, []
    while left > 0:
        sizes.append(min(batch_size(len(sizes), left, False, depth), left))
        left -= sizes[-1]
    assert sum(sizes) == papers
    assert all(size <= SLICE for size in sizes)
    assert all(size >= MIN_SLICE for size in sizes[:-1])
    if papers >= 10 * SLICE:
        assert sizes[:4] == [SLICE // 8, SLICE // 4, SLICE // 2, SLICE]
        assert SLICE in sizes
        assert sizes[-depth:] == sorted(sizes[-depth:], reverse=True)
        assert max(sizes[-2 * depth:]) < SLICE // 2
        # the small ones are few: about log2 of SLICE / MIN_SLICE at each end
        assert len(sizes) <= papers // SLICE + 40
    assert all(batch_size(number, papers, True, 1) == LOCAL_SLICE for number in range(5))


def _small_pages(folder: Path) -> list[str]:
    """Pages smaller than a batch: a batch of the second pass covers several of them."""
    text = SAMPLE.read_text(encoding="utf-8")
    header = text[:text.index("Possible papers\n") + len("Possible papers\n")]
    (folder / "empty.txt").write_text(header.replace("13 papers", "2 papers"),
                                      encoding="utf-8")
    (folder / "again.txt").write_text(text, encoding="utf-8")
    return [str(SAMPLE), str(folder / "empty.txt"),
            str(ROOT / "tests" / "data" / "xiuqiang-he.messy.html"), str(folder / "again.txt"),
            str(SAMPLE)]


@pytest.mark.parametrize("fmt", ["bibtex", "orcid", "json"])
def test_where_the_batches_end_changes_no_byte_and_no_problem(tmp_path, monkeypatch, fmt):
    # a batch of the second pass may end inside a page or cover several pages (and a page
    # with no paper): the output and the report, problems in order, are those of batches of
    # one paper each (every page's papers in batches of their own)
    from arrow2bib.run import engine

    pm = get_plugin_manager(load_installed=False)
    pm.register(contract_plugin, name="contract")  # a page-level check, in order
    small = _small_pages(tmp_path)
    got = {}
    for most in (1, 5, 8, None):
        if most is not None:
            monkeypatch.setattr(engine, "batch_size", lambda *_args, most=most: most)
        else:
            monkeypatch.undo()
        folder = tmp_path / f"out-{most}"
        folder.mkdir()
        result = arrow2bib.convert(small, fmt, folder / "refs", pm=pm)
        got[most] = ({p.name: p.read_bytes() for p in folder.iterdir()}, result.problems,
                     result.read, result.written)
    assert got[1] == got[5] == got[8] == got[None]
    files, problems, read, written = got[None]
    assert read == written == 13 * 4
    assert [p.source for p in problems if p.code == "authors-per-page"] == small
    # the page with no paper: its count, between the papers of the pages around it
    place = [n for n, p in enumerate(problems) if p.source == small[1]]
    assert [problems[n].code for n in place] == ["count-mismatch", "authors-per-page"]
    assert problems[place[0] - 1].source == small[0]
    assert problems[place[-1] + 1].source == small[2]


def test_a_batch_covers_several_small_pages(tmp_path, monkeypatch):
    # fewer, larger tasks: five pages of at most 13 papers are one batch, not five
    from arrow2bib.run import engine, stages

    sizes: list[int] = []
    real = stages.check_and_format

    def counted(batch):
        sizes.append(len(batch.papers))
        return real(batch)

    monkeypatch.setattr(engine, "check_and_format", counted)
    result = arrow2bib.convert(_small_pages(tmp_path), "bibtex", tmp_path / "refs.bib",
                               pm=get_plugin_manager(load_installed=False))
    assert result.read == 52 and sizes == [52]


class _Recording(InProcess):
    """Tasks run in this process, but sent as to workers (``local`` is False), each named."""

    local = False
    depth = 4
    parts = 2

    def __init__(self):
        self.tasks: list[tuple[str, object]] = []

    def submit(self, fn, arg, label):
        self.tasks.append((fn.__name__, arg))
        return super().submit(fn, arg, label)


def test_small_pages_are_read_several_to_a_task(tmp_path):
    from benchmarks.generate import write

    from arrow2bib.run.engine import GROUP_BYTES

    big = tmp_path / "big.txt"
    with open(big, "w", encoding="utf-8") as out:
        write(800, out, seed=3)
    assert big.stat().st_size >= GROUP_BYTES
    small = _small_pages(tmp_path)
    pages = [*small[:3], str(big), *small[3:]]
    pm = get_plugin_manager(load_installed=False)
    backend = _Recording()
    sent = arrow2bib.convert(pages, "bibtex", tmp_path / "sent.bib", pm=pm, backend=backend)
    here = arrow2bib.convert(pages, "bibtex", tmp_path / "here.bib", pm=pm)
    assert (tmp_path / "sent.bib").read_bytes() == (tmp_path / "here.bib").read_bytes()
    assert sent.problems == here.problems and sent.read == here.read == 800 + 4 * 13
    reads = [[task.item for task in arg] for name, arg in backend.tasks if name == "read_all"]
    # the small pages before the large one in one task, the large one alone, then the rest
    assert reads == [small[:3], [str(big)], small[3:]]


def test_the_results_of_a_batch_cut_in_two_join_as_the_whole(tmp_path):
    # what a dead worker's batch is cut into, page by page, gives back the whole batch's
    # result once joined with the format's separator
    from arrow2bib.run import stages
    from arrow2bib.run._spool import paper_tuple

    pm = get_plugin_manager(load_installed=False)
    pm.register(contract_plugin, name="contract")
    first = arrow2bib.parse_file(SAMPLE)
    second = arrow2bib.parse_file(ROOT / "tests" / "data" / "xiuqiang-he.messy.html")
    papers = [*first.papers, *second.papers]
    keys = [f"k{number}" for number in range(len(papers))]
    write = [number % 3 != 1 for number in range(len(papers))]
    plugins = stages.describe(pm)
    for fmt in ("bibtex", "biblatex", "ris", "csljson", "tsv"):
        def batch(start, end, pages, fmt=fmt):
            return stages.Batch(pages=pages, keys=keys[start:end],
                                papers=[paper_tuple(p) for p in papers[start:end]],
                                write=write[start:end], plugins=plugins, fmt=fmt, extra={},
                                skip=(), layout=True)

        cut = len(first.papers)
        whole = stages.check_and_format(batch(0, len(papers), (first, second)))
        exporter = arrow2bib.formats(pm).get(fmt)
        separator = exporter.layout(engine_options(exporter)).separator
        parts = [stages.check_and_format(batch(0, cut, (first,))),
                 stages.check_and_format(batch(cut, len(papers), (second,)))]
        assert stages.joined(parts, separator) == whole
        assert whole.text and any(whole.problems)


def engine_options(exporter):
    from arrow2bib.run.engine import export_options

    return export_options(exporter, {}, lambda problem: None, {})


def test_a_plugin_written_to_the_contract_runs_on_every_backend(client, pages, tmp_path):
    pm = get_plugin_manager(load_installed=False)
    pm.register(contract_plugin, name="contract")
    with distributed.get_task_stream(client) as stream:
        got = _convert_everywhere(client, pages, tmp_path, "tsv", pm=pm)
    assert got["in-process"] == got["pool"] == got["dask"]
    files, problems, (read, written, _merged, _skipped) = got["in-process"]
    lines = files["refs.tsv"].decode("utf-8").splitlines()
    assert lines[0] == "key\tyear\ttitle" and len(lines) == 1 + written == 1 + read
    long = [p for p in problems if p.code == "long-title"]
    assert long and all(len(p.title) > 60 for p in long)
    per_page = [p for p in problems if p.code == "authors-per-page"]
    assert [p.source for p in per_page] == pages
    # on Dask the paper checks and the formatting ran on the workers
    assert any("check_and_format" in str(task["key"]) for task in stream.data)
    # one paper's problems in the order of registration: the built-in checks, then the
    # plugin's paper check (run on the backend) after the duplicate check (run here)
    codes = [p.code for p in problems]
    assert any(a == "duplicate" and b == "long-title" for a, b in zip(codes, codes[1:]))


class OldFraming(Exporter):
    """An exporter written to the 0.2 contract (framing and format_entry)."""

    name = "old-lines"
    extension = ".lines"

    def framing(self, options):
        return Layout(head="# titles\n", separator="")

    def format_entry(self, entry, options):
        return entry.paper.title + "\n"

    def export(self, entries, out, options):
        self.write_framed(entries, out, options)


class OldScope(Check):
    """A check written to the 0.2 contract (scope = "paper")."""

    name = "old-scope"
    codes = ("old-scope",)
    scope = "paper"

    def paper(self, paper, key):
        if paper.year and paper.year < 2018:
            yield Problem(code=self.name, severity=Severity.INFO, message="Before 2018.",
                          source=paper.source, line=paper.line, key=key)


class OldPlugin:
    @arrow2bib.hookimpl
    def register_exporters(self, register):
        register(OldFraming())

    @arrow2bib.hookimpl
    def register_checks(self, register):
        register(OldScope)


def test_the_02_contracts_still_work_with_a_deprecation_warning(pages, tmp_path):
    pm = get_plugin_manager(load_installed=False)
    pm.register(OldPlugin(), name="old")
    outputs = []
    for jobs in (1, 2):
        with pytest.warns(DeprecationWarning) as caught:
            result = arrow2bib.convert(pages, "old-lines", tmp_path / f"{jobs}.lines", jobs=jobs,
                                       pm=pm)
        said = " ".join(str(w.message) for w in caught)
        assert "framing()" in said and "format_entry()" in said and "scope" in said
        assert any(p.code == "old-scope" for p in result.problems)
        outputs.append((tmp_path / f"{jobs}.lines").read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith("# titles\n") and outputs[0].count("\n") == 1 + result.written


def test_convert_writes_to_a_stream_a_function_or_nowhere(pm):
    stream = io.StringIO()
    result = arrow2bib.convert([SAMPLE], "bibtex", stream, pm=pm)
    assert stream.getvalue() == arrow2bib.export(arrow2bib.parse_file(SAMPLE), "bibtex")
    assert (result.read, result.written, result.where) == (13, 13, "stdout")
    seen = []

    def collect(entries, options):
        seen.extend(entry.key for entry in entries)
        return "a list"

    result = arrow2bib.convert([SAMPLE], "bibtex", collect, dedupe="first", pm=pm)
    assert result.where == "a list" and len(seen) == result.written == 13
    checked = arrow2bib.convert([SAMPLE], "ris", None, pm=pm)
    assert checked.written == 0 and checked.read == 13
    assert [p.code for p in checked.problems] == [
        p.code for p in arrow2bib.check(arrow2bib.parse_file(SAMPLE), "ris", pm=pm)]
    reported = []
    quiet = arrow2bib.convert([SAMPLE], out=None, report=reported.append, pm=pm)
    assert quiet.problems == [] and reported == arrow2bib.check(arrow2bib.parse_file(SAMPLE),
                                                                pm=pm)


def test_convert_picks_the_format_from_the_extension_and_protects_its_inputs(pm, tmp_path):
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE.read_bytes())
    result = arrow2bib.convert([page], out=tmp_path / "refs.ris", pm=pm)
    assert result.files == [tmp_path / "refs.ris"]
    assert (tmp_path / "refs.ris").read_text(encoding="utf-8").startswith("TY  - ")
    with pytest.raises(arrow2bib.OutputPathError, match="overwrite the input"):
        arrow2bib.convert([page], "bibtex", page, pm=pm)
    assert page.read_bytes() == SAMPLE.read_bytes()


# -- process hygiene -----------------------------------------------------------------------

def _crashing_page(tmp_path: Path) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    title = "DeepFM: A Factorization-Machine based Neural Network for CTR Prediction"
    assert title in text
    page = tmp_path / "crash.txt"
    page.write_text(text.replace(title, "Crash here"), encoding="utf-8")
    return page


@pytest.mark.parametrize("backend", ["pool", "dask"])
def test_a_dead_worker_is_one_error_naming_its_page(client, tmp_path, monkeypatch, backend):
    monkeypatch.setenv("ARROW2BIB_TEST_MAIN_PID", str(os.getpid()))
    page = _crashing_page(tmp_path)
    pm = get_plugin_manager(load_installed=False)
    pm.register(crash_plugin, name="crash")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(WorkerError) as raised:
        arrow2bib.convert([SAMPLE, page], "bibtex", out / "refs.bib",
                          backend=_backend(backend, client), pm=pm)
    assert str(page) in str(raised.value) and raised.value.source.startswith(str(page))
    assert list(out.iterdir()) == []
    # in one process the plugin does nothing: the same pages convert
    arrow2bib.convert([SAMPLE, page], "bibtex", out / "refs.bib", pm=pm)
    assert (out / "refs.bib").exists()


@pytest.mark.parametrize("backend", ["pool", "dask"])
def test_a_worker_dead_while_reading_small_pages_names_its_page(client, tmp_path, monkeypatch,
                                                                 backend):
    # small pages are read several to a task: the error still names the page, not the task
    monkeypatch.setenv("ARROW2BIB_TEST_MAIN_PID", str(os.getpid()))
    text = SAMPLE.read_text(encoding="utf-8")
    title = "DeepFM: A Factorization-Machine based Neural Network for CTR Prediction"
    page = tmp_path / "crash-read.txt"
    page.write_text(text.replace(title, "Crash when read"), encoding="utf-8")
    pm = get_plugin_manager(load_installed=False)
    pm.register(crash_plugin, name="crash")
    with pytest.raises(WorkerError) as raised:
        arrow2bib.convert([SAMPLE, page, SAMPLE], "bibtex", tmp_path / "refs.bib",
                          backend=_backend(backend, client), pm=pm)
    assert raised.value.source.startswith(str(page)), raised.value
    assert not (tmp_path / "refs.bib").exists()


CLI = """
import os, sys
os.environ["ARROW2BIB_TEST_MAIN_PID"] = str(os.getpid())
import arrow2bib.cli
from arrow2bib.plugins import get_plugin_manager
from tests import crash_plugin

def plugins(**kwargs):
    pm = get_plugin_manager(**kwargs)
    pm.register(crash_plugin, name="crash")
    return pm

arrow2bib.cli.get_plugin_manager = plugins
sys.exit(arrow2bib.cli.main(sys.argv[1:]))
"""


def test_a_dead_worker_under_the_cli_exits_1_and_writes_nothing(tmp_path):
    page = _crashing_page(tmp_path)
    out = tmp_path / "refs.bib"
    run = subprocess.run([sys.executable, "-c", CLI, "convert", str(SAMPLE), str(page),
                          "--jobs", "2", "-o", str(out)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and "BrokenProcessPool" not in run.stderr
    assert f"arrow2bib: error: {page}" in run.stderr and "worker process died" in run.stderr
    assert not out.exists() and sorted(os.listdir(tmp_path)) == ["crash.txt"]


class _Silent(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


class _NeverAnswers(http.server.BaseHTTPRequestHandler):
    """Takes the request and holds it: the worker that fetches the page waits."""

    def do_GET(self):  # noqa: N802
        self.server.asked.set()
        self.server.release.wait(60)

    def log_message(self, *args):
        pass


@pytest.fixture
def stalled_url():
    server = _Silent(("127.0.0.1", 0), _NeverAnswers)
    server.asked, server.release = threading.Event(), threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}/page.txt"
    server.release.set()
    server.shutdown()
    server.server_close()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_until_gone(pgid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _group_alive(pgid):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_killing_the_main_process_leaves_no_worker(stalled_url, tmp_path, how):
    server, url = stalled_url
    out = tmp_path / "refs.bib"
    main = subprocess.Popen([sys.executable, "-m", "arrow2bib", "convert", str(SAMPLE), url,
                             "--jobs", "2", "-o", str(out)], cwd=tmp_path,
                            start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        assert server.asked.wait(60), "no worker fetched the page"
        os.kill(main.pid, how)
        main.wait(timeout=30)
        # the main process is reaped; its workers were in its process group
        assert _wait_until_gone(main.pid, 10), "a worker outlived the main process"
    finally:
        if _group_alive(main.pid):
            os.killpg(main.pid, signal.SIGKILL)
        main.stderr.close()
    assert main.returncode == (-signal.SIGKILL if how == signal.SIGKILL else 143)
    assert sorted(os.listdir(tmp_path)) == []  # no output, no temporary file left


def _collector_threshold(_arg: object) -> tuple[int, int, int]:
    import gc

    return gc.get_threshold()


def test_the_runs_own_processes_collect_young_objects_less_often(tmp_path, monkeypatch):
    """The --jobs workers and the command line set the collector's young threshold (see
    arrow2bib.run._collector); the command line gives its caller's settings back."""
    import gc

    import arrow2bib.cli
    from arrow2bib.cli import main
    from arrow2bib.run import _collector

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)  # CPython's default, whatever the test process had
        pool = ProcessPool(1)
        try:
            assert pool.submit(_collector_threshold, None, "test").result() == (
                _collector.YOUNG, 10, 10)
        finally:
            pool.close()
        seen = []
        monkeypatch.setattr(_collector, "YOUNG", 12_345)
        real_convert = arrow2bib.cli.convert

        def convert(*args, **kwargs):
            seen.append(gc.get_threshold())
            return real_convert(*args, **kwargs)

        monkeypatch.setattr(arrow2bib.cli, "convert", convert)
        out = tmp_path / "refs.bib"
        assert main(["convert", str(SAMPLE), "-o", str(out), "-q"]) in (0, 1)
        assert out.exists() and seen == [(12_345, 10, 10)]
        assert gc.get_threshold() == (700, 10, 10)  # given back
        gc.set_threshold(0)  # a caller that turned collection off keeps it off
        _collector.tune()
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)


_HALF_SENT = """
import os, struct, sys, threading, time
from arrow2bib.run.backends import ProcessPool

pool = ProcessPool(1)
pool.submit(time.sleep, 60, "sleeper").future  # a worker, busy
for _ in range(100):  # until it runs (a fork takes some 0.05 s)
    if any(p.is_alive() for p in pool._pool._processes.values()):
        break
    time.sleep(0.05)
# what a worker killed halfway through sending a result leaves on the result pipe: a message
# of 1,000 bytes announced and 10 sent (this process holds the pipe's writing end as well)
writer = pool._pool._result_queue._writer
os.write(writer.fileno(), struct.pack("!i", 1000) + b"x" * 10)
time.sleep(0.2)  # the pool's manager thread is now reading the other 990
pool.close(abort=True)
print("closed")
"""


def test_an_aborted_pool_closes_though_a_result_was_half_sent(tmp_path):
    """A signal that kills the workers while one is sending its result: the pool's manager
    thread would wait for the rest of the message forever, and the interrupted run with it
    (1 run in 20 hung after Ctrl-C at --jobs 2). Run in a process of its own, so that a hang
    is a timeout here, not a test session that never ends."""
    result = subprocess.run([sys.executable, "-c", _HALF_SENT], capture_output=True,
                            text=True, timeout=30, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 0 and result.stdout == "closed\n", result.stderr


_FORK_MASK = """
import os, signal
from arrow2bib.run.backends import ProcessPool

masks = []
os.register_at_fork(before=lambda: masks.append(signal.pthread_sigmask(signal.SIG_BLOCK, [])))
pool = ProcessPool(2)
for n in range(4):
    pool.submit(abs, -n, "task").result()
pool.close()
assert masks, "no worker was forked"
print(all({signal.SIGINT, signal.SIGTERM} <= mask for mask in masks))
"""


def test_workers_are_forked_with_ctrl_c_and_sigterm_held():
    """A SIGTERM handled inside fork's own bookkeeping raised where Python can only print
    "Exception ignored", and the run went on to exit 0: the pool starts its workers with
    both signals held (delivered right after)."""
    result = subprocess.run([sys.executable, "-c", _FORK_MASK], capture_output=True,
                            text=True, timeout=60, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 0 and result.stdout == "True\n", result.stderr


@pytest.mark.parametrize("arguments, words", [
    ({"pages": str(SAMPLE)}, "takes the pages in a list"),
    ({"skip": "duplicate"}, "skip takes check names in a list"),
    ({"skip": ["nosuch"]}, "there is no check 'nosuch'"),
    ({"dedupe": "zz"}, "dedupe must be one of keep, first, merge"),
    ({"dedupe": "first", "skip": ["duplicate"]}, "needs the duplicate check"),
    ({"jobs": 0}, "jobs takes a number of processes"),
    ({"jobs": "many"}, "jobs takes a number of processes"),
    ({"to": None, "out": io.StringIO()}, "convert() needs a format"),
    ({"out": 5}, "out takes a path (a str or os.PathLike), an open text stream"),
    ({"out": b"refs.bib"}, "not bytes b'refs.bib'"),
    ({"out": io.BytesIO()}, "out is a binary stream; the run writes text"),
])
def test_library_arguments_are_setting_errors(tmp_path, arguments, words):
    """What the command line refuses as a usage error, the library refuses with a
    SettingError (an Arrow2BibError, as docs/usage.md promises), before reading anything:
    they were ValueErrors and TypeErrors, and skip="duplicate" was read as characters."""
    given = {"pages": [str(SAMPLE)], "to": "bibtex", "out": tmp_path / "refs.bib", **arguments}
    with pytest.raises(arrow2bib.SettingError, match=re.escape(words)):
        arrow2bib.convert(given.pop("pages"), given.pop("to"), given.pop("out"), **given)
    assert not (tmp_path / "refs.bib").exists()


def test_library_out_refuses_a_binary_file(tmp_path):
    with open(tmp_path / "refs.bib", "wb") as binary:
        with pytest.raises(arrow2bib.SettingError, match="binary stream"):
            arrow2bib.convert([str(SAMPLE)], "bibtex", binary)
    assert (tmp_path / "refs.bib").read_bytes() == b""


def test_library_jobs_auto_is_one_per_cpu(tmp_path):
    result = arrow2bib.convert([str(SAMPLE)], "bibtex", tmp_path / "refs.bib", jobs="auto")
    assert result.written == 13


def _sample():
    return arrow2bib.parse_file(SAMPLE)


@pytest.mark.parametrize("call, words", [
    (lambda: arrow2bib.export("the page's text", "bibtex"), "not str"),
    (lambda: arrow2bib.export(["a", "b"], "ris"), "one item is str"),
    (lambda: arrow2bib.export(_sample(), None), "not NoneType"),
    (lambda: arrow2bib.export(_sample(), "bibtex", options={"sort": 1}), "not int 1"),
    (lambda: arrow2bib.export(_sample(), "bibtex", options="sort=year"), "not str"),
    (lambda: arrow2bib.export(_sample(), "bibtex", key_pattern=5), "not int"),
    (lambda: arrow2bib.parse(SAMPLE), "for a path, use parse_file()"),
    (lambda: arrow2bib.parse(None), "not NoneType"),
    (lambda: arrow2bib.parse(b"x", encoding=123), "not int"),
    (lambda: arrow2bib.parse_file(bytes(SAMPLE)), "not bytes"),
    (lambda: arrow2bib.check("the page's text"), "not str"),
    (lambda: arrow2bib.check(list(_sample().papers)), "not papers"),
])
def test_library_calls_with_the_wrong_kind_of_argument_are_setting_errors(call, words):
    """docs/usage.md: every exception derives from Arrow2BibError. A wrong kind of argument
    was an AttributeError or TypeError from deep inside (parse(None) was read as an empty
    page); it is a SettingError that says what to give."""
    with pytest.raises(arrow2bib.SettingError, match=re.escape(words)):
        call()
