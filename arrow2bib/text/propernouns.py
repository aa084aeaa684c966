"""Proper nouns and adjectives in titles, whose capital a style must keep.

BibTeX styles lower-case titles ("... using gaussian kernel" in plainnat) and CSL styles
that want sentence case need them too; acronyms and mixed case (``DeepFM``, ``CTR``) are
recognised by their shape (:func:`arrow2bib.text.latex.needs_protection`), the words here by
a list. A word is protected only as the page capitalises it (``Gaussian``, not ``gaussian``).
Three sources, one set of words for BibTeX, biblatex and the formatted references:

- the built-in list :data:`PROPER_NOUNS` (people's names used in method names, languages,
  model names spelt as words);
- the page's names: the surnames of a paper's own authors (:func:`surnames`), as the page
  shows them (``Shapley`` in a title by L. S. Shapley); surnames of fewer than three letters
  and those in :data:`NOT_NAMES` (English words: ``Long``, ``Deep``...) are left out;
- a user's list, ``-O propernouns=FILE``: one word per line, ``#`` comments and blank lines
  ignored (:func:`read_list`; a bad line is an error naming the file and the line).

``-O builtin-propernouns=`` chooses the automatic sources: ``list,names`` (the default),
``list``, ``names`` or ``none``.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from ..errors import SettingError
from ..model import Person

__all__ = ["BUILTIN_HELP", "FILE_HELP", "NOT_NAMES", "PROPER_NOUNS", "ProperNouns",
           "is_proper_noun", "read_list", "settings", "surnames"]

PROPER_NOUNS = frozenset({
    # people's names used as adjectives and in method names
    "bayes", "bayesian", "bellman", "bernoulli", "boltzmann", "boolean", "carlo", "cauchy",
    "dirichlet", "euclidean", "euler", "fourier", "gaussian", "gibbs", "gumbel", "hamiltonian",
    "hawkes", "hebbian", "hessian", "hilbert", "hopfield", "jacobian", "kalman", "kullback",
    "lagrangian", "langevin", "laplace", "laplacian", "leibler", "lipschitz", "lyapunov",
    "markov", "markovian", "monte", "nash", "newton", "pareto", "poisson", "riemannian",
    "shannon", "shapley", "stein", "turing", "voronoi", "wasserstein", "weibull", "wiener",
    # languages, places, products
    "chinese", "english", "internet", "wikipedia",
    # model names spelt as words
    "transformer", "transformers",
})

#: Surnames that are also English words a title-cased title capitalises: never protected
#: as a page's name (a user's list may still name them).
NOT_NAMES = frozenset("""
    art bell bird black brown bush can cook deep door east fair field fish fox free gold
    good grant green hall hand hard head hill holmes home hope king lamb land lane law light
    little long love low major march mark may mill more moon new north park parker pay
    person power price rich rose ross sharp short small smart snow south spring stone
    strong summer swift tan ten thin top wall ward water way west white wild wood woods
    young
    """.split())

BUILTIN = ("list", "names")
BUILTIN_HELP = ("which automatic proper nouns titles keep capitalised: list,names "
                "(default: the built-in list and the authors' surnames), list, names or none")
FILE_HELP = "a UTF-8 file of proper nouns to keep capitalised in titles, one word per line"
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def is_proper_noun(word: str, nouns: frozenset[str] = PROPER_NOUNS) -> bool:
    """Whether ``word`` (letters, as the title writes it) is capitalised and in ``nouns``
    (lower-case words; default the built-in list)."""
    return word[:1].isupper() and word.lower() in nouns


def surnames(authors: Iterable[Person]) -> frozenset[str]:
    """The lower-cased surnames of ``authors`` that may be protected in a title: each word
    of a family name, of three letters or more, and not in :data:`NOT_NAMES`."""
    words: set[str] = set()
    for person in authors:
        if person.family:
            words.update(_surname_words(person.family))
    return frozenset(words)


@functools.lru_cache(maxsize=4096)  # co-authors come back paper after paper
def _surname_words(family: str) -> tuple[str, ...]:
    """The words of one family name that :func:`surnames` keeps."""
    return tuple(word for word in (w.lower() for w in _NAME_BREAK.split(family))
                 if len(word) >= 3 and word.isalpha() and word not in NOT_NAMES)


_NAME_BREAK = re.compile(r"[\s\-‐]+")


@dataclass(frozen=True)
class ProperNouns:
    """What a title keeps capitalised beyond the shapes of acronyms: ``words`` (lower-case)
    always, and the paper's own authors' surnames when ``names``."""

    words: frozenset[str] = PROPER_NOUNS
    names: bool = True

    def names_of(self, authors: Iterable[Person]) -> frozenset[str]:
        """The surnames of ``authors`` to protect too (none when ``names`` is off)."""
        return surnames(authors) if self.names else frozenset()


DEFAULT = ProperNouns()


def read_list(path: str) -> frozenset[str]:
    """The words of a user's list, lower-cased; a :class:`SettingError` naming the file and
    line for a line that is not one word, and naming the file when it cannot be read."""
    return _read_list(os.path.abspath(path), *_stamp(path))


def _stamp(path: str) -> tuple[int, int]:
    try:
        stat = os.stat(path)
    except OSError as exc:
        raise SettingError(f"The propernouns file {path} cannot be read ({exc.strerror}); "
                           "give a text file with one word per line.") from None
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=16)  # read once per run, not once per entry
def _read_list(path: str, _mtime: int, _size: int) -> frozenset[str]:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            lines = handle.read().splitlines()
    except UnicodeDecodeError as exc:
        raise SettingError(f"The propernouns file {path} is not UTF-8 text ({exc.reason} at "
                           f"byte {exc.start}); save it as UTF-8.") from None
    except OSError as exc:
        raise SettingError(f"The propernouns file {path} cannot be read ({exc.strerror}); "
                           "give a text file with one word per line.") from None
    words = set()
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        if not _WORD.fullmatch(text):
            what = "several words" if len(text.split()) > 1 else "not a word"
            raise SettingError(
                f"{path}:{number}: {text!r} is {what}; the propernouns file takes one word "
                "per line (letters, then letters, digits, hyphens or apostrophes), '#' "
                "starting a comment.")
        words.add(text.lower())
    return frozenset(words)


def settings(read: Mapping[str, str]) -> ProperNouns:
    """The :class:`ProperNouns` that the ``propernouns`` and ``builtin-propernouns`` options
    in ``read`` (option name -> value, absent when not given) choose. The same options give
    the same object (title words are cached per set of nouns)."""
    value = read.get("builtin-propernouns", "list,names").strip().lower()
    path = read.get("propernouns", "").strip()
    return _settings(value, os.path.abspath(path) if path else "",
                     *(_stamp(path) if path else (0, 0)))


@functools.lru_cache(maxsize=16)
def _settings(value: str, path: str, mtime: int, size: int) -> ProperNouns:
    chosen = {part.strip() for part in value.split(",") if part.strip()}
    if chosen == {"none"}:
        chosen = set()
    if not chosen <= set(BUILTIN) or (not chosen and value != "none"):
        raise SettingError(f"The builtin-propernouns option takes list,names, list, names or "
                           f"none, not {value!r}.")
    words = PROPER_NOUNS if "list" in chosen else frozenset()
    if path:
        words = words | _read_list(path, mtime, size)
    nouns = ProperNouns(words, "names" in chosen)
    return DEFAULT if nouns == DEFAULT else nouns
