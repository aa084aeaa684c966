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
"""

from __future__ import annotations

import functools
import re

from ..model import Person
from ..text.fold import fold

__all__ = ["parse_name", "fold", "name_key", "name_like"]

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
NOT_IN_NAMES = re.compile(r"[\d:;,!?@#/=<>\[\]{}|]")
#: The words of a name at most.
NAME_WORDS = 6


def name_like(text: str) -> bool:
    """Whether ``text`` reads as one person's name: one to six words, each starting with a
    capital (or a letter without case) or a particle, no digits, no clause punctuation, not
    ending in a full stop unless it ends in an initial or a suffix (``Jr.``)."""
    words = text.split()
    if not 1 <= len(words) <= NAME_WORDS or NOT_IN_NAMES.search(text):
        return False
    last = words[-1]
    if text.endswith(".") and not (len(last) == 2 and last[0].isupper()) and (
            last.rstrip(".").lower() not in SUFFIXES):
        return False
    for word in words:
        core = word.strip("()\"'“”‘’")
        if not core or not core[0].isalpha():
            return False
        if core[0].islower() and core not in PARTICLES:
            return False
    return True
