"""Citation keys: readable, legal, unique, stable, overridable."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from arrow2bib import ExportError, Paper, convert, hookimpl
from arrow2bib.keys import assign_keys, fold_ascii, is_legal_key, render_pattern
from arrow2bib.plugins import get_plugin_manager
from arrow2bib.read.names import parse_name
from benchmarks.generate import write as write_page

from . import oracles


def paper(title, authors=("Ann Lee",), year=2020, venue="AAAI"):
    return Paper(title=title, authors=tuple(parse_name(a) for a in authors), year=year,
                 venue=venue, venue_kind="Conference", paper_type="Conference Paper")


def test_sample_keys(sample_page, pm):
    keys = assign_keys(sample_page.papers, pm)
    assert keys[11] == "guo2017deepfm"
    assert keys[7] == "zhang2021unbert"
    # Better BibTeX's skip words: "Beyond", "Towards" are skipped
    assert keys[0] == "li2025higher"
    assert keys[2] == "lyu2023hybrid"
    assert len({k.lower() for k in keys}) == len(keys)
    assert all(is_legal_key(k) for k in keys)


def test_keys_stable_under_shuffle_and_extension(sample_page, pm):
    papers = list(sample_page.papers)
    before = dict(zip(papers, assign_keys(papers, pm)))
    extra = [
        paper("Deep Networks Again", ["Huifeng Guo"], 2016),
        paper("A Survey of Things", ["Zed Müller"], 2019),
        paper("Less Is More", ["Zifeng Wang"], 2019),
    ]
    rng = random.Random(7)
    for _ in range(20):
        shuffled = papers + extra
        rng.shuffle(shuffled)
        after = dict(zip(shuffled, assign_keys(shuffled, pm)))
        assert {p: after[p] for p in papers} == before


def test_collisions_get_suffixes_in_canonical_order(pm):
    a = paper("Deep Things", ["Ann Lee"])
    b = paper("Deep Stuff", ["Ann Lee"])
    c = paper("Deep Matters", ["Ann Lee"])
    keys = dict(zip((a, b, c), assign_keys([a, b, c], pm)))
    for order in ([c, b, a], [b, a, c], [a, c, b]):
        assert dict(zip(order, assign_keys(order, pm))) == keys
    assert sorted(keys.values()) == ["lee2020deep", "lee2020deepa", "lee2020deepb"]


def test_case_insensitive_uniqueness(pm):
    a = paper("Deep Things", ["Ann Lee"])
    keys = assign_keys([a, dataclasses.replace(a, title="DEEP things")], pm, "{Auth}{year}")
    assert keys[0].lower() != keys[1].lower()


@pytest.mark.parametrize(
    "name, folded",
    [("Müller", "Muller"), ("Łukasz", "Lukasz"), ("Straße", "Strasse"), ("Søren", "Soren"),
     ("Ærø", "AEro"), ("Ðorđe", "Dorde"), ("王小明", ""), ("O'Brien", "OBrien")],
)
def test_fold_ascii(name, folded):
    assert fold_ascii(name) == folded


def test_accented_family_folds_consistently(pm):
    keys = assign_keys([paper("Über Alles", ["Jürgen Müller"]),
                        paper("Ünder", ["Jörg Mueller"], 2021)], pm)
    assert keys == ["muller2020uber", "mueller2021under"]


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("{auth}{year}{title}", "guo2017deepfm"),
        ("{Auth}{year}", "Guo2017"),
        ("{authors}{shortyear}", "guotangye17"),
        ("{auth}:{year}:{shorttitle}", "guo:2017:deepfmfactorizationmachine"),
        ("{authorsalpha}{shortyear}", "gtyl17"),
        ("{venue}{year}-{auth}", "ijcai2017-guo"),
    ],
)
def test_patterns(sample_page, pattern, expected):
    assert render_pattern(pattern, sample_page.papers[11]) == expected


@pytest.mark.parametrize("pattern", ["{nope}", "{auth} {year}", "{auth},{year}", "{auth}#"])
def test_bad_patterns(sample_page, pattern):
    with pytest.raises(ExportError):
        render_pattern(pattern, sample_page.papers[11])


def test_degenerate_papers_get_legal_keys(pm):
    odd = [paper("", []), paper("王小明的论文", ["王小明"], None), paper("The Of And", ["_x"])]
    keys = assign_keys(odd, pm)
    assert all(is_legal_key(k) for k in keys), keys
    assert keys[0] == "anon2020untitled"


def test_plugin_overrides_key(sample_page, pm):
    class Plugin:
        @hookimpl
        def citation_key(self, paper, pattern):
            return f"X{paper.year}"

    pm.register(Plugin(), name="test-keys")
    keys = assign_keys(sample_page.papers[:2], pm)
    assert keys == ["X2025", "X2025a"]


def test_plugin_returning_illegal_key_is_an_error(sample_page, pm):
    class Plugin:
        @hookimpl
        def citation_key(self, paper, pattern):
            return "bad key,"

    pm.register(Plugin(), name="bad-keys")
    with pytest.raises(ExportError, match="not a legal"):
        assign_keys(sample_page.papers[:1], pm)


def test_plugin_may_defer(sample_page, pm):
    class Plugin:
        @hookimpl
        def citation_key(self, paper, pattern):
            return None

    pm.register(Plugin(), name="deferring")
    assert assign_keys(sample_page.papers[11:12], pm) == ["guo2017deepfm"]


def _reference_keys(bases, digests):
    """The key rules, written the plain in-memory way, as the oracle for the on-disk table."""
    from arrow2bib.keys import suffix

    groups: dict[str, list[int]] = {}
    for i, key in enumerate(bases):
        groups.setdefault(key.lower(), []).append(i)
    keys, taken = list(bases), {k.lower() for k in bases}
    for members in groups.values():
        n = 0
        for i in sorted(members, key=lambda i: (digests[i], i))[1:]:
            while True:
                n += 1
                candidate = bases[i] + suffix(n)
                if candidate.lower() not in taken:
                    break
            taken.add(candidate.lower())
            keys[i] = candidate
    return keys


def _table_keys(table, rows):
    """The keys ``table`` (a KeyTable, closed after) gives papers with ``(base key,
    digest)`` ``rows``, in order."""
    try:
        for position, (base, digest) in enumerate(rows):
            table.add(position, base, digest)
        keys = [base for base, _ in rows]
        for position, key in table.changed():
            keys[position] = key
    finally:
        table.close()
    return keys


@settings(max_examples=oracles.examples(400), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["x", "X", "xa", "xb", "xaa", "Xa", "y", "ya", "xab",
                                           "xz", "xba", "xzz"]),
                          st.integers(0, 4)), max_size=60), st.sampled_from([1, 3, 4096]))
@example(rows=[("x", 0)] * 30 + [("xa", 1)] * 2, batch=4096)  # "xaa" given to x first
@example(rows=[("x", 0)] * 30 + [("xa", 1)] * 2, batch=1)
def test_key_table_follows_the_key_rules(rows, batch):
    # suffixes skip keys that exist as base keys ("xa") or were given to another group,
    # whether the keys given are still in memory or written to the table: the groups are
    # given their keys ``batch`` at a time, and keys looked up ``batch`` per query
    from unittest import mock

    from arrow2bib.keys import _table as keytable
    from arrow2bib.keys._table import KeyTable

    with mock.patch.object(keytable, "_BATCH", batch), \
            mock.patch.object(keytable, "_GROUPS", batch), \
            mock.patch.object(keytable, "_LOOKUP", batch):
        keys = _table_keys(KeyTable(), rows)
    assert keys == _reference_keys([b for b, _ in rows], [d for _, d in rows])
    assert len({k.lower() for k in keys}) == len(keys)


@pytest.mark.parametrize("rows, group_by_group", [
    ([("x", 0), ("x", 1), ("Y", 0), ("y", 2), ("y", 1), ("z", 3)], False),
    ([("x", 0), ("x", 1), ("xa", 2)], True),  # x's second would be "xa", a base key
    ([("X", 0)] * 3 + [("xB", 1)], True),  # case is ignored: "Xb" is "xB"'s
])
def test_keys_are_given_at_once_unless_a_suffixed_key_is_taken(rows, group_by_group):
    # the usual case in a few queries; where a suffixed key would be another paper's base
    # key, group by group as the rules say (both against the reference)
    from arrow2bib.keys._table import KeyTable

    calls = []

    class Counting(KeyTable):
        def _give(self, chunk, given):
            calls.append(len(chunk))
            return super()._give(chunk, given)

    keys = _table_keys(Counting(), rows)
    assert keys == _reference_keys([b for b, _ in rows], [d for _, d in rows])
    assert bool(calls) == group_by_group


def _significant_reference(title: str, count: int) -> list[str]:
    """The title words of a key as first written: every word folded, then the stop words
    dropped (the code now stops at the words it needs)."""
    import re

    from arrow2bib.keys import STOP_WORDS
    from arrow2bib.text.markup import plain

    words = re.split(r"[\s\-–—:;,.!?()\[\]{}/\"'`]+", plain(title, math="strip"))
    words = [w for w in (fold_ascii(w).lower() for w in words) if w]
    picked = [w for w in words if w not in STOP_WORDS]
    return (picked or words)[:count]


@settings(max_examples=oracles.examples(600), deadline=None)
@given(st.lists(st.sampled_from(["the", "of", "A", "Über", "GPT-4", "$x$", "**Bold**", "C++",
                                 "—", "(", "data", "é", "", " ", "l'Été", "1"]), max_size=12)
       .map(" ".join), st.integers(1, 4))
def test_title_words_as_reference(title, count):
    from arrow2bib.keys import _significant

    assert _significant(title, count) == _significant_reference(title, count)


class BatchKeys:
    """A plugin that keys whole batches: papers with a year get ``y<year>``, the others are
    left to the per-paper hook; it counts its calls."""

    def __init__(self):
        self.calls = []

    @hookimpl
    def citation_keys(self, papers, pattern):
        self.calls.append(len(papers))
        return [f"y{p.year}" if p.year else None for p in papers]


def test_batch_hook_keys_a_batch_in_one_call(sample_page, pm):
    plugin = BatchKeys()
    pm.register(plugin, name="batch-keys")
    papers = list(sample_page.papers) + [dataclasses.replace(sample_page.papers[11], year=None)]
    keys = assign_keys(papers, pm)
    assert plugin.calls == [len(papers)]
    # the paper the batch hook left gets the built-in key
    assert keys[-1] == "guo2017deepfm".replace("2017", "nd")
    assert keys[11].startswith("y2017")


def test_batch_hook_leaves_papers_to_the_per_paper_hook(sample_page, pm):
    class PerPaper:
        @hookimpl
        def citation_key(self, paper, pattern):
            return "pp" + paper.title[:1].lower()

    pm.register(BatchKeys(), name="batch-keys")
    pm.register(PerPaper(), name="per-paper")
    papers = [sample_page.papers[0], dataclasses.replace(sample_page.papers[0], year=None)]
    assert assign_keys(papers, pm) == [f"y{papers[0].year}", "pp" + papers[0].title[:1].lower()]


@pytest.mark.parametrize("answer", [["k1"], "k1k2", "ab", {"a": 1, "b": 2}, None, ("k1", "k2")])
def test_batch_hook_answers(sample_page, pm, answer):
    class Odd:
        @hookimpl
        def citation_keys(self, papers, pattern):
            return answer

    pm.register(Odd(), name="odd")
    papers = sample_page.papers[:2]
    if answer is None:  # the whole batch left: the built-in keys
        assert assign_keys(papers, pm) == assign_keys(papers, get_plugin_manager())
    elif isinstance(answer, tuple):
        assert assign_keys(papers, pm) == ["k1", "k2"]
    else:  # one key for two papers, or a string (read as its letters, one key each, before:
        # "ab" keyed two papers 'a' and 'b' in silence): an error naming the hook's plugin
        with pytest.raises(ExportError, match=r"citation_keys hook \(plugin odd\) gave"):
            assign_keys(papers, pm)


def test_batch_hook_keys_a_run_batch_by_batch(tmp_path, pm):
    page = tmp_path / "page.txt"
    with open(page, "w", encoding="utf-8") as handle:
        write_page(600, handle, seed=1)
    plugin = BatchKeys()
    pm.register(plugin, name="batch-keys")
    convert([str(page)], "bibtex", str(tmp_path / "out.bib"), pm=pm, checks=False)
    assert sum(plugin.calls) == 600 and max(plugin.calls) <= 256, plugin.calls
    text = (tmp_path / "out.bib").read_text(encoding="utf-8")
    assert text.startswith("@") and "{y" in text.split("\n", 1)[0]


def test_default_keys_need_no_hook_call_per_paper(sample_page, pm):
    """With only the built-in key, the pattern is filled directly: the keys are the ones
    the hook gives (a deferring plugin makes every paper go through the hook)."""
    class Deferring:
        @hookimpl
        def citation_key(self, paper, pattern):
            return None

    direct = assign_keys(sample_page.papers, pm, "{auth}{shortyear}{shorttitle}")
    pm.register(Deferring(), name="deferring")
    assert assign_keys(sample_page.papers, pm, "{auth}{shortyear}{shorttitle}") == direct
