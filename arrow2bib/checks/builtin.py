"""The built-in checks, registered through the ``register_checks`` hook like any plugin's.

Problem codes (stable; documented in the README): ``truncated-authors``, ``count-mismatch``,
``unknown-venue``, ``missing-field``, ``duplicate``. (``parse-error`` comes from the parser.)
"""

from __future__ import annotations

from typing import Callable, Iterable

from ..hookspecs import hookimpl
from ..model import AuthorStatus, Page, Paper, Problem, Severity
from ..venues import resolve
from .base import Check, Copy, CopyCheck, PaperCheck, Verdict, removed_copy
from .duplicates import DuplicateIndex, Match, record_for

__all__ = ["CountMismatch", "Duplicates", "MissingFields", "TruncatedAuthors", "UnknownVenue",
           "removed_copy"]

#: The fields every paper should have, whatever the format (the check without ``--to``).
CORE_FIELDS = ("title", "authors", "year", "venue")


def _problem(paper: Paper, key: str | None, code: str, severity: Severity, message: str,
             **details) -> Problem:
    return Problem(code=code, severity=severity, message=message, source=paper.source,
                   line=paper.line, title=paper.title, key=key, details=details)


class TruncatedAuthors(PaperCheck):
    """Author lists the site cut (8 shown, the page's own author missing) or may have cut.

    Notes, not warnings: the site causes them on every page with a long author list (nothing
    in the input is wrong, and the exports already end such lists with 'et al.'), so a
    ``--strict`` run does not fail on them."""

    name = "truncated-authors"
    codes = ("truncated-authors",)
    description = "author lists cut by the site's limit of 8, certainly or possibly"

    def paper(self, paper: Paper, key: str | None) -> Iterable[Problem]:
        if paper.authors_status is AuthorStatus.TRUNCATED:
            yield _problem(
                paper, key, self.name, Severity.INFO,
                f"The author list was cut: the site shows {len(paper.authors)} authors and the "
                "page's own author is not among them; exports end the list with 'et al.' "
                "where the format allows.",
                status=paper.authors_status.value, shown=len(paper.authors), certain=True)
        elif paper.authors_status is AuthorStatus.MAY_BE_TRUNCATED:
            yield _problem(
                paper, key, self.name, Severity.INFO,
                f"The author list may have been cut: the site shows at most "
                f"{len(paper.authors)} authors; check the paper for the rest.",
                status=paper.authors_status.value, shown=len(paper.authors), certain=False)


class CountMismatch(Check):
    """The page's own "N papers" against the papers read."""

    name = "count-mismatch"
    codes = ("count-mismatch",)
    description = "the page's declared paper count against the papers read"

    def __init__(self, context) -> None:
        super().__init__(context)
        self._counts: dict[str, int] = {}

    def paper(self, paper: Paper, key: str | None) -> Iterable[Problem]:
        self._counts[paper.source] = self._counts.get(paper.source, 0) + 1
        return ()

    def page(self, page: Page) -> Iterable[Problem]:
        parsed = self._counts.pop(page.source, 0)  # per page, even when a file comes twice
        if page.declared_papers is not None and page.declared_papers != parsed:
            fewer = parsed < page.declared_papers
            # the blocks the reader skipped, each reported at its line
            skipped = [p for p in page.problems
                       if p.code == "parse-error" and p.details.get("skipped")]
            message = (f"The page says it lists {page.declared_papers} papers, but {parsed} "
                       "were read")
            if fewer:
                named = "; ".join(
                    f"line {p.line}" + (f" ({str(p.details['title'])[:60]!r})"
                                        if p.details.get("title") else "") for p in skipped)
                unaccounted = page.declared_papers - parsed - len(skipped)
                message += (f"; {len(skipped)} block(s) could not be read: {named}"
                            if skipped else "")
                if unaccounted > 0:
                    message += (f"{'; and' if skipped else ';'} {unaccounted} paper(s) are not "
                                "on the page as read: it may have been saved before it finished "
                                "loading, or copied in part. Save or copy the whole page again.")
                else:
                    message += ". See the parse errors at those lines."
            else:
                message += "."
            yield Problem(
                code=self.name,
                severity=Severity.ERROR if fewer else Severity.WARNING,
                message=message,
                source=page.source,
                details={"declared": page.declared_papers, "parsed": parsed,
                         "unread_lines": [p.line for p in skipped]},
            )


class UnknownVenue(PaperCheck):
    """Venues the venue table does not know: exported as the page writes them."""

    name = "unknown-venue"
    codes = ("unknown-venue",)
    description = "venues the venue table does not know (kept as written)"

    def paper(self, paper: Paper, key: str | None) -> Iterable[Problem]:
        if paper.venue and resolve(paper.venue, paper.year, paper.venue_kind) is None:
            yield _problem(
                paper, key, self.name, Severity.WARNING,
                f"The venue {paper.venue!r} ({paper.venue_kind}) is not in the venue table; it "
                "is exported as written. Add it to a [[venues]] table of your arrow2bib.toml "
                "(docs/config.md).",
                venue=paper.venue, kind=paper.venue_kind)


class MissingFields(PaperCheck):
    """Fields the target format requires or recommends that a paper lacks."""

    name = "missing-field"
    codes = ("missing-field",)
    description = "fields the target format requires (error) or recommends (info)"

    def paper(self, paper: Paper, key: str | None) -> Iterable[Problem]:
        exporter = self.context.exporter
        report = exporter.requirements(paper) if exporter is not None else None
        if exporter is None or report is None:
            missing = [f for f, present in _core(paper).items() if not present]
            if missing:
                yield _problem(paper, key, self.name, Severity.ERROR,
                               f"The paper lacks {', '.join(missing)}.",
                               format=None, required=missing, recommended=[])
            return
        if report.missing_required:
            yield _problem(
                paper, key, self.name, Severity.ERROR,
                f"{exporter.name} {report.entry_type} requires "
                f"{', '.join(report.missing_required)}, which this paper lacks.",
                format=exporter.name, entry_type=report.entry_type,
                required=list(report.missing_required),
                recommended=list(report.missing_recommended))
        elif report.missing_recommended:
            yield _problem(
                paper, key, self.name, Severity.INFO,
                f"{exporter.name} {report.entry_type} recommends "
                f"{', '.join(report.missing_recommended)}, which this paper lacks.",
                format=exporter.name, entry_type=report.entry_type, required=[],
                recommended=list(report.missing_recommended))


def _core(paper: Paper) -> dict[str, bool]:
    return {"title": bool(paper.title.strip()), "authors": bool(paper.authors),
            "year": paper.year is not None, "venue": bool(paper.venue)}


class Duplicates(CopyCheck):
    """The same work twice, within a page and across all inputs; versions reported apart."""

    name = "duplicate"
    codes = ("duplicate",)
    description = "identical and near-identical papers, and versions of one work"

    def __init__(self, context) -> None:
        super().__init__(context)
        self.index = DuplicateIndex()

    def compare(self, paper: Paper, key: str | None) -> Verdict:
        match = self.index.add(record_for(paper, key))
        if match is None:
            return Verdict()
        other = match.other
        return Verdict((duplicate_problem(paper, key, match),),
                       Copy(kind=match.kind, key=other.key, source=other.source,
                            line=other.line, title=other.title))


def duplicate_problem(paper: Paper, key: str | None, match: Match) -> Problem:
    """The ``duplicate`` problem for ``paper`` matched to an earlier paper."""
    other = match.other
    where = f"{other.source}:{other.line}"
    why = (f"score {match.score:.2f}; same {', '.join(match.fields) or 'nothing else'}; "
           f"{match.common_authors} author(s) in common")
    if match.kind == "version":
        message = (f"Another version of {other.title!r} ({where}): a similar title with a "
                   f"different venue or year ({why}).")
        severity = Severity.INFO
    else:
        message = f"A{'n' if match.kind == 'identical' else ''} {match.kind} copy of " \
                  f"{other.title!r} ({where}) ({why})."
        severity = Severity.WARNING
    return _problem(
        paper, key, Duplicates.name, severity, message,
        kind=match.kind, score=match.score, fields=list(match.fields),
        common_authors=match.common_authors, authors=list(match.authors),
        other={"source": other.source, "line": other.line, "title": other.title,
               "key": other.key})


BUILTIN_CHECKS: tuple[type[Check], ...] = (
    CountMismatch, TruncatedAuthors, UnknownVenue, MissingFields, Duplicates)


@hookimpl
def register_checks(register: Callable[[type[Check]], None]) -> None:
    for check in BUILTIN_CHECKS:
        register(check)
