"""Citation keys at and around each rule, the expected keys written by hand from the README
("Citation keys") and the rules the error message states: a key uses letters, digits and
``- _ : . / +`` and does not start with ``_`` (nor with any other non-alphanumeric: the first
character is a letter or a digit); ``{auth}`` is the first author's family name folded to
ASCII, lowercased; ``{title}`` the first title word that is not a skip word; ``{shorttitle}``
three such words; ``{authors}`` up to three family names; ``{authorsalpha}`` up to four
initials; ``{shortyear}`` two digits; papers sharing a base key are ordered by a digest of
their content, the first keeps the key, the others get ``a``, ``b``, ... ``z``, ``aa``.
"""

from __future__ import annotations

import dataclasses
import itertools
import random

import pytest

from arrow2bib import ExportError, Paper, hookimpl
from arrow2bib.keys import (
    PATTERN_FIELDS,
    assign_keys,
    canonical_digest,
    entries_for,
    is_legal_key,
    render_pattern,
    suffix,
)
from arrow2bib.read.names import parse_name


def paper(title="Deep Things", authors=("Ann Lee",), year=2020, venue="AAAI",
          ptype="Conference Paper"):
    return Paper(title=title, authors=tuple(parse_name(a) for a in authors), year=year,
                 venue=venue, venue_kind="Conference", paper_type=ptype)


# ---- what a legal key is --------------------------------------------------------------------
LEGAL = ["a", "Z", "0", "9", "guo2017deepfm", "a-b", "a_b", "a:b", "a.b", "a/b", "a+b",
         "a-_:./+", "0_", "A" * 200, "x" + "-_:./+" * 10]
ILLEGAL = [
    "",  # nothing
    "_a", "_", "__init__",  # the message: "does not start with '_'"
    "-a", ":a", ".a", "/a", "+a",  # nor with any other of the allowed non-alphanumerics
    "a b", " a", "a ", "a\tb", "a,b", "a{b", "a}b", "a%b", "a#b", "a~b", "a\\b", "a=b",
    'a"b', "a'b", "a(b", "a)b", "a@b", "a;b", "a&b", "a$b", "a^b", "a|b", "a*b", "a?b",
    "a[b", "a]b", "a<b", "a>b", "a!b",
    "ü", "aü", "aß", "a\u00a0b", "a\u200bb", "ａ",  # ASCII only (a full-width a last)
    "a\n", "a\r\n", "\na", "a\nb", "a\0", "a\x7f",  # line breaks and controls anywhere
]


@pytest.mark.parametrize("key", LEGAL)
def test_legal_keys(key):
    assert is_legal_key(key)


@pytest.mark.parametrize("key", ILLEGAL, ids=repr)
def test_illegal_keys(key):
    assert not is_legal_key(key)


class _Fixed:
    """A plugin whose ``citation_key`` hook returns one fixed value."""

    def __init__(self, key):
        self.key = key

    @hookimpl
    def citation_key(self, paper, pattern):
        return self.key


@pytest.mark.parametrize("key", ["_a", "-a", "a\n", "a b", "", "ü", 42, b"a"], ids=repr)
def test_a_plugin_choosing_an_illegal_key_is_refused(pm, key):
    pm.register(_Fixed(key), name="fixed")
    with pytest.raises(ExportError, match="not a legal BibTeX/biber key"):
        assign_keys([paper()], pm)


@pytest.mark.parametrize("key", ["a", "0_", "a+b"])
def test_a_plugin_choosing_a_legal_key_gets_it(pm, key):
    pm.register(_Fixed(key), name="fixed")
    assert sorted(assign_keys([paper(), paper("Other")], pm)) == [key, key + "a"]


@pytest.mark.parametrize("pattern", ["_{auth}", "-{auth}", "{auth}\n", "{auth}\n{year}",
                                     "{auth} ", "{auth},{year}", "{auth}{{year}}"], ids=repr)
def test_patterns_that_give_illegal_keys_are_refused(pm, pattern):
    with pytest.raises(ExportError):
        assign_keys([paper()], pm, pattern)


@pytest.mark.parametrize("pattern, key", [
    ("{auth}_{year}", "lee_2020"), ("{auth}-{year}", "lee-2020"), ("{auth}:{year}", "lee:2020"),
    ("{auth}.{year}", "lee.2020"), ("{auth}/{year}", "lee/2020"), ("{auth}+{year}", "lee+2020"),
    ("x_{auth}", "x_lee"), ("{year}{auth}", "2020lee"), ("{auth}", "lee"),
])
def test_patterns_with_every_allowed_separator(pm, pattern, key):
    assert assign_keys([paper()], pm, pattern) == [key]


def test_entries_follow_the_pattern(pm):
    papers = [paper(), paper("Other Things")]
    entries = entries_for(papers, pm, "{auth}_{year}")
    assert [(e.key, e.paper) for e in entries] == [("lee_2020", papers[0]),
                                                    ("lee_2020a", papers[1])] or \
        [(e.key, e.paper) for e in entries] == [("lee_2020a", papers[0]), ("lee_2020", papers[1])]
    assert [e.key for e in entries_for(papers[:1], pm)] == ["lee2020deep"]


# ---- the fields, at their edges --------------------------------------------------------------
FIELDS = [
    # (pattern, paper, key)
    # {auth}: the first author's family name, folded to ASCII, lowercased
    ("{auth}", paper(authors=("Ann Lee", "Bo Chen")), "lee"),
    ("{auth}", paper(authors=("Jürgen Müller",)), "muller"),
    ("{auth}", paper(authors=("Łukasz Żółć",)), "zolc"),
    ("{auth}", paper(authors=("Maarten de Rijke",)), "rijke"),
    ("{auth}", paper(authors=("Mary O'Brien-Smith",)), "obriensmith"),
    ("{auth}", paper(authors=("Martin Luther King, Jr.",)), "king"),
    ("{Auth}", paper(authors=("Jürgen Müller",)), "Muller"),
    ("{Auth}", paper(authors=("ann lee",)), "Lee"),
    # {authors}: up to three family names; {authorsalpha}: up to four initials
    ("{authors}", paper(authors=("A Lee",)), "lee"),
    ("{authors}", paper(authors=("A Lee", "B Chen", "C Diaz")), "leechendiaz"),
    ("{authors}", paper(authors=("A Lee", "B Chen", "C Diaz", "D Wu")), "leechendiaz"),
    ("{authorsalpha}", paper(authors=("A Lee", "B Chen", "C Diaz")), "lcd"),
    ("{authorsalpha}", paper(authors=("A Lee", "B Chen", "C Diaz", "D Wu")), "lcdw"),
    ("{authorsalpha}", paper(authors=("A Lee", "B Chen", "C Diaz", "D Wu", "E Kim")), "lcdw"),
    # {year} and {shortyear}: two digits, zero-padded
    ("{year}", paper(year=2020), "2020"),
    ("{shortyear}", paper(year=2020), "20"),
    ("{shortyear}", paper(year=2000), "00"),
    ("{shortyear}", paper(year=2005), "05"),
    ("{shortyear}", paper(year=1999), "99"),
    ("{shortyear}", paper(year=2010), "10"),
    # {title}: the first word that is not a skip word (Better BibTeX's)
    ("{title}", paper("Beyond Higher Rank"), "higher"),
    ("{title}", paper("Towards Better Keys"), "better"),
    ("{title}", paper("The Art of Keys"), "art"),
    ("{title}", paper("A Survey"), "survey"),
    ("{title}", paper("An Über Model"), "uber"),
    ("{title}", paper("DeepFM: A Factorization-Machine"), "deepfm"),
    ("{title}", paper("Click-Through Rate"), "click"),
    ("{title}", paper("3D Shapes"), "3d"),
    ("{title}", paper("GPT-4 Reports"), "gpt"),
    ("{title}", paper("Über Alles"), "uber"),
    ("{title}", paper("l'Été des Graphes"), "ete"),
    ("{title}", paper("Learning"), "learning"),
    ("{Title}", paper("beyond higher rank"), "Higher"),
    # {shorttitle}: three significant words, fewer when the title has fewer
    ("{shorttitle}", paper("Beyond Higher Rank Adaptation Now"), "higherrankadaptation"),
    ("{shorttitle}", paper("The Art of Keys"), "artkeys"),
    ("{shorttitle}", paper("Learning"), "learning"),
    # {venue}: folded, lowercased
    ("{venue}", paper(venue="NeurIPS"), "neurips"),
    ("{venue}", paper(venue="Computing in Science & Engineering"),
     "computinginscienceengineering"),
]


@pytest.mark.parametrize("pattern, subject, key", FIELDS,
                         ids=[f"{p}-{k}" for p, _, k in FIELDS])
def test_pattern_fields(pattern, subject, key):
    assert render_pattern(pattern, subject) == key


def test_all_pattern_fields_of_a_paper():
    subject = paper("Beyond Higher Rank Adaptation", ("Ann Lee", "Bo Chen"), 2005, "NeurIPS")
    # every field, through the pattern language itself
    assert {name: render_pattern("{" + name + "}", subject) for name in PATTERN_FIELDS} == {
        "auth": "lee", "Auth": "Lee", "authors": "leechen", "authorsalpha": "lc",
        "year": "2005", "shortyear": "05", "title": "higher", "Title": "Higher",
        "shorttitle": "higherrankadaptation", "venue": "neurips"}


# What a field becomes when the paper lacks it (the words the code uses; pinned so they do not
# change between releases).
FALLBACKS = [
    ("{auth}", paper(authors=()), "anon"),
    ("{Auth}", paper(authors=()), "Anon"),
    ("{auth}", paper(authors=("王小明",)), "anon"),  # nothing left after folding
    ("{authors}", paper(authors=()), "anon"),
    ("{authorsalpha}", paper(authors=()), "anon"),
    ("{year}", paper(year=None), "nd"),
    ("{shortyear}", paper(year=None), "nd"),
    ("{title}", paper(""), "untitled"),
    ("{title}", paper("王小明的论文"), "untitled"),
    ("{title}", paper("The Of And"), "the"),  # only skip words: the first word
    ("{shorttitle}", paper("The Of And In"), "theofand"),
    ("{Title}", paper(""), "Untitled"),
    ("{venue}", paper(venue=""), "misc"),
]


@pytest.mark.parametrize("pattern, subject, key", FALLBACKS,
                         ids=[f"{p}-{k}" for p, _, k in FALLBACKS])
def test_pattern_fallbacks(pattern, subject, key):
    assert render_pattern(pattern, subject) == key


# ---- collisions and their suffixes ----------------------------------------------------------
@pytest.mark.parametrize("n, letters", [
    (0, ""), (1, "a"), (2, "b"), (25, "y"), (26, "z"), (27, "aa"), (28, "ab"), (52, "az"),
    (53, "ba"), (702, "zz"), (703, "aaa"), (18278, "zzz"), (18279, "aaaa"),
])
def test_suffixes(n, letters):
    assert suffix(n) == letters


def _group(n):
    """``n`` papers with the base key ``lee2020deep`` (all different)."""
    return [paper(f"Deep Thing {i}") for i in range(n)]


@pytest.mark.parametrize("n", [1, 2, 26, 27, 28])
def test_a_group_of_colliding_papers(pm, n):
    keys = assign_keys(_group(n), pm)
    expected = ["lee2020deep"] + [f"lee2020deep{suffix(i)}" for i in range(1, n)]
    assert sorted(keys) == sorted(expected)


def test_suffixes_step_over_keys_other_papers_have(pm):
    """``lee2020deepa`` is another paper's own key: it keeps it, and the group of
    ``lee2020deep`` goes on to ``b``."""
    group, other = _group(2), paper("Deepa Model")
    for order in itertools.permutations([*group, other]):
        keys = dict(zip(order, assign_keys(list(order), pm)))
        assert keys[other] == "lee2020deepa"
        assert sorted(keys[p] for p in group) == ["lee2020deep", "lee2020deepb"]


def test_collisions_are_case_insensitive(pm):
    a, b = paper(authors=("Ann Lee",)), paper("Deep Stuff", authors=("Ann LEE",))
    keys = assign_keys([a, b], pm, "{Auth}{year}")
    assert sorted(k.lower() for k in keys) == ["lee2020", "lee2020a"]


# ---- the digest that orders a group ----------------------------------------------------------
BASE = paper("Deep Things", authors=("Ann Lee", "Bo Chen"))
#: Every change of content that the digest must see: two papers that differ only so far
#: must not tie (a tie falls back on page order, and keys would move when the page is
#: shuffled).
CONTENT_CHANGES = {
    "title": dataclasses.replace(BASE, title="Deep Things Again"),
    "year": dataclasses.replace(BASE, year=2021),
    "no-year": dataclasses.replace(BASE, year=None),
    "venue": dataclasses.replace(BASE, venue="IJCAI"),
    "paper-type": dataclasses.replace(BASE, paper_type="Short Paper"),
    "second-author": paper("Deep Things", authors=("Ann Lee", "Cy Diaz")),
    "author-order": paper("Deep Things", authors=("Bo Chen", "Ann Lee")),
    "one-author-less": paper("Deep Things", authors=("Ann Lee",)),
}


@pytest.mark.parametrize("change", CONTENT_CHANGES)
def test_the_digest_sees_each_field(change):
    assert canonical_digest(CONTENT_CHANGES[change]) != canonical_digest(BASE)


def test_the_digest_ignores_where_the_paper_is():
    moved = dataclasses.replace(BASE, line=999, source="elsewhere.txt")
    assert canonical_digest(moved) == canonical_digest(BASE)


@pytest.mark.parametrize("change", CONTENT_CHANGES)
@pytest.mark.parametrize("pattern", ["{auth}", "{auth}{title}"])
def test_papers_differing_in_one_field_keep_their_keys_in_any_order(pm, change, pattern):
    """Two papers with one base key (the pattern leaves the difference out): whichever
    comes first on the page, each keeps its key."""
    pair = [BASE, CONTENT_CHANGES[change]]
    first = dict(zip(pair, assign_keys(pair, pm, pattern)))
    second = dict(zip(pair[::-1], assign_keys(pair[::-1], pm, pattern)))
    assert first == second and len(set(first.values())) == 2


def test_a_shuffled_group_keeps_its_keys(pm):
    papers = [dataclasses.replace(BASE, year=y) for y in range(2000, 2012)]
    keys = dict(zip(papers, assign_keys(papers, pm, "{auth}{title}")))
    rng = random.Random(3)
    for _ in range(10):
        rng.shuffle(papers)
        assert dict(zip(papers, assign_keys(papers, pm, "{auth}{title}"))) == keys
