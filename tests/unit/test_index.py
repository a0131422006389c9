"""The Index API on real indexes in temporary directories."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from arsearch import Article, ImportOptions, Index, SearchOptions
from arsearch.engine.schema import SCHEMA_VERSION
from arsearch.errors import (
    ArticleNotFoundError,
    IndexCorruptError,
    IndexExistsError,
    IndexLockedError,
    IndexNotFoundError,
    IndexVersionError,
    StrictModeError,
)
from arsearch.records.ingest import read_records
from arsearch.search.options import MAX_LIMIT
from arsearch.store.importing import DEFAULT_BATCH_SIZE, PROGRESS_EVERY
from arsearch.store.settings import SETTINGS_FILE
from helpers import SAMPLE, SAMPLE_RECORDS


@pytest.fixture
def sample_index(tmp_path: Path) -> Index:
    index = Index.create(tmp_path / "news")
    report = index.add(read_records([str(SAMPLE)]))
    assert (report.added, report.problems) == (30, [])
    return index


def test_round_trip_of_the_bundled_sample(sample_index: Index) -> None:
    first = orjson.loads(SAMPLE.read_bytes().splitlines()[0])
    article = sample_index.get(first["id"])
    assert (article.title, article.text, article.source, article.author) == (
        first["title"],
        first["text"],
        first["source"],
        first["author"],
    )
    assert article.date == datetime(2024, 1, 15)
    assert article.tags == tuple(first["tags"])
    assert len(sample_index) == 30
    assert first["id"] in sample_index
    assert set(sample_index.ids()) == {f"sample-{n:02d}" for n in range(1, 31)}


def test_reopened_index_needs_only_its_path(sample_index: Index) -> None:
    sample_index.close()
    with Index.open(sample_index.path) as reopened:
        assert len(reopened) == 30
        assert reopened.profile == "light"
        assert reopened.search("للمملكة").hits[0].id == "sample-05"


def test_info(sample_index: Index) -> None:
    info = sample_index.info()
    assert info.doc_count == 30
    assert info.profile == "light"
    assert info.schema_version == SCHEMA_VERSION
    assert info.size_bytes > 10_000
    assert info.created <= info.updated


def test_unknown_keys_are_kept_as_metadata(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add([{"id": "a", "text": "نص", "views": 12, "section": {"name": "محليات"}}])
        assert index.get("a").extra == {"views": 12, "section": {"name": "محليات"}}


def test_update_replaces_and_delete_removes(sample_index: Index) -> None:
    sample_index.update(Article(id="sample-01", title="عنوان جديد", text="ميزانية معدلة"))
    assert len(sample_index) == 30
    assert sample_index.get("sample-01").title == "عنوان جديد"
    assert sample_index.delete("sample-01") is True
    assert sample_index.delete("sample-01") is False
    assert len(sample_index) == 29
    with pytest.raises(ArticleNotFoundError, match="no article with id 'sample-01'"):
        sample_index.get("sample-01")


def test_adding_again_leaves_existing_articles_unless_update(sample_index: Index) -> None:
    again = sample_index.add(read_records([str(SAMPLE)]))
    assert (again.added, again.updated, again.unchanged, again.kept) == (0, 0, 30, 0)
    changed = sample_index.add([{"id": "sample-02", "title": "تعديل", "text": "نص"}], update=True)
    assert (changed.added, changed.updated) == (0, 1)
    assert len(sample_index) == 30


def test_a_reimport_with_one_change_counts_it_apart_and_update_writes_only_it(sample_index: Index) -> None:
    records = SAMPLE_RECORDS[:]
    records[4] = {**records[4], "title": "عنوان معدل"}
    again = sample_index.add(records, item_outcomes=True)
    assert (again.added, again.updated, again.unchanged, again.kept) == (0, 0, 29, 1)
    assert again.outcomes is not None and again.outcomes[4] == "kept" and again.outcomes.count("unchanged") == 29
    assert sample_index.get(records[4]["id"]).title != "عنوان معدل"  # kept as it was
    updated = sample_index.add(records, update=True)
    assert (updated.added, updated.updated, updated.unchanged, updated.kept) == (0, 1, 29, 0)
    assert updated.commits == 1 and sample_index.get(records[4]["id"]).title == "عنوان معدل"
    assert sample_index.add(records, update=True).updated == 0  # nothing differs any more: nothing written


def test_update_replaces_an_indexed_article_and_names_an_unknown_one(sample_index: Index) -> None:
    sample_index.update({**SAMPLE_RECORDS[0], "text": "نص جديد"})
    assert sample_index.get(SAMPLE_RECORDS[0]["id"]).text == "نص جديد"
    with pytest.raises(ArticleNotFoundError, match=r"no article with id 'nope' .* to update \(add\(\) adds articles\)"):
        sample_index.update({"id": "nope", "text": "نص"})
    assert "nope" not in sample_index


BAD_LINES = [
    ('{"id": "ok-1", "text": "نص سليم"}', None),
    ('{"id": "x", "text": ', "malformed JSON"),
    ('{"title": "بلا معرف", "text": "نص"}', "missing 'id'"),
    ('{"id": "empty", "title": "", "text": "  "}', "no text: both 'title' and 'text' are empty or missing"),
    ('{"id": "typed", "text": 42}', "'text' must be text, got number"),
    (
        '{"id": "when", "text": "نص", "date": "الثلاثاء"}',
        "unparsable date 'الثلاثاء' (expected e.g. 2024-05-31 or 2024-05-31T14:00:00)",
    ),
    ('{"id": "ok-1", "text": "مكرر"}', "duplicate id 'ok-1' (first seen at {path}:1)"),
    ('["not", "an", "object"]', "record is not an object (got array)"),
    ('{"id": "ok-2", "text": "نص آخر", "date": "2015-08-01T10:00:00Z"}', None),
]


def test_each_bad_record_is_skipped_with_file_line_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(line for line, _ in BAD_LINES) + "\n", encoding="utf-8")
    with Index.create(tmp_path / "ix") as index:
        report = index.add(read_records([str(path)]))
        expected = [
            f"{path}:{number}: {reason.format(path=path)}"
            for number, (_, reason) in enumerate(BAD_LINES, 1)
            if reason and not reason.startswith("malformed")
        ]
        shown = [str(problem) for problem in report.problems]
        assert shown[0].startswith(f"{path}:2: malformed JSON (")
        assert shown[1:] == expected
        assert report.added == 2
        assert report.skipped == {
            "malformed JSON": 1,
            "missing id": 1,
            "no text": 1,
            "wrong type": 1,
            "unparsable date": 1,
            "duplicate id": 1,
            "not an object": 1,
        }
        assert sorted(index.ids()) == ["ok-1", "ok-2"]
        assert index.get("ok-2").date == datetime(2015, 8, 1, 10, 0)


def test_strict_stops_at_the_first_bad_record_keeping_what_came_before(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(line for line, _ in BAD_LINES), encoding="utf-8")
    with Index.create(tmp_path / "ix") as index:
        with pytest.raises(StrictModeError, match=rf"^{path}:2: malformed JSON"):
            index.add(read_records([str(path)]), strict=True)
        assert list(index.ids()) == ["ok-1"]


def test_commits_every_batch(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        report = index.add(({"id": str(n), "text": f"خبر رقم {n}"} for n in range(25)), batch_size=10)
        assert report.commits == 3
        assert len(index) == 25


def test_progress_is_heard_between_commits(tmp_path: Path) -> None:
    """Commits are rare (DEFAULT_BATCH_SIZE); a progress bar still moves every PROGRESS_EVERY articles."""
    seen: list[tuple[int, int]] = []
    with Index.create(tmp_path / "ix") as index:
        articles = ({"id": str(n), "text": f"خبر رقم {n}"} for n in range(2 * PROGRESS_EVERY + 10))
        index.add(articles, progress=lambda report: seen.append((report.indexed, report.commits)))
    assert seen == [(PROGRESS_EVERY, 0), (2 * PROGRESS_EVERY, 0), (2 * PROGRESS_EVERY + 10, 1)]
    assert DEFAULT_BATCH_SIZE > 2 * PROGRESS_EVERY + 10  # one commit, at the end


def test_an_exception_midway_keeps_the_last_commit(tmp_path: Path) -> None:
    def articles():  # type: ignore[no-untyped-def]
        for n in range(25):
            if n == 17:
                raise RuntimeError("source went away")
            yield {"id": str(n), "text": f"خبر رقم {n}"}

    with Index.create(tmp_path / "ix") as index:
        with pytest.raises(RuntimeError):
            index.add(articles(), batch_size=10)
        assert len(index) == 10
        rerun = index.add(({"id": str(n), "text": f"خبر رقم {n}"} for n in range(25)), batch_size=10)
        assert (rerun.added, rerun.unchanged, len(index)) == (15, 10, 25)


def test_second_writer_gets_a_clear_lock_message(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as first, Index.open(tmp_path / "ix") as second:
        lock_message = r"is locked by another writer \(pid \d+ on .+ since 20"
        with first.store.writing(), pytest.raises(IndexLockedError, match=lock_message):
            second.add([{"id": "1", "text": "نص"}])
        assert second.add([{"id": "1", "text": "نص"}]).added == 1


def test_a_writer_can_wait_for_the_lock(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as first, Index.open(tmp_path / "ix") as second:
        holding = first.store.writing()
        holding.__enter__()
        threading.Timer(0.5, holding.__exit__, [None, None, None]).start()
        assert second.add([{"id": "1", "text": "نص"}], wait=10).added == 1


def test_open_errors_are_clear(tmp_path: Path, sample_index: Index) -> None:
    with pytest.raises(IndexNotFoundError, match="no index at"):
        Index.open(tmp_path / "nothing")
    (tmp_path / "plain").mkdir()
    with pytest.raises(IndexNotFoundError, match="is not an arsearch index"):
        Index.open(tmp_path / "plain")
    with pytest.raises(IndexExistsError):
        Index.create(sample_index.path)
    settings_path = sample_index.path / SETTINGS_FILE
    settings = orjson.loads(settings_path.read_bytes())
    settings["schema_version"] = 99
    settings_path.write_bytes(orjson.dumps(settings))
    with pytest.raises(IndexVersionError, match=r"written by a newer arsearch \(schema 99"):
        Index.open(sample_index.path)


def test_concurrent_readers_share_one_index(sample_index: Index) -> None:
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(20):
                assert sample_index.search("المدارس").hits[0].id == "sample-09"
                assert sample_index.get("sample-05").source == "الوطن"
        except BaseException as error:  # collected for the main thread
            errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_the_engine_is_recorded_and_read_back(tmp_path: Path, engine: str) -> None:
    with Index.create(tmp_path / "ix") as index:  # the module's engine, through $ARSEARCH_ENGINE
        index.add([{"id": "1", "text": "افتتاح معرض الكتاب"}])
        assert index.info().engine == engine
    settings_path = tmp_path / "ix" / SETTINGS_FILE
    settings = orjson.loads(settings_path.read_bytes())
    assert settings["engine"] == engine
    with Index.open(tmp_path / "ix") as index:
        assert index.info().engine == engine and index.search("معرض").hits[0].id == "1"
    settings["engine"] = "lucene"
    settings_path.write_bytes(orjson.dumps(settings))
    with pytest.raises(
        IndexCorruptError, match=r"unknown engine 'lucene'; choose one of tantivy, whoosh \(in arsearch.json\)"
    ):
        Index.open(tmp_path / "ix")


def test_an_index_from_before_engines_had_names_is_tantivys(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix", engine="tantivy") as index:
        index.add([{"id": "1", "text": "افتتاح معرض الكتاب"}])
    settings_path = tmp_path / "ix" / SETTINGS_FILE
    settings = orjson.loads(settings_path.read_bytes())
    del settings["engine"]
    settings_path.write_bytes(orjson.dumps(settings))
    with Index.open(tmp_path / "ix") as index:
        assert index.info().engine == "tantivy" and index.search("معرض").hits[0].id == "1"


def test_an_unknown_engine_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown engine 'lucene'"):
        Index.create(tmp_path / "ix", engine="lucene")
    assert not (tmp_path / "ix").exists()


def test_all_or_nothing_checks_every_record_first(tmp_path: Path) -> None:
    from arsearch.errors import BatchRejectedError

    good = [{"id": str(n), "text": f"خبر رقم {n}"} for n in range(5)]
    with Index.create(tmp_path / "ix") as index:
        with pytest.raises(BatchRejectedError, match=r"^2 bad records, nothing was written: item 3: no text") as caught:
            index.add([*good[:2], {"id": "x"}, *good[2:], {"id": "0", "text": "مكرر"}], all_or_nothing=True)
        assert [problem.location for problem in caught.value.problems] == ["item 3", "item 7"]
        assert len(index) == 0
        report = index.add(good, all_or_nothing=True, batch_size=2, item_outcomes=True)
        assert (report.added, report.commits, len(index)) == (5, 1, 5)  # one commit, whatever batch_size says
        again = index.add([good[0], {"id": "new", "text": "جديد"}], all_or_nothing=True, item_outcomes=True)
        assert again.outcomes == ["unchanged", "added"]


def test_options_are_one_type_with_checked_fields(sample_index: Index) -> None:
    assert SearchOptions(limit=500, page=0).limit == MAX_LIMIT and SearchOptions(page=0).page == 1
    assert SearchOptions(limit=3, page=2).offset == 3
    with pytest.raises(ValueError, match="unknown sort 'best'"):
        SearchOptions(sort="best")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown filter 'colour'"):
        SearchOptions(filters={"colour": "red"})
    for field, bad in (("batch_size", 0), ("jobs", 0), ("fit_topics", "later")):
        with pytest.raises(ValueError, match=field):
            ImportOptions(**{field: bad})  # type: ignore[arg-type]
    # keyword arguments change the options' fields, and a misspelt one is named
    options = SearchOptions(limit=2, highlight=False)
    assert sample_index.search("المملكة", options).hits == sample_index.search("المملكة", limit=2, highlight=False).hits
    assert len(sample_index.search("المملكة", options, limit=1).hits) == 1
    with pytest.raises(TypeError, match="'limt' is not an option of SearchOptions"):
        sample_index.search("المملكة", limt=5)
    with pytest.raises(TypeError, match="'updat' is not an option of ImportOptions"):
        sample_index.add([], updat=True)


def test_the_names_of_the_last_release_still_answer_and_warn(sample_index: Index) -> None:
    index = sample_index
    old_and_new = [
        (lambda: index.topics_info(), lambda: index.topics.info()),
        (lambda: index.refitting_topics(), lambda: index.topics.refitting()),
        (lambda: index.wait_for_topics(0), lambda: index.topics.wait(0)),
        (lambda: index.topics(), lambda: index.topics.model()),
        (lambda: index.add_synonyms(["أمريكا", "الولايات المتحدة"]), lambda: index.synonyms.list()[0]),
        (lambda: index.synonyms(), lambda: index.synonyms.list()),
        (lambda: index.remove_synonyms(["أمريكا"], whole_group=True), lambda: 2),
    ]
    for old, new in old_and_new:
        with pytest.warns(DeprecationWarning, match="is deprecated and goes in the next release: use index"):
            answer = old()
        assert answer == new()
    with pytest.warns(DeprecationWarning, match=r"use index\.topics\.refit\(\)"):
        assert index.refit_topics().articles == 30  # type: ignore[union-attr]  # fitted on the 30 articles


def test_a_new_index_stores_its_articles_in_large_blocks_and_one_in_small_blocks_still_reads(
    tmp_path: Path, engine: str
) -> None:
    if engine != "tantivy":
        pytest.skip("tantivy's document store")
    from arsearch.engine.tantivy_engine import COMMIT_FILE, STORE_BLOCK_BYTES

    records = SAMPLE_RECORDS
    for name, block in (("new", STORE_BLOCK_BYTES), ("old", 16_384)):
        path = tmp_path / name
        with Index.create(path) as index:
            if name == "old":  # as tantivy's default made them before
                meta = orjson.loads((path / COMMIT_FILE).read_bytes())
                meta["index_settings"]["docstore_blocksize"] = block
                (path / COMMIT_FILE).write_bytes(orjson.dumps(meta))
        with Index.open(path) as index:
            index.add(records)
        assert orjson.loads((path / COMMIT_FILE).read_bytes())["index_settings"]["docstore_blocksize"] == block
        with Index.open(path) as index:
            assert {index.get(record["id"]).title for record in records} == {record["title"] for record in records}
            assert index.related(str(records[0]["id"]), limit=3)
