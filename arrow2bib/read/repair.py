"""Repair the damage text extraction did to the page's abstracts.

What the site's abstracts carry, and what is done about it:

- URLs broken by spaces: ``https: //github. com/Leopold1423/toplora-neurips25.`` becomes
  ``https://github.com/Leopold1423/toplora-neurips25`` (the sentence's full stop stays outside
  the URL). Every URL found is also returned, in order.
- Abbreviations split apart, by one rule: a run of two or more single letters of one case,
  each followed by a full stop and a space, is one abbreviation: ``i. e. ,`` -> ``i.e.,``,
  ``i. i. d.`` -> ``i.i.d.``, ``w. r. t.`` -> ``w.r.t.``, ``U. S.`` -> ``U.S.``. Capitals
  followed by a capitalised word are a person's initials and stay (``J. R. Smith``); a lone
  letter (``vitamin D. A new``) or letters of two cases (``set A. i. e.``) are not a run.
- ``\\footnote{...}`` left in by a LaTeX-to-text step: its text is kept in parentheses.

- Mojibake, UTF-8 text decoded as Windows-1252 or Latin-1 and saved again (``JÃ¼rgen``):
  :func:`repair_mojibake` gives ``Jürgen`` back, through ftfy, for the parser to report.

Markdown bold and ``$math$`` are left as they are, for the exporters (see
:mod:`arrow2bib.text.markup`). Lost hyphens (``selfattention``) cannot be told from real words and
are left alone.
"""

from __future__ import annotations

import re

__all__ = ["repair_abstract", "repair_mojibake", "clean_inline"]

# A URL start with the damage: "https: //", "http ://", "www. example"
_URL_START = re.compile(r"\b(?P<scheme>https?|ftp)\s*:\s*/\s*/\s*", re.IGNORECASE)
# A piece of URL: a run of characters a URL may hold.
_URL_PIECE = re.compile(r"[^\s<>\"{}|\\^`\[\]]+")
# The body goes on across a space when the piece before ends a host or path part (". " "/ ")
# and the next piece continues it in lower case or digits, not a new sentence.
_URL_JOINERS = "./-_"
_URL_NEXT = re.compile(r"[a-z0-9]")
# In the path, ". " joins only before a file extension: "file. html" but not "x. the end".
_PATH_EXTENSION = re.compile(
    r"(?:html?|php|aspx?|jsp|pdf|txt|md|zip|gz|tar|json|xml|csv|ipynb|py|git)\b"
)
_TRAILING = ".,;:!?'\""
#: A run of two or more single letters of one case (the first may be a capital: a sentence's
#: ``I. e. ,``), each followed by a full stop, split by spaces: ``i. i. d.``, ``e. g. ,``,
#: ``w. r. t.``, ``U. S.`` (a letter may have a space
#: before its full stop, and the run a comma after it). Letters are ASCII: no case folding
#: (which would let ``ſ`` or the Kelvin sign in).
_ABBREVIATION = re.compile(
    r"\b(?:[A-Za-z]\s?\.(?:\s[a-z]\s?\.)+|[A-Z]\s?\.(?:\s[A-Z]\s?\.)+)(?:\s?,)?"
)
#: What makes a run of capitals a person's initials rather than an abbreviation: a capitalised
#: word after it (``J. R. Smith``, left alone; ``U. S. government`` is joined).
_NAME_AFTER = re.compile(r"\s[A-Z][a-z]")
_FOOTNOTE = re.compile(r"\\footnote\{([^{}]*)\}")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
#: The characters of _SPACES beyond ASCII: a text without them, tabs or two spaces in a row
#: has nothing to collapse. (A zero-width space is no space: the reader drops it.)
_WIDE_SPACES = ("\u00a0", *map(chr, range(0x2000, 0x200B)), "\u202f", "\u205f", "\u3000")
#: Parts of every match of _URL_START and of _ABBREVIATION that are cheap to look for: they
#: start with a literal character, which the regular expression engine skips to. (The second
#: takes only its full stop, so that hints next to each other are all found.)
_URL_HINT = re.compile(r":\s*/\s*/")
_ABBREVIATION_HINT = re.compile(r"\.(?=\s[A-Za-z]\s?\.)")


#: What UTF-8 looks like through Windows-1252 or Latin-1 eyes: a lead byte's character
#: (``Â``-``ô``, 0xC2-0xF4) then a continuation byte's (0x80-0xBF: U+0080-U+00BF in Latin-1,
#: or the Windows-1252 punctuation ``€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ``); ``Ã`` then a space is
#: ``à`` whose no-break space was lost. Only a line with one goes to ftfy, which decides.
_CONTINUATION = "".join(sorted(
    {bytes([b]).decode("cp1252", "ignore") for b in range(0x80, 0xC0)} - {""}
))
#: The search is written to start with one character set (``Ã`` is among the lead
#: characters), which the regular expression engine can jump to, unlike the plain
#: alternation ``lead continuation|Ã space`` (kept in tests/oracles.py).
_MOJIBAKE_HINT = re.compile(
    f"[\u00c2-\u00f4](?:[\u0080-\u00bf{re.escape(_CONTINUATION)}]|(?<=Ã) )"
)


def repair_mojibake(text: str) -> str | None:
    """``text`` with mojibake undone (``JÃ¼rgen`` -> ``Jürgen``), or ``None`` when there is
    none.

    ftfy (its encoding fixes only: no quote, width or ligature changes) judges whether a
    suspicious sequence really is mojibake; lines without one never reach it, so the cost is
    a regular-expression search on non-ASCII lines.
    """
    if text.isascii() or not _MOJIBAKE_HINT.search(text):
        return None
    import ftfy  # imported only for suspicious lines: most runs never need its slow import

    fixed = ftfy.fix_encoding(text)
    return fixed if fixed != text else None


def clean_inline(text: str) -> str:
    """Collapse runs of spaces (including no-break and other Unicode spaces) and trim."""
    # Most lines have single plain spaces only, which the substitution would replace one by
    # one with themselves; the `in` tests are far cheaper than that (and cost next to nothing
    # for a character wider than any in the text).
    if (
        "  " in text
        or "\t" in text
        or (not text.isascii() and any(map(text.__contains__, _WIDE_SPACES)))
    ):
        return _SPACES.sub(" ", text).strip()
    return text.strip()


def _fix_abbreviation(match: re.Match[str]) -> str:
    """The run of letters ``match`` found, joined (``i. i. d.`` -> ``i.i.d.``), or as it is
    when it is a person's initials."""
    run = match.group(0)
    letters = [c for c in run if c.isalpha()]
    if letters[-1].isupper() and _NAME_AFTER.match(match.string, match.end()):
        return run
    comma = "," if run.endswith(",") else ""
    return "".join(f"{letter}." for letter in letters) + comma


def _strip_url_end(url: str) -> tuple[str, str]:
    """Split trailing punctuation (and unbalanced closing brackets) off a URL."""
    tail = ""
    while url:
        last = url[-1]
        if last in _TRAILING:
            pass
        elif last == ")" and url.count("(") < url.count(")"):
            pass
        else:
            break
        tail = last + tail
        url = url[:-1]
    return url, tail


def _url_body(text: str, pos: int) -> tuple[str, int] | None:
    """The URL body starting at ``pos`` (spaces removed) and where it ends."""
    piece = _URL_PIECE.match(text, pos)
    if piece is None:
        return None
    parts = [piece.group(0)]
    end = piece.end()
    while parts[-1][-1] in _URL_JOINERS:
        gap = end
        while gap < len(text) and text[gap] == " ":
            gap += 1
        if gap == end or gap - end > 1 or not _URL_NEXT.match(text, gap):
            break
        nxt = _URL_PIECE.match(text, gap)
        if nxt is None:
            break
        in_path = "/" in "".join(parts)
        if in_path and parts[-1][-1] == "." and not _PATH_EXTENSION.match(nxt.group(0)):
            break
        parts.append(nxt.group(0))
        end = nxt.end()
    return "".join(parts), end


def _first_url_start(text: str) -> int | None:
    """Where the search for URL starts may begin (``None``: there is none), found cheaply.

    _URL_START tries its case-insensitive scheme at every character, which is slow on
    every abstract.
    Its ``:`` is one of _URL_HINT's, whose search skips to each ``:``; the first URL start is
    at most a scheme (5 letters) and a run of spaces before the first hint, as nothing but
    letters and spaces lies between a scheme's start and its ``:``.
    """
    hint = _URL_HINT.search(text)
    if hint is None:
        return None
    start = hint.start()
    while start > 0 and text[start - 1].isspace():  # str.isspace is what \s matches
        start -= 1
    return max(0, start - len("https"))


def _rebuild_urls(text: str, first: int = 0) -> tuple[str, list[str]]:
    """``text`` with its URLs rebuilt, and the URLs; the first can start no earlier than
    ``first`` (``\\b`` still sees the character before it)."""
    urls: list[str] = []
    out: list[str] = []
    pos = 0
    for start in _URL_START.finditer(text, first):
        if start.start() < pos:
            continue
        found = _url_body(text, start.end())
        if found is None:
            continue
        body, end = found
        url, tail = _strip_url_end(f"{start.group('scheme').lower()}://{body}")
        if "." not in url.split("://", 1)[1].split("/", 1)[0]:
            continue  # no host: not a URL after all
        out.append(text[pos : start.start()])
        out.append(url + tail)
        urls.append(url)
        pos = end
    out.append(text[pos:])
    return "".join(out), urls


def _fix_abbreviations(text: str) -> str:
    """``i. e. ,`` -> ``i.e.,`` throughout ``text``: ``_ABBREVIATION.sub(_fix_abbreviation,
    text)``, trying only where a match can start.

    _ABBREVIATION, like _URL_START, tries a letter at every character, which is slow on every
    abstract. Its first full stop starts an _ABBREVIATION_HINT, which is found fast, and a
    match starts one or two characters before it: trying those places in order, from the end
    of the last match, finds the matches the substitution would.
    """
    out: list[str] = []
    pos = 0
    for hint in _ABBREVIATION_HINT.finditer(text):
        for start in (hint.start() - 2, hint.start() - 1):
            # match() at a position still sees the character before it, for \b
            if start >= pos and (match := _ABBREVIATION.match(text, start)) is not None:
                out += (text[pos:start], _fix_abbreviation(match))
                pos = match.end()
                break
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def repair_abstract(raw: str) -> tuple[str, tuple[str, ...]]:
    """Return the repaired abstract and the URLs found in it."""
    text = clean_inline(raw.replace("\r", " ").replace("\n", " "))
    # Each step first looks, cheaply, for where its work can start: most abstracts need few
    # of the steps, and only near their end (tests/oracles.py has the plain version).
    if "\\footnote{" in text:
        text = _FOOTNOTE.sub(lambda m: f" ({m.group(1).strip()})", text)
    first = _first_url_start(text)
    text, urls = (text, []) if first is None else _rebuild_urls(text, first)
    text = _fix_abbreviations(text)
    text = clean_inline(text)
    return text, tuple(dict.fromkeys(urls))
