"""The actors of a cluster index: one per replica of a shard, and a catalog that keeps the layout.

A replica is an ordinary arsearch index directory, opened with ``Index`` in a
Ray actor on the node that holds it: the analysis, search and related code are
the library's own. The classes here are plain Python; ``client`` and ``build``
make them Ray actors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import topics
from ..articles import Article
from ..engine.schema import ARTICLE_FIELD, EXACT_SUFFIX, stored_article, stored_sketch
from ..errors import ArticleNotFoundError
from ..index import AddReport, Index, IndexInfo
from ..related import RelatedCandidate, copies_of, related_candidates, text_frequencies
from ..search import MAX_LIMIT, Filters, Results, search
from ..store import Snapshot
from ..suggest import Suggestion
from ..topics import ModelInfo, TopicModel, document_frequencies
from ..variants import PairCounts, VariantTable, pair_counts


class ShardReplica:
    """One replica of one shard: an ``Index`` at ``path`` and the calls a client makes of it."""

    def __init__(self, path: str, create_options: dict[str, Any]) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.index = Index.open_or_create(path, **create_options)

    def count(self) -> int:
        return len(self.index)

    def info(self) -> IndexInfo:
        return self.index.info()

    def add(self, articles: Sequence[Article], update: bool, batch_size: int, wait: float = 0.0) -> AddReport:
        """Write articles already checked by the client (ids unique, every record valid); the report
        says each one's fate."""
        # the topic model is the cluster's, fitted over every shard (``ClusterIndex.refit_topics``)
        return self.index.add(
            articles, update=update, batch_size=max(1, batch_size), wait=wait, item_outcomes=True, fit_topics=False
        )

    def delete(self, article_ids: Sequence[str]) -> list[bool]:
        return [self.index.delete(article_id) for article_id in article_ids]

    def suggest(self, prefix: str, limit: int) -> list[Suggestion]:
        return self.index.suggest(prefix, limit)

    def word_counts(self, words: Sequence[str]) -> list[int]:
        """How many articles contain each (normalized) word: the counts ``suggest`` gives."""
        snapshot = self.index.snapshot()
        return [snapshot.doc_freq(ARTICLE_FIELD + EXACT_SUFFIX, word) for word in words]

    def get(self, article_id: str) -> Article | None:
        try:
            return self.index.get(article_id)
        except ArticleNotFoundError:
            return None

    def search(self, query: str, options: dict[str, Any], depth: int) -> tuple[Results, list[tuple[int, ...]]]:
        """The first ``depth`` hits of this shard (``search``'s own pages, deeper than one page may go),
        with each hit's near-duplicate sketch, to fold copies across shards."""
        snapshot = self.index.snapshot()  # one commit for every page and the sketches
        per_page = max(1, min(depth, MAX_LIMIT))
        results = search(snapshot, query, limit=per_page, page=1, **options)
        hits = list(results.hits)
        page = 1
        while len(hits) < depth and len(hits) == page * per_page:
            page += 1
            hits.extend(search(snapshot, query, limit=per_page, page=page, **dict(options, facets=False)).hits)
        results = dataclasses.replace(results, hits=hits[:depth])
        sketches = [
            stored_sketch(document) if (document := snapshot.find(hit.id)) is not None else () for hit in results.hits
        ]
        return results, sketches

    # --- one topic model and one variant table for the whole cluster ----------------

    def model_info(self) -> ModelInfo | None:
        return model.info if (model := self.index.topics()) is not None else None

    def sample_keys(self, size: int) -> list[tuple[int, str]]:
        return topics.sample_keys(self.index.snapshot().ids(), size)

    def sample_bags(self, chosen: Sequence[str] | None) -> list[dict[str, float]]:
        snapshot = self.index.snapshot()
        return list(topics.sample_bags(snapshot, snapshot.analyzer, set(chosen) if chosen is not None else None))

    def pair_counts(self, pairs: Sequence[tuple[str, str]]) -> list[PairCounts]:
        return pair_counts(self.index.snapshot(), pairs)

    def use_topics(self, model: TopicModel, variants: VariantTable) -> None:
        self.index.use_topics(model, variants)

    # --- related articles and copies ---------------------------------------------

    def term_statistics(self, terms: Sequence[str]) -> tuple[int, list[int]]:
        """The shard's article count and each term's article count (key terms are weighted on the sums)."""
        snapshot = self.index.snapshot()
        return snapshot.doc_count, [snapshot.doc_freq(ARTICLE_FIELD, term) for term in terms]

    def related_source(self, article_id: str) -> RelatedSource | None:
        """What ``related`` needs of an article of this shard; None when it has no such article."""
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
        snapshot = self.index.snapshot()
        frequencies, sketch = text_frequencies(snapshot, text)
        return RelatedSource(None, frequencies, sketch, None, _topical(snapshot, frequencies))

    def related_candidates(
        self, terms: list[tuple[str, float]], source: RelatedSource, wanted: int, filters: Filters | None
    ) -> list[RelatedCandidate]:
        return related_candidates(
            self.index.snapshot(), terms, source.frequencies, wanted=wanted, exclude_id=source.id, filters=filters
        )

    def copies_of(self, sketch: tuple[int, ...], article_id: str) -> list[tuple[float, str]]:
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


class Catalog:
    """Keeps a cluster index's layout (as a dict) where every client can ask for it."""

    def __init__(self, layout: dict[str, Any]) -> None:
        self._layout = layout

    def layout(self) -> dict[str, Any]:
        return self._layout
