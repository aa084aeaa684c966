"""The venue table: year-aware names, aliases, kind words, and the data file's well-formedness."""

from __future__ import annotations

import copy
import json
import re
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrow2bib.errors import Arrow2BibError
from arrow2bib.venues import Venue, VenueTableError, load_table, normalise, resolve

from . import oracles

RAW = json.loads(resources.files("arrow2bib").joinpath("data/venues.json").read_text("utf-8"))
ENTRIES = {e["id"]: e for e in RAW["venues"]}
TABLE = load_table()
KDD_OLD = "ACM SIGKDD International Conference on Knowledge Discovery"
WEB_CONF = "Proceedings of the ACM Web Conference"


# --- the names, year by year: each row sits on one side of a boundary ------------------------

@pytest.mark.parametrize(
    "venue, kind, year, short, container, event",
    [
        ("NIPS", "Conference", 2017, "NIPS", "Advances in Neural Information Processing Systems",
         "Conference on Neural Information Processing Systems"),
        ("NeurIPS", "Conference", 2018, "NeurIPS", "Advances in Neural Information Processing Systems",
         "Conference on Neural Information Processing Systems"),
        ("WWW", "Conference", 2017, "WWW",
         "Proceedings of the 26th International Conference on World Wide Web",
         "International World Wide Web Conference"),
        ("WWW", "Conference", 2018, "WWW", "Proceedings of the World Wide Web Conference",
         "The Web Conference"),
        ("WWW", "Conference", 2019, "WWW", "The World Wide Web Conference", "The Web Conference"),
        ("WWW", "Conference", 2021, "WWW", "Proceedings of The Web Conference", "The Web Conference"),
        ("WWW", "Conference", 2022, "WWW", WEB_CONF, "ACM Web Conference"),
        ("WWW", "Conference", 2024, "WWW", WEB_CONF, "ACM Web Conference"),
        ("WWW", "Conference", 2025, "WWW", "Proceedings of the ACM on Web Conference",
         "ACM Web Conference"),
        ("CVPR", "Conference", 2017, "CVPR", "IEEE Conference on Computer Vision and Pattern Recognition",
         "IEEE Conference on Computer Vision and Pattern Recognition"),
        ("CVPR", "Conference", 2018, "CVPR",
         "IEEE/CVF Conference on Computer Vision and Pattern Recognition",
         "IEEE/CVF Conference on Computer Vision and Pattern Recognition"),
        ("ICCV", "Conference", 2017, "ICCV", "IEEE International Conference on Computer Vision",
         "IEEE International Conference on Computer Vision"),
        ("ICCV", "Conference", 2019, "ICCV", "IEEE/CVF International Conference on Computer Vision",
         "IEEE/CVF International Conference on Computer Vision"),
        ("KDD", "Conference", 2017, "KDD", f"Proceedings of the 23rd {KDD_OLD} and Data Mining",
         "ACM SIGKDD International Conference on Knowledge Discovery and Data Mining"),
        ("KDD", "Conference", 2018, "KDD", f"Proceedings of the 24th {KDD_OLD} & Data Mining",
         "ACM SIGKDD International Conference on Knowledge Discovery and Data Mining"),
        ("KDD", "Conference", 2021, "KDD",
         "Proceedings of the 27th ACM SIGKDD Conference on Knowledge Discovery & Data Mining",
         "ACM SIGKDD Conference on Knowledge Discovery and Data Mining"),
        ("KDD", "Conference", 2022, "KDD",
         "Proceedings of the 28th ACM SIGKDD Conference on Knowledge Discovery and Data Mining",
         "ACM SIGKDD Conference on Knowledge Discovery and Data Mining"),
        ("SIGMOD", "Conference", 2020, "SIGMOD",
         "Proceedings of the ACM SIGMOD International Conference on Management of Data",
         "ACM SIGMOD International Conference on Management of Data"),
        ("SIGMOD", "Conference", 2021, "SIGMOD",
         "Proceedings of the International Conference on Management of Data",
         "ACM SIGMOD International Conference on Management of Data"),
        ("SIGMOD", "Conference", 2023, "SIGMOD", "Proceedings of the ACM on Management of Data",
         "ACM SIGMOD International Conference on Management of Data"),
        ("VLDB", "Conference", 2007, "VLDB",
         "Proceedings of the 33rd International Conference on Very Large Data Bases",
         "International Conference on Very Large Data Bases"),
        ("VLDB", "Conference", 2008, "PVLDB", "Proceedings of the VLDB Endowment",
         "International Conference on Very Large Data Bases"),
        ("TNNLS", "Journal", 2011, "TNN", "IEEE Transactions on Neural Networks", ""),
        ("TNN", "Journal", 2012, "TNNLS", "IEEE Transactions on Neural Networks and Learning Systems", ""),
        ("ICLR", "Conference", 2022, "ICLR", "International Conference on Learning Representations",
         "International Conference on Learning Representations"),
        ("ICLR", "Conference", 2023, "ICLR",
         "The Eleventh International Conference on Learning Representations",
         "International Conference on Learning Representations"),
        ("AAAI", "Conference", 2006, "AAAI", "Proceedings of the National Conference on Artificial Intelligence",
         "National Conference on Artificial Intelligence"),
        ("AAAI", "Conference", 2007, "AAAI", "Proceedings of the AAAI Conference on Artificial Intelligence",
         "AAAI Conference on Artificial Intelligence"),
        ("SysML", "Conference", 2019, "SysML", "Proceedings of Machine Learning and Systems", "SysML Conference"),
        ("MLSys", "Conference", 2020, "MLSys", "Proceedings of Machine Learning and Systems",
         "Conference on Machine Learning and Systems"),
        ("COLING", "Conference", 2022, "COLING",
         "Proceedings of the 29th International Conference on Computational Linguistics",
         "International Conference on Computational Linguistics"),
        ("COLING", "Conference", 2024, "LREC-COLING",
         ("Proceedings of the Joint International Conference on Computational Linguistics, "
          "Language Resources and Evaluation"),
         "Joint International Conference on Computational Linguistics, Language Resources and Evaluation"),
        ("COLING", "Conference", 2025, "COLING",
         "Proceedings of the 31st International Conference on Computational Linguistics",
         "International Conference on Computational Linguistics"),
        ("ICML", "Conference", 2020, "ICML", "Proceedings of the 37th International Conference on Machine Learning",
         "International Conference on Machine Learning"),
        ("COLT", "Conference", 2022, "COLT", "Proceedings of the Thirty-Fifth Conference on Learning Theory",
         "Conference on Learning Theory"),
        ("UAI", "Conference", 2024, "UAI",
         "Proceedings of the Fortieth Conference on Uncertainty in Artificial Intelligence",
         "Conference on Uncertainty in Artificial Intelligence"),
        ("AISTATS", "Conference", 2021, "AISTATS",
         "Proceedings of the 24th International Conference on Artificial Intelligence and Statistics",
         "International Conference on Artificial Intelligence and Statistics"),
        ("ACL", "Conference", 2020, "ACL",
         "Proceedings of the 58th Annual Meeting of the Association for Computational Linguistics",
         "Annual Meeting of the Association for Computational Linguistics"),
        ("ICDE", "Conference", 2020, "ICDE", "IEEE 36th International Conference on Data Engineering",
         "IEEE International Conference on Data Engineering"),
        ("Computing in Science & Engineering", "Journal", 2020, "CiSE",
         "Computing in Science & Engineering", ""),
    ],
)
def test_names_by_year(venue, kind, year, short, container, event):
    found = resolve(venue, year, kind)
    assert (found.short, found.container, found.event) == (short, container, event)


@pytest.mark.parametrize(
    "venue, year, field, before, after",
    [
        ("IJCAI", (2016, 2017), "publisher", "AAAI Press",
         "International Joint Conferences on Artificial Intelligence Organization"),
        ("UAI", (2018, 2019), "publisher", "AUAI Press", "PMLR"),
        ("ICML", (2012, 2013), "series", None, "Proceedings of Machine Learning Research"),
        ("TNNLS", (2011, 2012), "issn", "1045-9227", "2162-237X"),
        ("SIGMOD", (2022, 2023), "kind", "proceedings", "journal"),
        ("VLDB", (2007, 2008), "kind", "proceedings", "journal"),
        ("Nature", (2014, 2015), "publisher", "Nature Publishing Group", "Springer Nature"),
    ],
)
def test_other_fields_change_at_their_boundary(venue, year, field, before, after):
    assert getattr(resolve(venue, year[0], ""), field) == before
    assert getattr(resolve(venue, year[1], ""), field) == after


@pytest.mark.parametrize(
    "venue, year, volume, edition",
    [("NeurIPS", 2020, "33", 34), ("NeurIPS", 1988, "1", 2), ("NIPS", 1987, None, 1),
     ("AAAI", 2015, "29", 29), ("AAAI", 2020, "34", 34), ("ICML", 2013, "28", 30),
     ("ICML", 2025, "267", 42), ("AISTATS", 2025, "258", 28), ("COLT", 2025, "291", 38),
     ("UAI", 2025, "286", 41), ("IJCAI", 2013, None, 23), ("IJCAI", 2012, None, None),
     ("IJCAI", 2015, None, 24), ("MLSys", 2024, "6", None), ("SIGMOD", 2024, "2", None),
     ("KDD", None, None, None)],
)
def test_volumes_and_editions(venue, year, volume, edition):
    found = resolve(venue, year, "Conference")
    assert (found.volume, found.edition) == (volume, edition)


def test_without_a_year_the_latest_names_apply_and_no_ordinal_is_left():
    icml = resolve("ICML")
    assert icml.container == "Proceedings of the International Conference on Machine Learning"
    assert resolve("NIPS").short == "NeurIPS"
    assert resolve("TNN", None, "Journal").container.endswith("and Learning Systems")
    assert resolve("WWW").container == "Proceedings of the ACM on Web Conference"


# --- the sample page -----------------------------------------------------------------------

@pytest.mark.parametrize("year", [2020, 2023, 2025])
def test_sample_page_neurips(year):
    venue = resolve("NeurIPS", year, "Conference")
    assert venue.container == "Advances in Neural Information Processing Systems"
    assert (venue.kind, venue.publisher, venue.volume) == ("proceedings", "Curran Associates, Inc.",
                                                           str(year - 1987))


@pytest.mark.parametrize("year", range(2015, 2023))
def test_sample_page_aaai(year):
    venue = resolve("AAAI", year, "Conference")
    assert venue.container == "Proceedings of the AAAI Conference on Artificial Intelligence"
    assert (venue.event, venue.publisher) == ("AAAI Conference on Artificial Intelligence", "AAAI Press")


@pytest.mark.parametrize("year, ordinal", [(2017, "Twenty-Sixth"), (2021, "Thirtieth")])
def test_sample_page_ijcai(year, ordinal):
    venue = resolve("IJCAI", year, "Conference")
    assert venue.container == (f"Proceedings of the {ordinal} International Joint Conference on "
                               "Artificial Intelligence")
    assert venue.publisher == "International Joint Conferences on Artificial Intelligence Organization"


def test_every_paper_of_the_sample_page_resolves(sample_page):
    assert sample_page.papers
    for paper in sample_page.papers:
        venue = resolve(paper.venue, paper.year, paper.venue_kind)
        assert venue is not None and venue.kind == "proceedings", paper.title
        assert str(paper.year) not in venue.container


# --- aliases and spelling ------------------------------------------------------------------

@pytest.mark.parametrize(
    "alias, canonical",
    [("NIPS", "NeurIPS"), ("Neural Information Processing Systems", "NeurIPS"),
     ("TheWebConf", "WWW"), ("The Web Conference", "WWW"), ("World Wide Web Conference", "WWW"),
     ("ACM MM", "MM"), ("ACM Multimedia", "MM"), ("ECML-PKDD", "ECML PKDD"), ("ECML/PKDD", "ECML PKDD"),
     ("SIGKDD", "KDD"), ("PVLDB", "VLDB"), ("Proc. VLDB Endow.", "VLDB"), ("PAMI", "TPAMI"),
     ("IEEE Trans. Pattern Anal. Mach. Intell.", "TPAMI"), ("IJCAI-ECAI", "IJCAI"),
     ("NAACL-HLT", "NAACL"), ("EMNLP-IJCNLP", "EMNLP"), ("SysML", "MLSys"), ("PNAS", "PNAS"),
     ("Proceedings of the National Academy of Sciences", "PNAS"), ("CiSE", "CiSE"),
     ("Advances in Neural Information Processing Systems", "NeurIPS"),
     ("International Conference on Machine Learning", "ICML"), ("Machine Learning", "MLJ")],
)
@pytest.mark.parametrize("year", [2019, 2024])
def test_aliases(alias, canonical, year):
    assert resolve(alias, year, "") == resolve(canonical, year, "")
    assert resolve(alias, year, "") is not None


@pytest.mark.parametrize(
    "spelling, canonical",
    [("neurips", "NeurIPS"), ("  NeurIPS  ", "NeurIPS"), ("Neur-IPS", "NeurIPS"), ("n.e.u.r.i.p.s.", "NeurIPS"),
     ("ecml_pkdd", "ECML PKDD"), ("Acm  Mm", "MM"), ("Recsys", "RecSys"),
     ("the web conference", "WWW"), ("ＮｅｕｒＩＰＳ", "NeurIPS")],
)
def test_case_spacing_and_punctuation_do_not_matter(spelling, canonical):
    assert resolve(spelling, 2021, "CONFERENCE") == resolve(canonical, 2021, "Conference") is not None


@pytest.mark.parametrize("spelling", ["Computing in Science and Engineering", "computing in science & engineering",
                                      "COMPUTING-IN-SCIENCE-&-ENGINEERING", "Comput. Sci. Eng."])
@pytest.mark.parametrize("kind", ["Journal", "journal", " JOURNAL ", "Magazine"])
def test_journal_spellings_and_kind_words(spelling, kind):
    assert resolve(spelling, 2021, kind).container == "Computing in Science & Engineering"


ALIASES = sorted({a for e in RAW["venues"] for a in e.get("aliases", ())})


@settings(max_examples=oracles.examples(400), deadline=None)
@given(alias=st.sampled_from(ALIASES), flips=st.lists(st.booleans(), min_size=80, max_size=80),
       junk=st.sampled_from([" ", "-", ".", "_", "  ", "/"]))
def test_any_casing_and_separators_of_an_alias_resolve_alike(alias, flips, junk):
    mangled = junk.join(c.upper() if f else c.lower() for c, f in zip(alias, flips))
    assert normalise(mangled) == normalise(alias)
    assert resolve(mangled, 2023, "") == resolve(alias, 2023, "")


@pytest.mark.parametrize(
    "name, folded",
    [("NeurIPS", "neurips"), ("ECML-PKDD", "ecmlpkdd"), ("Computing in Science & Engineering",
                                                        "computinginscienceandengineering"),
     ("Müller Conf.", "mullerconf"), ("", "")],
)
def test_normalise(name, folded):
    assert normalise(name) == folded


# --- kind words: workshops and the rest ----------------------------------------------------

@pytest.mark.parametrize(
    "venue, year, container, short, published",
    [("NeurIPS", 2023, "Workshop at the Conference on Neural Information Processing Systems", "NeurIPS", False),
     ("ICML", 2021, "Workshop at the International Conference on Machine Learning", "ICML", False),
     ("AAAI", 2021, "Workshop at the AAAI Conference on Artificial Intelligence", "AAAI", False),
     ("CVPR", 2017, "IEEE Conference on Computer Vision and Pattern Recognition Workshops", "CVPRW", True),
     ("CVPR", 2020, "IEEE/CVF Conference on Computer Vision and Pattern Recognition Workshops", "CVPRW", True),
     ("ICCV", 2019, "IEEE/CVF International Conference on Computer Vision Workshops", "ICCVW", True),
     ("ICDM", 2020, "IEEE International Conference on Data Mining Workshops", "ICDMW", True),
     ("ICDE", 2020, "IEEE 36th International Conference on Data Engineering Workshops", "ICDEW", True),
     ("WWW", 2017, "Proceedings of the 26th International Conference on World Wide Web Companion", "WWW", True),
     ("WWW", 2022, "Companion Proceedings of the Web Conference", "WWW", True),
     ("WWW", 2023, "Companion Proceedings of the ACM Web Conference", "WWW", True)],
)
def test_workshops(venue, year, container, short, published):
    found = resolve(venue, year, "Workshop")
    assert (found.container, found.short, found.published, found.workshop) == (container, short, published, True)
    assert found.kind == "proceedings"
    if not published:  # not in the main proceedings: none of their publication details apply
        assert (found.publisher, found.volume, found.series) == (None, None, None)


@pytest.mark.parametrize(
    "venue, year, kind, container",
    [("AAAI", 2024, "Symposium", "Proceedings of the AAAI Symposium Series"),
     ("EMNLP", 2020, "Findings", "Findings of the Association for Computational Linguistics"),
     ("ACL", 2021, "Findings", "Findings of the Association for Computational Linguistics"),
     ("VLDB", 2020, "Journal", "The VLDB Journal"),
     ("VLDB", 2020, "Conference", "Proceedings of the VLDB Endowment"),
     ("TKDE", 2020, "Journal", "IEEE Transactions on Knowledge and Data Engineering"),
     ("TKDE", 2020, "Transactions", "IEEE Transactions on Knowledge and Data Engineering"),
     ("CiSE", 2020, "Magazine", "Computing in Science & Engineering"),
     ("ICML", 2020, "", "Proceedings of the 37th International Conference on Machine Learning")],
)
def test_kind_words_that_choose_a_variant_or_the_venue(venue, year, kind, container):
    assert resolve(venue, year, kind).container == container


@pytest.mark.parametrize(
    "venue, year, kind",
    [("Nowhere Venue", 2020, "Conference"), ("", 2020, ""), ("   ", 2020, ""), ("ICMLL", 2020, ""),
     ("Journal of Made-Up Results", 2021, "Journal"),
     ("ICML", 2020, "Gathering"),          # a kind word ICML does not have
     ("AAAI", 2020, "Symposium"),          # AAAI's symposium proceedings start in 2023
     ("EMNLP", 2019, "Findings"),          # Findings start in 2020
     ("TKDE", 2020, "Workshop"),           # a journal has no workshops
     ("ECML PKDD", 2020, "Journal"),       # its journal track goes to two journals: unknowable
     ("TMLR", 2019, "Journal"),            # before the journal existed
     ("ICLR", 2010, "Conference")],
)
def test_unknown_gives_none(venue, year, kind):
    assert resolve(venue, year, kind) is None


@pytest.mark.parametrize(
    "year, container",
    [(2091, "Proceedings of the 100th International Joint Conference on Artificial Intelligence"),
     (2090, "Proceedings of the Ninety-Ninth International Joint Conference on Artificial Intelligence"),
     (2100, "Proceedings of the 109th International Joint Conference on Artificial Intelligence")],
)
def test_far_future_ordinals_do_not_break(year, container):
    assert resolve("IJCAI", year, "Conference").container == container


def test_resolution_is_cached_and_returns_frozen_values():
    first = resolve("NeurIPS", 2020, "Conference")
    assert resolve("NeurIPS", 2020, "Conference") is first
    with pytest.raises(AttributeError):
        first.container = "x"  # type: ignore[misc]


# --- the data file itself ------------------------------------------------------------------

def _issn_ok(issn: str) -> bool:
    digits = issn.replace("-", "")
    total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1)))
    check = (11 - total % 11) % 11
    return re.fullmatch(r"\d{4}-\d{3}[\dX]", issn) is not None and digits[7] == "0123456789X"[check]


def _kinds(entry):
    return ["", "workshop", *entry.get("variants", {})]


def _years(entry):
    start = entry.get("from", 1980)
    return [None, *range(start, 2027), 2050, 2100, 2500, 9999]


@pytest.mark.parametrize("entry_id", sorted(ENTRIES))
def test_every_entry_is_well_formed(entry_id):
    entry = ENTRIES[entry_id]
    assert TABLE.resolve_entry(entry_id, None, "") is not None
    for name in [entry["short"], *entry.get("aliases", ())]:
        assert TABLE.names[normalise(name)] == entry_id, name
    for year in _years(entry):
        for kind in _kinds(entry):
            venue = TABLE.resolve_entry(entry_id, year, kind)
            if venue is None:
                continue
            assert isinstance(venue, Venue)
            assert venue.kind in ("proceedings", "journal")
            for text in (venue.short, venue.container, venue.event):
                assert text == text.strip() and "  " not in text and "{" not in text and "}" not in text
            assert venue.short and venue.container
            # a journal has no event, unless it publishes a conference's papers (PVLDB, PACMMOD)
            assert venue.event or venue.kind == "journal", (year, kind)
            assert not re.search(r"\b(19|20)\d\d\b", venue.container), (year, kind, venue.container)
            assert " the The " not in f" {venue.container} "
            assert venue.issn is None or _issn_ok(venue.issn), venue.issn
            assert venue.volume is None or venue.volume.isdigit()


def test_the_sample_issns_check_out():
    # Pattern Recognition and Neurocomputing, as their publisher prints them
    assert _issn_ok("0031-3203") and _issn_ok("0925-2312") and not _issn_ok("0031-3204")


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["venues"][0].update(contaner="x"), "entry 'neurips': unknown key 'contaner'"),
        (lambda d: d["venues"][1].update(kind="book"), "entry 'icml': 'kind' must be"),
        (lambda d: d["venues"][0].pop("container"), "entry 'neurips': missing 'container'"),
        (lambda d: d["venues"][0]["eras"].append({"from": 2020, "until": 2019}),
         "entry 'neurips': eras[2]: 'from' is after 'until'"),
        (lambda d: d["venues"][1].update(container="Proceedings of {year}"),
         "entry 'icml': unknown placeholder {year}"),
        (lambda d: d["venues"][1]["aliases"].append("NIPS"), "'neurips' and 'icml' both claim the name 'NIPS'"),
        (lambda d: d["venues"][1].update(variants={"journal": {"use": "nowhere"}}),
         "entry 'icml': variants.journal uses the unknown entry 'nowhere'"),
        (lambda d: d["venues"][0].update(volume={"year": "2020", "number": 33}),
         "entry 'neurips': 'volume' must be"),
        (lambda d: d["venues"][2].update(id="neurips"), "the id is used twice"),
        (lambda d: d["venues"][2].update(kinds=["Journal"]), "'kinds' must list lower-case kind words"),
        (lambda d: d.pop("venues"), "'venues' list"),
    ],
)
def test_a_malformed_table_is_refused_naming_the_entry(mutate, message):
    data = copy.deepcopy(RAW)
    mutate(data)
    with pytest.raises(VenueTableError) as info:
        load_table(data)
    assert message in str(info.value)
    assert isinstance(info.value, Arrow2BibError) and isinstance(info.value, ValueError)
