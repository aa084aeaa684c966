"""Splitting displayed names into parts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrow2bib.read.names import fold, parse_name, run_together, space_separated

from . import oracles

# displayed -> (given, family, particle, suffix, nickname, literal-only)
CASES = [
    ("Xue (Steve) Liu", ("Xue", "Liu", None, None, "Steve")),
    ("Shao-Lun Huang", ("Shao-Lun", "Huang", None, None, None)),
    ("Maarten de Rijke", ("Maarten", "Rijke", "de", None, None)),
    ("Jürgen Schmidhuber", ("Jürgen", "Schmidhuber", None, None, None)),
    ("Rupesh K. Srivastava", ("Rupesh K.", "Srivastava", None, None, None)),
    ("Ludwig van der Waals", ("Ludwig", "Waals", "van der", None, None)),
    ("Martin Luther King, Jr.", ("Martin Luther", "King", None, "Jr.", None)),
    ("Martin Luther King Jr.", ("Martin Luther", "King", None, "Jr.", None)),
    ("King, Jr., Martin Luther", ("Martin Luther", "King", None, "Jr.", None)),
    ("de Rijke, Maarten", ("Maarten", "Rijke", "de", None, None)),
    ("John Smith III", ("John", "Smith", None, "III", None)),
    ('Robert "Bob" Jones', ("Robert", "Jones", None, None, "Bob")),
    ("Madonna", (None, "Madonna", None, None, None)),
    ("  Ann   Lee ", ("Ann", "Lee", None, None, None)),
    ("Xiuqiang He", ("Xiuqiang", "He", None, None, None)),
]


@pytest.mark.parametrize("displayed, parts", CASES)
def test_parse_name(displayed, parts):
    person = parse_name(displayed)
    assert (person.given, person.family, person.particle, person.suffix, person.nickname) == parts
    assert not person.is_literal


@pytest.mark.parametrize("displayed", ["Barnes and Noble Research", "12345", "", "A, B, C, D"])
def test_literal_names(displayed):
    person = parse_name(displayed)
    assert person.is_literal and person.family is None
    assert person.literal == " ".join(displayed.split())


def test_display_drops_nickname():
    assert parse_name("Xue (Steve) Liu").display == "Xue Liu"
    assert parse_name("Martin Luther King, Jr.").display == "Martin Luther King, Jr."


@pytest.mark.parametrize(
    "a, b", [("Jürgen", "JURGEN"), ("Xiuqiang  He", "xiuqiang he"), ("Ǆemal", "džemal")]
)
def test_fold(a, b):
    assert fold(a) == fold(b)


def _title_tokens_reference(text: str) -> list[str]:
    """Title tokens as first written: the whole text folded at once."""
    import re
    import unicodedata

    from arrow2bib.text.fold import _SPECIAL, decode_latex

    text = decode_latex(text).replace("**", " ").replace("$", " ")
    if text.isascii():
        folded = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return [t for t in re.split(r"[\W_]+", folded) if t]


@settings(max_examples=oracles.examples(800), deadline=None)
@given(st.lists(st.one_of(
    st.sampled_from([" ", "\u00a0", "\u2003", "Über", "ΑΣ", "ς", "ß", "ﬁ", "\u0308", "e\u0301",
                     "İ", "ǅ", "Ⅻ", "{\\\"U}", "**", "$", "-", "ŀ", "Ø", "ᾈ", "x"]),
    st.text(max_size=4)), max_size=10).map("".join))
def test_title_tokens_word_by_word_as_whole(text):
    from arrow2bib.text.fold import title_tokens

    assert title_tokens(text) == _title_tokens_reference(text)


@pytest.mark.parametrize("text, expected", [
    ("Shiwei Li", True), ("Xue (Steve) Liu", True), ("Maarten de Rijke", True),
    ("Ludwig van Beethoven", True), ("J. R. Quinlan", True), ("Martin Luther King Jr.", True),
    ("Li Z.", True), ("李明", True), ("O'Neil", True), ("Jean-Luc Picard", True),
    ("13 papers", False), ("Author name cluster", False), ("Possible papers", False),
    ("Deep Learning for Click-Through Rate Estimation", False), ("UNBERT: User-News", False),
    ("We study graphs.", False), ("A, B", False), ("", False),
    ("One Two Three Four Five Six Seven", False),
    # an elided particle, a comma before a suffix; a field's label is no name
    ("Mary d'Arcy", True), ("Guillaume de l\u2019H\u00f4pital", True),
    ("Martin Luther King, Jr.", True), ("Ann Lee, III", True), ("Lee, Ann", False),
    ("l'amour fou", False), ("Abstract", False), ("Authors", False), ("Keywords", False),
])
def test_name_like(text, expected):
    """What the readers take for one person's name where no bullet says so."""
    from arrow2bib.read.names import name_like

    assert name_like(text) is expected


@pytest.mark.parametrize("line, names", [
    ("Ann LeeBo Chen", ["Ann Lee", "Bo Chen"]),
    ("Yann LeCunBo Chen", ["Yann LeCun", "Bo Chen"]),  # a capital inside a name
    ("Shao-Lun HuangXue (Steve) Liu", ["Shao-Lun Huang", "Xue (Steve) Liu"]),
    ("Yann LeCun", None),  # one name
    ("Low-rank adaptation (LoRA) is used", None),  # text
])
def test_names_run_together(line, names):
    assert run_together(line) == names


@pytest.mark.parametrize("line, names", [
    ("Ann Lee Bo Chen Maarten de Rijke", ["Ann Lee", "Bo Chen", "Maarten de Rijke"]),
    ("Ann Lee Xue (Steve) Liu Bo Chen", ["Ann Lee", "Xue (Steve) Liu", "Bo Chen"]),
    ("Ann Lee Bo Chen Cy", None),  # as long as one name may be
    ("Ann Lee Bo Chen Cy Dee Eve", None),  # an odd count
    ("Deep Learning For Click Through Rate Estimation.", None),  # a full stop
])
def test_names_separated_by_spaces(line, names):
    assert space_separated(line) == names
