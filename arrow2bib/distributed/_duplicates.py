"""Stage 3 on the Dask workers: duplicates found through shuffles on titles and blocking keys."""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Iterable

import dask.bag as db

from ..checks.duplicates import MAX_BLOCK, Match, Record, best_match, blocking_keys, record_for
from ._workers import Pos, _only, _Read

if TYPE_CHECKING:
    from distributed import Client


def _block_rows(items: Iterable[_Read], keys_part: Iterable[dict[Pos, str]]):
    keys = _only(keys_part)
    rows = []
    for item in items:
        for j, (paper, base) in enumerate(zip(item.page.papers, item.bases)):
            pos = (item.index, j)
            record = record_for(paper, keys.get(pos, base))
            rows.append((("n", record.normal), pos, record))
            rows.extend((("b", key), pos, record) for key in blocking_keys(record))
    return rows


def _group_best(group) -> list[tuple[Pos, Record, Pos, Record]]:
    """Each member's best match among the earlier members of one title or block group."""
    (kind, _name), rows = group
    rows = sorted(rows, key=itemgetter(1))
    where = {id(record): pos for _k, pos, record in rows}  # best_match returns the object
    found = []
    for i, (_k, pos, record) in enumerate(rows):
        earlier = rows[:i] if kind == "n" else rows[max(0, i - MAX_BLOCK):i]
        match = best_match(record, (old for _k2, _p, old in earlier))
        if match is not None:
            found.append((pos, record, where[id(match.other)], match.other))
    return found


def _paper_best(group) -> tuple[Pos, Pos, Match]:
    """A paper's best match over all its groups: best_match over the groups' bests in input
    order gives the single index's answer (ties go to the earliest paper)."""
    pos, rows = group
    olds = sorted({old_pos: old for _p, _r, old_pos, old in rows}.items())
    where = {id(old): old_pos for old_pos, old in olds}
    match = best_match(rows[0][1], (old for _p, old in olds))
    assert match is not None  # every row is a match of this paper
    return pos, where[id(match.other)], match


def _duplicates(read: db.Bag, keys: list[dict[Pos, str]],
                client: Client) -> dict[Pos, tuple[Pos, Match]]:
    """Each paper's best match among the earlier papers, as the single index finds it."""
    rows = read.map_partitions(_block_rows, db.from_sequence(keys, partition_size=1))
    best = (rows.groupby(itemgetter(0), shuffle="tasks").map(_group_best).flatten()
            .groupby(itemgetter(0), shuffle="tasks").map(_paper_best))
    return {pos: (old_pos, match) for pos, old_pos, match in client.compute(best, sync=True)}
