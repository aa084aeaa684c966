"""Writing output files atomically: complete output or nothing.

Each document goes to a temporary file in the target's own directory (so the final rename
stays on one file system), is flushed to disk, and only then replaces the target. When a
format writes several documents, all are written before any is renamed; a failure removes
every temporary file and leaves existing files untouched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

from .errors import OutputError
from .exporters.base import Document

__all__ = ["document_path", "write_documents"]


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
    target = Path(path)
    directory = target.parent
    if not directory.is_dir():
        raise OutputError(
            f"{target}: the directory {str(directory) or '.'} does not exist; create it first."
        )
    staged: list[tuple[str, Path]] = []
    try:
        for document in documents:
            final = document_path(target, document.suffix)
            fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=directory)
            staged.append((tmp, final))
            os.chmod(tmp, _mode_for(final))  # mkstemp makes 0600 files
            with os.fdopen(fd, "w", encoding="utf-8", errors=errors, newline="") as handle:
                handle.write(document.text)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, final in staged:
            os.replace(tmp, final)
    except OSError as exc:
        for tmp, _final in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        raise OutputError(
            f"{target}: cannot write the output ({_describe(exc)}); nothing was written. "
            "Check the path, the permissions and the free space."
        ) from exc
    except BaseException:
        for tmp, _final in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        raise
    return [final for _tmp, final in staged]
