"""The tantivy engine (Rust, through its official Python bindings): arsearch's default.

Maps the logical schema onto tantivy's, translates engine-neutral queries,
and turns tantivy's errors (it reports disk trouble as ``ValueError`` text)
into the engine errors of ``base.py``. The reader reloads only when asked
(``snapshot`` does, when ``meta.json`` has changed): tantivy's own
reload-on-commit thread could race a manual reload and put an older commit
back after a newer one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Hashable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson
import tantivy
from tantivy import Occur, Order, Query

from ..records.files import file_signature, write_atomically
from . import queries as q
from .base import EngineBusy, EngineDiskError, EngineUnreadable, Found, IndexedDocument, PartsRepair, StoredDocument
from .base import Order as HitOrder
from .schema import (
    ANALYZED_FIELDS,
    DUPLICATE_KEYS_FIELD,
    ID_FIELD,
    KEYWORD_FIELDS,
    STORED_FIELDS,
    indexed_with,
)

#: tantivy's file recording the latest commit; its change means a new commit.
COMMIT_FILE = "meta.json"
#: The document store compresses blocks of this many bytes (LZ4, whose window is 64 kB): a block of
#: tantivy's default 16 kB holds three or four articles, and compresses 14% worse (SaudiNewsNet);
#: reading one article decompresses its block, ~15% slower.
STORE_BLOCK_BYTES = 65_536
#: tantivy's name for our whitespace-separated term streams.
TERMS_TOKENIZER = "arsearch_terms"
#: Memory for tantivy's indexing buffers per writer (bounds peak RSS).
WRITER_HEAP_BYTES = 128_000_000
#: tantivy's own indexing threads (our analysis runs in the calling thread).
WRITER_THREADS = 1
#: tantivy refuses an aggregation with more buckets than this (AggregationLimits' default).
MAX_AGGREGATION_BUCKETS = 65_000
#: Fields matched as exact values: term queries on them read no frequencies.
_EXACT_VALUE_FIELDS = frozenset((ID_FIELD, DUPLICATE_KEYS_FIELD, *KEYWORD_FIELDS))
_OCCUR = {"must": Occur.Must, "should": Occur.Should, "must_not": Occur.MustNot}


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field(ID_FIELD, stored=True, fast=True, tokenizer_name="raw")
    options = {"position": "position", "freq": "freq"}
    for name in ANALYZED_FIELDS:
        builder.add_text_field(name, tokenizer_name=TERMS_TOKENIZER, index_option=options[indexed_with(name)])
    builder.add_date_field("date", indexed=True, fast=True)
    for name in KEYWORD_FIELDS:  # exact values: filters and facet counts (fast fields)
        builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(DUPLICATE_KEYS_FIELD, tokenizer_name="raw", index_option="basic")
    for name in STORED_FIELDS:
        builder.add_bytes_field(name, stored=True)
    return builder.build()


def is_io_error(error: Exception) -> bool:
    """tantivy reports disk trouble (full, read-only, I/O) as ValueError("An IO error occurred: ..."),
    or, when it strikes the lock file, as "Failed to acquire Lockfile: IoError(Os {...})"."""
    text = str(error)
    return "IO error" in text or "os error" in text or "IoError(" in text


def io_reason(error: Exception) -> str:
    text = str(error)
    for reason in ("No space left on device", "Permission denied", "Read-only file system"):
        if reason.replace(" ", "").replace("-", "").lower() in text.replace(" ", "").lower():
            return reason.lower()
    return text


@contextlib.contextmanager
def _disk_errors() -> Iterator[None]:
    """tantivy's I/O failures as ``EngineDiskError``."""
    try:
        yield
    except ValueError as error:
        if is_io_error(error):
            raise EngineDiskError(io_reason(error)) from None
        raise


def _unreadable(error: Exception) -> EngineUnreadable:
    # tantivy takes a lock file even to read, so it cannot open an index it may not write
    needs_write = "ReadOnlyFilesystem" in str(error) or "PermissionDenied" in str(error)
    return EngineUnreadable(io_reason(error) if needs_write else str(error), needs_write=needs_write)


class TantivySnapshot:
    """One commit, through a tantivy searcher."""

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema, generation: Hashable) -> None:
        self._searcher = searcher
        self._schema = schema
        self._generation = generation
        #: the last query translated, with its translation: a search asks for its hits, then its
        #: facets, with one query of dozens of nodes
        self._last_translated: tuple[q.EngineQuery, Query] | None = None

    @property
    def generation(self) -> Hashable:
        return self._generation

    @property
    def doc_count(self) -> int:
        return int(self._searcher.num_docs)

    @property
    def segment_count(self) -> int:
        return int(self._searcher.num_segments)

    def search(
        self, query: q.EngineQuery, *, limit: int, offset: int = 0, count: bool = True, order: HitOrder = "score"
    ) -> Found:
        compiled = self._translated(query)
        found: Any  # tantivy's SearchResult (its stub leaves out ``count``)
        if order == "score":
            found = self._searcher.search(compiled, limit=limit, offset=offset, count=count)
            hits: list[tuple[float | None, Any]] = [(float(score), address) for score, address in found.hits]
        else:
            direction = Order.Desc if order == "newest" else Order.Asc
            found = self._searcher.search(
                compiled, limit=limit, offset=offset, count=count, order_by_field="date", order=direction
            )
            hits = [(None, address) for _, address in found.hits]
        return Found(hits, int(found.count) if count else 0)

    def stored(self, address: Any) -> TantivyStoredDocument:
        return TantivyStoredDocument(self._searcher.doc(address))

    def addresses(self) -> list[Any]:
        total = self.doc_count
        if total == 0:
            return []
        return [address for _, address in self._searcher.search(Query.all_query(), limit=total, count=False).hits]

    def ids(self) -> Iterator[str]:
        total = self.doc_count
        if total == 0:
            return
        if total <= MAX_AGGREGATION_BUCKETS:  # one pass over the id column
            found = self._searcher.aggregate(Query.all_query(), {"ids": {"terms": {"field": ID_FIELD, "size": total}}})
            for bucket in found["ids"]["buckets"]:
                yield str(bucket["key"])
            return
        # beyond tantivy's bucket limit: each stored document's id (some 20 µs per article)
        for address in self.addresses():
            yield self.stored(address).id

    def doc_freq(self, field: str, term: str) -> int:
        return int(self._searcher.doc_freq(field, term))

    def terms(self, field: str, prefix: str = "", limit: int | None = None) -> list[tuple[str, int]]:
        if limit is None:
            return list(self._searcher.terms_with_prefix(field, prefix))
        return list(self._searcher.terms_with_prefix(field, prefix, limit=limit))

    def facet_counts(self, query: q.EngineQuery, fields: Sequence[str], size: int) -> dict[str, dict[str, int]]:
        request = {name: {"terms": {"field": name, "size": size}} for name in fields}
        answer = self._searcher.aggregate(self._translated(query), request)
        return {name: {str(b["key"]): int(b["doc_count"]) for b in answer[name]["buckets"]} for name in fields}

    def _translated(self, query: q.EngineQuery) -> Query:
        """``_query``, or the last translation when ``query`` is the same object."""
        last = self._last_translated
        if last is not None and last[0] is query:
            return last[1]
        translated = self._query(query)
        self._last_translated = (query, translated)
        return translated

    def _query(self, query: q.EngineQuery) -> Query:
        """The tantivy query for an engine-neutral one."""
        translated: Query = _TRANSLATIONS[type(query)](self, query)
        return translated

    def _term(self, query: q.TermQuery) -> Query:
        option = "basic" if query.field in _EXACT_VALUE_FIELDS else "freq"
        return Query.term_query(self._schema, query.field, query.text, index_option=option)

    def _boolean(self, query: q.BooleanQuery) -> Query:
        clauses = [(_OCCUR[occur], self._query(clause)) for occur, clause in query.clauses]
        if query.minimum_should_match is None:
            return Query.boolean_query(clauses)
        return Query.boolean_query(clauses, minimum_number_should_match=query.minimum_should_match)

    def _boost(self, query: q.BoostQuery) -> Query:
        return Query.boost_query(self._query(query.query), query.factor)

    def _filter(self, query: q.FilterQuery) -> Query:
        return Query.const_score_query(self._query(query.query), 0.0)

    def _phrase(self, query: q.PhraseQuery) -> Query:
        return Query.phrase_query(self._schema, query.field, list[str | tuple[int, str]](query.terms), query.slop)

    def _date_range(self, query: q.DateRangeQuery) -> Query:
        if query.start is None and query.end is None:
            return Query.exists_query("date")
        return Query.range_query(self._schema, "date", tantivy.FieldType.Date, query.start, query.end)


#: Each engine-neutral query type's translation (a dict lookup: queries have dozens of nodes).
_TRANSLATIONS: dict[type, Callable[[TantivySnapshot, Any], Query]] = {
    q.TermQuery: TantivySnapshot._term,
    q.BooleanQuery: TantivySnapshot._boolean,
    q.BoostQuery: TantivySnapshot._boost,
    q.FilterQuery: TantivySnapshot._filter,
    q.PhraseQuery: TantivySnapshot._phrase,
    q.DateRangeQuery: TantivySnapshot._date_range,
    q.AllQuery: lambda _snapshot, _query: Query.all_query(),
    q.NoneQuery: lambda _snapshot, _query: Query.empty_query(),
}


class TantivyStoredDocument:
    """A stored tantivy document; fields are converted to Python only when read."""

    __slots__ = ("_document",)

    def __init__(self, document: tantivy.Document) -> None:
        self._document = document

    @property
    def id(self) -> str:
        return str(self._document.get_first(ID_FIELD))

    def field(self, name: str) -> bytes | None:
        value = self._document.get_first(name)
        return value if isinstance(value, bytes) else None


class TantivyWriter:
    """tantivy's index writer: holds the directory's lock until ``close``."""

    def __init__(self, writer: tantivy.IndexWriter) -> None:
        self._writer = writer

    def add(self, document: IndexedDocument) -> None:
        with _disk_errors():
            self._writer.add_document(_tantivy_document(document))

    def delete(self, article_id: str) -> None:
        with _disk_errors():
            self._writer.delete_documents_by_term(ID_FIELD, article_id)

    def commit(self) -> None:
        with _disk_errors():
            self._writer.commit()

    def rollback(self) -> None:
        # may fail on a full disk too; nothing was committed, so the last commit stands either way
        with contextlib.suppress(ValueError):
            self._writer.rollback()

    def close(self) -> None:
        # a merge that cannot be written (full disk) leaves the committed segments as they were
        with contextlib.suppress(ValueError):
            self._writer.wait_merging_threads()


def _tantivy_document(indexed: IndexedDocument) -> tantivy.Document:
    document = tantivy.Document()
    document.add_text(ID_FIELD, indexed.id)
    for name, terms in indexed.analyzed.items():
        document.add_text(name, terms)
    for name, values in indexed.keywords.items():
        for value in values:
            document.add_text(name, value)
    if indexed.date is not None:
        document.add_date("date", indexed.date)
    for name, payload in indexed.stored.items():
        document.add_bytes(name, payload)
    return document


class _ReadOnlyShadow:
    """A private directory of links to a read-only index's files, where tantivy may write its lock files.

    tantivy takes a lock file in the index directory even to read (its meta
    lock, while it loads a commit), which read-only storage refuses. The
    shadow holds a symbolic link to every file of the index, so tantivy reads
    the real files (memory-mapped as usual) and puts its lock files beside
    the links. ``refresh`` follows commits made elsewhere (a read-only mount
    of a directory that another machine writes).
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = Path(tempfile.mkdtemp(prefix="arsearch-read-only-"))
        self._remove = weakref.finalize(self, shutil.rmtree, self.path, ignore_errors=True)
        self.refresh()

    def refresh(self) -> None:
        # every file but tantivy's lock files: those are the shadow's own, created beside the links
        present = {
            entry.name for entry in os.scandir(self.directory) if entry.is_file() and not entry.name.endswith(".lock")
        }
        for entry in os.scandir(self.path):
            if entry.is_symlink() and entry.name not in present:
                os.unlink(entry.path)  # a file the index dropped (merged segments)
        for name in present:
            link = self.path / name
            if not link.is_symlink():
                os.symlink(self.directory.resolve() / name, link)

    def remove(self) -> None:
        self._remove()


class TantivyEngine:
    """An open tantivy index."""

    def __init__(self, directory: Path, index: tantivy.Index, shadow: _ReadOnlyShadow | None = None) -> None:
        terms = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).filter(tantivy.Filter.remove_long(1000))
        index.register_tokenizer(TERMS_TOKENIZER, terms.build())  # needed on every open
        index.config_reader(reload_policy="Manual")
        self._directory = directory
        self._index = index
        self._schema = index.schema
        self._commit_seen: Hashable = None  # the first snapshot reloads: a commit may have come since opening
        self._reload_lock = threading.Lock()
        self._shadow = shadow  # kept alive with the engine: its links are what tantivy reads

    def snapshot(self) -> TantivySnapshot:
        signature = file_signature(self._directory / COMMIT_FILE)
        if signature != self._commit_seen:
            with self._reload_lock:  # one reload at a time: each installs the newest commit
                if signature != self._commit_seen:
                    try:
                        if self._shadow is not None:
                            self._shadow.refresh()
                        self._index.reload()
                    except ValueError as error:
                        raise _unreadable(error) from None
                    self._commit_seen = signature
        return TantivySnapshot(self._index.searcher(), self._schema, signature)

    def writer(self) -> TantivyWriter:
        if self._shadow is not None:
            raise EngineDiskError("opened from read-only storage")
        try:
            with _disk_errors():
                return TantivyWriter(self._index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=WRITER_THREADS))
        except ValueError as error:
            if "LockBusy" in str(error):
                raise EngineBusy(str(error)) from None
            raise


class TantivyKind:
    """Creating, opening and repairing tantivy indexes."""

    name = "tantivy"

    def create(self, directory: Path) -> TantivyEngine:
        try:
            tantivy.Index(build_schema(), path=str(directory), reuse=False)
            _set_store_block(directory)
            return TantivyEngine(directory, tantivy.Index.open(str(directory)))
        except (OSError, ValueError) as error:
            raise EngineDiskError(io_reason(error)) from None

    def open(self, directory: Path, *, read_only: bool = False) -> TantivyEngine:
        shadow = _ReadOnlyShadow(directory) if read_only else None
        try:
            index = tantivy.Index.open(str(shadow.path if shadow else directory))
            return TantivyEngine(directory, index, shadow)
        except (OSError, ValueError) as error:  # tantivy's errors on damaged files
            if shadow is not None:
                shadow.remove()
            raise _unreadable(error) from None

    def has_files(self, directory: Path) -> bool:
        return (directory / COMMIT_FILE).exists()

    def committed_parts(self, directory: Path) -> int:
        try:
            meta = _read_meta(directory)
        except EngineUnreadable:  # no commit yet (e.g. a creation cut short)
            return 0
        segments = meta.get("segments") if isinstance(meta, dict) else None
        return len(segments) if isinstance(segments, list) else 0

    def commit_marker(self, directory: Path) -> Path:
        return directory / COMMIT_FILE

    def repair(self, directory: Path, validate: Callable[[StoredDocument], object]) -> PartsRepair:
        meta = _read_meta(directory)
        if not isinstance(meta, dict) or not isinstance(meta.get("segments"), list):
            raise EngineUnreadable(f"{directory / COMMIT_FILE} is not a tantivy commit")
        good: list[dict[str, Any]] = []
        bad: list[dict[str, Any]] = []
        for segment in meta["segments"]:
            (good if _segment_reads(directory, meta, segment, validate) else bad).append(segment)
        report = PartsRepair(kept=len(good))
        if bad:
            report.backup = _write_meta(directory, {**meta, "segments": good})
            report.dropped = [str(segment["segment_id"]) for segment in bad]
            report.dropped_documents = sum(_live_docs(segment) for segment in bad)
        return report


def _read_meta(directory: Path) -> Any:
    """tantivy's commit list; ``EngineUnreadable`` when it is missing or damaged."""
    try:
        return orjson.loads((directory / COMMIT_FILE).read_bytes())
    except (OSError, orjson.JSONDecodeError) as error:
        raise EngineUnreadable(f"{directory / COMMIT_FILE} cannot be read ({error})") from None


def _live_docs(segment: dict[str, Any]) -> int:
    deletes = segment.get("deletes") or {}
    return int(segment.get("max_doc", 0)) - int(deletes.get("num_deleted_docs", 0))


def _segment_files(directory: Path, segment: dict[str, Any]) -> list[Path]:
    prefix = str(segment["segment_id"]).replace("-", "")
    return [entry for entry in directory.iterdir() if entry.name.startswith(prefix + ".")]


def _segment_reads(
    directory: Path, meta: dict[str, Any], segment: dict[str, Any], validate: Callable[[StoredDocument], object]
) -> bool:
    """Open a scratch index holding only this segment (linked, not copied) and read all of it."""
    with tempfile.TemporaryDirectory(prefix=".arsearch-check-", dir=directory) as scratch:
        trial = Path(scratch)
        for source in _segment_files(directory, segment):
            os.symlink(source, trial / source.name)
        (trial / COMMIT_FILE).write_bytes(orjson.dumps({**meta, "segments": [segment]}))
        try:
            snapshot = TantivyKind().open(trial).snapshot()
            addresses = snapshot.addresses()
            for address in addresses:
                validate(snapshot.stored(address))
            return len(addresses) == snapshot.doc_count
        except (OSError, ValueError, EngineUnreadable):
            return False


def _set_store_block(directory: Path) -> None:
    """Give a new, empty index's document store ``STORE_BLOCK_BYTES`` blocks (the bindings take no
    index settings: they are written into its meta.json before any segment)."""
    meta = orjson.loads((directory / COMMIT_FILE).read_bytes())
    meta["index_settings"]["docstore_blocksize"] = STORE_BLOCK_BYTES
    write_atomically(directory / COMMIT_FILE, orjson.dumps(meta))


def _write_meta(directory: Path, meta: dict[str, Any]) -> Path:
    """Replace meta.json atomically, keeping the old one as a dated backup."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    backup = directory / f"{COMMIT_FILE}.before-repair-{stamp}"
    shutil.copy2(directory / COMMIT_FILE, backup)
    write_atomically(directory / COMMIT_FILE, orjson.dumps(meta))
    return backup
