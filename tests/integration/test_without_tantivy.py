"""The pure-Python Whoosh engine where tantivy cannot be imported, and what is Whoosh's own.

(Every other test module also runs on the Whoosh engine: see conftest.py.)
"""

from __future__ import annotations

import gzip
import itertools
import subprocess
import sys
import textwrap
from pathlib import Path

import orjson

from arsearch import Index

TEST_ENGINES = ("tantivy",)  # each test names its engines itself

#: Runs a script as if tantivy had no wheel for this platform.
WITHOUT_TANTIVY = "import sys; sys.modules['tantivy'] = None\n"


def _without_tantivy(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_TANTIVY + textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )


def test_without_tantivy_arsearch_imports_and_new_indexes_use_whoosh(tmp_path: Path) -> None:
    done = _without_tantivy(
        """
        import arsearch, sys
        from arsearch import Index
        index = Index.create(sys.argv[1])
        index.add([{"id": "1", "title": "افتتاح معرض الكتاب", "text": "افتتح معرض الكتاب الدولي أبوابه."}])
        print(index.info().engine, index.search("معرض").total)
        """,
        str(tmp_path / "ix"),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["whoosh", "1"]
    notices = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(notices) == 1 and "tantivy cannot be imported" in notices[0] and "Whoosh" in notices[0]
    with Index.open(tmp_path / "ix") as index:  # and the index opens where tantivy is present
        assert index.info().engine == "whoosh" and index.search("معرض").total == 1


def test_a_tantivy_index_without_tantivy_says_what_to_do(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix", engine="tantivy") as index:
        index.add([{"id": "1", "text": "خبر"}])
    done = _without_tantivy("from arsearch import Index; import sys; Index.open(sys.argv[1])", str(tmp_path / "ix"))
    assert done.returncode != 0 and "pip install tantivy" in done.stderr


def test_without_tantivy_a_thousand_articles_rank_as_with_it(tmp_path: Path, shared_dir: Path) -> None:
    """The issue's check: 1,000 articles built, searched, related and suggested with tantivy unimportable;
    top 10s agree with the tantivy engine's by at least 0.8 on average."""
    corpus = tmp_path / "corpus.jsonl"
    with gzip.open(shared_dir / "corpora" / "saudinewsnet.jsonl.gz") as source:
        corpus.write_bytes(b"".join(itertools.islice(source, 1000)))
    records = [orjson.loads(line) for line in corpus.read_bytes().splitlines()]
    queries = [record["title"] for record in records[::25] if record.get("title")]
    done = _without_tantivy(
        """
        import sys, orjson
        from arsearch import Index
        from arsearch.records.ingest import read_records
        index = Index.create(sys.argv[1])
        index.add(read_records([sys.argv[2]]), fit_topics="off")
        queries = orjson.loads(sys.argv[3])
        first = sorted(index.snapshot().ids())[0]
        print(orjson.dumps({
            "engine": index.info().engine,
            "articles": len(index),
            "top10": [[hit.id for hit in index.search(query, collapse=False).hits] for query in queries],
            "related": [item.id for item in index.related(first)],
            "suggest": [suggestion.text for suggestion in index.suggest("ال", 5)],
        }).decode())
        """,
        str(tmp_path / "whoosh"),
        str(corpus),
        orjson.dumps(queries).decode(),
    )
    assert done.returncode == 0, done.stderr
    found = orjson.loads(done.stdout)
    # both without a topic model: related articles on key terms alone on either side (a background
    # refit landing on one side mid-test would make the comparison a race)
    with Index.create(tmp_path / "tantivy", engine="tantivy") as reference:
        reference.add(records, fit_topics="off")
        assert found["engine"] == "whoosh" and found["articles"] == len(reference) > 900
        overlaps = []
        for query, ours in zip(queries, found["top10"], strict=True):
            theirs = [hit.id for hit in reference.search(query, collapse=False).hits]
            overlaps.append(len(set(ours) & set(theirs)) / max(1, len(theirs)))
        assert sum(overlaps) / len(overlaps) >= 0.8, overlaps
        first = sorted(reference.snapshot().ids())[0]
        assert len(found["related"]) == 5 and set(found["related"]) & {item.id for item in reference.related(first)}
        assert found["suggest"] == [suggestion.text for suggestion in reference.suggest("ال", 5)]
