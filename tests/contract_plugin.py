"""A third-party plugin written against the documented contracts only: a paper check, a check
across papers, and an exporter with a layout. Nothing here knows how a run is scheduled.

(A module of the tests package, so that worker processes import it by name.)
"""

from __future__ import annotations

from typing import Sequence

from arrow2bib import (
    Check,
    Entry,
    Exporter,
    ExportOptions,
    Layout,
    PaperCheck,
    Problem,
    Severity,
    hookimpl,
)


class LongTitle(PaperCheck):
    """Titles longer than 60 characters."""

    name = "long-title"
    codes = ("long-title",)
    description = "titles longer than 60 characters"

    def paper(self, paper, key):
        if len(paper.title) > 60:
            yield Problem(code=self.name, severity=Severity.INFO,
                          message=f"A title of {len(paper.title)} characters.",
                          source=paper.source, line=paper.line, title=paper.title, key=key)


class AuthorsPerPage(Check):
    """How many distinct authors each page names (state across papers, a problem per page)."""

    name = "authors-per-page"
    codes = ("authors-per-page",)
    description = "distinct authors per page"

    def __init__(self, context):
        super().__init__(context)
        self.seen: dict[str, set[str]] = {}

    def paper(self, paper, key):
        self.seen.setdefault(paper.source, set()).update(a.family or a.literal or ""
                                                         for a in paper.authors)
        return ()

    def page(self, page):
        names = self.seen.pop(page.source, set())
        yield Problem(code=self.name, severity=Severity.INFO,
                      message=f"{len(names)} distinct authors.", source=page.source)


class TsvExporter(Exporter):
    """Key, year and title, one line a paper, under a header line."""

    name = "tsv"
    extension = ".tsv"
    description = "key, year and title, tab-separated"

    def layout(self, options: ExportOptions) -> Layout:
        return Layout(head="key\tyear\ttitle\n")

    def format_entries(self, entries: Sequence[Entry], options: ExportOptions) -> str:
        lines = []
        for entry in entries:
            if not entry.paper.year:
                options.report(Problem(code="tsv-no-year", severity=Severity.INFO,
                                       message="No year.", source=entry.paper.source,
                                       line=entry.paper.line, key=entry.key))
            lines.append(f"{entry.key}\t{entry.paper.year or ''}\t{entry.paper.title}\n")
        return "".join(lines)


@hookimpl
def register_checks(register):
    register(LongTitle)
    register(AuthorsPerPage)


@hookimpl
def register_exporters(register):
    register(TsvExporter())
