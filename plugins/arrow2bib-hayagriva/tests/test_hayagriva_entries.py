"""The mapping from arrow2bib's model to Hayagriva entries, checked in the YAML we write and
in what Typst's Hayagriva reads from it (the probe style prints each CSL variable)."""

from __future__ import annotations

import io

import pytest
import yaml
from arrow2bib import AuthorStatus, Entry, ExportOptions, Paper, Person, Severity

from arrow2bib_hayagriva import HayagrivaExporter
from arrow2bib_hayagriva.entries import (
    ENTRY_TYPES,
    hayagriva_entry,
    hayagriva_person,
    hayagriva_url,
)


def person(given: str | None, family: str | None, literal: str | None = None,
           **parts: str) -> Person:
    shown = literal or " ".join(p for p in (given, parts.get("particle"), family) if p)
    return Person(literal=shown, given=given, family=family, **parts)


GUO = person("Huifeng", "Guo")
TANG = person("Ruiming", "Tang")
HE = person("Xiuqiang", "He")


def make_paper(**overrides: object) -> Paper:
    fields: dict[str, object] = dict(
        title="DeepFM: A Factorization-Machine based Neural Network for CTR Prediction",
        authors=(GUO, TANG, HE),
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


def export(*papers: Paper) -> tuple[str, list]:
    """Export papers under keys p0, p1...; return (YAML text, problems reported)."""
    problems: list = []
    out = io.StringIO()
    HayagrivaExporter().export([Entry(key=f"p{i}", paper=p) for i, p in enumerate(papers)],
                               out, ExportOptions(report=problems.append))
    return out.getvalue(), problems


def test_conference_paper(probe) -> None:
    text, problems = export(make_paper())
    assert problems == []
    entry = yaml.safe_load(text)["p0"]
    assert entry["type"] == "article"
    assert entry["date"] == "2017"
    assert entry["author"] == ["Guo, Huifeng", "Tang, Ruiming", "He, Xiuqiang"]
    assert entry["parent"][0]["type"] == "proceedings"
    assert entry["parent"][1]["type"] == "conference"
    shown = probe(text, ["p0"])["p0"]
    assert shown["KIND"] == "paper-conference"  # Hayagriva's CSL type for article > proceedings
    assert shown["TI"] == "DeepFM: A Factorization-Machine based Neural Network for CTR Prediction"
    assert shown["AU"] == "Guo, Huifeng; Tang, Ruiming; He, Xiuqiang"
    assert shown["CT"] == ("Proceedings of the Twenty-Sixth International Joint Conference on "
                           "Artificial Intelligence")
    assert shown["EV"] == "International Joint Conference on Artificial Intelligence"
    assert shown["PB"] == "International Joint Conferences on Artificial Intelligence Organization"
    assert shown["PY"] == "2017"
    assert shown["UR"] == "https://github.com/a/b"
    # bold markers dropped; TeX math kept as its source, not run as Typst math
    assert shown["AB"] == "We propose DeepFM, with $\\Sigma_X$ math."
    assert "NO" not in shown  # a complete author list needs no note


@pytest.mark.parametrize(
    ("paper_type", "venue_kind", "venue", "kind"),
    [
        ("Conference Paper", "Conference", "NeurIPS", "paper-conference"),
        ("Short Paper", "Conference", "AAAI", "paper-conference"),
        ("Journal Article", "Journal", "Some Journal of Things", "article-journal"),
        ("", "Journal", "Some Journal of Things", "article-journal"),
        ("", "Workshop", "Some Workshop", "paper-conference"),
        ("Book Chapter", "", "A Book", "chapter"),
        ("Thesis", "", "A University", "thesis"),
        ("Preprint", "", "arXiv", "article"),
    ],
)
def test_entry_types_reach_csl(probe, paper_type: str, venue_kind: str, venue: str,
                               kind: str) -> None:
    text, _ = export(make_paper(paper_type=paper_type, venue_kind=venue_kind, venue=venue))
    assert probe(text, ["p0"])["p0"]["KIND"] == kind


def test_every_paper_type_maps_to_a_known_hayagriva_type() -> None:
    hayagriva_types = {"article", "chapter", "thesis", "misc", "proceedings", "periodical",
                       "book", "repository", "conference"}
    for entry_type, parent_type in ENTRY_TYPES.values():
        assert entry_type in hayagriva_types
        assert parent_type is None or parent_type in hayagriva_types


def test_unknown_venue_is_kept_as_written(probe) -> None:
    text, _ = export(make_paper(venue="WhoKnowsConf", venue_kind="Conference"))
    shown = probe(text, ["p0"])["p0"]
    assert shown["CT"] == "WhoKnowsConf"
    assert "EV" not in shown and "PB" not in shown


def test_thesis_keeps_its_venue_as_organization() -> None:
    text, _ = export(make_paper(paper_type="Thesis", venue="Some University", venue_kind=""))
    entry = yaml.safe_load(text)["p0"]
    assert entry["organization"] == "Some University" and "parent" not in entry


def test_volume_from_the_venue_table(probe) -> None:
    text, _ = export(make_paper(venue="NeurIPS", year=2020))
    shown = probe(text, ["p0"])["p0"]
    assert shown["CT"] == "Advances in Neural Information Processing Systems"
    assert shown["VL"] == "33"


def test_book_series_is_the_collection(probe) -> None:
    text, _ = export(make_paper(venue="ICML", year=2020))
    shown = probe(text, ["p0"])["p0"]
    assert shown["CT"] == "Proceedings of the 37th International Conference on Machine Learning"
    assert shown["CO"] == "Proceedings of Machine Learning Research"
    assert shown["EV"] == "International Conference on Machine Learning"
    assert (shown["PB"], shown["VL"]) == ("PMLR", "119")


def test_workshop_without_proceedings_is_an_event(probe) -> None:
    text, _ = export(make_paper(venue="ICML", year=2020, venue_kind="Workshop",
                                paper_type="Workshop Paper"))
    assert yaml.safe_load(text)["p0"]["parent"]["type"] == "conference"
    shown = probe(text, ["p0"])["p0"]
    assert shown["EV"] == "Workshop at the International Conference on Machine Learning"
    # no published proceedings: not a paper-conference (Hayagriva still names the event
    # as the container)
    assert shown["KIND"] == "article"


def test_journal_article(probe) -> None:
    text, _ = export(make_paper(venue="TKDE", year=2020, venue_kind="Journal",
                                paper_type="Journal Article"))
    shown = probe(text, ["p0"])["p0"]
    assert shown["KIND"] == "article-journal"
    assert shown["CT"] == "IEEE Transactions on Knowledge and Data Engineering"
    assert (shown["PB"], shown["SN"]) == ("IEEE", "1041-4347")
    assert "EV" not in shown


@pytest.mark.parametrize(
    ("status", "note"),
    [
        (AuthorStatus.TRUNCATED,
         "Author list truncated: the source page shows only 3 of the authors."),
        (AuthorStatus.MAY_BE_TRUNCATED,
         ("Author list may be incomplete: the source page shows 3 authors, "
          "the most it shows for a paper.")),
    ],
)
def test_cut_author_list_is_said_in_note_never_as_an_author(probe, status, note) -> None:
    text, _ = export(make_paper(authors_status=status))
    entry = yaml.safe_load(text)["p0"]
    assert entry["author"] == ["Guo, Huifeng", "Tang, Ruiming", "He, Xiuqiang"]
    shown = probe(text, ["p0"])["p0"]
    assert shown["AU"] == "Guo, Huifeng; Tang, Ruiming; He, Xiuqiang"
    assert "other" not in shown["AU"].lower()
    assert shown["NO"] == note


@pytest.mark.parametrize("fake", ["others", "and others", "et al.", "Et al"])
def test_a_fake_others_author_is_dropped_and_reported(fake: str) -> None:
    text, problems = export(make_paper(authors=(GUO, Person(literal=fake))))
    assert yaml.safe_load(text)["p0"]["author"] == ["Guo, Huifeng"]
    assert [p.details["dropped"] for p in problems] == [[fake]]


@pytest.mark.parametrize(
    ("who", "written"),
    [
        (person("Shao-Lun", "Huang"), "Huang, Shao-Lun"),
        (person("Martin Luther", "King", suffix="Jr."), "King, Martin Luther, Jr."),
        (Person(literal="UNICEF"), "UNICEF"),
        # the string form would be misread: a mapping instead
        (Person(literal="bell hooks"), {"name": "bell hooks"}),
        (Person(literal="Barnes, Noble and Co"), {"name": "Barnes, Noble and Co"}),
        (person("Ana", "dos Santos"), {"name": "dos Santos", "given-name": "Ana"}),
        (person("Anne", "Smith, Jones"), {"name": "Smith, Jones", "given-name": "Anne"}),
        # a particle stays in the name: Hayagriva's non-dropping particle
        (person("Maarten", "Rijke", particle="de"), {"name": "de Rijke", "given-name": "Maarten"}),
        (person("Ursula", "Leyen", particle="von der"),
         {"name": "von der Leyen", "given-name": "Ursula"}),
        (person("Pieter", "Graaf", particle="De"), "De Graaf, Pieter"),  # read back as is
        (person(None, "Cher", suffix="Jr."), {"name": "Cher", "suffix": "Jr."}),
    ],
)
def test_hayagriva_person(who: Person, written: object) -> None:
    assert hayagriva_person(who) == written


def test_names_reach_typst_intact(probe) -> None:
    authors = (person("Shao-Lun", "Huang"), Person(literal="bell hooks"),
               person("Ana", "dos Santos"), person("Anne", "Smith, Jones"),
               person("Martin Luther", "King", suffix="Jr."),
               Person(literal="O'Brien #1 $x$ {y} [z] <w> @v *u* _t_"),
               person("Maarten", "Rijke", particle="de"))
    shown = probe(export(make_paper(authors=authors))[0], ["p0"])["p0"]
    names = shown["AU"].split("; ")
    assert names[0] == "Huang, Shao-Lun"
    assert names[1] == "bell hooks"
    assert names[2] == "dos Santos, Ana"  # not "Santos, Ana dos": the particle stays
    assert names[3] == "Smith, Jones, Anne"
    # (Hayagriva's sort order puts the suffix second: "King, Jr., Martin Luther")
    assert names[4].startswith("King,") and "Martin Luther" in names[4] and "Jr." in names[4]
    assert names[5] == "O'Brien #1 $x$ {y} [z] <w> @v *u* _t_"  # names are plain strings
    assert names[6] == "de Rijke, Maarten"


def test_particles_are_non_dropping_in_apa(render) -> None:
    # APA keeps a non-dropping particle in front ("de Rijke, M."), a dropping one after
    shown = render(export(make_paper(authors=(person("Maarten", "Rijke", particle="de"),)))[0],
                   ["p0"], style="apa")
    assert "de Rijke, M." in shown.text


def test_nickname_is_left_out_and_reported() -> None:
    liu = Person(literal="Xue (Steve) Liu", given="Xue", family="Liu", nickname="Steve")
    text, problems = export(make_paper(authors=(GUO, liu)))
    assert yaml.safe_load(text)["p0"]["author"] == ["Guo, Huifeng", "Liu, Xue"]
    assert "Steve" not in text
    assert [p.details["authors"] for p in problems] == [["Xue (Steve) Liu"]]
    assert problems[0].severity is Severity.INFO and problems[0].key == "p0"


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://github.com/Leopold1423/toplora-neurips25", True),
        ("https://anonymous.4open.science/r/OptFeature-Anonymous", True),
        ("http://example.org:8080/a?b=c#d", True),
        ("https://example.org", True),
        ("not a url", False),
        ("https://exa mple.com/x", False),
        ("http://[bad", False),
        ("ftp://example.org/file", False),
        ("github.com/a/b", False),
    ],
)
def test_url_check(url: str, accepted: bool) -> None:
    assert (hayagriva_url(url) is not None) is accepted


@pytest.mark.parametrize("url", ["not a url", "https://exa mple.com/x", "http://[bad"])
def test_typst_rejects_the_whole_file_for_a_bad_url(render, url: str) -> None:
    # why the check exists: one bad url field and Typst refuses the bibliography
    import typst

    bad = f'"p0":\n  type: "article"\n  title: "T"\n  url: "{url}"\n'
    with pytest.raises(typst.TypstError, match="url"):
        render(bad, ["p0"])


def test_urls_other_than_the_first_good_one_go_to_note(probe) -> None:
    urls = ("https://exa mple.com/x", "https://github.com/a/b", "https://github.com/c/{d}")
    text, problems = export(make_paper(urls=urls))
    shown = probe(text, ["p0"])["p0"]
    assert shown["UR"] == "https://github.com/a/b"
    assert shown["NO"] == "Also at: https://github.com/c/{d}, https://exa mple.com/x."
    assert [p.details.get("urls") for p in problems] == [["https://exa mple.com/x"]]


def test_control_characters_are_removed_and_reported(probe) -> None:
    text, problems = export(make_paper(title="Deep\x00FM:\nA\tmodel"))
    assert probe(text, ["p0"])["p0"]["TI"] == "DeepFM: A model"
    assert problems and problems[0].details["fields"] == ["title"]


def test_out_of_range_year_is_reported() -> None:
    text, problems = export(make_paper(year=12345))
    assert "date" not in yaml.safe_load(text)["p0"]
    assert problems[0].details["year"] == 12345


def test_minimal_paper(probe) -> None:
    text, problems = export(Paper(title="Only a title"))
    assert yaml.safe_load(text) == {"p0": {"type": "misc", "title": "Only a title"}}
    assert probe(text, ["p0"])["p0"]["TI"] == "Only a title"
    assert problems == []


def test_entry_fields_come_in_a_fixed_order() -> None:
    fields = hayagriva_entry(Entry(key="k", paper=make_paper(
        authors_status=AuthorStatus.TRUNCATED)))
    assert list(fields) == ["type", "title", "author", "date", "parent", "url", "abstract",
                            "note"]


def test_no_entries_write_an_empty_mapping() -> None:
    assert yaml.safe_load(export()[0]) == {}
