"""LaTeX escaping at its edges, found by mutation testing: accents on i and j (a dotless
``\\i``/``\\j`` under an accent above the letter, but for the accents LaTeX composes on ``i``
itself; the dot kept under one below it: cedilla,
ogonek, dot and bar below), combining marks LaTeX has no accent for, and names with
typographic quotes, dashes and no-break spaces in ASCII output."""

from __future__ import annotations

import pytest

from arrow2bib import Person
from arrow2bib.read.names import parse_name
from arrow2bib.text.latex import escape, format_person


@pytest.mark.parametrize("text, latex", [
    # LaTeX's own composites make these four the dotless i (and biber reads them as í: with
    # {\\'\\i} it writes ı and a combining acute, which stops pdflatex)
    ("í", "{\\'i}"), ("ì", "{\\`i}"), ("ï", '{\\"i}'), ("î", "{\\^i}"), ("ḯ", "{\\'{\\\"i}}"),
    ("ĩ", "{\\~\\i}"), ("ī", "{\\=\\i}"),  # no composite: the dotless i by hand
    ("ǰ", "{\\v\\j}"), ("j\u0301", "{\\'\\j}"),
    ("i\u0327", "{\\c i}"),  # cedilla: below
    ("į", "{\\k i}"),  # ogonek: below
    ("ị", "{\\d i}"),  # dot below
    ("i\u0331", "{\\b i}"),  # bar below
    ("é", "{\\'e}"), ("ç", "{\\c c}"),
])
def test_accents_on_i_and_j(text, latex):
    assert escape(text).text == latex


@pytest.mark.parametrize("text, latex", [
    ("a\u0353", "a"),  # a combining mark LaTeX has no accent for: the letter stays
    ("e\u0353x", "ex"),
    ("e\u0353\u0301", "{\\'e}"),  # ... and the marks it has still apply
])
def test_combining_marks_without_an_accent(text, latex):
    assert escape(text).text == latex


@pytest.mark.parametrize("name, ascii_latex", [
    ("Mary O’Brien", "O'Brien, Mary"),
    ("Jean–Luc Picard", "Picard, Jean--Luc"),
    ("Zoë d’Arc", "d'Arc, Zo{\\\"e}"),
])
def test_names_in_ascii_latex(name, ascii_latex):
    assert format_person(parse_name(name)).text == ascii_latex


def test_a_no_break_space_in_a_name_is_a_space():
    person = Person(literal="Jean\u00a0Pierre Lee", given="Jean\u00a0Pierre", family="Lee")
    assert format_person(person).text == "Lee, Jean Pierre"
    assert format_person(person, ascii=False).text == "Lee, Jean Pierre"
