"""The sample page, exported to Hayagriva and typeset by the real Typst compiler: every
paper cited, every reference shown with its title, authors or "et al.", year and
proceedings; and a hostile paper that compiles all the same."""

from __future__ import annotations

import io

import arrow2bib
import pytest
import yaml
from arrow2bib import AuthorStatus, Entry, ExportOptions, Paper, Person
from arrow2bib.venues import resolve

from arrow2bib_hayagriva import HayagrivaExporter


def _export(papers: list[Paper]) -> str:
    out = io.StringIO()
    HayagrivaExporter().export([Entry(key=f"p{i}", paper=p) for i, p in enumerate(papers)],
                               out, ExportOptions())
    return out.getvalue()


def _plain(title: str) -> str:
    return title.replace("**", "")


@pytest.fixture(scope="module")
def sample_yaml(sample_page) -> tuple[list[Paper], str]:
    papers = list(sample_page.papers)
    assert len(papers) == 13
    return papers, _export(papers)


def test_sample_page_in_ieee(sample_yaml, render) -> None:
    papers, text = sample_yaml
    shown = render(text, [f"p{i}" for i in range(len(papers))], style="ieee")
    assert "[13]" in shown.text and "[14]" not in shown.text
    for paper in papers:
        assert _plain(paper.title) in shown.text, paper.title
        venue = resolve(paper.venue, paper.year, paper.venue_kind)
        container = venue.container if venue else paper.venue
        # the reference: "<authors>, “<title>,” in <proceedings>, <publisher>, <year>."
        start = shown.text.index(_plain(paper.title))
        reference = shown.text[max(0, start - 200) : start + len(paper.title) + 250]
        assert f"in {container}" in reference, paper.title
        assert str(paper.year) in reference
        families = [a.family or a.literal for a in paper.authors]
        before = shown.text[max(0, start - 200) : start]
        if len(families) >= 7:  # IEEE shortens 7 or more names to "First et al."
            assert f"{families[0]} et al., “" in before, paper.title
        else:
            assert all(f in before for f in families), paper.title
            assert "et al." not in before.split("]")[-1]


def test_sample_page_fields_as_typst_reads_them(sample_yaml, probe) -> None:
    papers, text = sample_yaml
    shown = probe(text, [f"p{i}" for i in range(len(papers))])
    assert set(shown) == {f"p{i}" for i in range(len(papers))}
    for i, paper in enumerate(papers):
        fields = shown[f"p{i}"]
        assert fields["KIND"] == "paper-conference"
        assert fields["TI"] == _plain(paper.title)
        assert fields["AU"] == "; ".join(f"{a.family}, {a.given}" for a in paper.authors)
        assert fields["PY"] == str(paper.year)
        venue = resolve(paper.venue, paper.year, paper.venue_kind)
        assert venue is not None and fields["CT"] == venue.container
        assert fields["EV"] == venue.event
        if paper.urls:
            assert fields["UR"] == paper.urls[0]
        if paper.authors_status is AuthorStatus.COMPLETE:
            assert "NO" not in fields
        else:
            assert fields["NO"].startswith("Author list")
            assert ("truncated" in fields["NO"]) is (paper.authors_status
                                                     is AuthorStatus.TRUNCATED)
        abstract = "".join((paper.abstract or "").replace("**", "").split())
        assert "".join(fields["AB"].split()) == abstract


def test_sample_page_keeps_acronyms_under_title_case(sample_yaml, render) -> None:
    papers, text = sample_yaml
    shown = render(text, [f"p{i}" for i in range(len(papers))], style="chicago-author-date")
    for expected in ("DeepFM: A Factorization-Machine Based Neural Network for CTR Prediction",
                     "UNBERT: User-News Matching BERT for News Recommendation",
                     "in OoD Algorithms", "Efficient Low-Rank Adaptation"):
        assert expected in shown.text


def test_sample_page_through_arrow2bib_export(sample_page, pm, render) -> None:
    # the whole path a user takes: arrow2bib.export(page, "hayagriva"), its citation keys
    problems: list = []
    text = arrow2bib.export(sample_page, "hayagriva", pm=pm, report=problems.append)
    keys = list(yaml.safe_load(text))
    assert len(keys) == 13 and "guo2017deepfm" in keys
    shown = render(text, keys)
    assert "DeepFM: A Factorization-Machine based Neural Network for CTR Prediction" \
        in shown.text
    # the one lossy spot on the page: the nickname in "Xue (Steve) Liu"
    assert [p.details.get("authors") for p in problems] == [["Xue (Steve) Liu"]]


HOSTILE = Paper(
    title='#set page(width: 1cm) $x_1$ @cite <label> *bold* _emph_ a: b "quoted" [link] '
          "{brace} back\\slash 100% ~ `raw` & a|b > ! - end",
    authors=(
        Person(literal="Ann-#1 $O'Brien", given="Ann-#1", family="$O'Brien"),
        Person(literal="@x <y>", given="@x", family="<y>"),
        Person(literal="[Jo] *Doe_*", given="[Jo]", family="*Doe_*"),
        Person(literal='"Q: uoted"', given='"Q:', family='uoted"'),
    ),
    venue="#Conf: [2025] {x} $5$",
    venue_kind="Conference",
    year=2025,
    paper_type="Conference Paper",
    abstract="Math $\\frac{a}{b}$ and #panic(\"boom\") and $#exit$ stay text.",
    urls=("https://example.org/a_b?c=d&e=%20#frag",),
)


@pytest.mark.parametrize("style", ["ieee", "apa", "chicago-author-date", "mla"])
def test_hostile_paper_compiles_and_shows_its_title(render, style: str) -> None:
    shown = render(_export([HOSTILE]), ["p0"], style=style)
    # styles change case and quotes, and APA/Chicago title-case the title: compare the
    # characters that no style touches
    title = "".join(c for c in HOSTILE.title if not c.isalpha() and not c.isspace())
    rendered = "".join(c for c in shown.text if not c.isalpha() and not c.isspace())
    assert title in rendered
    assert "example.org" in shown.text


def test_hostile_paper_as_typst_reads_it(probe) -> None:
    fields = probe(_export([HOSTILE]), ["p0"])["p0"]
    assert fields["TI"] == HOSTILE.title  # math is literal text, not Typst math
    assert fields["AU"] == "; ".join(f"{a.family}, {a.given}" for a in HOSTILE.authors)
    assert fields["CT"] == HOSTILE.venue
    assert fields["UR"] == HOSTILE.urls[0]
    assert "".join(fields["AB"].split()) == "".join((HOSTILE.abstract or "").split())
