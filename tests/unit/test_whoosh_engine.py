"""The pure-Python Whoosh engine where tantivy cannot be imported, and what is Whoosh's own.

(Every other test module also runs on the Whoosh engine: see conftest.py.)
"""

from __future__ import annotations

from pathlib import Path

import orjson

from arsearch import Index
from arsearch.maintenance import check_index, repair_index
from helpers import SAMPLE

TEST_ENGINES = ("tantivy",)  # each test names its engines itself


def test_whoosh_check_and_repair_of_a_sound_index_change_nothing(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix", engine="whoosh") as index:
        index.add([orjson.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()], batch_size=10)
    assert check_index(tmp_path / "ix").ok
    report = repair_index(tmp_path / "ix")
    assert report.dropped_segments == [] and report.articles == 30 and report.backup is None


def test_whoosh_repair_drops_a_damaged_segment_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    records = [orjson.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    with Index.create(path, engine="whoosh") as index:
        index.add(records[:20])
    segments_before = {file.name for file in path.glob("*.seg")}
    with Index.open(path) as index:
        index.add(records[20:])
    added = sorted(set(path.glob("*.seg")) - {path / name for name in segments_before})
    assert added, "the second import should have written a segment of its own"
    added[0].write_bytes(added[0].read_bytes()[:64])
    assert not check_index(path).ok
    report = repair_index(path)
    assert report.dropped_segments and report.backup is not None and report.backup.exists()
    with Index.open(path) as index:
        assert len(index) == 20 and index.search("معرض الكتاب").total >= 1
        index.add(records)  # re-running the import brings the lost articles back, once each
        assert len(index) == 30


def test_cli_index_takes_an_engine_for_a_new_index_only(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from arsearch.cli import main

    runner = CliRunner()
    where = ["--index", str(tmp_path / "ix")]
    result = runner.invoke(main, ["index", str(SAMPLE), *where, "--engine", "whoosh", "--quiet"])
    assert result.exit_code == 0, result.output
    with Index.open(tmp_path / "ix") as index:
        assert index.info().engine == "whoosh" and len(index) == 30
    result = runner.invoke(main, ["index", str(SAMPLE), *where, "--engine", "tantivy", "--quiet"])
    assert result.exit_code != 0 and "uses the whoosh engine, not tantivy" in result.output
    result = runner.invoke(main, ["search", "معرض الكتاب", *where, "--json"])
    assert result.exit_code == 0 and orjson.loads(result.output)["hits"][0]["id"] == "sample-03"
