"""The Whoosh engine (whoosh3, pure Python): arsearch wherever tantivy has no wheel.

Pyodide and JupyterLite, uncommon CPU architectures, locked-down build farms:
Python runs there, tantivy's Rust wheel may not. This engine keeps the same
analysis, query language, ranking knobs, highlighting and related articles
(all above the seam), at Whoosh's speed. It maps the logical schema onto
Whoosh's (analyzed fields split on whitespace only, with positions except the
roots; keyword fields as exact values; the date as a sortable column; the
stored byte fields as stored values), translates engine-neutral queries, and
scores with BM25 using Lucene's and tantivy's idf, so both engines rank alike.

Whoosh releases its lock at each commit; a lock of arsearch's own, held from
``writer()`` to ``close()``, keeps another writer out between commits.
"""

from __future__ import annotations

import contextlib
import heapq
import math
import shutil
import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import scoring
from whoosh.analysis import RegexTokenizer
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.query.wrappers import ConstantScoreQuery
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher

from . import queries as q
from .base import EngineBusy, EngineDiskError, EngineUnreadable, Found, IndexedDocument, PartsRepair, StoredDocument
from .base import Order as HitOrder
from .schema import ANALYZED_FIELDS, DUPLICATE_KEYS_FIELD, ID_FIELD, KEYWORD_FIELDS, STORED_FIELDS, indexed_with

#: Whoosh's name for the index inside the directory (its files are ``_MAIN_*``).
INDEX_NAME = "MAIN"
#: The lock arsearch's writer holds from ``writer()`` to ``close()``.
WRITER_LOCK = "ARSEARCH_WRITER"
#: Memory for Whoosh's indexing buffers per writer, MB.
WRITER_LIMIT_MB = 64
#: Separates the values of a keyword field in the text Whoosh indexes (never inside a value).
VALUE_SEPARATOR = "\x1f"
DATE_FIELD = "date"


class LuceneBM25(scoring.BM25F):  # type: ignore[misc]  # Whoosh has no type hints
    """Whoosh's BM25 (k1 1.2, b 0.75, as tantivy and Lucene) with their idf,
    ``ln(1 + (N - n + 0.5) / (n + 0.5))``, in place of Whoosh's ``ln(N / (n + 1)) + 1``."""

    def idf(self, searcher: Searcher, fieldname: str, text: bytes) -> float:
        parent = searcher.get_parent()
        containing = parent.doc_frequency(fieldname, text)
        return math.log(1 + (max(parent.doc_count(), 1) - containing + 0.5) / (containing + 0.5))


def build_schema() -> Schema:
    terms = RegexTokenizer(r"[^ \t\r\n]+")  # pre-analyzed: split on whitespace, nothing else
    values = RegexTokenizer(f"[^{VALUE_SEPARATOR}]+")
    fields: dict[str, Any] = {ID_FIELD: ID(stored=True, unique=True)}
    for name in ANALYZED_FIELDS:
        fields[name] = TEXT(analyzer=terms, phrase=indexed_with(name) == "position")
    for name in (*KEYWORD_FIELDS, DUPLICATE_KEYS_FIELD):
        fields[name] = TEXT(analyzer=values, phrase=False)
    fields[DATE_FIELD] = DATETIME(sortable=True)
    for name in STORED_FIELDS:
        fields[name] = STORED()
    return Schema(**fields)


@contextlib.contextmanager
def _disk_errors() -> Iterator[None]:
    """Whoosh's write failures (OSError: disk full, read-only, I/O) as ``EngineDiskError``."""
    try:
        yield
    except OSError as error:
        raise EngineDiskError((error.strerror or str(error)).lower()) from None


def _naive_utc(moment: datetime) -> datetime:
    """Whoosh's date columns hold naive datetimes: UTC."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo is not None else moment


class WhooshSnapshot:
    """One commit, through a Whoosh searcher."""

    def __init__(self, searcher: Searcher, generation: Hashable) -> None:
        self._searcher = searcher
        self._reader = searcher.reader()
        self._generation = generation

    @property
    def generation(self) -> Hashable:
        return self._generation

    @property
    def doc_count(self) -> int:
        return int(self._searcher.doc_count())

    @property
    def segment_count(self) -> int:
        return max(1, len(self._reader.leaf_readers()))

    def search(
        self, query: q.EngineQuery, *, limit: int, offset: int = 0, count: bool = True, order: HitOrder = "score"
    ) -> Found:
        translated = _translate(query)
        wanted = max(1, offset + limit)
        # every match scored (limit=None): Whoosh's top-N collection skips blocks it wrongly judges unable
        # to compete once clauses are boosted, and then misses hits and miscounts (seen on SaudiNewsNet)
        if order == "score":
            results = self._searcher.search(translated, limit=None)
        else:
            results = self._searcher.search(translated, limit=None, sortedby=DATE_FIELD, reverse=order == "newest")
        hits: list[tuple[float | None, Any]] = [
            (float(results.score(position)) if order == "score" else None, results.docnum(position))
            for position in range(offset, min(results.scored_length(), wanted))
        ]
        return Found(hits, results.scored_length() if count else 0)

    def stored(self, address: Any) -> WhooshStoredDocument:
        return WhooshStoredDocument(self._searcher.stored_fields(address))

    def addresses(self) -> list[Any]:
        return list(self._reader.all_doc_ids())

    def ids(self) -> Iterator[str]:
        for address in self._reader.all_doc_ids():
            yield str(self._searcher.stored_fields(address)[ID_FIELD])

    def doc_freq(self, field: str, term: str) -> int:
        return int(self._reader.doc_frequency(field, term))

    def terms(self, field: str, prefix: str = "", limit: int | None = None) -> list[tuple[str, int]]:
        if field not in self._reader.schema:
            return []
        found = [
            (_text(term), int(self._reader.doc_frequency(field, term)))
            for term in self._reader.expand_prefix(field, prefix)
        ]
        if limit is None:
            return found
        return heapq.nsmallest(limit, found, key=lambda pair: (-pair[1], pair[0]))

    def facet_counts(self, query: q.EngineQuery, fields: Sequence[str], size: int) -> dict[str, dict[str, int]]:
        matching = set(self._searcher.docs_for_query(_translate(query)))
        counts: dict[str, dict[str, int]] = {}
        for name in fields:
            per_value: dict[str, int] = {}
            if matching and name in self._reader.schema:
                for term in self._reader.lexicon(name):
                    postings = self._reader.postings(name, term)
                    found = sum(1 for address in postings.all_ids() if address in matching)
                    if found:
                        per_value[_text(term)] = found
            commonest = heapq.nsmallest(size, per_value.items(), key=lambda pair: (-pair[1], pair[0]))
            counts[name] = dict(commonest)
        return counts


def _text(term: Any) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


def _translate(query: q.EngineQuery) -> wq.Query:
    """The Whoosh query for an engine-neutral one."""
    translated: wq.Query = _TRANSLATIONS[type(query)](query)
    return translated


def _boolean(query: q.BooleanQuery) -> wq.Query:
    must = [_translate(clause) for occur, clause in query.clauses if occur == "must"]
    should = [_translate(clause) for occur, clause in query.clauses if occur == "should"]
    must_not = [_translate(clause) for occur, clause in query.clauses if occur == "must_not"]
    minimum = query.minimum_should_match or 0
    positive: wq.Query
    if must:
        positive = must[0] if len(must) == 1 else wq.And(must)
        if minimum and should:
            positive = wq.And([positive, wq.Or(should, minmatch=minimum)])
        elif should:  # optional clauses add to the score of what the required ones match
            positive = wq.AndMaybe(positive, should[0] if len(should) == 1 else wq.Or(should))
    elif should:
        positive = wq.Or(should, minmatch=minimum) if minimum or len(should) > 1 else should[0]
    else:
        positive = wq.Every()
    if must_not:
        positive = wq.AndNot(positive, must_not[0] if len(must_not) == 1 else wq.Or(must_not))
    return positive


def _boost(query: q.BoostQuery) -> wq.Query:
    inner = _translate(query.query)
    inner.boost = inner.boost * query.factor
    return inner


def _phrase(query: q.PhraseQuery) -> wq.Query:
    if len(query.terms) == 1:
        return wq.Term(query.field, query.terms[0])
    return wq.Phrase(query.field, list(query.terms), slop=query.slop + 1)  # Whoosh's slop 1: adjacent


def _date_range(query: q.DateRangeQuery) -> wq.Query:
    if query.start is None and query.end is None:
        return wq.Every(DATE_FIELD)
    start = _naive_utc(query.start) if query.start is not None else None
    end = _naive_utc(query.end) if query.end is not None else None
    return wq.DateRange(DATE_FIELD, start, end)


#: Each engine-neutral query type's translation.
_TRANSLATIONS: dict[type, Callable[[Any], wq.Query]] = {
    q.TermQuery: lambda query: wq.Term(query.field, query.text),
    q.BooleanQuery: _boolean,
    q.BoostQuery: _boost,
    q.FilterQuery: lambda query: ConstantScoreQuery(_translate(query.query), 0.0),
    q.PhraseQuery: _phrase,
    q.DateRangeQuery: _date_range,
    q.AllQuery: lambda _query: wq.Every(),
    q.NoneQuery: lambda _query: wq.NullQuery,
}


class WhooshStoredDocument:
    """A stored Whoosh document (its stored values, as a dict)."""

    __slots__ = ("_fields",)

    def __init__(self, fields: dict[str, Any]) -> None:
        self._fields = fields

    @property
    def id(self) -> str:
        return str(self._fields[ID_FIELD])

    def field(self, name: str) -> bytes | None:
        value = self._fields.get(name)
        return value if isinstance(value, bytes) else None


class WhooshWriter:
    """Whoosh's writer, renewed after each commit, under arsearch's own lock until ``close``."""

    def __init__(self, index: whoosh_index.Index, lock: Any) -> None:
        self._index = index
        self._lock = lock
        self._writer: Any = None

    def _current(self) -> Any:
        if self._writer is None:
            try:
                with _disk_errors():
                    self._writer = self._index.writer(limitmb=WRITER_LIMIT_MB)
            except whoosh_index.LockError as error:  # a writer that is not arsearch's
                raise EngineBusy(str(error) or "Whoosh's write lock is held") from None
        return self._writer

    def add(self, document: IndexedDocument) -> None:
        fields: dict[str, Any] = {ID_FIELD: document.id, **document.analyzed}
        for name, values in document.keywords.items():
            if values:
                fields[name] = VALUE_SEPARATOR.join(values)
        if document.date is not None:
            fields[DATE_FIELD] = _naive_utc(document.date)
        fields.update(document.stored)
        with _disk_errors():
            self._current().add_document(**fields)

    def delete(self, article_id: str) -> None:
        with _disk_errors():
            self._current().delete_by_term(ID_FIELD, article_id)

    def commit(self) -> None:
        if self._writer is None:
            return
        writer, self._writer = self._writer, None
        try:
            with _disk_errors():
                writer.commit()
        except EngineDiskError:
            with contextlib.suppress(Exception):
                writer.cancel()
            raise

    def rollback(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            with contextlib.suppress(Exception):  # nothing was committed: the last commit stands either way
                writer.cancel()

    def close(self) -> None:
        try:
            self.rollback()
        finally:
            self._lock.release()


class WhooshEngine:
    """An open Whoosh index."""

    def __init__(self, index: whoosh_index.Index, *, read_only: bool = False) -> None:
        self._index = index
        self._read_only = read_only
        self._per_thread = threading.local()

    def snapshot(self) -> WhooshSnapshot:
        # one searcher per thread and commit: Whoosh's readers keep read positions of their own
        mine = self._per_thread
        try:
            latest = self._index.latest_generation()
            if getattr(mine, "generation", None) != latest:
                # a new searcher, not Whoosh's refresh(): that one fails when the old reader was empty
                mine.searcher = self._index.searcher(weighting=LuceneBM25())
                mine.generation = latest
        except (OSError, ValueError, EOFError, whoosh_index.EmptyIndexError) as error:
            raise EngineUnreadable(str(error)) from None
        return WhooshSnapshot(mine.searcher, (id(self), mine.generation))

    def writer(self) -> WhooshWriter:
        if self._read_only:
            raise EngineDiskError("opened from read-only storage")
        lock = self._index.storage.lock(f"{INDEX_NAME}_{WRITER_LOCK}")
        with _disk_errors():
            taken = lock.acquire(blocking=False)
        if not taken:
            raise EngineBusy("another arsearch writer holds the index")
        return WhooshWriter(self._index, lock)


class WhooshKind:
    """Creating and opening Whoosh indexes."""

    name = "whoosh"

    def create(self, directory: Path) -> WhooshEngine:
        with _disk_errors():
            index = FileStorage(str(directory)).create_index(build_schema(), indexname=INDEX_NAME)
        return WhooshEngine(index)

    def open(self, directory: Path, *, read_only: bool = False) -> WhooshEngine:
        try:
            storage = FileStorage(str(directory), readonly=read_only)
            index = storage.open_index(indexname=INDEX_NAME)
        except (OSError, ValueError, EOFError, whoosh_index.EmptyIndexError) as error:
            raise EngineUnreadable(str(error)) from None
        return WhooshEngine(index, read_only=read_only)

    def has_files(self, directory: Path) -> bool:
        return any(directory.glob(f"_{INDEX_NAME}_*.toc"))

    def committed_parts(self, directory: Path) -> int:
        if not self.has_files(directory):
            return 0
        try:
            return len(FileStorage(str(directory), readonly=True).open_index(indexname=INDEX_NAME)._segments())
        except (OSError, ValueError, EOFError, whoosh_index.EmptyIndexError):
            return 0

    def commit_marker(self, directory: Path) -> Path:
        generation = whoosh_index.TOC._latest_generation(FileStorage(str(directory), readonly=True), INDEX_NAME)
        return directory / f"_{INDEX_NAME}_{max(generation, 0)}.toc"

    def repair(self, directory: Path, validate: Callable[[StoredDocument], object]) -> PartsRepair:
        storage = FileStorage(str(directory))
        try:
            toc = whoosh_index.TOC.read(storage, INDEX_NAME)
        except (OSError, ValueError, EOFError, KeyError, whoosh_index.EmptyIndexError) as error:
            raise EngineUnreadable(
                f"{directory}: Whoosh's commit list (_{INDEX_NAME}_*.toc) cannot be read ({error})"
            ) from None
        good: list[Any] = []
        bad: list[Any] = []
        for segment in toc.segments:
            (good if _segment_reads(storage, toc.schema, segment, validate) else bad).append(segment)
        report = PartsRepair(kept=len(good))
        if bad:
            current = directory / f"_{INDEX_NAME}_{toc.generation}.toc"
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            report.backup = directory / f"{current.name}.before-repair-{stamp}"
            shutil.copy2(current, report.backup)
            whoosh_index.TOC(toc.schema, good, toc.generation + 1).write(storage, INDEX_NAME)
            report.dropped = [str(segment.segment_id()) for segment in bad]
            report.dropped_documents = sum([int(segment.doc_count()) for segment in bad])
        return report


def _segment_reads(
    storage: FileStorage, schema: Schema, segment: Any, validate: Callable[[StoredDocument], object]
) -> bool:
    """Whether every stored document of a segment reads and passes ``validate``, and its terms read."""
    try:
        reader = SegmentReader(storage, schema, segment)
        try:
            for address in reader.all_doc_ids():
                validate(WhooshStoredDocument(reader.stored_fields(address)))
            for name in ANALYZED_FIELDS:
                for term in reader.lexicon(name):
                    reader.doc_frequency(name, term)
        finally:
            reader.close()
    except Exception:
        return False
    return True
