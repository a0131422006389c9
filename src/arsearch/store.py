"""An open index on disk: settings, the engine, snapshots, the writer and its lock.

An index is a directory: the engine's files, ``arsearch.json`` (format,
schema version, engine, analysis settings, times) and derived files such as
the topic model. ``Store`` owns all of it; the features (search, related,
suggest, topics) read a ``Snapshot``, one consistent commit with the index's
analyzer and caches, and never see the ``Index`` facade.

مثال::

    >>> store = Store.open("indexes/news")                      # doctest: +SKIP
    >>> snapshot = store.snapshot()                             # doctest: +SKIP
    >>> snapshot.article("1").title, len(snapshot)              # doctest: +SKIP
    ('افتتاح معرض الكتاب', 1)

Reading is safe from many threads at once; writing takes the index's lock,
so one writer at a time, across processes.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from .analysis import DEFAULT_PROFILE, Analyzer, NormalizationOptions, Profile, default_stopwords
from .articles import Article, ArticleError
from .engine import default_engine, get_engine
from .engine.base import (
    Engine,
    EngineBusy,
    EngineDiskError,
    EngineKind,
    EngineUnreadable,
    Found,
    Order,
    StoredDocument,
    Writer,
)
from .engine.base import Snapshot as EngineSnapshot
from .engine.queries import EngineQuery
from .engine.schema import SCHEMA_VERSION, address_of, stored_article
from .errors import (
    ArsearchError,
    ArticleNotFoundError,
    BatchRejectedError,
    IndexCorruptError,
    IndexExistsError,
    IndexLockedError,
    IndexNotFoundError,
    IndexVersionError,
    IndexWriteError,
    StrictModeError,
)
from .files import FileCache, write_atomically
from .ingest import Record
from .pipeline import DocumentMaker
from .synonyms import Groups, SynonymTable
from .topics import MODEL_FILE, ModelInfo, TopicModel, WrittenBags, read_model
from .variants import VARIANTS_FILE, VariantTable, read_variants
from .version import __version__
from .vocabulary import Vocabulary

SETTINGS_FILE = "arsearch.json"
WRITER_INFO_FILE = "writer.json"
#: Written into every index directory: an index is never committed to git by accident,
#: wherever it is created.
IGNORE_FILE = ".gitignore"
FORMAT_NAME = "arsearch-index"
#: Articles per commit of an import. Each commit closes a tantivy segment that
#: later merges rewrite: on 31k articles, commits of 2,500 instead of 1,000 cut the
#: importing process's CPU by ~5 s and the wall time by ~10%. 5,000 gains little
#: more and took an import of 100k articles over 1 GB (1,009 MB; 884 MB at 2,500).
#: A crash costs at most the articles since the last commit (a re-run adds them).
DEFAULT_BATCH_SIZE = 2500
#: The progress callback hears from an import at every commit and at least this often (articles).
PROGRESS_EVERY = 500

ArticleLike = Article | Mapping[str, Any] | Record


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
    topics: ModelInfo | None = None  # set when the import (re)fitted the topic model itself
    #: a background process is refitting the topic model (``Index.wait_for_topics``)
    topics_fitting: bool = False
    #: with ``item_outcomes=True``: each input item's fate, in input order: "added",
    #: "updated", "unchanged" or "skipped" (why: the ``problems`` entry at its location)
    outcomes: list[str] | None = None

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
class Skipped:
    """An input item that is not written: where and why (``problem``), and its report category."""

    problem: Problem
    kind: str


def checked_articles(
    items: Iterable[ArticleLike], field_map: Mapping[str, str] | None = None
) -> Iterator[Article | Skipped]:
    """Each input item, in order, as its article, or as ``Skipped`` when it is not a valid
    article or repeats an earlier item's id (the first one is kept)."""
    seen_at: dict[str, str] = {}
    for number, item in enumerate(items, 1):
        location = item.location if isinstance(item, Record) else item_location(number)
        try:
            article = to_article(item, field_map)
        except ArticleError as error:
            yield Skipped(Problem(location, str(error)), error.kind)
            continue
        first = seen_at.get(article.id)
        if first is None:
            seen_at[article.id] = location
            yield article
        else:
            yield Skipped(Problem(location, f"duplicate id {article.id!r} (first seen at {first})"), "duplicate id")


def item_location(number: int) -> str:
    """Where a problem with the ``number``-th item (from 1) of an iterable of articles is reported."""
    return f"item {number}"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


#: What to do about a damaged index (maintenance.py).
_REPAIR_HINT = "run 'arsearch repair --index {}' to keep what still reads, or rebuild the index"


def _read_failure(directory: Path, error: EngineUnreadable) -> ArsearchError:
    """The error to raise when the engine cannot open or reload an index."""
    if error.needs_write:
        return IndexWriteError(
            f"{directory} is not writable ({error.detail}): the engine needs to write a lock "
            "file even to read; make it writable or copy the index somewhere writable"
        )
    return IndexCorruptError(f"{directory} cannot be read ({error.detail}); {_REPAIR_HINT.format(directory)}")


def analysis_options(analysis: Mapping[str, Any]) -> dict[str, Any]:
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
        "protected": tuple(analysis.get("protected", ())),
    }


def protected_words(words: Iterable[str]) -> list[str]:
    """Words to protect from stemming, checked (one word each), deduplicated, sorted."""
    kept: set[str] = set()
    for word in words:
        cleaned = str(word).strip()
        if not cleaned:
            continue
        if len(cleaned.split()) != 1 or len(list(Analyzer("exact").tokens(cleaned))) != 1:
            raise ValueError(f"protected words are single words; {cleaned!r} is not one word")
        kept.add(cleaned)
    return sorted(kept)


def read_settings(directory: Path) -> dict[str, Any]:
    """An index's ``arsearch.json``, checked to be of this arsearch's schema."""
    settings_path = directory / SETTINGS_FILE
    if not directory.is_dir():
        raise IndexNotFoundError(f"no index at {directory} (create one with 'arsearch index FILE --index {directory}')")
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
            f"{settings.get('library_version')}); this is arsearch {__version__} (schema {SCHEMA_VERSION}): "
            "upgrade arsearch to read it"
        )
    if version < SCHEMA_VERSION:
        raise IndexVersionError(
            f"{directory} uses index schema {version}, this arsearch needs {SCHEMA_VERSION}: "
            f"run 'arsearch repair --index {directory}' to rebuild it from its stored articles"
        )
    return settings


def engine_kind(settings: Mapping[str, Any]) -> EngineKind:
    """The engine an index was created with (indexes before engines were named are tantivy's)."""
    try:
        return get_engine(settings.get("engine", "tantivy"))  # indexes from before engines had names
    except ValueError as error:
        raise IndexCorruptError(f"{error} (in {SETTINGS_FILE})") from None


class Snapshot:
    """One commit of an open index, with the index's analyzer and per-commit caches.

    It offers the engine's read operations (``engine.base.Snapshot``) and
    arsearch's own: articles by id, the vocabulary, the topic model.
    """

    def __init__(self, store: Store, view: EngineSnapshot) -> None:
        self.store = store
        self.view = view
        self.analyzer = store.analyzer
        self.path = store.path

    # --- the engine's reads -------------------------------------------------

    @property
    def generation(self) -> Hashable:
        return self.view.generation

    @property
    def doc_count(self) -> int:
        return self.view.doc_count

    @property
    def segment_count(self) -> int:
        return self.view.segment_count

    def __len__(self) -> int:
        return self.doc_count

    def search(
        self, query: EngineQuery, *, limit: int, offset: int = 0, count: bool = True, order: Order = "score"
    ) -> Found:
        return self.view.search(query, limit=limit, offset=offset, count=count, order=order)

    def stored(self, address: Any) -> StoredDocument:
        return self.view.stored(address)

    def addresses(self) -> list[Any]:
        return self.view.addresses()

    def ids(self) -> Iterator[str]:
        return self.view.ids()

    def doc_freq(self, field: str, term: str) -> int:
        return self.view.doc_freq(field, term)

    def terms(self, field: str, prefix: str = "", limit: int | None = None) -> list[tuple[str, int]]:
        return self.view.terms(field, prefix, limit)

    def facet_counts(self, query: EngineQuery, fields: Sequence[str], size: int) -> dict[str, dict[str, int]]:
        return self.view.facet_counts(query, fields, size)

    # --- arsearch's reads -----------------------------------------------------

    def find(self, article_id: str) -> StoredDocument | None:
        """The stored document of an article, or None."""
        address = address_of(self.view, article_id)
        return None if address is None else self.stored(address)

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and address_of(self.view, article_id) is not None

    def document(self, article_id: str) -> StoredDocument:
        """An article's stored document, or ``ArticleNotFoundError``."""
        document = self.find(article_id)
        if document is None:
            raise ArticleNotFoundError(f"no article with id {article_id!r} in {self.path}", article_id)
        return document

    def article(self, article_id: str) -> Article:
        """The article with this id (``ArticleNotFoundError`` if there is none)."""
        return stored_article(self.document(article_id))

    def vocabulary(self) -> Vocabulary:
        """The commit's words and stems with document counts (built on first use after a commit)."""
        return self.store.vocabulary_of(self)

    def topic_model(self) -> TopicModel | None:
        """The index's topic model (re-read when a writer refits it), or None."""
        return self.store.topic_model()

    def synonyms(self) -> SynonymTable:
        """The index's synonym groups, as stored now (they are settings, not part of a commit)."""
        return self.store.synonym_table()

    def variants(self) -> VariantTable | None:
        """The spelling variants of names and loanwords fitted with the topic model, or None."""
        return self.store.variant_table()


class Store:
    """An open index directory. Use ``Store.create`` or ``Store.open``."""

    def __init__(
        self, path: Path, kind: EngineKind, engine: Engine, settings: dict[str, Any], *, read_only: bool = False
    ) -> None:
        self.path = path
        self.kind = kind
        self.engine = engine
        self.settings = settings
        self.analyzer_options = analysis_options(settings["analysis"])
        self.analyzer = Analyzer(**self.analyzer_options)
        self._vocabulary: tuple[Hashable, Vocabulary] | None = None
        self._topics = FileCache(path / MODEL_FILE, read_model, None)
        self._variants = FileCache(path / VARIANTS_FILE, read_variants, None)
        self._synonyms = FileCache(
            path / SETTINGS_FILE,
            lambda file: SynonymTable(read_settings(file.parent).get("synonyms", []), self.analyzer),
            SynonymTable([], self.analyzer),
        )
        #: opened from storage this process cannot write: searches work, writes raise ``IndexWriteError``
        self.read_only = read_only

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
        engine: str | None = None,
        protected: Iterable[str] = (),
    ) -> Store:
        """Create a new, empty index at ``path`` (a directory); ``engine`` None: ``default_engine()``."""
        directory = Path(path)
        protected = protected_words(protected)
        kind = get_engine(engine or default_engine())
        if (directory / SETTINGS_FILE).exists() and not overwrite:
            raise IndexExistsError(f"an index already exists at {directory} (open it, or pass overwrite=True)")
        if overwrite and (directory / SETTINGS_FILE).exists():
            _remove_index_files(directory)
        if not overwrite and kind.committed_parts(directory):
            # an index whose settings file is gone: starting afresh would wipe its articles
            raise IndexCorruptError(
                f"{directory} holds committed articles but no {SETTINGS_FILE} (its settings): not overwriting it; "
                f"restore {SETTINGS_FILE} from a backup, or delete the directory (or overwrite=True) to start again"
            )
        directory.mkdir(parents=True, exist_ok=True)
        Analyzer(profile)  # validates the profile name before anything is written
        try:
            opened = kind.create(directory)
            (directory / IGNORE_FILE).write_text("# an arsearch index: built data, never committed\n*\n")
        except EngineDiskError as error:
            raise IndexWriteError(f"cannot create an index at {directory} ({error.reason})") from None
        except OSError as error:
            reason = (error.strerror or str(error)).lower()  # as the engines word it: "no space left on device"
            raise IndexWriteError(f"cannot create an index at {directory} ({reason})") from None
        now = _now()
        custom_stopwords = stopwords is not None and stopwords != default_stopwords()
        settings = {
            "format": FORMAT_NAME,
            "schema_version": SCHEMA_VERSION,
            "library_version": __version__,
            "engine": kind.name,
            "analysis": {
                "profile": profile,
                "stopwords": "custom" if custom_stopwords else "default",
                "stopword_list": sorted(stopwords) if custom_stopwords and stopwords is not None else None,
                "fold_hamza_carriers": normalization.fold_hamza_carriers,
                "fold_teh_marbuta": normalization.fold_teh_marbuta,
                "protected": protected,
            },
            "created": now,
            "updated": now,
        }
        _write_json_atomically(directory / SETTINGS_FILE, settings)
        return cls(directory, kind, opened, settings)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        """Open an existing index; its engine and analysis settings come from the index itself."""
        directory = Path(path)
        settings = read_settings(directory)
        kind = engine_kind(settings)
        if not kind.has_files(directory):
            raise IndexCorruptError(
                f"{directory} has settings but no index files ({kind.commit_marker(directory).name}); rebuild the index"
            )
        read_only = is_read_only(directory)
        try:
            opened = kind.open(directory, read_only=read_only)
        except EngineUnreadable as error:
            raise _read_failure(directory, error) from None
        return cls(directory, kind, opened, settings, read_only=read_only)

    def close(self) -> None:
        """Release cached state; the files are closed when the object is dropped."""
        self._vocabulary = None

    # --- reading ----------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The latest commit (a consistent view; cheap to get)."""
        try:
            return Snapshot(self, self.engine.snapshot())
        except EngineUnreadable as error:
            raise _read_failure(self.path, error) from None

    def vocabulary_of(self, snapshot: Snapshot) -> Vocabulary:
        cached = self._vocabulary
        if cached is None or cached[0] != snapshot.generation:
            cached = self._vocabulary = (snapshot.generation, Vocabulary(snapshot))
        return cached[1]

    def topic_model(self) -> TopicModel | None:
        """The topic model file's contents, re-read when its file is replaced."""
        return self._topics.get()

    def variant_table(self) -> VariantTable | None:
        """The spelling variants fitted with the topic model, re-read when the file is replaced."""
        return self._variants.get()

    def size_bytes(self) -> int:
        return sum(entry.stat().st_size for entry in os.scandir(self.path) if entry.is_file())

    # --- writing ----------------------------------------------------------

    @contextlib.contextmanager
    def writing(self, wait: float = 0.0) -> Iterator[Writer]:
        """Hold the index's write lock (waiting up to ``wait`` seconds for another writer): the writer
        inside; on any error the uncommitted changes are dropped, and the last commit stands."""
        writer = self._writer(wait)
        try:
            yield writer
        except BaseException as error:
            writer.rollback()
            if isinstance(error, EngineDiskError):
                raise self.write_failure(error.reason) from None
            raise
        finally:
            try:
                writer.close()
            finally:
                (self.path / WRITER_INFO_FILE).unlink(missing_ok=True)

    def commit(self, writer: Writer) -> None:
        writer.commit()
        self._change_settings(lambda settings: settings.update(updated=_now(), library_version=__version__))

    def _change_settings(self, change: Callable[[dict[str, Any]], object]) -> None:
        """Change the settings file; only under the write lock, so no two processes change it at once.

        The file is read again first: another process may have changed it
        (synonyms) since this one opened the index.
        """
        settings = read_settings(self.path)
        change(settings)
        _write_json_atomically(self.path / SETTINGS_FILE, settings)
        self.settings = settings

    # --- synonyms -----------------------------------------------------------

    def synonym_groups(self) -> Groups:
        """The synonym groups as stored now (another process may have changed them since this one opened)."""
        return [[member.text for member in group] for group in self.synonym_table().groups]

    def synonym_table(self) -> SynonymTable:
        """The synonym groups analyzed for searching, re-read when the settings file is replaced."""
        return self._synonyms.get()

    def change_synonyms(self, change: Callable[[Groups], Groups], wait: float = 0.0) -> Groups:
        """Replace the synonym groups by ``change(groups)``, atomically and under the write lock
        (``writing`` refuses an index on read-only storage)."""
        changed: Groups = []

        def apply(settings: dict[str, Any]) -> None:
            nonlocal changed
            changed = change([list(group) for group in settings.get("synonyms", [])])
            settings["synonyms"] = changed

        with self.writing(wait):
            self._change_settings(apply)
        return changed

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
        jobs: int | None = None,
        all_or_nothing: bool = False,
        item_outcomes: bool = False,
        written: WrittenBags | None = None,
    ) -> AddReport:
        """Index articles, committing every ``batch_size``; see ``Index.add``.

        ``written``: keeps the topic model's view of every written article, for a refit
        right after the import (its generation is set once the last commit is made).

        Three stages: records are read and checked here, in input order; their
        analysis runs on ``jobs`` processes (``pipeline``), and the documents come
        back in input order to the one writer, which commits every ``batch_size``.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        report = AddReport(outcomes=[] if item_outcomes else None)
        started = time.perf_counter()
        committed = self.snapshot()  # the ids indexed before this import (repeats within it are skipped)
        was_empty = committed.doc_count == 0  # a first import looks up no id
        stop_at_first = strict and not all_or_nothing

        def outcome(fate: str) -> None:
            if report.outcomes is not None:
                report.outcomes.append(fate)

        def planned() -> Iterator[_Write | Problem]:
            """What to write, in input order; in strict mode the first bad record ends it."""
            for article in checked_articles(articles, field_map):
                if isinstance(article, Article):
                    indexed = not was_empty and article.id in committed
                    if indexed and not update:
                        report.unchanged += 1
                        outcome("unchanged")
                    else:
                        outcome("updated" if indexed else "added")
                        yield _Write(article, indexed)
                    continue
                if stop_at_first:
                    yield article.problem
                    return
                report.skip(article.problem, article.kind)
                outcome("skipped")

        plan: Iterable[_Write | Problem] = planned()
        if all_or_nothing:
            # every record is checked before anything is written; then one commit writes them all
            plan = list(plan)
            if report.problems:
                raise BatchRejectedError(list(report.problems))
            batch_size = max(1, len(plan))

        with contextlib.ExitStack() as stack:
            maker = stack.enter_context(DocumentMaker(self.analyzer, self.analyzer_options, jobs))
            writer: Writer | None = None
            pending = 0

            def tell() -> None:
                report.elapsed = time.perf_counter() - started
                if progress is not None:
                    progress(report)

            def commit() -> None:
                nonlocal pending
                if writer is not None and pending:
                    self.commit(writer)
                    pending = 0
                    report.commits += 1
                tell()

            try:
                for item, document in maker.analyzed(plan, _article_to_write):
                    if isinstance(item, Problem):  # strict mode: stop after committing what came before
                        commit()
                        raise StrictModeError(str(item))
                    assert document is not None
                    if writer is None:
                        writer = stack.enter_context(self.writing(wait))
                    if item.indexed:
                        writer.delete(item.article.id)
                        report.updated += 1
                    else:
                        report.added += 1
                    writer.add(document)
                    if written is not None:
                        written.add(document)
                    pending += 1
                    if pending >= batch_size:
                        commit()
                    elif pending % PROGRESS_EVERY == 0:
                        tell()
                commit()
                if written is not None:  # still under the writer's lock: this commit is the import's own
                    written.generation = self.snapshot().generation
                    written.whole_index = was_empty
            finally:
                # the batch in progress is dropped (by ``writing``); every earlier commit stays
                report.elapsed = time.perf_counter() - started
        return report

    def delete(self, article_id: str) -> bool:
        """Delete an article; False when there was none with that id."""
        if article_id not in self.snapshot():
            return False
        with self.writing() as writer:
            writer.delete(article_id)
            self.commit(writer)
        return True

    def write_failure(self, reason: str) -> IndexWriteError:
        """The error for a write that failed (full disk, read-only...), saying the last commit is intact."""
        try:
            kept = f"{len(self.snapshot()):,} articles"
        except ArsearchError:
            kept = "as it was"
        return IndexWriteError(f"writing to {self.path} failed ({reason}); the last commit ({kept}) is intact")

    def check_writable(self) -> None:
        """Raise ``IndexWriteError`` when the index was opened from storage this process cannot write."""
        if self.read_only:
            raise read_only_error(self.path)

    def _writer(self, wait: float) -> Writer:
        self.check_writable()
        deadline = time.monotonic() + wait
        while True:
            try:
                writer = self.engine.writer()
            except EngineDiskError as error:
                raise self.write_failure(error.reason) from None
            except EngineBusy:
                if time.monotonic() >= deadline:
                    raise IndexLockedError(self._lock_message()) from None
                time.sleep(0.2)
                continue
            _write_json_atomically(
                self.path / WRITER_INFO_FILE,
                {"pid": os.getpid(), "host": socket.gethostname(), "since": _now()},
            )
            return writer

    def _lock_message(self) -> str:
        try:
            holder = orjson.loads((self.path / WRITER_INFO_FILE).read_bytes())
            who = f"pid {holder['pid']} on {holder['host']} since {holder['since']}"
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
            who = "another process"
        return f"index {self.path} is locked by another writer ({who}); retry later or pass --wait SECONDS"


def is_read_only(directory: Path) -> bool:
    """Whether this process cannot write ``directory`` (read-only storage, or no permission)."""
    return not os.access(directory, os.W_OK)


def read_only_error(directory: Path) -> IndexWriteError:
    return IndexWriteError(
        f"{directory} is on read-only storage (or not writable by this user): it can be searched, "
        "not changed; copy it to writable storage to add, update, delete or repair"
    )


def _remove_index_files(directory: Path) -> None:
    """Empty an index directory for ``overwrite=True`` (only files, never subdirectories)."""
    for entry in directory.iterdir():
        if entry.is_file():
            entry.unlink()


@dataclass(frozen=True)
class _Write:
    """An article to write; ``indexed``: it replaces the committed one with its id."""

    article: Article
    indexed: bool


def _article_to_write(item: _Write | Problem) -> Article | None:
    return item.article if isinstance(item, _Write) else None


def to_article(item: ArticleLike, field_map: Mapping[str, str] | None = None) -> Article:
    """The article an input item stands for (``ArticleError`` naming what is wrong with it)."""
    if isinstance(item, Record):
        if item.error is not None:
            raise ArticleError(item.error, item.error_kind or "unreadable record")
        return Article.from_record(item.data, field_map)
    return Article.from_record(item, field_map)


def _write_json_atomically(path: Path, data: Mapping[str, Any]) -> None:
    write_atomically(path, orjson.dumps(data, option=orjson.OPT_INDENT_2))
