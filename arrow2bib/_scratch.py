"""The run's temporary files (papers, keys, duplicate records spooled to disk): the one error
for when they cannot be written, shared by every stage that spools."""

from __future__ import annotations

import os
import tempfile

from .errors import OutputError

__all__ = ["scratch_directory", "scratch_error"]


def scratch_error(exc: BaseException) -> OutputError:
    """The error for temporary files that cannot be written (a full disk, a size limit)."""
    reason = getattr(exc, "strerror", None) or str(exc)
    return OutputError(
        f"cannot write the output: the run's temporary files in {scratch_directory()} "
        f"failed ({reason}); nothing was written. Free some space there, or set TMPDIR to a "
        "directory with room.")


def scratch_directory() -> str:
    """Where the run's temporary files go, as the user would name it: ``$TMPDIR`` when set
    (SQLite's temporary databases go there too, even where Python's own check of it failed
    and fell back to another folder), else Python's temporary folder."""
    named = os.environ.get("SQLITE_TMPDIR") or os.environ.get("TMPDIR")
    return f"{named} (TMPDIR)" if named else tempfile.gettempdir()
