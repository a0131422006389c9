"""``ClusterIndex``: the ``Index`` API over a sharded, replicated index on a Ray cluster.

Reads go to one live replica of every shard at once and are merged here:
totals and facet counts are summed, hits merged in the order asked for, and
near-copies folded across shards as within one. A replica that fails or does
not answer in time is passed over for the shard's next replica; a shard with
no replica left makes the answer partial (``Results.partial``, with a warning
naming it), never an exception. Writes are routed by id to every replica of
their shard and acknowledged once all live replicas have committed.

مثال::

    >>> from arsearch.cluster import ClusterIndex
    >>> news = ClusterIndex.connect("10.0.0.5:6379", "news")      # doctest: +SKIP
    >>> news.search("زيارة الوزير", filters={"source": "الوطن"}).total  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import heapq
import logging
import math
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import chain
from typing import Any

import ray
from ray.exceptions import RayError, RayTaskError

from .. import fingerprint
from ..articles import Article, ArticleError
from ..engine.compile import Ranking
from ..engine.statistics import CollectionStatistics
from ..errors import (
    ArticleNotFoundError,
    BadRecord,
    BatchRejectedError,
    ClusterError,
    IndexCorruptError,
    IndexWriteError,
)
from ..index import DEFAULT_BATCH_SIZE, AddReport, IndexInfo
from ..related import RelatedArticle, candidates_wanted, key_terms, rank_related
from ..search import (
    FACET_SIZE,
    MAX_LIMIT,
    MAX_PAGE,
    SORTS,
    WIDEN_BELOW,
    Copy,
    Filters,
    Hit,
    Results,
    Sort,
)
from ..store import ArticleLike, Skipped, checked_articles
from ..suggest import Suggestion
from ..topics import FIT_SAMPLE, ModelInfo, fit, needs_fitting
from ..variants import PairCounts, candidate_pairs, judged_table
from .layout import NAMESPACE, Layout, catalog_name, replica_name, shard_of
from .replica import Catalog, RelatedSource, ReplicaBehindError, ShardReplica

#: Seconds a replica may take to answer before the shard's next replica is asked.
DEFAULT_TIMEOUT = 30.0
#: Seconds to wait for the head node's port to accept a connection.
CONNECT_TIMEOUT = 5.0
#: Seconds a replica that failed is asked last (it may be restarting).
DOWN_FOR = 10.0
#: Words each shard proposes per suggestion wanted.
SUGGEST_FACTOR = 10
#: Extra hits asked of each shard, beyond the page's depth, so that folding copies across shards
#: still fills the page.
COLLAPSE_SLACK = 10

_log = logging.getLogger(__name__)

ReplicaActor = ray.remote(ShardReplica)
CatalogActor = ray.remote(Catalog)

#: Failures of the replica rather than of the request: the shard's next replica is asked.
_REPLICA_FAILURES = (IndexCorruptError, IndexWriteError, OSError, ReplicaBehindError)


def start_ray(address: str | None) -> None:
    """Join the Ray cluster at ``address`` ("auto": the local one) unless this process already has."""
    if ray.is_initialized():
        return
    _check_reachable(address)
    try:
        ray.init(address=address, namespace=NAMESPACE, logging_level=logging.WARNING, log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as error:
        raise ClusterError(f"cannot join the Ray cluster at {address}: {error}") from None


def _check_reachable(address: str | None) -> None:
    """Fail at once on an address nobody listens at (Ray itself retries for a minute or more)."""
    if not address or address == "auto" or "://" in address:
        return
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ClusterError(f"bad Ray address {address!r}: give the head node as HOST:PORT, e.g. 10.0.0.5:6379")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as error:
        raise ClusterError(f"cannot reach the Ray cluster at {address}: {error}") from None


def read_layout(name: str, timeout: float = DEFAULT_TIMEOUT) -> Layout | None:
    """The layout of the index ``name`` on the cluster this process has joined; None if there is none."""
    try:
        catalog = ray.get_actor(catalog_name(name), namespace=NAMESPACE)
    except ValueError:
        return None
    return catalog_layout(catalog, name, timeout)


def catalog_layout(catalog: Any, name: str, timeout: float = DEFAULT_TIMEOUT) -> Layout:
    """The layout a catalog actor keeps (waiting up to ``timeout`` while Ray restarts the catalog
    elsewhere, after the loss of its node)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return Layout.from_dict(ray.get(catalog.layout.remote(), timeout=max(0.1, deadline - time.monotonic())))
        except RayError as error:
            if time.monotonic() >= deadline or isinstance(error, RayTaskError):
                raise ClusterError(f"the catalog of index {name!r} does not answer: {error}") from None
            time.sleep(0.5)


@dataclass(frozen=True)
class ReplicaInfo:
    """One replica as ``ClusterIndex.info`` found it; ``index`` is None when it did not answer."""

    shard: int
    replica: int
    node: str
    path: str
    index: IndexInfo | None
    error: str | None = None
    #: writes it has applied (fewer than another replica of its shard: it has missed some)
    writes: int | None = None
    #: it may have missed writes and compares itself with the others at its next call
    behind: bool = False


@dataclass(frozen=True)
class ClusterInfo:
    """A cluster index: its layout, its article count, and each replica's state."""

    name: str
    shards: int
    replicas: int
    doc_count: int
    missing_shards: list[int]
    replica_states: list[ReplicaInfo]
    #: the latest change of any replica (ISO time; "" when none answered)
    updated: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "shards": self.shards,
            "replicas": self.replicas,
            "doc_count": self.doc_count,
            "missing_shards": self.missing_shards,
            "updated": self.updated,
            "replica_states": [
                {
                    "shard": state.shard,
                    "replica": state.replica,
                    "node": state.node,
                    "path": state.path,
                    "doc_count": state.index.doc_count if state.index else None,
                    "size_bytes": state.index.size_bytes if state.index else None,
                    "writes": state.writes,
                    "behind": state.behind,
                    "error": state.error,
                }
                for state in self.replica_states
            ],
        }


class _Unanswered(Exception):
    """A replica could not answer (down, gone, timed out, or its index unreadable)."""


class ClusterIndex:
    """A sharded, replicated index on a Ray cluster, read and written like an ``Index``.

    One instance may be shared by threads. Get one with ``connect``.
    """

    def __init__(self, layout: Layout, *, timeout: float = DEFAULT_TIMEOUT, global_statistics: bool = True) -> None:
        self.layout = layout
        self.name = layout.name
        self.timeout = timeout
        #: score with term rarities over every shard (one more round trip per search; see
        #: ``engine.statistics``); False: each shard's own, as Elasticsearch does by default
        self.global_statistics = global_statistics
        self._handles: dict[tuple[int, int], Any] = {}
        self._down_since: dict[tuple[int, int], float] = {}
        #: replicas that may have missed writes (one failed here): they catch up before answering
        self._suspects: set[tuple[int, int]] = set()
        self._turn = 0

    @classmethod
    def connect(
        cls, address: str | None, name: str, *, timeout: float = DEFAULT_TIMEOUT, global_statistics: bool = True
    ) -> ClusterIndex:
        """Join the Ray cluster at ``address`` and open the index ``name`` built there
        (``global_statistics``: see the attribute)."""
        start_ray(address)
        layout = read_layout(name, timeout)
        if layout is None:
            raise ClusterError(
                f"no index named {name!r} on the Ray cluster at {address}; build it with 'arsearch cluster build'"
            )
        index = cls(layout, timeout=timeout, global_statistics=global_statistics)
        index._suspect_laggards()
        return index

    def _suspect_laggards(self) -> None:
        """Count every replica's writes: one behind another replica of its shard catches up before it
        answers this client (it does on its own when restarted, or when a write failed on it)."""
        writes = {
            key: applied
            for key, applied in self._ask_every_replica("writes").items()
            if not isinstance(applied, _Unanswered)
        }
        most: dict[int, int] = {}
        for (shard, _), applied in writes.items():
            most[shard] = max(most.get(shard, applied), applied)
        self._suspects.update(key for key, applied in writes.items() if applied < most[key[0]])

    def _ask_every_replica(self, method: str) -> dict[tuple[int, int], Any]:
        """Every replica's answer to ``method``, each asked directly and at once (no fail-over):
        its value, or the ``_Unanswered`` that stands for it."""
        references: dict[tuple[int, int], Any] = {}
        for shard, replica in self.layout.every_replica():
            try:
                references[(shard, replica)] = getattr(self._handle(shard, replica), method).remote()
            except _Unanswered as error:
                references[(shard, replica)] = error
        answers: dict[tuple[int, int], Any] = {}
        for key, reference in references.items():
            try:
                answers[key] = reference if isinstance(reference, _Unanswered) else _value(reference, self.timeout)
            except _Unanswered as error:
                answers[key] = error
        return answers

    def __enter__(self) -> ClusterIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Forget the actor handles (the cluster and its replicas keep running)."""
        self._handles.clear()

    # --- calling replicas -------------------------------------------------------

    def _handle(self, shard: int, replica: int) -> Any:
        key = (shard, replica)
        handle = self._handles.get(key)
        if handle is None:
            try:
                handle = ray.get_actor(replica_name(self.name, shard, replica), namespace=NAMESPACE)
            except ValueError:  # gone for good (its node died and it cannot be placed again)
                raise _Unanswered(f"replica {replica} of shard {shard} is gone") from None
            self._handles[key] = handle
        return handle

    def _order(self, shard: int) -> list[int]:
        """The shard's replicas in the order to ask them: in turn, those that failed lately last."""
        self._turn += 1
        replicas = self.layout.replicas
        turn = [(self._turn + offset) % replicas for offset in range(replicas)]
        now = time.monotonic()
        return sorted(turn, key=lambda r: now - self._down_since.get((shard, r), -math.inf) < DOWN_FOR)

    def _mark_down(self, shard: int, replica: int) -> None:
        self._down_since[(shard, replica)] = time.monotonic()
        self._handles.pop((shard, replica), None)  # looked up again next time (it may have been restarted)

    def _submit(self, shard: int, replica: int, method: str, args: tuple[Any, ...]) -> Any:
        handle = self._handle(shard, replica)
        if (shard, replica) in self._suspects:
            try:
                current = ray.get(handle.catch_up.remote(), timeout=self.timeout)
            except RayError as error:
                raise _Unanswered(f"replica {replica} of shard {shard} cannot catch up: {error}") from None
            if not current:
                raise _Unanswered(f"replica {replica} of shard {shard} missed writes and cannot catch up yet")
            self._suspects.discard((shard, replica))
        return getattr(handle, method).remote(*args)

    def _gather(
        self, method: str, args: Callable[[int], tuple[Any, ...]], shards: Iterable[int] | None = None
    ) -> tuple[dict[int, Any], list[int]]:
        """Ask one replica of every shard at once; a replica that fails or times out is replaced by
        the shard's next one. Returns the answers by shard and the shards no replica answered for."""
        answers: dict[int, Any] = {}
        missing: list[int] = []
        pending: dict[Any, tuple[int, int, list[int], float]] = {}

        def ask(shard: int, candidates: list[int]) -> None:
            while candidates:
                replica = candidates.pop(0)
                try:
                    reference = self._submit(shard, replica, method, args(shard))
                except _Unanswered:
                    self._mark_down(shard, replica)
                    continue
                pending[reference] = (shard, replica, candidates, time.monotonic() + self.timeout)
                return
            missing.append(shard)

        for shard in range(self.layout.shards) if shards is None else shards:
            ask(shard, self._order(shard))
        while pending:
            wait_for = max(0.0, min(deadline for *_, deadline in pending.values()) - time.monotonic())
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=wait_for)
            if not ready:  # the slowest replica is past its deadline: ask the shard's next one
                reference = min(pending, key=lambda ref: pending[ref][3])
                shard, replica, candidates, _ = pending.pop(reference)
                ray.cancel(reference, force=False)
                self._mark_down(shard, replica)
                ask(shard, candidates)
                continue
            reference = ready[0]
            shard, replica, candidates, _ = pending.pop(reference)
            try:
                answers[shard] = _value(reference)
            except _Unanswered:
                self._mark_down(shard, replica)
                ask(shard, candidates)
        return answers, sorted(missing)

    def _everywhere(self, method: str, args: Callable[[int], tuple[Any, ...]]) -> dict[int, Any]:
        """``_gather`` for a call that needs every shard (counts, ``info``): a missing shard is an error."""
        answers, missing = self._gather(method, args)
        if missing:
            raise ClusterError(f"index {self.name!r}: {_describe_missing(missing)}")
        return answers

    # --- reading ------------------------------------------------------------------

    def __len__(self) -> int:
        return sum(self._everywhere("count", lambda shard: ()).values())

    def __contains__(self, article_id: object) -> bool:
        if not isinstance(article_id, str):
            return False
        try:
            self.get(article_id)
        except ArticleNotFoundError:
            return False
        return True

    def get(self, article_id: str) -> Article:
        """The article with this id (``ArticleNotFoundError`` if there is none)."""
        article: Article = self._from_shard_of(article_id, "get")
        return article

    def _from_shard_of(self, article_id: str, method: str) -> Any:
        """A replica's answer about one article, asked of its shard (None from it: no such article)."""
        shard = shard_of(article_id, self.layout.shards)
        answers, missing = self._gather(method, lambda _: (article_id,), [shard])
        if missing:
            raise ClusterError(f"index {self.name!r}: cannot read article {article_id!r}: {_describe_missing(missing)}")
        if answers[shard] is None:
            raise ArticleNotFoundError(f"no article with id {article_id!r} in cluster index {self.name!r}", article_id)
        return answers[shard]

    def info(self) -> ClusterInfo:
        """Every replica's state, each asked directly (a down replica shows as such, one behind as
        such); a shard's article count is that of its replica with the most writes."""
        states: list[ReplicaInfo] = []
        for (shard, replica), answer in self._ask_every_replica("state").items():
            node, path = self.layout.nodes[shard][replica], self.layout.replica_path(shard, replica)
            if isinstance(answer, _Unanswered):
                states.append(ReplicaInfo(shard, replica, node, path, None, str(answer)))
                continue
            index_info, writes, behind = answer
            states.append(ReplicaInfo(shard, replica, node, path, index_info, None, writes, behind))
        counts: dict[int, tuple[int, int]] = {}  # shard: (writes, articles) of its most advanced replica
        for state in states:
            if state.index is not None and state.writes is not None:
                counts[state.shard] = max(counts.get(state.shard, (-1, 0)), (state.writes, state.index.doc_count))
        missing = [shard for shard in range(self.layout.shards) if shard not in counts]
        updated = max((state.index.updated for state in states if state.index is not None), default="")
        articles = sum(count for _, count in counts.values())
        return ClusterInfo(self.name, self.layout.shards, self.layout.replicas, articles, missing, states, updated)

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        """Autocomplete over every shard: each word's article counts summed (``Index.suggest``).

        Each shard proposes ``SUGGEST_FACTOR`` times ``limit`` words, so a word common
        overall but not in one shard's list still gets its count from the others.
        """
        answers, _ = self._gather("suggest", lambda _: (prefix, max(1, limit) * SUGGEST_FACTOR))
        candidates: Counter[str] = Counter()
        for suggestions in answers.values():
            for suggestion in suggestions:
                candidates[suggestion.text] += suggestion.doc_count
        chosen = [text for text, _ in candidates.most_common(max(1, limit) * SUGGEST_FACTOR)]
        # exact counts of the chosen words from every shard (a shard may not have listed a word)
        words = [text.rpartition(" ")[2] for text in chosen]
        counted, _ = self._gather("word_counts", lambda _: (words,))
        totals = [sum(column) for column in zip(*counted.values(), strict=True)] if counted else [0] * len(chosen)
        ranked = sorted(zip(chosen, totals, strict=True), key=lambda pair: (-pair[1], pair[0]))
        return [Suggestion(text, count) for text, count in ranked[: max(0, limit)] if count]

    def related(
        self,
        article_id: str,
        limit: int = 5,
        filters: Filters | None = None,
        *,
        include_duplicates: bool = False,
        recency_days: float | None = None,
    ) -> list[RelatedArticle]:
        """Related articles from every shard (``Index.related``): the key terms weighted on the
        whole index's counts, the topic model the cluster's own (``refit_topics``)."""
        source: RelatedSource = self._from_shard_of(article_id, "related_source")
        return self._related(source, limit, filters, include_duplicates, recency_days)

    def related_to_text(
        self, text: str, limit: int = 5, filters: Filters | None = None, *, include_duplicates: bool = False
    ) -> list[RelatedArticle]:
        """Articles related to any text (``Index.related_to_text``), from every shard."""
        for shard in range(self.layout.shards):  # any shard analyzes alike: the first that answers
            analyzed, _ = self._gather("text_source", lambda _: (text,), [shard])
            if analyzed:
                return self._related(analyzed[shard], limit, filters, include_duplicates, None)
        raise ClusterError(f"index {self.name!r}: no replica answered")

    def _related(
        self,
        source: RelatedSource,
        limit: int,
        filters: Filters | None,
        include_duplicates: bool,
        recency_days: float | None,
    ) -> list[RelatedArticle]:
        terms = list(source.frequencies)
        counted = self._everywhere("term_statistics", lambda _: (terms,))
        statistics = CollectionStatistics.summed(list(counted.values()))
        chosen = key_terms(statistics, source.frequencies)
        wanted = candidates_wanted(limit, include_duplicates, recency_days, source.topical)
        scored = statistics if self.global_statistics else None
        found, missing = self._gather("related_candidates", lambda _: (chosen, source, wanted, filters, scored))
        if missing:
            raise ClusterError(f"index {self.name!r}: related articles not found: {_describe_missing(missing)}")
        # the ``wanted`` best on the query, as one index fetches them, then ranked as one index ranks them
        pool = sorted(chain.from_iterable(found.values()), key=lambda candidate: -candidate.score)[:wanted]
        return rank_related(
            pool,
            own_sketch=source.sketch,
            date=source.date,
            limit=limit,
            include_duplicates=include_duplicates,
            recency_days=recency_days,
        )

    def duplicates(self, article_id: str) -> list[str]:
        """Ids of near-copies of an article in every shard, closest first (``Index.duplicates``)."""
        sketch: tuple[int, ...] = self._from_shard_of(article_id, "sketch")
        found = self._everywhere("copies_of", lambda _: (sketch, article_id))
        copies = sorted(chain.from_iterable(found.values()), key=lambda pair: (-pair[0], pair[1]))
        return [copy_id for _, copy_id in copies]

    # --- one topic model and one variant table over every shard -------------------

    def topics_info(self) -> ModelInfo | None:
        """What the cluster's topic model was fitted on; None before it has one (or while a shard lacks it)."""
        fitted: list[ModelInfo | None] = list(self._everywhere("model_info", lambda _: ()).values())
        known = [info for info in fitted if info is not None]
        if not known or len(known) < len(fitted):
            return None
        return min(known, key=lambda info: info.articles)

    def refit_topics(self) -> ModelInfo | None:
        """Fit one topic model and one spelling-variant table over all the shards' articles and give
        them to every replica (imports do it as the index grows, as ``Index.add`` does).

        The model is fitted on the same sample as one index of the same articles
        (the ``topics.FIT_SAMPLE`` ids that hash lowest), and the variants are
        judged on article counts summed over the shards: searches join the same
        spellings in every shard, and related articles are scored alike. None when
        there is too little text to learn topics from.
        """
        articles = len(self)
        chosen: dict[int, list[str] | None] = dict.fromkeys(range(self.layout.shards))
        if articles > FIT_SAMPLE:  # each shard's lowest hashes, merged: the lowest of all
            keys = self._everywhere("sample_keys", lambda _: (FIT_SAMPLE,))
            lowest = set(heapq.nsmallest(FIT_SAMPLE, chain.from_iterable(keys.values())))
            chosen = {shard: [pair[1] for pair in keys[shard] if pair in lowest] for shard in keys}
        bags = self._everywhere("sample_bags", lambda shard: (chosen[shard],))
        model = fit(chain.from_iterable(bags[shard] for shard in sorted(bags)), articles)
        if model is None:
            return None
        table = judged_table(candidate_pairs(model), self._pair_counts)
        model.contexts = None  # only fitting uses them
        what = "the topic model"
        shards = range(self.layout.shards)
        sent = {shard: self._send_to_all(shard, "use_topics", (model, table), what) for shard in shards}
        for shard, references in sent.items():
            self._committed(shard, references, what)
        return model.info

    def _pair_counts(self, pairs: list[tuple[str, str]]) -> list[PairCounts]:
        counted = self._everywhere("pair_counts", lambda _: (pairs,))
        return [
            (sum(first for first, _, _ in row), sum(second for _, second, _ in row), sum(both for _, _, both in row))
            for row in zip(*counted.values(), strict=True)
        ]

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
        collapse: bool = True,
        variants: bool = True,
    ) -> Results:
        """Ranked search over every shard; the parameters and answer are ``Index.search``'s.

        When no replica of a shard answers, the results cover the other shards,
        ``partial`` is true and a warning names the missing shards.
        """
        started = time.perf_counter()
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
        limit = max(1, min(int(limit), MAX_LIMIT))
        page = max(1, min(int(page), MAX_PAGE))
        depth = page * limit + (COLLAPSE_SLACK if collapse else 0)
        options: dict[str, Any] = {
            "filters": filters,
            "sort": sort,
            "highlight": highlight,
            "markers": markers,
            "ranking": ranking,
            "facets": facets,
            "collapse": collapse,
            "variants": variants,
            "statistics": self._query_statistics(query, ranking, variants) if self.global_statistics else None,
        }
        answers, missing = self._gather("search", lambda _: (query, dict(options, widen=False), depth))
        total = sum(results.total for results, _ in answers.values())
        if answers and total < WIDEN_BELOW and self._should_widen(query, options, total):
            # as in one index: the words find (almost) nothing anywhere, so shared roots qualify
            answers, missing = self._gather("search", lambda _: (query, dict(options, widen=True), depth))
        return _merged(query, answers, missing, page, limit, sort, collapse, started)

    def _query_statistics(self, query: str, ranking: Ranking | None, variants: bool) -> CollectionStatistics:
        """The article counts of the query's terms over every shard that answers."""
        answers, _ = self._gather("query_statistics", lambda _: (query, ranking, variants))
        return CollectionStatistics.summed(list(answers.values()))

    def _should_widen(self, query: str, options: dict[str, Any], total: int) -> bool:
        """Whether the whole index finds fewer than ``WIDEN_BELOW`` articles without the filters."""
        if not options["filters"]:
            return True
        unfiltered = dict(options, filters=None, facets=False, highlight=False, collapse=False, widen=False)
        answers, _ = self._gather("search", lambda _: (query, unfiltered, 1))
        return sum(int(results.total) for results, _ in answers.values()) < WIDEN_BELOW

    # --- writing ------------------------------------------------------------------

    def add(
        self,
        articles: Iterable[ArticleLike],
        *,
        update: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        field_map: Mapping[str, str] | None = None,
        wait: float = 0.0,
        progress: Callable[[AddReport], None] | None = None,
        all_or_nothing: bool = False,
        item_outcomes: bool = False,
    ) -> AddReport:
        """Index articles, each on every replica of its shard (by a hash of its id).

        As ``Index.add``: bad records are skipped and reported with their
        location, an id already indexed is left alone unless ``update``, and
        re-running an interrupted import converges. Each shard commits every
        ``batch_size`` of its articles; a batch counts once every live replica of
        its shard has committed it (``ClusterError`` when none is live).
        ``all_or_nothing``: every record is checked first and any bad one raises
        ``BatchRejectedError`` with nothing written; then each shard writes its
        part in one commit (a shard with no live replica fails alone: the
        ``ClusterError`` names it). ``wait`` and ``item_outcomes`` are ``Index.add``'s.
        """
        writer = ShardedWriter(
            self, update=update, batch_size=batch_size, wait=wait, progress=progress, item_outcomes=item_outcomes
        )
        report = writer.write(articles, field_map, all_or_nothing=all_or_nothing)
        if report.indexed:
            self._refit_if_grown(report)
        return report

    def _refit_if_grown(self, report: AddReport) -> None:
        """After an import: refit the cluster's topic model if the index has grown enough since."""
        try:
            due = needs_fitting(self.topics_info(), len(self))
        except ClusterError as error:  # the articles are written; a later import fits the model
            _log.warning("topic model not refitted after the import: %s", error)
            return
        if due:
            fitting_started = time.perf_counter()
            report.topics = self.refit_topics()
            report.elapsed += time.perf_counter() - fitting_started

    def update(self, article: Article | Mapping[str, Any]) -> None:
        """Add the article, or replace the one with the same id."""
        report = self.add([article], update=True)
        if report.problems:
            raise ArticleError(report.problems[0].reason, "bad record")

    def delete(self, article_id: str) -> bool:
        """Delete an article from every replica of its shard; False when there was none."""
        shard = shard_of(article_id, self.layout.shards)
        answers = self._write_shard(shard, "delete", ([article_id],), f"the deletion of {article_id!r}")
        return any(deleted[0] for deleted in answers)

    def _write_shard(self, shard: int, method: str, args: tuple[Any, ...], what: str) -> list[Any]:
        """Run a write on every replica of a shard and wait for all; the answers of those that committed."""
        return self._committed(shard, self._send_to_all(shard, method, args, what), what)

    def _send_to_all(self, shard: int, method: str, args: tuple[Any, ...], what: str) -> list[tuple[int, Any]]:
        """Start a write on every replica of a shard that can be reached (``ClusterError`` if none);
        one id for it on all, so a replica that catches up meanwhile does not count it twice."""
        sent = []
        write_id = uuid.uuid4().hex
        for replica in range(self.layout.replicas):
            try:
                sent.append((replica, self._submit(shard, replica, method, (write_id, *args))))
            except _Unanswered:
                self._missed_write(shard, replica)
        if not sent:
            raise ClusterError(f"index {self.name!r}: {what} not written: {_describe_missing([shard])}")
        return sent

    def _missed_write(self, shard: int, replica: int) -> None:
        """A write did not reach a replica: it catches up before it answers anyone again. Told now if
        it can be reached (it may be a new actor over the old directory), and before this client's
        next call to it in any case (it is also told when restarted)."""
        self._mark_down(shard, replica)
        self._suspects.add((shard, replica))
        try:
            ray.get(self._handle(shard, replica).mark_behind.remote(), timeout=CONNECT_TIMEOUT)
        except (_Unanswered, RayError):
            self._handles.pop((shard, replica), None)

    def _committed(self, shard: int, sent: list[tuple[int, Any]], what: str) -> list[Any]:
        """Wait for the replicas a write went to: the answers of those that committed
        (``ClusterError`` if none did)."""
        answers = []
        for replica, reference in sent:
            try:
                answers.append(_value(reference))
            except _Unanswered:
                self._missed_write(shard, replica)
        if not answers:
            raise ClusterError(f"index {self.name!r}: {what} not written: {_describe_missing([shard])}")
        return answers


class ShardedWriter:
    """Checks records in input order, routes each to its shard, and writes every shard's
    batches to all its replicas, the shards in parallel (one batch in flight per shard)."""

    def __init__(
        self,
        index: ClusterIndex,
        *,
        update: bool,
        batch_size: int,
        progress: Callable[[AddReport], None] | None,
        wait: float = 0.0,
        item_outcomes: bool = False,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.index = index
        self.update = update
        self.batch_size = batch_size
        self.wait = wait
        self.progress = progress
        self.report = AddReport(outcomes=[] if item_outcomes else None)
        self._started = time.perf_counter()
        #: each shard's articles not yet sent, and their places in the input (for ``outcomes``)
        self._buffers: dict[int, list[tuple[int, Article]]] = {}
        self._in_flight: dict[int, tuple[str, list[int], list[tuple[int, Any]]]] = {}
        self._fates: list[str] = []

    def write(
        self, items: Iterable[ArticleLike], field_map: Mapping[str, str] | None, *, all_or_nothing: bool = False
    ) -> AddReport:
        checked: Iterable[Article | Skipped] = checked_articles(items, field_map)
        if all_or_nothing:
            checked = list(checked)
            rejected: list[BadRecord] = [item.problem for item in checked if isinstance(item, Skipped)]
            if rejected:
                raise BatchRejectedError(rejected)
            self.batch_size = max(1, len(checked))
        shards = self.index.layout.shards
        for place, article in enumerate(checked):
            if isinstance(article, Skipped):
                self.report.skip(article.problem, article.kind)
                self._fates.append("skipped")
                continue
            self._fates.append("")  # known once its shard has committed it
            shard = shard_of(article.id, shards)
            buffer = self._buffers.setdefault(shard, [])
            buffer.append((place, article))
            if len(buffer) >= self.batch_size:
                self._send(shard)
        for shard in list(self._buffers):
            if self._buffers[shard]:
                self._send(shard)
        for shard in list(self._in_flight):
            self._settle(shard)
        if self.report.outcomes is not None:
            self.report.outcomes.extend(self._fates)
        self._tell()
        return self.report

    def _send(self, shard: int) -> None:
        self._settle(shard)  # one batch in flight per shard: each replica commits them in input order
        batch, self._buffers[shard] = self._buffers[shard], []
        what = f"a batch of {len(batch):,} articles"
        articles = [article for _, article in batch]
        sent = self.index._send_to_all(shard, "add", (articles, self.update, len(batch), self.wait), what)
        self._in_flight[shard] = (what, [place for place, _ in batch], sent)

    def _settle(self, shard: int) -> None:
        if shard not in self._in_flight:
            return
        what, places, sent = self._in_flight.pop(shard)
        reports: list[AddReport] = self.index._committed(shard, sent, what)
        first = reports[0]  # every replica of a shard holds the same articles, so they agree
        self.report.added += first.added
        self.report.updated += first.updated
        self.report.unchanged += first.unchanged
        self.report.commits += first.commits
        for place, fate in zip(places, first.outcomes or [], strict=True):
            self._fates[place] = fate
        self._tell()

    def _tell(self) -> None:
        self.report.elapsed = time.perf_counter() - self._started
        if self.progress is not None:
            self.progress(self.report)


def _value(reference: Any, timeout: float | None = None) -> Any:
    """A replica's answer; its own errors (a bad filter...) are raised as they are, its failures
    (gone, timed out, index unreadable) as ``_Unanswered``."""
    try:
        return ray.get(reference, timeout=timeout)
    except RayTaskError as error:
        cause = error.cause
        if isinstance(cause, _REPLICA_FAILURES):
            raise _Unanswered(str(cause)) from None
        if isinstance(cause, Exception):
            raise cause from None
        raise _Unanswered(str(error)) from None
    except RayError as error:
        raise _Unanswered(f"{type(error).__name__}: {error}") from None


def _describe_missing(shards: Sequence[int]) -> str:
    listed = ", ".join(str(shard) for shard in shards)
    return f"no replica of shard{'s' if len(shards) > 1 else ''} {listed} answered"


_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


def _sort_key(sort: Sort) -> Callable[[tuple[Hit, tuple[int, ...]]], Any]:
    if sort == "relevance":
        return lambda pair: (-pair[0].score, pair[0].id)

    def dated(pair: tuple[Hit, tuple[int, ...]]) -> Any:
        hit = pair[0]
        stamp = _aware(hit.date).timestamp() if hit.date is not None else None
        undated = stamp is None  # last, whichever the direction
        value = 0.0 if stamp is None else (-stamp if sort == "newest" else stamp)
        return (undated, value, -hit.score, hit.id)

    return dated


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _merged(
    query: str,
    answers: dict[int, tuple[Results, list[tuple[int, ...]]]],
    missing: list[int],
    page: int,
    limit: int,
    sort: Sort,
    collapse: bool,
    started: float,
) -> Results:
    """One page of results from every shard's answer."""
    shard_results = [answers[shard][0] for shard in sorted(answers)]
    ranked = sorted(
        (
            pair
            for results, sketches in (answers[shard] for shard in sorted(answers))
            for pair in zip(results.hits, sketches, strict=True)
        ),
        key=_sort_key(sort),
    )
    hits = _folded(ranked) if collapse else [hit for hit, _ in ranked]
    facets: dict[str, Counter[str]] = {}
    for results in shard_results:
        for name, counts in results.facets.items():
            facets.setdefault(name, Counter()).update(counts)
    suggestions = Counter(results.suggestion for results in shard_results if results.suggestion)
    first = shard_results[0] if shard_results else None
    warnings = list(first.warnings) if first else []
    if missing:
        warnings.append(f"partial results: {_describe_missing(missing)}; their articles are not counted")
    offset = (page - 1) * limit
    return Results(
        query=query,
        total=sum(results.total for results in shard_results),
        hits=hits[offset : offset + limit],
        page=page,
        limit=limit,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        facets={
            name: dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE])
            for name, counts in facets.items()
        },
        suggestion=suggestions.most_common(1)[0][0] if suggestions else None,
        warnings=warnings,
        parsed=first.parsed if first else "",
        message=first.message if first else None,
        partial=bool(missing),
    )


def _folded(ranked: list[tuple[Hit, tuple[int, ...]]]) -> list[Hit]:
    """Hits with the near-copies that rank lower, from other shards, folded into them."""
    grouper = fingerprint.StoryGrouper()
    stories: list[tuple[Hit, list[Copy]]] = []
    for hit, sketch in ranked:
        story = grouper.add(sketch)
        if story is None:
            stories.append((hit, []))
        else:
            stories[story][1].extend([_as_copy(hit), *hit.copies])
    return [dataclasses.replace(hit, copies=[*hit.copies, *more]) if more else hit for hit, more in stories]


def _as_copy(hit: Hit) -> Copy:
    return Copy(id=hit.id, title=hit.title, source=hit.source, date=hit.date, url=hit.url)


__all__ = [
    "DEFAULT_TIMEOUT",
    "CatalogActor",
    "ClusterIndex",
    "ClusterInfo",
    "ReplicaActor",
    "ReplicaInfo",
    "ShardedWriter",
    "catalog_layout",
    "read_layout",
    "start_ray",
]
