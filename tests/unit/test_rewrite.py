"""Queries typed with the keyboard on the other layout: the keys read on the Arabic layout (and back),
and searches that find what the reader meant, say so, and search as typed when asked; through the
library on both engines, the CLI and HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from arsearch import Index
from arsearch.analysis.keyboard import as_arabic, as_english, english_readings, typed_in_arabic, typed_in_latin
from arsearch.analysis.places import arabic_place_names
from arsearch.analysis.transliterate import MAX_SPELLINGS, full_spellings, latin_spelling_keys, sounds_apart
from arsearch.cli.main import main
from arsearch.search.results import Rewrite
from arsearch.search.rewrite import AS_TYPED_ARTICLES, layout_reading, surely_as_typed
from arsearch.web.app import create_app
from helpers import SAMPLE_RECORDS

#: Articles that hold Latin words (a brand the index really holds) beside the sample's.
LATIN_ARTICLES = [
    {"id": "brand-1", "title": "Google تطلق خدمة جديدة", "text": "أعلنت شركة Google عن خدمة للترجمة"},
    {"id": "brand-2", "title": "تحديث من Google", "text": "حدثت Google تطبيق الخرائط"},
    {"id": "club", "title": "Real Madrid club", "text": "يستعد نادي Real Madrid club للموسم"},
]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("fsl hggi", "بسم الله"),
        (",.dv hgohv[dm", "وزير الخارجية"),  # , is و and [ is ج
        ("Hsuhv hgkt'", "أسعار النفط"),  # shifted H is أ, ' is ط
        ("[]m hgr]dlm", "جدة القديمة"),  # [ ] are ج د, m is ة
        ("hg`;hx", "الذكاء"),  # the backquote is ذ, ; is ك
        ("k/hl", "نظام"),  # / is ظ
        ("Nsdh", "آسيا"),  # shifted N is آ
        ("Y'ghr", "إطلاق"),  # shifted Y is إ
        ("hgub", "العلا"),  # the lam-alef key
        ("hgugh", "العلا"),  # lam then alef
        ("gHk", "لأن"),
        ("G", "لأ"),  # the lam-alef keys with hamza and madda
        ("T", "لإ"),
        ("B", "لآ"),
        ("2015 hgvdhq", "2015 الرياض"),  # digits are digits on both layouts
    ],
)
def test_english_keys_read_on_the_arabic_layout(typed: str, meant: str) -> None:
    assert as_arabic(typed) == meant


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("لخخلمث", "google"), ("شححمث", "apple"), ("ثةشهم", "email"), ("نهىي ىثصس", "kind news")],
)
def test_arabic_keys_read_on_the_english_layout(typed: str, meant: str) -> None:
    assert as_english(typed) == meant


@pytest.mark.parametrize(
    ("typed", "readings"),
    [
        ("ؤمعلا", ["club", "clugh"]),  # لا: the lam-alef key, or ل then ا
        ("ؤمعﻻ", ["club"]),  # the one character some systems type for it
        ("لأن", ["Gk", "gHk"]),
        ("لخخلمث", ["google"]),
    ],
)
def test_every_way_the_keys_may_have_been_typed_is_read(typed: str, readings: list[str]) -> None:
    assert english_readings(typed) == readings


@given(st.text(alphabet="acdefghijklmnopqrstuvwxyz ", max_size=30))
def test_a_reading_gives_the_keys_back(typed: str) -> None:
    # every letter key but b (لا, two letters) types one Arabic letter, read back as its key
    reading = as_arabic(typed)
    assert as_english(reading) == typed
    assert not any("a" <= character <= "z" for character in reading)


@given(st.text(max_size=30))
def test_a_text_is_in_latin_or_arabic_letters_never_both(text: str) -> None:
    assert not (typed_in_latin(text) and typed_in_arabic(text))


@pytest.fixture(scope="module")
def index(engine: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    path = tmp_path_factory.mktemp(f"rewrite-{engine}") / "ix"
    with Index.create(path) as created:
        created.add([*SAMPLE_RECORDS, *LATIN_ARTICLES])
        yield created


def ids(results: object) -> list[str]:
    return [hit.id for hit in results.hits]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (",.dv hgohv[dm", "وزير الخارجية"),
        ("Hsuhv hgkt'", "أسعار النفط"),
        ("hglglg;m", None),  # المململكة: no word of the index, searched as typed
        ("hgllg;m", "المملكة"),
        ("[]m hgr]dlm", "جدة القديمة"),
        ("Nsdh", "آسيا"),
        ("لخخلمث", "google"),  # Arabic letters meaning a Latin word the index holds
        ("ؤمعلا", "club"),  # ... with the lam-alef key
    ],
)
def test_a_query_typed_on_the_other_layout_is_searched_as_meant(index: Index, typed: str, meant: str | None) -> None:
    results = index.search(typed, collapse=False)
    if meant is None:
        assert results.rewrite is None and results.searched == typed
        return
    assert results.rewrite == Rewrite(typed, meant, "layout")
    assert results.query == typed and results.searched == meant
    as_meant = index.search(meant, collapse=False)
    assert ids(results) == ids(as_meant) and results.total == as_meant.total > 0
    assert "[" in results.hits[0].title_highlighted.text  # type: ignore[union-attr]  # the meant words are marked
    as_typed = index.search(typed, collapse=False, rewrite=False)
    assert as_typed.rewrite is None and as_typed.total < results.total


@pytest.mark.parametrize(
    "query",
    ["وزير الخارجية", "google", "Google خدمة", "qqqq zzzz", "2015", "وزير qqq", "fsl OR"],
)
def test_queries_meant_as_typed_are_searched_as_typed(index: Index, query: str) -> None:
    results = index.search(query)
    assert results.rewrite is None and results.searched == query


def test_a_latin_word_the_index_really_holds_stays_latin(engine: str, tmp_path: Path) -> None:
    common = [{"id": f"a{n}", "text": f"بسم الله خبر رقم {n}"} for n in range(12)]
    acronym = [{"id": f"f{n}", "text": f"شهادة FSL للغة رقم {n}"} for n in range(AS_TYPED_ARTICLES)]
    with Index.create(tmp_path / "ix") as index:
        index.add([*common, acronym[0]])
        rewritten = index.search("fsl")  # in one article, its reading in twelve: a slip of the keyboard
        assert rewritten.rewrite == Rewrite("fsl", "بسم", "layout") and rewritten.total == 12
        index.add(acronym[1:])
        as_typed = index.search("fsl")  # in three: a word of the index
        assert as_typed.rewrite is None and sorted(ids(as_typed)) == [article["id"] for article in acronym]


def test_cli_says_what_it_searched_and_searches_as_typed_on_request(index: Index) -> None:
    runner = CliRunner()
    path = str(index.path)
    shown = runner.invoke(main, ["search", ",.dv hgohv[dm", "--index", path])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[0] == "results for وزير الخارجية — search instead for ,.dv hgohv[dm (--no-rewrite)"
    assert "sample-05" in shown.output
    as_typed = runner.invoke(main, ["search", ",.dv hgohv[dm", "--index", path, "--no-rewrite"])
    assert as_typed.exit_code == 0 and "results for" not in as_typed.output and "sample-05" not in as_typed.output
    as_json = orjson.loads(runner.invoke(main, ["search", ",.dv hgohv[dm", "--index", path, "--json"]).output)
    assert as_json["query"] == ",.dv hgohv[dm" and as_json["searched"] == "وزير الخارجية"
    assert as_json["rewrite"] == {"typed": ",.dv hgohv[dm", "searched": "وزير الخارجية", "reason": "layout"}


def test_http_answers_with_the_rewrite_and_takes_rewrite_0(index: Index) -> None:
    with TestClient(create_app(index.path)) as client:
        body = client.get("/search", params={"q": "Hsuhv hgkt'"}).json()
        assert body["rewrite"] == {"typed": "Hsuhv hgkt'", "searched": "أسعار النفط", "reason": "layout"}
        assert body["hits"] and body["searched"] == "أسعار النفط"
        as_typed = client.get("/search", params={"q": "Hsuhv hgkt'", "rewrite": "0"}).json()
        assert as_typed["rewrite"] is None and as_typed["searched"] == "Hsuhv hgkt'"
        assert client.get("/search", params={"q": "fsl", "rewrite": "maybe"}).status_code == 400


@pytest.mark.parametrize(
    ("typed", "meant"), [("hgs", "الس"), (",.dv hgo", "وزير الخ"), ("hgllg", "المملك"), ("لخخ", "goo")]
)
def test_autocomplete_offers_what_the_other_layout_means(index: Index, typed: str, meant: str) -> None:
    offered = [suggestion.text for suggestion in index.suggest(typed)]
    assert offered and offered == [suggestion.text for suggestion in index.suggest(meant)]


@pytest.mark.parametrize("prefix", ["goo", "الس", "وزير الخ"])
def test_autocomplete_of_a_prefix_meant_as_typed_is_unchanged(index: Index, prefix: str) -> None:
    offered = [suggestion.text for suggestion in index.suggest(prefix)]
    assert offered and all(text.startswith(prefix[:2]) or text.lower().startswith(prefix) for text in offered)


def test_searched_as_typed_it_offers_the_reading_as_did_you_mean(index: Index) -> None:
    as_typed = index.search(",.dv hgohv[dm", rewrite=False)
    assert as_typed.total == 0 and as_typed.suggestion == "وزير الخارجية"
    assert index.search("وزير الخارجيه", rewrite=False).suggestion is None  # found: nothing to offer


@pytest.mark.parametrize(
    ("typed", "meant"), [("Karate", "الكاراتيه"), ("Influenza", "الإنفلونزا"), ("Riyadh", "الرياض")]
)
def test_a_name_in_latin_letters_finds_the_articles_that_write_it_in_arabic(
    index: Index, typed: str, meant: str
) -> None:
    results = index.search(typed, collapse=False)
    assert results.rewrite == Rewrite(typed, meant, "transliteration")
    assert ids(results) == ids(index.search(meant, collapse=False)) and results.total > 0
    as_typed = index.search(typed, collapse=False, rewrite=False)
    assert as_typed.rewrite is None and as_typed.total == 0


def test_a_latin_word_the_articles_write_in_latin_letters_is_searched_as_typed(index: Index) -> None:
    # Google is in two articles, and no article writes it in Arabic letters
    results = index.search("Google", collapse=False)
    assert results.rewrite is None and sorted(ids(results)) == ["brand-1", "brand-2"]


def test_the_latin_word_stays_beside_its_arabic_spelling_while_articles_hold_it(engine: str, tmp_path: Path) -> None:
    arabic = [{"id": f"ar{n}", "text": f"فاز فريق ليفربول في المباراة رقم {n}"} for n in range(6)]
    latin = [{"id": "latin", "text": "نادي Liverpool الإنجليزي"}]
    with Index.create(tmp_path / "ix") as index:
        index.add([*arabic, *latin])
        results = index.search("Liverpool", collapse=False)
        assert results.rewrite == Rewrite("Liverpool", "Liverpool ليفربول", "transliteration")
        assert sorted(ids(results)) == sorted(article["id"] for article in [*arabic, *latin])


@pytest.mark.parametrize(
    ("latin", "arabic", "further"),
    [
        ("Salman", "سلمان", "سليمان"),
        ("Liverpool", "ليفربول", "لفربل"),
        ("Trump", "ترامب", "تارمب"),
        ("Kerry", "كيري", "القارية"),
        ("Chelsea", "تشيلسي", "جلسة"),
    ],
)
def test_an_arabic_spelling_sounds_closer_than_another_word(latin: str, arabic: str, further: str) -> None:
    assert sounds_apart(latin, arabic) < sounds_apart(latin, further)


@pytest.mark.parametrize(
    ("latin", "key"), [("Liverpool", "لفربل"), ("Erdogan", "اردجن"), ("Reuters", "رترز"), ("Boeing", "بنج")]
)
def test_a_latin_word_has_the_spelling_key_of_its_arabic_spelling(latin: str, key: str) -> None:
    assert key in latin_spelling_keys(latin)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9))
def test_spellings_of_a_latin_word_are_arabic_letters_and_bounded(latin: str) -> None:
    spellings = full_spellings(latin)
    assert len(spellings) <= MAX_SPELLINGS + 1
    assert all(re.fullmatch("[\u0621-\u064a]*", spelling) for spelling in spellings)
    assert sounds_apart(latin, "") >= 0 and all(sounds_apart(latin, s) >= 0 for s in spellings[:20])


@pytest.mark.parametrize(
    ("latin", "arabic"),
    [("Cairo", "القاهره"), ("Jeddah", "جده"), ("Morocco", "المغرب"), ("abu-dhabi", "ابوظبي"), ("NEW YORK", "نيويورك")],
)
def test_a_place_is_looked_up_by_its_latin_names(latin: str, arabic: str) -> None:
    assert arabic in arabic_place_names(latin)


def test_no_place_is_called_by_three_letters_or_an_unknown_name() -> None:
    assert arabic_place_names("can") == [] and arabic_place_names("zzzz qqqq") == []


def test_a_place_in_latin_letters_finds_the_articles_that_name_it_in_arabic(engine: str, tmp_path: Path) -> None:
    cairo = [{"id": f"c{n}", "text": f"افتتاح معرض في القاهرة رقم {n}"} for n in range(4)]
    city = [{"id": f"m{n}", "text": f"زار الوفد المدينة المنورة رقم {n}"} for n in range(3)]
    other = [{"id": "o", "text": "تطوير المدينة الصناعية"}]
    with Index.create(tmp_path / "ix") as index:
        index.add([*cairo, *city, *other])
        found = index.search("Cairo", collapse=False)
        assert found.rewrite == Rewrite("Cairo", "القاهرة", "transliteration")
        assert sorted(ids(found)) == [article["id"] for article in cairo]
        # of a place's names, the one that sounds closest: Medina is المدينة (not المدينة المنورة), which
        # is also "the city"; the page says what was searched
        medina = index.search("Medina", collapse=False)
        assert medina.rewrite is not None and medina.rewrite.searched == "المدينة"
        assert sorted(ids(medina)) == sorted(article["id"] for article in [*city, *other])


@pytest.mark.parametrize(
    ("typed", "meant"), [("ma3rad", "معرض"), ("el ma3rad", "المعرض"), ("mal3ab", "ملعب"), ("5abar", "خبر")]
)
def test_chat_arabic_finds_the_words_it_spells(engine: str, tmp_path: Path, typed: str, meant: str) -> None:
    articles = [
        {"id": "fair", "text": "افتتاح معرض الكتاب في الرياض"},
        {"id": "the-fair", "text": "زوار المعرض يتجاوزون الآلاف"},
        {"id": "stadium", "text": "امتلأ ملعب المباراة بالجمهور"},
        {"id": "news", "text": "خبر عاجل عن الطقس"},
        {"id": "other", "text": "ارتفاع أسعار النفط"},
    ]
    with Index.create(tmp_path / "ix") as index:
        index.add(articles)
        results = index.search(typed, collapse=False)
        assert results.rewrite == Rewrite(typed, meant, "arabizi")
        assert ids(results) == ids(index.search(meant, collapse=False)) and results.total > 0


@pytest.mark.parametrize("query", ["mp3 player", "covid19", "2015", "g20 summit", "h1n1"])
def test_digits_in_latin_words_that_mean_what_they_say_are_searched_as_typed(index: Index, query: str) -> None:
    assert index.search(query).rewrite is None


def test_cli_says_a_name_was_searched_as_the_articles_write_it(index: Index) -> None:
    shown = CliRunner().invoke(main, ["search", "Karate", "--index", str(index.path)])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[0] == "results for الكاراتيه — search instead for Karate (--no-rewrite)"


def test_a_name_searched_as_typed_offers_its_arabic_spelling(index: Index) -> None:
    assert index.search("Karate", rewrite=False).suggestion == "الكاراتيه"


def test_a_name_of_short_words_is_read_as_a_phrase(engine: str, tmp_path: Path) -> None:
    named = [{"id": f"b{n}", "text": f"قال بان كي مون الأمين العام في كلمته رقم {n}"} for n in range(3)]
    apart = [{"id": "apart", "text": "بان الفرق بين مون وكي"}]  # the words, not the name
    with Index.create(tmp_path / "ix") as index:
        index.add([*named, *apart])
        results = index.search("Ban Ki-moon", collapse=False)
        assert results.rewrite == Rewrite("Ban Ki-moon", '"بان كي مون"', "transliteration")
        assert sorted(ids(results)) == [article["id"] for article in named]


def test_autocomplete_completes_a_latin_name_as_the_articles_write_it(engine: str, tmp_path: Path) -> None:
    articles = [{"id": f"e{n}", "text": f"قال أردوغان في خطاب رقم {n}"} for n in range(4)]
    with Index.create(tmp_path / "ix") as index:
        index.add([*articles, {"id": "latin", "text": "Erdemir steel"}])
        assert [suggestion.text for suggestion in index.suggest("Erdo")] == ["أردوغان"]
        assert [suggestion.text for suggestion in index.suggest("Erde")] == ["Erdemir"]  # a Latin word held


def test_a_query_of_common_arabic_words_is_settled_without_its_reading(engine: str, tmp_path: Path) -> None:
    common = [{"id": f"c{n}", "text": f"وزير الخارجية في زيارة رقم {n}"} for n in range(AS_TYPED_ARTICLES)]
    with Index.create(tmp_path / "ix") as index:
        index.add([*common, {"id": "rare", "text": "لخخلمث"}])
        snapshot = index.snapshot()
        common_reading = layout_reading("وزير الخارجية", snapshot.analyzer)
        rare_reading = layout_reading("لخخلمث", snapshot.analyzer)
        assert common_reading is not None and surely_as_typed(common_reading, snapshot.spelling_source())
        assert rare_reading is not None and not surely_as_typed(rare_reading, snapshot.spelling_source())
        # given the counts, the common query is settled before its other layout's readings are made
        evidence = snapshot.spelling_source()
        assert layout_reading("وزير الخارجية", snapshot.analyzer, evidence) is None
        assert layout_reading("لخخلمث", snapshot.analyzer, evidence) == rare_reading
