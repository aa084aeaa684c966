"""The ``ris`` exporter, read back by rispy (the real consumer) and checked line by line
against the RIS tag pattern that Zotero's and rispy's readers use to recognise a tag."""

from __future__ import annotations

import io
import re

import pytest
import rispy
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from arrow2bib.errors import ExportError
from arrow2bib.exporters.base import Entry, ExportOptions
from arrow2bib.exporters.registry import Formats
from arrow2bib.exporters.ris import RIS_TYPES, RisExporter, ris_value
from arrow2bib.model import AuthorStatus, Paper, Person, Severity
from arrow2bib.read.names import parse_name
from arrow2bib.text.unimath import plain  # math as Unicode outside TeX (issue 17)
from arrow2bib.venues import resolve

from . import oracles

#: A tag line as the readers see it (rispy: line[2:5] == "  -"; Zotero: /^[A-Z][A-Z0-9] {1,2}-/).
TAG_LINE = re.compile(r"^[A-Z][A-Z0-9]  - ")
#: The types Zotero's RIS translator imports (importTypeMap plus its export types).
ZOTERO_TYPES = set(
    """ABST ADVS AGGR ANCIENT CHART CLSWK CPAPER CTLG DBASE EBOOK ECHAP EDBOOK EJOUR EQUA
    FIGURE GEN GOVDOC GRNT INPR JFULL LEGAL MULTI MUSIC PAMP SER STAND UNBILL UNPD WEB ART
    SOUND BILL BLOG BOOK CHAP CASE COMP CONF DICT ENCYC ICOMM DATA MPCT HEAR JOUR PCOMM
    MGZN MANSCPT MAP NEWS PAT SLIDE RPRT STAT THES VIDEO ELEC""".split()
)


# ---------------------------------------------------------------------------- helpers


def make_paper(**overrides: object) -> Paper:
    fields: dict[str, object] = dict(
        title="DeepFM: A Factorization-Machine based Neural Network for CTR Prediction",
        authors=tuple(parse_name(n) for n in ("Huifeng Guo", "Ruiming Tang", "Xiuqiang He")),
        venue="IJCAI",
        venue_kind="Conference",
        year=2017,
        paper_type="Conference Paper",
        abstract="We propose **DeepFM**, with $\\Sigma_X$ math.",
        urls=("https://github.com/a/b",),
        source="page.txt",
        line=12,
    )
    fields.update(overrides)
    return Paper(**fields)  # type: ignore[arg-type]


def export(papers, **extra: str):
    """Export ``papers`` (Paper or Entry objects); return (text, problems)."""
    entries = [p if isinstance(p, Entry) else Entry(key=f"key{i}", paper=p)
               for i, p in enumerate(papers)]
    problems: list = []
    out = io.StringIO()
    RisExporter().export(entries, out, ExportOptions(extra=extra, report=problems.append))
    return out.getvalue(), problems


def fold(text: str) -> str:
    """The documented folding, written independently: breaks, tabs and control characters
    out, white space collapsed."""
    text = re.sub(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]", " ", text)
    text = re.sub(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]", "", text)
    return " ".join(text.split())


def au(person: Person) -> str:
    """The documented AU form: ``particle Family, Given[, Suffix]``."""
    if person.family is None:
        return person.literal
    family = f"{person.particle} {person.family}" if person.particle else person.family
    return ", ".join(x for x in (family, person.given, person.suffix) if x)


def assert_well_formed(text: str, records: int, eol: str = "\r\n") -> list[str]:
    """Every line a tag line, ``TY`` first and ``ER  - `` last in each record."""
    assert text.endswith("ER  - " + eol)
    body = text[: -len(eol)]
    lines = body.split(eol)
    if eol == "\r\n":
        assert "\n" not in body.replace("\r\n", "") and "\r" not in body.replace("\r\n", "")
    assert all(TAG_LINE.match(line) for line in lines), [
        line for line in lines if not TAG_LINE.match(line)]
    # every line breaker Python knows of is gone too, so no reader can split a value
    assert len(body.splitlines()) == len(lines)
    starts = [i for i, line in enumerate(lines) if line.startswith("TY  - ")]
    ends = [i for i, line in enumerate(lines) if line == "ER  - "]
    assert len(starts) == len(ends) == records
    assert starts[0] == 0 and [s - 1 for s in starts[1:]] == ends[:-1]
    return lines


# ---------------------------------------------------------------------------- registration


def test_registered(pm):
    formats = Formats(pm)
    exporter = formats.get("ris")
    assert isinstance(exporter, RisExporter)
    assert exporter.extension == ".ris"
    assert formats.for_path("refs.RIS") is exporter


# ---------------------------------------------------------------------------- sample page


@pytest.fixture
def sample_ris(sample_entries):
    problems: list = []
    out = io.StringIO()
    RisExporter().export(sample_entries, out, ExportOptions(report=problems.append))
    return out.getvalue(), problems


def test_sample_page_is_well_formed(sample_ris, sample_entries):
    text, _problems = sample_ris
    assert not text.startswith("\ufeff")
    text.encode("utf-8")
    assert_well_formed(text, len(sample_entries))


def test_rispy_reads_the_sample_page_back(sample_ris, sample_entries):
    text, _problems = sample_ris
    records = rispy.loads(text)
    assert len(records) == len(sample_entries) == 13
    for entry, record in zip(sample_entries, records):
        paper = entry.paper
        venue = resolve(paper.venue, paper.year, paper.venue_kind)
        assert record["type_of_reference"] == "CPAPER"
        assert record["id"] == entry.key
        assert record["title"] == plain(paper.title)
        assert record["authors"] == [au(p) for p in paper.authors]
        assert record["year"] == str(paper.year)
        assert record["secondary_title"] == venue.container  # T2: the proceedings
        assert record["custom3"] == venue.container  # C3: Zotero's proceedings title
        assert record["publisher"] == venue.publisher
        assert "urls" not in record  # links of the abstract: N1, not UR (issue 17)
        if paper.urls:
            assert "Linked in the abstract: " + " ".join(paper.urls) in record["notes"]
        assert "**" not in record.get("abstract", "")
        assert not any("et al" in a or "others" in a.lower() for a in record["authors"])
        notes = " ".join(n for n in record.get("notes", []) if "Linked" not in n)
        if paper.authors_status is AuthorStatus.TRUNCATED:
            assert "truncated" in notes
        elif paper.authors_status is AuthorStatus.COMPLETE:
            assert notes == ""


def test_sample_page_names_math_and_nickname_report(sample_ris):
    text, problems = sample_ris
    assert "AU  - Liu, Xue\r\n" in text and "Steve" not in text
    assert "AU  - Huang, Shao-Lun\r\n" in text
    assert "BΣ_X A" in text and "$" not in text and "(TopLoRA)," in text and "**" not in text
    assert "N1  - Linked in the abstract: https://github.com/Leopold1423/toplora-neurips25\r\n" in text
    # the notes of what was converted (tests/test_notes.py), and the nickname left out (a
    # note too: the site's own form of the name)
    assert {p.code for p in problems} == {"math-converted", "url-repaired", "export-lossy"}
    assert all(p.severity is Severity.INFO for p in problems)
    (problem,) = [p for p in problems if p.code == "export-lossy"]
    assert "Xue (Steve) Liu" in problem.message
    assert problem.source.endswith("xiuqiang-he.txt") and problem.line


# ---------------------------------------------------------------------------- conventions


@pytest.mark.parametrize(
    ("paper_type", "venue", "venue_kind", "ty", "tags"),
    [
        ("Conference Paper", "NeurIPS", "Conference", "CPAPER",
         {"T2": "Advances in Neural Information Processing Systems",
          "C3": "Advances in Neural Information Processing Systems",
          "PB": "Curran Associates, Inc.", "VL": "33"}),
        ("Short Paper", "AAAI", "Conference", "CPAPER",
         {"T2": "Proceedings of the AAAI Conference on Artificial Intelligence",
          "C3": "Proceedings of the AAAI Conference on Artificial Intelligence"}),
        ("Journal Article", "TKDE", "Journal", "JOUR",
         {"T2": "IEEE Transactions on Knowledge and Data Engineering", "J2": "TKDE",
          "SN": "1041-4347", "C3": None}),
        ("Conference Paper", "Unknown Venue", "Conference", "CPAPER",
         {"T2": "Unknown Venue", "C3": "Unknown Venue", "PB": None}),
        ("", "NeurIPS", "Workshop", "CPAPER",
         {"T2": "Workshop at the Conference on Neural Information Processing Systems",
          "C3": None}),
        ("", "Somewhere", "", "GEN", {"T2": "Somewhere", "C3": None}),
        ("Preprint", "arXiv", "", "UNPB", {}),
    ],
)
def test_types_and_venue_tags(paper_type, venue, venue_kind, ty, tags):
    paper = make_paper(paper_type=paper_type, venue=venue, venue_kind=venue_kind, year=2020)
    text, _problems = export([paper])
    lines = assert_well_formed(text, 1)
    assert lines[0] == f"TY  - {ty}"
    values = {}
    for line in lines:
        values.setdefault(line[:2], line[6:])
    for tag, value in tags.items():
        assert values.get(tag) == value, tag
    (record,) = rispy.loads(text)
    assert record["type_of_reference"] == ty


def test_type_table_values_are_ris_types():
    types = set(RIS_TYPES.values())
    assert types <= set(rispy.TYPE_OF_REFERENCE_MAPPING)  # the RIS specification's list
    # Zotero knows all but UNPB (its table spells it UNPD); it imports that as an article
    assert types - ZOTERO_TYPES == {"UNPB"}


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("Shao-Lun Huang", "AU  - Huang, Shao-Lun"),
        ("Xue (Steve) Liu", "AU  - Liu, Xue"),
        ("Maarten de Rijke", "AU  - de Rijke, Maarten"),
        ("Martin Luther King, Jr.", "AU  - King, Martin Luther, Jr."),
        ("Barnes and Noble Research", "AU  - Barnes and Noble Research"),
        ("Plato", "AU  - Plato"),
    ],
)
def test_author_lines(name, line):
    text, _problems = export([make_paper(authors=(parse_name(name),))])
    assert line in assert_well_formed(text, 1)


def test_no_fake_author_and_truncation_in_n1():
    authors = (parse_name("Ann Lee"), Person(literal="others"), Person(literal="et al."))
    text, problems = export([make_paper(authors=authors, authors_status=AuthorStatus.TRUNCATED)])
    (record,) = rispy.loads(text)
    assert record["authors"] == ["Lee, Ann"]
    assert "truncated" in record["notes"][0]
    assert [p.code for p in problems if p.severity is not Severity.INFO] == ["export-lossy"]


def test_year_abstract_and_urls():
    urls = ("https://a.org/x_y", "https://b.org/%41?q=1&r=2")
    text, _problems = export([make_paper(urls=urls, year=2025)], links="url")
    (record,) = rispy.loads(text)
    assert record["year"] == "2025"
    assert record["urls"] == list(urls)
    (record,) = rispy.loads(export([make_paper(urls=urls, year=2025)])[0])
    assert "urls" not in record and record["notes"][-1] == "Linked in the abstract: " + " ".join(urls)
    assert record["abstract"] == "We propose DeepFM, with Σ_X math."


def test_no_year_no_py():
    text, _problems = export([make_paper(year=None)])
    assert "\r\nPY  - " not in text


# ---------------------------------------------------------------------------- serialisation


def test_line_endings_and_bom_options():
    crlf, _p = export([make_paper(), make_paper()])
    lf, _p = export([make_paper(), make_paper()], eol="lf")
    assert lf == crlf.replace("\r\n", "\n") and "\r" not in lf
    assert_well_formed(lf, 2, eol="\n")
    bom, _p = export([make_paper()], bom="yes")
    assert bom.startswith("\ufeffTY  - ")
    # why the default has no BOM: rispy (like other line-based readers) then misses the
    # first record unless the file is decoded as utf-8-sig
    assert rispy.loads(bom) == []
    assert len(rispy.loads(bom.encode("utf-8").decode("utf-8-sig"))) == 1


@pytest.mark.parametrize("extra", [{"eol": "cr"}, {"bom": "maybe"}])
def test_bad_option_values(extra):
    with pytest.raises(ExportError, match="not valid"):
        export([make_paper()], **extra)


HOSTILE = [
    "Title\nER  - ",
    "Title\r\nTY  - JOUR",
    "Title\rAU  - Fake, Author",
    "\nER  - \nTY  - GEN\nTI  - injected",
    "tab\tseparated\tvalue",
    "nul\x00bell\x07escape\x1b[31mred",
    "vertical\x0btab\x0cform feed",
    "file\x1cgroup\x1drecord\x1eseparators",
    "next\x85line",
    "line\u2028separator\u2029paragraph",
    "del\x7fc1\x9dcontrol",
    "ER  - ",
    "  ER  - leading spaces",
    "x" * 100_000,
    ("long \n" * 5_000) + "ER  - ",
    "{braces} @at & ampersand < > \" ' \\ %",
]
FIELDS = {
    "title": lambda v: {"title": v},
    "author": lambda v: {"authors": (Person(literal=v), parse_name("Ann Lee"))},
    "abstract": lambda v: {"abstract": v},
    "venue": lambda v: {"venue": v},
    "url": lambda v: {"urls": (v, "https://ok.org")},
}


@pytest.mark.parametrize("value", HOSTILE, ids=[repr(v[:24]) for v in HOSTILE])
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_hostile_values_cannot_create_or_end_a_record(field, value):
    papers = [make_paper(**FIELDS[field](value)), make_paper(title="Second")]
    text, problems = export(papers, links="url")
    assert_well_formed(text, 2)
    records = rispy.loads(text)
    assert len(records) == 2
    assert records[1]["title"] == "Second"
    first = records[0]
    expected = fold(value)
    if field == "title":
        assert first.get("title", "") == expected
    elif field == "author":
        assert first["authors"] == [a for a in (expected, "Lee, Ann") if a]
    elif field == "abstract":
        assert first.get("abstract", "") == expected
    elif field == "venue":
        assert first.get("secondary_title", "") == expected
    else:
        assert first["urls"][-1] == "https://ok.org"
    if fold(value) != " ".join(value.split()):
        assert any(p.code == "export-lossy" for p in problems)


@pytest.mark.parametrize(
    ("value", "expected", "changed"),
    [
        ("plain", "plain", False),
        ("  spaced   out  ", "spaced out", False),
        ("two\nlines", "two lines", True),
        ("tab\there", "tab here", True),
        ("bell\x07", "bell", True),
        ("a\u2028b", "a b", True),
        ("é ü 中文 😀", "é ü 中文 😀", False),
    ],
)
def test_ris_value(value, expected, changed):
    assert ris_value(value) == (expected, changed)


# ---------------------------------------------------------------------------- properties

#: Any text, with the characters that break formats (braces, @, $, **, line breaks, control
#: characters) drawn far more often than chance would.
_ALPHABET = st.one_of(
    st.characters(), st.sampled_from("{}@$*\\%&<>\n\r\t\x00\x0b\x85\u2028")
)
_names = st.text(_ALPHABET, max_size=40).map(parse_name)
_papers = st.builds(
    Paper,
    title=st.text(_ALPHABET, max_size=300),
    authors=st.lists(_names, max_size=10).map(tuple),
    authors_status=st.sampled_from(list(AuthorStatus)),
    venue=st.one_of(
        st.sampled_from(["NeurIPS", "AAAI", "TKDE", ""]), st.text(_ALPHABET, max_size=30)
    ),
    venue_kind=st.sampled_from(["Conference", "Journal", "Workshop", ""]),
    year=st.one_of(st.none(), st.integers(1, 3000)),
    paper_type=st.sampled_from(["Conference Paper", "Journal Article", "Short Paper", "", "?"]),
    abstract=st.one_of(st.none(), st.text(_ALPHABET, max_size=300), st.text(min_size=2000)),
    # rispy splits UR values at ";" (its documented delimiter), so the URLs have none
    urls=st.lists(st.text(min_size=1, max_size=40).filter(lambda u: ";" not in u),
                  max_size=3).map(tuple),
    source=st.text(max_size=20),
    line=st.integers(0, 10_000),
)
_NOT_AUTHOR = re.compile(r"\s*(and\s+)?(others|et\.?\s*al\.?)\s*", re.IGNORECASE)


@settings(max_examples=oracles.examples(400), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(papers=st.lists(_papers, min_size=1, max_size=4))
@example(papers=[Paper(title="$0$", authors=(), authors_status=AuthorStatus.COMPLETE, venue="",
                       venue_kind="Conference", year=None, paper_type="", abstract=None,
                       raw_abstract=None, urls=(), source="", line=0)])  # math: Unicode, "0"
def test_any_paper_round_trips_through_rispy(papers):
    text, _problems = export(papers, links="url")
    assert_well_formed(text, len(papers))
    records = rispy.loads(text)
    assert len(records) == len(papers)
    for index, (paper, record) in enumerate(zip(papers, records)):
        assert record["id"] == f"key{index}"
        assert record.get("title", "") == fold(plain(paper.title))
        real = [p for p in paper.authors if not _NOT_AUTHOR.fullmatch(p.literal)]
        assert record.get("authors", []) == [a for a in (fold(au(p)) for p in real) if a]
        assert record.get("year") == (None if paper.year is None else str(paper.year))
        assert record.get("urls", []) == [u for u in (fold(u) for u in paper.urls) if u]


@settings(max_examples=oracles.examples(400), deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "É", " ", "\t", "\n", "\r", "\x00",
                                          "\x1c", "\x1f", "\x85", "\u00a0", "\u2028",
                                          "\u3000", "\ud800", "\x7f"]), max_size=10))
@example(" a  b ")
@example("a\u00a0b")
def test_ris_value_fast_path_is_the_plain_one(text):
    """Printable text takes a shorter way (spacing only): the same value and flag."""
    assert ris_value(text) == oracles.ris_value(text)


def test_removable_characters_are_exactly_categories_cc_and_cs():
    """ris_value removes what unicodedata calls Cc or Cs, and nothing else (the code uses
    one regular expression; this checks it against every code point)."""
    import sys
    import unicodedata

    from arrow2bib.exporters.ris import _BREAKS

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if _BREAKS.match(char):
            continue  # folded to a space first
        value, changed = ris_value("a" + char + "b")
        removed = unicodedata.category(char) in ("Cc", "Cs")
        assert changed == removed and (value == "ab") == removed or char.isspace(), hex(code)
