"""The ``biblatex`` format: a ``.bib`` file for biblatex with biber.

Biber reads UTF-8, so characters are written as they are; LaTeX specials are still escaped
and titles case-protected the same way as for BibTeX (:mod:`arrow2bib.text.latex`). biblatex's
own entry types and fields are used: ``date``, ``journaltitle``, ``booktitle`` with the
event's name in ``eventtitle``. Only the fields biblatex's data model allows for an entry type
are written (``biber --validate-datamodel`` is silent); a value that has no field in its type
is reported. Names are adjusted where biber 2.x would break (:func:`biber_safe_name`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from typing import Callable, Sequence

from ..text import links, propernouns
from ..hookspecs import hookimpl
from ..text.latex import (
    SPECIALS, Latex, brace, escape, format_names, format_person, render, sketch_text, tidy,
    url_list, verbatim_url,
)
from ..text.links import note
from ..text.propernouns import DEFAULT as DEFAULT_NOUNS
from ..text.propernouns import ProperNouns
from ..model import Paper, Person, Severity
from ..write.sort import AS_IS, FIELD_OPTIONS, FieldOptions, shape
from ._notes import report_notes
from .base import Entry, Exporter, ExportOptions, Requirements, missing
from ._bibtex import (
    Placement, Report, asked_fields, field_present, lossy, placement, report_changes, title,
    write_entry,
)
from .bibtex import BibTeXFamily

__all__ = ["BibLaTeXExporter", "biber_safe_name", "format_entry"]

#: Role of the venue -> biblatex entry type and the field that names the venue.
ENTRY_TYPES = {
    "proceedings": ("inproceedings", "booktitle"),
    "journal": ("article", "journaltitle"),
    "other": ("misc", "howpublished"),
}

#: The order fields are written in.
FIELD_ORDER = (
    "author", "title", "booktitle", "eventtitle", "journaltitle", "howpublished", "date",
    "publisher", "url", "note", "addendum", "abstract",
)

_COMMON = {"author", "title", "date", "url", "note", "addendum", "abstract"}
#: The fields written here that biblatex's default data model (blx-dm.def) allows per type.
ALLOWED_FIELDS = {
    "inproceedings": _COMMON | {"booktitle", "eventtitle", "publisher"},
    "article": _COMMON | {"journaltitle"},
    "misc": _COMMON | {"howpublished"},
}

#: Fields biblatex's data model makes mandatory per entry type (blx-dm.def's constraints,
#: which ``biber --validate-datamodel`` checks; a date is mandatory for every type).
REQUIRED_FIELDS = {
    "inproceedings": ("author", "title", "booktitle", "date"),
    "article": ("author", "title", "journaltitle", "date"),
    "misc": ("title", "date"),
}
#: Fields the manual lists as required that the data model lets pass.
RECOMMENDED_FIELDS = {"misc": ("author",), "": ()}
#: The fields those tables ask about, per entry type.
ASKED_FIELDS = {entry_type: asked_fields(entry_type, REQUIRED_FIELDS, RECOMMENDED_FIELDS)
                for entry_type, _venue_field in ENTRY_TYPES.values()}

_AND = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)

#: Characters biber (2.x) must not find where it takes a name's initials (the start of a
#: word or of a hyphenated part): its initials code writes them into the .bbl unescaped
#: ("familyi={}...") and the document breaks. ``( ) [ ] =`` are braced in names.
_BIBER_SPECIALS = frozenset("\\{}$&%#_~^()[]=")
#: Characters written with a brace or a backslash in names (after a diacritic they would
#: join the two-character initial).
_BRACED = _BIBER_SPECIALS | frozenset(SPECIALS)
_DASHES = frozenset("-‐‑‒–—―")


def _diacritic(char: str) -> bool:
    # biber takes two characters as the initial when the first is a diacritic (\p{Dia})
    return char in "^`" or unicodedata.category(char) in ("Sk", "Lm", "Mn", "Me")


def _initials_safe(text: str) -> tuple[str, list[str]]:
    """``text`` without what breaks biber's initials at the start of words and hyphenated
    parts: TeX specials, a hyphen after a hyphen (its ``{}`` ligature break), a diacritic
    followed by one of those, by another, or by nothing."""
    out: list[str] = []
    dropped: list[str] = []
    start = True
    for index, char in enumerate(text):
        following = text[index + 1 : index + 2]
        if start and (
            char in _BIBER_SPECIALS
            or (char in _DASHES and out and out[-1] in _DASHES)
            or (_diacritic(char) and (not following or following.isspace()
                                      or following in _BRACED | _DASHES
                                      or _diacritic(following)))
        ):
            dropped.append(char)
            continue
        out.append(char)
        start = char.isspace() or char in _DASHES
    return "".join(out), dropped


def biber_safe_name(person: Person) -> tuple[Person, list[str]]:
    """``person`` as biber can read it, and the characters that were left out: see
    :func:`_initials_safe`. Biber also counts every comma of a name, braced or not, so a
    name with a comma inside a part is written whole, as a literal name."""
    safe, dropped = _biber_safe_name(person)
    return safe, list(dropped)


@functools.lru_cache(maxsize=8192)  # co-authors come back paper after paper
def _biber_safe_name(person: Person) -> tuple[Person, tuple[str, ...]]:
    used = _PARTS if (person.family or "").strip() else ("literal",)
    dropped: list[str] = []
    parts: dict[str, str] = {}
    for name in ("literal", *_PARTS):
        value = getattr(person, name)
        if value is None:
            continue
        tidied = tidy(value.replace("\u00a0", " "))
        value, lost = _initials_safe(tidied.text)
        if name in used:
            dropped += [old for old, _new in tidied.changed] + lost
        parts[name] = value
    safe = dataclasses.replace(person, **parts)
    if safe.family and any("," in (getattr(safe, n) or "") for n in _PARTS):
        safe = Person(literal=safe.display)
    return safe, tuple(dropped)


_PARTS = ("given", "family", "particle", "suffix")


def _list_literal(text: str) -> Latex:
    """A value for a biblatex literal list (``publisher``): braced whole when it contains
    ``and``, which would otherwise split it into two items."""
    latex = escape(text, ascii=False)
    return Latex(brace(latex.text), latex.changed) if _AND.search(text) else latex


def biblatex_fields(entry: Entry, *, sketch: bool = False, links: str = "note",
                    nouns: ProperNouns = DEFAULT_NOUNS) -> tuple[str, dict[str, Latex]]:
    """The entry type and every field the paper has a value for, allowed or not (a
    ``sketch`` only cleans the text fields, enough to tell which are empty)."""
    render_, escape_ = (sketch_text, sketch_text) if sketch else (render, escape)
    paper = entry.paper
    place = placement(paper)
    entry_type, venue_field = ENTRY_TYPES[place.role]
    safe = [biber_safe_name(person) for person in paper.authors]
    authors = format_names([p for p, _ in safe], cut=paper.authors_status.is_cut, ascii=False)
    dropped = tuple((char, "") for _, chars in safe for run in chars for char in run)
    fields = {
        "author": Latex(authors.text, authors.changed + dropped),
        "title": (sketch_text(paper.title) if sketch
                  else title(paper, ascii=False, nouns=nouns)),
        venue_field: escape_(place.container, ascii=False),
    }
    if place.venue is not None:
        fields["eventtitle"] = escape_(place.venue.event, ascii=False)
        if place.venue.publisher:
            fields["publisher"] = _list_literal(place.venue.publisher)
    if paper.year is not None:
        fields["date"] = Latex(str(paper.year))
    urls = [u for u in (verbatim_url(u, ascii=False) for u in paper.urls) if u]
    if urls and links == "url":
        fields["url"] = Latex(urls[0])
        fields["note"] = Latex(url_list(urls[1:], ascii=False))
    elif urls:  # links of the abstract, not the paper's address (arrow2bib.text.links)
        fields["addendum"] = Latex(note([url_list([u], ascii=False) for u in urls], ", "))
    abstract = paper.abstract if paper.abstract is not None else paper.raw_abstract
    if abstract:
        fields["abstract"] = render_(abstract, ascii=False)
    return entry_type, fields


def _field_present(name: str, paper: Paper, place: Placement, venue_field: str) -> bool:
    """Whether ``paper``'s entry has a non-empty ``name`` field (allowed or not), decided from
    the paper: what a :func:`biblatex_fields` sketch tells, without rendering every field."""
    if name == "author":  # the names as written: biber-safe first
        return any(format_person(_biber_safe_name(person)[0], ascii=False).text
                   for person in paper.authors)
    if name == "eventtitle":
        return place.venue is not None and bool(sketch_text(place.venue.event).text)
    if name == "publisher":
        if place.venue is None or not place.venue.publisher:
            return False
        return bool(_list_literal(place.venue.publisher).text)
    if name == "date":
        return paper.year is not None
    if name == "year":
        return False  # biblatex writes the year as the date
    if name in ("note", "addendum"):  # the links of the abstract are the addendum
        return name == "addendum" and field_present("note", paper, place, venue_field)
    return field_present(name, paper, place, venue_field)


def format_entry(entry: Entry, *, report: Report | None = None, links: str = "note",
                 wanted: FieldOptions = AS_IS, nouns: ProperNouns = DEFAULT_NOUNS) -> str:
    """The complete biblatex entry of ``entry``; ``nouns`` the title's proper nouns
    (``wanted`` may omit fields, and order them)."""
    entry_type, fields = biblatex_fields(entry, links=links, nouns=nouns)
    fields = {name: value for name, value in fields.items() if name not in wanted.omit}
    allowed = ALLOWED_FIELDS[entry_type]
    if report is not None:
        report_changes(entry, fields, report, fmt="biblatex", ascii=False)
        report_notes(report, entry.paper, "biblatex", entry.key, math=False)  # math stays TeX
        for name in sorted(n for n in set(fields) - allowed if fields[n].text):
            report(lossy(
                entry, Severity.INFO,
                f"biblatex: @{entry_type} has no {name} field; the {name} of {entry.key} "
                f"({fields[name].text!r}) was left out.",
                format="biblatex", field=name,
            ))
    ordered = [(n, fields[n].text) for n in FIELD_ORDER if n in fields and n in allowed]
    return write_entry(entry_type, entry.key, shape(ordered, wanted))


class BibLaTeXExporter(BibTeXFamily):
    """biblatex with biber: UTF-8, biblatex entry types and fields."""

    name = "biblatex"
    extension = ".bib"
    description = "biblatex/biber .bib: UTF-8, date, journaltitle, eventtitle"
    default_for_extension = False
    bibtex_syntax = True
    field_order = FIELD_ORDER
    options = {"links": links.HELP, "propernouns": propernouns.FILE_HELP,
               "builtin-propernouns": propernouns.BUILTIN_HELP, **FIELD_OPTIONS}

    def requirements(self, paper: Paper) -> Requirements:
        """The fields biblatex requires for this paper's entry type that it lacks."""
        # decided field by field from the paper, and only for the fields the tables ask
        # about: the check runs on every paper, before the entry is formatted
        place = placement(paper)
        entry_type, venue_field = ENTRY_TYPES[place.role]
        allowed = ALLOWED_FIELDS[entry_type]
        present = [n for n in ASKED_FIELDS[entry_type]
                   if n in allowed and _field_present(n, paper, place, venue_field)]
        return missing(entry_type, present, REQUIRED_FIELDS, RECOMMENDED_FIELDS)

    def format_entries(self, entries: Sequence[Entry], options: ExportOptions) -> str:
        """The entries' texts, separated by blank lines."""
        report, mode = options.report, links.mode(self.option(options, "links", "note"))
        wanted, nouns = self.fields(options), propernouns.settings(options.extra)
        return "\n".join([format_entry(entry, report=report, links=mode, wanted=wanted,
                                       nouns=nouns) for entry in entries])

@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the ``biblatex`` format."""
    register(BibLaTeXExporter())
