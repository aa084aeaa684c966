"""The duplicate rules at their boundaries, each verdict derived by hand from the rules as the
README documents them ("Duplicates and versions"):

- identical: the same normal title, year, venue and paper type, a family name in common;
- near-identical: normal titles scoring at least 0.90, the same year and venue, a family name
  in common; the score is 2 * L / (both lengths), L the length of the longest common
  subsequence of the two normal titles' characters;
- version: the same or a near-identical title and a family name in common, but another venue
  or year;
- vetoes: no family name in common, years more than 3 apart, other numbers in the titles.

The module's docstring adds one case: two papers with no authors at all are not vetoed.

Titles are made of letters whose score is simple arithmetic (2 * common characters / both
lengths): ``abcdefghijklmnopqrst`` against ``abcdefghijklmnopqXsY`` is 2 * 18 / 40 = 0.90.
The score was difflib's ratio before (the same formula, with L what its greedy longest-block
search finds, never more than the true L): the ``lcs-`` cases are pairs it scored lower.
Each pair is checked twice: with the index in memory, and with its memory budget at 0 and 300
unrelated papers between them, so the earlier one has been written to the index's database
(whose query applies the vetoes and the title lengths a score of 0.90 allows itself).
"""

from __future__ import annotations

import dataclasses
import sqlite3
import tempfile

import pytest

import arrow2bib
from arrow2bib import Person
from arrow2bib.checks import duplicates, run_checks
from arrow2bib.read.names import parse_name

from .test_duplicate_oracle import lcs_score


def paper(title, authors=("Ann Lee", "Bo Chen"), year=2020, venue="AAAI",
          ptype="Conference Paper", line=1):
    return arrow2bib.Paper(
        title=title, authors=tuple(parse_name(a) for a in authors), year=year, venue=venue,
        venue_kind="Conference", paper_type=ptype, line=line, source="p.txt")


A = paper("Abcdefghij")
ADVERSARIAL = ("Adversarial Denoising Generation with Recommender Interpretable Vision "
               "Knowledge Wide Transformer")
VARIATIONAL = ("Variational Advertising Denoising Generation with Recommender Interpretable "
               "Vision Knowledge Wide Transformer")
T20 = "Abcdefghijklmnopqrst"
LONG = " ".join(["graph neural networks for click through rate prediction in sparse settings"] * 4)
# (id, earlier paper, later paper, expected (kind, score) or None)
CASES = [
    # identical: everything agrees; case, punctuation and accents are not part of a title
    ("identical", A, A, ("identical", 1.0)),
    ("identical-in-normal-form", paper("Über Graphs: a Study!"),
     paper("uber graphs -- A STUDY"), ("identical", 1.0)),
    # ... but the paper type is part of "identical": the same title, year and venue with
    # another type is near-identical (score 1.0 >= 0.90, same year and venue)
    ("other-paper-type", A, dataclasses.replace(A, paper_type="Short Paper"),
     ("near-identical", 1.0)),
    ("other-paper-type-reversed", paper("Abcdefghij", ptype="Journal Article"), A,
     ("near-identical", 1.0)),
    # near-identical at the threshold: 18 of 20 letters, 2 * 18 / 40 = 0.90 exactly (the
    # first 16 letters agree: papers are scored only when they share a block, and the
    # first 16 letters of the title are one)
    ("ratio-0.90", paper(T20), paper("AbcdefghijklmnopqXsY"), ("near-identical", 0.9)),
    # 18 letters against 22 (the 18 in common): 2 * 18 / 40 = 0.90, at the length bound
    ("ratio-0.90-lengths-18-22", paper(T20[:18]), paper(T20 + "uv"), ("near-identical", 0.9)),
    ("ratio-0.90-lengths-22-18", paper(T20 + "uv"), paper(T20[:18]), ("near-identical", 0.9)),
    # just below: 2 * 17 / 38 = 0.895 (19 letters, two changed; 17 against 21), and 0.85, 0.80
    ("ratio-0.895", paper(T20[:19]), paper("AbcdefghijklmnopXrY"), None),
    ("ratio-0.895-lengths-17-21", paper(T20[:17]), paper(T20 + "u"), None),
    ("ratio-0.85", paper(T20), paper("AbcdefghijklmnopXrXX"), None),
    ("ratio-0.80", paper(T20), paper("AbcdefghijklmnopXXXX"), None),
    # a long title one letter off: 2 * 298 / 598 = 0.997 (the true ratio: difflib's "junk"
    # heuristic for sequences of 200 and more would make it 0.50)
    ("long-titles-one-letter-apart", paper(LONG), paper(LONG[:150] + "q" + LONG[151:]),
     ("near-identical", 0.997)),
    # the score is the longest common subsequence's, not difflib's: "for deep deep deep"
    # (18 letters and spaces) is "for deep for deep deep" (22) with "for " added, so all 18
    # are in common: 2 * 18 / 40 = 0.90, at the threshold (difflib's ratio: 0.65, its
    # longest block "for deep deep" leaves "deep" nothing to match); the two share no end
    # block, only the set of words {for, deep}
    ("lcs-0.90-a-repeated-word-added", paper("For Deep Deep Deep"),
     paper("For Deep for Deep Deep"), ("near-identical", 0.9)),
    # "graph rank to rank to rank" (26) is "graph rank rank to rank" (23) with "to " added:
    # 2 * 23 / 49 = 0.939 (difflib: 0.735)
    ("lcs-0.939-a-repeated-word-added", paper("Graph Rank Rank to Rank"),
     paper("Graph Rank to Rank to Rank"), ("near-identical", 0.939)),
    # just below, with the same set of words: "for for to to" (13) and "for to to to" (12)
    # have "for to to" and two of the spaces ... 11 characters in common: 2 * 11 / 25 = 0.88
    ("lcs-0.88-below", paper("For For To To"), paper("For To To To"), None),
    # a word put in front that shares letters with the first (a pair from the overlap
    # benchmark page): "adversarial denoising ... transformer" (97) against "variational
    # advertising denoising ... transformer" (109): "adversarial" is "ad" + "vertising"'s
    # "er" "i" ... the common subsequence is 93 long (all but 4 of the shorter): 2 * 93 / 206
    # = 0.903. difflib's ratio depends on the order of its arguments: 0.903 one way, 0.893
    # (below) the way the check called it (the later paper first); the new score is symmetric
    ("lcs-0.903-a-word-put-in-front", paper(ADVERSARIAL), paper(VARIATIONAL),
     ("near-identical", 0.903)),
    # versions: the same title, another venue or year
    ("version-venue", A, dataclasses.replace(A, venue="IJCAI"), ("version", 1.0)),
    ("version-year-1", A, dataclasses.replace(A, year=2021), ("version", 1.0)),
    ("version-near-title", paper(T20), paper("AbcdefghijklmnopqXsY", venue="IJCAI"),
     ("version", 0.9)),
    # the year veto: 3 years apart are still versions, 4 are not the same work
    ("years-3-apart", A, dataclasses.replace(A, year=2023), ("version", 1.0)),
    ("years-3-apart-back", A, dataclasses.replace(A, year=2017), ("version", 1.0)),
    ("years-4-apart", A, dataclasses.replace(A, year=2024), None),
    ("years-4-apart-back", A, dataclasses.replace(A, year=2016), None),
    # a missing year is not "more than 3 years apart", but it is another year
    ("year-missing-on-one-side", A, dataclasses.replace(A, year=None), ("version", 1.0)),
    ("year-missing-on-the-other", dataclasses.replace(A, year=None), A, ("version", 1.0)),
    ("year-missing-on-both", dataclasses.replace(A, year=None), dataclasses.replace(A, year=None),
     ("identical", 1.0)),
    # the family-name veto
    ("no-family-in-common", A, paper("Abcdefghij", authors=("Cy Diaz",)), None),
    ("one-family-in-common", A, paper("Abcdefghij", authors=("Bo Chen", "Cy Diaz")),
     ("identical", 1.0)),
    ("same-family-other-given-name", A, paper("Abcdefghij", authors=("Zoe Lee",)),
     ("identical", 1.0)),
    ("authors-on-one-side-only", A, paper("Abcdefghij", authors=()), None),
    # a name kept whole (an organisation: no family name) counts as the family name
    ("same-organisation", dataclasses.replace(A, authors=(Person(literal="The Arrow Team"),)),
     dataclasses.replace(A, authors=(Person(literal="The Arrow Team"),)), ("identical", 1.0)),
    ("other-organisations", dataclasses.replace(A, authors=(Person(literal="The Arrow Team"),)),
     dataclasses.replace(A, authors=(Person(literal="Other Lab"),)), None),
    ("no-authors-on-either-side", paper("Abcdefghij", authors=()),
     paper("Abcdefghij", authors=()), ("identical", 1.0)),
    # the number veto: other numbers never match, the same numbers do
    ("part-1-part-2", paper("Graph Networks Part 1"), paper("Graph Networks Part 2"), None),
    ("gpt-3-gpt-4", paper("Scaling GPT 3 Models"), paper("Scaling GPT 4 Models"), None),
    ("a-number-only-on-one-side", paper("Graph Networks Part 1"), paper("Graph Networks Part"),
     None),
    ("same-numbers", paper("Graph Networks Part 1"), paper("Graph networks, part 1"),
     ("identical", 1.0)),
]


def test_the_table_scores_what_it_says():
    """The scores in CASES are the ones named (the longest common subsequence of the
    lowercased titles, by the oracle's dynamic programme)."""
    scores = {name: lcs_score(a.title.lower(), b.title.lower())
              for name, a, b, _ in CASES if name.startswith(("ratio-", "lcs-"))}
    assert scores == pytest.approx({
        "ratio-0.90": 0.9, "ratio-0.90-lengths-18-22": 0.9, "ratio-0.90-lengths-22-18": 0.9,
        "ratio-0.895": 34 / 38, "ratio-0.895-lengths-17-21": 34 / 38, "ratio-0.85": 0.85,
        "ratio-0.80": 0.8, "lcs-0.90-a-repeated-word-added": 36 / 40,
        "lcs-0.939-a-repeated-word-added": 46 / 49, "lcs-0.88-below": 22 / 25,
        "lcs-0.903-a-word-put-in-front": 186 / 206}, abs=1e-12)


def test_difflib_scored_the_lcs_cases_lower():
    """Why the lcs- cases are in the table: the old score (difflib's ratio, called with the
    later paper first as the check did) put every one of them below the threshold; the new
    one is never lower than the old."""
    from difflib import SequenceMatcher

    old = {name: SequenceMatcher(None, b.title.lower(), a.title.lower(), autojunk=False).ratio()
           for name, a, b, _ in CASES if name.startswith(("ratio-", "lcs-"))}
    assert {name for name, ratio in old.items() if name.startswith("lcs-") and ratio < 0.9} \
        == {name for name, *_ in CASES if name.startswith("lcs-")}
    for name, a, b, _ in CASES:
        if name in old:
            assert lcs_score(a.title.lower(), b.title.lower()) >= old[name] - 1e-12


FILLERS = [paper(f"Unrelated filler {i}", authors=(f"Fil Ler{i}",), line=100 + i)
           for i in range(300)]


def _found(pm, papers):
    page = arrow2bib.Page(source="p.txt", papers=tuple(papers))
    return [(p.line, p.details["kind"], p.details["score"], p.details["other"]["line"])
            for p in run_checks(page, pm=pm) if p.code == "duplicate"]


@pytest.fixture(params=["in-memory", "from-database"])
def where(request, monkeypatch):
    """Where the index keeps the earlier papers: in memory (the default budget), or in its
    database (a budget of 0 bytes: it moves there at the first paper)."""
    if request.param == "from-database":
        monkeypatch.setattr(duplicates, "MEMORY_BUDGET", 0)
    return request.param


@pytest.mark.parametrize("name, first, second, expected", CASES, ids=[c[0] for c in CASES])
def test_duplicate_rule_boundaries(pm, name, first, second, expected, where):
    between = len(FILLERS) if where == "from-database" else 0
    first = dataclasses.replace(first, line=1)
    second = dataclasses.replace(second, line=999)
    found = _found(pm, [first, *FILLERS[:between], second])
    assert found == ([] if expected is None else [(999, *expected, 1)])


def test_a_match_names_the_earlier_paper(pm, where):
    between = len(FILLERS) if where == "from-database" else 0
    first = dataclasses.replace(A, line=1, source="first.txt", title="Abcdefghij!")
    later = dataclasses.replace(A, line=999)
    page = arrow2bib.Page(source="p.txt", papers=(first, *FILLERS[:between], later))
    keys = {id(p): f"key{i}" for i, p in enumerate(page.papers)}  # run_checks: by id()
    (problem,) = [p for p in run_checks(page, pm=pm, keys=keys) if p.code == "duplicate"]
    assert problem.details["other"] == {"source": "first.txt", "line": 1, "title": "Abcdefghij!",
                                        "key": "key0"}
    assert "'Abcdefghij!' (first.txt:1)" in problem.message


def test_fillers_match_nothing(pm):
    assert _found(pm, FILLERS) == []


COPIES = [c for c in CASES if c[3] is not None and c[3][0] != "version"]


@pytest.mark.parametrize("name, first, second, expected", COPIES, ids=[c[0] for c in COPIES])
def test_a_copy_wins_over_an_earlier_version(pm, name, first, second, expected):
    """A later paper that matches two earlier ones is reported once, against the better:
    identical or near-identical over version, although the version came first."""
    version = dataclasses.replace(first, venue="Some Workshop", line=1,
                                  year=first.year - 2 if first.year else 2018)
    first = dataclasses.replace(first, line=2)
    second = dataclasses.replace(second, line=999)
    found = _found(pm, [version, first, second])
    assert found == [(2, "version", 1.0, 1), (999, *expected, 2)]


class _WritesFail:
    """A scratch database whose writes fail, as on a full disk."""

    def __init__(self, db):
        self._db = db

    def executemany(self, *args):
        raise sqlite3.OperationalError("database or disk is full")

    def __getattr__(self, name):
        return getattr(self._db, name)


def test_a_full_scratch_disk_is_an_output_error(pm, monkeypatch):
    monkeypatch.setattr(duplicates, "MEMORY_BUDGET", 0)
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *args, **kw: _WritesFail(connect(*args, **kw)))
    page = arrow2bib.Page(source="p.txt", papers=tuple(FILLERS))
    with pytest.raises(arrow2bib.OutputError, match=r"temporary files .*database or disk is full"):
        run_checks(page, pm=pm)


@pytest.mark.parametrize("fails", ["connect", "execute"])
def test_a_failing_scratch_database_is_an_output_error(pm, monkeypatch, fails):
    monkeypatch.setattr(duplicates, "MEMORY_BUDGET", 0)
    connect = sqlite3.connect

    class Failing(_WritesFail):
        def execute(self, *args):
            raise sqlite3.OperationalError("disk I/O error")

        def executemany(self, *args):  # the writes work: the candidates' query fails
            return self._db.executemany(*args)

    if fails == "connect":
        def broken(*args, **kw):
            raise sqlite3.OperationalError("disk I/O error")
    else:
        def broken(*args, **kw):
            return Failing(connect(*args, **kw))
    monkeypatch.setattr(sqlite3, "connect", broken)
    page = arrow2bib.Page(source="p.txt", papers=(A, A))  # the second looks A up
    with pytest.raises(arrow2bib.OutputError, match=r"temporary files .*disk I/O error"):
        run_checks(page, pm=pm)


def test_an_unwritable_scratch_folder_for_the_records_is_an_output_error(pm, monkeypatch,
                                                                          tmp_path):
    """In memory, the index writes its records to a temporary file once they pass
    _PENDING bytes: a folder where that file cannot be made is the same output error."""
    monkeypatch.setattr(duplicates, "_PENDING", 512)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    page = arrow2bib.Page(source="p.txt", papers=tuple(FILLERS))
    with pytest.raises(arrow2bib.OutputError, match=r"temporary files .*No such file"):
        run_checks(page, pm=pm)


def test_records_read_back_from_the_scratch_file_find_their_copies(pm, monkeypatch):
    """Copies of papers whose records went to the file (a few bytes at a time) are found as
    when the records stay in the buffer."""
    longer = dataclasses.replace(FILLERS[39], title="Unrelated filler paper about graphs 39")
    papers = [*FILLERS[:39], longer, dataclasses.replace(FILLERS[3], line=900),
              dataclasses.replace(longer, title=longer.title.replace("graphs", "graph"),
                                  line=901)]
    in_buffer = _found(pm, papers)
    monkeypatch.setattr(duplicates, "_PENDING", 64)
    assert _found(pm, papers) == in_buffer
    assert [(line, kind, other) for line, kind, _score, other in in_buffer] == [
        (900, "identical", 103), (901, "near-identical", 139)]


# ---- the index's own edges: what it keeps of a block (at most the last 64 papers of a block,
# every paper with the same normal title), in memory and from its database ----------------------
@pytest.mark.parametrize("title", ["Abcdefghijklmnopqrst", "?!"], ids=["title", "no-letters"])
def test_every_earlier_copy_of_a_title_is_a_candidate(pm, title, where):
    """70 identical copies: each is reported against the first (the earliest of equals),
    although the first is more than 64 papers back: the exact title has no cap."""
    copies = [paper(title, line=i) for i in range(1, 71)]
    found = _found(pm, copies)
    assert found == [(i, "identical", 1.0, 1) for i in range(2, 71)]


def test_a_block_gives_its_latest_64_papers(pm, where):
    """The earlier paper shares only the block of the first 16 letters with the later one;
    64 papers of that block (vetoed: other authors) came after it: it is past the block's 64,
    not scored. From the database: the last 64 are in memory (not yet written), the earlier
    paper in the database."""
    first = paper(T20 + " alpha", line=1)
    fillers = [dataclasses.replace(f, line=1000 + i) for i, f in enumerate(FILLERS[:255])]
    crowd = [paper(T20 + f" crowd{chr(97 + i // 26)}{chr(97 + i % 26)}", authors=("Zed Roe",),
                   line=2000 + i) for i in range(64)]
    later = paper(T20 + " xlpha", line=9999)  # not "alphx": the word block ("alp") is shared
    score = round(lcs_score("abcdefghijklmnopqrst alpha", "abcdefghijklmnopqrst xlpha"), 3)
    assert _found(pm, [first, *fillers, *crowd[:63], later])[-1] == (
        9999, "near-identical", score, 1)
    assert _found(pm, [first, *fillers, *crowd, later])[-1][0] != 9999


def test_one_family_name_in_common_is_enough_whatever_the_others(pm, where):
    """The database looks papers up by a bit mask of their family names; every pair of
    papers sharing a name must still meet, whichever bits the other names take."""
    others = [f"Xo{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(200)]
    firsts = [paper(f"Graph Networks Study {i}", authors=("Ann Lee", f"Cy {extra}"), line=i)
              for i, extra in enumerate(others, 1)]
    laters = [paper(f"Graph Networks Study {i}", authors=("Bo Lee",), line=1000 + i)
              for i in range(1, len(others) + 1)]
    fillers = [dataclasses.replace(f, line=5000 + i) for i, f in enumerate(FILLERS)]
    found = _found(pm, [*firsts, *fillers, *laters])  # the firsts are in the database
    assert found == [(1000 + i, "identical", 1.0, i) for i in range(1, len(others) + 1)]
