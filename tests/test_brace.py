"""The protecting group around LaTeX: one pair of braces, two when the group starts with a
command. BibTeX reads ``{\\x...}`` at the top level of a field as one "special character"
and still changes the case of its letters (``{\\&Co}`` -> ``{\\&co}`` in a lowercasing
style); a group that starts with a brace is left alone. Checked by the real ``bibtex``."""

from __future__ import annotations

import pytest

import arrow2bib
from arrow2bib.read.names import parse_name
from arrow2bib.text.latex import brace

from .test_bibtex import compile_with_bibtex, needs_tex


@pytest.mark.parametrize("latex, braced", [
    ("", "{}"),
    ("DeepFM", "{DeepFM}"),
    ("a\\&b", "{a\\&b}"),  # a command later in the group: one pair
    ("{\\'E}COLE", "{{\\'E}COLE}"),  # starts with a brace: one pair
    ("$\\alpha$", "{$\\alpha$}"),
    ("\\&Co", "{{\\&Co}}"),  # starts with a command: two pairs
    ("\\'ECOLE", "{{\\'ECOLE}}"),
    ("\\textbf{X}", "{{\\textbf{X}}}"),
    ("\\", "{{\\}}"),
])
def test_brace(latex, braced):
    assert brace(latex) == braced


def _bibtex(title: str) -> str:
    paper = arrow2bib.Paper(title=title, authors=(parse_name("Ann Lee"),), year=2020,
                            venue="Some Journal", venue_kind="Journal",
                            paper_type="Journal Article")
    return arrow2bib.export(arrow2bib.Page(source="p.txt", papers=(paper,)), "bibtex")


@pytest.mark.parametrize("title, field", [
    ("The **&Co** Effect", r"title = {The \textbf{{\&Co}} Effect},"),
    ("**#1** Ranked", r"title = {\textbf{{\#1}} Ranked},"),
    ("**ÉCOLE** Study", r"title = {\textbf{{\'E}COLE} Study},"),  # starts with a brace
])
def test_bold_title_words_in_bibtex(title, field):
    assert field in _bibtex(title)


@needs_tex
def test_a_group_starting_with_a_command_keeps_its_case_in_bibtex(tmp_path):
    """plain.bst lowercases titles but for the first letter and protected groups."""
    bib = _bibtex("The **&Co** Effect on {ÉCOLE} Networks")
    files = compile_with_bibtex(tmp_path, bib, "plain")
    bbl = " ".join(files["bbl"].split())
    assert r"\textbf{{\&Co}} effect" in bbl, bbl
    assert r"\&co" not in bbl
