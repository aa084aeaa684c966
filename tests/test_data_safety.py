"""Data safety through the CLI: where -o writes (links, FIFOs, devices, sockets, stdout),
errors while writing anywhere, signals, inputs that an output may not overwrite, directory
inputs with stray files, binary inputs.

Every node a test writes to is made inside its temporary folder (device nodes with
``os.mknod``: (1, 3) behaves as /dev/null, (1, 7) as /dev/full); nothing of the system is
touched.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from arrow2bib.cli import main
from arrow2bib.write import files as write_files  # arrow2bib.write is also the function

from .conftest import ROOT, SAMPLE
from .test_cli import run

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not IS_ROOT, reason="making device nodes needs root")
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def _cli(*argv: str, **kwargs) -> subprocess.CompletedProcess:
    """arrow2bib as a real process (what the test is about is the process's own stdout,
    signals or user)."""
    if "stdout" not in kwargs and "stderr" not in kwargs:
        kwargs["capture_output"] = True
    return subprocess.run([sys.executable, "-m", "arrow2bib", *argv], text=True,
                          timeout=300, env=ENV, **kwargs)


def _page(tmp_path: Path, n: int, name: str = "big.txt", seed: int = 0) -> Path:
    from benchmarks.generate import write

    path = tmp_path / name
    with open(path, "w", encoding="utf-8") as out:
        write(n, out, seed)
    return path


def _device(path: Path, minor: int) -> Path:
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    return path


def _no_temporary_files(folder: Path) -> None:
    left = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert not left, left


def _expected_bibtex() -> str:
    code, out, _ = run("convert", str(SAMPLE), "--to", "bibtex")
    assert code == 0
    return out


# -- where -o writes -----------------------------------------------------------------------
def test_symlink_target_is_replaced_and_the_link_kept(tmp_path):
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    real = thesis / "refs.bib"
    real.write_text("old\n", encoding="utf-8")
    os.chmod(real, 0o640)
    work = tmp_path / "work"
    work.mkdir()
    link = work / "refs.bib"
    link.symlink_to(Path("..") / "thesis" / "refs.bib")
    code, _, err = run("convert", str(SAMPLE), "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == os.path.join("..", "thesis", "refs.bib")
    assert real.read_text(encoding="utf-8") == _expected_bibtex()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # the mode is kept
    _no_temporary_files(thesis)
    _no_temporary_files(work)


def test_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "refs.bib"
    link.symlink_to("made.bib")
    assert run("convert", str(SAMPLE), "-o", str(link))[0] == 0
    assert link.is_symlink() and (tmp_path / "made.bib").read_text() == _expected_bibtex()


def test_fifo_is_written_to_its_reader(tmp_path):
    fifo = tmp_path / "refs.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    code, _, err = run("convert", str(SAMPLE), "--to", "bibtex", "-o", str(fifo))
    reader.join(timeout=60)
    assert code == 0, err
    assert got == [_expected_bibtex().encode("utf-8")]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still a FIFO, not a file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.fifo"]


@needs_root
def test_null_device_is_written_and_stays_a_device(tmp_path):
    null = _device(tmp_path / "null", 3)
    code, _, err = run("convert", str(SAMPLE), "--to", "bibtex", "-o", str(null))
    assert code == 0, err
    assert stat.S_ISCHR(null.lstat().st_mode)
    assert os.major(null.lstat().st_rdev) == 1 and os.minor(null.lstat().st_rdev) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


@needs_root
def test_full_device_is_an_error_naming_it_and_stays_a_device(tmp_path):
    full = _device(tmp_path / "full", 7)
    code, out, err = run("convert", str(SAMPLE), "--to", "bibtex", "-o", str(full))
    assert code == 1 and out == ""
    assert err.startswith(f"arrow2bib: error: {full}: cannot write the output "
                          "(No space left on device)"), err
    assert "Traceback" not in err
    assert stat.S_ISCHR(full.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


def test_socket_is_refused(tmp_path):
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        code, _, err = run("convert", str(SAMPLE), "--to", "bibtex", "-o", str(path))
    finally:
        server.close()
    assert code == 2 and "this is a socket, which cannot take the output" in err
    assert stat.S_ISSOCK(path.lstat().st_mode)


def test_dash_is_stdout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run("convert", str(SAMPLE), "--to", "bibtex", "-o", "-")
    assert code == 0, err
    assert out == _expected_bibtex() and "to stdout" in err
    assert list(tmp_path.iterdir()) == []  # no file named '-'


def test_dash_for_a_format_of_several_files_is_a_usage_error(tmp_path, monkeypatch):
    page = _page(tmp_path, 150)  # ORCID bulk documents hold 100 works: two files
    monkeypatch.chdir(tmp_path)
    code, out, err = run("convert", str(page), "--to", "orcid", "-o", "-", "-q")
    assert code == 2 and out == "" and "several orcid documents" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.txt"]


# -- stdout -----------------------------------------------------------------------------------
@needs_root
def test_full_disk_on_stdout_is_one_line(tmp_path):
    full = _device(tmp_path / "full", 7)
    page = _page(tmp_path, 300)
    with open(full, "w") as stdout:
        result = _cli("convert", str(page), "--to", "bibtex", "-q", stdout=stdout,
                      stderr=subprocess.PIPE)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "arrow2bib: error: stdout: cannot write the output (No space left on device). Check "
        "the free space where stdout goes, or give -o PATH."]


def test_a_reader_that_stops_early_is_not_an_error(tmp_path):
    page = _page(tmp_path, 3000)
    process = subprocess.Popen([sys.executable, "-m", "arrow2bib", "convert", str(page),
                                "--to", "bibtex", "-q"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=ENV)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(100)  # | head -c 100
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=300) == 0
    assert err == ""


# -- errors while writing -----------------------------------------------------------------
def test_read_only_file_system_at_rename(tmp_path, monkeypatch):
    target = tmp_path / "refs.bib"
    target.write_text("mine\n", encoding="utf-8")

    def refuse(src, dst):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(dst))

    monkeypatch.setattr(write_files.os, "replace", refuse)
    code, _, err = run("convert", str(SAMPLE), "-o", str(target))
    assert code == 1
    assert err.splitlines()[-1] == (
        f"arrow2bib: error: {target}: cannot write the output (Read-only file system); "
        "nothing was written. Check the path, the permissions and the free space.")
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]


_AS_NOBODY = """
import io, os, sys
from arrow2bib.cli import main
# everything the run imports is loaded while root may still read the interpreter's files
main(["convert", "-", "--to", "bibtex", "-o", os.devnull], out=io.StringIO(), err=io.StringIO())
sys.stdin.seek(0)
os.setgid(65534)
os.setuid(65534)  # from here on, the user nobody
sys.exit(main(["convert", "-", "-o", "locked/refs.bib"]))
"""


@needs_root
def test_permission_denied_as_another_user(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o755)  # root's: the user nobody may not write in it
    os.chmod(tmp_path, 0o755)
    with open(SAMPLE, "rb") as page:
        result = subprocess.run([sys.executable, "-c", _AS_NOBODY], stdin=page,
                                capture_output=True, text=True, timeout=120, env=ENV,
                                cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "arrow2bib: error: locked/refs.bib: cannot write the output (Permission denied); "
        "nothing was written. Check the path, the permissions and the free space.")
    assert "Traceback" not in result.stderr
    assert list(folder.iterdir()) == []


# -- signals -----------------------------------------------------------------------------------
def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("signum, code, word", [(signal.SIGTERM, 143, "terminated"),
                                                (signal.SIGINT, 130, "interrupted")])
def test_signal_while_writing_leaves_nothing(tmp_path, page_5k, signum, code, word):
    # 5,000 papers: about a second of writing (20,000 took seconds of the suite for nothing)
    page = tmp_path / "big.txt"
    page.write_bytes(page_5k.read_bytes())
    target = tmp_path / "refs.bib"
    # SIGINT as a terminal's Ctrl-C gives it: a test run started in the background by a
    # non-interactive shell (CI, 'cmd &') has SIGINT ignored, and a child would inherit that
    process = subprocess.Popen([sys.executable, "-m", "arrow2bib", "convert", str(page),
                                "-o", str(target), "-q"], stderr=subprocess.PIPE, env=ENV,
                               preexec_fn=_default_sigint)
    deadline = time.monotonic() + 240
    while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
        assert process.poll() is None, "finished before it could be stopped"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    assert process.returncode == code
    assert err.decode().splitlines() == [f"arrow2bib: {word}; no output was written."]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.txt"]


# -- outputs that are inputs ------------------------------------------------------------------
def test_output_inside_a_directory_input_is_refused(tmp_path):
    pages = tmp_path / "d"
    pages.mkdir()
    (pages / "a.txt").write_bytes(SAMPLE.read_bytes())
    code, _, err = run("convert", str(pages), "--to", "json", "-o", str(pages / "a.txt"))
    assert code == 2 and "would overwrite the input" in err
    assert (pages / "a.txt").read_bytes() == SAMPLE.read_bytes()


def test_output_through_a_link_to_an_input_is_refused(tmp_path):
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE.read_bytes())
    (tmp_path / "out.json").symlink_to(page)
    code, _, err = run("convert", str(page), "--to", "json", "-o", str(tmp_path / "out.json"))
    # the message names the input the link leads to (it named the link twice)
    assert code == 2 and (f"would overwrite the input {os.path.realpath(page)} "
                          f"({tmp_path / 'out.json'} links to it)") in err
    assert page.read_bytes() == SAMPLE.read_bytes()


def test_numbered_orcid_file_may_not_be_an_input(tmp_path):
    page = _page(tmp_path, 150, name="works-001.xml")  # a page, named as the first bulk file
    before = page.read_bytes()
    code, _, err = run("convert", str(page), "--to", "orcid", "-o",
                       str(tmp_path / "works.xml"), "-q")
    assert code == 2 and f"{tmp_path / 'works-001.xml'}: the output would overwrite" in err
    assert page.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["works-001.xml"]


# -- directory inputs and binary inputs ------------------------------------------------------
def test_directory_skips_files_that_are_not_pages_naming_each(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "he.txt").write_bytes(SAMPLE.read_bytes())
    (pages / "readme.txt").write_text("These are my saved pages.\n", encoding="utf-8")
    (pages / "paper.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    (pages / "scan.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (pages / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (pages / "sub").mkdir()
    code, out, err = run("convert", str(pages), "--to", "bibtex")
    assert code == 0, err
    assert out == _expected_bibtex()
    skipped = [line for line in err.splitlines() if "[skipped-file]" in line]
    assert skipped == [
        f"{pages / 'paper.pdf'}: warning: Skipped this file of the directory: its name does "
        "not end in .txt, .html, .htm, .mht or .mhtml. [skipped-file]",
        f"{pages / 'readme.txt'}: warning: Skipped this file of the directory: This is not "
        "an Arrow author page: it has neither the page header ('Author name cluster', "
        "'N papers') nor any venue line such as 'NeurIPS Conference 2025 Conference Paper'. "
        "Check that you saved the author page itself. [skipped-file]",
        f"{pages / 'scan.html'}: warning: Skipped this file of the directory: This is a PNG "
        "image, not a saved Arrow page. Open the author page in a browser and save it as "
        "text or HTML (or give its URL). [skipped-file]",
    ]
    assert run("convert", str(pages), "--to", "bibtex", "--strict")[0] == 1


def test_directory_entries_named_as_pages_that_are_no_files_are_named(tmp_path):
    """A link to nothing, a link that loops, a FIFO and a folder, each named like a page, are
    skipped with a warning each (they were left out without a word); a folder named otherwise
    (a saved page's "_files") and hidden files are not pages, and not reported."""
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "he.txt").write_bytes(SAMPLE.read_bytes())
    (pages / "gone.txt").symlink_to(tmp_path / "nowhere" / "p.txt")
    (pages / "l1.html").symlink_to(pages / "l2.html")
    (pages / "l2.html").symlink_to(pages / "l1.html")
    os.mkfifo(pages / "fifo.txt")
    (pages / "old.txt").mkdir()
    (pages / "he_files").mkdir()
    code, out, err = run("convert", str(pages), "--to", "bibtex")
    assert code == 0, err
    assert out == _expected_bibtex()
    reasons = {line.split(": warning: ")[0]: line.split("directory: ")[1]
               for line in err.splitlines() if "[skipped-file]" in line}
    assert reasons == {
        str(pages / "fifo.txt"): "it is a FIFO, not a file (give it on its own to read from "
                                 "it). [skipped-file]",
        str(pages / "gone.txt"): f"it is a symbolic link to {tmp_path / 'nowhere' / 'p.txt'}, "
                                 "which does not exist. [skipped-file]",
        str(pages / "l1.html"): "it is a symbolic link that loops. [skipped-file]",
        str(pages / "l2.html"): "it is a symbolic link that loops. [skipped-file]",
        str(pages / "old.txt"): "it is a directory (directories inside are not searched: give "
                                "it on its own). [skipped-file]",
    }


def test_empty_directory_is_named(tmp_path):
    code, _, err = run("convert", str(tmp_path), "--to", "bibtex")
    assert code == 1
    assert err.startswith(f"arrow2bib: error: {tmp_path}: This directory holds no Arrow page")


@pytest.mark.parametrize("name, head, kind", [
    ("paper.pdf", b"%PDF-1.5\n%\xb5\xed\xae\xfb\n", "a PDF document"),
    ("shot.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a PNG image"),
    ("photo.jpg", b"\xff\xd8\xff\xe0\0\x10JFIF", "a JPEG image"),
    ("pages.zip", b"PK\x03\x04\x14\0\0\0\x08\0", "a ZIP archive"),
    ("page.txt.gz", b"\x1f\x8b\x08\0\0\0\0\0", "a gzip-compressed file"),
])
def test_binary_input_is_named(tmp_path, name, head, kind):
    path = tmp_path / name
    path.write_bytes(head + bytes(range(256)) * 4)
    code, out, err = run("convert", str(path), "--to", "bibtex")
    assert code == 1 and out == ""
    assert err.startswith(f"arrow2bib: error: {path}: This is {kind}")
    assert "--encoding" not in err and "cp1252" not in err


# -- the exit-code table of the README -------------------------------------------------------
def _table_rows() -> list[tuple[str, str]]:
    text = (ROOT / "docs" / "usage.md").read_text(encoding="utf-8")  # moved from the README
    start = text.index("| exit code | when |")
    rows = []
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append((cells[0].strip("`"), cells[1]))
    return rows


EXIT_CASES = {
    # README row -> a command line that must exit with the row's code
    "0": [["convert", "{page}", "--to", "bibtex"]],
    "1": [["convert", "{missing}"], ["convert", "{pdf}"], ["check", "{damaged}"],
          ["convert", "{page}", "--to", "bibtex", "-o", "{nodir}/refs.bib"]],
    "2": [["convert", "{page}", "--to", "nosuch"], ["convert", "{page}", "-k", "{{nosuch}}"],
          ["convert", "{page}", "-k", "_{{auth}}"],
          ["convert", "{page}", "--to", "bibtex", "-O", "encoding=maybe"],
          ["convert", "{page}", "--to", "bibtex", "-O", "nosuch=1"],
          ["convert", "{page}", "--to", "text", "--style", "nosuchstyle"],
          ["convert", "{page}", "--to", "text", "-O", "et-al=x"],
          ["convert", "{page}", "--encoding", "klingon"],
          ["convert", "{page}", "--merge-into", "{nodir}.bib", "--bib-encoding", "klingon"],
          ["convert", "{page}", "-o", "{page}", "--to", "json"],
          ["convert", "{page}", "--to", "bibtex", "-o", "{dir}"],
          ["convert", "{page}", "--jobs", "0"], ["convert"]],
}


def test_readme_exit_code_table_is_what_the_cli_does(tmp_path):
    rows = _table_rows()
    assert [code for code, _ in rows] == ["0", "1", "2", "3", "130", "143"]
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE.read_bytes())
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    damaged = tmp_path / "damaged.txt"
    damaged.write_text("Author name cluster\n\nX\n\n1 papers\n\nNeurIPS Conference 2020 "
                       "Conference Paper\n\nA title\n\n", encoding="utf-8")
    names = dict(page=page, missing=tmp_path / "missing.txt", pdf=pdf, damaged=damaged,
                 nodir=tmp_path / "nodir", dir=tmp_path)
    for code, argvs in EXIT_CASES.items():
        for argv in argvs:
            filled = [a.format(**names) for a in argv]
            got, _, err = run(*filled)
            assert str(got) == code, (filled, err)
            assert "Traceback" not in err
    # 130 and 143 are driven by test_signal_while_writing_leaves_nothing, 3 by
    # tests/test_installed_plugins.py (a plugin that raises)


def test_console_script_exit_code_for_stdout_closed(tmp_path):
    result = _cli("convert", str(SAMPLE), "--to", "bibtex", stdout=subprocess.DEVNULL,
                  stderr=subprocess.PIPE)
    assert result.returncode == 0 and "Traceback" not in result.stderr


def test_in_process_main_restores_sigterm():
    before = signal.getsignal(signal.SIGTERM)
    main(["formats"], out=io.StringIO(), err=io.StringIO())
    assert signal.getsignal(signal.SIGTERM) == before


# -- the library ---------------------------------------------------------------------------
def test_library_write_refuses_to_overwrite_the_page(tmp_path):
    import arrow2bib

    page_file = tmp_path / "page.txt"
    page_file.write_bytes(SAMPLE.read_bytes())
    page = arrow2bib.parse_file(page_file)
    with pytest.raises(arrow2bib.OutputPathError, match="would overwrite the input"):
        arrow2bib.write(page, page_file, "bibtex")
    assert page_file.read_bytes() == SAMPLE.read_bytes()


def test_temporary_files_error_names_tmpdir(monkeypatch, tmp_path):
    from arrow2bib._scratch import scratch_error

    monkeypatch.setenv("TMPDIR", str(tmp_path / "scratch"))
    monkeypatch.delenv("SQLITE_TMPDIR", raising=False)
    message = str(scratch_error(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
    assert f"temporary files in {tmp_path / 'scratch'} (TMPDIR) failed (No space left" in message
