"""Every format, read back by its own consumer, agrees on title, authors, year and venue."""

from __future__ import annotations

import json

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares as m
from lxml import etree

import arrow2bib
from arrow2bib.venues import resolve

NS = {"work": "http://www.orcid.org/ns/work", "common": "http://www.orcid.org/ns/common",
      "bulk": "http://www.orcid.org/ns/bulk"}


def _bib(text):
    library = bibtexparser.parse_string(
        text, append_middleware=[m.LatexDecodingMiddleware(), m.SeparateCoAuthors(),
                                 m.SplitNameParts()])
    assert not library.failed_blocks
    out = {}
    for entry in library.entries:
        authors = [n for n in entry["author"] if n.last != ["others"]]
        venue = entry.fields_dict.get("booktitle") or entry.fields_dict.get("journal") or \
            entry.fields_dict.get("journaltitle")
        year = entry.fields_dict.get("year") or entry.fields_dict.get("date")
        out[entry.key] = (entry["title"], [" ".join(a.last) for a in authors],
                          int(year.value), venue.value)
    return out


def _csl(text):
    return {item["id"]: (item["title"], [a["family"] for a in item["author"]],
                         item["issued"]["date-parts"][0][0], item["container-title"])
            for item in json.loads(text)}


def _ris(text, keys):
    records = rispy.loads(text)
    out = {}
    for key, record in zip(keys, records):
        venue = record.get("secondary_title") or record.get("journal_name")
        out[record.get("id", key)] = (
            record.get("title") or record.get("primary_title"),
            [a.split(",")[0] for a in record["authors"]], int(record["year"]), venue)
    return out


def _orcid(text, keys):
    root = etree.fromstring(text.encode("utf-8"))
    out = {}
    for key, work in zip(keys, root.iterfind("work:work", NS)):
        names = [n.text for n in work.iterfind(".//work:credit-name", NS)]
        out[key] = (work.findtext("work:title/common:title", namespaces=NS),
                    [n.rsplit(" ", 1)[-1] for n in names],
                    int(work.findtext("common:publication-date/common:year", namespaces=NS)),
                    work.findtext("work:journal-title", namespaces=NS))
    return out


@pytest.fixture(scope="module")
def exports(sample_page):
    from arrow2bib.plugins import get_plugin_manager

    pm = get_plugin_manager(load_installed=False)
    return {fmt: arrow2bib.export(sample_page, fmt, pm=pm)
            for fmt in ("bibtex", "biblatex", "csljson", "ris", "orcid")}


def test_all_formats_agree(sample_page, exports):
    keys = [p["key"] for p in json.loads(arrow2bib.export(sample_page, "json"))["pages"][0][
        "papers"]]
    expected = {}
    for key, paper in zip(keys, sample_page.papers):
        venue = resolve(paper.venue, paper.year, paper.venue_kind)
        expected[key] = (paper.title, [a.family for a in paper.authors], paper.year,
                         venue.container)
    read = {
        "bibtex": _bib(exports["bibtex"]),
        "biblatex": _bib(exports["biblatex"]),
        "csljson": _csl(exports["csljson"]),
        "ris": _ris(exports["ris"], keys),
        "orcid": _orcid(exports["orcid"], keys),
    }
    for fmt, got in read.items():
        assert got == expected, fmt
