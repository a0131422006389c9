"""Reading article records from files and streams, in constant memory.

Formats: JSON Lines (``.jsonl``, ``.ndjson``), a JSON array (``.json``), CSV
(``.csv``), each optionally gzip-compressed (``.gz``), and ``-`` for standard
input. Every record comes with its location (``file:line``) so problems can
be reported precisely; a record that cannot be parsed is yielded with the
reason instead of stopping the run.

مثال::

    >>> for record in read_records(["samples/news.jsonl"]):
    ...     print(record.location, record.data["title"])  # doctest: +SKIP
    samples/news.jsonl:1 وزارة المالية تعلن ميزانية العام الجديد
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import orjson

Format = Literal["auto", "jsonl", "json", "csv"]
FORMATS: tuple[Format, ...] = ("auto", "jsonl", "json", "csv")
STDIN = "-"

_SUFFIX_FORMATS: dict[str, Format] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv"}
_CHUNK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_BUFFER = 1 << 20


class IngestError(Exception):
    """A whole input cannot be read (missing file, unknown format)."""


@dataclass(frozen=True)
class Record:
    """One raw record and where it came from; ``error`` is set when it could not be parsed.

    ``error_kind`` is the short category of the error ("malformed JSON", ...).
    """

    location: str
    data: Any = None
    error: str | None = None
    error_kind: str | None = None


def detect_format(path: str) -> Format:
    """The format named by a file's suffix (``.gz`` looked through)."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if suffixes and suffixes[-1] in _SUFFIX_FORMATS:
        return _SUFFIX_FORMATS[suffixes[-1]]
    raise IngestError(f"{path}: cannot tell the format from the file name; use --format jsonl|json|csv")


class ReadProgress:
    """How much of the inputs has been read, in bytes as stored (compressed, for gzip files),
    for a progress bar; ``total`` is None when an input has no known size (stdin)."""

    def __init__(self, paths: Sequence[str]) -> None:
        sizes = [None if path == STDIN else _size(path) for path in paths]
        self.total: int | None = None if None in sizes else sum(size or 0 for size in sizes)
        self._finished = 0
        self._current: IO[bytes] | None = None

    @property
    def read(self) -> int:
        current = 0
        if self._current is not None:
            with contextlib.suppress(OSError, ValueError):  # closed, or not seekable
                current = self._current.tell()
        return self._finished + current

    def _start(self, stream: IO[bytes]) -> None:
        self._current = stream

    def _finish(self) -> None:
        if self._current is not None:
            self._finished = self.read
            self._current = None


def _size(path: str) -> int | None:
    try:
        return Path(path).stat().st_size
    except OSError:
        return None  # reported when the file is opened


def read_records(
    paths: Sequence[str],
    format: Format = "auto",
    *,
    stdin: IO[bytes] | None = None,
    progress: ReadProgress | None = None,
) -> Iterator[Record]:
    """Yield every record of every input, in order; ``progress`` follows the bytes read."""
    for path in paths:
        yield from _read_one(path, format, stdin, progress)


def _read_one(path: str, format: Format, stdin: IO[bytes] | None, progress: ReadProgress | None) -> Iterator[Record]:
    if path == STDIN:
        raw = stdin if stdin is not None else sys.stdin.buffer
        # peek() is needed to sniff gzip and the format; plain byte streams lack it
        stream: IO[bytes] = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[type-var]
        name = "<stdin>"
    else:
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed below, after the generator is done
        except FileNotFoundError:
            raise IngestError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise IngestError(f"{path}: is a directory, not a file") from None
        except PermissionError:
            raise IngestError(f"{path}: permission denied") from None
        name = path
    if progress is not None:
        progress._start(stream)
    try:
        peeked = stream.peek(2)[:2] if isinstance(stream, io.BufferedReader) else b""
        if peeked == _GZIP_MAGIC:
            # read through a large buffer: GzipFile's own (8 kB) makes line iteration ~25% slower
            stream = io.BufferedReader(gzip.GzipFile(fileobj=stream), _GZIP_BUFFER)
        if format == "auto":
            format = _sniff(stream) if path == STDIN else detect_format(path)
        readers = {"jsonl": _read_jsonl, "json": _read_json_array, "csv": _read_csv}
        try:
            yield from readers[format](stream, name)
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            raise IngestError(f"{name}: cannot be read to the end ({error})") from None
    finally:
        if progress is not None:
            progress._finish()
        stream.close()


def _sniff(stream: IO[bytes]) -> Format:
    head = stream.peek(_CHUNK)[:_CHUNK].lstrip(b"\xef\xbb\xbf \t\r\n") if hasattr(stream, "peek") else b""
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"{"):
        return "jsonl"
    if not head:
        raise IngestError("<stdin>: no input (standard input was empty): pipe the articles in, or name a file")
    raise IngestError("<stdin>: cannot tell the format (not JSON); use --format csv for CSV input")


def _read_jsonl(stream: IO[bytes], name: str) -> Iterator[Record]:
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        location = f"{name}:{number}"
        try:
            yield Record(location, orjson.loads(line))
        except orjson.JSONDecodeError as error:
            yield Record(location, error_kind="malformed JSON", error=f"malformed JSON ({_json_reason(error)})")


def _json_reason(error: orjson.JSONDecodeError) -> str:
    return str(error.msg if hasattr(error, "msg") else error).split(":")[0]


# What matters to the array splitter: escapes (skipped as a pair, so an escaped
# quote never ends a string), quotes, brackets, commas and newlines.
_STRUCTURE = re.compile(rb'\\.|["\[\]{},\n]', re.S)


def _read_json_array(stream: IO[bytes], name: str) -> Iterator[Record]:
    """Split a top-level JSON array into its elements without loading it whole."""
    depth = 0  # nesting depth; 1 = directly inside the top-level array
    in_string = opened = closed = False
    line = element_line = 1
    element = bytearray()
    while chunk := stream.read(_CHUNK):
        if chunk.endswith(b"\\"):
            chunk += stream.read(1)  # never split an escape between two chunks
        start = 0  # where the current element's unsaved bytes begin in this chunk
        for match in _STRUCTURE.finditer(chunk):
            char = match.group()
            if char == b"\n":
                line += 1
            elif len(char) == 2:
                continue
            elif in_string:
                in_string = char != b'"'
            elif char == b'"':
                in_string = True
            elif depth == 0:
                if char != b"[" or opened:
                    yield Record(
                        f"{name}:{line}",
                        error_kind="malformed JSON",
                        error="malformed JSON (expected one array of objects)",
                    )
                    return
                opened, depth, start, element_line = True, 1, match.end(), line
            elif char in (b"[", b"{"):
                depth += 1
            elif char in (b"]", b"}"):
                depth -= 1
                if depth == 0:
                    element += chunk[start : match.start()]
                    yield from _emit(element, name, element_line)
                    element, closed = bytearray(), True
            elif char == b"," and depth == 1:
                element += chunk[start : match.start()]
                yield from _emit(element, name, element_line)
                element, start, element_line = bytearray(), match.end(), line
        if depth > 0:
            element += chunk[start:]
    if not closed:
        reason = "the array is not closed" if opened else "expected one array of objects"
        yield Record(f"{name}:{line}", error_kind="malformed JSON", error=f"malformed JSON ({reason})")


def _emit(element: bytearray, name: str, line: int) -> Iterator[Record]:
    text = bytes(element).strip()
    if not text:
        return
    # the element's own first line: skip the blank lines before it
    line += bytes(element)[: len(element) - len(bytes(element).lstrip())].count(b"\n")
    location = f"{name}:{line}"
    try:
        yield Record(location, orjson.loads(text))
    except orjson.JSONDecodeError as error:
        yield Record(location, error_kind="malformed JSON", error=f"malformed JSON ({_json_reason(error)})")


def _read_csv(stream: IO[bytes], name: str) -> Iterator[Record]:
    csv.field_size_limit(1 << 30)  # long articles are fine; the default is 128 KB
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.DictReader(text)
    record_line = 2  # line 1 is the header
    try:
        for row in reader:
            location = f"{name}:{record_line}"
            record_line = reader.line_num + 1
            if None in row:
                yield Record(location, error="CSV row has more fields than the header", error_kind="malformed CSV")
                continue
            if any(_has_bad_utf8(value) for value in row.values() if value):
                yield Record(location, error="invalid UTF-8", error_kind="invalid UTF-8")
                continue
            yield Record(location, {key: value for key, value in row.items() if value not in (None, "")})
    except csv.Error as error:
        yield Record(f"{name}:{record_line}", error=f"malformed CSV ({error})", error_kind="malformed CSV")


def _has_bad_utf8(value: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in value)
