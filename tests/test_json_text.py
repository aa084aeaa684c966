"""The JSON writer of the ``csljson`` and ``json`` formats and of the JSON report
(``arrow2bib._json_text``) against json itself, over generated values: the same text,
character for character."""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from arrow2bib._json_text import flat, indented

from . import oracles


class _Str(str):
    pass


class _Dict(dict):
    pass


# what items and papers hold (strings, integers, None, lists, dictionaries), and what the
# writer leaves to json: floats (NaN and infinities too), booleans, subclasses
_scalars = (st.text(max_size=30) | st.integers() | st.floats() | st.booleans() | st.none()
            | st.text(max_size=5).map(_Str))
values = st.recursive(
    _scalars,
    lambda inner: (st.lists(inner, max_size=6)
                   | st.dictionaries(st.text(max_size=12), inner, max_size=6)
                   | st.dictionaries(st.text(max_size=4), inner, max_size=3).map(_Dict)),
    max_leaves=30)

AUTHORS = {"author": [{"family": "Lee", "given": "Ann"}] * 3,
           "issued": {"date-parts": [[2025]]}, "abstract": "a \"quoted\"\n\x00 é line",
           "custom": {"urls": ["https://a.example/" + "x" * 70], "line": 3, "year": None}}


@settings(max_examples=oracles.examples(800), deadline=None)
@given(values)
@example(AUTHORS)
def test_flat_is_json_dumps(value):
    assert flat(value) == json.dumps(value, ensure_ascii=False)


@settings(max_examples=oracles.examples(800), deadline=None)
@given(values, st.integers(0, 4))
@example(AUTHORS, 4)
def test_indented_is_json_dumps_indented(value, depth):
    expected = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)
    assert indented(value, depth) == expected


@settings(max_examples=oracles.examples(800), deadline=None)
@given(values, st.integers(0, 3))
@example(AUTHORS, 1)
def test_small_parts_on_one_line_as_csljson_wrote_them(value, depth):
    """``csljson``'s layout: a list or dictionary two levels in or deeper that fits in 80
    characters stays on one line (the writer before, json's encoder for every value)."""
    assert indented(value, depth, one_line_from=2) == oracles.csl_dumps(value, depth)
