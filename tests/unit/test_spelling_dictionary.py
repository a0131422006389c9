"""The index's spelling dictionary (``store.spellings``): every word an import's articles bring is in
it, whichever process met the word first; counts come from the engine; a failed write keeps the
last commit."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from arsearch import Index
from arsearch.analysis.normalize import normalize_word
from arsearch.analysis.spelling import fullest_written, spelled_words, spelling_prefix, spelling_terms
from arsearch.errors import IndexWriteError
from arsearch.store.pipeline import INLINE_ARTICLES
from arsearch.store.spellings import SpellingDictionary
from helpers import articles_per_word

#: letters of made-up names (no dictionary knows them: each has spelling terms)
LETTERS = "بتجدرزسشطغفكلمنه"


def made_up_names(count: int, seed: int = 7) -> list[str]:
    chosen = random.Random(seed)
    names: dict[str, None] = {}
    while len(names) < count:
        names["".join(chosen.choice(LETTERS) for _ in range(6)) + "يان"] = None
    return list(names)


def pairs_of(word: str) -> set[tuple[str, str]]:
    form = normalize_word(word)
    return {(term, form) for term in spelling_terms(form, word).split()}


def test_an_import_on_worker_processes_gives_every_word_its_articles_bring(tmp_path: Path) -> None:
    names = made_up_names(INLINE_ARTICLES + 100)  # the first articles analyzed here, the rest by workers
    records = [{"id": str(n), "text": f"قال {name} وزار {names[-n - 1]} اليوم"} for n, name in enumerate(names)]
    with Index.create(tmp_path / "ix") as index:
        index.add(records, jobs=2, fit_topics="off")
        stored = set(index.store.spellings.starting(""))
        expected = set().union(*(pairs_of(name) for name in names))
        assert expected <= stored
        source = index.snapshot().spelling_source()
        for name in names[::37]:  # each in two articles: as the first name of one, the second of another
            prefix = spelling_prefix(normalize_word(name))
            assert prefix is not None
            assert source.spelled(prefix)[f"{prefix}{normalize_word(name)}"] == 2


def test_a_word_met_by_a_search_before_an_import_is_given_too(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add(articles_per_word(["ترامب"], "قال {} اليوم"), fit_topics="off")
        assert "ترمب" not in {word for _, word in index.store.spellings.starting("")}
        assert index.search("ترمب").total == 3  # ترامب's articles; this process's analyzer now knows ترمب
        index.add(articles_per_word(["ترمب"], "قال {} اليوم"), fit_topics="off")
        assert pairs_of("ترمب") <= set(index.store.spellings.starting(""))
        assert {hit.id.split("-")[0] for hit in index.search("ترامب", limit=10).hits} == {"ترامب", "ترمب"}


def test_a_word_no_article_holds_is_no_spelling(tmp_path: Path) -> None:
    """A word met only by a search is given to the dictionary at the next commit (harmless): no
    article holds it, so it is counted 0 and listed as no spelling of anything."""
    with Index.create(tmp_path / "ix") as index:
        index.add(articles_per_word(["ترامب"], "قال {} اليوم"), fit_topics="off")
        index.search("ترمب")
        index.add([{"id": "other", "text": "خبر آخر"}], fit_topics="off")
        assert pairs_of("ترمب") <= set(index.store.spellings.starting(""))
        prefix = spelling_prefix("ترمب")
        assert prefix is not None
        assert index.snapshot().spelling_source().spelled(prefix) == {f"{prefix}ترامب": 3}


def test_a_word_is_counted_with_the_word_after_a_proclitic(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add(
            [
                {"id": "both", "text": "لندن وفي ولندن أيضا"},
                {"id": "after", "text": "بلندن"},
                {"id": "bare", "text": "لندن"},
            ],
            fit_topics="off",
        )
        prefix = spelling_prefix("لندن")
        assert prefix is not None
        # لندن in two articles, ولندن and بلندن in one each: a bound (one article holds two of them)
        assert index.snapshot().spelling_source().spelled(prefix)[f"{prefix}لندن"] == 4


def test_once_the_word_list_is_read_every_count_comes_from_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A look-up of many words reads the commit's word list; later counts, of one word too, are read
    from it (the same counts) rather than asked of the engine word by word."""
    with Index.create(tmp_path / "ix") as index:
        index.add([{"id": "a", "text": "لندن وبلندن"}, {"id": "b", "text": "لندن باريس"}], fit_topics="off")
        snapshot = index.snapshot()
        source = snapshot.spelling_source()
        asked = ["لندن", "وبلندن", "باريس", "برلين"]
        by_engine = source.articles(asked)
        assert by_engine == [2, 1, 1, 0] and not snapshot.vocabulary().forms_read()
        source.articles([f"كلمه{n}" for n in range(100)])  # many words: the list is read
        assert snapshot.vocabulary().forms_read()

        def no_engine(*_: object) -> int:
            raise AssertionError("asked the engine for a count the word list holds")

        monkeypatch.setattr(type(snapshot.view), "doc_freq", no_engine)
        assert snapshot.spelling_source().articles(asked) == by_engine


@pytest.mark.parametrize("shards", [1, 2])
def test_a_word_written_two_ways_stands_as_its_fullest_spelling_however_split(tmp_path: Path, shards: int) -> None:
    """سيرجي in three articles and سيرجى in one (or the reverse): one word, four articles, written
    سيرجي, whether one index holds them or two hold one spelling each (a cluster's shards)."""
    records = [
        *({"id": f"a{n}", "text": "قال سيرجي اليوم"} for n in range(3)),
        {"id": "b", "text": "قال سيرجى اليوم"},
    ]
    parts = [records] if shards == 1 else [records[:3], records[3:]]
    summed: dict[str, int] = {}
    for number, part in enumerate(parts):
        with Index.create(tmp_path / f"ix{number}") as index:
            index.add(part, fit_topics="off")
            prefix = spelling_prefix("سيرجي")
            assert prefix is not None
            for term, articles in index.snapshot().spelling_source().spelled(prefix).items():
                summed[term] = summed.get(term, 0) + articles
    assert spelled_words(summed) == {"سيرجي": (4, "سيرجي")}


def test_the_fullest_written_form_stands_for_a_word() -> None:
    assert fullest_written(["ايران", "إيران"]) == "إيران"
    assert fullest_written(["اكاديميه", "اكاديمية", "أكاديميه"]) in {"اكاديمية", "أكاديميه"}
    assert fullest_written(["سيرجى", "سيرجي"]) == "سيرجي"


def test_a_failed_dictionary_write_keeps_the_last_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add(articles_per_word(["ترامب"], "قال {} اليوم"), fit_topics="off")

        def full(self: SpellingDictionary, words: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(SpellingDictionary, "add", full)
        with pytest.raises(IndexWriteError, match=r"spelling dictionary: database or disk is full.*3 articles"):
            index.add(articles_per_word(["ترمب"], "قال {} اليوم"), fit_topics="off")
        assert len(index) == 3


def test_a_large_index_is_asked_word_by_word_rather_than_read_whole_for_a_search(tmp_path: Path) -> None:
    """The word list costs ~2 µs an article to read: a look-up of fewer words than a quarter of the
    articles (a search's) asks the engine word by word; more (a refit's) reads the list."""
    with Index.create(tmp_path / "ix") as index:
        index.add([{"id": str(n), "text": f"خبر رقم {n} عن لندن"} for n in range(400)], fit_topics="off")
        snapshot = index.snapshot()
        source = snapshot.spelling_source()
        assert source.articles([f"كلمه{n}" for n in range(90)] + ["لندن"])[-1] == 400
        assert not snapshot.vocabulary().forms_read()
        assert source.articles([f"كلمه{n}" for n in range(150)] + ["لندن"])[-1] == 400
        assert snapshot.vocabulary().forms_read()
