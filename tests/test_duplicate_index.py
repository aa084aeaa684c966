"""The duplicate index in memory and in its database: the same findings either way, and a
memory budget that means what it says.

The pages are the benchmark's generated ones (``overlap``: a third of the titles an earlier
one with a few words changed, numbered series and versions, shared prefixes; ``diverse``),
read by the library, so every verdict and crowded blocks occur.
"""

from __future__ import annotations

import dataclasses
import gc
import io
import tracemalloc

import pytest

import arrow2bib
from arrow2bib.checks import duplicates, run_checks
from arrow2bib.checks.duplicates import DuplicateIndex, record_for
from benchmarks.generate import write


def _page(tmp_path, mode: str, papers: int) -> arrow2bib.Page:
    text = io.StringIO()
    write(papers, text, seed=3, mode=mode)
    path = tmp_path / f"{mode}.txt"
    path.write_text(text.getvalue(), encoding="utf-8")
    return arrow2bib.parse_file(path)


def _matches(records, budget: int) -> tuple[list, bool]:
    index = DuplicateIndex(memory_budget=budget)
    try:
        found = [(m.kind, m.score, m.other.line, m.fields, m.common_authors, m.authors)
                 if m else None for m in map(index.add, records)]
        return found, index.in_memory
    finally:
        index.close()


@pytest.mark.parametrize("mode", ["overlap", "diverse"])
def test_the_database_finds_what_memory_finds(tmp_path, mode, table_type, monkeypatch):
    """All in memory, in the database from the first paper, and moved there midway (a
    budget that a third of the page fills): the same matches, against the same papers; with
    either table in memory (Python, C)."""
    monkeypatch.setattr(duplicates, "_table_type", lambda: table_type)
    page = _page(tmp_path, mode, 3000)
    records = [record_for(p, f"key{i}") for i, p in enumerate(page.papers)]
    in_memory, stayed = _matches(records, 1 << 40)
    assert stayed
    midway = DuplicateIndex(memory_budget=1 << 40)
    for record in records[:1000]:
        midway.add(record)
    third = midway.size
    midway.close()
    for budget in (0, third):
        found, stayed = _matches(records, budget)
        assert not stayed
        assert found == in_memory
    # in memory, the records read back are kept for later candidates (_Compact._record):
    # keeping only the last one read gives the same too
    monkeypatch.setattr(duplicates, "_READ_BACK", 1)
    assert _matches(records, 1 << 40) == (in_memory, True)
    # the overlap page's near copies are versions (another venue or year drawn), the diverse
    # page repeats 1% of its papers whole
    kinds = [m[0] for m in in_memory if m]
    most = "version" if mode == "overlap" else "identical"
    assert kinds.count(most) >= 25, kinds


def test_the_check_reports_the_same_past_its_budget(tmp_path, pm, monkeypatch):
    """The same through the check itself (run_checks, as the commands run it)."""
    page = _page(tmp_path, "overlap", 1500)

    def report():
        return [(p.line, p.message, p.details) for p in run_checks(page, pm=pm)
                if p.code == "duplicate"]

    in_memory = report()
    monkeypatch.setattr(duplicates, "MEMORY_BUDGET", 64 * 1024)
    assert report() == in_memory
    assert len(in_memory) > 30


def test_the_index_moves_into_its_database_at_the_budget(tmp_path):
    page = _page(tmp_path, "diverse", 400)
    index = DuplicateIndex(memory_budget=100_000)
    moved = None
    for i, paper in enumerate(page.papers):
        before = index.size
        index.add(record_for(paper))
        if not index.in_memory:
            moved = i
            break
    index.close()
    # 100 kB: the buffer of records (64 KiB), the first table (4 KiB), then some 140 bytes a paper
    assert moved is not None and 150 < moved < 400
    assert before <= 100_000


@pytest.mark.parametrize("mode", ["overlap", "diverse"])
def test_the_memory_estimate_is_near_what_python_allocates(tmp_path, mode, table_type,
                                                             monkeypatch):
    """The budget is compared with an estimate; tracemalloc measures what the index really
    holds (its arrays and the buffer of records not yet in the file). The estimate may be a
    little high (arrays grow by about 1/16, counted as always grown), not much low."""
    monkeypatch.setattr(duplicates, "_table_type", lambda: table_type)
    page = _page(tmp_path, mode, 2000)
    # the records are made before the measure: record_for's text caches (normal forms of
    # names and titles) fill the first time a test process makes them, and are not the index
    records = [record_for(paper, f"key{i}") for i, paper in enumerate(page.papers)]
    del page
    # the module's bounded caches (author groups' masks) are not the index: emptied before and
    # after, so that whatever earlier tests in this process left there counts neither way
    caches = (duplicates._mask, duplicates._split)
    for cache in caches:
        cache.cache_clear()
    gc.collect()
    # only what is allocated from the module's own lines counts: the whole process also holds
    # what pytest and its workers' threads allocate meanwhile (about 100 kB in CI, 15% of this
    # index: the old one, of Python objects, was ten times larger than such noise)
    where = [tracemalloc.Filter(True, duplicates.__file__)]
    tracemalloc.start()
    try:
        start = tracemalloc.take_snapshot().filter_traces(where)
        index = DuplicateIndex(memory_budget=1 << 40)
        for record in records:
            index.add(record)
        for cache in caches:
            cache.cache_clear()
        index._compact._read_back.clear()  # the records read back last: bounded as well
        gc.collect()
        end = tracemalloc.take_snapshot().filter_traces(where)
    finally:
        tracemalloc.stop()
    held = sum(stat.size_diff for stat in end.compare_to(start, "filename"))
    assert index.in_memory
    assert 0.8 * index.size <= held <= 1.1 * index.size, (held, index.size)
    index.close()


def test_keys_that_share_a_slot_keep_their_own_papers(tmp_path, table_type):
    """The in-memory table places a key at its hash's slot or the next free one: keys whose
    slots collide, a paper's own keys among them, each keep their own papers (and the
    table, grown past 2/3 full, still finds them). Keys are given directly here, so the
    collisions do not depend on string hashing."""
    page = _page(tmp_path, "diverse", 3)
    records = [record_for(p, f"key{i}") for i, p in enumerate(page.papers)]
    same = dataclasses.replace(records[0], line=2)  # a copy, filed under other keys
    store = duplicates._Compact(table=table_type)
    try:
        size = 1024  # the first capacity: keys k and k + size share slot k
        first = [7, 7 + size, 8]  # the second and third probe past the first
        second = [7 + 2 * size, 8 + size]
        for seq, (record, keys) in enumerate([(records[0], first), (same, second)]):
            numbers = duplicates._join(record.numbers)
            found, slots = store.candidates(record, keys, numbers)
            assert found == []  # no key in common: never a candidate of each other
            store.add(seq, record, keys, numbers, slots)
        numbers = duplicates._join(same.numbers)
        assert store.candidates(same, [8 + size], numbers)[0] == [same]
        assert store.candidates(same, [7 + size], numbers)[0] == [records[0]]
        assert store.candidates(same, [7, 7 + 2 * size], numbers)[0] == [records[0], same]
        assert store.candidates(same, [9 + size], numbers)[0] == []
        for seq in range(2, 2 * size):  # filler keys, to grow the table
            filler = records[seq % 3]
            store.add(seq, filler, [100_000 + seq], duplicates._join(filler.numbers),
                      [100_000 + seq & (store.table.capacity - 1)])
        assert store.table.capacity > size
        assert store.candidates(same, [7, 7 + 2 * size], numbers)[0] == [records[0], same]
        assert store.candidates(same, [8, 8 + size], numbers)[0] == [records[0], same]
    finally:
        store.close()


def test_records_are_made_as_the_dataclass_would():
    """Record's written-out __init__ (compiled with the core) takes the fields in order, by
    position or by name, and makes what the generated one would: a frozen, equal record."""
    fields = dataclasses.fields(duplicates.Record)
    values = ("A Title", "a title", frozenset({"2"}), 2024, "neurips", "conference paper",
              frozenset({"lovelace"}), "page.txt", 12, "lovelace2024a")
    reference = dataclasses.make_dataclass(
        "GeneratedRecord", [(f.name, f.type) for f in fields], frozen=True, slots=True)
    made = duplicates.Record(*values)
    assert [getattr(made, f.name) for f in fields] == list(values)
    assert [getattr(made, f.name) for f in fields] == \
        [getattr(reference(*values), f.name) for f in fields]
    assert duplicates.Record(**{f.name: v for f, v in zip(fields, values)}) == made
    assert dataclasses.replace(made, year=2025).year == 2025
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.year = 2025  # type: ignore[misc]
