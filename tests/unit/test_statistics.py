"""Scores from a whole collection's statistics: an index split in two scores as the whole does."""

from __future__ import annotations

import orjson
import pytest

from arsearch import Index
from arsearch.engine.queries import BooleanQuery, BoostQuery, FilterQuery, PhraseQuery, TermQuery
from arsearch.engine.statistics import CollectionStatistics, bm25_idf, scored_terms, with_statistics
from arsearch.search.options import SearchOptions
from arsearch.search.ranking import query_statistics, search
from helpers import SAMPLE

QUERIES = ["وزارة", "الوزير", "معرض الكتاب", "النفط", "التعليم", "الرياض", "أمطار غزيرة", '"معرض الكتاب"']


@pytest.fixture(scope="module")
def halves(tmp_path_factory: pytest.TempPathFactory) -> tuple[Index, Index, Index]:
    """The sample as one index, and split between two (the odd and the even articles)."""
    records = [orjson.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    root = tmp_path_factory.mktemp("halves")
    whole, first, second = (Index.create(root / name) for name in ("whole", "first", "second"))
    whole.add(records)
    first.add(records[::2])
    second.add(records[1::2])
    return whole, first, second


def _score_errors(halves: tuple[Index, Index, Index], query: str, collection: bool) -> list[float]:
    """Each half's hits' scores, relative to the same article's score in the whole index."""
    whole, *parts = halves
    options = SearchOptions(limit=50, collapse=False, highlight=False)
    expected = {hit.id: hit.score for hit in search(whole.snapshot(), query, options, widen=False).hits}
    statistics = CollectionStatistics.summed([query_statistics(part.snapshot(), query) for part in parts])
    errors = []
    for part in parts:
        found = search(part.snapshot(), query, options, widen=False, statistics=statistics if collection else None)
        errors += [abs(hit.score - expected[hit.id]) / expected[hit.id] for hit in found.hits]
    return errors


@pytest.mark.parametrize("query", QUERIES)
def test_a_half_scores_as_the_whole_with_the_collections_statistics(
    halves: tuple[Index, Index, Index], query: str
) -> None:
    with_collection = _score_errors(halves, query, collection=True)
    on_its_own = _score_errors(halves, query, collection=False)
    assert with_collection and max(with_collection) < 0.01  # what is left: each half's average length
    assert min(on_its_own) > 0.1  # each half's own rarities are far off: the test can tell them apart


def test_totals_and_hits_do_not_change_only_scores(halves: tuple[Index, Index, Index]) -> None:
    _, first, second = halves
    for query in QUERIES:
        statistics = CollectionStatistics.summed([query_statistics(part.snapshot(), query) for part in (first, second)])
        options = SearchOptions(limit=50, collapse=False)
        plain = search(first.snapshot(), query, options)
        scaled = search(first.snapshot(), query, options, statistics=statistics)
        assert scaled.total == plain.total and {h.id for h in scaled.hits} == {h.id for h in plain.hits}


def test_own_statistics_leave_a_query_as_it_is(halves: tuple[Index, Index, Index]) -> None:
    whole, _, _ = halves
    snapshot = whole.snapshot()
    query = BooleanQuery((("should", TermQuery("text", "وزار")), ("should", PhraseQuery("title", ("معرض", "كتاب")))))
    own = CollectionStatistics.summed([(snapshot.doc_count, {t: snapshot.doc_freq(*t) for t in scored_terms(query)})])
    assert with_statistics(query, snapshot, own) == query


def test_scored_terms_leave_out_filters_exclusions_and_keywords() -> None:
    query = BooleanQuery(
        (
            ("must", BoostQuery(TermQuery("text", "نفط"), 2.0)),
            ("should", PhraseQuery("title_exact", ("سوق", "النفط"))),
            ("must_not", TermQuery("text", "غاز")),
            ("must", FilterQuery(TermQuery("text", "سعر"))),
            ("must", TermQuery("source", "okaz")),
        )
    )
    assert scored_terms(query) == {("text", "نفط"), ("title_exact", "سوق"), ("title_exact", "النفط")}


@pytest.mark.parametrize(
    ("articles", "containing", "expected"),
    [(1000, 10, 4.5574), (1000, 500, 0.6931), (1000, 0, 7.6019), (1, 1, 0.2877)],
)
def test_bm25_idf_is_lucenes(articles: int, containing: int, expected: float) -> None:
    assert bm25_idf(articles, containing) == pytest.approx(expected, abs=1e-4)
