"""The canonical, format-neutral model: :class:`Page`, :class:`Paper`, :class:`Person`.

Nothing here knows about any output format: no citation keys, no entry types, no braces.
Each exporter owns its own mapping from this model to its format. Every object carries its
provenance (``source`` and ``line``) so that checks and errors can point at the page.

Text fields keep two kinds of light markup that the page itself uses, for the exporters to
render as their format allows (see :mod:`arrow2bib.text.markup`): Markdown bold ``**...**`` and
TeX math ``$...$``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["AuthorStatus", "Page", "Paper", "Person", "Problem", "Severity", "MAX_AUTHORS_SHOWN"]

#: The site shows at most this many authors per paper; a list this long may have been cut.
MAX_AUTHORS_SHOWN = 8


class AuthorStatus(str, enum.Enum):
    """Whether a paper's author list, as the page shows it, is the whole list."""

    #: Fewer authors than the site's limit are shown: the list is whole.
    COMPLETE = "complete"
    #: Exactly the site's limit is shown: the list may have been cut.
    MAY_BE_TRUNCATED = "may-be-truncated"
    #: The limit is shown and the page's own author is not among them: the list was cut.
    TRUNCATED = "truncated"

    def __str__(self) -> str:
        return self.value

    @property
    def is_cut(self) -> bool:
        """True when the shown list certainly or possibly lacks authors."""
        return self is not AuthorStatus.COMPLETE


class Severity(str, enum.Enum):
    """How serious a :class:`Problem` is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, kw_only=True)
class Person:
    """One author, as displayed and split into parts.

    ``literal`` is the name exactly as the page shows it. When ``family`` is ``None`` the
    name could not be split (an organisation, say) and only ``literal`` is meaningful.
    """

    literal: str
    given: str | None = None
    family: str | None = None
    particle: str | None = None
    suffix: str | None = None
    nickname: str | None = None

    @property
    def is_literal(self) -> bool:
        """True for a name that must be kept whole (an organisation, an unsplittable name)."""
        return self.family is None

    @property
    def display(self) -> str:
        """``Given particle Family, Suffix`` without the nickname: the name for reading."""
        if self.family is None:
            return self.literal
        parts = [p for p in (self.given, self.particle, self.family) if p]
        name = " ".join(parts)
        return f"{name}, {self.suffix}" if self.suffix else name


@dataclass(frozen=True, kw_only=True, init=False)
class Paper:
    """One paper as listed on an Arrow page."""

    title: str
    authors: tuple[Person, ...] = ()
    authors_status: AuthorStatus = AuthorStatus.COMPLETE
    #: The venue exactly as the page writes it, e.g. ``NeurIPS``.
    venue: str = ""
    #: ``Conference``, ``Journal``, ``Workshop``...: the word before the year.
    venue_kind: str = ""
    year: int | None = None
    #: ``Conference Paper``, ``Short Paper``, ``Journal Article``...: the words after the year.
    paper_type: str = ""
    #: The abstract with extraction damage repaired; keeps ``**bold**`` and ``$math$``.
    abstract: str | None = None
    #: The abstract exactly as the page gives it.
    raw_abstract: str | None = None
    #: URLs found in the abstract, rebuilt, in order of appearance.
    urls: tuple[str, ...] = ()
    #: The page this paper came from: a path, a URL or ``<stdin>``.
    source: str = ""
    #: The 1-based line of the paper's venue line in its source.
    line: int = 0

    def __init__(self, *, title: str, authors: tuple[Person, ...] = (),
                 authors_status: AuthorStatus = AuthorStatus.COMPLETE, venue: str = "",
                 venue_kind: str = "", year: int | None = None, paper_type: str = "",
                 abstract: str | None = None, raw_abstract: str | None = None,
                 urls: tuple[str, ...] = (), source: str = "", line: int = 0) -> None:
        # the fields, as the dataclass's own __init__ would set them, but in one step: a
        # frozen dataclass sets each through object.__setattr__, which was more than half of
        # making a paper (tests/test_model.py holds the two the same)
        self.__dict__.update(
            title=title, authors=authors, authors_status=authors_status, venue=venue,
            venue_kind=venue_kind, year=year, paper_type=paper_type, abstract=abstract,
            raw_abstract=raw_abstract, urls=urls, source=source, line=line)


@dataclass(frozen=True, kw_only=True, init=False)
class Problem:
    """Something noticed while reading or checking: errors as data, never silent.

    ``code`` is a stable identifier (``parse-error``, ``count-mismatch``...), documented in the
    README; ``details`` holds machine-readable specifics.
    """

    code: str
    severity: Severity
    message: str
    source: str = ""
    line: int | None = None
    title: str | None = None
    #: The citation key of the paper concerned, when keys have been assigned.
    key: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def __init__(self, *, code: str, severity: Severity | str, message: str, source: str = "",
                 line: int | None = None, title: str | None = None, key: str | None = None,
                 details: Mapping[str, Any] | None = None) -> None:
        # the fields set in one step, as for Paper (a run makes a problem for every note:
        # this halves their cost); a plugin's "warning" becomes the member it names
        self.__dict__.update(
            code=code, severity=severity if type(severity) is Severity else Severity(severity),
            message=message, source=source, line=line, title=title, key=key,
            details={} if details is None else details)

    def __post_init__(self) -> None:
        # what a subclass's generated __init__ calls (this class's own converts the severity)
        if type(self.severity) is not Severity:
            object.__setattr__(self, "severity", Severity(self.severity))

    def as_dict(self) -> dict[str, Any]:
        """This problem as a JSON-ready dict, as the JSON report and the ``json`` format
        write it."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "source": self.source,
            "line": self.line,
            "title": self.title,
            "key": self.key,
            "details": dict(self.details),
        }

    def __str__(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.severity}: {self.message} [{self.code}]"


@dataclass(frozen=True, kw_only=True)
class Page:
    """An Arrow "Author name cluster" page, fully read."""

    #: A path, a URL or ``<stdin>``.
    source: str
    #: The author name the page is about, or ``None`` when the header is missing.
    cluster: str | None = None
    #: The page's own count ("13 papers"), or ``None`` when it does not say.
    declared_papers: int | None = None
    #: The page's own count of author rows ("1 author row"), or ``None``.
    author_rows: int | None = None
    papers: tuple[Paper, ...] = ()
    #: What the parser noticed: unreadable blocks, missing header parts, count mismatches.
    problems: tuple[Problem, ...] = ()
