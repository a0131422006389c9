"""The Index: create, open, add, update, delete, get, info.

An index is a directory: tantivy's files plus ``arsearch.json`` (format,
schema version, analysis settings, times). The analysis configuration lives
in ``arsearch.json``, so ``Index.open`` needs nothing but the path.

مثال::

    >>> from arsearch import Index
    >>> with Index.create("indexes/news") as index:
    ...     report = index.add([{"id": "1", "title": "افتتاح معرض الكتاب", "text": "افتُتح معرضُ الكتابِ الدولي"}])
    ...     index.get("1").title
    'افتتاح معرض الكتاب'

Reading (``get``, ``len``, searching) is safe from many threads at once;
writing takes the index's lock, so one writer at a time, across processes.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson
import tantivy
from tantivy import Query

from .analysis import DEFAULT_PROFILE, Analyzer, NormalizationOptions, Profile, default_stopwords
from .articles import Article, ArticleError
from .engine.compile import Ranking
from .engine.schema import (
    SCHEMA_VERSION,
    build_document,
    build_schema,
    document_by_id,
    register_analysis,
    stored_article,
)
from .errors import (
    ArsearchError,
    ArticleNotFoundError,
    IndexCorruptError,
    IndexExistsError,
    IndexLockedError,
    IndexNotFoundError,
    IndexVersionError,
    IndexWriteError,
    InvalidIndexNameError,
    StrictModeError,
)
from .files import file_signature, write_atomically
from .ingest import Record
from .related import RelatedArticle, duplicates, related, related_to_text
from .search import Filters, Results, Sort, search
from .suggest import Suggestion, Vocabulary, autocomplete
from .topics import MODEL_FILE, ModelInfo, TopicModel, fit_index, needs_fitting

SETTINGS_FILE = "arsearch.json"
WRITER_INFO_FILE = "writer.json"
FORMAT_NAME = "arsearch-index"
DEFAULT_INDEX_DIR = Path("indexes") / "default"
INDEX_ENV_VAR = "ARSEARCH_INDEX"
DEFAULT_BATCH_SIZE = 1000
#: Memory for tantivy's indexing buffers per writer (bounds peak RSS).
WRITER_HEAP_BYTES = 128_000_000
#: tantivy's own indexing threads (our analysis runs in the calling thread).
WRITER_THREADS = 1
#: tantivy refuses an aggregation with more buckets than this (AggregationLimits' default).
MAX_AGGREGATION_BUCKETS = 65_000
#: tantivy's file recording the latest commit; its change means a new commit.
COMMIT_FILE = "meta.json"

ArticleLike = Article | Mapping[str, Any] | Record


def default_index_path() -> Path:
    """``$ARSEARCH_INDEX`` if set, else ``./indexes/default``."""
    return Path(os.environ.get(INDEX_ENV_VAR) or DEFAULT_INDEX_DIR)


#: An index *name* (as an app or a web request gives it): letters of any
#: script, digits, ``-``, ``_`` and inner dots; never a path.
_INDEX_NAME = re.compile(r"[^\W_][\w.-]{0,99}")


def index_path_for(name: str, home: str | os.PathLike[str] = "indexes") -> Path:
    """The directory of the index called ``name`` under ``home``; a name that is a
    path (``../x``, ``/etc``, ``a/b``) or hidden is refused, so it cannot escape ``home``.

    مثال::

        >>> index_path_for("أخبار-2024")
        PosixPath('indexes/أخبار-2024')
    """
    if not isinstance(name, str) or not _INDEX_NAME.fullmatch(name) or ".." in name:
        raise InvalidIndexNameError(
            f"{name!r} is not an index name (letters, digits, '-', '_' and inner dots; not a path)"
        )
    base = Path(home)
    path = base / name
    if base.resolve() not in path.resolve().parents:  # belt and braces (symlinks)
        raise InvalidIndexNameError(f"{name!r} does not stay inside {base}")
    return path


@dataclass(frozen=True)
class Problem:
    """A record that was skipped, where it was, and why."""

    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


@dataclass
class AddReport:
    """What ``Index.add`` did: counts, skipped records by reason, timing."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0  # already in the index, left as is (no update requested)
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    commits: int = 0
    elapsed: float = 0.0
    topics: ModelInfo | None = None  # set when the import (re)fitted the topic model

    @property
    def indexed(self) -> int:
        return self.added + self.updated

    @property
    def docs_per_second(self) -> float:
        return self.indexed / self.elapsed if self.elapsed > 0 else 0.0

    def skip(self, problem: Problem, kind: str) -> None:
        self.skipped[kind] += 1
        self.problems.append(problem)


@dataclass(frozen=True)
class IndexInfo:
    """Facts about an index, as ``index.info()`` and ``arsearch info`` show them."""

    path: str
    doc_count: int
    size_bytes: int
    profile: str
    schema_version: int
    created: str
    updated: str
    library_version: str
    segments: int
    topics: ModelInfo | None = None  # the topic model related articles use, if fitted

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, topics=self.topics.as_dict() if self.topics else None)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _library_version() -> str:
    from . import __version__

    return __version__


#: What to do about a damaged index (maintenance.py).
_REPAIR_HINT = "run 'arsearch repair --index {}' to keep what still reads, or rebuild the index"


def _read_failure(directory: Path, error: Exception) -> ArsearchError:
    """The error to raise when tantivy cannot open or reload an index."""
    if "ReadOnlyFilesystem" in str(error) or "PermissionDenied" in str(error):
        # tantivy takes a lock file even to read, so it cannot open an index it may not write
        return IndexWriteError(
            f"{directory} is not writable ({_io_reason(error)}): the engine needs to write a lock "
            "file even to read; make it writable or copy the index somewhere writable"
        )
    return IndexCorruptError(f"{directory} cannot be read ({error}); {_REPAIR_HINT.format(directory)}")


def _is_io_error(error: ValueError) -> bool:
    """tantivy reports disk trouble (full, read-only, I/O) as ValueError("An IO error occurred: ..."),
    or, when it strikes the lock file, as "Failed to acquire Lockfile: IoError(Os {...})"."""
    text = str(error)
    return "IO error" in text or "os error" in text or "IoError(" in text


def _io_reason(error: Exception) -> str:
    text = str(error)
    for reason in ("No space left on device", "Permission denied", "Read-only file system"):
        if reason.replace(" ", "").replace("-", "").lower() in text.replace(" ", "").lower():
            return reason.lower()
    return text


def analysis_options(analysis: dict[str, Any]) -> dict[str, Any]:
    """``profile``, ``stopwords``, ``normalization`` from the settings an index stores;
    the keywords of both ``Analyzer`` and ``Index.create``."""
    stopwords = analysis.get("stopword_list")
    return {
        "profile": analysis["profile"],
        "stopwords": None if stopwords is None else frozenset(stopwords),
        "normalization": NormalizationOptions(
            fold_hamza_carriers=analysis.get("fold_hamza_carriers", False),
            fold_teh_marbuta=analysis.get("fold_teh_marbuta", True),
        ),
    }


class Index:
    """An arsearch index on disk. Use ``Index.create`` or ``Index.open``.

    One ``Index`` may be shared by many threads for reading (``search``,
    ``get``, ``suggest``...): each call reads one consistent commit, and a
    commit made since (by this or another process) is picked up by the next
    call. Writing takes the index's lock: one writer at a time, across processes.
    """

    def __init__(self, path: Path, engine: tantivy.Index, settings: dict[str, Any]) -> None:
        self.path = path
        self._engine = engine
        self._settings = settings
        self.schema = engine.schema
        self.analyzer = Analyzer(**analysis_options(settings["analysis"]))
        self._commit_seen: tuple[int, int, int] | None = None
        self._reload_lock = threading.Lock()
        self._vocabulary: tuple[tuple[int, int, int] | None, Vocabulary] | None = None
        self._topics: tuple[tuple[int, int, int] | None, TopicModel | None] | None = None

    # --- life cycle -------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        profile: Profile = DEFAULT_PROFILE,
        stopwords: frozenset[str] | None = None,
        normalization: NormalizationOptions = NormalizationOptions(),
        overwrite: bool = False,
    ) -> Index:
        """Create a new, empty index at ``path`` (a directory)."""
        directory = Path(path)
        if (directory / SETTINGS_FILE).exists() and not overwrite:
            raise IndexExistsError(f"an index already exists at {directory} (open it, or pass overwrite=True)")
        if overwrite and (directory / SETTINGS_FILE).exists():
            _remove_index_files(directory)
        if not overwrite and _committed_segments(directory):
            # an index whose settings file is gone: starting afresh would wipe its articles
            raise IndexCorruptError(
                f"{directory} holds committed articles but no {SETTINGS_FILE} (its settings): not overwriting it; "
                f"restore {SETTINGS_FILE} from a backup, or delete the directory (or overwrite=True) to start again"
            )
        directory.mkdir(parents=True, exist_ok=True)
        Analyzer(profile)  # validates the profile name before anything is written
        try:
            engine = tantivy.Index(build_schema(), path=str(directory), reuse=False)
        except ValueError as error:
            raise IndexWriteError(f"cannot create an index at {directory} ({_io_reason(error)})") from None
        register_analysis(engine)
        now = _now()
        custom_stopwords = stopwords is not None and stopwords != default_stopwords()
        settings = {
            "format": FORMAT_NAME,
            "schema_version": SCHEMA_VERSION,
            "library_version": _library_version(),
            "analysis": {
                "profile": profile,
                "stopwords": "custom" if custom_stopwords else "default",
                "stopword_list": sorted(stopwords) if custom_stopwords and stopwords is not None else None,
                "fold_hamza_carriers": normalization.fold_hamza_carriers,
                "fold_teh_marbuta": normalization.fold_teh_marbuta,
            },
            "created": now,
            "updated": now,
        }
        _write_json_atomically(directory / SETTINGS_FILE, settings)
        return cls(directory, engine, settings)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Index:
        """Open an existing index; its analysis settings come from the index itself."""
        directory = Path(path)
        settings_path = directory / SETTINGS_FILE
        if not directory.is_dir():
            raise IndexNotFoundError(f"no index at {directory} (create one with 'arsearch index FILE --index {path}')")
        if not settings_path.exists():
            raise IndexNotFoundError(f"{directory} is not an arsearch index (no {SETTINGS_FILE})")
        try:
            settings = orjson.loads(settings_path.read_bytes())
        except orjson.JSONDecodeError:
            raise IndexCorruptError(f"{settings_path} is damaged (not JSON); rebuild the index") from None
        version = settings.get("schema_version") if isinstance(settings, dict) else None
        if not isinstance(settings, dict) or settings.get("format") != FORMAT_NAME or not isinstance(version, int):
            raise IndexCorruptError(f"{settings_path} does not describe an arsearch index")
        if version > SCHEMA_VERSION:
            raise IndexVersionError(
                f"{directory} was written by a newer arsearch (schema {version}, library "
                f"{settings.get('library_version')}); this is arsearch {_library_version()} (schema {SCHEMA_VERSION}): "
                "upgrade arsearch to read it"
            )
        if version < SCHEMA_VERSION:
            raise IndexVersionError(
                f"{directory} uses index schema {version}, this arsearch needs {SCHEMA_VERSION}: "
                f"run 'arsearch repair --index {directory}' to rebuild it from its stored articles"
            )
        if not (directory / COMMIT_FILE).exists():
            raise IndexCorruptError(f"{directory} has settings but no index files ({COMMIT_FILE}); rebuild the index")
        try:
            engine = tantivy.Index.open(str(directory))
        except (OSError, ValueError) as error:  # tantivy's errors on damaged files
            raise _read_failure(directory, error) from None
        register_analysis(engine)
        return cls(directory, engine, settings)

    @classmethod
    def open_or_create(cls, path: str | os.PathLike[str], **create_options: Any) -> Index:
        """Open the index at ``path``, creating it (with ``create_options``) if absent."""
        if (Path(path) / SETTINGS_FILE).exists():
            return cls.open(path)
        return cls.create(path, **create_options)

    def close(self) -> None:
        """Release cached state; the files are closed when the object is dropped."""
        self._vocabulary = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Index({str(self.path)!r})"

    # --- reading ----------------------------------------------------------

    def _commit_signature(self) -> tuple[int, int, int] | None:
        return file_signature(self.path / COMMIT_FILE)

    def searcher(self) -> tantivy.Searcher:
        """A tantivy searcher on the latest commit (a consistent snapshot; cheap to get)."""
        signature = self._commit_signature()
        if signature != self._commit_seen:
            with self._reload_lock:
                if signature != self._commit_seen:
                    try:
                        self._engine.reload()
                    except ValueError as error:
                        raise _read_failure(self.path, error) from None
                    self._commit_seen = signature
        return self._engine.searcher()

    def __len__(self) -> int:
        return int(self.searcher().num_docs)

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and _holds(self.searcher(), self.schema, article_id)

    def get(self, article_id: str) -> Article:
        """The article with this id (``ArticleNotFoundError`` if there is none)."""
        return stored_article(self._document(self.searcher(), article_id))

    def _document(self, searcher: tantivy.Searcher, article_id: str) -> tantivy.Document:
        """An article's stored document in this searcher's commit, or ``ArticleNotFoundError``."""
        document = document_by_id(searcher, self.schema, article_id)
        if document is None:
            raise ArticleNotFoundError(f"no article with id {article_id!r} in {self.path}", article_id)
        return document

    def ids(self) -> Iterator[str]:
        """Every article id in the index (live documents only), in no particular order."""
        searcher = self.searcher()
        total = int(searcher.num_docs)
        if total == 0:
            return
        if total <= MAX_AGGREGATION_BUCKETS:  # one pass over the id column
            found = searcher.aggregate(Query.all_query(), {"ids": {"terms": {"field": "id", "size": total}}})
            for bucket in found["ids"]["buckets"]:
                yield str(bucket["key"])
            return
        # beyond tantivy's bucket limit: each stored document's id (some 20 µs per article)
        for _, address in searcher.search(Query.all_query(), limit=total, count=False).hits:
            yield str(searcher.doc(address).get_first("id"))

    def info(self) -> IndexInfo:
        size = sum(entry.stat().st_size for entry in os.scandir(self.path) if entry.is_file())
        searcher = self.searcher()
        return IndexInfo(
            path=str(self.path),
            doc_count=int(searcher.num_docs),
            size_bytes=size,
            profile=self._settings["analysis"]["profile"],
            schema_version=self._settings["schema_version"],
            created=self._settings["created"],
            updated=self._settings["updated"],
            library_version=self._settings["library_version"],
            segments=int(searcher.num_segments),
            topics=model.info if (model := self.topics()) is not None else None,
        )

    @property
    def profile(self) -> Profile:
        """The analysis profile the index was built with."""
        profile: Profile = self._settings["analysis"]["profile"]
        return profile

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        page: int = 1,
        filters: Filters | None = None,
        sort: Sort = "relevance",
        highlight: bool = True,
        markers: tuple[str, str] = ("[", "]"),
        ranking: Ranking | None = None,
        facets: bool = True,
    ) -> Results:
        """Ranked search. Never raises on a malformed query: see ``Results.warnings``.

        ``filters``: ``source``, ``category``, ``author``, ``tags`` (a value or a
        list of values), ``date_from``/``date_to`` (dates or ISO text).
        ``sort``: "relevance", "newest" or "oldest". ``page`` counts from 1.
        ``facets=False`` skips the source/category counts (a little faster).

        مثال::

            >>> results = index.search("زيارة الوزير للمملكة", filters={"date_from": "2024-01-01"})
            >>> results.hits[0].snippets[0].html  # doctest: +SKIP
        """
        return search(
            self,
            query,
            limit=limit,
            page=page,
            filters=filters,
            sort=sort,
            highlight=highlight,
            markers=markers,
            ranking=ranking,
            facets=facets,
        )

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        """Autocomplete: completions of the last word of ``prefix`` from the index.

        مثال::

            >>> [s.text for s in index.suggest("اقتص")]  # doctest: +SKIP
        """
        return autocomplete(self, prefix, limit)

    def related(
        self,
        article_id: str,
        limit: int = 5,
        filters: Filters | None = None,
        *,
        include_duplicates: bool = False,
        recency_days: float | None = None,
    ) -> list[RelatedArticle]:
        """Articles related to an indexed one ("مقالات ذات صلة"), best first, itself excluded.

        Candidates share the article's key terms; the index's topic model (fitted
        by imports once it has 200 articles) ranks them on subject too. ``score``
        is then between 0 and 1.

        Copies of one story (the same wire text in several outlets) come as one
        entry whose ``duplicates`` lists the other ids, unless
        ``include_duplicates``; copies of the article itself are left out.
        ``recency_days``: prefer articles close in date (a score halves, at
        most, as the dates drift apart; off by default).

        مثال::

            >>> for item in index.related("sample-01", limit=3):  # doctest: +SKIP
            ...     print(item.title, item.duplicates)
        """
        return related(
            self,
            article_id,
            limit=limit,
            filters=filters,
            include_duplicates=include_duplicates,
            recency_days=recency_days,
        )

    def related_to_text(
        self,
        text: str,
        limit: int = 5,
        filters: Filters | None = None,
        *,
        include_duplicates: bool = False,
    ) -> list[RelatedArticle]:
        """Articles related to any text, e.g. a draft: ``index.related_to_text("ارتفاع أسعار النفط")``."""
        return related_to_text(self, text, limit=limit, filters=filters, include_duplicates=include_duplicates)

    def duplicates(self, article_id: str) -> list[str]:
        """Ids of near-copies of an article (the same story republished), closest first.

        مثال::

            >>> index.duplicates("spa-1")  # doctest: +SKIP
            ['okaz-17', 'alriyadh-9']
        """
        return duplicates(self, article_id)

    def vocabulary(self) -> Vocabulary:
        """The index's words and stems with document counts, for the current commit.

        Built on first use after a commit (did-you-mean, fuzzy words, autocomplete).
        """
        searcher = self.searcher()
        signature = self._commit_seen
        cached = self._vocabulary
        if cached is None or cached[0] != signature:
            cached = self._vocabulary = (signature, Vocabulary(searcher))
        return cached[1]

    def topics(self) -> TopicModel | None:
        """The index's topic model (``arsearch.topics``), re-read when a writer refits it;
        None before the index has ``topics.MIN_ARTICLES`` articles or when the file is unreadable."""
        signature = file_signature(self.path / MODEL_FILE)
        cached = self._topics
        if cached is None or cached[0] != signature:
            model = None
            if signature is not None:
                try:
                    model = TopicModel.load(self.path / MODEL_FILE)
                except ValueError as error:
                    # derived data: related articles rank on key terms until the next import refits it
                    warnings.warn(f"{self.path / MODEL_FILE} cannot be read ({error}); ignored", stacklevel=2)
            cached = self._topics = (signature, model)
        return cached[1]

    def refit_topics(self) -> ModelInfo | None:
        """Fit the topic model on the current articles now (imports do it as the index grows);
        None when there is too little text to learn topics from.

        مثال::

            >>> index.refit_topics().dimensions  # doctest: +SKIP
            100
        """
        try:
            model = fit_index(self)
        except OSError as error:
            raise self._write_failure(error) from None
        return model.info if model is not None else None

    # --- writing ----------------------------------------------------------

    def add(
        self,
        articles: Iterable[ArticleLike],
        *,
        update: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        strict: bool = False,
        field_map: Mapping[str, str] | None = None,
        wait: float = 0.0,
        progress: Callable[[AddReport], None] | None = None,
    ) -> AddReport:
        """Index articles from any iterable (streamed), committing every ``batch_size``.

        Items may be ``Article`` objects, mappings, or ``ingest.Record``s. A bad
        record is skipped and reported in ``AddReport.problems`` (``strict``:
        raise ``StrictModeError`` instead, after committing what came before).
        An id already in the index is left alone unless ``update`` is true, so
        re-running an interrupted import converges without duplicates. Once the
        index holds ``topics.MIN_ARTICLES`` articles, and whenever it has doubled
        since, the import ends by fitting the topic model of related articles
        (about 4 s for 31k articles; ``AddReport.topics``).
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        report = AddReport()
        started = time.perf_counter()
        committed = self.searcher()  # the ids indexed before this import (later ones are in seen_at)
        seen_at: dict[str, str] = {}
        writer: tantivy.IndexWriter | None = None
        pending = 0

        def reject(problem: Problem, kind: str) -> None:
            """Skip and report a bad record, or in strict mode stop after committing what came before."""
            if strict:
                commit()
                raise StrictModeError(str(problem)) from None
            report.skip(problem, kind)

        def commit() -> None:
            nonlocal pending
            if writer is not None and pending:
                self._commit(writer)
                pending = 0
                report.commits += 1
            report.elapsed = time.perf_counter() - started
            if progress is not None:
                progress(report)

        try:
            for number, item in enumerate(articles, 1):
                location = item.location if isinstance(item, Record) else f"item {number}"
                try:
                    article = _to_article(item, field_map)
                except ArticleError as error:
                    reject(Problem(location, str(error)), error.kind)
                    continue
                first = seen_at.get(article.id)
                if first is not None:
                    reject(Problem(location, f"duplicate id {article.id!r} (first seen at {first})"), "duplicate id")
                    continue
                seen_at[article.id] = location
                indexed = _holds(committed, self.schema, article.id)
                if indexed and not update:
                    report.unchanged += 1
                    continue
                if writer is None:
                    writer = self._writer(wait)
                if indexed:
                    writer.delete_documents_by_term("id", article.id)
                    report.updated += 1
                else:
                    report.added += 1
                writer.add_document(build_document(article, self.analyzer))
                pending += 1
                if pending >= batch_size:
                    commit()
            commit()
        except BaseException as error:
            # The batch in progress is dropped; every earlier commit stays.
            if writer is not None:
                self._rollback(writer)
            report.elapsed = time.perf_counter() - started
            if isinstance(error, ValueError) and _is_io_error(error):
                raise self._write_failure(error) from None
            raise
        finally:
            if writer is not None:
                self._release_writer(writer)
        # after the writer is gone and merges are done (lower peak memory); a concurrent refit is
        # harmless: each writes a whole model and the last one stays
        if report.indexed and needs_fitting(self.topics(), len(self)):
            report.topics = self.refit_topics()
            report.elapsed = time.perf_counter() - started
        return report

    def update(self, article: Article | Mapping[str, Any]) -> None:
        """Add the article, or replace the one with the same id."""
        self.add([article], update=True, strict=True)

    def delete(self, article_id: str) -> bool:
        """Delete an article; returns False when there was none with that id."""
        if article_id not in self:
            return False
        writer = self._writer(0.0)
        try:
            writer.delete_documents_by_term("id", article_id)
            self._commit(writer)
        except BaseException as error:
            self._rollback(writer)
            if isinstance(error, ValueError) and _is_io_error(error):
                raise self._write_failure(error) from None
            raise
        finally:
            self._release_writer(writer)
        return True

    def _rollback(self, writer: tantivy.IndexWriter) -> None:
        # may fail on a full disk too; nothing was committed, so the last commit stands either way
        with contextlib.suppress(ValueError):
            writer.rollback()

    def _write_failure(self, error: Exception) -> IndexWriteError:
        try:
            kept = f"{len(self):,} articles"
        except ArsearchError:
            kept = "as it was"
        return IndexWriteError(
            f"writing to {self.path} failed ({_io_reason(error)}); the last commit ({kept}) is intact"
        )

    def _writer(self, wait: float) -> tantivy.IndexWriter:
        deadline = time.monotonic() + wait
        while True:
            try:
                writer = self._engine.writer(heap_size=WRITER_HEAP_BYTES, num_threads=WRITER_THREADS)
            except ValueError as error:
                if _is_io_error(error):
                    raise self._write_failure(error) from None
                if "LockBusy" not in str(error):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexLockedError(self._lock_message()) from None
                time.sleep(0.2)
                continue
            _write_json_atomically(
                self.path / WRITER_INFO_FILE, {"pid": os.getpid(), "host": socket.gethostname(), "since": _now()}
            )
            return writer

    def _commit(self, writer: tantivy.IndexWriter) -> None:
        writer.commit()
        self._touch()

    def _release_writer(self, writer: tantivy.IndexWriter) -> None:
        """Let merges finish, then drop the writer (which releases tantivy's lock)."""
        try:
            # a merge that cannot be written (full disk) leaves the committed segments as they were
            with contextlib.suppress(ValueError):
                writer.wait_merging_threads()
        finally:
            (self.path / WRITER_INFO_FILE).unlink(missing_ok=True)

    def _lock_message(self) -> str:
        try:
            holder = orjson.loads((self.path / WRITER_INFO_FILE).read_bytes())
            who = f"pid {holder['pid']} on {holder['host']} since {holder['since']}"
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
            who = "another process"
        return f"index {self.path} is locked by another writer ({who}); retry later or pass --wait SECONDS"

    def _touch(self) -> None:
        self._settings["updated"] = _now()
        self._settings["library_version"] = _library_version()
        _write_json_atomically(self.path / SETTINGS_FILE, self._settings)


def _holds(searcher: tantivy.Searcher, schema: tantivy.Schema, article_id: str) -> bool:
    """Whether the searcher's commit holds an article with this id."""
    return bool(searcher.search(Query.term_query(schema, "id", article_id), limit=1, count=False).hits)


def _committed_segments(directory: Path) -> int:
    """Segments in the directory's last commit (0 when there is none, e.g. a creation cut short)."""
    try:
        meta = orjson.loads((directory / COMMIT_FILE).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return 0
    segments = meta.get("segments") if isinstance(meta, dict) else None
    return len(segments) if isinstance(segments, list) else 0


def _remove_index_files(directory: Path) -> None:
    """Empty an index directory for ``overwrite=True`` (only files, never subdirectories)."""
    for entry in directory.iterdir():
        if entry.is_file():
            entry.unlink()


def _to_article(item: ArticleLike, field_map: Mapping[str, str] | None) -> Article:
    if isinstance(item, Record):
        if item.error is not None:
            raise ArticleError(item.error, item.error_kind or "unreadable record")
        return Article.from_record(item.data, field_map)
    return Article.from_record(item, field_map)


def _write_json_atomically(path: Path, data: Mapping[str, Any]) -> None:
    write_atomically(path, orjson.dumps(data, option=orjson.OPT_INDENT_2))
