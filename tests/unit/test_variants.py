"""Spelling variants of names and loanwords, learned from an index's own articles."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from arsearch import Index
from arsearch.cli import main
from arsearch.derived.variants import VARIANTS_FILE, VariantTable, Verdict, read_variants, skeleton


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("ترامب", "ترمب", True),  # a long vowel written or dropped
        ("جوجل", "غوغل", True),  # ج / غ
        ("جوجل", "قوقل", True),  # two letters at once: edit distance 2
        ("انستغرام", "انستجرام", True),
        ("ديمقراطي", "ديموقراطي", True),
        ("الكونغرس", "كونجرس", True),  # a name's ال set aside
        ("ميغابيكسل", "ميجابكسل", True),
        ("لبنان", "لبناني", False),  # a last letter is an Arabic ending (nisba), never dropped
        ("قتلا", "قتل", False),
        ("بنك", "بنوك", False),  # three letters: no candidate at all
    ],
)
def test_skeletons(first: str, second: str, same: bool) -> None:
    assert (skeleton(first) is not None and skeleton(first) == skeleton(second)) is same


def test_short_and_foreign_script_words_have_no_skeleton() -> None:
    assert skeleton("علم") is None  # so عالم (skeleton علم) never meets it
    assert skeleton("google") is None
    assert skeleton("2015") is None


# --- on a real index -------------------------------------------------------------

FILLER = ["".join(random.Random(n).choices("بتثحخدذرزسشصضطظعفلمنه", k=5)) for n in range(400)]
TOPICS = {
    "us": (["البيت", "الأبيض", "الرئيس", "الانتخابات", "الجمهوري", "الحزب", "المرشح", "الناخبين"], ["ترامب", "ترمب"]),
    "web": (["محرك", "البحث", "الإنترنت", "الإعلانات", "التطبيقات", "المستخدمين"], ["جوجل", "غوغل", "قوقل"]),
    "travel": (["الفندق", "الشاطئ", "الرحلة", "السياح", "المنتجع", "الإجازة", "الطيران"], ["قريب"]),
    "crime": (["الشرطة", "الجريمة", "التحقيق", "المتهم", "الحادث", "الضحية", "السجن"], ["غريب"]),
    "offices": (["الموظفين", "الإدارة", "الدوام", "المراجعين", "المعاملات", "الخدمة"], ["مكتب", "مكاتب"]),
    # two spellings that one article uses together: not one spelling per writer
    "phones": (["الهاتف", "الشاشة", "الكاميرا", "البطارية", "المعالج", "الذكي"], ["سامسونغ سامسونج"]),
}


def corpus() -> list[dict[str, str]]:
    rng = random.Random(20261126)
    articles = []
    for topic, (context, spellings) in TOPICS.items():
        for number in range(48):
            spelling = spellings[number % len(spellings)]
            words = [*rng.choices(context, k=25), *rng.choices(FILLER, k=25), spelling, spelling, spelling]
            rng.shuffle(words)
            articles.append({"id": f"{topic}-{number}", "title": f"{spelling} {context[0]}", "text": " ".join(words)})
    return articles


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    with Index.create(tmp_path_factory.mktemp("variants") / "ix") as index:
        report = index.add(corpus())  # the import has the topic model refitted, and the variants with it
        assert report.topics_fitting and report.topics is None  # in the background
        assert index.topics.wait(timeout=120) is not None
        yield index


def test_the_import_fits_variants_beside_the_topic_model(index: Index) -> None:
    assert index.topics.model() is not None
    table = read_variants(index.path / VARIANTS_FILE)
    assert table is not None and ("ترامب", "ترمب") in table.pairs


@pytest.mark.parametrize(
    ("word", "others"),
    [
        ("ترمب", ["ترامب"]),
        ("ترامب", ["ترمب"]),
        ("جوجل", ["غوغل", "قوقل"]),
        ("لغوغل", ["جوجل", "قوقل"]),  # the word's stem is what is looked up
        ("قريب", []),  # and غريب shares its letters, not its contexts
        ("مكتب", []),  # مكاتب: an Arabic word (root كتب), as is مكتب
        ("سامسونغ", []),  # سامسونج: always in the same articles
        ("الإدارة", []),
    ],
)
def test_variants_found_in_the_index(index: Index, word: str, others: list[str]) -> None:
    assert sorted(index.variants(word).searched) == sorted(others)


def reasons(index: Index, word: str) -> dict[str, str]:
    return {candidate.spelling: candidate.verdict.reason for candidate in index.variants(word).candidates}


def test_every_candidate_comes_with_its_evidence(index: Index) -> None:
    assert "غريب" not in reasons(index, "قريب") or reasons(index, "قريب")["غريب"].startswith("contexts differ")
    assert reasons(index, "مكتب")["مكاتب"] == "an Arabic word (مكاتب: كتب)"
    assert reasons(index, "سامسونغ")["سامسونج"].startswith("often in one article")
    accepted = [candidate for candidate in index.variants("ترمب").candidates if candidate.verdict.accepted]
    assert [(candidate.spelling, candidate.articles) for candidate in accepted] == [("ترامب", 24)]
    assert accepted[0].verdict.context >= 0.6 and accepted[0].verdict.together == 0.0


def test_a_search_finds_other_spellings_below_the_one_typed_and_highlights_them(index: Index) -> None:
    results = index.search("ترمب", limit=100, collapse=False)
    spelled = [hit.title.split()[0] for hit in results.hits]
    assert results.total == 48
    assert spelled == ["ترمب"] * 24 + ["ترامب"] * 24  # every exact spelling first
    last = results.hits[-1]
    assert last.title_highlighted is not None and "[ترامب]" in last.title_highlighted.text
    exact_only = index.search("ترمب", limit=100, variants=False)
    assert exact_only.total == 24


def test_a_negated_word_excludes_its_spellings(index: Index) -> None:
    assert index.search("البيت -ترمب", limit=100).total == 0


def test_the_variants_command(index: Index) -> None:
    runner = CliRunner()
    shown = runner.invoke(main, ["variants", "ترمب", "--index", str(index.path)])
    assert shown.exit_code == 0
    assert "a search also finds ترامب" in shown.output
    data = orjson.loads(runner.invoke(main, ["variants", "مكتب", "--json", "--index", str(index.path)]).output)
    assert data["searched"] == [] and data["candidates"][0]["spelling"] == "مكاتب"
    assert runner.invoke(main, ["variants", "في", "--index", str(index.path)]).exit_code == 1
    typed_only = runner.invoke(main, ["search", "ترمب", "--no-variants", "--json", "--index", str(index.path)])
    assert orjson.loads(typed_only.output)["total"] == 24


def test_a_table_written_elsewhere_is_picked_up_and_a_damaged_one_ignored(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        # enough articles with the word typed that the search is not widened to its root (رمب)
        # (ترانب is no spelling of ترامب the judge would find: its letters differ)
        index.add([{"id": str(n), "text": f"زار {'ترامب' if n < 3 else 'ترانب'} المدينة"} for n in range(5)])
        assert index.search("ترامب").total == 3  # too few articles for a topic model: no fitted pairs
        VariantTable([Verdict("ترامب", "ترانب", 0.9, 0.0)], "test").save(tmp_path / "ix" / VARIANTS_FILE)
        assert index.search("ترامب").total == 5
        (tmp_path / "ix" / VARIANTS_FILE).write_text("{not json")
        assert index.search("ترامب").total == 3
