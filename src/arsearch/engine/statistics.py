"""Scores from a whole collection's statistics, for an index split into shards.

BM25 weighs a term by its rarity (idf) among the articles of the index that
runs the query. Each shard of a cluster index knows only its own articles, so
the same article would score differently depending on the shard it landed in,
and a term rare in one shard but common overall would pull that shard's
articles up. As Elasticsearch's "dfs" search does, a sharded search first
gathers every shard's article counts for the query's terms
(``scored_terms``), sums them (``CollectionStatistics``), and each shard then
runs the query with each term's score scaled by the collection's idf over its
own (``with_statistics``): scores as one index of all the articles would give,
up to the average article length, which differs little between shards of a
random split.

مثال::

    >>> collection = CollectionStatistics(1000, {("text", "نفط"): 10})   # every shard's counts summed
    >>> round(bm25_idf(collection.doc_count, collection.doc_freq("text", "نفط")), 2)
    4.56
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from .queries import BooleanQuery, BoostQuery, EngineQuery, PhraseQuery, TermQuery
from .schema import ANALYZED_FIELDS

#: A term in a field, as queries name it.
FieldTerm = tuple[str, str]


class TermCounts(Protocol):
    """What idf needs: how many articles there are, and how many contain a term."""

    @property
    def doc_count(self) -> int: ...

    def doc_freq(self, field: str, term: str) -> int: ...


def bm25_idf(articles: int, containing: int) -> float:
    """The BM25 idf of a term in ``containing`` of ``articles`` articles (Lucene's and tantivy's)."""
    return math.log(1 + (max(articles, 1) - containing + 0.5) / (containing + 0.5))


@dataclass(frozen=True)
class CollectionStatistics:
    """The article count of a whole collection and how many of its articles contain each term."""

    doc_count: int
    doc_freqs: Mapping[FieldTerm, int]

    def doc_freq(self, field: str, term: str) -> int:
        return self.doc_freqs.get((field, term), 0)

    @classmethod
    def summed(cls, parts: list[tuple[int, dict[FieldTerm, int]]]) -> CollectionStatistics:
        """The statistics of several shards together (each as ``local_statistics`` gave them)."""
        doc_freqs: dict[FieldTerm, int] = {}
        for _, counts in parts:
            for key, count in counts.items():
                doc_freqs[key] = doc_freqs.get(key, 0) + count
        return cls(sum(articles for articles, _ in parts), doc_freqs)


def scored_terms(query: EngineQuery) -> set[FieldTerm]:
    """The terms whose rarity scores a query: those on analyzed fields, filters and exclusions left out."""
    if isinstance(query, TermQuery):
        return {(query.field, query.text)} if query.field in ANALYZED_FIELDS else set()
    if isinstance(query, PhraseQuery):
        return {(query.field, term) for term in query.terms} if query.field in ANALYZED_FIELDS else set()
    if isinstance(query, BoostQuery):
        return scored_terms(query.query)
    if isinstance(query, BooleanQuery):
        return {term for occur, clause in query.clauses if occur != "must_not" for term in scored_terms(clause)}
    return set()  # filters, dates, all and none add nothing to a score


def local_statistics(counts: TermCounts, terms: set[FieldTerm]) -> tuple[int, dict[FieldTerm, int]]:
    """One shard's article count and its counts of ``terms``, to be summed over the shards."""
    return counts.doc_count, {(field, term): counts.doc_freq(field, term) for field, term in terms}


def with_statistics(query: EngineQuery, local: TermCounts, collection: CollectionStatistics) -> EngineQuery:
    """``query`` with each term's score scaled from the local idf to the collection's."""
    if isinstance(query, TermQuery | PhraseQuery):
        terms = [(query.field, query.text)] if isinstance(query, TermQuery) else [(query.field, t) for t in query.terms]
        if query.field not in ANALYZED_FIELDS:
            return query
        own = sum(bm25_idf(local.doc_count, local.doc_freq(*term)) for term in terms)
        wanted = sum(bm25_idf(collection.doc_count, collection.doc_freq(*term)) for term in terms)
        return query if own <= 0 or math.isclose(own, wanted) else BoostQuery(query, wanted / own)
    if isinstance(query, BoostQuery):
        return replace(query, query=with_statistics(query.query, local, collection))
    if isinstance(query, BooleanQuery):
        clauses = tuple(
            (occur, clause if occur == "must_not" else with_statistics(clause, local, collection))
            for occur, clause in query.clauses
        )
        return replace(query, clauses=clauses)
    return query


__all__ = [
    "CollectionStatistics",
    "FieldTerm",
    "TermCounts",
    "bm25_idf",
    "local_statistics",
    "scored_terms",
    "with_statistics",
]
