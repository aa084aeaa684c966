"""The LaTeX conversion's fast paths (ASCII text, printable text) against the careful
character-by-character code they stand in for: the same text, the same reported changes."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from arrow2bib.exporters import biblatex, bibtex
from arrow2bib.exporters.base import Entry
from arrow2bib.exporters.biblatex import BibLaTeXExporter
from arrow2bib.exporters.bibtex import BibTeXExporter
from arrow2bib.exporters.ris import RisExporter
from arrow2bib.model import AuthorStatus, Paper, Person
from arrow2bib.text import latex, markup

from . import oracles


# characters that reach every branch: specials, ligature pairs, spaces of every kind,
# control and format characters, combining marks with and without a letter, non-ASCII
# letters, Greek, a lone surrogate
ALPHABET = list("ab Z-'`!?,<>{}\\$%#&_~^|.\t\n") + [
    "\u00a0", "\u0301", "\u0308", "é", "Ü", "ø", "ß", "Σ", "ﬁ", "\x00", "\x1b", "\u200b",
    "\u200c", "\u2003", "\ud800", "–", "“"]
texts = st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join)


@settings(max_examples=oracles.examples(3000), deadline=None)
@given(texts, st.booleans())
@example("--''``!`?`,,", True)
@example(" \u0301a", True)
@example("Über \u0308x", True)
@example("\u0301", True)
@example("é a\u0301 b \u0301", True)
def test_clean_fast_path_equals_careful(text, ascii):
    fast, careful = [], []
    assert latex._clean(text, fast, ascii) == latex._clean_careful(text, careful, ascii)
    assert fast == careful


@settings(max_examples=oracles.examples(3000), deadline=None)
@given(texts, st.booleans())
@example("a--b'''c``d!`e?`f,,g---", True)
def test_units_fast_path_joins_to_the_careful_units(text, ascii):
    fast, careful = [], []
    assert latex._join(latex._units(text, ascii, fast)) == \
        latex._join(latex._units_careful(text, ascii, careful))
    assert fast == careful


@settings(max_examples=oracles.examples(500), deadline=None)
@given(st.lists(st.sampled_from(["DeepFM", "deep", "A", "B", "GPT-4", "Über", "x--y", "{a}",
                                 "$x$", "**b**", "3D", "Click-Through", "é", "OoD", "ΣΣ"]),
                max_size=8), st.booleans())
def test_cached_title_words_equal_uncached(words, ascii):
    title = " ".join(words)
    cached = latex.render(title, ascii=ascii, protect=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(latex, "_title_word", latex._title_word.__wrapped__)
        assert latex.render(title, ascii=ascii, protect=True) == cached


# --------------------------------------------------------------------------- whole texts

# pieces of titles and abstracts: words that need protection or not, markup, accents as one
# character and as a letter with a combining mark, marks with nothing to sit on, and the
# characters of ALPHABET
PIECES = ALPHABET + [
    "DeepFM", "deep", "A", "GPT-4", "3D", "Click-Through", "OoD", "Über", "U\u0308ber", "e\u0301",
    "q\u0301", "\u0301", "ΣX", "Σ", "$", "$x$", "$\\Sigma_X$", "$\\bad$", "$a^$", "**", "**b**",
    "\\", "*", "ǅ", "ﬁx", "Ǆ", "1", " ", "  ", "--", "‘", "’", "…", "α", "中", "😀"]
pieced = st.lists(st.sampled_from(PIECES), max_size=16).map("".join)


@settings(max_examples=oracles.examples(3000), deadline=None)
@given(pieced, st.booleans())
@example("a\u0301 \u0301b U\u0308-ΣΣ", True)
@example("x--–y", True)
def test_latex_equals_joined_careful_units(text, ascii):
    fast, careful = [], []
    assert latex._latex(text, ascii, fast) == latex._join(latex._units_careful(text, ascii, careful))
    assert fast == careful


@settings(max_examples=oracles.examples(3000), deadline=None)
@given(pieced, st.booleans(), st.booleans())
@example("ΣΣ Σ ΣX DeepFM-Σ", True, True)
@example("**$x$** $\\Sigma$ -- **b**", False, True)
@example("a\u0301b \u0301", True, False)
def test_render_equals_careful(text, ascii, protect):
    assert latex.render(text, ascii=ascii, protect=protect) == \
        oracles.render(text, ascii=ascii, protect=protect)


@settings(max_examples=oracles.examples(1000), deadline=None)
@given(pieced, st.booleans())
def test_escape_equals_careful(text, ascii):
    changed = []
    cleaned = latex._clean_careful(text, changed, ascii)
    careful = latex._join(latex._units_careful(cleaned, ascii, changed))
    assert latex.escape(text, ascii=ascii) == latex.Latex(careful, tuple(changed))


@settings(max_examples=oracles.examples(3000), deadline=None)
@given(st.lists(st.sampled_from(list("$*\\ \n\tax_{}") + ["$$", "**", "\\$"]), max_size=30)
       .map("".join))
@example("\\$x$ $x$$ $$x$ $x\\$ $ x$ **b** ***b*** $x$**b**$y$")
def test_spans_equal_careful(text):
    assert list(markup.spans(text)) == list(oracles.spans(text))
    # bold dropped, its content read again for math (markup.unbolded)
    unbolded = [inner for s in oracles.spans(text)
                for inner in (oracles.spans(s.text) if s.kind == "bold" else [s])]
    for math in ("keep", "strip"):
        reference = "".join(f"${s.text}$" if s.kind == "math" and math == "keep" else s.text
                            for s in unbolded)
        assert markup.plain(text, math=math) == reference


# --------------------------------------------------------------------------- requirements

# strings that clean to nothing, and some that do not; venue names the table knows (with
# publishers, events, workshop variants, years outside a series' life) and some it does not
name_text = st.sampled_from(["", " ", "\x00", "\u200b", "\u0301", "-", "Wei", "van der", "Jr.",
                             "Zoë", "others", "{}", "A, B", "\x07\x1b"])
people = st.builds(
    Person, literal=name_text, given=st.none() | name_text, family=st.none() | name_text,
    particle=st.none() | name_text, suffix=st.none() | name_text, nickname=st.none() | name_text)
blank_or_text = st.sampled_from(["", " ", "\t\n", "\x00", "\u200b", "\u0301", "x", "$x$", "**",
                                 "Über", " a "])
papers = st.builds(
    Paper, title=blank_or_text, authors=st.lists(people, max_size=3).map(tuple),
    authors_status=st.sampled_from(list(AuthorStatus)),
    venue=st.sampled_from(["", " ", "NeurIPS", "ICML", "TMLR", "AAAI", "WWW", "ICDM", "PVLDB",
                           "SIGMOD", "ACL", "SDM", "Nature", "Computing in Science & Engineering",
                           "Unknown Venue", "\x00"]),
    venue_kind=st.sampled_from(["Conference", "Journal", "Workshop", "Symposium", "Findings",
                                "", "Other"]),
    year=st.none() | st.sampled_from([1950, 1990, 2005, 2019, 2024]),
    abstract=st.none() | blank_or_text, raw_abstract=st.none() | blank_or_text,
    urls=st.lists(st.sampled_from(["", " ", "https://x.org/a", "\x00", "a b", "%#"]),
                  max_size=3).map(tuple),
)


@settings(max_examples=oracles.examples(2000), deadline=None)
@given(papers)
def test_bibtex_requirements_equal_the_sketch(paper):
    assert BibTeXExporter().requirements(paper) == oracles.bibtex_requirements(paper)
    # every field, not only those the tables ask about today
    place = bibtex.placement(paper)
    _entry_type, fields = bibtex.bibtex_fields(paper, ascii=False, sketch=True)
    venue_field = bibtex.ENTRY_TYPES[place.role][1]
    for name in bibtex.FIELD_ORDER:
        expected = name in fields and bool(fields[name].text)
        assert bibtex.field_present(name, paper, place, venue_field) == expected, name


# what RIS values lose (controls, C1, surrogates, every line break), bold around nothing, and
# names RIS leaves out ("et al."), beside the strings above
ris_text = st.sampled_from(["\x1f", "\x85", "\u2028", "\ud800", "**\x00**", "$\\,$", "\x9f a",
                            "et al.", "and others"])
ris_people = st.builds(
    Person, literal=name_text | ris_text, given=st.none() | name_text | ris_text,
    family=st.none() | name_text | ris_text, particle=st.none() | name_text,
    suffix=st.none() | name_text | ris_text, nickname=st.none() | name_text)
ris_papers = papers.flatmap(lambda paper: st.builds(
    dataclasses.replace, st.just(paper), title=blank_or_text | ris_text,
    authors=st.lists(ris_people, max_size=3).map(tuple),
    venue=st.sampled_from([paper.venue, "\x85", "\ud800 ", "**"])))


@settings(max_examples=oracles.examples(2000), deadline=None)
@given(ris_papers)
@example(Paper(title="**\x00**", authors=(Person(literal="et al."),), venue="\x1f",
               venue_kind="Conference", year=2020))
def test_ris_requirements_equal_the_whole_record(paper):
    assert RisExporter().requirements(paper) == oracles.ris_requirements(paper)


@settings(max_examples=oracles.examples(2000), deadline=None)
@given(papers)
def test_biblatex_requirements_equal_the_sketch(paper):
    assert BibLaTeXExporter().requirements(paper) == oracles.biblatex_requirements(paper)
    place = bibtex.placement(paper)
    _entry_type, fields = biblatex.biblatex_fields(Entry(key="k", paper=paper), sketch=True)
    venue_field = biblatex.ENTRY_TYPES[place.role][1]
    for name in {*biblatex.FIELD_ORDER, *bibtex.FIELD_ORDER}:
        expected = name in fields and bool(fields[name].text)
        assert biblatex._field_present(name, paper, place, venue_field) == expected, name


@settings(max_examples=oracles.examples(300), deadline=None)
@given(st.lists(people, max_size=6))
def test_cached_biber_safe_names_equal_uncached(persons):
    for person in persons:
        safe, dropped = biblatex._biber_safe_name.__wrapped__(person)
        assert biblatex.biber_safe_name(person) == (safe, list(dropped))
