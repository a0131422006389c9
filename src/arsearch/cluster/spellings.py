"""Spelling variants judged once for a whole cluster (``derived.variants.SpellingJudge``).

A shard holds a part of the articles, so its own judge would see other counts
than one index of all of them (how often two spellings share an article, which
spelling its articles write) and could judge otherwise. The client judges
instead, over evidence summed from every shard (``ClusterSource``), and gives
each shard the same answers with the search (``GivenSpellings``): a cluster
finds what one index of the same articles finds. The judge remembers its
answers for ``JUDGE_SECONDS`` or until this client writes.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

from ..derived.variants import GivenSpellings, SpellingJudge
from ..engine.queries import EngineQuery
from ..errors import ClusterError
from ..search.options import SearchOptions
from .fanout import Fanout

#: How long the client keeps its judgements (another client's writes are seen after this).
JUDGE_SECONDS = 30.0


class ClusterSource:
    """A ``SpellingSource`` over every shard: counts summed, a word written as the shard that holds
    it most writes it, a word's term from any shard (they analyze alike)."""

    def __init__(self, replicas: Fanout) -> None:
        self._replicas = replicas

    def _answers(self, method: str, argument: Any) -> list[Any]:
        answers, _ = self._replicas.gather("spelling_evidence", lambda _: (method, argument))
        return list(answers.values())

    def spelled(self, prefix: str) -> dict[str, int]:
        merged: Counter[str] = Counter()
        for spelled in self._answers("spelled", prefix):
            merged.update(spelled)
        return dict(merged)

    def articles(self, word: str) -> int:
        return sum(self._answers("articles", word))

    def count(self, query: EngineQuery) -> int:
        return sum(self._answers("count", query))

    def written(self, form: str) -> str:
        found = [(articles, written) for written, articles in self._answers("written", form)]
        return max(found, default=(0, form))[1]

    def stem_of(self, word: str) -> str | None:
        for shard in range(self._replicas.layout.shards):
            answers, _ = self._replicas.gather("spelling_evidence", lambda _: ("stem_of", word), [shard])
            if answers:
                stem: str | None = answers[shard]
                return stem
        raise ClusterError("no replica answered")


class ClusterSpellings:
    """The client's judge, kept for ``JUDGE_SECONDS`` and dropped when the client writes."""

    def __init__(self, replicas: Fanout) -> None:
        self._replicas = replicas
        self._lock = threading.Lock()
        self._judge: tuple[float, SpellingJudge] | None = None

    def forget(self) -> None:
        """Judge anew (the index changed)."""
        with self._lock:
            self._judge = None

    def given(self, query: str, options: SearchOptions) -> GivenSpellings | None:
        """The answers every shard is given for a search, or None when it joins no spelling."""
        if not options.variants:
            return None
        for shard in range(self._replicas.layout.shards):  # any shard parses and analyzes alike
            asked, _ = self._replicas.gather("spelling_questions", lambda _: (query, options), [shard])
            if asked:
                questions: GivenSpellings = asked[shard]
                break
        else:
            return None
        if not questions.asked_words and not questions.asked_pairs:
            return GivenSpellings()
        return GivenSpellings.answered(self._current_judge(), questions)

    def _current_judge(self) -> SpellingJudge:
        with self._lock:
            now = time.monotonic()
            if self._judge is None or now - self._judge[0] > JUDGE_SECONDS:
                self._judge = (now, SpellingJudge(ClusterSource(self._replicas)))
            return self._judge[1]
