"""One fold (arrow2bib.text.fold) for names, titles, keys and venues: letters that do not
decompose fold alike everywhere."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from arrow2bib.keys import fold_ascii as keys_fold_ascii
from arrow2bib.read.names import fold as names_fold
from arrow2bib.text.fold import (
    collapse,
    digest_fold,
    fold,
    fold_ascii,
    normalise_name,
    title_tokens,
)
from arrow2bib.venues import normalise as venue_normalise

from . import oracles


@pytest.mark.parametrize("text, folded, ascii", [
    ("Łukasz", "lukasz", "Lukasz"),
    ("Østergaard", "ostergaard", "Ostergaard"),
    ("Straße", "strasse", "Strasse"),
    ("Æsir", "aesir", "AEsir"),
    ("Müller  Jürgen", "muller jurgen", "MullerJurgen"),
    ("ﬁne", "fine", "fine"),
    ("Σ", "σ", ""),
])
def test_one_fold_everywhere(text, folded, ascii):
    assert fold(text) == folded
    assert names_fold is fold
    assert keys_fold_ascii is fold_ascii
    assert fold_ascii(text) == ascii
    assert venue_normalise(text) == ascii.lower()
    assert normalise_name(text) == " ".join(title_tokens(folded))


def test_the_digest_fold_is_frozen_without_the_special_letters():
    # citation keys of colliding papers are ordered by a digest of this form: changing it
    # would move users' keys between versions
    assert digest_fold("Łukasz  Müller") == "łukasz muller"
    assert digest_fold("Straße") == "strasse"


#: Every character str.isspace() or re's \\s knows, and some that are neither.
_SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()] + ["\u200b", "\ufeff", "\x00"]


@settings(max_examples=oracles.examples(400), deadline=None)
@given(st.text(alphabet=st.sampled_from(_SPACES + list("ab É-")), max_size=12))
@example(" a b ")
@example("a\u00a0b")
@example("a\x1fb ")
def test_collapse_is_the_regex(text):
    """The fast path (printable, no double space) gives what the regex gives, on any text."""
    assert collapse(text) == oracles.collapse(text)


@settings(max_examples=oracles.examples(400), deadline=None)
@given(st.text(alphabet=st.sampled_from([chr(c) for c in range(128)] + ["É", "ß", "\u00a0"]),
               max_size=16))
@example("DeepFM: A_B--c \\'e {x}$y$**z**")
def test_title_tokens_ascii_way_is_the_regex(text):
    """ASCII titles are split by str.translate and str.split: the regex's words."""
    assert title_tokens(text) == oracles.title_tokens(text)
