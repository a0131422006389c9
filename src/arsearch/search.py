"""Ranked search over an index: free-text queries, pages, results.

This first version ranks with BM25F over the stemmed and exact forms of the
query's words (stop words out). The query language, filters, facets and
highlighting build on it.

مثال::

    >>> results = index.search("زيارة الوزير للمملكة", limit=5)   # doctest: +SKIP
    >>> [hit.title for hit in results.hits]                         # doctest: +SKIP
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from whoosh import query as wq

from .analysis import Analyzer, get_analyzer
from .engine.whoosh import EXACT_SUFFIX, TEXT_FIELDS, stored_article

if TYPE_CHECKING:
    from .index import Index

#: Weight of each field in the ranking (the exact fields reward exact word forms).
FIELD_BOOSTS = {"title": 2.0, "text": 1.0, "title_exact": 1.0, "text_exact": 0.5}
MAX_LIMIT = 1000
SNIPPET_CHARS = 200


@dataclass(frozen=True)
class Hit:
    """One matching article."""

    id: str
    score: float
    title: str
    date: datetime | None
    source: str | None
    url: str | None
    category: str | None
    snippet: str
    metadata: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, date=self.date.isoformat() if self.date else None)


@dataclass(frozen=True)
class Results:
    """A page of hits, with the total number of matches and the time taken."""

    query: str
    total: int
    hits: list[Hit]
    page: int
    limit: int
    took_ms: float
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, hits=[hit.as_dict() for hit in self.hits])


def build_query(text: str, analyzer: Analyzer) -> wq.Query | None:
    """Every content word of ``text`` counts: stemmed forms OR exact forms, fields boosted."""
    clauses: list[wq.Query] = []
    seen: set[tuple[str, str]] = set()
    for token in analyzer.tokens(text):
        assert token.stem is not None
        for name in TEXT_FIELDS:
            for fieldname, term in ((name, token.stem), (name + EXACT_SUFFIX, token.normalized)):
                if (fieldname, term) not in seen:
                    seen.add((fieldname, term))
                    clauses.append(wq.Term(fieldname, term, boost=FIELD_BOOSTS[fieldname]))
    return wq.Or(clauses) if clauses else None


def search(index: Index, text: str, *, limit: int = 10, page: int = 1) -> Results:
    """Search ``index`` for ``text``; ``page`` counts from 1."""
    started = time.perf_counter()
    limit = max(1, min(limit, MAX_LIMIT))
    page = max(1, page)
    query = build_query(text, get_analyzer(index.profile))
    if query is None:
        message = "empty query: type some words to search for"
        return Results(text, 0, [], page, limit, _ms_since(started), message)
    found = index.searcher().search_page(query, page, pagelen=limit)
    hits = [_hit(result.fields(), result.score) for result in found]
    return Results(text, len(found.results), hits, page, limit, _ms_since(started))


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def _hit(stored: dict[str, Any], score: float) -> Hit:
    article = stored_article(stored)
    # The opening of the article; highlighted passages come with the full search.
    text = " ".join(article.text.split())
    snippet = text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else "")
    return Hit(
        id=article.id,
        score=round(float(score), 4),
        title=article.title,
        date=article.date,
        source=article.source,
        url=article.url,
        category=article.category,
        snippet=snippet,
        metadata={"author": article.author, "tags": list(article.tags), **article.extra},
    )


__all__ = ["Hit", "Results", "build_query", "search"]
