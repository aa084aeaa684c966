"""The links found in an abstract are not the paper's address (issue 17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rispy

import arrow2bib

from .test_bibtex import compile_with_bibtex, needs_tex

LINK = "https://github.com/ziqiangcui/SRA-CL"
SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "xiuqiang-he.txt"


@needs_tex
@pytest.mark.parametrize("style", ["plain", "abbrv", "plainnat", "apalike"])
def test_note_compiles_in_every_standard_style_with_no_package(tmp_path, sample_page, style):
    bib = arrow2bib.export(sample_page, "bibtex")
    assert "url = {" not in bib and "\\url" not in bib
    files = compile_with_bibtex(tmp_path, bib, style, preamble="")
    assert files["returncode"] == "0" and "Warning--" not in files["blg"], files["blg"]
    assert "Undefined control sequence" not in files["log"]
    bbl = " ".join(files["bbl"].split())
    assert "Linked in the abstract: https://github.com/ziqiangcui/SRA-CL" in bbl


def test_each_format_keeps_the_links_where_it_keeps_extra_links(sample_page):
    assert f"addendum = {{Linked in the abstract: \\url{{{LINK}}}}}" in arrow2bib.export(
        sample_page, "biblatex")
    items = json.loads(arrow2bib.export(sample_page, "csljson"))
    assert not any("URL" in i for i in items)
    assert any(i.get("note", "").endswith(f"Linked in the abstract: {LINK}") for i in items)
    records = rispy.loads(arrow2bib.export(sample_page, "ris"))
    assert not any("urls" in r for r in records)
    assert any(f"Linked in the abstract: {LINK}" in r.get("notes", []) for r in records)
    orcid = arrow2bib.export(sample_page, "orcid")
    assert "<common:url>" not in orcid and LINK in orcid


def test_links_url_keeps_the_old_placement(sample_page):
    options = {"links": "url"}
    assert f"url = {{{LINK}}}" in arrow2bib.export(sample_page, "bibtex", options=options)
    assert f"url = {{{LINK}}}" in arrow2bib.export(sample_page, "biblatex", options=options)
    items = json.loads(arrow2bib.export(sample_page, "csljson", options=options))
    assert any(i.get("URL") == LINK for i in items)
    assert f"UR  - {LINK}" in arrow2bib.export(sample_page, "ris", options=options)
    assert f"<common:url>{LINK}</common:url>" in arrow2bib.export(sample_page, "orcid",
                                                                   options=options)


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "csljson", "ris", "orcid", "text"])
def test_a_bad_value_is_a_usage_error(fmt):
    from .test_cli import run  # in this process: main() returns what a user's run exits with

    code, out, err = run("convert", str(SAMPLE), "--to", fmt, "-O", "links=both", "-o", "-")
    assert code == 2 and out == "", err
    assert "links" in err and "Traceback" not in err
