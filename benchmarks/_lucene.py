"""Lucene 8.7 baselines for the benchmarks: Debian's liblucene8-java driven through the small Java
programs in ``lucene/`` (benchmark-only; never part of arsearch).

``apt-get install liblucene8-java default-jdk-headless`` provides them; a benchmark that needs
them skips with a reason where ``lucene_classpath()`` is None.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

LUCENE_DIR = Path(__file__).resolve().parent / "lucene"
LUCENE_JARS = ("lucene-core-8.*.jar", "lucene-analyzers-common-8.*.jar")
JAVA_DIR = Path("/usr/share/java")
MISSING = "needs java, javac and Debian's liblucene8-java (apt-get install liblucene8-java default-jdk-headless)"


def lucene_classpath() -> str | None:
    """The jars of Debian's liblucene8-java, or None when they (or java, javac) are missing."""
    if shutil.which("java") is None or shutil.which("javac") is None:
        return None
    jars = [sorted(JAVA_DIR.glob(pattern)) for pattern in LUCENE_JARS]
    return ":".join(str(found[-1]) for found in jars) if all(jars) else None


def escaped(value: str) -> str:
    """A field as the Java programs read it: one line, tabs and line breaks escaped."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_articles(records: Iterable[Mapping[str, Any]], path: Path) -> None:
    """Articles as ``ArabicIndexer`` reads them: "id<TAB>title<TAB>text", one a line."""
    with path.open("w", encoding="utf-8") as tsv:
        for record in records:
            fields = (str(record["id"]), record.get("title") or "", record.get("text") or "")
            tsv.write("\t".join(escaped(field) for field in fields) + "\n")


def compiled(classpath: str, workdir: Path) -> str:
    """The classpath with the Java programs compiled into ``workdir / "classes"``."""
    classes = workdir / "classes"
    sources = [str(path) for path in sorted(LUCENE_DIR.glob("*.java"))]
    subprocess.run(["javac", "-d", str(classes), "-cp", classpath, *sources], check=True)
    return f"{classes}:{classpath}"


#: A batch no import reaches: Lucene commits once, at the end (its best bulk setting).
ONE_COMMIT = 1 << 30


def index_articles(
    classpath: str, articles: Path, index_dir: Path, batch: int = ONE_COMMIT, buffer_bytes: int = 128_000_000
) -> dict[str, Any]:
    """``ArabicIndexer``'s run over ``articles`` (a commit every ``batch``, an indexing buffer of
    ``buffer_bytes``): its JSON line."""
    buffer_mb = str(max(1, buffer_bytes // 1_000_000))
    command = ["java", "-cp", classpath, "ArabicIndexer", str(articles), str(index_dir), str(batch), buffer_mb]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    import orjson

    found: dict[str, Any] = orjson.loads(output.splitlines()[-1])
    return found


def search_topics(
    classpath: str, index_dir: Path, topics: Mapping[str, str], depth: int, mode: str
) -> dict[str, list[str]]:
    """``ArabicSearcher``'s ranked article ids for each topic (BM25, ``mode`` as it documents)."""
    listed = index_dir.parent / "topics.tsv"
    listed.write_text("".join(f"{qid}\t{' '.join(text.split())}\n" for qid, text in topics.items()), encoding="utf-8")
    command = ["java", "-cp", classpath, "ArabicSearcher", str(index_dir), str(listed), str(depth), mode]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    run: dict[str, list[str]] = {}
    for line in output.splitlines():
        qid, _, article, *_ = line.split()
        run.setdefault(qid, []).append(article)
    return run
