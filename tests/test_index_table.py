"""The duplicate index's table in C (``arrow2bib/_index.c``, the compiled core) against the
Python reference (``arrow2bib.checks.duplicates._Table``): the same candidates, slots,
growth, estimated size and limit, operation by operation, on keys drawn to collide (small key
spaces, keys a capacity apart), on the whole range of 64-bit hashes, and on the vetoes'
edges (years three and four apart, no year, masks with and without names, the length
bounds). The C table is built from this checkout's source (the ``c_table`` fixture)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrow2bib.checks.duplicates import _NO_YEAR, MAX_BLOCK, _Table

from . import oracles

INT64 = st.integers(-(1 << 63), (1 << 63) - 1)
#: keys that collide: a few values, each also shifted by the first capacities
KEYS = st.one_of(
    st.builds(lambda k, shift: k + shift, st.integers(-6, 6),
              st.sampled_from([0, 1024, 2048, 4096, -1024])),
    INT64)
YEARS = st.sampled_from([_NO_YEAR, 1999, 2000, 2002, 2003, 2004, (1 << 63) - 1, -(1 << 62)])
MASKS = st.sampled_from([0, 1, 2, 3, 1 << 62, (1 << 63) - 1])
PAPER = st.tuples(st.lists(KEYS, max_size=5, unique=True), YEARS, st.sampled_from([1, 2, 3]),
                  MASKS, st.integers(0, 12), st.integers(0, 12), st.integers(0, 12))


def _same_run(c_table, papers, limit):
    python, c = _Table(limit), c_table(limit)
    for seq, (keys, year, numbers, mask, shortest, span, length) in enumerate(papers):
        asked = (keys, numbers, year, mask, shortest, shortest + span)
        found = python.candidates(*asked)
        assert c.candidates(*asked) == found
        if python.full:
            assert c.full
            return
        python.add(seq, keys, found[1], year, numbers, mask, length)
        c.add(seq, keys, found[1], year, numbers, mask, length)
        assert (c.size, c.full, c.capacity, len(c)) == (
            python.size, python.full, python.capacity, len(python))


@settings(max_examples=oracles.examples(600), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(papers=st.lists(PAPER, max_size=60), limit=st.sampled_from([None, 0, 70_000, 80_000]))
def test_the_c_table_answers_as_the_python_one(c_table, papers, limit):
    _same_run(c_table, papers, limit)


def test_the_c_table_grows_and_fills_as_the_python_one(c_table):
    # thousands of keys: the table doubles (2/3 taken) until the limit stops it
    papers = [([seq * 7919 + 1, seq % 97 - 48, -seq], 2000 + seq % 5, 1, 1 << (seq % 60),
               0, 12, seq % 12) for seq in range(4000)]
    _same_run(c_table, papers, None)
    _same_run(c_table, papers, 150_000)
    table = c_table(150_000)
    for seq, paper in enumerate(papers):
        keys = paper[0]
        table.add(seq, keys, table.candidates(keys, 1, paper[1], paper[3], 0, 12)[1],
                  paper[1], 1, paper[3], 5)
        if table.full:
            break
    assert table.full and table.capacity == 4096 and 1000 < len(table) < 2000


def test_a_block_gives_its_last_papers_the_exact_title_all(c_table):
    for table in (_Table(), c_table()):
        for seq in range(MAX_BLOCK + 10):
            table.add(seq, [11, 22], table.candidates([11, 22], 1, 2000, 1, 0, 9)[1],
                      2000, 1, 1, 5)
        everything = list(range(MAX_BLOCK + 10))
        assert table.candidates([11], 1, 2000, 1, 0, 9)[0] == everything  # first: no cap
        assert table.candidates([33, 22], 1, 2000, 1, 0, 9)[0] == everything[-MAX_BLOCK:]
        # the vetoes: other numbers, a length out of bounds, no name in common, years apart
        for asked in ((2, 2000, 1, 0, 9), (1, 2000, 1, 6, 9), (1, 2000, 2, 0, 9),
                      (1, 2004, 1, 0, 9)):
            assert table.candidates([11], *asked)[0] == []
        assert table.candidates([11], 1, 2003, 1, 5, 5)[0] == everything
        assert table.candidates([11], 1, _NO_YEAR, 1, 0, 9)[0] == everything


def test_the_c_table_refuses_what_the_python_one_refuses(c_table):
    for table in (_Table(), c_table()):
        with pytest.raises(OverflowError):
            table.add(0, [1], [1], 1 << 63, 1, 1, 5)  # not a 64-bit year
        with pytest.raises(IndexError):
            table.add(0, [1], [table.capacity], 2000, 1, 1, 5)  # not a slot
    table = c_table()
    table.release()
    with pytest.raises(ValueError):
        table.candidates([1], 1, 2000, 1, 0, 9)
    with pytest.raises(ValueError):
        c_table(-1)
