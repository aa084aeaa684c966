"""One paper as a Hayagriva entry: the mapping from arrow2bib's model to Hayagriva's fields.

- ``type`` and the ``parent``'s type from :data:`ENTRY_TYPES` (the page's paper type), then
  :data:`VENUE_KIND_TYPES` (the page's venue kind word), then :data:`TABLE_KIND_TYPES` (the
  venue table's kind): a conference paper is an ``article`` whose parent is the
  ``proceedings``, as Hayagriva's documentation says, which Hayagriva maps to CSL's
  ``paper-conference``; a journal paper is an ``article`` in a ``periodical``.
- A known venue gives the proceedings' or journal's real ``title``, ``publisher`` and
  ``volume``; a second parent of type ``conference`` holds the event (CSL's
  ``event-title``); a book series is the proceedings' own parent (an ``anthology``, CSL's
  ``collection-title``). An unknown venue is kept as written, as the parent's title.
- ``author``: ``"Family, Given"`` strings, or a mapping (``name``, ``given-name``,
  ``suffix``) when the string would be misread: a comma in a part, or a particle or a
  lower-case family name, which the string form turns into a dropping particle (see
  :func:`hayagriva_person`). Only real names; the nickname is left out (Hayagriva's
  ``alias`` means a pen name that replaces the name) and reported.
- A cut author list is said in ``note``. Hayagriva has no "and others" marker, and styles
  print "et al." by their own rules (IEEE from 7 names on).
- ``url``: the first URL that Hayagriva's URL parser will accept; the others go to
  ``note``. ``abstract``: the abstract as text.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Callable

from arrow2bib import AuthorStatus, Entry, Paper, Person, Problem, Severity
from arrow2bib.venues import Venue, resolve

from .text import clean, formattable
from .yamltext import Node

__all__ = ["ENTRY_TYPES", "FIELDS", "TABLE_KIND_TYPES", "VENUE_KIND_TYPES", "hayagriva_entry",
           "hayagriva_person", "hayagriva_url"]

Report = Callable[[Problem], None]
#: (entry type, parent type or None): a type without a parent keeps the venue in
#: ``organization``.
Types = tuple[str, "str | None"]

#: The page's paper type (lower case) -> Hayagriva entry type and parent type.
ENTRY_TYPES: dict[str, Types] = {
    "conference paper": ("article", "proceedings"),
    "short paper": ("article", "proceedings"),
    "full paper": ("article", "proceedings"),
    "long paper": ("article", "proceedings"),
    "workshop paper": ("article", "proceedings"),
    "demo paper": ("article", "proceedings"),
    "poster": ("article", "proceedings"),
    "abstract": ("article", "proceedings"),
    "extended abstract": ("article", "proceedings"),
    "journal article": ("article", "periodical"),
    "journal paper": ("article", "periodical"),
    "article": ("article", "periodical"),
    "preprint": ("article", "repository"),
    "book chapter": ("chapter", "book"),
    "thesis": ("thesis", None),
}
#: When the paper type says nothing: the page's venue kind word (lower case).
VENUE_KIND_TYPES: dict[str, Types] = {
    "conference": ("article", "proceedings"),
    "workshop": ("article", "proceedings"),
    "symposium": ("article", "proceedings"),
    "proceedings": ("article", "proceedings"),
    "journal": ("article", "periodical"),
    "transactions": ("article", "periodical"),
    "magazine": ("article", "periodical"),
}
#: Then the venue table's kind.
TABLE_KIND_TYPES: dict[str, Types] = {
    "proceedings": ("article", "proceedings"),
    "journal": ("article", "periodical"),
}
FALLBACK_TYPES: Types = ("misc", "misc")

#: Every field name this module writes: the YAML writer leaves them unquoted.
FIELDS = frozenset(
    "type title author date parent url abstract note organization publisher volume "
    "serial-number issn name given-name suffix".split()
)

_NAME_PARTS = ("given", "family", "particle", "suffix")
#: Names a careless source uses for "and more authors": never written as an author.
_NOT_AUTHORS = re.compile(r"^\s*(?:and\s+)?(?:others|et\.?\s*al\.?)\s*$", re.IGNORECASE)
# What Hayagriva's URL parser (the url crate, WHATWG rules) surely accepts: http(s), a host
# of ASCII labels, an optional port, then no white space.
_URL = re.compile(
    r"https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?::\d{1,5})?(?:[/?#]\S*)?"
)


def entry_types(paper: Paper, venue: Venue | None) -> Types:
    """The entry type and parent type of ``paper``: paper type, venue kind word, table kind."""
    found = ENTRY_TYPES.get(paper.paper_type.strip().lower())
    found = found or VENUE_KIND_TYPES.get(paper.venue_kind.strip().lower())
    if found is None and venue is not None:
        found = TABLE_KIND_TYPES.get(venue.kind)
    return found or FALLBACK_TYPES


def hayagriva_person(person: Person) -> str | dict[str, str]:
    """A person as Hayagriva reads it: ``"Family, Given, Suffix"`` when that string splits
    back into the same parts, else a mapping (``name``, ``given-name``, ``suffix``).

    A particle stays in front of the family name in ``name`` (``de Rijke``): Hayagriva
    reads that as CSL's non-dropping particle (APA: "de Rijke, M."), as arrow2bib's CSL-JSON
    does, while the string ``"de Rijke, Maarten"`` or a ``prefix`` would make it a dropping
    one ("Rijke, M. de"). Parts must be cleaned."""
    if person.is_literal:
        name = person.literal
        return name if "," not in name and not name[:1].islower() else {"name": name}
    family = " ".join(p for p in (person.particle, person.family) if p)
    given, suffix = person.given or "", person.suffix or ""
    # Hayagriva splits the string at commas and moves leading lower-case words of the
    # first part into the prefix (BibTeX's rule): the string form must survive that
    if (not any("," in part for part in (family, given, suffix))
            and family[:1].isupper() and (given or not suffix)):
        return ", ".join(part for part in (family, given, suffix) if part)
    parts = {"name": family, "given-name": given, "suffix": suffix}
    return {key: value for key, value in parts.items() if value}


def hayagriva_url(url: str) -> str | None:
    """``url`` if Hayagriva's URL parser will accept it, else None (a URL it rejects makes
    Typst refuse the whole bibliography)."""
    return url if _URL.fullmatch(url) else None


def _problem(entry: Entry, message: str, severity: Severity = Severity.WARNING,
             **details: Any) -> Problem:
    paper = entry.paper
    return Problem(
        code="export-lossy", severity=severity, message=message, source=paper.source,
        line=paper.line or None, title=paper.title, key=entry.key,
        details={"format": "hayagriva", **details},
    )


def _truncation_note(paper: Paper, shown: int) -> str | None:
    if paper.authors_status is AuthorStatus.TRUNCATED:
        return f"Author list truncated: the source page shows only {shown} of the authors."
    if paper.authors_status is AuthorStatus.MAY_BE_TRUNCATED:
        return (f"Author list may be incomplete: the source page shows {shown} authors, "
                "the most it shows for a paper.")
    return None


def _parents(paper: Paper, venue: Venue | None, parent_type: str,
             text: Callable[[str], str]) -> list[dict[str, Node]]:
    if venue is None:
        return [{"type": parent_type, "title": formattable(text(paper.venue))}]
    if parent_type == "proceedings" and not venue.published:
        parent_type = "conference"  # no published volume: the container names the event
    parent: dict[str, Node] = {"type": parent_type,
                               "title": formattable(text(venue.container))}
    if venue.publisher:
        parent["publisher"] = formattable(text(venue.publisher))
    if venue.volume:
        parent["volume"] = text(venue.volume)
    if venue.series:
        parent["parent"] = {"type": "anthology", "title": formattable(text(venue.series))}
    parents = [parent]
    if venue.event and parent_type == "proceedings" and venue.event != venue.container:
        parents.append({"type": "conference", "title": formattable(text(venue.event))})
    return parents


def hayagriva_entry(entry: Entry, report: Report = lambda problem: None) -> dict[str, Node]:
    """One paper as a Hayagriva entry's fields, in the documented order."""
    paper = entry.paper
    altered: set[str] = set()

    def text(value: str, field: str = "venue") -> str:
        cleaned, changed = clean(value)
        if changed:
            altered.add(field)
        return cleaned

    venue = resolve(paper.venue, paper.year, paper.venue_kind) if paper.venue else None
    entry_type, parent_type = entry_types(paper, venue)
    fields: dict[str, Node] = {"type": entry_type}
    title = text(paper.title, "title")
    if title:
        fields["title"] = formattable(title)

    dropped = [p.literal for p in paper.authors if _NOT_AUTHORS.match(p.literal)]
    if dropped:
        report(_problem(entry, f"Left out {dropped!r}: not an author's name.", dropped=dropped))
    people = [p for p in paper.authors if p.literal not in dropped]
    authors: list[Node] = []
    for person in people:
        parts = {k: text(v, "author") or None
                 for k in _NAME_PARTS if (v := getattr(person, k)) is not None}
        cleaned = dataclasses.replace(person, **parts, literal=text(person.literal, "author"))
        if cleaned.literal or not cleaned.is_literal:
            authors.append(hayagriva_person(cleaned))
    if authors:
        fields["author"] = authors
    nicknames = [p.literal for p in people if p.nickname]
    if nicknames:
        report(_problem(entry, "Hayagriva has no field for a nickname (its alias is a pen name "
                        f"that replaces the name); written without it: {', '.join(nicknames)}.",
                        # a note, as in bibtex: the site's display form, nothing to act on
                        severity=Severity.INFO, authors=nicknames))
    if paper.year is not None:
        if 0 <= paper.year <= 9999:
            fields["date"] = f"{paper.year:04d}"
        else:
            report(_problem(entry, f"Left out the year {paper.year}: Hayagriva dates have "
                            "four digits.", year=paper.year))

    if paper.venue and parent_type is not None:
        parents = _parents(paper, venue, parent_type, text)
        fields["parent"] = parents[0] if len(parents) == 1 else parents
    elif paper.venue:
        fields["organization"] = formattable(text(venue.container if venue else paper.venue))
    if venue is not None and venue.issn:
        # Hayagriva reads the ISSN of the entry itself, not its parent's
        fields["serial-number"] = {"issn": text(venue.issn)}

    urls = [u for u in (text(url, "url") for url in paper.urls) if u]
    good = [u for u in urls if hayagriva_url(u)]
    rejected = [u for u in urls if not hayagriva_url(u)]
    if good:
        fields["url"] = good[0]
    if rejected:
        report(_problem(entry, "Not written as url (Typst's URL parser would reject the "
                        f"whole file), kept in note: {', '.join(rejected)}.", urls=rejected))
    abstract = paper.abstract if paper.abstract is not None else paper.raw_abstract
    abstract = text(abstract, "abstract") if abstract else ""
    if abstract:
        fields["abstract"] = formattable(abstract, protect=False)

    notes = [_truncation_note(paper, len(people))]
    others = good[1:] + rejected
    if others:
        notes.append(f"{'Also at' if good else 'At'}: {', '.join(others)}.")
    if any(notes):
        fields["note"] = formattable(" ".join(n for n in notes if n), protect=False)
    if altered:
        report(_problem(entry, "Line breaks, tabs or control characters in "
                        f"{', '.join(sorted(altered))} were turned into spaces or removed.",
                        fields=sorted(altered)))
    return fields
