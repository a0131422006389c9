"""Pseudo-relevance feedback: a query widened by the words of its own best articles (RM3-like).

The best ``Ranking.feedback_docs`` articles of a first search are read
again (their stems as the topic model reads them: the text's stored
counts, the title's words); each word's share of an article (``tf /
length``), weighed by how strongly the first search chose the article, and
by how rare the word is in the collection, ranks the words those articles
are about. The ``Ranking.feedback_terms`` best that the query does not hold
already are added to it, each boosted by ``Ranking.feedback_boost`` times
its weight (the best word's is 1). They only rerank: an article still has
to match the query itself, so totals and facets are the query's.

مثال::

    >>> index.search("من هو مؤسس الدولة السعودية", ranking=Ranking(feedback_boost=0.3))   # doctest: +SKIP
"""

from __future__ import annotations

import math

from ..derived.topics import document_frequencies
from ..engine.compile import Ranking
from ..engine.queries import BooleanQuery, BoostQuery, EngineQuery, Occur, TermQuery
from ..engine.schema import ARTICLE_FIELD
from ..store.snapshot import Snapshot

#: Words considered for the expansion before their rarity is asked (the likeliest by weight).
CANDIDATES = 50


def with_feedback(snapshot: Snapshot, query: EngineQuery, searched: set[str], ranking: Ranking) -> EngineQuery:
    """``query`` with the words of its best articles as extra weight, or ``query`` itself when it
    finds nothing or is off (``Ranking.feedback_boost`` 0); ``searched``: the query's own terms."""
    if ranking.feedback_boost <= 0 or ranking.feedback_terms <= 0:
        return query
    best = snapshot.search(query, limit=ranking.feedback_docs, count=False).hits
    scores = [score for score, _ in best if score is not None]
    if not scores:
        return query
    top = max(scores)
    chosen = [math.exp(score - top) for score in scores]  # how strongly the search chose each
    weights: dict[str, float] = {}
    for strength, (_, address) in zip(chosen, best, strict=False):
        # the article's stems as the topic model reads them: its text's stored counts, its title's words
        bag = document_frequencies(snapshot.analyzer, snapshot.stored(address))
        length = sum(bag.values())
        for term, count in bag.items():
            if term not in searched:
                weights[term] = weights.get(term, 0.0) + strength * count / length
    articles = max(snapshot.doc_count, 1)
    rarity = {
        term: math.log(1 + (articles - held + 0.5) / (held + 0.5))
        for term in sorted(weights, key=weights.__getitem__, reverse=True)[:CANDIDATES]
        if (held := snapshot.doc_freq(ARTICLE_FIELD, term)) > 1  # a word of one article says nothing of others
    }
    ranked = sorted(((weights[term] * rarity[term], term) for term in rarity), reverse=True)[: ranking.feedback_terms]
    if not ranked:
        return query
    strongest = ranked[0][0]
    clauses: list[tuple[Occur, EngineQuery]] = [("must", query)]
    clauses += [
        ("should", BoostQuery(TermQuery(ARTICLE_FIELD, term), ranking.feedback_boost * weight / strongest))
        for weight, term in ranked
    ]
    return BooleanQuery(tuple(clauses))


__all__ = ["with_feedback"]
