"""The lemma level: broken plurals meet their singulars, ``lemma:``/``مفرد:`` and ``match=`` through
the library, the CLI and HTTP, and highlighting of words matched by their lemma."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from arsearch import Index
from arsearch.analysis import Analyzer
from arsearch.analysis.dictionary import lemma_of
from arsearch.cli import main
from arsearch.engine.compile import Ranking
from arsearch.web import create_app
from helpers import articles_per_word, word_of

#: (singular, plural): the plural is the only form in its articles
PLURALS = [
    ("وزير", "الوزراء"),
    ("مدرسة", "المدارس"),
    ("مشروع", "مشاريع"),
    ("سفير", "السفراء"),
    ("سوق", "الأسواق"),
]


@pytest.mark.parametrize(("singular", "plural"), PLURALS)
def test_a_broken_plural_has_its_singular_as_lemma(singular: str, plural: str) -> None:
    analyzer = Analyzer()
    (plural_token,) = analyzer.tokens(plural)
    (singular_token,) = analyzer.tokens(singular)
    assert plural_token.lemma == singular_token.stem  # the singular's own term
    assert singular_token.lemma is None  # a singular is its own lemma: nothing more is indexed


@pytest.mark.parametrize(
    "word",
    [
        "كتاب",  # a book, or the writers (كتّاب) of كاتب: the dictionary is not sure, so nothing
        "شارك",  # a verb and a noun
        "ترامب",  # a name
        "عادل",
    ],
)
def test_no_lemma_where_the_dictionary_is_not_sure_or_it_is_the_word_itself(word: str) -> None:
    (token,) = Analyzer().tokens(word)
    assert token.lemma is None


def test_the_lemma_table_reads_words_after_a_proclitic() -> None:
    assert lemma_of("والوزراء") == lemma_of("الوزراء") == "وزير"
    assert lemma_of("وزير") is None


def articles() -> list[dict[str, str]]:
    made = articles_per_word([form for pair in PLURALS for form in pair], "تحدث {} عن الخطة")
    # root سفر, not a form of سفير
    return [*made, {"id": "root-only", "title": "سفارة", "text": "افتتحت السفارة مقرها"}]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    with Index.create(tmp_path_factory.mktemp("lemmas") / "ix") as index:
        index.add(articles(), fit_topics="off")
        yield index


def found(index: Index, query: str, **options: object) -> set[str]:
    return {word_of(hit.id) for hit in index.search(query, limit=50, collapse=False, **options).hits}


@pytest.mark.parametrize(("singular", "plural"), PLURALS)
def test_singular_and_plural_find_each_other_at_the_lemma_level(index: Index, singular: str, plural: str) -> None:
    for typed, other in ((singular, plural), (plural, singular)):
        assert found(index, typed) == {typed}  # by default a plural is another word (it adds score by its root)
        assert found(index, typed, match="lemma") == {typed, other}
        assert found(index, typed, ranking=Ranking(lemma_boost=0.5)) == {typed, other}
        hits = index.search(typed, limit=50, collapse=False, ranking=Ranking(lemma_boost=0.5)).hits
        assert [word_of(hit.id) for hit in hits][:3] == [typed] * 3  # the form typed first


@pytest.mark.parametrize(("singular", "plural"), PLURALS)
def test_lemma_queries_in_english_and_arabic(index: Index, singular: str, plural: str) -> None:
    expected = {singular, plural}
    assert found(index, f"lemma:{singular}") == expected
    assert found(index, f"مفرد:{plural}") == expected


def test_match_levels(index: Index) -> None:
    assert found(index, "الوزراء", match="word") == {"الوزراء"}
    assert found(index, "وزراء", match="word") == set()  # the normalized form typed, not its stem
    assert found(index, "وزراء", match="stem") == {"الوزراء"}
    assert found(index, "وزراء", match="lemma") == {"الوزراء", "وزير"}
    assert found(index, "سفير", match="root") == {"السفراء", "سفير", "root"}  # سفارة: root سفر
    assert found(index, "سفير", match="lemma") == {"السفراء", "سفير"}
    assert "root" not in found(index, "سفير")  # a shared root only adds to the score by default
    with pytest.raises(ValueError, match="unknown match level"):
        index.search("وزير", match="lemmas")


def test_highlighting_marks_the_words_matched_by_their_lemma(index: Index) -> None:
    results = index.search("lemma:وزير", limit=50, collapse=False)
    marked = {hit.id: hit.snippets[0].text for hit in results.hits}
    assert "[الوزراء]" in marked["الوزراء-0"]
    assert "[وزير]" in marked["وزير-0"]
    by_level = {hit.id: hit.snippets[0].text for hit in index.search("مدرسة", limit=50, match="lemma").hits}
    assert "[المدارس]" in by_level["المدارس-0"]


def test_lemma_and_match_through_the_cli(index: Index) -> None:
    runner = CliRunner()
    shown = runner.invoke(main, ["search", "مفرد:سفير", "--json", "--all-copies", "--index", str(index.path)])
    assert shown.exit_code == 0, shown.output
    ids = {word_of(hit["id"]) for hit in orjson.loads(shown.output)["hits"]}
    assert ids == {"سفير", "السفراء"}
    word = runner.invoke(main, ["search", "سفير", "--match", "word", "--json", "--index", str(index.path)])
    assert orjson.loads(word.output)["total"] == 3
    wrong = runner.invoke(main, ["search", "سفير", "--match", "lemmas", "--index", str(index.path)])
    assert wrong.exit_code == 2 and "'lemmas' is not one of" in wrong.output


def test_lemma_and_match_through_http(index: Index) -> None:
    with TestClient(create_app(index)) as client:
        answer = client.get("/search", params={"q": "lemma:مشروع", "collapse": "false", "limit": 50})
        assert answer.status_code == 200
        assert {word_of(hit["id"]) for hit in answer.json()["hits"]} == {"مشروع", "مشاريع"}
        word = client.get("/search", params={"q": "مشاريع", "match": "word"}).json()
        assert word["total"] == 3
        wrong = client.get("/search", params={"q": "مشاريع", "match": "lemmas"})
        assert wrong.status_code == 400 and "'match' must be one of" in wrong.json()["error"]["message"]
