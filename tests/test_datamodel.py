"""biber --validate-datamodel accepts the BibTeX and biblatex exports with no warning
(issue 17: publisher on @article)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import arrow2bib
from benchmarks import generate

from .test_biblatex import compile_with_biber

ROOT = Path(__file__).resolve().parent.parent
JOURNALS = """Arrow Research search

Author name cluster

Ada Lovelace

3 papers
1 author row

MLJ Journal 2020 Journal Article

Learning with Gaussian Kernels and Markov Chains

  • Ada Lovelace

An abstract with $\\ell_1$ and a link https: //github. com/a/b.

Neural Comput. Journal 2019 Journal Article

Bayesian Wasserstein Barycenters

  • Ada Lovelace

Abstract.

ICML Conference 2023 Conference Paper

A Conference Paper

  • Ada Lovelace

Abstract.
"""


@pytest.mark.skipif(not (shutil.which("biber") and shutil.which("pdflatex")),
                    reason="pdflatex and biber are not on PATH")
@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_biber_validates_the_datamodel_with_no_warning(tmp_path, fmt):
    # the sample page, the journals and the generated math page in one file: one biber run
    # validates every entry (its messages name the entry)
    pages = [arrow2bib.parse((ROOT / "examples" / "xiuqiang-he.txt").read_text("utf-8"),
                             source="sample.txt"),
             arrow2bib.parse(JOURNALS, source="journals.txt"),
             arrow2bib.parse(generated_math(), source="math.txt")]
    bib = arrow2bib.export(pages, fmt)
    assert bib.count("\n@") + 1 == sum(len(page.papers) for page in pages) == 13 + 3 + 40
    files = compile_with_biber(tmp_path, bib)
    assert not re.search(r"\b(WARN|ERROR)\b", files["blg"]), files["blg"]


def generated_math() -> str:
    """A generated page with math in every title and abstract (valid, and spans TeX would
    not compile), every venue kind and names with accents, particles, nicknames."""
    return "".join(generate.math_page(40, seed=7))


@pytest.mark.skipif(not (shutil.which("bibtex") and shutil.which("pdflatex")),
                    reason="bibtex and pdflatex are not on PATH")
@pytest.mark.parametrize("style", ["plain", "plainnat"])
def test_generated_math_page_compiles_with_bibtex(tmp_path, style):
    from .test_bibtex import compile_with_bibtex

    bib = arrow2bib.export(arrow2bib.parse(generated_math()), "bibtex")
    files = compile_with_bibtex(tmp_path, bib, style)
    assert "error message" not in files["blg"] and "Warning--" not in files["blg"], files["blg"]
    assert "{$\\ell_1$}" in bib or "{$\\mu$}" in bib  # valid math stays math
    assert r"\$x{\textasciicircum}1" in bib or r"\$x\_1\_2\$" in bib or "mathbb" in bib


def test_no_publisher_on_article():
    bib = arrow2bib.export(arrow2bib.parse(JOURNALS), "bibtex")
    articles = [e for e in bib.split("\n\n") if e.startswith("@article")]
    assert len(articles) == 2 and not any("publisher" in e for e in articles)
    assert "publisher = {PMLR}" in bib  # the proceedings keep theirs


# ------------------------------------------------------------------ proper nouns (issue 17)

@pytest.mark.parametrize(("title", "tex"), [
    ("Using Gaussian Kernel", "Using {Gaussian} Kernel"),
    ("Bayesian Wasserstein Barycenters", "{Bayesian} {Wasserstein} Barycenters"),
    ("Markov Chains, Transformer Models", "{Markov} Chains, {Transformer} Models"),
    ("a gaussian process", "a gaussian process"),  # as the page writes it
])
def test_proper_nouns_are_protected(title, tex):
    from arrow2bib.text.latex import render

    assert render(title, protect=True).text == tex


@pytest.mark.skipif(not (shutil.which("bibtex") and shutil.which("pdflatex")),
                    reason="bibtex and pdflatex are not on PATH")
def test_plainnat_keeps_proper_nouns(tmp_path, sample_page):
    from .test_bibtex import compile_with_bibtex

    bib = arrow2bib.export([sample_page, arrow2bib.parse(JOURNALS)], "bibtex")
    bbl = " ".join(compile_with_bibtex(tmp_path, bib, "plainnat")["bbl"].split())
    assert "using {Gaussian} kernel" in bbl and "gaussian" not in bbl
    assert "{Bayesian} {Wasserstein} barycenters" in bbl
    assert "{Gaussian} kernels and {Markov} chains" in bbl
