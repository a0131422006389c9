"""Readers: every format, locations, and malformed input reported, not raised."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from arsearch.records.ingest import IngestError, ReadProgress, Record, detect_format, read_records

TEST_ENGINES = ("tantivy",)  # reading records: no index


def records(path: Path, **kwargs: object) -> list[Record]:
    return list(read_records([str(path)], **kwargs))  # type: ignore[arg-type]


def test_jsonl_with_locations_and_a_malformed_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "1", "title": "أ"}\n\n{"id": 2,\n{"id": "3"}\n', encoding="utf-8")
    got = records(path)
    assert [(r.location, r.data, r.error_kind) for r in got] == [
        (f"{path}:1", {"id": "1", "title": "أ"}, None),
        (f"{path}:3", None, "malformed JSON"),
        (f"{path}:4", {"id": "3"}, None),
    ]


def test_gzip_is_detected_by_content(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    with gzip.open(path, "wb") as out:
        out.write('{"id": "1", "text": "نص"}\n'.encode())
    assert [r.data for r in records(path)] == [{"id": "1", "text": "نص"}]


def test_json_array_streams_elements_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        '[\n {"id": "1", "text": "a, ] } \\" \\\\"},\n\n {"id": "2", "tags": ["x", "y"]}\n]', encoding="utf-8"
    )
    assert [(r.location, r.data["id"]) for r in records(path)] == [(f"{path}:2", "1"), (f"{path}:4", "2")]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"id": "1"}', "expected one array of objects"),
        ('[{"id": "1"}', "the array is not closed"),
        ("", "expected one array of objects"),
    ],
)
def test_json_that_is_not_an_array_is_reported(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    got = records(path)
    assert got[-1].error == f"malformed JSON ({reason})"


def test_csv_with_quotes_newlines_and_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('id,title,text\n1,"عنوان, مع فاصلة","سطر أول\nسطر ثان ""مقتبس"""\n2,ثان,نص\n', encoding="utf-8")
    got = records(path)
    assert [r.location for r in got] == [f"{path}:2", f"{path}:4"]
    assert got[0].data == {"id": "1", "title": "عنوان, مع فاصلة", "text": 'سطر أول\nسطر ثان "مقتبس"'}


def test_csv_row_with_invalid_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"id,text\n1,ok\n2,\xff\xfe broken\n")
    assert [(r.location, r.error) for r in records(path)] == [(f"{path}:2", None), (f"{path}:3", "invalid UTF-8")]


def test_stdin_format_is_sniffed() -> None:
    stream = io.BytesIO('[{"id": "1", "text": "نص"}]'.encode())
    assert [r.data["id"] for r in read_records(["-"], stdin=stream)] == ["1"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.jsonl", "jsonl"), ("a.ndjson.gz", "jsonl"), ("a.JSON", "json"), ("a.csv.gz", "csv")],
)
def test_format_from_suffix(name: str, expected: str) -> None:
    assert detect_format(name) == expected


def test_unknown_suffix_and_missing_file_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("id,text\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"a\.txt: cannot tell the format from the file name; use --format"):
        records(tmp_path / "a.txt")
    with pytest.raises(IngestError, match="no such file"):
        records(tmp_path / "missing.jsonl")


def test_read_progress_follows_the_bytes_read_of_every_input(tmp_path: Path) -> None:
    plain = tmp_path / "a.jsonl"
    plain.write_bytes(b"".join(b'{"id": "%d", "text": "\xd9\x86\xd8\xb5"}\n' % n for n in range(2000)))
    packed = tmp_path / "b.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    progress = ReadProgress([str(plain), str(packed)])
    assert progress.total == plain.stat().st_size + packed.stat().st_size
    seen = []
    for number, _ in enumerate(read_records([str(plain), str(packed)], progress=progress)):
        if number % 500 == 0:
            seen.append(progress.read)
    assert seen == sorted(seen) and 0 < seen[1] < plain.stat().st_size  # it moves while the first file is read
    assert progress.read == progress.total  # every byte, compressed ones counted as stored
    assert ReadProgress(["-", str(plain)]).total is None  # stdin has no known size
