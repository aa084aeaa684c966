"""Writing output: complete output or nothing, and never through what is not ours to replace.

Where output goes is decided once, by :func:`resolve_target`, the way careful tools decide it:

- ``-`` is standard output;
- a regular file (or a path where nothing is yet) is written to a temporary file in its own
  directory, flushed to disk, and renamed over it, keeping its mode (and, when run as root,
  its owner);
- a symbolic link is followed: its final target is replaced as above and the link stays;
- a FIFO or a character device (``/dev/null``, a terminal) is opened and written directly,
  never renamed over;
- a directory, a socket or a block device is refused (:class:`OutputPathError`).

No output path may be one of the inputs (``protect``: the input files, directories
expanded), numbered documents included. When a format writes several documents, all are
written before any is renamed; a failure, Ctrl-C or SIGTERM removes every temporary file and
leaves existing files untouched. :func:`write_export` streams an exporter's output into the
temporary file, so no document is ever held whole in memory.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator, Literal, TextIO

from .._identity import FileIdentity, identity
from .._signals import signals_held
from ..errors import OutputError, OutputPathError
from ..exporters.base import Document, Entry, Exporter, ExportOptions

__all__ = ["Target", "describe_os_error", "document_path", "identity", "resolve_target",
           "write_documents", "write_export", "write_stream", "writes_one_document"]

#: What a target is: standard output, a file replaced atomically, or a stream written as is.
TargetKind = Literal["stdout", "file", "stream"]


@dataclass(frozen=True)
class Target:
    """Where output goes: ``shown`` is the path as given (for messages), ``path`` the file
    really written (symbolic links followed; None for standard output)."""

    shown: str
    path: Path | None
    kind: TargetKind


def resolve_target(path: str | os.PathLike[str], *,
                   protect: Collection[FileIdentity] = ()) -> Target:
    """Decide where output for ``path`` goes (see the module's description); raise
    :class:`OutputPathError` for what cannot take output or would overwrite an input."""
    shown = os.fspath(path)
    if shown == "-":
        return Target(shown, None, "stdout")
    if not shown:
        raise OutputPathError("The output path is empty; give a file name, or - for stdout.")
    if shown.endswith(("/", os.sep)) and not os.path.isdir(shown):
        # a directory that does not exist: never a file made with its name
        raise OutputPathError(f"{shown}: this names a directory (it ends in /), which cannot "
                              "take the output; give a file path (or - for stdout). Nothing "
                              "was written.")
    real = Path(os.path.realpath(shown))
    if protect and identity(real) in protect:
        what = f"{real} ({shown} links to it)" if os.path.islink(shown) else shown
        raise OutputPathError(f"{shown}: the output would overwrite the input {what}; choose "
                              "another output path. Nothing was written.")
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        if not real.parent.is_dir():
            raise OutputError(f"{shown}: the directory {real.parent} does not exist; "
                                  "create it first. Nothing was written.") from None
        return Target(shown, real, "file")
    except OSError as exc:
        raise _cannot_write(shown, exc) from exc
    if stat.S_ISREG(mode):
        return Target(shown, real, "file")
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return Target(shown, real, "stream")
    what = ("a directory" if stat.S_ISDIR(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a block device" if stat.S_ISBLK(mode) else "not a regular file")
    raise OutputPathError(f"{shown}: this is {what}, which cannot take the output; give a "
                          "file path (or - for stdout). Nothing was written.")


def describe_os_error(exc: OSError) -> str:
    """The cause of ``exc`` in words (``No space left on device``)."""
    if exc.strerror:
        return exc.strerror
    return os.strerror(exc.errno) if exc.errno else str(exc)


def document_path(path: Path, suffix: str) -> Path:
    """Where a document with ``suffix`` goes: ``refs.xml`` + ``-002`` -> ``refs-002.xml``."""
    if not suffix:
        return path
    return path.with_name(f"{path.stem}{suffix}{path.suffix}")


def write_documents(path: str | os.PathLike[str] | Target, documents: Iterable[Document], *,
                    errors: str = "strict", encoding: str = "utf-8",
                    protect: Collection[FileIdentity] = (),
                    before_replace: Callable[[], None] | None = None) -> list[Path]:
    """Write ``documents`` at ``path`` (numbered beside it when there are several); return
    the paths written. ``encoding``/``errors`` say how the text becomes bytes
    (``errors="surrogateescape"`` writes back undecodable bytes a text was read with).
    ``before_replace`` is called once the files are staged, right before they replace their
    targets (not within :func:`committed_together`); what it raises stops the write."""
    target = path if isinstance(path, Target) else resolve_target(path, protect=protect)
    if target.kind != "file":
        return _write_unstaged(target, documents, encoding, errors)

    def write(stage: Callable[[str], contextlib.AbstractContextManager[TextIO]]) -> None:
        for document in documents:
            with stage(document.suffix) as handle:
                handle.write(document.text)

    return _staged(target, write, encoding, errors, protect, before_replace)


def write_export(path: str | os.PathLike[str] | Target, exporter: Exporter,
                 entries: Iterable[Entry], options: ExportOptions, *,
                 protect: Collection[FileIdentity] = ()) -> list[Path]:
    """Export ``entries`` to ``path``, streaming: a format with one document writes into
    the file as entries come (never holding the whole text); a format that makes several
    documents writes each as it is made. Returns the paths written."""
    if not writes_one_document(exporter):
        return write_documents(path, exporter.documents(entries, options), protect=protect)
    return write_stream(path, lambda handle: exporter.export(entries, handle, options),
                        protect=protect)


def write_stream(path: str | os.PathLike[str] | Target, write: Callable[[TextIO], None], *,
                 protect: Collection[FileIdentity] = ()) -> list[Path]:
    """Let ``write`` write one document into ``path`` (UTF-8), through a temporary file for
    a regular file. Returns the path written, in a list."""
    target = path if isinstance(path, Target) else resolve_target(path, protect=protect)
    if target.kind == "stdout":
        _guarded(target, lambda: _flushed(write, sys.stdout))
        return []
    if target.kind == "stream":
        assert target.path is not None
        with _open_stream(target, "utf-8", "strict") as handle:
            _guarded(target, lambda: write(handle))
        return [target.path]

    def staged(stage: Callable[[str], contextlib.AbstractContextManager[TextIO]]) -> None:
        with stage("") as handle:
            write(handle)

    return _staged(target, staged, "utf-8", "strict", protect)


def writes_one_document(exporter: Exporter) -> bool:
    """True when ``exporter`` keeps :meth:`Exporter.documents`' default: one document, made
    by :meth:`Exporter.export`, which can then write straight into a file."""
    return type(exporter).documents is Exporter.documents


def _flushed(write: Callable[[TextIO], object], out: TextIO) -> None:
    write(out)
    out.flush()


def _write_unstaged(target: Target, documents: Iterable[Document], encoding: str,
                    errors: str) -> list[Path]:
    """One document to standard output, a FIFO or a device: several cannot be told apart
    there, so they are refused before anything is written."""
    found = iter(documents)
    first = next(found, None)
    if first is not None and next(found, None) is not None:
        raise OutputPathError(
            f"{target.shown}: this format writes several files here (numbered "
            "name-001.ext, name-002.ext...); give -o a file path, not "
            f"{'stdout' if target.kind == 'stdout' else 'a FIFO or device'}. "
            "Nothing was written.")
    text = "" if first is None else first.text
    if target.kind == "stdout":
        _guarded(target, lambda: _flushed(lambda out: out.write(text), sys.stdout))
        return []
    with _open_stream(target, encoding, errors) as handle:
        _guarded(target, lambda: handle.write(text))
    assert target.path is not None
    return [target.path]


@contextlib.contextmanager
def _open_stream(target: Target, encoding: str, errors: str) -> Iterator[TextIO]:
    """A FIFO or device opened for writing as it is: never created, never truncated into a
    file (``O_CREAT`` is left out, so a node removed meanwhile is an error, not a new file)."""
    assert target.path is not None
    try:
        fd = os.open(target.path, os.O_WRONLY | os.O_NOCTTY)
    except OSError as exc:
        raise _write_failed(target, exc) from exc
    with open(fd, "w", encoding=encoding, errors=errors, newline="") as handle:
        yield handle
        _guarded(target, handle.flush)


def _guarded(target: Target, action: Callable[[], object]) -> None:
    """Run ``action``; an OSError writing becomes one :class:`OutputError` naming the
    target and the cause (a reader that went away, ``EPIPE``, is the caller's to treat)."""
    try:
        action()
    except BrokenPipeError:
        raise
    except OutputError:
        raise
    except OSError as exc:
        raise _write_failed(target, exc) from exc


def _cannot_write(shown: str, exc: OSError) -> OutputError:
    return OutputError(f"{shown}: cannot write the output ({describe_os_error(exc)}); nothing "
                       "was written. Check the path, the permissions and the free space.")


def _write_failed(target: Target, exc: OSError) -> OutputError:
    shown = "stdout" if target.kind == "stdout" else target.shown
    return OutputError(f"{shown}: cannot write the output ({describe_os_error(exc)}). "
                       "Check the path, the permissions and the free space.")


def _mode_and_owner(final: Path) -> tuple[int, tuple[int, int] | None]:
    """The mode a new file gets (0666 less the umask), or the mode (and owner) of the file
    replaced."""
    try:
        st = final.stat()
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask, None
    return st.st_mode & 0o7777, (st.st_uid, st.st_gid)


#: What a temporary file's name adds to its target's: a dot before, then mkstemp's dot, its
#: eight random characters and ``.tmp``.
_TEMPORARY_EXTRA = 14


def _short(final: Path) -> str:
    """``final``'s name, cut so that its temporary file's name is not longer than the file
    system allows (a name of 242 to 255 characters, legal itself, had a temporary name
    too long: the run failed with "File name too long")."""
    try:
        longest = os.pathconf(final.parent, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        longest = 255
    return final.name[: max(1, longest - _TEMPORARY_EXTRA)]


def _staged(target: Target, write: Callable[[Callable[[str],
            contextlib.AbstractContextManager[TextIO]]], None],
            encoding: str, errors: str, protect: Collection[FileIdentity],
            before_replace: Callable[[], None] | None = None) -> list[Path]:
    """Run ``write`` with a function that opens a temporary file for a document suffix;
    once ``write`` returns, every file is synced and renamed over its target. On any
    failure (signals included), every temporary file is removed and no target changes."""
    assert target.path is not None
    staged: list[tuple[str, Path]] = []

    @contextlib.contextmanager
    def stage(suffix: str) -> Iterator[TextIO]:
        final = _numbered(target, suffix, protect) if suffix else target.path
        assert final is not None
        with signals_held():  # a Ctrl-C or SIGTERM here must find the file in ``staged``
            fd, tmp = tempfile.mkstemp(prefix=f".{_short(final)}.", suffix=".tmp",
                                       dir=final.parent)
            staged.append((tmp, final))
        mode, owner = _mode_and_owner(final)
        os.chmod(tmp, mode)  # mkstemp makes 0600 files
        if owner is not None and os.geteuid() == 0:
            with contextlib.suppress(OSError):
                os.chown(tmp, *owner)
        with os.fdopen(fd, "w", encoding=encoding, errors=errors, newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())

    try:
        write(stage)
        pending = _DEFERRED.get()
        if pending is not None:  # renamed with the run's other outputs (committed_together)
            pending.extend(staged)
            return [final for _tmp, final in staged]
        with signals_held():  # replaced, or not: then "nothing was written" is true
            if before_replace is not None:
                before_replace()
            for tmp, final in staged:
                os.replace(tmp, final)
    except OutputError:
        _remove(staged)
        raise
    except OSError as exc:
        _remove(staged)
        raise _cannot_write(target.shown, exc) from exc
    except BaseException:
        _remove(staged)
        raise
    return [final for _tmp, final in staged]


def _numbered(target: Target, suffix: str, protect: Collection[FileIdentity]
              ) -> Path:
    """The file a numbered document goes to, by the same rules as the target itself."""
    shown = document_path(Path(target.shown), suffix)
    numbered = resolve_target(shown, protect=protect)
    if numbered.kind != "file":
        raise OutputPathError(f"{shown}: this is a FIFO or a device; the numbered files of "
                              "this format must be regular files. Nothing was written.")
    assert numbered.path is not None
    return numbered.path


#: The temporary files written and not yet renamed, inside :func:`committed_together`.
_DEFERRED: contextvars.ContextVar[list[tuple[str, Path]] | None] = contextvars.ContextVar(
    "arrow2bib_deferred_renames", default=None)


@contextlib.contextmanager
def committed_together() -> Iterator[None]:
    """Within it, every file written through a temporary file (an output, a report) is
    renamed into place only at its end, all of them together, signals held; if anything
    fails before (a later file that cannot be written, a signal), none is: a run changes all
    of its files or none."""
    pending: list[tuple[str, Path]] = []
    token = _DEFERRED.set(pending)
    try:
        yield
    except BaseException:
        _remove(pending)
        raise
    finally:
        _DEFERRED.reset(token)
    try:
        with signals_held():
            for tmp, final in pending:
                os.replace(tmp, final)
    except OSError as exc:
        _remove(pending)
        raise _cannot_write(str(final), exc) from exc


def _remove(staged: list[tuple[str, Path]]) -> None:
    for tmp, _final in staged:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
