"""Which paths are one file: what keeps an output from overwriting an input, shared by the
read stage (which names the inputs) and the write stage (which refuses them)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["FileIdentity", "identity"]

#: Device and inode of a file that exists, or the resolved path of one not yet made.
FileIdentity = tuple[int, int] | Path


def identity(path: str | os.PathLike[str]) -> FileIdentity:
    """What makes two paths one file: device and inode when it exists, else the resolved
    path (so that a file not yet made still compares equal to another spelling of it)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return Path(os.path.realpath(path))
    return (st.st_dev, st.st_ino)
