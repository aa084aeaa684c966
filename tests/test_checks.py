"""Checks: truncated lists, counts, venues, missing fields, duplicates and versions."""

from __future__ import annotations

import pytest

import arrow2bib
from arrow2bib import Severity, hookimpl
from arrow2bib.checks import Check, CheckContext, CheckRun, run_checks
from arrow2bib.checks.duplicates import DuplicateIndex, record_for
from arrow2bib.read.names import parse_name
from arrow2bib.run.pipeline import process
from arrow2bib.text.fold import normalise_title

from .conftest import SAMPLE


def paper(title, authors=("Ann Lee", "Bo Chen"), year=2020, venue="AAAI", kind="Conference",
          ptype="Conference Paper", line=1, source="p.txt", abstract=None, urls=()):
    return arrow2bib.Paper(
        title=title, authors=tuple(parse_name(a) for a in authors), year=year, venue=venue,
        venue_kind=kind, paper_type=ptype, line=line, source=source, abstract=abstract,
        urls=tuple(urls))


def codes(problems):
    return [(p.code, p.severity.value, p.line) for p in problems]


def test_sample_page_report(sample_page, pm):
    problems = run_checks(sample_page, pm=pm)
    truncated = [p for p in problems if p.code == "truncated-authors"]
    assert [(p.line, p.details["status"]) for p in truncated] == [
        (16, "may-be-truncated"), (31, "truncated"), (46, "may-be-truncated"),
        (61, "may-be-truncated"), (88, "may-be-truncated")]
    # notes: the site causes them (issue 18), so --strict does not fail on them
    assert all(p.severity is Severity.INFO for p in truncated)
    assert truncated[1].details["certain"] is True and truncated[0].details["certain"] is False
    assert not [p for p in problems if p.code in ("duplicate", "count-mismatch", "unknown-venue",
                                                  "missing-field", "parse-error")]


def test_count_mismatch(pm):
    text = SAMPLE.read_text(encoding="utf-8").replace("13 papers", "14 papers")
    page = arrow2bib.parse(text, source="p.txt")
    (problem,) = [p for p in run_checks(page, pm=pm) if p.code == "count-mismatch"]
    assert problem.severity is Severity.ERROR
    assert problem.details == {"declared": 14, "parsed": 13, "unread_lines": []}
    text = SAMPLE.read_text(encoding="utf-8").replace("13 papers", "12 papers")
    page = arrow2bib.parse(text, source="p.txt")
    (problem,) = [p for p in run_checks(page, pm=pm) if p.code == "count-mismatch"]
    assert problem.severity is Severity.WARNING


def test_unknown_venue(pm):
    page = arrow2bib.Page(source="p.txt", papers=(paper("A Title", venue="FooConf"),))
    (problem,) = [p for p in run_checks(page, pm=pm) if p.code == "unknown-venue"]
    assert "FooConf" in problem.message and problem.line == 1


def test_missing_core_fields(pm):
    page = arrow2bib.Page(source="p.txt", papers=(paper("A Title", authors=(), venue=""),))
    (problem,) = [p for p in run_checks(page, pm=pm) if p.code == "missing-field"]
    assert problem.severity is Severity.ERROR
    assert problem.details["required"] == ["authors", "venue"]


# ---- duplicates ----------------------------------------------------------------------

def dupes(*papers):
    index = DuplicateIndex()
    return [index.add(record_for(p)) for p in papers]


@pytest.mark.parametrize(
    "a, b",
    [
        ("DeepFM: A Factorization-Machine based Neural Network for CTR Prediction",
         "DeepFM: A Factorization-Machine based Neural Network for CTR Prediction"),
        ("DeepFM: A Factorization-Machine based Neural Network for CTR Prediction",
         "deepfm - a factorization machine based neural network for ctr prediction."),
        ("Über Neural Networks", "Uber neural networks"),
        ("{\\\"U}ber {N}eural {N}etworks", "Über Neural Networks"),
        ("**TopLoRA**: Token-wise Adaptation", "TopLoRA: Token-wise Adaptation"),
        ("Learning   with\u00a0spaces", "Learning with spaces"),
    ],
)
def test_identical_after_normalisation(a, b):
    first, second = dupes(paper(a, line=1), paper(b, line=20))
    assert first is None
    assert second.kind == "identical" and second.score == 1.0 and second.other.line == 1


def test_near_identical_typo():
    _, match = dupes(
        paper("Modeling High-order Interactions across Multi-interests for Micro-video "
              "Recommendation"),
        paper("Modeling High-order Interactions across Multi-interests for Micro-video "
              "Reommendation"))
    assert match.kind == "near-identical" and 0.9 <= match.score < 1


@pytest.mark.parametrize(
    "later",
    [
        dict(venue="AAAI", kind="Workshop", ptype="Workshop Paper", year=2019),  # workshop
        dict(venue="TKDE", kind="Journal", ptype="Journal Article", year=2022),  # journal
    ],
)
def test_versions(later):
    _, match = dupes(paper("Graph Heterogeneous Multi-Relational Recommendation"),
                     paper("Graph Heterogeneous Multi-Relational Recommendation", **later))
    assert match.kind == "version"


@pytest.mark.parametrize(
    "a, b",
    [
        # the same generic title, other authors, other years: different works
        (paper("Introduction", authors=("Ann Lee",), year=1999),
         paper("Introduction", authors=("Zed Kay",), year=2015)),
        # same generic title, different authors, same year
        (paper("A Survey", authors=("Ann Lee",)), paper("A Survey", authors=("Zed Kay",))),
        # similar titles, different papers
        (paper("Deep Learning for Click-Through Rate Estimation"),
         paper("Deep Learning for Conversion Rate Estimation")),
        # numbered parts
        (paper("Robust Learning, Part 1"), paper("Robust Learning, Part 2")),
        # same authors, years far apart
        (paper("Graph Recommendation", year=2001), paper("Graph Recommendation", year=2020)),
    ],
)
def test_not_duplicates(a, b):
    assert dupes(a, b) == [None, None]


def test_duplicate_check_names_both_lines_and_why(pm):
    page = arrow2bib.Page(source="p.txt", papers=(
        paper("Graph Networks", line=3), paper("Other Work", line=9),
        paper("Graph  networks.", line=17)))
    (problem,) = [p for p in run_checks(page, pm=pm) if p.code == "duplicate"]
    assert problem.line == 17 and problem.severity is Severity.WARNING
    assert problem.details["other"]["line"] == 3 and problem.details["kind"] == "identical"
    assert "p.txt:3" in problem.message and "2 author(s) in common" in problem.message


def test_duplicates_across_inputs(pm):
    a = arrow2bib.Page(source="a.txt", papers=(paper("Graph Networks", source="a.txt"),))
    b = arrow2bib.Page(source="b.txt", papers=(paper("Graph Networks", source="b.txt", line=5),))
    (problem,) = [p for p in run_checks([a, b], pm=pm) if p.code == "duplicate"]
    assert (problem.source, problem.details["other"]["source"]) == ("b.txt", "a.txt")


def test_normalise_title():
    assert normalise_title("{D}eep{FM}: {\\\"U}ber \\textbf{X} -- $x$") == "deepfm uber x x"


def test_numbered_titles_do_not_crowd_a_block():
    """Papers with other numbers can never match, so they do not push a near copy out of its
    block (MAX_BLOCK): the numbers are part of the blocking keys."""
    from arrow2bib.checks.duplicates import MAX_BLOCK

    first = paper("Scalable Recommendation Systems at Web Scale, Part 1", line=1)
    crowd = [paper(f"Scalable Recommendation Systems at Web Scale, Part {i}", line=i)
             for i in range(2, MAX_BLOCK + 40)]
    copy = paper("Scalable Recommendation System at Web Scale, Part 1", line=999)
    *rest, match = dupes(first, *crowd, copy)
    assert all(found is None for found in rest)
    assert match.kind == "near-identical" and match.other.line == 1


def test_duplicate_index_is_not_quadratic():
    import time

    index = DuplicateIndex()
    start = time.perf_counter()
    for i in range(20000):
        index.add(record_for(paper(f"Paper number {i} about graphs", authors=("Xiuqiang He",))))
    # all 20,000 share an author and most of their title: all-pairs would be 2e8 comparisons
    assert time.perf_counter() - start < 60


# ---- dedupe modes --------------------------------------------------------------------

def _page_with_copies():
    return arrow2bib.Page(source="p.txt", papers=(
        paper("Graph Networks", line=1, authors=("Ann Lee",) * 1),
        paper("Other", line=5),
        paper("Graph networks", line=9, authors=("Ann Lee", "Bo Chen"), abstract="Abs.",
              urls=("https://x.org/a",)),
    ))


def test_dedupe_keep_reports_only(pm):
    outcome = process([_page_with_copies()], pm=pm, exporter=None)
    assert outcome.written == 3 and outcome.skipped == outcome.merged == 0


def test_dedupe_first(pm):
    outcome = process([_page_with_copies()], pm=pm, exporter=None, dedupe="first")
    assert [e.paper.line for e in outcome.entries] == [1, 5]
    assert outcome.skipped == 1 and outcome.read == 3
    (note,) = [p for p in outcome.problems if p.code == "dedupe"]
    assert note.line == 9 and "skipped as a copy of" in note.message


def test_dedupe_merge(pm):
    outcome = process([_page_with_copies()], pm=pm, exporter=None, dedupe="merge")
    first = outcome.entries[0].paper
    assert outcome.merged == 1 and len(outcome.entries) == 2
    assert first.title == "Graph Networks" and first.line == 1
    assert [a.literal for a in first.authors] == ["Ann Lee", "Bo Chen"]  # the longer list
    assert first.abstract == "Abs." and first.urls == ("https://x.org/a",)


def test_accounting_adds_up(pm):
    for mode in ("keep", "first", "merge"):
        o = process([_page_with_copies()], pm=pm, exporter=None, dedupe=mode)
        assert o.read == o.written + o.merged + o.skipped


def test_versions_are_never_deduplicated(pm):
    page = arrow2bib.Page(source="p.txt", papers=(
        paper("Graph Networks"), paper("Graph Networks", venue="TKDE", kind="Journal",
                                       ptype="Journal Article", year=2021, line=4)))
    outcome = process([page], pm=pm, exporter=None, dedupe="first")
    assert outcome.written == 2


# ---- third-party checks ----------------------------------------------------------------

def test_third_party_check(pm, sample_page):
    class LongTitle(Check):
        name = "long-title"
        codes = ("long-title",)

        def paper(self, paper, key):
            if len(paper.title) > 90:
                yield arrow2bib.Problem(code="long-title", severity=Severity.INFO,
                                        message="long", source=paper.source, line=paper.line)

    class Plugin:
        @hookimpl
        def register_checks(self, register):
            register(LongTitle)

    pm.register(Plugin(), name="long-title-plugin")
    found = [p for p in run_checks(sample_page, pm=pm) if p.code == "long-title"]
    assert [p.line for p in found] == [103, 180]


def test_checks_are_fresh_per_run(pm):
    page = arrow2bib.Page(source="p.txt", papers=(paper("Graph Networks"),))
    for _ in range(2):
        assert not [p for p in run_checks(page, pm=pm) if p.code == "duplicate"]


def test_check_skip(pm):
    run = CheckRun(pm, CheckContext(), skip=["truncated-authors"])
    assert "truncated-authors" not in [c.name for c in run.checks]


# ---- missing fields per format --------------------------------------------------------

@pytest.mark.parametrize(
    "fmt, entry_type, required, recommended",
    [
        ("bibtex", "inproceedings", ["author", "booktitle", "year"], []),
        ("biblatex", "inproceedings", ["author", "booktitle", "date"], []),
        ("csljson", "paper-conference", [], ["author", "issued", "container-title"]),
        ("ris", "CPAPER", [], ["AU", "PY", "T2"]),
        ("orcid", "conference-paper", [], ["publication-date", "contributors",
                                           "journal-title"]),
    ],
)
def test_missing_fields_per_format(pm, fmt, entry_type, required, recommended):
    from arrow2bib.exporters.registry import Formats

    exporter = Formats(pm).get(fmt)
    bare = paper("A Title", authors=(), year=None, venue="")
    page = arrow2bib.Page(source="p.txt", papers=(bare,))
    found = [p for p in run_checks(page, pm=pm, context=CheckContext(exporter=exporter))
             if p.code == "missing-field"]
    (problem,) = found
    assert problem.details["format"] == fmt
    assert problem.details["entry_type"] == entry_type
    assert sorted(problem.details["required"]) == sorted(required)
    assert set(recommended) <= set(problem.details["recommended"]) or required
    assert problem.severity is (Severity.ERROR if required else Severity.INFO)


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "csljson", "ris", "orcid"])
def test_sample_page_has_every_required_field(pm, sample_page, fmt):
    from arrow2bib.exporters.registry import Formats

    exporter = Formats(pm).get(fmt)
    found = [p for p in run_checks(sample_page, pm=pm, context=CheckContext(exporter=exporter))
             if p.code == "missing-field" and p.severity is Severity.ERROR]
    assert found == []


def test_library_check(sample_page):
    problems = arrow2bib.check(sample_page, "bibtex")
    assert [p.code for p in problems] == ["truncated-authors"] * 5
    assert problems[1].key == "cui2025semantic"
