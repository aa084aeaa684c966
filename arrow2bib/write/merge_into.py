"""``convert --merge-into refs.bib``: add the papers a user's ``.bib`` file lacks.

The LaTeX user's workflow: re-run on an updated page and get only what is new. The file is
read with bibtexparser; each of its entries becomes a duplicate-check record (title with LaTeX
decoded, year, venue, family names), whatever key the user gave it or however they braced its
title. A paper that is an identical or near-identical copy of an entry is skipped; every
other paper (versions of an existing entry included: a journal version is a separate entry)
is appended, with a key that collides with none in the file (case-insensitively). Every
existing entry, comment and ``@string`` stays byte for byte: the new entries are appended to
the file's original bytes, and the file is replaced atomically, or not at all when nothing is
new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

import bibtexparser

from ..checks.duplicates import DuplicateIndex, Record, record_for
from ..errors import InputError
from ..exporters.base import Document, Entry, Exporter, ExportOptions
from ..keys import suffix as _suffix
from ..model import Problem, Severity
from ..text.fold import decode_latex, normalise_name, title_tokens
from .files import write_documents
from ..venues import resolve

__all__ = ["MergeOutcome", "merge_into"]

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_YEAR = re.compile(r"(1[0-9]{3}|2[0-9]{3})")


@dataclass
class MergeOutcome:
    """What ``--merge-into`` did."""

    added: list[Entry] = field(default_factory=list)
    skipped: list[tuple[Entry, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: bool = False


def _families(author_field: str) -> frozenset[str]:
    families = set()
    for name in _AND.split(decode_latex(author_field).strip()):
        name = name.strip()
        if not name or name.lower() == "others":
            continue
        if "," in name:
            family = name.split(",", 1)[0]
        else:
            words = name.split()
            family = words[-1] if words else ""
        families.add(normalise_name(family))
    return frozenset(f for f in families if f)


def _record(entry: bibtexparser.model.Entry, source: str) -> Record:
    fields = {k.lower(): v.value for k, v in entry.fields_dict.items()}
    title = str(fields.get("title", ""))
    year_match = _YEAR.search(str(fields.get("year") or fields.get("date") or ""))
    tokens = title_tokens(title)
    venue = str(fields.get("booktitle") or fields.get("journal") or fields.get("journaltitle")
                or "")
    return Record(
        title=decode_latex(title).strip(),
        normal=" ".join(tokens),
        numbers=frozenset(t for t in tokens if any(c.isdigit() for c in t)),
        year=int(year_match.group(1)) if year_match else None,
        venue=normalise_name(venue),
        paper_type="",
        families=_families(str(fields.get("author", ""))),
        source=source,
        line=entry.start_line + 1,
        key=entry.key,
    )


def _read(path: Path) -> tuple[bytes, bibtexparser.Library]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return b"", bibtexparser.Library()
    except OSError as exc:
        raise InputError(f"Cannot read the file to merge into: {exc.strerror}.",
                         source=str(path)) from None
    text = data.decode("utf-8", errors="replace")
    library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        block = library.failed_blocks[0]
        raise InputError(
            f"bibtexparser cannot read this block of the file to merge into ({block.error}); "
            "fix it first. Nothing was changed.",
            source=str(path), line=block.start_line + 1)
    return data, library


def merge_into(path: str | Path, entries: Sequence[Entry], exporter: Exporter,
               options: ExportOptions) -> MergeOutcome:
    """Append to the ``.bib`` file at ``path`` the entries it lacks; see the module doc."""
    path = Path(path)
    outcome = MergeOutcome()
    data, library = _read(path)
    index = DuplicateIndex()
    # the file's own records are indexed as they are; no comparisons among them matter
    existing = [_record(entry, str(path)) for entry in library.entries]
    for record in existing:
        index.add(record)
    taken = {entry.key.lower() for entry in library.entries}
    for entry in entries:
        paper = entry.paper
        venue = resolve(paper.venue, paper.year, paper.venue_kind) if paper.venue else None
        # compare with the venue name the .bib entries carry (booktitle/journal), not the
        # page's short name
        record = replace(record_for(paper, entry.key), paper_type="",
                         venue=normalise_name(venue.container if venue else paper.venue))
        match = index.add(record)
        if match is not None and match.kind != "version":
            other = match.other
            where = f"{other.source}:{other.line}" if other.source == str(path) else \
                f"{other.source}:{other.line} (added in this run)"
            reason = f"already in {where} as {other.key} ({match.kind}, score {match.score:.2f})"
            outcome.skipped.append((entry, reason))
            outcome.problems.append(Problem(
                code="merge-skipped", severity=Severity.INFO,
                message=f"Not added: {reason}.", source=entry.paper.source,
                line=entry.paper.line, title=entry.paper.title, key=entry.key,
                details={"into": str(path), "existing_key": other.key, "kind": match.kind,
                         "score": match.score}))
            continue
        key = entry.key
        n = 0
        while key.lower() in taken:
            n += 1
            key = entry.key + _suffix(n)
        taken.add(key.lower())
        outcome.added.append(replace(entry, key=key))
    if not outcome.added:
        return outcome
    documents = list(exporter.documents(outcome.added, options))
    if len(documents) != 1:
        raise InputError(f"The {exporter.name} format writes several documents; it cannot be "
                         "merged into one .bib file.", source=str(path))
    head = data.decode("utf-8", errors="surrogateescape")
    if head and not head.endswith("\n"):
        head += "\n"
    if head and not head.endswith("\n\n"):
        head += "\n"
    write_documents(path, [Document("", head + documents[0].text)], errors="surrogateescape")
    outcome.written = True
    return outcome
