"""Injection-safe output: hostile text stays text in every format, proven by the consumers.

Each payload tries to change the structure of the output (end an entry, start a record,
open a DOCTYPE) or to make a consumer do something (TeX reading /etc/passwd or running a
shell command). None may: the output keeps exactly one entry per paper, and the payload's
words survive as text."""

from __future__ import annotations

import json
import pathlib

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares as m
from lxml import etree

import arrow2bib
from arrow2bib import Paper
from arrow2bib.read.names import parse_name

from .test_bibtex import compile_with_bibtex, needs_tex

PAYLOADS = [
    "Title} @misc{evil, title={pwned}",
    "\\input{/etc/passwd} and \\include{/etc/shadow}",
    "\\immediate\\write18{touch /tmp/arrow2bib-pwned} done",
    "\\def\\title{hijacked} \\csname end\\endcsname",
    "Unbalanced { brace and } more } braces",
    "100% sure # hash & amp _ under ~ tilde ^ caret",
    "Line one\nER  - \nTY  - JOUR\nTI  - injected",
    "Carriage\r\nTY  - BOOK\r\nAU  - Mallory",
    "]]> <!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]> &e; <b>bold</b>",
    "Quote \" backslash \\ and \u2028 separator \u0000 nul \u001b esc",
]


def hostile_papers():
    return [
        Paper(title=payload, authors=(parse_name("Ann Lee"), parse_name("Mallory } @x{")),
              year=2020, venue="AAAI", venue_kind="Conference", paper_type="Conference Paper",
              abstract=payload, source="hostile.txt", line=i + 1)
        for i, payload in enumerate(PAYLOADS)
    ]


def words(text: str) -> list[str]:
    return [w for w in "".join(c if c.isalnum() else " " for c in text).split() if len(w) > 2]


def export(fmt: str) -> str:
    from arrow2bib.plugins import get_plugin_manager

    return arrow2bib.export(hostile_papers(), fmt, pm=get_plugin_manager(load_installed=False))


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_bibtex_structure_holds(fmt):
    library = bibtexparser.parse_string(
        export(fmt), append_middleware=[m.LatexDecodingMiddleware()])
    assert not library.failed_blocks
    assert len(library.entries) == len(PAYLOADS)
    assert [e.key for e in library.entries if e.key in ("evil", "x")] == []
    for entry, payload in zip(library.entries, PAYLOADS):
        title = entry["title"]
        for word in words(payload.replace("\\", " ")):
            if word.isascii():
                assert word in title, (word, title)


@needs_tex
def test_tex_runs_nothing_and_reads_nothing(tmp_path):
    pwned = pathlib.Path("/tmp/arrow2bib-pwned")
    pwned.unlink(missing_ok=True)
    files = compile_with_bibtex(tmp_path, export("bibtex"), "plain",
                                "\\usepackage[T1]{fontenc}\\usepackage{url}")
    assert not pwned.exists()
    assert "root:" not in files["log"] and "root:" not in files["bbl"]
    assert "hijacked" not in files["log"]
    bbl = " ".join(files["bbl"].split())
    assert "textbackslash" in bbl  # the commands were written as text, not run
    assert "error message" not in files["blg"]


def test_ris_records_hold():
    text = export("ris")
    records = rispy.loads(text)
    assert len(records) == len(PAYLOADS)
    for record, payload in zip(records, PAYLOADS):
        assert record["type_of_reference"] == "CPAPER"
        assert record["authors"][0] == "Lee, Ann"
        assert words(record["title"]) == words(payload.replace("\u0000", " "))
    lines = text.split("\r\n")
    assert sum(line.startswith("TY  - ") for line in lines) == len(PAYLOADS)
    assert sum(line == "ER  - " for line in lines) == len(PAYLOADS)


def test_orcid_structure_holds():
    root = etree.fromstring(export("orcid").encode("utf-8"),
                            etree.XMLParser(resolve_entities=False, no_network=True))
    ns = {"work": "http://www.orcid.org/ns/work", "common": "http://www.orcid.org/ns/common"}
    works = root.findall("work:work", ns)
    assert len(works) == len(PAYLOADS)
    assert root.getroottree().docinfo.doctype == ""
    for work, payload in zip(works, PAYLOADS):
        title = work.findtext("work:title/common:title", namespaces=ns)
        assert words(title) == words(payload.replace("\u0000", " "))
        assert work.find(".//b") is None


def test_csl_json_holds():
    from arrow2bib.text.unimath import rich_to_plain

    items = json.loads(export("csljson"))
    assert len(items) == len(PAYLOADS)
    for item, payload in zip(items, PAYLOADS):
        # the title is CSL rich text: a payload's <b> is kept from reading as a tag by an
        # empty nocase span, which its plain form leaves out
        assert words(rich_to_plain(item["title"])) == words(payload.replace("\u0000", " "))
        assert "<b>" not in item["title"]


@pytest.mark.parametrize("fmt", ["text", "html", "markdown"])
def test_formatted_lists_hold(fmt):
    text = export(fmt)
    if fmt == "html":
        from lxml import html

        assert len(html.fromstring(text).findall(".//li")) == len(PAYLOADS)
        assert "<b>bold</b>" not in text and "<!DOCTYPE x" not in text
