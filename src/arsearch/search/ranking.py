"""Ranked search over one commit: the query language, filters, sorting, facets, pages,
copies folded into their story, highlighting.

مثال::

    >>> results = search(snapshot, "زيارة الوزير للمملكة", SearchOptions(limit=5))  # doctest: +SKIP
    >>> results.total, results.facets["source"]                                    # doctest: +SKIP
    >>> print(results.hits[0].snippets[0].text)                                    # doctest: +SKIP
    وصل وزيرُ الخارجية إلى [المملكةِ] في [زيارةٍ] رسمية…
"""

from __future__ import annotations

import re
import time
from datetime import datetime

from ..analysis import Analyzer, fingerprint
from ..derived.variants import GivenSpellings
from ..engine.base import Found, Order, StoredDocument
from ..engine.compile import Compiled, QueryCompiler, Ranking
from ..engine.queries import BooleanQuery, EngineQuery, FilterQuery
from ..engine.schema import stored_article, stored_sketch
from ..engine.statistics import CollectionStatistics, FieldTerm, local_statistics, scored_terms, with_statistics
from ..query import Bool, MatchLevel, Node, ParsedQuery, Word, parse
from ..records.articles import Article
from ..store.snapshot import Snapshot
from .feedback import with_feedback
from .highlight import highlight_whole, snippets
from .options import SearchOptions, filter_notes, filter_query, past_the_end
from .results import Copy, Hit, Results, Rewrite
from .rewrite import layout_reading, rewritten
from .suggest import SUGGEST_BELOW, did_you_mean

FACET_FIELDS = ("source", "category")
#: Facet values reported per field (the commonest).
FACET_SIZE = 50
#: When a query's words find fewer articles than this, articles sharing only
#: their roots are let in too (``Ranking.root_boost``): مدرسة finds المدارس.
WIDEN_BELOW = 3
#: With copies folded, ranked hits looked at per story wanted (more when a page still falls short).
COLLAPSE_WINDOW_FACTOR = 3
#: The most ranked hits looked at to fold copies into the stories of one page.
MAX_COLLAPSE_WINDOW = 5000


def search(
    snapshot: Snapshot,
    text: str,
    options: SearchOptions = SearchOptions(),
    *,
    widen: bool | None = None,
    statistics: CollectionStatistics | None = None,
    spellings: GivenSpellings | None = None,
) -> Results:
    """Search one commit of an index (``SearchOptions`` says what for). Never raises on a
    malformed query: it falls back to the words, and ``Results.warnings`` says why.

    ``widen``: whether articles sharing only a root with the query's words are let in.
    None (the default) decides from this commit's counts (fewer than ``WIDEN_BELOW``
    articles without the filters); a sharded index decides once for all its shards
    from their summed counts and passes True or False. ``statistics``: score terms
    by the rarity they have in a whole collection this commit is one shard of
    (``query_statistics`` of every shard, summed).
    """
    started = time.perf_counter()
    limit, page = options.limit, options.page
    restriction = filter_query(options.filters)
    typed = text
    rewrite = _rewrite(snapshot, text) if options.rewrite else None
    if rewrite is not None:
        text = rewrite.searched
    parsed = parse(text)
    analyzer = snapshot.analyzer
    compiled = _compiled(snapshot, parsed, options.ranking, options.variants, statistics, options.match, spellings)
    if statistics is not None:
        compiled.query, compiled.widened = (
            with_statistics(query, snapshot, statistics) if query is not None else None
            for query in (compiled.query, compiled.widened)
        )
    warnings = [*parsed.warnings, *compiled.warnings, *filter_notes(options.filters)]

    def finish(total: int, hits: list[Hit], counts: dict[str, dict[str, int]], message: str | None) -> Results:
        suggestion = None
        if text.strip() and total < SUGGEST_BELOW:
            # searched as typed on request: the query as meant (the other layout, a name's Arabic
            # spelling, chat Arabic) is offered as did-you-mean
            meant = _rewrite(snapshot, typed) if not options.rewrite else None
            suggestion = meant.searched if meant is not None else did_you_mean(snapshot, parsed, total)
        elapsed = round((time.perf_counter() - started) * 1000, 2)
        return Results(
            typed,
            total,
            hits,
            page,
            limit,
            elapsed,
            counts,
            suggestion,
            warnings,
            parsed.describe(),
            message,
            rewrite=rewrite,
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
    offset = options.offset
    order: Order = "score" if options.sort == "relevance" else options.sort

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
    if order == "score" and found.total:
        expanded = with_feedback(snapshot, query, compiled.stems, options.ranking or Ranking())
        if expanded is not query:  # the same articles (the same total), reranked by the words of the best of them
            reranked = snapshot.search(expanded, limit=limit, offset=offset, count=False, order=order)
            found, query = Found(reranked.hits, found.total), expanded
    total = found.total
    if options.collapse and total > 1:
        # only this page's stories are read (each article once) and shown by their cleanest copy
        shown = [
            _shown_by_its_cleanest_copy(story)
            for story in _stories(snapshot, query, order, offset + limit, total)[offset:]
        ]
    else:
        shown = [(score, stored_article(snapshot.stored(address)), []) for score, address in found.hits]
    counts = _facet_counts(snapshot, query) if options.facets and total else {}
    hits = [
        _hit(article, score, compiled, roots, analyzer, options.highlight, options.markers, copies)
        for score, article, copies in shown
    ]
    if total and not hits:
        warnings.append(past_the_end(options, total))
    return finish(total, hits, counts, None)


def _rewrite(snapshot: Snapshot, text: str) -> Rewrite | None:
    """The query as meant: typed on the other keyboard layout, or a name in Latin letters that the
    articles write in Arabic ones (``search.rewrite``); None when it is searched as typed."""
    evidence = snapshot.spelling_source()
    return rewritten(text, layout_reading(text, snapshot.analyzer, evidence), evidence)


def query_statistics(
    snapshot: Snapshot,
    text: str,
    *,
    ranking: Ranking | None = None,
    variants: bool = True,
    match: MatchLevel | None = None,
    spellings: GivenSpellings | None = None,
) -> tuple[int, dict[FieldTerm, int]]:
    """This commit's article count and its counts of the terms the query ``text`` scores with
    (widened to roots or not): what a sharded search sums over its shards for ``statistics``."""
    compiled = _compiled(snapshot, parse(text), ranking, variants, None, match, spellings)
    terms = set().union(*(scored_terms(query) for query in (compiled.query, compiled.widened) if query is not None))
    return local_statistics(snapshot, terms)


def spelling_questions(snapshot: Snapshot, text: str, options: SearchOptions) -> GivenSpellings:
    """The words (stem, form) and word pairs a search for ``text`` asks the spelling judge about:
    what a cluster judges over every shard before it searches them (``GivenSpellings.answered``)."""
    asked = GivenSpellings()
    if options.variants:
        _compiled(snapshot, parse(text), options.ranking, True, None, options.match, asked)
    return asked


def _compiled(
    snapshot: Snapshot,
    parsed: ParsedQuery,
    ranking: Ranking | None,
    variants: bool,
    statistics: CollectionStatistics | None,
    match: MatchLevel | None = None,
    spellings: GivenSpellings | None = None,
) -> Compiled:
    needs_vocabulary = any(isinstance(word, Word) and word.fuzzy for word in _words(parsed.root))
    compiler = QueryCompiler(
        snapshot,
        snapshot.analyzer,
        ranking or Ranking(),
        snapshot.vocabulary() if needs_vocabulary else None,
        snapshot.synonyms(),
        snapshot.query_variants(spellings) if variants else None,
        statistics,
        match,
    )
    return compiler.compile(parsed)


Story = tuple[float | None, StoredDocument, list[StoredDocument]]
#: A story as it is shown: its score, the article it is shown by, and its other copies.
ShownStory = tuple[float | None, Article, list[Article]]


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


#: A text that opens with a byline or a dateline: a few words, then a dash or a colon
#: («واس- جدة:», «فايز الاسمري - سبق- الرياض :», «الرياض: »), not a sentence.
#: A word is taken whole (``++``): splitting it would only backtrack (25 µs a text, not 0.6).
_BYLINE = re.compile(r"^\W*(?:[^\s.،؛:\-–—]++\s*){1,5}[-–—:](?=\s|$)")


def _shown_by_its_cleanest_copy(story: Story) -> ShownStory:
    """The story's articles, the one it is shown by first: one whose text opens with its first
    sentence rather than a byline or a dateline, then the earliest (the original), then the best
    ranked (what the search found closest to the query: of two passages, one holding the other,
    the one that answers it). The story keeps its place and score: its best copy's."""
    score, first, copies = story
    members = [stored_article(document) for document in (first, *copies)]

    def cleanest_first(number: int) -> tuple[bool, datetime, int]:
        article = members[number]
        return bool(_BYLINE.match(article.text)), article.date or datetime.max, number

    shown = min(range(len(members)), key=cleanest_first)
    return score, members[shown], [member for number, member in enumerate(members) if number != shown]


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
    copies: list[Article],
) -> Hit:
    if highlight:
        stems, forms, lemmas = compiled.stems, compiled.exact_forms, compiled.lemmas
        title = highlight_whole(article.title, analyzer, stems, forms, markers, roots, lemmas)
        passages = snippets(article.text, analyzer, stems, forms, markers=markers, roots=roots, lemmas=lemmas)
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
        copies=[_copy(copy) for copy in copies],
    )


def _copy(article: Article) -> Copy:
    return Copy(article.id, article.title, article.source, article.date, article.url)


__all__ = ["Copy", "Hit", "Ranking", "Results", "SearchOptions", "query_statistics", "search"]
