"""The repository stays clean: no large files tracked, built indexes never committable."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from arsearch import Index
from helpers import ROOT

TEST_ENGINES = ("tantivy",)  # the repository's files: no index

MAX_TRACKED_BYTES = 2 * 1024 * 1024
#: Shipped data allowed over the limit (path relative to the repository root): none so far.
LARGE_FILES_ALLOWED: frozenset[str] = frozenset()

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@needs_git
def test_no_tracked_file_is_larger_than_2_mb() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip(f"{ROOT} is not a git checkout")
    tracked = [name for name in git("ls-files", "-z", cwd=ROOT).split("\0") if name]
    assert len(tracked) > 50  # the listing really is the repository's
    large = {
        name: size
        for name in tracked
        if (path := ROOT / name).is_file() and (size := path.stat().st_size) > MAX_TRACKED_BYTES
    }
    assert set(large) <= LARGE_FILES_ALLOWED, f"tracked files over 2 MB (allow-list shipped data only): {large}"


@needs_git
@pytest.mark.parametrize("where", ["benchmarks/indexes/news", "somewhere/else/my-index", "indexes/default"])
def test_an_index_created_anywhere_in_a_checkout_is_ignored_by_git(tmp_path: Path, where: str) -> None:
    repository = tmp_path / "project"
    repository.mkdir()
    git("init", "-q", cwd=repository)
    shutil.copy(ROOT / ".gitignore", repository / ".gitignore")
    (repository / "notes.txt").write_text("a file that should show up", encoding="utf-8")
    with Index.create(repository / where) as index:
        index.add([{"id": "1", "title": "عنوان", "text": "نص الخبر"}])
    untracked = git("status", "--porcelain", "--untracked-files=all", cwd=repository).splitlines()
    assert sorted(untracked) == ["?? .gitignore", "?? notes.txt"]


def test_overwriting_an_index_keeps_it_ignored(tmp_path: Path) -> None:
    Index.create(tmp_path / "ix").close()
    with Index.create(tmp_path / "ix", overwrite=True) as index:
        assert index.path.joinpath(".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
