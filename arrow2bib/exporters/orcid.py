"""The ``orcid`` format: ORCID API v3.0 work XML, ready to POST to a record's works.

Two layouts (``-O layout=...``): ``bulk`` (the default) writes ``<bulk:bulk>`` documents of
at most 100 works each, ORCID's limit for one bulk POST; ``work`` writes one ``<work:work>``
document per paper. Elements follow the order of ``work-3.0.xsd``.

ORCID's API requires an external id with relationship ``self``. The page gives no DOI, and
its URLs are code links rather than the work itself, so each work is identified by its
citation key as a ``source-work-id`` ("a non-standard ID assigned by the source"): stable
over runs, so posting the same page twice is refused as a duplicate instead of doubling the
record. The URLs found in the abstract stay there, in the description: they are not the
work's address (:mod:`arrow2bib.text.links`); ``-O links=url`` puts the first usable one in
``common:url``.

Anything cut or left out (a title over 1000 characters, a year outside 1900-2100, a
character XML 1.0 forbids) is reported through ``ExportOptions.report``.
"""

from __future__ import annotations

import functools
import re
from typing import Callable, Iterable, Iterator, TextIO

from ..errors import ExportError, SettingError
from ..text import links
from ..text.fold import collapse
from ..hookspecs import hookimpl
from ..text.unimath import plain
from ..model import Paper, Problem, Severity
from ..venues import resolve
from ._notes import report_notes
from ._orcid_xml import (
    DECLARATION,
    INDENT,
    WORK_IN_BULK,
    WORK_ROOT,
    bulk,
    contributor,
    escape,
    is_any_uri,
    leaf,
)
from .base import Document, Entry, Exporter, ExportOptions, Requirements
from ._bibtex import format_entry

__all__ = ["WORK_TYPES", "OrcidExporter", "xml_text"]

#: ORCID's limits: bulk POST size (record_3.0 README), the XSD's string-1000, string-150 and
#: short-description types, and the 2000-character work URL of ORCID's database. ORCID sets
#: no limit on contributors (its UI shows the first 50) or on external ids per work.
MAX_WORKS_PER_BULK = 100
MAX_TITLE = 1000
MAX_JOURNAL_TITLE = 1000
MAX_DESCRIPTION = 5000
MAX_CREDIT_NAME = 150
MAX_URL = 2000
#: ``common:year`` of the XSD.
YEARS = range(1900, 2101)

#: The page's paper type (lower case) -> ORCID ``work:type`` (WorkType.java).
WORK_TYPES = {
    "conference paper": "conference-paper",
    "short paper": "conference-paper",
    "full paper": "conference-paper",
    "long paper": "conference-paper",
    "workshop paper": "conference-paper",
    "demo paper": "conference-paper",
    "poster": "conference-poster",
    "abstract": "conference-abstract",
    "extended abstract": "conference-abstract",
    "journal article": "journal-article",
    "journal paper": "journal-article",
    "article": "journal-article",
    "preprint": "preprint",
    "book chapter": "book-chapter",
    "thesis": "dissertation-thesis",
}
#: When the paper type is unknown: the page's venue kind, then the venue table's kind.
VENUE_KIND_TYPES = {
    "conference": "conference-paper",
    "workshop": "conference-paper",
    "symposium": "conference-paper",
    "journal": "journal-article",
    "proceedings": "conference-paper",
}
FALLBACK_TYPE = "other"
SELF_ID_TYPE = "source-work-id"

# What XML 1.0's Char production leaves out (#x9 | #xA | #xD | [#x20-#xD7FF] |
# [#xE000-#xFFFD] | [#x10000-#x10FFFF]): C0 controls but tab and line breaks, lone
# surrogates, U+FFFE and U+FFFF. Written as these ranges, not as the production negated:
# compiling the negated class took 9 ms of every run.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("[ \t\n\r\x85\u2028\u2029]+")
_NOT_A_PERSON = re.compile(r"(?i)^(and\s+)?(et\.?\s*al\.?|others)$")
_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_FILE_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")


def xml_text(value: str) -> tuple[str, str]:
    """``value`` without the characters XML 1.0 forbids, and the characters removed.

    The one cleaning step of this format before the text is escaped
    (:func:`~arrow2bib.exporters._orcid_xml.escape`: ``&``, ``<`` and ``>``), so ``]]>`` or
    ``<!DOCTYPE ...>`` in a title stay text.
    """
    # nearly all text: printable text has none of them (they are controls, surrogates and
    # non-characters), and str.isprintable is a quicker scan than the regex
    if value.isprintable() or _FORBIDDEN.search(value) is None:
        return value, ""
    return _FORBIDDEN.sub("", value), "".join(_FORBIDDEN.findall(value))


def _fit(value: str, limit: int | None, line: bool) -> tuple[str, str, int | None]:
    """``value`` as legal XML, on one line if ``line``, cut to ``limit``; the characters
    removed, and the length before the cut (None: not cut)."""
    clean, removed = xml_text(value)
    if not line:
        clean = clean.strip()
    elif clean.isprintable():  # its only white space is the space: collapse() is the same
        clean = collapse(clean)
    else:
        clean = _LINE_BREAKS.sub(" ", clean).strip()
    if limit is not None and len(clean) > limit:
        return _shorten(clean, limit), removed, len(clean)
    return clean, removed, None


_fitted = functools.lru_cache(maxsize=8192)(_fit)


def _shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, ending in an ellipsis."""
    head = text[: limit - 1]
    space = max(head.rfind(" "), head.rfind("\n"))
    if space > limit // 2:  # cut inside a giant word only when there is no later space
        head = head[:space]
    return head.rstrip() + "…"


class _Work:
    """Builds one paper's ``<work:work>``, reporting each change to the paper's data."""

    def __init__(self, entry: Entry, options: ExportOptions, citation: bool,
                 links: str = "note"):
        self.entry, self.paper, self.options, self.citation = entry, entry.paper, options, citation
        self.links = links

    def report(self, message: str, severity: Severity = Severity.WARNING, **details: object
               ) -> None:
        code = "export-skipped" if severity is Severity.ERROR else "export-lossy"
        self.options.report(Problem(
            code=code, severity=severity, message=f"ORCID: {message}", source=self.paper.source,
            line=self.paper.line or None, title=self.paper.title,
            details={"format": "orcid", "key": self.entry.key, **details},
        ))

    def text(self, field: str, value: str | None, limit: int | None, line: bool) -> str:
        """``value`` made fit for ``field``: legal XML, one line if ``line``, within ``limit``."""
        fit = _fitted if field == "credit-name" else _fit  # names recur: cached
        clean, removed, length = fit(value or "", limit, line)
        if removed:
            codes = [f"U+{ord(c):04X}" for c in sorted(set(removed))]
            self.report(f"removed characters XML cannot carry from the {field} "
                        f"({', '.join(codes)})", field=field, removed=codes)
        if length is not None:
            self.report(f"the {field} is cut to ORCID's {limit} characters", field=field,
                        length=length, limit=limit)
        return clean

    def build(self, opening: str, pad: str) -> str | None:
        """The work's XML text: its ``opening`` tag (:data:`~._orcid_xml.WORK_ROOT` for a
        document of its own, :data:`~._orcid_xml.WORK_IN_BULK` in a bulk) at indentation
        ``pad``; None when it is skipped."""
        paper = self.paper
        title = self.text("title", plain(paper.title), MAX_TITLE, line=True)
        if not title:
            self.report("the paper has no title, which ORCID requires; it is left out",
                        Severity.ERROR, field="title")
            return None
        inner = pad + INDENT
        deeper = inner + INDENT
        out = [f"{pad}{opening}\n{inner}<work:title>\n"
               f"{deeper}<common:title>{escape(title)}</common:title>\n{inner}</work:title>\n"]
        venue = resolve(paper.venue, paper.year, paper.venue_kind)
        journal = self.text("journal-title", venue.container if venue else paper.venue,
                            MAX_JOURNAL_TITLE, line=True)
        leaf(out, inner, "work:journal-title", journal)
        description = self.text("abstract", plain(paper.abstract or ""), MAX_DESCRIPTION, False)
        lost = [u for u in paper.urls if u in (paper.abstract or "") and u not in description]
        if lost:
            self.report("URLs lost with the end of the abstract", field="urls", urls=lost)
        leaf(out, inner, "work:short-description", description)
        report_notes(self.options.report, paper, "orcid", self.entry.key)
        if self.citation:
            value = self.text("citation", format_entry(self.entry, ascii=False,
                                                       links=self.links), None, False)
            if value:
                out.append(f"{inner}<work:citation>\n"
                           f"{deeper}<work:citation-type>bibtex</work:citation-type>\n")
                leaf(out, deeper, "work:citation-value", value)
                out.append(f"{inner}</work:citation>\n")
        leaf(out, inner, "work:type", self.work_type(venue.kind if venue else ""))
        if paper.year in YEARS:
            out.append(f"{inner}<common:publication-date>\n"
                       f"{deeper}<common:year>{paper.year}</common:year>\n"
                       f"{inner}</common:publication-date>\n")
        elif paper.year is not None:
            self.report(f"the year {paper.year} is outside ORCID's 1900-2100; no date is written",
                        field="year", year=paper.year)
        id_pad = deeper + INDENT
        out.append(f"{inner}<common:external-ids>\n{deeper}<common:external-id>\n"
                   f"{id_pad}<common:external-id-type>{SELF_ID_TYPE}</common:external-id-type>\n")
        leaf(out, id_pad, "common:external-id-value", self.text("key", self.entry.key, None, True))
        out.append(f"{id_pad}<common:external-id-relationship>self"
                   f"</common:external-id-relationship>\n{deeper}</common:external-id>\n"
                   f"{inner}</common:external-ids>\n")
        if self.links == "url":  # else the links stay in the description (arrow2bib.text.links)
            url = next((u for u in paper.urls
                        if _URL.fullmatch(u) and len(u) <= MAX_URL and is_any_uri(u)), None)
            leaf(out, inner, "common:url", url)
        self.contributors(out, inner)
        out.append(f"{pad}</work:work>\n")
        return "".join(out)

    def work_type(self, container_kind: str) -> str:
        """The ORCID work type from the paper type, else from the venue's kind."""
        paper = self.paper
        found = WORK_TYPES.get(paper.paper_type.strip().lower()) or VENUE_KIND_TYPES.get(
            paper.venue_kind.strip().lower()) or VENUE_KIND_TYPES.get(container_kind)
        if found is None:
            self.report(f"no ORCID work type for {paper.paper_type!r}; written as "
                        f"{FALLBACK_TYPE!r}", Severity.INFO, field="type")
        return found or FALLBACK_TYPE

    def contributors(self, out: list[str], pad: str) -> None:
        """One contributor per real author, in page order; never a stand-in for the cut."""
        if not self.paper.authors:
            return
        written = len(out)
        out.append(f"{pad}<work:contributors>\n")
        inner = pad + INDENT
        for index, person in enumerate(self.paper.authors):
            name = self.text("credit-name", person.display, MAX_CREDIT_NAME, line=True)
            if not name or _NOT_A_PERSON.fullmatch(name):
                self.report(f"the author {person.literal!r} is not a name; left out",
                            Severity.INFO, field="credit-name", author=person.literal)
                continue
            out.append(contributor(name, "first" if index == 0 else "additional", inner))
        if len(out) == written + 1:  # every author left out: an empty element
            out[written] = f"{pad}<work:contributors/>\n"
        else:
            out.append(f"{pad}</work:contributors>\n")


def _file_part(key: str, taken: set[str]) -> str:
    """A file-name-safe suffix for ``key`` (``-guo2017deepfm``), unique among ``taken``."""
    base = _FILE_UNSAFE.sub("_", key).strip("._")[:100] or "work"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name.lower())
    return f"-{name}"


class OrcidExporter(Exporter):
    """ORCID API v3.0 works: ``<bulk:bulk>`` documents, or one ``<work:work>`` per paper."""

    name = "orcid"
    extension = ".xml"
    description = "ORCID API v3.0 work XML (bulk documents of up to 100 works, or one per paper)"
    options = {
        "layout": "bulk (default): <bulk:bulk> documents of at most 100 works, numbered -001, "
        "-002... when there are several; work: one <work:work> document per paper, named "
        "after its citation key",
        "citation": "bibtex (default): embed each paper's BibTeX entry; none: leave it out",
        "links": links.HELP,
    }

    def _settings(self, options: ExportOptions) -> tuple[str, bool]:
        links.mode(self.option(options, "links", "note"))
        layout = self.option(options, "layout", "bulk")
        citation = self.option(options, "citation", "bibtex")
        if layout not in ("bulk", "work") or citation not in ("bibtex", "none"):
            raise SettingError(
                f"The orcid format takes layout=bulk or layout=work and citation=bibtex or "
                f"citation=none, not layout={layout!r}, citation={citation!r}."
            )
        return layout, citation == "bibtex"

    def _links(self, options: ExportOptions) -> str:
        return links.mode(self.option(options, "links", "note"))

    def documents(self, entries: Iterable[Entry], options: ExportOptions) -> Iterator[Document]:
        """Yield the bulk documents, or one work document per paper, as the entries come
        (one bulk of at most :data:`MAX_WORKS_PER_BULK` works in memory at a time)."""
        layout, citation = self._settings(options)
        mode = self._links(options)  # once, not per work
        entries = iter(entries)
        if layout == "work":
            taken: set[str] = set()
            for entry in entries:
                work = _Work(entry, options, citation, mode).build(WORK_ROOT, "")
                if work is not None:
                    yield Document(_file_part(entry.key, taken), DECLARATION + work)
            return
        number, pending = 0, next(entries, None)
        while True:
            works: list[str] = []
            while pending is not None and len(works) < MAX_WORKS_PER_BULK:
                work = _Work(pending, options, citation, mode).build(WORK_IN_BULK, INDENT)
                if work is not None:
                    works.append(work)
                pending = next(entries, None)
            number += 1
            # the first bulk is numbered only when a second one follows
            several = number > 1 or pending is not None
            yield Document(f"-{number:03d}" if several else "", bulk(works))
            if pending is None:
                return

    def requirements(self, paper: Paper) -> Requirements:
        """What ORCID's schema and API require (a non-blank title; the type and the ``self``
        id are always written) and what a useful record has (year, contributors, venue)."""
        work_type = WORK_TYPES.get(paper.paper_type.lower()) or VENUE_KIND_TYPES.get(
            paper.venue_kind.lower(), FALLBACK_TYPE)
        required = ("title",) if not xml_text(paper.title)[0].strip() else ()
        present = {"publication-date": paper.year is not None and paper.year in YEARS,
                   "contributors": bool(paper.authors), "journal-title": bool(paper.venue)}
        recommended = tuple(name for name, ok in present.items() if not ok)
        return Requirements(work_type, required, recommended)

    def export(self, entries: Iterable[Entry], out: TextIO, options: ExportOptions) -> None:
        """Write the single document; raise ExportError when the papers need several."""
        layout, _citation = self._settings(options)
        entries = list(entries)
        needs_several = len(entries) != 1 if layout == "work" else (
            len(entries) > MAX_WORKS_PER_BULK)
        if layout == "work" and not entries:
            raise ExportError("The orcid work layout writes one document per paper, and there "
                              "are no papers; use -O layout=bulk for an empty bulk document.")
        if needs_several:
            reason = ("one document per paper" if layout == "work" else
                      f"one bulk document per {MAX_WORKS_PER_BULK} works")
            raise ExportError(
                f"The orcid format writes {reason}, and there are {len(entries)} papers: give "
                "an output file with -o (files are written next to it) instead of one stream."
            )
        for document in self.documents(entries, options):
            out.write(document.text)


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the ``orcid`` format."""
    register(OrcidExporter())
