"""The bundled page written eight ways as HTML and ten ways as copied text: each reads back
into exactly the text page's papers, header and statuses (issue 16)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import arrow2bib

from . import oracles
from .templates import AUTHORS, CARDS, COPIED, HEADERS, TEMPLATES, Template, copied_text, render
from .test_split import small_parts  # noqa: F401 (a fixture)


def _neutral(page):
    """What must match: the header and every paper, without where each came from."""
    return (page.cluster, page.declared_papers, page.author_rows,
            [dataclasses.replace(p, source="", line=0) for p in page.papers])


def _assert_same_page(page, sample_page):
    assert [p.code for p in page.problems] == []
    got, expected = _neutral(page), _neutral(sample_page)
    assert got[:3] == expected[:3]
    assert [p.title for p in got[3]] == [p.title for p in expected[3]]
    for paper, want in zip(got[3], expected[3]):
        assert paper == want, paper.title
    assert [p.authors_status for p in got[3]] == [p.authors_status for p in expected[3]]


@pytest.mark.parametrize("name", TEMPLATES)
def test_html_template_reads_as_the_text_page(name, sample_page, tmp_path):
    path = tmp_path / f"{name}.html"
    path.write_text(render(sample_page, TEMPLATES[name]), encoding="utf-8")
    _assert_same_page(arrow2bib.parse_file(path), sample_page)


@pytest.mark.parametrize("name", COPIED)
def test_copied_text_reads_as_the_text_page(name, sample_page, tmp_path):
    path = tmp_path / f"{name}.txt"
    path.write_text(copied_text(sample_page, **COPIED[name]), encoding="utf-8")
    _assert_same_page(arrow2bib.parse_file(path), sample_page)


@pytest.mark.parametrize("authors", sorted(AUTHORS))
def test_a_card_whose_title_comes_before_its_venue_line(authors, sample_page, tmp_path):
    """The card's structure says where its paper starts: the venue line is read first
    (before, the title went into the paper before, and the paper was skipped)."""
    path = tmp_path / "title-first.html"
    path.write_text(render(sample_page, Template("paragraphs", "title-first", authors)),
                    encoding="utf-8")
    _assert_same_page(arrow2bib.parse_file(path), sample_page)


def test_the_templates_differ(sample_page):
    """Eight renderings, not one: no two templates write the same HTML."""
    rendered = {render(sample_page, template) for template in TEMPLATES.values()}
    assert len(rendered) == len(TEMPLATES) >= 8


def test_the_structure_is_read_not_a_flattened_rendering(sample_page):
    """The chips template has no list markup and no line breaks between the names: before
    issue 16 every paper came out without authors and the names went into the abstract."""
    html = render(sample_page, TEMPLATES["link-chips"])
    assert "<li>" not in html.split("<main>")[1] and "<br" not in html
    page = arrow2bib.parse(html.encode("utf-8"), source="chips.html")
    assert [len(p.authors) for p in page.papers] == [len(p.authors) for p in sample_page.papers]


# -- hypothesis: further templates from the same parts --------------------------------------
templates = st.builds(
    Template,
    header=st.sampled_from(sorted(HEADERS)),
    card=st.sampled_from(sorted(CARDS)),
    authors=st.sampled_from(sorted(AUTHORS)),
    chrome=st.booleans(),
)


@settings(max_examples=oracles.examples(120), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(template=templates, keep=st.lists(st.integers(0, 12), min_size=1, max_size=13,
                                         unique=True),
       bare=st.sets(st.integers(0, 12)))
def test_generated_templates_never_move_a_name_into_a_title_or_abstract(
        template, keep, bare, sample_page):
    """Any template of the parts, any subset of the papers, some without their abstract: each
    field comes back where the rendering put it, none empty where it had one."""
    papers = tuple(
        dataclasses.replace(sample_page.papers[i], abstract=None, raw_abstract=None, urls=())
        if i in bare else sample_page.papers[i] for i in sorted(keep))
    page = dataclasses.replace(sample_page, papers=papers, declared_papers=len(papers))
    read = arrow2bib.parse(render(page, template).encode("utf-8"), source="gen.html")
    assert [p.code for p in read.problems] == []
    names = {a.literal for p in papers for a in p.authors} - {p.title for p in papers}
    for paper in read.papers:
        for name in names:
            assert name not in paper.title
        # a name in an abstract only where the text page has it there too
        original = next(p for p in papers if p.title == paper.title)
        for name in names:
            assert (name in (paper.abstract or "")) == (name in (original.abstract or ""))
    assert _neutral(read) == _neutral(page)


# -- --jobs 2 reads every rendering as --jobs 1 ----------------------------------------------
def _large(sample_page, copies: int = 12):
    """The sample page's papers many times over: a text rendering of it is cut into parts."""
    papers = sample_page.papers * copies
    return dataclasses.replace(sample_page, papers=papers, declared_papers=len(papers))


@pytest.mark.usefixtures("small_parts")
@pytest.mark.parametrize("name", [*TEMPLATES, *COPIED])
def test_jobs_2_reads_every_rendering_as_jobs_1(name, sample_page, tmp_path):
    from arrow2bib.read._parts import page_parts

    from .test_cli import run

    page = _large(sample_page)
    if name in TEMPLATES:
        path = tmp_path / f"{name}.html"
        path.write_text(render(page, TEMPLATES[name]), encoding="utf-8")
    else:
        path = tmp_path / f"{name}.txt"
        text = copied_text(page, **COPIED[name])
        # an unreadable block in the middle: the cut must not move its text into a neighbour
        venue = _venue_of(page.papers[100])
        venue = venue.replace(" ", "\t") if COPIED[name].get("tabs") else venue
        at = text.index(f"\n{venue}\n", len(text) // 2)
        text = (text[:at] + "\nNeurIPS Conference Conference Paper\n"
                + text[at + len(venue) + 2:])
        path.write_text(text, encoding="utf-8")
        assert len(page_parts(str(path), 2) or ()) > 3, "the text is read in parts"
    serial = run("convert", str(path), "--to", "json")
    assert serial == run("convert", str(path), "--to", "json", "--jobs", "2")
    if name in COPIED:
        assert serial[0] == 1 and "NeurIPS Conference Conference Paper" in serial[2]


def _venue_of(paper) -> str:
    return " ".join(p for p in (paper.venue, paper.venue_kind, str(paper.year),
                                paper.paper_type) if p)
