"""The HTML reader: a saved Arrow page becomes the same numbered lines as its text rendering.

The grammar (:mod:`arrow2bib.read.grammar`) reads a page as lines; :func:`html_lines` makes those
lines out of any reasonable HTML rendering ("Save page as", a clean export, a fetched URL):

- one line per block element's text; inline elements (``a``, ``span``, ``em``...) stay inline;
  ``<br>`` breaks the line (but for one in a ``h2``-``h6`` title after no venue line: a space);
  whitespace collapses (no-break spaces too); entities are decoded;
- ``<li>`` items become ``• Name`` bullet lines, as in the text page;
- ``<strong>``/``<b>`` in running text (an abstract) become Markdown ``**bold**``; in
  headings, short lines (a venue, a name, "13 papers") and whole-line bold it is styling and
  is dropped;
- TeX survives rendering: ``<script type="math/tex">``, KaTeX and MathML annotations give
  ``$source$``, and the rendered copies beside them are dropped;
- what is not page content is dropped: ``head``, scripts, styles, ``noscript``, templates,
  SVG, ``nav``, page-level ``header``/``footer``, dialogs and cookie banners, and hidden
  elements (``hidden``, ``aria-hidden="true"``, ``display: none``, screen-reader-only text;
  of text shown to the eye beside a screen-reader copy of it, the copy).

Each line carries the 1-based source line where its text starts, so that problems point into
the HTML file. Safety: the input is capped (:data:`MAX_HTML_BYTES`, :data:`MAX_TAGS`), decoded
strictly, parsed by libxml2 without network or file access, and walked without recursion; a
tree deeper than :data:`MAX_DEPTH` is refused rather than cut short.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from ..errors import InputError
from ._encodings import BOMS, check_encoding, decode_bytes
from .grammar import is_header_line, read_venue_line
from .names import name_like

if TYPE_CHECKING:  # lxml is imported when a page is HTML: text pages never load it
    from lxml import etree

__all__ = ["BULLET", "MAX_DEPTH", "MAX_HTML_BYTES", "MAX_TAGS", "html_lines", "looks_like_html"]

#: The largest HTML document read (a saved author page is well under a few MB).
MAX_HTML_BYTES = 50 * 2**20
#: The most tags read (counted as ``<`` characters, before parsing): parsing and walking
#: cost memory and time per element, and a page of 1,000 papers has well under 100,000.
MAX_TAGS = 2_000_000
#: The deepest element nesting read. libxml2 stops at this depth (without its "huge" option),
#: dropping the rest of the document, so a deeper tree is an error, never a silent loss.
MAX_DEPTH = 256
#: How list items start, as in the text page.
BULLET = "•"
#: Characters that already mark a line as a bullet item (the grammar accepts them all).
_BULLET_CHARS = "•·‣◦▪●∙○■□▸►⁃"

_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
    "listing", "main", "menu", "nav", "ol", "p", "pre", "search", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "xmp"
})
#: Never page content, whatever their attributes.
_DROP = frozenset({
    "audio", "button", "canvas", "datalist", "dialog", "embed", "frameset", "head", "iframe",
    "link", "meta", "nav", "noframes", "noscript", "object", "script", "select", "style", "svg",
    "template", "textarea", "title", "video"
})
#: ``header``/``footer`` are landmarks (site chrome) unless inside one of these.
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
_SECTIONING_ROLES = frozenset({"main", "article", "region"})
_LANDMARKS = frozenset({"header", "footer"})
_DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "dialog", "alertdialog"})
#: Visually hidden text for screen readers, and the rendered copies of math whose TeX source
#: sits beside them (MathJax 2 keeps it in a script, KaTeX in a MathML annotation).
_DROP_CLASSES = frozenset({
    "sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text", "MathJax",
    "MathJax_Preview", "MathJax_Display", "MathJax_SVG", "MathJax_SVG_Display", "MathJax_CHTML",
    "MJX_Assistive_MathML", "katex-html"
})
#: Cookie and consent banners: a class or id token naming one, or a known vendor's id.
_BANNER_TOKEN = re.compile(
    r"(?:cookie|consent|gdpr)s?(?:[-_]?(?:banner|bar|notice|popup|modal|dialog|overlay|box|"
    r"container|wrapper|law|message|policy|consent|notification))*",
    re.IGNORECASE,
)
_BANNER_IDS = frozenset({
    "onetrust-consent-sdk", "onetrust-banner-sdk", "CybotCookiebotDialog",
    "cookiescript_injected", "usercentrics-root", "truste-consent-track", "qc-cmp2-container",
    "didomi-host", "cmpbox"
})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BOLD = frozenset({"b", "strong"})
#: Bold is the element's own styling here, not emphasis: no ``**``.
_NO_BOLD = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "th", "dt", "caption", "summary", "legend"
})
_PRE = frozenset({"pre", "listing", "xmp"})
#: The headings a paper's title is in: a ``<br>`` inside one breaks the title for the eye,
#: not into two lines (unless what comes before it is a venue line).
_TITLE_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_TEX_ENCODINGS = frozenset({"application/x-tex", "application/x-latex", "tex", "latex"})
#: Bold is emphasis (kept as ``**``) only in running text: a line of at least this many
#: words, like an abstract. Elsewhere (a venue, a name, "**13** papers") it is styling.
_EMPHASIS_WORDS = 20
#: Stands for a bold marker until the line is finished. NUL never reaches the text: it is
#: replaced on input, as HTML parsers do.
_MARK = "\x00"
_NON_SPACE = re.compile(r"\S")
#: libxml2 keeps source lines in 16 bits for HTML: past this, lines are estimated.
_LINE_CAP = 65535

_DECLARED = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)"""
    rb"""|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)
_PRESCAN = 8192
#: What browsers (WHATWG Encoding) actually use for some labels, by Python codec name:
#: Latin-1 and ASCII mean windows-1252, GB2312 means GBK.
_ENCODING_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254",
                     "gb2312": "gbk"}
#: A UTF-16/32 ``<meta>`` read from ASCII-compatible bytes cannot be true: it means UTF-8.
_WIDE = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})
#: Text codecs of Python's that are not page encodings: a ``<meta>`` naming one is ignored.
_NOT_PAGE_ENCODINGS = frozenset({
    "idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "utf-7",
    "utf-8-sig"
})
_HTML_STARTS = (
    b"<!doctype html", b"<html", b"<head", b"<body", b"<div", b"<main", b"<meta", b"<title",
    b"<!--", b"<?xml", b"<section", b"<article", b"<link", b"<style", b"<script",
)


#: Inline elements a name may be wrapped in, inside an author item.
_INLINE = frozenset({"a", "abbr", "b", "bdi", "cite", "em", "i", "small", "span", "strong",
                     "sup", "sub", "u"})
#: A link to an author's page: ``/author?name=...``, ``/authors/jane-doe``.
_AUTHOR_HREF = re.compile(r"/authors?\b|[?&](?:author|name)=", re.IGNORECASE)
def _visible_text(el: etree._Element) -> str:
    """The text of ``el`` without its dropped parts (an icon's SVG title, a hidden label) and
    bullet characters, spaces collapsed."""
    parts: list[str] = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and not _hidden(child, child.tag.lower()):
            parts.append(_visible_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).replace("\u00a0", " ").strip(_BULLET_CHARS + " ").split())


def _hidden(el: etree._Element, tag: str) -> bool:
    """Whether ``el`` is never page content (the renderer's own test, without landmarks)."""
    if tag in _DROP:
        return True
    get = el.get
    if get("hidden") is not None or _aria_hidden(el):
        return True
    style = get("style")
    return bool(style and _HIDDEN_STYLE.search(style)) or bool(
        _DROP_CLASSES.intersection(_classes(el)))


def _aria_hidden(el: etree._Element) -> bool:
    """Whether ``el`` is ``aria-hidden="true"`` and not the seen half of a pair: text shown to
    the eye (hidden from screen readers) beside a screen-reader-only copy of it
    (``<span aria-hidden="true">Title</span><span class="sr-only">Title</span>``), which
    is the one left out then; dropping both would lose the text."""
    if (el.get("aria-hidden") or "").strip().lower() != "true":
        return False
    parent = el.getparent()
    if parent is None:
        return True
    text = None
    for other in parent:
        if other is el or not isinstance(other.tag, str) or not _DROP_CLASSES.intersection(
                _classes(other)):
            continue
        if text is None:
            text = _visible_text(el)
        if text and _visible_text(other) == text:
            return False
    return True


def _author_items(root: etree._Element) -> set[etree._Element]:
    """The elements that are each one author, read from the page's structure rather than its
    rendering: a link to an author page (with what wraps only it), and a run of two or more
    like siblings (same tag and class) that each hold one name and no block. List items are
    left to the renderer (they are bullets already)."""
    items: set[etree._Element] = set()
    for link in root.iter("a"):
        if not _AUTHOR_HREF.search(link.get("href") or ""):
            continue
        text = _visible_text(link)
        if not name_like(text):
            continue
        line = link.getparent()
        if line is not None and isinstance(line.tag, str) and _venue_line(_visible_text(line)):
            continue  # a venue's name linked in its line ("/venues?name=NeurIPS")
        item = link
        parent = item.getparent()
        while (parent is not None and isinstance(parent.tag, str)
               and parent.tag.lower() not in ("li", "ul", "ol", "body", "html")
               and _wraps_only(parent, item)):
            item, parent = parent, parent.getparent()
        if not any(isinstance(a.tag, str) and a.tag.lower() in ("li", "h1", "h2", "h3", "title")
                   for a in (item, *item.iterancestors())):
            items.add(item)
    for parent in root.iter():
        if len(parent) < 2 or not isinstance(parent.tag, str):
            continue
        if parent.tag.lower() in ("li", "ul", "ol", "tr", "head", "dl"):
            continue
        # every visible child one name, all alike, with nothing but separators between:
        # a name among other text (a venue line's spans) is not a list of authors
        if not _separators(parent.text):
            continue
        children: list[etree._Element] = []
        for child in parent:
            if not _separators(child.tail):
                break
            if isinstance(child.tag, str) and _hidden(child, child.tag.lower()):
                continue
            if not isinstance(child.tag, str) or child.tag.lower() not in _RUN_TAGS or (
                    children and not _like(child, children[0])):
                break  # (paragraphs, cells, list items: never a run of authors)
            children.append(child)
        else:
            if len(children) >= 2 and all(map(_one_name, children)):
                items.update(children)
    return items


def _wraps_only(parent: etree._Element, child: etree._Element) -> bool:
    """Whether ``parent`` holds nothing visible but ``child`` (and bullets or spaces, bare or
    in elements of their own)."""
    if (parent.text or "").strip(_BULLET_CHARS + " \t\n\r\u00a0"):
        return False
    for other in parent:
        if (other.tail or "").strip(_BULLET_CHARS + " \t\n\r\u00a0"):
            return False
        if other is not child and isinstance(other.tag, str) and not _hidden(
                other, other.tag.lower()) and _visible_text(other):  # a bullet's span is empty
            return False
    return True


#: Text between author items that is only a separator: ``, `` ``; `` ``and`` ``·``.
_SEPARATOR = re.compile(r"[\s,;·|&/]*(?:\band\b)?[\s,;·|&/]*")


def _separators(text: str | None) -> bool:
    """Whether ``text`` (between author items) holds nothing but separators."""
    return not text or _SEPARATOR.fullmatch(text) is not None


def _like(one: etree._Element, other: etree._Element) -> bool:
    """Siblings of one kind: the same tag and the same classes."""
    return (one.tag, one.get("class")) == (other.tag, other.get("class"))


def _one_name(el: etree._Element) -> bool:
    """Whether ``el`` holds one name and nothing else: no block inside, visible."""
    if not isinstance(el.tag, str):
        return False
    tag = el.tag.lower()
    if tag not in _RUN_TAGS or _hidden(el, tag):
        return False
    if any(isinstance(d.tag, str) and d.tag.lower() not in _INLINE and not _hidden(d, d.tag.lower())
           for d in el.iterdescendants()):
        return False
    return name_like(_visible_text(el))


#: A card's title comes before its venue line in at most this many lines (the title, a
#: control's label or two).
_TITLE_FIRST = 3
#: Elements that hold a page, not a card: never reordered as one.
_PAGE_LEVEL = frozenset({"html", "body", "main"})

#: The elements a run of like siblings that are authors is made of: generic boxes and
#: inline chips (paragraphs, headings, cells and list items mean something else).
_RUN_TAGS = frozenset({"div", "span", "a", "em", "i", "b", "strong", "small", "cite"})


def looks_like_html(data: bytes) -> bool:
    """A cheap sniff: after a BOM and whitespace, ``data`` starts like an HTML document."""
    for bom, _reader, name in BOMS:
        if data.startswith(bom):
            data = data[len(bom) : len(bom) + 1024].decode(name, "ignore").encode("utf-8")
            break
    return data[:1024].lstrip().lower().startswith(_HTML_STARTS)


def html_lines(
    data: bytes, *, source: str, encoding: str | None = None
) -> list[tuple[int, str]]:
    """The page's logical lines as ``(source line, text)``, blank lines left out.

    ``encoding`` is the transport's charset (an HTTP header, ``--encoding``): it wins over the
    document's ``<meta charset>`` but not over a byte-order mark. Raises
    :class:`~arrow2bib.errors.InputError` naming ``source`` for input too large, undecodable
    or too deeply nested.
    """
    if len(data) > MAX_HTML_BYTES:
        raise InputError(
            f"The HTML is {len(data) / 2**20:.1f} MiB, more than the {MAX_HTML_BYTES >> 20} MiB "
            "arrow2bib reads; an author page is far smaller. Check that this is the page you "
            "meant, or save its text rendering instead.",
            source=source,
        )
    if (tags := data.count(b"<")) > MAX_TAGS:
        raise InputError(
            f"The HTML has {tags:,} tags, more than the {MAX_TAGS:,} arrow2bib reads; an author "
            "page has far fewer. Check that this is the page you meant.",
            source=source,
        )
    text = _decode(data, source, encoding).replace("\x00", "\ufffd")
    if not text.strip():
        return []
    raw, text = text.encode("utf-8"), ""  # hold one copy of the document, not two
    from lxml import etree

    parser = etree.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True,
        collect_ids=False, huge_tree=False,
    )
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"libxml2 cannot read this HTML: {exc}.", source=source) from None
    for entry in parser.error_log:
        if entry.level >= etree.ErrorLevels.FATAL and "depth" in entry.message.lower():
            raise _too_deep(source, entry.line or None)
        if entry.level >= etree.ErrorLevels.FATAL:
            raise InputError(
                f"libxml2 stopped reading the HTML here ({entry.message.strip()}), so the rest "
                "of the page would be lost. Save the page again, or save its text rendering.",
                source=source,
                line=entry.line or None,
            )
    if (second := _SECOND_DOCUMENT.search(raw)) is not None:
        # libxml2 reads up to the first </html> and drops the rest without a word
        raise InputError(
            "A second HTML document starts here, after the first one's </html> (two saved "
            "pages in one file?); libxml2 would read the first and drop it. Save each page "
            "in a file of its own.",
            source=source, line=raw.count(b"\n", 0, second.start(1)) + 1)
    if root is None:
        return []
    renderer = _Renderer(source, _author_items(root))
    renderer.walk(root)
    return _with_cluster_mark(renderer.lines, renderer.heading)


#: ``</html>``, then (after anything but tags-free white space) another document's start.
_SECOND_DOCUMENT = re.compile(rb"</html\s*>\s*(?:<!--.*?-->\s*)*(<(?:!doctype|html)\b)",
                              re.IGNORECASE | re.DOTALL)


def _with_cluster_mark(
    lines: list[tuple[int, str]], heading: int | None
) -> list[tuple[int, str]]:
    """``lines`` with the page's heading (its first ``<h1>``, at index ``heading``) marked as
    the cluster name, as the text page's "Author name cluster" line does, when the page does
    not say so itself and the heading comes before the first paper."""
    from .grammar import is_cluster_mark, read_venue_line

    if heading is None or any(is_cluster_mark(text) for _, text in lines):
        return lines
    if any(read_venue_line(text) is not None for _, text in lines[: heading + 1]):
        return lines  # the <h1> is a paper's title, not the page's heading
    number = lines[heading][0]
    return [*lines[:heading], (number, "Author name cluster"), *lines[heading:]]


def _venue_line(text: str) -> bool:
    """Whether ``text`` reads as a venue line (``grammar.read_venue_line``)."""
    from .grammar import read_venue_line

    return read_venue_line(text) is not None


def _names_site(text: str) -> bool:
    """Whether ``text`` is a short line naming the site (``Arrow Research``), as the text
    reader tells one (``grammar._site_line``)."""
    from .grammar import _site_line

    return _site_line(text)


def _too_deep(source: str, line: int | None) -> InputError:
    return InputError(
        f"The HTML nests elements more than {MAX_DEPTH} deep; arrow2bib refuses it rather than "
        "lose the rest of the page. Save the page again, or save its text rendering.",
        source=source,
        line=line,
    )


def _decode(data: bytes, source: str, encoding: str | None) -> str:
    """Decode as a browser would: BOM, then the transport's charset, then ``<meta>``."""
    given = check_encoding(encoding, source) if encoding else None
    name, origin = "utf-8", "the default (no charset declared)"
    for bom, _reader, bom_name in BOMS:
        if data.startswith(bom):
            data, name, origin = data[len(bom) :], bom_name, "its byte-order mark"
            break
    else:
        if given:
            name, origin = _ENCODING_ALIASES.get(given, given), "the encoding given"
        elif (declared := _declared_encoding(data[:_PRESCAN])) is not None:
            name, origin = declared, "its <meta charset>"
    try:
        return decode_bytes(data, name)
    except UnicodeError as exc:  # a decode error, or a codec that fails without saying where
        start = exc.start if isinstance(exc, UnicodeDecodeError) else 0
        line = data[:start].decode("latin-1").count("\n") + 1
        where = f" at byte {start}" if isinstance(exc, UnicodeDecodeError) else ""
        reason = getattr(exc, "reason", str(exc))
        raise InputError(
            f"The bytes are not valid {name} text ({reason}{where}); the "
            f"encoding came from {origin}. Save the page again as UTF-8, or name its encoding "
            "with --encoding (for example cp1252).",
            source=source,
            line=line,
        ) from None


def _declared_encoding(head: bytes) -> str | None:
    """The encoding a ``<meta>`` or XML declaration names; unknown labels are ignored, and so
    are Python codecs no browser reads a page in (``rot13``, ``idna``, ``unicode_escape``)."""
    match = _DECLARED.search(head)
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii")
    try:
        name = check_encoding(label)
    except InputError:
        return None
    if name in _NOT_PAGE_ENCODINGS:
        return None
    return "utf-8" if name in _WIDE else _ENCODING_ALIASES.get(name, name)


def _tex(el: etree._Element) -> str | None:
    """The TeX (or failing that the text) of a math element, written ``$...$``."""
    for note in el.iter("annotation"):
        if (note.get("encoding") or "").strip().lower() in _TEX_ENCODINGS and note.text:
            return f"${note.text.strip()}$"
    math = next(el.iter("math"), None)
    if math is None:
        return None
    if alt := (math.get("alttext") or "").strip():
        return f"${alt}$"
    # MathML without TeX: its characters, as plain text (they are not TeX)
    return " ".join("".join(math.itertext()).split())


class _Renderer:
    """Walks the tree without recursion, gathering text into lines."""

    def __init__(self, source: str, items: set[etree._Element] | None = None):
        self.source = source
        self._items = items or set()
        self.lines: list[tuple[int, str]] = []
        self._parts: list[str] = []
        self._number: int | None = None  # where the current line's first text is
        self._bullet = False  # the current line is a list item
        self._bullet_pending = False  # the next text starts a list item
        self._serial = 0  # counts flushes, so bold never spans two lines
        self._bold: list[tuple[int, int]] = []  # (serial, index into parts) per open bold
        self._no_bold = self._pre = self._sectioning = 0
        #: The index in :attr:`lines` of the first line of the first ``<h1>``.
        self.heading: int | None = None
        #: The indices in :attr:`lines` of venue lines, and those whose card is known.
        self._venues: list[int] = []
        self._settled: set[int] = set()
        #: Where each open block element's lines start, innermost last.
        self._starts: list[int] = []
        self._in_h1 = 0
        self._in_title = 0  # inside h2-h6, where a paper's title is
        self._pos = 1  # the source line the walk has reached

    # -- the walk ------------------------------------------------------------------------
    def walk(self, root: etree._Element) -> None:
        """Render ``root``'s subtree (not its tail) into :attr:`lines`."""
        stack: list[tuple[etree._Element, int]] = []
        node = root
        while True:
            flags = self._enter(node)
            if flags >= 0 and len(node):
                if len(stack) >= MAX_DEPTH:  # libxml2 stops there, but older ones did not
                    raise _too_deep(self.source, node.sourceline)
                stack.append((node, flags))
                node = node[0]
                continue
            self._leave(node, flags, tail=node is not root)
            while node is not root:
                following = node.getnext()
                if following is not None:
                    node = following
                    break
                node, flags = stack.pop()
                self._leave(node, flags, tail=node is not root)
            else:
                self._flush()
                return

    _IS_BLOCK, _IS_BOLD, _IS_LI, _IS_NO_BOLD, _IS_PRE, _IS_SECTION, _IS_H1, _IS_TITLE = (
        1, 2, 4, 8, 16, 32, 64, 128)

    def _venue_so_far(self) -> bool:
        """Whether the current line's text is a venue line (or nothing yet)."""
        text = " ".join("".join(self._parts).replace(_MARK, "").split())
        return not text or read_venue_line(text) is not None

    def _enter(self, el: etree._Element) -> int:
        """Open ``el``: returns its flags, or -1 when its subtree is not to be walked."""
        if not isinstance(el.tag, str):  # a comment or PI left in: only its tail counts
            return -1
        line = el.sourceline
        if line:
            self._pos = line if line < _LINE_CAP else max(self._pos, line)
        tag = el.tag.lower()
        tex = _tex(el) if tag in ("math", "mjx-container") or "katex" in _classes(el) else None
        if tag == "script" and (el.get("type") or "").lower().startswith("math/tex"):
            tex = f"${el.text.strip()}$" if el.text and el.text.strip() else ""
        if tex is not None:
            self._add(tex)
            return -1
        if self._dropped(el, tag):
            if tag in _BLOCK:
                self._flush()
            # skip the dropped text's line breaks, for the estimate past libxml2's line cap
            self._pos += (el.text or "").count("\n") if not len(el) else 0
            return -1
        if tag in ("br", "hr"):
            if tag == "br" and self._in_title and not self._venue_so_far():
                self._add(" ")  # a title broken for the eye: one line
            else:
                self._flush()
            return 0
        flags = 0
        item = el in self._items
        if tag in _BLOCK or item:
            flags |= self._IS_BLOCK
            self._flush()
            self._starts.append(len(self.lines))
            if tag == "li" or item:
                flags |= self._IS_LI
                self._bullet_pending = True
        if tag in _BOLD:
            flags |= self._IS_BOLD
            self._open_bold()
        if tag in _NO_BOLD:
            flags |= self._IS_NO_BOLD
            self._no_bold += 1
        if tag == "h1":
            flags |= self._IS_H1
            self._in_h1 += 1
        elif tag in _TITLE_HEADINGS:
            flags |= self._IS_TITLE
            self._in_title += 1
        if tag in _PRE:
            flags |= self._IS_PRE
            self._pre += 1
        if tag in _SECTIONING or (el.get("role") or "").strip().lower() in _SECTIONING_ROLES:
            flags |= self._IS_SECTION
            self._sectioning += 1
        self._text(el.text)
        return flags

    def _leave(self, el: etree._Element, flags: int, *, tail: bool) -> None:
        if flags > 0:
            if flags & self._IS_BOLD:
                self._close_bold()
            if flags & self._IS_NO_BOLD:
                self._no_bold -= 1
            if flags & self._IS_PRE:
                self._pre -= 1
            if flags & self._IS_SECTION:
                self._sectioning -= 1
            if flags & self._IS_H1:
                self._flush()
                self._in_h1 -= 1
            if flags & self._IS_TITLE:
                self._in_title -= 1
            if flags & self._IS_BLOCK:
                self._flush()
                start = self._starts.pop()
                if self._venues and self._venues[-1] >= start:  # else no venue line inside
                    self._card(start, el.tag.lower())
            if flags & self._IS_LI:
                self._bullet_pending = False
        if tail and not (flags > 0 and flags & self._IS_LI and el in self._items
                         and _separators(el.tail)):  # ", " between author chips
            self._text(el.tail)

    def _dropped(self, el: etree._Element, tag: str) -> bool:
        if tag in _DROP:
            return True
        # a page-level header or footer is site chrome, unless it holds the page's heading
        # (a semantic page's own header: the name in <h1>, "13 papers")
        if tag in _LANDMARKS and not self._sectioning and next(el.iter("h1"), None) is None:
            return True
        get = el.get
        if get("hidden") is not None or _aria_hidden(el):
            return True
        if _DROP_ROLES.intersection((get("role") or "").lower().split()):
            return True
        style = get("style")
        if style and _HIDDEN_STYLE.search(style):
            return True
        classes = _classes(el)
        if _DROP_CLASSES.intersection(classes):
            return True
        ident = (get("id") or "").strip()
        return ident in _BANNER_IDS or any(
            _BANNER_TOKEN.fullmatch(token) for token in (ident, *classes) if token
        )

    def _card(self, start: int, tag: str) -> None:
        """Put a paper card's venue line first, when its title comes before it.

        A card is the innermost block element whose lines hold a venue line and something
        after it (authors); its venue line is then settled, and no element around it moves
        it. When that card's venue line is its only one and comes after one to
        :data:`_TITLE_FIRST` lines that are neither author items nor header lines (a title,
        a control's label), it moves to the card's first line, where the grammar expects it.
        """
        venues = self._venues
        end = len(self.lines)
        first = bisect.bisect_left(venues, start)
        inside = venues[first:bisect.bisect_left(venues, end, first)]
        waiting = [v for v in inside if v < end - 1 and v not in self._settled]
        if not waiting:
            return
        self._settled.update(waiting)
        if len(inside) != 1 or inside[0] == start or tag in _PAGE_LEVEL:
            return
        venue = inside[0]
        before = [text for _, text in self.lines[start:venue]]
        if len(before) > _TITLE_FIRST or any(
                text[0] in _BULLET_CHARS or is_header_line(text) for text in before):
            return
        self.lines.insert(start, self.lines.pop(venue))
        self._venues[first] = start
        self._settled.add(start)
        if self.heading is not None and start <= self.heading < venue:
            self.heading += 1

    # -- text and lines ------------------------------------------------------------------
    def _text(self, chunk: str | None) -> None:
        if not chunk:
            return
        if not self._pre:
            self._add(chunk)
            return
        for index, piece in enumerate(chunk.split("\n")):
            if index:
                self._flush()
                self._pos += 1
            self._add(piece)

    def _add(self, chunk: str) -> None:
        if self._number is None and (first := _NON_SPACE.search(chunk)) is not None:
            self._number = self._pos + chunk.count("\n", 0, first.start())
            self._bullet, self._bullet_pending = self._bullet_pending, False
        self._parts.append(chunk)
        self._pos += chunk.count("\n")

    def _open_bold(self) -> None:
        # only the outermost bold counts; inside a heading bold is the heading's style
        usable = not self._bold and not self._no_bold
        self._bold.append((self._serial, len(self._parts)) if usable else (-1, 0))

    def _close_bold(self) -> None:
        serial, start = self._bold.pop()
        if serial != self._serial:  # a block inside the bold broke the line: leave it plain
            return
        inner = "".join(self._parts[start:])
        core = inner.strip()
        if core:
            lead, trail = inner[: len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()) :]
            self._parts[start:] = [lead, _MARK, core, _MARK, trail]

    def _flush(self) -> None:
        text = " ".join("".join(self._parts).split())
        if text and (text := self._finish(text)):
            if self._in_h1 and self.heading is None and not _names_site(text):
                self.heading = len(self.lines)  # a site's logo in an <h1> is not the page's
            if text[0] not in _BULLET_CHARS and read_venue_line(text) is not None:
                self._venues.append(len(self.lines))
            self.lines.append((self._number or self._pos, text))
        self._parts.clear()
        self._number, self._bullet = None, False
        self._serial += 1

    def _finish(self, text: str) -> str:
        """Bold markers become ``**`` in running text only; a bullet goes in front."""
        plain = text.replace(_MARK, "")
        marks = len(text) - len(plain)
        whole = marks == 2 and text[0] == text[-1] == _MARK
        if marks and not whole and len(plain.split()) >= _EMPHASIS_WORDS:
            text = text.replace(_MARK, "**")
        else:
            text = plain.strip()
        if self._bullet and text and text[0] not in _BULLET_CHARS:
            text = f"{BULLET} {text}"
        return text


def _classes(el: etree._Element) -> list[str]:
    return (el.get("class") or "").split()
