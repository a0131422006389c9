"""Small file helpers shared by the index and its derived files."""

from __future__ import annotations

import os
import threading
from pathlib import Path


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
