"""What a run reads: the inputs given, with each directory replaced by its pages.

A file named on the command line is read whatever it holds (and an unusable one fails the
run, naming it). A directory is a collection: its page files (``*.txt``, ``*.html``,
``*.htm``, ``*.mht``, ``*.mhtml``) are read in name order, and every other file in it is
skipped with a warning naming it and why (not a page suffix, a PDF, not an Arrow page), so
one stray ``readme.txt`` does not fail the run. Hidden files and subdirectories (a saved
page's ``_files`` folder) are passed over in silence.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from dataclasses import dataclass, field

from .._identity import FileIdentity, identity
from ..errors import InputError, NotAPageError
from ..model import Problem, Severity
from .grammar import PageReader
from .html import looks_like_html
from .mhtml import looks_like_mhtml
from .sources import is_url, open_input, refuse_binary

__all__ = ["PAGE_SUFFIXES", "Inputs", "expand_inputs"]

#: The file names a directory's pages have.
PAGE_SUFFIXES = (".txt", ".html", ".htm", ".mht", ".mhtml")


@dataclass
class Inputs:
    """The inputs of a run: ``pages`` to read in order, ``skipped`` files of directories
    (as warnings, for the report), and ``files``: the identity of every local file read,
    which no output may overwrite."""

    pages: list[str] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    files: set[FileIdentity] = field(default_factory=set)


def expand_inputs(specs: list[str], *, encoding: str | None = None) -> Inputs:
    """Expand ``specs`` (paths, directories, URLs, ``-``); see the module's description.
    Raises :class:`InputError` for a directory with no page in it."""
    found = Inputs()
    for spec in specs:
        if spec != "-" and not is_url(spec) and os.path.isdir(spec):
            _expand_directory(spec, found, encoding)
            continue
        found.pages.append(spec)
        if spec != "-" and not is_url(spec) and os.path.exists(spec):
            found.files.add(identity(spec))
    return found


def _expand_directory(directory: str, found: Inputs, encoding: str | None) -> None:
    try:
        names = sorted(os.listdir(directory))
    except OSError as exc:
        raise InputError(f"Cannot list this directory: {exc.strerror}.",
                         source=directory) from None
    pages = 0
    for name in names:
        path = os.path.join(directory, name)
        if name.startswith("."):
            continue
        if not os.path.isfile(path):
            # named as a page but no file to read (a folder such as "page_files" is not)
            if name.lower().endswith(PAGE_SUFFIXES):
                found.skipped.append(_skip(path, _not_a_file(path)))
            continue
        found.files.add(identity(path))
        if not name.lower().endswith(PAGE_SUFFIXES):
            found.skipped.append(
                _skip(path, "its name does not end in .txt, .html, .htm, .mht or .mhtml"))
            continue
        reason = _not_a_page(path, encoding)
        if reason is not None:
            found.skipped.append(_skip(path, reason))
            continue
        found.pages.append(path)
        pages += 1
    if not pages:
        skipped = sum(1 for p in found.skipped if p.details.get("directory") == directory)
        raise InputError(
            f"This directory holds no Arrow page ({len(names)} entries, {skipped} file(s) "
            "skipped); give a directory of saved author pages (*.txt, *.html, *.htm, *.mht, "
            "*.mhtml).",
            source=directory)


#: The line that marks an Arrow page's header, as a saved text page has it (in the bytes of
#: an ASCII-compatible encoding): a page's reader never finds a file with this line "not a
#: page" (it sees the line, or a paper before it).
_MARK_LINE = re.compile(rb"(?:\A|[\r\n])Author name cluster\r?\n")
#: Byte-order marks of the encodings that are not ASCII's (UTF-32-LE's begins with UTF-16-LE's).
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)


def _not_a_page(path: str, encoding: str | None) -> str | None:
    """Why the file at ``path`` is plainly not a page, or None. Only its first bytes and a
    text page's header are read (an HTML page is parsed once, by the run; a text page whose
    first bytes hold the header's mark line needs no more); a page that fails otherwise
    (undecodable bytes) is left for the run to report."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None  # the run names the file and why it cannot be read
    try:
        refuse_binary(head, path)
    except NotAPageError as exc:
        return exc.message
    if looks_like_html(head) or looks_like_mhtml(head):
        return None
    if encoding is None and not head.startswith(_WIDE_BOMS) and _MARK_LINE.search(head):
        return None  # read as UTF-8 (or Windows-1252), the mark line is a line of the page
    return _header_not_a_page(path, encoding)


def _header_not_a_page(path: str, encoding: str | None) -> str | None:
    """Why the page reader finds the text file at ``path`` not a page (it reads the header),
    or None."""
    try:
        _source, lines = open_input(path, encoding=encoding)
    except NotAPageError as exc:
        return exc.message
    except InputError:
        return None
    try:
        PageReader(lines, source=path)
    except NotAPageError as exc:
        return exc.message
    except InputError:
        return None
    finally:
        getattr(lines, "close", lambda: None)()
    return None


def _not_a_file(path: str) -> str:
    """Why ``path``, named as a page, is no file to read."""
    if os.path.islink(path):
        try:
            os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "it is a symbolic link that loops"
            return f"it is a symbolic link to {os.readlink(path)}, which does not exist"
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    if stat.S_ISDIR(mode):
        return "it is a directory (directories inside are not searched: give it on its own)"
    if stat.S_ISFIFO(mode):
        return "it is a FIFO, not a file (give it on its own to read from it)"
    return "it is not a regular file"


def _skip(path: str, reason: str) -> Problem:
    return Problem(code="skipped-file", severity=Severity.WARNING,
                   message=f"Skipped this file of the directory: {reason.rstrip('.')}.",
                   source=path,
                   details={"directory": os.path.dirname(path), "reason": reason})
