"""The topic model of related articles: what it learns, its file, and when an index fits it."""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from pathlib import Path

import numpy as np
import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from arsearch import Index
from arsearch.cli import main
from arsearch.derived import topics
from arsearch.engine.schema import build_document, stored_stem_counts
from arsearch.maintenance import check_index, repair_index
from arsearch.records.articles import Article
from arsearch.records.ingest import read_records
from helpers import SAMPLE, topic_articles

# Two subjects with their own words; an article uses a few words of its subject.
FOOTBALL = ["مباراه", "هدف", "لاعب", "دوري", "مدرب", "فريق", "ملعب", "بطوله", "حارس", "جمهور", "تسديد", "نادي"]
ECONOMY = ["نفط", "سعر", "سوق", "برميل", "تداول", "سهم", "بنك", "فائده", "تضخم", "ميزانيه", "استثمار", "ريال"]


def subject_bags(count: int, seed: int = 1) -> list[dict[str, float]]:
    rng = random.Random(seed)
    return [{word: float(rng.randint(1, 3)) for word in rng.sample(words, 4)} for words in [FOOTBALL, ECONOMY] * count]


@pytest.fixture(scope="module")
def two_subjects() -> topics.TopicModel:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(topics, "DIMENSIONS", 2)  # two subjects, two topics
        model = topics.fit(subject_bags(60), articles=120)
    assert model is not None
    return model


def cosine(model: topics.TopicModel, first: list[str], second: list[str]) -> float:
    a, b = model.vector(dict.fromkeys(first, 1.0)), model.vector(dict.fromkeys(second, 1.0))
    assert a is not None and b is not None
    return float(a @ b)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (["هدف", "لاعب"], ["مدرب", "دوري"]),  # no word in common, one subject
        (["حارس"], ["جمهور", "ملعب"]),
        (["نفط", "برميل"], ["بنك", "فائده"]),
        (["تضخم"], ["ريال", "سهم"]),
    ],
)
def test_words_of_one_subject_meet_without_sharing_a_word(
    two_subjects: topics.TopicModel, first: list[str], second: list[str]
) -> None:
    assert cosine(two_subjects, first, second) > 0.9


@pytest.mark.parametrize(("first", "second"), [(["هدف", "لاعب"], ["نفط", "سهم"]), (["مدرب"], ["تضخم"])])
def test_words_of_two_subjects_stay_apart(two_subjects: topics.TopicModel, first: list[str], second: list[str]) -> None:
    assert cosine(two_subjects, first, second) < 0.3


def test_vectors_are_unit_length_and_unknown_words_have_none(two_subjects: topics.TopicModel) -> None:
    vector = two_subjects.vector({"هدف": 3.0, "كلمه_مجهوله": 2.0})
    assert vector is not None and abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5
    assert two_subjects.vector({"كلمه_مجهوله": 1.0}) is None
    assert two_subjects.vector({}) is None


BAGS = st.dictionaries(st.sampled_from([*FOOTBALL, *ECONOMY, "مجهول"]), st.floats(0.5, 50), max_size=12)


@settings(max_examples=200, deadline=None)
@given(BAGS, BAGS)
def test_similarities_are_symmetric_and_between_0_and_1(
    two_subjects: topics.TopicModel, first: dict[str, float], second: dict[str, float]
) -> None:
    a, b = two_subjects.vector(first), two_subjects.vector(second)
    assert (a is None) == (not set(first) & two_subjects.positions.keys())  # only unknown words: no vector
    assert (b is None) == (not set(second) & two_subjects.positions.keys())
    if a is None or b is None:
        return
    forward, backward = topics.cosines(two_subjects, a, [second]), topics.cosines(two_subjects, b, [first])
    assert abs(forward[0] - backward[0]) < 1e-5 and 0.0 <= forward[0] <= 1.0
    assert topics.cosines(two_subjects, a, [first])[0] > 0.999


def test_fitting_is_deterministic() -> None:
    first, second = topics.fit(subject_bags(40), 80), topics.fit(subject_bags(40), 80)
    assert first is not None and second is not None
    assert first.terms == second.terms
    assert np.allclose(first.basis, second.basis, atol=1e-6)


@pytest.mark.parametrize(
    "bags",
    [
        [],
        [{"هدف": 1.0}],
        [{"هدف": 1.0}, {"نفط": 1.0}, {"سوق": 2.0}],  # every stem in one article only
    ],
)
def test_too_little_text_gives_no_model(bags: list[dict[str, float]]) -> None:
    assert topics.fit(bags, len(bags)) is None


def test_stems_common_to_most_articles_are_left_out() -> None:
    bags = [{**bag, "قال": 1.0} for bag in subject_bags(30)]
    model = topics.fit(bags, len(bags))
    assert model is not None and "قال" not in model.positions and "هدف" in model.positions


def test_the_model_file_round_trips(tmp_path: Path, two_subjects: topics.TopicModel) -> None:
    path = tmp_path / topics.MODEL_FILE
    two_subjects.save(path)
    loaded = topics.TopicModel.load(path)
    assert loaded.terms == two_subjects.terms and loaded.info == two_subjects.info
    assert abs(cosine(loaded, ["هدف"], ["مدرب"]) - cosine(two_subjects, ["هدف"], ["مدرب"])) < 1e-3
    assert [entry.name for entry in tmp_path.iterdir()] == [topics.MODEL_FILE]  # no scratch file left


@pytest.mark.parametrize("damage", [b"", b"not a zip file", b"PK\x03\x04 truncated"])
def test_a_damaged_model_file_says_why(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / topics.MODEL_FILE
    path.write_bytes(damage)
    with pytest.raises(ValueError, match=r".+"):
        topics.TopicModel.load(path)


@pytest.mark.parametrize(
    ("fitted_on", "articles", "expected"),
    [
        (None, 10, False),
        (None, topics.MIN_ARTICLES - 1, False),
        (None, topics.MIN_ARTICLES, True),
        (1000, 1999, False),
        (1000, 2000, True),
        (1000, 500, False),
    ],
)
def test_when_an_index_refits(fitted_on: int | None, articles: int, expected: bool) -> None:
    model = None
    if fitted_on is not None:
        model = topics.fit(subject_bags(20), fitted_on)
    assert topics.needs_fitting(model.info if model is not None else None, articles) is expected


# --- an index and its model ----------------------------------------------------


def test_an_import_fits_the_model_once_the_index_is_big_enough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topics, "MIN_ARTICLES", 40)
    with Index.create(tmp_path / "ix") as index:
        assert index.add(topic_articles(0, 30), fit_topics="now").topics is None and index.topics.model() is None
        report = index.add(topic_articles(30, 20), fit_topics="now")  # 50 articles: fitted
        assert report.topics is not None and report.topics.articles == 50 and not report.topics_fitting
        assert index.add(topic_articles(50, 40), fit_topics="now").topics is None  # 90 < 2 x 50: kept
        model = index.topics.model()
        assert model is not None and model.info.articles == 50
        report = index.add(topic_articles(90, 10), fit_topics="now")  # 100 = 2 x 50: refitted
        assert report.topics is not None and report.topics.articles == 100
        assert index.info().topics == report.topics


def test_another_reader_picks_up_a_refit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topics, "MIN_ARTICLES", 10)
    with Index.create(tmp_path / "ix") as writer, Index.open(tmp_path / "ix") as reader:
        writer.add(topic_articles(0, 10), fit_topics="now")
        first = reader.topics.model()
        assert first is not None and first.info.articles == 10
        writer.add(topic_articles(10, 20), fit_topics="now")
        second = reader.topics.model()
        assert second is not None and second.info.articles == 30


def test_each_article_stores_its_text_stem_counts(tmp_path: Path) -> None:
    text = "ارتفعت أسعار النفط، وارتفعت أسعار الذهب"
    with Index.create(tmp_path / "ix") as index:
        index.add([{"id": "1", "title": "الأسواق", "text": text}])
        document = index.snapshot().document("1")
        assert stored_stem_counts(document) == Counter(index.analyzer.terms(text))
        frequencies = topics.document_frequencies(index.analyzer, document)
        assert frequencies[index.analyzer.terms("الأسواق")[0]] == topics.TITLE_WEIGHT


def test_a_damaged_model_is_ignored_reported_and_repaired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topics, "MIN_ARTICLES", 10)
    path = tmp_path / "ix"
    with Index.create(path) as index:
        index.add(read_records([str(SAMPLE)]))
    (path / topics.MODEL_FILE).write_bytes(b"PK\x03\x04 cut short")
    with Index.open(path) as index, pytest.warns(UserWarning, match="topics.npz cannot be read"):
        assert index.topics.model() is None
        related = [item.id for item in index.related("sample-08")]  # still answers, on key terms alone
        assert related and "sample-08" not in related
    report = check_index(path)
    assert not report.ok and "topics.npz cannot be read" in report.problems[0]
    repaired = repair_index(path)
    assert repaired.refitted_topics and repaired.changed
    assert check_index(path).ok
    with Index.open(path) as index:
        model = index.topics.model()
        assert model is not None and model.info.articles == 30


def test_cli_shows_and_refits_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topics, "MIN_ARTICLES", 10)
    path = tmp_path / "ix"
    source = tmp_path / "news.jsonl"
    source.write_text("\n".join(orjson.dumps(a).decode() for a in topic_articles(0, 12)), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["index", str(source), "--index", str(path), "--fit-topics", "now"])
    assert result.exit_code == 0, result.output
    assert "topic model fitted (" in result.output and "of 12 articles" in result.output
    result = runner.invoke(main, ["info", "--index", str(path)])
    assert result.exit_code == 0 and "from 12 of 12 articles" in result.output
    (path / topics.MODEL_FILE).unlink()
    result = runner.invoke(main, ["info", "--index", str(path)])
    assert "none (imports fit it once the index has 10 articles" in result.output
    result = runner.invoke(main, ["topics", "--index", str(path), "--json"])
    assert result.exit_code == 0 and result.output.strip() == "null"
    result = runner.invoke(main, ["topics", "--refit", "--index", str(path), "--json"])
    assert result.exit_code == 0 and orjson.loads(result.output)["sample"] == 12
    result = runner.invoke(main, ["topics", "--index", str(path)])
    assert result.exit_code == 0 and re.match(r"\d+ dimensions over \d+ stems, from 12 of 12 articles", result.output)


def saved_model_arrays(index: Index) -> tuple[list[str], np.ndarray, np.ndarray]:
    model = topics.read_model(index.path / topics.MODEL_FILE)
    assert model is not None
    return model.terms, model.idf, model.basis


@pytest.mark.parametrize("sample", [300, 12_000])  # fewer than the articles (kept bags pruned), and all of them
@pytest.mark.parametrize("before", [0, 100])  # a first import (its ids not listed again), and a later one
def test_the_model_fitted_from_an_imports_kept_bags_is_the_one_read_back_from_the_index(
    tmp_path: Path, shared_dir: Path, monkeypatch: pytest.MonkeyPatch, sample: int, before: int
) -> None:
    """Real articles: toy ones have many equal singular values, whose vectors no fit pins down."""
    monkeypatch.setattr(topics.sample_keys, "__defaults__", (sample,))
    monkeypatch.setattr(topics.WrittenBags.__init__, "__defaults__", (sample,))
    read_back: list[int] = []
    reading = topics.document_frequencies
    monkeypatch.setattr(topics, "document_frequencies", lambda *a, **k: read_back.append(1) or reading(*a, **k))
    corpus = read_records([str(shared_dir / "corpora" / "saudinewsnet.jsonl.gz")])
    news = [record.data for record in itertools.islice(corpus, 360) if record.data.get("text")]
    changed = [{**record, "title": "تحديث " + str(record.get("title"))} for record in news[:50]]
    long_title = {"id": "long", "title": "ب" * 300 + " نفط", "text": news[0]["text"]}
    listed: list[int] = []
    listing = topics.sample_keys
    monkeypatch.setattr(topics, "sample_keys", lambda *a, **k: listed.append(1) or listing(*a, **k))
    with Index.create(tmp_path / "ix") as index:
        if before:
            index.add(news[:before], fit_topics="off")  # before the import: read back at fitting, if sampled
        # rewrites kept bags
        report = index.add([*news[before:], *changed, long_title], update=True, fit_topics="now")
        assert len(listed) == (1 if before else 0)  # a first import's fit lists no ids
        assert report.topics is not None and report.topics.articles == len(news) + 1
        kept = saved_model_arrays(index)
        fitted_by_import = len(read_back)
        index.topics.refit()  # from the index alone
        again = saved_model_arrays(index)
    assert kept[0] == again[0]
    assert np.array_equal(kept[1], again[1]) and np.array_equal(kept[2], again[2])
    assert len(read_back) - fitted_by_import == min(sample, len(news) + 1)  # the refit read every one
    assert fitted_by_import <= 1 + before  # the import read back only the long title's and those before it


def test_kept_bags_of_another_commit_are_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topics, "MIN_ARTICLES", 10)
    with Index.create(tmp_path / "ix") as index:
        index.add(topic_articles(0, 30), fit_topics="off")
        kept = topics.WrittenBags()
        kept.generation = "an earlier commit"
        for article in topic_articles(0, 30):  # bags that no longer describe the index
            document = build_document(Article.from_record({**article, "text": "نص آخر تماما"}), index.analyzer)
            kept.add(document)
        snapshot = index.snapshot()
        bags = list(topics.sample_bags(snapshot, index.analyzer, written=kept))
        assert bags == list(topics.sample_bags(snapshot, index.analyzer))
        kept.generation = snapshot.generation
        assert list(topics.sample_bags(snapshot, index.analyzer, written=kept)) != bags
