"""The ``orcid`` exporter, checked against ORCID's own XSDs (work-3.0 and bulk-3.0).

Every document a test makes is validated by lxml against the offline schema copies in
../shared/schemas (the ``schemas`` fixture skips when they are absent).
"""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from arrow2bib.errors import ExportError
from arrow2bib.exporters.base import Entry, ExportOptions
from arrow2bib.exporters.orcid import WORK_TYPES, OrcidExporter
from arrow2bib.model import AuthorStatus, Paper, Person, Severity
from arrow2bib.text.unimath import plain  # math as Unicode outside TeX (issue 17)
from arrow2bib.venues import resolve

from . import oracles

W = "{http://www.orcid.org/ns/work}"
C = "{http://www.orcid.org/ns/common}"
B = "{http://www.orcid.org/ns/bulk}"
NS = {"work": W[1:-1], "common": C[1:-1], "bulk": B[1:-1]}
PARSER = etree.XMLParser(no_network=True, resolve_entities=False)

#: ORCID's WorkType enumeration (orcid-model WorkType.java, as listed in the schemas README).
ORCID_WORK_TYPES = set(
    """annotation artistic-performance blog-post book book-chapter book-review
    cartographic-material clinical-study conference-abstract conference-output conference-paper
    conference-poster conference-presentation conference-proceedings data-management-plan
    data-set design dictionary-entry disclosure dissertation-thesis edited-book
    encyclopedia-entry image invention journal-article journal-issue learning-object
    lecture-speech license magazine-article manual moving-image musical-composition
    newsletter-article newspaper-article online-resource other patent physical-object preprint
    public-speech registered-copyright report research-technique research-tool review software
    sound spin-off-company standards-and-policy supervised-student-publication
    technical-standard test trademark transcription translation website working-paper
    undefined""".split()
)


def person(literal: str) -> Person:
    given, _, family = literal.rpartition(" ")
    return Person(literal=literal, given=given or None, family=family)


def make_paper(**overrides: object) -> Paper:
    fields: dict[str, object] = dict(
        title="DeepFM: A Factorization-Machine based Neural Network for CTR Prediction",
        authors=(person("Huifeng Guo"), person("Ruiming Tang"), person("Xiuqiang He")),
        venue="IJCAI",
        venue_kind="Conference",
        year=2017,
        paper_type="Conference Paper",
        abstract="We propose **DeepFM**, with $\\Sigma_X$ math. Code: https://github.com/a/b",
        urls=("https://github.com/a/b",),
        source="page.txt",
        line=12,
    )
    fields.update(overrides)
    return Paper(**fields)  # type: ignore[arg-type]


def run(papers, **extra: str):
    """Export ``papers`` (Paper or Entry objects); return (documents, problems)."""
    extra.setdefault("citation", "none")
    entries = [p if isinstance(p, Entry) else Entry(key=f"key{i}", paper=p)
               for i, p in enumerate(papers)]
    problems: list = []
    options = ExportOptions(extra=extra, report=problems.append)
    return list(OrcidExporter().documents(entries, options)), problems


def parse(text: str) -> etree._Element:
    return etree.fromstring(text.encode("utf-8"), PARSER)


def one_work(paper: Paper, **extra: str):
    """The single ``<work:work>`` element for ``paper``, validated, and the problems."""
    docs, problems = run([paper], layout="work", **extra)
    assert len(docs) == 1
    return parse(docs[0].text), problems


@pytest.fixture(scope="session")
def work_schema(schemas):
    return etree.XMLSchema(etree.parse(str(schemas / "orcid/record_3.0/work-3.0.xsd"), PARSER))


@pytest.fixture(scope="session")
def bulk_schema(schemas):
    return etree.XMLSchema(etree.parse(str(schemas / "orcid/record_3.0/bulk-3.0.xsd"), PARSER))


@pytest.fixture(scope="session")
def xsd_work_order(schemas):
    """The children of <work:work>, in the order work-3.0.xsd's sequence fixes."""
    xsd = etree.parse(str(schemas / "orcid/record_3.0/work-3.0.xsd"), PARSER)
    xs = "{http://www.w3.org/2001/XMLSchema}"
    seq = xsd.find(f"{xs}element[@name='work']//{xs}sequence")
    return [e.get("name") or e.get("ref").split(":")[1] for e in seq.iter(f"{xs}element")]


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


def titles(root: etree._Element) -> list[str]:
    return [t.text for t in root.iterfind(".//work:title/common:title", NS)]


def names(work: etree._Element) -> list[str]:
    return [n.text for n in work.iterfind(".//work:credit-name", NS)]


def lossy(problems, field: str) -> list:
    return [p for p in problems if p.code == "export-lossy" and p.details.get("field") == field]


# --- the sample page --------------------------------------------------------------------


def test_sample_page_bulk_document_validates(sample_entries, bulk_schema):
    documents = list(OrcidExporter().documents(sample_entries, ExportOptions()))
    assert [d.suffix for d in documents] == [""]
    root = parse(documents[0].text)
    bulk_schema.assertValid(root)
    assert len(root) == len(sample_entries) == 13
    assert "DeepFM: A Factorization-Machine based Neural Network for CTR Prediction" in titles(root)


def test_sample_page_work_documents_validate(sample_entries, work_schema):
    options = ExportOptions(extra={"layout": "work"})
    documents = list(OrcidExporter().documents(sample_entries, options))
    assert [d.suffix for d in documents] == [f"-{e.key}" for e in sample_entries]
    for document in documents:
        work_schema.assertValid(parse(document.text))


def test_sample_page_abstracts_lose_bold_keep_math_and_urls(sample_entries):
    text = "".join(d.text for d in OrcidExporter().documents(sample_entries, ExportOptions()))
    root = parse(text)
    descriptions = [d.text for d in root.iterfind(".//work:short-description", NS)]
    assert descriptions and not any("**" in d for d in descriptions)
    assert any("BΣ_X A" in d for d in descriptions)  # math as Unicode (issue 17)
    assert not any("$" in d or "\\" in d for d in descriptions)
    # the links stay in the description; no common:url (not the work's address, issue 17)
    assert root.find(".//common:url", NS) is None
    assert any("https://github.com/Leopold1423/toplora-neurips25" in d for d in descriptions)
    for entry in sample_entries:
        work = next(w for w in root if w.findtext(".//common:external-id-value", None, NS)
                    == entry.key)
        assert len(names(work)) == len(entry.paper.authors)


# --- structure ----------------------------------------------------------------------------


def test_element_order_follows_the_xsd(xsd_work_order, work_schema):
    work, _ = one_work(make_paper(), citation="none", links="url")
    work_schema.assertValid(work)
    children = [local(c) for c in work]
    assert children == [n for n in xsd_work_order if n in children]
    assert children == ["title", "journal-title", "short-description", "type",
                        "publication-date", "external-ids", "url", "contributors"]


def test_self_external_id_is_the_citation_key():
    paper = make_paper()
    docs, _ = run([Entry(key="guo2017deepfm", paper=paper)], layout="work")
    ext = parse(docs[0].text).find("common:external-ids/common:external-id", NS)
    assert [(local(c), c.text) for c in ext] == [
        ("external-id-type", "source-work-id"),
        ("external-id-value", "guo2017deepfm"),
        ("external-id-relationship", "self"),
    ]


@pytest.mark.parametrize(
    "urls, expected",
    [
        (("https://github.com/a/b", "https://x.org/c"), "https://github.com/a/b"),
        (("https://git hub.com/broken", "https://x.org/c"), "https://x.org/c"),
        (("ftp://x.org/file",), None),
        (("https://x.org/" + "a" * 2000,), None),
        ((), None),
    ],
)
def test_url_is_the_first_usable_one(urls, expected, work_schema):
    work, _ = one_work(make_paper(urls=urls), links="url")
    work_schema.assertValid(work)
    assert work.findtext("common:url", None, NS) == expected
    work, _ = one_work(make_paper(urls=urls))
    assert work.findtext("common:url", None, NS) is None


def test_contributors_in_order_with_sequence_and_role():
    authors = (Person(literal="Xue (Steve) Liu", given="Xue", family="Liu", nickname="Steve"),
               person("Shao-Lun Huang"), person("Xiuqiang He"))
    work, _ = one_work(make_paper(authors=authors))
    attrs = [(c.findtext(".//work:contributor-sequence", None, NS),
              c.findtext(".//work:contributor-role", None, NS))
             for c in work.iterfind(".//work:contributor", NS)]
    assert names(work) == ["Xue Liu", "Shao-Lun Huang", "Xiuqiang He"]
    assert attrs == [("first", "author"), ("additional", "author"), ("additional", "author")]


@pytest.mark.parametrize("status", list(AuthorStatus))
def test_cut_author_lists_have_no_stand_in_author(status, work_schema):
    authors = tuple(person(f"Author Number{i}") for i in range(8))
    work, _ = one_work(make_paper(authors=authors, authors_status=status))
    work_schema.assertValid(work)
    assert names(work) == [a.display for a in authors]
    assert not any(re.search(r"(?i)et\.? al|others", n) for n in names(work))


@pytest.mark.parametrize("fake", ["et al.", "et al", "others", "and others", "Et Al."])
def test_a_fake_author_from_the_input_is_left_out_and_reported(fake):
    authors = (person("Huifeng Guo"), Person(literal=fake))
    work, problems = one_work(make_paper(authors=authors))
    assert names(work) == ["Huifeng Guo"]
    assert lossy(problems, "credit-name")


def test_no_authors_no_contributors_element(work_schema):
    work, _ = one_work(make_paper(authors=()))
    work_schema.assertValid(work)
    assert work.find("work:contributors", NS) is None


# --- types and venues -----------------------------------------------------------------------


def test_every_mapped_type_is_an_orcid_work_type():
    assert set(WORK_TYPES.values()) <= ORCID_WORK_TYPES


@pytest.mark.parametrize(
    "paper_type, venue_kind, expected",
    [
        ("Conference Paper", "Conference", "conference-paper"),
        ("Short Paper", "Conference", "conference-paper"),
        ("Journal Article", "Journal", "journal-article"),
        ("Poster", "Conference", "conference-poster"),
        ("Preprint", "", "preprint"),
        ("Something New", "Journal", "journal-article"),
        ("Something New", "Workshop", "conference-paper"),
        ("Something New", "Gathering", "other"),
    ],
)
def test_work_type_table(paper_type, venue_kind, expected):
    work, problems = one_work(make_paper(paper_type=paper_type, venue_kind=venue_kind,
                                         venue="Nowhere Venue"))
    assert work.findtext("work:type", None, NS) == expected
    assert work.findtext("work:type", None, NS) in ORCID_WORK_TYPES
    assert bool(lossy(problems, "type")) == (expected == "other")


@pytest.mark.parametrize("venue, kind", [("NeurIPS", "Conference"), ("AAAI", "Conference"),
                                         ("Journal of Made-Up Results", "Journal")])
def test_journal_title_is_the_resolved_container_or_the_venue_as_written(venue, kind):
    work, _ = one_work(make_paper(venue=venue, venue_kind=kind, year=2021))
    resolved = resolve(venue, 2021, kind)
    expected = resolved.container if resolved else venue
    assert work.findtext("work:journal-title", None, NS) == expected


def test_no_venue_no_journal_title(work_schema):
    work, _ = one_work(make_paper(venue=""))
    work_schema.assertValid(work)
    assert work.find("work:journal-title", NS) is None


# --- limits -------------------------------------------------------------------------------


def long_words(length: int) -> str:
    text = " ".join(["word"] * length)[:length]
    return text.rstrip() + "x" * (length - len(text.rstrip()))


@pytest.mark.parametrize(
    "overrides, path, field, limit",
    [
        ({"title": long_words(1001)}, "work:title/common:title", "title", 1000),
        ({"title": long_words(5000)}, "work:title/common:title", "title", 1000),
        ({"venue": long_words(1001)}, "work:journal-title", "journal-title", 1000),
        ({"abstract": long_words(5001)}, "work:short-description", "abstract", 5000),
        ({"authors": (person(long_words(151)),)}, ".//work:credit-name", "credit-name", 150),
    ],
)
def test_long_text_is_cut_at_a_word_and_reported(overrides, path, field, limit, work_schema):
    work, problems = one_work(make_paper(**overrides))
    work_schema.assertValid(work)
    text = work.findtext(path, None, NS)
    assert len(text) <= limit and text.endswith("…")
    assert text[:-1].endswith("word")  # cut at a word boundary, not inside a word
    [problem] = lossy(problems, field)
    assert problem.severity is Severity.WARNING
    assert (problem.source, problem.line) == ("page.txt", 12)


@pytest.mark.parametrize("text, limit", [("a" * 1000, 1000), ("b" * 150, 150)])
def test_text_at_the_limit_is_kept_whole(text, limit):
    field = "title" if limit == 1000 else "credit-name"
    overrides = {"title": text} if field == "title" else {"authors": (Person(literal=text),)}
    work, problems = one_work(make_paper(**overrides))
    assert text in (titles(work) + names(work))
    assert not lossy(problems, field)


@pytest.mark.parametrize("year, written", [(1850, None), (1899, None), (1900, "1900"),
                                           (2100, "2100"), (2101, None), (None, None)])
def test_year_outside_the_schema_is_left_out_and_reported(year, written, work_schema):
    work, problems = one_work(make_paper(year=year))
    work_schema.assertValid(work)
    assert work.findtext("common:publication-date/common:year", None, NS) == written
    assert bool(lossy(problems, "year")) == (written is None and year is not None)


def test_blank_title_leaves_the_work_out_with_an_error(bulk_schema):
    docs, problems = run([make_paper(title=" \x00 ** ** "), make_paper()])
    root = parse(docs[0].text)
    bulk_schema.assertValid(root)
    assert len(root) == 1
    assert [p.code for p in problems if p.severity is Severity.ERROR] == ["export-skipped"]


def test_a_run_counts_the_work_left_out_as_skipped(tmp_path, pm):
    # every paper read is written, merged or skipped: the one ORCID cannot take is skipped
    import arrow2bib
    from arrow2bib.model import Page

    papers = (make_paper(title=" \x00 ** ** "), make_paper(), make_paper(title="Another"))
    for jobs in (1, 2):
        out = tmp_path / f"works-{jobs}.xml"
        result = arrow2bib.convert([Page(source="t.txt", papers=papers)], "orcid", out,
                                   pm=pm, jobs=jobs)
        assert (result.read, result.written, result.skipped) == (3, 2, 1)
        assert len(parse(out.read_text(encoding="utf-8"))) == 2


# --- payloads -------------------------------------------------------------------------------


PAYLOADS = [
    ("CDATA end ]]> inside", "CDATA end ]]> inside", False),
    ('<!DOCTYPE x [<!ENTITY a "b">]> title', '<!DOCTYPE x [<!ENTITY a "b">]> title', False),
    ("an &entity; and &amp; and &#65;", "an &entity; and &amp; and &#65;", False),
    ("<work:title>injected</work:title>", "<work:title>injected</work:title>", False),
    ("nul\x00 vt\x0b ff\x0c esc\x1b", "nul vt ff esc", True),
    ("nonchar\ufffe\uffff end", "nonchar end", True),
    ("lone \ud800surrogate", "lone surrogate", True),
    ("emoji 🙂 and 𝔸 stay", "emoji 🙂 and 𝔸 stay", False),
]


FIELDS = {
    "title": ("work:title/common:title", lambda text: {"title": text}),
    "author": (".//work:credit-name", lambda text: {"authors": (Person(literal=text),)}),
    "abstract": ("work:short-description", lambda text: {"abstract": text}),
    "venue": ("work:journal-title", lambda text: {"venue": text}),
}


@pytest.mark.parametrize("raw, expected, reported", PAYLOADS)
@pytest.mark.parametrize("field", list(FIELDS))
def test_payloads_stay_text_and_never_change_the_structure(raw, expected, reported, field,
                                                          work_schema):
    path, overrides = FIELDS[field]
    reference, _ = one_work(make_paper(**overrides("plain text")))
    work, problems = one_work(make_paper(**overrides(raw)))
    work_schema.assertValid(work)
    assert [e.tag for e in work.iter()] == [e.tag for e in reference.iter()]
    assert work.findtext(path, None, NS) == expected
    assert work.getroottree().docinfo.doctype == ""
    assert bool([p for p in problems if p.details.get("removed")]) == reported


def test_forbidden_characters_in_the_citation_key_are_removed(work_schema):
    docs, problems = run([Entry(key="key\x01one", paper=make_paper())], layout="work")
    work = parse(docs[0].text)
    work_schema.assertValid(work)
    assert work.findtext(".//common:external-id-value", None, NS) == "keyone"
    assert lossy(problems, "key")


# --- layouts and documents ------------------------------------------------------------------


@pytest.mark.parametrize(
    "count, sizes",
    [(0, [0]), (1, [1]), (100, [100]), (101, [100, 1]), (250, [100, 100, 50])],
)
def test_bulk_documents_hold_at_most_100_works(count, sizes, bulk_schema):
    papers = [make_paper(title=f"Paper number {i}") for i in range(count)]
    docs, _ = run(papers)
    roots = [parse(d.text) for d in docs]
    for root in roots:
        bulk_schema.assertValid(root)
        assert root.tag == f"{B}bulk"
    assert [len(r) for r in roots] == sizes
    expected = [""] if len(sizes) == 1 else [f"-{n:03d}" for n in range(1, len(sizes) + 1)]
    assert [d.suffix for d in docs] == expected
    assert [t for r in roots for t in titles(r)] == [p.title for p in papers]


def test_work_layout_one_document_per_paper_named_by_a_safe_key(work_schema):
    keys = ["guo2017deepfm", "a/b:c", "a_b_c", "A_B_C", "..hidden"]
    entries = [Entry(key=k, paper=make_paper(title=f"Title {k}")) for k in keys]
    docs, _ = run(entries, layout="work")
    suffixes = [d.suffix for d in docs]
    assert suffixes[0] == "-guo2017deepfm" and suffixes[1] == "-a_b_c"
    assert len({s.lower() for s in suffixes}) == len(keys)
    assert all(re.fullmatch(r"-[A-Za-z0-9][A-Za-z0-9._+-]*", s) for s in suffixes)
    for doc, key in zip(docs, keys):
        root = parse(doc.text)
        work_schema.assertValid(root)
        assert titles(root) == [f"Title {key}"]


@pytest.mark.parametrize("layout, count", [("bulk", 0), ("bulk", 1), ("bulk", 100),
                                           ("work", 1)])
def test_export_writes_the_single_document(layout, count):
    papers = [make_paper(title=f"P{i}") for i in range(count)]
    entries = [Entry(key=f"k{i}", paper=p) for i, p in enumerate(papers)]
    options = ExportOptions(extra={"layout": layout, "citation": "none"})
    out = io.StringIO()
    OrcidExporter().export(entries, out, options)
    [document] = OrcidExporter().documents(entries, options)
    assert out.getvalue() == document.text


@pytest.mark.parametrize("layout, count, message", [("bulk", 101, "-o"), ("work", 2, "-o"),
                                                    ("work", 0, "no papers")])
def test_export_refuses_what_needs_several_documents(layout, count, message):
    entries = [Entry(key=f"k{i}", paper=make_paper()) for i in range(count)]
    options = ExportOptions(extra={"layout": layout, "citation": "none"})
    with pytest.raises(ExportError, match=message):
        OrcidExporter().export(entries, io.StringIO(), options)


@pytest.mark.parametrize("extra", [{"layout": "single"}, {"citation": "ris"}])
def test_bad_option_values_are_export_errors(extra):
    with pytest.raises(ExportError, match="layout=bulk"):
        list(OrcidExporter().documents([], ExportOptions(extra=extra)))


# --- citation -------------------------------------------------------------------------------


def test_citation_carries_the_bibtex_entry(work_schema):
    from arrow2bib.exporters.bibtex import format_entry

    entry = Entry(key="guo2017deepfm", paper=make_paper())
    docs, _ = run([entry], layout="work", citation="bibtex")
    work = parse(docs[0].text)
    work_schema.assertValid(work)
    assert work.findtext("work:citation/work:citation-type", None, NS) == "bibtex"
    value = work.findtext("work:citation/work:citation-value", None, NS)
    assert value == format_entry(entry, ascii=False).strip()
    assert "guo2017deepfm" in value


def test_citation_none_leaves_it_out():
    work, _ = one_work(make_paper(), citation="none")
    assert work.find("work:citation", NS) is None


def test_registered_under_its_name_and_extension(pm):
    from arrow2bib.exporters.registry import Formats

    formats = Formats(pm)
    assert isinstance(formats.get("orcid"), OrcidExporter)
    assert formats.get("orcid").extension == ".xml"


# --- any paper ------------------------------------------------------------------------------

_XML_SPACE = re.compile("[ \t\n\r\x85\u2028\u2029]+")
_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def test_the_forbidden_characters_are_the_ones_xml_leaves_out():
    """The exporter's class of forbidden characters is the negated Char production above,
    on every code point."""
    from arrow2bib.exporters.orcid import _FORBIDDEN as exporter_forbidden

    every = "".join(map(chr, range(0x110000)))
    assert exporter_forbidden.findall(every) == _FORBIDDEN.findall(every)


def expected_line(text: str) -> str:
    """What a one-line field should read after export: markup gone, forbidden characters
    gone, line breaks folded (within the limits, which the generated texts respect)."""
    return _XML_SPACE.sub(" ", _FORBIDDEN.sub("", text)).strip()


# any character, plus the ones that matter here: XML-forbidden, markup and XML syntax
texts = st.text(st.characters() | st.sampled_from(list("\x00\x0b\ufffe\ud800\r\n*$&<>]")),
                max_size=60)
people = st.builds(Person, literal=texts) | st.builds(
    Person, literal=st.just("x"), given=texts, family=st.text(min_size=1, max_size=30))
papers = st.builds(
    Paper,
    title=texts,
    authors=st.lists(people, max_size=9).map(tuple),
    authors_status=st.sampled_from(list(AuthorStatus)),
    venue=texts,
    venue_kind=st.sampled_from(["Conference", "Journal", "Workshop", "", "Odd"]),
    year=st.none() | st.integers(1700, 2300),
    paper_type=texts,
    abstract=st.none() | st.text(max_size=200),
    urls=st.lists(st.text(max_size=30) | st.just("https://github.com/a/b"), max_size=3)
    .map(tuple),
)


@settings(max_examples=oracles.examples(400), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(paper=papers)
@example(paper=Paper(title="$0$", authors=(), authors_status=AuthorStatus.COMPLETE, venue="",
                     venue_kind="Conference", year=None, paper_type="", abstract=None,
                     raw_abstract=None, urls=(), source="", line=0))  # math: Unicode, "0"
def test_any_paper_gives_valid_xml_with_its_title_and_authors(paper, work_schema, bulk_schema):
    docs, problems = run([paper], layout="work")
    [bulk], _ = run([paper])
    bulk_schema.assertValid(parse(bulk.text))
    title = expected_line(plain(paper.title))
    if not title.strip():
        assert docs == [] and any(p.code == "export-skipped" for p in problems)
        return
    work = parse(docs[0].text)
    work_schema.assertValid(work)
    assert titles(work) == [title]
    expected_names = [n for n in (expected_line(a.display) for a in paper.authors)
                      if n.strip() and not re.fullmatch(r"(?i)(and\s+)?(et\.?\s*al\.?|others)", n)]
    assert names(work) == expected_names


@settings(max_examples=oracles.examples(400), deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "É", " ", "\t", "\n", "\r", "\x00", "\x0b",
                                          "\x1f", "\x85", "\u00a0", "\u2028", "\u3000",
                                          "\ud800", "\ufffe", "\x7f"]), max_size=10),
       st.sampled_from([None, 3, 8]), st.booleans())
@example(" a  b ", None, True)
@example("a\u00a0 b", None, True)
def test_fit_fast_path_is_the_plain_one(value, limit, line):
    """Printable text skips the regex scans (it can hold no forbidden character, and its
    only white space is the space): the same value, removed characters and length."""
    from arrow2bib.exporters.orcid import _fit

    assert _fit(value, limit, line) == oracles.orcid_fit(value, limit, line)


def lxml_layout(text: str) -> str:
    """``text`` parsed and written again by lxml (blank text between elements dropped, then
    pretty-printed): its own layout and escaping of the same elements."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, remove_blank_text=True)
    root = etree.fromstring(text.encode("utf-8"), parser)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                          pretty_print=True).decode("utf-8")


@settings(max_examples=oracles.examples(300), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(papers, max_size=3), st.sampled_from(["bulk", "work"]),
       st.sampled_from(["bibtex", "none"]))
@example([make_paper(authors=(person("et al."),))], "work", "none")  # <work:contributors/>
@example([], "bulk", "none")  # an empty bulk: <bulk:bulk .../>
@example([make_paper(title="a & b < c > d\r", abstract="x\r\ny ]]> &amp;")], "bulk", "bibtex")
def test_documents_are_written_as_lxml_writes_them(papers_, layout, citation):
    """The works are written as text (not built as lxml elements): the same characters as
    lxml's serialization of the same elements, escaping and indentation included."""
    docs, _problems = run(papers_, layout=layout, citation=citation)
    for doc in docs:
        assert doc.text == lxml_layout(doc.text)
