"""Damaged indexes: clear errors that name the fix, `check` finds the damage, `repair` keeps what reads."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from arsearch import Index
from arsearch.cli import main
from arsearch.errors import IndexCorruptError, IndexVersionError
from arsearch.maintenance import check_index, repair_index
from arsearch.records.ingest import read_records
from arsearch.store.settings import SETTINGS_FILE
from helpers import SAMPLE

TEST_ENGINES = ("tantivy",)  # damages and repairs tantivy's segment files (test_whoosh_engine.py has Whoosh's)


def three_segments(path: Path) -> Path:
    """The 30 sample articles in three commits of 10, so three segments (no merge below 8)."""
    with Index.create(path) as index:
        index.add(read_records([str(SAMPLE)]), batch_size=10)
    segments = {entry.name.split(".")[0] for entry in path.iterdir() if entry.suffix == ".store"}
    assert len(segments) == 3
    return path


def damage(path: Path, suffix: str, how: str) -> str:
    """Damage one segment's file; returns the segment's file prefix."""
    victim = sorted(path.glob(f"*.{suffix}"))[0]
    if how == "delete":
        victim.unlink()
    else:
        victim.write_bytes(victim.read_bytes()[:64])
    return victim.name.split(".")[0]


def test_a_sound_index_checks_ok(tmp_path: Path) -> None:
    report = check_index(three_segments(tmp_path / "ix"))
    assert report.ok and report.articles == 30 and report.segments == 3


@pytest.mark.parametrize(("suffix", "how"), [("store", "delete"), ("idx", "truncate"), ("term", "truncate")])
def test_a_damaged_segment_is_named_and_repair_keeps_the_rest(tmp_path: Path, suffix: str, how: str) -> None:
    path = three_segments(tmp_path / "ix")
    segment = damage(path, suffix, how)
    with pytest.raises(IndexCorruptError, match=rf"{segment}.*run 'arsearch repair --index {path}'"):
        Index.open(path).search("المملكة")
    report = check_index(path)
    assert not report.ok and segment in report.problems[0]

    repaired = repair_index(path)
    assert repaired.kept_segments == 2 and repaired.dropped_articles == 10 and repaired.articles == 20
    assert repaired.backup is not None and repaired.backup.exists()
    assert check_index(path).ok
    with Index.open(path) as index:
        assert index.search("المملكة").total > 0
        # re-running the import brings the lost articles back, once each
        rerun = index.add(read_records([str(SAMPLE)]))
        assert (rerun.added, rerun.unchanged) == (10, 20)
        ids = list(index.ids())
        assert len(ids) == len(set(ids)) == 30


def test_repair_of_a_sound_index_changes_nothing(tmp_path: Path) -> None:
    path = three_segments(tmp_path / "ix")
    before = (path / "meta.json").read_bytes()
    report = repair_index(path)
    assert not report.changed and report.articles == 30
    assert (path / "meta.json").read_bytes() == before


def test_a_lost_commit_list_cannot_be_repaired_and_says_so(tmp_path: Path) -> None:
    path = three_segments(tmp_path / "ix")
    (path / "meta.json").write_text("garbage", encoding="utf-8")
    assert "meta.json" in check_index(path).problems[0]
    with pytest.raises(IndexCorruptError, match=r"meta.json cannot be read .*rebuild the index from your articles"):
        repair_index(path)


def test_an_older_schema_is_rebuilt_from_its_stored_articles(tmp_path: Path) -> None:
    path = three_segments(tmp_path / "ix")
    settings = orjson.loads((path / SETTINGS_FILE).read_bytes())
    (path / SETTINGS_FILE).write_bytes(orjson.dumps({**settings, "schema_version": 2}))
    with pytest.raises(IndexVersionError, match=r"schema 2.*arsearch repair --index .* stored articles"):
        Index.open(path)
    report = repair_index(path)
    assert report.rebuilt_from_schema == 2 and report.articles == 30
    with Index.open(path) as index:
        assert index.get("sample-05").source == "الوطن"
    assert (tmp_path / "ix.schema-2" / SETTINGS_FILE).exists()  # the old index is kept


def test_cli_check_and_repair(tmp_path: Path) -> None:
    path = three_segments(tmp_path / "ix")
    runner = CliRunner()
    ok = runner.invoke(main, ["check", "--index", str(path)])
    assert ok.exit_code == 0 and "ok (30 articles in 3 segments)" in ok.output
    damage(path, "store", "delete")
    bad = runner.invoke(main, ["check", "--index", str(path)])
    assert bad.exit_code == 1 and "arsearch repair" in bad.output
    fixed = runner.invoke(main, ["repair", "--index", str(path)])
    assert fixed.exit_code == 0
    assert "dropped 1 damaged segment holding 10 articles" in fixed.output
    assert "20 articles" in fixed.output
    search = runner.invoke(main, ["search", "المملكة", "--index", str(path)])
    assert search.exit_code == 0 and "Traceback" not in search.output


def test_an_index_without_its_settings_is_never_overwritten(tmp_path: Path) -> None:
    path = three_segments(tmp_path / "ix")
    (path / SETTINGS_FILE).unlink()
    result = CliRunner().invoke(main, ["index", str(SAMPLE), "--index", str(path)])
    assert result.exit_code == 1 and "not overwriting it" in result.output
    assert len(list(path.glob("*.store"))) == 3  # the committed segments are still there
    # a creation cut short before its first commit is not worth keeping: it is started afresh
    empty = tmp_path / "empty"
    Index.create(empty)
    (empty / SETTINGS_FILE).unlink()
    with Index.create(empty) as index:
        assert len(index) == 0
