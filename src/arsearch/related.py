"""Related articles ("مقالات ذات صلة") and near-duplicates.

An article's key terms are its stems weighted by tf-idf against the index
(title words count extra, stop words are already gone, terms found in one
article only or in a large share of all articles are left out); a ranked
query over them finds the related articles, the article itself excluded. A
wire story republished by several outlets is one entry, carrying its copies'
ids, unless ``include_duplicates=True``; copies of the article itself are
never proposed as related.

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
from .engine.schema import stored_article
from .search import MAX_LIMIT, Filters, filter_query

if TYPE_CHECKING:
    from .index import Index

#: Key terms kept per article.
KEY_TERMS = 40
#: A title word counts as this many occurrences in the text.
TITLE_WEIGHT = 2.0
#: Terms in fewer articles than this say nothing about any other article.
MIN_DOC_FREQ = 2
#: Terms in more than this share of all articles say little (news boilerplate).
MAX_DOC_SHARE = 0.25
#: Candidates fetched per related article asked for, so grouping copies still fills the list.
CANDIDATES_PER_RESULT = 4
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


def key_terms(index: Index, searcher: tantivy.Searcher, title: str, text: str) -> list[tuple[str, float]]:
    """The article's most characteristic stems with their tf-idf weights, best first."""
    frequencies: dict[str, float] = dict(Counter(index.analyzer.terms(text)))
    for term in index.analyzer.terms(title):
        frequencies.setdefault(term, 0.0)
        frequencies[term] += TITLE_WEIGHT
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
    title: str,
    text: str,
    *,
    exclude_id: str | None = None,
    own_sketch: tuple[int, ...] = (),
    date: datetime | None = None,
    limit: int = 5,
    filters: Filters | None = None,
    include_duplicates: bool = False,
    recency_days: float | None = None,
) -> list[RelatedArticle]:
    """Related articles for a title and text; see ``Index.related``."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    searcher = index.searcher()
    terms = key_terms(index, searcher, title, text)
    if not terms:
        return []
    clauses = [(Occur.Must, _terms_query(index, terms))]
    restriction = filter_query(index, filters)
    if restriction is not None:
        clauses.append((Occur.Must, Query.const_score_query(restriction, 0.0)))
    if exclude_id is not None:
        clauses.append((Occur.MustNot, Query.term_query(index.schema, "id", exclude_id)))
    wanted = limit if include_duplicates and not recency_days else limit * CANDIDATES_PER_RESULT
    found = searcher.search(Query.boolean_query(clauses), limit=wanted, count=False).hits
    entries: list[tuple[RelatedArticle, tuple[int, ...]]] = []
    for score, address in found:
        document = searcher.doc(address)
        article = stored_article(document)
        sketch = _sketch(document)
        if not include_duplicates:
            if fingerprint.is_duplicate(own_sketch, sketch):
                continue  # a copy of the article itself is not "related"
            group = next((entry for entry, kept in entries if fingerprint.is_duplicate(kept, sketch)), None)
            if group is not None:
                group.duplicates.append(article.id)
                continue
        weight = float(score) * _recency_factor(article.date, date, recency_days)
        entry = RelatedArticle(
            article.id, round(weight, 4), article.title, article.date, article.source, article.url, article.category
        )
        entries.append((entry, sketch))
    ranked = sorted((entry for entry, _ in entries), key=lambda entry: -entry.score)
    return ranked[:limit]


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
        article.title,
        article.text,
        exclude_id=article.id,
        own_sketch=_sketch(document),
        date=article.date,
        **options,
    )


def related_to_text(index: Index, text: str, **options: Any) -> list[RelatedArticle]:
    """Articles related to any text (a draft, a page of another site)."""
    _, forms = index.analyzer.index_forms(text)
    return find_related(index, "", text, own_sketch=fingerprint.sketch(forms), **options)


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
