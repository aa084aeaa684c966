"""Math that TeX would not compile is written as text and reported (issue 17), proven
through pdflatex; the characters no consumer should get are handled in one place."""

from __future__ import annotations

import io

import dataclasses
import re
import shutil

import pytest

import arrow2bib
from arrow2bib.cli import main
from arrow2bib.checks.mathcheck import InvalidMath
from arrow2bib.text.hygiene import clean
from arrow2bib.text.latex import render
from arrow2bib.text.texmath import math_error

from .test_bibtex import compile_with_bibtex, latex_document, needs_tex, run

PDFLATEX, BIBER = shutil.which("pdflatex"), shutil.which("biber")

INVALID = {  # the measured cases, and TeX's complaint
    r"x^1^2": "Double superscript",
    r"\frac a": "",
    r"\left\right": "",
    r"x_1_2": "Double subscript",
    r"\textbf{x^2}": "Missing $ inserted",
    r"\mbox{a_b}": "Missing $ inserted",
}
VALID = [r"\ell_1", r"B\Sigma_X A", r"x_i^2", r"\frac{a}{b}", r"\frac ab", r"\sqrt[3]{x}",
         r"\left( x \right)", r"\big(x\big)", r"\mathrm{x^2}", r"\sum_{i=1}^n x_i",
         r"\left.\right|", r"a\{b\}", r"x\,y", r"f'(x)", r"O(n^{2})"]


def page(title_math: list[str], abstract_math: list[str]) -> str:
    title = "Testing " + " and ".join(f"${m}$" for m in title_math)
    abstract = "We use " + ", ".join(f"${m}$" for m in abstract_math) + "."
    return ("Arrow Research search\n\nAuthor name cluster\n\nAda Lovelace\n\n1 papers\n"
            "1 author row\n\nNeurIPS Conference 2024 Conference Paper\n\n"
            f"{title}\n\n  • Ada Lovelace\n\n{abstract}\n")


@pytest.mark.parametrize("math", sorted(INVALID))
def test_invalid_math_is_found(math):
    assert math_error(math)
    assert render(f"${math}$", protect=True).text.startswith(r"\$")  # written as text


@pytest.mark.parametrize("math", VALID)
def test_valid_math_passes(math):
    assert math_error(math) is None
    assert f"${math}$" in render(f"${math}$").text


def test_invalid_math_is_reported_at_its_line():
    parsed = arrow2bib.parse(page(["x^1^2", r"\ell_1"], [r"\mbox{a_b}"]), source="p.txt")
    problems = [p for p in arrow2bib.check(parsed) if p.code == "invalid-math"]
    assert [(p.line, p.details["field"], p.details["math"]) for p in problems] == [
        (10, "title", "x^1^2"), (10, "abstract", r"\mbox{a_b}")]
    # a paper check: the engine may run it on any batch, in any process
    assert issubclass(InvalidMath, arrow2bib.PaperCheck)



def test_invalid_math_inside_bold_is_reported_and_written_as_text():
    """Bold may hold math (``**$\\ell_1$-LoRA**``): the check sees it there too, and BibTeX
    writes that span as text inside ``\\textbf``, as it does outside bold."""
    text = page(["x"], ["y"]).replace("We use $y$.",
                                      "A **bold $x^1^2$ bound** and **$\\ell_1$**.")
    parsed = arrow2bib.parse(text, source="p.txt")
    problems = [p for p in arrow2bib.check(parsed) if p.code == "invalid-math"]
    assert [(p.line, p.details["field"], p.details["math"]) for p in problems] == [
        (10, "abstract", "x^1^2")]
    bibtex = arrow2bib.export(parsed, "bibtex")
    assert (r"\textbf{bold \$x{\textasciicircum}1{\textasciicircum}2\$ bound} and "
            r"\textbf{$\ell_1$}") in bibtex

@needs_tex
@pytest.mark.parametrize("math", sorted(INVALID))
def test_pdflatex_refuses_it_as_math(tmp_path, math):
    """The control: written as math, each case stops pdflatex."""
    (tmp_path / "doc.tex").write_text(latex_document("", f"${math}$"))
    result = run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                 tmp_path)
    assert result.returncode != 0
    assert INVALID[math] in result.stdout


@needs_tex
@pytest.mark.parametrize("style", ["plain", "plainnat"])
def test_bibtex_output_compiles(tmp_path, style):
    parsed = arrow2bib.parse(page(sorted(INVALID), sorted(INVALID) + VALID))
    bib = arrow2bib.export(parsed, "bibtex")
    files = compile_with_bibtex(tmp_path, bib, style)
    assert "error message" not in files["blg"]
    for math in VALID:
        assert f"${math}$" in bib


# ------------------------------------------------------------------------ text hygiene

BAD = ("A\ud800B \ufffe \uffff \ufdd0 \U0001fffe RIS\x1cER RS\x1dGS\x1eUS \u202eevil\u202c "
       "\u2066iso\u2069 end")
FORMATS = ["bibtex", "biblatex", "csljson", "ris", "orcid", "json", "text", "html", "markdown"]


def test_clean():
    cleaned = clean(BAD)
    assert "\ud800" not in cleaned.text and "\ufffd" in cleaned.text
    assert not re.search("[\ufffe\uffff\ufdd0\U0001fffe\x1c-\x1e]", cleaned.text)
    assert "RIS ER" in cleaned.text and "RS GS US" in cleaned.text
    assert "\u202e" in cleaned.text  # reported, kept
    assert {kind for kind, _codes in cleaned.found} == {
        "surrogate", "noncharacter", "control", "bidi"}
    assert clean("plain text") == ("plain text", ())


@pytest.mark.parametrize("fmt", FORMATS)
def test_library_paper_with_bad_characters(fmt):
    """A caller's Paper with lone surrogates and noncharacters: no UnicodeEncodeError,
    a report, and nothing biber refuses."""
    paper = arrow2bib.parse(page([r"\ell_1"], ["x"])).papers[0]
    paper = dataclasses.replace(paper, title=paper.title + " " + BAD, abstract=BAD)
    problems = []
    out = arrow2bib.export([paper], fmt, report=problems.append)
    out.encode("utf-8")
    assert not re.search("[\ud800-\udfff\ufffe\uffff\ufdd0\U0001fffe\x1c-\x1e]", out)
    assert "RISER" not in out
    assert {p.code for p in problems} >= {"unsafe-character"}


def test_page_with_bad_characters_is_reported_at_the_line():
    text = page([r"\ell_1"], ["x"]).replace("Testing", "Test\ufffeing RIS\x1cER \u202eX")
    parsed = arrow2bib.parse(text, source="p.txt")
    (problem,) = [p for p in parsed.problems if p.code == "unsafe-character"]
    assert problem.line == 12 and set(problem.details["found"]) == {
        "noncharacter", "control", "bidi"}
    assert "Testing RIS ER" in parsed.papers[0].title


@pytest.mark.skipif(not (PDFLATEX and BIBER), reason="pdflatex and biber are not on PATH")
def test_biber_accepts_the_biblatex_export(tmp_path):
    from .test_biblatex import compile_with_biber

    text = page([r"\ell_1"], ["x"]).replace("Testing", "Test\ufffeing \ufdd0RIS\x1cER")
    text = text.replace("We use", "We \U0001fffeuse \uffff")
    bib = arrow2bib.export(arrow2bib.parse(text), "biblatex")
    files = compile_with_biber(tmp_path, bib)
    assert not re.search(r"\b(WARN|ERROR)\b", files["blg"]), files["blg"]
    assert "{RIS} {ER}" in files["bbl"]  # a space where the separator was


def test_utf7_page_through_the_cli(tmp_path):
    source = page([r"\ell_1"], ["x"]).replace("•", "-").replace("Ada Lovelace\n\n\nWe",
                                                                "Ada Lovelace\n\nWe")
    path = tmp_path / "p7.txt"
    path.write_bytes(source.replace("Testing", "Test+2AA-ing").encode("ascii"))
    for fmt in FORMATS:  # the command line's main(), in this process: any exception fails
        out, err = io.StringIO(), io.StringIO()
        code = main(["convert", str(path), "--encoding", "utf-7", "--to", fmt, "-o",
                     str(tmp_path / f"out.{fmt}")], out=out, err=err)
        assert code == 0, err.getvalue()
        assert "[unsafe-character]" in err.getvalue()


def test_check_takes_a_callers_page_with_bad_characters():
    parsed = arrow2bib.parse(page([r"\ell_1"], ["x"]))
    bad = dataclasses.replace(parsed, papers=(dataclasses.replace(parsed.papers[0],
                                                                  title="A\ud800B \ufffe"),))
    problems = arrow2bib.check(bad)
    assert [p.code for p in problems].count("unsafe-character") == 1
