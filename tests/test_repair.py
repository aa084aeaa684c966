"""Repairing extraction damage in abstracts."""

from __future__ import annotations

import pytest

from arrow2bib.read.repair import repair_abstract
from arrow2bib.text.markup import plain, spans

CASES = [
    ("The code is available at https: //github. com/Leopold1423/toplora-neurips25.",
     "The code is available at https://github.com/Leopold1423/toplora-neurips25.",
     ["https://github.com/Leopold1423/toplora-neurips25"]),
    ("Our code is available at https: //github. com/ziqiangcui/SRA-CL",
     "Our code is available at https://github.com/ziqiangcui/SRA-CL",
     ["https://github.com/ziqiangcui/SRA-CL"]),
    ("available\\footnote{https: //anonymous. 4open. science/r/OptFeature-Anonymous}.",
     "available (https://anonymous.4open.science/r/OptFeature-Anonymous).",
     ["https://anonymous.4open.science/r/OptFeature-Anonymous"]),
    ("released (https: //github. com/chenchongthu/GHCF).",
     "released (https://github.com/chenchongthu/GHCF).",
     ["https://github.com/chenchongthu/GHCF"]),
    ("see http: //www. example. org/a/file. html, and more",
     "see http://www.example.org/a/file.html, and more",
     ["http://www.example.org/a/file.html"]),
    ("see https: //github. com/x. the end", "see https://github.com/x. the end",
     ["https://github.com/x"]),
    ("wiki https://en.wikipedia.org/wiki/Foo_(bar), ok",
     "wiki https://en.wikipedia.org/wiki/Foo_(bar), ok",
     ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
    ("at https://x.org/a?b=1%20c; and", "at https://x.org/a?b=1%20c; and",
     ["https://x.org/a?b=1%20c"]),
    ("twice https://a.org/x and https://a.org/x.", "twice https://a.org/x and https://a.org/x.",
     ["https://a.org/x"]),
    ("weights (i. e. , token-wise)", "weights (i.e., token-wise)", []),
    ("data (e. g. , view, click)", "data (e.g., view, click)", []),
    ("no scheme: https: nothing", "no scheme: https: nothing", []),
    ("spaces\u00a0and\t tabs  ", "spaces and tabs", []),
]


# Abbreviations as text extraction leaves them in real abstracts (the first two from the
# bundled page), and what must stay as it is: one rule, a run of single letters of one case
# each followed by ". ", not a list of abbreviations.
ABBREVIATIONS = [
    ("learning token-wise LoRA weights (i. e. , token-wise input-output projections).",
     "learning token-wise LoRA weights (i.e., token-wise input-output projections)."),
    ("various types of interaction data (e. g. , view, click, add-to-cart)",
     "various types of interaction data (e.g., view, click, add-to-cart)"),
    ("given i. i. d. samples from an unknown distribution",
     "given i.i.d. samples from an unknown distribution"),
    ("the gradient w. r. t. the input features", "the gradient w.r.t. the input features"),
    ("hospitals in the U. S. and the U. K. , and", "hospitals in the U.S. and the U.K., and"),
    ("data from the U. S. government", "data from the U.S. government"),
    ("unlike non-i. i. d. settings", "unlike non-i.i.d. settings"),
    ("a variant (a. k. a. the dual form)", "a variant (a.k.a. the dual form)"),
    ("the i . e . case", "the i.e. case"),
    ("bounded. E. g. , the", "bounded. E.g., the"),
    ("test e. g. BERT and GPT", "test e.g. BERT and GPT"),
    # initials before a name stay; a lone letter ending a sentence is not a run
    ("as J. R. Quinlan showed, trees", "as J. R. Quinlan showed, trees"),
    ("we call it vitamin D. A new test", "we call it vitamin D. A new test"),
    ("in Section A. B. Smith et al. disagree", "in Section A. B. Smith et al. disagree"),
    ("the constant c. I. e. , the bound", "the constant c. I.e., the bound"),
    ("of size n. A model", "of size n. A model"),
    ("within x. y", "within x. y"),
    ("Plan B. We", "Plan B. We"),
]


@pytest.mark.parametrize("raw, repaired", ABBREVIATIONS)
def test_abbreviations(raw, repaired):
    assert repair_abstract(raw) == (repaired, ())


@pytest.mark.parametrize("raw, repaired, urls", CASES)
def test_repair(raw, repaired, urls):
    assert repair_abstract(raw) == (repaired, tuple(urls))


def test_markup_spans():
    text = "We propose **TopLoRA (ours)**, with $B\\Sigma_X A$; costs $5 and $10."
    assert [s for s in spans(text) if s.kind != "text"] == [
        ("bold", "TopLoRA (ours)"), ("math", "B\\Sigma_X A")]
    assert plain(text) == "We propose TopLoRA (ours), with $B\\Sigma_X A$; costs $5 and $10."
    assert plain(text, math="strip") == (
        "We propose TopLoRA (ours), with B\\Sigma_X A; costs $5 and $10.")
    assert "".join(s.text for s in spans("no markup")) == "no markup"
