"""Each ranking lever of issue 35 on a small fixed corpus: with it on, a known article comes first;
with it off, another does (so the test cannot pass by accident)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from arsearch import Index, Ranking
from arsearch.cli import main

FILLER = "وقد تابع الحضور الجلسة باهتمام كبير "


def first(index: Index, query: str, ranking: Ranking) -> str:
    return index.search(query, limit=3, ranking=ranking, collapse=False).hits[0].id


def test_proximity_puts_the_article_with_the_words_side_by_side_first(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add(
            [
                # the two words far apart, in a shorter text: plain BM25 prefers it
                {"id": "apart", "text": "انعقد مجلس المدينة اليوم ثم ناقش الأمن الغذائي"},
                {"id": "together", "text": f"انعقد مجلس الأمن اليوم في جلسة طارئة {FILLER} {FILLER}"},
            ],
            fit_topics="off",
        )
        assert first(index, "مجلس الأمن", Ranking()) == "apart"
        assert first(index, "مجلس الأمن", Ranking(proximity_boost=1.0, proximity_slop=1)) == "together"


def test_the_lemma_puts_an_article_about_the_singular_first(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add(
            [
                # the plural typed, once, in a long text
                {"id": "plural", "text": f"حضر الوزراء {FILLER * 8}"},
                # وزير, the lemma of الوزراء, over and over in a short one
                {"id": "singular", "text": "الوزير يستقبل الوزير ويودع الوزير"},
            ],
            fit_topics="off",
        )
        assert first(index, "الوزراء", Ranking()) == "plural"
        assert first(index, "الوزراء", Ranking(lemma_boost=4.0)) == "singular"


def test_feedback_puts_the_article_about_what_the_best_ones_are_about_first(tmp_path: Path) -> None:
    topic = "النفط الخام أسعار برميل أوبك الإنتاج"
    with Index.create(tmp_path / "ix") as index:
        index.add(
            [
                {"id": "best-1", "text": f"الطاقة الطاقة الطاقة {topic}"},
                {"id": "best-2", "text": f"الطاقة الطاقة الطاقة {topic}"},
                # one mention each: the shorter unrelated text ranks above without feedback
                {"id": "unrelated", "text": "الطاقة الإيجابية"},
                {"id": "related", "text": f"الطاقة {topic} {FILLER}"},
                *({"id": f"other-{n}", "text": f"خبر رقم {n} عن النفط الخام وأوبك"} for n in range(3)),
            ],
            fit_topics="off",
        )
        plain = [hit.id for hit in index.search("الطاقة", limit=4, collapse=False).hits]
        assert plain.index("unrelated") < plain.index("related")
        fed = Ranking(feedback_boost=1.0, feedback_docs=2, feedback_terms=5)
        widened = [hit.id for hit in index.search("الطاقة", limit=4, ranking=fed, collapse=False).hits]
        assert widened.index("related") < widened.index("unrelated")
        # feedback only reranks: the same articles, the same total
        assert index.search("الطاقة", ranking=fed).total == index.search("الطاقة").total == 4


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (["proximity_boost=0.2"], {"proximity_boost": 0.2}),
        (["feedback-boost=0.3", "feedback_docs=5"], {"feedback_boost": 0.3, "feedback_docs": 5}),
        ([" title_boost = 0 "], {"title_boost": 0.0}),
    ],
)
def test_ranking_settings_from_the_command_line(settings: list[str], expected: dict[str, float]) -> None:
    ranking = Ranking.from_settings(settings)
    assert {name: getattr(ranking, name) for name in expected} == expected
    assert ranking.exact_boost == Ranking().exact_boost  # the others keep their defaults


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        ("bogus=1", "NAME one of title_boost"),
        ("proximity_boost", "expected NAME=VALUE"),
        ("feedback_docs=2.5", "feedback_docs takes a whole number"),
        ("lemma_boost=much", "lemma_boost takes a number"),
        ("root_boost=-1", "root_boost cannot be negative"),
    ],
)
def test_a_bad_ranking_setting_says_what_is_wrong(tmp_path: Path, setting: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        Ranking.from_settings([setting])
    with Index.create(tmp_path / "ix") as index:
        index.add([{"id": "a", "text": "الطاقة"}], fit_topics="off")
    result = CliRunner().invoke(main, ["search", "الطاقة", "--index", str(tmp_path / "ix"), "--ranking", setting])
    assert result.exit_code == 2 and says in result.output and "Traceback" not in result.output


def test_the_command_line_turns_feedback_on(tmp_path: Path) -> None:
    topic = "النفط الخام أسعار برميل أوبك الإنتاج"
    records = [
        {"id": "best-1", "text": f"الطاقة الطاقة الطاقة {topic}"},
        {"id": "best-2", "text": f"الطاقة الطاقة الطاقة {topic}"},
        {"id": "unrelated", "text": "الطاقة الإيجابية"},
        {"id": "related", "text": f"الطاقة {topic} {FILLER}"},
        *({"id": f"other-{n}", "text": f"خبر رقم {n} عن النفط الخام وأوبك"} for n in range(3)),
    ]
    with Index.create(tmp_path / "ix") as index:
        index.add(records, fit_topics="off")
    command = ["search", "الطاقة", "--index", str(tmp_path / "ix"), "--all-copies", "--json"]
    settings = ["--ranking", "feedback_boost=1", "--ranking", "feedback_docs=2", "--ranking", "feedback_terms=5"]
    for extra, first_of_the_two in (([], "unrelated"), (settings, "related")):
        result = CliRunner().invoke(main, [*command, *extra])
        assert result.exit_code == 0, result.output
        ids = [hit["id"] for hit in json.loads(result.output)["hits"]]
        assert min(("related", "unrelated"), key=ids.index) == first_of_the_two
