"""Checking and repairing an index on disk: ``arsearch check`` and ``arsearch repair``.

An index is tantivy's segments (immutable files, one set per commit batch
until merged), ``meta.json`` (which segments make the last commit) and our
``arsearch.json`` (analysis settings). Commits replace ``meta.json``
atomically, so a crash never leaves a half-written commit; what can go wrong
is outside damage: a segment file truncated, deleted or overwritten (disk
faults, a bad copy, a cleanup script), or an index from an older arsearch.

* ``check_index`` opens the index, reads every stored article and queries
  every analyzed field: it reports the first problem of each kind, or none.
* ``repair_index`` keeps every segment that still reads, drops the ones
  that do not (their articles are lost from the index, and counted: re-run
  the import to add them back, ids already present are skipped), and
  rebuilds an index of an older schema from its stored articles. The old
  ``meta.json`` is kept beside the new one, so the repair can be undone.
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
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson
import tantivy

from .articles import Article
from .engine.schema import SCHEMA_VERSION, TEXT_FIELDS, stored_article
from .errors import ArsearchError, IndexCorruptError, IndexVersionError
from .files import write_atomically
from .index import COMMIT_FILE, SETTINGS_FILE, Index, analysis_options
from .topics import MODEL_FILE, TopicModel, needs_fitting


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
    """Open the index, read every stored article and query every analyzed field."""
    report = CheckReport(Path(path))
    try:
        index = Index.open(path)
    except ArsearchError as error:
        report.problems.append(str(error))
        return report
    try:
        searcher = index.searcher()
        report.segments = int(searcher.num_segments)
        report.articles = sum(1 for _ in _stored_articles(searcher, report.problems))
        for name in TEXT_FIELDS:
            for suffix in ("", "_exact", "_root"):
                searcher.search(tantivy.Query.term_query(index.schema, name + suffix, "ا"), limit=1)
    except (ArsearchError, OSError, ValueError) as error:
        report.problems.append(f"{report.path} cannot be read ({error})")
    problem = _topics_problem(report.path)
    if problem:
        report.problems.append(problem)
    return report


def repair_index(path: str | os.PathLike[str]) -> RepairReport:
    """Drop segments that cannot be read, then rebuild from stored articles if the schema is older.

    Raises ``IndexCorruptError`` when nothing can be saved (``meta.json`` or
    ``arsearch.json`` unreadable): rebuild from your source files then.
    """
    directory = Path(path)
    report = RepairReport(directory)
    settings = _settings(directory)
    meta = _meta(directory)
    good: list[dict[str, Any]] = []
    bad: list[dict[str, Any]] = []
    for segment in meta.get("segments", []):
        (good if _segment_reads(directory, meta, segment) else bad).append(segment)
    report.kept_segments = len(good)
    if bad:
        report.backup = _write_meta(directory, {**meta, "segments": good})
        report.dropped_segments = [str(segment["segment_id"]) for segment in bad]
        report.dropped_articles = sum([_live_docs(segment) for segment in bad])
    version = settings.get("schema_version")
    if isinstance(version, int) and version < SCHEMA_VERSION:
        report.rebuilt_from_schema = version
        _rebuild(directory, settings)
    with Index.open(directory) as index:
        report.articles = len(index)
        missing = not (directory / MODEL_FILE).exists()
        if _topics_problem(directory) or (missing and needs_fitting(None, report.articles)):
            report.refitted_topics = index.refit_topics() is not None
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


def _stored_articles(searcher: tantivy.Searcher, problems: list[str]) -> Iterator[Article]:
    """Every stored article of a searcher's commit; a damaged one is reported once and skipped."""
    total = int(searcher.num_docs)
    if total == 0:
        return
    hits = searcher.search(tantivy.Query.all_query(), limit=total, count=False).hits
    reported = False
    for _, address in hits:
        try:
            yield stored_article(searcher.doc(address))
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
    settings = _read_json(directory / SETTINGS_FILE, "; nothing to repair from: rebuild the index from your articles")
    if not isinstance(settings, dict):
        raise IndexCorruptError(f"{directory / SETTINGS_FILE} does not describe an arsearch index")
    if isinstance(settings.get("schema_version"), int) and settings["schema_version"] > SCHEMA_VERSION:
        raise IndexVersionError(f"{directory} was written by a newer arsearch: upgrade arsearch instead")
    return settings


def _meta(directory: Path) -> dict[str, Any]:
    meta = _read_json(
        directory / COMMIT_FILE, ": the list of committed segments is lost; rebuild the index from your articles"
    )
    if not isinstance(meta, dict) or not isinstance(meta.get("segments"), list):
        raise IndexCorruptError(f"{directory / COMMIT_FILE} is not a tantivy commit; rebuild the index")
    return meta


def _segment_files(directory: Path, segment: dict[str, Any]) -> list[Path]:
    prefix = str(segment["segment_id"]).replace("-", "")
    return [entry for entry in directory.iterdir() if entry.name.startswith(prefix + ".")]


def _segment_reads(directory: Path, meta: dict[str, Any], segment: dict[str, Any]) -> bool:
    """Open a scratch index holding only this segment (linked, not copied) and read all of it."""
    with tempfile.TemporaryDirectory(prefix=".arsearch-check-", dir=directory) as scratch:
        trial = Path(scratch)
        for source in _segment_files(directory, segment):
            os.symlink(source, trial / source.name)
        (trial / COMMIT_FILE).write_bytes(orjson.dumps({**meta, "segments": [segment]}))
        try:
            searcher = tantivy.Index.open(str(trial)).searcher()
            problems: list[str] = []
            count = sum(1 for _ in _stored_articles(searcher, problems))
            return not problems and count == int(searcher.num_docs)
        except (OSError, ValueError):
            return False


def _live_docs(segment: dict[str, Any]) -> int:
    deletes = segment.get("deletes") or {}
    return int(segment.get("max_doc", 0)) - int(deletes.get("num_deleted_docs", 0))


def _write_meta(directory: Path, meta: dict[str, Any]) -> Path:
    """Replace meta.json atomically, keeping the old one as a dated backup."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    backup = directory / f"{COMMIT_FILE}.before-repair-{stamp}"
    shutil.copy2(directory / COMMIT_FILE, backup)
    write_atomically(directory / COMMIT_FILE, orjson.dumps(meta))
    return backup


def _rebuild(directory: Path, settings: dict[str, Any]) -> None:
    """Re-index the stored articles of an older-schema index with this arsearch, then swap."""
    try:
        engine = tantivy.Index.open(str(directory))
    except (OSError, ValueError) as error:  # e.g. the Whoosh files of schema 1
        raise IndexCorruptError(
            f"{directory} (schema {settings.get('schema_version')}) cannot be read by this arsearch ({error}); "
            "rebuild it from your articles"
        ) from None
    problems: list[str] = []
    articles = list(_stored_articles(engine.searcher(), problems))
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
