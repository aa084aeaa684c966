"""Is a ``$...$`` span math that pdflatex sets? A small validating reader of TeX math.

BibTeX and biblatex write a page's ``$...$`` as math only when TeX would compile it: one
bad formula (``$x^1^2$``: "! Double superscript") stops the whole document. This module
reads the span as TeX does, token by token, and says what is wrong:

- braces balanced (BibTeX counts every brace, escaped or not), no ``% # &``, ASCII only;
- only the kernel commands :data:`arrow2bib.latex.MATH_COMMANDS` (``\\mathbb`` and
  ``\\mathcal`` of a package are not there: no package is loaded by every style);
- each command gets its arguments (``\\frac a`` lacks one), each ``^``/``_`` a script, and
  an atom at most one superscript and one subscript (``x^1^2``, ``x_1_2``);
- ``\\left``, ``\\right`` and ``\\big``... take a delimiter, and ``\\left``/``\\right`` pair
  within one group (``\\left\\right`` is an error);
- the text-mode arguments of ``\\textbf``, ``\\mbox``... hold text: no ``^``, ``_`` or
  command (``\\textbf{x^2}``: "! Missing $ inserted").

:func:`math_error` gives the reason, or None for math that compiles.
"""

from __future__ import annotations

import functools
import re

__all__ = ["GREEK", "MATH_COMMANDS", "math_error"]

#: Commands and the number of (mandatory) arguments they take; the rest of the known
#: commands take none.
ARITY = {"frac": 2, "sqrt": 1, "hat": 1, "tilde": 1, "bar": 1, "vec": 1, "dot": 1, "ddot": 1,
         "widehat": 1, "widetilde": 1, "overline": 1, "underline": 1, "mathrm": 1,
         "mathbf": 1, "mathit": 1, "mathsf": 1, "mathtt": 1, "mathcal": 1, "mathnormal": 1,
         "textrm": 1, "textit": 1, "textbf": 1, "mbox": 1}
#: Commands whose argument is text (TeX leaves math mode there).
TEXT_MODE = frozenset({"textrm", "textit", "textbf", "mbox"})
#: Commands that take a delimiter after them.
SIZING = frozenset({"left", "right", "big", "Big", "bigg", "Bigg"})
#: Delimiters: characters, and commands (``\\{``, ``\\langle``...).
DELIMITER_CHARS = frozenset("()[]|./<>")
DELIMITER_COMMANDS = frozenset({"{", "}", "|", "langle", "rangle", "lfloor", "rfloor", "lceil",
                                "rceil", "uparrow", "downarrow", "Uparrow", "Downarrow",
                                "updownarrow", "vert", "Vert", "backslash"})

#: One-character commands math mode takes: characters and spaces.
_CHARACTER_COMMANDS = frozenset("{},;!:|%&#_$ ")

_TOKEN = re.compile(r"\\(?:[A-Za-z]+|.)|\s+|.", re.DOTALL)


def _tokens(math: str) -> list[str]:
    return [t for t in _TOKEN.findall(math) if not t.isspace()]


class _Invalid(Exception):
    pass


class _Reader:
    def __init__(self, tokens: list[str], known: frozenset[str]):
        self.tokens, self.pos, self.known = tokens, 0, known

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise _Invalid("a command or script has nothing after it")
        self.pos += 1
        return token

    def group(self, text: bool = False) -> None:
        """Read to the ``}`` closing the group just opened."""
        self.sequence(text, closing="}")
        if self.take() != "}":
            raise _Invalid("unbalanced braces")

    def argument(self, text: bool) -> None:
        """One argument: a group or one token."""
        token = self.take()
        if token == "{":
            self.group(text)
        elif token in ("}", "^", "_") or token == "\\right":
            raise _Invalid(f"a command lacks an argument before {token!r}")
        elif token.startswith("\\"):
            if text and token[1:].isalpha():
                raise _Invalid(f"{token} in a text argument")
            self.command(token, text)

    def delimiter(self, name: str) -> None:
        token = self.take()
        if not (token in DELIMITER_CHARS or (token.startswith("\\")
                                             and token[1:] in DELIMITER_COMMANDS)):
            raise _Invalid(f"\\{name} takes a delimiter, not {token!r}")

    def command(self, token: str, text: bool) -> None:
        name = token[1:]
        if not name.isalpha():
            if name not in _CHARACTER_COMMANDS:  # \' \" \` are text accents
                raise _Invalid(f"{token} is not a math command")
            return  # \{ \, \; ...: a character or a space
        if name not in self.known:
            raise _Invalid(f"{token} is not a kernel math command")
        if name in SIZING:
            self.delimiter(name)
            return
        if name == "sqrt" and self.peek() == "[":  # the optional index
            while self.take() != "]":
                pass
        for _ in range(ARITY.get(name, 0)):
            self.argument(text or name in TEXT_MODE)

    def sequence(self, text: bool, closing: str | None) -> None:
        """Atoms up to ``closing`` (or the end), with at most one ``^`` and one ``_`` each."""
        scripts: set[str] = set()
        depth = 0  # \left ... \right pairs open in this group
        while (token := self.peek()) is not None and token != closing:
            self.pos += 1
            if token in ("^", "_"):
                if text:
                    raise _Invalid(f"{token} in a text argument")
                if token in scripts:
                    raise _Invalid("double superscript" if token == "^" else "double subscript")
                scripts.add(token)
                self.argument(False)
                continue
            scripts = set()
            if token == "{":
                self.group(text)
            elif token == "}":
                raise _Invalid("unbalanced braces")
            elif token.startswith("\\"):
                if text and token[1:].isalpha():
                    raise _Invalid(f"{token} in a text argument")
                if token == "\\left":
                    depth += 1
                elif token == "\\right":
                    depth -= 1
                    if depth < 0:
                        raise _Invalid("\\right without \\left")
                self.command(token, text)
            elif token == "'":
                scripts = {"'"}  # a prime is a superscript of what comes before...
                continue
        if depth:
            raise _Invalid("\\left without \\right")


#: Greek letters, set as math (pdflatex has no Greek text font by default).
GREEK = dict(pair.split(":") for pair in """
    α:alpha β:beta γ:gamma δ:delta ε:epsilon ζ:zeta η:eta θ:theta ι:iota κ:kappa λ:lambda
    μ:mu ν:nu ξ:xi π:pi ρ:rho σ:sigma ς:varsigma τ:tau υ:upsilon φ:phi χ:chi ψ:psi ω:omega
    Γ:Gamma Δ:Delta Θ:Theta Λ:Lambda Ξ:Xi Π:Pi Σ:Sigma Υ:Upsilon Φ:Phi Ψ:Psi Ω:Omega
    """.split())

#: Kernel LaTeX math commands a ``$...$`` span may use and still pass through as math.
MATH_COMMANDS = frozenset(list(GREEK.values()) + """
    varepsilon vartheta varpi varrho varsigma varphi mathrm mathbf mathit mathsf mathtt mathcal
    mathnormal frac sqrt sum prod int oint lim log ln exp sin cos tan max min arg det sup inf Pr
    dim ker deg gcd lg leq geq le ge neq ne approx sim simeq equiv propto in notin subset
    subseteq supset supseteq cup cap setminus times cdot cdots ldots dots vdots ddots pm mp ast
    star circ bullet oplus otimes odot infty partial nabla forall exists neg emptyset to
    rightarrow leftarrow Rightarrow Leftarrow leftrightarrow Leftrightarrow mapsto mid parallel
    perp ell hbar prime langle rangle lfloor rfloor lceil rceil left right big Big bigg Bigg hat
    tilde bar vec dot ddot widehat widetilde overline underline top bot wedge vee ll gg colon
    quad qquad textrm textit textbf mbox
    """.split())


@functools.lru_cache(maxsize=4096)
def math_error(math: str, known: frozenset[str] | None = None) -> str | None:
    """Why the math of a ``$...$`` span (without the dollars) would not compile under
    pdflatex with no package, or None when it would. ``known`` is the set of command names
    allowed (default :data:`MATH_COMMANDS`)."""
    if known is None:
        known = MATH_COMMANDS
    if not math.isascii() or not math.isprintable() or "^^" in math:
        return "characters TeX math cannot hold"
    if re.search(r"(?<!\\)[%#&]", math.replace("\\\\", "")):
        return "a %, # or & (a comment, a parameter or an alignment tab)"
    depth = 0
    for char in math:  # BibTeX counts every brace, escaped or not
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return "unbalanced braces"
    if depth:
        return "unbalanced braces"
    reader = _Reader(_tokens(math), known)
    try:
        reader.sequence(False, None)
        if reader.peek() is not None:
            return "unbalanced braces"
    except _Invalid as exc:
        return str(exc)
    return None
