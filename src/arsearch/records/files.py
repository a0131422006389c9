"""Small file helpers shared by the index and its derived files."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


def write_atomically(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload`` so a reader sees the old file or the new one, never half of it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(temporary, "wb") as output:
            output.write(payload)
            output.flush()
            os.fsync(output.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def file_signature(path: Path) -> tuple[int, int, int] | None:
    """Identity of a file's current version (a replaced file gets a new inode), None when absent."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_ino, status.st_mtime_ns, status.st_size)


class FileCache(Generic[T]):
    """A value read from one file, read again only when the file is replaced, appears or goes.

    Derived files (the topic model, the spelling variants) and the settings
    are replaced atomically by other processes; every reader checks the
    file's signature (a ``stat``), not its contents.
    """

    def __init__(self, path: Path, read: Callable[[Path], T], missing: T) -> None:
        self.path = path
        self._read = read
        self._missing = missing
        self._cached: tuple[tuple[int, int, int] | None, T] | None = None

    def get(self) -> T:
        signature = file_signature(self.path)
        cached = self._cached
        if cached is None or cached[0] != signature:
            cached = self._cached = (signature, self._read(self.path) if signature else self._missing)
        return cached[1]
