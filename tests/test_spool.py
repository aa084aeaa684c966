"""The spool between a run's two passes: papers and problems come back exactly, in order."""

from __future__ import annotations

import dataclasses

from arrow2bib.model import Paper, Problem, Severity
from arrow2bib.run._spool import (
    BATCH,
    PaperSpool,
    ProblemLog,
    paper_from_tuple,
    paper_tuple,
    problem_tuple,
)


def test_paper_round_trip(sample_page):
    for paper in sample_page.papers:
        back = paper_from_tuple(paper_tuple(paper))
        assert back == paper and type(back) is Paper
        assert {f.name: getattr(back, f.name) for f in dataclasses.fields(Paper)} == \
            {f.name: getattr(paper, f.name) for f in dataclasses.fields(Paper)}


def test_spool_replays_every_paper_in_order_across_batches(sample_page):
    spool = PaperSpool()
    papers = list(sample_page.papers) * (2 * BATCH // len(sample_page.papers) + 1)
    for number, paper in enumerate(papers):
        spool.append((f"key{number}", paper_tuple(paper)))
    assert [(key, paper_from_tuple(fields)) for key, fields in spool.replay()] == \
        [(f"key{n}", p) for n, p in enumerate(papers)]
    spool.close()


def test_packed_batches_file_between_single_rows_in_order(sample_page):
    """A reading worker packs its rows (PaperSpool.packed) and the run files the bytes as
    they are, between rows appended one at a time: the replay is the rows in filing order."""
    spool = PaperSpool()
    rows = [(f"key{n}", paper_tuple(paper))
            for n, paper in enumerate(list(sample_page.papers) * (BATCH // 4))]
    cuts = [0, 3, 3 + BATCH + 1, 3 + BATCH + 2, len(rows) - 5, len(rows)]
    for number, (start, end) in enumerate(zip(cuts, cuts[1:])):
        if number % 2:  # as a worker sends them, in batches of any size
            spool.append_packed(PaperSpool.packed(rows[start:end]), end - start)
        else:
            for row in rows[start:end]:
                spool.append(row)
    assert spool.count == len(rows)
    assert list(spool.replay()) == rows
    spool.close()


def test_problem_log_keeps_order_counts_and_details():
    log = ProblemLog()
    made = [Problem(code=f"c{i}", severity=[Severity.ERROR, Severity.WARNING, Severity.INFO][i % 3],
                    message=f"m{i}", source="s", line=i, details={"n": [i, {"x": None}]})
            for i in range(BATCH + 7)]
    for i, problem in enumerate(made):
        log.add(problem, export=i % 2 == 1)
    back = list(log)
    # the checks' stream first, then the exporter's
    assert back == made[0::2] + made[1::2]
    assert [p.details for p in back] == [p.details for p in made[0::2] + made[1::2]]
    assert log.counts[Severity.ERROR] == sum(p.severity is Severity.ERROR for p in made)
    assert len(log) == len(made)
    log.close()


def test_problem_log_takes_problems_as_tuples_as_a_worker_sends_them():
    """A worker sends its checks' problems back as problem_tuple values (objects take several
    times as long to unpickle); logged as tuples they come back as the same problems, in the
    same order and counts as logged as objects."""
    made = [Problem(code=f"c{i}", severity=[Severity.ERROR, Severity.WARNING, Severity.INFO][i % 3],
                    message=f"m{i}", source="s", line=i, title="t", key=f"k{i}",
                    details={"n": [i]})
            for i in range(BATCH + 3)]
    objects, tuples = ProblemLog(), ProblemLog()
    for i, problem in enumerate(made):
        objects.add(problem)
        if i % 2:
            tuples.add_tuple(problem_tuple(problem))
        else:
            tuples.add(problem)
    back = list(tuples)
    assert back == list(objects) == made
    assert [p.details for p in back] == [p.details for p in made]
    assert all(type(p.severity) is Severity for p in back)
    assert tuples.counts == objects.counts and len(tuples) == len(made)
    objects.close()
    tuples.close()
