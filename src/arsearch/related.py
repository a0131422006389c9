"""Related articles ("مقالات ذات صلة") and near-duplicates.

An article's key terms are its stems weighted by tf-idf against the index
(title words count extra, stop words are already gone, terms found in one
article only or in a large share of all articles are left out); a ranked
query over them finds candidates, the article itself excluded, and the
index's topic model (``arsearch.derived.topics``), when it has one, ranks them again
on subject as well as words. A wire story republished by several outlets is
one entry, carrying its copies' ids, unless ``include_duplicates=True``;
copies of the article itself are never proposed as related.

مثال::

    >>> [r.id for r in index.related("spa-2015-08-01-12", limit=5)]            # doctest: +SKIP
    >>> index.related_to_text("ارتفاع أسعار النفط في الأسواق العالمية")        # doctest: +SKIP
    >>> index.duplicates("spa-2015-08-01-12")                                  # doctest: +SKIP
    ['alriyadh-2015-08-01-77', 'okaz-2015-08-02-5']
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .analysis import fingerprint
from .derived.topics import Frequencies, cosines, document_frequencies
from .engine.base import StoredDocument
from .engine.queries import BooleanQuery, BoostQuery, EngineQuery, FilterQuery, Occur, TermQuery
from .engine.schema import ARTICLE_FIELD, DUPLICATE_KEYS_FIELD, ID_FIELD, TEXT_FIELDS, stored_article, stored_sketch
from .engine.statistics import CollectionStatistics, TermCounts, with_statistics
from .records.articles import Article, searchable_part
from .search.options import MAX_LIMIT, Filters, filter_query
from .store.snapshot import Snapshot

#: Key terms kept per article.
KEY_TERMS = 40
#: Terms in fewer articles than this say nothing about any other article.
MIN_DOC_FREQ = 2
#: Terms in more than this share of all articles say little (news boilerplate).
MAX_DOC_SHARE = 0.25
#: Candidates fetched per related article asked for, so grouping copies still fills the list.
CANDIDATES_PER_RESULT = 4
#: Candidates ranked on topic similarity when the index has a topic model.
TOPIC_CANDIDATES = 50
#: Share of topic similarity in the final score (the rest: the key-term query's score).
TOPIC_WEIGHT = 0.7
#: Near-copies looked at by ``duplicates`` (more than any story gets reprinted).
MAX_DUPLICATE_CANDIDATES = 1000


@dataclass(frozen=True)
class RelatedArticle:
    """One proposed article; ``duplicates`` are the ids of its copies grouped into it."""

    id: str
    score: float
    title: str
    date: datetime | None
    source: str | None
    url: str | None
    category: str | None
    duplicates: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, date=self.date.isoformat() if self.date else None)


def key_terms(statistics: TermCounts, frequencies: Frequencies) -> list[tuple[str, float]]:
    """The article's most characteristic stems with their tf-idf weights, best first."""
    articles = max(1, statistics.doc_count)
    weighted = []
    for term, frequency in frequencies.items():
        documents = statistics.doc_freq(ARTICLE_FIELD, term)
        if documents < MIN_DOC_FREQ or documents > MAX_DOC_SHARE * articles:
            continue
        weighted.append((term, (1 + math.log(frequency)) * math.log(articles / documents)))
    weighted.sort(key=lambda pair: (-pair[1], pair[0]))
    return weighted[:KEY_TERMS]


def _terms_query(terms: list[tuple[str, float]]) -> EngineQuery:
    return BooleanQuery(
        tuple(("should", BoostQuery(TermQuery(name, term), weight)) for term, weight in terms for name in TEXT_FIELDS)
    )


def _recency_factor(date: datetime | None, reference: datetime | None, half_life_days: float | None) -> float:
    """1 for the same day, falling to 0.5 (never lower) as dates drift apart."""
    if not half_life_days or date is None or reference is None:
        return 1.0
    days = abs((date - reference).total_seconds()) / 86_400
    return 0.5 + 0.5 * math.pow(0.5, days / half_life_days)


@dataclass(frozen=True)
class RelatedCandidate:
    """An article the key-term query found, before ranking: its query score, its topic similarity
    to the article asked about (None without a topic model) and its near-duplicate sketch."""

    article: Article
    score: float
    similarity: float | None
    sketch: tuple[int, ...]


def candidates_wanted(limit: int, include_duplicates: bool, recency_days: float | None, topics: bool) -> int:
    """Candidates the key-term query fetches for ``limit`` related articles."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    wanted = limit if include_duplicates and not recency_days else limit * CANDIDATES_PER_RESULT
    return max(wanted, TOPIC_CANDIDATES) if topics else wanted


def related_candidates(
    snapshot: Snapshot,
    terms: list[tuple[str, float]],
    frequencies: Frequencies,
    *,
    wanted: int,
    exclude_id: str | None = None,
    filters: Filters | None = None,
    statistics: CollectionStatistics | None = None,
) -> list[RelatedCandidate]:
    """The ``wanted`` best articles of the query over ``key_terms``, best first (``statistics``:
    scored on a whole collection's term rarities, this snapshot being one shard of it)."""
    if not terms:
        return []
    clauses: list[tuple[Occur, EngineQuery]] = [("must", _terms_query(terms))]
    restriction = filter_query(filters)
    if restriction is not None:
        clauses.append(("must", FilterQuery(restriction)))
    if exclude_id is not None:
        clauses.append(("must_not", TermQuery(ID_FIELD, exclude_id)))
    query: EngineQuery = BooleanQuery(tuple(clauses))
    if statistics is not None:
        query = with_statistics(query, snapshot, statistics)
    found = snapshot.search(query, limit=wanted, count=False).hits
    documents = [snapshot.stored(address) for _, address in found]
    articles = [stored_article(document) for document in documents]
    model = snapshot.topic_model()
    own_vector = model.vector(frequencies) if model is not None else None
    similarities: list[float | None] = [None] * len(found)
    if model is not None and own_vector is not None:
        bags = (document_frequencies(snapshot.analyzer, d, a.title) for d, a in zip(documents, articles, strict=True))
        similarities = list(cosines(model, own_vector, bags))
    return [
        RelatedCandidate(article, float(score or 0.0), similarity, stored_sketch(document))
        for (score, _), document, article, similarity in zip(found, documents, articles, similarities, strict=True)
    ]


def rank_related(
    candidates: list[RelatedCandidate],
    *,
    own_sketch: tuple[int, ...] = (),
    date: datetime | None = None,
    limit: int = 5,
    include_duplicates: bool = False,
    recency_days: float | None = None,
) -> list[RelatedArticle]:
    """The related list from the candidates: topic similarity and query score together, the
    dates' distance, copies of the article itself left out and copies of an entry grouped in it."""
    if not candidates:
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    best = max(candidate.score for candidate in candidates) or 1.0
    scores = [
        candidate.score
        if candidate.similarity is None
        else TOPIC_WEIGHT * candidate.similarity + (1 - TOPIC_WEIGHT) * candidate.score / best
        for candidate in candidates
    ]
    scores = [
        score * _recency_factor(candidate.article.date, date, recency_days)
        for score, candidate in zip(scores, candidates, strict=True)
    ]
    entries: list[tuple[RelatedArticle, tuple[int, ...]]] = []
    for position in sorted(range(len(candidates)), key=lambda position: -scores[position]):
        article, sketch = candidates[position].article, candidates[position].sketch
        if not include_duplicates:
            if fingerprint.is_duplicate(own_sketch, sketch):
                continue  # a copy of the article itself is not "related"
            group = next((entry for entry, kept in entries if fingerprint.is_duplicate(kept, sketch)), None)
            if group is not None:
                group.duplicates.append(article.id)
                continue
            if len(entries) == limit:
                continue  # the list is full: later candidates only matter as copies of its entries
        entry = RelatedArticle(
            article.id,
            round(scores[position], 4),
            article.title,
            article.date,
            article.source,
            article.url,
            article.category,
        )
        entries.append((entry, sketch))
        if len(entries) == limit and include_duplicates:
            break
    return [entry for entry, _ in entries]


def find_related(
    snapshot: Snapshot,
    frequencies: Frequencies,
    *,
    exclude_id: str | None = None,
    own_sketch: tuple[int, ...] = (),
    date: datetime | None = None,
    limit: int = 5,
    filters: Filters | None = None,
    include_duplicates: bool = False,
    recency_days: float | None = None,
) -> list[RelatedArticle]:
    """Related articles for a bag of stems (``topics.term_frequencies``); see ``Index.related``."""
    topics = (model := snapshot.topic_model()) is not None and model.vector(frequencies) is not None
    candidates = related_candidates(
        snapshot,
        key_terms(snapshot, frequencies),
        frequencies,
        wanted=candidates_wanted(limit, include_duplicates, recency_days, topics),
        exclude_id=exclude_id,
        filters=filters,
    )
    return rank_related(
        candidates,
        own_sketch=own_sketch,
        date=date,
        limit=limit,
        include_duplicates=include_duplicates,
        recency_days=recency_days,
    )


def related(snapshot: Snapshot, article_id: str, **options: Any) -> list[RelatedArticle]:
    """Related articles for an indexed article (``ArticleNotFoundError`` for an unknown id)."""
    document = snapshot.document(article_id)
    article = stored_article(document)
    return find_related(
        snapshot,
        document_frequencies(snapshot.analyzer, document, article.title),
        exclude_id=article.id,
        own_sketch=stored_sketch(document),
        date=article.date,
        **options,
    )


def related_to_text(snapshot: Snapshot, text: str, **options: Any) -> list[RelatedArticle]:
    """Articles related to any text (a draft, a page of another site)."""
    frequencies, sketch = text_frequencies(snapshot, text)
    return find_related(snapshot, frequencies, own_sketch=sketch, **options)


def text_frequencies(snapshot: Snapshot, text: str) -> tuple[dict[str, float], tuple[int, ...]]:
    """A text's stem counts and near-duplicate sketch, as the index analyzes an article's text."""
    terms, forms = snapshot.analyzer.index_forms(searchable_part(text))
    return {term: float(count) for term, count in Counter(terms).items()}, fingerprint.sketch(forms)


def duplicates(snapshot: Snapshot, article_id: str) -> list[str]:
    """Ids of the near-copies of an article (same story, other outlets or titles), closest first."""
    return [copy_id for _, copy_id in copies_of(snapshot, stored_sketch(snapshot.document(article_id)), article_id)]


def copies_of(snapshot: Snapshot, own: tuple[int, ...], article_id: str | None = None) -> list[tuple[float, str]]:
    """(similarity, id) of the snapshot's near-copies of a sketch, the article ``article_id`` left out,
    closest first (a sharded index merges its shards' lists)."""
    if not own:
        return []
    keys = BooleanQuery(
        tuple(("should", TermQuery(DUPLICATE_KEYS_FIELD, key)) for key in fingerprint.band_keys(own)),
        minimum_should_match=fingerprint.MIN_SHARED_KEYS,
    )
    query: EngineQuery = keys
    if article_id is not None:
        query = BooleanQuery((("must", keys), ("must_not", TermQuery(ID_FIELD, article_id))))
    copies = []
    for _, address in snapshot.search(query, limit=MAX_DUPLICATE_CANDIDATES, count=False).hits:
        document: StoredDocument = snapshot.stored(address)
        similarity = fingerprint.similarity(own, stored_sketch(document))
        if similarity >= fingerprint.DUPLICATE_SIMILARITY:
            copies.append((similarity, document.id))
    return sorted(copies, key=lambda pair: (-pair[0], pair[1]))
