"""arrow2bib-hayagriva: the ``hayagriva`` format, the YAML bibliography of Typst.

An arrow2bib plugin, registered through the ``arrow2bib`` entry-point group::

    pip install arrow2bib-hayagriva
    arrow2bib convert page.txt -o refs.yml          # or --to hayagriva

and in Typst: ``#bibliography("refs.yml")``, ``@guo2017deepfm``. It uses only arrow2bib's
public API. The file is a mapping from citation keys to entries (see
:mod:`arrow2bib_hayagriva.entries` for the conventions); every value is a double-quoted
YAML string (:func:`~arrow2bib_hayagriva.yamltext.quote`), and text fields use
Hayagriva's own string syntax (:func:`~arrow2bib_hayagriva.text.formattable`).
"""

from __future__ import annotations

from typing import Callable, Sequence

from arrow2bib import Entry, Exporter, ExportOptions, Layout, hookimpl

from .entries import FIELDS, hayagriva_entry
from .yamltext import dump

__all__ = ["HayagrivaExporter", "register_exporters"]
__version__ = "0.1.0"


class HayagrivaExporter(Exporter):
    """Hayagriva YAML: the bibliography file format of Typst."""

    name = "hayagriva"
    # Typst reads a bibliography file as Hayagriva YAML when its name ends in .yml or
    # .yaml (.bib means BibLaTeX); .yml is what Typst's and Hayagriva's documentation use.
    extension = ".yml"
    aliases = ("typst",)
    description = "Hayagriva YAML, Typst's bibliography format (#bibliography(\"refs.yml\"))"

    def layout(self, options: ExportOptions) -> Layout:
        """One YAML mapping from citation keys to entries, a blank line between entries
        (``{}`` when there are none): the run may format the entries in batches."""
        return Layout(separator="\n", empty="{}\n")

    def format_entries(self, entries: Sequence[Entry], options: ExportOptions) -> str:
        """The entries' part of the mapping."""
        return dump({entry.key: hayagriva_entry(entry, options.report) for entry in entries},
                    FIELDS)


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the ``hayagriva`` format."""
    register(HayagrivaExporter())
