"""The one grammar of an Arrow author page, read as a stream of ``(line number, text)``.

Every reader (text, HTML, URL, stdin) turns its input into such lines; this module turns the
lines into a header and a stream of :class:`~arrow2bib.model.Paper` objects. The page is::

    [header]   Author name cluster / <name> / ... / "13 papers" / "1 author row" / ...
    [paper]    <Venue> <Kind> <Year> <Paper type>      the venue line starts each paper
               <Title>
               • <Author>                               bullets: • - * · ‣ ◦ ▪ ● 1. +
               ...
               <Abstract, one or more lines>            optional

Blank lines carry no meaning (saving and copying adds and removes them). Text copied from a
browser has more shapes, each read by a rule on the lines' shape (docs/reading.md, "What a
browser lays out"): control labels and a footer around the fields, names on one line (listed,
run together or space-separated), a table row's cells on one line with tabs between them.
A block that cannot be read becomes a ``parse-error`` :class:`~arrow2bib.model.Problem` and
the other papers still come through; only input with neither a header nor a single venue line
is an error. (The page's own counts are compared with what was read by the
``count-mismatch`` check.)
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from ..errors import InputError, NotAPageError
from ..model import MAX_AUTHORS_SHOWN, AuthorStatus, Page, Paper, Problem, Severity
from ..text.hygiene import clean as clean_text
from ..text.hygiene import problem as hygiene_problem
from .names import (PARTICLES, fold, listed_names, name_key, name_like, parse_name,
                    run_together)
from .names import space_separated
from .repair import clean_inline, repair_abstract, repair_mojibake

__all__ = ["MAX_AUTHOR_LINES", "PageReader", "line_width", "parse_lines", "starts_paper",
           "is_cluster_mark",
           "is_header_line", "VENUE_KINDS", "PAPER_TYPES", "unreadable_venue_line"]

#: The words the site puts before the year to say what kind of venue it is.
VENUE_KINDS = frozenset(
    """Conference Journal Workshop Symposium Preprint Book Magazine Thesis Report Dataset
    Patent Repository Other""".split()
)

#: Paper types the site writes after the year (a line whose kind word is unknown still reads
#: as a venue line when its type is one of these).
PAPER_TYPES = frozenset(
    [
        "Conference Paper", "Short Paper", "Full Paper", "Long Paper", "Journal Article",
        "Workshop Paper", "Demo Paper", "Demonstration Paper", "Poster", "Poster Paper",
        "Abstract", "Extended Abstract", "Student Abstract", "Book Chapter", "Book",
        "Preprint", "Position Paper", "Survey", "Tutorial", "Findings Paper",
        "Technical Report", "Thesis", "Editorial", "Review", "Letter", "Article", "Paper",
        "Dataset", "Other",
    ]
)

_VENUE_LINE = re.compile(
    r"^(?:(?P<venue>.+)\s)?(?P<kind>[A-Z][\w-]*)\s(?P<year>[12]\d{3})"
    r"\s(?P<type>[A-Z][A-Za-z-]*(?:\s[A-Za-z()-]+){0,4})$"
)
#: An author bullet; a comma or semicolon after the name is the list's (``• Ann Lee,``).
_BULLET = re.compile(r"^(?:[•·‣◦▪●∙○■□▸►⁃]\s*|[-*–]\s+)(?P<name>\S.*?)\s*[,;]?$")
#: The markers of a list that a Markdown or plain-text conversion writes for the site's list
#: (``+ Ann Lee``, ``1. Ann Lee``, ``2) Ann Lee``, a quoted ``> Ann Lee``), and arrows
#: (``→ Ann Lee``, also an abstract's ``→ SQL Queries`` cut at a line's start): an author
#: only where the line reads as a name (:func:`_bullet_name`), only before any other author
#: bullet or after such items (:attr:`_Block.items`), and never one that starts a paper
#: inside an abstract (an enumeration there: ``1) Efficient Training``).
_LIST_ITEM = re.compile(r"^(?:[→▶➤]\s*|(?:[+>]|\d{1,3}[.)])\s+)(?P<name>\S.*?)\s*[,;]?$")
#: The first characters of :data:`_LIST_ITEM` lines but digits.
_ITEM_MARKS = frozenset("→▶➤+>")
_PAPERS = re.compile(r"^(?P<n>\d[\d,]{0,14})\s+papers?$", re.IGNORECASE)
_ROWS = re.compile(r"^(?P<n>\d[\d,]{0,14})\s+author\s+rows?$", re.IGNORECASE)
#: Both figures on one line, as a rendering that sets them side by side writes them
#: (``13 papers · 1 author row``, ``13 papers | 1 author row``, ``13 papers 1 author row``).
_BOTH = re.compile(r"^(?P<n>\d[\d,]{0,14})\s+papers?\s*(?:[·•|,;/–—-]\s*)?"
                   r"(?P<rows>\d[\d,]{0,14})\s+author\s+rows?$", re.IGNORECASE)
_CLUSTER_MARK = re.compile(r"^author\s+name\s+cluster$", re.IGNORECASE)
#: Longer lines are not the mark (a normalised line has single spaces): most skip the regex.
_CLUSTER_LONGEST = 32
#: Characters that are not there to be seen: a byte-order mark, a soft hyphen, a zero-width
#: space and a word joiner (a browser's copy keeps where a page allowed a line break: inside
#: a long word or link, "https://\u200bgithub.com"). Dropped, never a space.
_INVISIBLE = "\ufeff\u00ad\u200b\u2060"
_SPACES = str.maketrans({"\u00a0": " ", "\t": " ", "\u202f": " ",
                         **dict.fromkeys(_INVISIBLE, "")})
_DROP_INVISIBLE = str.maketrans(dict.fromkeys(_INVISIBLE, ""))


def _normalise(text: str) -> str:
    """``text`` with its spaces collapsed and trimmed, invisible characters (byte-order
    marks, soft hyphens, zero-width spaces) dropped."""
    if not text.isascii() and any(map(text.__contains__, _INVISIBLE)):
        text = text.translate(_DROP_INVISIBLE)  # before collapsing: it may join two runs
    # The other characters of _SPACES are spaces clean_inline collapses anyway, so this is
    # clean_inline(text.translate(_SPACES)) (the plain version, in tests/oracles.py) without the
    # translate, which costs a dictionary look-up a character.
    return clean_inline(text)


#: A control's label at the end of the abstract's last line, as an inline link or button
#: puts it there (``... in an end-to-end manner. Read more``); left out after the last
#: sentence or a link.
_TRAILING_CONTROL = re.compile(r"\s*(?:show|read|see|hide)\s+(?:more|less|abstract)$",
                               re.IGNORECASE)
#: A line that labels the authors or the abstract (``Authors``, ``Abstract:``): left out.
_FIELD_LABELS = frozenset(f"{label}{colon}" for label in ("abstract", "authors", "author")
                          for colon in ("", ":"))
#: The abstract's label at the start of its first line (``**Abstract:** We propose``,
#: ``Abstract. We``, ``ABSTRACT — We``): left out. A word ``Abstract`` with no colon, dash,
#: full stop or bold after it is the abstract's own (``Abstract syntax trees are ...``).
_ABSTRACT_LABEL = re.compile(
    r"(?:\*\*abstract\s*[:.—–-]?\s*\*\*\s*[:.—–-]?|abstract\s*[:—–]|abstract\s+-|abstract\.)"
    r"\s*(?=\S)", re.IGNORECASE)
#: The end of a shortened copy of the abstract that a page shows before the full text (or
#: after it), ``... in large l…``; a copy is left out when it is at least
#: :data:`_PREVIEW_SHORTEST` characters long and the full text starts with it.
_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*")
_PREVIEW_SHORTEST = 20
#: Footnote marks at the end of an author's name, as a page's superscripts come out on the
#: line (``Xiandi Luo1``, ``Shiwei Li*``, ``Bo Chen†,2``, ``Cy Dee 3``): digits and the
#: marks of notes, after a letter or a full stop (``Jr.*``). No name ends in them.
_NAME_MARKS = re.compile(r"(?<=[^\W\d_.]|\.)\s?[\d*†‡§¶#⁰¹²³⁴⁵⁶⁷⁸⁹][\d*†‡§¶#⁰¹²³⁴⁵⁶⁷⁸⁹,\s]*$")
_MARK_ENDS = frozenset("0123456789*†‡§¶#⁰¹²³⁴⁵⁶⁷⁸⁹)")
#: A role label after an author's name, as a page's text for screen readers, or a label
#: beside the name, comes out in a copy (``Shiwei Li (author)``): never part of the name.
_ROLE_LABEL = re.compile(
    r"(?:\s*\((?:(?:co-?)?authors?|corresponding(?:\s+author)?|first\s+author|presenter|"
    r"speaker|(?:equal|joint)\s+(?:contribution|first\s+author))\))+$", re.IGNORECASE)
#: The labels of the controls a page shows beside its fields (buttons, links), as a line of
#: their own in text copied from it: between a venue line and its title, or after an
#: abstract, such a line is the page's, not the paper's (compared in lower case).
CONTROL_LABELS = frozenset(
    """save saved cite copy share bookmark export download pdf more less accept
    """.split()
) | {"show more", "show less", "read more", "read less", "see more", "see less",
     "show abstract", "hide abstract", "copy link", "copy bibtex", "load more", "sign in",
     "sign up", "log in", "log out", "skip to content", "skip to main content", "back to top",
     "scroll to top"}
#: The site's name: a short line naming it (``Arrow Research 2025``, ``Arrow Research
#: search``) is the page's header or footer, never a paper's text.
SITE_NAME = "arrow research"
#: A footer line has at most this many words.
_FOOTER_WORDS = 8
_CLAUSE = frozenset(",;:")
_ENDS_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*$")


def _site_line(text: str) -> bool:
    """Whether ``text`` is a short line naming the site (:data:`SITE_NAME`)."""
    return len(text.split()) <= _FOOTER_WORDS and SITE_NAME in text.lower()


def _heading_name(text: str) -> bool:
    """Whether ``text`` can be the page's heading, a person's name: two words or more (a
    menu's one-word entries, ``Home``, are not), not a control's label (``Sign in``), not
    naming the site."""
    return (len(text.split()) >= 2 and name_like(text) and text.lower() not in CONTROL_LABELS
            and not _site_line(text))


#: A path inside a word (``com/ziqiangcui/SRA-CL``): the rest of a link that a hard-wrapped
#: abstract carried onto its last line.
_PATH = re.compile(r"\S/\S")


def _footer_like(text: str) -> bool:
    """Whether ``text`` could be a line of a page's footer: short, no clause punctuation
    (``Keywords: a, b`` is the abstract's), not an item of a list, no link or part of one
    (an abstract's last line may be a link to its code)."""
    return (len(text.split()) <= _FOOTER_WORDS and text[-1] not in ".!?"
            and not _CLAUSE.intersection(text) and "://" not in text and "www." not in text
            and _PATH.search(text) is None and _BULLET.match(text) is None)


_SHOWN_CHANGES = 3
#: Stray header lines whose numbers a problem lists.
_STRAY_SHOWN = 20


def _changes(before: str, after: str) -> str:
    """The first words that changed, ``'JÃ¼rgen' -> 'Jürgen'``, for a message."""
    old, new = before.split(), after.split()
    if len(old) == len(new):
        pairs = [(a, b) for a, b in zip(old, new) if a != b]
    else:
        pairs = [(before.strip(), after.strip())]
    shown = [f"{a[:60]!r} -> {b[:60]!r}" for a, b in pairs[:_SHOWN_CHANGES]]
    more = len(pairs) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class VenueLine:
    """The parts of a venue line, read from the right."""

    venue: str
    kind: str
    year: int
    paper_type: str


#: The characters a venue line can end with: the last of its paper type's words.
_TYPE_END = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz()-")


def _may_be_venue_line(text: str) -> bool:
    """False when :data:`_VENUE_LINE` cannot match ``text``; a cheap test before it.

    The expression reads from the right by backtracking over the whole line, so its cost
    grows with the line: every title and abstract line would pay for it. A venue line ends in a
    letter of its paper type (``$`` also matches before one final newline), and its year is a
    word among the last six, before the one to five words of the type.
    """
    end = text[-2:-1] if text.endswith("\n") else text[-1:]
    if end not in _TYPE_END:
        return False
    words = text.rsplit(maxsplit=6)  # splits on what \s matches, as the expression does
    if any(len(word) == 4 and word[0] in "12" for word in words[-6:-1]):
        return True
    return (not _SEPARATOR_CHARS.isdisjoint(text) and _SEPARATED.search(text) is not None
            and _may_be_venue_line(_SEPARATED.sub(" ", text)))


#: A separator a rendering sets between a venue line's parts (``NeurIPS Conference 2025 ·
#: Conference Paper``): read as the space it stands for, where the line does not read as is.
_SEPARATED = re.compile(r"\s+[·•|–—/]\s+")
_SEPARATOR_CHARS = frozenset("·•|–—/")


def read_venue_line(text: str) -> VenueLine | None:
    """Read ``NeurIPS Conference 2025 Conference Paper``; ``None`` if it is not one."""
    return _match_venue_line(text) if _may_be_venue_line(text) else None


def _match_venue_line(text: str) -> VenueLine | None:
    """:func:`read_venue_line` without the cheap test first: the reference for its tests."""
    match = _VENUE_LINE.match(text)
    separated = False
    if match is None:
        match = _separated(text)
        if match is None:
            return None
        separated = True
    kind, paper_type = match.group("kind"), match.group("type")
    if kind not in VENUE_KINDS and paper_type not in PAPER_TYPES:
        return None
    if separated and (kind not in VENUE_KINDS or paper_type not in PAPER_TYPES):
        return None  # a title such as "The AI Index Report 2024 – Measuring Trends in AI"
    venue = match.group("venue") or ""
    if separated:
        venue = _SEPARATOR_ENDS.sub("", venue)
    return VenueLine(venue, kind, int(match.group("year")), paper_type)


def _separated(text: str) -> re.Match[str] | None:
    """The venue line ``text`` is with separators read as spaces: from the right, one at a
    time, until the line reads (those in the venue's name stay: ``ACM / IEEE Joint
    Conference 2020 | Conference Paper``); None when it does not."""
    if _SEPARATOR_CHARS.isdisjoint(text):
        return None
    line = text
    for cut in reversed(list(_SEPARATED.finditer(text))):
        line = line[:cut.start()] + " " + line[cut.end():]
        found = _VENUE_LINE.match(line)
        if found is not None:
            return found
    return None


#: Separators left at a venue name's ends once its line is read (``NeurIPS ·``).
_SEPARATOR_ENDS = re.compile(r"^(?:[·•|–—/]\s*)+|(?:\s*[·•|–—/])+$")


_TYPES_LOWER = {paper_type.lower(): len(paper_type.split()) for paper_type in PAPER_TYPES}
_KINDS_LOWER = frozenset(kind.lower() for kind in VENUE_KINDS)
#: A venue line has a few words (the longest venue names have a dozen); a longer line is text.
_VENUE_WORDS = 20
_SENTENCE_END = frozenset(".,;:")
#: A title has at most this many words (the site's longest have about thirty).
_TITLE_WORDS = 50
_FORM = "'<venue> <kind> <year> <paper type>', as 'NeurIPS Conference 2025 Conference Paper'"


def unreadable_venue_line(text: str) -> str | None:
    """Why ``text``, which looks like a venue line but is not one, cannot be read; ``None``
    when it does not look like one (or is one).

    It looks like one when it is short and ends, in any case, with a paper type, and the word
    before that type is a venue kind (no year), or is a number (any digits) after a kind:
    ``NeurIPS Conference Conference Paper``, ``neurips conference 2025 conference paper``,
    ``NeurIPS Conference 20255 Conference Paper``, ``NeurIPS Conference ２０２５ ...``.
    """
    words = text.split()
    if not 2 <= len(words) <= _VENUE_WORDS or text[-1] in _SENTENCE_END:
        return None
    size = max((n for n in range(1, 6) if _TYPES_LOWER.get(" ".join(words[-n:]).lower()) == n),
               default=0)
    rest = words[:len(words) - size]
    if not size or not rest or read_venue_line(text) is not None:
        return None
    year = rest[-1] if rest[-1].isdigit() else None
    kind = rest[-2] if year is not None and len(rest) >= 2 else rest[-1]
    if kind.lower() not in _KINDS_LOWER:
        return None
    if year is None:
        return "it has no year"
    if not year.isascii():
        return f"its year {year!r} is not written in ASCII digits"
    if len(year) != 4 or year[0] not in "12":
        return f"its year {year!r} is not a year of four digits"
    return f"it is not written as the site writes one: {_FORM}"


def _title_like(text: str) -> bool:
    """Whether ``text`` could be a title: not too long, not ending a sentence or clause, not
    starting in lower case."""
    return (text[-1] not in _SENTENCE_END and not text[0].islower()
            and len(text.split()) <= _TITLE_WORDS and _BULLET.match(text) is None)


#: The most author lines one paper may have; past them the paper is a ``parse-error`` (the
#: site lists at most a few hundred authors; a million lines would take gigabytes to hold).
MAX_AUTHOR_LINES = 10_000


def _overflow(block: _Block, number: int) -> None:
    """One author line past :data:`MAX_AUTHOR_LINES` on ``block``'s paper: counted, not kept."""
    block.author_lines += 1
    if not block.overflow:
        block.overflow = number


def _split_off(block: _Block, name: str, number: int) -> _Block | None:
    """The paper that starts inside ``block``'s abstract, when an author bullet (``name`` at
    line ``number``) comes after abstract lines; ``None`` when it does not look like one.

    A paper's shape is a venue line, a title, a run of author bullets: a bullet after abstract
    text means the last line before it is a title and the one before that, if short, the
    venue line the reader could not read. Both leave ``block``'s abstract.
    """
    lines, numbers = block.abstract, block.abstract_lines
    if not _title_like(lines[-1]):
        return None  # a list in the abstract ("... as follows:", then items)
    first = len(lines) - 1
    unread: tuple[str, str] | None = None
    if first and len(lines[-2].split()) <= _VENUE_WORDS and lines[-2][-1] not in _SENTENCE_END:
        first -= 1
        unread = (lines[-2], unreadable_venue_line(lines[-2]) or f"it is not {_FORM}")
    new = _Block(numbers[first], None, title=lines[-1], title_line=numbers[-1],
                 authors=[name], unread=unread)
    del lines[first:], numbers[first:]
    return new


def _without_role(name: str) -> str:
    """``name`` without a role label at its end (``Shiwei Li (author)`` -> ``Shiwei Li``)."""
    if name[-1:] == ")" and (role := _ROLE_LABEL.search(name)) is not None:
        return name[:role.start()]
    return name


def _name_line(text: str) -> bool:
    """Whether a line without a bullet reads as one person's name, with or without a role
    label after it (``Shiwei Li (author)``: taken off by :meth:`PageReader._unmarked`)."""
    text = _without_role(text)
    return bool(text) and name_like(text)


def _names_without_bullets(block: _Block) -> None:
    """Move the authors of a block without author bullets out of the lines after its title,
    as text copied from a browser writes them: one line listing them all
    (``Ann Lee, Bo Chen and Cy Dee``), or one name a line. A line that is not a name ends
    them; a block whose lines after the title are not names keeps them all (and has no
    authors, which :meth:`PageReader._finish` reports)."""
    lines, numbers = block.abstract, block.abstract_lines
    names = listed_names(lines[0])
    if names is None and (len(lines) == 1 or not _name_line(lines[1])):
        names = run_together(lines[0]) or space_separated(lines[0])
    if names is not None:
        block.authors, taken = names, 1
    else:
        taken = 0
        while taken < len(lines) and _name_line(lines[taken]):
            taken += 1
        block.authors = lines[:taken]
    if block.authors and taken < len(lines) and lines[taken].lower() in _FIELD_LABELS:
        taken += 1  # the abstract's label after the names
    del lines[:taken], numbers[:taken]


def _first_authors(text: str) -> list[str] | None:
    """The names of ``text`` when it is an author bullet or a line of two or more names (as
    :func:`_names_without_bullets` reads one); ``None`` otherwise."""
    if (bullet := _BULLET.match(text)) is not None:
        return [bullet.group("name")]
    return listed_names(text) or run_together(text) or space_separated(text)


def _joined(lines: list[str]) -> str:
    """An abstract's lines as one text: joined by spaces, but for a line that ends in a
    word's hyphen (``multi-``) before one that starts with a letter (a hard-wrapped
    copy's ``multi-`` / ``relational``: one word); its label (``Abstract:``) left out."""
    first = lines[0]
    if first[:1] in "*Aa" and (label := _ABSTRACT_LABEL.match(first)) is not None:
        first = first[label.end():]
    return first if len(lines) == 1 else _unwrapped(first, lines[1:])


def _unwrapped(text: str, lines: Iterable[str]) -> str:
    """``text`` and the ``lines`` a hard wrap cut it into, joined: by a space, but for a line
    that ends in a word's hyphen before one that starts with a letter (one word), unless
    that is a conjunction (``feature-, interaction-`` / ``and relation-level``)."""
    for line in lines:
        if (text[-1:] == "-" and text[-2:-1].isalpha() and line[:1].isalpha()
                and line.split(None, 1)[0].lower() not in _CONJUNCTIONS):
            text += line
        else:
            text += " " + line
    return text


#: The words after a suspended hyphen (``pre- and post-training``): the hyphen stays apart.
_CONJUNCTIONS = frozenset({"and", "or", "nor", "to", "vs", "vs.", "versus", "&"})
#: Lines a hard-wrapped title may continue on before its author bullets, at most.
_TITLE_WRAPS = 3


def _title_rest(block: _Block) -> list[str] | None:
    """The lines between ``block``'s title and its first author bullet when they are the rest
    of the title, cut by a hard wrap (a page saved or copied at 35 to 100 columns), else
    None. They are when: no author yet; at most :data:`_TITLE_WRAPS` lines (an ``Authors``
    label after them is left out); none ends a sentence; a wrap cut each line (the next
    word would not have fitted within the page's longest line before the title,
    :attr:`_Block.width`: so a badge such as ``Oral`` on an unwrapped page never joins); none
    is a control's or a field's label, the site's name, a paper type or a venue line, whole
    or cut (those are a paper's lines, which :func:`_split_off` finds)."""
    lines = block.abstract
    if lines and lines[-1].lower() in _FIELD_LABELS:
        lines = lines[:-1]  # the authors' label before the bullets: not the title's
    if block.authors or not lines or len(lines) > _TITLE_WRAPS or block.title is None:
        return None
    if block.title[-1] in _WRAP_STOPS or any(line[-1] in _WRAP_STOPS for line in lines[:-1]):
        return None
    if lines[-1][-1] in _SENTENCE_END:
        return None
    if block.width < len(block.title):
        return None  # no line before it as long: no width a wrap could have cut at
    chain = [block.title, *lines]
    for line, after in zip(chain, chain[1:]):
        if len(line) + 1 + len(after.split(None, 1)[0]) < block.width:
            # the next word had room on the line: no wrap cut it there (a badge, a label;
            # fold -s also moves a word that ends at the width: equal is a wrap)
            return None
    words = len(block.title.split()) + sum(len(line.split()) for line in lines)
    if words > _TITLE_WORDS or any(
        line.lower() in CONTROL_LABELS or _site_line(line) or _BULLET.match(line)
        or line.lower() in _FIELD_LABELS or line in PAPER_TYPES
        or _KIND_YEAR_END.search(line) is not None
        or unreadable_venue_line(line) is not None for line in lines):
        return None
    return lines


#: The start of a venue line cut by a hard wrap before its paper type (``NeurIPS
#: Conference 2024``): a paper's line, never a title's rest.
_KIND_YEAR_END = re.compile(
    r"(?:^|\s)(?:" + "|".join(sorted(VENUE_KINDS)) + r")\s[12]\d{3}$")


#: A title line ending in one of these ends a sentence: what follows is not its rest.
_WRAP_STOPS = frozenset(".!?;")


def _quote(text: str | None, limit: int = 80) -> str:
    """``text`` quoted for a message, cut at ``limit`` characters."""
    text = text or ""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _venue_text(venue: VenueLine) -> str:
    return f"{venue.venue} {venue.kind} {venue.year} {venue.paper_type}".strip()


#: What one raw line says: its mojibake repair (``None`` if none), its normalised text, the
#: author's name if it is a bullet, the venue line if it is one.
_Line = tuple[str | None, str, str | None, VenueLine | None]


def _read_line(raw: str, *, repair: bool = True) -> _Line:
    """What ``raw`` says, read on its own (the reader reports a repair; see :data:`_Line`);
    without ``repair``, no mojibake repair (for a line hygiene already changed)."""
    repaired = None if raw.isascii() or not repair else repair_mojibake(raw)
    text = _normalise(raw if repaired is None else repaired)
    if not text:
        return repaired, text, None, None
    if text[0] in _MARKS or text[0].isdigit():
        bullet = _BULLET.match(text) or _LIST_ITEM.match(text)
        if bullet is not None:  # a bullet line is never read as a venue line
            return repaired, text, _bullet_name(bullet), None
    return repaired, text, None, read_venue_line(text)


def line_width(raw: str, *, header: bool = False) -> int:
    """The width the reader measures for the raw line ``raw``, in the page's header
    (``header``: before the first venue line) or after it: its text's length once repaired
    and normalised, its longest cell's for a table row. A part of a page
    (:mod:`arrow2bib.read._parts`) starts from the widest line before it, as the whole page's
    reader would have it there: the hard-wrap rule (:func:`_title_rest`) depends on it. Never
    more than ``len(raw)``."""
    widest = 0
    for cell in (_row_cells(raw) if "\t" in raw else None) or (raw,):
        if not cell:
            continue
        if header:  # PageReader._text, without its reports
            fixed = None if cell.isascii() else repair_mojibake(cell)
            text = fixed or cell
            text = _normalise(text if text.isprintable() else clean_text(text).text)
        elif cell.isprintable():
            text = _read_line(cell)[1]
        else:  # PageReader._safe_repaired, then the line read as _papers reads it
            text = _read_line(cell)[1]
            if clean_text(cell).found:
                fixed = repair_mojibake(cell) if not cell.isascii() else None
                base = fixed or cell
                if clean_text(base).found:
                    safe = base if base.isprintable() else clean_text(base).text
                    if safe is not cell:
                        text = _normalise(safe)
        widest = max(widest, len(text))
    return widest


def _list_item(text: str) -> bool:
    """Whether ``text`` is a :data:`_LIST_ITEM` line (the first character tested first)."""
    return (text[0] in _ITEM_MARKS or text[0].isdigit()) and _LIST_ITEM.match(text) is not None


#: The first characters of :data:`_BULLET` and :data:`_LIST_ITEM` lines but digits.
_MARKS = frozenset("•·‣◦▪●∙○■□▸►⁃-*–") | _ITEM_MARKS


def _bullet_name(bullet: re.Match[str]) -> str | None:
    """The author's name of a bullet line (:data:`_BULLET`, :data:`_LIST_ITEM`), or None
    when it is text: a sentence (``- We propose X.``: an abstract that starts with a list
    was read as authors), or a list item (:data:`_LIST_ITEM`) that is no name."""
    name = bullet.group("name")
    if bullet.re is _LIST_ITEM:
        return name if name_like(name) else None
    core = _without_role(name)  # "Bo Chen (corresponding author)": taken off later
    if not name_like(core):
        words = core.split()
        lower = [w for w in words[1:] if w[0].islower() and w not in _NAME_LOWER
                 and _PREFIXED.match(w) is None]
        if lower and (core[-1] in ".!?:" or len(words) >= 4 and (
                "," in core or not _CLAUSE_WORDS.isdisjoint(w.strip(",.;:") for w in lower))):
            # a sentence, or a bullet's first line of one ("We propose X, a model for"): a
            # name has no lower-case word but its particles ("Juan Carlos de los Reyes",
            # "Tim op de Beeck", "Muhammad ibn Musa al-Khwarizmi", "John Smith, Ph.D.")
            return None
    return name


#: The lower-case words of names: particles, and those :data:`PARTICLES` (for parsing a
#: name) leaves out.
_NAME_LOWER = PARTICLES | frozenset(
    "los las dalla dal dai op het in 't t bint binti bte ap auf vom vander dela".split())
#: A lower-case prefix joined to a name (``al-Khwarizmi``, ``el-Kader``, ``bin-Ali``).
_PREFIXED = re.compile(r"[a-z]{1,4}-\w")
#: Words of a clause, not of a name: with a comma, they tell a cut sentence from a long name.
_CLAUSE_WORDS = frozenset(
    """we our us the a an of for is are was were this that these those with to on by from
    and or it its as be can which has have not into using via than""".split())


def _row_cells(raw: str) -> list[str] | None:
    """The cells of a table row copied from a browser, one line with a tab between cells
    (``<venue line>\t<title>\t<authors>``; or, where a cell holds several lines, such as
    ``<venue line><br><title>``, the row's lines with a tab where a cell ends: ``<title>\t<first
    author>``, ``<last author>\t<abstract>``): each cell is a line of its own. ``None`` for a
    line whose tabs are spaces: between a venue line's words, after a bullet, or leading
    or ending a line. (In an abstract, cells joined as lines read as the tab's space did.)"""
    cells = [cell for cell in raw.split("\t") if cell.strip()]
    if len(cells) < 2:
        return None
    if read_venue_line(_normalise(cells[0])) is not None:
        return cells
    line = _normalise(raw)
    if _BULLET.match(line) is not None or read_venue_line(line) is not None:
        return None
    return cells


def _table_rows(lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """``lines`` with each table row (:func:`_row_cells`) cut into its cells, numbered as
    the row."""
    try:
        for number, raw in lines:
            if "\t" in raw and (cells := _row_cells(raw)) is not None:
                for cell in cells:
                    yield number, cell
            else:
                yield number, raw
    finally:
        close = getattr(lines, "close", None)
        if close is not None:
            close()


def starts_paper(raw: str) -> bool:
    """Whether the reader starts a new paper at this raw line: a venue line, not a bullet, or
    a table row whose first cell is one (where :mod:`arrow2bib.read._parts` cuts a page; a
    row of other cells, ``<title>\t<first author>`` or an abstract's line with a tab in it,
    is inside a paper)."""
    if _read_line(raw)[3] is not None:
        return True
    if "\t" not in raw:
        return False
    cells = _row_cells(raw)
    return cells is not None and read_venue_line(_normalise(cells[0])) is not None


#: Author bullets and venue lines recur on a page (its own author is on almost every paper),
#: titles and abstracts do not: what the first are read as is kept, by raw line, so that
#: their next time is a dictionary look-up. Up to this many, then it starts again (a bounded
#: memory: a few MB at most).
_RECURRING_LINES = 1 << 16
#: Longer lines are not kept (an author's name is shorter).
_RECURRING_LENGTH = 256
_recurring: dict[str, _Line] = {}


def _remember(raw: str, line: _Line) -> None:
    """Keep what ``raw`` was read as, if it is a line of the kind that comes again."""
    if (line[2] is not None or line[3] is not None) and len(raw) <= _RECURRING_LENGTH:
        if len(_recurring) >= _RECURRING_LINES:
            _recurring.clear()
        _recurring[raw] = line


def is_cluster_mark(text: str) -> bool:
    """Whether ``text`` is the page header's "Author name cluster" line."""
    return _CLUSTER_MARK.match(text) is not None


def is_header_line(text: str) -> bool:
    """Whether ``text`` is a part of the page header that says what it is: the "Author name
    cluster" line, or a figure ("13 papers", "1 author row")."""
    return (_CLUSTER_MARK.match(text) is not None or _figure(_PAPERS, text) is not None
            or _figure(_ROWS, text) is not None or _BOTH.match(text) is not None)


def _figure(pattern: re.Pattern[str], text: str) -> int | None:
    """The number of a header figure ("13 papers"), also as a list item ("• 13 papers")."""
    match = pattern.match(text)
    if match is None and (bullet := _BULLET.match(text)) is not None:
        match = pattern.match(bullet.group("name"))
    return None if match is None else int(match.group("n").replace(",", ""))


@functools.lru_cache(maxsize=64)  # one page's own name, asked for by many of its papers
def _own_keys(cluster: str) -> tuple[str, str]:
    """The folded forms of the page's own author name, with and without a nickname."""
    return fold(cluster), name_key(parse_name(cluster))


@dataclass
class _Block:
    """A paper being read."""

    line: int
    #: ``None`` for a block whose first line looks like a venue line but cannot be read.
    venue: VenueLine | None
    title: str | None = None
    title_line: int | None = None
    authors: list[str] = field(default_factory=list)
    abstract: list[str] = field(default_factory=list)
    #: The line number of each line of :attr:`abstract`.
    abstract_lines: list[int] = field(default_factory=list)
    #: The line of the first author bullet that came before any title (0: none did).
    stray_bullets: int = 0
    #: Whether the first author line was a list item (:data:`_LIST_ITEM`): only then may
    #: list items follow as authors (after bullets, ``1) Efficient Training`` is abstract).
    items: bool = False
    #: The longest line of the page before the title's: the width a hard wrap cut the page
    #: at, if it was (:func:`_title_rest`).
    width: int = 0
    #: For an unreadable block: its first line as written, and why it cannot be read.
    unread: tuple[str, str] | None = None
    #: A control's label (:data:`CONTROL_LABELS`) right after the venue line, and its line:
    #: the title, if author lines follow it, else the page's.
    label: tuple[str, int] | None = None
    #: What a block with no venue line comes after, for its problem.
    after: str = "the previous paper's abstract"
    #: The line of the first author line past :data:`MAX_AUTHOR_LINES` (0: none), and how
    #: many author lines the paper has in all (only the first are kept).
    overflow: int = 0
    author_lines: int = 0


class PageReader:
    """Reads a page from a stream of lines: the header at once, the papers as iterated.

    Iterate it for :class:`~arrow2bib.model.Paper` objects; :attr:`problems` fills as the
    stream is read. :meth:`read` collects everything into a :class:`~arrow2bib.model.Page`.
    """

    def __init__(self, lines: Iterable[tuple[int, str]], *, source: str, widest: int = 0):
        self.source = source
        self.cluster: str | None = None
        self.declared_papers: int | None = None
        self.author_rows: int | None = None
        self.problems: list[Problem] = []
        self.papers_read = 0
        self._lines = _table_rows(iter(lines))
        self._pending: tuple[int, str, VenueLine] | None = None
        self._pending_unread: tuple[int, str, str] | None = None
        self._pending_block: _Block | None = None
        self._consumed = False
        # the longest line read so far (the width of a hard wrap); a part of a page
        # (read._parts) starts from the widest line of the page before it
        self._widest = widest
        self._read_header()

    def close(self) -> None:
        """Close the stream of lines (and the file under it) before reading all of it."""
        close = getattr(self._lines, "close", None)
        if close is not None:
            close()

    # -- lines --------------------------------------------------------------------------
    def _text(self, number: int, raw: str) -> str:
        """The line's text, normalised, with mojibake repaired and reported (never kept in
        silence: a name like ``JÃ¼rgen`` would otherwise go into every export)."""
        if not raw.isascii() and (fixed := repair_mojibake(raw)) is not None:
            self._report_mojibake(number, raw, fixed)
            raw = fixed
        return _normalise(self._safe(number, raw))

    def _safe_repaired(self, number: int, raw: str) -> str:
        """:meth:`_safe` after the mojibake repair (whose C1 characters are mojibake, not
        control characters); the line as it is when it needs neither."""
        if not clean_text(raw).found:  # a tab, a no-break space: the usual reading
            return raw
        fixed = repair_mojibake(raw) if not raw.isascii() else None
        if not clean_text(fixed or raw).found:
            return raw  # the usual reading repairs and reports the mojibake
        if fixed is not None:
            self._report_mojibake(number, raw, fixed)
        return self._safe(number, fixed or raw)

    def _safe(self, number: int, raw: str) -> str:
        """The line with the characters no consumer should get handled and reported
        (:mod:`arrow2bib.text.hygiene`)."""
        if raw.isprintable():
            return raw
        cleaned = clean_text(raw)
        if cleaned.found:
            self.problems.append(dataclasses.replace(
                hygiene_problem(cleaned.found), source=self.source, line=number))
        return cleaned.text

    def _report_mojibake(self, number: int, raw: str, fixed: str) -> None:
        self._problem(
            "mojibake",
            Severity.WARNING,
            "This line was UTF-8 text decoded as Windows-1252 or Latin-1 and saved again "
            f"(mojibake); repaired: {_changes(raw, fixed)}. Check it, or save the page "
            "again as UTF-8 (or give the right --encoding).",
            number,
            details={"original": raw, "repaired": fixed},
        )

    # -- header -------------------------------------------------------------------------
    def _read_header(self) -> None:
        expect_cluster = marked = False
        header_seen = False
        stray: list[int] = []  # the first few only: the stream may be endless
        strays = 0
        #: The last line before the first figure ("13 papers") that reads as a person's
        #: name with only sentences (a description) after it, and the line before the
        #: current one that is not a header part (a title, if authors follow it).
        named: str | None = None
        figures = False
        last: tuple[int, str] | None = None
        for number, raw in self._lines:
            text = self._text(number, raw)
            if not text:
                continue
            if len(text) > self._widest:
                self._widest = len(text)
            venue = read_venue_line(text)
            if venue is not None:
                self._pending = (number, text, venue)
                break
            if not expect_cluster and (why := unreadable_venue_line(text)) is not None:
                self._pending_unread = (number, text, why)  # the first paper's, unreadable
                break
            if expect_cluster:
                self.cluster = text
                expect_cluster = False
            elif _CLUSTER_MARK.match(text):
                expect_cluster = header_seen = marked = True
            elif (papers := _figure(_PAPERS, text)) is not None:
                self.declared_papers = papers
                header_seen = figures = True
            elif (rows := _figure(_ROWS, text)) is not None:
                self.author_rows = rows
                header_seen = figures = True
            elif (both := _BOTH.match(text)) is not None:
                self.declared_papers = int(both.group("n").replace(",", ""))
                self.author_rows = int(both.group("rows").replace(",", ""))
                header_seen = figures = True
            elif header_seen and last is not None and _title_like(last[1]) and (
                    names := _first_authors(text)) is not None and all(map(name_like, names)):
                # a title and its authors with no venue line before them: the first paper,
                # which the header must not swallow
                self._pending_block = _Block(last[0], None, title=last[1], title_line=last[0],
                                             authors=names, after="the page header")
                break
            else:
                strays += 1
                if len(stray) < _STRAY_SHOWN:
                    stray.append(number)
                if not figures:
                    named = text if _heading_name(text) else (
                        named if _ENDS_SENTENCE.search(text) else None)
                last = (number, text)
                continue
            last = None
        if not marked and self.cluster is None and figures and named is not None:
            # a page without the "Author name cluster" line (a heading alone says whose it
            # is): the name is the heading before the figures and the page's description
            self.cluster = named
        if (self._pending is None and self._pending_unread is None
                and self._pending_block is None and not header_seen):
            raise NotAPageError(
                "This is not an Arrow author page: it has neither the page header "
                "('Author name cluster', 'N papers') nor any venue line such as "
                "'NeurIPS Conference 2025 Conference Paper'. Check that you saved the author "
                "page itself.",
                source=self.source,
                line=None,
            )
        if stray and not header_seen:
            self._problem(
                "parse-error",
                Severity.WARNING,
                f"{strays} line(s) before the first paper are not part of a page header "
                "and were skipped.",
                stray[0],
                details={"lines": stray},
            )

    # -- papers -------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Paper]:
        if self._consumed:
            raise RuntimeError("a PageReader can be iterated only once")
        self._consumed = True
        yield from self._papers()

    def _papers(self) -> Iterator[Paper]:
        if self._pending_block is not None:
            block = self._pending_block
        elif self._pending_unread is not None:
            number, first_line, reason = self._pending_unread
            block = _Block(number, None, unread=(first_line, reason))
        elif self._pending is not None:
            number, _text, first = self._pending
            block = _Block(number, first)
        else:
            return
        recurring = _recurring
        widest = self._widest
        if block.title is not None and not block.width:
            block.width = widest
        for number, raw in self._lines:
            if not raw:  # a third of a page's lines
                continue
            line = None
            if not raw.isprintable():
                safe = self._safe_repaired(number, raw)
                if safe is not raw:  # hygiene changed it, after any mojibake repair: as is
                    raw, line = safe, _read_line(safe, repair=False)
            if line is None:
                line = recurring.get(raw)
                if line is None:
                    line = _read_line(raw)
                    _remember(raw, line)
            repaired, text, name, venue = line
            if repaired is not None:
                self._report_mojibake(number, raw, repaired)
            if not text:
                continue
            width = len(text)
            if width > widest:
                widest = width
            if venue is not None:
                paper = self._finish(block)
                if paper is not None:
                    yield paper
                block = _Block(number, venue)
                continue
            if name is None and len(text) < _CLUSTER_LONGEST and _CLUSTER_MARK.match(text):
                self._second_page(number, block)
            if block.title is None:
                if name is not None:
                    if block.label is not None:  # the label was the title
                        (block.title, block.title_line), block.label = block.label, None
                    else:
                        block.stray_bullets = block.stray_bullets or number
                    if len(block.authors) < MAX_AUTHOR_LINES:
                        block.authors.append(name)
                    else:
                        _overflow(block, number)
                    continue
                if block.label is None and not block.authors and (
                        text.lower() in CONTROL_LABELS):
                    block.label = (text, number)
                    continue
                if block.venue is not None and not block.authors and len(text) < 32 and (
                        whole := f"{block.venue.paper_type} {text}") in PAPER_TYPES:
                    # the rest of a venue line cut by a hard wrap ("... 2025 Conference" /
                    # "Paper"), not the title
                    block.venue = dataclasses.replace(block.venue, paper_type=whole)
                    continue
                block.title, block.title_line, block.width = text, number, widest
            elif name is not None and (not (item := _list_item(text)) or not block.authors
                                       or block.items):
                # (a list item after other bullets is the abstract's: the branches below)
                if not block.authors:
                    block.items = item  # list items may follow a list item only
                if not block.abstract:
                    if len(block.authors) < MAX_AUTHOR_LINES:
                        block.authors.append(name)
                    else:  # kept out of memory: the paper is an error at this line
                        _overflow(block, number)
                elif (rest := _title_rest(block)) is not None:
                    assert block.title is not None
                    block.title = _unwrapped(block.title, rest)
                    del block.abstract[:], block.abstract_lines[:]
                    block.authors.append(name)
                elif not item and (
                        split := _split_off(block, name, number)) is not None:
                    paper = self._finish(block)
                    if paper is not None:
                        yield paper
                    block = split
                else:
                    block.abstract.append(text)
                    block.abstract_lines.append(number)
            elif not block.abstract and len(text) < 10 and text.lower() in _FIELD_LABELS:
                continue  # "Authors", "Abstract": the page's labels, before the fields
            elif text[-1] in _TYPE_END and (why := unreadable_venue_line(text)) is not None:
                paper = self._finish(block)
                if paper is not None:
                    yield paper
                block = _Block(number, None, unread=(text, why))
            else:
                block.abstract.append(text)
                block.abstract_lines.append(number)
        paper = self._finish(block)
        if paper is not None:
            yield paper

    def _second_page(self, number: int, block: _Block) -> None:
        """Refuse a second page's header after the papers of the first (pages saved one
        after the other into one file, ``cat a.txt b.txt``): read on, its header and first
        lines would go into the last paper's abstract and its papers count as the first
        page's, with the wrong figures."""
        after = (f"the paper {_quote(block.title)}" if block.title is not None
                 else f"the venue line at line {block.line}")
        raise InputError(
            "A second page starts here ('Author name cluster', after "
            f"{after}): two saved pages in one file? Read on, its header would go into the "
            "last paper's abstract and its papers into the first page's count. Save each "
            "page in a file of its own (arrow2bib reads several files, or a folder, at once).",
            source=self.source, line=number)

    def _finish(self, block: _Block) -> Paper | None:
        if block.title is None and block.label is not None:
            block.title, block.title_line = block.label
        if block.abstract:
            self._page_lines(block)
        if block.unread is not None or block.venue is None:
            self._unreadable(block)
            return None
        if block.overflow:
            self._too_many_authors(block)
            return None
        if block.stray_bullets and block.title is not None:
            self._untitled(block)
            return None
        if block.title is None:
            self._problem(
                "parse-error",
                Severity.ERROR,
                f"The paper whose venue line is '{_venue_text(block.venue)}' has no title; it "
                "was skipped.",
                block.line,
                details={"authors": block.authors, "skipped": True},
            )
            return None
        if not block.authors and block.abstract:
            _names_without_bullets(block)
        if not _MARK_ENDS.isdisjoint([name[-1] for name in block.authors]):
            self._unmarked(block)
        authors = tuple(map(parse_name, block.authors))
        raw_abstract = _joined(block.abstract) if block.abstract else None
        if raw_abstract is not None and ("…" in raw_abstract or "..." in raw_abstract):
            raw_abstract = self._without_preview(block, raw_abstract)
        if not authors:
            self._problem(
                "parse-error",
                Severity.ERROR,
                f"The paper {_quote(block.title)} has no authors: no author line "
                "('• Name') follows its title"
                + (f", and the line after the title (line {block.abstract_lines[0]}) was "
                   "kept as the start of its abstract" if block.abstract else "")
                + ". It is exported without authors; add them to the page (one '• Name' "
                "line each, after the title) and run again.",
                block.line,
                details={"title": block.title, "reason": "no-authors"},
            )
        abstract, urls = repair_abstract(raw_abstract) if raw_abstract else (None, ())
        self.papers_read += 1
        return Paper(
            title=block.title,
            authors=authors,
            authors_status=self._status(authors),
            venue=block.venue.venue,
            venue_kind=block.venue.kind,
            year=block.venue.year,
            paper_type=block.venue.paper_type,
            abstract=abstract,
            raw_abstract=raw_abstract,
            urls=urls,
            source=self.source,
            line=block.line,
        )

    def _unmarked(self, block: _Block) -> None:
        """Take footnote marks off the ends of ``block``'s author names (``Xiandi Luo1``,
        ``Shiwei Li*``, ``Bo Chen†,2``: affiliations and equal contribution, superscripts in
        the page that a copy or the HTML reader writes on the line), reported."""
        changed = []
        roles = False
        for index, name in enumerate(block.authors):
            new = _without_role(name)
            roles = roles or new != name
            mark = _NAME_MARKS.search(new)
            if mark is not None:
                new = new[:mark.start()]
            if new != name and new:
                block.authors[index] = new
                changed.append((name, new))
        if not changed:
            return
        shown = ", ".join(f"{old!r} -> {new!r}" for old, new in changed[:_SHOWN_CHANGES])
        what = ("footnote marks or role labels (affiliations, equal contribution, '(author)')"
                if roles else "footnote marks (affiliations, equal contribution)")
        self._problem(
            "page-chrome",
            Severity.INFO,
            f"The author names of {_quote(block.title)} end in {what}, left out: {shown}"
            + (f" and {len(changed) - _SHOWN_CHANGES} more" if len(changed) > _SHOWN_CHANGES
               else "") + ".",
            block.line,
            details={"title": block.title, "names": [old for old, _ in changed]},
        )

    def _without_preview(self, block: _Block, abstract: str) -> str:
        """``abstract`` without a shortened copy of itself before or after it (a page's
        preview, ``Low-rank adaptation ... in large l…``, beside the full text that a
        ``Read more`` shows: both are in the saved HTML), reported."""
        for end in _ELLIPSIS.finditer(abstract):
            start = end.start()
            if start < _PREVIEW_SHORTEST:
                continue
            if end.end() < len(abstract):  # the preview first, then the full text
                if abstract.startswith(abstract[:start], end.end()):
                    preview, abstract = abstract[:end.end()], abstract[end.end():]
                    break
                continue
            # the full text first, then the preview at the end
            at = abstract.find(abstract[:_PREVIEW_SHORTEST], 1, start)
            while at > 0 and not (abstract[at - 1] == " "
                                  and abstract.startswith(abstract[at:start])):
                at = abstract.find(abstract[:_PREVIEW_SHORTEST], at + 1, start)
            if at > 0:
                preview, abstract = abstract[at:], abstract[:at].rstrip()
                break
        else:
            return abstract
        self._problem(
            "page-chrome",
            Severity.INFO,
            f"The abstract of {_quote(block.title)} is on the page twice, in full and "
            f"shortened ({_quote(preview.strip(), 60)}): a preview the page shows beside "
            "the full text. The shortened copy was left out.",
            block.abstract_lines[0],
            details={"title": block.title, "text": preview.strip()},
        )
        return abstract

    def _page_lines(self, block: _Block) -> None:
        """Take the page's own lines off the end of ``block``'s abstract: the labels of
        controls (``Show more``), lines naming the site (``Arrow Research 2025``), and a
        run of short lines that are not sentences after a line that ends one (a footer: the
        one kind the reader is unsure of, so it reports them)."""
        lines, numbers = block.abstract, block.abstract_lines
        while lines and (lines[-1].lower() in CONTROL_LABELS or _site_line(lines[-1])):
            del lines[-1], numbers[-1]
        if lines and lines[-1][-8:].lower().endswith(("more", "less", "abstract")) and (
                label := _TRAILING_CONTROL.search(lines[-1])) is not None:
            before = lines[-1][:label.start()]
            last = before.rsplit(None, 1)[-1] if before.strip() else ""
            # after the last sentence or a link ("... at https: //x. com/y Read more")
            if _ENDS_SENTENCE.search(before) or "/" in last:
                lines[-1] = before
        start = len(lines)
        while start > 1 and _footer_like(lines[start - 1]):
            start -= 1
        if start == len(lines) or not _ENDS_SENTENCE.search(lines[start - 1]):
            return
        footer = list(zip(numbers[start:], lines[start:]))
        del lines[start:], numbers[start:]
        self._problem(
            "page-chrome",
            Severity.INFO,
            f"The line(s) after the abstract of {_quote(block.title)}, "
            + ", ".join(f"{_quote(text, 40)} (line {number})" for number, text in footer)
            + ", are not sentences and read as the page's own (a footer, a control); they "
            "were kept out of the abstract. If they belong to it, join them to its last "
            "sentence and run again.",
            footer[0][0],
            details={"lines": [number for number, _ in footer],
                     "text": [text for _, text in footer], "title": block.title},
        )

    def _unreadable(self, block: _Block) -> None:
        """Report a block whose venue line cannot be read, or that has none."""
        what = (f"the paper after it, {_quote(block.title)} (with {len(block.authors)} "
                "author(s)),") if block.title is not None else "the lines after it"
        if block.unread is None:
            message = (
                f"The title {_quote(block.title)}, followed by author lines, comes after "
                f"{block.after} with no venue line before it; the paper was skipped and kept "
                "out of what comes before it. Add its venue line (the form "
                f"{_FORM}) and run again.")
            details = self._skipped(block, venue_line=None, reason="no venue line")
        else:
            text, why = block.unread
            message = (
                f"This line, {_quote(text)}, starts a paper but cannot be read as its venue "
                f"line ({why}); {what} was skipped and kept out of the papers around it. "
                "Correct the line and run again.")
            details = self._skipped(block, venue_line=text, reason=why)
        self._problem("parse-error", Severity.ERROR, message, block.line, details=details)

    def _too_many_authors(self, block: _Block) -> None:
        """Report a paper with more author lines than :data:`MAX_AUTHOR_LINES`, at the first
        line past the limit: skipped, not exported with a list cut short."""
        lines = len(block.authors) + block.author_lines
        self._problem(
            "parse-error",
            Severity.ERROR,
            f"The paper {_quote(block.title) if block.title else 'here'} has {lines:,} author "
            f"lines, more than the {MAX_AUTHOR_LINES:,} a paper may have; this is the first "
            "line past them. The paper was skipped rather than exported with its author list "
            "cut; check that the page's lines are what the site shows (a page joined wrongly, "
            "a list repeated).",
            block.overflow,
            details={"skipped": True, "reason": "too-many-authors", "title": block.title,
                     "paper_line": block.line, "author_lines": lines,
                     "authors": block.authors[:MAX_AUTHORS_SHOWN],
                     "abstract": " ".join(block.abstract) or None},
        )

    def _untitled(self, block: _Block) -> None:
        """Report a block whose author lines come before any title."""
        assert block.venue is not None and block.title is not None
        self._problem(
            "parse-error",
            Severity.ERROR,
            f"The paper whose venue line is {_quote(_venue_text(block.venue))} has author "
            f"lines (from line {block.stray_bullets}) but no title before them; the line "
            f"after them ({block.title_line}: {_quote(block.title)}) may be its title or its "
            "abstract, which the reader cannot tell. The paper was skipped; put its title "
            "between the venue line and the authors and run again.",
            block.line,
            details=self._skipped(block, reason="authors-before-title"),
        )

    @staticmethod
    def _skipped(block: _Block, **details) -> dict:
        """What a skipped block held, for its problem (nothing of it is lost)."""
        return {
            **details,
            "skipped": True,
            "title": block.title,
            "authors": block.authors,
            "abstract": " ".join(block.abstract) or None,
        }

    def _status(self, authors: tuple) -> AuthorStatus:
        if len(authors) != MAX_AUTHORS_SHOWN:
            return AuthorStatus.COMPLETE
        if self.cluster:
            own, own_bare = _own_keys(self.cluster)
            if not any(fold(a.literal) == own or name_key(a) in (own, own_bare) for a in authors):
                return AuthorStatus.TRUNCATED
        return AuthorStatus.MAY_BE_TRUNCATED

    def _problem(self, code, severity, message, line, *, details=None) -> None:
        self.problems.append(
            Problem(
                code=code,
                severity=severity,
                message=message,
                source=self.source,
                line=line,
                details=details or {},
            )
        )

    def read(self) -> Page:
        """Read all papers and return the whole :class:`~arrow2bib.model.Page`."""
        papers = tuple(self)
        return Page(
            source=self.source,
            cluster=self.cluster,
            declared_papers=self.declared_papers,
            author_rows=self.author_rows,
            papers=papers,
            problems=tuple(self.problems),
        )


def parse_lines(lines: Iterable[tuple[int, str]], *, source: str = "<string>") -> Page:
    """Parse numbered lines into a :class:`~arrow2bib.model.Page`."""
    return PageReader(lines, source=source).read()
