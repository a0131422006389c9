"""Search on real indexes: Arabic query variants, the query language, filters,
facets, pages, highlighting and suggestions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arsearch import Index
from arsearch.analysis.normalize import normalize_word
from arsearch.analysis.tokenize import written_forms
from arsearch.engine.compile import Ranking
from arsearch.records.ingest import read_records
from helpers import SAMPLE


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    with Index.create(tmp_path_factory.mktemp("search") / "ix") as index:
        index.add(read_records([str(SAMPLE)]))
        index.add(
            [
                {"id": "html", "title": "عنوان <b>عريض</b>", "text": "نص فيه <script>alert('x')</script> عن المملكة"},
                {"id": "exact", "title": "تقرير", "text": "اجتمع المعلمون في القاعة"},
                {"id": "stem-only", "title": "تقرير آخر", "text": "اجتمعت معلمة مع معلمات القسم"},
                {"id": "far", "title": "ملف", "text": "قطار " + "كلام عام " * 40 + "سريع"},
                {"id": "near", "title": "ملف", "text": "كلام عام " * 20 + "قطار سريع " + "كلام عام " * 20},
            ]
        )
        yield index


def top(index: Index, query: str, **options: object) -> str | None:
    hits = index.search(query, **options).hits  # type: ignore[arg-type]
    return hits[0].id if hits else None


@pytest.mark.parametrize(
    "query",
    [
        "زيارة وزير الخارجية للمملكة",
        "زيارة وزير الخارجيه للمملكه",  # ة typed as ه
        "زِيارَةُ وَزِيرِ الخارِجِيَّةِ لِلْمَمْلَكَةِ",  # fully diacritized
        "زيارات وزير الخارجية المملكة",  # plural, with ال
        "بزيارة وزير الخارجية والمملكة",  # ب and و glued on
        "الزيارة الرسمية لوزير الخارجية",
        "التعاون الاقليمي",  # hamza dropped (الإقليمي in the text)
    ],
)
def test_query_variants_find_the_same_article_first(index: Index, query: str) -> None:
    assert top(index, query) == "sample-05"


def test_question_words_do_not_dominate(index: Index) -> None:
    assert top(index, "ما هي ميزانية العام الجديد؟") == "sample-01"
    assert top(index, "متى يبدأ العام الدراسي في المدارس") == "sample-09"


def test_exact_word_outranks_a_stem_only_match(index: Index) -> None:
    results = index.search("المعلمون")
    ids = [hit.id for hit in results.hits]
    assert ids.index("exact") < ids.index("stem-only")


def test_more_matching_words_rank_higher(index: Index) -> None:
    ids = [hit.id for hit in index.search("أمطار سيول أودية").hits]
    assert ids[0] == "sample-07"


def test_proximity_bonus_when_switched_on(index: Index) -> None:
    ranked = [h.id for h in index.search("قطار سريع", ranking=Ranking(proximity_boost=3.0), limit=50).hits]
    assert ranked.index("near") < ranked.index("far")


def test_phrase_exclusion_field_prefix_fuzzy(index: Index) -> None:
    assert [h.id for h in index.search('"وزير الخارجية"').hits] == ["sample-05"]
    assert [h.id for h in index.search('"الخارجية وزير"').hits] == []
    assert "sample-04" in {h.id for h in index.search("وزارة").hits}
    assert "sample-04" not in {h.id for h in index.search("وزارة -الصحة").hits}
    assert [h.id for h in index.search("title:ميزانية").hits] == ["sample-01"]
    assert {h.id for h in index.search("اقتص*").hits} >= {"sample-14", "sample-25"}
    assert top(index, "تطعيم~") == "sample-04"
    assert {h.id for h in index.search("source:الاقتصادية").hits} == {
        "sample-08",
        "sample-15",
        "sample-21",
        "sample-27",
    }


def test_date_filters_sort_and_facets(index: Index) -> None:
    results = index.search("وزارة", filters={"date_from": "2024-03-01", "date_to": "2024-08-31"}, limit=50)
    dates = [hit.date for hit in results.hits]
    assert dates and all(datetime(2024, 3, 1) <= d <= datetime(2024, 8, 31, 23, 59, 59) for d in dates if d)
    assert sum(results.facets["source"].values()) == results.total
    newest = [h.date for h in index.search("وزارة", sort="newest", limit=50).hits if h.date]
    assert newest == sorted(newest, reverse=True)
    oldest = [h.date for h in index.search("وزارة", sort="oldest", limit=50).hits if h.date]
    assert oldest == sorted(oldest)


def test_filters_by_source_category_and_tags(index: Index) -> None:
    results = index.search("أمراض", filters={"source": ["الوطن", "أخبار اليوم"], "category": "health"}, limit=50)
    assert results.hits and all(h.source in ("الوطن", "أخبار اليوم") and h.category == "health" for h in results.hits)
    assert {h.id for h in index.search("المنتخب", filters={"tags": "رياضة"}).hits} == {"sample-02"}
    with pytest.raises(ValueError, match="unknown filter 'colour'"):
        index.search("نص", filters={"colour": "red"})
    with pytest.raises(ValueError, match="unknown sort"):
        index.search("نص", sort="random")  # type: ignore[arg-type]


def test_pagination_is_stable(index: Index) -> None:
    everything = [h.id for h in index.search("في اليوم وزارة العام", limit=20).hits]
    paged = [h.id for page in (1, 2, 3, 4) for h in index.search("في اليوم وزارة العام", limit=5, page=page).hits]
    assert paged == everything[: len(paged)]
    beyond = index.search("وزارة", limit=5, page=100)
    assert beyond.hits == [] and beyond.total > 0


def test_snippets_show_the_original_diacritized_text_with_every_match_marked(index: Index) -> None:
    hit = index.search("مملكة زيارة").hits[0]
    assert hit.id == "sample-05"
    assert "[المملكةِ]" in hit.snippets[0].text  # matched through normalization and stemming
    assert "[زيارةٍ]" in hit.snippets[0].text
    assert hit.title_highlighted is not None and "[المملكة]" in hit.title_highlighted.text
    custom = index.search("مملكة", markers=("<<", ">>")).hits[0]
    assert "<<المملكةِ>>" in custom.snippets[0].text


def test_html_snippets_are_escaped(index: Index) -> None:
    hit = next(h for h in index.search("المملكة عريض", limit=50).hits if h.id == "html")
    html = hit.snippets[0].html + (hit.title_highlighted.html if hit.title_highlighted else "")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "<mark>المملكة</mark>" in html


def test_a_query_matching_nothing_returns_nothing(index: Index) -> None:
    # found by hypothesis: the exact-form rerank must not run on an empty candidate set
    results = index.search("+0\r5")
    assert (results.total, results.hits) == (0, [])


def test_empty_and_stopword_only_queries_say_why(index: Index) -> None:
    assert index.search("").message == "empty query: type some words to search for"
    for symbols in ("*", "?", "~", "**"):
        assert index.search(symbols).message == "the query has no words, only symbols: type some words to search for"
    results = index.search("ما هو")
    assert results.total == 0 and results.message is not None and "stop words" in results.message


def test_malformed_queries_degrade_with_a_warning(index: Index) -> None:
    results = index.search('(وزير "الخارجية')
    assert results.hits[0].id == "sample-05"
    assert results.warnings


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("المشروعع", "المشروع"),  # a letter doubled
        ("المملكلة", "المملكة"),  # shown as written, with its ة
        ("المملكةالعربية", "المملكة العربية"),  # two words typed without the space
        ("الشاعرالكبير", "الشاعر الكبير"),  # the same with words of one article each
        ("وزيرالخارجية", "وزير الخارجية"),
        ("المملكة", None),  # a word the index holds needs nothing
    ],
)
def test_did_you_mean(index: Index, typed: str, meant: str | None) -> None:
    assert index.search(typed).suggestion == meant


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("وزا", "وزارة"),  # as written (the index folds it to وزاره)
        ("وزير الخار", "وزير الخارجية"),  # the words before are kept as typed
        ("المملك", "المملكة"),
        ("الاف", "آلاف"),  # its madda, though typed without
        ("إل", "إلى"),  # a stop word is not offered...
    ],
)
def test_autocomplete_offers_words_as_written(index: Index, typed: str, first: str) -> None:
    offered = [s.text for s in index.suggest(typed)]
    if first == "إلى":
        assert first not in offered and "الي" not in offered  # ...in any spelling
    else:
        assert offered[0] == first


def test_autocomplete_leaves_out_stop_words_and_ranks_by_articles(index: Index) -> None:
    offered = index.suggest("ال", limit=20)
    stop_words = {"التي", "الذي", "الي", "الا", "الى"}
    assert offered and not stop_words & {s.form for s in offered}
    counts = [s.doc_count for s in offered]
    assert counts == sorted(counts, reverse=True)
    assert index.suggest("") == [] and index.suggest("وزا ") == []


def test_the_commonest_spelling_is_shown(tmp_path: Path) -> None:
    written = ["مسؤولة", "مسؤولة", "مسؤوله", "مَسْؤُولَة"]  # two, one folded, one with diacritics
    with Index.create(tmp_path / "ix") as spelled:
        spelled.add({"id": str(n), "title": "خبر", "text": f"قالت {word} الإدارة"} for n, word in enumerate(written))
        assert [(s.text, s.doc_count, s.form) for s in spelled.suggest("مسؤ")] == [("مسؤولة", 4, "مسؤوله")]
        spelled.add([{"id": "more", "title": "خبر", "text": "مسؤوله مسؤوله مسؤوله مسؤوله"}])
        assert spelled.suggest("مسؤ")[0].text == "مسؤوله"  # a new commit counts again: now the commoner


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["ال", "وز", "الم", "مع", "ت", "س", "ق", "ا", "إ", "أس", "ش"]))
def test_every_suggestion_is_a_written_word_of_its_form(index: Index, prefix: str) -> None:
    analyzer = index.snapshot().analyzer
    for suggestion in index.suggest(prefix):
        assert [t.normalized for t in analyzer.tokens(suggestion.text)] == [suggestion.form]
        assert suggestion.form.startswith(analyzer.tokens(prefix, keep_stopwords=True).__next__().normalized)
        assert analyzer.terms(suggestion.text)  # never a stop word
        assert not any("\u064b" <= ch <= "\u065f" or ch == "\u0640" for ch in suggestion.text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=120))
def test_search_and_suggest_never_raise(index: Index, text: str) -> None:
    results = index.search(text, limit=3)
    assert results.total >= len(results.hits)
    index.suggest(text)


def test_roots_join_broken_plurals_below_closer_matches(index: Index) -> None:
    # the sample writes المدارس; مدرسة shares only its root (درس) with it
    assert index.search("مدرسة", ranking=Ranking(root_boost=0)).total == 0
    assert index.search("مدرسة").hits[0].id == "sample-09"
    assert index.search("سوق").hits[0].id == "sample-29"  # الأسواق
    # articles with the stem itself still come before root-only matches
    with_roots = [hit.id for hit in index.search("المدارس").hits]
    stems_only = [hit.id for hit in index.search("المدارس", ranking=Ranking(root_boost=0)).hits]
    assert len(with_roots) > len(stems_only)
    assert with_roots[: len(stems_only)] == stems_only


def test_roots_rank_but_do_not_inflate_the_total(index: Index) -> None:
    # زيارة is in three sample articles; others share only its root (يزور، الزوار):
    # they change the order, not the count, so totals and facets stay honest
    with_roots = index.search("زيارة")
    stems_only = index.search("زيارة", ranking=Ranking(root_boost=0))
    assert with_roots.total == stems_only.total == 3
    assert with_roots.facets == stems_only.facets
    # a required word stays required when roots widen a query that found too little
    assert index.search("+مدرسة +كلمةغيرموجودة").total == 0


def test_text_field_is_the_whole_article(index: Index) -> None:
    # التشجير is in sample-13's title only: text: (the field ranking uses) holds the title too
    assert [hit.id for hit in index.search("title:التشجير").hits] == ["sample-13"]
    assert [hit.id for hit in index.search("text:التشجير", ranking=Ranking(root_boost=0)).hits] == ["sample-13"]


@pytest.mark.parametrize(
    ("text", "form", "written"),
    [
        ("زارت وزارةُ الصحة ووزارة وزاره الوزارة", "وزاره", ["وزارة", "وزاره"]),  # whole words, marks dropped
        ("ذهب إلى السوق والى البيت ثم الى", "الي", ["إلى", "الى"]),  # والى is another word
        ("وزارــــة", "وزاره", ["وزارة"]),  # tatweel
        ("Reuters and REUTERS", "reuters", ["Reuters", "REUTERS"]),
        ("المملكةالعربية", "المملكه", []),  # not a word of its own
    ],
)
def test_written_forms_find_a_word_as_written(text: str, form: str, written: list[str]) -> None:
    assert list(written_forms(text, form)) == written


@given(st.text(alphabet="ابتةىيأإآوزرهَُِـ ", max_size=40))
def test_every_written_form_normalizes_to_the_form(text: str) -> None:
    for word in text.split():
        form = normalize_word(word)
        if form:
            assert all(normalize_word(found) == form for found in written_forms(text, form))
