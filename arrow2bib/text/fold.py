"""The one ASCII fold and the normal forms built on it, for every stage that compares text.

- :func:`fold`: case- and accent-insensitive text, spaces collapsed (``Łukasz  Müller`` ->
  ``lukasz muller``), for comparing names (:func:`digest_fold` is its frozen 0.1 form, without
  the special letters, for the content digest that orders colliding citation keys);
- :func:`fold_ascii`: only the ASCII letters and digits of the same fold, case kept
  (``Łukasz`` -> ``Lukasz``), for citation keys and venue look-ups;
- :func:`title_tokens`, :func:`normalise_title`, :func:`normalise_name`: the words of a title
  or a name with LaTeX and markup decoded, for finding duplicates.

Letters that do not decompose (``ł``, ``ø``, ``æ``, ``ß``...) fold to their customary base
letters in all of them (:data:`SPECIAL_LETTERS`).

A title typed on the site, the same title in a user's hand-edited ``.bib`` file
(``{D}eep{FM}: {\\"U}ber ...``) and the same title with Markdown bold or different
punctuation all normalise to one string: LaTeX accents decoded, braces, commands, Markdown
and punctuation dropped, diacritics stripped, case folded, spaces collapsed.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["SPECIAL_LETTERS", "collapse", "decode_latex", "digest_fold", "fold", "fold_ascii",
           "normalise_name", "normalise_title", "title_tokens"]

#: LaTeX accent commands and the combining marks they stand for.
_ACCENTS = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304", "u": "\u0306",
    ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b", "v": "\u030c", "d": "\u0323",
    "c": "\u0327", "k": "\u0328", "b": "\u0331",
}
#: Letter commands with no accent.
_LETTERS = {
    "ss": "ß", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "ae": "æ", "AE": "Æ", "oe": "œ",
    "OE": "Œ", "aa": "å", "AA": "Å", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ",
    "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
}
_ACCENT = re.compile(
    r"""\\(?P<cmd>[`'^~="."]|[uvHrdckb](?=[\s{]))\s*(?:\{\s*(?P<braced>\\?[A-Za-z]?)\s*\}|(?P<bare>\\?[A-Za-z]))"""
)
_LETTER = re.compile(r"\\(?P<cmd>ss|ae|AE|oe|OE|aa|AA|dh|DH|th|TH|ng|NG|[oOlLij])(?![A-Za-z])\s?")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?|\\.")
_NON_WORD = re.compile(r"[\W_]+")
#: For ASCII text, what _NON_WORD splits at (every character but letters and digits) made a
#: space: str.translate and str.split give the same words as the regex, at a third of its cost.
_ASCII_NON_WORD = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})


def _accent(match: re.Match[str]) -> str:
    base = match.group("braced") if match.group("braced") is not None else match.group("bare")
    base = {"\\i": "i", "\\j": "j"}.get(base, base or "")
    return unicodedata.normalize("NFC", base + _ACCENTS[match.group("cmd")]) if base else ""


def decode_latex(text: str) -> str:
    """Decode the LaTeX accent and letter commands BibTeX files use into Unicode; drop other
    commands and braces (``\\textbf{X}`` -> ``X``)."""
    if "\\" in text:
        text = _ACCENT.sub(_accent, text)
        text = _LETTER.sub(lambda m: _LETTERS[m.group("cmd")], text)
        text = _COMMAND.sub(" ", text)
    return text.replace("{", "").replace("}", "")


#: Letters that do not decompose under NFKD but have a customary base letter.
SPECIAL_LETTERS = {
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d",
    "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ł": "l", "Ł": "L", "ı": "i",
    "ȷ": "j", "ŋ": "ng", "Ŋ": "NG", "ħ": "h", "Ħ": "H", "ĸ": "k", "ſ": "s",
}
#: Characters a comparison does not see: they change no letter (a soft hyphen, zero-width
#: spaces and joiners, a word joiner, a byte-order mark) or only the order a reader sees
#: (bidirectional marks and controls, which a copy may leave around a name).
IGNORED = ("\u00ad\u200b\u200c\u200d\u2060\ufeff"
           "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPECIAL = str.maketrans({**SPECIAL_LETTERS, **dict.fromkeys(IGNORED)})


_SPACE = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")


def _strip_marks(text: str) -> str:
    """``text`` decomposed, without combining marks."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def collapse(text: str) -> str:
    """``text`` with each run of white space one space, and none at either end. Most text
    has single spaces only: a text with no character that is not printable (the only white
    space :meth:`str.isprintable` allows is the space) and no two spaces in a row is
    returned stripped, without the regex (which cost a title's digest some thousands of
    instructions)."""
    if text.isprintable() and "  " not in text:
        return text.strip(" ")
    return _SPACE.sub(" ", text).strip()


@functools.lru_cache(maxsize=1 << 14)  # names and title words repeat from paper to paper
def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text``, spaces collapsed, for comparisons."""
    if text.isascii():  # nothing to decompose; casefold is lower for ASCII
        return collapse(text.lower())
    return collapse(_strip_marks(text.translate(_SPECIAL)).casefold())


@functools.lru_cache(maxsize=1 << 14)
def digest_fold(text: str) -> str:
    """:func:`fold` without :data:`SPECIAL_LETTERS` (``ł`` stays ``ł``): the form the content
    digest that orders colliding citation keys was defined on. It is frozen, since changing
    it would move users' keys (``he2020a`` becoming ``he2020b``) between versions."""
    if text.isascii():
        return collapse(text.lower())
    return collapse(_strip_marks(text).casefold())


def fold_ascii(text: str) -> str:
    """Fold ``text`` to ASCII letters and digits: ``Müller`` -> ``Muller``, ``Łukasz`` ->
    ``Lukasz``. Characters with no ASCII form are dropped. The same input always gives the
    same output (never ``ue`` here and ``u`` there)."""
    if text.isascii():
        return _NOT_ALNUM.sub("", text)
    return _fold_ascii(text)


@functools.lru_cache(maxsize=16384)  # names and title words repeat across papers
def _fold_ascii(text: str) -> str:
    return _NOT_ALNUM.sub("", _strip_marks(text.translate(_SPECIAL)))


def title_tokens(text: str) -> list[str]:
    """The words of a title in normal form."""
    text = decode_latex(text).replace("**", " ").replace("$", " ")
    if text.isascii():
        return text.lower().translate(_ASCII_NON_WORD).split()
    # word by word (cached): folding maps each character on its own, with its marks, so
    # folding the words apart and joining them gives the same text
    folded = " ".join([fold(word) for word in text.split(" ")])
    return [t for t in _NON_WORD.split(folded) if t]


def normalise_title(text: str) -> str:
    """A title's normal form: ``"DeepFM: A ... for {CTR}"`` -> ``"deepfm a ... for ctr"``."""
    return " ".join(title_tokens(text))


@functools.lru_cache(maxsize=16384)  # the same co-authors come back paper after paper
def normalise_name(text: str) -> str:
    """A name's normal form (family names are compared this way)."""
    return " ".join(title_tokens(text))
