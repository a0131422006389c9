"""Hostile input: broken bytes, runaway sizes, markup and bidi tricks, arbitrary queries, path names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arsearch import Index, index_path_for
from arsearch.errors import InvalidIndexNameError
from arsearch.records.ingest import read_records
from arsearch.search.suggest import MAX_CORRECTED_WORDS
from helpers import SAMPLE


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    with Index.create(tmp_path_factory.mktemp("hostile") / "ix") as created:
        created.add(read_records([str(SAMPLE)]))
        yield created


def test_broken_records_are_skipped_with_their_line_and_the_rest_indexed(tmp_path: Path) -> None:
    nested: object = "نص"
    for _ in range(2000):
        nested = [nested]
    lines = [
        orjson.dumps({"id": "ok-1", "title": "خبر سليم", "text": "نص سليم عن الاقتصاد"}),
        b'{"id": "bad-utf8", "text": "\xff\xfe\xfd"}',
        orjson.dumps({"id": "nul", "title": "عنوان\x00فيه صفر", "text": "نص\x00 فيه بايت صفري عن الزراعة"}),
        b'{"id": "deep", "text": ' + b"[" * 2000 + b'"x"' + b"]" * 2000 + b"}",
        orjson.dumps({"id": "huge-title", "title": "ع" * 100_000, "text": "نص عادي عن الرياضة"}),
        orjson.dumps({"id": "bidi", "title": "\u202eعنوان معكوس\u202c", "text": "نص عن \u202eالسياحة"}),
        orjson.dumps({"id": "ok-2", "title": "خبر آخر", "text": "نص سليم عن التعليم"}),
    ]
    source = tmp_path / "hostile.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    with Index.create(tmp_path / "ix") as index:
        report = index.add(read_records([str(source)]))
        problems = {problem.location.rsplit(":", 1)[1]: problem.reason for problem in report.problems}
        assert set(problems) == {"2", "4"}  # invalid UTF-8, nesting too deep: named by line
        assert report.added == 5
        assert "\x00" not in index.get("nul").text and index.search("الزراعة").hits[0].id == "nul"
        assert index.search("الرياضة").hits[0].id == "huge-title"
        assert index.search("السياحة").hits[0].id == "bidi"


def test_markup_and_bidi_overrides_in_articles_come_out_inert(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add(
            [
                {
                    "id": "x",
                    "title": '<script>alert("عنوان")</script> \u202eالمملكة',
                    "text": "خبر عن المملكة <img src=x onerror=alert(1)> و\u202eنص معكوس",
                }
            ]
        )
        hit = index.search("المملكة").hits[0]
    assert hit.title_highlighted is not None
    for html in [hit.title_highlighted.html, *(snippet.html for snippet in hit.snippets)]:
        assert "<script" not in html and "<img" not in html and "&lt;" in html
        # whatever direction marks the article holds stay inside an isolate
        assert html.startswith('<span dir="auto">\u2068') and html.endswith("\u2069</span>")
        assert html.count("<mark>") >= 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_related_to_text_never_raises(index: Index, text: str) -> None:
    related = index.related_to_text(text, limit=3)
    assert len(related) <= 3


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list('*?~"()[]{}^$\\|.+-!:ابتثجح ')), max_size=200))
def test_wildcards_and_regex_soup_never_raise(index: Index, text: str) -> None:
    results = index.search(text, limit=3)
    assert results.total >= len(results.hits)
    assert index.suggest(text[:30], limit=3) is not None


def test_pathological_queries_do_bounded_work(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    # a one-letter wildcard would scan the whole vocabulary: refused, with a warning
    assert index.search("ا*").warnings and index.search("ا*").total == 0
    # did-you-mean looks at a bounded number of unknown words, whatever the query
    import arsearch.search.suggest as suggest

    calls: list[str] = []
    real = suggest._correct_word

    def counting(*args: object, **kwargs: object) -> str | None:
        calls.append(str(args[1]))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(suggest, "_correct_word", counting)
    garbage = " ".join(f"كلمةغريبة{letter}" for letter in "ابتثجحخدذرزسشصضطظعغفقكلمنهوي")
    index.search(garbage)
    assert len(calls) == MAX_CORRECTED_WORDS
    # a 10,000-character query is cut, and says so
    assert any("1000" in warning or "1,000" in warning for warning in index.search("نفط " * 2500).warnings)


#: Past tantivy's 65,000-bucket aggregation limit, which is what this test is about; Whoosh has no
#: such limit and imports ~3,000 tiny articles a second, so a fifth of it covers its path in seconds.
TINY_ARTICLES = {"tantivy": 100_000, "whoosh": 20_000}


@pytest.mark.slow
def test_tens_of_thousands_of_tiny_articles(tmp_path: Path, engine: str) -> None:
    count = TINY_ARTICLES[engine]
    with Index.create(tmp_path / "ix") as index:
        # no topic model: a background refit over these one-word articles would only outlive the test
        report = index.add(({"id": str(n), "text": f"خبر {n % 977}"} for n in range(count)), fit_topics="off")
        assert report.added == count and len(index) == count
        assert index.search("خبر", facets=False).total == count
        # ids() and a second import still work past the engine's aggregation limits
        assert len(set(index.ids())) == count
        again = index.add([{"id": "7", "text": "خبر"}, {"id": "new", "text": "خبر جديد"}], fit_topics="off")
        assert (again.kept, again.added) == (1, 1)  # "7" is indexed with other text: kept


@pytest.mark.parametrize("name", ["../etc", "..", "/etc/passwd", "a/b", ".hidden", "", "news\x00", "x" * 101])
def test_an_index_name_cannot_escape_the_indexes_directory(tmp_path: Path, name: str) -> None:
    with pytest.raises(InvalidIndexNameError, match="not an index name"):
        index_path_for(name, tmp_path)


def test_plain_index_names_are_accepted(tmp_path: Path) -> None:
    assert index_path_for("أخبار-2024", tmp_path) == tmp_path / "أخبار-2024"
    assert index_path_for("news.v2", tmp_path) == tmp_path / "news.v2"
