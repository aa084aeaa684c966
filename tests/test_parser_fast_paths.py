"""The parser's and the abstract repair's fast paths against the plain code they stand in for:
the same text, the same venue lines, the same URLs, the same pages."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import arrow2bib
from arrow2bib.read import grammar as parser
from arrow2bib.read import repair

from . import oracles

# Pieces that reach every branch: spaces of every kind (plain, runs, tabs, no-break, the
# U+2000 block, byte-order and zero-width marks, whitespace that is not a space to clean),
# bullets, venue words and years (with non-ASCII digits), mojibake leads and continuations,
# URL schemes and their damage, abbreviations, footnotes, line breaks.
PIECES = [
    " ", "  ", "\t", "\u00a0", "\u202f", "\ufeff", "\u2000", "\u2009", "\u200b", "\u200c",
    "\u205f", "\u3000", "\x0b", "\x85", "\u1680", "\u2028", "\n", "\r",
    "•", "·", "-", "*", "–", "—", "a", "Z", "é", "Ü", "李", "x", "(", ")", ",", ".", ":", "/",
    "Conference", "Journal", "Weird", "2025", "1999", "3000", "2٠٢٤", "Conference Paper",
    "Paper", "Short", "(Applied)", "NeurIPS", "Ã", "Â", "¼", "©", "€", "ô", "Ã ",
    "http", "https", "HTTPS", "ftp", "ſ", "www", "github", "com", ". ", " ://", ": //", "://",
    "html", "pdf", "_", "i", "e", "g", "I", "E", "G", "ı", "İ", "e. g. ,", "i. e. ", "I .E .",
    "i. i. d. ", "U. S. ", "J. R. Smith", " X. ", "w. r. t.", "Ab",
    "\\footnote{", "}", "{", "**", "$",
]
texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
    st.text(max_size=60),
)
MANY = settings(max_examples=oracles.examples(1000), deadline=None)


@MANY
@given(texts)
@example("a \ufeff b")
@example("\ufeff\u200b x\u2000\u00a0")
def test_normalise_equals_translate_and_collapse(text):
    assert parser._normalise(text) == oracles.normalise_line(text)


@MANY
@given(texts)
@example("a\u3000\u3000b ")
def test_clean_inline_equals_the_substitution(text):
    assert repair.clean_inline(text) == oracles.clean_inline(text)


venue_lines = st.builds(
    lambda words, sep, tail: sep.join(words) + tail,
    st.lists(st.sampled_from(["NeurIPS", "A&B", "Conference", "Journal", "Weird", "x", "2025",
                              "1999", "2٠٢٤", "Conference", "Paper", "Short", "(Applied)",
                              "Data-Set", "Paper.", "Ü"]), min_size=1, max_size=9),
    st.sampled_from([" ", " ", " ", "\u00a0", "\x0b", "\u2003", "  "]),
    st.sampled_from(["", "", "\n", "\n\n", " ", "."]),
)


@MANY
@given(st.one_of(venue_lines, texts,  # also with separators between the words (' · ')
                 st.one_of(venue_lines, texts).map(lambda t: t.replace(" ", " · ", 2))))
@example("NeurIPS Conference 2025 Conference Paper\n")
@example("Foo Bar 2020 A b c d e")
@example("Foo Bar 2020 A b c d e f")
@example("Conference 2020 Conference Paper")
@example("NeurIPS · Conference · 2025 · Findings of the ACL Paper")  # the year 7th from the end
@example("A Conference 2020 | Conference Paper\n")
def test_venue_line_test_only_skips_lines_that_cannot_match(text):
    assert parser.read_venue_line(text) == parser._match_venue_line(text)


@MANY
@given(texts)
@example("Ã ")
@example("JÃ¼rgen")
def test_mojibake_hint_finds_what_the_alternation_finds(text):
    found = repair._MOJIBAKE_HINT.search(text)
    reference = oracles.MOJIBAKE_HINT.search(text)
    assert (found is None) == (reference is None)
    if found is not None:
        assert found.span() == reference.span()


@MANY
@given(texts)
@example("i. e. g. e. , x")
@example("xi. e. y")
@example(".e. g. .")
def test_abbreviations_fixed_as_by_the_substitution(text):
    assert repair._fix_abbreviations(text) == repair._ABBREVIATION.sub(
        repair._fix_abbreviation, text
    )


@MANY
@given(texts)
@example("see https: //github. com/x. and ftp : / / a. b/c. html")
@example("xhttps: //a. b and https \t: //c. d")
def test_urls_rebuilt_from_the_first_hint_as_from_the_start(text):
    first = repair._first_url_start(text)
    expected = repair._rebuild_urls(text)
    assert (expected if first is None else repair._rebuild_urls(text, first)) == expected
    if first is None:
        assert expected == (text, [])


@MANY
@given(texts)
@example("Footnote\\footnote{ a note } here https: //a. b/c. pdf, i. e. , done\r\n")
def test_repair_abstract_equals_the_plain_steps(text):
    assert repair.repair_abstract(text) == oracles.repair_abstract(text)


def _read_line_reference(raw: str):
    """What the reader made of a line before the cache: the text, then the bullet, then the
    venue line (never both)."""
    repaired = None if raw.isascii() else repair.repair_mojibake(raw)
    text = oracles.normalise_line(raw if repaired is None else repaired)
    bullet = (parser._BULLET.match(text) or parser._LIST_ITEM.match(text)) if text else None
    venue = None if bullet or not text else parser._match_venue_line(text)
    return repaired, text, parser._bullet_name(bullet) if bullet else None, venue


@MANY
@given(st.one_of(venue_lines, texts, st.one_of(venue_lines, texts).map(lambda t: "  • " + t)))
@example("  â€¢ JÃ¼rgen Schmidhuber")
@example("- NeurIPS Conference 2025 Conference Paper")
@example("12) Ann Lee")
@example("\u0663. Ann Lee")  # an Arabic-Indic digit
@example("→Ann Lee")
def test_read_line_equals_the_reference(raw):
    assert parser._read_line(raw) == _read_line_reference(raw)


page_lines = st.lists(
    st.one_of(
        venue_lines,
        st.sampled_from(["NeurIPS Conference 2025 Conference Paper", "", " ", "\ufeff",
                         "  • Xiuqiang He", "  • JÃ¼rgen He", "- Ann Lee", "Author name cluster",
                         "Xiuqiang He", "3 papers", "A Title", "An abstract: https: //a. b/c.",
                         "- ACL Workshop 2024 Workshop Paper",
                         # blocks the reader cannot read (issue 16)
                         "NeurIPS Conference Conference Paper", "aaai conference 2020 short paper",
                         "A list:", "Second Title", "An abstract.",
                         # what a browser's copy lays out (tests/test_copied_from_chromium.py)
                         "Save", "Show more", "Arrow Research 2025", "Terms of use",
                         "Ann LeeBo Chen", "Ann Lee Bo Chen Cy Dee Eve Fay", "Ann Lee, Bo Chen",
                         "NeurIPS Conference 2025 Conference Paper\tA Title\tAnn Lee; Bo Chen",
                         "1 author row",
                         # bullets that are text, list items, a title's rest (a hard wrap)
                         "- We propose a new method.", "1. Ann Lee", "2) Bo Chen", "+ Cy Dee",
                         "Efficient Low-Rank Adaptation", "Share", "Authors",
                         "NeurIPS Conference 2025 Conference", "Paper", "→ SQL Queries",
                         "NeurIPS Conference 2024", "- We propose X, a model for"]),
        texts,
    ),
    max_size=40,
)


class _ReferenceReader(parser.PageReader):
    """The reader's loop as it was before the line cache: every line normalised (mojibake
    reported), then tried as a bullet, then as a venue line."""

    def _papers(self):
        if self._pending_block is not None:
            block = self._pending_block
        elif self._pending_unread is not None:
            number, text, why = self._pending_unread
            block = parser._Block(number, None, unread=(text, why))
        elif self._pending is not None:
            number, _text, venue = self._pending
            block = parser._Block(number, venue)
        else:
            return
        widest = self._widest
        if block.title is not None and not block.width:
            block.width = widest
        for number, raw in self._lines:
            text = self._text(number, raw)
            if not text:
                continue
            widest = max(widest, len(text))
            bullet = parser._BULLET.match(text) or parser._LIST_ITEM.match(text)
            name = parser._bullet_name(bullet) if bullet else None  # None: a sentence
            item = bool(bullet) and bullet.re is parser._LIST_ITEM
            venue = None if bullet else parser._match_venue_line(text)
            if venue is not None:
                paper = self._finish(block)
                if paper is not None:
                    yield paper
                block = parser._Block(number, venue)
                continue
            if name is None and parser.is_cluster_mark(text):  # a second page
                self._second_page(number, block)
            if block.title is None:
                if name is not None and block.label is not None:  # a label was the title
                    (block.title, block.title_line), block.label = block.label, None
                    block.authors.append(name)
                    continue
                if name is not None:
                    block.stray_bullets = block.stray_bullets or number
                    block.authors.append(name)
                    continue
                if block.label is None and not block.authors and (
                        text.lower() in parser.CONTROL_LABELS):
                    block.label = (text, number)
                    continue
                if block.venue is not None and not block.authors and (
                        f"{block.venue.paper_type} {text}" in parser.PAPER_TYPES):
                    block.venue = dataclasses.replace(  # a venue line's cut-off rest
                        block.venue, paper_type=f"{block.venue.paper_type} {text}")
                    continue
                block.title, block.title_line, block.width = text, number, widest
            elif name is not None and not block.abstract and not (
                    item and block.authors and not block.items):  # (after bullets: text)
                if not block.authors:
                    block.items = item
                block.authors.append(name)
            elif name is not None and item and block.authors and not block.items and (
                    why := parser.unreadable_venue_line(text)) is not None:
                paper = self._finish(block)
                if paper is not None:
                    yield paper
                block = parser._Block(number, None, unread=(text, why))
            elif name is not None and item and block.authors and not block.items:
                block.abstract.append(text)  # a list item after bullets: abstract text
                block.abstract_lines.append(number)
            elif name is not None and (lines := parser._title_rest(block)) is not None:
                block.title = parser._unwrapped(block.title, lines)  # a hard-wrapped title
                del block.abstract[:], block.abstract_lines[:]
                block.items = item
                block.authors.append(name)
            elif name is not None and not item and (
                    split := parser._split_off(block, name, number)) is not None:
                paper = self._finish(block)
                if paper is not None:
                    yield paper
                block = split
            elif not block.abstract and text.lower() in parser._FIELD_LABELS:
                continue
            elif name is None and (why := parser.unreadable_venue_line(text)) is not None:
                paper = self._finish(block)
                if paper is not None:
                    yield paper
                block = parser._Block(number, None, unread=(text, why))
            else:
                block.abstract.append(text)
                block.abstract_lines.append(number)
        paper = self._finish(block)
        if paper is not None:
            yield paper


def _read(reader, lines):
    try:
        page = reader(enumerate(lines, 1), source="gen.txt").read()
    except arrow2bib.InputError as exc:
        return str(exc)
    return page, [p.details for p in page.problems]


@settings(max_examples=oracles.examples(500), deadline=None)
@given(page_lines)
@example(["Author name cluster", "Jürgen He", "NeurIPS Conference 2025 Conference Paper",
          "  • JÃ¼rgen He", "A Title", "  • JÃ¼rgen He", "", "  • JÃ¼rgen He", "abstract",
          "- x"])
# a control character made a space must not make mojibake of its line ('Ã' + U+001F read as
# 'Ã ', then 'à'): found by this test after the merges of issue 16 and 18
@example(["NeurIPS Conference 2025 Conference Paper", "NeurIPS", "Ã\x1f"])
def test_pages_read_as_by_the_reference_loop(lines):
    assert _read(parser.PageReader, lines) == _read(_ReferenceReader, lines)


@settings(max_examples=oracles.examples(400), deadline=None)
@given(page_lines)
def test_pages_read_the_same_through_the_line_cache_or_not(lines):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parser, "_recurring", {})
        cached = _read(parser.PageReader, lines + lines)  # the second time from the cache
        patch.setattr(parser, "_remember", lambda raw, line: None)  # every line read afresh
        assert _read(parser.PageReader, lines + lines) == cached


def test_the_line_cache_is_bounded():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parser, "_recurring", {})
        patch.setattr(parser, "_RECURRING_LINES", 3)
        lines = ["NeurIPS Conference 2025 Conference Paper", "A title"]
        lines += [f"  • Author {n}" for n in range(10)] + ["  • " + "x" * 300]
        page = arrow2bib.parse("\n".join(lines + lines), source="gen.txt")
        assert [len(p.authors) for p in page.papers] == [11, 11]
        assert 0 < len(parser._recurring) <= 3
        assert all(len(raw) <= parser._RECURRING_LENGTH for raw in parser._recurring)
