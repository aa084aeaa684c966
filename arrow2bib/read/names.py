"""Split a displayed author name into given, family, particle, suffix and nickname.

The site writes names in Western order (``Shao-Lun Huang``). The rules, as BibTeX and CSL
processors expect them:

- a nickname in parentheses or quotes is set apart: ``Xue (Steve) Liu`` -> given ``Xue``,
  nickname ``Steve``, family ``Liu``;
- a generational suffix at the end is set apart: ``Martin Luther King, Jr.`` / ``... King Jr.``;
- lower-case particles before the last word belong to the family name as a particle:
  ``Maarten de Rijke`` -> particle ``de``, family ``Rijke``;
- a name already in ``Family, Given`` form is read as such;
- a name containing the word ``and``, or with no letters to split, is kept whole (literal).

It also tells whether a line reads as one name (:func:`name_like`) and splits a line holding
several, as copied text writes them: listed with commas, semicolons or "and"
(:func:`listed_names`), run together (:func:`run_together`), or separated by spaces only
(:func:`space_separated`).
"""

from __future__ import annotations

import functools
import re

from ..model import Person
from ..text.fold import fold

__all__ = ["parse_name", "fold", "name_key", "name_like", "listed_names", "run_together",
           "space_separated"]

#: Lower-case words that start a family name (von/de/van der ...), as BibTeX's "von" part.
PARTICLES = frozenset(
    """
    de da das dos do du des del della delle dei degli di la le van von der den ter ten
    zu zum zur af av y e bin ibn al el st lo
    """.split()
)

#: Generational and similar suffixes, compared without the final dot and case-insensitively.
SUFFIXES = frozenset(["jr", "sr", "ii", "iii", "iv", "v", "2nd", "3rd"])

_NICKNAME = re.compile(r"""\s*(?:\(([^()]*)\)|"([^"]*)"|“([^”]*)”|'([^']+)')\s*""")
_SPACE = re.compile(r"\s+")
_AND = re.compile(r"\band\b", re.IGNORECASE)


def name_key(person: Person) -> str:
    """A folded form of a person's name without the nickname, for comparisons."""
    return fold(person.display)


def _is_suffix(word: str) -> bool:
    return word.rstrip(".").lower() in SUFFIXES


@functools.lru_cache(maxsize=1 << 16)
def parse_name(displayed: str) -> Person:
    """Split one displayed author name into a :class:`~arrow2bib.model.Person`.

    Cached: the same names recur on a page, and :class:`Person` is immutable."""
    literal = _SPACE.sub(" ", displayed).strip()
    if not literal or _AND.search(literal) or not any(c.isalpha() for c in literal):
        return Person(literal=literal)

    nickname = None
    match = _NICKNAME.search(literal)
    rest = literal
    if match:
        nickname = next(g for g in match.groups() if g is not None).strip() or None
        rest = (literal[: match.start()] + " " + literal[match.end() :]).strip()
        rest = _SPACE.sub(" ", rest)

    suffix = None
    pieces = [p.strip() for p in rest.split(",")]
    if len(pieces) >= 2 and pieces[-1] and _is_suffix(pieces[-1]):
        suffix = pieces.pop()
    elif len(pieces) == 3 and _is_suffix(pieces[1]):
        # BibTeX's "Family, Jr., Given"
        suffix = pieces.pop(1)
    if len(pieces) == 2 and all(pieces):
        # "Family, Given" (or "particle Family, Given")
        family_part, given = pieces
        words = family_part.split()
        particle_words = []
        while len(words) > 1 and words[0] in PARTICLES:
            particle_words.append(words.pop(0))
        return Person(
            literal=literal,
            given=given,
            family=" ".join(words),
            particle=" ".join(particle_words) or None,
            suffix=suffix,
            nickname=nickname,
        )
    if len(pieces) > 2:
        return Person(literal=literal)
    words = " ".join(pieces).split()
    if suffix is None and len(words) > 2 and _is_suffix(words[-1]):
        suffix = words.pop()
    if not words:
        return Person(literal=literal)
    if len(words) == 1:
        return Person(literal=literal, family=words[0], suffix=suffix, nickname=nickname)

    family = words[-1]
    before = words[:-1]
    # Particles: the run of lower-case particle words right before the family name,
    # provided at least one given name stays in front of them.
    start = len(before)
    while start > 1 and before[start - 1] in PARTICLES:
        start -= 1
    particle = " ".join(before[start:]) or None
    return Person(
        literal=literal,
        given=" ".join(before[:start]) or None,
        family=family,
        particle=particle,
        suffix=suffix,
        nickname=nickname,
    )


#: Characters no name has.
_NOT_IN_NAMES = re.compile(r"[\d:;,!?@#/=<>\[\]{}|]")
#: The words of a name at most.
_NAME_WORDS = 6
#: A suffix after a comma, the one comma a name may have (``Martin Luther King, Jr.``).
_COMMA_SUFFIX = re.compile(r",\s*(?:" + "|".join(sorted(SUFFIXES)) + r")\.?$", re.IGNORECASE)
#: An elided particle before a capital (``d'Arcy``, ``l'Hôpital``, ``dell'Acqua``).
_ELIDED = re.compile(r"[^\W\d_]{1,4}['’][^\W\d_]")
#: The labels a page may put before its authors or its abstract: never a name.
FIELD_LABELS = frozenset(
    "abstract authors author keywords summary tldr tl;dr code paper title venue".split())


def name_like(text: str) -> bool:
    """Whether ``text`` reads as one person's name: one to six words, each starting with a
    capital (or a letter without case), a particle or an elided one (``d'Arcy``), no digits,
    no clause punctuation but a comma before a suffix (``King, Jr.``), not ending in a full
    stop unless it ends in an initial or a suffix, not a field's label (``Abstract``)."""
    if "," in text:
        text = _COMMA_SUFFIX.sub(lambda m: " " + m.group().lstrip(", \t"), text)
    words = text.split()
    if not 1 <= len(words) <= _NAME_WORDS or _NOT_IN_NAMES.search(text):
        return False
    if text.lower() in FIELD_LABELS:
        return False
    last = words[-1]
    if text.endswith(".") and not (len(last) == 2 and last[0].isupper()) and (
            last.rstrip(".").lower() not in SUFFIXES):
        return False
    for word in words:
        core = word.strip("()\"'“”‘’")
        if not core or not core[0].isalpha():
            return False
        if core[0].islower() and core not in PARTICLES and not _elided(core):
            return False
    return True


def _elided(word: str) -> bool:
    """Whether ``word`` starts with an elided particle before a capital (``d'Arcy``)."""
    found = _ELIDED.match(word)
    return found is not None and word[found.end() - 1].isupper()


# -- several names on one line ---------------------------------------------------------------
_NAME_SEPARATORS = re.compile(r"\s*[;,]\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+|\s+[·•|]\s+")
#: A separator the page put after the last name too (``Ann Lee · Bo Chen ·``).
_LAST_SEPARATOR = re.compile(r"\s*[;,·•|]\s*$")


def listed_names(text: str) -> list[str] | None:
    """The names of a line that lists two or more, separated by commas, semicolons, "and",
    or a middle dot, bullet or bar between spaces (``Ann Lee, Bo Chen and Cy Dee``,
    ``Ann Lee · Bo Chen ·``); ``None`` when it is not such a line."""
    parts = _NAME_SEPARATORS.split(_LAST_SEPARATOR.sub("", text))
    if len(parts) < 2 or not all(name_like(part) for part in parts):
        return None
    return parts


def run_together(text: str) -> list[str] | None:
    """The names of a line where a browser laid them out with no separator between them
    (``Shiwei LiXiandi LuoXiuqiang He``): the line is cut where a lower-case letter meets a
    capital; a piece of one word was a capital inside a name (``Yann LeCun``, ``McDonald``)
    and joins the piece before it. ``None`` unless that gives two or more names of two words
    or more each."""
    cuts = [i for i in range(1, len(text)) if text[i].isupper() and text[i - 1].islower()]
    if not cuts:
        return None
    names: list[str] = []
    for start, end in zip([0, *cuts], [*cuts, len(text)]):
        piece = text[start:end]
        if names and len(piece.split()) < 2:
            names[-1] += piece
        else:
            names.append(piece)
    names = [name.strip() for name in names]
    if len(names) < 2 or not all(len(n.split()) >= 2 and name_like(n) for n in names):
        return None
    return names


def _name_words(text: str) -> list[str] | None:
    """The words of ``text`` with a particle joined to the word after it (``de Rijke``) and a
    nickname in parentheses to the word before it (``Xue (Steve)``); ``None`` when a word is
    not one a name has."""
    units: list[str] = []
    particle = ""
    for word in text.split():
        if word.startswith("(") and word.endswith(")") and units and not particle:
            units[-1] += " " + word
        elif word in PARTICLES:
            particle += word + " "
        elif name_like(word) and word[0].isupper():
            units.append(particle + word)
            particle = ""
        else:
            return None
    return None if particle else units


def space_separated(text: str) -> list[str] | None:
    """The names of a line too long to be one name whose words are all name words, which a
    browser wrote from chips separated by spaces (``Shiwei Li Xiandi Luo Xiuqiang He``): two
    words a name, a particle counted with the word after it and a nickname with the word
    before it. ``None`` unless the line has more words than one name has and an even count."""
    if len(text.split()) <= _NAME_WORDS or _NOT_IN_NAMES.search(text):
        return None
    units = _name_words(text)
    if units is None or len(units) % 2:
        return None
    return [f"{units[i]} {units[i + 1]}" for i in range(0, len(units), 2)]
