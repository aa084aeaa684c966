"""The making of a BibTeX entry: the entry type from the venue, the fields as LaTeX, and
the reports of what the conversion changed. The ``bibtex`` format
(:mod:`arrow2bib.exporters.bibtex`, which registers it and re-exports these names) and the
``biblatex`` one use them. A module of the compiled core (:mod:`arrow2bib._core`): it marks
no hooks and defines no class a plugin subclasses.
"""

from __future__ import annotations

import unicodedata
from typing import Callable, Iterable, Mapping, NamedTuple

from ..model import Paper, Problem, Severity
from ..text.latex import (
    Latex, escape, format_names, format_person, render, sketch_text, url_list, verbatim_url,
)
from ..text.links import note
from ..text.propernouns import DEFAULT as DEFAULT_NOUNS
from ..text.propernouns import ProperNouns
from ..venues import Venue, resolve
from ..write.sort import AS_IS, FieldOptions, shape
from ._notes import report_notes
from .base import Entry

__all__ = ["ENTRY_TYPES", "FIELD_ORDER", "PAGE_KIND_ROLES", "Placement", "Report", "asked_fields",
           "bibtex_fields", "field_present", "format_entry", "lossy", "placement",
           "report_changes", "title", "write_entry"]

#: When the venue table does not know a venue, the page's venue kind word decides its role.
PAGE_KIND_ROLES = {
    "conference": "proceedings",
    "workshop": "proceedings",
    "symposium": "proceedings",
    "journal": "journal",
}

#: Role of the venue -> BibTeX entry type and the field that names the venue.
ENTRY_TYPES = {
    "proceedings": ("inproceedings", "booktitle"),
    "journal": ("article", "journal"),
    "other": ("misc", "howpublished"),
}

#: The order fields are written in.
FIELD_ORDER = (
    "author", "title", "booktitle", "journal", "howpublished", "year", "publisher", "url",
    "note", "abstract",
)

Report = Callable[[Problem], None]


class Placement(NamedTuple):
    """Where a paper appeared: ``role`` is ``proceedings``, ``journal`` or ``other``;
    ``container`` the name to print (``""`` for none); ``venue`` the table's entry, if any."""

    role: str
    container: str
    venue: Venue | None


def placement(paper: Paper) -> Placement:
    """The role and name of a paper's venue: from the venue table, or, for a venue it does
    not know, the venue as the page writes it with the page's venue kind deciding the role."""
    venue = resolve(paper.venue, paper.year, paper.venue_kind)
    if venue is not None:
        return Placement(venue.kind, venue.container, venue)
    role = PAGE_KIND_ROLES.get(paper.venue_kind.strip().lower(), "other")
    return Placement(role, " ".join(paper.venue.split()), None)


def write_entry(entry_type: str, key: str, fields: Iterable[tuple[str, str]]) -> str:
    """One entry, one field per line, every value in braces (never a ``"``-delimited value,
    where an unbraced ``"`` would end it). Empty values are left out."""
    lines = [f"@{entry_type}{{{key},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields if value]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _is_control(text: str) -> bool:
    return all(unicodedata.category(c) in ("Cc", "Cs") for c in text)


def _describe(changed: Iterable[tuple[str, str]]) -> str:
    seen: dict[tuple[str, str], None] = dict.fromkeys(changed)
    return ", ".join(f"{old!r} -> {new!r}" if new else f"{old!r} dropped" for old, new in seen)


def lossy(entry: Entry, severity: Severity, message: str, **details: object) -> Problem:
    """An ``export-lossy`` problem about ``entry``, placed at its paper's line."""
    paper = entry.paper
    return Problem(code="export-lossy", severity=severity, message=message,
                   source=paper.source, line=paper.line or None, title=paper.title,
                   details={"key": entry.key, **details})


def report_changes(
    entry: Entry, fields: dict[str, Latex], report: Report, *, fmt: str, ascii: bool
) -> None:
    """Report what the LaTeX conversion of each field had to change, and a nickname left
    out, as ``export-lossy`` problems."""
    for name, latex in fields.items():
        if not latex.changed:
            continue
        hint = ""
        if ascii and any(not _is_control(old) for old, _new in latex.changed):
            hint = " Use -O encoding=utf8 (or the biblatex format) to keep them."
        report(lossy(
            entry, Severity.WARNING,
            f"{fmt}: the {name} of {entry.key} has characters it cannot write as they are: "
            f"{_describe(latex.changed)}.{hint}",
            format=fmt, field=name, changed=[list(pair) for pair in latex.changed],
        ))
    for person in entry.paper.authors:
        if person.nickname and person.family:
            report(lossy(
                entry, Severity.INFO,
                f"{fmt}: the nickname {person.nickname!r} of {person.literal!r} in "
                f"{entry.key} has no place in a {fmt} name and was left out.",
                format=fmt, field="author", nickname=person.nickname,
            ))


def title(paper: Paper, *, ascii: bool, nouns: ProperNouns = DEFAULT_NOUNS) -> Latex:
    """The title as LaTeX, its words case-protected: acronyms by their shape, proper nouns
    by ``nouns`` (:mod:`arrow2bib.text.propernouns`: a list and the authors' surnames)."""
    return render(paper.title, ascii=ascii, protect=True, nouns=nouns.words,
                  names=nouns.names_of(paper.authors))


def bibtex_fields(paper: Paper, *, ascii: bool, sketch: bool = False, links: str = "note",
                  nouns: ProperNouns = DEFAULT_NOUNS) -> tuple[str, dict[str, Latex]]:
    """The entry type and the LaTeX fields of a paper, before ordering. A ``sketch`` only
    cleans the text fields instead of converting them (for telling which are empty: in UTF-8
    the conversion never empties a cleaned text): the reference for :func:`field_present`.
    ``nouns`` are the proper nouns the title keeps capitalised."""
    render_, escape_ = (sketch_text, sketch_text) if sketch else (render, escape)
    place = placement(paper)
    entry_type, venue_field = ENTRY_TYPES[place.role]
    fields = {
        "author": format_names(paper.authors, cut=paper.authors_status.is_cut, ascii=ascii),
        "title": (sketch_text(paper.title, ascii=ascii) if sketch
                  else title(paper, ascii=ascii, nouns=nouns)),
        venue_field: escape_(place.container, ascii=ascii),
    }
    if paper.year is not None:
        fields["year"] = Latex(str(paper.year))
    if place.venue is not None and place.venue.publisher and entry_type == "inproceedings":
        # only there: biblatex's data model (biber --validate-datamodel) has no publisher
        # for @article or @misc, and the standard .bst styles print none for an article
        fields["publisher"] = escape(place.venue.publisher, ascii=ascii)
    urls = [u for u in (verbatim_url(u, ascii=ascii) for u in paper.urls) if u]
    if urls and links == "url":
        # the first URL is the url field; the others would be lost there, so the note
        # lists them (\url where that is safe, escaped text otherwise)
        fields["url"] = Latex(urls[0])
        fields["note"] = Latex(url_list(urls[1:], ascii=ascii))
    elif urls:  # links of the abstract, not the paper's address (arrow2bib.text.links): as
        # escaped text, which every style sets with no package (\url is not in plain.bst)
        fields["note"] = Latex(note([escape(u, ascii=ascii).text for u in urls], ", "))
    abstract = paper.abstract if paper.abstract is not None else paper.raw_abstract
    if abstract:
        fields["abstract"] = render_(abstract, ascii=ascii)
    return entry_type, fields


def field_present(name: str, paper: Paper, place: Placement, venue_field: str) -> bool:
    """Whether ``paper``'s entry has a non-empty ``name`` field, decided from the paper: what
    a :func:`bibtex_fields` sketch tells (``venue_field`` names the venue), without
    rendering every field. ``biblatex`` uses it for the fields the two formats share."""
    if name == "author":  # format_names writes a list iff one of its names has text
        return any(format_person(person, ascii=False).text for person in paper.authors)
    if name == "title":
        return bool(sketch_text(paper.title).text)
    if name == venue_field:
        return bool(sketch_text(place.container).text)
    if name == "year":
        return paper.year is not None
    if name == "publisher":
        if place.venue is None or not place.venue.publisher or venue_field != "booktitle":
            return False
        return bool(escape(place.venue.publisher, ascii=False).text)
    if name in ("url", "note"):  # the links of the abstract are the note (arrow2bib.text.links)
        urls = [u for u in (verbatim_url(u, ascii=False) for u in paper.urls) if u]
        return bool(urls) and name == "note"
    if name == "abstract":
        abstract = paper.abstract if paper.abstract is not None else paper.raw_abstract
        return abstract is not None and bool(sketch_text(abstract).text)
    return False  # another entry type's venue field, or a field this format never writes


def asked_fields(entry_type: str, *tables: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The fields ``tables`` (required, recommended... per entry type, ``""`` the default,
    as :func:`~arrow2bib.exporters.base.missing` reads them) name for ``entry_type``: the only
    ones whose presence a requirements check needs to know."""
    names = (name for table in tables for name in table.get(entry_type, table.get("", ())))
    return list(dict.fromkeys(names))


def format_entry(entry: Entry, *, ascii: bool = True, report: Report | None = None,
                 links: str = "note", wanted: FieldOptions = AS_IS,
                 nouns: ProperNouns = DEFAULT_NOUNS) -> str:
    """The complete BibTeX entry of ``entry``: ASCII LaTeX unless ``ascii`` is False.

    ``report`` receives an ``export-lossy`` problem for each field the conversion changed
    (of the fields written: ``wanted`` may omit some, and order them).
    """
    entry_type, fields = bibtex_fields(entry.paper, ascii=ascii, links=links, nouns=nouns)
    fields = {name: value for name, value in fields.items() if name not in wanted.omit}
    if report is not None:
        report_changes(entry, fields, report, fmt="bibtex", ascii=ascii)
        report_notes(report, entry.paper, "bibtex", entry.key, math=False)  # math stays TeX
    ordered = [(name, fields[name].text) for name in FIELD_ORDER if name in fields]
    return write_entry(entry_type, entry.key, shape(ordered, wanted))
