"""The LaTeX conversion's fast paths (ASCII text, printable text) against the careful
character-by-character code they stand in for: the same text, the same reported changes."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from arrow2bib import latex

# characters that reach every branch: specials, ligature pairs, spaces of every kind,
# control and format characters, combining marks with and without a letter, non-ASCII
# letters, Greek, a lone surrogate
ALPHABET = list("ab Z-'`!?,<>{}\\$%#_~^|.\t\n") + [
    "\u00a0", "\u0301", "\u0308", "é", "Ü", "ø", "ß", "Σ", "ﬁ", "\x00", "\x1b", "\u200b",
    "\u200c", "\u2003", "\ud800", "–", "“"]
texts = st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join)


@settings(max_examples=3000, deadline=None)
@given(texts, st.booleans())
@example("--''``!`?`,,", True)
@example(" \u0301a", True)
@example("Über \u0308x", True)
def test_clean_fast_path_equals_careful(text, ascii):
    fast, careful = [], []
    assert latex._clean(text, fast, ascii) == latex._clean_careful(text, careful, ascii)
    assert fast == careful


@settings(max_examples=3000, deadline=None)
@given(texts, st.booleans())
@example("a--b'''c``d!`e?`f,,g---", True)
def test_units_fast_path_joins_to_the_careful_units(text, ascii):
    fast, careful = [], []
    assert latex._join(latex._units(text, ascii, fast)) == \
        latex._join(latex._units_careful(text, ascii, careful))
    assert fast == careful


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["DeepFM", "deep", "A", "B", "GPT-4", "Über", "x--y", "{a}",
                                 "$x$", "**b**", "3D", "Click-Through", "é", "OoD"]),
                max_size=8))
def test_cached_title_words_equal_uncached(words):
    title = " ".join(words)
    cached = latex.render(title, protect=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(latex, "_ascii_word", lambda token: latex._join(latex._word(token, True, [])))
        assert latex.render(title, protect=True) == cached
