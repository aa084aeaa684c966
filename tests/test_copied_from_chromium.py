"""Text copied from a browser, the honest way (issue 16): each HTML template of the bundled
page rendered by a real headless Chromium, its ``document.body.innerText`` (what select-all
and copy give) read as a text page: exactly the text page's papers, header and statuses.

What Chromium lays out that a saved text page does not have, and the rule that reads it
(docs/reading.md), pinned without a browser in tests/test_parser_blocks.py: a footer after the
last abstract, control labels ("Save", "Show more") between the fields, author chips on one
line with spaces or nothing between them, a table row's cells on one line with tabs between
them, a header with no "Author name cluster" line."""

from __future__ import annotations

import pytest

import arrow2bib

from .templates import MORE_TEMPLATES, TEMPLATES, render
from .test_split import small_parts  # noqa: F401 (a fixture)
from .test_templates import _assert_same_page
from .test_web_browser import browser  # noqa: F401 (a fixture: one Chromium for the module)


@pytest.fixture(scope="module")
def copied(browser, sample_page):  # noqa: F811
    """Each template's innerText, as Chromium lays it out."""
    texts = {}
    tab = browser.new_page()
    try:
        for name, template in TEMPLATES.items():
            tab.set_content(render(sample_page, template))
            texts[name] = tab.evaluate("document.body.innerText")
    finally:
        tab.close()
    return texts


@pytest.mark.parametrize("name", TEMPLATES)
def test_chromium_inner_text_reads_as_the_text_page(name, copied, sample_page, tmp_path):
    path = tmp_path / f"{name}.txt"
    path.write_text(copied[name], encoding="utf-8")
    _assert_same_page(arrow2bib.parse_file(path), sample_page)


@pytest.mark.usefixtures("small_parts")
@pytest.mark.parametrize("name", TEMPLATES)
def test_jobs_2_reads_chromiums_copy_as_jobs_1(name, copied, tmp_path):
    """Cut into parts of a few KiB (before venue lines, or table rows starting with one), each
    copy reads in parts as it reads whole."""
    from arrow2bib.read._parts import page_parts

    from .test_cli import run

    path = tmp_path / f"{name}.txt"
    path.write_text(copied[name], encoding="utf-8")
    assert len(page_parts(str(path), 2) or ()) > 1, "the text is read in parts"
    serial = run("convert", str(path), "--to", "json")
    assert serial[0] == 0 and serial == run("convert", str(path), "--to", "json", "--jobs", "2")


def test_a_table_whose_cells_hold_lines_reads_as_the_text_page(browser, sample_page,  # noqa: F811
                                                              tmp_path):
    """Venue line and title in one cell, the names a line each in the next: Chromium's copy
    has the title and the first name on one line with a tab between, and the last name and
    the abstract (they went into the title and the abstract before). The HTML reads so too."""
    html = render(sample_page, MORE_TEMPLATES["table-lines"])
    tab = browser.new_page()
    try:
        tab.set_content(html)
        text = tab.evaluate("document.body.innerText")
    finally:
        tab.close()
    first = sample_page.papers[0]
    assert f"{first.title}\t{first.authors[0].literal}\n" in text
    for name, content in (("copy.txt", text), ("page.html", html)):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        _assert_same_page(arrow2bib.parse_file(path), sample_page)
