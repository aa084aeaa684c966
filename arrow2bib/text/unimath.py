"""TeX math as readable Unicode, for the formats that never interpret TeX.

Only BibTeX and biblatex read ``$\\ell_1$``; Zotero, EndNote, Mendeley, ORCID's record page
and citeproc show it as it is. The other exporters write math through this module:

- :func:`plain` (RIS, ORCID, plain-text references): Unicode text. ``\\ell_1`` -> ``ℓ₁``,
  ``B\\Sigma_X A`` -> ``BΣ_X A``: a sub- or superscript becomes Unicode's own script
  characters when it has them for every character, else ``_X`` / ``^(ab)``.
- :func:`csl` (CSL-JSON): CSL rich text, ``ℓ<sub>1</sub>``, ``<i>B</i>Σ<sub>X</sub>``
  (single Latin letters, TeX's variables, in italics).
- :func:`rich_to_plain` reduces such CSL rich text to what :func:`plain` writes, so that a
  title reads the same in every format (the cross-format test compares them this way).

The math is read with pylatexenc's walker, and symbols (``\\Sigma``, ``\\leq``,
``\\mathbb{R}``) are named by its ``latex2text`` tables; only the layout of scripts,
fractions and roots is ours. Any text goes through; an unknown command is written as its
name, never with a backslash.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from typing import TYPE_CHECKING, Iterable, Iterator, Literal

from pylatexenc.latexwalker import (
    LatexCharsNode, LatexCommentNode, LatexGroupNode, LatexMacroNode, LatexMathNode,
    LatexSpecialsNode, LatexWalker, LatexWalkerError,
)

from .markup import unbolded

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

__all__ = ["csl", "csl_math", "plain", "plain_math", "rich_to_plain", "script"]

Kind = Literal["text", "var", "sub", "sup"]
Piece = tuple[str, str]


#: Where Unicode has ``<sub>`` and ``<super>`` compatibility characters: the first two planes
#: (past them only CJK compatibility ideographs decompose at all).
SCRIPT_PLANES = 0x20000


#: Where the characters with a ``<sub>`` or ``<super>`` compatibility decomposition are in
#: Unicode 15.1 (the first and last of each run of code points). Unicode never changes a
#: character's decomposition once the character is in the standard, so in Unicode 15.1 and
#: every version before it these runs hold all such characters: :func:`_tables` reads only
#: them there (300 characters instead of 131,072: the scan cost a run 40 ms), and scans the
#: first two planes under a newer Unicode.
SCRIPT_RUNS = """00AA 00B2-00B3 00B9-00BA 02B0-02B8 02E0-02E4 10FC 1D2C-1D2E 1D30-1D3A 1D3C-1D4D
    1D4F-1D6A 1D78 1D9B-1DBF 2070-2071 2074-208E 2090-209C 2120 2122 2C7C-2C7D 2D6F 3192-319F
    A69C-A69D A770 A7F2-A7F4 A7F8-A7F9 AB5C-AB5F AB69 10781-10785 10787-107B0 107B2-107BA
    1E030-1E06D 1F16A-1F16C"""
SCRIPT_RUNS_UNICODE = (15, 1, 0)


def _run_codes(runs: str) -> Iterator[int]:
    """The code points of ``runs`` (as :data:`SCRIPT_RUNS` writes them), in order."""
    for run in runs.split():
        first, _dash, last = run.partition("-")
        yield from range(int(first, 16), int(last or first, 16) + 1)


def _script_tables(end: int = SCRIPT_PLANES,
                   codes: Iterable[int] | None = None) -> dict[str, dict[str, str]]:
    """Per kind (``sub``, ``sup``), characters with a ``<sub>`` or ``<super>`` compatibility
    form -> that form (only those whose NFKC form is the one character, so that NFKC gives
    the text back), from the code points below ``end`` (or ``codes``, in order), in one
    pass: the first form of a character in code point order wins."""
    tables: dict[str, dict[str, str]] = {"sub": {}, "sup": {}}
    kinds = {"<sub>": tables["sub"], "<super>": tables["sup"]}
    for code in range(end) if codes is None else codes:
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition[:1] != "<":
            continue
        tag, _space, rest = decomposition.partition(" ")
        table = kinds.get(tag)
        if table is not None:
            base = chr(int(rest.split()[0], 16))
            if unicodedata.normalize("NFKC", chr(code)) == base:
                table.setdefault(base, chr(code))
    return tables


@functools.cache
def _tables() -> dict[str, dict[str, str]]:
    version = tuple(int(part) for part in unicodedata.unidata_version.split("."))
    if version <= SCRIPT_RUNS_UNICODE:
        return _script_tables(codes=_run_codes(SCRIPT_RUNS))
    return _script_tables()


def script(kind: str, text: str) -> str:
    """``text`` as a sub- (``kind="sub"``) or superscript in plain Unicode: its script
    characters when Unicode has one for each character, else ``_x`` / ``^(xy)``."""
    text = text.strip()
    if not text:
        return ""
    table = _tables()[kind]
    if all(c in table for c in text):
        return "".join(table[c] for c in text)
    mark = "_" if kind == "sub" else "^"
    return mark + (text if len(text) == 1 else f"({text})")


@functools.cache
def _to_text() -> LatexNodes2Text:
    """pylatexenc's converter of a command to its text, made on first use (its tables cost
    a run that converts no math 12 M instructions)."""
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


# pylatexenc logs what it cannot convert (a command with its argument missing); the library
# never prints: with a handler of its own, Python's last-resort stderr handler stays unused
# (an application that configures logging still gets the records)
logging.getLogger("pylatexenc").addHandler(logging.NullHandler())

#: Commands whose argument is written as it is, upright (fonts, text in math, operators).
_AS_TEXT = frozenset("""mathrm mathbf mathit mathsf mathtt mathnormal text textrm textit textbf
    textsf texttt textup mbox operatorname boldsymbol bm url""".split())
#: Commands that only size or pair a delimiter: the delimiter stays, the command goes.
_SIZING = frozenset("""left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr
    Biggl Biggr displaystyle textstyle scriptstyle limits nolimits""".split())
_SPACES = {",": " ", ";": " ", ":": " ", ">": " ", "!": "", "quad": " ", "qquad": " ",
           " ": " ", "enspace": " ", "thinspace": " "}
_ESCAPED = {"{": "{", "}": "}", "%": "%", "$": "$", "&": "&", "#": "#", "_": "_", "|": "‖"}
_SQRT = {"2": "√", "3": "∛", "4": "∜"}


def _merge(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for kind, text in pieces:
        if not text:
            continue
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + text)
        else:
            out.append((kind, text))
    return out


def _flat(pieces: list[Piece]) -> str:
    """Pieces as plain Unicode (scripts in script characters or ``_x``)."""
    return "".join(script(k, t) if k in ("sub", "sup") else t for k, t in pieces)


def _wrapped(pieces: list[Piece]) -> list[Piece]:
    """Pieces in parentheses unless they are one symbol or one run of letters or digits."""
    flat = _flat(pieces).strip()
    if len(flat) <= 1 or flat.isalnum():
        return pieces
    return [("text", "(")] + pieces + [("text", ")")]


def _args(node: LatexMacroNode) -> list[object]:
    return [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]


def _macro(node: LatexMacroNode) -> list[Piece]:
    name = node.macroname
    args = _args(node)
    if name in _SIZING:
        return []
    if name in _SPACES:
        return [("text", _SPACES[name])]
    if name in _ESCAPED:
        return [("text", _ESCAPED[name])]
    if name in _AS_TEXT:
        inner = _walk(_content(args[-1])) if args else []
        return [("text", _flat(inner))]
    if name in ("frac", "dfrac", "tfrac", "sqrt") and len(args) < (2 if "frac" in name else 1):
        return [p for a in args for p in _walk(_content(a))]
    if name in ("frac", "dfrac", "tfrac"):
        top, bottom = (_walk(_content(a)) for a in args)
        return _wrapped(top) + [("text", "/")] + _wrapped(bottom)
    if name == "sqrt" and args:
        index = _flat(_walk(_content(args[0]))).strip() if len(args) == 2 else "2"
        root = _SQRT.get(index, script("sup", index) + "√")
        return [("text", root)] + _wrapped(_walk(_content(args[-1])))
    if node.nodeargd and any(a is None for a in node.nodeargd.argnlist
                             if node.nodeargd.argspec[:1] != "["):
        # an argument missing (TeX would not compile it): the arguments there are
        return [p for a in args for p in _walk(_content(a))]
    try:
        text = _to_text().nodelist_to_text([node]).strip()
    except Exception:  # latex2text fails on some malformed input (\mathbb\sqrt): a name
        text = ""
    if not text:
        text = name  # unknown to latex2text: its name, readable
    # TeX's space after a command name is no space, except that a word (log) or an
    # operator (≤) is set apart from what follows
    if all(unicodedata.combining(c) for c in text):
        return []  # an accent with nothing under it
    if node.macro_post_space and not (len(text) == 1 and text.isalpha()):
        text = f" {text} " if unicodedata.category(text[0]) == "Sm" else text + " "
    return [("text", text)]


def _content(node: object) -> list[object]:
    if isinstance(node, LatexGroupNode):
        return list(node.nodelist)
    return [node]


def _walk(nodes: list[object]) -> list[Piece]:
    out: list[Piece] = []
    pending: str | None = None  # "sub" or "sup": the next atom is the script

    def add(pieces: list[Piece]) -> None:
        nonlocal pending
        if pending:
            out.append((pending, _flat(pieces)))
            pending = None
        else:
            out.extend(pieces)

    for node in nodes:
        if isinstance(node, LatexCharsNode):
            for char in node.chars:
                if char in "_^":
                    if pending:  # x^^ or x_^: nothing to attach; keep the character
                        out.append(("text", char))
                    pending = "sub" if char == "_" else "sup"
                elif pending and char.isspace():
                    continue
                elif char.isascii() and char.isalpha():
                    add([("var", char)])
                else:
                    add([("text", char)])
        elif isinstance(node, LatexGroupNode):
            add(_walk(list(node.nodelist)))
        elif isinstance(node, LatexMacroNode):
            add(_macro(node))
        elif isinstance(node, LatexSpecialsNode):
            add([("text", " " if node.specials_chars == "~" else node.specials_chars)])
        elif isinstance(node, LatexMathNode):
            add(_walk(list(node.nodelist)))
        elif isinstance(node, LatexCommentNode):
            continue
    if pending:  # a script mark with nothing after it
        out.append(("text", "_" if pending == "sub" else "^"))
    return out


@functools.lru_cache(maxsize=4096)  # the same formulas recur
def pieces(math: str) -> tuple[Piece, ...]:
    """The math of a ``$...$`` span (without the dollars) as typed pieces: ``text``,
    ``var`` (a Latin letter, italic in TeX), ``sub`` and ``sup`` (flattened to text)."""
    try:
        nodes, _pos, _len = LatexWalker(math, tolerant_parsing=True).get_latex_nodes()
        result = _walk(list(nodes))
    except (LatexWalkerError, RecursionError, LookupError, AttributeError, TypeError,
            ValueError):
        # what the walker cannot read is written without TeX's marks
        result = [("text", re.sub(r"[{}$]|\\(?=[A-Za-z])", "", math).replace("\\", ""))]
    merged = _merge(result)
    text = [(k, re.sub(r"\s+", " ", t)) for k, t in merged]
    # no blank at the ends: "$ x $" is x
    if text and not text[0][1].strip():
        text = text[1:]
    if text and not text[-1][1].strip():
        text = text[:-1]
    if text:
        text[0] = (text[0][0], text[0][1].lstrip())
        text[-1] = (text[-1][0], text[-1][1].rstrip())
    return tuple(p for p in text if p[1])


@functools.lru_cache(maxsize=4096)  # the same formulas recur (a title's in its abstract too)
def plain_math(math: str) -> str:
    """One math span as plain Unicode (see :func:`script` for sub- and superscripts)."""
    return _flat(list(pieces(math)))


_CSL_TAGS = {"var": "i", "sub": "sub", "sup": "sup"}


#: A ``<`` that CSL processors would read as the start of one of their tags (``<b>``,
#: ``</i>``, ``<sup>``, ``<span ...>``): in math it is a relation, so it is kept from reading
#: as a tag by an empty ``nocase`` span after it (which renders as nothing).
_CSL_TAG_START = re.compile(r"<(?=/?(?:i|b|sc|sub|sup|span)\b)")
_NO_TAG = '<<span class="nocase"></span>'


def no_csl_tags(text: str) -> str:
    """``text`` (plain, not markup) for CSL rich text: a ``<`` that CSL processors would
    read as one of their tags (a title about ``<i>`` elements) gets an empty ``nocase``
    span after it, which renders as nothing."""
    return _CSL_TAG_START.sub(_NO_TAG, text) if "<" in text else text


@functools.lru_cache(maxsize=4096)
def csl_math(math: str) -> str:
    """One math span as CSL rich text: ``<i>`` letters, ``<sub>``, ``<sup>``."""
    out = []
    for kind, text in pieces(math):
        text = no_csl_tags(text)  # upright text (\text{<b>}) is written as it is
        tag = _CSL_TAGS.get(kind)
        out.append(f"<{tag}>{text}</{tag}>" if tag else text)
    return "".join(out)


def plain(text: str) -> str:
    """``text`` with the page's markup as plain Unicode: bold markers dropped, math
    converted (:func:`plain_math`)."""
    if "$" not in text and "**" not in text:
        return text
    return "".join(plain_math(s.text) if s.kind == "math" else s.text for s in unbolded(text))


def csl(text: str) -> str:
    """``text`` as CSL rich text: bold markers dropped, math as :func:`csl_math`."""
    if "$" not in text and "**" not in text:
        return no_csl_tags(text)
    return "".join(csl_math(s.text) if s.kind == "math" else no_csl_tags(s.text)
                   for s in unbolded(text))


_RICH = re.compile(r"<(sub|sup)>(.*?)</\1>|<(?:/?(?:i|b|sc)|span class=\"nocase\"|/span)>")


def rich_to_plain(rich: str) -> str:
    """CSL rich text reduced to plain Unicode: tags dropped, ``<sub>``/``<sup>`` contents
    written as :func:`script` writes them."""
    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return script(match.group(1), rich_to_plain(match.group(2)))
        return ""

    return _RICH.sub(replace, rich)
