"""The grammar, on the real sample page and on the damage saving and copying do to it."""

from __future__ import annotations

import dataclasses
import re

import pytest

import arrow2bib
from arrow2bib import AuthorStatus, InputError, Severity
from arrow2bib.read.grammar import read_venue_line

from .conftest import SAMPLE

# (title, venue, kind, year, paper type, number of authors shown, status)
EXPECTED = [
    ("Beyond Higher Rank: Token-wise Input-Output Projections for Efficient Low-Rank Adaptation",
     "NeurIPS", "Conference", 2025, "Conference Paper", 8, "may-be-truncated"),
    ("Semantic Retrieval Augmented Contrastive Learning for Sequential Recommendation",
     "NeurIPS", "Conference", 2025, "Conference Paper", 8, "truncated"),
    ("Towards Hybrid-grained Feature Interaction Selection for Deep Sparse Network",
     "NeurIPS", "Conference", 2023, "Conference Paper", 8, "may-be-truncated"),
    ("Regularization Penalty Optimization for Addressing Data Quality Variance in OoD Algorithms",
     "AAAI", "Conference", 2022, "Conference Paper", 8, "may-be-truncated"),
    ("Deep Learning for Click-Through Rate Estimation",
     "IJCAI", "Conference", 2021, "Conference Paper", 5, "complete"),
    ("Graph Heterogeneous Multi-Relational Recommendation",
     "AAAI", "Conference", 2021, "Conference Paper", 8, "may-be-truncated"),
    ("Modeling High-order Interactions across Multi-interests for Micro-video Reommendation "
     "(Student Abstract)", "AAAI", "Conference", 2021, "Short Paper", 7, "complete"),
    ("UNBERT: User-News Matching BERT for News Recommendation",
     "IJCAI", "Conference", 2021, "Conference Paper", 7, "complete"),
    ("Counterfactual Contrastive Learning for Weakly-Supervised Vision-Language Grounding",
     "NeurIPS", "Conference", 2020, "Conference Paper", 5, "complete"),
    ("Less Is Better: Unweighted Data Subsampling via Influence Function",
     "AAAI", "Conference", 2020, "Conference Paper", 5, "complete"),
    ("Leveraging Title-Abstract Attentive Semantics for Paper Recommendation",
     "AAAI", "Conference", 2020, "Conference Paper", 6, "complete"),
    ("DeepFM: A Factorization-Machine based Neural Network for CTR Prediction",
     "IJCAI", "Conference", 2017, "Conference Paper", 5, "complete"),
    ("Personalized Tag Recommendation through Nonlinear Tensor Factorization Using Gaussian "
     "Kernel", "AAAI", "Conference", 2015, "Conference Paper", 5, "complete"),
]


def _summary(paper):
    return (paper.title, paper.venue, paper.venue_kind, paper.year, paper.paper_type,
            len(paper.authors), paper.authors_status.value)


def test_sample_header(sample_page):
    assert sample_page.cluster == "Xiuqiang He"
    assert sample_page.declared_papers == 13
    assert sample_page.author_rows == 1
    assert sample_page.problems == ()


def test_sample_papers(sample_page):
    assert [_summary(p) for p in sample_page.papers] == EXPECTED


def test_sample_authors_in_order(sample_page):
    deepfm = sample_page.papers[11]
    assert [a.literal for a in deepfm.authors] == [
        "Huifeng Guo", "Ruiming Tang", "Yunming Ye", "Zhenguo Li", "Xiuqiang He"]
    sra = sample_page.papers[1]
    assert [a.literal for a in sra.authors] == [
        "Ziqiang Cui", "Yunpeng Weng", "Xing Tang", "Xiaokun Zhang", "Shiwei Li",
        "Peiyang Liu", "Bowei He", "Dugang Liu"]
    xue = sample_page.papers[2].authors[7]
    assert (xue.literal, xue.given, xue.family, xue.nickname) == (
        "Xue (Steve) Liu", "Xue", "Liu", "Steve")
    huang = sample_page.papers[3].authors[6]
    assert (huang.given, huang.family) == ("Shao-Lun", "Huang")


def test_sample_urls_and_repair(sample_page):
    toplora = sample_page.papers[0]
    assert toplora.urls == ("https://github.com/Leopold1423/toplora-neurips25",)
    assert toplora.abstract.endswith(
        "The code is available at https://github.com/Leopold1423/toplora-neurips25.")
    assert "(i.e., token-wise input-output projections)" in toplora.abstract
    assert "**Token-wise Projected Low-Rank Adaptation (TopLoRA)**" in toplora.abstract
    assert "$B\\Sigma_X A$" in toplora.abstract
    assert "https: //github. com" in toplora.raw_abstract
    urls = [u for p in sample_page.papers for u in p.urls]
    assert urls == [
        "https://github.com/Leopold1423/toplora-neurips25",
        "https://github.com/ziqiangcui/SRA-CL",
        "https://anonymous.4open.science/r/OptFeature-Anonymous",
        "https://github.com/chenchongthu/GHCF",
    ]
    assert "(e.g., view, click, add-to-cart, etc)" in sample_page.papers[5].abstract


def test_sample_provenance(sample_page):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    for paper in sample_page.papers:
        assert paper.source == str(SAMPLE)
        venue_line = lines[paper.line - 1]
        assert venue_line.startswith(paper.venue) and str(paper.year) in venue_line


def _without_provenance(page):
    return [dataclasses.replace(p, source="", line=0) for p in page.papers]


def _damage(text: str, how: str) -> str:
    lines = text.split("\n")
    if how == "crlf":
        return text.replace("\n", "\r\n")
    if how == "bom":
        return "\ufeff" + text
    if how == "trailing-spaces":
        return "\n".join(line + "  \t" for line in lines)
    if how == "nbsp":
        return text.replace(" ", "\u00a0")
    if how == "tabs":
        return "\n".join("\t" + line if line.startswith("  •") else line for line in lines)
    if how == "no-blank-lines":
        return "\n".join(line for line in lines if line.strip())
    if how == "doubled-blank-lines":
        return text.replace("\n\n", "\n\n\n\n")
    if how == "no-final-newline":
        return text.rstrip("\n")
    if how.startswith("bullet:"):
        bullet = how.split(":", 1)[1]
        return text.replace("  • ", f"  {bullet} ")
    if how == "no-indent":
        return text.replace("  • ", "• ")
    if how == "wrapped-abstracts":  # hard-wrapped at 72 columns, as a mail or an editor does
        import textwrap

        wrap = textwrap.TextWrapper(72, break_long_words=False, break_on_hyphens=False)
        out = []
        for index, line in enumerate(lines):
            abstract = (index > 1 and lines[index - 2].startswith("  • ")
                        and not line.startswith("  • ") and line.strip())
            out.extend(wrap.wrap(line) if abstract else [line])
        return "\n".join(out)
    if how == "trailing-commas":  # a list written "• Ann Lee," "• Bo Chen," ...
        return "\n".join(line + "," if line.startswith("  • ") else line for line in lines)
    if how == "no-bullets":  # as a browser copies a list whose bullets are drawn by CSS
        return text.replace("  • ", "")
    if how in ("labels", "labels-no-bullets"):  # "Authors" before the names, "Abstract" after
        out = []
        filled = [line for line in lines if line.strip()]
        for index, line in enumerate(filled):
            bullet = line.startswith("  • ")
            if bullet and not filled[index - 1].startswith("  • "):
                out.append("Authors")
            out.append(line.replace("  • ", "") if how == "labels-no-bullets" else line)
            if bullet and index + 1 < len(filled) and not filled[index + 1].startswith("  • "):
                out.append("Abstract")
        return "\n".join(out) + "\n"
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    ["crlf", "bom", "trailing-spaces", "nbsp", "tabs", "no-blank-lines", "doubled-blank-lines",
     "no-final-newline", "bullet:-", "bullet:*", "bullet:·", "bullet:•", "bullet:○",
     "bullet:■", "bullet:▸", "no-indent",
     "no-bullets", "labels", "labels-no-bullets", "trailing-commas", "wrapped-abstracts"],
)
def test_damaged_text_gives_same_papers(sample_page, how):
    text = SAMPLE.read_text(encoding="utf-8")
    page = arrow2bib.parse(_damage(text, how), source="damaged.txt")
    assert _without_provenance(page) == _without_provenance(sample_page)
    assert page.cluster == "Xiuqiang He" and page.declared_papers == 13
    assert page.problems == ()


@pytest.mark.parametrize("figures", ["13 papers · 1 author row", "13 papers | 1 author row",
                                     "13 papers 1 author row", "13 papers, 1 author row"])
def test_both_figures_on_one_line(sample_page, figures):
    """A rendering that sets "13 papers" and "1 author row" side by side: the page's counts
    are read (the count check needs them), not lost."""
    text = SAMPLE.read_text(encoding="utf-8").replace("13 papers\n1 author row", figures)
    assert figures in text
    page = arrow2bib.parse(text)
    assert (page.declared_papers, page.author_rows) == (13, 1)
    assert _without_provenance(page) == _without_provenance(sample_page)
    assert page.problems == ()


@pytest.mark.parametrize("char", ["\u00ad", "\u200b", "\u2060"])
def test_invisible_characters_are_dropped(sample_page, char):
    """A soft hyphen, a zero-width space or a word joiner, which a browser's copy keeps
    where the page allowed a line break (inside a long word, a link): no space, no
    character, the same papers."""
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("Adaptation", f"Adap{char}tation").replace("//github", f"//{char}github")
    assert text.count(char) == 5  # two titles, three links
    page = arrow2bib.parse(text)
    assert _without_provenance(page) == _without_provenance(sample_page)
    assert page.problems == ()


def test_bidi_marks_around_names_do_not_hide_the_pages_author(sample_page):
    """Left-to-right marks around each name (kept, and reported: they reorder what a reader
    sees) do not stop the page's own author being found, so the lists' status is the
    sample's."""
    text = SAMPLE.read_text(encoding="utf-8")
    text = "\n".join(f"  • \u200e{line[4:]}\u200e" if line.startswith("  • ") else line
                     for line in text.split("\n"))
    page = arrow2bib.parse(text)
    assert [p.authors_status for p in page.papers] == \
        [p.authors_status for p in sample_page.papers]
    assert {p.code for p in page.problems} == {"unsafe-character"}


@pytest.mark.parametrize("label", [" Read more", " Show less", "Show more", " see more"])
def test_a_control_label_after_the_abstract_on_its_line_is_left_out(sample_page, label):
    """An inline "Read more" link or "Show less" button, copied or read from HTML onto the
    abstract's last line, after its last sentence or its link."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        if line.strip() and not line.startswith("  • ") and index > 1 \
                and lines[index - 2].startswith("  • "):  # the abstract, after the bullets
            lines[index] = line + label
    text = "\n".join(lines)
    assert text.count(label) == 13
    page = arrow2bib.parse(text)
    assert _without_provenance(page) == _without_provenance(sample_page)


@pytest.mark.parametrize("name", ["Mary d'Arcy", "Martin Luther King, Jr."])
def test_names_copied_without_bullets_read_as_with_them(name):
    """Where no bullet says so, a line is a name by its looks (names.name_like): an elided
    particle and a comma before a suffix are a name's."""
    text = SAMPLE.read_text(encoding="utf-8").replace("Xiandi Luo", name)
    bulleted = arrow2bib.parse(text)
    assert name in [a.literal for a in bulleted.papers[0].authors]
    copied = arrow2bib.parse(_damage(text, "no-bullets"))
    assert _without_provenance(copied) == _without_provenance(bulleted)
    assert copied.problems == ()


def test_utf16_with_bom(sample_page):
    data = SAMPLE.read_text(encoding="utf-8").encode("utf-16")
    page = arrow2bib.parse(data, source="utf16.txt")
    assert _without_provenance(page) == _without_provenance(sample_page)


def test_page_without_header(sample_page):
    text = SAMPLE.read_text(encoding="utf-8")
    body = text[text.index("NeurIPS Conference 2025"):]
    page = arrow2bib.parse(body, source="copied.txt")
    assert page.cluster is None and page.declared_papers is None
    assert len(page.papers) == 13
    # without the cluster name, a cut list cannot be told from a whole one of 8
    assert page.papers[1].authors_status is AuthorStatus.MAY_BE_TRUNCATED
    assert page.problems == ()


def test_paper_without_abstract():
    page = arrow2bib.parse(
        "AAAI Conference 2020 Conference Paper\nA Title\n• Ann Lee\n• Bo Chen\n"
        "IJCAI Conference 2019 Conference Paper\nB Title\n• Cy Dee\nAbstract of B.\n"
    )
    first, second = page.papers
    assert first.abstract is None and first.raw_abstract is None and first.urls == ()
    assert [a.literal for a in first.authors] == ["Ann Lee", "Bo Chen"]
    assert second.abstract == "Abstract of B."


def test_multiline_abstract_is_joined():
    page = arrow2bib.parse(
        "AAAI Conference 2020 Conference Paper\nT\n• A B\nfirst line\nsecond line\n\nthird\n"
    )
    assert page.papers[0].abstract == "first line second line third"


def _first_abstract_as(text: str, sample: str | None = None):
    """The sample page with its first abstract's line replaced by ``text``: the page read,
    and the abstract's line on the page."""
    lines = (sample or SAMPLE.read_text(encoding="utf-8")).split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith("Low-rank adaptation"))
    full = lines[at]
    lines[at:at + 1] = text.replace("FULL", full).split("\n")
    return arrow2bib.parse("\n".join(lines), source="p.txt"), full, at + 1


@pytest.mark.parametrize("label", ["**Abstract:** ", "Abstract: ", "ABSTRACT — ", "Abstract. ",
                                   "**Abstract**: ", "Abstract - ", "abstract:", "**ABSTRACT** "])
def test_the_abstracts_label_at_its_start_is_left_out(sample_page, label):
    page, full, _ = _first_abstract_as(label + "FULL")
    assert page.papers[0].raw_abstract == full
    assert page.papers[0].abstract == sample_page.papers[0].abstract
    assert page.problems == sample_page.problems


@pytest.mark.parametrize("start", ["Abstract syntax trees ", "Abstractive summaries ",
                                   "Abstract ", "Abstract, "])
def test_an_abstract_that_starts_with_the_word_keeps_it(start):
    page, full, _ = _first_abstract_as(start + "FULL")
    assert page.papers[0].raw_abstract == start + full


@pytest.mark.parametrize("wrapped, joined", [
    ("a new multi-\nrelational model", "a new multi-relational model"),
    ("the state-of-the-\nArt", "the state-of-the-Art"),
    ("results -\nwhich hold", "results - which hold"),  # a dash between words
    ("top-\n10 items", "top- 10 items"),  # not a word after it: as written
    ("first line\nsecond line", "first line second line"),
])
def test_a_hard_wrapped_abstract_keeps_its_hyphenated_words_whole(wrapped, joined):
    page = arrow2bib.parse("AAAI Conference 2020 Conference Paper\nT\n• A B\n" + wrapped + "\n")
    assert page.papers[0].raw_abstract == joined


@pytest.mark.parametrize("shape", ["FULL[:70]… FULL", "FULL[:70]…FULL", "FULL FULL[:70]…",
                                   "FULL[:70]... FULL", "FULL FULL[:40]..."])
def test_a_shortened_copy_beside_the_full_abstract_is_left_out(sample_page, shape):
    """A page's preview (``... in large l…``) and the full text a Read more shows are both in
    the saved HTML (one hidden by the page's style): the preview is left out, with a note."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    full = next(line for line in lines if line.startswith("Low-rank adaptation"))
    cut = int(shape[shape.index("[:") + 2:shape.index("]")])
    text = shape.replace(f"FULL[:{cut}]", full[:cut]).replace("FULL", full)
    page, _, line = _first_abstract_as(text)
    assert page.papers[0].raw_abstract == full
    assert page.papers[0].abstract == sample_page.papers[0].abstract
    (note,) = [p for p in page.problems if p not in sample_page.problems]
    assert (note.code, note.severity, note.line) == ("page-chrome", Severity.INFO, line)
    assert "on the page twice, in full and shortened" in note.message
    assert note.details["text"] == text.replace(full, "", 1).strip()


@pytest.mark.parametrize("text", ["FULL[:70]…", "Short one… Short one and more.",
                                  "We wait... We wait for it."])
def test_an_abstract_with_an_ellipsis_but_no_copy_is_kept(text):
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    full = next(line for line in lines if line.startswith("Low-rank adaptation"))
    text = text.replace("FULL[:70]", full[:70])
    page, _, _ = _first_abstract_as(text)
    assert page.papers[0].raw_abstract == text
    assert not [p for p in page.problems if p.code == "page-chrome"]


@pytest.mark.parametrize("marked, name", [
    ("Xiuqiang He7", "Xiuqiang He"), ("Xiuqiang He*", "Xiuqiang He"),
    ("Xiuqiang He†,2", "Xiuqiang He"), ("Xiuqiang He 1,3", "Xiuqiang He"),
    ("Xiuqiang He²", "Xiuqiang He"), ("Xiuqiang He‡", "Xiuqiang He"),
])
def test_footnote_marks_after_names_are_left_out(sample_page, marked, name):
    """Superscript marks (affiliations, equal contribution) come out on the name's line in a
    copy and in the HTML reader's text: the names, the page's own author among them, read as
    without them, and a note lists what was taken off."""
    text = SAMPLE.read_text(encoding="utf-8")
    first = text.index("  • Xiuqiang He\n")  # the first paper's last author
    text = text[:first] + f"  • {marked}\n" + text[first + len("  • Xiuqiang He\n"):]
    page = arrow2bib.parse(text, source="p.txt")
    assert page.papers[0] == dataclasses.replace(sample_page.papers[0], source="p.txt")
    assert page.papers[0].authors[-1].literal == name
    (note,) = [p for p in page.problems if p.code == "page-chrome"]
    assert note.severity is Severity.INFO and note.line == page.papers[0].line
    assert note.details["names"] == [marked] and repr(marked) in note.message


@pytest.mark.parametrize("name", ["Louis XIV", "Martin Luther King, Jr.", "Mary d'Arcy",
                                  "Ann Lee-Smith", "J. R. R. Tolkien"])
def test_names_without_marks_are_kept(name):
    page = arrow2bib.parse(f"AAAI Conference 2020 Conference Paper\nT\n• {name}\n")
    assert page.papers[0].authors[0].literal == name and page.problems == ()


def test_block_without_title_is_a_problem_and_others_survive():
    page = arrow2bib.parse(
        "13 papers\n"
        "AAAI Conference 2020 Conference Paper\n• Ann Lee\n"
        "IJCAI Conference 2019 Conference Paper\nGood Title\n• Cy Dee\n"
    )
    assert [p.title for p in page.papers] == ["Good Title"]
    (problem,) = page.problems
    assert (problem.code, problem.severity, problem.line) == ("parse-error", Severity.ERROR, 2)
    assert "has no title" in problem.message and problem.details == {
        "authors": ["Ann Lee"], "skipped": True}


@pytest.mark.parametrize(
    "text",
    ["", "hello world\n", "<<<>>>", "Some random notes\nwith lines\n• and a bullet\n"],
)
def test_not_an_arrow_page(text):
    with pytest.raises(InputError) as info:
        arrow2bib.parse(text, source="notes.txt")
    assert str(info.value).startswith("notes.txt: ")
    assert "not an Arrow author page" in str(info.value)


@pytest.mark.parametrize("between", ["\n", "", "\nArrow Research search\n\n"])
def test_two_pages_in_one_file_are_refused_at_the_second_header(between):
    """``cat a.txt b.txt``: the second page's header would have gone into the last paper's
    abstract (with an info note only) and its papers into the first page's count."""
    text = SAMPLE.read_text(encoding="utf-8").rstrip("\n") + "\n" + between
    second = text.count("\n") + 1 + SAMPLE.read_text(encoding="utf-8").split("\n").index(
        "Author name cluster")
    with pytest.raises(InputError) as info:
        arrow2bib.parse(text + SAMPLE.read_text(encoding="utf-8"), source="both.txt")
    assert str(info.value).startswith(f"both.txt:{second}: A second page starts here")
    assert "after the paper 'Personalized Tag Recommendation" in str(info.value)


def test_a_second_header_after_a_paper_without_abstract_is_refused_too():
    with pytest.raises(InputError, match=r"^p.txt:4: A second page .*after the paper 'T'"):
        arrow2bib.parse("AAAI Conference 2020 Conference Paper\nT\n• Ann Lee\n"
                        "Author name cluster\nBo Chen\n1 paper\n", source="p.txt")


def test_the_cluster_line_before_the_first_paper_is_the_header():
    page = arrow2bib.parse("Author name cluster\nArrow\nAuthor name cluster\nJane Doe\n"
                           "1 paper\nAAAI Conference 2020 Conference Paper\nT\n• Jane Doe\n")
    assert page.cluster == "Jane Doe" and len(page.papers) == 1


def test_header_only_page_is_empty():
    page = arrow2bib.parse("Author name cluster\nJane Doe\n3 papers\n1 author row\n")
    assert page.cluster == "Jane Doe" and page.papers == () and page.problems == ()
    assert page.declared_papers == 3


def test_invalid_utf8_names_file_and_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"Author name cluster\nJ\xfcrgen\n")
    with pytest.raises(InputError) as info:
        arrow2bib.parse_file(path)
    assert str(info.value).startswith(f"{path}:2: ")
    assert "--encoding" in str(info.value)


def test_explicit_encoding(tmp_path):
    path = tmp_path / "cp1252.txt"
    path.write_bytes(
        "AAAI Conference 2020 Conference Paper\nT\n• Jürgen Schmidhuber\n".encode("cp1252"))
    page = arrow2bib.parse_file(path, encoding="cp1252")
    assert page.papers[0].authors[0].family == "Schmidhuber"
    assert page.papers[0].authors[0].given == "Jürgen"


def test_missing_file():
    with pytest.raises(InputError, match="No such file"):
        arrow2bib.parse_file("/nonexistent/page.txt")


def test_streaming_yields_before_the_end():
    """Papers come out as they are read: the reader never needs the rest of the input."""
    consumed = []

    def lines():
        text = "13 papers\n" + "AAAI Conference 2020 Conference Paper\nT{}\n• A B\n" * 1000
        for number, line in enumerate(text.splitlines(), 1):
            consumed.append(number)
            yield number, line

    from arrow2bib.read.grammar import PageReader

    reader = PageReader(lines(), source="gen")
    first = next(iter(reader))
    assert first.title == "T{}"
    assert len(consumed) < 10


@pytest.mark.parametrize(
    "line, expected",
    [
        ("NeurIPS Conference 2025 Conference Paper",
         ("NeurIPS", "Conference", 2025, "Conference Paper")),
        ("AAAI Conference 2021 Short Paper", ("AAAI", "Conference", 2021, "Short Paper")),
        ("Computing in Science & Engineering Journal 2011 Journal Article",
         ("Computing in Science & Engineering", "Journal", 2011, "Journal Article")),
        ("ACL Workshop 2019 Workshop Paper", ("ACL", "Workshop", 2019, "Workshop Paper")),
        ("IEEE Transactions on Knowledge and Data Engineering Journal 2020 Journal Article",
         ("IEEE Transactions on Knowledge and Data Engineering", "Journal", 2020,
          "Journal Article")),
        ("Findings of ACL 2023 Conference 2023 Conference Paper",
         ("Findings of ACL 2023", "Conference", 2023, "Conference Paper")),
        ("Conference 2020 Conference Paper", ("", "Conference", 2020, "Conference Paper")),
        # a rendering's separators between the parts (were a parse error per paper)
        ("NeurIPS Conference 2025 · Conference Paper",
         ("NeurIPS", "Conference", 2025, "Conference Paper")),
        ("NeurIPS · Conference · 2025 | Conference Paper",
         ("NeurIPS", "Conference", 2025, "Conference Paper")),
        ("ACL – Findings Conference 2024 Findings Paper",  # read as is: the dash kept
         ("ACL – Findings", "Conference", 2024, "Findings Paper")),
        ("ACM / IEEE Joint Conference 2020 | Conference Paper",  # the venue's own / kept
         ("ACM / IEEE Joint", "Conference", 2020, "Conference Paper")),
        ("The AI Index Report 2024 – Measuring Trends in AI", None),  # a title
        ("Input · Output Tradeoffs in Deep Learning", None),
        ("Beyond Higher Rank: Token-wise Input-Output Projections", None),
        ("We ran 2020 Experiments", None),
        ("Deep Learning for Click-Through Rate Estimation", None),
    ],
)
def test_venue_lines(line, expected):
    got = read_venue_line(line)
    if expected is None:
        assert got is None
    else:
        assert (got.venue, got.kind, got.year, got.paper_type) == expected


def test_author_that_looks_like_a_venue_line():
    page = arrow2bib.parse(
        "AAAI Conference 2020 Conference Paper\nT\n• ACL Workshop 2019 Workshop Paper\n• Bo Li\n")
    assert [a.literal for a in page.papers[0].authors] == [
        "ACL Workshop 2019 Workshop Paper", "Bo Li"]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_numbers_across_chunks(tmp_path, monkeypatch, newline):
    """Lines stay numbered right when decoding chunks split a line, a CRLF or a character."""
    import arrow2bib.read.sources as readers

    monkeypatch.setattr(readers, "_CHUNK", 7)
    text = newline.join(
        ["Author name cluster", "Jürgen Müller", "1 papers", "",
         "AAAI Conference 2020 Conference Paper", "Über Alles", "• Jürgen Müller", "Abstract ü."])
    path = tmp_path / "p.txt"
    path.write_bytes(text.encode("utf-8"))
    page = arrow2bib.parse_file(path)
    (paper,) = page.papers
    assert (paper.line, paper.title, paper.abstract) == (5, "Über Alles", "Abstract ü.")
    assert page.cluster == "Jürgen Müller"
    bad = text.encode("utf-8").replace("Über".encode("utf-8"), b"\xff\xfeber")
    path.write_bytes(bad)
    with pytest.raises(InputError, match=r":6: "):
        arrow2bib.parse_file(path)


def test_a_page_whose_venue_lines_have_separators_reads_as_the_sample():
    """``NeurIPS Conference 2025 · Conference Paper`` (a rendering that sets the venue and
    the paper type apart): every paper was a parse error."""
    text = SAMPLE.read_text(encoding="utf-8")
    separated = re.sub(r"(?m)^(.* (?:19|20)\d\d) (\w+ Paper)$", r"\1 · \2", text)
    assert separated.count(" · ") == 13
    page, expected = arrow2bib.parse(separated), arrow2bib.parse(text)
    assert page.problems == expected.problems and page.papers == expected.papers
