"""LaTeX text for the BibTeX and biblatex exporters: escaping, case protection, names.

One function escapes text, :func:`escape`; everything else builds on it. Conventions, chosen
for what BibTeX, biber and pdflatex really do:

- The ten specials ``\\ { } $ & % # _ ~ ^`` and ``< > |`` (which OT1 fonts set as other
  glyphs) become commands. Braces become ``{\\textbraceleft}``, never ``\\{``: BibTeX counts
  ``\\{`` as a brace, so an unbalanced one would break the entry.
- ASCII mode writes every other character as LaTeX, brace *before* the backslash (``{\\"u}``)
  so that BibTeX sorts, labels and case-changes it as the letter. A character with no LaTeX
  form becomes its compatibility form (``ﬁ`` -> ``fi``) or ``?``; each such change is returned
  in :attr:`Latex.changed` for the exporter to report. UTF-8 mode keeps characters as they are.
- Control characters are dropped (and reported); runs of whitespace become one space.
- Adjacent characters that TeX would join (``--``, ``''``, `````` ``...) get ``{}`` between
  them, so the text comes back as written.
- ``$...$`` spans (from :mod:`arrow2bib.text.markup`) pass through when they are plain LaTeX math:
  balanced braces, no ``% # &``, only kernel math commands (:data:`MATH_COMMANDS`), each
  with its arguments, no double scripts (:mod:`arrow2bib.text.texmath`). Anything else is
  text. ``**bold**`` becomes ``\\textbf{...}``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Iterable, NamedTuple, Sequence

from ..model import Person
from .markup import spans
from .propernouns import PROPER_NOUNS, is_proper_noun
from .texmath import GREEK, MATH_COMMANDS, math_error

__all__ = ["Latex", "brace", "escape", "format_names", "format_person", "needs_protection",
           "render", "sketch_text", "tidy", "url_list", "verbatim_url"]

#: ASCII characters that are not themselves in LaTeX text.
SPECIALS = {
    "\\": r"{\textbackslash}", "{": r"{\textbraceleft}", "}": r"{\textbraceright}",
    "$": r"\$", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
    "~": r"{\textasciitilde}", "^": r"{\textasciicircum}",
    "<": r"{\textless}", ">": r"{\textgreater}", "|": r"{\textbar}",
}

#: Combining marks -> accent commands. Letter-named ones need a space before their letter.
ACCENTS = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
    "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d",
    "\u0327": "c", "\u0328": "k", "\u0331": "b",
}

#: Letters with their own command (the lower-case i and j lose their dot under accents).
LETTERS = {
    "ß": r"\ss", "æ": r"\ae", "Æ": r"\AE", "œ": r"\oe", "Œ": r"\OE", "ø": r"\o", "Ø": r"\O",
    "ł": r"\l", "Ł": r"\L", "ı": r"\i", "ȷ": r"\j", "đ": r"\dj", "Đ": r"\DJ", "ð": r"\dh",
    "Ð": r"\DH", "þ": r"\th", "Þ": r"\TH", "ŋ": r"\ng", "Ŋ": r"\NG",
}

#: Other characters with a LaTeX form that pdflatex sets (OT1, except where T1 is noted in
#: the README). Quotes and dashes use TeX's own ligatures, which typeset the same glyphs.
SYMBOLS = {
    "\u00a0": "~", "\u00ad": r"{\-}", "\u200c": r"{\textcompwordmark}",
    "–": "--", "—": "---", "“": "``", "”": "''", "‘": "`", "’": "'",
    "…": r"{\textellipsis}", "«": r"{\guillemotleft}", "»": r"{\guillemotright}",
    "‹": r"{\guilsinglleft}", "›": r"{\guilsinglright}", "„": r"{\quotedblbase}",
    "‚": r"{\quotesinglbase}", "¡": r"{\textexclamdown}", "¿": r"{\textquestiondown}",
    "§": r"{\textsection}", "¶": r"{\textparagraph}", "©": r"{\textcopyright}",
    "®": r"{\textregistered}", "™": r"{\texttrademark}", "°": r"{\textdegree}",
    "±": r"{\textpm}", "×": r"{\texttimes}", "÷": r"{\textdiv}", "µ": r"{\textmu}",
    "·": r"{\textperiodcentered}", "£": r"{\textsterling}", "€": r"{\texteuro}",
    "¥": r"{\textyen}", "¢": r"{\textcent}", "¤": r"{\textcurrency}", "¦": r"{\textbrokenbar}",
    "¬": r"{\textlnot}", "ª": r"{\textordfeminine}", "º": r"{\textordmasculine}",
    "¹": r"{\textonesuperior}", "²": r"{\texttwosuperior}", "³": r"{\textthreesuperior}",
    "¼": r"{\textonequarter}", "½": r"{\textonehalf}", "¾": r"{\textthreequarters}",
    "†": r"{\textdagger}", "‡": r"{\textdaggerdbl}", "•": r"{\textbullet}",
    "‰": r"{\textperthousand}", "←": r"{\textleftarrow}", "→": r"{\textrightarrow}",
    "≤": r"{$\leq$}", "≥": r"{$\geq$}", "≠": r"{$\neq$}", "≈": r"{$\approx$}",
    "∞": r"{$\infty$}", "−": r"{$-$}", "∈": r"{$\in$}", "∑": r"{$\sum$}",
}
SYMBOLS.update({char: f"{{$\\{name}$}}" for char, name in GREEK.items()})


#: A sub/superscript or an argument-taking command with nothing after it: a TeX error.
_MATH_MISSING_ARGUMENT = re.compile(
    r"(?:[\^_]|\\(?:frac|sqrt|math[a-z]+|text[a-z]+|mbox|hat|tilde|bar|vec|dot|ddot|widehat"
    r"|widetilde|overline|underline)(?![a-zA-Z]))\s*(?:$|[}^_])"
)

#: Pairs of characters TeX joins into one glyph (`--` is an en dash, ``` `` ``` a quote).
LIGATURES = frozenset(["--", "''", "``", "!`", "?`", ",,", "<<", ">>"])

_SPACE = re.compile(r"[ \t\n\r\f\v\x85\u1680\u2000-\u200a\u2028\u2029\u205f\u3000]+")
_LETTER_ACCENT = re.compile(r"[a-zA-Z]")
#: Where a combining mark could stand with no letter: at the start or after a space. Any
#: non-ASCII character there sends the text to the careful path.
#: (The look-behind comes after the character so that the engine can jump from one
#: non-ASCII character to the next.)
_MARK_AFTER_SPACE = re.compile(r"[^\x00-\x7f](?<![^ ][^\x00-\x7f])")
#: ASCII text -> LaTeX in one pass, for the common case (same result as the unit loop).
_ASCII_TABLE = str.maketrans(SPECIALS)
#: Anything in ASCII text that :func:`_ascii_latex` changes: a special or a ligature pair.
_ASCII_WORK = re.compile("[" + re.escape("".join(SPECIALS)) + "`]|--|''|,,")
#: Between two characters TeX would join (see :data:`LIGATURES`), in ASCII text.
_ASCII_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=')(?=')|(?<=[`!?])(?=`)|(?<=,)(?=,)")


class Latex(NamedTuple):
    """LaTeX text and the characters it could not keep, as ``(original, written)`` pairs."""

    text: str
    changed: tuple[tuple[str, str], ...] = ()


#: ``_new(Latex, (text, changed))`` is ``Latex(text, changed)`` made directly: a named
#: tuple's constructor is a Python function (``__new__``) calling this, and a paper has some
#: ten of them made, so the call through it was half of their cost.
_new = tuple.__new__


def _clean(text: str, changed: list[tuple[str, str]], ascii: bool = False) -> str:
    """Drop control characters and lone surrogates, and in ASCII mode invisible format
    characters and combining marks with no letter to sit on (recording each); then make
    whitespace runs one space. ASCII mode also composes the text (NFC)."""
    if text.isprintable():  # no control, format or surrogate characters; only " " spaces
        if "  " in text or text[:1] == " " or text[-1:] == " ":
            text = _SPACE.sub(" ", text).strip(" ")
        if not ascii or text.isascii():
            return text
        if unicodedata.is_normalized("NFC", text) and not any(
                unicodedata.combining(m.group()) for m in _MARK_AFTER_SPACE.finditer(text)):
            return text
    return _clean_careful(text, changed, ascii)


def _clean_careful(text: str, changed: list[tuple[str, str]], ascii: bool) -> str:
    """:func:`_clean` character by character (its fast path must give the same)."""
    out = []
    for char in text:
        category = unicodedata.category(char)
        if (category in ("Cc", "Cs") and not _SPACE.match(char)) or (
            ascii and category == "Cf" and char not in SYMBOLS
        ):
            changed.append((char, ""))
        else:
            out.append(char)
    text = _SPACE.sub(" ", "".join(out)).strip(" ")
    if not ascii:
        return text
    out = []
    for char in unicodedata.normalize("NFC", text):
        if unicodedata.combining(char) and (not out or out[-1] == " "):
            changed.append((char, ""))
        else:
            out.append(char)
    return _SPACE.sub(" ", "".join(out)).strip(" ")


def tidy(text: str) -> Latex:
    """``text`` with control characters dropped and whitespace runs made one space, as
    every field is first; the dropped characters are in ``changed``."""
    changed: list[tuple[str, str]] = []
    return _new(Latex, (_clean(text, changed), tuple(changed)))


def sketch_text(text: str, *, ascii: bool = False, protect: bool = False) -> Latex:
    """What :func:`render` and :func:`escape` would give in UTF-8 mode, as far as telling an
    empty field from a non-empty one goes, at the cost of :func:`tidy` (their conversion never
    empties a non-empty cleaned text). The other arguments are accepted and ignored."""
    return tidy(text)


#: Accents LaTeX itself puts on an ``i`` through the dotless one (``\\'i`` is ``\\'\\i`` in
#: OT1, the glyph í in T1: composites of ot1enc.def and t1enc.def). Written on the dotted
#: ``i``, since biber reads ``{\\'\\i}`` as a dotless i and a combining acute (ı́), which
#: pdflatex cannot set ("Unicode character U+0301 not set up"), and ``{\\'i}`` as í.
_I_COMPOSITES = frozenset("`'^\"")


def _accented(base: str, marks: str) -> str:
    r"""``{\'{\^e}}`` for a base letter and the marks (all in :data:`ACCENTS`) on it."""
    if base in "ij" and any(ACCENTS[m] not in ("c", "k", "d", "b") for m in marks) and not (
            base == "i" and ACCENTS[marks[0]] in _I_COMPOSITES):
        base = "\\" + base  # dotless i/j under an accent above, where LaTeX does not do it
    inner = LETTERS.get(base, base)
    for mark in marks:
        cmd = ACCENTS[mark]
        if len(inner) == 1:
            inner = f"\\{cmd} {inner}" if _LETTER_ACCENT.match(cmd) else f"\\{cmd}{inner}"
        elif re.fullmatch(r"\\[a-zA-Z]+", inner):
            inner = f"\\{cmd}{inner}"
        else:
            inner = f"\\{cmd}{{{inner}}}"
    return "{" + inner + "}"


def _grapheme(grapheme: str, ascii: bool, changed: list[tuple[str, str]]) -> str:
    """One base character and its combining marks as LaTeX."""
    if len(grapheme) == 1 and grapheme.isascii():
        return SPECIALS.get(grapheme, grapheme)
    if not ascii:
        return SPECIALS.get(grapheme[0], grapheme[0]) + grapheme[1:]
    if grapheme in SYMBOLS:
        return SYMBOLS[grapheme]
    if grapheme in LETTERS:
        return "{" + LETTERS[grapheme] + "}"
    decomposed = unicodedata.normalize("NFD", grapheme)
    base, marks = decomposed[0], decomposed[1:]
    if (base.isascii() and base.isalpha()) or base in LETTERS:
        kept = "".join(m for m in marks if m in ACCENTS)
        if base in "ıȷ" and kept:  # LaTeX accents i and j through their dotless forms
            base = "ij"["ıȷ".index(base)]
        if base + kept != decomposed:
            changed.append((grapheme, unicodedata.normalize("NFC", base + kept)))
        return _accented(base, kept) if kept else _grapheme(base, ascii, changed)
    if unicodedata.combining(base):  # a mark with nothing to sit on
        changed.append((grapheme, ""))
        return ""
    if marks and (base.isascii() or base in SYMBOLS):  # marks on a non-letter: keep the base
        changed.append((grapheme, base))
        return _grapheme(base, ascii, changed)
    compat = unicodedata.normalize("NFKD", grapheme)
    if compat != grapheme and compat.isascii() and compat.isprintable():
        changed.append((grapheme, compat))
        return "".join(SPECIALS.get(c, c) for c in compat)
    changed.append((grapheme, "?"))
    return "?"


def _ascii_latex(text: str) -> str:
    """ASCII ``text`` as LaTeX in one pass: one ``str.translate`` for the specials, one regex
    for the ligature breaks (what :func:`_join` of its one-character units gives)."""
    if not _ASCII_WORK.search(text):  # most text: a scan in C, cheaper than translate
        return text
    text = text.translate(_ASCII_TABLE)
    # rare: a scan only when a pair may be there ("``", "!`" and "?`" all hold a "`")
    if "--" in text or "''" in text or ",," in text or "`" in text:
        text = _ASCII_LIGATURE.sub("{}", text)
    return text


def _units(text: str, ascii: bool, changed: list[tuple[str, str]]) -> list[str]:
    """Cleaned ``text`` as a list of LaTeX pieces, one per grapheme (ASCII text as
    one piece, already joined: :func:`_join` gives the same result)."""
    if text.isascii():
        return [_ascii_latex(text)] if text else []
    return _units_careful(text, ascii, changed)


#: A run of non-ASCII characters: in mixed text only these need the grapheme-by-grapheme code.
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _latex(text: str, ascii: bool, changed: list[tuple[str, str]]) -> str:
    """``_join(_units(text, ...))``, faster for text that mixes ASCII and other characters:
    the ASCII runs in one pass each (:func:`_ascii_latex`), the non-ASCII runs through the
    careful code, cached (:func:`_run_latex`). A run cut out this way always starts a
    grapheme (a combining mark takes the ASCII letter before it along), so its graphemes, and
    the changes they record, are the careful loop's; :func:`_join` of the joined pieces
    gives what it gives of all the units."""
    if text.isascii():
        return _ascii_latex(text)
    pieces = []
    pos = 0
    for match in _NON_ASCII_RUN.finditer(text):
        start = match.start()
        if start and unicodedata.combining(text[start]):
            start -= 1  # the marks sit on the ASCII character before them
        if start > pos:
            pieces.append(_ascii_latex(text[pos:start]))
        run = _run_latex(text[start : match.end()], ascii)
        changed += run.changed
        pieces.append(run.text)
        pos = match.end()
    if pos < len(text):
        pieces.append(_ascii_latex(text[pos:]))
    return _join(pieces)


@functools.lru_cache(maxsize=8192)  # the same few accented letters and symbols recur
def _run_latex(run: str, ascii: bool) -> Latex:
    """A run of whole graphemes as joined LaTeX and the changes made (see :func:`_latex`)."""
    changed: list[tuple[str, str]] = []
    return Latex(_join(_units_careful(run, ascii, changed)), tuple(changed))


def _units_careful(text: str, ascii: bool, changed: list[tuple[str, str]]) -> list[str]:
    """:func:`_units` grapheme by grapheme (its fast path must :func:`_join` to the same)."""
    units: list[str] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        units.append(_grapheme(text[i:j], ascii, changed))
        i = j
    return units


def _join(units: Iterable[str]) -> str:
    """Concatenate pieces, with ``{}`` where TeX would join two of them into a ligature."""
    out = ""
    for unit in units:
        if out and unit and out[-1] + unit[0] in LIGATURES:
            out += "{}"
        out += unit
    return out


def brace(latex: str) -> str:
    """``latex`` in a protecting group. BibTeX reads ``{\\x...}`` as one "special character"
    whose text it still case-changes, so a group starting with a command gets two braces."""
    return "{{" + latex + "}}" if latex.startswith("\\") else "{" + latex + "}"


def escape(text: str, *, ascii: bool = True) -> Latex:
    """``text`` as LaTeX text on one line, every special character escaped."""
    changed: list[tuple[str, str]] = []
    return _new(Latex, (_latex(_clean(text, changed, ascii), ascii, changed), tuple(changed)))


def needs_protection(word: str) -> bool:
    """True if a title word must keep its case: acronyms, inner capitals (``DeepFM``,
    ``LoRA``, ``OoD``), capitals with digits (``3D``, ``GPT-4``), a lone capital but ``A``.
    A capital that only starts a hyphenated part (``Click-Through``) is left to the style."""
    if not any(c.isupper() for c in word):
        return False
    letters = [c for c in word if c.isalpha()]
    if any(c.isdigit() for c in word) or (len(letters) == 1 and letters != ["A"]):
        return True
    for part in re.split(r"[-‐‑–—/]", word):
        if any(c.isupper() for c in [c for c in part if c.isalpha()][1:]):
            return True
    return False


_NO_NAMES: frozenset[str] = frozenset()
_CORE = re.compile(r"[^\W_].*[^\W_]|[^\W_]")  # a token's word, first to last letter or digit


def _is_name(token: str, names: frozenset[str]) -> bool:
    """Whether ``token``'s word is capitalised and one of ``names`` (lower-case)."""
    core = _CORE.search(token)
    return core is not None and is_proper_noun(core.group(), names)


def _text(text: str, ascii: bool, protect: bool, changed: list[tuple[str, str]],
          nouns: frozenset[str] = PROPER_NOUNS, names: frozenset[str] = _NO_NAMES) -> str:
    """Plain text as LaTeX, with the words that need it braced (per word, never the whole)
    when ``protect``: shapes (:func:`needs_protection`), ``nouns`` and ``names`` (both
    lower-case; ``names`` are the paper's own, so never cached). Each title word is converted
    once per run (:func:`_title_word`) and the words joined with spaces (no ligature holds a
    space, so :func:`_join` adds nothing there); text that is not a title goes to
    :func:`_latex`."""
    if not protect:
        return _latex(text, ascii, changed)
    if names:  # most titles name none of their authors: one look for them all
        lowered = text.lower()
        if not any(name in lowered for name in names):
            names = _NO_NAMES
    if text.isascii():  # no changes possible; ASCII words convert the same in both modes
        return " ".join([_title_word(token, True, nouns,
                                     bool(names) and _is_name(token, names)).text
                         for token in text.split(" ")])
    out = []
    for token in text.split(" "):
        word = _title_word(token, ascii or token.isascii(), nouns,
                           bool(names) and _is_name(token, names))
        changed += word.changed
        out.append(word.text)
    return " ".join(out)


@functools.lru_cache(maxsize=32768)  # title words repeat from paper to paper
def _title_word(token: str, ascii: bool, nouns: frozenset[str] = PROPER_NOUNS,
                force: bool = False) -> Latex:
    """:func:`_word` joined, with the changes it made."""
    changed: list[tuple[str, str]] = []
    return Latex(_join(_word(token, ascii, changed, nouns, force)), tuple(changed))


def _word(token: str, ascii: bool, changed: list[tuple[str, str]],
          nouns: frozenset[str] = PROPER_NOUNS, force: bool = False) -> list[str]:
    """The units of one space-free ``token`` of a title, its core braced if it needs it
    (its shape, ``nouns``, or ``force``: a name of the paper's authors)."""
    core = _CORE.search(token)
    if core is None or not (force or needs_protection(core.group())
                            or is_proper_noun(core.group(), nouns)):
        return _units(token, ascii, changed)
    start, end = core.span()
    while end < len(token) and unicodedata.combining(token[end]):
        end += 1  # the marks on the last letter belong to it
    units = _units(token[:start], ascii, changed)
    core_units = _units(token[start:end], ascii, changed)
    if len(core_units) == 1 and re.match(r"\{[^\\]", core_units[0]):
        units += core_units  # one group already protected: {$\Sigma$}
    else:
        units.append(brace(_join(core_units)))
    return units + _units(token[end:], ascii, changed)


@functools.lru_cache(maxsize=4096)  # the same formulas recur in abstracts
def _math_ok(math: str) -> bool:
    """True for a span that pdflatex sets as math and BibTeX reads intact."""
    depth = 0
    for char in math:  # BibTeX counts every brace, escaped or not
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    if depth or not math.isascii() or not math.isprintable() or "^^" in math:
        return False
    bare = re.sub(r"\\(?:[a-zA-Z]+|[{},;!:|%&#_$ ])", "", math)
    if re.search(r"[%#&\\]", bare):  # a comment, a parameter, a tab or a stray backslash
        return False
    commands = re.findall(r"\\([a-zA-Z]+)", math)
    if commands.count("left") != commands.count("right") or _MATH_MISSING_ARGUMENT.search(math):
        return False
    # the rest is what TeX reads: arguments, scripts, delimiters (arrow2bib.text.texmath)
    return all(cmd in MATH_COMMANDS for cmd in commands) and math_error(math) is None


def render(text: str, *, ascii: bool = True, protect: bool = False,
           nouns: frozenset[str] = PROPER_NOUNS, names: frozenset[str] = _NO_NAMES) -> Latex:
    """Text with the page's markup: ``$math$`` passes through (braced when ``protect``, so a
    style cannot lower-case it), ``**bold**`` becomes ``\\textbf{}``; with ``protect`` the
    words of :func:`needs_protection` are braced, for titles, and the capitalised words of
    ``nouns`` and ``names`` (lower-case: :mod:`arrow2bib.text.propernouns`)."""
    changed: list[tuple[str, str]] = []
    return _new(Latex, (_markup(_clean(text, changed, ascii), ascii, protect, changed, nouns,
                                names), tuple(changed)))


def _markup(text: str, ascii: bool, protect: bool, changed: list[tuple[str, str]],
            nouns: frozenset[str] = PROPER_NOUNS, names: frozenset[str] = _NO_NAMES) -> str:
    """Cleaned ``text`` with its markup as LaTeX."""
    if "$" not in text and "**" not in text:  # nothing the splitter could find
        return _text(text, ascii, protect, changed, nouns, names)
    pieces: list[str] = []
    for span in spans(text):
        if span.kind == "math" and _math_ok(span.text):
            pieces.append(f"{{${span.text}$}}" if protect else f"${span.text}$")
        elif span.kind == "math":
            pieces.append(_text(f"${span.text}$", ascii, protect, changed, nouns, names))
        elif span.kind == "bold":  # its content is protected by \textbf's own braces
            pieces.append(r"\textbf" + brace(_markup(span.text, ascii, False, changed)))
        else:
            pieces.append(_text(span.text, ascii, protect, changed, nouns, names))
    return _join(pieces)


_AND = re.compile(r"(?:^| )and(?: |$)", re.IGNORECASE)


def _name_part(text: str, ascii: bool, changed: list[tuple[str, str]]) -> str:
    """One part of a name, braced when BibTeX would split it (a comma, the word ``and``) or
    read nothing in it (only hyphens, which it takes for separators)."""
    cleaned = _clean(text, changed, ascii)
    latex = _name_latex(cleaned, ascii, changed)
    if "," in latex or _AND.search(latex) or not re.search(r"[^-\s]", latex):
        return brace(latex)
    return latex


def _name_latex(text: str, ascii: bool, changed: list[tuple[str, str]]) -> str:
    # \$ \& ... braced: bibtexparser's name splitter (2.1) skips an escaped character
    # without seeing the space before it, and would cut "A, \$ and B" after "A,".
    # ( ) [ ] braced: natbib parses the \bibitem[Name(Year)Names] label the names go into;
    # = braced: biber reads "given=..." as its extended name format.
    latex = re.sub(r"\\([$&%#_])", r"{\\\1}", _latex(text, ascii, changed))
    return re.sub(r"(?<!\\)[()\[\]=]", r"{\g<0>}", latex)


def _nbsp(text: str | None) -> str:
    # in a name a no-break space is a space: BibTeX ties the parts of names itself, and a
    # "~" standing alone would be an empty name part
    return (text or "").replace("\u00a0", " ")


#: A particle BibTeX reads as the "von" part for sure: lower-case ASCII words.
_PARTICLE = re.compile(r"[a-z]+(?: [a-z]+)*")


def format_person(person: Person, *, ascii: bool = True) -> Latex:
    """One name in BibTeX's ``von Last, Jr, First`` form; a literal name braced whole.

    The nickname has no place in BibTeX's name model and is left out, so that styles never
    abbreviate it into an initial (``Xue (Steve) Liu`` -> ``Liu, Xue``, printed "X. Liu").
    """
    return _format_person(person, ascii)


@functools.lru_cache(maxsize=8192)  # co-authors come back paper after paper
def _format_person(person: Person, ascii: bool) -> Latex:
    changed: list[tuple[str, str]] = []
    # a part whose LaTeX is empty (only control characters, a lone mark) counts as absent
    family, particle, given, suffix = (
        t if _name_latex(t, ascii, []) else ""
        for t in (_clean(_nbsp(p), changed, ascii) for p in
                  (person.family, person.particle, person.given, person.suffix))
    )
    if not family:
        literal = _name_latex(_clean(_nbsp(person.literal), changed, ascii), ascii, changed)
        return Latex(brace(literal) if literal else "", tuple(changed))
    last = _name_part(family, ascii, changed)
    if " " in family:
        last = brace(last)  # else BibTeX could take some of its words for the "von" part
    if particle and _PARTICLE.fullmatch(particle):
        last = f"{particle} {last}"
    elif particle:  # BibTeX would not read it as "von": keep it with the family name
        last = brace(_name_latex(f"{particle} {family}", ascii, changed))
    parts = [last]
    if suffix and not given:
        # "King, Jr.," is an error and an empty First ("{}") prints as "." in abbrv:
        # keep the name whole instead
        whole = " ".join(p for p in (particle, family) if p) + ", " + suffix
        return Latex(brace(_name_latex(whole, ascii, changed)), tuple(changed))
    if suffix:
        parts.append(_name_part(suffix, ascii, changed))
    if given:
        parts.append(_name_part(given, ascii, changed))
    name = ", ".join(parts)
    # a name that is just "others" would be read as "et al."
    return Latex(brace(name) if name.lower() == "others" else name, tuple(changed))


def format_names(people: Sequence[Person], *, cut: bool, ascii: bool = True) -> Latex:
    """A name list joined with ``and``; ``and others`` ends a list that was cut, which
    styles print as "et al.". Names with no text at all are left out."""
    changed: list[tuple[str, str]] = []
    names = []
    for person in people:
        name = format_person(person, ascii=ascii)
        changed += name.changed
        if name.text:
            names.append(name.text)
    if cut and names:
        names.append("others")
    return _new(Latex, (" and ".join(names), tuple(changed)))


#: Characters a URI may not contain as such (RFC 3986); they are percent-encoded.
_URL_UNSAFE = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f]|[^\x00-\x7f]')
#: URLs that ``\\url`` sets right even inside another command's argument (no ``%`` or ``#``).
_URL_IN_ARGUMENT = re.compile(r"[A-Za-z0-9\-._~:/?=&+,;@!*'()\[\]]+")


def verbatim_url(url: str, *, ascii: bool = True) -> str:
    """``url`` for a verbatim ``url`` field: no LaTeX escapes (``%``, ``#``, ``_`` stay, as the
    url package and biber read them), only what a URI cannot hold percent-encoded, so that
    braces stay balanced. UTF-8 mode keeps non-ASCII characters."""
    def encode(match: re.Match[str]) -> str:
        char = match.group()
        if not ascii and not char.isascii() and char.isprintable():
            return char
        return "".join(f"%{b:02X}" for b in char.encode("utf-8", "surrogatepass"))

    return _URL_UNSAFE.sub(encode, url.strip())


def url_list(urls: Iterable[str], *, ascii: bool = True) -> str:
    r"""URLs as text for a ``note``: ``\url{...}`` where that is safe in any style (biblatex
    reads fields as macro arguments, where ``%`` and ``#`` break), escaped text otherwise."""
    out = []
    for url in urls:
        url = verbatim_url(url, ascii=True)
        if _URL_IN_ARGUMENT.fullmatch(url):
            out.append(r"\url{" + url + "}")
        elif url:
            out.append(escape(url, ascii=ascii).text)
    return ", ".join(out)
