"""A successful conversion is a note, not a warning (issue 17): ``math-converted`` when a
format that does not read TeX writes math as Unicode, ``url-repaired`` when a link of the
abstract was rebuilt from split text; each at the paper's line, and ``--strict`` still
passes."""

from __future__ import annotations

import io

import pytest
from hypothesis import example, given, settings, strategies as st

import arrow2bib
from arrow2bib.cli import main
from arrow2bib.model import Severity

PAGE = """Arrow Research search

Author name cluster

Ada Lovelace

2 papers
1 author row

ICML Conference 2023 Conference Paper

Comparing Distributions: $\\ell_1$ Geometry Improves Testing

  • Ada Lovelace

We bound $B\\Sigma_X A$ and $\\mu$. Code: https: //github. com/ada/ell1.

ICML Conference 2022 Conference Paper

A Paper With No Math

  • Ada Lovelace

The code is at https://github.com/ada/whole and nothing was split.
"""
UNICODE_FORMATS = ("csljson", "ris", "orcid", "text", "html", "markdown")
TEX_FORMATS = ("bibtex", "biblatex")


def notes(fmt: str) -> list[arrow2bib.Problem]:
    problems: list[arrow2bib.Problem] = []
    arrow2bib.export(arrow2bib.parse(PAGE, source="page.txt"), fmt, report=problems.append)
    return [p for p in problems if p.code in ("math-converted", "url-repaired")]


@pytest.mark.parametrize("fmt", UNICODE_FORMATS)
def test_math_and_repaired_links_are_notes_at_the_line(fmt):
    found = {(p.code, p.details.get("field")): p for p in notes(fmt)}
    assert set(found) == {("math-converted", "title"), ("math-converted", "abstract"),
                          ("url-repaired", "urls")}
    for problem in found.values():
        assert problem.severity is Severity.INFO
        assert (problem.source, problem.line) == ("page.txt", 10)  # the paper's venue line
        assert problem.details["format"] == fmt and problem.message.startswith(f"{fmt}: ")
    title = found["math-converted", "title"]
    assert title.details["math"] == ["\\ell_1"] and title.details["unicode"] == ["ℓ₁"]
    assert "$\\ell_1$ -> ℓ₁" in title.message
    abstract = found["math-converted", "abstract"]
    assert abstract.details["math"] == ["B\\Sigma_X A", "\\mu"]
    assert abstract.details["unicode"] == ["BΣ_X A", "μ"]
    link = found["url-repaired", "urls"]
    assert link.details["url"] == "https://github.com/ada/ell1"
    assert link.details["written"] == "https: //github. com/ada/ell1"


@pytest.mark.parametrize("fmt", TEX_FORMATS)
def test_tex_formats_note_only_the_repaired_link(fmt):
    # BibTeX and biblatex keep the math as TeX: nothing converted, nothing to note
    assert [(p.code, p.line) for p in notes(fmt)] == [("url-repaired", 10)]


def test_a_link_the_page_gives_whole_has_no_note():
    assert not [p for p in notes("ris") if p.line == 21]


def test_strict_passes_and_the_notes_are_shown(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["convert", str(page), "--to", "ris", "--strict", "-o", str(tmp_path / "o.ris")],
                out=out, err=err)
    assert code == 0, err.getvalue()
    lines = err.getvalue().splitlines()
    assert any(line.startswith(f"{page}:10: info: ris: the title's math") and
               line.endswith("[math-converted]") for line in lines), lines
    assert any(line.startswith(f"{page}:10: info: ris: the link 'https://github.com/ada/ell1'")
               and line.endswith("[url-repaired]") for line in lines), lines
    assert "0 error(s), 0 warning(s), 3 note(s)" in err.getvalue()


@pytest.mark.parametrize(("url", "raw", "written"), [
    ("https://github.com/a/b", "Code: https: //github. com/a/b.", "https: //github. com/a/b"),
    ("https://github.com/a/b", "Code: HTTPS :\n//github.\ncom/a/b", "HTTPS : //github. com/a/b"),
    ("https://x.org/a", "see https://y.org and https: //x. org/a", "https: //x. org/a"),
    ("https://x.org/a", "https: //x. org/b", None),  # changed, not only split
    ("https://x.org/a", "no link here", None),
])
def test_the_pages_text_of_a_rebuilt_link(url, raw, written):
    from arrow2bib.exporters._notes import _as_written

    assert _as_written(url, raw) == written


@settings(max_examples=300)
@example("h" + " " * 200 + "ttps://x", 0, 8)  # more white space than the window: the pattern
@example("ab\u00a0c\u2003d", 0, 3)  # white space beyond ASCII, as the pattern's \\s
@given(st.text(alphabet=st.sampled_from("ab:/. \n\t\u00a0\u2003"), max_size=120),
       st.integers(0, 130), st.integers(1, 40))
def test_the_words_of_a_link_are_what_the_pattern_matches(raw, start, count):
    from arrow2bib.exporters._notes import _non_space_chars, _non_space_words

    found = _non_space_chars(count).match(raw, start)
    assert _non_space_words(raw, start, count) == (found.group().split() if found else None)
