"""Valid pages, generated from the page grammar (README, "The grammar" and "The model"), parse
to exactly the papers they were made from.

Random bytes almost never make a page (``test_parser_properties``: nearly all of them are
refused), so the branch that reads papers would hardly run. Here hypothesis builds pages
from the grammar instead: an optional header (cluster name, "N papers", "K author rows"),
then papers, each a venue line ``<venue> <kind> <year> <paper type>``, a title, 1 to 12
bullet lines of authors (any of the bullets), and an optional abstract of one or more lines
with the damage text extraction does (``https: //github. com/...``, ``i. e. ,``), blank lines
anywhere in between. The parse must give back every paper: its line, venue, kind, year,
type, title, the authors as written and their status, the abstract as written and the URL
it holds, and the page's counts, with no problem reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import arrow2bib

from . import oracles

SETTINGS = settings(max_examples=oracles.examples(300), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

VENUES = ["NeurIPS", "AAAI", "SIGIR", "WWW", "Computing in Science & Engineering",
          "ACM Transactions on Information Systems", "IEEE Trans. Knowl. Data Eng.",
          "Proceedings of the 3rd Workshop on Deep Learning", "KDD 2021"]
KINDS = ["Conference", "Journal", "Workshop", "Symposium", "Preprint"]
TYPES = ["Conference Paper", "Short Paper", "Journal Article", "Workshop Paper",
         "Demo Paper", "Extended Abstract", "Findings Paper", "Preprint"]
BULLETS = ["•", "·", "‣", "◦", "▪", "●", "-", "*", "–"]

TITLE_WORDS = ["Deep", "learning", "for", "CTR", "Prediction:", "A", "Survey", "of",
               "Graph-based", "Über", "Models", "with", "LoRA", "GPT-4", "Recommendation",
               "in", "3D", "$\\alpha$-Nets", "**Bold**", "Naïve", "Bayes", "Łódź", "(Short)",
               "and", "Beyond?", "Retrieval-Augmented", "Généralisation", "x86"]
GIVEN = ["Ann", "Bo", "Xiuqiang", "Jürgen", "Łukasz", "Zoë", "José María", "Li-Wei", "Ó",
         "Mary-Jane", "Xue (Steve)"]
FAMILY = ["Lee", "Chen", "He", "Müller", "Żółć", "O'Brien", "García Márquez", "Nguyễn",
          "de Rijke", "van der Berg", "Smith-Jones"]
SUFFIXES = ["", "", "", ", Jr.", " III"]
SENTENCES = ["We study the problem.", "Results improve by 3% over the baseline.",
             "The model (i. e. , ours) is fast.", "It works, e. g. , on graphs.",
             "We use $x^2$ and **bold** claims.", "Naïve methods fail; ours do not."]
URLS = ["https://github.com/ann-lee/deep-ctr", "https://example.org/x/y_z",
        "http://www.cs.example.edu/~bo/code"]
CLUSTER = "Xiuqiang He"


def _damaged(url: str) -> str:
    """A URL as the site's text extraction breaks it: spaces after ``:`` and the host's dots
    (``https: //github. com/...``)."""
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    return f"{scheme}: //{host.replace('.', '. ')}/{path}"


@dataclass(frozen=True)
class Made:
    """A paper as generated."""

    venue: str
    kind: str
    year: int
    ptype: str
    title: str
    authors: tuple[tuple[str, str, str], ...]  # (given, family, suffix)
    bullets: tuple[str, ...]
    abstract: tuple[str, ...]  # lines
    url: str | None


names = st.tuples(st.sampled_from(GIVEN), st.sampled_from(FAMILY), st.sampled_from(SUFFIXES))


def literal(name: tuple[str, str, str]) -> str:
    given, family, suffix = name
    return f"{given} {family}{suffix}"


def parts(name: tuple[str, str, str]) -> dict:
    """The parts of a generated name, as README's model names them."""
    given, family, suffix = name
    particle, _, last = family.rpartition(" ") if family[0].islower() else ("", "", family)
    return {"given": given.replace(" (Steve)", ""), "family": last,
            "particle": particle or None, "suffix": suffix.strip(", ") or None,
            "nickname": "Steve" if "(Steve)" in given else None}
titles = st.builds(
    lambda first, rest: " ".join([first, *rest]),
    st.sampled_from([w for w in TITLE_WORDS if w[0].isupper()]),
    st.lists(st.sampled_from(TITLE_WORDS), max_size=12))


@st.composite
def abstracts(draw) -> tuple[tuple[str, ...], str | None]:
    lines = draw(st.lists(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=4)
                          .map(" ".join), max_size=3))
    url = draw(st.none() | st.sampled_from(URLS))
    if url is not None:
        lines = lines or ["Code."]
        # the URL ends a sentence: the full stop stays outside it
        lines[-1] += f" The code is at {_damaged(url)}."
    return tuple(lines), url


@st.composite
def papers(draw) -> Made:
    count = draw(st.one_of(st.integers(1, 7), st.just(8), st.integers(9, 12)))
    authors = draw(st.lists(names, min_size=count, max_size=count))
    if count == 8 and draw(st.booleans()):  # a list of 8 that holds the page's own author
        authors[draw(st.integers(0, 7))] = ("Xiuqiang", "He", "")
    abstract, url = draw(abstracts())
    return Made(draw(st.sampled_from(VENUES)), draw(st.sampled_from(KINDS)),
                draw(st.integers(1900, 2099)), draw(st.sampled_from(TYPES)), draw(titles),
                tuple(authors), tuple(draw(st.sampled_from(BULLETS)) for _ in authors),
                abstract, url)


@st.composite
def pages(draw):
    header = draw(st.booleans())
    made = draw(st.lists(papers(), min_size=0 if header else 1, max_size=6))
    rows = draw(st.integers(1, 3))
    blank = st.integers(0, 2)
    lines: list[str] = []
    starts: list[int] = []

    def add(text: str) -> None:
        lines.extend([""] * draw(blank))
        lines.append(text)

    if header:
        for text in ["Arrow Research search", "Author name cluster", CLUSTER,
                     "Possible papers associated with this exact author name in Arrow.",
                     f"{len(made)} paper{'s' if len(made) != 1 else ''}",
                     f"{rows} author row{'s' if rows != 1 else ''}", "Possible papers",
                     str(len(made))]:
            add(text)
    for paper in made:
        add(f"{paper.venue} {paper.kind} {paper.year} {paper.ptype}")
        starts.append(len(lines))  # 1-based: the line just added
        add(paper.title)
        for bullet, name in zip(paper.bullets, paper.authors):
            add(f"{draw(st.sampled_from(['', '  ', chr(9)]))}{bullet} {literal(name)}")
        for text in paper.abstract:
            add(text)
    lines.extend([""] * draw(blank))
    return header, rows, made, starts, "\n".join(lines) + "\n"


def _status(made: Made, header: bool) -> str:
    if len(made.authors) != 8:
        return "complete"
    if header and CLUSTER not in map(literal, made.authors):
        return "truncated"
    return "may-be-truncated"


@SETTINGS
@given(pages())
def test_generated_pages_parse_to_what_they_were_made_from(page):
    header, rows, made, starts, text = page
    parsed = arrow2bib.parse(text, source="made.txt")
    assert parsed.problems == ()
    assert len(parsed.papers) == len(made)
    if header:
        assert (parsed.cluster, parsed.declared_papers, parsed.author_rows) == (
            CLUSTER, len(made), rows)
    else:
        assert parsed.cluster is None and parsed.declared_papers is None
    for got, want, line in zip(parsed.papers, made, starts):
        assert (got.line, got.source) == (line, "made.txt")
        assert (got.venue, got.venue_kind, got.year, got.paper_type) == (
            want.venue, want.kind, want.year, want.ptype)
        assert got.title == want.title
        assert tuple(a.literal for a in got.authors) == tuple(map(literal, want.authors))
        for person, name in zip(got.authors, want.authors):
            if name[1] != "García Márquez":  # two family names or a middle one: either
                assert {k: getattr(person, k) for k in parts(name)} == parts(name), person
        assert got.authors_status.value == _status(want, header)
        if want.abstract:
            assert got.raw_abstract == " ".join(want.abstract)
            assert got.urls == ((want.url,) if want.url else ())
            if want.url:
                assert f"{want.url}." in got.abstract and _damaged(want.url) not in got.abstract
            assert "i. e. ," not in got.abstract and "e. g. ," not in got.abstract
        else:
            assert got.abstract is None and got.raw_abstract is None and got.urls == ()


@settings(SETTINGS, max_examples=oracles.examples(100))
@given(pages())
def test_generated_pages_pass_the_checks_but_for_what_they_hold(page):
    """The checks find nothing wrong with a generated page but truncated author lists and
    unknown venues (which the generator makes on purpose): its count agrees."""
    header, _rows, made, _starts, text = page
    problems = arrow2bib.check(arrow2bib.parse(text, source="made.txt"))
    assert {p.code for p in problems} <= {"truncated-authors", "unknown-venue", "duplicate",
                                          "missing-field"}
