"""Hayagriva's string syntax (``{}`` verbatim, ``$`` math, ``\\`` escapes): what we write,
and what Typst's Hayagriva reads back from it (through the probe style)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from arrow2bib_hayagriva.text import clean, escape, formattable, needs_protection, spans
from arrow2bib_hayagriva.yamltext import dump, quote


@pytest.mark.parametrize(
    ("word", "protect"),
    [
        ("DeepFM", True), ("DeepFM:", True), ("CTR", True), ("LoRA", True), ("OoD", True),
        ("UNBERT:", True), ("(SRA-CL)", True), ("3D", True), ("BERT", True), ("iPhone", True),
        ("Deep", False), ("based", False), ("A", False), ("Factorization-Machine", False),
        ("Click-Through", False), ("Input/Output", False), ("(Student", False), ("--", False),
        ("Vision-Language", False), ("Multi-Relational", False), ("Self-CTR", True),
    ],
)
def test_needs_protection(word: str, protect: bool) -> None:
    assert needs_protection(word) is protect


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DeepFM: A Factorization-Machine based Neural Network for CTR Prediction",
         "{DeepFM}: A Factorization-Machine based Neural Network for {CTR} Prediction"),
        ("UNBERT: User-News Matching BERT", "{UNBERT}: User-News Matching {BERT}"),
        ("the (SRA-CL) model", "the ({SRA-CL}) model"),
        ("we propose **TopLoRA**, fast", "we propose {TopLoRA}, fast"),  # bold markers go
        ("weights $B\\Sigma_X A$ here", "weights {\\$B\\\\Sigma_X A\\$} here"),
        ("costs $5 and {braces} \\ back", "costs \\$5 and \\{braces\\} \\\\ back"),
        ("", ""),
    ],
)
def test_formattable(text: str, expected: str) -> None:
    assert formattable(text) == expected


def test_formattable_without_protection_only_escapes() -> None:
    assert formattable("DeepFM {x} $y$", protect=False) == "DeepFM \\{x\\} {\\$y\\$}"


@pytest.mark.parametrize(
    ("text", "expected", "changed"),
    [
        ("  a   b  ", "a b", False),
        ("a\nb\tc\r\nd", "a b c d", True),
        ("a\x00b\x07c\x7fd\x9fe", "abcde", True),
        ("a\u2028b\x85c", "a b c", True),
        ("a\ud800b", "ab", True),
        ("Müller 😀", "Müller 😀", False),
    ],
)
def test_clean(text: str, expected: str, changed: bool) -> None:
    assert clean(text) == (expected, changed)


def test_spans_split_markup_like_the_model() -> None:
    assert list(spans("a **b** $c$ costs $5")) == [
        ("text", "a "), ("bold", "b"), ("text", " "), ("math", "c"), ("text", " costs $5"),
    ]


def _title_entries(titles: list[str], protect: bool) -> str:
    return dump({f"t{i}": {"type": "article", "title": formattable(t, protect=protect)}
                 for i, t in enumerate(titles)}, frozenset({"type", "title"}))


#: Titles whose characters mean something to YAML, to Hayagriva's strings or to Typst.
HOSTILE_TITLES = [
    "A {b} c $5 and back\\slash",
    "# @x <y> *z* _w_ [q] \"quoted\": end",
    "Unbalanced } brace and { other",
    "Trailing backslash \\",
    "$ lone dollar",
    "#set text(red) and #panic(\"no\")",
    "`raw` ~tilde~ 'single' %percent",
]


def test_hostile_titles_reach_typst_unchanged(probe) -> None:
    shown = probe(_title_entries(HOSTILE_TITLES, protect=True),
                  [f"t{i}" for i in range(len(HOSTILE_TITLES))])
    assert {key: fields["TI"] for key, fields in shown.items()} == {
        f"t{i}": title for i, title in enumerate(HOSTILE_TITLES)
    }


#: Printable ASCII, heavy on the characters that matter, as words with single spaces.
_WORD = st.text(alphabet=st.sampled_from(list("{}$\\#@<>*_[]:\"'`~%&!|-=aAbBcZ09")),
                min_size=1, max_size=8)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_WORD, min_size=1, max_size=6).map(" ".join), min_size=1, max_size=8))
def test_any_escaped_text_reaches_typst_unchanged(probe, titles: list[str]) -> None:
    # no markup spans in these titles: test the escaping alone
    titles = [t.replace("$", "\\$").replace("**", "*") for t in titles]
    titles = ["|".join(t.split(" | ")) for t in titles]  # " | " separates the probe's fields
    # CSL drops a title that is all punctuation: keep a letter at each end
    titles = [f"Q{t}Q" for t in titles]
    shown = probe(_title_entries(titles, protect=False), [f"t{i}" for i in range(len(titles))])
    assert [shown[f"t{i}"]["TI"] for i in range(len(titles))] == [
        "".join(s.text if s.kind == "text" else f"${s.text}$" for s in spans(t))
        for t in titles
    ]


def test_protection_keeps_case_under_a_title_casing_style(render) -> None:
    title = "DeepFM: A Factorization-Machine based Neural Network for CTR Prediction"
    protected = render(_title_entries([title], protect=True), ["t0"],
                       style="chicago-author-date")
    assert "DeepFM: A Factorization-Machine Based Neural Network for CTR Prediction" \
        in protected.text
    # the reason for the braces: without them Chicago's title case spoils the acronym
    bare = render(_title_entries([title], protect=False), ["t0"], style="chicago-author-date")
    assert "Deepfm" in bare.text


def test_escape_is_the_inverse_of_hayagrivas_reading(typst_yaml) -> None:
    # the YAML layer alone: escape() only adds backslashes before \ { } $
    text = "a\\b{c}$d"
    assert typst_yaml(f"k: {quote(escape(text))}\n") == {"k": "a\\\\b\\{c\\}\\$d"}


def _plain_clean(text: str) -> tuple[str, bool]:
    """:func:`clean` asking ``unicodedata.category`` of each character."""
    import re
    import unicodedata

    folded = re.sub(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]", " ", text)
    changed = folded != text
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in folded):
        folded = "".join(c for c in folded if unicodedata.category(c) not in ("Cc", "Cs"))
        changed = True
    return re.sub(r"\s+", " ", folded).strip(), changed


def test_clean_removes_exactly_categories_cc_and_cs() -> None:
    every = "".join(map(chr, range(0x110000)))
    assert clean(every) == _plain_clean(every)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters() | st.sampled_from(list("\x00\x1f\x7f\x85\x9f\ud800\u2028 \t"))))
@example("  a  b  ")  # printable: the spaces collapsed without the regex scans
@example(" a b ")
@example("a\u00a0 b")  # a no-break space is not printable: the plain way
def test_clean_is_the_plain_one(text: str) -> None:
    assert clean(text) == _plain_clean(text)


def _plain_needs_protection(word: str) -> bool:
    """:func:`needs_protection` part by part, without the test for a word with no capital
    after its first character."""
    import re

    for part in re.split(r"[-/\u2010\u2011\u2013]", word):
        alnum = [c for c in part if c.isalnum()]
        if any(c.isupper() for c in alnum[1:]):
            return True
    return False


def _plain_formattable(text: str, *, protect: bool = True) -> str:
    """:func:`formattable` escaping word by word, whatever the span holds."""
    import re

    from arrow2bib_hayagriva.text import _protected

    out: list[str] = []
    for span in spans(text):
        if span.kind == "math":
            out.append("{" + escape(f"${span.text}$") + "}")
            continue
        for index, piece in enumerate(re.split(r"(\s+)", span.text)):
            if index % 2 or not piece:
                out.append(piece)
            elif protect and _plain_needs_protection(piece):
                out.append(_protected(piece))
            else:
                out.append(escape(piece))
    return "".join(out)


# words with capitals, titlecase and other-uppercase letters (U+01C5, U+24B6), digits,
# hyphens, slashes, the formattable syntax and markup
_pieces = st.text(st.sampled_from(list("aAzZ9é\u01c5\u24b6\u03d2-/\u2010{}$\\*( \t")), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12) | _pieces)
def test_needs_protection_is_the_plain_one(word: str) -> None:
    assert needs_protection(word) == _plain_needs_protection(word)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=12) | _pieces, max_size=8).map(" ".join), st.booleans())
def test_formattable_is_the_plain_one(text: str, protect: bool) -> None:
    assert formattable(text, protect=protect) == _plain_formattable(text, protect=protect)
