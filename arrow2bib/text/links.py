"""Where the links found in an abstract go: they are not the paper's address.

The page gives no address for a paper; the URLs the parser rebuilds from an abstract are
usually its code or data. Styles print ``url`` as where the work is (plainnat, APA) and
reference managers open it as the paper, so by default (``-O links=note``) each format puts
them where it keeps extra links, after :data:`NOTE_PREFIX`:

============  ==================================================================
BibTeX        ``note``, the URLs as escaped text (``\\url`` is not defined by plain,
              abbrv or apalike; every style compiles it with no package)
biblatex      ``addendum``, with ``\\url`` (biblatex defines it)
CSL-JSON      ``note`` (and ``custom.urls``); no ``URL``
RIS           an ``N1`` line; no ``UR``
ORCID         the description (the abstract keeps them); no ``common:url``
============  ==================================================================

``-O links=url`` makes the first the work's ``url`` (``URL``, ``UR``, ``common:url``) as
before, the others in the note.
"""

from __future__ import annotations

from ..errors import SettingError

__all__ = ["HELP", "MODES", "NOTE_PREFIX", "mode", "note"]

MODES = ("note", "url")
HELP = ("note (default): links found in the abstract go to the note, not the paper's url; "
        "url: the first is the url")
NOTE_PREFIX = "Linked in the abstract: "


def mode(value: str) -> str:
    """The ``links`` option's value, checked."""
    value = value.strip().lower()
    if value not in MODES:
        raise SettingError(f"The links option takes {' or '.join(MODES)}, not {value!r}.")
    return value


def note(urls: list[str] | tuple[str, ...], separator: str = " ") -> str:
    """The note naming ``urls`` (already written for the format), or ``""``."""
    urls = [u for u in urls if u]
    return NOTE_PREFIX + separator.join(urls) if urls else ""
