"""Finding the same work twice: identical repeats, near-identical titles, and versions.

Titles are compared in normal form (:mod:`arrow2bib.text.fold`: case, punctuation, spaces,
braces, LaTeX accents, diacritics and Markdown removed). Two papers match when:

- **identical**: the same normalised title, year, venue and paper type, with at least one
  family name in common (or no authors on either side);
- **near-identical**: titles whose similarity score on the normal forms is at least
  :data:`THRESHOLD`, same year and venue, a family name in common. The score is
  ``2 * L / (len(a) + len(b))`` where ``L`` is the length of the two normal titles' longest
  common subsequence of characters (1.0: the same title), computed by rapidfuzz's Indel
  distance (``len(a) + len(b) - 2 * L``); it does not depend on which paper is first. Up to
  arrow2bib 0.2 the score was difflib's ``SequenceMatcher`` ratio, the same formula with
  ``L`` the characters of the blocks its greedy longest-block search finds: never more than
  the true ``L``, less where the longest block misaligns the rest (``for deep deep deep``
  against ``for deep for deep deep`` scored 0.65 and is 0.90: a word added), and depending
  on the order of the titles. On most pairs both scores are the same (tests/
  test_duplicate_boundaries.py has the pairs where they are not);
- **version**: the same or near-identical title and a family name in common, but a different
  venue or year (a workshop and a conference paper, a conference and a journal paper).

Vetoes, so that different works are not matched: no family name in common (a generic title
shared by strangers); years more than :data:`MAX_YEARS_APART` apart; different numbers in the
titles (``Part 1`` / ``Part 2``, ``GPT-3`` / ``GPT-4``).

Not quadratic: papers are indexed by their normal title (exact matches) and by three blocking
keys (the first and last :data:`BLOCK_CHARS` characters of the compact title with the numbers
in it, and its set of words cut to :data:`WORD_CHARS` letters, with the numbers whole); only
papers sharing a key are scored, at most
:data:`MAX_BLOCK` per key. The index keeps a compact record per paper, not the paper: in
memory up to :data:`MEMORY_BUDGET` (about 110,000 papers), in a database past it
(:class:`DuplicateIndex`).
"""

from __future__ import annotations

import errno
import functools
import marshal
import math
import os
import re
import sqlite3
import tempfile
from array import array
from dataclasses import dataclass, replace
from sys import intern
from typing import BinaryIO, Callable, Iterable, Iterator, Literal

from .._scratch import scratch_error
from ..model import Paper
from ..text.fold import normalise_name, title_tokens

__all__ = ["MEMORY_BUDGET", "PREPRINT", "DuplicateIndex", "Match", "Record", "THRESHOLD",
           "best_match",
           "blocking_keys", "compare_entry", "record_for"]

#: Minimum similarity of two normalised titles to count as near-identical.
THRESHOLD = 0.9
#: Papers further apart than this many years are never the same work.
MAX_YEARS_APART = 3
BLOCK_CHARS = 16
#: The letters of each title word the word block keeps (:func:`blocking_keys`).
WORD_CHARS = 3
#: Only the most recent papers of a block are scored, so degenerate blocks stay cheap.
MAX_BLOCK = 64
#: Papers written to the index's database together (until then they are matched in memory).
_FLUSH = 256

Kind = Literal["identical", "near-identical", "version"]
_NONE: frozenset[str] = frozenset()
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True, init=False)
class Record:
    """What the index keeps of a paper."""

    title: str
    normal: str
    numbers: frozenset[str]
    year: int | None
    venue: str
    paper_type: str
    families: frozenset[str]
    source: str
    line: int
    key: str | None

    def __init__(self, title: str, normal: str, numbers: frozenset[str], year: int | None,
                 venue: str, paper_type: str, families: frozenset[str], source: str,
                 line: int, key: str | None) -> None:
        # what the generated __init__ does, written out: the compiled core compiles this
        # one (the generated one stays Python, 16,000 instructions a record, made for each
        # paper and each record read back); tests/test_duplicate_index.py holds them equal
        setattr_ = object.__setattr__
        setattr_(self, "title", title)
        setattr_(self, "normal", normal)
        setattr_(self, "numbers", numbers)
        setattr_(self, "year", year)
        setattr_(self, "venue", venue)
        setattr_(self, "paper_type", paper_type)
        setattr_(self, "families", families)
        setattr_(self, "source", source)
        setattr_(self, "line", line)
        setattr_(self, "key", key)


@dataclass(frozen=True)
class Match:
    """A later paper matched to an earlier one, with the reasons."""

    kind: Kind
    other: Record
    score: float
    fields: tuple[str, ...]
    common_authors: int
    authors: tuple[int, int]


def record_for(paper: Paper, key: str | None = None) -> Record:
    """The compact record of ``paper``. Its names (families, venue, paper type) are
    interned: the papers of a page share them, and the index holds each once."""
    tokens = title_tokens(paper.title)
    normal = " ".join(tokens)
    families = frozenset(
        intern(normalise_name(a.family or a.literal))
        for a in paper.authors if (a.family or a.literal)
    )
    return Record(
        title=paper.title,
        normal=normal,
        # the same empty set for every title without numbers (Python makes a new one each
        # time, 216 bytes); most titles have no digit at all, which one search tells
        numbers=(frozenset(filter(_DIGIT.search, tokens)) or _NONE) if _DIGIT.search(normal)
        else _NONE,
        year=paper.year,
        venue=intern(normalise_name(paper.venue)),
        paper_type=intern(normalise_name(paper.paper_type)),
        families=families or _NONE,
        source=paper.source,
        line=paper.line,
        key=key,
    )


def blocking_keys(record: Record, numbers: str | None = None) -> Iterator[str]:
    """The keys of the blocks ``record`` is filed under (besides its exact normal title);
    ``numbers`` is ``_join(record.numbers)`` when the caller has it already."""
    compact = record.normal.replace(" ", "")
    if not compact:
        return
    # papers with other numbers in their titles never match (a veto), so the numbers are
    # part of the start and end keys: a block then holds only papers that could match, and
    # a run of numbered titles ("Part 1" ... "Part 90") cannot crowd a block (the word-set
    # key holds the numbers already)
    if numbers is None:
        numbers = _join(record.numbers)
    yield "p:" + compact[:BLOCK_CHARS] + numbers
    yield "s:" + compact[-BLOCK_CHARS:] + numbers
    # the words cut to their first WORD_CHARS letters, as a set: a plural, an ending or a
    # letter changed late in a word ("Network"/"Networks", "Model"/"Modal") keeps the key,
    # also where the change is near both ends of the title (the two keys above both miss
    # it); the numbers stay whole (another number is a veto: no reason to share a block)
    words = set(record.normal.split()).difference(record.numbers)
    yield "w:" + " ".join(sorted({word[:WORD_CHARS] for word in words})) + numbers


#: rapidfuzz's Indel distance, imported when the first two titles are scored: a page whose
#: titles never come close (most author pages) does without it (29 M instructions).
_indel_distance: Callable[..., int] | None = None


def title_score(new: str, old: str) -> float:
    """The score of two normal titles of lengths that can reach :data:`THRESHOLD`: 2 x the
    length of their longest common subsequence / both lengths (any score under THRESHOLD
    may come out lower than the true one: rapidfuzz stops early there)."""
    global _indel_distance
    if _indel_distance is None:
        from rapidfuzz.distance.Indel import distance as indel_distance

        _indel_distance = indel_distance
    total = len(new) + len(old)
    # the Indel distance is total - 2 * L; past the cut-off (a little above the largest
    # distance a score of THRESHOLD allows) rapidfuzz stops early and returns cut-off + 1
    distance = _indel_distance(new, old, score_cutoff=int(total * (1 - THRESHOLD)) + 1)
    # the score as difflib wrote it (2.0 * matches / total), so equal common lengths give
    # equal floats, and the comparison with THRESHOLD is the documented one
    return 2.0 * ((total - distance) // 2) / total


def compare(new: Record, old: Record) -> Match | None:
    """How ``new`` matches ``old``, or None (including every veto)."""
    if new.year is not None and old.year is not None:
        if abs(new.year - old.year) > MAX_YEARS_APART:
            return None
    if new.numbers != old.numbers:
        return None
    common = len(new.families & old.families)
    if common == 0 and (new.families or old.families):
        return None
    if new.normal == old.normal:
        score = 1.0
    else:
        # the score's upper bound first (the lengths): a title it rules out is never close
        # enough, and it costs far less than the score
        shorter = min(len(new.normal), len(old.normal))
        total = len(new.normal) + len(old.normal)
        if 2.0 * shorter / total < THRESHOLD:
            return None
        score = title_score(new.normal, old.normal)
        if score < THRESHOLD:
            return None
    same = [name for name, a, b in (("year", new.year, old.year), ("venue", new.venue, old.venue),
                                    ("paper type", new.paper_type, old.paper_type)) if a == b]
    fields = (("title",) if score == 1.0 else ()) + tuple(same)
    if new.year == old.year and new.venue == old.venue:
        kind: Kind = "identical" if score == 1.0 and "paper type" in same else "near-identical"
    else:
        kind = "version"
    return Match(kind, old, round(score, 3), fields, common,
                 (len(new.families), len(old.families)))


class DuplicateIndex:
    """Papers seen so far, for matching each new paper against them.

    While the papers fit in :data:`MEMORY_BUDGET` bytes (an estimate of what the index holds),
    the index is in memory, compact (:class:`_Compact`: flat arrays for the blocking keys,
    hashed to integers, and for the fields the vetoes read; the records themselves in a
    temporary file, read back for the candidates that pass the vetoes): about 140 bytes a
    paper, so 10^5 papers stay in memory. Past the budget it moves into a temporary SQLite
    database (a table of records and one of blocking keys), so its memory stays flat
    however many papers go through: from then on each new paper costs one query for its
    candidates (skipped when none of its keys can be in the database: a filter of
    :data:`_FILTER_BITS` bits remembers which keys were written), and the latest papers are
    matched in memory and written to the database :data:`_FLUSH` at a time. Every way
    finds the same matches.

    The best match wins: identical over near-identical over version, then the higher score;
    between equals the earliest paper (in input order) wins, so the result does not depend
    on how the candidates were found (the Dask run relies on that)."""

    def __init__(self, memory_budget: int | None = None) -> None:
        #: bytes the in-memory index may take (estimated) before it moves into the database
        self.memory_budget = MEMORY_BUDGET if memory_budget is None else memory_budget
        #: the estimated bytes the in-memory index holds
        self.size = 0
        self._db: sqlite3.Connection | None = None
        self._count = 0
        # the papers in memory (every paper while the index is in memory; once it is in the
        # database, the latest, not yet written): the paper numbered seq is
        # _papers[seq - _base]; per hashed key, the numbers of its papers in input order (one
        # number alone, a list from the second)
        self._papers: list[Record] = []
        self._base = 0
        self._index: dict[int, int | list[int]] = {}
        # until then: every paper in the compact store
        self._compact: _Compact | None = _Compact(self.memory_budget)
        # once in the database: the rows for its two tables, written _FLUSH papers at a time,
        # and which keys were written (two bits of each key's hash)
        self._records: list[tuple] = []
        self._blocks: list[tuple] = []
        self._written = bytearray()  # _FILTER_BITS bits from the move into the database

    @property
    def in_memory(self) -> bool:
        """Whether the index is still all in memory (not moved into its database)."""
        return self._db is None

    def add(self, record: Record) -> Match | None:
        """Match ``record`` against the papers seen so far (the best match), then index it."""
        numbers = _join(record.numbers)
        keys = _keys(record, numbers)
        compact = self._compact
        if compact is not None:
            seq = self._count
            self._count += 1
            try:
                candidates, slots = compact.candidates(record, keys, numbers)
                best = best_match(record, candidates)
                compact.add(seq, record, keys, numbers, slots)
            except OSError as exc:
                raise scratch_error(exc) from exc
            self.size = compact.size
            if self.size > self.memory_budget or compact.full:
                self._spill()
            return best
        index = self._index
        # a block's latest papers may be in memory: they take their place among its
        # MAX_BLOCK, the database gives the rest (the exact title, keys[0], has no cap)
        seqs: set[int] = set()
        limits = []
        for number, key in enumerate(keys):
            found = index.get(key)
            if found is None:
                held = 0
            elif isinstance(found, int):
                seqs.add(found)
                held = 1
            else:
                seqs.update(found if number == 0 else found[-MAX_BLOCK:])
                held = len(found)
            if number:
                limits.append(max(0, MAX_BLOCK - held))
        papers, base, year = self._papers, self._base, record.year
        # in input order (the database's papers all came before the ones in memory); the
        # years veto first, as compare() would, only to be quick
        candidates = [old for old in (papers[seq - base] for seq in sorted(seqs))
                      if year is None or old.year is None
                      or -MAX_YEARS_APART <= old.year - year <= MAX_YEARS_APART]
        candidates[:0] = self._stored(record, keys, numbers, limits)
        best = best_match(record, candidates)
        seq = self._count
        self._count += 1
        papers.append(record)
        for key in keys:
            found = index.get(key)
            if found is None:
                index[key] = seq
            elif isinstance(found, int):
                index[key] = [found, seq]
            else:
                found.append(seq)
        self._rows(seq, record, keys, numbers)
        if len(self._records) >= _FLUSH:
            self._flush()
        return best

    def _stored(self, record: Record, keys: list[int], numbers: str,
                limits: list[int]) -> list[Record]:
        """The candidates of ``record`` in the database."""
        blocks: list[int | None] = [key if self._maybe_written(key) else None for key in keys]
        if not any(key is not None for key in blocks):
            return []
        parameters: list[object] = [*(blocks + [None] * 3)[:4], record.year, numbers,
                                    _mask(record.families), *_lengths(record),
                                    *(limits + [0] * 3)[:3]]
        assert self._db is not None
        try:
            rows = self._db.execute(_CANDIDATES, parameters).fetchall()
        except sqlite3.Error as exc:
            raise scratch_error(exc) from exc
        return [*map(_record, rows)]

    def _maybe_written(self, key: int) -> bool:
        """False when ``key`` was never written to the database (True may be wrong)."""
        first, second = _filter_bits(key)
        written = self._written
        return bool(written[first >> 3] & (1 << (first & 7))
                    and written[second >> 3] & (1 << (second & 7)))

    def _rows(self, seq: int, record: Record, keys: list[int], numbers: str) -> None:
        """Queue ``record``'s rows for the database."""
        mask, length = _mask(record.families), len(record.normal)
        for key in keys:  # distinct: add() and _spill() give each key once
            self._blocks.append((key, seq, record.year, mask, numbers, length))
        self._records.append((seq, record.title, record.normal, numbers, record.year,
                              record.venue, record.paper_type, _join(record.families),
                              record.source, record.line, record.key))

    def _spill(self) -> None:
        """Move the index into its database: past the memory budget."""
        try:
            self._db = sqlite3.connect("", isolation_level=None)  # "": temporary, on disk
            # the in-memory index's arrays are let go before the cache fills (_Compact.papers)
            self._db.executescript(f"PRAGMA cache_size = -{DATABASE_CACHE // 1024};"
                                   + _SCHEMA)
        except sqlite3.Error as exc:
            raise scratch_error(exc) from exc
        compact, self._compact = self._compact, None
        assert compact is not None
        self._written = bytearray(_FILTER_BITS // 8)
        try:
            for seq, (record, keys) in enumerate(compact.papers()):
                self._rows(seq, record, keys, _join(record.numbers))
                if len(self._records) >= _SPILL_ROWS:  # a thousand at a time
                    self._flush()
        except OSError as exc:
            raise scratch_error(exc) from exc
        finally:
            compact.close()
        self.size = 0
        self._base = self._count
        self._flush()

    def _flush(self) -> None:
        """Write the papers held in memory to the database."""
        assert self._db is not None
        try:
            self._db.executemany(_INSERT_RECORD, self._records)
            # in key order: the inserts walk the table's B-tree once instead of jumping
            self._blocks.sort()
            self._db.executemany("INSERT INTO b VALUES (?, ?, ?, ?, ?, ?)", self._blocks)
        except sqlite3.Error as exc:
            raise scratch_error(exc) from exc
        written = self._written
        for key in dict.fromkeys(row[0] for row in self._blocks):
            for bit in _filter_bits(key):
                written[bit >> 3] |= 1 << (bit & 7)
        self._papers.clear()
        self._index.clear()
        self._base = self._count
        self._records.clear()
        self._blocks.clear()

    def close(self) -> None:
        """Remove the temporary database, if there is one."""
        if self._db is not None:
            self._db.close()
        if self._compact is not None:
            self._compact.close()
            self._compact = None
        self._papers.clear()
        self._index.clear()


class _Table:
    """The in-memory index's table, in Python: per hashed key, its papers newest first, in an
    open-addressing table of flat arrays (a chain of entries per key); per paper, the fields
    the vetoes read (year, numbers, family names' mask, title length). The reference for
    ``arrow2bib._index.Table``, the compiled core's C version (same methods, same results;
    ``tests/test_index_table.py`` runs both side by side).

    The table does not grow past ``limit`` bytes (estimated, the index's records buffer and
    offsets included): :attr:`full` says when it would have to."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        #: whether the table is 2/3 taken and twice its slots would pass the limit
        self.full = False
        #: the estimated bytes held (see :data:`_PER_SLOT` and the lines after it)
        self.size = 0
        self.capacity = 1 << 10  # slots: a power of 2, at most 2/3 taken
        self._taken = 0
        self._heads = array("i", [-1]) * self.capacity  # a key's latest entry; -1: empty
        self._entry_keys = array("q")  # per entry (a paper filed under a key): the key,
        self._entry_seqs = array("i")  # the paper
        self._entry_prevs = array("i")  # and the key's entry before it (-1: none)
        self._years = array("q")  # per paper; _NO_YEAR for none
        self._numbers = array("q")  # per paper, its numbers' hash (compare() checks them)
        self._masks = array("q")
        self._lengths = array("i")

    def __len__(self) -> int:
        return len(self._years)

    def _slot(self, key: int) -> int:
        """The slot of ``key``, or the empty slot where it goes."""
        mask = self.capacity - 1
        slot = key & mask
        keys, heads = self._entry_keys, self._heads
        while heads[slot] != -1 and keys[heads[slot]] != key:
            slot = (slot + 1) & mask
        return slot

    def candidates(self, keys: list[int], numbers: int, year: int, mask: int, shortest: int,
                   longest: int) -> tuple[list[int], list[int]]:
        """The papers filed under ``keys`` (every one under the first, the exact title; the
        last :data:`MAX_BLOCK` under each other) that pass the vetoes that need no scoring
        (as :data:`_VETOES` in the database), in input order; and the slots of ``keys``, for
        :meth:`add`. ``numbers`` is the hash of the numbers' join, ``year`` a year or
        :data:`_NO_YEAR`, ``mask`` the family names' mask, ``shortest`` and ``longest`` the
        title lengths that can score :data:`THRESHOLD`."""
        heads, prevs, seqs = self._heads, self._entry_prevs, self._entry_seqs
        entry_keys, capacity = self._entry_keys, self.capacity - 1
        found: set[int] = set()
        slots = []
        for number, key in enumerate(keys):
            slot = key & capacity
            entry = heads[slot]
            while entry != -1 and entry_keys[entry] != key:
                slot = (slot + 1) & capacity
                entry = heads[slot]
            slots.append(slot)
            left = -1 if number == 0 else MAX_BLOCK  # the exact title: no cap
            while entry != -1 and left:
                found.add(seqs[entry])
                entry = prevs[entry]
                left -= 1
        if not found:
            return [], slots
        years, masks, numbers_of, lengths = self._years, self._masks, self._numbers, self._lengths
        passed = [seq for seq in found
                  if numbers_of[seq] == numbers
                  and shortest <= lengths[seq] <= longest
                  and ((masks[seq] & mask) != 0 or masks[seq] == 0 == mask)
                  and (year == _NO_YEAR or years[seq] == _NO_YEAR
                       or -MAX_YEARS_APART <= years[seq] - year <= MAX_YEARS_APART)]
        passed.sort()
        return passed, slots

    def add(self, seq: int, keys: list[int], slots: list[int], year: int, numbers: int,
            mask: int, length: int) -> None:
        """File the paper numbered ``seq`` (the next number) under ``keys`` (in ``slots``,
        as :meth:`candidates` found them), with the fields the vetoes read."""
        self._years.append(year)
        self._numbers.append(numbers)
        self._masks.append(mask)
        self._lengths.append(length)
        heads, entry_keys, entries = self._heads, self._entry_keys, len(self._entry_seqs)
        for key, slot in zip(keys, slots):
            head = heads[slot]
            if head == -1:
                # a new key in the empty slot candidates() found for it: still its slot (a
                # slot once taken stays taken, and the table grows only after this loop)
                self._taken += 1
            elif entry_keys[head] != key:
                # a new key whose empty slot one of the keys before it took
                slot = self._slot(key)
                head = heads[slot]
                if head == -1:
                    self._taken += 1
            entry_keys.append(key)
            self._entry_seqs.append(seq)
            self._entry_prevs.append(head)
            heads[slot] = entries
            entries += 1
        # arrays grow by about 1/16 when full; the buffer of records up to _PENDING
        self.size = (self.capacity * _PER_SLOT + _PENDING
                     + (entries * _PER_ENTRY + len(self._years) * _PER_COMPACT_PAPER) * 17 // 16)
        if 3 * self._taken > 2 * self.capacity:
            # the old slots and the new ones are held together while the keys move
            if self.limit is not None and self.size + 2 * self.capacity * _PER_SLOT \
                    > self.limit:
                self.full = True
            else:
                self._grow()
                self.size += self.capacity // 2 * _PER_SLOT

    def _grow(self) -> None:
        """Twice the slots, every key filed again (each in the first empty slot from its
        own: the keys are all different, so none needs comparing)."""
        heads, keys = self._heads, self._entry_keys
        self.capacity *= 2
        mask = self.capacity - 1
        grown = self._heads = array("i", [-1]) * self.capacity
        for head in heads:
            if head != -1:
                slot = keys[head] & mask
                while grown[slot] != -1:
                    slot = (slot + 1) & mask
                grown[slot] = head

    def release(self) -> None:
        """Let the arrays go (the table is empty after)."""
        for name in ("_heads", "_entry_keys", "_entry_seqs", "_entry_prevs", "_years",
                     "_numbers", "_masks", "_lengths"):
            setattr(self, name, array(getattr(self, name).typecode))


def _table_type() -> type:
    """The compiled core's C table where this install has it, else :class:`_Table`."""
    try:
        from .._index import Table  # type: ignore[import-not-found]
    except ImportError:
        return _Table
    return Table  # type: ignore[no-any-return]


class _Compact:
    """The index in memory: its table (:class:`_Table`, or the compiled core's C version:
    the hashed keys and the fields the vetoes read) and the records themselves, in a
    temporary file, read back only for the candidates that pass the vetoes. About 140 bytes
    a paper, where Python objects (a dictionary of keys, the records) took 1,400: a budget
    that held 6,000 papers holds 10^5. The table does not grow past ``limit`` bytes
    (estimated): :attr:`full` says when it would have to."""

    def __init__(self, limit: int | None = None, table: type | None = None) -> None:
        self.table = (table or _table_type())(limit)
        self._offsets = array("q")  # where each record starts in the file (then the buffer)
        self._file: BinaryIO | None = None  # made when the first records are written
        self._written = 0  # bytes in the file; the rest are in _pending
        self._pending = bytearray()
        # the records read back last (at most _READ_BACK; the oldest read goes first): in a
        # crowded block the same earlier papers are candidates of paper after paper
        self._read_back: dict[int, Record] = {}

    @property
    def size(self) -> int:
        """The estimated bytes held."""
        return int(self.table.size)

    @property
    def full(self) -> bool:
        """Whether the table would have to grow past the limit."""
        return bool(self.table.full)

    def candidates(self, record: Record, keys: list[int], numbers: str
                   ) -> tuple[list[Record], list[int]]:
        """The papers ``record`` is compared with (in input order): every one filed under its
        exact title, the last :data:`MAX_BLOCK` of each block; of those, the ones that pass
        the vetoes that need no scoring. And the slots of ``keys``, for :meth:`add`."""
        passed, slots = self.table.candidates(
            keys, hash(numbers), _NO_YEAR if record.year is None else record.year,
            _mask(record.families), *_lengths(record))
        return [self._record(seq) for seq in passed], slots

    def add(self, seq: int, record: Record, keys: list[int], numbers: str,
            slots: list[int]) -> None:
        """File ``record``, the paper numbered ``seq`` (the next number), under ``keys``
        (in ``slots``, as :meth:`candidates` found them)."""
        self._offsets.append(self._written + len(self._pending))
        self._pending += marshal.dumps(
            (record.title, record.normal, numbers, record.year, record.venue,
             record.paper_type, _join(record.families), record.source, record.line,
             record.key, keys))
        if len(self._pending) >= _PENDING:
            if self._file is None:
                # unbuffered: the records are read back with os.pread, and the buffer would
                # be st_blksize bytes more (64 KiB on some file systems)
                self._file = tempfile.TemporaryFile(prefix="arrow2bib-", buffering=0)
            start = 0
            while start < len(self._pending):  # a raw write may write less than it is given
                done = self._file.write(self._pending[start:])
                if not done:
                    raise OSError(errno.ENOSPC, "no byte of the records was written")
                start += done
            self._written += len(self._pending)
            self._pending.clear()
        self.table.add(seq, keys, slots, _NO_YEAR if record.year is None else record.year,
                       hash(numbers), _mask(record.families), len(record.normal))

    def _read(self, seq: int) -> tuple:
        start = self._offsets[seq]
        end = self._offsets[seq + 1] if seq + 1 < len(self._offsets) \
            else self._written + len(self._pending)
        if start >= self._written:
            data = bytes(self._pending[start - self._written:end - self._written])
        else:
            assert self._file is not None
            data = os.pread(self._file.fileno(), end - start, start)
        return marshal.loads(data)

    def _record(self, seq: int) -> Record:
        record = self._read_back.get(seq)
        if record is None:
            record = _record(self._read(seq)[:10])
            if len(self._read_back) >= _READ_BACK:
                del self._read_back[next(iter(self._read_back))]
            self._read_back[seq] = record
        return record

    def papers(self) -> Iterator[tuple[Record, list[int]]]:
        """Each paper in order, its record and its keys, read back from the file. The table
        is let go first (nothing but the records is needed any more), so that the memory it
        took is free for the database's cache."""
        self.table.release()
        for seq in range(len(self._offsets)):
            row = self._read(seq)
            yield _record(row[:10]), row[10]

    def close(self) -> None:
        """Remove the temporary file and let the arrays go."""
        if self._file is not None:
            self._file.close()
        self.table.release()
        self._offsets = array("q")
        self._pending = bytearray()
        self._read_back.clear()


_NO_YEAR = -(1 << 63)
_PENDING = 1 << 16  # bytes of records written to the file at a time
#: Records kept once read back (:meth:`_Compact._record`; three in four reads of the
#: 2x10^4-paper overlap page find their record there): about 1.2 MB when full, which like the
#: module's other bounded caches is not in the index's estimate (:attr:`_Compact.size`).
_READ_BACK = 1024
_SPILL_ROWS = 1024  # papers moved into the database at a time
_PER_SLOT = 4  # a key's latest entry
_PER_ENTRY = 8 + 4 + 4
_PER_COMPACT_PAPER = 8 + 8 + 8 + 4 + 8  # year, numbers, mask, length, offset


#: The bytes the in-memory index may take before it moves into a temporary database (about
#: 110,000 papers at 140-150 bytes each: 10^5 papers of either benchmark page). With the cache
#: below, a run's peak memory with every check on at 10^6 papers was 82 MiB on the overlap
#: page and 93 MiB on the diverse one (docs/speed.md: the process holds more than this
#: estimate).
MEMORY_BUDGET = 16 * 1024 * 1024
#: The bytes of the database's page cache, past the budget (a larger one gains little: 8%
#: less time for the index alone at 10^5 papers with three times this).
DATABASE_CACHE = 8 * 1024 * 1024
#: The size of the filter of the keys written to the database (1 MiB).
_FILTER_BITS = 1 << 23
_FILTER_MASK = _FILTER_BITS - 1


def _filter_bits(key: int) -> tuple[int, int]:
    """The two bits of the written-keys filter that stand for ``key`` (a hash)."""
    return key & _FILTER_MASK, (key >> 32) & _FILTER_MASK


_SEP = "\x1f"
_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE r (seq INTEGER PRIMARY KEY, title TEXT, normal TEXT, numbers TEXT, year INTEGER,
                venue TEXT, ptype TEXT, families TEXT, source TEXT, line INTEGER, key TEXT);
CREATE TABLE b (k INTEGER, seq INTEGER, year INTEGER, fmask INTEGER, numbers TEXT,
                nlen INTEGER, PRIMARY KEY (k, seq)) WITHOUT ROWID;
BEGIN;
"""  # one transaction for the whole run: nothing is flushed to the file until the cache fills
# the exact normal title (?1) has no cap; each block (?2-?4) gives its last ?10-?12 papers
# (MAX_BLOCK less those still in memory);
# of those, only the ones that pass the vetoes that need no scoring are read in full: years
# apart, numbers, a family in common (?7 is a bit mask of the family names, so "no bit in
# common" means "no name in common"), title lengths that rule out a close ratio (?8, ?9)
_VETOES = f"""(?5 IS NULL OR year IS NULL OR abs(year - ?5) <= {MAX_YEARS_APART})
    AND numbers = ?6 AND ((fmask & ?7) != 0 OR (fmask = 0 AND ?7 = 0))
    AND nlen BETWEEN ?8 AND ?9"""
_BLOCK = ("SELECT seq FROM (SELECT seq, year, fmask, numbers, nlen FROM b WHERE k = ?{} "
          "ORDER BY seq DESC LIMIT ?{}) WHERE " + _VETOES)
_CANDIDATES = f"""
SELECT title, normal, numbers, year, venue, ptype, families, source, line, key FROM r
WHERE seq IN (
    SELECT seq FROM b WHERE k = ?1 AND {_VETOES}
    UNION {_BLOCK.format(2, 10)} UNION {_BLOCK.format(3, 11)} UNION {_BLOCK.format(4, 12)})
ORDER BY seq
"""
_INSERT_RECORD = "INSERT INTO r VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def _keys(record: Record, numbers: str) -> list[int]:
    """The hashed keys ``record`` is filed under: its exact normal title first, then its
    blocks (each once); ``numbers`` is ``_join(record.numbers)``."""
    return list(dict.fromkeys(
        [hash("e:" + record.normal), *map(hash, blocking_keys(record, numbers))]))


def _lengths(record: Record) -> tuple[int, int]:
    """The shortest and longest normal titles that can score :data:`THRESHOLD` against
    ``record``'s (outside them, 2 * shorter / both is below it)."""
    length = len(record.normal)
    return (math.floor(length * THRESHOLD / (2 - THRESHOLD)),
            math.ceil(length * (2 - THRESHOLD) / THRESHOLD))


def _join(words: frozenset[str]) -> str:
    # each word after a separator, so that {""} and {} stay apart
    return "".join(_SEP + word for word in sorted(words))


@functools.lru_cache(maxsize=4096)  # the same author groups come back
def _mask(words: frozenset[str]) -> int:
    """A 63-bit mask with one bit per word: sets with no bit in common share no word."""
    mask = 0
    for word in words:
        mask |= 1 << (hash(word) % 63)
    return mask


@functools.lru_cache(maxsize=1024)  # the same author groups and numbers come back
def _split(text: str) -> frozenset[str]:
    return frozenset(text.split(_SEP)[1:]) if text else _NONE


def _record(row: tuple) -> Record:
    title, normal, numbers, year, venue, ptype, families, source, line, key = row
    return Record(title=title, normal=normal, numbers=_split(numbers), year=year, venue=venue,
                  paper_type=ptype, families=_split(families), source=source, line=line,
                  key=key)


_RANK = {"identical": 3, "near-identical": 2, "version": 1}

#: The ``paper_type`` of a record made from a ``.bib`` entry that is a preprint (an arXiv or
#: CoRR ``@article``, an ``@misc`` or ``@unpublished`` with an eprint).
PREPRINT = "preprint"
#: A preprint this many years before or after a paper is a version of it.
PREPRINT_YEARS = 1


def compare_entry(new: Record, old: Record, venues: frozenset[str] = frozenset()
                  ) -> Match | None:
    """The duplicate rules extended once for ``old``, an entry written elsewhere (a user's
    ``.bib`` file, by DBLP, Google Scholar, Zotero or by hand), and ``new``, a paper of the
    page. Venues are written too many ways to be compared (a DBLP booktitle with place and
    dates, an ``@string`` macro, an acronym, none), so:

    - the same normal title, a family name in common and the same year (or none given) is
      the paper already there (``identical``), whatever the venues say;
    - a near-identical title is the paper already there when the year agrees and the
      entry's venue is empty or names the page's (``venues``: its normal short and long
      names, found among the entry venue's words);
    - an entry that is a preprint (:data:`PREPRINT`) within :data:`PREPRINT_YEARS` of the
      paper, or one of another year, is a ``version``: reported, and the paper added.

    The vetoes stay (years apart, numbers, no family name in common when both list
    authors); the page's authors may be fewer than the entry's (the site cuts lists).
    """
    # an entry that lists no authors cannot veto by them
    match = compare(new, old if old.families else replace(old, families=new.families))
    if match is None:
        return None
    same_year = new.year is None or old.year is None or new.year == old.year
    if old.paper_type == PREPRINT:
        if new.year is not None and old.year is not None \
                and abs(new.year - old.year) > PREPRINT_YEARS:
            return None
        kind: Kind = "version"
    elif not same_year:
        kind = "version"
    elif match.score == 1.0:
        kind = "identical"
    elif not old.venue or _names_venue(old.venue, venues | {new.venue}):
        kind = "near-identical"
    else:
        kind = "version"
    return Match(kind, old, match.score, match.fields, match.common_authors,
                 (len(new.families), len(old.families)))


def _names_venue(written: str, venues: Iterable[str]) -> bool:
    """Whether the normal venue ``written`` is, or has among its words, one of ``venues``."""
    padded = f" {written} "
    return any(v and (v == written or f" {v} " in padded) for v in venues)


def best_match(record: Record, candidates: Iterable[Record]) -> Match | None:
    """The best match of ``record`` among ``candidates`` (given in input order): identical
    over near-identical over version, then the higher score, then the earliest."""
    best: Match | None = None
    for old in candidates:
        match = compare(record, old)
        if match and (best is None or (_RANK[match.kind], match.score) >
                      (_RANK[best.kind], best.score)):
            best = match
    return best
