"""Math outside TeX (issue 17): readable Unicode in CSL-JSON, RIS, ORCID and the formatted
references, and one title and abstract in every format."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
import rispy
from lxml import etree
from lxml import html as lxml_html

import arrow2bib
from arrow2bib.exporters.citeproc import _scripts_as_text
from arrow2bib.text import unimath
from benchmarks import generate

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "xiuqiang-he.txt"
MATH = ROOT / "tests" / "data" / "math.txt"
#: math inside Markdown bold (``**$\ell_1$-LoRA**``), at a title's start and in an abstract
BOLD_MATH = ROOT / "tests" / "data" / "bold-math.txt"
NS = {"work": "http://www.orcid.org/ns/work", "common": "http://www.orcid.org/ns/common",
      "bulk": "http://www.orcid.org/ns/bulk"}
UNICODE_FORMATS = ("csljson", "ris", "orcid", "text", "html", "markdown")


@pytest.mark.parametrize(("tex", "plain", "csl"), [
    (r"\ell_1", "ℓ₁", "ℓ<sub>1</sub>"),
    (r"B\Sigma_X A", "BΣ_X A", "<i>B</i>Σ<sub>X</sub> <i>A</i>"),
    (r"\mu", "μ", "μ"),
    (r"O(n^{2})", "O(n²)", "<i>O</i>(<i>n</i><sup>2</sup>)"),
    (r"x_{ij}", "xᵢⱼ", "<i>x</i><sub>ij</sub>"),
    (r"x_{XY}", "x_(XY)", "<i>x</i><sub>XY</sub>"),
    (r"\frac{a+b}{2}", "(a+b)/2", "(<i>a</i>+<i>b</i>)/2"),
    (r"\sqrt{x}", "√x", "√<i>x</i>"),
    (r"\mathbb{R}^n", "ℝⁿ", "ℝ<sup>n</sup>"),
    (r"\mathcal{L}", "ℒ", "ℒ"),
    (r"x\leq y", "x ≤ y", "<i>x</i> ≤ <i>y</i>"),
    (r"\left(x\right)", "(x)", "(<i>x</i>)"),
    (r"\big(x\big)", "(x)", "(<i>x</i>)"),
    (r"\log k", "log k", "log <i>k</i>"),
    (r"\text{ab}", "ab", "ab"),
    (r"a~b", "a b", "<i>a</i> <i>b</i>"),
    (r"\{a\}", "{a}", "{<i>a</i>}"),
    # not valid TeX, still readable (BibTeX writes these as text: see test_math_check)
    (r"\frac a", "a", "<i>a</i>"),
    (r"x^1^2", "x¹²", "<i>x</i><sup>12</sup>"),
    (r"\foo", "foo", "foo"),
])
def test_math_as_unicode(tex, plain, csl):
    assert unimath.plain_math(tex) == plain
    assert unimath.csl_math(tex) == csl
    assert unimath.rich_to_plain(csl) == plain


# ------------------------------------------------------------------ pages with math

def math_page(seed: int, papers: int = 12) -> str:
    """A generated page with math in every title and abstract (``benchmarks.generate``'s
    ``math`` mode: valid math with kernel commands, and spans TeX would not compile)."""
    return "".join(generate.math_page(papers, seed))


PAGES = {"sample": SAMPLE.read_text("utf-8"), "math": MATH.read_text("utf-8"),
         "bold-math": BOLD_MATH.read_text("utf-8"),
         **{f"generated-{seed}": math_page(seed) for seed in range(3)}}

#: TeX that must not reach a format that does not interpret it.
TEX = re.compile(r"\\[A-Za-z]+|\$[^$\s][^$]*\$|[{}]")


def _outside_tex(fmt: str, text: str) -> str:
    """The output of ``fmt`` without what is TeX on purpose: ORCID's embedded BibTeX."""
    if fmt == "orcid":
        root = etree.fromstring(text.encode("utf-8"))
        for value in root.iterfind(".//work:citation", NS):
            value.getparent().remove(value)
        return etree.tostring(root, encoding="unicode")
    if fmt == "csljson":  # JSON's own braces are not TeX
        return "\n".join(str(v) for item in json.loads(text) for k, v in item.items()
                         if k in ("title", "abstract", "note"))
    return text


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("fmt", UNICODE_FORMATS)
def test_no_tex_outside_tex(fmt, page):
    parsed = arrow2bib.parse(PAGES[page])
    out = _outside_tex(fmt, arrow2bib.export(parsed, fmt))
    if fmt == "html":
        out = " ".join(li.text_content() for li in lxml_html.fromstring(out).iter("li"))
    found = TEX.findall(out)
    # "{1, …, K}" is a set written with braces, not TeX
    assert [f for f in found if f not in "{}"] == [], found
    if "\\{" not in PAGES[page]:
        assert "{" not in out and "}" not in out


def _nfkc(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _titles_and_abstracts(fmt: str, text: str) -> dict[str, tuple[str, str]]:
    """Each paper's title and abstract in ``fmt``, reduced to plain Unicode (the format's
    own markup stripped, NFKC)."""
    if fmt == "csljson":
        return {i["id"]: (unimath.rich_to_plain(i["title"]), i.get("abstract", ""))
                for i in json.loads(text)}
    if fmt == "ris":
        return {r["id"]: (r["title"], r.get("abstract", "")) for r in rispy.loads(text)}
    if fmt == "orcid":
        root = etree.fromstring(text.encode("utf-8"))
        return {w.findtext(".//common:external-id-value", namespaces=NS): (
            w.findtext("work:title/common:title", namespaces=NS),
            w.findtext("work:short-description", namespaces=NS) or "")
            for w in root.iterfind("work:work", NS)}
    raise AssertionError(fmt)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_one_title_and_abstract_in_every_format(page):
    """The cross-format test of issue 17: CSL-JSON, RIS and ORCID give each paper the same
    title and abstract once reduced to plain Unicode, and the formatted references (text,
    html, markdown; titles as written) hold that title."""
    parsed = arrow2bib.parse(PAGES[page])
    seen = {fmt: {k: tuple(map(_nfkc, v)) for k, v in
                  _titles_and_abstracts(fmt, arrow2bib.export(parsed, fmt)).items()}
            for fmt in ("csljson", "ris", "orcid")}
    assert seen["csljson"] == seen["ris"] == seen["orcid"]
    titles = {k: v[0] for k, v in seen["csljson"].items()}
    options = {"titles": "as-written"}
    text = _nfkc(arrow2bib.export(parsed, "text", options=options))
    document = lxml_html.fromstring(arrow2bib.export(parsed, "html", options=options))
    html_text = _nfkc(" ".join(_scripts_as_text(li).text_content()
                               for li in document.iter("li")))
    markdown = arrow2bib.export(parsed, "markdown", options=options)
    markdown = re.sub(r"<(sub|sup)>(.*?)</\1>", lambda m: unimath.script(m[1], m[2]), markdown)
    markdown = _nfkc(re.sub(r"\\(.)", r"\1", markdown.replace("*", "")))
    for key, title in titles.items():
        title = title.rstrip(".")
        assert title in text, (key, title)
        assert title in html_text, (key, title)
        assert title in markdown, (key, title)


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_bibtex_and_biblatex_read_as_the_other_formats(fmt, page):
    """The cross-format test for the TeX formats: each title and abstract, read by
    bibtexparser and decoded from LaTeX (the BibTeX tests' decoder), its math then as Unicode
    (what the other formats write), is the CSL-JSON's. ASCII BibTeX's ``'`` is TeX's right
    quote, so ``’`` counts as ``'`` there."""
    import bibtexparser

    from .test_bibtex import decode

    def same(text: str) -> str:
        return _nfkc(text).replace("’", "'") if fmt == "bibtex" else _nfkc(text)

    parsed = arrow2bib.parse(PAGES[page])
    expected = {k: tuple(map(same, v)) for k, v in _titles_and_abstracts(
        "csljson", arrow2bib.export(parsed, "csljson")).items()}
    library = bibtexparser.parse_string(arrow2bib.export(parsed, fmt))
    assert not library.failed_blocks
    got = {}
    for entry in library.entries:
        abstract = entry.fields_dict.get("abstract")
        got[entry.key] = (same(unimath.plain(decode(entry["title"]))),
                          same(unimath.plain(decode(abstract.value))) if abstract else "")
    assert got == expected


# ------------------------------------------------------------------ any input

from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from arrow2bib.text.texmath import math_error  # noqa: E402

from . import oracles  # noqa: E402

MATHLIKE = st.lists(st.sampled_from(list("\\{}[]()^_$%&#~'ab XYZ12=+-,.") +
                                    [r"\frac", r"\left", r"\right", r"\sqrt", r"\ell",
                                     r"\Sigma", r"\mathbb", r"\textbf", r"\big", r"\\",
                                     r"\{", r"\hat", "é", "\u202e", r"\url", r"\input",
                                     r"\mathcal", r"\text", "<", ">"]),
                    max_size=25).map("".join)


@settings(max_examples=oracles.examples(800), deadline=None)
@given(st.one_of(MATHLIKE, st.text(max_size=40)))
# upright text holding a CSL tag's name was written as the tag (found by this test)
@example(r"\textbf{<b>")
@example(r"x_{\text{</i>}}")
def test_any_math_converts_and_checks_without_error(math):
    plain = unimath.plain_math(math)
    rich = unimath.csl_math(math)
    assert unimath.rich_to_plain(rich) == plain
    math_error(math)  # a reason or None, never an exception


def test_conversion_prints_nothing(capfd):
    """pylatexenc logs what it cannot convert; the library never prints."""
    for math in (r"\frac", r"\url", r"\input", r"\mathbb\sqrt", r"\frac a"):
        unimath.plain_math(math + " x")
    assert capfd.readouterr() == ("", "")


def test_script_tables_need_only_the_first_two_planes():
    """The tables come from the first two planes: the whole of Unicode gives the same."""
    import sys

    from arrow2bib.text.unimath import _script_tables

    whole = _script_tables(sys.maxunicode + 1)
    assert _script_tables() == whole
    assert whole["sub"]["2"] == "₂" and whole["sup"]["n"] == "ⁿ"


def test_script_runs_hold_every_script_character_of_this_unicode():
    """Under Unicode 15.1 and before, the tables are read from SCRIPT_RUNS alone: they hold
    every character with a <sub> or <super> decomposition, and give the scan's tables (the
    same first form of each character)."""
    import unicodedata

    from arrow2bib.text.unimath import (
        SCRIPT_PLANES, SCRIPT_RUNS, SCRIPT_RUNS_UNICODE, _run_codes, _script_tables, _tables,
    )

    version = tuple(int(part) for part in unicodedata.unidata_version.split("."))
    if version > SCRIPT_RUNS_UNICODE:
        pytest.skip(f"Unicode {unicodedata.unidata_version}: the tables come from the scan")
    scripts = [code for code in range(SCRIPT_PLANES)
               if unicodedata.decomposition(chr(code)).split(" ")[0] in ("<sub>", "<super>")]
    runs = list(_run_codes(SCRIPT_RUNS))
    assert runs == sorted(set(runs))
    assert set(scripts) <= set(runs)
    assert _tables() == _script_tables(codes=runs) == _script_tables()
    assert _tables()["sup"]["a"] == "ª"  # U+00AA comes before U+1D43, so it is the one


@pytest.mark.parametrize("math, rich", [
    (r"\text{<b>}", '<<span class="nocase"></span>b>'),
    (r"\mathrm{</sup>}", '<<span class="nocase"></span>/sup>'),
    (r"\text{<img>}", "<img>"),  # not a tag CSL processors read
])
def test_upright_text_in_math_never_reads_as_a_csl_tag(math, rich):
    assert unimath.csl_math(math) == rich
