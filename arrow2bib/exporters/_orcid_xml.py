"""The text of ORCID's work XML.

Apart from the format's rules (:mod:`arrow2bib.exporters.orcid`). A work is written as text,
line by line, exactly as lxml's ``tostring(..., pretty_print=True)`` writes the same
elements: two spaces a level, an element with children over several lines, one with text
on one line (the text as it is, but for ``&``, ``<``, ``>`` and a carriage return, which
libxml2 escapes as :func:`escape` does), a container left empty as ``<tag/>``. Building the
lxml elements and serializing them was more than half of the format's own time (a work of
the 2,000-paper overlap page: 74 -> 33 us without the citation, 126 -> 72 us with it);
``tests/test_orcid.py`` compares the text with lxml's serialization of the same elements.
Its text is legal XML because every value went through
:func:`arrow2bib.exporters.orcid.xml_text` (lxml refused the others).

lxml stays for :func:`is_any_uri` (``-O links=url``), imported when first asked.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree

WORK_NS = "http://www.orcid.org/ns/work"
COMMON_NS = "http://www.orcid.org/ns/common"
BULK_NS = "http://www.orcid.org/ns/bulk"
CONTRIBUTOR_ROLE = "author"

#: The XML declaration lxml writes for ``encoding="UTF-8"``.
DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"
_NAMESPACES = f' xmlns:work="{WORK_NS}" xmlns:common="{COMMON_NS}"'
#: The opening tag of a ``<work:work>`` document, and of a work inside a bulk.
WORK_ROOT = f"<work:work{_NAMESPACES}>"
WORK_IN_BULK = "<work:work>"
_BULK = f'<bulk:bulk xmlns:bulk="{BULK_NS}"{_NAMESPACES}'
#: The indentation of one level (lxml's pretty print).
INDENT = "  "


def escape(text: str) -> str:
    """``text`` as XML character data, as libxml2 writes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def leaf(out: list[str], pad: str, tag: str, text: str | None) -> None:
    """Append ``<tag>text</tag>`` at indentation ``pad``, or nothing when ``text`` is None or
    blank (the XSD wants those elements non-blank, and an absent value is better left out)."""
    if text and not text.isspace():
        out.append(f"{pad}<{tag}>{escape(text)}</{tag}>\n")


def bulk(works: list[str]) -> str:
    """A ``<bulk:bulk>`` document of ``works`` (each written at one level in, with
    :data:`WORK_IN_BULK`)."""
    if not works:
        return f"{DECLARATION}{_BULK}/>\n"
    return f"{DECLARATION}{_BULK}>\n{''.join(works)}</bulk:bulk>\n"


@functools.lru_cache(maxsize=4096)
def contributor(name: str, sequence: str, pad: str) -> str:
    """A ``<work:contributor>`` of ``name`` (``sequence`` first or additional) at indentation
    ``pad`` (co-authors recur: each is written once)."""
    inner, attributes = pad + INDENT, pad + INDENT * 2
    return (f"{pad}<work:contributor>\n"
            f"{inner}<work:credit-name>{escape(name)}</work:credit-name>\n"
            f"{inner}<work:contributor-attributes>\n"
            f"{attributes}<work:contributor-sequence>{sequence}</work:contributor-sequence>\n"
            f"{attributes}<work:contributor-role>{CONTRIBUTOR_ROLE}</work:contributor-role>\n"
            f"{inner}</work:contributor-attributes>\n"
            f"{pad}</work:contributor>\n")


@functools.cache
def _any_uri_schema() -> etree.XMLSchema:
    from lxml import etree

    return etree.XMLSchema(etree.fromstring(
        b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        b'<xs:element name="u" type="xs:anyURI"/></xs:schema>'))


def is_any_uri(url: str) -> bool:
    """Whether ``url`` is an ``xs:anyURI`` as libxml2 (and so ORCID's XSD check) reads it:
    ``%zz``, a second ``#`` or a port that is not a number are not."""
    from lxml import etree

    element = etree.Element("u")
    try:
        element.text = url
    except ValueError:  # not XML text at all
        return False
    return _any_uri_schema().validate(element)
