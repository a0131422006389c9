from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLE_CORPUS = Path(__file__).resolve().parents[1] / "samples" / "news.jsonl"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The team's data folder (../shared); tests that need it skip without it."""
    if not (SHARED / "corpora").is_dir():
        pytest.skip(f"needs the shared corpora at {SHARED} (not part of a fresh clone)")
    return SHARED
