"""Stage 2 on the Dask workers: citation keys made unique through a shuffle on the base key."""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Iterable, Mapping

import dask.bag as db

from ..keys import canonical_digest, suffix
from ._workers import Pos, _Read

if TYPE_CHECKING:
    from distributed import Client

#: Suffix candidates tried per colliding group beyond the ones it needs, before asking again.
SPARE_CANDIDATES = 4


def _key_rows(items: Iterable[_Read]) -> list[tuple[str, Pos, str, str]]:
    return [(base.lower(), (item.index, j), base, canonical_digest(paper))
            for item in items for j, (paper, base) in enumerate(zip(item.page.papers,
                                                                    item.bases))]


def _collisions(group: tuple[str, list[tuple[str, Pos, str, str]]]):
    return group[0], sorted((pos, base, digest) for _l, pos, base, digest in group[1])


def _present(items: Iterable[_Read], wanted: frozenset[str]) -> list[str]:
    return [low for item in items for low in (b.lower() for b in item.bases) if low in wanted]


class _Short(Exception):
    """A group needed more suffix candidates than were looked up."""


def _suffixes(groups, limits: Mapping[str, int], taken: set[str]) -> dict[Pos, str]:
    """The single-process suffix loop (:mod:`arrow2bib.keys`) over the colliding groups, in
    order of their first paper, with ``taken`` holding the candidates that are base keys."""
    given: dict[Pos, str] = {}
    for lower, members in groups:
        ordered = sorted(members, key=lambda m: (m[2], m[0]))  # (digest, input position)
        n = 0
        for pos, base, _digest in ordered[1:]:
            while True:
                n += 1
                if n > limits[lower]:
                    raise _Short
                candidate = base + suffix(n)
                if candidate.lower() not in taken:
                    break
            taken.add(candidate.lower())
            given[pos] = candidate
    return given


def _assign(read: db.Bag, client: Client) -> dict[Pos, str]:
    """The keys that differ from the base key (suffixed members of colliding groups)."""
    groups = client.compute(read.map_partitions(_key_rows)
                            .groupby(itemgetter(0), shuffle="tasks")
                            .filter(lambda g: len(g[1]) > 1).map(_collisions), sync=True)
    groups.sort(key=lambda g: g[1][0][0])
    spare = SPARE_CANDIDATES
    while groups:
        limits = {lower: len(members) - 1 + spare for lower, members in groups}
        wanted = frozenset(lower + suffix(n) for lower, limit in limits.items()
                           for n in range(1, limit + 1))
        taken = set(client.compute(read.map_partitions(_present, wanted).distinct(),
                                   sync=True))
        try:
            return _suffixes(groups, limits, taken)
        except _Short:
            spare *= 8
    return {}
