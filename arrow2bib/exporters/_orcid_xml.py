"""The elements of ORCID's work XML, built with lxml.

Apart from the format's rules (:mod:`arrow2bib.exporters.orcid`) so that registering the
format, which every run does, imports no lxml: this module is imported when the first work is
built.
"""

from __future__ import annotations

import functools

from lxml import etree

WORK_NS = "http://www.orcid.org/ns/work"
COMMON_NS = "http://www.orcid.org/ns/common"
BULK_NS = "http://www.orcid.org/ns/bulk"
_WORK_NSMAP = {"work": WORK_NS, "common": COMMON_NS}
_BULK_NSMAP = {"bulk": BULK_NS, **_WORK_NSMAP}
CONTRIBUTOR_ROLE = "author"


def work(parent: etree._Element | None) -> etree._Element:
    """A new ``<work:work>``, appended to ``parent`` (a bulk) if given."""
    if parent is None:
        return etree.Element(f"{{{WORK_NS}}}work", nsmap=_WORK_NSMAP)
    return etree.SubElement(parent, f"{{{WORK_NS}}}work")


def bulk() -> etree._Element:
    """A new, empty ``<bulk:bulk>``."""
    return etree.Element(f"{{{BULK_NS}}}bulk", nsmap=_BULK_NSMAP)


@functools.lru_cache(maxsize=4096)
def contributor(name: str, sequence: str) -> etree._Element:
    """A ``<work:contributor>`` of ``name`` (``sequence`` first or additional), to copy."""
    element = etree.Element(f"{{{WORK_NS}}}contributor", nsmap=_WORK_NSMAP)
    leaf(element, WORK_NS, "credit-name", name)
    attributes = node(element, WORK_NS, "contributor-attributes")
    leaf(attributes, WORK_NS, "contributor-sequence", sequence)
    leaf(attributes, WORK_NS, "contributor-role", CONTRIBUTOR_ROLE)
    return element


def node(parent: etree._Element, ns: str, tag: str) -> etree._Element:
    """Append an empty ``<ns:tag>`` to ``parent`` and return it."""
    return etree.SubElement(parent, _qualified(ns, tag))


@functools.lru_cache(maxsize=None)  # a few dozen names, each written for every work
def _qualified(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def leaf(parent: etree._Element, ns: str, tag: str, text: str | None) -> None:
    """Append ``<ns:tag>text</ns:tag>``, or nothing when ``text`` is None or blank (the XSD
    wants those elements non-blank, and an absent value is better left out)."""
    if text and text.strip():
        node(parent, ns, tag).text = text


def serialize(root: etree._Element) -> str:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                          pretty_print=True).decode("utf-8")


@functools.cache
def _any_uri_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.fromstring(
        b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        b'<xs:element name="u" type="xs:anyURI"/></xs:schema>'))


def is_any_uri(url: str) -> bool:
    """Whether ``url`` is an ``xs:anyURI`` as libxml2 (and so ORCID's XSD check) reads it:
    ``%zz``, a second ``#`` or a port that is not a number are not."""
    element = etree.Element("u")
    try:
        element.text = url
    except ValueError:  # not XML text at all
        return False
    return _any_uri_schema().validate(element)
