"""Field options of the BibTeX-family exports: ``omit``, ``order`` and ``sort``.

``-O omit=abstract,note`` leaves fields out, ``-O order=title,author`` writes the named fields
first (the rest in the format's own order), ``-O sort=key|year|title|page`` orders the entries.

Sorting holds no papers in memory: each entry is formatted as it streams past, and the texts
go, with their sort keys, into sorted runs of at most :data:`RUN_BYTES` in temporary files,
merged at the end (:func:`external_sort`). Memory stays at one run, whatever the number of
papers.
"""

from __future__ import annotations

import heapq
import json
import os
import tempfile
from dataclasses import dataclass
from typing import IO, Callable, Iterable, Iterator, Sequence, TextIO

from ..errors import SettingError
from ..exporters.base import Entry, ExportOptions, Layout
from ..text.fold import fold_ascii

__all__ = ["AS_IS", "FIELD_OPTIONS", "SORTS", "FieldOptions", "external_sort", "field_options",
           "shape", "sort_key", "write_sorted"]

#: The sort orders: ``key`` (citation key), ``year`` (oldest first, no year last, then key),
#: ``title`` (without case or accents, then key), ``page`` (by page, then the paper's line).
SORTS = ("key", "year", "title", "page")

#: The options' help, for ``arrow2bib formats`` (the exporters add them to theirs).
FIELD_OPTIONS = {
    "omit": "fields to leave out, comma-separated (omit=abstract,note)",
    "order": "fields to write first, in this order (order=title,author,year); the rest "
             "follow in the format's order",
    "sort": "entries by key, year, title or page (default: as read); sorted on disk, so "
            "memory does not grow with the number of papers",
}

#: The size of one sorted run in memory (formatted text, in characters).
RUN_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class FieldOptions:
    """What ``omit``, ``order`` and ``sort`` ask for."""

    omit: frozenset[str] = frozenset()
    order: tuple[str, ...] = ()
    sort: str | None = None


#: No field options: every field, in the format's order.
AS_IS = FieldOptions()


def _names(value: str, option: str, fmt: str, fields: Sequence[str]) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.strip().lower() for n in value.split(",") if n.strip()))
    unknown = [n for n in names if n not in fields]
    if unknown:
        raise SettingError(f"The {fmt} option {option}= names no field {unknown[0]!r} (its "
                           f"fields: {', '.join(fields)}).")
    return names


def field_options(options: ExportOptions, fmt: str, fields: Sequence[str]) -> FieldOptions:
    """The field options in ``options`` for format ``fmt``, whose fields are ``fields``
    (a :class:`SettingError` names an unknown field or sort order)."""
    extra = options.extra
    sort = extra.get("sort", "").strip().lower() or None
    if sort is not None and sort not in SORTS:
        raise SettingError(f"The {fmt} option sort={sort!r} is not known; use one of "
                           f"{', '.join(SORTS)}.")
    return FieldOptions(omit=frozenset(_names(extra.get("omit", ""), "omit", fmt, fields)),
                        order=_names(extra.get("order", ""), "order", fmt, fields), sort=sort)


def shape(fields: Iterable[tuple[str, str]], wanted: FieldOptions) -> list[tuple[str, str]]:
    """``fields`` (name, text), in the format's order, without the omitted ones and with
    the ordered ones first."""
    kept = [(name, text) for name, text in fields if name not in wanted.omit]
    if not wanted.order:
        return kept
    rank = {name: i for i, name in enumerate(wanted.order)}
    return sorted(kept, key=lambda item: rank.get(item[0], len(rank)))  # stable: the rest


def sort_key(entry: Entry, order: str) -> list:
    """The JSON-comparable sort key of ``entry`` for ``order`` (each ends with the citation
    key, so that equal entries keep one order whatever the run sizes)."""
    paper = entry.paper
    if order == "year":
        return [paper.year is None, paper.year or 0, entry.key]
    if order == "title":
        return [fold_ascii(paper.title).casefold(), entry.key]
    if order == "page":
        return [paper.source, paper.line, entry.key]
    return [entry.key]


def external_sort(items: Iterable[tuple[list, str]], *, run_bytes: int = RUN_BYTES,
                  directory: str | None = None) -> Iterator[str]:
    """The texts of ``items`` (sort key, text), in key order (stable: equal keys keep their
    order), through sorted runs of about ``run_bytes`` characters in temporary files that
    are removed when the iteration ends or is abandoned."""
    runs: list[IO[str]] = []
    try:
        batch: list[tuple[list, int, str]] = []
        size = 0
        for number, (key, text) in enumerate(items):
            batch.append((key, number, text))
            size += len(text)
            if size >= run_bytes:
                runs.append(_spill(batch, directory))
                batch, size = [], 0
        if not runs:  # all of it fits in one run: no file
            batch.sort(key=lambda item: (item[0], item[1]))
            for _key, _number, text in batch:
                yield text
            return
        if batch:
            runs.append(_spill(batch, directory))
        del batch
        merged = heapq.merge(*(_read(run) for run in runs), key=lambda item: (item[0], item[1]))
        for _key, _number, text in merged:
            yield text
    finally:
        for run in runs:
            run.close()


def _spill(batch: list[tuple[list, int, str]], directory: str | None) -> IO[str]:
    batch.sort(key=lambda item: (item[0], item[1]))
    run = tempfile.TemporaryFile("w+", encoding="utf-8", dir=directory, prefix="arrow2bib-sort-")
    for item in batch:
        run.write(json.dumps(item, ensure_ascii=False))
        run.write("\n")
    run.flush()
    run.seek(0, os.SEEK_SET)
    return run


def _read(run: IO[str]) -> Iterator[tuple[list, int, str]]:
    for line in run:
        key, number, text = json.loads(line)
        yield key, number, text


def write_sorted(entries: Iterable[Entry], out: TextIO, framing: Layout, order: str,
                 text: Callable[[Entry], str]) -> None:
    """Write ``entries`` sorted by ``order``, each as ``text`` makes it, framed by
    ``framing``: formatted as they stream in, sorted on disk (:func:`external_sort`)."""
    started = False
    for item in external_sort((sort_key(entry, order), text(entry)) for entry in entries):
        out.write(framing.opening(started))
        out.write(item)
        started = True
    out.write(framing.closing(started))
