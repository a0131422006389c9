"""Writing articles to a cluster index: each routed by a hash of its id to every replica of its
shard, in batches, the shards in parallel."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from ..errors import BadRecord, BatchRejectedError
from ..records.articles import Article
from ..store.importing import AddReport, ArticleLike, ImportOptions, Skipped, checked_articles
from .fanout import Fanout
from .layout import shard_of


class ShardedWriter:
    """Checks records in input order, routes each to its shard, and writes every shard's
    batches to all its replicas, the shards in parallel (one batch in flight per shard)."""

    def __init__(self, replicas: Fanout, options: ImportOptions) -> None:
        self.replicas = replicas
        self.options = options
        self.batch_size = options.batch_size
        self.report = AddReport(outcomes=[] if options.item_outcomes else None)
        self._started = time.perf_counter()
        #: each shard's articles not yet sent, and their places in the input (for ``outcomes``)
        self._buffers: dict[int, list[tuple[int, Article]]] = {}
        self._in_flight: dict[int, tuple[str, list[int], list[tuple[int, Any]]]] = {}
        self._fates: list[str] = []

    def write(self, items: Iterable[ArticleLike]) -> AddReport:
        checked: Iterable[Article | Skipped] = checked_articles(items, self.options.field_map, self.report.warnings)
        if self.options.all_or_nothing:
            checked = list(checked)
            rejected: list[BadRecord] = [item.problem for item in checked if isinstance(item, Skipped)]
            if rejected:
                raise BatchRejectedError(rejected)
            self.batch_size = max(1, len(checked))
        shards = self.replicas.layout.shards
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
        arguments = (articles, self.options.update, len(batch), self.options.wait)
        sent = self.replicas.send_to_all(shard, "add", arguments, what)
        self._in_flight[shard] = (what, [place for place, _ in batch], sent)

    def _settle(self, shard: int) -> None:
        if shard not in self._in_flight:
            return
        what, places, sent = self._in_flight.pop(shard)
        reports: list[AddReport] = self.replicas.committed(shard, sent, what)
        first = reports[0]  # every replica of a shard holds the same articles, so they agree
        self.report.added += first.added
        self.report.updated += first.updated
        self.report.unchanged += first.unchanged
        self.report.kept += first.kept
        self.report.commits += first.commits
        for place, fate in zip(places, first.outcomes or [], strict=True):
            self._fates[place] = fate
        self._tell()

    def _tell(self) -> None:
        self.report.elapsed = time.perf_counter() - self._started
        if self.options.progress is not None:
            self.options.progress(self.report)
