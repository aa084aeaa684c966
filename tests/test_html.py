"""The HTML reader: saved pages read as the same lines, and the same papers, as the text page."""

from __future__ import annotations

import codecs
import dataclasses
import html
import pathlib
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import arrow2bib
from arrow2bib.errors import InputError
from arrow2bib.read.html import (
    MAX_DEPTH,
    MAX_HTML_BYTES,
    MAX_TAGS,
    _Renderer,
    html_lines,
    looks_like_html,
)

from . import oracles
from .conftest import ROOT, SAMPLE

DATA = ROOT / "tests" / "data"
FIXTURES = [DATA / "xiuqiang-he.clean.html", DATA / "xiuqiang-he.messy.html"]


def lines(body: str, **kwargs) -> list[str]:
    """The text of the lines of an HTML body."""
    doc = f"<!DOCTYPE html><html><head><title>T</title></head><body>{body}</body></html>"
    return [text for _, text in html_lines(doc.encode("utf-8"), source="t.html", **kwargs)]


def text_page_lines() -> list[str]:
    raw = SAMPLE.read_text(encoding="utf-8").splitlines()
    return [" ".join(line.split()) for line in raw if line.strip()]


# -- the two fixtures against the text page -----------------------------------------------
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_gives_the_text_page_lines(path: pathlib.Path):
    got = html_lines(path.read_bytes(), source=str(path))
    assert [text for _, text in got] == text_page_lines()
    numbers = [number for number, _ in got]
    assert numbers == sorted(numbers) and numbers[0] >= 1


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_gives_the_text_page_papers(path: pathlib.Path, sample_page):
    page = arrow2bib.parse_file(path)
    assert page.problems == ()
    assert (page.cluster, page.declared_papers, page.author_rows) == ("Xiuqiang He", 13, 1)

    def neutral(paper):
        return dataclasses.replace(paper, source="", line=0)

    assert [neutral(p) for p in page.papers] == [neutral(p) for p in sample_page.papers]
    assert len(page.papers) == 13
    # each paper's line points at the HTML source line where its venue line starts
    source = path.read_text(encoding="utf-8").splitlines()
    for paper in page.papers:
        assert paper.source == str(path)
        assert f">{paper.venue}<" in source[paper.line - 1] or source[paper.line - 1].startswith(
            f"<p>{paper.venue} ")


def test_messy_fixture_is_what_save_page_as_gives():
    """Guards the fixture itself: the clutter the reader must drop is really in it."""
    raw = (DATA / "xiuqiang-he.messy.html").read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") > 200
    for clutter in (b"<script", b"<style", b"<nav", b"<footer", b"cookie-banner", b"&amp;",
                    b"&#8217;", b"&nbsp;", b"katex", b"<!--", b"hidden", b"sr-only"):
        assert clutter in raw, clutter


# -- what is kept, what is dropped --------------------------------------------------------
CASES = [
    # (id, body, expected lines)
    ("script-style", "<p>a</p><script>var x = '<p>no</p>';</script><style>p{}</style><p>b</p>",
     ["a", "b"]),
    ("noscript-template-svg",
     ("<noscript>Enable JS</noscript><template><p>tpl</p></template>"
     "<p>x<svg><title>icon</title><text>t</text></svg>y</p>"), ["xy"]),
    ("nav-and-page-landmarks",
     ("<header>Site</header><nav><ul><li>Home</li></ul></nav><main><p>in</p></main>"
     "<footer>(c) Site</footer>"), ["in"]),
    ("headers-inside-sections-kept",
     ("<main><header><p>Author name cluster</p></header><article><header><h2>T</h2></header>"
     "<footer>paper footer</footer></article></main>"),
     ["Author name cluster", "T", "paper footer"]),
    ("roles", ('<div role="navigation">n</div><div role="banner">b</div><p>kept</p>'
     '<div role="contentinfo">c</div>'), ["kept"]),
    ("entities", "<p>Wide &amp; Deep, didn&#8217;t, &quot;wide&quot;, a&lt;b, x&nbsp;&nbsp;y</p>",
     ["Wide & Deep, didn’t, \"wide\", a<b, x y"]),
    ("br", "<p>one<br>two<br/><br>three</p>", ["one", "two", "three"]),
    ("hidden", ('<p hidden>h</p><p aria-hidden="true">a</p><p style="color:red; display : none">d'
     '</p><p style="visibility:hidden">v</p><p>see <span class="sr-only">skip</span>me</p>'),
     ["see me"]),
    ("aria-hidden-false-kept", '<p aria-hidden="false">shown</p>', ["shown"]),
    ("cookie-banners", ('<div id="cookie-banner"><p>We use cookies</p></div>'
     '<div class="gdpr-consent-popup">Accept?</div><div id="onetrust-consent-sdk">OT</div>'
     '<div role="dialog"><button>OK</button></div><p>page</p>'), ["page"]),
    ("comments", "<p>a<!-- <p>not</p> -->b</p><!-- x -->", ["ab"]),
    ("inline-stays-inline",
     '<p>A <a href="#">link</a>, <em>em</em>, <span>span</span>, x<sup>2</sup> and <i>i</i></p>',
     ["A link, em, span, x2 and i"]),
    ("unknown-elements-inline", "<p>a <arrow-name>b</arrow-name> c</p>", ["a b c"]),
    ("blocks-split", "<div>a<div>b</div>c</div><p>d</p>text after",
     ["a", "b", "c", "d", "text after"]),
    ("whitespace-collapsed", "<p>\n   Beyond   Higher\n\tRank\u2009:\u00a0x  </p>",
     ["Beyond Higher Rank : x"]),
    ("list-bullets", "<ul><li>Shiwei Li</li><li>\n  Xue (Steve) Liu\n</li></ul>",
     ["• Shiwei Li", "• Xue (Steve) Liu"]),
    ("bullet-not-doubled", "<ul><li><span>•</span> A</li><li>· B</li></ul>", ["• A", "· B"]),
    ("bullet-on-first-block-only", "<ul><li><p>Name</p><p>Affiliation</p></li></ul>",
     ["• Name", "Affiliation"]),
    ("div-bullets-as-written", '<div class="author"><span>•</span>&nbsp;<a>Shiwei Li</a></div>',
     ["• Shiwei Li"]),
    ("pre-keeps-lines", "<pre>a  b\nc\n\nd</pre>", ["a b", "c", "d"]),
    ("empty-body", "", []),
]


@pytest.mark.parametrize("body, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rendering(body, expected):
    assert lines(body) == expected


LONG = " ".join(["word"] * 20)
BOLD_CASES = [
    ("abstract", f"<p>We propose <strong>Token-wise (TopLoRA)</strong>, {LONG}.</p>",
     [f"We propose **Token-wise (TopLoRA)**, {LONG}."]),
    ("spaces-move-outside", f"<p>A<b> bold </b>B {LONG}</p>", [f"A **bold** B {LONG}"]),
    ("nested-bold-once", f"<p><b>x <strong>y</strong></b> {LONG}</p>", [f"**x y** {LONG}"]),
    ("short-line-is-styling", "<div><strong>13</strong>&nbsp;papers</div>", ["13 papers"]),
    ("heading-is-styling", f"<h2><b>DeepFM</b>: {LONG}</h2>", [f"DeepFM: {LONG}"]),
    ("whole-line-is-styling", f"<p><b>{LONG}</b></p>", [LONG]),
    ("bullet-bold-name", "<ul><li><b>Xiuqiang He</b></li></ul>", ["• Xiuqiang He"]),
    ("bold-broken-by-block", f"<p><b>a<div>b</div></b> {LONG}</p>", ["a", "b", LONG]),
    ("empty-bold", f"<p>a <b> </b>{LONG}</p>", [f"a {LONG}"]),
]


@pytest.mark.parametrize("body, expected", [c[1:] for c in BOLD_CASES],
                         ids=[c[0] for c in BOLD_CASES])
def test_bold(body, expected):
    assert lines(body) == expected


KATEX = (
    '<span class="katex"><span class="katex-mathml"><math><semantics><mrow><mi>B</mi></mrow>'
    '<annotation encoding="application/x-tex">B\\Sigma_X A</annotation></semantics></math>'
    '</span><span class="katex-html" aria-hidden="true">BΣXA</span></span>'
)
MATH_CASES = [
    ("katex", f"<p>as {KATEX}, where</p>", ["as $B\\Sigma_X A$, where"]),
    ("katex-display", f'<p>as <span class="katex-display">{KATEX}</span></p>',
     ["as $B\\Sigma_X A$"]),
    ("mathjax2", ('<p>each <span class="MathJax_Preview">X</span><span class="MathJax" id="M1">'
     'X</span><script type="math/tex" id="MathJax-Element-1">X</script> token</p>'),
     ["each $X$ token"]),
    ("mathjax2-display", '<p>a <script type="math/tex; mode=display">\\Sigma_X</script></p>',
     ["a $\\Sigma_X$"]),
    ("mathjax3", ('<p>m <mjx-container class="MathJax" jax="CHTML"><mjx-math></mjx-math>'
     '<mjx-assistive-mml><math alttext="A^2"><msup><mi>A</mi><mn>2</mn></msup></math>'
     "</mjx-assistive-mml></mjx-container> n</p>"), ["m $A^2$ n"]),
    ("mathml-alttext", '<p><math alttext="\\Sigma_X"><mi>Σ</mi></math></p>', ["$\\Sigma_X$"]),
    ("mathml-plain", "<p>x <math><mi>Σ</mi><mi>X</mi></math> y</p>", ["x ΣX y"]),
    ("raw-tex-text", "<p>as $B\\Sigma_X A$ here</p>", ["as $B\\Sigma_X A$ here"]),
    ("other-scripts-dropped", '<p>a<script type="text/javascript">b</script>c</p>', ["ac"]),
]


@pytest.mark.parametrize("body, expected", [c[1:] for c in MATH_CASES],
                         ids=[c[0] for c in MATH_CASES])
def test_math(body, expected):
    assert lines(body) == expected


# -- line numbers ---------------------------------------------------------------------------
def test_line_numbers_point_at_the_text():
    doc = (b"<html>\r\n<body>\r\n<p>one</p>\r\n<h2>\r\n  two\r\n</h2>\r\n"
           b"<p>three<br>\r\nfour</p><ul>\r\n<li>five</li></ul>\r\n</body></html>")
    assert html_lines(doc, source="t") == [
        (3, "one"), (5, "two"), (7, "three"), (8, "four"), (9, "• five")]


def test_line_numbers_past_libxml2s_16_bit_limit():
    doc = b"<html><body>\n" + b"<p>x</p>\n" * 70_000 + b"<p>last</p></body></html>"
    got = html_lines(doc, source="t")
    assert got[-1] == (70_002, "last")
    assert got[-2][0] == 70_001


# -- decoding -------------------------------------------------------------------------------
PAGE = "<html><head>{meta}</head><body><p>Café – didn’t</p></body></html>"
DECODING = [
    ("utf-8-default", PAGE.format(meta="").encode("utf-8"), None),
    ("utf-8-bom", codecs.BOM_UTF8 + PAGE.format(meta="").encode("utf-8"), None),
    ("utf-16-le-bom", codecs.BOM_UTF16_LE + PAGE.format(meta="").encode("utf-16-le"), None),
    ("utf-16-be-bom", codecs.BOM_UTF16_BE + PAGE.format(meta="").encode("utf-16-be"), None),
    ("meta-charset", PAGE.format(meta='<meta charset="windows-1252">').encode("cp1252"), None),
    ("meta-http-equiv", PAGE.format(
        meta='<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    ).encode("cp1252"), None),
    # browsers read a Latin-1 label as windows-1252 (where the curly quote lives)
    ("meta-latin1-is-cp1252", PAGE.format(meta="<meta charset='iso-8859-1'>").encode("cp1252"),
     None),
    ("transport-charset", PAGE.format(meta="").encode("cp1252"), "windows-1252"),
    ("transport-beats-meta", PAGE.format(meta='<meta charset="koi8-r">').encode("cp1252"),
     "cp1252"),
    ("bom-beats-transport", codecs.BOM_UTF8 + PAGE.format(meta="").encode("utf-8"), "cp1252"),
    ("unknown-meta-label-ignored", PAGE.format(meta='<meta charset="x-nonsense">').encode(), None),
    ("utf-16-meta-means-utf-8", PAGE.format(meta='<meta charset="utf-16">').encode(), None),
]


@pytest.mark.parametrize("data, encoding", [c[1:] for c in DECODING],
                         ids=[c[0] for c in DECODING])
def test_decoding(data, encoding):
    assert html_lines(data, source="t", encoding=encoding) == [(1, "Café – didn’t")]


def test_undecodable_names_source_and_line():
    data = b"<html><body>\n<p>ok</p>\n<p>bad \xff byte</p></body></html>"
    with pytest.raises(InputError) as info:
        html_lines(data, source="saved.html")
    assert (info.value.source, info.value.line) == ("saved.html", 3)
    assert str(info.value).startswith("saved.html:3: ") and "utf-8" in str(info.value)


def test_unknown_encoding_given():
    with pytest.raises(InputError, match="Unknown encoding 'klingon'"):
        html_lines(b"<p>x</p>", source="t", encoding="klingon")


SNIFF = [
    (b"<!DOCTYPE html><html>", True),
    (b"\n\n  <!doctype HTML>", True),
    (b"<html lang=en>", True),
    (b"<!-- saved from url=(0044)https://example.org/ -->\r\n<html>", True),
    (codecs.BOM_UTF8 + b"<html>", True),
    (codecs.BOM_UTF16_LE + "<!DOCTYPE html>".encode("utf-16-le"), True),
    (b"<div class=page>", True),
    (b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'>", True),
    (SAMPLE.read_bytes()[:4096], False),
    (b"Arrow Research search\n\nAuthor name cluster", False),
    (b"", False),
    (b"<not html at all", False),
]


@pytest.mark.parametrize("data, expected", SNIFF)
def test_looks_like_html(data, expected):
    assert looks_like_html(data) is expected


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixtures_are_sniffed_as_html(path):
    assert looks_like_html(path.read_bytes()[:4096])


# -- safety ---------------------------------------------------------------------------------
@pytest.mark.parametrize("tag", ["div", "b", "span", "blockquote"])
def test_deep_nesting_is_refused_quickly(tag):
    n = 100_000
    data = ("<html><body>\n" + f"<{tag}>" * n + "x" + f"</{tag}>" * n + "</body></html>").encode()
    start = time.monotonic()
    with pytest.raises(InputError, match="nests elements more than 256 deep") as info:
        html_lines(data, source="deep.html")
    assert time.monotonic() - start < 5
    assert info.value.source == "deep.html" and info.value.line is not None


def test_own_depth_guard_without_libxml2s_limit():
    """Older libxml2 builds trees of any depth: the walk refuses them itself."""
    root = etree.Element("html")
    node = etree.SubElement(root, "body")
    for _ in range(3 * MAX_DEPTH):
        node = etree.SubElement(node, "div")
    node.text = "x"
    with pytest.raises(InputError, match=f"more than {MAX_DEPTH} deep"):
        _Renderer("old.html").walk(root)


def test_nesting_below_the_limit_is_read():
    depth = MAX_DEPTH - 10
    data = ("<html><body>" + "<div>" * depth + "deep text" + "</div>" * depth).encode()
    assert html_lines(data, source="t") == [(1, "deep text")]


def test_many_elements_are_read_in_bounded_time():
    # linear: 10^5 paragraphs in a few seconds (a quadratic reading would take hours)
    data = b"<html><body>" + b"<p>a <b>b</b> c</p>" * 100_000 + b"</body></html>"
    start = time.monotonic()
    got = html_lines(data, source="t")
    assert len(got) == 100_000 and got[0] == (1, "a b c")
    assert time.monotonic() - start < 15


def test_huge_input_is_refused_before_parsing():
    data = b"<html><body><p>" + b"x" * MAX_HTML_BYTES + b"</p></body></html>"
    start = time.monotonic()
    with pytest.raises(InputError, match="MiB") as info:
        html_lines(data, source="huge.html")
    assert time.monotonic() - start < 1
    assert info.value.source == "huge.html"


def test_too_many_tags_are_refused_before_parsing():
    data = b"<html><body>" + b"<p>a</p>" * (MAX_TAGS // 2 + 1) + b"</body></html>"
    start = time.monotonic()
    with pytest.raises(InputError, match="tags, more than") as info:
        html_lines(data, source="dense.html")
    assert time.monotonic() - start < 1
    assert info.value.source == "dense.html"


def test_no_file_or_network_access(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    uri = secret.as_uri()
    data = (
        f'<!DOCTYPE html SYSTEM "{uri}" [<!ENTITY leak SYSTEM "{uri}">]>'
        f'<html><body><p>a &leak; b</p><iframe src="{uri}"></iframe>'
        f'<object data="{uri}"></object><img src="{uri}"></body></html>'
    ).encode()
    got = " ".join(text for _, text in html_lines(data, source="t"))
    assert "TOP-SECRET-MARKER" not in got
    assert "a" in got and "b" in got


def test_parse_file_reports_deep_html_with_its_name(tmp_path):
    path = tmp_path / "deep.html"
    path.write_bytes(b"<!DOCTYPE html><html><body>" + b"<div>" * 5000 + b"</body></html>")
    with pytest.raises(InputError) as info:
        arrow2bib.parse_file(path)
    assert str(info.value).startswith(f"{path}:")


# -- properties -----------------------------------------------------------------------------
@settings(max_examples=oracles.examples(400), deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_lines_or_a_clear_error(data):
    try:
        got = html_lines(data, source="fuzz.html")
    except InputError as exc:
        assert exc.source == "fuzz.html"
        return
    for number, text in got:
        assert number >= 1 and text and text == " ".join(text.split()) and "\x00" not in text


TAGS = st.sampled_from(["p", "div", "li", "b", "span", "br", "script", "ul", "h2", "pre", "a"])


@settings(max_examples=oracles.examples(400), deadline=None)
@given(st.lists(st.tuples(TAGS, st.text(max_size=30)), max_size=40))
def test_any_tag_soup_gives_clean_lines(items):
    body = "".join(f"<{tag}>{html.escape(text)}" for tag, text in items)
    for text in lines(body):
        assert text and text == " ".join(text.split()) and "\x00" not in text


PLAIN = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")), min_size=1, max_size=60
)


@settings(max_examples=oracles.examples(400), deadline=None)
@given(st.lists(PLAIN, max_size=12))
def test_paragraphs_survive_whole(texts):
    """No loss: any text, escaped into paragraphs, comes back line for line."""
    body = "\n".join(f"<p>{html.escape(t)}</p>" for t in texts)
    assert lines(body) == [" ".join(t.split()) for t in texts if t.split()]


@pytest.mark.parametrize("logo", [
    '<header class="site"><h1 class="logo"><a href="/">Arrow Research</a></h1>'
    '<nav><a href="/">Home</a></nav></header>',
    '<div class="top"><h1>Arrow Research</h1></div>',
])
def test_a_sites_logo_in_an_h1_is_not_the_pages_heading(sample_page, logo):
    """A page without an "Author name cluster" line takes its first <h1> for the name, but
    not an <h1> that names the site (its logo), as the text reader does not."""
    from .templates import TEMPLATES, render

    semantic = render(sample_page, TEMPLATES["semantic"])
    assert "Author name cluster" not in semantic
    page = arrow2bib.parse(semantic.replace("<body>", "<body>" + logo, 1))
    assert page.cluster == "Xiuqiang He"
    assert [dataclasses.replace(p, source="", line=0) for p in page.papers] == \
        [dataclasses.replace(p, source="", line=0) for p in sample_page.papers]


def test_two_html_documents_in_one_file_are_an_error_at_the_second(sample_page, tmp_path):
    """libxml2 reads a file up to the first </html> and drops the rest without a word: a
    second saved page after it (two pages concatenated) lost all of its papers in silence."""
    from .templates import TEMPLATES, render

    one = render(sample_page, TEMPLATES["semantic"]).replace("><", ">\n<")
    path = tmp_path / "two.html"
    path.write_text(one + "\n<!-- saved again -->\n" + one, encoding="utf-8")
    with pytest.raises(InputError, match="A second HTML document starts here") as info:
        arrow2bib.parse_file(path)
    assert info.value.line == one.count("\n") + 3
    assert len(arrow2bib.parse(one).papers) == 13  # the control: one document reads


@pytest.mark.parametrize("template", ["list-bullets", "semantic", "nested-cards"])
def test_a_linked_venue_name_is_not_an_author(sample_page, template):
    """A venue's name linked in its venue line (``/venues?name=NeurIPS``, whose query names
    a name as an author link's does) is part of the line, not an author bullet."""
    from .templates import TEMPLATES, render

    page = render(sample_page, TEMPLATES[template])
    linked = page.replace("NeurIPS Conference",
                          '<a href="/venues?name=NeurIPS">NeurIPS</a> Conference')
    assert "/venues?name=NeurIPS" in linked
    read = arrow2bib.parse(linked)
    assert [dataclasses.replace(p, source="", line=0) for p in read.papers] == \
        [dataclasses.replace(p, source="", line=0) for p in arrow2bib.parse(page).papers]


def test_a_hidden_preview_beside_the_full_abstract_is_read_once():
    """A card with a preview and the full abstract in one paragraph (the page's style hides
    one of them; without the style both are text): the abstract once, and a note."""
    full = ("We propose a method that reads saved pages. It keeps every paper, and it "
            "reports what it leaves out.")
    page = arrow2bib.parse(
        "<html><body><p>1 paper</p><div class='paper'><div>AAAI Conference 2020 Conference "
        "Paper</div><h3>A Title</h3><ul><li>Ann Lee</li></ul><p class='abstract'>"
        f"<span class='hidden'>{full[:40]}…</span>{full}</p></div></body></html>",
        source="p.html")
    assert page.papers[0].abstract == full
    assert [(p.code, p.line) for p in page.problems] == [("page-chrome", 1)]


def test_superscript_marks_after_author_names_are_left_out():
    page = arrow2bib.parse(
        "<html><body><p>Author name cluster</p><h1>Bo Chen</h1><p>1 paper</p><div>"
        "<div>AAAI Conference 2020 Conference Paper</div><h3>A Title</h3><ul>"
        "<li>Ann Lee<sup>*</sup></li><li>Bo Chen<sup>1,2</sup></li><li>Cy Dee<sup>2</sup></li>"
        "</ul><p>An abstract.</p></div></body></html>", source="p.html")
    paper = page.papers[0]
    assert [a.literal for a in paper.authors] == ["Ann Lee", "Bo Chen", "Cy Dee"]
    assert paper.authors_status.value == "complete"  # the page's own author is found
    assert [p.code for p in page.problems] == ["page-chrome"]


def _one_card(card: str) -> arrow2bib.Page:
    return arrow2bib.parse(f"<html><body><p>1 paper</p><div>{card}<ul><li>Ann Lee</li></ul>"
                           "<p>Its abstract.</p></div></body></html>", source="p.html")


@pytest.mark.parametrize("card", [
    "<div>AAAI Conference 2020 Conference Paper</div><h3>Beyond Rank:<br>Token-wise Tuning</h3>",
    "<div>AAAI Conference 2020 Conference Paper</div><h2>Beyond Rank:<br/><small>Token-wise "
    "Tuning</small></h2>",
    "<h3>AAAI Conference 2020 Conference Paper<br>Beyond Rank: Token-wise Tuning</h3>",
])
def test_a_br_inside_a_title_heading_breaks_it_for_the_eye_only(card):
    """A title broken over two lines in its heading was two lines: its first half a paper
    without authors, its second an error (no venue line). A venue line before the <br> still
    ends its line."""
    page = _one_card(card)
    assert page.problems == ()
    assert [(p.venue, p.title) for p in page.papers] == [
        ("AAAI", "Beyond Rank: Token-wise Tuning")]


def test_a_title_shown_to_the_eye_beside_its_screen_reader_copy_is_read_once():
    page = _one_card("<div>AAAI Conference 2020 Conference Paper</div><h3><span "
                     "aria-hidden='true'>A <b>Title</b></span><span class='sr-only'>A Title"
                     "</span></h3>")
    assert page.problems == () and page.papers[0].title == "A Title"


@pytest.mark.parametrize("extra", [
    "<i class='icon' aria-hidden='true'>★</i>",  # an icon's glyph, alone
    "<span class='sr-only'>(opens a new tab)</span>",  # a screen-reader note, alone
    "<span aria-hidden='true'>★</span><span class='sr-only'>starred</span>",  # not a copy
])
def test_hidden_halves_without_a_twin_stay_out(extra):
    page = _one_card(f"<div>AAAI Conference 2020 Conference Paper</div><h3>A Title{extra}</h3>")
    assert page.problems == () and page.papers[0].title == "A Title"
