"""One request of the web page: read the pasted text and the uploaded files, run them through
:func:`arrow2bib.convert` (the engine and plugins the command line uses) into a per-request
folder, and describe the result as JSON-ready data: the papers with their problems, the
duplicate groups, and the output (text, or a .zip when the format wrote several files).

No web framework here: the app (:mod:`.app`) only moves bytes in and JSON out.
"""

from __future__ import annotations

import base64
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, Iterator, Mapping

import pluggy

from ..api import parse
from ..errors import Arrow2BibError
from ..exporters.base import Entry, ExportOptions
from ..exporters.registry import Formats
from ..model import Page, Paper, Problem
from ..run.convert import convert
from ..run.engine import DEDUPE_MODES
from ..write.files import write_export

__all__ = ["MAX_BYTES", "Upload", "WebError", "convert_request", "formats_data"]

#: The largest request the page takes (pasted text and files together).
MAX_BYTES = 20 * 1024 * 1024
#: The name pasted text is reported under (a problem's "source").
PASTED = "pasted text"

#: Text that is only web addresses: the page was given a link, not the page's text.
_ONLY_URLS = re.compile(r"\A\s*(?:https?://\S+\s*)+\Z", re.IGNORECASE)
#: A line that is only a web address, in pasted page text.
_URL_LINE = re.compile(r"^[ \t]*https?://\S+[ \t]*$", re.IGNORECASE | re.MULTILINE)
#: A CSL style chosen in the page is a name from the bundled styles, never a path on the
#: server (the command line's --style also takes a .csl file; the page does not).
_STYLE_NAME = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,127}\Z")
#: A locale's name (``en-US``), never a path.
_LOCALE = re.compile(r"\A[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}\Z")
#: The built-in options whose value is a file to read (refused from the page).
_FILE_OPTIONS = frozenset({"propernouns"})
URL_NOTE = ("The server never fetches web addresses (nothing leaves this computer): a "
            "pasted address is read as text. Open the author page in your browser, select "
            "all, copy, and paste the page's text here, or save the page and drop the file.")


class WebError(Exception):
    """A request the page cannot convert, with a message for the user and an HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


@dataclass(frozen=True)
class Upload:
    """One input: a file's name and bytes."""

    name: str
    data: bytes


@dataclass
class _Run:
    entries: list[Entry] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def formats_data(pm: pluggy.PluginManager) -> list[dict[str, Any]]:
    """Every registered format (plugins too), as ``arrow2bib formats --json`` lists them."""
    return [{"name": info.name, "aliases": list(info.exporter.aliases),
             "extension": info.exporter.extension, "plugin": info.plugin,
             "description": info.exporter.description,
             "options": dict(info.exporter.options)}
            for info in Formats(pm)]


def convert_request(*, text: str, uploads: list[Upload], to: str,
                    options: Mapping[str, str], style: str = "", dedupe: str = "keep",
                    key_pattern: str = "", pm: pluggy.PluginManager) -> dict[str, Any]:
    """Convert the pasted ``text`` and the ``uploads``; return the page's JSON answer.

    Raises :class:`WebError` for input the page cannot use (nothing given, not an Arrow
    page, an unknown format or option); the message says what to do.
    """
    notes: list[str] = []
    if dedupe not in DEDUPE_MODES:
        raise WebError(f"Duplicates: choose one of {', '.join(DEDUPE_MODES)}, not {dedupe!r}.")
    exporter = _exporter(to, pm)
    opts = {name: value for name, value in options.items() if value.strip()}
    unknown = sorted(set(opts) - set(exporter.options))
    if unknown:
        raise WebError(f"The {exporter.name} format has no option {unknown[0]!r} (its "
                       f"options: {', '.join(exporter.options) or 'none'}).")
    # options that name a file are the command line's: the page reads nothing of the disk of
    # the machine it runs on (a path was read, its first line shown in the error)
    for name in sorted(set(opts) & _FILE_OPTIONS):
        raise WebError(f"The option {name} names a file on the machine running arrow2bib; the "
                       "web page takes none. Use the command line for it (-O "
                       f"{name}=FILE).")
    if "style" in opts:  # as the style field: a name, never a path
        style, opts = opts["style"], {k: v for k, v in opts.items() if k != "style"}
    if "locale" in opts and not _LOCALE.match(opts["locale"].strip()):
        raise WebError(f"{opts['locale']!r} is not a locale: give one such as en-US or de-DE.")
    if style.strip():
        if "style" not in exporter.options:
            raise WebError(f"The {exporter.name} format takes no CSL style; the formats with "
                           "styles are the formatted references (html, markdown, text).")
        if not _STYLE_NAME.match(style.strip()) or style.strip().lower().endswith(".csl"):
            raise WebError(f"{style!r} is not a CSL style name: give a name such as apa, "
                           "ieee or chicago-author-date.")
        opts["style"] = style.strip()
    pages = _pages(text, uploads, notes)
    run = _Run()
    with tempfile.TemporaryDirectory(prefix="arrow2bib-web-") as folder:
        target = Path(folder) / f"{_stem(uploads, text)}{exporter.extension}"

        def sink(entries: Iterator[Entry], export_options: ExportOptions) -> str:
            run.entries = list(entries)
            run.files = write_export(target, exporter, run.entries, export_options)
            return target.name

        try:
            result = convert(pages, exporter, sink, dedupe=dedupe,  # type: ignore[arg-type]
                             key_pattern=key_pattern.strip() or None, options=opts, pm=pm)
        except Arrow2BibError as exc:
            raise WebError(str(exc)) from None
        output = _output(run.files, Path(folder), target)
    places = {_where(paper) for page in pages for paper in page.papers}
    return {
        "format": exporter.name,
        "papers": _papers(pages, run.entries, result.problems),
        "problems": [_problem(p) for p in result.problems
                     if (p.source, p.line) not in places],
        "duplicates": _duplicates(result.problems, pages),
        "counts": {str(severity): count for severity, count in result.counts.items()},
        "read": result.read, "written": result.written, "merged": result.merged,
        "skipped": result.skipped,
        "output": output,
        "notes": notes,
    }


def _exporter(to: str, pm: pluggy.PluginManager):
    try:
        return Formats(pm).get(to or "bibtex")
    except Arrow2BibError as exc:
        raise WebError(str(exc)) from None


def _pages(text: str, uploads: list[Upload], notes: list[str]) -> list[Page]:
    inputs: list[tuple[str, bytes]] = []
    if text.strip():
        if _ONLY_URLS.match(text):
            raise WebError(f"The pasted text is a web address, not a page. {URL_NOTE}")
        if _URL_LINE.search(text):
            notes.append("A line of the pasted text is a web address: it was read as text, "
                         "not fetched (the server never fetches web addresses; nothing "
                         "leaves this computer).")
        inputs.append((PASTED, text.encode("utf-8")))
    taken: set[str] = set()
    for upload in uploads:
        name = PurePath(upload.name.replace("\\", "/")).name or "file"
        while name in taken:  # two files of one name: their problems must tell them apart
            name = f"({len(taken)}) {name}"
        taken.add(name)
        inputs.append((name, upload.data))
    if not inputs:
        raise WebError("Paste an author page's text, or add a saved page (.txt or .html).")
    pages = []
    for source, raw in inputs:
        try:
            pages.append(parse(raw, source=source))
        except Arrow2BibError as exc:
            raise WebError(str(exc)) from None
    return pages


def _stem(uploads: list[Upload], text: str) -> str:
    """The download's name: the first file's, else the page's author, else ``references``."""
    if not text.strip() and uploads:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", PurePath(uploads[0].name).stem).strip("-.")
        if stem:
            return stem[:80]
    return "references"


def _output(files: list[Path], folder: Path, target: Path) -> dict[str, Any]:
    """The output as the page shows it: one file's text, or the files in one .zip."""
    if len(files) == 1:
        # newline="" keeps a format's own line endings (RIS writes CRLF)
        with open(files[0], encoding="utf-8", newline="") as handle:
            return {"kind": "text", "filename": files[0].name, "text": handle.read(),
                    "files": [files[0].name]}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.relative_to(folder).as_posix())
    return {"kind": "zip", "filename": f"{target.stem}.zip",
            "files": [path.relative_to(folder).as_posix() for path in files],
            "zip_base64": base64.b64encode(buffer.getvalue()).decode("ascii")}


def _problem(problem: Problem) -> dict[str, Any]:
    return {"code": problem.code, "severity": str(problem.severity), "message": problem.message,
            "source": problem.source, "line": problem.line}


def _where(paper: Paper) -> tuple[str, int]:
    return paper.source, paper.line


def _papers(pages: list[Page], entries: list[Entry],
            problems: list[Problem]) -> list[dict[str, Any]]:
    """Every paper read, in page order: those skipped or merged by the duplicate choice too
    (without a key; their problem says where they went)."""
    keys = {_where(entry.paper): entry.key for entry in entries}
    found: dict[tuple[str, int | None], list[Problem]] = {}
    for problem in problems:
        found.setdefault((problem.source, problem.line), []).append(problem)
    rows: list[dict[str, Any]] = []
    for page in pages:
        for paper in page.papers:
            rows.append({
                "id": len(rows), "source": paper.source, "line": paper.line,
                "title": paper.title,
                "authors": [person.display for person in paper.authors],
                "authors_status": str(paper.authors_status),
                "et_al": paper.authors_status.is_cut,
                "venue": paper.venue, "venue_kind": paper.venue_kind, "year": paper.year,
                "type": paper.paper_type, "key": keys.get(_where(paper)),
                "problems": [_problem(p) for p in found.get(_where(paper), [])],
            })
    return rows


def _duplicates(problems: list[Problem], pages: list[Page]) -> list[dict[str, Any]]:
    """Groups of papers found to be one work, as their ids (rows of the paper table), with
    the reasons: any problem whose details name the ``other`` paper links the two."""
    ids = {_where(paper): number for number, paper in
           enumerate(paper for page in pages for paper in page.papers)}
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(item: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(item, item)
        while parent[item] != item:
            item = parent[item]
        return item

    reasons: list[tuple[tuple[str, int], dict[str, Any]]] = []
    for problem in problems:
        details = problem.details or {}
        # a copy --dedupe removed keeps the duplicate's details in "duplicate"
        other = details.get("other") or (details.get("duplicate") or {}).get("other")
        if not isinstance(other, Mapping) or problem.line is None:
            continue
        this, that = (problem.source, problem.line), (other.get("source"), other.get("line"))
        if not isinstance(that[0], str) or not isinstance(that[1], int):
            continue
        parent[root(this)] = root(that)  # type: ignore[arg-type]
        kind = details.get("kind") or (details.get("duplicate") or {}).get("kind", "")
        reasons.append((this, {"kind": kind,
                               "message": problem.message, "code": problem.code}))
    groups: dict[tuple[str, int], dict[str, Any]] = {}
    for item in list(parent):
        if item in ids:
            group = groups.setdefault(root(item), {"papers": [], "reasons": []})
            group["papers"].append(ids[item])
    for item, reason in reasons:
        if root(item) in groups:
            groups[root(item)]["reasons"].append(reason)
    found = [group for group in groups.values() if len(group["papers"]) > 1]
    for group in found:
        group["papers"].sort()
    return sorted(found, key=lambda group: group["papers"][0])
