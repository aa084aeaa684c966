"""Writing output files atomically: complete output or nothing.

Each document goes to a temporary file in the target's own directory (so the final rename
stays on one file system), is flushed to disk, and only then replaces the target. When a
format writes several documents, all are written before any is renamed; a failure removes
every temporary file and leaves existing files untouched. :func:`write_export` streams an
exporter's output into the temporary file, so no document is ever held whole in memory.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO

from ..errors import OutputError
from ..exporters.base import Document, Entry, Exporter, ExportOptions

__all__ = ["document_path", "write_documents", "write_export", "write_stream",
           "writes_one_document"]


def document_path(path: Path, suffix: str) -> Path:
    """Where a document with ``suffix`` goes: ``refs.xml`` + ``-002`` -> ``refs-002.xml``."""
    if not suffix:
        return path
    return path.with_name(f"{path.stem}{suffix}{path.suffix}")


def _mode_for(final: Path) -> int:
    """The mode a new file gets (0666 less the umask), or the mode of the file replaced."""
    try:
        return final.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _describe(exc: OSError) -> str:
    return exc.strerror or str(exc)


def write_documents(path: str | os.PathLike[str], documents: Iterable[Document], *,
                    errors: str = "strict") -> list[Path]:
    """Write ``documents`` next to ``path`` atomically (UTF-8); return the paths written.

    ``errors="surrogateescape"`` writes back undecodable bytes a text was read with."""
    def write(stage: Callable[[str], TextIO]) -> None:
        for document in documents:
            with stage(document.suffix) as handle:
                handle.write(document.text)

    return _staged(path, write, errors)


def write_export(path: str | os.PathLike[str], exporter: Exporter, entries: Iterable[Entry],
                 options: ExportOptions) -> list[Path]:
    """Export ``entries`` to ``path`` atomically, streaming: a format with one document
    writes into the file as entries come (never holding the whole text); a format that
    makes several documents writes each as it is made. Returns the paths written."""
    if not writes_one_document(exporter):
        return write_documents(path, exporter.documents(entries, options))
    return write_stream(path, lambda handle: exporter.export(entries, handle, options))


def write_stream(path: str | os.PathLike[str], write: Callable[[TextIO], None]) -> list[Path]:
    """Let ``write`` write one document into a temporary file, then put it at ``path``
    atomically (UTF-8). Returns the path written, in a list."""
    def staged(stage: Callable[[str], TextIO]) -> None:
        with stage("") as handle:
            write(handle)

    return _staged(path, staged, "strict")


def writes_one_document(exporter: Exporter) -> bool:
    """True when ``exporter`` keeps :meth:`Exporter.documents`' default: one document, made
    by :meth:`Exporter.export`, which can then write straight into a file."""
    return type(exporter).documents is Exporter.documents


def _staged(path: str | os.PathLike[str], write: Callable[[Callable[[str], TextIO]], None],
            errors: str) -> list[Path]:
    """Run ``write`` with a function that opens a temporary file for a document suffix;
    once ``write`` returns, every file is synced and renamed over its target. On any
    failure, every temporary file is removed and no target changes."""
    target = Path(path)
    directory = target.parent
    if not directory.is_dir():
        raise OutputError(
            f"{target}: the directory {str(directory) or '.'} does not exist; create it first."
        )
    staged: list[tuple[str, Path]] = []

    @contextlib.contextmanager
    def stage(suffix: str) -> Iterator[TextIO]:
        final = document_path(target, suffix)
        fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=directory)
        staged.append((tmp, final))
        os.chmod(tmp, _mode_for(final))  # mkstemp makes 0600 files
        with os.fdopen(fd, "w", encoding="utf-8", errors=errors, newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())

    try:
        write(stage)
        for tmp, final in staged:
            os.replace(tmp, final)
    except OSError as exc:
        _remove(staged)
        if isinstance(exc, OutputError):
            raise
        raise OutputError(
            f"{target}: cannot write the output ({_describe(exc)}); nothing was written. "
            "Check the path, the permissions and the free space."
        ) from exc
    except BaseException:
        _remove(staged)
        raise
    return [final for _tmp, final in staged]


def _remove(staged: list[tuple[str, Path]]) -> None:
    for tmp, _final in staged:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
