"""``ClusterIndex``: the ``Index`` API over a sharded, replicated index on a Ray cluster.

Reads go to one live replica of every shard at once (``fanout``) and are
merged here (``merge``): totals and facet counts are summed, hits merged in
the order asked for, and near-copies folded across shards as within one. A
replica that fails or does not answer in time is passed over for the shard's
next replica; a shard with no replica left makes the answer partial
(``Results.partial``, with a warning naming it), never an exception. Writes
are routed by id to every replica of their shard (``writer``) and
acknowledged once all live replicas have committed.

مثال::

    >>> from arsearch.cluster import ClusterIndex
    >>> news = ClusterIndex.connect("10.0.0.5:6379", "news")      # doctest: +SKIP
    >>> news.search("زيارة الوزير", filters={"source": "الوطن"}).total  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import Any

from ..derived.topics import ModelInfo, needs_fitting
from ..derived.variants import GivenSpellings
from ..engine.statistics import CollectionStatistics
from ..errors import ArticleNotFoundError, ClusterError
from ..index import AddReport, ImportOptions, IndexInfo, SearchIndex, with_changes
from ..records.articles import Article
from ..related import RelatedArticle, candidates_wanted, key_terms, rank_related
from ..roles import deprecated
from ..search.options import Filters, SearchOptions
from ..search.ranking import WIDEN_BELOW
from ..search.results import Results
from ..search.suggest import Suggestion
from ..store.importing import ArticleLike
from .fanout import DEFAULT_TIMEOUT, Fanout, Unanswered, describe_missing, read_layout, start_ray
from .layout import Layout, shard_of
from .merge import merged_results
from .replica import RelatedSource
from .spellings import ClusterSpellings
from .topics import ClusterTopics
from .writer import ShardedWriter

#: Words each shard proposes per suggestion wanted.
SUGGEST_FACTOR = 10
#: Extra hits asked of each shard, beyond the page's depth, so that folding copies across shards
#: still fills the page.
COLLAPSE_SLACK = 10

_log = logging.getLogger(__name__)


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
        #: the replicas, as this client calls them
        self.replicas = Fanout(layout, timeout)
        #: one topic model and one spelling-variant table over every shard (``ClusterTopics``)
        self.topics = ClusterTopics(self.replicas)
        #: spellings judged over every shard, the same for each (``ClusterSpellings``)
        self.spellings = ClusterSpellings(self.replicas)

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
        index.replicas.suspect_laggards()
        return index

    def __enter__(self) -> ClusterIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Forget the actor handles (the cluster and its replicas keep running)."""
        self.replicas.close()

    # --- reading ------------------------------------------------------------------

    def __len__(self) -> int:
        return sum(self.replicas.everywhere("count", lambda shard: ()).values())

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
        answers, missing = self.replicas.gather(method, lambda _: (article_id,), [shard])
        if missing:
            raise ClusterError(f"index {self.name!r}: cannot read article {article_id!r}: {describe_missing(missing)}")
        if answers[shard] is None:
            raise ArticleNotFoundError(f"no article with id {article_id!r} in cluster index {self.name!r}", article_id)
        return answers[shard]

    def info(self) -> ClusterInfo:
        """Every replica's state, each asked directly (a down replica shows as such, one behind as
        such); a shard's article count is that of its replica with the most writes."""
        states: list[ReplicaInfo] = []
        for (shard, replica), answer in self.replicas.ask_every_replica("state").items():
            node, path = self.layout.nodes[shard][replica], self.layout.replica_path(shard, replica)
            if isinstance(answer, Unanswered):
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
        answers, _ = self.replicas.gather("suggest", lambda _: (prefix, max(1, limit) * SUGGEST_FACTOR))
        candidates: Counter[str] = Counter()  # by normalized form: the shards may write a word otherwise
        found: dict[str, Suggestion] = {}
        for suggestions in answers.values():
            for suggestion in suggestions:
                candidates[suggestion.form] += suggestion.doc_count
                found[suggestion.form] = suggestion
        chosen = [form for form, _ in candidates.most_common(max(1, limit) * SUGGEST_FACTOR)]
        # exact counts of the chosen words from every shard (a shard may not have listed a word)
        counted, _ = self.replicas.gather("word_counts", lambda _: (chosen,))
        totals = [sum(column) for column in zip(*counted.values(), strict=True)] if counted else [0] * len(chosen)
        ranked = sorted(zip(chosen, totals, strict=True), key=lambda pair: (-pair[1], pair[0]))
        kept = [(form, count) for form, count in ranked[: max(0, limit)] if count]
        # each word as written by the shard that holds it most
        forms = [form for form, _ in kept]
        spelled, _ = self.replicas.gather("spellings", lambda _: (forms,))
        column = {form: number for number, form in enumerate(chosen)}
        holders = [shard for shard in spelled if shard in counted]
        suggestions = []
        for number, (form, count) in enumerate(kept):
            written = [(counted[shard][column[form]], spelled[shard][number]) for shard in holders]
            suggestions.append(found[form].written(max(written, default=(0, form))[1], count))
        return suggestions

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
        whole index's counts, the topic model the cluster's own (``topics``)."""
        source: RelatedSource = self._from_shard_of(article_id, "related_source")
        return self._related(source, limit, filters, include_duplicates, recency_days)

    def related_to_text(
        self, text: str, limit: int = 5, filters: Filters | None = None, *, include_duplicates: bool = False
    ) -> list[RelatedArticle]:
        """Articles related to any text (``Index.related_to_text``), from every shard."""
        analyzed = self.replicas.any_shard("text_source", (text,))  # any shard analyzes alike
        return self._related(analyzed, limit, filters, include_duplicates, None)

    def _related(
        self,
        source: RelatedSource,
        limit: int,
        filters: Filters | None,
        include_duplicates: bool,
        recency_days: float | None,
    ) -> list[RelatedArticle]:
        terms = list(source.frequencies)
        counted = self.replicas.everywhere("term_statistics", lambda _: (terms,))
        statistics = CollectionStatistics.summed(list(counted.values()))
        chosen = key_terms(statistics, source.frequencies)
        wanted = candidates_wanted(limit, include_duplicates, recency_days, source.topical)
        scored = statistics if self.global_statistics else None
        found, missing = self.replicas.gather("related_candidates", lambda _: (chosen, source, wanted, filters, scored))
        if missing:
            raise ClusterError(f"index {self.name!r}: related articles not found: {describe_missing(missing)}")
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
        found = self.replicas.everywhere("copies_of", lambda _: (sketch, article_id))
        copies = sorted(chain.from_iterable(found.values()), key=lambda pair: (-pair[0], pair[1]))
        return [copy_id for _, copy_id in copies]

    # --- the names of the last release, kept for one more ---------------------

    def topics_info(self) -> ModelInfo | None:
        deprecated("ClusterIndex.topics_info()", "cluster_index.topics.info()")
        return self.topics.info()

    def refit_topics(self) -> ModelInfo | None:
        deprecated("ClusterIndex.refit_topics()", "cluster_index.topics.refit()")
        return self.topics.refit()

    # --- searching ----------------------------------------------------------------

    def search(self, query: str, options: SearchOptions | None = None, **changes: Any) -> Results:
        """Ranked search over every shard; the options and answer are ``Index.search``'s.

        When no replica of a shard answers, the results cover the other shards,
        ``partial`` is true and a warning names the missing shards.
        """
        started = time.perf_counter()
        chosen = with_changes(options or SearchOptions(), changes)
        typed = query
        rewrite, given = self.spellings.rewritten_and_given(query, chosen)
        if rewrite is not None:  # decided here, on every shard's counts: the shards search it as given
            query, chosen = rewrite.searched, dataclasses.replace(chosen, rewrite=False)
        depth = chosen.page * chosen.limit + (COLLAPSE_SLACK if chosen.collapse else 0)
        statistics = self._query_statistics(query, chosen, given) if self.global_statistics else None

        def shards_answer(widen: bool) -> tuple[dict[int, Any], list[int]]:
            return self.replicas.gather("search", lambda _: (query, chosen, depth, widen, statistics, given))

        answers, missing = shards_answer(False)
        total = sum(results.total for results, _ in answers.values())
        if answers and total < WIDEN_BELOW and self._should_widen(query, chosen, statistics, given):
            # as in one index: the words find (almost) nothing anywhere, so shared roots qualify
            answers, missing = shards_answer(True)
        results = merged_results(query, answers, missing, chosen, started)
        return dataclasses.replace(results, query=typed, rewrite=rewrite) if rewrite is not None else results

    def _query_statistics(
        self, query: str, options: SearchOptions, given: GivenSpellings | None
    ) -> CollectionStatistics:
        """The article counts of the query's terms over every shard that answers."""
        asked = (query, options.ranking, options.variants, options.match, given)
        answers, _ = self.replicas.gather("query_statistics", lambda _: asked)
        return CollectionStatistics.summed(list(answers.values()))

    def _should_widen(
        self,
        query: str,
        options: SearchOptions,
        statistics: CollectionStatistics | None,
        given: GivenSpellings | None,
    ) -> bool:
        """Whether the whole index finds fewer than ``WIDEN_BELOW`` articles without the filters."""
        if not options.filters:
            return True
        unfiltered = dataclasses.replace(options, filters=None, facets=False, highlight=False, collapse=False)
        answers, _ = self.replicas.gather("search", lambda _: (query, unfiltered, 1, False, statistics, given))
        return sum(int(results.total) for results, _ in answers.values()) < WIDEN_BELOW

    # --- writing ------------------------------------------------------------------

    def add(self, articles: Iterable[ArticleLike], options: ImportOptions | None = None, **changes: Any) -> AddReport:
        """Index articles, each on every replica of its shard (by a hash of its id).

        As ``Index.add`` (``ImportOptions``): bad records are skipped and reported
        with their location, an id already indexed is left alone unless
        ``update``, and re-running an interrupted import converges. Each shard
        commits every ``batch_size`` of its articles; a batch counts once every
        live replica of its shard has committed it (``ClusterError`` when none is
        live). ``all_or_nothing``: every record is checked first and any bad one
        raises ``BatchRejectedError`` with nothing written; then each shard writes
        its part in one commit (a shard with no live replica fails alone: the
        ``ClusterError`` names it). The replicas analyze their own articles, so
        ``jobs`` does not apply; ``fit_topics`` "off" leaves the cluster's topic
        model as it is, otherwise it is refitted before ``add`` returns once due.
        ``strict`` is refused: check a batch first with ``all_or_nothing``.
        """
        chosen = with_changes(options or ImportOptions(), changes)
        if chosen.strict:
            raise ValueError("a cluster index does not stop at the first bad record: use all_or_nothing")
        try:
            report = ShardedWriter(self.replicas, chosen).write(articles)
        finally:
            self.spellings.forget()  # the words changed: judge anew
        if report.indexed and chosen.fit_topics != "off":
            self._refit_if_grown(report)
        return report

    def _refit_if_grown(self, report: AddReport) -> None:
        """After an import: refit the cluster's topic model if the index has grown enough since."""
        try:
            due = needs_fitting(self.topics.info(), len(self))
        except ClusterError as error:  # the articles are written; a later import fits the model
            _log.warning("topic model not refitted after the import: %s", error)
            return
        if due:
            fitting_started = time.perf_counter()
            report.topics = self.topics.refit()
            report.elapsed += time.perf_counter() - fitting_started

    def update(self, article: Article | Mapping[str, Any]) -> None:
        """Replace the indexed article with the same id (``ArticleNotFoundError`` when there is none:
        ``add`` adds articles), on every replica of its shard."""
        checked = Article.from_record(article)
        if checked.id not in self:
            raise ArticleNotFoundError(
                f"no article with id {checked.id!r} in cluster index {self.name!r} to update (add() adds articles)",
                checked.id,
            )
        self.add([checked], update=True)

    def delete(self, article_id: str) -> bool:
        """Delete an article from every replica of its shard; False when there was none."""
        shard = shard_of(article_id, self.layout.shards)
        answers = self.replicas.write_shard(shard, "delete", ([article_id],), f"the deletion of {article_id!r}")
        self.spellings.forget()
        return any(deleted[0] for deleted in answers)


def _serves_as_an_index(index: ClusterIndex) -> SearchIndex:
    return index  # mypy checks that a ClusterIndex offers what the web app and the CLI use


__all__ = ["ClusterIndex", "ClusterInfo", "ReplicaInfo"]
