"""Ranked search: query language, filters, sorting, facets, pages, highlighting.

مثال::

    >>> results = index.search("زيارة الوزير للمملكة", filters={"source": "الوطن"}, limit=5)  # doctest: +SKIP
    >>> results.total, results.facets["source"]                                            # doctest: +SKIP
    >>> print(results.hits[0].snippets[0].text)                                            # doctest: +SKIP
    وصل وزيرُ الخارجية إلى [المملكةِ] في [زيارةٍ] رسمية…
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from . import fingerprint
from .analysis import Analyzer
from .articles import Article, ArticleError, parse_date
from .engine.base import Found, Order, StoredDocument
from .engine.compile import Compiled, QueryCompiler, Ranking
from .engine.queries import BooleanQuery, DateRangeQuery, EngineQuery, FilterQuery, TermQuery, all_of, any_of
from .engine.schema import KEYWORD_FIELDS, stored_article, stored_sketch
from .engine.statistics import CollectionStatistics, FieldTerm, local_statistics, scored_terms, with_statistics
from .highlight import Snippet, highlight_whole, snippets
from .query import Bool, Node, ParsedQuery, Word, inclusive_end, parse
from .store import Snapshot
from .suggest import did_you_mean

Sort = Literal["relevance", "newest", "oldest"]
SORTS: tuple[Sort, ...] = ("relevance", "newest", "oldest")
FACET_FIELDS = ("source", "category")
FILTER_KEYS = (*KEYWORD_FIELDS, "date_from", "date_to")
MAX_LIMIT = 100
#: Facet values reported per field (the commonest).
FACET_SIZE = 50
#: When a query's words find fewer articles than this, articles sharing only
#: their roots are let in too (``Ranking.root_boost``): مدرسة finds المدارس.
WIDEN_BELOW = 3
#: Deepest page a caller may ask for (results beyond are rarely useful and cost time).
MAX_PAGE = 1000
#: With copies folded, ranked hits looked at per story wanted (more when a page still falls short).
COLLAPSE_WINDOW_FACTOR = 3
#: The most ranked hits looked at to fold copies into the stories of one page.
MAX_COLLAPSE_WINDOW = 5000

Filters = Mapping[str, "str | Sequence[str] | datetime | None"]


@dataclass(frozen=True)
class Copy:
    """A near-copy of a hit (the same story in another outlet or under another title), folded into it."""

    id: str
    title: str
    source: str | None
    date: datetime | None
    url: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, date=self.date.isoformat() if self.date else None)


@dataclass(frozen=True)
class Hit:
    """One matching article, with its title and snippets highlighted, and the copies folded into it."""

    id: str
    score: float
    title: str
    date: datetime | None
    source: str | None
    url: str | None
    category: str | None
    title_highlighted: Snippet | None
    snippets: list[Snippet]
    metadata: dict[str, Any] = field(default_factory=dict)
    copies: list[Copy] = field(default_factory=list)

    @property
    def snippet(self) -> str:
        """The best snippet as plain text ('' when there is none)."""
        return self.snippets[0].text if self.snippets else ""

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__, date=self.date.isoformat() if self.date else None)
        data["title_highlighted"] = self.title_highlighted.__dict__ if self.title_highlighted else None
        data["snippets"] = [s.__dict__ for s in self.snippets]
        data["copies"] = [copy.as_dict() for copy in self.copies]
        return data


@dataclass(frozen=True)
class Results:
    """A page of hits, the total, facet counts, a suggestion, and diagnostics."""

    query: str
    total: int
    hits: list[Hit]
    page: int
    limit: int
    took_ms: float
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    warnings: list[str] = field(default_factory=list)
    parsed: str = ""
    message: str | None = None
    #: True when some of the index could not answer (a cluster with every replica of a
    #: shard down): ``total``, ``facets`` and ``hits`` cover the rest, ``warnings`` say what is missing
    partial: bool = False

    @property
    def pages(self) -> int:
        return (self.total + self.limit - 1) // self.limit

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, hits=[hit.as_dict() for hit in self.hits], pages=self.pages)


def filter_query(filters: Filters | None) -> EngineQuery | None:
    """The query restricting results to ``filters`` (None when there is nothing to restrict)."""
    if not filters:
        return None
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        raise ValueError(f"unknown filter {sorted(unknown)[0]!r}; filters are {', '.join(FILTER_KEYS)}")
    clauses: list[EngineQuery] = []
    for key in KEYWORD_FIELDS:
        value = filters.get(key)
        if value is None or value == "" or value == []:
            continue
        values = [value] if isinstance(value, str) else list(value)  # type: ignore[arg-type]
        clauses.append(any_of([TermQuery(key, str(v)) for v in values]))
    start, end = _filter_date(filters, "date_from"), inclusive_end(_filter_date(filters, "date_to"))
    if start is not None or end is not None:
        clauses.append(DateRangeQuery(start, end))
    return all_of(clauses) if clauses else None


def _filter_date(filters: Filters, key: str) -> datetime | None:
    value = filters.get(key)
    try:
        return parse_date(value)
    except ArticleError as error:
        raise ValueError(f"filter {key}: {error}") from None


def search(
    snapshot: Snapshot,
    text: str,
    *,
    limit: int = 10,
    page: int = 1,
    filters: Filters | None = None,
    sort: Sort = "relevance",
    highlight: bool = True,
    markers: tuple[str, str] = ("[", "]"),
    ranking: Ranking | None = None,
    facets: bool = True,
    collapse: bool = True,
    variants: bool = True,
    widen: bool | None = None,
    statistics: CollectionStatistics | None = None,
) -> Results:
    """Search one commit of an index; see ``Index.search`` for the other parameters.

    ``widen``: whether articles sharing only a root with the query's words are let in.
    None (the default) decides from this commit's counts (fewer than ``WIDEN_BELOW``
    articles without the filters); a sharded index decides once for all its shards
    from their summed counts and passes True or False. ``statistics``: score terms
    by the rarity they have in a whole collection this commit is one shard of
    (``query_statistics`` of every shard, summed).
    """
    started = time.perf_counter()
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
    limit = max(1, min(int(limit), MAX_LIMIT))
    page = max(1, min(int(page), MAX_PAGE))
    restriction = filter_query(filters)
    parsed = parse(text)
    analyzer = snapshot.analyzer
    compiled = _compiled(snapshot, parsed, ranking, variants, statistics)
    if statistics is not None:
        compiled.query, compiled.widened = (
            with_statistics(query, snapshot, statistics) if query is not None else None
            for query in (compiled.query, compiled.widened)
        )
    warnings = [*parsed.warnings, *compiled.warnings]

    def finish(total: int, hits: list[Hit], counts: dict[str, dict[str, int]], message: str | None) -> Results:
        suggestion = did_you_mean(snapshot, parsed, total) if text.strip() else None
        elapsed = round((time.perf_counter() - started) * 1000, 2)
        return Results(
            text, total, hits, page, limit, elapsed, counts, suggestion, warnings, parsed.describe(), message
        )

    if compiled.query is None:
        if not text.strip():
            message = "empty query: type some words to search for"
        elif warnings:
            message = "nothing left to search for: " + "; ".join(warnings)
        elif not any(character.isalnum() for character in text):
            message = "the query has no words, only symbols: type some words to search for"
        else:
            message = "the query has only stop words (such as في، من، ما): add a word that carries meaning"
        return finish(0, [], {}, message)
    offset = (page - 1) * limit
    order: Order = "score" if sort == "relevance" else sort

    def run(query: EngineQuery) -> tuple[Found, EngineQuery]:
        if restriction is not None:  # filters restrict, they do not score
            query = BooleanQuery((("must", query), ("must", FilterQuery(restriction))))
        return snapshot.search(query, limit=limit, offset=offset, count=True, order=order), query

    found, query = run(compiled.query)
    roots = set(compiled.searched_roots)  # words matched only by their root are highlighted too
    if compiled.widened is not None and widen is not False:
        if widen is None and found.total < WIDEN_BELOW:
            # The words themselves find (almost) nothing: let a shared root qualify an
            # article. Judged without the filters, so that a filtered page agrees with
            # the facet counts of the unfiltered one.
            unfiltered = found if restriction is None else snapshot.search(compiled.query, limit=1, count=True)
            widen = unfiltered.total < WIDEN_BELOW
        if widen:
            found, query = run(compiled.widened)
            roots.update(root for _, root, _ in compiled.roots)
    total = found.total
    if collapse and total > 1:
        stories = _stories(snapshot, query, order, offset + limit, total)[offset:]
    else:
        stories = [(score, snapshot.stored(address), []) for score, address in found.hits]
    counts = _facet_counts(snapshot, query) if facets and total else {}
    hits = [
        _hit(stored_article(document), score, compiled, roots, analyzer, highlight, markers, copies)
        for score, document, copies in stories
    ]
    return finish(total, hits, counts, None)


def query_statistics(
    snapshot: Snapshot, text: str, *, ranking: Ranking | None = None, variants: bool = True
) -> tuple[int, dict[FieldTerm, int]]:
    """This commit's article count and its counts of the terms the query ``text`` scores with
    (widened to roots or not): what a sharded search sums over its shards for ``statistics``."""
    compiled = _compiled(snapshot, parse(text), ranking, variants, None)
    terms = set().union(*(scored_terms(query) for query in (compiled.query, compiled.widened) if query is not None))
    return local_statistics(snapshot, terms)


def _compiled(
    snapshot: Snapshot,
    parsed: ParsedQuery,
    ranking: Ranking | None,
    variants: bool,
    statistics: CollectionStatistics | None,
) -> Compiled:
    needs_vocabulary = any(isinstance(word, Word) and word.fuzzy for word in _words(parsed.root))
    compiler = QueryCompiler(
        snapshot,
        snapshot.analyzer,
        ranking or Ranking(),
        snapshot.vocabulary() if needs_vocabulary else None,
        snapshot.synonyms(),
        (table.as_mapping() if variants and (table := snapshot.variants()) is not None else None),
        statistics,
    )
    return compiler.compile(parsed)


Story = tuple[float | None, StoredDocument, list[StoredDocument]]


def _stories(snapshot: Snapshot, query: EngineQuery, order: Order, wanted: int, total: int) -> list[Story]:
    """The first ``wanted`` stories of the ranked hits: each hit with the lower-ranked near-copies
    of it folded in. Always counted from the first hit, so every page folds the same way and no
    story shows on two pages."""
    window = min(max(wanted * COLLAPSE_WINDOW_FACTOR, wanted + 10), MAX_COLLAPSE_WINDOW)
    while True:
        found = snapshot.search(query, limit=window, count=False, order=order)
        grouper = fingerprint.StoryGrouper()
        stories: list[Story] = []
        for score, address in found.hits:
            document = snapshot.stored(address)
            story = grouper.add(stored_sketch(document))
            if story is None:
                stories.append((score, document, []))
            else:
                stories[story][2].append(document)
        if len(stories) >= wanted or window >= min(total, MAX_COLLAPSE_WINDOW):
            return stories[:wanted]
        window = min(window * 2, MAX_COLLAPSE_WINDOW)


def _words(node: Node) -> list[Node]:
    """Every leaf of a query tree."""
    if not isinstance(node, Bool):
        return [node]
    return [leaf for group in (node.should, node.must, node.must_not) for n in group for leaf in _words(n)]


def _facet_counts(snapshot: Snapshot, query: EngineQuery) -> dict[str, dict[str, int]]:
    """Counts by source and category over the whole result set, commonest first."""
    counts = snapshot.facet_counts(query, FACET_FIELDS, FACET_SIZE)
    return {
        name: dict(sorted(((value, n) for value, n in counts[name].items() if value), key=lambda kv: (-kv[1], kv[0])))
        for name in FACET_FIELDS
    }


def _hit(
    article: Article,
    score: float | None,
    compiled: Compiled,
    roots: set[str],
    analyzer: Analyzer,
    highlight: bool,
    markers: tuple[str, str],
    copies: list[StoredDocument],
) -> Hit:
    if highlight:
        title = highlight_whole(article.title, analyzer, compiled.stems, compiled.exact_forms, markers, roots)
        passages = snippets(article.text, analyzer, compiled.stems, compiled.exact_forms, markers=markers, roots=roots)
    else:
        title, passages = None, []
    return Hit(
        id=article.id,
        score=round(float(score or 0.0), 4),
        title=article.title,
        date=article.date,
        source=article.source,
        url=article.url,
        category=article.category,
        title_highlighted=title,
        snippets=passages,
        metadata={"author": article.author, "tags": list(article.tags), **article.extra},
        copies=[_copy(stored_article(document)) for document in copies],
    )


def _copy(article: Article) -> Copy:
    return Copy(article.id, article.title, article.source, article.date, article.url)


__all__ = ["SORTS", "Copy", "Hit", "Ranking", "Results", "Sort", "query_statistics", "search"]
