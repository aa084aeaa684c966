"""The ``csljson`` format: CSL-JSON, the input of citeproc-js (Zotero, Mendeley), pandoc and
citeproc-py.

The output is one JSON array of CSL 1.0.2 items, valid against the official
``csl-data.json`` schema, UTF-8, with a fixed key order. ``-O csl=1.0.1`` leaves out the two
keys 1.0.2 added (``event-title``, ``custom``) for citeproc-py 0.11, which warns about them
(``unsupported: event_title, custom``); citeproc-js, pandoc and Zotero read both forms.
Conventions (see the README):

- ``type`` from :data:`CSL_TYPES` (the page's paper type, then its venue kind word, then
  the venue table's kind), ``document`` when none says.
- The venue table gives ``container-title`` (the proceedings or journal), ``event-title``
  (the conference) and ``publisher``; an unknown venue is kept as written in
  ``container-title``. ``event`` repeats ``event-title``: it is the name CSL 1.0.1 used,
  and processors and styles that predate 1.0.2 read only that one.
- Names: ``family``/``given``/``suffix``; a particle (``de`` in ``Maarten de Rijke``) is a
  ``non-dropping-particle``, the way citeproc-js reads a particle kept in the family field,
  so each style decides with ``demote-non-dropping-particle`` whether to demote it. A
  nickname is not part of ``given``; it goes to ``custom``.
- A cut author list lists the real names only (never "others") and says so in ``note``
  (which readers see) and in ``custom.authors-status``.
- ``**bold**`` markers are dropped (citeproc-py prints ``<b>`` literally). ``$math$`` is no
  TeX here: titles get CSL rich text (``ℓ<sub>1</sub>``, ``<i>B</i>Σ<sub>X</sub>``, see
  :mod:`arrow2bib.text.unimath`) in a ``<span class="nocase">`` so title-casing styles leave it
  alone; abstracts get plain Unicode (``ℓ₁``), as Zotero's abstract field is plain text.
- The links found in the abstract are not the paper's address: ``note`` names them
  (:mod:`arrow2bib.text.links`), ``custom.urls`` lists them; with ``-O links=url``, ``URL`` holds
  the first and ``note`` the others.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, Iterable, Sequence, TextIO

from ..text import links
from ..errors import SettingError
from ..hookspecs import hookimpl
from ..text.links import note
from ..text.markup import unbolded
from ..text.unimath import csl_math, no_csl_tags
from ..text.unimath import plain as plain_unicode
from ..model import MAX_AUTHORS_SHOWN, AuthorStatus, Paper, Person, Problem
from ..venues import Venue, resolve
from .._json_text import indented
from ._notes import report_notes
from .base import Entry, Exporter, ExportOptions, Layout, Requirements, lossy, missing

__all__ = [
    "CSL_TYPES",
    "CslJsonExporter",
    "csl_item",
    "csl_title",
    "for_legacy_processors",
]

#: The page's paper type (lower case) -> CSL item type.
CSL_TYPES = {
    "conference paper": "paper-conference",
    "short paper": "paper-conference",
    "full paper": "paper-conference",
    "long paper": "paper-conference",
    "workshop paper": "paper-conference",
    "demo paper": "paper-conference",
    "poster": "paper-conference",
    "abstract": "paper-conference",
    "extended abstract": "paper-conference",
    "journal article": "article-journal",
    "journal paper": "article-journal",
    "article": "article-journal",
    "preprint": "article",
    "book chapter": "chapter",
    "thesis": "thesis",
}
#: When the paper type says nothing: the page's venue kind word (lower case).
VENUE_KIND_TYPES = {
    "conference": "paper-conference",
    "workshop": "paper-conference",
    "symposium": "paper-conference",
    "proceedings": "paper-conference",
    "journal": "article-journal",
    "transactions": "article-journal",
    "magazine": "article-magazine",
}
#: Then the venue table's kind.
TABLE_KIND_TYPES = {"proceedings": "paper-conference", "journal": "article-journal"}
FALLBACK_TYPE = "document"

#: Keys CSL 1.0.2 added that pre-1.0.2 processors (citeproc-py 0.11) warn about.
CSL_102_ONLY = ("custom", "event-title")

#: Names a careless source uses for "and more authors": never written as an author.
_NOT_AUTHORS = re.compile(r"^\s*(?:and\s+)?(?:others|et\.?\s*al\.?)\s*$", re.IGNORECASE)
_NOCASE = '<span class="nocase">{}</span>'

Report = Callable[[Problem], None]


def csl_type(paper: Paper, venue: Venue | None) -> str:
    """The CSL item type of ``paper``: paper type, then venue kind word, then table kind."""
    found = CSL_TYPES.get(paper.paper_type.strip().lower())
    found = found or VENUE_KIND_TYPES.get(paper.venue_kind.strip().lower())
    if found is None and venue is not None:
        found = TABLE_KIND_TYPES.get(venue.kind)
    return found or FALLBACK_TYPE


def csl_text(text: str) -> str:
    """``text`` as CSL plain text: bold markers dropped, math as plain Unicode."""
    return plain_unicode(text)


# the missing-field check asks for each paper's item head before the exporter makes the
# item: the title converted for one is there for the other (a batch is at most 1,000 papers)
@functools.lru_cache(maxsize=2048)
def csl_title(text: str) -> str:
    """A title as CSL rich text: math as :func:`arrow2bib.text.unimath.csl_math`, and each
    whitespace-delimited run that holds math wrapped in ``<span class="nocase">``, so that a
    title-casing style does not turn ``log k`` into ``Log K``.
    Acronyms and mixed case (``DeepFM``,
    ``LoRA``) are not wrapped: CSL title case only changes lower-case words, no style of
    the CSL repository sentence-cases titles, and Zotero shows the tags in its title field."""
    out: list[str] = []
    run: list[str] = []  # the current run without white space (math may hold some)
    protect = False

    def flush() -> None:
        nonlocal protect
        if run:
            out.append(_NOCASE.format("".join(run)) if protect else "".join(run))
        run.clear()
        protect = False

    for span in unbolded(text):
        if span.kind == "math":
            run.append(csl_math(span.text))
            protect = True
            continue
        # bold markers are dropped; split at white space, the first part continues the run
        for index, part in enumerate(re.split(r"(\s+)", span.text)):
            if index % 2:
                flush()
                out.append(part)
            elif part:
                run.append(no_csl_tags(part))  # the page's text, never markup
    flush()
    return "".join(out)


def _name(person: Person) -> dict[str, str]:
    if person.is_literal:
        return {"literal": person.literal}
    name: dict[str, str] = {"family": person.family or ""}
    if person.given:
        name["given"] = person.given
    if person.particle:
        name["non-dropping-particle"] = person.particle
    if person.suffix:
        name["suffix"] = person.suffix
    return name


def _problem(paper: Paper, message: str, **details: Any) -> Problem:
    return lossy(paper, "csljson", message, **details)


def _truncation_note(status: AuthorStatus) -> str | None:
    if status is AuthorStatus.TRUNCATED:
        return (
            f"Author list truncated: the source page shows only {MAX_AUTHORS_SHOWN} "
            "of the authors."
        )
    if status is AuthorStatus.MAY_BE_TRUNCATED:
        return (
            f"Author list may be incomplete: the source page shows at most "
            f"{MAX_AUTHORS_SHOWN} authors."
        )
    return None


def _item_head(entry: Entry, report: Report
               ) -> tuple[dict[str, Any], Venue | None, list[dict[str, Any]]]:
    """The first fields of :func:`csl_item` (id, type, title, author, issued and those of a
    known venue: all that the required and recommended fields are among), the venue and the
    authors' nicknames."""
    paper = entry.paper
    venue = resolve(paper.venue, paper.year, paper.venue_kind) if paper.venue else None
    item: dict[str, Any] = {"id": entry.key, "type": csl_type(paper, venue)}
    if paper.title:
        item["title"] = csl_title(paper.title)

    authors: list[dict[str, str]] = []
    nicknames: list[dict[str, Any]] = []
    dropped: list[str] = []
    for person in paper.authors:
        if _NOT_AUTHORS.match(person.literal):
            dropped.append(person.literal)
            continue
        if person.nickname:
            nicknames.append(
                {"index": len(authors), "literal": person.literal, "nickname": person.nickname}
            )
        authors.append(_name(person))
    if dropped:
        report(_problem(paper, f"Left out {dropped!r}: not an author's name.", dropped=dropped))
    if authors:
        item["author"] = authors
    if paper.year is not None:
        item["issued"] = {"date-parts": [[paper.year]]}

    if venue is not None:
        if venue.published:
            item["container-title"] = venue.container
            if venue.short and venue.short != venue.container:
                item["container-title-short"] = venue.short
        if venue.series:
            item["collection-title"] = venue.series
        if venue.kind == "proceedings":
            # a workshop without proceedings: the container names where it was presented
            event = venue.event if venue.published else venue.container
            if event:
                item["event-title"] = event
                item["event"] = event
        if venue.volume:
            item["volume"] = venue.volume
        if venue.publisher:
            item["publisher"] = venue.publisher
        if venue.issn:
            item["ISSN"] = venue.issn
    elif paper.venue:
        item["container-title"] = paper.venue  # unknown venue: keep it as written
    return item, venue, nicknames


def csl_item(entry: Entry, report: Report = lambda problem: None, links: str = "note"
             ) -> dict[str, Any]:
    """One paper as a CSL-JSON item (a dict in the documented key order)."""
    paper = entry.paper
    item, _venue, nicknames = _item_head(entry, report)
    if paper.urls and links == "url":
        item["URL"] = paper.urls[0]
    abstract = paper.abstract if paper.abstract is not None else paper.raw_abstract
    if abstract:
        item["abstract"] = csl_text(abstract)

    notes = [n for n in (_truncation_note(paper.authors_status),) if n]
    if links == "url" and len(paper.urls) > 1:
        notes.append("Other URLs: " + " ".join(paper.urls[1:]))
    elif links != "url" and paper.urls:  # not the paper's address (arrow2bib.text.links)
        notes.append(note(paper.urls))
    if notes:
        item["note"] = "\n".join(notes)

    custom: dict[str, Any] = {"authors-status": paper.authors_status.value}
    for key, value in (
        ("venue", paper.venue),
        ("venue-kind", paper.venue_kind),
        ("paper-type", paper.paper_type),
    ):
        if value:
            custom[key] = value
    if paper.urls:
        custom["urls"] = list(paper.urls)
    if nicknames:
        custom["nicknames"] = nicknames
    if paper.source:
        custom["source"] = paper.source
    if paper.line:
        custom["line"] = paper.line
    item["custom"] = custom
    return item


def for_legacy_processors(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``items`` without the keys CSL 1.0.2 added (:data:`CSL_102_ONLY`), for processors
    that predate it, such as citeproc-py 0.11 (which warns about each unknown key). The
    event name stays in ``event``, the 1.0.1 name; ``custom`` only held data no style prints.
    """
    return [{k: v for k, v in item.items() if k not in CSL_102_ONLY} for item in items]


def _dumps(value: Any, depth: int) -> str:
    """JSON indented by two spaces, except that an item's small parts (a name, a date, a
    short list) stay on one line, so a diff shows one changed author as one line.
    ensure_ascii=False writes raw UTF-8; json still escapes control characters."""
    return indented(value, depth, one_line_from=2)


#: What CSL styles need to render a reference (APA, Chicago, IEEE): a title always; the
#: author, date and container for articles and papers.
REQUIRED_FIELDS = {"": ("title",)}
RECOMMENDED_FIELDS = {
    "paper-conference": ("author", "issued", "container-title"),
    "article-journal": ("author", "issued", "container-title"),
    "": ("author", "issued"),
}


class CslJsonExporter(Exporter):
    """CSL-JSON: a JSON array of CSL 1.0.2 items, for Zotero, pandoc and citeproc."""

    name = "csljson"
    aliases = ("csl-json", "csl")
    extension = ".json"
    description = "CSL-JSON (CSL 1.0.2 items) for Zotero, pandoc, citeproc-js/py"
    default_for_extension = True
    options = {"links": links.HELP,
               "csl": "1.0.2 (default: event-title and custom, which citeproc-js, pandoc and "
                      "Zotero read) or 1.0.1 (neither: for citeproc-py 0.11, which warns "
                      "about them)"}

    def _version(self, options: ExportOptions) -> str:
        value = self.option(options, "csl", "1.0.2").strip()
        if value not in ("1.0.2", "1.0.1"):
            raise SettingError(f"The csljson option csl={value!r} is not known: it takes "
                               "1.0.2 (the default) or 1.0.1.")
        return value

    def layout(self, options: ExportOptions) -> Layout:
        """One JSON array, two-space indented, ending in a newline (the text is
        :func:`_dumps` of the whole list)."""
        return Layout(head="[\n  ", separator=",\n  ", tail="\n]\n", empty="[]\n")

    def format_entries(self, entries: Sequence[Entry], options: ExportOptions) -> str:
        """Items, at their place in the array."""
        mode = links.mode(self.option(options, "links", "note"))
        legacy = self._version(options) == "1.0.1"
        texts = []
        for entry in entries:
            item = csl_item(entry, options.report, mode)
            report_notes(options.report, entry.paper, self.name, entry.key)
            if legacy:
                item = for_legacy_processors([item])[0]
            texts.append(_dumps(item, 1))
        return ",\n  ".join(texts)

    def export(self, entries: Iterable[Entry], out: TextIO, options: ExportOptions) -> None:
        """Write ``entries`` as one JSON array, item by item."""
        links.mode(self.option(options, "links", "note"))  # a bad value fails with no entries
        self._version(options)
        self.write_layout(entries, out, options)

    def requirements(self, paper: Paper) -> Requirements:
        """The CSL fields styles need that this paper's item lacks."""
        # the fields the tables name are all in the item's head: the abstract and notes
        # (the costly part) are not converted for the check
        item, _venue, _nicknames = _item_head(Entry(key="check", paper=paper),
                                              lambda problem: None)
        present = [k for k, v in item.items() if v not in (None, "", [], {})]
        return missing(item["type"], present, REQUIRED_FIELDS, RECOMMENDED_FIELDS)


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the ``csljson`` format."""
    register(CslJsonExporter())
