"""The actors of a cluster index: one per replica of a shard, and a catalog that keeps the layout.

A replica is an ordinary arsearch index directory, opened with ``Index`` in a
Ray actor on the node that holds it: the analysis, search and related code are
the library's own. The classes here are plain Python; ``client`` and ``build``
make them Ray actors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..articles import Article
from ..engine.schema import ARTICLE_FIELD, EXACT_SUFFIX, stored_sketch
from ..errors import ArticleNotFoundError
from ..index import AddReport, Index, IndexInfo
from ..search import MAX_LIMIT, Results, search
from ..suggest import Suggestion


class ShardReplica:
    """One replica of one shard: an ``Index`` at ``path`` and the calls a client makes of it."""

    def __init__(self, path: str, create_options: dict[str, Any]) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.index = Index.open_or_create(path, **create_options)

    def count(self) -> int:
        return len(self.index)

    def info(self) -> IndexInfo:
        return self.index.info()

    def add(self, articles: Sequence[Article], update: bool, batch_size: int) -> AddReport:
        """Write articles already checked by the client (ids unique, every record valid)."""
        return self.index.add(articles, update=update, batch_size=max(1, batch_size))

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


class Catalog:
    """Keeps a cluster index's layout (as a dict) where every client can ask for it."""

    def __init__(self, layout: dict[str, Any]) -> None:
        self._layout = layout

    def layout(self) -> dict[str, Any]:
        return self._layout
