"""Pages as browsers save them: "Save Page As - complete" (the page and its _files folder) and
single-file web archives (MHTML), each read into exactly the text page's papers (issue 16)."""

from __future__ import annotations

import base64
import dataclasses
import json
import quopri

import pytest

import arrow2bib
from arrow2bib.errors import InputError
from arrow2bib.read.mhtml import looks_like_mhtml

from .templates import TEMPLATES, render
from .test_cli import run

BOUNDARY = "----MultipartBoundary--xPjDWLPqfWg3bA6mHNZ3H7pbPEmdnhD9Pi2YzKrA3u----"


def _neutral(page):
    return (page.cluster, page.declared_papers, page.author_rows,
            [dataclasses.replace(p, source="", line=0) for p in page.papers])


def _html(sample_page, name="nested-cards") -> str:
    # one element a line, as a browser's serialiser writes a page
    return render(sample_page, TEMPLATES[name]).replace("><", ">\n<")


def _mhtml(html: str, *, coding: str = "quoted-printable") -> bytes:
    """``html`` as Chromium's "Save page as - single file" archive: the page quoted-printable,
    a style sheet and an image beside it, CRLF line breaks. Other ``coding``: ``base64``, or
    the page as it is (``8bit``, ``binary``, or ``none``: no Content-Transfer-Encoding, as
    some other browsers and mail programs write it)."""
    if coding == "quoted-printable":
        body = quopri.encodestring(html.encode("utf-8")).decode("ascii")
    elif coding == "base64":
        body = base64.encodebytes(html.encode("utf-8")).decode("ascii")
    else:
        body = html
    head = [
        "From: <Saved by Blink>",
        "Snapshot-Content-Location: https://arrow.example.org/author/xiuqiang-he",
        "Subject: Xiuqiang He - Arrow Research",
        "Date: Sat, 5 Dec 2026 07:00:00 -0000",
        "MIME-Version: 1.0",
        "Content-Type: multipart/related;",
        '\ttype="text/html";',
        f'\tboundary="{BOUNDARY}"',
        "",
        "",
        f"--{BOUNDARY}",
        "Content-Type: text/html",
        "Content-ID: <frame-1@mhtml.blink>",
        *([] if coding == "none" else [f"Content-Transfer-Encoding: {coding}"]),
        "Content-Location: https://arrow.example.org/author/xiuqiang-he",
        "",
        body.replace("\r\n", "\n").rstrip("\n"),
        "",
        f"--{BOUNDARY}",
        "Content-Type: text/css",
        "Content-Transfer-Encoding: quoted-printable",
        "Content-Location: https://arrow.example.org/app.css",
        "",
        "@charset =22utf-8=22;",
        ".card { margin: 0px; }",
        "",
        f"--{BOUNDARY}",
        "Content-Type: image/png",
        "Content-Transfer-Encoding: base64",
        "Content-Location: https://arrow.example.org/logo.png",
        "",
        base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(64)).decode("ascii"),
        "",
        f"--{BOUNDARY}--",
        "",
    ]
    return "\r\n".join("\r\n".join(head).split("\n")).replace("\r\r\n", "\r\n").encode("utf-8")


@pytest.mark.parametrize("coding", ["quoted-printable", "base64", "8bit", "binary", "none"])
def test_mhtml_archive_reads_as_the_text_page(sample_page, tmp_path, coding):
    html = _html(sample_page)
    assert not html.isascii()  # the page's ’ and •: an 8-bit part holds them as they are
    archive = _mhtml(html, coding=coding)
    assert looks_like_mhtml(archive[:4096])
    path = tmp_path / "Xiuqiang He.mhtml"
    path.write_bytes(archive)
    page = arrow2bib.parse_file(path)
    assert page.problems == ()
    assert _neutral(page) == _neutral(sample_page)


@pytest.mark.parametrize("coding", ["quoted-printable", "8bit"])
def test_mhtml_lines_point_into_the_archive(sample_page, tmp_path, coding):
    archive = _mhtml(_html(sample_page), coding=coding)
    path = tmp_path / "page.mht"
    path.write_bytes(archive)
    lines = archive.decode("utf-8").split("\r\n")
    page = arrow2bib.parse_file(path)
    for paper in page.papers:
        # the venue line starts on the archive line the paper names (its badge, then words)
        line = lines[paper.line - 1]
        if coding == "quoted-printable":
            line = quopri.decodestring(line.encode()).decode()
        assert paper.venue in line
    numbers = [p.line for p in page.papers]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def test_mhtml_without_a_page_is_a_clear_error(tmp_path):
    archive = _mhtml("x").replace(b"Content-Type: text/html\r\n", b"Content-Type: text/plain\r\n")
    path = tmp_path / "empty.mhtml"
    path.write_bytes(archive)
    with pytest.raises(InputError, match="holds no HTML page") as info:
        arrow2bib.parse_file(path)
    assert str(info.value).startswith(str(path))


def test_save_page_as_complete_reads_the_page_not_its_files(sample_page, tmp_path):
    """The page file beside its _files folder (styles, scripts, a saved frame that is not an
    author page): a directory of them reads the page alone, and the folder is not a page."""
    saved = tmp_path / "saved"
    files = saved / "Xiuqiang He - Arrow Research_files"
    files.mkdir(parents=True)
    html = _html(sample_page).replace(
        "<head>", "<head>\n<link rel=\"stylesheet\" href=\"./Xiuqiang He - Arrow Research_files/"
        "app.css\">\n<script src=\"./Xiuqiang He - Arrow Research_files/app.js\"></script>")
    (saved / "Xiuqiang He - Arrow Research.html").write_text(html, encoding="utf-8")
    (files / "app.css").write_text(".card{margin:0}", encoding="utf-8")
    (files / "app.js").write_text("window.dataLayer = [];", encoding="utf-8")
    (files / "saved_resource.html").write_text(
        "<!DOCTYPE html><html><body><p>Sign in</p></body></html>", encoding="utf-8")
    code, out, err = run("convert", str(saved), "--to", "json")
    assert code == 0, err
    (page,) = json.loads(out)["pages"]
    assert [p["title"] for p in page["papers"]] == [p.title for p in sample_page.papers]
    assert "_files" not in err
    single = arrow2bib.parse_file(saved / "Xiuqiang He - Arrow Research.html")
    assert _neutral(single) == _neutral(sample_page)


def test_a_directory_reads_mhtml_archives(sample_page, tmp_path):
    (tmp_path / "he.mhtml").write_bytes(_mhtml(_html(sample_page, "semantic")))
    code, out, err = run("convert", str(tmp_path), "--to", "json")
    assert code == 0, err
    (page,) = json.loads(out)["pages"]
    assert len(page["papers"]) == 13 and page["cluster"] == "Xiuqiang He"
