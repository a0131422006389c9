"""Helpers shared by the benchmark scripts (not part of the library)."""

from __future__ import annotations

import gzip
import resource
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

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


def read_jsonl_gz(path: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    with gzip.open(require(path), "rb") as lines:
        for number, line in enumerate(lines):
            if limit is not None and number >= limit:
                return
            yield orjson.loads(line)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_report(figures: dict[str, Any], table: Sequence[Sequence[str]]) -> None:
    """One JSON line of figures, then a readable table."""
    print(orjson.dumps(figures).decode())
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        first, *rest = (str(cell) for cell in row)
        cells = [first.ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True))]
        print("  ".join(cells))
