"""What fuzzing found, pinned; and "no traceback reaches a user for any input tried".

- Every crash the atheris fuzzers (``fuzz/``) or their review found is a case here. Crashes
  in the exporters were fixed too; each stays here as a regression test.
- The committed seed corpora are replayed through the fuzzers' own checks (the checks run
  without atheris; the exporter replay needs it, to turn bytes into papers).
- The command line runs as a real subprocess (``python -m arrow2bib convert FILE --to FMT``)
  over nasty inputs for every built-in format: exit code 0, 1 or 2, never a traceback.
"""

from __future__ import annotations

import errno
import gc
import http.server
import importlib.util
import io
import os
import random
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import pytest
from lxml import etree

import arrow2bib
from arrow2bib import FetchError, InputError, Paper, Person
from arrow2bib.plugins import get_plugin_manager
from arrow2bib.read.fetch import fetch
from arrow2bib.read.sources import MAX_LINE, lines_from_stream

from .conftest import ROOT, SAMPLE

FUZZ = ROOT / "fuzz"
VENUE = "AAAI Conference 2020 Conference Paper"


def _load(name: str):
    """A fuzz target as a module (it runs its checks without atheris)."""
    spec = importlib.util.spec_from_file_location(f"_{name}", FUZZ / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fuzz_parser():
    return _load("fuzz_parser")


# -- the readers and the parser: crashes found, fixed ----------------------------------------
#: (id, bytes, --encoding): each raised something other than InputError before its fix.
PARSER_CRASHES = [
    # fuzz_parser, first minute: Python's UTF-16 stream decoder raises a bare UnicodeError
    # ("UTF-16 stream does not start with BOM") when utf-16 is named and there is no BOM
    ("utf-16-named-without-bom", b"13 papers\nh3 x", "utf-16"),
    ("utf-32-named-without-bom", b"13 papers\n", "utf-32"),
    # review of that crash: a <meta charset> naming a Python codec that is not a text
    # encoding raised LookupError, and punycode a bare UnicodeError
    *[(f"meta-charset-{name}",
       f"<html><head><meta charset='{name}'></head><body><p>13 papers</p></body></html>"
       .encode(), None) for name in ("rot13", "base64", "hex", "zlib", "bz2", "uu", "punycode")],
    *[(f"named-{name}", b"13 papers\n", name) for name in ("rot13", "base64", "zlib", "uu")],
    *[(f"named-{name}-html", b"<html><p>13 papers</p></html>", name)
      for name in ("rot13", "base64", "punycode", "undefined")],
    ("named-with-nul", b"13 papers\n", "utf\x00-8"),
    ("named-undefined-codec", b"13 papers\n", "undefined"),
    # Python refuses int() of more than 4,300 digits: a long "N papers" count raised
    # ValueError (out of the fuzzer's reach: its inputs stay under 4,096 bytes)
    ("count-of-5000-digits", b"9" * 5000 + b" papers\n" + VENUE.encode() + b"\nT\n", None),
    ("rows-of-5000-digits", b"1" * 5000 + b" author rows\n", None),
]


@pytest.mark.parametrize("data, encoding", [c[1:] for c in PARSER_CRASHES],
                         ids=[c[0] for c in PARSER_CRASHES])
def test_parser_crash_is_now_a_page_or_an_input_error(data, encoding, fuzz_parser):
    try:
        page = arrow2bib.parse(data, source="fuzz", encoding=encoding)
    except InputError as exc:
        assert exc.source == "fuzz" and exc.message.endswith(".")
    else:
        fuzz_parser.check_page(page)
    fuzz_parser.read_all(data)  # and the fuzzer's three readings agree


def test_utf16_named_without_bom_says_which_to_name():
    with pytest.raises(InputError, match="name utf-16-le or utf-16-be instead"):
        arrow2bib.parse(b"1\x002\x00", source="fuzz", encoding="utf-16")


def test_a_huge_count_is_not_a_count():
    page = arrow2bib.parse(b"9" * 5000 + b" papers\n" + VENUE.encode() + b"\nT\n", source="p")
    assert page.declared_papers is None and [p.title for p in page.papers] == ["T"]
    assert arrow2bib.parse("1,234 papers\n").declared_papers == 1234


def test_refused_file_is_closed(tmp_path):
    """A file refused before its first line (an unknown encoding, bad HTML) was left open
    (a ResourceWarning; the command line printed it as a warning)."""
    path = tmp_path / "p.txt"
    path.write_bytes(b"13 papers\n")
    html = tmp_path / "p.html"
    html.write_bytes(b"<html>" + b"<div>" * 300 + b"13 papers")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for spec, encoding in ((path, "rot13"), (path, "utf-16"), (html, None)):
            with pytest.raises(InputError):
                arrow2bib.parse_file(spec, encoding=encoding)
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_windows_1252_undefined_bytes_read_as_browsers_do():
    """Python's cp1252 fails on 0x81 0x8D 0x8F 0x90 0x9D; browsers read them as C1 controls.
    They mean UTF-8 read as Windows-1252 ("”" is E2 80 9D), repaired as mojibake."""
    data = f"{VENUE}\n“Quoted” Title\n• José\n".encode()
    page = arrow2bib.parse(data, source="p", encoding="cp1252")
    assert page.papers[0].title == "“Quoted” Title"
    assert {p.code for p in page.problems} == {"mojibake"}
    html = b"<html><head><meta charset='windows-1252'></head><body><p>" + VENUE.encode() + \
        b"</p><h3>" + "“Quoted” Title".encode() + b"</h3></body></html>"
    assert arrow2bib.parse(html, source="h").papers[0].title == "“Quoted” Title"


def test_line_without_end_is_refused_with_its_line(tmp_path):
    """/dev/zero, or a page that lost its line breaks: memory stays bounded."""
    data = b"13 papers\n" + b"\0" * (MAX_LINE + 2)
    with pytest.raises(InputError, match="longer than") as info:
        arrow2bib.parse(data, source="zero")
    assert info.value.line == 2
    wide = "13 papers\n".encode("utf-16") + "x".encode("utf-16-le") * (MAX_LINE + 2)
    with pytest.raises(InputError, match="longer than") as info:
        arrow2bib.parse(wide, source="wide")
    assert info.value.line == 2


def test_endless_stray_lines_keep_only_the_first_numbers():
    junk = "junk\n" * 50_000
    page = arrow2bib.parse(f"{junk}{VENUE}\nT\n• A B\n", source="p")
    (problem,) = page.problems
    assert problem.message.startswith("50000 line(s)") and problem.details["lines"] == list(
        range(1, 21))


def test_path_with_a_nul_is_no_such_file():
    """open() raises ValueError for a NUL in a path (the library takes any string)."""
    with pytest.raises(InputError, match="No such file"):
        arrow2bib.parse_file("page\0.txt")


class _FailingStream(io.RawIOBase):
    """A device or network file system that fails after some bytes (EIO)."""

    def __init__(self, good: bytes):
        self.good = good

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self.good:
            raise OSError(errno.EIO, "Input/output error")
        size = min(len(buffer), len(self.good))
        buffer[:size], self.good = self.good[:size], self.good[size:]
        return size


@pytest.mark.parametrize("good", [b"", b"13 papers\n" * 1000, "13 papers\n".encode("utf-16")])
def test_read_failure_is_an_input_error(good):
    with pytest.raises(InputError, match="Reading failed: Input/output error"):
        list(lines_from_stream(_FailingStream(good), source="dev"))


def test_closed_stdin_is_an_input_error(tmp_path):
    done = subprocess.run([sys.executable, "-m", "arrow2bib", "convert", "-", "--to", "json"],
                          stdin=subprocess.DEVNULL, capture_output=True, check=False, env=_env(),
                          cwd=tmp_path, timeout=300, preexec_fn=lambda: os.close(0))
    _assert_clean(done.returncode, done.stderr.decode(), "closed stdin")
    assert done.returncode == 1 and b"no standard input" in done.stderr


# -- the fetcher: a Content-Length int() cannot read -----------------------------------------
class _Lengths(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", {"/long": "9" * 5000, "/super": "\u00b2"}[self.path])
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"13 papers\n")


@pytest.fixture
def lengths_server(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Lengths)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_content_length_of_5000_digits_is_too_large(lengths_server):
    """int() of 5,000 digits raised ValueError, a traceback for ``convert URL``."""
    with pytest.raises(FetchError, match="huge number of bytes"):
        fetch(lengths_server + "/long")


def test_content_length_of_a_superscript_digit_is_ignored(lengths_server):
    """"²".isdigit() is true and int("²") a ValueError (headers are read as Latin-1)."""
    assert fetch(lengths_server + "/super").content == b"13 papers\n"


# -- the exporters: crashes found and fixed ------------------------------
def _papers() -> list[Paper]:
    return [Paper(title="A Title", authors=(Person(literal="Ann Lee", given="Ann",
                                                   family="Lee"),), year=2020, venue="AAAI",
                  venue_kind="Conference", paper_type="Conference Paper")]


@pytest.mark.parametrize("pattern", ["}", "{auth", "{year}}x", "{{auth}"])
def test_key_pattern_with_unbalanced_brace(pattern):
    with pytest.raises(arrow2bib.ExportError, match="key pattern"):
        arrow2bib.export(_papers(), "bibtex", key_pattern=pattern,
                         pm=get_plugin_manager(load_installed=False))


#: URLs the parser rebuilds from an abstract that xs:anyURI (libxml2) refuses.
NOT_ANY_URI = ["https://x.org/100%zz", "https://x.org/a%", "https://x.org/a#b#c",
               "https://x.org:abc/", "https://a@b@c.org/"]


@pytest.mark.parametrize("url", NOT_ANY_URI)
def test_orcid_url_not_an_any_uri(url, schemas):
    page = arrow2bib.parse(f"{VENUE}\nA Title\n• Ann Lee\nCode at {url}\n", source="p")
    assert page.papers[0].urls == (url,)  # the parser keeps what the abstract says
    (document,) = arrow2bib.export_documents(page, "orcid", options={"layout": "work"},
                                             pm=get_plugin_manager(load_installed=False))
    schema = etree.XMLSchema(etree.parse(str(schemas / "orcid/record_3.0/work-3.0.xsd")))
    root = etree.fromstring(document.text.encode("utf-8"))
    assert schema.validate(root), str(schema.error_log)


# -- the seed corpora, replayed --------------------------------------------------------------
@pytest.mark.parametrize("path", sorted((FUZZ / "corpus" / "parser").iterdir()),
                         ids=lambda p: p.name)
def test_parser_corpus_replays(path, fuzz_parser):
    fuzz_parser.read_all(path.read_bytes())


@pytest.mark.parametrize("path", sorted((FUZZ / "corpus" / "exporters").iterdir()),
                         ids=lambda p: p.name)
def test_exporter_corpus_replays(path):
    pytest.importorskip("atheris", reason="the exporter fuzzer's papers come from atheris")
    _load("fuzz_exporters").test_one_input(path.read_bytes())


# -- no traceback, ever: the real command line over nasty inputs -----------------------------
FORMATS = sorted(info.name for info in arrow2bib.formats(get_plugin_manager(load_installed=False)))
SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
CONTROL_AUTHORS = "".join(f"  • {chr(c)}{chr(c + 1)}\n" for c in range(1, 16, 2))


def _nasty(tmp: Path) -> dict[str, str]:
    """name -> path of each nasty input (made in ``tmp``)."""
    rng = random.Random(1423)
    files = {
        "empty": b"",
        "binary-garbage": bytes(rng.randrange(256) for _ in range(4096)),
        "elf-header": b"\x7fELF\x02\x01\x01" + bytes(200),
        "html-tag-only": b"<html>",
        "html-empty-body": b"<!DOCTYPE html><html><head></head><body></body></html>",
        "html-deeply-nested": b"<html><body>" + b"<div>" * 100_000 + b"13 papers",
        "html-nested-just-under": b"<html><body>" + b"<div>" * 250 + VENUE.encode()
        + b"<h3>T</h3></body></html>",
        "huge-line-no-newline": b"x" * (MAX_LINE + 10),
        "long-line-no-newline": b"13 papers " + b"y" * 3_000_000,
        "nul-bytes": SAMPLE_TEXT.replace("e", "e\0").encode("utf-8"),
        "only-nuls": b"\0" * 10_000,
        "eight-control-char-authors": f"Author name cluster\nX Y\n1 paper\n{VENUE}\n"
        f"\x07\x1b[31m Title\x7f\n{CONTROL_AUTHORS}\x0b\x0c\x1c\x1d\x1e\x85\u2028\n"
        .encode(),
        "specials-everywhere": f"{VENUE}\n{{\\}}%&$#_^~<>]]>@ Title\n• {{\\}} %& Jr.\n"
        "• ER  - \n• and others\nAbstract $\\unclosed{ **bold with ]]> and \\end{document}\n"
        .encode(),
        "title-of-50k": f"{VENUE}\n{'Word ' * 10_000}\n• Ann Lee\n".encode(),
        "utf-16-without-bom": SAMPLE_TEXT.encode("utf-16-le"),
        "utf-16-odd-length": b"\xff\xfe" + SAMPLE_TEXT.encode("utf-16-le")[:1001],
        "cp1252": SAMPLE_TEXT.replace("Xue", "Jürgen").encode("cp1252"),
        "mojibake": SAMPLE_TEXT.replace("Xue", "JÃ¼rgen").encode("utf-8"),
        "count-of-5000-digits": b"9" * 5000 + b" papers\n",
        "meta-charset-rot13": b"<html><meta charset='rot13'><p>13 papers</p></html>",
        "year-0000-and-9999": f"{VENUE.replace('2020', '1000')}\nT\n• A B\n"
        f"{VENUE.replace('2020', '2999')}\nU\n• C D\n".encode(),
    }
    paths = {}
    for name, data in files.items():
        path = tmp / f"{name}.txt"
        path.write_bytes(data)
        paths[name] = str(path)
    (tmp / "dir").mkdir()
    paths["empty-directory"] = str(tmp / "dir")
    paths["missing-file"] = str(tmp / "missing.txt")
    loop = tmp / "loop.txt"
    loop.symlink_to(loop)
    paths["symlink-loop"] = str(loop)
    return paths


NASTY = ["empty", "binary-garbage", "elf-header", "html-tag-only", "html-empty-body",
         "html-deeply-nested", "html-nested-just-under", "huge-line-no-newline",
         "long-line-no-newline", "nul-bytes", "only-nuls", "eight-control-char-authors",
         "specials-everywhere", "title-of-50k", "utf-16-without-bom", "utf-16-odd-length",
         "cp1252", "mojibake", "count-of-5000-digits", "meta-charset-rot13",
         "year-0000-and-9999", "empty-directory", "missing-file", "symlink-loop"]


#: Inputs refused while they are read, whatever the format (each format tried is the same).
READ_FAILS = frozenset({"huge-line-no-newline", "long-line-no-newline"})


@pytest.fixture(scope="module")
def nasty(tmp_path_factory):
    return _nasty(tmp_path_factory.mktemp("nasty"))


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["ARROW2BIB_LOAD_PLUGINS"] = ""  # the built-in formats only: this suite's subject
    return env


def _assert_clean(code: int, err: str, what: str) -> None:
    assert "Traceback" not in err, f"{what}:\n{err}"
    assert code in (0, 1, 2), f"{what}: exit {code}\n{err}"
    if code:
        assert "error" in err, f"{what}: exit {code} without saying why\n{err}"


@pytest.mark.parametrize("name", NASTY)
def test_no_traceback_for_any_format(name, nasty, tmp_path, monkeypatch):
    """Every format, the command line run in-process (``main`` with its streams): exit 0, 1
    or 2, no exception out of ``main``, and a message whenever the exit code is not 0."""
    from arrow2bib.cli import main

    monkeypatch.setenv("ARROW2BIB_LOAD_PLUGINS", "")  # the built-in formats only
    monkeypatch.chdir(tmp_path)
    # a line too long is refused while the page is read, before any format (8 MiB read per
    # format cost the suite seconds): two formats, one of each kind of writer
    for fmt in (["bibtex", "orcid"] if name in READ_FAILS else FORMATS):
        out = tmp_path / fmt
        out.mkdir()
        err = io.StringIO()
        code = main(["convert", nasty[name], "--to", fmt, "-o", str(out / "refs.out")],
                    out=io.StringIO(), err=err)
        _assert_clean(code, err.getvalue(), f"{name} --to {fmt}")


@pytest.mark.parametrize("name", ["binary-garbage", "utf-16-odd-length", "missing-file"])
def test_no_traceback_for_any_format_in_a_real_process(name, nasty, tmp_path):
    """The same through ``python -m arrow2bib`` (the processes side by side), for a few of
    the inputs: what reaches a user's terminal. One format of each kind of writer (a stream
    of entries, a document, the CSL-styled references, a JSON list): the test above runs
    every format on every input in-process, and each process here costs half a second of
    imports."""
    runs = {}
    for fmt in ("bibtex", "orcid", "html", "csljson"):
        out = tmp_path / fmt
        out.mkdir()
        runs[fmt] = subprocess.Popen(
            [sys.executable, "-m", "arrow2bib", "convert", nasty[name], "--to", fmt,
             "-o", str(out / "refs.out")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=tmp_path)
    for fmt, process in runs.items():
        _out, err = process.communicate(timeout=300)
        _assert_clean(process.returncode, err.decode("utf-8", "replace"), f"{name} --to {fmt}")


def test_no_traceback_for_garbage_on_stdin(tmp_path):
    garbage = bytes(random.Random(7).randrange(256) for _ in range(10_000))
    for data in (garbage, b"", b"<html>" + b"<b>" * 50_000):
        done = subprocess.run([sys.executable, "-m", "arrow2bib", "convert", "-", "--to",
                               "bibtex"], input=data, capture_output=True, check=False, env=_env(),
                              cwd=tmp_path, timeout=300)
        _assert_clean(done.returncode, done.stderr.decode("utf-8", "replace"), "stdin")
        assert done.returncode == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_is_read_like_a_file(tmp_path):
    fifo = tmp_path / "page.txt"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [sys.executable, "-m", "arrow2bib", "convert", str(fifo), "--to", "csljson", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=tmp_path)
    with open(fifo, "wb") as pipe:  # blocks until the reader opens it
        pipe.write(SAMPLE.read_bytes())
    out, err = process.communicate(timeout=300)
    _assert_clean(process.returncode, err.decode(), "fifo")
    assert process.returncode == 0 and b'"guo2017deepfm"' in out


@pytest.mark.parametrize("script", ["fuzz_parser.py", "fuzz_exporters.py"])
def test_fuzzer_without_atheris_says_how_to_install_it(script):
    import subprocess
    import sys

    code = ("import runpy, sys; sys.modules['atheris'] = None; sys.argv = ['fuzz']; "
            f"runpy.run_path({str(ROOT / 'fuzz' / script)!r}, run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 1
    assert result.stderr.startswith("This fuzzer needs atheris: pip install atheris")
    assert "Traceback" not in result.stderr
