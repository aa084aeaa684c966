"""Citation keys pinned across releases: the keys of a fixed set of papers (the bundled page
and a handful of hand-made ones that collide, fold or fall back) under several patterns,
with the content digests that order colliding papers, in ``tests/data/keys.golden.json``.

A key that changes between releases breaks every document citing it. If a change is meant
(it is then listed in the changelog), regenerate with ``ARROW2BIB_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import json
import os
import random

import arrow2bib
from arrow2bib import Paper
from arrow2bib.keys import assign_keys, canonical_digest
from arrow2bib.read.names import parse_name

from .conftest import ROOT, SAMPLE

GOLDEN = ROOT / "tests" / "data" / "keys.golden.json"
UPDATE = os.environ.get("ARROW2BIB_UPDATE_GOLDEN") == "1"
PATTERNS = ["{auth}{year}{title}", "{auth}{title}", "{authors}{shortyear}",
            "{Auth}:{venue}.{shorttitle}", "{authorsalpha}{shortyear}-{Title}"]


def _paper(title, authors, year=2020, venue="AAAI", ptype="Conference Paper", kind="Conference"):
    return Paper(title=title, authors=tuple(parse_name(a) for a in authors), year=year,
                 venue=venue, venue_kind=kind, paper_type=ptype, source="hand-made", line=0)


HAND_MADE = [
    # one base key for three papers (the year tells them apart under {auth}{title})
    _paper("Deep Interest Networks", ["Guorui Zhou", "Xiaoqiang Zhu"], 2018),
    _paper("Deep Interest Evolution", ["Guorui Zhou", "Na Mou"], 2019),
    _paper("Deep Interest Networks", ["Guorui Zhou", "Xiaoqiang Zhu"], 2019, "KDD"),
    # a base key that is another group's suffixed key
    _paper("Deepa: Structured Interest", ["Guorui Zhou"], 2018),
    # folding to ASCII, particles, suffixes, nicknames, non-Latin names
    _paper("Über die Graphen", ["Jürgen Müller", "Łukasz Żółć"], 2016, "IJCAI"),
    _paper("Ranking at Scale", ["Maarten de Rijke", "Xue (Steve) Liu"], 2021, "SIGIR"),
    _paper("Learning to Rank, Part 2", ["Martin Luther King, Jr."], 2021, "SIGIR"),
    _paper("图神经网络", ["王小明"], 2022, "WWW"),
    # only skip words, no title, no year, no authors, no venue
    _paper("The Of And", ["Ann Lee"], 2020),
    _paper("", ["Ann Lee"], 2020),
    _paper("Undated Work", ["Ann Lee"], None, "", "Preprint", "Preprint"),
    _paper("Anonymous Work", [], 2020),
    # differing only in paper type, in venue, in the order of the authors
    _paper("Same Title Twice", ["Bo Chen", "Cy Diaz"], 2020, "AAAI", "Short Paper"),
    _paper("Same Title Twice", ["Bo Chen", "Cy Diaz"], 2020, "AAAI", "Conference Paper"),
    _paper("Same Title Twice", ["Bo Chen", "Cy Diaz"], 2020, "IJCAI", "Conference Paper"),
    _paper("Same Title Twice", ["Cy Diaz", "Bo Chen"], 2020, "AAAI", "Conference Paper"),
    # markup and math in titles
    _paper("$\\alpha$-Nets and **Bold** Claims", ["Di Wu"], 2023, "ICLR"),
    _paper("GPT-4 Technical Notes", ["Di Wu"], 2023, "ICLR"),
]


def _papers() -> list[Paper]:
    return list(arrow2bib.parse_file(SAMPLE).papers) + HAND_MADE


def _current(pm) -> dict:
    papers = _papers()
    keys = {pattern: assign_keys(papers, pm, pattern) for pattern in PATTERNS}
    return {"papers": [
        {"title": p.title, "source": "sample" if p.source != "hand-made" else "hand-made",
         "digest": canonical_digest(p), "keys": {pattern: keys[pattern][i] for pattern in PATTERNS}}
        for i, p in enumerate(papers)]}


def test_keys_are_those_of_the_last_release(pm):
    current = _current(pm)
    if UPDATE:
        GOLDEN.write_text(json.dumps(current, indent=1, ensure_ascii=False) + "\n",
                          encoding="utf-8")
    assert json.loads(GOLDEN.read_text(encoding="utf-8")) == current


def test_the_golden_keys_do_not_depend_on_page_order(pm):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))["papers"]
    papers = _papers()
    order = list(range(len(papers)))
    rng = random.Random(19)
    for _ in range(5):
        rng.shuffle(order)
        for pattern in PATTERNS:
            keys = assign_keys([papers[i] for i in order], pm, pattern)
            assert {i: k for i, k in zip(order, keys)} == {
                i: golden[i]["keys"][pattern] for i in order}


def test_the_golden_file_has_collisions_and_fallbacks():
    """The file pins what it claims: suffixed keys, and the fallback words."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))["papers"]
    keys = [k for paper in golden for k in paper["keys"].values()]
    assert any(k.endswith("b") and k[:-1] + "a" in keys for k in keys)
    for word in ("anon", "nd", "untitled", "misc"):
        assert any(word in k for k in keys), word
