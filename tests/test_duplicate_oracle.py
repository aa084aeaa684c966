"""The duplicate check against an oracle written here from the documented rules (README,
"Duplicates and versions"; the module's docstring for the blocks), not from the module's
own matching code: every later paper is compared with every earlier one.

- identical: the same normal title, year, venue and paper type, a family name in common;
- near-identical: normal titles scoring at least 0.90, the same year and venue, a family
  name in common; the score is 2 * L / (both lengths), L the length of the titles' longest
  common subsequence of characters (:func:`lcs_length`, the textbook dynamic programme);
- version: the same or a near-identical title, a family name in common, another venue or
  year;
- vetoes: no family name in common (unless neither paper has authors), years more than 3
  apart, other numbers in the titles (the title's words with a digit in them);
- the best match wins: identical over near-identical over version, then the higher score
  (as reported, to 3 places), then the earliest paper.

The index scores only papers that share a block (the normal title, its first or last 16
characters with the numbers in it, its set of words cut to 3 letters with the numbers), at
most the last 64 of a block. The first test's papers are made so that no match is lost that
way (long titles, edits away from both ends, small blocks), so the index must find exactly
what comparing all pairs finds. The second crowds blocks on purpose and models them
(:func:`_blocks`).
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections import Counter

import pytest

import arrow2bib
from arrow2bib.checks import run_checks
from arrow2bib.read.names import parse_name
from arrow2bib.text.fold import normalise_title

THRESHOLD = 0.90
MAX_YEARS_APART = 3
RANK = {"identical": 3, "near-identical": 2, "version": 1}


def lcs_length(a: str, b: str) -> int:
    """The length of the longest common subsequence of ``a`` and ``b`` (one row of the
    textbook table at a time)."""
    row = [0] * (len(b) + 1)
    for x in a:
        previous_diagonal = 0
        for j, y in enumerate(b, 1):
            above = row[j]
            row[j] = previous_diagonal + 1 if x == y else max(row[j - 1], above)
            previous_diagonal = above
    return row[-1]


def lcs_score(a: str, b: str) -> float:
    """The documented similarity: 2 * L / (len(a) + len(b))."""
    return 2.0 * lcs_length(a, b) / (len(a) + len(b)) if a or b else 1.0


def _at_most(a: str, b: str) -> float:
    """An upper bound of :func:`lcs_score` (common characters, ignoring order), only to be
    quick."""
    return 2.0 * sum((Counter(a) & Counter(b)).values()) / (len(a) + len(b))


@dataclasses.dataclass(frozen=True)
class Seen:
    """What the oracle keeps of a paper."""

    line: int
    normal: str
    numbers: frozenset[str]
    year: int | None
    venue: str
    ptype: str
    families: frozenset[str]


def seen(paper: arrow2bib.Paper) -> Seen:
    # the generated titles are ASCII words and numbers: their normal form is the lowercased
    # words joined by one space (checked against the library's normal form below)
    words = re.findall(r"[a-z0-9]+", paper.title.lower())
    numbers = frozenset(w for w in words if re.search(r"[0-9]", w))  # "part 2", "gpt3", "x2"
    return Seen(paper.line, " ".join(words), numbers,
                paper.year, paper.venue.lower(), paper.paper_type.lower(),
                frozenset(a.family.lower() for a in paper.authors))


def oracle_compare(new: Seen, old: Seen):
    """(kind, score, other line, fields, authors in common), or None."""
    if new.year is not None and old.year is not None and abs(new.year - old.year) > 3:
        return None
    if new.numbers != old.numbers:
        return None
    common = len(new.families & old.families)
    if not common and (new.families or old.families):
        return None
    if new.normal == old.normal:
        score = 1.0
    else:
        if _at_most(new.normal, old.normal) < THRESHOLD:
            return None
        score = lcs_score(new.normal, old.normal)
        if score < THRESHOLD:
            return None
    same = tuple(name for name, a, b in (("year", new.year, old.year),
                                         ("venue", new.venue, old.venue),
                                         ("paper type", new.ptype, old.ptype)) if a == b)
    if new.year == old.year and new.venue == old.venue:
        kind = "identical" if score == 1.0 and new.ptype == old.ptype else "near-identical"
    else:
        kind = "version"
    fields = (("title",) if score == 1.0 else ()) + same
    return kind, round(score, 3), old.line, fields, common


def oracle_best(new: Seen, earlier) -> tuple | None:
    best = None
    for old in earlier:  # in input order: the first of equals stays
        match = oracle_compare(new, old)
        if match and (best is None or (RANK[match[0]], match[1]) > (RANK[best[0]], best[1])):
            best = match
    return best


def found(papers, pm) -> list:
    """What the duplicate check reports, one entry per paper (None: no match)."""
    page = arrow2bib.Page(source="p.txt", papers=tuple(papers))
    by_line = {p.line: (p.details["kind"], p.details["score"], p.details["other"]["line"],
                        tuple(p.details["fields"]), p.details["common_authors"])
               for p in run_checks(page, pm=pm) if p.code == "duplicate"}
    return [by_line.get(p.line) for p in papers]


def paper(title, authors, year, venue, ptype, line):
    return arrow2bib.Paper(
        title=title, authors=tuple(parse_name(a) for a in authors), year=year, venue=venue,
        venue_kind="Conference", paper_type=ptype, line=line, source="p.txt")


WORDS = """graph neural network learning deep model attention ranking recommendation click
through rate prediction sparse dense factor machine embedding retrieval search query
vector contrastive federated privacy robust adaptive transfer sequence session feature
interaction hashing pruning""".split()
NAMES = ["Ann Lee", "Bo Chen", "Cy Diaz", "Di Wu", "Ed Kim", "Flo Ng"]
YEARS = [2014, 2017, 2018, 2020, 2021, 2024]
VENUES = ["AAAI", "IJCAI", "KDD"]
TYPES = ["Conference Paper", "Short Paper"]


def _edit_middle(rng: random.Random, title: str, edits: int) -> str:
    """``title`` with ``edits`` letters replaced, none in its first or last 20 characters
    (so the copy shares both end blocks with the original)."""
    chars = list(title)
    spots = [i for i, c in enumerate(chars) if c.isalpha() and 20 <= i < len(chars) - 20]
    for i in rng.sample(spots, min(edits, len(spots))):
        chars[i] = "q" if chars[i] != "q" else "z"
    return "".join(chars)


def _papers(seed: int, count: int) -> list[arrow2bib.Paper]:
    rng = random.Random(seed)
    papers: list[arrow2bib.Paper] = []
    for line in range(1, count + 1):
        roll = rng.random()
        if papers and roll < 0.45:  # a copy of an earlier paper, changed a little
            old = rng.choice(papers)
            title, authors = old.title, [a.literal for a in old.authors]
            year, venue, ptype = old.year, old.venue, old.paper_type
            change = rng.choice(["none", "case", "edits", "edits", "year", "venue", "type",
                                 "authors", "number"])
            if change == "case":
                title = title.upper() if rng.random() < 0.5 else title.lower() + "."
            elif change == "edits":
                title = _edit_middle(rng, title, rng.randint(1, 7))
            elif change == "year":
                year += rng.choice([-4, -3, -1, 1, 3, 4])
            elif change == "venue":
                venue = rng.choice(VENUES)
            elif change == "type":
                ptype = rng.choice(TYPES)
            elif change == "authors":
                authors = rng.sample(NAMES, rng.randint(0, 2))
            elif change == "number":
                title += f" {rng.randint(1, 3)}"
            papers.append(paper(title, authors, year, venue, ptype, line))
            continue
        words = [rng.choice(WORDS) for _ in range(rng.randint(7, 10))]
        title = " ".join(words).capitalize()
        if rng.random() < 0.15:
            title += f" {rng.randint(1, 3)}"
        papers.append(paper(title, rng.sample(NAMES, rng.randint(0, 2)), rng.choice(YEARS),
                            rng.choice(VENUES), rng.choice(TYPES), line))
    return papers


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_check_finds_what_comparing_all_pairs_finds(seed, pm):
    papers = _papers(seed, 400)
    records = [seen(p) for p in papers]
    assert [r.normal for r in records] == [normalise_title(p.title) for p in papers]
    expected = [oracle_best(r, records[:i]) for i, r in enumerate(records)]
    assert found(papers, pm) == expected
    # the papers exercise every verdict, and ratios on both sides of the threshold
    kinds = [m[0] for m in expected if m]
    assert all(kinds.count(k) >= 10 for k in RANK), kinds
    assert any(0.9 <= m[1] < 0.93 for m in expected if m)
    groups: dict[tuple, list[Seen]] = {}
    for record in records:  # papers with the same first 16 letters and numbers
        groups.setdefault(_blocks(record)[0], []).append(record)
    near_misses = [(a.line, b.line) for group in groups.values() for a in group for b in group
                   if a.line < b.line and a.families & b.families
                   and 0.8 <= lcs_score(a.normal, b.normal) < THRESHOLD]
    assert len(near_misses) >= 5, near_misses


# ---- crowded blocks -----------------------------------------------------------------------
MAX_BLOCK = 64


def _blocks(record: Seen) -> list[tuple]:
    """The blocks of the module's docstring: the first and last 16 characters of the title
    without spaces, each with the numbers in the title, and the set of its words without a
    digit cut to 3 letters, with the numbers."""
    compact = record.normal.replace(" ", "")
    if not compact:
        return []
    numbers = tuple(sorted(record.numbers))
    return [("first", compact[:16], numbers), ("last", compact[-16:], numbers),
            ("words", frozenset(w[:3] for w in record.normal.split()
                                if not re.search(r"\d", w)), numbers)]


def oracle_with_blocks(records: list[Seen]) -> list:
    """Each paper scored against every earlier one with its normal title, and the last
    MAX_BLOCK earlier papers of each of its blocks."""
    by_title: dict[str, list[int]] = {}
    by_block: dict[tuple, list[int]] = {}
    out = []
    for i, record in enumerate(records):
        candidates = set(by_title.get(record.normal, []))
        for block in _blocks(record):
            candidates.update(by_block.get(block, [])[-MAX_BLOCK:])
        out.append(oracle_best(record, [records[j] for j in sorted(candidates)]))
        by_title.setdefault(record.normal, []).append(i)
        for block in _blocks(record):
            by_block.setdefault(block, []).append(i)
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_crowded_blocks_keep_their_latest_papers(seed, pm):
    """Blocks of a hundred papers and more (a tiny vocabulary), exact and near copies,
    numbers, years and families that veto, over several of the index's writes to its
    database."""
    rng = random.Random(seed)
    words = ["Graph", "Deep", "Graphs"]
    papers: list[arrow2bib.Paper] = []
    for line in range(1, 1601):
        if line % 20 == 0 and line > 40:  # a near copy (one letter off), 30 to 200 back
            old = papers[-rng.randint(30, min(200, len(papers)))]
            cut = rng.randrange(len(old.title))
            papers.append(dataclasses.replace(
                old, title=old.title[:cut] + "x" + old.title[cut + 1:], line=line))
            continue
        title = " ".join(rng.choice(words) for _ in range(rng.randint(3, 7)))
        if rng.random() < 0.2:
            title += f" {rng.randint(1, 3)}"
        papers.append(paper(title, rng.sample(NAMES[:4], rng.randint(0, 2)),
                            rng.choice([2010, 2019, 2020, 2021]), rng.choice(["AAAI", "IJCAI"]),
                            "Conference Paper", line))
    records = [seen(p) for p in papers]
    assert [r.normal for r in records] == [normalise_title(p.title) for p in papers]
    expected = oracle_with_blocks(records)
    assert found(papers, pm) == expected
    assert sum(m is not None for m in expected) > 100
    # the cap matters here: blocks grow far beyond MAX_BLOCK
    sizes: dict[tuple, int] = {}
    for record in records:
        for block in _blocks(record):
            sizes[block] = sizes.get(block, 0) + 1
    assert max(sizes.values()) > 2 * MAX_BLOCK


# ---- the edges of the blocks -------------------------------------------------------------
def _share_a_block(a: arrow2bib.Paper, b: arrow2bib.Paper) -> bool:
    x, y = seen(a), seen(b)
    return x.normal == y.normal or bool(set(_blocks(x)) & set(_blocks(y)))


@pytest.mark.parametrize("first, second", [
    ("DeepFM Network", "DeepFM Networks"),  # 0.966: a short title, one letter more
    ("A Deep Graph Model for Everything", "A Deep Graph Modal for Everythings"),  # 0.955
])
def test_near_copies_that_differ_near_both_ends_share_the_word_block(first, second, pm):
    """Both ends differ (no first or last 16 characters in common), so only the word block
    (words cut to 3 letters) brings the pair together: a plural, a changed ending. Up to
    0.5 the words were whole and these pairs were never scored (issue 19's known gap)."""
    a = paper(first, ["Ann Lee"], 2020, "AAAI", "Conference Paper", 1)
    b = paper(second, ["Ann Lee"], 2020, "AAAI", "Conference Paper", 2)
    assert oracle_compare(seen(b), seen(a))[0] == "near-identical"
    compact = [t.normal.replace(" ", "") for t in (seen(a), seen(b))]
    assert compact[0][:16] != compact[1][:16] and compact[0][-16:] != compact[1][-16:]
    assert found([a, b], pm)[1] is not None


def _gap() -> tuple[arrow2bib.Paper, arrow2bib.Paper]:
    """A near-identical pair (0.955) that differs near both ends and in the first 3 letters
    of a word ("mod", "nod")."""
    return (paper("A Deep Graph Model for Everything", ["Ann Lee"], 2020, "AAAI",
                  "Conference Paper", 1),
            paper("A Deep Graph Nodel for Everythings", ["Ann Lee"], 2020, "AAAI",
                  "Conference Paper", 2))


def test_the_known_gap_is_a_near_copy_with_no_block_in_common():
    a, b = _gap()
    assert oracle_compare(seen(b), seen(a))[0] == "near-identical"
    assert not _share_a_block(a, b)


@pytest.mark.xfail(strict=True, reason="known gap: titles that differ near both ends and in "
                   "the first 3 letters of a word share no block, so the index never scores "
                   "them, although their ratio is above 0.90")
def test_near_copies_that_share_no_block(pm):
    assert found(list(_gap()), pm)[1] is not None
