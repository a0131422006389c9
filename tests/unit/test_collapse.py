"""One story once: near-copies of a hit fold into it (``Hit.copies``), on every page alike."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from arsearch import Index
from arsearch.cli import main

WIRE = (
    "أعلنت وزارة الصحة اليوم عن إطلاق حملة وطنية للتطعيم ضد الإنفلونزا الموسمية تشمل جميع المناطق "
    "وتستهدف كبار السن والأطفال والعاملين في القطاع الصحي وأوضحت الوزارة أن اللقاحات متوفرة مجانا "
    "في المراكز الصحية والمستشفيات الحكومية طوال أيام الأسبوع وأن الحملة تستمر ثلاثة أشهر"
)
OTHER_WIRE = (
    "افتتح أمير المنطقة معرض الكتاب الدولي بمشاركة أكثر من خمسمائة دار نشر من ثلاثين دولة ويضم "
    "المعرض ندوات ثقافية وأمسيات شعرية وورش عمل للأطفال ويستمر عشرة أيام ويتوقع المنظمون زيارة "
    "مليون زائر ويحتفي المعرض هذا العام بالتطعيم الثقافي بين الشعوب"
)


def article(article_id: str, source: str, title: str, text: str, date: str) -> dict[str, Any]:
    return {
        "id": article_id,
        "source": source,
        "title": title,
        "text": text,
        "date": date,
        "url": f"https://{source}.example/{article_id}",
    }


ARTICLES = [
    article("spa", "واس", "حملة وطنية للتطعيم", WIRE, "2024-01-01"),
    article("okaz", "عكاظ", "الصحة تطلق حملة التطعيم", "الرياض: " + WIRE, "2024-01-02"),
    article("riyadh", "الرياض", "حملة للتطعيم ضد الإنفلونزا", WIRE + " والله الموفق", "2024-01-03"),
    article("book-1", "واس", "معرض الكتاب", OTHER_WIRE, "2024-02-01"),
    article("book-2", "المدينة", "افتتاح معرض الكتاب", "جدة: " + OTHER_WIRE, "2024-02-02"),
    *(
        article(
            f"own-{n}",
            "الوطن",
            f"تقرير {n} عن التطعيم",
            f"تقرير خاص رقم {n} عن التطعيم في المدارس يتناول موضوعا مختلفا تماما عن غيره "
            + " ".join(f"كلمة{n}{m}" for m in range(12)),
            f"2024-03-{n + 1:02d}",
        )
        for n in range(6)
    ),
]
STORIES = {"spa": {"okaz", "riyadh"}, "book-1": {"book-2"}}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    with Index.create(tmp_path_factory.mktemp("collapse") / "ix") as index:
        index.add(ARTICLES)
        yield index


def story_of(article_id: str) -> str:
    return next((head for head, copies in STORIES.items() if article_id in copies), article_id)


def test_the_fixture_holds_the_copies_it_means_to(index: Index) -> None:
    for head, copies in STORIES.items():
        assert set(index.duplicates(head)) == copies


def test_copies_fold_into_one_hit_per_story(index: Index) -> None:
    results = index.search("التطعيم", limit=20)
    shown = [hit.id for hit in results.hits]
    assert len({story_of(article_id) for article_id in shown}) == len(shown)  # no story twice
    assert results.total == len(ARTICLES)  # total counts articles, copies included
    assert sum(results.facets["source"].values()) == len(ARTICLES)
    folded = {hit.id: {copy.id for copy in hit.copies} for hit in results.hits}
    assert sum(len(copies) for copies in folded.values()) == 3
    assert set().union(*folded.values()) | set(folded) == {a["id"] for a in ARTICLES}
    wire = next(hit for hit in results.hits if story_of(hit.id) == "spa")
    assert {copy.id for copy in wire.copies} | {wire.id} == {"spa", "okaz", "riyadh"}
    assert {copy.source for copy in wire.copies} | {wire.source} == {"واس", "عكاظ", "الرياض"}
    copy = wire.copies[0]
    assert copy.url == f"https://{copy.source}.example/{copy.id}" and copy.date is not None and copy.title


def test_a_story_is_shown_by_its_cleanest_earliest_copy_where_its_best_copy_ranks(index: Index) -> None:
    # okaz's copy ranks first for its own title, but opens with a dateline («الرياض: »): the story is
    # shown by spa's, which opens with its first sentence and came out first
    results = index.search("الصحة تطلق حملة التطعيم", limit=5)
    best_ranked = index.search("الصحة تطلق حملة التطعيم", limit=5, collapse=False).hits[0]
    assert best_ranked.id == "okaz"
    first = results.hits[0]
    assert (first.id, {copy.id for copy in first.copies}) == ("spa", {"okaz", "riyadh"})
    assert first.score == best_ranked.score  # the story keeps its best copy's place and score
    book = index.search("افتتاح معرض الكتاب", limit=5).hits[0]
    assert (book.id, [copy.id for copy in book.copies]) == ("book-1", ["book-2"])  # «جدة: » opens book-2


def test_without_the_original_the_clean_copy_is_shown_before_the_one_with_a_dateline(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add([a for a in ARTICLES if a["id"] in {"okaz", "riyadh"}])
        hit = index.search("الصحة تطلق حملة التطعيم", limit=5).hits[0]
        assert (hit.id, [copy.id for copy in hit.copies]) == ("riyadh", ["okaz"])


def test_of_two_clean_copies_of_one_day_the_one_closest_to_the_query_is_shown(tmp_path: Path) -> None:
    """A passage and a longer one holding it (an encyclopedia's overlapping paragraphs, a wire story and
    its fuller version): whichever the search ranks first for a query shows the story."""
    longer = WIRE + " وأكدت الوزارة أن الفرق الميدانية ستزور المدارس والجامعات في الأسابيع المقبلة لتطعيم الطلاب"
    with Index.create(tmp_path / "ix") as index:
        index.add(
            [
                article("short", "واس", "حملة التطعيم", WIRE, "2024-01-01"),
                article("long", "واس", "حملة التطعيم", longer, "2024-01-01"),
            ]
        )
        for query, shown in (("الفرق الميدانية تزور الجامعات", "long"), ("حملة وطنية للتطعيم", "short")):
            best = index.search(query, limit=2, collapse=False).hits[0].id
            hit = index.search(query, limit=2).hits[0]
            assert (best, hit.id, [copy.id for copy in hit.copies]) == (
                shown,
                shown,
                [{"short": "long", "long": "short"}[shown]],
            )


def test_all_copies_on_request(index: Index) -> None:
    results = index.search("التطعيم", limit=20, collapse=False)
    assert {hit.id for hit in results.hits} == {a["id"] for a in ARTICLES}
    assert all(not hit.copies for hit in results.hits)
    assert results.total == index.search("التطعيم", limit=20).total


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_pages_never_repeat_a_story(index: Index, sort: str) -> None:
    whole = [hit.id for hit in index.search("التطعيم", limit=20, sort=sort).hits]  # type: ignore[arg-type]
    paged = []
    for page in range(1, len(ARTICLES) + 2):
        paged += [hit.id for hit in index.search("التطعيم", limit=2, page=page, sort=sort).hits]  # type: ignore[arg-type]
    assert paged == whole
    assert len({story_of(article_id) for article_id in paged}) == len(paged)


def test_the_command_line_says_where_else_a_story_ran(index: Index) -> None:
    runner = CliRunner()
    folded = runner.invoke(main, ["search", "حملة وطنية للتطعيم", "--index", str(index.path)])
    assert folded.exit_code == 0, folded.output
    assert folded.output.count("also in:") == 2  # the health story and the book fair story
    also = next(line for line in folded.output.splitlines() if "also in:" in line)  # the first hit's
    assert set(also.split("also in:")[1].strip().split(", ")) == {"عكاظ", "الرياض"}
    listed = runner.invoke(main, ["search", "حملة وطنية للتطعيم", "--index", str(index.path), "--all-copies"])
    assert "also in:" not in listed.output
    as_json = runner.invoke(main, ["search", "حملة وطنية للتطعيم", "--index", str(index.path), "--json"])
    hits = json.loads(as_json.output)["hits"]
    assert {copy["id"] for copy in hits[0]["copies"]} | {hits[0]["id"]} == {"spa", "okaz", "riyadh"}
