"""The actors of a cluster index: one per replica of a shard, and a catalog that keeps the layout.

A replica is an ordinary arsearch index directory, opened with ``Index`` in a
Ray actor on the node that holds it: the analysis, search and related code are
the library's own. The classes here are plain Python; ``client`` and ``build``
make them Ray actors.

**Catching up.** Every replica counts the writes it has applied (``WriteLog``,
kept beside its directory). A replica that may have missed some (it was
restarted, a write failed on it, or a client saw it fail one) compares its
count with the shard's other replicas before it answers again, and when one
has applied more, copies that one's index whole (taken between two writes)
in place of its own. A write is known by an id, so one delivered again after
such a copy is not counted twice.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import orjson
import ray
from ray.exceptions import RayError

from ..derived import topics
from ..derived.topics import ModelInfo, TopicModel, document_frequencies
from ..derived.variants import GivenSpellings, PairCounts, VariantTable, pair_counts
from ..engine.compile import Ranking
from ..engine.schema import ARTICLE_EXACT_FIELD, TEXT_FIELDS, stored_article, stored_sketch
from ..engine.statistics import CollectionStatistics, FieldTerm, local_statistics
from ..errors import ArticleNotFoundError
from ..index import AddReport, ImportOptions, Index, IndexInfo
from ..query import MatchLevel
from ..records.articles import Article
from ..records.files import write_atomically
from ..related import RelatedCandidate, copies_of, related_candidates, text_frequencies
from ..search.options import MAX_LIMIT, Filters, SearchOptions
from ..search.ranking import query_statistics, search, spelling_questions
from ..search.results import Results
from ..search.rewrite import LayoutReading, layout_reading
from ..search.suggest import Suggestion, autocomplete
from ..store.snapshot import Snapshot
from .layout import NAMESPACE

_T = TypeVar("_T")


#: Ids of the latest writes a replica keeps (a write delivered again is recognized among them).
REMEMBERED_WRITES = 1000
#: Seconds to wait for another replica's write count, and for a copy of its index.
SIBLING_TIMEOUT = 5.0
COPY_TIMEOUT = 600.0
#: Suffixes of the files a copy leaves out (locks belong to the process holding them).
NOT_COPIED = (".lock",)


class ReplicaBehindError(Exception):
    """The replica has missed writes and could not catch up yet: the client asks another one."""


@dataclass
class WriteLog:
    """How many writes a replica has applied, and the ids of the latest ``REMEMBERED_WRITES``."""

    applied: int = 0
    recent: list[str] = field(default_factory=list)

    def record(self, write_id: str) -> None:
        self.applied += 1
        self.recent = [*self.recent[-(REMEMBERED_WRITES - 1) :], write_id]

    def as_bytes(self) -> bytes:
        return orjson.dumps({"applied": self.applied, "recent": self.recent})

    @classmethod
    def from_bytes(cls, data: bytes) -> WriteLog:
        fields = orjson.loads(data)
        return cls(int(fields["applied"]), [str(write_id) for write_id in fields["recent"]])

    @classmethod
    def load(cls, path: Path) -> WriteLog:
        return cls.from_bytes(path.read_bytes()) if path.exists() else cls()


class ShardReplica:
    """One replica of one shard: an ``Index`` at ``path`` and the calls a client makes of it.

    ``siblings``: the Ray actor names of the shard's other replicas, asked when
    this one may be behind (see the module's notes).
    """

    def __init__(self, path: str, create_options: dict[str, Any], siblings: Sequence[str] = ()) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _finish_replacing(self.path)
        self.create_options = create_options
        self.index = Index.open_or_create(path, **create_options)
        self.siblings = list(siblings)
        self.log_path = self.path.with_name(self.path.name + ".writes")
        self.log = WriteLog.load(self.log_path)
        self._writing = threading.Lock()  # one write (or copy) at a time: the count matches the files
        # a (re)start may follow missed writes: compared with the others at the first call (not here:
        # they may be starting too, and calls to an actor wait until it has started)
        self.behind = True

    # --- staying current ------------------------------------------------------------

    def writes(self) -> int:
        """How many writes this replica has applied."""
        return self.log.applied

    def mark_behind(self) -> None:
        """A client saw a write miss this replica: compare with the others before answering again."""
        self.behind = True

    def catch_up(self) -> bool:
        """Compare with the shard's other replicas and copy the index of the one that has applied
        the most writes, if it is ahead of this one. True when this replica is current."""
        ahead, most = None, self.log.applied
        for name in self.siblings:
            try:
                sibling = ray.get_actor(name, namespace=NAMESPACE)
                writes = ray.get(sibling.writes.remote(), timeout=SIBLING_TIMEOUT)
            except (ValueError, RayError):  # gone or down: it cannot be behind us for long
                continue
            if writes > most:
                ahead, most = sibling, writes
        if ahead is not None:
            try:
                self._replace(ray.get(ahead.export.remote(), timeout=COPY_TIMEOUT))
            except RayError:
                return False
        self.behind = False
        return True

    def export(self) -> dict[str, bytes]:
        """This replica's index files and write log, taken between two writes."""
        with self._writing:
            files = {
                str(file.relative_to(self.path)): file.read_bytes()
                for file in self.path.rglob("*")
                if file.is_file() and not file.name.endswith(NOT_COPIED)
            }
            return {**files, WRITE_LOG_ENTRY: self.log.as_bytes()}

    def _replace(self, files: dict[str, bytes]) -> None:
        """Put a copy of another replica's index in place of this one's (a crash halfway is finished at
        the next start: ``_finish_replacing``)."""
        incoming, old = _beside(self.path, "incoming"), _beside(self.path, "old")
        shutil.rmtree(incoming, ignore_errors=True)
        log = WriteLog.from_bytes(files.pop(WRITE_LOG_ENTRY))
        for name, payload in files.items():
            target = incoming / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(payload)
        with self._writing:
            self.index.close()
            self.path.rename(old)
            incoming.rename(self.path)
            write_atomically(self.log_path, log.as_bytes())
            shutil.rmtree(old, ignore_errors=True)
            self.log = log
            self.index = Index.open_or_create(str(self.path), **self.create_options)

    def _current(self) -> None:
        """Before a read: a replica that may be behind catches up first, or lets another answer."""
        if self.behind and not self.catch_up():
            raise ReplicaBehindError(f"{self.path} missed writes and cannot copy another replica yet")

    def _write(self, write_id: str, action: Callable[[], _T]) -> _T:
        self._current()  # never a write on top of missed ones
        with self._writing:
            try:
                result = action()
            except BaseException:
                self.behind = True  # perhaps half done here and whole elsewhere: compare before reading
                raise
            if write_id not in self.log.recent:
                self.log.record(write_id)
                write_atomically(self.log_path, self.log.as_bytes())
            return result

    # --- the calls of a client ------------------------------------------------------

    def count(self) -> int:
        self._current()
        return len(self.index)

    def state(self) -> tuple[IndexInfo, int, bool]:
        """The index's info, the writes applied, and whether the replica may be behind (as is: a
        diagnosis, without catching up first)."""
        return self.index.info(), self.log.applied, self.behind

    def add(
        self, write_id: str, articles: Sequence[Article], update: bool, batch_size: int, wait: float = 0.0
    ) -> AddReport:
        """Write articles already checked by the client (ids unique, every record valid); the report
        says each one's fate."""
        # the topic model is the cluster's, fitted over every shard (``ClusterIndex.topics.refit``)
        return self._write(
            write_id,
            lambda: self.index.add(
                articles,
                ImportOptions(
                    update=update, batch_size=max(1, batch_size), wait=wait, item_outcomes=True, fit_topics="off"
                ),
            ),
        )

    def delete(self, write_id: str, article_ids: Sequence[str]) -> list[bool]:
        return self._write(write_id, lambda: [self.index.delete(article_id) for article_id in article_ids])

    def suggest(self, prefix: str, limit: int) -> list[Suggestion]:
        """Completions as normalized forms: the client spells the ones it keeps (``spellings``)."""
        self._current()
        return autocomplete(self.index.snapshot(), prefix, limit, spelled=False)

    def spellings(self, forms: Sequence[str]) -> list[str]:
        """How this shard's articles most often write each normalized form."""
        self._current()
        snapshot = self.index.snapshot()
        return [snapshot.spelling(form) for form in forms]

    def word_counts(self, words: Sequence[str]) -> list[int]:
        """How many articles contain each (normalized) word: the counts ``suggest`` gives."""
        self._current()
        snapshot = self.index.snapshot()
        return [snapshot.doc_freq(ARTICLE_EXACT_FIELD, word) for word in words]

    def get(self, article_id: str) -> Article | None:
        self._current()
        try:
            return self.index.get(article_id)
        except ArticleNotFoundError:
            return None

    def spelling_questions(self, query: str, options: SearchOptions) -> GivenSpellings:
        """What a search for ``query`` asks the spelling judge (``search.spelling_questions``)."""
        self._current()
        return spelling_questions(self.index.snapshot(), query, options)

    def query_questions(self, query: str, options: SearchOptions) -> tuple[LayoutReading | None, GivenSpellings | None]:
        """``layout_reading`` and ``spelling_questions`` (None without variants) in one round trip."""
        questions = self.spelling_questions(query, options) if options.variants else None
        return self.layout_reading(query), questions

    def layout_reading(self, query: str) -> LayoutReading | None:
        """``query`` read on the other keyboard layout (``search.rewrite.layout_reading``): every shard
        analyzes alike; the client judges the reading on the counts of every shard. None also when
        this shard's counts alone say the query is meant as typed (most Arabic queries): the client
        then asks no counts."""
        self._current()
        snapshot = self.index.snapshot()
        return layout_reading(query, snapshot.analyzer, snapshot.spelling_source())

    def spelling_evidence(self, method: str, argument: Any) -> Any:
        """What the spelling judge reads of this shard (``derived.variants.SpellingSource``): the
        client sums the shards' counts and judges once for all of them. ``spelled`` takes several
        prefixes at once, ``articles``, ``counts`` and ``stems`` several words or queries;
        ``written`` answers with how many articles hold the word, so the client takes the spelling
        of the shard holding it most."""
        self._current()
        source = self.index.snapshot().spelling_source()
        if method == "written":
            return source.written(argument), source.articles([argument])[0]
        if method == "spelled":  # several prefixes at once
            return [source.spelled(prefix) for prefix in argument]
        if method not in ("articles", "counts", "stems"):
            raise ValueError(f"no spelling evidence {method!r}")
        return getattr(source, method)(argument)

    def search(
        self,
        query: str,
        options: SearchOptions,
        depth: int,
        widen: bool | None,
        statistics: CollectionStatistics | None,
        spellings: GivenSpellings | None = None,
    ) -> tuple[Results, list[tuple[int, ...]]]:
        """The first ``depth`` hits of this shard (``search``'s own pages, deeper than one page may go),
        with each hit's near-duplicate sketch, to fold copies across shards."""
        self._current()
        snapshot = self.index.snapshot()  # one commit for every page and the sketches
        first = dataclasses.replace(options, limit=max(1, min(depth, MAX_LIMIT)), page=1)
        results = search(snapshot, query, first, widen=widen, statistics=statistics, spellings=spellings)
        hits = list(results.hits)
        following = dataclasses.replace(first, facets=False)
        while len(hits) < depth and len(hits) == following.page * following.limit:
            following = dataclasses.replace(following, page=following.page + 1)
            hits.extend(
                search(snapshot, query, following, widen=widen, statistics=statistics, spellings=spellings).hits
            )
        results = dataclasses.replace(results, hits=hits[:depth])
        sketches = [
            stored_sketch(document) if (document := snapshot.find(hit.id)) is not None else () for hit in results.hits
        ]
        return results, sketches

    # --- one topic model and one variant table for the whole cluster ----------------

    def model_info(self) -> ModelInfo | None:
        self._current()
        return self.index.topics.info()

    def sample_keys(self, size: int) -> list[tuple[int, str]]:
        self._current()
        return topics.sample_keys(self.index.snapshot().ids(), size)

    def sample_bags(self, chosen: Sequence[str] | None) -> list[dict[str, float]]:
        self._current()
        snapshot = self.index.snapshot()
        return list(topics.sample_bags(snapshot, snapshot.analyzer, set(chosen) if chosen is not None else None))

    def pair_counts(self, pairs: Sequence[tuple[str, str]]) -> list[PairCounts]:
        self._current()
        return pair_counts(self.index.snapshot(), pairs)

    def use_topics(self, write_id: str, model: TopicModel, variants: VariantTable) -> None:
        self._write(write_id, lambda: self.index.topics.adopt(model, variants))

    # --- related articles and copies ---------------------------------------------

    def term_statistics(self, terms: Sequence[str]) -> tuple[int, dict[FieldTerm, int]]:
        """The shard's article count and its counts of each term in the text fields (related articles
        weigh key terms and score candidates on the sums)."""
        self._current()
        return local_statistics(self.index.snapshot(), {(name, term) for term in terms for name in TEXT_FIELDS})

    def query_statistics(
        self,
        query: str,
        ranking: Ranking | None,
        variants: bool,
        match: MatchLevel | None = None,
        spellings: GivenSpellings | None = None,
    ) -> tuple[int, dict[FieldTerm, int]]:
        """The shard's counts of the terms a query scores with (``search.query_statistics``)."""
        self._current()
        snapshot = self.index.snapshot()
        return query_statistics(snapshot, query, ranking=ranking, variants=variants, match=match, spellings=spellings)

    def related_source(self, article_id: str) -> RelatedSource | None:
        """What ``related`` needs of an article of this shard; None when it has no such article."""
        self._current()
        snapshot = self.index.snapshot()
        try:
            document = snapshot.document(article_id)
        except ArticleNotFoundError:
            return None
        article = stored_article(document)
        frequencies = document_frequencies(snapshot.analyzer, document, article.title)
        sketch, topical = stored_sketch(document), _topical(snapshot, frequencies)
        return RelatedSource(article.id, frequencies, sketch, article.date, topical)

    def text_source(self, text: str) -> RelatedSource:
        """``related_source`` of any text, analyzed as this shard's index does."""
        self._current()
        snapshot = self.index.snapshot()
        frequencies, sketch = text_frequencies(snapshot, text)
        return RelatedSource(None, frequencies, sketch, None, _topical(snapshot, frequencies))

    def related_candidates(
        self,
        terms: list[tuple[str, float]],
        source: RelatedSource,
        wanted: int,
        filters: Filters | None,
        statistics: CollectionStatistics | None,
    ) -> list[RelatedCandidate]:
        self._current()
        snapshot = self.index.snapshot()
        return related_candidates(
            snapshot,
            terms,
            source.frequencies,
            wanted=wanted,
            exclude_id=source.id,
            filters=filters,
            statistics=statistics,
        )

    def sketch(self, article_id: str) -> tuple[int, ...] | None:
        """The near-duplicate sketch of an article of this shard; None when it has no such article."""
        self._current()
        document = self.index.snapshot().find(article_id)
        return stored_sketch(document) if document is not None else None

    def copies_of(self, sketch: tuple[int, ...], article_id: str) -> list[tuple[float, str]]:
        self._current()
        return copies_of(self.index.snapshot(), sketch, article_id)


@dataclass(frozen=True)
class RelatedSource:
    """The article (or text) related articles are sought for, as its shard analyzed it."""

    id: str | None
    frequencies: dict[str, float]
    sketch: tuple[int, ...]
    date: datetime | None
    #: whether the topic model knows some of its stems (candidates are then ranked on topics too)
    topical: bool


def _topical(snapshot: Snapshot, frequencies: dict[str, float]) -> bool:
    return (model := snapshot.topic_model()) is not None and model.vector(frequencies) is not None


#: The write log's entry in ``ShardReplica.export`` (not a file name an index uses).
WRITE_LOG_ENTRY = "\0writes"


def _beside(path: Path, what: str) -> Path:
    return path.with_name(f"{path.name}.{what}")


def _finish_replacing(path: Path) -> None:
    """Finish a copy that a crash interrupted: the complete new directory replaces the old one."""
    incoming, old = _beside(path, "incoming"), _beside(path, "old")
    if old.exists() and not path.exists() and incoming.exists():
        incoming.rename(path)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(incoming, ignore_errors=True)


class Catalog:
    """Keeps a cluster index's layout (as a dict) where every client can ask for it."""

    def __init__(self, layout: dict[str, Any]) -> None:
        self._layout = layout

    def layout(self) -> dict[str, Any]:
        return self._layout
