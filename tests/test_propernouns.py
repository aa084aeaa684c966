"""Proper nouns in titles, configurable (issue 17): the built-in list, the authors' surnames
the page shows, a user's list (``-O propernouns=FILE``, checked line by line) and
``-O builtin-propernouns=`` to turn the automatic ones off; through ``bibtex`` with plainnat,
biblatex and the formatted references."""

from __future__ import annotations

import io

import pytest

import arrow2bib
from arrow2bib.cli import main
from arrow2bib.errors import SettingError
from arrow2bib.model import Person
from arrow2bib.text import propernouns

from .test_bibtex import compile_with_bibtex, needs_tex

PAGE = """Arrow Research search

Author name cluster

Ada Lovelace

3 papers
1 author row

ICML Conference 2023 Conference Paper

Revisiting the Lovelace Engine with Gaussian Kernels

  • Ada Lovelace
  • Charles Babbage

An abstract.

ICML Conference 2022 Conference Paper

Frobnitz Flows for Long Sequences

  • Ada Lovelace
  • Wei Long

An abstract.

ICML Conference 2021 Conference Paper

Learning How Babbage Planned

  • Ada Lovelace

An abstract.
"""


def bib(fmt: str = "bibtex", **options: str) -> str:
    return arrow2bib.export(arrow2bib.parse(PAGE, source="page.txt"), fmt, options=options)


def title_of(text: str, word: str) -> str:
    (line,) = [line for line in text.splitlines() if line.strip().startswith("title")
               and word in line]
    return line.strip()


@pytest.fixture
def nouns_file(tmp_path):
    path = tmp_path / "nouns.txt"
    path.write_text("\ufeff# our methods\nFrobnitz\n\n  Rényi   # a name\n", encoding="utf-8")
    return path


def test_the_authors_surnames_in_a_title_are_protected():
    text = bib()
    assert title_of(text, "Lovelace") == (
        "title = {Revisiting the {Lovelace} Engine with {Gaussian} Kernels},")
    # "Long" is an English word (NOT_NAMES): a surname, but not protected as one
    assert title_of(text, "Sequences") == "title = {Frobnitz Flows for Long Sequences},"
    # only the paper's own authors: Babbage did not write the third paper
    assert title_of(text, "Planned") == "title = {Learning How Babbage Planned},"


def test_a_users_list_is_added(nouns_file):
    text = bib(propernouns=str(nouns_file))
    assert title_of(text, "Sequences") == "title = {{Frobnitz} Flows for Long Sequences},"
    assert "{Gaussian}" in text and "{Lovelace}" in text  # the built-in ones stay
    assert propernouns.read_list(str(nouns_file)) == {"frobnitz", "rényi"}


@pytest.mark.parametrize(("builtin", "gaussian", "lovelace"), [
    ("list,names", True, True), ("list", True, False), ("names", False, True),
    ("none", False, False),
])
def test_builtin_sources_can_be_turned_off(builtin, gaussian, lovelace):
    for fmt in ("bibtex", "biblatex"):
        title = title_of(bib(fmt, **{"builtin-propernouns": builtin}), "Lovelace")
        assert ("{Gaussian}" in title) is gaussian and ("{Lovelace}" in title) is lovelace


@needs_tex
def test_plainnat_keeps_them(tmp_path, nouns_file):
    bbl = " ".join(compile_with_bibtex(tmp_path, bib(propernouns=str(nouns_file)),
                                       "plainnat")["bbl"].split())
    assert "Revisiting the {Lovelace} engine with {Gaussian} kernels" in bbl
    assert "{Frobnitz} flows for long sequences" in bbl
    assert "Learning how babbage planned" in bbl


@needs_tex
def test_plainnat_lower_cases_them_when_turned_off(tmp_path):
    bbl = " ".join(compile_with_bibtex(tmp_path, bib(**{"builtin-propernouns": "none"}),
                                       "plainnat")["bbl"].split())
    assert "Revisiting the lovelace engine with gaussian kernels" in bbl


def test_formatted_references_keep_them_in_sentence_case(nouns_file):
    text = bib("text", propernouns=str(nouns_file))  # APA: sentence case
    assert "Revisiting the Lovelace engine with Gaussian kernels" in text
    assert "Frobnitz flows for long sequences" in text
    off = bib("text", **{"builtin-propernouns": "none"})
    assert "Revisiting the lovelace engine with gaussian kernels" in off


@pytest.mark.parametrize(("content", "line", "says"), [
    ("Frobnitz\nMonte Carlo\n", 2, "'Monte Carlo' is several words"),
    ("# fine\n\nok\n{Foo}\n", 4, "'{Foo}' is not a word"),
    ("3D\n", 1, "'3D' is not a word"),
])
def test_a_bad_line_is_a_usage_error_at_its_line(tmp_path, content, line, says):
    path = tmp_path / "nouns.txt"
    path.write_text(content, encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    target = tmp_path / "out" / "refs.bib"
    target.parent.mkdir()
    out, err = io.StringIO(), io.StringIO()
    code = main(["convert", str(page), "--to", "bibtex", "-O", f"propernouns={path}", "-o",
                 str(target)], out=out, err=err)
    assert code == 2
    assert f"{path}:{line}: {says}" in err.getvalue()
    assert list(target.parent.iterdir()) == []  # no output, not even a partial one


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "text"])
def test_unreadable_files_and_bad_values_are_setting_errors(tmp_path, fmt):
    missing = tmp_path / "nope.txt"
    with pytest.raises(SettingError, match=f"{missing} cannot be read"):
        bib(fmt, propernouns=str(missing))
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Rényi\n".encode("latin-1"))
    with pytest.raises(SettingError, match="is not UTF-8 text"):
        bib(fmt, propernouns=str(latin1))
    with pytest.raises(SettingError, match="builtin-propernouns option takes"):
        bib(fmt, **{"builtin-propernouns": "all"})


def test_surnames():
    people = [Person(literal="Wei Long", given="Wei", family="Long"),
              Person(literal="Jun He", given="Jun", family="He"),
              Person(literal="Maria de la Cruz-Reyes", given="Maria", family="Cruz-Reyes",
                     particle="de la"),
              Person(literal="Plato")]
    assert propernouns.surnames(people) == {"cruz", "reyes"}
