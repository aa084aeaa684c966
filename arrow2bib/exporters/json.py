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
from .._json_text import indented
from .base import Entry, Exporter, ExportOptions

__all__ = ["JsonExporter", "paper_to_dict", "page_header_to_dict"]

FORMAT_VERSION = 1


def _person(person: Person) -> dict[str, Any]:
    """``dataclasses.asdict(person)`` (its fields are strings or None: nothing to copy),
    without its recursive copy, which took 4 us a name."""
    names = _PERSON_FIELDS if type(person) is Person else [
        field.name for field in dataclasses.fields(person)]
    return {name: getattr(person, name) for name in names}


_PERSON_FIELDS = tuple(field.name for field in dataclasses.fields(Person))


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
        "problems": [p.as_dict() for p in page.problems],
    }


class JsonExporter(Exporter):
    """The canonical model as JSON: every field arrow2bib read, nothing format-specific."""

    name = "json"
    extension = ".json"
    description = "arrow2bib's canonical model as JSON (lossless)"
    default_for_extension = False

    def export(self, entries: Iterable[Entry], out: TextIO, options: ExportOptions) -> None:
        """Write the document page by page and paper by paper, as it comes: the text is
        ``json.dump(document, indent=2)`` of the whole document. Papers are grouped under
        their page (entries come in page order); pages with no paper come last."""
        out.write('{\n  "format": "arrow2bib",\n  "version": %d,\n  "pages": [' % FORMAT_VERSION)
        written: set[str] = set()
        pages = 0
        source: str | None = None
        rest = ""  # the current page's JSON after its papers
        papers = 0  # on the current page
        for entry in entries:
            if source is None or entry.paper.source != source:
                if source is not None:
                    out.write(_close(papers) + rest)
                source, papers = entry.paper.source, 0
                start, rest = self._page_parts(options, source)
                out.write(("," if pages else "") + "\n    " + start + "[")
                pages += 1
                written.add(source)
            # json.dumps(..., indent=2) with its lines moved 8 spaces in
            text = indented(paper_to_dict(entry.paper, entry.key), 4)
            out.write(("," if papers else "") + "\n        " + text)
            papers += 1
        if source is not None:
            out.write(_close(papers) + rest)
        for other in options.pages:
            if other not in written:
                start, rest = self._page_parts(options, other)
                out.write(("," if pages else "") + "\n    " + start + "[" + _close(0) + rest)
                pages += 1
        out.write("\n  ]\n}\n" if pages else "]\n}\n")

    @staticmethod
    def _page_parts(options: ExportOptions, source: str) -> tuple[str, str]:
        """The page's JSON (at its place in the document) before and after its papers."""
        header = page_header_to_dict(options.pages.get(source) or Page(source=source))
        header["papers"] = _PAPERS
        text = json.dumps(header, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        before, after = text.split(json.dumps(_PAPERS))
        return before, after


def _close(papers: int) -> str:
    """The end of a page's list of papers (``json.dump`` writes an empty list as ``[]``)."""
    return "\n      ]" if papers else "]"


#: Stands for a page's papers while its header is laid out.
_PAPERS = "\x00papers\x00"


@hookimpl
def register_exporters(register):
    register(JsonExporter())
