"""What a run imports: a text page converted to BibTeX (the common run) loads none of the
libraries only other inputs, outputs and options need, so it starts faster and holds less
(docs/speed.md has the figures). Each module below is imported where it is used: lxml by
HTML pages, the CSL-styled formats and ORCID's ``-O links=url``; citeproc-py by those formats;
http/ssl/urllib by URLs; multiprocessing by ``--jobs``; bibtexparser and filelock by
``--merge-into``; tqdm by a progress bar on a terminal; shtab by ``completion``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parent.parent / "examples" / "xiuqiang-he.txt"

#: Each one with the input, format or option that needs it.
LAZY = {
    "lxml": ("page.html", "bibtex", []),
    "citeproc": (str(PAGE), "text", []),
    "ssl": (None, "bibtex", []),
    "urllib.request": (None, "bibtex", []),
    "multiprocessing": (str(PAGE), "bibtex", ["--jobs", "2"]),
    "bibtexparser": (str(PAGE), "bibtex", ["--merge-into"]),
    "filelock": (str(PAGE), "bibtex", ["--merge-into"]),
    "tqdm": (None, "bibtex", []),
    "shtab": (None, "bibtex", []),
}

_RUN = """
import json, sys
from arrow2bib.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules(tmp_path: Path, *args: str) -> set[str]:
    """The modules a fresh interpreter holds after ``arrow2bib ARGS``."""
    done = subprocess.run([sys.executable, "-c", _RUN, *args], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["code"] in (0, 1), done.stderr
    return set(result["modules"])


def _top(modules: set[str]) -> set[str]:
    return {name for name in LAZY if any(m == name or m.startswith(name + ".") for m in modules)}


def test_a_text_page_to_bibtex_imports_none_of_the_other_paths_libraries(tmp_path):
    modules = _modules(tmp_path, "convert", str(PAGE), "-o", str(tmp_path / "refs.bib"))
    assert (tmp_path / "refs.bib").read_text("utf-8").startswith("@")
    assert _top(modules) == set()
    # the check command and the other streaming formats too
    assert _top(_modules(tmp_path, "check", str(PAGE))) == set()
    for name in ("ris", "csljson", "biblatex", "json"):
        assert _top(_modules(tmp_path, "convert", str(PAGE), "--to", name, "-o",
                             str(tmp_path / f"refs.{name}"))) == set(), name


@pytest.mark.parametrize("name", ["lxml", "citeproc", "multiprocessing", "bibtexparser"])
def test_the_libraries_come_with_what_needs_them(tmp_path, name):
    # the other half: laziness did not lose an import (the run works and loads it)
    page, to, options = LAZY[name]
    if page == "page.html":
        page = str(tmp_path / "page.html")
        Path(page).write_text("<html><body><h1>Ann Lee</h1><p>1 paper</p></body></html>",
                              "utf-8")
    if options == ["--merge-into"]:
        target = tmp_path / "refs.bib"
        target.write_text("@misc{old, title = {Old}}\n", "utf-8")
        args = ["convert", page, "--merge-into", str(target)]
    else:
        args = ["convert", page, "--to", to, "-o", str(tmp_path / "out"), *options]
    assert name in _top(_modules(tmp_path, *args))


def test_orcid_writes_without_lxml_but_checks_urls_with_it(tmp_path):
    # the works are written as text; lxml's XSD type check reads the URLs of -O links=url
    out = tmp_path / "works.xml"
    modules = _modules(tmp_path, "convert", str(PAGE), "--to", "orcid", "-O", "layout=bulk",
                       "-o", str(out))
    assert "lxml" not in _top(modules)
    assert out.read_text("utf-8").startswith("<?xml")
    modules = _modules(tmp_path, "convert", str(PAGE), "--to", "orcid", "-O", "links=url",
                       "-o", str(tmp_path / "linked.xml"))
    assert "lxml" in _top(modules)
    assert "<common:url>" in (tmp_path / "linked.xml").read_text("utf-8")


#: Modules every run imports the code of, loaded only on the first paper that needs them:
#: rapidfuzz scores two titles that come close (the sample page has none such), pylatexenc's
#: latex2text names a math command for a format that writes math as Unicode, tomllib reads a
#: settings file (none in the run's folder; the root conftest.py's ARROW2BIB_NO_CONFIG leaves
#: out the user's). uuid made the plugin manager's token once (os.urandom now).
ON_DEMAND = {"rapidfuzz", "pylatexenc.latex2text", "tomllib", "uuid"}

CLOSE_TITLES = """Author name cluster

Ann Lee

2 papers
1 author row

ACL Conference 2020 Conference Paper

Deep Networks for Ranking Papers

  • Ann Lee

ACL Conference 2020 Conference Paper

Deep Network for Ranking Papers

  • Ann Lee
"""


def test_a_text_page_to_bibtex_loads_what_only_some_papers_need_on_demand(tmp_path):
    bibtex = _modules(tmp_path, "convert", str(PAGE), "-o", str(tmp_path / "refs.bib"))
    assert ON_DEMAND & bibtex == set()
    # and each comes when a paper needs it: math converted to Unicode, titles scored
    ris = _modules(tmp_path, "convert", str(PAGE), "--to", "ris", "-o",
                   str(tmp_path / "refs.ris"))
    assert "pylatexenc.latex2text" in ris
    close = tmp_path / "close.txt"
    close.write_text(CLOSE_TITLES, "utf-8")
    report = tmp_path / "report.json"
    scored = _modules(tmp_path, "convert", str(close), "-o", str(tmp_path / "close.bib"),
                      "--report", str(report))
    assert "rapidfuzz" in scored
    assert [p["details"]["kind"] for p in json.loads(report.read_text("utf-8"))["problems"]
            if p["code"] == "duplicate"] == ["near-identical"]
