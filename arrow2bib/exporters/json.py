"""The ``json`` format: the canonical model, lossless.

Shape (documented in the README)::

    {"format": "arrow2bib", "version": 1,
     "pages": [{"source", "cluster", "declared_papers", "author_rows",
                "papers": [{"key", "title", "authors": [{"literal", "given", "family",
                            "particle", "suffix", "nickname"}], "authors_status", "venue",
                            "venue_kind", "year", "paper_type", "abstract", "raw_abstract",
                            "urls", "source", "line"}],
                "problems": [{"code", "severity", "message", "source", "line", "title",
                              "key", "details"}]}]}

Pages appear in the order their first paper does; papers keep their order.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Iterable, TextIO

from ..hookspecs import hookimpl
from ..model import Page, Paper, Person
from ..report import problem_to_dict
from .base import Entry, Exporter, ExportOptions

__all__ = ["JsonExporter", "paper_to_dict", "page_header_to_dict"]

FORMAT_VERSION = 1


def _person(person: Person) -> dict[str, Any]:
    return dataclasses.asdict(person)


def paper_to_dict(paper: Paper, key: str | None = None) -> dict[str, Any]:
    """One paper as a JSON-ready dict (with its citation key first when given)."""
    data: dict[str, Any] = {} if key is None else {"key": key}
    data.update(
        title=paper.title,
        authors=[_person(a) for a in paper.authors],
        authors_status=paper.authors_status.value,
        venue=paper.venue,
        venue_kind=paper.venue_kind,
        year=paper.year,
        paper_type=paper.paper_type,
        abstract=paper.abstract,
        raw_abstract=paper.raw_abstract,
        urls=list(paper.urls),
        source=paper.source,
        line=paper.line,
    )
    return data


def page_header_to_dict(page: Page) -> dict[str, Any]:
    """A page's header, with empty ``papers`` and its reading problems."""
    return {
        "source": page.source,
        "cluster": page.cluster,
        "declared_papers": page.declared_papers,
        "author_rows": page.author_rows,
        "papers": [],
        "problems": [problem_to_dict(p) for p in page.problems],
    }


class JsonExporter(Exporter):
    """The canonical model as JSON: every field arrow2bib read, nothing format-specific."""

    name = "json"
    extension = ".json"
    description = "arrow2bib's canonical model as JSON (lossless)"
    default_for_extension = False

    def export(self, entries: Iterable[Entry], out: TextIO, options: ExportOptions) -> None:
        pages: dict[str, dict[str, Any]] = {}
        for source, page in options.pages.items():
            pages[source] = page_header_to_dict(page)
        order: list[str] = []
        for entry in entries:
            source = entry.paper.source
            if source not in pages:
                pages[source] = page_header_to_dict(Page(source=source))
            if source not in order:
                order.append(source)
            pages[source]["papers"].append(paper_to_dict(entry.paper, entry.key))
        order += [s for s in pages if s not in order]
        document = {
            "format": "arrow2bib",
            "version": FORMAT_VERSION,
            "pages": [pages[s] for s in order],
        }
        json.dump(document, out, ensure_ascii=False, indent=2)
        out.write("\n")


@hookimpl
def register_exporters(register):
    register(JsonExporter())
