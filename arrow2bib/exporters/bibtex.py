"""The ``bibtex`` format: classic BibTeX, for ``bibtex`` with any ``.bst`` style.

Classic BibTeX is an 8-bit program, so by default every character is written as ASCII LaTeX
(``{\\"u}``, see :mod:`arrow2bib.text.latex`); ``-O encoding=utf8`` keeps characters as they are,
for biber or a UTF-8 aware toolchain. The entry type comes from the venue (T7 of FORMATS.md):
proceedings -> ``@inproceedings`` with ``booktitle``, journal -> ``@article`` with
``journal``, anything else -> ``@misc`` with ``howpublished``. The entries are made in
:mod:`arrow2bib.exporters._bibtex` (a module of the compiled core, which the ``biblatex``
exporter shares); this module registers the format and keeps those names importable from it.
"""

from __future__ import annotations

from typing import Callable, ClassVar, Iterable, Sequence, TextIO

from ..errors import SettingError
from ..text import links, propernouns
from ..hookspecs import hookimpl
from ..model import Paper
from ..write.sort import FIELD_OPTIONS, FieldOptions, field_options, write_sorted
from ._bibtex import (
    ENTRY_TYPES, FIELD_ORDER, PAGE_KIND_ROLES, Placement, Report, asked_fields, bibtex_fields,
    field_present, format_entry, lossy, placement, report_changes, title, write_entry,
)
from .base import Entry, Exporter, ExportOptions, Layout, Requirements, missing

__all__ = ["ENTRY_TYPES", "FIELD_ORDER", "PAGE_KIND_ROLES", "BibTeXExporter", "BibTeXFamily",
           "Placement", "Report", "asked_fields", "bibtex_fields", "field_present",
           "format_entry", "lossy", "placement", "report_changes", "title", "write_entry"]

#: Fields the standard styles (plain.bst and kin) require per entry type; ``""``: others.
REQUIRED_FIELDS = {
    "inproceedings": ("author", "title", "booktitle", "year"),
    "article": ("author", "title", "journal", "year"),
    "": (),
}
#: Fields they print when present and that a reader expects.
RECOMMENDED_FIELDS = {
    "inproceedings": ("publisher",),
    "": ("author", "title", "year"),
}

#: The fields those tables ask about, per entry type (all a requirements check looks at).
ASKED_FIELDS = {entry_type: asked_fields(entry_type, REQUIRED_FIELDS, RECOMMENDED_FIELDS)
                for entry_type, _venue_field in ENTRY_TYPES.values()}

#: ``-O encoding=...`` values -> whether to write ASCII only.
ENCODINGS = {"ascii": True, "utf8": False, "utf-8": False}


class BibTeXFamily(Exporter):
    """What the BibTeX-syntax formats share: one entry per paper, separated by blank lines,
    and the field options (``omit``, ``order``, ``sort``) over the format's
    :attr:`field_order`."""

    #: The format's fields, in the order it writes them.
    field_order: ClassVar[tuple[str, ...]] = ()

    def fields(self, options: ExportOptions) -> FieldOptions:
        """The ``omit``, ``order`` and ``sort`` options."""
        return field_options(options, self.name, self.field_order)

    def layout(self, options: ExportOptions) -> Layout | None:
        """One entry per paper, separated by blank lines; None when sorted (the entries are
        then not written in the order they come)."""
        return None if self.fields(options).sort else Layout(separator="\n")

    def export(self, entries: Iterable[Entry], out: TextIO, options: ExportOptions) -> None:
        """Write one entry per paper, separated by blank lines (sorted on disk when asked)."""
        links.mode(self.option(options, "links", "note"))  # a bad value fails with no entries
        propernouns.settings(options.extra)  # a bad list fails before any output
        wanted = self.fields(options)
        if wanted.sort:
            write_sorted(entries, out, Layout(separator="\n"), wanted.sort,
                         lambda entry: self.format_entries([entry], options))
        else:
            self.write_layout(entries, out, options)


class BibTeXExporter(BibTeXFamily):
    """Classic BibTeX, ASCII-safe by default."""

    name = "bibtex"
    extension = ".bib"
    description = "BibTeX for bibtex and any .bst style; ASCII LaTeX escapes by default"
    options = {"encoding": "ascii (default: LaTeX escapes, safe for 8-bit bibtex) or utf8",
               "links": links.HELP,
               "propernouns": propernouns.FILE_HELP,
               "builtin-propernouns": propernouns.BUILTIN_HELP, **FIELD_OPTIONS}
    default_for_extension = True
    bibtex_syntax = True
    field_order = FIELD_ORDER

    def ascii(self, options: ExportOptions) -> bool:
        """Whether ``options`` ask for ASCII output (the default)."""
        value = self.option(options, "encoding", "ascii").strip().lower()
        if value not in ENCODINGS:
            raise SettingError(
                f"The bibtex option encoding={value!r} is not known: it takes ascii (the "
                "default: LaTeX escapes, for 8-bit bibtex) or utf8 (as -O encoding=utf8, or "
                "encoding = \"utf8\" under [options.bibtex] in a settings file)."
            )
        return ENCODINGS[value]

    def requirements(self, paper: Paper) -> Requirements:
        """The fields BibTeX styles require or recommend that this paper's entry lacks."""
        # decided field by field from the paper (field_present), and only for the fields the
        # tables ask about: the check runs on every paper, before the entry is formatted
        place = placement(paper)
        entry_type, venue_field = ENTRY_TYPES[place.role]
        present = [name for name in ASKED_FIELDS[entry_type]
                   if field_present(name, paper, place, venue_field)]
        return missing(entry_type, present, REQUIRED_FIELDS, RECOMMENDED_FIELDS)

    def format_entries(self, entries: Sequence[Entry], options: ExportOptions) -> str:
        """The entries' texts, separated by blank lines."""
        ascii, report = self.ascii(options), options.report
        mode = links.mode(self.option(options, "links", "note"))
        wanted, nouns = self.fields(options), propernouns.settings(options.extra)
        return "\n".join([format_entry(entry, ascii=ascii, report=report, links=mode,
                                       wanted=wanted, nouns=nouns) for entry in entries])

    def export(self, entries: Iterable[Entry], out: TextIO, options: ExportOptions) -> None:
        """Write one entry per paper, separated by blank lines."""
        self.ascii(options)  # an unknown encoding fails with no entries too
        super().export(entries, out, options)


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the ``bibtex`` format."""
    register(BibTeXExporter())
