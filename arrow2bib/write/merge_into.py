"""``convert --merge-into refs.bib``: add the papers a user's ``.bib`` file lacks.

The LaTeX user's workflow: re-run on an updated page and get only what is new. The file is
read with bibtexparser (``@string`` macros resolved); each entry becomes a duplicate-check
record (title with LaTeX decoded, year, venue, family names, preprint or not), whatever key
the user or another tool (DBLP, Google Scholar, Zotero) gave it. A paper the file already
holds, by the duplicate rules extended for entries written elsewhere
(:func:`~arrow2bib.checks.duplicates.compare_entry`), is left out and the report names the
key it matched; every other paper is appended (a version of an entry, such as the
published paper of a preprint there, too, and reported), with a key that collides with
none in the file, case-insensitively.

A paper is also recognised by the entry this run would write for it (so a title the format
cannot hold, such as Chinese in ASCII BibTeX, still matches the entry an earlier run wrote:
a second run with the same page changes nothing).

The file is safe: a symbolic link is followed and its target updated (the link stays); the
file keeps its encoding (a byte-order mark's, UTF-8, or ``encoding``) and its line endings;
its bytes stay as they were, the new entries appended; it is replaced atomically, or not at
all when nothing is new. An exclusive lock (the file ``.NAME.lock`` beside it) is held from
reading to replacing, so concurrent merges into one file wait for each other and each sees
the other's entries.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection, Sequence

import bibtexparser
import filelock

from ..checks.duplicates import (PREPRINT, Match, Record, blocking_keys, compare_entry,
                                 record_for)
from ..errors import InputError, OutputError, OutputPathError
from ..read._encodings import BOMS, bomless_utf16, check_encoding
from ..exporters.base import Document, Entry, Exporter, ExportOptions
from ..keys import suffix
from ..model import Problem, Severity
from ..text.fold import decode_latex, normalise_name, title_tokens
from ..venues import resolve
from .files import resolve_target, write_documents

__all__ = ["LOCK_PREFIX", "MergeOutcome", "lock_path", "merge_into"]

_YEAR = re.compile(r"(1[0-9]{3}|2[0-9]{3})")
#: DBLP tells namesakes apart by a number after the name: ``Xue Liu 0001``.
_DBLP_NUMBER = re.compile(r"\s+\d{4}$")
_PREPRINT_VENUE = re.compile(r"\b(arxiv|corr|biorxiv|medrxiv|ssrn|preprint)\b", re.IGNORECASE)
#: Entry types of works that are not a paper (its code, a web page, a thesis, a talk): an
#: entry of one with the paper's title is not the paper, which is added (with a note).
OTHER_WORKS = frozenset({
    "software", "online", "www", "electronic", "webpage", "dataset", "patent", "thesis",
    "phdthesis", "mastersthesis", "report", "techreport", "manual", "booklet", "video",
    "audio", "artwork", "image", "movie", "music", "performance", "standard", "letter",
    "unpublished-talk", "presentation",
})
#: The lock file is ``.NAME.lock`` beside the file merged into.
LOCK_PREFIX = "."


@dataclass
class MergeOutcome:
    """What ``--merge-into`` did: ``added`` entries (with their final keys), ``skipped`` ones
    with the reason, the problems to report, and whether the file was ``updated``."""

    added: list[Entry] = field(default_factory=list)
    skipped: list[tuple[Entry, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    updated: bool = False

    @property
    def written(self) -> bool:
        """Deprecated name of :attr:`updated` (removed in 0.3)."""
        warnings.warn("MergeOutcome.written is deprecated; use MergeOutcome.updated",
                      DeprecationWarning, stacklevel=2)
        return self.updated


@dataclass(frozen=True)
class _Bib:
    """A ``.bib`` file as read: its bytes, text, how new text is encoded and ended, its
    entries (with their fields' values resolved: :func:`_fields`), and the keys bibtex sees
    that are no entry of bibtexparser's (:func:`_hidden_keys`)."""

    data: bytes
    text: str
    encoding: str  # for the appended text: no byte-order mark
    newline: str
    entries: list[tuple[bibtexparser.model.Entry, dict[str, str]]]
    hidden_keys: frozenset[str] = frozenset()
    problems: tuple[Problem, ...] = ()
    existed: bool = True


def lock_path(path: str | os.PathLike[str]) -> Path:
    """The lock file of a merge into ``path`` (symbolic links followed)."""
    real = Path(os.path.realpath(path))
    return real.with_name(f"{LOCK_PREFIX}{real.name}.lock")


def merge_into(path: str | os.PathLike[str], entries: Sequence[Entry], exporter: Exporter,
               options: ExportOptions, *, protect: Collection[object] = (),
               encoding: str | None = None,
               waiting: Callable[[Path], None] | None = None) -> MergeOutcome:
    """Append to the ``.bib`` file at ``path`` the entries it lacks; see the module doc.

    ``protect``: identities of input files (:func:`~arrow2bib._identity.identity`) the file must
    not be. ``encoding``: the file's encoding when it is neither UTF-8 nor marked by a
    byte-order mark. ``waiting`` is called with the lock file's path when another merge holds
    it (before waiting for it)."""
    target = resolve_target(path, protect=protect)  # type: ignore[arg-type]
    if target.kind != "file":
        raise OutputPathError(f"{path}: --merge-into needs a regular .bib file to read and "
                              "update, not a FIFO or a device. Nothing was written.")
    assert target.path is not None
    if target.path.exists() and not os.access(target.path, os.W_OK):
        # the file is replaced through a temporary file, which the folder's permission
        # allows: a read-only file, or another user's, was replaced (and its owner changed)
        raise OutputError(f"{path}: permission denied: this file is not writable by you (its "
                          "mode or its owner); nothing was written.")
    lock = filelock.FileLock(lock_path(target.path), mode=_lock_mode(target.path))
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        if waiting is not None:
            waiting(Path(lock.lock_file))
        lock.acquire()
    except OSError as exc:
        raise OutputError(f"{path}: cannot lock the file for the merge "
                          f"({exc.strerror or exc}); nothing was written.") from exc
    try:
        return _merge_locked(target.path, str(path), entries, exporter, options, encoding)
    finally:
        lock.release()


def _lock_mode(path: Path) -> int:
    """The lock file's mode: whoever may write the .bib file may lock it (a lock made by one
    user, mode 644, kept every other user of a shared file out); 644 for a new file."""
    try:
        return (os.stat(path).st_mode & 0o666) | 0o600
    except OSError:
        return 0o644


def _merge_locked(real: Path, shown: str, entries: Sequence[Entry], exporter: Exporter,
                  options: ExportOptions, encoding: str | None) -> MergeOutcome:
    outcome = MergeOutcome()
    bib = _read(real, shown, encoding)
    outcome.problems.extend(bib.problems)
    index = _Index()
    for block, fields in bib.entries:
        index.add(_record(block, fields, shown))
    # keys bibtex would see as taken: the entries', and those inside an @comment
    keys = {block.key.lower() for block, _ in bib.entries}
    taken = keys | bib.hidden_keys
    # what this run would write for each paper, as bibtexparser reads it back
    written = _as_written(entries, exporter, options, shown)
    for entry in entries:
        paper = entry.paper
        venue = resolve(paper.venue, paper.year, paper.venue_kind) if paper.venue else None
        names = frozenset(normalise_name(n) for n in
                          (paper.venue, venue.short if venue else "",
                           venue.container if venue else ""))
        record = dataclasses.replace(
            record_for(paper, entry.key), paper_type="",
            venue=normalise_name(venue.container if venue else paper.venue))
        as_written = written.get(entry.key)
        match = index.match(record, names, as_written)
        if match is not None and match.other.paper_type in OTHER_WORKS:
            match = dataclasses.replace(match, kind="version")  # its code, a talk, a thesis
        if match is not None and match.kind != "version":
            _skip(outcome, entry, match, shown)
            continue
        key = entry.key
        n = 0
        while key.lower() in taken:
            n += 1
            key = entry.key + suffix(n)
        taken.add(key.lower())
        added = dataclasses.replace(entry, key=key)
        outcome.added.append(added)
        if match is not None:
            _version(outcome, added, match, shown)
        elif key != entry.key:
            where = ("an entry " + entry.key + " (another work)"
                     if entry.key.lower() in keys else
                     "an @comment with an entry " + entry.key + " in it, which bibtex reads")
            outcome.problems.append(Problem(
                code="merge-key", severity=Severity.INFO,
                message=f"Added as {key}: {shown} has {where}, so the key took a suffix; "
                        f"cite it as {key}.",
                source=paper.source, line=paper.line, title=paper.title, key=key,
                details={"into": shown, "key": key, "wanted": entry.key}))
        index.add(dataclasses.replace(record, key=key))
        if as_written is not None:
            index.add(dataclasses.replace(as_written, key=key, source=paper.source,
                                          line=paper.line))
    if outcome.added:
        _append(real, shown, bib, outcome.added, exporter, options)
        outcome.updated = True
    return outcome


def _skip(outcome: MergeOutcome, entry: Entry, match: Match, shown: str) -> None:
    other = match.other
    where = f"{shown}:{other.line}" if other.source == shown else \
        f"{other.source}:{other.line}, added in this run"
    reason = f"already there as {other.key} ({where}; {match.kind}, score {match.score:.2f})"
    outcome.skipped.append((entry, reason))
    outcome.problems.append(Problem(
        code="merge-skipped", severity=Severity.INFO, message=f"Not added: {reason}.",
        source=entry.paper.source, line=entry.paper.line, title=entry.paper.title,
        key=entry.key,
        details={"into": shown, "existing_key": other.key, "kind": match.kind,
                 "score": match.score}))


def _version(outcome: MergeOutcome, entry: Entry, match: Match, shown: str) -> None:
    other = match.other
    what = ("a preprint of this paper" if other.paper_type == PREPRINT else
            f"an @{other.paper_type} entry of the same title (not the paper)"
            if other.paper_type in OTHER_WORKS else
            "another version of this paper (another year)")
    outcome.problems.append(Problem(
        code="merge-version", severity=Severity.INFO,
        message=f"Added as {entry.key}; {shown} holds {what} as {other.key} (line "
                f"{other.line}): keep both, or remove one by hand.",
        source=entry.paper.source, line=entry.paper.line, title=entry.paper.title,
        key=entry.key,
        details={"into": shown, "existing_key": other.key, "kind": match.kind,
                 "score": match.score}))


class _Index:
    """The records to match a paper against: the file's entries and the papers added so
    far, by normal title, blocking keys and title as written."""

    def __init__(self) -> None:
        self._blocks: dict[str, list[Record]] = {}
        self._written: dict[str, list[Record]] = {}

    def add(self, record: Record) -> None:
        keys = [record.normal, *blocking_keys(record)] if record.normal else []
        for key in keys:
            self._blocks.setdefault(key, []).append(record)
        self._written.setdefault(_as_typed(record.title), []).append(record)

    def match(self, record: Record, venues: frozenset[str], as_written: Record | None
              ) -> Match | None:
        """The best match of the paper (``record``; ``as_written``: its entry as this run
        writes it) among the records indexed: identical over near-identical over version,
        then the higher score, then the earliest."""
        found: list[Match | None] = []
        if record.normal:
            seen: set[int] = set()
            for key in [record.normal, *blocking_keys(record)]:
                for old in self._blocks.get(key, ()):
                    if id(old) not in seen:
                        seen.add(id(old))
                        found.append(compare_entry(record, old, venues))
        if as_written is not None:
            # the same text as this run writes (a title the format could not hold, written
            # as ??? in ASCII, has no normal form to compare)
            for old in self._written.get(_as_typed(as_written.title), ()):
                found.append(compare_entry(as_written, old, venues))
        best: Match | None = None
        for match in found:
            if match and (best is None or (_RANK[match.kind], match.score) >
                          (_RANK[best.kind], best.score)):
                best = match
        return best


_RANK = {"identical": 3, "near-identical": 2, "version": 1}


def _as_typed(title: str) -> str:
    return " ".join(title.split())


def _as_written(entries: Sequence[Entry], exporter: Exporter, options: ExportOptions,
                shown: str) -> dict[str, Record]:
    """Each entry's record as this run would write it (its problems not reported: only
    the entries appended are reported, when they are written)."""
    if not entries:
        return {}
    quiet = dataclasses.replace(options, report=lambda problem: None)
    documents = list(exporter.documents(entries, quiet))
    if len(documents) != 1:
        return {}
    library = _parse(documents[0].text)
    return {entry.key: _record(entry, _fields(_as_pairs(entry), {}), "")
            for entry in library.entries}


def _families(author_field: str) -> frozenset[str]:
    """The family names of an author field (LaTeX as written, its value's outer braces or
    quotes gone). A name that is one braced group (``{Huawei Noah's Ark Lab}``) is an
    institution, with no family name to compare; ``Fang et al.`` is Fang's. A name of two
    words without a comma gives both (``Fang Xiaomin`` may be written family name first)."""
    families = set()
    for raw in _names(author_field):
        raw = raw.strip()
        corporate = raw.startswith("{") and _closing(raw, 0) == len(raw) - 1
        name = _DBLP_NUMBER.sub("", _ET_AL.sub("", decode_latex(raw).strip()))
        if corporate and name == decode_latex(raw).strip():
            continue  # an institution: "et al." after a braced name is a list's end
        if not name or name.lower() == "others":
            continue
        if "," in name:
            families.add(normalise_name(name.split(",", 1)[0]))
            continue
        words = name.split()
        if words:
            families.add(normalise_name(words[-1]))
        if len(words) == 2 and not raw.startswith("{"):
            # "Fang Xiaomin": a name written family name first, as many write Chinese,
            # Korean, Japanese or Hungarian names by hand (bibtex reads the last word): its
            # first word may be the family name the page's "Xiaomin Fang" has
            families.add(normalise_name(words[0]))
    return frozenset(f for f in families if f)


def _names(author_field: str) -> list[str]:
    """An author field cut at its ``and`` words outside braces (as bibtex cuts it)."""
    names, depth, start = [], 0, 0
    for match in _AND_OR_BRACE.finditer(author_field):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            names.append(author_field[start:match.start()])
            start = match.end()
    names.append(author_field[start:])
    return names


#: A brace, or ``and`` between white space: where :func:`_names` cuts an author field.
_AND_OR_BRACE = re.compile(r"[{}]|\s+and\s+", re.IGNORECASE)
#: "et al." written at the end of a name, as people shorten a list by hand.
_ET_AL = re.compile(r"[\s,]+et\.?\s+al\.?$", re.IGNORECASE)


def _is_preprint(entry: bibtexparser.model.Entry, fields: dict[str, str]) -> bool:
    venue = " ".join(fields.get(k, "") for k in ("journal", "journaltitle", "booktitle",
                                                  "howpublished", "publisher"))
    if _PREPRINT_VENUE.search(venue):
        return True
    eprint = (fields.get("eprinttype", "") + fields.get("archiveprefix", "")).lower()
    if "arxiv" in eprint:
        return entry.entry_type.lower() in ("article", "misc", "unpublished", "online")
    return entry.entry_type.lower() in ("unpublished",)


def _record(entry: bibtexparser.model.Entry, fields: dict[str, str], source: str) -> Record:
    title = fields.get("title", "")
    year_match = _YEAR.search(fields.get("year") or fields.get("date") or "")
    tokens = title_tokens(title)
    venue = fields.get("booktitle") or fields.get("journal") or fields.get("journaltitle") or ""
    return Record(
        title=decode_latex(title).strip(),
        normal=" ".join(tokens),
        numbers=frozenset(t for t in tokens if any(c.isdigit() for c in t)),
        year=int(year_match.group(1)) if year_match else None,
        venue=normalise_name(venue),
        paper_type=(PREPRINT if _is_preprint(entry, fields) else
                    entry.entry_type.lower() if entry.entry_type.lower() in OTHER_WORKS
                    else ""),
        families=_families(fields.get("author", "")),
        source=source,
        line=(entry.start_line or 0) + 1,
        key=entry.key,
    )


def _read(path: Path, shown: str, encoding: str | None) -> _Bib:
    """The file at ``path`` read and parsed (an empty one when there is none yet)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return _Bib(b"", "", "utf-8", "\n", [], existed=False)
    except OSError as exc:
        raise InputError(f"Cannot read the file to merge into: {exc.strerror}.",
                         source=shown) from None
    text, append_as = _decode(data, shown, encoding)
    library = _parse(text)
    entries, problems = _entries(library, shown)
    if not (entries or library.strings or library.preambles) and (
            what := _other_format(text)) is not None:
        raise InputError(f"The file to merge into holds no BibTeX entry, and reads as {what}; "
                         "nothing was changed. Give --merge-into a .bib file.",
                         source=shown, line=1)
    if (stray := _STRAY_AT.search(text)) is not None:
        # bibtex reads a command from an "@" on: the first entry appended would be its
        # type's name ("@inproceedings", which no style defines: printed as @misc)
        raise InputError(
            "A lone '@' ends the file: bibtex would read the first entry appended as part of "
            "it (and print it with the wrong type). Remove it first. Nothing was changed.",
            source=shown, line=text.count("\n", 0, stray.start()) + 1)
    macros: dict[str, str] = {}
    for string in library.strings:  # in file order: a macro may use the ones before it
        macros[string.key.lower()] = _value(str(string.value), macros)
    resolved = [(block, _fields(fields, macros)) for block, fields in entries]
    return _Bib(data, text, append_as, _newline(text), resolved,
                hidden_keys=_hidden_keys(library), problems=tuple(problems))


def _parse(text: str) -> bibtexparser.Library:
    """``text`` parsed by bibtexparser with no middleware: values as written, with their
    braces or quotes (:func:`_value` resolves them). bibtexparser logs each block it cannot
    read (to stderr, through logging's last-resort handler): :func:`_entries` says it once,
    in arrow2bib's words, with the file and line."""
    quiet, nothing = logging.getLogger("bibtexparser"), logging.NullHandler()
    was = quiet.propagate
    quiet.addHandler(nothing)  # its modules' records stop here (no last-resort printing)
    quiet.propagate = False
    try:
        return bibtexparser.parse_string(text, parse_stack=[])
    finally:
        quiet.propagate = was
        quiet.removeHandler(nothing)


#: A field as written: its name, its value as written (a list keeps a repeated field).
_Field = tuple[str, str]


def _entries(library: bibtexparser.Library, shown: str
             ) -> tuple[list[tuple[bibtexparser.model.Entry, list[_Field]]], list[Problem]]:
    """The file's entries in file order, with their fields, and the problems of the file a
    merge can live with: a repeated key or field, which bibtex and biber accept with a
    warning (bibtexparser does not). Any other block bibtexparser cannot read is an error."""
    model = bibtexparser.model
    entries: list[tuple[int, model.Entry, list[_Field]]] = []
    problems = []
    first_line: dict[str, int] = {}
    for entry in library.entries:
        first_line.setdefault(entry.key.lower(), (entry.start_line or 0) + 1)
        entries.append((entry.start_line or 0, entry, _as_pairs(entry)))
    for failed in library.failed_blocks:
        line = (failed.start_line or 0) + 1
        kept = failed.ignore_error_block
        if not isinstance(failed, (model.DuplicateFieldKeyBlock, model.DuplicateBlockKeyBlock)
                          ) or not isinstance(kept, model.Entry):
            error = failed.error
            why = (getattr(error, "abort_reason", None) or str(error) or type(error).__name__)
            raise InputError(
                "bibtexparser cannot read the block that starts here "
                f"({why.strip().rstrip('.')}); fix it first. Nothing was changed.",
                source=shown, line=line)
        fields = _as_pairs(kept)
        if isinstance(failed, model.DuplicateFieldKeyBlock):
            names = [name.lower() for name, _ in fields]
            repeated = sorted({name for name in names if names.count(name) > 1})
            message = (f"The entry {kept.key} has {', '.join(repeated)} more than once "
                       "(bibtex reads the first, biber the last); the merge read the first. "
                       "Keep one.")
            details: dict[str, object] = {"repeated": repeated}
        else:
            first = first_line.get(kept.key.lower())
            message = (f"A second entry with the key {kept.key}"
                       f"{f' (the first at line {first})' if first else ''}: bibtex and biber "
                       "skip it, and so did the merge (a paper only it holds is added under "
                       "a key of its own); give it a key of its own.")
            problems.append(Problem(code="merge-file", severity=Severity.WARNING,
                                    message=message, source=shown, line=line, key=kept.key,
                                    details={"into": shown, "key": kept.key,
                                             "first_line": first}))
            continue  # not there for bibtex: a \cite of its key gets the first entry
        problems.append(Problem(code="merge-file", severity=Severity.WARNING, message=message,
                                source=shown, line=line, key=kept.key,
                                details={"into": shown, "key": kept.key, **details}))
        entries.append((failed.start_line or 0, kept, fields))
    entries.sort(key=lambda item: item[0])
    problems.sort(key=lambda problem: problem.line or 0)
    return [(entry, fields) for _, entry, fields in entries], problems


def _as_pairs(entry: bibtexparser.model.Entry) -> list[_Field]:
    return [(field.key, str(field.value)) for field in entry.fields]


def _fields(fields: Sequence[_Field], macros: dict[str, str]) -> dict[str, str]:
    """An entry's fields by lower-case name, their values resolved (:func:`_value`); of a
    repeated field, the first (as bibtex and biber read it)."""
    resolved: dict[str, str] = {}
    for name, value in fields:
        resolved.setdefault(name.lower(), _value(value, macros))
    return resolved


#: A piece of a value: a braced or quoted text, a number, or a macro's name.
_PIECE = re.compile(r'\s*(?:(?P<brace>\{)|(?P<quote>")|(?P<name>[^\s#"{}(),=%]+))\s*')


def _value(value: str, macros: dict[str, str]) -> str:
    """A field's value as written in the file (``{...}``, ``"..."``, a number, a macro, or
    pieces of those joined by ``#``) as the text bibtex reads: the braces or quotes that
    enclose each piece dropped, the macros of the file's ``@string`` blocks put in. An
    unknown macro stays its name (``TPAMI``, from another file: it still names the venue);
    a value that does not read so stays as written."""
    pieces = []
    pos, end = 0, len(value)
    while True:
        match = _PIECE.match(value, pos)
        if match is None:
            return value
        if match["name"] is not None:
            name = match["name"]
            pieces.append(macros.get(name.lower(), name))
            pos = match.end()
        else:
            opener = match.start("brace") if match["brace"] else match.start("quote")
            close = _closing(value, opener)
            if close is None:
                return value
            pieces.append(value[opener + 1:close])  # the text between the delimiters
            pos = close + 1
        while pos < end and value[pos].isspace():
            pos += 1
        if pos == end:
            return "".join(pieces)
        if value[pos] != "#":
            return value
        pos += 1


def _closing(value: str, start: int) -> int | None:
    """The index of the ``}`` or ``"`` that closes the delimiter at ``start`` (a quote
    closes at brace depth 0 only), or None."""
    quote = value[start] == '"'
    depth = 0
    for pos in range(start + 1, len(value)):
        char = value[pos]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return None if quote else pos
            depth -= 1
        elif char == '"' and quote and depth == 0:
            return pos
    return None


#: An entry bibtex reads inside an ``@comment{...}`` (it skips the word ``comment`` only,
#: and reads on; biber skips the braces): its key is taken for bibtex.
_COMMENTED_ENTRY = re.compile(r"@\s*([A-Za-z]\w*)\s*[{(]\s*([^\s,{}()\"#%'=]+)\s*[,})]")
#: A lone ``@`` at the end of the file (only white space after it).
_STRAY_AT = re.compile(r"@\s*\Z")


def _hidden_keys(library: bibtexparser.Library) -> frozenset[str]:
    """The keys of entries bibtex reads inside the file's ``@comment`` blocks (lower case)."""
    keys = set()
    for block in library.comments:
        if isinstance(block, bibtexparser.model.ExplicitComment):
            for kind, key in _COMMENTED_ENTRY.findall(str(block.comment)):
                if kind.lower() not in ("comment", "string", "preamble"):
                    keys.add(key.lower())
    return frozenset(keys)


def _newline(text: str) -> str:
    """The file's line ending, the one most of its lines end with (CR alone too: classic
    Mac OS, some BibDesk files)."""
    crlf = text.count("\r\n")
    lf, cr = text.count("\n") - crlf, text.count("\r") - crlf
    if cr > lf and cr > crlf:
        return "\r"
    return "\r\n" if crlf and crlf >= lf else "\n"


#: The starts of files of other formats that a user may give --merge-into by mistake.
_OTHER_FORMATS = (
    (re.compile(r"\s*[\[{]"), "JSON (CSL-JSON?)"),
    (re.compile(r"\s*TY  - "), "RIS"),
    (re.compile(r"\s*<"), "XML or HTML"),
    (re.compile(r"[\s\S]*\\(?:documentclass|begin\{document\})"), "a LaTeX document"),
)


def _other_format(text: str) -> str | None:
    """What a file without BibTeX blocks reads as, when that is another format."""
    for pattern, name in _OTHER_FORMATS:
        if pattern.match(text):
            return name
    return None


def _decode(data: bytes, shown: str, encoding: str | None) -> tuple[str, str]:
    """The file's text, and the codec the new entries are written with (no BOM)."""
    for bom, codec, append_as in BOMS:
        if data.startswith(bom):
            return _decoded(data, codec, shown), append_as
    if encoding is not None:
        name = check_encoding(encoding, shown)
        if not data.isascii():
            try:  # --bib-encoding is for a file that is not UTF-8 (as its help says)
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        return _decoded(data, name, shown), name
    if (wide := bomless_utf16(data[:4096])) is not None:
        return _decoded(data, wide, shown), wide
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if _UTF8_SEQUENCE.search(data) is not None:
            # UTF-8 text with a byte that is not: read as Latin-1, its UTF-8 names would not
            # match (Müller read as MÃ¼ller) and the same papers be added again
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(
                "The file to merge into is UTF-8 text with a byte that is not UTF-8 "
                f"(0x{data[exc.start]:02X}): it mixes encodings, and its entries could not be "
                "matched; nothing was changed. Fix that line (or convert the file to one "
                "encoding).", source=shown, line=line) from None
        # an 8-bit legacy encoding: read it byte for byte for matching; what is appended
        # must then be ASCII (the default BibTeX output is), checked in _append
        return data.decode("latin-1"), "ascii"


#: Two bytes that are a UTF-8 sequence (a lead byte of a two-to-four-byte character, then a
#: continuation byte): rare in Latin-1 text (``Ã©``), the mark of UTF-8.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def _decoded(data: bytes, codec: str, shown: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _undecodable(shown, data, exc, codec) from None


def _undecodable(shown: str, data: bytes, exc: UnicodeDecodeError, codec: str) -> InputError:
    line = data[: exc.start].count(b"\n") + 1
    return InputError(f"The file to merge into is not valid {codec} text ({exc.reason}); "
                      "nothing was changed. Name its encoding with --bib-encoding.",
                      source=shown, line=line)


def _append(real: Path, shown: str, bib: _Bib, added: list[Entry], exporter: Exporter,
            options: ExportOptions) -> None:
    documents = list(exporter.documents(added, options))
    if len(documents) != 1:
        raise InputError(f"The {exporter.name} format writes several documents; it cannot be "
                         "merged into one .bib file.", source=shown)
    head = bib.text
    nl = bib.newline
    separator = ""
    if head and not head.endswith(("\n", "\r")):
        separator += nl
    if head and not head.endswith(("\n\n", "\r\n\r\n", "\r\r")):
        separator += nl
    new_text = (separator + documents[0].text).replace("\r\n", "\n").replace("\n", nl)
    try:
        new = new_text.encode(bib.encoding)
    except UnicodeEncodeError as exc:
        bad = new_text[exc.start]
        if bib.encoding == "ascii":
            why = ("is not UTF-8 and has no byte-order mark, so its encoding is unknown, and "
                   f"the new entries hold {bad!r}; name the file's encoding with "
                   "--bib-encoding (for example latin-1), write ASCII entries (-t bibtex), or "
                   "convert the file to UTF-8")
        else:
            why = (f"is in {bib.encoding}, which cannot hold {bad!r} of the new entries; "
                   "write ASCII entries (-t bibtex) or convert the file to UTF-8")
        raise InputError(f"The file to merge into {why}. Nothing was changed.",
                         source=shown) from None
    # the file's own bytes, then the new ones: written byte for byte (latin-1 maps each byte
    # to the character of the same number and back)
    whole = (bib.data + new).decode("latin-1")

    def unchanged() -> None:
        """The lock keeps other arrow2bib runs out, not an editor (JabRef, Zotero's export,
        a sync client): if the file is not what was read, replacing it would lose their
        change."""
        try:
            now = real.read_bytes()
        except FileNotFoundError:
            now = None
        if now != (bib.data if bib.existed else None):
            raise OutputError(
                f"{shown}: the file changed while arrow2bib was merging into it (another "
                "program saved it); nothing was written, and its change is kept. Run again.")

    write_documents(real, [Document("", whole)], encoding="latin-1", before_replace=unchanged)
