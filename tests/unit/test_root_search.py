"""Search by root (``root:درس`` / ``جذر:درس``) and highlighting of words matched only by their root."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from arsearch import Index

ARTICLES = [
    {"id": "verb", "title": "طلاب يدرسونَ في الصيف", "text": "الطلاب يدرسون الرياضيات كل صباح في القرية"},
    {"id": "school", "title": "افتتاح مدرسةٍ جديدة", "text": "افتتحت الوزارة مدرسة للبنات في الحي الشمالي"},
    {"id": "schools", "title": "صيانة المبانى", "text": "بدأت صيانة المدارس الحكومية قبل بداية العام"},
    {"id": "study", "title": "نتائج دراسة", "text": "أظهرت دراسةٌ حديثة أن النوم المبكر مفيد"},
    {"id": "lesson", "title": "الدرس الأول", "text": "شرح المعلم درسا في التاريخ"},
    {"id": "shield", "title": "الدرع الواقي", "text": "حصل الفريق على الدرع بعد المباراة"},  # د ر ع, not د ر س
    {"id": "weather", "title": "طقس حار", "text": "ترتفع درجات الحرارة في المنطقة الشرقية"},
]
FAMILY = {"verb", "school", "schools", "study", "lesson"}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    with Index.create(tmp_path_factory.mktemp("roots") / "ix") as index:
        index.add(ARTICLES)
        yield index


def ids(index: Index, query: str) -> set[str]:
    return {hit.id for hit in index.search(query, limit=50).hits}


@pytest.mark.parametrize("query", ["root:درس", "جذر:درس", "root:مدرسة", "ROOT:دَرَس", "root:الدراسات"])
def test_a_root_finds_every_derivation_and_nothing_else(index: Index, query: str) -> None:
    results = index.search(query, limit=50)
    assert {hit.id for hit in results.hits} == FAMILY
    assert results.total == len(FAMILY)
    assert not results.warnings


def test_every_derivation_is_highlighted_as_written(index: Index) -> None:
    hits = {hit.id: hit for hit in index.search("root:درس", limit=50).hits}
    assert hits["verb"].title_highlighted is not None
    assert hits["verb"].title_highlighted.text == "طلاب [يدرسونَ] في الصيف"
    assert hits["school"].title_highlighted is not None
    assert hits["school"].title_highlighted.text == "افتتاح [مدرسةٍ] جديدة"
    assert hits["schools"].snippets[0].text == "بدأت صيانة [المدارس] الحكومية قبل بداية العام"
    assert hits["study"].snippets[0].text == "أظهرت [دراسةٌ] حديثة أن النوم المبكر مفيد"
    assert "<mark>درسا</mark>" in hits["lesson"].snippets[0].html


def test_a_root_combines_with_words_filters_and_negation(index: Index) -> None:
    assert ids(index, "root:درس +الرياضيات") == {"verb"}
    assert ids(index, "root:درس -title:دراسة") == FAMILY - {"study"}
    assert ids(index, "الدرع OR root:درس") == FAMILY | {"shield"}
    assert ids(index, "-root:درس") == {"shield", "weather"}


@pytest.mark.parametrize("query", ['root:"درس مدرسة"', "root:درس*", "root:درس~"])
def test_a_root_takes_one_plain_word_or_says_why(index: Index, query: str) -> None:
    results = index.search(query)
    assert any("root" in warning and "one word" in warning for warning in results.warnings)


def test_a_word_matched_only_by_its_root_is_highlighted(index: Index) -> None:
    # مدارس (broken plural) is in no article except through its root: the search is widened
    # to shared roots, and the words that matched that way are marked
    results = index.search("مدارسنا")
    assert results.hits, "a widened search finds the root's words"
    marked = {hit.id: hit.snippets[0].text for hit in results.hits}
    assert "[مدرسة]" in marked["school"]
    assert "[دراسةٌ]" in marked["study"]


def test_words_found_by_themselves_do_not_mark_their_whole_root(index: Index) -> None:
    hit = index.search("مدرسة").hits[0]
    assert hit.id == "school"
    assert hit.snippets[0].text == "افتتحت الوزارة [مدرسة] للبنات في الحي الشمالي"


def test_root_search_from_the_command_line(index: Index) -> None:
    from click.testing import CliRunner

    from arsearch.cli import main

    result = CliRunner().invoke(main, ["search", "جذر:درس", "--index", str(index.path), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["total"] == len(FAMILY)
    titles = {hit["id"]: hit["title_highlighted"]["html"] for hit in found["hits"]}
    assert "<mark>مدرسةٍ</mark>" in titles["school"]
