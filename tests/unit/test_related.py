"""Related articles and near-duplicates on a real index (the bundled sample plus crafted copies)."""

from __future__ import annotations

import heapq
from collections.abc import Iterator

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from arsearch import Index
from arsearch.analysis import fingerprint
from arsearch.cli import main
from arsearch.errors import ArticleNotFoundError
from arsearch.records.ingest import read_records
from helpers import SAMPLE

SAMPLE_ARTICLES = {r["id"]: r for r in (orjson.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines())}
OIL = SAMPLE_ARTICLES["sample-08"]  # ارتفاع أسعار النفط ...
BANK = SAMPLE_ARTICLES["sample-15"]  # البنك المركزي يبقي أسعار الفائدة ...


def copy_of(article: dict[str, str], new_id: str, source: str, title: str, lead: str = "") -> dict[str, str]:
    """The same story as another outlet prints it: its own title and byline, diacritics dropped."""
    text = lead + article["text"].replace("َ", "").replace("ُ", "")
    return {"id": new_id, "title": title, "text": text, "source": source, "category": article["category"]}


@pytest.fixture(scope="module", params=["key terms", "topics"])
def index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    """The sample and crafted copies, ranked on key terms alone (too few articles for a topic
    model) and with a topic model fitted anyway: every promise holds either way."""
    with Index.create(tmp_path_factory.mktemp("related") / "ix") as index:
        index.add(read_records([str(SAMPLE)]))
        index.add(
            [
                copy_of(OIL, "oil-copy-1", "وكالة الأنباء", "النفط يرتفع بعد هبوط المخزون", "(واس) - "),
                copy_of(OIL, "oil-copy-2", "صحيفة المساء", "صعود جديد لأسعار الخام"),
                {"id": "title-only", "title": "في من على", "text": ""},
                {
                    "id": "oil-analysis",
                    "title": "محللون: أسعار النفط قد تواصل الارتفاع",
                    "text": "يرى محللون أن أسعار النفط قد تواصل الارتفاع إذا استمر تراجع المخزونات الأمريكية "
                    "وبقيت أسعار الفائدة دون تغيير، مع ترقب قرارات البنك المركزي.",
                    "source": "الاقتصادية",
                    "category": "economy",
                },
            ]
        )
        assert index.topics.model() is None  # 34 articles: below topics.MIN_ARTICLES
        if request.param == "topics":
            assert index.topics.refit() is not None and index.topics.model() is not None
        yield index


def test_a_near_copy_is_found_by_duplicates(index: Index) -> None:
    assert set(index.duplicates("sample-08")) == {"oil-copy-1", "oil-copy-2"}
    assert set(index.duplicates("oil-copy-2")) == {"sample-08", "oil-copy-1"}
    assert index.duplicates("sample-15") == []


def test_related_excludes_the_article_and_its_copies(index: Index) -> None:
    related = index.related("sample-08", limit=10)
    ids = [item.id for item in related]
    assert ids and "sample-08" not in ids
    assert not {"oil-copy-1", "oil-copy-2"} & set(ids)
    assert ids[0] == "oil-analysis"  # shares the most characteristic terms


def test_copies_of_one_story_are_one_entry_unless_asked(index: Index) -> None:
    grouped = index.related("oil-analysis", limit=10)
    story = [item for item in grouped if item.id in {"sample-08", "oil-copy-1", "oil-copy-2"}]
    assert len(story) == 1
    assert {story[0].id, *story[0].duplicates} == {"sample-08", "oil-copy-1", "oil-copy-2"}
    separate = [item.id for item in index.related("oil-analysis", limit=10, include_duplicates=True)]
    assert {"sample-08", "oil-copy-1", "oil-copy-2"} <= set(separate)


def test_related_respects_filters(index: Index) -> None:
    related = index.related("oil-analysis", limit=10, filters={"source": "الاقتصادية"})
    assert related and all(item.source == "الاقتصادية" for item in related)
    assert index.related("oil-analysis", filters={"source": "لا يوجد"}) == []


def test_related_to_text(index: Index) -> None:
    related = index.related_to_text("توقعات بارتفاع أسعار النفط مع تراجع المخزونات", limit=3)
    assert related[0].id in {"sample-08", "oil-copy-1", "oil-copy-2", "oil-analysis"}
    assert index.related_to_text("") == []


def test_unknown_id_and_empty_article(index: Index) -> None:
    with pytest.raises(ArticleNotFoundError, match="no article with id 'nope'"):
        index.related("nope")
    with pytest.raises(ArticleNotFoundError):
        index.duplicates("nope")
    assert index.related("title-only") == []  # nothing but stop words
    assert index.duplicates("title-only") == []


def test_recency_preference_keeps_the_same_articles(index: Index) -> None:
    plain = {item.id for item in index.related("oil-analysis", limit=10)}
    recent = {item.id for item in index.related("oil-analysis", limit=10, recency_days=30)}
    assert recent == plain  # the sample has no dates: nothing to prefer, nothing lost


def test_cli_related_and_duplicates(index: Index) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["related", "sample-08", "--index", str(index.path), "--json"])
    assert result.exit_code == 0, result.output
    items = orjson.loads(result.output)
    assert items and items[0]["id"] == "oil-analysis" and "duplicates" in items[0]
    result = runner.invoke(main, ["related", "--text", "أسعار النفط", "--index", str(index.path)])
    assert result.exit_code == 0 and "[" in result.output
    result = runner.invoke(main, ["duplicates", "sample-08", "--index", str(index.path), "--json"])
    assert set(orjson.loads(result.output)) == {"oil-copy-1", "oil-copy-2"}
    result = runner.invoke(main, ["related", "nope", "--index", str(index.path)])
    assert result.exit_code == 1 and result.output.strip() == f"error: no article with id 'nope' in {index.path}"
    result = runner.invoke(main, ["related", "--index", str(index.path)])
    assert result.exit_code == 2 and "give an ARTICLE_ID, or a text with --text" in result.output


WORDS = ["وزير", "المملكه", "اسعار", "النفط", "مدرسه", "قطار", "مطر", "كتاب", "معرض", "دوله", "شركه", "تطبيق"]


@settings(max_examples=200)
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.lists(st.sampled_from(WORDS), max_size=60))
def test_sketch_similarity_is_a_symmetric_estimate(first: list[str], second: list[str]) -> None:
    a, b = fingerprint.sketch(first), fingerprint.sketch(second)
    assert fingerprint.similarity(a, b) == fingerprint.similarity(b, a)
    assert 0.0 <= fingerprint.similarity(a, b) <= 1.0
    assert fingerprint.unpack(fingerprint.pack(a)) == a
    if a and b:  # the estimate as defined: the shared hashes among the union's smallest
        union = heapq.nsmallest(min(fingerprint.SKETCH_SIZE, len(a), len(b)), set(a) | set(b))
        assert fingerprint.similarity(a, b) == sum(value in set(a) & set(b) for value in union) / len(union)
    # the cheap bound that rules pairs out first never changes the verdict
    assert fingerprint.is_duplicate(a, b) == (
        bool(a and b) and fingerprint.similarity(a, b) >= fingerprint.DUPLICATE_SIMILARITY
    )
    if a:
        assert fingerprint.similarity(a, a) == 1.0
    else:
        assert len(first) < fingerprint.MIN_WORDS and not fingerprint.is_duplicate(a, a)
