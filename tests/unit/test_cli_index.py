"""`arsearch index`, `info` and `search` through click's CliRunner, and a killed writer."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from arsearch import Index
from arsearch.cli import main
from helpers import SAMPLE, SAMPLE_RECORDS


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_index_then_search_the_sample(tmp_path: Path) -> None:
    index = str(tmp_path / "ix")
    code, out, err = run("index", str(SAMPLE), "--index", index)
    assert code == 0, err
    assert out.startswith("added 30, updated 0, unchanged 0, skipped 0 in ")
    code, out, _ = run("search", "وزير الخارجية", "--index", index, "--json")
    assert code == 0
    assert orjson.loads(out)["hits"][0]["id"] == "sample-05"
    code, out, _ = run("info", "--index", index, "--json")
    assert orjson.loads(out)["doc_count"] == 30


def test_a_reimport_with_one_change_says_so_and_update_replaces_only_it(tmp_path: Path) -> None:
    index = str(tmp_path / "ix")
    assert run("index", str(SAMPLE), "--index", index)[0] == 0
    edited = tmp_path / "edited.jsonl"
    records = [{**record, "title": "عنوان معدل"} if n == 4 else record for n, record in enumerate(SAMPLE_RECORDS)]
    edited.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))
    code, out, _ = run("index", str(edited), "--index", index)
    assert code == 0
    assert out.startswith(
        "added 0, updated 0, unchanged 29, kept 1 that differ (--update replaces them), skipped 0 in "
    )
    assert "docs/s" not in out  # nothing was written
    code, out, _ = run("index", str(edited), "--index", index, "--update")
    assert out.startswith("added 0, updated 1, unchanged 29, skipped 0 in "), out
    code, out, _ = run("search", "عنوان معدل", "--index", index, "--json")
    assert orjson.loads(out)["hits"][0]["id"] == SAMPLE_RECORDS[4]["id"]


@pytest.mark.parametrize("kind", ["jsonl.gz", "json", "csv", "stdin-json", "stdin-jsonl"])
def test_every_input_format(tmp_path: Path, kind: str) -> None:
    rows = SAMPLE_RECORDS[:5]
    stdin = None
    if kind == "jsonl.gz":
        path = tmp_path / "a.jsonl.gz"
        path.write_bytes(gzip.compress(b"\n".join(orjson.dumps(r) for r in rows)))
        source = str(path)
    elif kind == "json":
        path = tmp_path / "a.json"
        path.write_bytes(orjson.dumps(rows, option=orjson.OPT_INDENT_2))
        source = str(path)
    elif kind == "csv":
        path = tmp_path / "a.csv"
        lines = ["id,title,text,date,tags"] + [
            f'{r["id"]},"{r["title"]}","{r["text"]}",{r["date"]},"{",".join(r["tags"])}"' for r in rows
        ]
        path.write_text("\n".join(lines), encoding="utf-8")
        source = str(path)
    else:
        stdin = orjson.dumps(rows) if kind == "stdin-json" else b"\n".join(orjson.dumps(r) for r in rows)
        source = "-"
    code, out, err = run("index", source, "--index", str(tmp_path / "ix"), input=stdin)
    assert code == 0, err
    assert out.startswith("added 5,")
    with Index.open(tmp_path / "ix") as index:
        assert index.get(rows[2]["id"]).title == rows[2]["title"]
        assert index.get(rows[2]["id"]).tags == tuple(rows[2]["tags"])


def test_field_map_renames_input_keys(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "1", "headline": "عنوان", "body": "متن الخبر"}\n', encoding="utf-8")
    code, _, err = run("index", str(path), "--index", str(tmp_path / "ix"), "--map", "title=headline,text=body")
    assert code == 0, err
    with Index.open(tmp_path / "ix") as index:
        assert (index.get("1").title, index.get("1").text) == ("عنوان", "متن الخبر")
    code, _, err = run("index", str(path), "--index", str(tmp_path / "ix"), "--map", "title")
    assert code == 2 and "expected ours=theirs pairs" in err


def test_bad_records_are_reported_and_strict_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "1", "text": "نص"}\n{"text": "بلا معرف"}\n{"id": "3", "date": "غدا", "text": "س"}\n')
    code, out, err = run("index", str(path), "--index", str(tmp_path / "ix"))
    assert code == 0
    assert err.splitlines() == [
        f"skipped {path}:2: missing 'id'",
        f"skipped {path}:3: unparsable date 'غدا' (expected e.g. 2024-05-31 or 2024-05-31T14:00:00)",
    ]
    assert "skipped 2 (missing id: 1, unparsable date: 1)" in out
    code, out, err = run("index", str(path), "--index", str(tmp_path / "strict"), "--strict")
    assert code == 1
    assert err.strip() == f"error: {path}:2: missing 'id'"
    assert "Traceback" not in err


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    code, _, err = run("index", str(tmp_path / "missing.jsonl"), "--index", str(tmp_path / "ix"))
    assert (code, err.strip()) == (1, f"error: {tmp_path / 'missing.jsonl'}: no such file")
    code, _, err = run("info", "--index", str(tmp_path / "nowhere"))
    assert code == 1 and err.startswith("error: no index at") and len(err.splitlines()) == 1
    code, _, err = run("search", "نص", "--index", str(tmp_path / "nowhere"))
    assert code == 1 and err.startswith("error: no index at")


def test_lock_message_names_the_holder(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index, index.store.writing():
        code, _, err = run("index", str(SAMPLE), "--index", str(tmp_path / "ix"))
    assert code == 1
    assert f"is locked by another writer (pid {os.getpid()} on " in err


def test_index_location_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARSEARCH_INDEX", str(tmp_path / "from-env"))
    code, _, _ = run("index", str(SAMPLE))
    assert code == 0
    assert len(Index.open(tmp_path / "from-env")) == 30


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("cli") / "ix")
    assert run("index", str(SAMPLE), "--index", path)[0] == 0
    return path


def test_search_readable_output(sample_dir: str) -> None:
    code, out, _ = run("search", "زيارة وزير الخارجية للمملكة", "--index", sample_dir, "--limit", "2")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].endswith(" ms)") and lines[0].split()[1] == "results"
    assert lines[1].startswith("by source: ")  # facets come before the hits
    first = lines.index("1. وزير الخارجية يزور المملكة لبحث التعاون الإقليمي  [sample-05]")
    assert lines[first + 1] == "   2024-03-11 · الوطن"
    assert "المملكةِ" in lines[first + 2]  # the original text, diacritics kept


def test_search_options_and_json(sample_dir: str) -> None:
    code, out, _ = run(
        "search",
        "وزارة",
        "--index",
        sample_dir,
        "--source",
        "الوطن",
        "--from",
        "2024-04-01",
        "--sort",
        "oldest",
        "--json",
    )
    assert code == 0
    data = orjson.loads(out)
    assert data["hits"] and all(h["source"] == "الوطن" and h["date"] >= "2024-04-01" for h in data["hits"])
    assert [h["date"] for h in data["hits"]] == sorted(h["date"] for h in data["hits"])
    assert set(data["facets"]["source"]) == {"الوطن"}
    code, _, err = run("search", "وزارة", "--index", sample_dir, "--from", "أمس")
    assert code == 2 and "unparsable date" in err and "Traceback" not in err


def test_search_says_did_you_mean_and_warns(sample_dir: str) -> None:
    code, out, err = run("search", '"المشروعع', "--index", sample_dir)
    assert code == 0
    assert "did you mean: المشروع" in out
    assert err.startswith("note: unbalanced quote")


def test_suggest_command(sample_dir: str) -> None:
    code, out, _ = run("suggest", "وزا", "--index", sample_dir, "--json")
    assert code == 0
    # articles, title and text together; shown as written, counted by its normalized form
    assert orjson.loads(out)[0] == {"text": "وزارة", "doc_count": 4, "form": "وزاره"}
