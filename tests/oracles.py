"""Reference implementations: the plain versions of the library's fast paths, which the
property tests check the fast paths against. They live here, not beside the fast path, so
the library ships only the code that runs (hypothesis keeps its own oracles in its tests)."""

from __future__ import annotations

import json
import os
import re
from typing import Any, Iterator

from arrow2bib.exporters import biblatex, bibtex, orcid, ris
from arrow2bib.exporters.base import Entry, Requirements, missing
from arrow2bib.model import Paper
from arrow2bib.read import grammar, repair
from arrow2bib.text import fold, latex
from arrow2bib.text.markup import Span


def examples(thorough: int) -> int:
    """A property test's number of examples: an eighth of ``thorough`` per run (the suite's
    time: every property test of the suite takes its budget from here), all of them with
    ``ARROW2BIB_THOROUGH=1`` (hypothesis keeps failing examples in its database either
    way)."""
    return thorough if os.environ.get("ARROW2BIB_THOROUGH") == "1" else max(1, thorough // 8)


# -- text.markup -------------------------------------------------------------------------

#: The markup pattern written plainly, the look-behind for ``\$`` first.
MARKUP = re.compile(
    r"(?<![\\$])\$(?P<math>[^\s$](?:[^$\n]*?[^\s$\\])?)\$(?!\$)"
    r"|\*\*(?P<bold>[^*\n](?:[^\n]*?[^*\n])?)\*\*"
)


def spans(text: str) -> Iterator[Span]:
    """:func:`arrow2bib.text.markup.spans` match by match with the plain pattern."""
    pos = 0
    for match in MARKUP.finditer(text):
        if match.start() > pos:
            yield Span("text", text[pos : match.start()])
        if match.group("math") is not None:
            yield Span("math", match.group("math"))
        else:
            yield Span("bold", match.group("bold"))
        pos = match.end()
    if pos < len(text):
        yield Span("text", text[pos:])


# -- text.fold ---------------------------------------------------------------------------

def title_tokens(text: str) -> list[str]:
    """:func:`arrow2bib.text.fold.title_tokens` with the regex split for ASCII text too."""
    text = fold.decode_latex(text).replace("**", " ").replace("$", " ")
    if text.isascii():
        folded = text.lower()
    else:
        folded = " ".join([fold.fold(word) for word in text.split(" ")])
    return [t for t in fold._NON_WORD.split(folded) if t]


def collapse(text: str) -> str:
    """:func:`arrow2bib.text.fold.collapse` as a regex alone."""
    return re.sub(r"\s+", " ", text).strip()


# -- text.latex --------------------------------------------------------------------------

def _words(text: str, ascii: bool, protect: bool, changed: list[tuple[str, str]]) -> list[str]:
    """Units of plain text, with the words that need it braced (per word, never the whole)."""
    if not protect:
        return latex._units(text, ascii, changed)
    units: list[str] = []
    for token in re.split(r"( )", text):
        units += latex._word(token, ascii, changed)
    return units


def render(text: str, *, ascii: bool = True, protect: bool = False) -> latex.Latex:
    """:func:`arrow2bib.text.latex.render` unit by unit, with no cache."""
    changed: list[tuple[str, str]] = []
    cleaned = latex._clean_careful(text, changed, ascii)
    return latex.Latex(_markup(cleaned, ascii, protect, changed), tuple(changed))


def _markup(text: str, ascii: bool, protect: bool, changed: list[tuple[str, str]]) -> str:
    units: list[str] = []
    for span in spans(text):
        if span.kind == "math" and latex._math_ok.__wrapped__(span.text):
            units.append(f"{{${span.text}$}}" if protect else f"${span.text}$")
        elif span.kind == "math":
            units += _words(f"${span.text}$", ascii, protect, changed)
        elif span.kind == "bold":
            units.append(r"\textbf" + latex.brace(_markup(span.text, ascii, False, changed)))
        else:
            units += _words(span.text, ascii, protect, changed)
    return latex._join(units)


# -- read.repair and read.grammar --------------------------------------------------------

#: The mojibake hint as a plain alternation: a lead byte's character then a continuation
#: byte's, or ``Ã`` then a space.
MOJIBAKE_HINT = re.compile(
    f"[\u00c2-\u00f4][\u0080-\u00bf{re.escape(repair._CONTINUATION)}]|Ã "
)


def clean_inline(text: str) -> str:
    """:func:`arrow2bib.read.repair.clean_inline` without the shortcut."""
    return repair._SPACES.sub(" ", text).strip()


def repair_abstract(raw: str) -> tuple[str, tuple[str, ...]]:
    """:func:`arrow2bib.read.repair.repair_abstract` without the shortcuts."""
    text = clean_inline(raw.replace("\r", " ").replace("\n", " "))
    text = repair._FOOTNOTE.sub(lambda m: f" ({m.group(1).strip()})", text)
    text, urls = repair._rebuild_urls(text)
    text = repair._ABBREVIATION.sub(repair._fix_abbreviation, text)
    text = clean_inline(text)
    return text, tuple(dict.fromkeys(urls))


def normalise_line(text: str) -> str:
    """What the grammar's ``_normalise`` gives, the plain way."""
    return repair.clean_inline(text.translate(grammar._SPACES))


# -- exporters ---------------------------------------------------------------------------

def orcid_fit(value: str, limit: int | None, line: bool) -> tuple[str, str, int | None]:
    """:func:`arrow2bib.exporters.orcid._fit` with regex scans only (no fast path for
    printable text)."""
    if orcid._FORBIDDEN.search(value) is None:
        clean, removed = value, ""
    else:
        clean = orcid._FORBIDDEN.sub("", value)
        removed = "".join(orcid._FORBIDDEN.findall(value))
    clean = orcid._LINE_BREAKS.sub(" ", clean).strip() if line else clean.strip()
    if limit is not None and len(clean) > limit:
        return orcid._shorten(clean, limit), removed, len(clean)
    return clean, removed, None


_json = json.JSONEncoder(ensure_ascii=False).encode


def csl_dumps(value: Any, depth: int) -> str:
    """:func:`arrow2bib.exporters.csljson._dumps` with json's encoder for every value."""
    if not isinstance(value, (list, dict)) or not value:
        return _json(value)
    if depth >= 2 and len(flat := _json(value)) <= 80:
        return flat
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, list):
        return "[\n" + ",\n".join(inner + csl_dumps(v, depth + 1) for v in value) + f"\n{pad}]"
    return ("{\n" + ",\n".join(f"{inner}{_json(k)}: {csl_dumps(v, depth + 1)}"
                                for k, v in value.items()) + f"\n{pad}}}")


def ris_value(text: str) -> tuple[str, bool]:
    """:func:`arrow2bib.exporters.ris.ris_value` without its fast path for printable text."""
    folded = ris._BREAKS.sub(" ", text)
    changed = folded != text
    if ris._REMOVABLE.search(folded):
        folded = ris._REMOVABLE.sub("", folded)
        changed = True
    return re.sub(r"\s+", " ", folded).strip(), changed


def bibtex_requirements(paper: Paper) -> Requirements:
    """The BibTeX exporter's requirements from a sketch of every field."""
    entry_type, fields = bibtex.bibtex_fields(paper, ascii=False, sketch=True)
    present = [name for name, value in fields.items() if value.text]
    return missing(entry_type, present, bibtex.REQUIRED_FIELDS, bibtex.RECOMMENDED_FIELDS)


def ris_requirements(paper: Paper) -> Requirements:
    """The RIS exporter's requirements from the whole record (the tags with a value)."""
    record = ris.ris_record(Entry(key="check", paper=paper))
    present = [tag for tag, value in record if value]
    return missing(record[0][1], present, ris.REQUIRED_FIELDS, ris.RECOMMENDED_FIELDS)


def biblatex_requirements(paper: Paper) -> Requirements:
    """The biblatex exporter's requirements from a sketch of every field."""
    entry_type, fields = biblatex.biblatex_fields(Entry(key="check", paper=paper), sketch=True)
    present = [n for n, v in fields.items() if v.text and n in biblatex.ALLOWED_FIELDS[entry_type]]
    return missing(entry_type, present, biblatex.REQUIRED_FIELDS, biblatex.RECOMMENDED_FIELDS)
