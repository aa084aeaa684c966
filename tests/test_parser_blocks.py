"""Blocks the grammar cannot read: no paper vanishes into its neighbour, every one is reported
at its line, and the count check names what it cannot account for (issue 16)."""

from __future__ import annotations

import re

import pytest

import arrow2bib
from arrow2bib import Severity
from arrow2bib.checks import run_checks

from .conftest import SAMPLE

SECOND_VENUE = "NeurIPS Conference 2025 Conference Paper\n\nSemantic Retrieval"
SECOND_TITLE = "Semantic Retrieval Augmented Contrastive Learning for Sequential Recommendation"


def _sample_with(line: str) -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count(SECOND_VENUE) == 1
    return text.replace(SECOND_VENUE, line + "\n\nSemantic Retrieval")


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(
    "bad, reason",
    [
        ("NeurIPS Conference Conference Paper", "it has no year"),
        ("NeurIPS Conference 20255 Conference Paper", "'20255' is not a year of four digits"),
        ("neurips conference 2025 conference paper", "not written as the site writes one"),
        ("NeurIPS Conference \uff12\uff10\uff12\uff15 Conference Paper",
         "is not written in ASCII digits"),
        ("NeurIPS Conference 2025", "it is not '<venue> <kind> <year> <paper type>'"),
    ],
)
def test_unreadable_venue_line_is_reported_and_kept_out_of_its_neighbours(pm, bad, reason):
    text = _sample_with(bad)
    page = arrow2bib.parse(text, source="p.txt")
    # the paper before keeps exactly its own abstract; the one after is not in it
    assert page.papers[0].abstract.endswith("https://github.com/Leopold1423/toplora-neurips25.")
    assert all(SECOND_TITLE not in (p.abstract or "") for p in page.papers)
    assert all("Yunpeng Weng" not in (p.abstract or "") for p in page.papers)
    assert len(page.papers) == 12 and SECOND_TITLE not in [p.title for p in page.papers]
    (problem,) = page.problems
    assert (problem.code, problem.severity) == ("parse-error", Severity.ERROR)
    assert problem.line == _line_of(text, bad + "\n\nSemantic") and reason in problem.message
    assert problem.details["title"] == SECOND_TITLE
    assert problem.details["authors"][:2] == ["Ziqiang Cui", "Yunpeng Weng"]
    assert problem.details["abstract"].startswith("Contrastive learning has shown")
    # the count check names the block it cannot account for, at its line
    (count,) = [p for p in run_checks(page, pm=pm) if p.code == "count-mismatch"]
    assert f"line {problem.line} ('Semantic Retrieval" in count.message
    assert "1 block(s) could not be read" in count.message
    assert count.details["unread_lines"] == [problem.line]


def test_unreadable_block_exits_non_zero_and_writes_nothing(tmp_path, capsys):
    from arrow2bib.cli import main

    page = tmp_path / "p.txt"
    page.write_text(_sample_with("NeurIPS Conference Conference Paper"), encoding="utf-8")
    out = tmp_path / "out.bib"
    code = main(["convert", str(page), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    line = _line_of(page.read_text(encoding="utf-8"), "NeurIPS Conference Conference")
    assert f"{page}:{line}: error: This line, 'NeurIPS Conference Conference Paper'" in err
    assert "[parse-error]" in err


def test_a_bad_block_without_a_header_still_fails():
    """Without the page's own count nothing else would notice: the reader reports it."""
    text = _sample_with("NeurIPS Conference Conference Paper")
    body = text[text.index("NeurIPS Conference 2025"):]
    page = arrow2bib.parse(body, source="copied.txt")
    assert len(page.papers) == 12
    assert [p.code for p in page.problems] == ["parse-error"]


def test_title_and_bullets_after_an_abstract_with_no_venue_line():
    text = ("AAAI Conference 2020 Conference Paper\nFirst Title\n• Ann Lee\n"
            "The first abstract.\nSecond Title\n• Bo Chen\n• Cy Dee\nThe second abstract.\n")
    page = arrow2bib.parse(text)
    (paper,) = page.papers
    assert paper.abstract == "The first abstract."
    (problem,) = page.problems
    assert problem.line == 5 and "no venue line" in problem.message
    assert problem.details["title"] == "Second Title"
    assert problem.details["authors"] == ["Bo Chen", "Cy Dee"]
    assert problem.details["abstract"] == "The second abstract."


def test_unknown_venue_line_shape_before_title_and_bullets():
    text = ("AAAI Conference 2020 Conference Paper\nFirst Title\n• Ann Lee\n"
            "The first abstract.\nSome Strange Venue Line\nSecond Title\n• Bo Chen\n")
    page = arrow2bib.parse(text)
    assert page.papers[0].abstract == "The first abstract."
    (problem,) = page.problems
    assert problem.line == 5 and "'Some Strange Venue Line'" in problem.message


def test_paper_without_abstract_followed_by_unreadable_block():
    text = ("AAAI Conference 2020 Conference Paper\nFirst Title\n• Ann Lee\n"
            "AAAI Conference Conference Paper\nSecond Title\n• Bo Chen\nAbstract two.\n")
    page = arrow2bib.parse(text)
    (paper,) = page.papers
    assert paper.abstract is None and [a.literal for a in paper.authors] == ["Ann Lee"]
    assert [p.line for p in page.problems] == [4]


@pytest.mark.parametrize(
    "abstract",
    [
        # a list inside an abstract is not a paper boundary
        ["We contribute the following:", "- a new method", "- a data set."],
        ["Results. Our code is at https://x.org/a.", "- see also the appendix"],
    ],
)
def test_bullets_inside_an_abstract_stay_there(abstract):
    text = "\n".join(["AAAI Conference 2020 Conference Paper", "T", "• Ann Lee", *abstract])
    page = arrow2bib.parse(text)
    (paper,) = page.papers
    assert page.problems == ()
    assert paper.abstract == " ".join(abstract)


@pytest.mark.parametrize(
    "abstract",
    [
        # an abstract that starts with a list, right after the authors: its items were read
        # as two more authors (no problem said)
        ["- We propose TopLoRA, a new method.", "- Experiments show gains."],
        ["* Experiments show gains.", "We also release code."],
        # an enumeration after abstract text starts no paper, whatever its markers
        ["Our contributions are twofold", "1) Efficient Training", "2) Robust Inference"],
        ["Our contributions are twofold", "+ Efficient Training", "+ Robust Inference"],
    ],
)
def test_sentences_and_enumerations_are_not_authors(abstract):
    text = "\n".join(["AAAI Conference 2020 Conference Paper", "T", "• Ann Lee",
                     "• John Smith, Ph.D.", "• Li Fei-Fei.", *abstract])
    page = arrow2bib.parse(text)
    (paper,) = page.papers
    assert page.problems == ()
    assert [a.literal for a in paper.authors] == ["Ann Lee", "John Smith, Ph.D.", "Li Fei-Fei."]
    assert paper.abstract == " ".join(abstract)


@pytest.mark.parametrize("markers", [["1.", "2.", "3."], ["1.", "1.", "1."], ["1)", "2)", "3)"],
                                     ["+"] * 3, [">"] * 3, ["→"] * 3, ["➤"] * 3])
def test_the_list_markers_of_markdown_and_plain_text_conversions_are_bullets(markers):
    """``1. Name`` (a Markdown export of the site's list, or of an ordered one), ``+ Name``,
    ``> Name`` (quoted), ``→Name``: every paper was a parse error with no authors."""
    names = ["Shiwei Li", "Xiandi Luo", "Haozhao Wang"]
    text = "\n".join(["AAAI Conference 2020 Conference Paper", "T",
                      *(f"{m} {n}" for m, n in zip(markers, names)), "", "An abstract."])
    page = arrow2bib.parse(text)
    (paper,) = page.papers
    assert page.problems == ()
    assert [a.literal for a in paper.authors] == names
    assert paper.abstract == "An abstract."


def test_authors_before_the_title_are_reported():
    text = ("AAAI Conference 2020 Conference Paper\n• Ann Lee\n• Bo Chen\n"
            "An abstract that the reader would otherwise take for the title.\n"
            "IJCAI Conference 2019 Conference Paper\nGood Title\n• Cy Dee\n")
    page = arrow2bib.parse(text)
    assert [p.title for p in page.papers] == ["Good Title"]
    (problem,) = page.problems
    assert (problem.line, problem.severity) == (1, Severity.ERROR)
    assert "from line 2" in problem.message and "no title" in problem.message
    assert problem.details["authors"] == ["Ann Lee", "Bo Chen"]
    assert problem.details["title"].startswith("An abstract")


def test_paper_without_authors_is_an_error_at_its_line():
    text = ("AAAI Conference 2020 Conference Paper\nFirst Title\n• Ann Lee\n"
            "IJCAI Conference 2019 Conference Paper\nNo Authors Here\nIts abstract.\n")
    page = arrow2bib.parse(text)
    assert [p.title for p in page.papers] == ["First Title", "No Authors Here"]
    (problem,) = page.problems
    assert (problem.code, problem.severity, problem.line) == ("parse-error", Severity.ERROR, 4)
    assert "'No Authors Here' has no authors" in problem.message
    assert "line 6" in problem.message


def test_count_check_without_parse_errors_does_not_point_at_them(pm):
    text = SAMPLE.read_text(encoding="utf-8").replace("13 papers", "14 papers")
    page = arrow2bib.parse(text, source="p.txt")
    (problem,) = [p for p in run_checks(page, pm=pm) if p.code == "count-mismatch"]
    assert "parse error" not in problem.message
    assert "1 paper(s) are not on the page as read" in problem.message


def test_the_sample_page_reads_as_before(sample_page):
    assert len(sample_page.papers) == 13 and sample_page.problems == ()


@pytest.mark.parametrize("header", [True, False])
def test_the_first_papers_unreadable_venue_line_is_not_taken_for_the_header(header):
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("NeurIPS Conference 2025 Conference Paper\n\nBeyond",
                        "NeurIPS Conference Conference Paper\n\nBeyond", 1)
    if not header:
        text = text[text.index("NeurIPS Conference Conference Paper"):]
    page = arrow2bib.parse(text, source="p.txt")
    assert len(page.papers) == 12
    (problem,) = page.problems
    assert problem.line == _line_of(text, "NeurIPS Conference Conference Paper")
    assert problem.details["title"].startswith("Beyond Higher Rank")
    assert page.cluster == ("Xiuqiang He" if header else None)


@pytest.mark.parametrize("bullets", [True, False])
def test_a_first_paper_with_no_venue_line_is_not_swallowed_by_the_header(bullets):
    """With a page header, a title and its author lines (bullets, or one line of names)
    before any venue line are the first paper: reported at the title's line, its lines in the
    details, the others read. Before, the header took them as stray lines: 12 papers read,
    the first gone without a word."""
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "NeurIPS Conference 2025 Conference Paper\n\nBeyond", "Beyond", 1)
    if not bullets:  # the first paper's bullets as one line of names
        text = re.sub(r"(?:  \u2022 .*\n)+", lambda run: ", ".join(
            line[4:] for line in run.group().splitlines()) + "\n", text, count=1)
    page = arrow2bib.parse(text, source="p.txt")
    assert len(page.papers) == 12
    (problem,) = page.problems
    assert (problem.code, problem.severity) == ("parse-error", Severity.ERROR)
    assert problem.line == _line_of(text, "Beyond Higher Rank")
    assert "after the page header with no venue line" in problem.message
    assert problem.details["title"].startswith("Beyond Higher Rank")
    assert problem.details["authors"][0] == "Shiwei Li"
    assert problem.details["abstract"].startswith("Low-rank adaptation")
    assert page.cluster == "Xiuqiang He" and page.declared_papers == 13


# -- what a browser lays out when a page is copied (tests/test_copied_from_chromium.py) ------
HEAD = "Author name cluster\nAnn Lee\n2 papers\n1 author row\n"
FIRST = "AAAI Conference 2020 Conference Paper\nFirst Title\n• Ann Lee\nIts abstract.\n"


@pytest.mark.parametrize("label", ["Save", "Show more", "cite"])
def test_a_controls_label_between_venue_line_and_title_is_the_pages(label):
    text = f"AAAI Conference 2020 Conference Paper\n{label}\nThe Title\n• Ann Lee\nText.\n"
    page = arrow2bib.parse(text)
    assert page.problems == () and page.papers[0].title == "The Title"


def test_a_label_followed_by_author_lines_is_the_title():
    page = arrow2bib.parse("AAAI Conference 2020 Conference Paper\nSave\n• Ann Lee\nText.\n")
    assert page.problems == () and page.papers[0].title == "Save"


def test_controls_and_the_site_after_an_abstract_are_the_pages():
    text = FIRST.replace("Its abstract.\n", "Its abstract.\nShow more\n") + (
        "IJCAI Conference 2019 Conference Paper\nSecond\n• Bo Chen\nMore text.\nShow more\n"
        "\u00a9 2025 Arrow Research\n")
    page = arrow2bib.parse(text)
    assert page.problems == ()
    assert [p.abstract for p in page.papers] == ["Its abstract.", "More text."]


def test_a_footer_after_the_last_abstract_is_kept_out_of_it_and_reported():
    text = FIRST + "Terms of use\nContact us\n"
    page = arrow2bib.parse(text)
    assert page.papers[0].abstract == "Its abstract."
    (problem,) = page.problems
    assert (problem.code, problem.severity, problem.line) == ("page-chrome", Severity.INFO, 5)
    assert problem.details["text"] == ["Terms of use", "Contact us"]
    assert problem.details["lines"] == [5, 6]


@pytest.mark.parametrize("last", [
    "Our code is at https://x.org/a",  # a link
    "and more results",  # the line before ends no sentence: the abstract goes on
])
def test_an_abstracts_own_last_line_stays(last):
    abstract = "Its abstract, in parts" if last.startswith("and") else "Its abstract."
    page = arrow2bib.parse(FIRST.replace("Its abstract.", f"{abstract}\n{last}"))
    assert page.problems == () and page.papers[0].abstract == f"{abstract} {last}"


@pytest.mark.parametrize("line, names", [
    # chips with nothing between them: cut where a lower-case letter meets a capital
    ("Ann LeeBo ChenXue (Steve) Liu", ["Ann Lee", "Bo Chen", "Xue (Steve) Liu"]),
    # a capital inside a name: the piece of one word joins the name before it
    ("Yann LeCunAnn McDonaldBo Chen", ["Yann LeCun", "Ann McDonald", "Bo Chen"]),
    # chips with spaces between them: a line too long for one name, two words a name
    ("Ann Lee Bo Chen Xue (Steve) Liu Maarten de Rijke",
     ["Ann Lee", "Bo Chen", "Xue (Steve) Liu", "Maarten de Rijke"]),
])
def test_names_laid_out_on_one_line(line, names):
    page = arrow2bib.parse(f"AAAI Conference 2020 Conference Paper\nT\n{line}\nText.\n")
    assert page.problems == ()
    assert [a.literal for a in page.papers[0].authors] == names
    assert page.papers[0].abstract == "Text."


@pytest.mark.parametrize("line", [
    "Ann Lee Bo Chen Cy Dee Eve",  # an odd number of words: which name has three?
    "Ann Lee Bo Chen Cy Dee with Eve Fay",  # a word no name has
])
def test_names_on_one_line_that_cannot_be_told_apart_are_reported(line):
    page = arrow2bib.parse(f"AAAI Conference 2020 Conference Paper\nT\n{line}\nText.\n")
    assert page.papers[0].authors == ()
    (problem,) = page.problems
    assert "has no authors" in problem.message and problem.line == 1


def test_one_name_a_line_is_not_cut_at_a_capital_inside_it():
    page = arrow2bib.parse("AAAI Conference 2020 Conference Paper\nT\nMary DeSouza Smith\n"
                           "Bo Chen\nText.\n")
    assert [a.literal for a in page.papers[0].authors] == ["Mary DeSouza Smith", "Bo Chen"]


def test_a_table_rows_cells_on_one_line_are_its_fields():
    text = (HEAD + "Venue\tTitle\tAuthors\n"
            "AAAI Conference 2020 Conference Paper\tFirst Title\tAnn Lee; Bo Chen\tText.\n"
            "IJCAI Conference 2019 Conference Paper\tSecond Title\t\n\nCy Dee\n\n\tMore.\n")
    page = arrow2bib.parse(text)
    assert page.problems == ()
    assert [(p.title, p.line, [a.literal for a in p.authors], p.abstract)
            for p in page.papers] == [
        ("First Title", 6, ["Ann Lee", "Bo Chen"], "Text."),
        ("Second Title", 7, ["Cy Dee"], "More.")]


def test_a_table_whose_cells_hold_lines_reads_each_cell_as_lines():
    """A table row whose first cell holds the venue line and the title (``<br>`` between),
    its second the names a line each, its third the abstract: a browser's copy has the
    venue line alone, then the title and the first name with a tab between, the names, and
    the last name and the abstract with a tab between (tests/test_copied_from_chromium.py
    has Chromium's own copy). Before, the first name went into the title and the last into
    the abstract, in silence."""
    text = (HEAD + "AAAI Conference 2020 Conference Paper\nFirst Title\tAnn Lee\nBo Chen\n"
            "Cy Dee\tText of it.\nIJCAI Conference 2019 Conference Paper\n"
            "Second Title\tDan Eve\tMore.\n")
    page = arrow2bib.parse(text)
    assert page.problems == ()
    assert [(p.title, [a.literal for a in p.authors], p.abstract) for p in page.papers] == [
        ("First Title", ["Ann Lee", "Bo Chen", "Cy Dee"], "Text of it."),
        ("Second Title", ["Dan Eve"], "More.")]


def test_tabs_in_an_abstract_read_as_spaces():
    page = arrow2bib.parse(FIRST + "We find\tthat it\tholds.\n")
    assert page.papers[0].abstract == "Its abstract. We find that it holds."


def test_tabs_that_are_no_table_row_are_spaces():
    page = arrow2bib.parse("AAAI\tConference\t2020\tConference\tPaper\nT\n\t•\tAnn Lee\n")
    assert page.problems == () and page.papers[0].authors[0].literal == "Ann Lee"


def test_a_header_without_its_cluster_line_names_the_cluster_in_a_heading():
    text = ("Home\nAnn Lee\nPossible papers associated with this exact author name.\n"
            "2 papers\n1 author row\nPossible papers\n" + FIRST)
    page = arrow2bib.parse(text)
    assert (page.cluster, page.declared_papers, page.author_rows) == ("Ann Lee", 2, 1)
    assert page.problems == ()


@pytest.mark.parametrize("before", [
    "Home\nAbout\nSign In\n",  # a menu: one word, or a control's label
    "Ann Lee\nSearch the site\n",  # a name, then a line that is no description
])
def test_a_header_without_its_cluster_line_takes_no_menu_for_the_name(before):
    page = arrow2bib.parse(before + "2 papers\n1 author row\n" + FIRST)
    assert page.cluster is None and page.declared_papers == 2


def test_lines_with_clause_punctuation_end_an_abstract_as_its_own():
    page = arrow2bib.parse(FIRST + "Keywords: ranking, search\n")
    assert page.problems == ()
    assert page.papers[0].abstract == "Its abstract. Keywords: ranking, search"


def test_a_list_in_the_header_is_no_paper():
    text = HEAD.replace("2 papers\n", "2 papers\nAffiliations\n\u2022 Example University, X\n")
    page = arrow2bib.parse(text + FIRST)
    assert page.problems == () and len(page.papers) == 1
def _crowded_page(authors: int) -> tuple[str, int]:
    """A page whose second paper has ``authors`` author lines (the first and third are
    ordinary), and the line of its author line number MAX_AUTHOR_LINES + 1, if any."""
    from arrow2bib.read.grammar import MAX_AUTHOR_LINES

    head = ("Arrow Research search\n\nAuthor name cluster\n\nAnn Lee\n\n3 papers\n\n"
            "AAAI Conference 2020 Conference Paper\n\nA First Paper\n\n  • Ann Lee\n\n")
    crowd = "".join(f"  • Author{i % 977} Family{i % 991}a\n"  # no trailing digit: a mark
                    for i in range(authors))
    text = (head + "NeurIPS Conference 2021 Conference Paper\n\nA Crowded Paper\n\n" + crowd
            + "\nIts abstract.\n\nICML Conference 2022 Conference Paper\n\nA Third Paper\n\n"
            + "  • Ann Lee\n")
    first = head.count("\n") + 5  # the crowded paper's first author line
    return text, first + MAX_AUTHOR_LINES


def test_too_many_author_lines_is_an_error_at_the_first_line_past_them():
    from arrow2bib.read.grammar import MAX_AUTHOR_LINES

    text, past = _crowded_page(MAX_AUTHOR_LINES + 25)
    assert text.splitlines()[past - 1].startswith("  • Author")
    page = arrow2bib.parse(text, source="crowded.txt")
    assert [p.title for p in page.papers] == ["A First Paper", "A Third Paper"]
    [problem] = [p for p in page.problems if p.code == "parse-error"]
    assert (problem.severity, problem.source, problem.line) == (Severity.ERROR, "crowded.txt",
                                                                past)
    assert "'A Crowded Paper' has 10,025 author lines, more than the 10,000" in problem.message
    assert problem.details["skipped"] and problem.details["author_lines"] == 10_025
    assert problem.details["paper_line"] == text.splitlines().index(
        "NeurIPS Conference 2021 Conference Paper") + 1
    assert len(problem.details["authors"]) == 8  # not all of them: they are not kept
    problems = run_checks(page)
    [count] = [p for p in problems if p.code == "count-mismatch"]
    assert count.details["unread_lines"] == [past]


def test_the_limit_itself_is_read():
    from arrow2bib.read.grammar import MAX_AUTHOR_LINES

    page = arrow2bib.parse(_crowded_page(MAX_AUTHOR_LINES)[0], source="full.txt")
    assert not page.problems
    assert len(page.papers[1].authors) == MAX_AUTHOR_LINES


def test_too_many_author_lines_exits_non_zero(tmp_path, capsys):
    from arrow2bib.cli import main
    from arrow2bib.read.grammar import MAX_AUTHOR_LINES

    text, past = _crowded_page(MAX_AUTHOR_LINES + 1)
    page = tmp_path / "p.txt"
    page.write_text(text, encoding="utf-8")
    out = tmp_path / "out.bib"
    assert main(["convert", str(page), "-o", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert f"{page}:{past}: error: The paper 'A Crowded Paper' has 10,001 author lines" in err
    assert out.read_text(encoding="utf-8").count("@") == 2


@pytest.mark.parametrize("width", [40, 60, 80])
def test_hard_wrapped_titles_and_abstracts_read_as_the_sample(width):
    """A page saved or copied with its lines cut at a width (``fold``, an e-mail, a terminal):
    a title cut into two lines was one paper without authors and one without a venue line,
    two errors a paper. Venue lines and bullets are short enough to stay whole."""
    import textwrap

    text = SAMPLE.read_text(encoding="utf-8")
    sample = arrow2bib.parse(text)
    lines = []
    for line in text.splitlines():  # every line, as fold -s does (the header's too)
        lines += textwrap.wrap(line, width, break_on_hyphens=False) or [line]
    wrapped = "\n".join(lines)
    assert len(lines) > len(text.splitlines()) + 50
    assert any(line.startswith("Beyond Higher Rank") and len(line) < 90 for line in lines)
    page = arrow2bib.parse(wrapped)
    assert page.problems == sample.problems
    assert [p.title for p in page.papers] == [p.title for p in sample.papers]
    assert [p.authors for p in page.papers] == [p.authors for p in sample.papers]
    assert [p.abstract for p in page.papers] == [p.abstract for p in sample.papers]


@pytest.mark.parametrize("between", ["Share", "NeurIPS Conference Conference Paper", "Oral",
                                     "Spotlight Presentation", "Open Access", "Cited by 12",
                                     "arXiv:2310.12345", "NeurIPS 2025",
                                     "Proceedings of the AAAI Conference, 34(04)"])
def test_what_is_no_title_s_rest_is_not_joined_to_it(between):
    """A control's label, or a venue line the reader cannot read, between a title and the
    bullets is not the title's rest (the existing reports stand)."""
    text = "\n".join(["AAAI Conference 2020 Conference Paper", "A Title Without Authors",
                      between, "Next Title", "• Ann Lee", "An abstract."])
    page = arrow2bib.parse(text)
    assert all(p.title in ("A Title Without Authors", "Next Title") for p in page.papers)
    assert page.problems  # reported, as before
    # a page chrome's line between a title and its bullets (a badge, a count), on a page
    # whose lines no wrap cut: never joined to the title (it was: "... Influence Function
    # Oral"), reported as before
    base = SAMPLE.read_text(encoding="utf-8")
    title = ("Beyond Higher Rank: Token-wise Input-Output Projections for Efficient Low-Rank "
             "Adaptation")
    page = arrow2bib.parse(base.replace(title, f"{title}\n{between}", 1))
    assert page.papers[0].title == title or page.papers[0].title == between
    assert any(p.severity is Severity.ERROR for p in page.problems)


@pytest.mark.parametrize("bullet", ["• ", ""])
def test_role_labels_after_names_are_left_out_with_a_note(bullet):
    """``Shiwei Li (author)``: a page's text for screen readers, in a browser's copy. With
    bullets the label was read as the nickname "author"; without, no line read as a name
    (a parse error per paper). A skip link's label after an abstract ending in a link went
    into the abstract."""
    text = "\n".join(["AAAI Conference 2020 Conference Paper", "A Title",
                      f"{bullet}Ann Lee (author)", f"{bullet}Bo Chen (Corresponding author)",
                      f"{bullet}Xue (Steve) Liu", f"{bullet}Cy Wu (author) (corresponding author)",
                      "",
                      "An abstract. The code: https://github.com/a/b", "Skip to content"])
    page = arrow2bib.parse(text)
    (paper,) = page.papers
    assert [a.literal for a in paper.authors] == ["Ann Lee", "Bo Chen", "Xue (Steve) Liu",
                                                  "Cy Wu"]
    assert [a.nickname for a in paper.authors] == [None, None, "Steve", None]
    assert paper.abstract == "An abstract. The code: https://github.com/a/b"
    (note,) = page.problems
    assert note.code == "page-chrome" and "role labels" in note.message
    assert note.details["names"] == ["Ann Lee (author)", "Bo Chen (Corresponding author)",
                                     "Cy Wu (author) (corresponding author)"]


# -- found by the QA review of this round's reading rules (each fails without its fix) -------
def _one(*lines: str):
    page = arrow2bib.parse("\n".join(["AAAI Conference 2020 Conference Paper", *lines]))
    return page, page.papers


def test_a_venue_line_cut_before_its_last_word_is_not_the_title_s_start():
    """``fold -s -w 35``: "NeurIPS Conference 2025 Conference" / "Paper" gave every title a
    first word "Paper" (the title's own lines joined to it), with no problem."""
    page = arrow2bib.parse("NeurIPS Conference 2025 Conference\nPaper\nDeep Learning for "
                           "Everything and\nAnything Else\n• Jane Doe\nAn abstract.")
    (paper,) = page.papers
    assert (paper.title, paper.paper_type) == ("Deep Learning for Everything and Anything Else",
                                               "Conference Paper")
    assert page.problems == ()


@pytest.mark.parametrize("between", [["NeurIPS Conference 2024"],
                                     ["NeurIPS Conference 2024", "Conference Paper"]])
def test_a_venue_line_cut_in_two_is_not_a_title_s_rest(between):
    """A paper without authors took the next paper's cut venue line, title and authors."""
    page, papers = _one("A Paper Without Authors", *between, "Graph Learning at Scale",
                        "• Jane Doe", "We study graphs.")
    assert "A Paper Without Authors" in [p.title for p in papers]
    assert all("Graph Learning" not in p.title or p.title == "Graph Learning at Scale"
               for p in papers)
    assert any(p.code == "parse-error" for p in page.problems)


def test_the_authors_label_after_a_wrapped_title_is_no_part_of_it():
    page, (paper,) = _one("Graph Learning at Scale with Very Long", "Titles That Wrap",
                          "Authors", "• Jane Doe", "• Bo Chen", "We study graphs.")
    assert paper.title == "Graph Learning at Scale with Very Long Titles That Wrap"
    assert [a.literal for a in paper.authors] == ["Jane Doe", "Bo Chen"]


@pytest.mark.parametrize("name", ["Pedro Henrique de Oliveira dos Santos Jr.",
                                  "Wei Zhang (Huawei Noah's Ark Lab).", "João Filho.",
                                  # particles parse_name has no use for, and prefixes
                                  "Juan Carlos de los Reyes", "Maria Teresa dalla Chiesa",
                                  "Tim op de Beeck", "Pieter in 't Veld",
                                  "María de las Mercedes Ruiz", "Rafael dal Molin Ferreira",
                                  "Muhammad ibn Musa al-Khwarizmi", "Mohamed Abd el-Kader Ali"])
def test_long_names_ending_in_a_full_stop_stay_authors(name):
    page, (paper,) = _one("T", "• Jane Doe", f"• {name}", "• Bo Chen", "An abstract.")
    assert [a.literal for a in paper.authors][::2] == ["Jane Doe", "Bo Chen"]
    assert len(paper.authors) == 3 and paper.abstract == "An abstract."


@pytest.mark.parametrize("items", [["1) Efficient Training", "2) Robust Inference"],
                                   ["1. Introduction", "We study graphs."],
                                   ["+ Efficient Training", "+ Robust Inference"]])
def test_list_items_after_bullets_are_the_abstract(items):
    page, (paper,) = _one("T", "• Jane Doe", "• Bo Chen", *items, "We propose both.")
    assert [a.literal for a in paper.authors] == ["Jane Doe", "Bo Chen"]
    assert paper.abstract == " ".join([*items, "We propose both."])


def test_a_bullet_cut_by_a_hard_wrap_is_text():
    lines = ["- We propose GraphX, a scalable model for", "learning on billion-edge graphs.",
             "- We show that it beats prior work on", "three benchmarks."]
    page, (paper,) = _one("T", "• Jane Doe", "• Bo Chen", *lines)
    assert [a.literal for a in paper.authors] == ["Jane Doe", "Bo Chen"]
    assert paper.abstract == " ".join(lines)


def test_an_abstract_line_that_starts_with_an_arrow_stays_in_it():
    """A wrapped abstract whose line starts at '→ SQL Queries': the abstract was cut there."""
    lines = ["We study parsing. Our pipeline maps Natural Language Questions",
             "→ SQL Queries → Execution Results", "Efficient Decoding", "→ Better Answers."]
    page, (paper,) = _one("T", "• Jane Doe", *lines)
    assert paper.abstract == " ".join(lines) and page.problems == ()


def test_a_title_with_a_kind_and_year_before_a_dash_is_a_title():
    page = arrow2bib.parse("Preprint Report 2024 Technical Report\n"
                           "The AI Index Report 2024 – Measuring Trends in AI\n• Jane Doe\n")
    (paper,) = page.papers
    assert paper.title == "The AI Index Report 2024 – Measuring Trends in AI"
