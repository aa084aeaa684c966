"""The library's public functions: read pages, export papers, write files.

Nothing here prints or exits; errors are raised as :mod:`arrow2bib.errors` exceptions and
problems with the data are returned as :class:`~arrow2bib.model.Problem` values.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import os
from pathlib import Path
from typing import Callable, Iterable, Mapping, cast

import pluggy

from .errors import ExportError, SettingError
from .exporters.base import Document, Entry, Exporter
from .exporters.registry import Formats
from .text.hygiene import clean_paper
from .keys import entries_for
from .model import Page, Paper, Problem
from .plugins import get_plugin_manager
from .read.pages import open_page, read_bytes
from .run.pipeline import export_options, process
from ._identity import identity
from .write.files import write_documents

__all__ = ["check", "export", "export_documents", "formats", "open_page", "parse", "parse_file",
           "write"]


def parse_file(spec: str | os.PathLike[str], *, encoding: str | None = None) -> Page:
    """Read a whole page from a path, a URL or ``-`` (stdin)."""
    if not isinstance(spec, (str, os.PathLike)):
        raise SettingError(f"parse_file() takes a path, a URL or '-', not "
                           f"{type(spec).__name__}.")
    _encoding(encoding)
    return open_page(spec, encoding=encoding).read()


def parse(data: str | bytes, *, source: str = "<string>", encoding: str | None = None) -> Page:
    """Read a whole page from a string (text or HTML) or from bytes."""
    if not isinstance(data, (str, bytes, bytearray)):
        raise SettingError(f"parse() takes the page itself, as str or bytes, not "
                           f"{type(data).__name__}" + (": for a path, use parse_file()."
                                                        if isinstance(data, os.PathLike)
                                                        else "."))
    _encoding(encoding)
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return read_bytes(raw, source=source, encoding=encoding)


def _encoding(encoding: object) -> None:
    if encoding is not None and not isinstance(encoding, str):
        raise SettingError(f"encoding names a text encoding ('utf-8', 'cp1252'), not "
                           f"{type(encoding).__name__}.")


def _manager(pm: pluggy.PluginManager | None) -> pluggy.PluginManager:
    """``pm``, or a new plugin manager with the built-in and installed plugins."""
    if pm is None:
        pm = get_plugin_manager()
    return pm


def formats(pm: pluggy.PluginManager | None = None) -> Formats:
    """The registered output formats."""
    return Formats(_manager(pm))


Papers = Page | Iterable[Page] | Iterable[Paper]


def _split(papers: Papers, report: Callable[[Problem], None] | None = None
           ) -> tuple[list[Paper], dict[str, Page]]:
    """The papers, and the page headers (without their papers) by source."""
    items = _items(papers)
    out: list[Paper] = []
    pages: dict[str, Page] = {}
    for item in items:
        if isinstance(item, Page):
            out.extend(item.papers)
            pages[item.source] = dataclasses.replace(item, papers=())
        else:
            out.append(item)
    # a caller's papers may hold what no format can write (a lone surrogate): made safe
    # here, reported to the caller (a page's parser has done it line by line already)
    out = [clean_paper(paper, report or (lambda problem: None)) for paper in out]
    return out, pages


def _items(papers: object) -> list[Page | Paper]:
    """``papers`` (a page, pages or papers) as a list, each checked to be a Page or Paper."""
    if isinstance(papers, Page):
        return [papers]
    if isinstance(papers, (str, bytes)) or not isinstance(papers, collections.abc.Iterable):
        raise SettingError(f"Give a Page, pages or papers (parse() or parse_file() makes a "
                           f"Page from a page's text or file), not {type(papers).__name__}.")
    items = list(papers)
    for item in items:
        if not isinstance(item, (Page, Paper)):
            raise SettingError(f"Give a Page, pages or papers: one item is "
                               f"{type(item).__name__}, not a Page or a Paper.")
    return items


def _exporter(fmt: str | Exporter, pm: pluggy.PluginManager | None) -> Exporter:
    if not isinstance(fmt, (str, Exporter)):
        raise SettingError(f"The format is a name ('bibtex', 'ris', ...) or an Exporter, "
                           f"not {type(fmt).__name__}.")
    return fmt if isinstance(fmt, Exporter) else formats(pm).get(fmt)


def export_documents(
    papers: Papers,
    fmt: str | Exporter,
    *,
    key_pattern: str | None = None,
    options: Mapping[str, str] | None = None,
    report: Callable[[Problem], None] | None = None,
    pm: pluggy.PluginManager | None = None,
) -> list[Document]:
    """Export ``papers`` to ``fmt``; return its documents (most formats write one)."""
    pm = _manager(pm)
    exporter = _exporter(fmt, pm)
    items, pages = _split(papers, report)
    entries: list[Entry] = entries_for(items, pm, key_pattern)
    opts = export_options(exporter, options, report or (lambda problem: None), pages)
    return list(exporter.documents(entries, opts))


def export(
    papers: Papers,
    fmt: str | Exporter,
    *,
    key_pattern: str | None = None,
    options: Mapping[str, str] | None = None,
    report: Callable[[Problem], None] | None = None,
    pm: pluggy.PluginManager | None = None,
) -> str:
    """Export ``papers`` to the format named ``fmt`` and return the text.

    ``options`` are the format's own options (``arrow2bib formats`` lists them); ``report``
    receives a :class:`~arrow2bib.model.Problem` for anything the format could not carry.
    A format that needs several files for these papers raises
    :class:`~arrow2bib.errors.ExportError`; use :func:`write` for it.
    """
    documents = export_documents(
        papers, fmt, key_pattern=key_pattern, options=options, report=report, pm=pm
    )
    if len(documents) != 1:
        raise ExportError(
            f"These papers need {len(documents)} {_exporter(fmt, pm).name} documents; "
            "write them to files with write() or the -o option."
        )
    return documents[0].text


def write(
    papers: Papers,
    path: str | os.PathLike[str],
    fmt: str | Exporter | None = None,
    *,
    key_pattern: str | None = None,
    options: Mapping[str, str] | None = None,
    report: Callable[[Problem], None] | None = None,
    pm: pluggy.PluginManager | None = None,
) -> list[Path]:
    """Export ``papers`` and write them to ``path`` atomically; return the files written.

    Without ``fmt`` the format follows the file extension (``refs.bib`` -> BibTeX).
    """
    pm = _manager(pm)
    exporter = _exporter(fmt, pm) if fmt is not None else formats(pm).for_path(os.fspath(path))
    items = _items(papers)
    # no page read from a file may be overwritten by its own bibliography
    protect = {identity(i.source) for i in items if i.source and os.path.isfile(i.source)}
    documents = export_documents(
        cast(Papers, items), exporter, key_pattern=key_pattern, options=options, report=report,
        pm=pm)
    return write_documents(path, documents, protect=protect)


def check(
    pages: Page | Iterable[Page],
    fmt: str | Exporter | None = None,
    *,
    pm: pluggy.PluginManager | None = None,
) -> list[Problem]:
    """Run every registered check over ``pages`` (for ``fmt``'s required fields when given);
    return the parser's and the checks' problems, as ``arrow2bib check`` reports them."""
    pm = _manager(pm)
    exporter = _exporter(fmt, pm) if fmt is not None else None
    given = _items(pages)
    if not all(isinstance(item, Page) for item in given):
        raise SettingError("check() takes a Page or pages (its checks read each page's own "
                           "counts), not papers.")
    found: list[Problem] = []  # a caller's page may hold what no format can take
    items = [dataclasses.replace(page, papers=tuple(clean_paper(paper, found.append)
                                                    for paper in page.papers))
             for page in cast(list[Page], given)]
    return found + list(process(items, pm=pm, exporter=exporter, export=False).problems)
