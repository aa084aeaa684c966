"""The run's temporary files (papers, keys, duplicate records spooled to disk): the one error
for when they cannot be written, shared by every stage that spools."""

from __future__ import annotations

import tempfile

from .errors import OutputError

__all__ = ["scratch_error"]


def scratch_error(exc: BaseException) -> OutputError:
    """The error for temporary files that cannot be written (a full disk, a size limit)."""
    reason = getattr(exc, "strerror", None) or str(exc)
    return OutputError(
        f"cannot write the output: the run's temporary files in {tempfile.gettempdir()} "
        f"failed ({reason}); nothing was written. Free some space there, or set TMPDIR to a "
        "directory with room.")
