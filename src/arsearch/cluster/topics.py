"""``ClusterIndex.topics``: one topic model and one spelling-variant table fitted over every shard,
and given to every replica, so that all shards join the same spellings and score related
articles alike."""

from __future__ import annotations

import heapq
from itertools import chain

from ..derived.topics import FIT_SAMPLE, ModelInfo, fit
from ..derived.variants import PairCounts, candidate_pairs, judged_table
from .fanout import Fanout


class ClusterTopics:
    """The cluster's topic model: what it was fitted on, and fitting it again (``Index.topics``'s
    ``info`` and ``refit``; a cluster fits in the calling process, so there is nothing to wait for)."""

    def __init__(self, replicas: Fanout) -> None:
        self._replicas = replicas

    def info(self) -> ModelInfo | None:
        """What the cluster's topic model was fitted on; None before it has one (or while a shard lacks it)."""
        fitted: list[ModelInfo | None] = list(self._replicas.everywhere("model_info", lambda _: ()).values())
        known = [info for info in fitted if info is not None]
        if not known or len(known) < len(fitted):
            return None
        return min(known, key=lambda info: info.articles)

    def refit(self) -> ModelInfo | None:
        """Fit one topic model and one spelling-variant table over all the shards' articles and give
        them to every replica (imports do it as the index grows, as ``Index.add`` does).

        The model is fitted on the same sample as one index of the same articles
        (the ``topics.FIT_SAMPLE`` ids that hash lowest), and the variants are
        judged on article counts summed over the shards: searches join the same
        spellings in every shard, and related articles are scored alike. None when
        there is too little text to learn topics from.
        """
        articles = sum(self._replicas.everywhere("count", lambda _: ()).values())
        chosen: dict[int, list[str] | None] = dict.fromkeys(range(self._replicas.layout.shards))
        if articles > FIT_SAMPLE:  # each shard's lowest hashes, merged: the lowest of all
            keys = self._replicas.everywhere("sample_keys", lambda _: (FIT_SAMPLE,))
            lowest = set(heapq.nsmallest(FIT_SAMPLE, chain.from_iterable(keys.values())))
            chosen = {shard: [pair[1] for pair in keys[shard] if pair in lowest] for shard in keys}
        bags = self._replicas.everywhere("sample_bags", lambda shard: (chosen[shard],))
        model = fit(chain.from_iterable(bags[shard] for shard in sorted(bags)), articles)
        if model is None:
            return None
        table = judged_table(candidate_pairs(model), self._pair_counts)
        model.contexts = None  # only fitting uses them
        what = "the topic model"
        shards = range(self._replicas.layout.shards)
        sent = {shard: self._replicas.send_to_all(shard, "use_topics", (model, table), what) for shard in shards}
        for shard, references in sent.items():
            self._replicas.committed(shard, references, what)
        return model.info

    def _pair_counts(self, pairs: list[tuple[str, str]]) -> list[PairCounts]:
        counted = self._replicas.everywhere("pair_counts", lambda _: (pairs,))
        return [
            (sum(first for first, _, _ in row), sum(second for _, second, _ in row), sum(both for _, _, both in row))
            for row in zip(*counted.values(), strict=True)
        ]
