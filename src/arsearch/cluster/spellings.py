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
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..analysis.spelling import spelling_prefixes, with_proclitics, without_proclitics
from ..derived.variants import GivenSpellings, SpellingJudge
from ..engine.queries import EngineQuery
from ..errors import ClusterError
from ..search.options import SearchOptions
from ..search.results import Rewrite
from ..search.rewrite import LayoutReading, rewritten
from .fanout import Fanout

#: How long the client keeps its judgements (another client's writes are seen after this).
JUDGE_SECONDS = 30.0


class ClusterSource:
    """A ``SpellingSource`` over every shard: counts summed, a word written as the shard that holds
    it most writes it, a word's term from any shard (they analyze alike)."""

    def __init__(self, replicas: Fanout) -> None:
        self._replicas = replicas
        #: answers already gathered (a source lives as long as its judge): a compound's halves and
        #: a word's key-mates are asked about again and again
        self._known: dict[tuple[str, Any], Any] = {}

    def _answers(self, method: str, argument: Any) -> list[Any]:
        answers, _ = self._replicas.gather("spelling_evidence", lambda _: (method, argument))
        return list(answers.values())

    def spelled(self, prefix: str) -> dict[str, int]:
        if ("spelled", prefix) not in self._known:
            self._spelled([prefix])
        found: dict[str, int] = self._known["spelled", prefix]
        return found

    def spelled_each(self, prefixes: Sequence[str]) -> list[dict[str, int]]:
        missing = list(dict.fromkeys(prefix for prefix in prefixes if ("spelled", prefix) not in self._known))
        if missing:
            self._spelled(missing)
        return [self._known["spelled", prefix] for prefix in prefixes]

    def _spelled(self, prefixes: Sequence[str]) -> None:
        merged: list[Counter[str]] = [Counter() for _ in prefixes]
        for answers in self._answers("spelled", prefixes):  # one dict per prefix, per shard
            for counts, spelled in zip(merged, answers, strict=True):
                counts.update(spelled)
        self._known.update((("spelled", prefix), dict(counts)) for prefix, counts in zip(prefixes, merged, strict=True))

    def prefetch(self, forms: Sequence[str]) -> None:
        """Ask the shards at once what judging ``forms`` reads most (their key-mates, and the article
        counts and terms of their forms without a proclitic, after one, and of their halves): three
        round trips for a whole query rather than several per word."""
        prefixes = {prefix for form in forms for prefix in spelling_prefixes(form)}
        missing = sorted(prefix for prefix in prefixes if ("spelled", prefix) not in self._known)
        if missing:
            self._spelled(missing)
        words = {word for form in forms for word in (form, *without_proclitics(form))}
        after = sorted({word for form in words for word in with_proclitics(form)})
        halves = {half for form in forms for at in range(3, len(form) - 2) for half in (form[:at], form[at:])}
        counts = dict(zip(after, self.articles([*after, *sorted(words | halves)]), strict=False))
        self.stems(sorted(halves | words | {word for word in after if counts[word]}))

    def articles(self, words: Sequence[str]) -> list[int]:
        asked = [word for word in words if ("articles", word) not in self._known]
        if asked:
            counted = self._answers("articles", asked)  # one list of counts per shard
            for number, word in enumerate(asked):
                self._known["articles", word] = sum(shard[number] for shard in counted)
        return [int(self._known["articles", word]) for word in words]

    def counts(self, queries: Sequence[EngineQuery]) -> list[int]:
        per_shard = self._answers("counts", list(queries))  # one list of counts per shard
        return [sum(shard[number] for shard in per_shard) for number in range(len(queries))]

    def written(self, form: str) -> str:
        found = [(articles, written) for written, articles in self._answers("written", form)]
        return max(found, default=(0, form))[1]

    def stems(self, words: Sequence[str]) -> list[str | None]:
        asked = [word for word in words if ("stems", word) not in self._known]
        if asked:
            found = self._replicas.any_shard("spelling_evidence", ("stems", asked))  # every shard analyzes alike
            self._known.update((("stems", word), stem) for word, stem in zip(asked, found, strict=True))
        return [self._known["stems", word] for word in words]


class ClusterSpellings:
    """The client's judge, kept for ``JUDGE_SECONDS`` and dropped when the client writes."""

    def __init__(self, replicas: Fanout) -> None:
        self._replicas = replicas
        self._lock = threading.Lock()
        self._judge: tuple[float, ClusterSource, SpellingJudge] | None = None

    def forget(self) -> None:
        """Judge anew (the index changed)."""
        with self._lock:
            self._judge = None

    def given(self, query: str, options: SearchOptions) -> GivenSpellings | None:
        """The answers every shard is given for a search, or None when it joins no spelling."""
        if not options.variants:
            return None
        try:  # any shard parses and analyzes alike
            questions: GivenSpellings = self._replicas.any_shard("spelling_questions", (query, options))
        except ClusterError:
            return None
        return self._answered(questions)

    def rewritten_and_given(self, query: str, options: SearchOptions) -> tuple[Rewrite | None, GivenSpellings | None]:
        """The rewrite of a query typed on the other keyboard layout, a name in Latin letters or chat
        Arabic (``search.rewrite``), judged on the counts of every shard (None: searched as typed), and
        the spellings every shard is given for the query searched. One shard reads the query and lists
        its spelling questions in one round trip; a rewritten query's are asked again."""
        if not options.rewrite:
            return None, self.given(query, options)
        try:  # any shard parses and analyzes alike
            asked = self._replicas.any_shard("query_questions", (query, options))
        except ClusterError:
            return None, None
        reading: LayoutReading | None = asked[0]
        questions: GivenSpellings | None = asked[1]
        source, _ = self._current_judge()
        rewrite = rewritten(query, reading, source)
        if rewrite is not None:
            return rewrite, self.given(rewrite.searched, replace(options, rewrite=False))
        return None, self._answered(questions) if questions is not None else None

    def _answered(self, questions: GivenSpellings) -> GivenSpellings:
        """The judge's answers to a search's spelling questions, its shards asked at once."""
        if not questions.asked_words and not questions.asked_pairs:
            return GivenSpellings()
        source, judge = self._current_judge()
        forms = [form for _, form in questions.asked_words]
        source.prefetch([*forms, *(first + second for first, second in questions.asked_pairs)])
        return GivenSpellings.answered(judge, questions)

    def _current_judge(self) -> tuple[ClusterSource, SpellingJudge]:
        with self._lock:
            now = time.monotonic()
            if self._judge is None or now - self._judge[0] > JUDGE_SECONDS:
                source = ClusterSource(self._replicas)
                self._judge = (now, source, SpellingJudge(source))
            return self._judge[1], self._judge[2]
