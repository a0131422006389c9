"""Related articles ("مقالات ذات صلة") and near-duplicates.

An article's key terms are its stems weighted by tf-idf against the index
(title words count extra, stop words are already gone, terms found in one
article only or in a large share of all articles are left out); a ranked
query over them finds candidates, the article itself excluded, and the
index's topic model (``arsearch.topics``), when it has one, ranks them again
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
from typing import TYPE_CHECKING, Any

import tantivy
from tantivy import Occur, Query

from . import fingerprint
from .articles import searchable_part
from .engine.schema import stored_article
from .search import MAX_LIMIT, Filters, filter_query
from .topics import Frequencies, cosines, document_frequencies

if TYPE_CHECKING:
    from .index import Index

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


def key_terms(searcher: tantivy.Searcher, frequencies: Frequencies) -> list[tuple[str, float]]:
    """The article's most characteristic stems with their tf-idf weights, best first."""
    articles = max(1, int(searcher.num_docs))
    weighted = []
    for term, frequency in frequencies.items():
        documents = searcher.doc_freq("text", term)  # the text field holds the title's words too
        if documents < MIN_DOC_FREQ or documents > MAX_DOC_SHARE * articles:
            continue
        weighted.append((term, (1 + math.log(frequency)) * math.log(articles / documents)))
    weighted.sort(key=lambda pair: (-pair[1], pair[0]))
    return weighted[:KEY_TERMS]


def _terms_query(index: Index, terms: list[tuple[str, float]]) -> Query:
    clauses = []
    for term, weight in terms:
        for name in ("title", "text"):
            clauses.append((Occur.Should, Query.boost_query(Query.term_query(index.schema, name, term), weight)))
    return Query.boolean_query(clauses)


def _recency_factor(date: datetime | None, reference: datetime | None, half_life_days: float | None) -> float:
    """1 for the same day, falling to 0.5 (never lower) as dates drift apart."""
    if not half_life_days or date is None or reference is None:
        return 1.0
    days = abs((date - reference).total_seconds()) / 86_400
    return 0.5 + 0.5 * math.pow(0.5, days / half_life_days)


def find_related(
    index: Index,
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
    limit = max(1, min(int(limit), MAX_LIMIT))
    searcher = index.searcher()
    terms = key_terms(searcher, frequencies)
    if not terms:
        return []
    clauses = [(Occur.Must, _terms_query(index, terms))]
    restriction = filter_query(index, filters)
    if restriction is not None:
        clauses.append((Occur.Must, Query.const_score_query(restriction, 0.0)))
    if exclude_id is not None:
        clauses.append((Occur.MustNot, Query.term_query(index.schema, "id", exclude_id)))
    model = index.topics()
    own_vector = model.vector(frequencies) if model is not None else None
    wanted = limit if include_duplicates and not recency_days else limit * CANDIDATES_PER_RESULT
    if own_vector is not None:
        wanted = max(wanted, TOPIC_CANDIDATES)
    found = searcher.search(Query.boolean_query(clauses), limit=wanted, count=False).hits
    if not found:
        return []
    documents = [searcher.doc(address) for _, address in found]
    articles = [stored_article(document) for document in documents]
    scores = [float(score) for score, _ in found]
    if model is not None and own_vector is not None:
        best = max(scores) or 1.0
        bags = (document_frequencies(index.analyzer, d, a.title) for d, a in zip(documents, articles, strict=True))
        similarities = cosines(model, own_vector, bags)
        scores = [
            TOPIC_WEIGHT * similarity + (1 - TOPIC_WEIGHT) * score / best
            for similarity, score in zip(similarities, scores, strict=True)
        ]
    scores = [score * _recency_factor(a.date, date, recency_days) for score, a in zip(scores, articles, strict=True)]
    entries: list[tuple[RelatedArticle, tuple[int, ...]]] = []
    for position in sorted(range(len(found)), key=lambda position: -scores[position]):
        article = articles[position]
        sketch = _sketch(documents[position])
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


def _sketch(document: tantivy.Document) -> tuple[int, ...]:
    """A stored document's near-duplicate sketch (empty for short texts)."""
    return fingerprint.unpack(document.get_first("sketch") or b"")


def related(index: Index, article_id: str, **options: Any) -> list[RelatedArticle]:
    """Related articles for an indexed article (``ArticleNotFoundError`` for an unknown id)."""
    searcher = index.searcher()
    document = index._document(searcher, article_id)
    article = stored_article(document)
    return find_related(
        index,
        document_frequencies(index.analyzer, document, article.title),
        exclude_id=article.id,
        own_sketch=_sketch(document),
        date=article.date,
        **options,
    )


def related_to_text(index: Index, text: str, **options: Any) -> list[RelatedArticle]:
    """Articles related to any text (a draft, a page of another site)."""
    terms, forms = index.analyzer.index_forms(searchable_part(text))
    return find_related(index, dict(Counter(terms)), own_sketch=fingerprint.sketch(forms), **options)


def duplicates(index: Index, article_id: str) -> list[str]:
    """Ids of the near-copies of an article (same story, other outlets or titles), closest first."""
    searcher = index.searcher()
    own = _sketch(index._document(searcher, article_id))
    if not own:
        return []
    keys = [(Occur.Should, Query.term_query(index.schema, "dup", key)) for key in fingerprint.band_keys(own)]
    query = Query.boolean_query(
        [
            (Occur.Must, Query.boolean_query(keys, minimum_number_should_match=fingerprint.MIN_SHARED_KEYS)),
            (Occur.MustNot, Query.term_query(index.schema, "id", article_id)),
        ]
    )
    copies = []
    for _, address in searcher.search(query, limit=MAX_DUPLICATE_CANDIDATES, count=False).hits:
        document = searcher.doc(address)
        similarity = fingerprint.similarity(own, _sketch(document))
        if similarity >= fingerprint.DUPLICATE_SIMILARITY:
            copies.append((similarity, str(document.get_first("id"))))
    return [copy_id for _, copy_id in sorted(copies, key=lambda pair: (-pair[0], pair[1]))]
