"""Renderings of one page written for the tests: eight HTML templates and the ways text copied
from a browser writes it (issue 16). Each is built from the page read from the text file, so
every rendering must read back into exactly that page.

The HTML templates are made of parts (a page header, a paper card, an author list, an
abstract); :data:`HEADERS`, :data:`CARDS` and :data:`AUTHORS` are the parts, and
:data:`TEMPLATES` the eight combinations named by the issue. Hypothesis draws further
combinations from the same parts (tests/test_templates.py).
"""

from __future__ import annotations

import html
import urllib.parse
from dataclasses import dataclass
from typing import Callable

from arrow2bib import Page, Paper

__all__ = ["AUTHORS", "CARDS", "COPIED", "HEADERS", "TEMPLATES", "Template", "copied_text",
           "render"]


def _e(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _venue(paper: Paper) -> str:
    return " ".join(part for part in (paper.venue, paper.venue_kind, str(paper.year),
                                      paper.paper_type) if part)


def _names(paper: Paper) -> list[str]:
    return [author.literal for author in paper.authors]


# -- page headers ----------------------------------------------------------------------------
def _header_paragraphs(page: Page) -> str:
    return (f"<p>Author name cluster</p><h1>{_e(page.cluster)}</h1>"
            "<p>Possible papers associated with this exact author name.</p>"
            f"<p>{page.declared_papers} papers</p><p>{page.author_rows} author row</p>")


def _header_semantic(page: Page) -> str:
    # no "Author name cluster" line: the <h1> says whose page it is
    return (f"<header><h1>{_e(page.cluster)}</h1><p>Possible papers associated with this "
            "exact author name.</p><ul class=\"stats\">"
            f"<li>{page.declared_papers} papers</li><li>{page.author_rows} author row</li>"
            "</ul></header>")


def _header_divs(page: Page) -> str:
    return (f"<div><div>Author name cluster</div><div>{_e(page.cluster)}</div>"
            f"<div><div><b>{page.declared_papers}</b> papers</div>"
            f"<div><b>{page.author_rows}</b> author row</div></div></div>")


def _header_stats(page: Page) -> str:
    # the figures sit in a definition list, the name in the document's title too
    return (f"<div class=\"cluster\"><span class=\"eyebrow\">Author name cluster</span>"
            f"<h1 class=\"name\"><svg aria-hidden=\"true\"><title>person</title></svg>"
            f"{_e(page.cluster)}</h1><dl class=\"stats\"><dd>{page.declared_papers} papers</dd>"
            f"<dd>{page.author_rows} author row</dd></dl></div>")


HEADERS: dict[str, Callable[[Page], str]] = {
    "paragraphs": _header_paragraphs, "semantic": _header_semantic, "divs": _header_divs,
    "stats": _header_stats,
}


# -- author lists ----------------------------------------------------------------------------
def _authors_list(names: list[str]) -> str:
    return "<ul class=\"authors\">" + "".join(f"<li>{_e(n)}</li>" for n in names) + "</ul>"


def _authors_chips(names: list[str]) -> str:
    links = " ".join(
        f"<a class=\"chip\" href=\"/authors?name={urllib.parse.quote_plus(n)}\">{_e(n)}</a>"
        for n in names)
    return f"<div class=\"authors\">{links}</div>"


def _authors_comma(names: list[str]) -> str:
    listed = ", ".join(map(_e, names[:-1])) + f", and {_e(names[-1])}" if len(names) > 1 else ""
    return f"<p class=\"byline\">{listed}</p>"


def _authors_semicolon(names: list[str]) -> str:
    return "<p>" + "; ".join(map(_e, names)) + "</p>"


def _authors_divs(names: list[str]) -> str:
    return "<div>" + "".join(f"<div>{_e(n)}</div>" for n in names) + "</div>"


def _authors_lines(names: list[str]) -> str:
    return "<br>".join(map(_e, names))


def _authors_spans(names: list[str]) -> str:
    return ("<div class=\"people\">" + ", ".join(
        f"<span class=\"person\"><i class=\"icon icon-user\"></i>{_e(n)}</span>" for n in names)
        + "</div>")


def _authors_icon_chips(names: list[str]) -> str:
    return "<div class=\"chips\">" + "".join(
        "<span class=\"chip\"><svg aria-hidden=\"true\" viewBox=\"0 0 8 8\"><title>Author"
        f"</title><circle r=\"4\"/></svg><a href=\"/author/{urllib.parse.quote(n)}\">"
        f"{_e(n)}</a></span>" for n in names) + "</div>"


AUTHORS: dict[str, Callable[[list[str]], str]] = {
    "list": _authors_list, "chips": _authors_chips, "comma": _authors_comma,
    "semicolon": _authors_semicolon, "divs": _authors_divs, "spans": _authors_spans,
    "icon-chips": _authors_icon_chips, "lines": _authors_lines,
}


# -- paper cards -----------------------------------------------------------------------------
def _card_article(paper: Paper, authors: str) -> str:
    abstract = f"<section><p>{_e(paper.raw_abstract)}</p></section>" if paper.raw_abstract else ""
    return (f"<article><header><p>{_e(_venue(paper))}</p><h2>{_e(paper.title)}</h2></header>"
            f"{authors}{abstract}</article>")


def _card_div(paper: Paper, authors: str) -> str:
    abstract = f"<div>{_e(paper.raw_abstract)}</div>" if paper.raw_abstract else ""
    return (f"<div><div>{_e(_venue(paper))}</div><div>{_e(paper.title)}</div>{authors}"
            f"{abstract}</div>")


def _card_nested(paper: Paper, authors: str) -> str:
    venue = (f"<span class=\"badge\">{_e(paper.venue)}</span> "
             f"<span class=\"kind\">{_e(paper.venue_kind)}</span> <time>{paper.year}</time> "
             f"<span class=\"type\">{_e(paper.paper_type)}</span>") if paper.venue else _e(
                 _venue(paper))
    abstract = (f"<div class=\"abstract\"><p>{_e(paper.raw_abstract)}</p>"
                "<button class=\"more\">Show more</button></div>") if paper.raw_abstract else ""
    return (
        "<div class=\"card\"><div class=\"card-body\"><div class=\"card-top\">"
        f"<div class=\"venue\">{venue}</div>"
        "<div class=\"actions\"><button type=\"button\"><i class=\"icon icon-bookmark\"></i> "
        "Save</button><button type=\"button\" aria-label=\"Cite\"><svg><title>Cite</title>"
        "</svg></button></div></div>"
        f"<h3 class=\"card-title\"><a href=\"/paper/1\">{_e(paper.title)}</a></h3>"
        f"{authors}{abstract}</div></div>")


def _card_dl(paper: Paper, authors: str) -> str:
    abstract = f"<dd class=\"abstract\">{_e(paper.raw_abstract)}</dd>" if paper.raw_abstract \
        else ""
    return (f"<dl class=\"paper\"><dt>{_e(_venue(paper))}</dt><dd class=\"title\">"
            f"{_e(paper.title)}</dd><dd class=\"authors\">{authors}</dd>{abstract}</dl>")


def _card_row(paper: Paper, authors: str) -> str:
    return (f"<tr><td>{_e(_venue(paper))}</td><td>{_e(paper.title)}</td><td>{authors}</td>"
            f"<td>{_e(paper.raw_abstract)}</td></tr>")


def _card_row_lines(paper: Paper, authors: str) -> str:
    # the venue line and the title in one cell, a line each
    return (f"<tr><td>{_e(_venue(paper))}<br>{_e(paper.title)}</td><td>{authors}</td>"
            f"<td>{_e(paper.raw_abstract)}</td></tr>")


def _card_title_first(paper: Paper, authors: str) -> str:
    # the title above the venue line, as a card with a heading and a subtitle may lay it out
    abstract = f"<p class=\"abstract\">{_e(paper.raw_abstract)}</p>" if paper.raw_abstract \
        else ""
    return (f"<div class=\"paper\"><h3>{_e(paper.title)}</h3>"
            f"<div class=\"meta\"><small>{_e(_venue(paper))}</small></div>{authors}{abstract}"
            "</div>")


CARDS: dict[str, Callable[[Paper, str], str]] = {
    "article": _card_article, "div": _card_div, "nested": _card_nested, "dl": _card_dl,
    "row": _card_row, "title-first": _card_title_first, "row-lines": _card_row_lines,
}


@dataclass(frozen=True)
class Template:
    """One way of writing the page as HTML: a header, a card and an author list."""

    header: str
    card: str
    authors: str
    #: Wrap the whole page as a browser's "Save Page As" would: scripts, styles, a cookie
    #: banner, a navigation bar, a <template>.
    chrome: bool = False


#: The eight templates of the issue: list bullets, link chips, comma-separated authors, a
#: table, a definition list, classless div soup, nested cards with buttons and icons, a
#: semantic header/article page.
TEMPLATES: dict[str, Template] = {
    "list-bullets": Template("paragraphs", "div", "list"),
    "link-chips": Template("stats", "div", "chips", chrome=True),
    "comma-authors": Template("paragraphs", "article", "comma"),
    "table": Template("paragraphs", "row", "semicolon"),
    "definition-list": Template("stats", "dl", "spans"),
    "div-soup": Template("divs", "div", "divs"),
    "nested-cards": Template("divs", "nested", "icon-chips", chrome=True),
    "semantic": Template("semantic", "article", "list"),
}
#: Templates beyond the eight, each for a test of its own: a table whose cells hold lines
#: (``<br>``), which a browser's copy writes with tabs where the cells end.
MORE_TEMPLATES: dict[str, Template] = {
    "table-lines": Template("paragraphs", "row-lines", "lines"),
}

_CHROME_HEAD = (
    "<meta name=\"viewport\" content=\"width=device-width\"><style>.card{margin:0}</style>"
    "<script>window.dataLayer=[];document.write('<p>Tracking</p>');</script>")
_CHROME_TOP = (
    "<nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/about\">About</a></li></ul></nav>"
    "<div id=\"cookie-banner\" class=\"cookie-banner\"><p>We use cookies.</p>"
    "<button>Accept</button></div>"
    "<template><div>NeurIPS Conference 2020 Conference Paper</div></template>"
    "<svg width=\"0\" height=\"0\"><symbol id=\"i-copy\"><title>Copy</title></symbol></svg>")


def render(page: Page, template: Template) -> str:
    """``page`` written as HTML by ``template``."""
    cards = "".join(
        CARDS[template.card](paper, AUTHORS[template.authors](_names(paper)))
        for paper in page.papers)
    if template.card == "row":
        cards = ("<table><thead><tr><th>Venue</th><th>Title</th><th>Authors</th>"
                 f"<th>Abstract</th></tr></thead><tbody>{cards}</tbody></table>")
    elif template.card == "row-lines":
        cards = ("<table><thead><tr><th>Paper</th><th>Authors</th><th>Abstract</th></tr>"
                 f"</thead><tbody>{cards}</tbody></table>")
    head = f"<title>{_e(page.cluster)} - Arrow Research</title>"
    if template.chrome:
        head += _CHROME_HEAD
    body = (_CHROME_TOP if template.chrome else "") + HEADERS[template.header](page)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">{head}</head>"
            f"<body>{body}<main><h2>Possible papers</h2>{cards}</main>"
            "<footer><p>Arrow Research 2025</p></footer></body></html>")


# -- text copied from a browser --------------------------------------------------------------
def copied_text(page: Page, *, bullet: str | None = "\u2022", indent: str = "  ",
                blank: int = 1, one_line: bool = False, tabs: bool = False,
                separator: str = ", ") -> str:
    """``page`` as text copied from a rendered page: names after ``bullet`` (``None``: no
    bullet, one name a line), or all on ``one_line`` separated by ``separator`` (one that is
    not a comma comes after the last name too); ``blank`` blank lines
    between the lines (0: lost, 2: doubled); ``tabs`` where the copy puts them."""
    gap = "\n" * (blank + 1)
    lines = ["Author name cluster", page.cluster or "",
             f"{page.declared_papers} papers", f"{page.author_rows} author row"]
    for paper in page.papers:
        venue = _venue(paper)
        lines += [venue.replace(" ", "\t") if tabs else venue, paper.title]
        names = _names(paper)
        if one_line:
            lines.append(separator.join(names) + separator.rstrip(", "))
        else:
            sep = "\t" if tabs else " "
            lines += [f"{indent}{bullet}{sep}{n}" if bullet else f"{indent}{n}" for n in names]
        if paper.raw_abstract:
            lines.append(paper.raw_abstract)
    return gap.join(lines) + "\n"


#: The copied-text variants, by name: keyword arguments of :func:`copied_text`.
COPIED: dict[str, dict] = {
    "bullet-dot": {"bullet": "\u2022"},
    "middle-dot": {"bullet": "\u00b7", "indent": ""},
    "asterisk": {"bullet": "*"},
    "hyphen": {"bullet": "-", "indent": ""},
    "no-bullets": {"bullet": None, "indent": ""},
    "tabs": {"bullet": "\u2022", "indent": "\t", "tabs": True},
    "one-comma-line": {"one_line": True},
    # chips with a dot after each (``Ann Lee · Bo Chen ·``), as CSS or a template lays them
    "one-dot-line": {"one_line": True, "separator": " · "},
    "blank-lines-lost": {"blank": 0},
    "blank-lines-doubled": {"blank": 2, "bullet": "-"},
    "no-bullets-no-blank-lines": {"bullet": None, "indent": "", "blank": 0},
}
