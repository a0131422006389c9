"""At scale, on the team's SaudiNewsNet corpus (skipped when ../shared is absent)."""

from __future__ import annotations

import gzip
import random
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import orjson
import pytest

from arsearch import Index
from arsearch.analysis import normalize_word
from arsearch.records.ingest import read_records

ARTICLES = 1500


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> Path:
    return shared_dir / "corpora" / "saudinewsnet.jsonl.gz"


@pytest.fixture(scope="module")
def news_index(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    with Index.create(tmp_path_factory.mktemp("snn") / "ix") as index:
        report = index.add(islice(read_records([str(corpus)]), ARTICLES))
        # the corpus has a few empty articles (no title, no text): reported, not indexed
        assert set(report.skipped) <= {"no text"}
        assert report.added + report.skipped["no text"] == ARTICLES
        assert report.topics_fitting and index.topics.wait(timeout=300) is not None  # fitted in the background
        yield index


def sample_articles(corpus: Path, count: int) -> list[dict[str, str]]:
    with gzip.open(corpus, "rb") as lines:
        articles = [orjson.loads(line) for line in islice(lines, ARTICLES)]
    with_titles = [a for a in articles if len((a.get("title") or "").split()) >= 3]
    return random.Random(7).sample(with_titles, count)


@pytest.mark.slow
def test_every_article_is_indexed_and_retrievable(news_index: Index, corpus: Path) -> None:
    assert ARTICLES * 0.95 < len(news_index) <= ARTICLES
    for article in sample_articles(corpus, 5):
        assert news_index.get(article["id"]).text == article["text"]


@pytest.mark.slow
def test_titles_and_their_spelling_variants_find_their_article(news_index: Index, corpus: Path) -> None:
    articles = sample_articles(corpus, 30)
    found = plain = 0
    for article in articles:
        title = article["title"]
        # the same title typed carelessly: normalized letters (no hamza, ه for ة, ي for ى), no diacritics
        careless = " ".join(normalize_word(word) for word in title.split())
        top = {hit.id for hit in news_index.search(title, limit=5, highlight=False).hits}
        top_careless = {hit.id for hit in news_index.search(careless, limit=5, highlight=False).hits}
        plain += article["id"] in top
        found += article["id"] in top_careless
    assert plain >= 27 and found >= 27, (plain, found)


@pytest.mark.slow
def test_snippets_at_scale_quote_the_original(news_index: Index, corpus: Path) -> None:
    article = sample_articles(corpus, 1)[0]
    hits = news_index.search(article["title"], limit=5).hits
    hit = next(h for h in hits if h.id == article["id"])
    for snippet in hit.snippets:
        plain = snippet.text.replace("[", "").replace("]", "").strip("…")
        assert plain in article["text"]
