"""The citation keys of a whole run, worked out on disk so that memory stays flat.

Making keys unique needs every paper's base key (:mod:`arrow2bib.keys` gives the rules):
papers whose base keys are equal, ignoring case, form a group; the group is put in order by
a digest of each paper's content, the first keeps the base key and the others get ``a``,
``b``, ... (skipping any key already taken). :class:`KeyTable` keeps one row per paper in a
temporary SQLite database (the standard library's; it sorts and indexes on disk with a
small cache), and hands back only the keys that differ from their base key, in page order.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import sqlite3
from operator import itemgetter
from typing import Collection, Iterator

from .._scratch import scratch_error
from ..model import Paper
from ..text.fold import digest_fold

__all__ = ["KeyTable", "canonical_digest", "order_digest", "suffix"]


def canonical_digest(paper: Paper) -> str:
    """A digest of a paper's content, independent of page order and of the other papers."""
    parts = [
        digest_fold(paper.title),
        str(paper.year or ""),
        digest_fold(paper.venue),
        "|".join(digest_fold(a.literal) for a in paper.authors),
        digest_fold(paper.paper_type),
    ]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def suffix(n: int) -> str:
    """The ``n``-th collision suffix: 0 -> '', 1 -> 'a', 26 -> 'z', 27 -> 'aa' ..."""
    letters = ""
    while n > 0:
        n -= 1
        letters = chr(ord("a") + n % 26) + letters
        n //= 26
    return letters

def order_digest(paper: Paper) -> int:
    """The paper's place within its group: 60 bits of :func:`~arrow2bib.keys.canonical_digest`
    (which order a group as the whole digest would; a tie in 60 bits is as good as
    impossible, and would fall back on page order)."""
    return int(canonical_digest(paper)[:15], 16)


#: Rows sent to SQLite at once.
_BATCH = 4096
#: Groups of papers sharing a base key whose suffixes are looked up together.
_GROUPS = 256
#: Keys looked up in one query.
_LOOKUP = 512


# Queries with many parameters are made for a fixed number of them (the missing ones None,
# which matches nothing): the sqlite3 module keeps every statement it prepared, and one
# prepared per length of an IN list held some 25 MiB at 10^5 papers.

@functools.lru_cache(maxsize=4)
def _lookup(size: int) -> str:
    """Which of ``size`` lower-case keys are a base key or a key given (them, twice)."""
    marks = ", ".join("?" * size)
    return (f"SELECT lbase FROM k WHERE lbase IN ({marks}) "
            f"UNION SELECT lkey FROM taken WHERE lkey IN ({marks})")


@functools.lru_cache(maxsize=4)
def _members(size: int) -> str:
    """The papers of up to ``size`` groups, each group's in the order of their digests."""
    return (f"SELECT lbase, pos, base FROM k WHERE lbase IN ({', '.join('?' * size)}) "
            "ORDER BY lbase, digest, pos")


def _padded(values: list[str], size: int) -> list[str | None]:
    return [*values, *[None] * (size - len(values))]


class KeyTable:
    """Base keys filed paper by paper (:meth:`add`), then the suffixed ones (:meth:`changed`)."""

    def __init__(self) -> None:
        # "" is a private temporary database on disk, deleted when closed
        try:
            self._db = sqlite3.connect("", isolation_level=None)
        except sqlite3.Error as exc:
            raise scratch_error(exc) from exc
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE k (pos INTEGER, lbase TEXT, digest INTEGER, base TEXT)")
        self._db.execute("CREATE TABLE taken (lkey TEXT PRIMARY KEY) WITHOUT ROWID")
        self._db.execute("CREATE TABLE changed (pos INTEGER PRIMARY KEY, key TEXT)")
        self._rows: list[tuple[int, str, int, str]] = []
        self._assigned = False

    def add(self, position: int, base: str, digest: int) -> None:
        """File the base key of the paper at ``position`` (0-based, in run order), with its
        :func:`order_digest`."""
        self._rows.append((position, base.lower(), digest, base))
        if len(self._rows) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            try:
                self._db.executemany("INSERT INTO k VALUES (?, ?, ?, ?)", self._rows)
            except sqlite3.Error as exc:
                raise scratch_error(exc) from exc
            self._rows = []

    def _existing(self, lkeys: list[str], given: Collection[str]) -> set[str]:
        """Which of ``lkeys`` are a base key or a key already given (in the table, or in
        ``given``, the keys not yet written there)."""
        found = {key for key in lkeys if key in given}
        query = _lookup(_LOOKUP)
        for start in range(0, len(lkeys), _LOOKUP):
            part = _padded(lkeys[start:start + _LOOKUP], _LOOKUP)
            found.update(row[0] for row in self._db.execute(query, part + part))
        return found

    def _write_given(self, given: dict[str, tuple[int, str]]) -> None:
        """Write keys given (lower-case key -> position, key) to the tables."""
        self._db.executemany("INSERT INTO taken VALUES (?)", [(low,) for low in given])
        self._db.executemany("INSERT INTO changed VALUES (?, ?)", given.values())
        given.clear()

    def _assign(self) -> None:
        self._flush()
        db = self._db
        db.execute("BEGIN")
        # base last: the queries below read the index alone, not the table
        db.execute("CREATE INDEX k_group ON k (lbase, digest, pos, base)")
        if self._give_at_once():
            db.execute("COMMIT")
            self._assigned = True
            return
        # what it wrote is undone by hand: with journal_mode=OFF, ROLLBACK undoes nothing
        db.execute("DELETE FROM taken")
        db.execute("DELETE FROM changed")
        groups = db.cursor().execute("SELECT lbase FROM k GROUP BY lbase HAVING COUNT(*) > 1 "
                                     "ORDER BY MIN(pos)")
        # keys given, written to the tables after each chunk of groups (a look-up sees them)
        given: dict[str, tuple[int, str]] = {}
        while chunk := [lbase for (lbase,) in groups.fetchmany(_GROUPS)]:
            # the papers of a chunk of groups in one query (the index gives each group's in
            # the order of their digests), not one query per group
            rows = db.execute(_members(_GROUPS), _padded(chunk, _GROUPS))
            members = {lbase: [(position, base) for _lbase, position, base in papers]
                       for lbase, papers in itertools.groupby(rows, key=itemgetter(0))}
            self._give([(lbase, members[lbase]) for lbase in chunk], given)
        db.execute("COMMIT")
        self._assigned = True

    def _give_at_once(self) -> bool:
        """The common case, in a few queries: the n-th paper of each group (in the order of
        their digests, from 0) gets suffix n. That is what the rules give unless one of those
        keys is another paper's base key or another group's key (lower case), which ends
        this with False (the caller empties the tables it wrote to and gives the keys group
        by group)."""
        db = self._db
        rows = db.execute("SELECT pos, base, lbase FROM k ORDER BY lbase, digest, pos")
        names: dict[int, str] = {}
        group: str | None = None
        n = 0
        try:
            while part := rows.fetchmany(_BATCH):
                given: list[tuple[int, str, str]] = []
                for position, base, lbase in part:
                    if lbase != group:
                        group, n = lbase, 0
                        continue
                    n += 1
                    name = names.get(n)
                    if name is None:
                        name = names[n] = suffix(n)
                    given.append((position, lbase + name, base + name))
                # the primary key refuses a key given twice
                db.executemany("INSERT INTO taken VALUES (?)", [(low,) for _p, low, _k in given])
                db.executemany("INSERT INTO changed VALUES (?, ?)",
                               [(position, key) for position, _low, key in given])
        except sqlite3.IntegrityError:
            return False
        clash = db.execute("SELECT 1 FROM taken WHERE lkey IN (SELECT lbase FROM k) LIMIT 1")
        return clash.fetchone() is None

    def _give(self, chunk: list[tuple[str, list[tuple[int, str]]]],
              given: dict[str, tuple[int, str]]) -> None:
        """Give the keys of a chunk of groups (each: its lower-case base key, and its papers'
        positions and base keys in order), then write them to the tables."""
        # the lower-case form of the n-th candidate is lbase + suffix(n) for every member:
        # each group's first candidates (one more than it needs: few are taken) are looked
        # up for the whole chunk at once, the keys given in the chunk in memory
        def candidates(lbase: str, after: int, count: int) -> list[str]:
            return [lbase + suffix(after + i) for i in range(1, count + 1)]

        firsts = {lbase: candidates(lbase, 0, min(len(members), 400))
                  for lbase, members in chunk}
        stored = self._existing([c for batch in firsts.values() for c in batch], ())
        for lbase, members in chunk:
            n = 0
            free: list[tuple[int, str]] = []
            for position, base in members[1:]:
                while not free:
                    if n == 0:
                        batch = firsts[lbase]
                        taken = {c for c in batch if c in stored or c in given}
                    else:  # a group whose first candidates were taken: the next ones
                        batch = candidates(lbase, n, min(len(members), 400) + 7)
                        taken = self._existing(batch, given.keys())
                    free = [(n + i, c) for i, c in enumerate(batch, start=1) if c not in taken]
                    n += len(batch)
                number, lower = free.pop(0)
                # the candidates of one group never collide with each other (distinct suffixes)
                given[lower] = (position, base + suffix(number))
        self._write_given(given)

    def changed(self) -> Iterator[tuple[int, str]]:
        """``(position, key)`` for every paper whose key is not its base key, in order."""
        if not self._assigned:
            try:
                self._assign()
            except sqlite3.Error as exc:
                raise scratch_error(exc) from exc
        # a for loop, not ``yield from``: closing this generator after the database (an
        # interrupted run) must not close the cursor, which would raise on a closed database
        for row in self._db.execute("SELECT pos, key FROM changed ORDER BY pos"):
            yield row

    def close(self) -> None:
        self._db.close()
