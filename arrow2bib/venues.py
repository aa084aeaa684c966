"""Venue table: from the site's short venue names to real proceedings and journal names.

The names live in ``data/venues.json`` (one entry per venue series), never in code. Each
entry has base fields, ``eras`` that override them for a range of years (NIPS became
NeurIPS in 2018, CVPR's IEEE became IEEE/CVF in 2018...), and ``variants`` chosen by the
page's venue kind word (``Workshop``, ``Findings``, ``Symposium``...). The table is read and
validated once, on first use; :func:`resolve` is a cached dict lookup on a normalised name.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from .errors import Arrow2BibError
from .text.fold import fold_ascii

__all__ = ["Venue", "VenueTable", "VenueTableError", "check_user_entry", "load_table",
           "normalise", "resolve", "use_user_entries"]

#: Keys an entry, an era or a variant may set; the rest of the layer keys are structure.
FIELDS = frozenset({"short", "event", "container", "kind", "publisher", "series", "issn",
                    "published", "workshop", "edition", "editions", "volume", "volumes"})
#: Keys only a whole entry has, and keys only a variant has.
ENTRY_KEYS = FIELDS | {"id", "aliases", "kinds", "eras", "variants", "from", "until"}
VARIANT_KEYS = FIELDS | {"eras", "from", "until", "use"}
ERA_KEYS = FIELDS | {"from", "until"}
REQUIRED = ("id", "short", "event", "container", "kind")
#: The kind words that mean "the venue itself" (``Journal``/``Magazine`` for a journal...).
#: An entry's ``kinds`` adds to these; any other word needs a variant, or gives None.
BASE_KINDS = {"proceedings": frozenset({"", "conference", "proceedings"}),
              "journal": frozenset({"", "journal", "magazine", "transactions"})}
PLACEHOLDERS = frozenset({"{nth}", "{Nth}", "{short}", "{event}", "{container}"})
_ONES = ("", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth",
         "Ninth", "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth",
         "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth")
_TENS = ("", "", "Twent", "Thirt", "Fort", "Fift", "Sixt", "Sevent", "Eight", "Ninet")


class VenueTableError(Arrow2BibError, ValueError):
    """The venue table (``data/venues.json`` or one given to :func:`load_table`) is malformed."""


@dataclass(frozen=True, kw_only=True)
class Venue:
    """What a short venue name stands for, in a given year."""

    #: The short name as used that year (``NIPS`` before 2018, ``NeurIPS`` after).
    short: str
    #: The series or event name: ``Conference on Neural Information Processing Systems``;
    #: empty for a journal, which has no event.
    event: str
    #: What papers appear in: ``Advances in Neural Information Processing Systems``,
    #: ``Proceedings of the AAAI Conference on Artificial Intelligence``, or a journal's name.
    #: Never holds a year or a place.
    container: str
    kind: Literal["proceedings", "journal"]
    publisher: str | None = None
    #: A book series the proceedings belong to: ``Proceedings of Machine Learning Research``.
    series: str | None = None
    #: The volume of the series or journal for that year (``33`` for NeurIPS 2020), if known.
    volume: str | None = None
    #: Which meeting of the series it was (``37`` for ICML 2020), if known.
    edition: int | None = None
    issn: str | None = None
    #: True when the page's kind word made this the venue's workshop.
    workshop: bool = False
    #: False when ``container`` names no published volume (a workshop without proceedings):
    #: it then describes where the paper was presented, not a book it appears in.
    published: bool = True


def normalise(name: str) -> str:
    """``name`` folded for lookup: no case, accents, punctuation or spaces; ``&`` is ``and``."""
    return fold_ascii(name.replace("&", " and ")).lower()


def _ordinal(n: int, words: bool) -> str:
    if not words or n >= 100:  # spelled out only up to Ninety-Ninth; later ones in digits
        suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return f"{_TENS[tens]}ieth" if not ones else f"{_TENS[tens]}y-{_ONES[ones]}"


def _count(fields: Mapping[str, Any], key: str, year: int | None) -> int | None:
    """The ``edition`` or ``volume`` number for ``year``: an explicit table wins over a rule."""
    if year is None:
        return None
    table = fields.get(key + "s") or {}
    if str(year) in table:
        return int(table[str(year)])
    rule = fields.get(key)
    if not rule:
        return None
    step, offset = rule.get("step", 1), year - rule["year"]
    number = rule["number"] + offset // step
    return number if offset % step == 0 and number >= 1 else None


def _render(text: str, edition: int | None, context: Mapping[str, str]) -> str:
    if edition is None:  # no known edition: drop the ordinal and its space
        text = re.sub(r"\{[nN]th\} ?", "", text)
    else:
        text = text.replace("{nth}", _ordinal(edition, False))
        text = text.replace("{Nth}", _ordinal(edition, True))
    for key, value in context.items():
        text = text.replace("{" + key + "}", value)
    return text


def _in_range(layer: Mapping[str, Any], year: int | None) -> bool:
    """Whether an era applies; with no year, only the open-ended (latest) ones do."""
    if year is None:
        return "until" not in layer
    return _within(layer, year)


def _within(layer: Mapping[str, Any], year: int | None) -> bool:
    """Whether an entry or a variant existed in ``year`` (any of them may, with no year)."""
    return year is None or layer.get("from", year) <= year <= layer.get("until", year)


def _overlay(fields: dict[str, Any], layer: Mapping[str, Any], year: int | None
             ) -> dict[str, Any]:
    """``fields`` with a layer's fields (an entry's or a variant's, then its eras for
    ``year``) laid over them."""
    fields.update((k, v) for k, v in layer.items() if k in FIELDS)
    for era in layer.get("eras", ()):
        if _in_range(era, year):
            fields.update((k, v) for k, v in era.items() if k in FIELDS)
    return fields


def _build(fields: Mapping[str, Any], year: int | None, context: Mapping[str, str]) -> Venue:
    edition = _count(fields, "edition", year)
    volume = _count(fields, "volume", year)
    text = {k: _render(fields[k], edition, context) for k in ("short", "event", "container")}
    return Venue(**text, kind=fields["kind"], publisher=fields.get("publisher"),
                 series=fields.get("series"), issn=fields.get("issn"),
                 volume=None if volume is None else str(volume), edition=edition,
                 workshop=bool(fields.get("workshop", False)),
                 published=bool(fields.get("published", True)))


class VenueTable:
    """A validated venue table: entries by id and by every normalised name."""

    def __init__(self, data: Mapping[str, Any], user: frozenset[str] = frozenset()):
        _validate(data)
        self.defaults: Mapping[str, Any] = data.get("defaults", {})
        self.entries: dict[str, Mapping[str, Any]] = {e["id"]: e for e in data["venues"]}
        self.names: dict[str, str] = {}
        for entry in data["venues"]:
            for name in _names(entry):
                owner = self.names.setdefault(normalise(name), entry["id"])
                if owner != entry["id"] and entry["id"] in user and owner not in user:
                    self.names[normalise(name)] = entry["id"]  # the user's entry wins
                elif owner != entry["id"]:
                    raise VenueTableError(
                        f"venue entries {owner!r} and {entry['id']!r} both claim the name "
                        f"{name!r}; remove it from one of them.")

    def resolve(self, venue: str, year: int | None, kind: str) -> Venue | None:
        """See :func:`resolve`."""
        entry_id = self.names.get(normalise(venue))
        return None if entry_id is None else self.resolve_entry(entry_id, year, normalise(kind))

    def resolve_entry(self, entry_id: str, year: int | None, kind: str) -> Venue | None:
        """The venue of entry ``entry_id`` in ``year`` for the normalised kind word ``kind``."""
        entry = self.entries[entry_id]
        if not _within(entry, year):
            return None  # the series did not exist (under this name) that year
        fields = _overlay({}, entry, year)
        base = _build(fields, year, {})
        variant = entry.get("variants", {}).get(kind)
        if variant is None and kind in BASE_KINDS[fields["kind"]] | set(entry.get("kinds", ())):
            return base
        if variant is None and kind == "workshop" and fields["kind"] == "proceedings":
            variant = self.defaults.get("workshop")
        if variant is None:
            return None  # a kind word this venue does not have: keep the venue as written
        if "use" in variant:
            return self.resolve_entry(variant["use"], year, "")
        if not _within(variant, year):
            return None
        context = {"short": base.short, "event": base.event, "container": base.container}
        return _build(_overlay(fields, variant, year), year, context)


def _names(entry: Mapping[str, Any]) -> set[str]:
    """Every name an entry answers to: aliases, and each era's short name, event and title."""
    names = set(entry.get("aliases", ()))
    for layer in (entry, *entry.get("eras", ())):
        names.update(layer[k] for k in ("short", "event", "container")
                     if layer.get(k) and "{" not in layer[k])
    return names


def _check_layer(where: str, layer: Any, allowed: frozenset[str], errors: list[str]) -> None:
    if not isinstance(layer, dict):
        errors.append(f"{where} is not an object")
        return
    errors.extend(f"{where}: unknown key {k!r}" for k in sorted(set(layer) - allowed))
    for key in ("short", "event", "container"):
        value = layer.get(key)
        if key in layer and not isinstance(value, str):
            errors.append(f"{where}: {key!r} must be a string")
        elif isinstance(value, str):
            bad = set(re.findall(r"\{[^}]*\}", value)) - PLACEHOLDERS
            errors.extend(f"{where}: unknown placeholder {b} in {key!r}" for b in sorted(bad))
    if "kind" in layer and layer["kind"] not in BASE_KINDS:
        errors.append(f"{where}: 'kind' must be 'proceedings' or 'journal'")
    for key in ("from", "until"):
        if key in layer and type(layer[key]) is not int:
            errors.append(f"{where}: {key!r} must be a year (an integer)")
    if isinstance(layer.get("from"), int) and isinstance(layer.get("until"), int) \
            and layer["from"] > layer["until"]:
        errors.append(f"{where}: 'from' is after 'until'")
    for key in ("edition", "volume"):
        rule = layer.get(key)
        if rule is not None and not (
                isinstance(rule, dict) and set(rule) <= {"year", "number", "step"}
                and all(type(rule.get(k)) is int for k in ("year", "number"))
                and type(rule.get("step", 1)) is int and rule.get("step", 1) > 0):
            errors.append(f"{where}: {key!r} must be {{'year': int, 'number': int, 'step'?: int}}")
        table = layer.get(key + "s")
        if table is not None and not (isinstance(table, dict) and all(
                k.isdigit() and str(v).isdigit() for k, v in table.items())):
            errors.append(f"{where}: {key + 's'!r} must map years to numbers")
    for key in ("publisher", "series", "issn"):
        if layer.get(key) is not None and not isinstance(layer[key], str):
            errors.append(f"{where}: {key!r} must be a string or null")
    for key in ("published", "workshop"):
        if key in layer and not isinstance(layer[key], bool):
            errors.append(f"{where}: {key!r} must be true or false")
    if "eras" in layer:
        eras = layer["eras"]
        if not isinstance(eras, list):
            errors.append(f"{where}: 'eras' must be a list")
        else:
            for i, era in enumerate(eras):
                _check_layer(f"{where}: eras[{i}]", era, ERA_KEYS, errors)


def _validate(data: Any) -> None:
    """Raise :class:`VenueTableError` listing every problem of the table, by entry."""
    if not isinstance(data, dict) or not isinstance(data.get("venues"), list):
        raise VenueTableError("the venue table must be an object with a 'venues' list.")
    errors: list[str] = []
    _check_layer("defaults.workshop", data.get("defaults", {}).get("workshop", {}),
                 VARIANT_KEYS, errors)
    ids = [e.get("id") if isinstance(e, dict) else None for e in data["venues"]]
    for i, entry in enumerate(data["venues"]):
        where = f"entry {ids[i]!r}" if isinstance(ids[i], str) else f"entry #{i}"
        _check_layer(where, entry, ENTRY_KEYS, errors)
        if not isinstance(entry, dict):
            continue
        errors.extend(f"{where}: missing {k!r}" for k in REQUIRED if k not in entry)
        if ids.count(entry.get("id")) > 1:
            errors.append(f"{where}: the id is used twice")
        if not all(isinstance(a, str) and normalise(a) for a in entry.get("aliases", [])):
            errors.append(f"{where}: every alias must be a non-empty name")
        if not all(isinstance(k, str) and k == normalise(k) for k in entry.get("kinds", [])):
            errors.append(f"{where}: 'kinds' must list lower-case kind words")
        for name, variant in (entry.get("variants") or {}).items():
            if name != normalise(name) or not name:
                errors.append(f"{where}: variant {name!r} must be a lower-case kind word")
            _check_layer(f"{where}: variants.{name}", variant, VARIANT_KEYS, errors)
            if isinstance(variant, dict) and "use" in variant and variant["use"] not in ids:
                errors.append(f"{where}: variants.{name} uses the unknown entry {variant['use']!r}")
    if errors:
        raise VenueTableError("the venue table is malformed; fix these entries in "
                              "arrow2bib/data/venues.json: " + "; ".join(errors) + ".")


def load_table(data: Mapping[str, Any] | None = None) -> VenueTable:
    """Validate ``data`` (the packaged table when None) and index it for lookups."""
    if data is None:
        text = resources.files(__package__).joinpath("data/venues.json").read_text("utf-8")
        data = json.loads(text)
    return VenueTable(data)


_packaged = functools.cache(load_table)  # read and validated once, on first use
_user: VenueTable | None = None


def _table() -> VenueTable:
    return _user if _user is not None else _packaged()


def check_user_entry(entry: Mapping[str, Any]) -> None:
    """Raise :class:`VenueTableError` when ``entry`` (one entry of a user's venue table, in
    the packaged table's form) is malformed; its ``use`` may name a built-in entry."""
    builtin = list(_packaged().entries.values())
    try:
        _validate({"venues": [*(e for e in builtin if e["id"] != entry.get("id")), entry]})
    except VenueTableError as exc:
        raise VenueTableError(str(exc).replace(
            "fix these entries in arrow2bib/data/venues.json: ", "")) from None


def use_user_entries(entries: list[Mapping[str, Any]] | None) -> None:
    """Merge ``entries`` over the packaged table for :func:`resolve` (an entry with a
    built-in id replaces it; a name both claim is the user entry's); None or ``[]`` goes back
    to the packaged table alone."""
    global _user
    if entries:
        packaged = _packaged()
        ids = {entry["id"] for entry in entries}
        data = {"defaults": packaged.defaults, "venues": [
            *(e for e in packaged.entries.values() if e["id"] not in ids), *entries]}
        _user = VenueTable(data, user=frozenset(ids))
    else:
        _user = None
    resolve.cache_clear()


@functools.lru_cache(maxsize=65536)  # a page repeats few (venue, year, kind) triples
def resolve(venue: str, year: int | None = None, kind: str = "") -> Venue | None:
    """The :class:`Venue` that ``venue`` (as the page writes it) names in ``year``, or None.

    ``venue`` is matched without case, accents, spaces or punctuation, through aliases
    (``NIPS``, ``TheWebConf``, ``ECML-PKDD``...). ``kind`` is the page's kind word: the
    venue's own (``Conference``, ``Journal``) or empty gives the venue; ``Workshop`` gives
    its workshops; a word the venue does not have gives None, as does a year outside the
    series' life. With ``year`` None the latest names apply and no volume or edition is
    known.
    """
    return _table().resolve(venue, year, kind)
