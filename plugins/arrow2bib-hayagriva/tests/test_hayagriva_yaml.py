"""The YAML writer: every string survives a round trip through two real YAML readers,
PyYAML (YAML 1.1) and Typst's own ``yaml()`` (serde_yaml, the reader behind Hayagriva)."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrow2bib_hayagriva.yamltext import dump, quote

#: Strings a YAML writer gets wrong when it does not quote, or quotes naively.
HOSTILE = [
    "",
    "plain",
    "DeepFM: A Factorization-Machine",  # ": " starts a mapping
    "a:b",
    "# not a comment",
    "title # trailing comment?",
    '"double" quotes',
    "'single' quotes",
    "- leading dash",
    "-",
    "* leading star (alias)",
    "& anchor",
    "! tag",
    "@ reserved",
    "` reserved",
    "{flow: mapping}",
    "[flow, sequence]",
    "}", "]", ",",
    "| literal", "> folded",
    "% directive",
    "? complex key",
    "yes", "no", "on", "off", "true", "False", "null", "~", "NULL",
    "2025", "0x1F", "1e3", ".inf", "-.nan", "0o17", "1_000", "2025-01-01", "12:30:00",
    "$\\Sigma_X$ and $5",
    "back\\slash \\n not a newline",
    "line\nbreak", "crlf\r\nend", "tab\there", "  leading and trailing  ",
    "\x00nul \x07bell \x1b escape \x7f del",
    "\x85 next line, \u2028 line sep, \u2029 para sep",
    "\ufeffbom", "\u00a0no-break space",
    "Müller, Ünal, Øystein, Çağrı, Łukasz",
    "中文 日本語 한국어 😀 \U0001f9ea",
    "\ud7ff\ue000\ufffd\U0010ffff",
    "...", "---", "--- document start", "... document end",
    "<<", "=",
    "ends with backslash \\",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_quote_round_trips_through_pyyaml(text: str) -> None:
    assert yaml.safe_load(f"k: {quote(text)}\n") == {"k": text}


def test_quote_round_trips_through_typst(typst_yaml) -> None:
    document = "".join(f"k{i}: {quote(text)}\n" for i, text in enumerate(HOSTILE))
    assert typst_yaml(document) == {f"k{i}": text for i, text in enumerate(HOSTILE)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: b", '"a: b"'),
        ('say "hi"', r'"say \"hi\""'),
        ("a\\b", r'"a\\b"'),
        ("x\ny", r'"x\ny"'),
        ("\x00", r'"\x00"'),
        ("\u2028", r'"\u2028"'),
        ("\ufeff", r'"\uFEFF"'),
        ("é中😀", '"é中😀"'),  # printable Unicode is written as is (the file is UTF-8)
    ],
)
def test_quote_writes(text: str, expected: str) -> None:
    assert quote(text) == expected


def test_lone_surrogate_is_refused() -> None:
    with pytest.raises(ValueError, match="surrogate"):
        quote("a\ud800b")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_string_round_trips_through_pyyaml(text: str) -> None:
    quoted = quote(text)
    assert "\n" not in quoted  # one line, whatever the input
    assert yaml.safe_load(f"key: {quoted}\n") == {"key": text}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(), min_size=1, max_size=20))
def test_any_strings_round_trip_through_typst(typst_yaml, texts: list[str]) -> None:
    document = "".join(f"k{i}: {quote(text)}\n" for i, text in enumerate(texts))
    assert typst_yaml(document) == {f"k{i}": text for i, text in enumerate(texts)}


NESTED = {
    "guo2017deepfm": {
        "type": "article",
        "title": "{DeepFM}: A Factorization-Machine",
        "author": ["Guo, Huifeng", {"name": "de Rijke", "given-name": "Maarten"}],
        "parent": [
            {"type": "proceedings", "title": "Proc: IJCAI", "parent": {"type": "anthology",
                                                                      "title": "Series"}},
            {"type": "conference", "title": "IJCAI"},
        ],
        "serial-number": {"issn": "1234-5678"},
        "empty-list": [],
        "empty-map": {},
    },
    "2025": {"type": "misc"},  # a key YAML would read as a number if bare
    "null": {},
    "a: b # c": {"title": "x"},
}
FIELDS = frozenset({"type", "title", "author", "parent", "name", "given-name", "serial-number",
                    "issn", "empty-list", "empty-map"})


def test_dump_round_trips_through_pyyaml() -> None:
    assert yaml.safe_load(dump(NESTED, FIELDS)) == NESTED


def test_dump_round_trips_through_typst(typst_yaml) -> None:
    assert typst_yaml(dump(NESTED, FIELDS)) == NESTED


def test_dump_layout() -> None:
    text = dump({"k": {"type": "article", "author": ["A, B"], "parent": {"title": "P"}}},
                frozenset({"type", "author", "parent", "title"}))
    assert text == (
        '"k":\n'
        '  type: "article"\n'
        "  author:\n"
        '    - "A, B"\n'
        "  parent:\n"
        '    title: "P"\n'
    )


def test_dump_separates_entries_with_a_blank_line() -> None:
    text = dump({"a": {"type": "misc"}, "b": {"type": "misc"}}, frozenset({"type"}))
    assert text == '"a":\n  type: "misc"\n\n"b":\n  type: "misc"\n'


def test_dump_of_nothing_is_an_empty_mapping() -> None:
    assert yaml.safe_load(dump({})) == {}


@pytest.mark.parametrize("name", ["yes", "null", "Title", "a b", "a:b", "2025", "-x", ""])
def test_bare_keys_must_be_plain_words(name: str) -> None:
    with pytest.raises(ValueError, match="bare YAML key"):
        dump({"k": {name: "v"}}, frozenset({name}))


def test_unlisted_field_names_are_quoted() -> None:
    text = dump({"k": {"yes": "v"}})
    assert '"yes": "v"' in text
    assert yaml.safe_load(text) == {"k": {"yes": "v"}}


# -- the regex scan against the plain loop over the characters --------------------------

def _printable(char: str) -> bool:
    """YAML's c-printable less the BOM, as the characters' code points say it."""
    code = ord(char)
    return (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF
            or (0xE000 <= code <= 0xFFFD and code != 0xFEFF) or 0x10000 <= code <= 0x10FFFF)


_NAMED = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _plain_quote(text: str) -> str:
    """:func:`quote` character by character: a named escape, ``\\x``/``\\u``/``\\U`` for
    YAML's line breaks and what YAML cannot hold as is, else the character."""
    out = []
    for char in text:
        code = ord(char)
        if char in _NAMED:
            out.append(_NAMED[char])
        elif char in "\x85\u2028\u2029" or not _printable(char):
            out.append(f"\\x{code:02X}" if code <= 0xFF else
                       f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def test_quote_escapes_exactly_what_the_plain_loop_escapes() -> None:
    # every code point but the lone surrogates (refused: test_lone_surrogate_is_refused)
    for start in range(0, 0x110000, 0x1000):
        text = "".join(chr(c) for c in range(start, start + 0x1000) if not 0xD800 <= c <= 0xDFFF)
        assert quote(text) == _plain_quote(text), hex(start)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",))
               | st.sampled_from(list('"\\\n\t\r\x00\x1f\x7f\x85\x9f\u2028\u2029\ufeff\ufffe'))))
def test_quote_is_the_plain_loop(text: str) -> None:
    assert quote(text) == _plain_quote(text)
