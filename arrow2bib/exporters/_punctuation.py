"""Punctuation as the style and locale mean it, where citeproc-py differs from citeproc-js.

citeproc-py (0.11) joins affixes and delimiters without looking at what they meet, so:

- a period ends "et al." and the style's delimiter adds another: ``Li, S. et al.. Beyond``
  (nature); citeproc-js, the reference CSL processor, writes one period; so it does after a
  title that ends in ``?`` or ``!`` (``Is Attention All You Need?. Proceedings``: citeproc-js
  writes ``Need? Proceedings``, and ``Need?”`` where the period would go inside the quote);
- a locale with ``punctuation-in-quote="true"`` (en-US) wants a comma or period after a
  quoted title inside the closing quote (IEEE: ``“Title,” in``); citeproc-py leaves it out.

:func:`tidy` fixes both in citeproc-py's HTML for one reference (tags may stand between the
marks); the tests compare the result with citeproc-js (``tests/test_citeproc_js.py``).
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a reference is formatted, as citeproc-py
    from lxml import etree

__all__ = ["punctuation_in_quote", "tidy"]

CSL = "{http://purl.org/net/xbiblio/csl}"
_TAGS = r"(?:</?[a-z]+(?: [^>]*)?>)*"
#: A period after a period (not an ellipsis of three), a question or an exclamation mark,
#: tags and a closing quote allowed between them.
_DOUBLE_PERIOD = re.compile(rf"(?<!\.)([.?!]{_TAGS}[”’]?{_TAGS})\.(?!\.)")
#: A closing quote, tags, then a comma or period.
_OUTSIDE_QUOTE = re.compile(rf"([”’])({_TAGS})([.,])")


@functools.cache
def _locale_option(locale: str) -> bool | None:
    name = f"locales-{locale}.xml"
    from lxml import etree

    try:
        path = importlib.resources.files("citeproc") / "data" / "locales" / name
        root = etree.parse(str(path)).getroot()
    except (OSError, etree.XMLSyntaxError):
        return None
    options = root.find(f"{CSL}style-options")
    value = options.get("punctuation-in-quote") if options is not None else None
    return None if value is None else value == "true"


def punctuation_in_quote(style: etree._Element, locale: str | None) -> bool:
    """Whether commas and periods go inside closing quotes: the style's own ``<locale>``
    for that language first, then the locale file (en-US: yes, en-GB: no)."""
    locale = locale or style.get("default-locale") or "en-US"
    for element in style.iterfind(f"{CSL}locale"):
        lang = element.get("{http://www.w3.org/XML/1998/namespace}lang")
        options = element.find(f"{CSL}style-options")
        if (lang is None or locale.startswith(lang)) and options is not None and \
                options.get("punctuation-in-quote") is not None:
            return options.get("punctuation-in-quote") == "true"
    found = _locale_option(locale)
    if found is None and "-" in locale:
        found = _locale_option(locale.split("-")[0] + "-" + locale.split("-")[0].upper())
    return bool(found) if found is not None else locale.startswith("en-US")


def tidy(html: str, in_quote: bool) -> str:
    """One reference's HTML with, when ``in_quote``, a comma or period after a closing quote
    moved inside it; then a period that follows a period, ``?`` or ``!`` left out."""
    if in_quote:  # first: the period moved inside may meet the title's own ("Etc..”")
        html = _OUTSIDE_QUOTE.sub(r"\3\1\2", html)
    return _DOUBLE_PERIOD.sub(r"\1", html)
