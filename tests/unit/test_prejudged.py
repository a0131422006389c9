"""The spellings of an index's words judged ahead by a refit and read by searches: the same
answers and the dictionary's same verdicts a search would work out, without working them out."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from arsearch import Index
from arsearch.analysis import dictionary
from arsearch.analysis.dictionary import kind_of, table_kind
from arsearch.derived import prejudged as prejudged_module
from arsearch.derived import variants
from arsearch.derived.prejudged import (
    CACHE_ENV_VAR,
    PREJUDGED_FILE,
    prejudge,
    read_prejudged,
    spellings_to_judge,
    words_to_look_up,
)
from arsearch.derived.variants import SpellingJudge
from arsearch.store.importing import TOPIC_FITTING, TopicFitting
from helpers import articles_per_word, word_of

#: spellings of names and loanwords (merged), and native words sharing letters (kept apart)
PAIRS = [
    ("ترامب", "ترمب"),
    ("بلاتر", "بلاطر"),
    ("أوردغان", "أوردوغان"),
    ("عادل", "عدل"),
    ("كامل", "كاميل"),
    ("سافر", "سفير"),
]
WORDS = [word for pair in PAIRS for word in pair]
Found = dict[str, set[str]]


def searched(index: Index) -> Found:
    """The words of the articles a search for each word finds."""
    return {word: {word_of(hit.id) for hit in index.search(word, limit=20, collapse=False).hits} for word in WORDS}


def prejudged_now(index: Index) -> None:
    snapshot = index.snapshot()
    prejudge(snapshot.spelling_source(), index.path)


@pytest.fixture(scope="module")
def judged(engine: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Index, Found]]:
    """An index (one per engine) judged ahead, and what searches found before."""
    with Index.create(tmp_path_factory.mktemp(f"prejudged-{engine}") / "ix") as index:
        index.add(articles_per_word(WORDS, "قال {} اليوم"), fit_topics="off")
        before = searched(index)
        prejudged_now(index)
        yield index, before


def test_the_dictionary_is_asked_ahead_about_the_words_searches_would_ask_about(
    judged: tuple[Index, Found],
) -> None:
    index, _ = judged
    kinds = read_prejudged(index.path / PREJUDGED_FILE).kinds
    assert {"بلاطر", "أوردوغان"} <= set(words_to_look_up(index.snapshot().spelling_source())) <= set(kinds)
    assert all(table_kind(word) is None for word in kinds)  # what the shipped tables tell is not copied
    assert all(kinds[word] == kind_of(word) for word in kinds)


def test_every_close_spelling_has_the_answer_a_search_works_out(judged: tuple[Index, Found]) -> None:
    index, _ = judged
    answers = read_prejudged(index.path / PREJUDGED_FILE).answers
    # كاميل shares its key with no indexed word: كامل, a native word of the table, has no spelling terms
    assert set(answers) == set(spellings_to_judge(index.snapshot().spelling_source())) >= {"ترمب", "بلاطر", "اوردوغان"}
    judge = SpellingJudge(index.snapshot().spelling_source())  # asks the dictionary itself
    assert all(answers[form].terms == judge.answer(form) for form in answers)
    assert all(answers[form].spellings == judge.spellings_print(form) for form in answers)
    assert answers["ترمب"].terms == ("ترامب",) and answers["اوردوغان"].terms == ("اوردغ",)  # index terms: stems


def test_searches_judge_no_close_spelling_and_find_what_they_found_judging(
    judged: tuple[Index, Found], monkeypatch: pytest.MonkeyPatch
) -> None:
    index, before = judged
    ahead = set(read_prejudged(index.path / PREJUDGED_FILE).answers)
    judged_now: list[str] = []
    judge = variants.SpellingJudge._judge

    def judging(self: SpellingJudge, form: str) -> object:
        judged_now.append(form)
        return judge(self, form)

    def not_asked(word: str) -> object:
        raise AssertionError(f"the dictionary was asked about {word}")

    with Index.open(index.path) as reopened:  # a new reader: nothing judged in this process
        monkeypatch.setattr(variants.SpellingJudge, "_judge", judging)
        monkeypatch.setattr(dictionary, "look_up", not_asked)
        assert searched(reopened) == before
    assert judged_now and not ahead.intersection(judged_now)  # the others have no close spelling
    assert before["ترمب"] == {"ترمب", "ترامب"} and before["كاميل"] == {"كاميل"}


def test_a_later_refit_asks_the_dictionary_only_about_new_words(
    judged: tuple[Index, Found], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    index, _ = judged
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path))  # an empty cache: only the index's verdicts are known
    index.add(articles_per_word(["زيلينسكي", "زلينسكي"], "قال {} اليوم"), fit_topics="off")
    asked: list[str] = []
    look_up = dictionary.look_up
    monkeypatch.setattr(dictionary, "look_up", lambda word: asked.append(word) or look_up(word))
    prejudged_now(index)
    assert set(asked) == {"زيلينسكي", "زلينسكي"}
    prejudged = read_prejudged(index.path / PREJUDGED_FILE)
    assert prejudged.answers["زلينسكي"].terms == ("زيلينسكي",)
    assert prejudged.kinds["زلينسكي"] == kind_of("زلينسكي")


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("# arsearch prejudged spellings 2; farahidi 0.0.0; stems >= 1; lemmas >= 1\nk\tترمب\tnative\n", "old"),
        ("not gzip at all", "damaged"),
    ],
)
def test_a_file_from_another_dictionary_or_damaged_is_not_read(tmp_path: Path, content: str, why: str) -> None:
    path = tmp_path / PREJUDGED_FILE
    path.write_bytes(gzip.compress(content.encode()) if why == "old" else content.encode())
    assert read_prejudged(path).kinds == {} and read_prejudged(path).answers == {}
    assert read_prejudged(tmp_path / "missing.tsv.gz").answers == {}


@pytest.mark.parametrize("fit_topics", TOPIC_FITTING[:2])  # in the background, and now
def test_an_import_that_refits_judges_its_words_ahead(tmp_path: Path, fit_topics: TopicFitting) -> None:
    filler = [{"id": f"f{n}", "text": f"خبر محلي عن الطقس رقم {n}"} for n in range(200)]
    with Index.create(tmp_path / "ix") as index:
        report = index.add([*filler, *articles_per_word(WORDS, "قال {} اليوم")], fit_topics=fit_topics)
        if fit_topics == "background":  # the refit's process judges them after the models; wait() waits for it
            assert report.topics_fitting and index.topics.wait(timeout=120) is not None
        prejudged = read_prejudged(index.path / PREJUDGED_FILE)
        assert set(prejudged.answers) == set(spellings_to_judge(index.snapshot().spelling_source()))
        assert prejudged.answers["ترمب"].terms == ("ترامب",) and prejudged.kinds["بلاطر"] == kind_of("بلاطر")


def test_verdicts_are_shared_by_the_machines_indexes_unless_the_cache_is_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = ["بوتفليقة", "بوتفليقه", "بوطفليقة"]
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))
    with Index.create(tmp_path / "first") as index:
        index.add(articles_per_word(words, "قال {} اليوم"), fit_topics="off")
        prejudged_now(index)
        looked_up = read_prejudged(index.path / PREJUDGED_FILE).kinds
    assert looked_up and (tmp_path / "cache").is_dir()

    def not_asked(word: str) -> object:
        raise AssertionError(f"the dictionary was asked about {word}")

    with Index.create(tmp_path / "second") as index, monkeypatch.context() as patch:
        index.add(articles_per_word(words, "قال {} اليوم"), fit_topics="off")
        patch.setattr(dictionary, "look_up", not_asked)
        prejudged_now(index)  # another index of the same words: every verdict from the cache
        assert read_prejudged(index.path / PREJUDGED_FILE).kinds == looked_up
    monkeypatch.setenv(CACHE_ENV_VAR, "")
    with Index.create(tmp_path / "third") as index:
        index.add(articles_per_word(["زيلينسكي", "زلينسكي"], "قال {} اليوم"), fit_topics="off")
        prejudged_now(index)
    assert set(read_prejudged(tmp_path / "cache" / "word-kinds.tsv.gz").kinds) == set(looked_up)  # nothing added


def test_a_spelling_new_since_the_refit_is_joined_at_once(tmp_path: Path) -> None:
    """An answer judged ahead holds only while the word's spellings are those it was judged on: an
    article that brings another spelling is found by the next search, not after the next refit."""
    with Index.create(tmp_path / "ix") as index:
        index.add(articles_per_word(["زيلينسكي", "زلينسكي"], "قال {} اليوم"), fit_topics="off")
        prejudged_now(index)
        assert {word_of(hit.id) for hit in index.search("زيلينسكي", limit=20).hits} == {"زيلينسكي", "زلينسكي"}
        index.add(articles_per_word(["زيلنسكي"], "قال {} اليوم"), fit_topics="off")  # no refit
        with Index.open(index.path) as reader:  # a reader that has judged nothing
            found = {word_of(hit.id) for hit in reader.search("زيلينسكي", limit=20, collapse=False).hits}
        assert found == {"زيلينسكي", "زلينسكي", "زيلنسكي"}


def test_answers_judged_by_other_rules_are_judged_again_and_the_verdicts_kept(
    judged: tuple[Index, Found], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answers are the judge's by its rules of the time (``variants.JUDGE_RULES``): after an
    upgrade that changes them, searches judge anew until a refit; the dictionary's verdicts hold."""
    index, _ = judged
    prejudged_now(index)
    path = index.path / PREJUDGED_FILE
    before = read_prejudged(path)
    assert before.answers and before.kinds
    monkeypatch.setattr(variants, "JUDGE_RULES", variants.JUDGE_RULES + 1)
    monkeypatch.setattr(prejudged_module, "JUDGE_RULES", variants.JUDGE_RULES)
    after = read_prejudged(path)
    assert after.answers == {} and after.kinds == before.kinds
    with Index.open(index.path) as reopened:  # judged as searches go: the same answers
        assert "ترامب" in reopened.variants("ترمب").searched
