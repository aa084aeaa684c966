"""Property-based tests of the grammar: any input ends in papers and problems, or in a clear
error; never a traceback; no paper silently lost."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import arrow2bib
from arrow2bib import InputError
from arrow2bib.read.grammar import (
    _ABSTRACT_LABEL,
    _BULLET,
    _FIELD_LABELS,
    _NAME_MARKS,
    CONTROL_LABELS,
    _bullet_name,
    _first_authors,
    _normalise,
    is_cluster_mark,
    read_venue_line,
    unreadable_venue_line,
)
from arrow2bib.read.names import name_like
from arrow2bib.read.repair import repair_mojibake
from arrow2bib.text.hygiene import BIDI

from . import oracles

SETTINGS = settings(max_examples=oracles.examples(400), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_parse_or_fail_clearly(data):
    try:
        page = arrow2bib.parse(data, source="fuzz.bin")
    except InputError as exc:
        assert str(exc).startswith("fuzz.bin")
    else:
        assert all(p.title for p in page.papers)


@SETTINGS
@given(st.text(max_size=2000))
def test_any_text_parse_or_fail_clearly(text):
    try:
        page = arrow2bib.parse(text, source="fuzz.txt")
    except InputError as exc:
        assert str(exc).startswith("fuzz.txt")
    else:
        for paper in page.papers:
            assert paper.title and paper.line >= 1


VENUE_LINES = st.sampled_from([
    ("NeurIPS", "Conference", "Conference Paper"), ("AAAI", "Conference", "Short Paper"),
    ("Computing in Science & Engineering", "Journal", "Journal Article"),
    ("ACL", "Workshop", "Workshop Paper"),
])
# Any characters but line breaks (the page puts one field per line).
# (C1 controls and the letters that start UTF-8-read-as-cp1252 sequences are left out: the
# reader rightly repairs such "mojibake" lines, which this round trip does not model; the
# encoding tests cover it)
# Noncharacters (in Cn) and bidi controls are reported (unsafe-character), as test_math_check
# tests; this round trip leaves them out like control characters.
LINE_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Cn"),
                  blacklist_characters="\u2028\u2029ÂÃÄÅÆÇâãäåæçÐÑðñ" + BIDI),
    min_size=1, max_size=80,
)


def _title_ok(text: str) -> bool:
    text = _normalise(text)
    return (bool(text) and read_venue_line(text) is None and not _BULLET.match(text)
            and not is_cluster_mark(text))  # a second page's header: an error (test_parser)


def _abstract_ok(text: str) -> bool:
    # a line that looks like a venue line the reader cannot read starts a block it reports
    # (nor is an abstract its label, "Abstract", or starts with it, "Abstract: ": left out,
    # test_parser and test_parser_blocks)
    return (_title_ok(text) and unreadable_venue_line(_normalise(text)) is None
            and _ABSTRACT_LABEL.match(_normalise(text)) is None
            and _normalise(text).lower() not in _FIELD_LABELS
            # a control's label ("Show more") after a paper is the page's: left out
            and _normalise(text).lower() not in CONTROL_LABELS)


def _name_ok(text: str) -> bool:
    # (names that end in footnote marks as the bullet reads them, "A0", "Ann*", "A0;", lose
    # the marks: test_parser; also once the line's mojibake is repaired, "Ú¤Ă»0" -> "ڤû0")
    line = "• " + text
    line = repair_mojibake(line) or line
    bullet = _BULLET.match(_normalise(line)) if _normalise(text) else None
    # (a bullet whose text is a sentence, "• 0 a:", is text: test_parser_blocks)
    return (bullet is not None and _NAME_MARKS.search(bullet.group("name")) is None
            and _bullet_name(bullet) is not None)


paper_strategy = st.tuples(
    VENUE_LINES,
    st.integers(1000, 2999),
    LINE_TEXT.filter(_title_ok),
    st.lists(LINE_TEXT.filter(_name_ok), max_size=10),
    st.one_of(st.none(), LINE_TEXT.filter(_abstract_ok)),
).filter(
    # without author bullets, a line after the title that reads as a name is read as the
    # author (text copied from a browser writes names so); such a page is not this round trip
    # (or names: "A,A", test_parser's copied-text tests)
    lambda p: p[3] or p[4] is None or not (name_like(_normalise(p[4]))
                                           or _first_authors(_normalise(p[4])))
)


def _render(papers) -> str:
    lines = ["Author name cluster", "", "Jane Doe", "", f"{len(papers)} papers", "1 author row", ""]
    for (venue, kind, ptype), year, title, authors, abstract in papers:
        lines += [f"{venue} {kind} {year} {ptype}", "", title, ""]
        lines += [f"  • {a}" for a in authors]
        if abstract is not None:
            lines += ["", abstract]
        lines.append("")
    return "\n".join(lines)


@SETTINGS
@given(st.lists(paper_strategy, max_size=8))
def test_rendered_pages_round_trip(papers):
    page = arrow2bib.parse(_render(papers), source="gen.txt")
    # random text can look like mojibake (UTF-8 read as cp1252, "Ã¼"): the reader repairs
    # such lines and says so; every other problem is a failure
    # a paper without authors is reported (never a silent anonymous entry), at its line
    reported = [p for p in page.problems if p.code != "mojibake"]
    assert [(p.code, p.details.get("reason")) for p in reported] == [
        ("parse-error", "no-authors") for paper in papers if not paper[3]]
    assert [p.line for p in reported] == [
        got.line for got, paper in zip(page.papers, papers) if not paper[3]]
    repaired = {p.line for p in page.problems if p.code == "mojibake"}
    assert len(page.papers) == len(papers)
    for got, ((venue, kind, ptype), year, title, authors, abstract) in zip(page.papers, papers):
        assert (got.venue, got.venue_kind, got.year, got.paper_type) == (venue, kind, year, ptype)
        if not repaired:
            assert got.title == _normalise(title)
        assert len(got.authors) == len(authors)
        if abstract is None:
            assert got.abstract is None
        else:
            assert got.raw_abstract is not None


@pytest.mark.parametrize("n", [0, 1, 50])
def test_generated_benchmark_pages_parse_completely(n):
    import io

    from benchmarks.generate import write

    buffer = io.StringIO()
    write(n, buffer)
    page = arrow2bib.parse(buffer.getvalue(), source="bench.txt")
    assert len(page.papers) == n and page.problems == ()
