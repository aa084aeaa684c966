"""Formatted references against citeproc-js, the reference CSL processor (issue 17).

citeproc-js (npm ``citeproc``, installed by ``npm ci`` in ``tests/js``) renders the same
items with the same styles as the ``text`` format gives citeproc-py (titles in sentence
case, the styles' et-al options set for cut lists); for APA and IEEE the bundled page's
references must be equal after white space is normalised. Skipped without node or
``tests/js/node_modules``.
"""

from __future__ import annotations

import copy
import importlib.resources
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

import arrow2bib
from arrow2bib.exporters import citeproc as cp
from arrow2bib.exporters.csljson import csl_item, csl_title, for_legacy_processors
from arrow2bib.keys import entries_for
from arrow2bib.plugins import get_plugin_manager
from arrow2bib.text.propernouns import surnames

JS = Path(__file__).resolve().parent / "js"
NODE = shutil.which("node")
needs_citeproc_js = pytest.mark.skipif(
    not (NODE and (JS / "node_modules" / "citeproc").is_dir()),
    reason="node and tests/js/node_modules (npm ci in tests/js) are needed for citeproc-js")


def _locale(name: str) -> str:
    path = importlib.resources.files("citeproc") / "data" / "locales" / f"locales-{name}.xml"
    return path.read_text(encoding="utf-8")


def citeproc_js(page, style: str) -> dict[str, str]:
    """The references of ``page`` in ``style`` by citeproc-js, by citation key, given what
    :func:`arrow2bib.exporters.citeproc.render` gives citeproc-py."""
    entries = entries_for(list(page.papers), get_plugin_manager(), None)
    root = cp._spaced(copy.deepcopy(cp.load_style(style)))
    items = [csl_item(entry) for entry in entries]
    types = {item["type"] for item in items}
    sentence = types - cp._title_cased(root, None, types)
    styles = {"main": etree.tostring(root, encoding="unicode")}
    groups: dict[str, list[str]] = {}
    ready = []
    for entry, item in zip(entries, items):
        kept = {k: item[k] for k in cp.KEPT_102_KEYS if k in item}
        item = {**for_legacy_processors([item])[0], **kept}
        if item["type"] in sentence:
            item["title"] = csl_title(cp.sentence_case(
                entry.paper.title, cp.PROPER_WORDS, surnames(entry.paper.authors)))
        ready.append(item)
        shown = len(item.get("author", ()))
        if entry.paper.authors_status in cp.ET_AL["cut"] and shown > 1:
            # citeproc-js says "et al." only when a name is left out (citeproc-py also for
            # et-al-use-first = all the names): one more name stands for the unknown rest,
            # and the et-al style never prints it
            item["author"] = [*item["author"], {"family": "Zzplaceholder", "given": "Z."}]
            name = f"et-al-{shown}"
            styles[name] = etree.tostring(cp._with_et_al(root, shown), encoding="unicode")
            groups.setdefault(name, []).append(entry.key)
        else:
            groups.setdefault("main", []).append(entry.key)
    order = [e.key for e in entries]
    payload = {"styles": styles, "locales": {"en-US": _locale("en-US")}, "lang": "en-US",
               "items": ready, "order": order, "format": "text",
               "groups": [{"style": s, "ids": ids} for s, ids in groups.items()]}
    result = subprocess.run([NODE, str(JS / "render.js")], input=json.dumps(payload),
                            capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout)


def normal(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^\[(\d+)\] ?", r"[\1] ", text)


@needs_citeproc_js
@pytest.mark.parametrize("style", ["apa", "ieee"])
def test_references_equal_citeproc_js(sample_page, style):
    ours = arrow2bib.export(sample_page, "text", options={"style": style}).strip().split("\n\n")
    theirs = citeproc_js(sample_page, style)
    expected = sorted(normal(t) for t in theirs.values())
    assert sorted(normal(t) for t in ours) == expected


@needs_citeproc_js
@pytest.mark.parametrize("style", ["chicago-author-date", "modern-language-association"])
def test_references_but_their_titles_equal_citeproc_js(sample_page, style):
    """Chicago and MLA: the same references but for the titles, which these styles
    title-case themselves (citeproc-py and citeproc-js differ: ``Through``/``through``).
    Their names are in full (``initialize="false"``, which citeproc-py ignores alone)."""
    def untitled(text: str) -> str:
        return re.sub(r"“[^”]*”", "“TITLE”", normal(text))

    ours = arrow2bib.export(sample_page, "text", options={"style": style}).strip().split("\n\n")
    theirs = citeproc_js(sample_page, style)
    assert sorted(map(untitled, ours)) == sorted(map(untitled, theirs.values()))
    assert any(t.startswith("Chen, Chong, ") for t in ours)


#: titles that end in their own punctuation: "?", "!" and an abbreviation's period
PUNCTUATION = Path(__file__).resolve().parent / "data" / "punctuation.txt"


@needs_citeproc_js
@pytest.mark.parametrize("style", ["apa", "ieee", "nature"])
def test_titles_ending_in_punctuation_equal_citeproc_js(style):
    """citeproc-js leaves out the period a style puts after a title ending in "?", "!" or
    "." (``Need? Proceedings``, ``Need?” Proceedings``), and keeps a comma (``Need?,” in``)."""
    page = arrow2bib.parse_file(PUNCTUATION)
    ours = arrow2bib.export(page, "text", options={"style": style}).strip().split("\n\n")
    theirs = citeproc_js(page, style)
    assert sorted(normal(t) for t in ours) == sorted(normal(t) for t in theirs.values())


@pytest.mark.parametrize("page", ["sample", "punctuation"])
@pytest.mark.parametrize("style", ["nature", "chicago-author-date",
                                   "modern-language-association", "ieee", "apa"])
def test_no_doubled_punctuation_and_quotes_as_the_locale_says(sample_page, page, style):
    parsed = sample_page if page == "sample" else arrow2bib.parse_file(PUNCTUATION)
    text = arrow2bib.export(parsed, "text", options={"style": style})
    # ".,”" is what citeproc-js writes after a title ending in an abbreviation (IEEE)
    assert not re.search(r"(?<!\.)\.\.(?!\.)|,,|\.,(?![ ”’])|[?!][”’]?\.", text), text
    assert "et al.." not in text
    assert not re.search(r"[”’][.,]", text)  # en-US: inside the closing quote
    if style in ("ieee", "chicago-author-date", "modern-language-association"):
        assert re.search(r"[.,]”", text)


def _page_with_tag_titles():
    from .conftest import SAMPLE

    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("Beyond Higher Rank: Token-wise",
                        "Beyond the <i> and </b> Tags: Token-wise")
    text = text.replace("Semantic Retrieval Augmented", "Semantic <sup>Retrieval</sup> Augmented")
    return arrow2bib.parse(text)


@needs_citeproc_js
def test_titles_that_spell_csl_tags_stay_text_for_citeproc_js():
    """A title about ``<i>`` elements went into CSL-JSON as the tag (italics to the end in
    citeproc-js and Zotero); the text format dropped it, html wrote it unbalanced."""
    page = _page_with_tag_titles()
    theirs = citeproc_js(page, "apa")
    assert any("Beyond the <i> and </b> tags: Token-wise" in t for t in theirs.values())
    assert any("Semantic <sup>Retrieval</sup> augmented" in t for t in theirs.values())
    ours = arrow2bib.export(page, "text", options={"style": "apa"}).strip().split("\n\n")
    assert sorted(normal(t) for t in ours) == sorted(normal(t) for t in theirs.values())


def test_titles_that_spell_csl_tags_are_escaped_in_every_csl_format():
    page = _page_with_tag_titles()
    items = json.loads(arrow2bib.export(page, "csljson"))
    assert items[0]["title"].startswith(
        'Beyond the <<span class="nocase"></span>i> and <<span class="nocase"></span>/b> Tags')
    html = arrow2bib.export(page, "html", options={"style": "apa"})
    assert "Beyond the &lt;i&gt; and &lt;/b&gt; tags" in html and "<sup>Retrieval" not in html
    markdown = arrow2bib.export(page, "markdown", options={"style": "apa"})
    assert r"Beyond the \<i> and \</b> tags" in markdown
