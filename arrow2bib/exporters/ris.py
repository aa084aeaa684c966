"""The ``ris`` format: RIS records for EndNote, Zotero, Mendeley and rispy.

Every line is ``XX  - value`` (two spaces, hyphen, space); a record starts with ``TY`` and
ends with ``ER  - ``. Lines end in CRLF, as the RIS specification says and Zotero writes
(``-O eol=lf`` for LF); the text is UTF-8 without a byte-order mark (a BOM hides the first
record from line-based readers such as rispy; ``-O bom=yes`` adds one for old EndNote
versions that guess the encoding).

Conventions (see the README):

- ``TY`` from :data:`RIS_TYPES`: ``CPAPER`` (conference paper), ``JOUR``, ``GEN``...
- ``AU  - Family, Given[, Suffix]`` per real author, particle with the family name
  (``de Rijke, Maarten``); a cut author list is said in ``N1``, never with a fake author.
- ``PY`` the year; ``T2`` the proceedings title (EndNote's "Conference Name" field, what
  EndNote and Mendeley print as the container) or the journal; for ``CPAPER`` ``C3``
  repeats the proceedings title, because Zotero reads ``T2`` of a conference paper as the
  conference name and only ``C3`` as its proceedings title. ``J2`` the journal's short name.
- ``TI`` and ``AB`` as plain text: no ``**``, math as Unicode (``ℓ₁``,
  :mod:`arrow2bib.text.unimath`); the links found in the abstract in an ``N1`` line
  (:mod:`arrow2bib.text.links`; ``-O links=url``: one ``UR`` each); ``PB`` the publisher;
  ``ID`` the citation key.
- :func:`ris_value` makes each value one line: line breaks and tabs become spaces, other
  control characters are removed, runs of white space become one space.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Sequence, TextIO

from ..errors import SettingError
from ..text import links
from ..text.fold import collapse
from ..hookspecs import hookimpl
from ..text.links import note
from ..text.unimath import plain
from ..model import MAX_AUTHORS_SHOWN, AuthorStatus, Paper, Person, Problem, Severity
from ..venues import Venue, resolve
from ._notes import report_notes
from .base import Entry, Exporter, ExportOptions, Layout, Requirements, lossy, missing

__all__ = ["RIS_TYPES", "RisExporter", "ris_name", "ris_record", "ris_value"]

#: The page's paper type (lower case) -> RIS reference type.
RIS_TYPES = {
    "conference paper": "CPAPER",
    "short paper": "CPAPER",
    "full paper": "CPAPER",
    "long paper": "CPAPER",
    "workshop paper": "CPAPER",
    "demo paper": "CPAPER",
    "poster": "CPAPER",
    "abstract": "CPAPER",
    "extended abstract": "CPAPER",
    "journal article": "JOUR",
    "journal paper": "JOUR",
    "article": "JOUR",
    "preprint": "UNPB",
    "book chapter": "CHAP",
    "thesis": "THES",
}
#: When the paper type says nothing: the page's venue kind word (lower case).
VENUE_KIND_TYPES = {
    "conference": "CPAPER",
    "workshop": "CPAPER",
    "symposium": "CPAPER",
    "proceedings": "CPAPER",
    "journal": "JOUR",
    "transactions": "JOUR",
    "magazine": "MGZN",
}
#: Then the venue table's kind.
TABLE_KIND_TYPES = {"proceedings": "CPAPER", "journal": "JOUR"}
FALLBACK_TYPE = "GEN"

EOLS = {"crlf": "\r\n", "lf": "\n"}
BOM = "\ufeff"

# Everything str.splitlines() breaks at, plus tab: folded to a space. Other control
# characters (C0, DEL, C1) and lone surrogates are removed.
_BREAKS = re.compile(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]")
_SPACE = re.compile(r"\s+")
#: Names a careless source uses for "and more authors": never written as an author.
_NOT_AUTHORS = re.compile(r"^\s*(?:and\s+)?(?:others|et\.?\s*al\.?)\s*$", re.IGNORECASE)

Report = Callable[[Problem], None]


#: The characters of Unicode categories Cc (C0, DEL, C1) and Cs (lone surrogates): removed.
_REMOVABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def ris_value(text: str) -> tuple[str, bool]:
    """``text`` as one RIS line: the value and whether anything beyond spacing changed.

    Line breaks (every character ``str.splitlines`` breaks at) and tabs become spaces, so
    no part of a value can start a line and be read as a tag; other control characters are
    removed; runs of white space become one space, and the ends are trimmed (readers trim
    them anyway)."""
    if text.isprintable():  # no line break, tab or other control character: spacing only
        return collapse(text), False
    folded = _BREAKS.sub(" ", text)
    changed = folded != text
    if _REMOVABLE.search(folded):
        folded = _REMOVABLE.sub("", folded)
        changed = True
    return _SPACE.sub(" ", folded).strip(), changed


def _has_value(text: str) -> bool:
    """Whether :func:`ris_value` leaves anything of ``text``."""
    text = text.strip()  # str.strip strips what the pattern \s matches
    if text.isprintable():  # no control character or surrogate to remove
        return bool(text)
    return bool(_REMOVABLE.sub("", text).strip())


def ris_name(person: Person) -> str:
    """``Family, Given[, Suffix]`` with the particle in front of the family name; a name
    kept whole (an organisation) as it is. The nickname has no place in RIS."""
    if person.is_literal:
        return person.literal
    family = " ".join(p for p in (person.particle, person.family) if p)
    parts = [family] + [p for p in (person.given, person.suffix) if p]
    return ", ".join(parts)


def ris_type(paper: Paper, venue: Venue | None) -> str:
    """The RIS ``TY`` of ``paper``: paper type, then venue kind word, then table kind."""
    found = RIS_TYPES.get(paper.paper_type.strip().lower())
    found = found or VENUE_KIND_TYPES.get(paper.venue_kind.strip().lower())
    if found is None and venue is not None:
        found = TABLE_KIND_TYPES.get(venue.kind)
    return found or FALLBACK_TYPE


def _problem(paper: Paper, message: str, **details: Any) -> Problem:
    return lossy(paper, "ris", message, **details)


_TRUNCATION_NOTES = {
    AuthorStatus.TRUNCATED: (
        f"Author list truncated: the source page shows only {MAX_AUTHORS_SHOWN} of the authors."
    ),
    AuthorStatus.MAY_BE_TRUNCATED: (
        f"Author list may be incomplete: the source page shows at most {MAX_AUTHORS_SHOWN} "
        "authors."
    ),
}


def ris_record(entry: Entry, report: Report = lambda problem: None, links: str = "note"
               ) -> list[tuple[str, str]]:
    """One paper as ``(tag, value)`` pairs, ``TY`` first and ``ER`` last, values one line."""
    paper = entry.paper
    venue = resolve(paper.venue, paper.year, paper.venue_kind) if paper.venue else None
    ty = ris_type(paper, venue)
    raw: list[tuple[str, str]] = [("ID", entry.key), ("TI", plain(paper.title))]
    dropped = [p.literal for p in paper.authors if _NOT_AUTHORS.match(p.literal)]
    if dropped:
        report(_problem(paper, f"Left out {dropped!r}: not an author's name.", dropped=dropped))
    raw += [("AU", ris_name(p)) for p in paper.authors if p.literal not in dropped]
    if paper.year is not None:
        raw.append(("PY", str(paper.year)))
    container = venue.container if venue is not None else paper.venue
    if container:
        raw.append(("T2", container))
        if ty == "CPAPER" and (venue is None or venue.published):
            raw.append(("C3", container))
    if venue is not None:
        if ty == "JOUR" and venue.short and venue.short != venue.container:
            raw.append(("J2", venue.short))
        if venue.series:
            raw.append(("T3", venue.series))
        if venue.volume:
            raw.append(("VL", venue.volume))
        if venue.publisher:
            raw.append(("PB", venue.publisher))
        if venue.issn:
            raw.append(("SN", venue.issn))
    abstract = paper.abstract if paper.abstract is not None else paper.raw_abstract
    if abstract:
        raw.append(("AB", plain(abstract)))
    if links == "url":
        raw += [("UR", url) for url in paper.urls]
    if paper.authors_status in _TRUNCATION_NOTES:
        raw.append(("N1", _TRUNCATION_NOTES[paper.authors_status]))
    if links != "url" and paper.urls:  # not the paper's address (arrow2bib.text.links)
        raw.append(("N1", note(paper.urls)))

    pairs = [("TY", ty)]
    altered = []
    for tag, value in raw:
        line, changed = ris_value(value)
        if changed:
            altered.append(tag)
        if line:
            pairs.append((tag, line))
    if altered:
        report(_problem(
            paper,
            "Line breaks, tabs or control characters in "
            f"{', '.join(sorted(set(altered)))} were turned into spaces or removed: "
            "a RIS value is one line.",
            tags=sorted(set(altered)),
        ))
    nicknames = [p.literal for p in paper.authors if p.nickname]
    if nicknames:
        report(_problem(
            paper,
            f"RIS has no place for nicknames; written without them: {', '.join(nicknames)}.",
            authors=nicknames,
            # a note, as in bibtex: the site's display form, nothing the user must act on
            severity=Severity.INFO,
        ))
    pairs.append(("ER", ""))
    return pairs


#: Tags EndNote and Zotero need for a usable record: a title always; authors, year and the
#: proceedings or journal for papers and articles.
REQUIRED_FIELDS = {"": ("TI",)}
RECOMMENDED_FIELDS = {"CPAPER": ("AU", "PY", "T2"), "JOUR": ("AU", "PY", "T2"), "": ("AU", "PY")}


class RisExporter(Exporter):
    """RIS: tagged records for EndNote, Zotero, Mendeley."""

    name = "ris"
    extension = ".ris"
    description = "RIS tagged records (EndNote, Zotero, Mendeley)"
    options = {
        "eol": "line ending: crlf (the RIS specification's, default) or lf",
        "bom": "start with a UTF-8 byte-order mark: no (default) or yes",
        "links": links.HELP,
    }

    def _choice(self, options: ExportOptions, name: str, choices: Iterable[str]) -> str:
        value = self.option(options, name, next(iter(choices))).strip().lower()
        if value not in choices:
            raise SettingError(
                f"RIS option {name}={value!r} is not valid; use one of: {', '.join(choices)}."
            )
        return value

    def layout(self, options: ExportOptions) -> Layout:
        """Records one after another (no empty line between them: the specification has
        none, and every line of the file then matches "XX  - "), after the optional BOM."""
        self._choice(options, "eol", EOLS)
        bom = self._choice(options, "bom", ("no", "yes")) == "yes"
        links.mode(self.option(options, "links", "note"))
        return Layout(head=BOM if bom else "")

    def format_entries(self, entries: Sequence[Entry], options: ExportOptions) -> str:
        """Records, one after another."""
        eol = EOLS[self._choice(options, "eol", EOLS)]
        # "ER  - " keeps its trailing space: the pattern is "XX  - value"
        mode = links.mode(self.option(options, "links", "note"))
        records = []
        for entry in entries:
            report_notes(options.report, entry.paper, self.name, entry.key)
            records.append("".join(f"{tag}  - {value}{eol}"
                                   for tag, value in ris_record(entry, options.report, mode)))
        return "".join(records)

    def export(self, entries: Iterable[Entry], out: TextIO, options: ExportOptions) -> None:
        """Write one record per entry."""
        self.write_layout(entries, out, options)

    def requirements(self, paper: Paper) -> Requirements:
        """The RIS tags this paper's record lacks: the tags of :func:`ris_record` with a
        value, decided tag by tag from the paper for the four the tables ask about (the
        check runs on every paper, and making the record twice cost a sixth of a run)."""
        venue = resolve(paper.venue, paper.year, paper.venue_kind) if paper.venue else None
        present = []
        if _has_value(plain(paper.title)):
            present.append("TI")
        if any(not _NOT_AUTHORS.match(p.literal) and _has_value(ris_name(p))
               for p in paper.authors):
            present.append("AU")
        if paper.year is not None:
            present.append("PY")
        if _has_value(venue.container if venue is not None else paper.venue):
            present.append("T2")
        return missing(ris_type(paper, venue), present, REQUIRED_FIELDS, RECOMMENDED_FIELDS)


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the ``ris`` format."""
    register(RisExporter())
