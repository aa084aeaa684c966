"""Citation keys: readable, legal, unique and stable.

The base key comes from the ``citation_key`` hook (a ``firstresult`` hook: any plugin may
override it); the built-in implementation here runs last. The default pattern gives
``guo2017deepfm``: first author's family name folded to ASCII, year, first significant
title word.

Uniqueness is case-insensitive (biber and BibTeX treat ``Guo2017`` and ``guo2017`` alike).
Stability: a key depends only on its own paper, except where two papers share a base key.
Then the papers of that group are put in a canonical order (by a digest of their content,
never by page order) and the first keeps the base key, the others get ``a``, ``b``, ...
So shuffling the page, or adding papers that do not collide, never moves a key.
"""

from __future__ import annotations

import functools
import re
import string
from typing import Callable, Iterable, Iterator, Mapping, Sequence

import pluggy

from ..errors import ExportError, SettingError
from ..exporters.base import Entry
from ..hookspecs import hookimpl
from ..model import Paper
from ..text.fold import fold_ascii
from ..text.markup import plain
from ._table import KeyTable, canonical_digest, order_digest, suffix

__all__ = ["DEFAULT_PATTERN", "assign_keys", "base_key", "base_keys", "canonical_digest",
           "check_pattern", "fold_ascii", "is_legal_key", "render_pattern", "suffix"]

DEFAULT_PATTERN = "{auth}{year}{title}"

#: Words skipped when choosing the "first significant title word": Better BibTeX's default
#: skip words (English, French, German, Italian, Spanish articles and prepositions), so keys
#: match what Zotero users already have.
STOP_WORDS = frozenset(
    """
    a ab aboard about above across after against al along amid among an and anti around as at
    before behind below beneath beside besides between beyond but by d da das de del dell dello
    dei degli della delle dem den der des despite die do down du during ein eine einem einen
    einer eines el en et except for from gli i il in inside into is l la las le les like lo los
    near nor of off on onto or over past per plus round save since so some sur than the through
    to toward towards un una unas under underneath une unlike uno unos until up upon versus via
    von while with within without yet zu zum
    """.split()
)

# \Z, not $: "$" also matches before a final line break, and "key\n" is no key
_LEGAL_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_:./+]*\Z")
_FIELD = re.compile(r"\{(\w+)\}")
_LEGAL_LITERAL = re.compile(r"^[A-Za-z0-9\-_:./+]*\Z")


def is_legal_key(key: str) -> bool:
    """True if ``key`` is a legal BibTeX/biber citation key by arrow2bib's rules."""
    return bool(_LEGAL_KEY.match(key))


_WORD_BREAK = re.compile(r"[\s\-–—:;,.!?()\[\]{}/\"'`]+")


def _words(title: str) -> Iterator[str]:
    for word in _WORD_BREAK.split(plain(title, math="strip")):
        if word := fold_ascii(word).lower():
            yield word


def _significant(title: str, count: int) -> list[str]:
    """The first ``count`` words that are not stop words (else the first ``count`` words)."""
    words, picked = [], []
    for word in _words(title):
        words.append(word)
        if word not in STOP_WORDS:
            picked.append(word)
            if len(picked) == count:  # the rest of a long title is not needed
                break
    return picked or words[:count]


def _family(paper: Paper, index: int = 0) -> str:
    if len(paper.authors) <= index:
        return ""
    person = paper.authors[index]
    return fold_ascii(person.family or person.literal).lower()


#: The fields a ``--key-pattern`` may use: name -> how to compute it for one paper.
PATTERN_FIELDS: Mapping[str, Callable[[Paper], str]] = {
    "auth": lambda p: _family(p) or "anon",
    "Auth": lambda p: (_family(p) or "anon").capitalize(),
    "authors": lambda p: "".join(_families(p)[:3]) or "anon",
    "authorsalpha": lambda p: "".join(f[:1] for f in _families(p)[:4]) or "anon",
    "year": lambda p: str(p.year) if p.year else "nd",
    "shortyear": lambda p: f"{p.year % 100:02d}" if p.year else "nd",
    "title": lambda p: "".join(_significant(p.title, 1)) or "untitled",
    "shorttitle": lambda p: "".join(_significant(p.title, 3)) or "untitled",
    "Title": lambda p: "".join(_significant(p.title, 1)).capitalize() or "Untitled",
    "venue": lambda p: fold_ascii(p.venue).lower() or "misc",
}


def _families(paper: Paper) -> list[str]:
    return [f for f in (_family(paper, i) for i in range(len(paper.authors))) if f]


@functools.lru_cache(maxsize=64)
def _compile(pattern: str) -> tuple[str, ...]:
    """The field names of ``pattern``, once it is known to be a valid pattern."""
    if not isinstance(pattern, str):
        raise SettingError(f"A key pattern is a string such as '{{auth}}{{year}}', not "
                           f"{type(pattern).__name__}.")
    names = tuple(_FIELD.findall(pattern))
    unknown = [name for name in names if name not in PATTERN_FIELDS]
    if unknown:
        raise SettingError(
            f"Unknown field {{{unknown[0]}}} in key pattern {pattern!r}; "
            f"use any of: {', '.join('{' + n + '}' for n in PATTERN_FIELDS)}."
        )
    formatter = string.Formatter()
    try:
        literal_text = [lit for lit, _f, _s, _c in formatter.parse(pattern)]
    except ValueError as exc:  # an unbalanced brace: "}" or "{auth"
        raise SettingError(
            f"The key pattern {pattern!r} cannot be read ({exc}); write fields as {{auth}} "
            "with balanced braces."
        ) from None
    if any(not _LEGAL_LITERAL.match(lit) for lit in literal_text if lit):
        raise SettingError(
            f"The key pattern {pattern!r} contains characters that are not legal in a "
            "citation key; use letters, digits and - _ : . / + between the fields."
        )
    if pattern.startswith("_"):
        raise SettingError(
            f"The key pattern {pattern!r} starts with '_', which no citation key may; start "
            "it with a field such as {auth} or with a letter."
        )
    return names


def check_pattern(pattern: str) -> None:
    """Raise :class:`~arrow2bib.errors.SettingError` when ``pattern`` is not a valid key
    pattern (an unknown field, a stray brace), before any paper is keyed."""
    _compile(pattern)


def render_pattern(pattern: str, paper: Paper) -> str:
    """Fill ``pattern`` (``{auth}{year}{title}``) for ``paper``, computing only the fields
    it names.

    Raises :class:`~arrow2bib.errors.ExportError` for a field the pattern language lacks.
    """
    fields = {name: PATTERN_FIELDS[name](paper) for name in _compile(pattern)}
    return _FIELD.sub(lambda m: fields[m.group(1)], pattern)


@hookimpl(trylast=True)
def citation_key(paper: Paper, pattern: str | None) -> str | None:
    """The built-in key: the pattern filled for the paper (default ``{auth}{year}{title}``)."""
    return render_pattern(pattern or DEFAULT_PATTERN, paper)


def base_key(paper: Paper, pm: pluggy.PluginManager, pattern: str | None = None) -> str:
    """The key the ``citation_key`` hook chooses for ``paper`` alone, checked to be legal."""
    return _legal(pm.hook.citation_key(paper=paper, pattern=pattern), paper)


def base_keys(papers: Sequence[Paper], pm: pluggy.PluginManager,
              pattern: str | None = None) -> list[str]:
    """The base keys of consecutive ``papers``, each checked to be legal: the
    ``citation_keys`` hook's for the batch, where a plugin implements it, then the
    ``citation_key`` hook's for each paper it left; when no plugin but this module implements
    ``citation_key``, the pattern is filled here directly (the same key, without a hook call
    per paper)."""
    keys: list[str | None] = [None] * len(papers)
    if papers and (impls := pm.hook.citation_keys.get_hookimpls()):
        chosen = pm.hook.citation_keys(papers=papers, pattern=pattern)
        if chosen is not None:
            by = ", ".join(sorted({impl.plugin_name for impl in impls}))
            if isinstance(chosen, (str, bytes)) or not isinstance(chosen, (list, tuple)):
                # a string would be read as its characters: one key a letter
                raise ExportError(
                    f"The citation_keys hook (plugin {by}) gave a {type(chosen).__name__}, "
                    "not a list of keys; it must give a list with one key (or None) per "
                    "paper, in order.")
            chosen = list(chosen)
            if len(chosen) != len(papers):
                raise ExportError(
                    f"The citation_keys hook (plugin {by}) gave {len(chosen)} key(s) for "
                    f"{len(papers)} papers; it must give one key (or None) per paper, in "
                    "order.")
            keys = chosen
    impls = pm.hook.citation_key.get_hookimpls()
    fill: Callable[[Paper], str | None]
    if impls and all(impl.function is citation_key for impl in impls):
        fill = functools.partial(render_pattern, pattern or DEFAULT_PATTERN)
    else:
        def fill(paper: Paper) -> str | None:
            return pm.hook.citation_key(paper=paper, pattern=pattern)
    return [_legal(fill(paper) if key is None else key, paper)
            for key, paper in zip(keys, papers)]


def _legal(key: object, paper: Paper) -> str:
    """``key``, when it is a legal key for ``paper``; else an :class:`ExportError`."""
    if not isinstance(key, str) or not is_legal_key(key):
        raise ExportError(
            f"The citation key {key!r} chosen for {paper.title!r} is not a legal "
            "BibTeX/biber key; a key uses letters, digits and - _ : . / +, and does not "
            "start with '_'. Check the key pattern or the plugin that chose it."
        )
    return key


def assign_keys(
    papers: Sequence[Paper], pm: pluggy.PluginManager, pattern: str | None = None
) -> list[str]:
    """Return one unique, legal, stable key per paper, in the papers' order."""
    table = KeyTable()
    try:
        keys = base_keys(papers, pm, pattern)
        for position, paper in enumerate(papers):
            table.add(position, keys[position], order_digest(paper))
        for position, key in table.changed():
            keys[position] = key
    finally:
        table.close()
    return keys


def entries_for(papers: Iterable[Paper], pm: pluggy.PluginManager, pattern: str | None = None):
    """Pair each paper with its key, as :class:`~arrow2bib.exporters.base.Entry` objects."""
    papers = list(papers)
    return [Entry(key=k, paper=p) for k, p in zip(assign_keys(papers, pm, pattern), papers)]
