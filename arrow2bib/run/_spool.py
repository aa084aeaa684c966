"""Temporary files that let a run stream: papers between its two passes, and its problems.

A run reads every page once, files each paper here, and replays them in order once the
citation keys are known (:mod:`arrow2bib.run.pipeline`), so that memory does not grow with the
page. Papers and problems are stored with :mod:`marshal` (plain tuples, the fastest form the
standard library reads back; problems with :mod:`pickle`, as a plugin's details may hold
anything) in anonymous temporary files that vanish when closed.
"""

from __future__ import annotations

import functools
import marshal
import pickle
import tempfile
from typing import Any, BinaryIO, Iterable, Iterator

from .._scratch import scratch_error
from ..model import AuthorStatus, Paper, Person, Problem, Severity
from ..write.report import Summary, message_shape

__all__ = ["PaperSpool", "ProblemLog", "scratch_error"]

#: Papers (or problems) per marshalled batch: fewer, larger writes and reads.
BATCH = 512
_STATUS = {status.value: status for status in AuthorStatus}
_SEVERITY = {severity.value: severity for severity in Severity}


def _person_tuple(person: Person) -> tuple:
    return (person.literal, person.given, person.family, person.particle, person.suffix,
            person.nickname)


@functools.lru_cache(maxsize=16384)  # co-authors repeat: share one Person per name
def _person(fields: tuple) -> Person:
    literal, given, family, particle, suffix, nickname = fields
    return Person(literal=literal, given=given, family=family, particle=particle,
                  suffix=suffix, nickname=nickname)


def paper_tuple(paper: Paper) -> tuple:
    """``paper`` as a tuple of plain values (see :func:`paper_from_tuple`)."""
    return (paper.title, tuple(map(_person_tuple, paper.authors)),
            paper.authors_status.value, paper.venue, paper.venue_kind, paper.year,
            paper.paper_type, paper.abstract, paper.raw_abstract, paper.urls, paper.source,
            paper.line)


def paper_from_tuple(fields: tuple) -> Paper:
    """The :class:`~arrow2bib.model.Paper` that :func:`paper_tuple` made ``fields`` of."""
    title, authors, status, venue, kind, year, ptype, abstract, raw, urls, source, line = fields
    return Paper(title=title, authors=tuple(map(_person, authors)),
                 authors_status=_STATUS[status], venue=venue, venue_kind=kind, year=year,
                 paper_type=ptype, abstract=abstract, raw_abstract=raw, urls=urls,
                 source=source, line=line)


class _Batches:
    """Values appended in batches to a temporary file, read back once, in order, after the
    last append."""

    #: marshal for the plain tuples of papers; pickle where values may be anything
    #: (a plugin's problem details).
    codec: Any = marshal

    def __init__(self) -> None:
        try:
            self._file: BinaryIO = tempfile.TemporaryFile(prefix="arrow2bib-")
        except OSError as exc:
            raise scratch_error(exc) from exc
        self._batch: list[Any] = []
        self.count = 0

    def append(self, value: Any) -> None:
        self._batch.append(value)
        self.count += 1
        if len(self._batch) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            self._write(self.codec.dumps(self._batch))
            self._batch = []

    def _write(self, blob: bytes) -> None:
        try:  # length-prefixed, so that a batch comes back with one read
            self._file.write(len(blob).to_bytes(8, "little"))
            self._file.write(blob)
        except OSError as exc:
            raise scratch_error(exc) from exc

    def replay(self) -> Iterator[Any]:
        """Every value appended, in order (the file is read from its start)."""
        self._flush()
        try:
            self._file.flush()
        except OSError as exc:
            raise scratch_error(exc) from exc
        self._file.seek(0)
        left = self.count
        while left > 0:
            size = int.from_bytes(self._file.read(8), "little")
            batch = self.codec.loads(self._file.read(size))
            left -= len(batch)
            yield from batch

    def close(self) -> None:
        self._file.close()


class PaperSpool(_Batches):
    """Papers filed during the first pass as ``(base key, paper_tuple(paper))``, replayed
    during the second (:func:`paper_from_tuple` makes the papers again)."""

    @staticmethod
    def packed(rows: list[tuple[str, tuple]]) -> bytes:
        """``rows`` as one of the spool's batches, made where they were read (a worker),
        so that the process that files them writes the bytes as they are
        (:meth:`append_packed`) instead of unpickling every paper and marshalling it again."""
        return marshal.dumps(rows)  # the spool's codec

    def append_packed(self, blob: bytes, count: int) -> None:
        """File the ``count`` rows that :meth:`packed` made ``blob`` of, after those
        appended so far."""
        self._flush()
        self._write(blob)
        self.count += count


_PROBLEM_FIELDS = ("code", "severity", "message", "source", "line", "title", "key", "details")


def problem_tuple(problem: Problem, *, shaped: bool = False) -> tuple:
    """``problem`` as a tuple; ``shaped``: with its message's
    :func:`~arrow2bib.write.report.message_shape` last (made where the problem is, a worker
    say, so that the process that logs it need not: see :meth:`ProblemLog.add_tuple`)."""
    values = (problem.code, problem.severity.value, problem.message, problem.source,
              problem.line, problem.title, problem.key, problem.details)
    return (*values, message_shape(problem.message)) if shaped else values


class _PickledBatches(_Batches):
    codec = pickle


class ProblemLog:
    """The problems of a run, in order, kept on disk with their counts in memory.

    Problems come in two streams: what reading and checking found, and what the exporter
    reported; :meth:`__iter__` gives the first, then the second, as the report shows them.
    With ``summarise``, the closing table (:class:`~arrow2bib.write.report.Summary`) is made
    as the problems come, so that showing it needs no reading back (:meth:`summary`)."""

    def __init__(self, *, summarise: bool = False) -> None:
        self._streams = (_PickledBatches(), _PickledBatches())
        self.counts = {severity: 0 for severity in Severity}
        self._summaries = (Summary(), Summary()) if summarise else None

    def __enter__(self) -> ProblemLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, problem: Problem, *, export: bool = False) -> None:
        """Log one problem (``export`` for those the exporter reported)."""
        self.add_tuple(problem_tuple(problem), export=export)

    @property
    def summarising(self) -> bool:
        """Whether the closing table is made as problems come (then workers send each
        problem's message shape: ``problem_tuple(problem, shaped=True)``)."""
        return self._summaries is not None

    def add_tuple(self, values: tuple, *, export: bool = False) -> None:
        """Log one problem given as its :func:`problem_tuple` (as a worker sends it), shaped
        or not."""
        shape = None
        if len(values) > len(_PROBLEM_FIELDS):  # shaped: the shape is for the table only
            shape, values = values[-1], values[:-1]
        self._streams[export].append(values)
        severity = _SEVERITY[values[1]]
        self.counts[severity] += 1
        if self._summaries is not None:
            self._summaries[export].add_values(values[0], severity, values[2], values[3],
                                               values[4], shape)

    def summary(self) -> Summary | None:
        """The table of every problem logged, in report order (``summarise``); None when it
        must be made by reading the problems back: without ``summarise``, or when a code
        came in both streams (its first examples are those of the report's order, which
        the two tables kept apart cannot tell)."""
        if self._summaries is None:
            return None
        found, reported = self._summaries
        return found.joined(reported)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Log reading or check problems."""
        for problem in problems:
            self.add(problem)

    def __len__(self) -> int:
        return sum(stream.count for stream in self._streams)

    def __iter__(self) -> Iterator[Problem]:
        new, fields = object.__new__, _PROBLEM_FIELDS
        for stream in self._streams:
            for values in stream.replay():
                # as paper_from_tuple: the values come from a Problem, so its frozen
                # __init__ (a setattr per field) is skipped
                problem = new(Problem)
                problem.__dict__.update(zip(fields, values))
                problem.__dict__["severity"] = _SEVERITY[values[1]]
                yield problem

    def close(self) -> None:
        for stream in self._streams:
            stream.close()
