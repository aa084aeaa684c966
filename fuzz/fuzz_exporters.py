#!/usr/bin/env python3
"""Coverage-guided fuzzing of every built-in exporter with atheris (libFuzzer).

The fuzzer's bytes become a list of arbitrary :class:`~arrow2bib.Paper` objects (through
atheris' ``FuzzedDataProvider``): Unicode titles, names and abstracts mixed with the markup and
the characters each format must escape (``**bold**``, ``$math$``, braces, ``\\``, ``%``, ``&``,
``@``, ``<``, ``]]>``, ``ER  -``, line breaks, NUL and other controls...), any author-list
status, years, venues known and unknown, URLs, key patterns and format options.

Each list is exported through every built-in format with ``arrow2bib.export(papers, fmt,
pm=pm)``. Only :class:`~arrow2bib.Arrow2BibError` may be raised (anything else is a crash),
and the output must satisfy its real consumer (a disagreement raises ``AssertionError``):

- ``bibtex``, ``biblatex``: ``bibtexparser.parse_string`` has no failed block and reads one
  entry per paper, under the keys arrow2bib assigned; ASCII output when asked for ASCII;
- ``csljson`` and ``json``: ``json.loads`` reads one item per paper with unique ids/keys;
- ``ris``: ``rispy.loads`` reads one record per paper, and every line is a tag line;
- ``orcid``: lxml parses every document, one ``work`` per paper not reported as skipped,
  and, when ORCID's XSDs are in ``../shared/schemas``, they validate it;
- ``text``, ``html``, ``markdown`` (citeproc-py, about 100 ms an export): one of them, for
  one input in :data:`CITEPROC_EVERY`, without a consumer check.

Run (see fuzz/README.md)::

    python fuzz/fuzz_exporters.py -max_total_time=600 -print_final_stats=1 fuzz/corpus/exporters
"""

from __future__ import annotations

import contextlib
import importlib
import json
import pkgutil
import re
import sys
from pathlib import Path

try:
    import atheris
except ImportError:  # the regression tests replay the corpus with the same checks, without it
    atheris = None
NO_ATHERIS = ("This fuzzer needs atheris: pip install atheris (Linux x86-64 wheels; elsewhere "
              "it builds against a libFuzzer-enabled clang), or install the test extra: "
              "pip install -e '.[test]'. See fuzz/README.md.")
if atheris is None and __name__ == "__main__":  # at once, before every module is imported
    sys.exit(NO_ATHERIS)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout, not an install

_INSTRUMENTED = (
    atheris.instrument_imports(include=["arrow2bib"]) if atheris else contextlib.nullcontext()
)
with _INSTRUMENTED:
    import arrow2bib

    for _module in pkgutil.walk_packages(arrow2bib.__path__, "arrow2bib."):
        if not _module.name.endswith("__main__"):  # it would run the command line
            importlib.import_module(_module.name)
    from arrow2bib import AuthorStatus, Paper, Person
    from arrow2bib.keys import entries_for
    from arrow2bib.text.hygiene import clean_paper
    from arrow2bib.read.names import parse_name
    from arrow2bib.read.grammar import PAPER_TYPES, VENUE_KINDS
    from arrow2bib.plugins import get_plugin_manager

import bibtexparser
import rispy
from lxml import etree

PM = get_plugin_manager(load_installed=False)
SCHEMAS = ROOT.parent / "shared" / "schemas" / "orcid" / "record_3.0"
#: ORCID's schemas, when present beside the checkout (as for the test suite).
XSD = {
    name: etree.XMLSchema(etree.parse(str(SCHEMAS / f"{name}-3.0.xsd")))
    for name in ("work", "bulk")
    if (SCHEMAS / f"{name}-3.0.xsd").is_file()
}
ORCID_NS = "http://www.orcid.org/ns/work"
#: A RIS tag line as rispy and Zotero see it.
TAG_LINE = re.compile(r"^[A-Z][A-Z0-9]  - ")
#: The citeproc formats run for one input in this many (they cost ~100 ms each).
CITEPROC_EVERY = 32
CITEPROC = ("text", "html", "markdown")

#: Pieces that exercise escaping, markup and the page's own damage.
PIECES = (
    "**", "$", "$x^2$", "**bold**", "\\", "\\textbf{", "{", "}", "{}", "%", "&", "#", "_",
    "^", "~", "@", "@comment{", '"', "'", ",", ";", ":", " and ", " AND ", "others", "et al.",
    "\n", "\r\n", "\r", "\t", "\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028",
    "\ufeff", "\u200b", "\u00a0", "\u00ad", "\u0301", "<", ">", "</", "]]>", "<![CDATA[",
    "&amp;", "--", "ER  - ", "TY  - ", "\nER  - \n", "AU  - ", "  - ", "ü", "ß", "İ", "ﬁ",
    "Ø", "ł", "😀", "𝔸", "中文", "עברית", "https://", "https: //github. com/a/b. html",
    "http://x.y/z?q=1&r=2", "i. e. ,", "Jr.", "von", "de", "van der", "(Steve)", "Xue",
    "DeepFM", "CTR", "A", " ", "  ", "-", ".", "\\'e", '{\\"u}', "$\\Sigma_X$",
    "\\footnote{x}", "0", "2017",
)
VENUES = ("NeurIPS", "AAAI", "IJCAI", "ICML", "KDD", "SIGIR", "WWW", "ACL", "",
          "Computing in Science & Engineering")
KEY_PATTERNS = (None, None, "{auth}{year}{title}", "{Auth}{year}", "{venue}-{shorttitle}",
                "{auth}:{year}/{Title}+", "{title}")
OPTIONS = {
    "bibtex": {"encoding": ("ascii", "utf8")},
    "ris": {"eol": ("crlf", "lf"), "bom": ("no", "yes")},
    "orcid": {"citation": ("bibtex", "none"), "layout": ("bulk", "work")},
    "text": {"et-al": ("cut", "truncated", "never"), "titles": ("auto", "sentence")},
}


def pick(fdp: atheris.FuzzedDataProvider, values) -> object:
    """One of ``values`` (atheris wants a list)."""
    return fdp.PickValueInList(list(values))


def text(fdp: atheris.FuzzedDataProvider, pieces: int = 6) -> str:
    """A string of vocabulary pieces and arbitrary Unicode (no surrogates: the parser's
    strict decoding never makes them)."""
    out = []
    for _ in range(fdp.ConsumeIntInRange(0, pieces)):
        if fdp.ConsumeBool():
            out.append(pick(fdp, PIECES))
        else:
            out.append(fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 24)))
    return "".join(out)


def maybe(fdp: atheris.FuzzedDataProvider) -> str | None:
    """None or a string."""
    return text(fdp, 3) if fdp.ConsumeBool() else None


def person(fdp: atheris.FuzzedDataProvider) -> Person:
    """A name as the parser splits it, or parts chosen freely (a library user may)."""
    if fdp.ConsumeBool():
        return parse_name(text(fdp, 4))
    return Person(literal=text(fdp, 4), given=maybe(fdp), family=maybe(fdp),
                  particle=maybe(fdp), suffix=maybe(fdp), nickname=maybe(fdp))


def paper(fdp: atheris.FuzzedDataProvider, index: int) -> Paper:
    """One arbitrary paper."""
    abstract = text(fdp, 10) if fdp.ConsumeBool() else None
    urls = tuple(pick(fdp, ("https://github.com/", "http://", "")) + text(fdp, 2)
                 for _ in range(fdp.ConsumeIntInRange(0, 3)))
    return Paper(
        title=text(fdp, 8),
        authors=tuple(person(fdp) for _ in range(fdp.ConsumeIntInRange(0, 10))),
        authors_status=pick(fdp, AuthorStatus),
        venue=pick(fdp, VENUES) if fdp.ConsumeBool() else text(fdp, 3),
        venue_kind=pick(fdp, sorted(VENUE_KINDS)) if fdp.ConsumeBool()
        else text(fdp, 2),
        year=None if fdp.ConsumeIntInRange(0, 7) == 0 else (
            fdp.ConsumeIntInRange(1000, 2999) if fdp.ConsumeBool()
            else fdp.ConsumeIntInRange(-99999, 99999)),
        paper_type=pick(fdp, sorted(PAPER_TYPES)) if fdp.ConsumeBool()
        else text(fdp, 2),
        abstract=abstract,
        raw_abstract=abstract,
        urls=urls,
        source="fuzz",
        line=index + 1 if fdp.ConsumeBool() else fdp.ConsumeIntInRange(0, 10**7),
    )


def known_bug(pattern: str | None) -> bool:
    """Inputs that hit a crash already reported and pinned by an ``xfail(strict=True)`` test
    in tests/test_fuzz_regressions.py, skipped so that the run goes on to find others.
    Remove each clause when its test starts passing (strict xfail fails then, as a reminder).
    """
    # (none open: the unbalanced-brace key pattern crash is fixed and pinned by
    # test_key_pattern_with_unbalanced_brace)
    return False


def known_orcid_bug(papers: list[Paper]) -> bool:
    """(None open: URLs that xs:anyURI refuses are now left out of common:url, pinned by
    test_orcid_url_not_an_any_uri.)"""
    return False


def options_for(fdp: atheris.FuzzedDataProvider, fmt: str) -> dict[str, str]:
    """Some of the format's own options."""
    choices = OPTIONS.get("text" if fmt in CITEPROC else fmt, {})
    return {name: pick(fdp, values) for name, values in choices.items()
            if fdp.ConsumeBool()}


def check_bib(out: str, keys: list[str], ascii_only: bool) -> None:
    """bibtexparser reads every entry, under arrow2bib's keys."""
    library = bibtexparser.parse_string(out)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    assert [e.key for e in library.entries] == keys, ([e.key for e in library.entries], keys)
    assert not ascii_only or out.isascii(), [c for c in out if not c.isascii()][:5]


def check_json(out: str, count: int) -> None:
    """One item per paper (CSL-JSON: a list; arrow2bib's json: pages of papers), ids unique."""
    data = json.loads(out)
    if isinstance(data, dict):  # the canonical json: {"pages": [{"papers": [...]}]}
        items = [p for page in data["pages"] for p in page["papers"]]
        ids = [item["key"] for item in items]
    else:
        items, ids = data, [item["id"] for item in data]
    assert len(items) == count, (len(items), count)
    assert len(set(ids)) == len(ids), ids


def check_ris(out: str, count: int) -> None:
    """Every line a tag line; one record per paper."""
    body = out.removeprefix("\ufeff")
    for line in body.splitlines():
        assert not line or TAG_LINE.match(line), repr(line)
    assert len(rispy.loads(body)) == count, (count, body[:500])


def check_orcid(documents: list[arrow2bib.Document], count: int, validate: bool) -> None:
    """Well-formed (and, with the schemas, valid) XML, one work per paper written."""
    works = 0
    for document in documents:
        root = etree.fromstring(document.text.encode("utf-8"))
        works += 1 if root.tag == f"{{{ORCID_NS}}}work" else len(root)
        schema = XSD.get("work" if root.tag == f"{{{ORCID_NS}}}work" else "bulk")
        if schema is not None and validate:
            assert schema.validate(root), str(schema.error_log)
    assert works == count, (works, count)


def export_all(fdp: atheris.FuzzedDataProvider) -> None:
    """Export one arbitrary list of papers through every built-in format."""
    papers = [paper(fdp, i) for i in range(fdp.ConsumeIntInRange(1, 4))]
    pattern = pick(fdp, KEY_PATTERNS) if fdp.ConsumeBool() else text(fdp, 3)
    if known_bug(pattern):
        pattern = None
    # the top of the range, not the bottom: an exhausted provider returns the bottom, and
    # would turn the slow citeproc formats on for every short input
    citeproc = pick(fdp, CITEPROC) if fdp.ConsumeIntInRange(
        1, CITEPROC_EVERY) == CITEPROC_EVERY else None
    try:
        # the keys of the papers as exported: arrow2bib.export cleans unsafe characters
        # (arrow2bib.text.hygiene) before it chooses keys
        cleaned = [clean_paper(p, lambda problem: None) for p in papers]
        keys = [entry.key for entry in entries_for(cleaned, PM, pattern)]
    except arrow2bib.Arrow2BibError:
        return  # a key pattern arrow2bib refuses: nothing to export
    for fmt in ("bibtex", "biblatex", "csljson", "json", "ris", "orcid", citeproc):
        if fmt is None:
            continue
        options = options_for(fdp, fmt)
        problems: list[arrow2bib.Problem] = []
        try:
            if options.get("layout") == "work":  # one document per paper: export() refuses
                documents = arrow2bib.export_documents(
                    papers, fmt, key_pattern=pattern, options=options, report=problems.append,
                    pm=PM)
                out = ""
            else:
                out = arrow2bib.export(papers, fmt, key_pattern=pattern, options=options,
                                       report=problems.append, pm=PM)
                documents = [arrow2bib.Document(suffix="", text=out)]
        except arrow2bib.Arrow2BibError:
            continue
        skipped = sum(p.code == "export-skipped" for p in problems)
        written = len(papers) - skipped
        if fmt in ("bibtex", "biblatex"):
            check_bib(out, keys, fmt == "bibtex" and options.get("encoding") != "utf8")
        elif fmt in ("csljson", "json"):
            check_json(out, written)
        elif fmt == "ris":
            check_ris(out, written)
        elif fmt == "orcid":
            check_orcid(documents, written, validate=not known_orcid_bug(papers))


def test_one_input(data: bytes) -> None:
    """libFuzzer's entry point."""
    export_all(atheris.FuzzedDataProvider(data))


def main() -> None:
    """Run libFuzzer with the command line's arguments."""
    if atheris is None:
        sys.exit(NO_ATHERIS)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
