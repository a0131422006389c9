"""Helpers shared by the benchmark scripts (not part of the library)."""

from __future__ import annotations

import gzip
import os
import resource
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from arsearch import Index

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAUDINEWSNET = SHARED / "corpora" / "saudinewsnet.jsonl.gz"
#: The benchmarks' SaudiNewsNet index, in the project's git-ignored indexes/ wherever the script runs from.
SAUDINEWSNET_INDEX = ROOT / "indexes" / "saudinewsnet"


def require(path: Path) -> Path:
    """Exit with a readable message when a data file is missing."""
    if not path.exists():
        sys.exit(f"error: {path} not found (the benchmark corpora live in ../shared next to the project)")
    return path


def open_saudinewsnet_index(path: Path) -> Index:
    """The SaudiNewsNet index at ``path``, built from the corpus first when it is missing."""
    from arsearch import Index  # here: the indexing benchmark's baselines run without arsearch
    from arsearch.records.ingest import read_records

    if not path.exists():
        print(f"building {path} from {SAUDINEWSNET.name} (once)...", flush=True)
        with Index.create(path) as index:
            index.add(read_records([str(require(SAUDINEWSNET))]), fit_topics="now")
    return Index.open(path)


def read_jsonl_gz(path: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    with gzip.open(require(path), "rb") as lines:
        for number, line in enumerate(lines):
            if limit is not None and number >= limit:
                return
            yield orjson.loads(line)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TreeMemory:
    """Peak resident memory of a process and all its descendants together (Linux /proc), sampled
    every ``interval`` seconds on a thread: what an import with worker processes costs in RAM.

    ``peak_mb`` is all resident pages (VmRSS); ``peak_owned_mb`` those the processes own (RssAnon):
    not the pages of the index files tantivy maps, which are the OS's page cache, shared, and given
    back under memory pressure (a refit that reads every stored article maps the whole store)."""

    def __init__(self, pid: int | None = None, interval: float = 0.05) -> None:
        self.pid = pid or os.getpid()
        self.interval = interval
        self.peak_mb = 0.0
        self.peak_owned_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.is_set():
            processes = _tree(self.pid)
            self.peak_mb = max(self.peak_mb, sum(_status_mb(pid, "VmRSS") for pid in processes))
            self.peak_owned_mb = max(self.peak_owned_mb, sum(_status_mb(pid, "RssAnon") for pid in processes))
            self._stop.wait(self.interval)


def tree_rss_mb(pid: int, line: str = "VmRSS") -> float:
    """Resident memory of a process and all its descendants now, in MB (``line="RssAnon"``: the
    pages they own, not the files they map)."""
    return sum(_status_mb(process, line) for process in _tree(pid))


def _tree(pid: int) -> list[int]:
    found, frontier = [pid], [pid]
    while frontier:
        for task in Path(f"/proc/{frontier.pop()}/task").glob("*"):
            try:
                children = [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            frontier += children
    return found


def _status_mb(pid: int, line: str) -> float:
    """One ``/proc/PID/status`` figure (``VmRSS``, ``RssAnon``...) in MB; 0 for a process gone."""
    try:
        for found in Path(f"/proc/{pid}/status").read_text().splitlines():
            if found.startswith(line + ":"):
                return int(found.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def directory_mb(path: Path) -> float:
    """The bytes of the files of a directory (an index's, flat), in MB."""
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file()) / 1e6


def print_report(figures: dict[str, Any], table: Sequence[Sequence[str]]) -> None:
    """One JSON line of figures, then a readable table."""
    print(orjson.dumps(figures).decode())
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        first, *rest = (str(cell) for cell in row)
        cells = [first.ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True))]
        print("  ".join(cells))
