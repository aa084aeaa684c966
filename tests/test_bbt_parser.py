"""The BibTeX and biblatex exports through Better BibTeX's parser (npm
``@retorquere/bibtex-parser``, what Zotero's Better BibTeX imports ``.bib`` files with; issue
17), run with node from tests/js (``npm ci --prefix tests/js``).

On the bundled page it reports nothing and reads every entry, title and abstract as we wrote
them. Math is TeX there, and valid (pdflatex sets it: tests/test_math_check.py); the parser
turns most of it into Unicode but has no table entry for some kernel commands
(:data:`BBT_UNKNOWN`: ``\\big``, ``\\mathcal``, ``\\|``...), which it reports as "unhandled
macro" and keeps as text. We keep TeX as the page writes it (a rewrite for one importer would
change what pdflatex sets); docs/bibtex.md tells Zotero users to import the csljson or ris
export, where math is Unicode. The test pins that this is all it reports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

import arrow2bib

from .test_propernouns import PAGE as NOUNS_PAGE
from .test_unimath import PAGES

JS = Path(__file__).resolve().parent / "js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(
    not (NODE and (JS / "node_modules" / "@retorquere" / "bibtex-parser").is_dir()),
    reason="node and tests/js/node_modules (npm ci --prefix tests/js) are needed for Better "
           "BibTeX's parser")

#: Kernel math commands (valid for pdflatex) that the parser does not convert: it reports
#: each as "unhandled macro" and keeps it as text.
BBT_UNKNOWN = frozenset({r"\big", r"\Big", r"\bigg", r"\Bigg", r"\|", r"\mathcal", r"\mathbf",
                         r"\mathit", r"\mathsf", r"\mathtt", r"\mathnormal", r"\hat",
                         r"\widehat", r"\log", r"\colon"})


def bbt(bib: str) -> dict:
    result = subprocess.run([NODE, str(JS / "bbt-parse.mjs")], input=bib, capture_output=True,
                            text=True, encoding="utf-8", cwd=JS, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _plain(text: str) -> str:
    """Text with the parser's markup (``<span class="nocase">``, ``<b>``...) and ours
    (``**``) stripped, NFKC, white space folded; ASCII BibTeX's ``'`` is TeX's right quote
    (the parser reads it as the straight one), so ``’`` counts as ``'``."""
    text = re.sub(r"</?[a-z]+(?: [^>]*)?>", "", text).replace("**", "").replace("’", "'")
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_the_bundled_page_reads_back_with_no_report(sample_page, fmt):
    out = bbt(arrow2bib.export(sample_page, fmt))
    assert out["errors"] == []
    ours = {e["id"]: e for e in json.loads(arrow2bib.export(sample_page, "csljson"))}
    assert [e["key"] for e in out["entries"]] == list(ours)
    for entry in out["entries"]:
        item = ours[entry["key"]]
        # the parser sentence-cases titles (Zotero's convention): compare without case
        assert _plain(entry["title"]).casefold() == _plain(item["title"]).casefold()
        if "$" not in (item.get("abstract") or "") and "Σ" not in item.get("abstract", ""):
            assert _plain(entry["abstract"]) == _plain(item["abstract"]), entry["key"]


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_protected_proper_nouns_keep_their_capitals_there(fmt):
    out = bbt(arrow2bib.export(arrow2bib.parse(NOUNS_PAGE), fmt))
    titles = sorted(_plain(e["title"]) for e in out["entries"])
    assert "Revisiting the Lovelace engine with Gaussian kernels" in titles
    assert out["errors"] == []


@pytest.mark.parametrize("page", sorted(p for p in PAGES if p != "sample"))
@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_math_pages_report_only_commands_it_lacks(fmt, page):
    parsed = arrow2bib.parse(PAGES[page])
    out = bbt(arrow2bib.export(parsed, fmt))
    assert len(out["entries"]) == len(parsed.papers)
    unhandled = set()
    for error in out["errors"]:
        match = re.fullmatch(r"unhandled macro (\\(?:[A-Za-z]+|.)).*", error["error"], re.S)
        assert match, error  # nothing but a command it has no conversion for
        unhandled.add(match.group(1))
    assert unhandled <= BBT_UNKNOWN, unhandled - BBT_UNKNOWN
    # and the math it knows becomes Unicode there (ℓ₁, α...), as in our other formats
    titles = " ".join(e["title"] for e in out["entries"])
    assert set(titles) & set("ℓμΣαβλθ"), titles
