"""Checking and repairing an index on disk: ``arsearch check`` and ``arsearch repair``.

An index is the engine's parts (tantivy: segments, immutable files, one set
per commit batch until merged, and ``meta.json`` listing the segments of the
last commit) and our ``arsearch.json`` (analysis settings). Commits replace
the commit list atomically, so a crash never leaves a half-written commit;
what can go wrong is outside damage: a file truncated, deleted or overwritten
(disk faults, a bad copy, a cleanup script), or an index from an older arsearch.

* ``check_index`` opens the index, reads every stored article and queries
  every analyzed field: it reports the first problem of each kind, or none.
* ``repair_index`` keeps every segment that still reads, drops the ones
  that do not (their articles are lost from the index, and counted: re-run
  the import to add them back, ids already present are skipped), and
  rebuilds an index of an older schema from its stored articles. The old
  commit list is kept beside the new one, so the repair can be undone.
  A topic model (``topics.npz``, derived data) that cannot be read, or is
  missing from an index big enough to have one, is fitted again.

مثال::

    >>> check_index("indexes/news").ok                                # doctest: +SKIP
    True
    >>> repair_index("indexes/news").dropped_articles                 # doctest: +SKIP
    1000
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .derived.topics import MODEL_FILE, TopicModel, needs_fitting
from .engine.base import EngineUnreadable
from .engine.base import Snapshot as EngineSnapshot
from .engine.queries import TermQuery
from .engine.schema import ANALYZED_FIELDS, SCHEMA_VERSION, stored_article
from .errors import ArsearchError, IndexCorruptError, IndexNotFoundError, IndexVersionError
from .index import Index
from .records.articles import Article
from .store.directory import Store
from .store.settings import SETTINGS_FILE, analysis_options, engine_kind, is_read_only, read_only_error


@dataclass
class CheckReport:
    """What ``check_index`` found: ``ok`` when there is nothing to repair."""

    path: Path
    articles: int = 0
    segments: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class RepairReport:
    """What ``repair_index`` did."""

    path: Path
    kept_segments: int = 0
    dropped_segments: list[str] = field(default_factory=list)
    dropped_articles: int = 0
    rebuilt_from_schema: int | None = None
    articles: int = 0
    backup: Path | None = None
    refitted_topics: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.dropped_segments) or self.rebuilt_from_schema is not None or self.refitted_topics


def check_index(path: str | os.PathLike[str]) -> CheckReport:
    """Open the index, read every stored article and query every analyzed field.

    ``IndexNotFoundError`` when there is no index at ``path`` (nothing to check, nothing
    damaged); any other failure to open it is a problem of the report."""
    report = CheckReport(Path(path))
    try:
        store = Store.open(path)
    except IndexNotFoundError:
        raise
    except ArsearchError as error:
        report.problems.append(str(error))
        return report
    try:
        snapshot = store.snapshot()
        report.segments = snapshot.segment_count
        report.articles = sum(1 for _ in _stored_articles(snapshot, report.problems))
        for name in ANALYZED_FIELDS:
            snapshot.search(TermQuery(name, "ا"), limit=1)
    except (ArsearchError, OSError, ValueError) as error:
        report.problems.append(f"{report.path} cannot be read ({error})")
    problem = _topics_problem(report.path)
    if problem:
        report.problems.append(problem)
    return report


def repair_index(path: str | os.PathLike[str]) -> RepairReport:
    """Drop segments that cannot be read, then rebuild from stored articles if the schema is older.

    Raises ``IndexCorruptError`` when nothing can be saved (the engine's commit list, tantivy's
    ``meta.json``, or ``arsearch.json`` unreadable): rebuild from your source files then.
    """
    directory = Path(path)
    report = RepairReport(directory)
    settings = _settings(directory)
    if is_read_only(directory):
        raise read_only_error(directory)
    try:
        parts = engine_kind(settings).repair(directory, stored_article)
    except EngineUnreadable as error:
        raise IndexCorruptError(
            f"{error.detail}: the list of committed segments is lost; rebuild the index from your articles"
        ) from None
    report.kept_segments = parts.kept
    report.dropped_segments = parts.dropped
    report.dropped_articles = parts.dropped_documents
    report.backup = parts.backup
    version = settings.get("schema_version")
    if isinstance(version, int) and version < SCHEMA_VERSION:
        report.rebuilt_from_schema = version
        _rebuild(directory, settings)
    with Index.open(directory) as index:
        report.articles = len(index)
        missing = not (directory / MODEL_FILE).exists()
        if _topics_problem(directory) or (missing and needs_fitting(None, report.articles)):
            report.refitted_topics = index.topics.refit() is not None
    return report


# --- helpers ----------------------------------------------------------------


def _topics_problem(directory: Path) -> str | None:
    """Why the index's topic model cannot be read, if it is there and cannot."""
    path = directory / MODEL_FILE
    if not path.exists():
        return None
    try:
        TopicModel.load(path)
    except ValueError as error:
        return f"{path} cannot be read ({error}); related articles rank on key terms alone until it is refitted"
    return None


def _stored_articles(snapshot: EngineSnapshot, problems: list[str]) -> Iterator[Article]:
    """Every stored article of a snapshot; a damaged one is reported once and skipped."""
    reported = False
    for address in snapshot.addresses():
        try:
            yield stored_article(snapshot.stored(address))
        except (ValueError, OSError, orjson.JSONDecodeError) as error:
            if not reported:
                problems.append(f"a stored article cannot be read ({error})")
                reported = True


def _read_json(path: Path, consequence: str) -> Any:
    """A JSON file of the index, or ``IndexCorruptError`` saying what its loss means."""
    try:
        return orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as error:
        raise IndexCorruptError(f"{path} cannot be read ({error}){consequence}") from None


def _settings(directory: Path) -> dict[str, Any]:
    if not directory.is_dir():
        raise IndexNotFoundError(f"no index at {directory}: nothing to repair")
    if not (directory / SETTINGS_FILE).exists() and not any(directory.iterdir()):
        raise IndexNotFoundError(f"{directory} is empty: no index to repair")
    settings = _read_json(directory / SETTINGS_FILE, "; nothing to repair from: rebuild the index from your articles")
    if not isinstance(settings, dict):
        raise IndexCorruptError(f"{directory / SETTINGS_FILE} does not describe an arsearch index")
    if isinstance(settings.get("schema_version"), int) and settings["schema_version"] > SCHEMA_VERSION:
        raise IndexVersionError(f"{directory} was written by a newer arsearch: upgrade arsearch instead")
    return settings


def _rebuild(directory: Path, settings: dict[str, Any]) -> None:
    """Re-index the stored articles of an older-schema index with this arsearch, then swap."""
    kind = engine_kind(settings)
    try:
        old_snapshot = kind.open(directory).snapshot()
    except EngineUnreadable as error:  # e.g. the Whoosh files of schema 1
        raise IndexCorruptError(
            f"{directory} (schema {settings.get('schema_version')}) cannot be read by this arsearch ({error.detail}); "
            "rebuild it from your articles"
        ) from None
    problems: list[str] = []
    articles = list(_stored_articles(old_snapshot, problems))
    if problems:
        raise IndexCorruptError(f"{directory}: {problems[0]}; rebuild the index from your articles")
    analysis = settings.get("analysis") or {"profile": "light"}
    fresh = directory.with_name(f".{directory.name}.rebuild")
    if fresh.exists():
        shutil.rmtree(fresh)
    with Index.create(fresh, **analysis_options(analysis)) as index:
        index.add(article.to_record() for article in articles)
    old = directory.with_name(f"{directory.name}.schema-{settings.get('schema_version')}")
    if old.exists():
        shutil.rmtree(old)
    os.replace(directory, old)
    os.replace(fresh, directory)
