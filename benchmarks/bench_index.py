"""Indexing speed: arsearch vs. plain Whoosh and Lucene's ArabicAnalyzer on SaudiNewsNet, in the same run.

    python benchmarks/bench_index.py [--limit N] [--batch 1000]

arsearch indexes through its public API (``Index.add`` over
``ingest.read_records``, so reading and validating the gzip'd JSONL counts),
with full Arabic analysis: the title, and the title + text, each indexed as
light stems and exact forms (with positions) and as roots. The baseline is plain whoosh-reloaded with its
default analyzer (StandardAnalyzer) over id, title (stored) and text, fed from
the same file. Each engine runs in a fresh interpreter (a plain subprocess, not
a multiprocessing pool worker, whose peak RSS reads ~1.6x higher for the same
work), so peak RSS is its own.

The Lucene baseline is Lucene 8.7 with its ArabicAnalyzer (what Elasticsearch,
OpenSearch and Solr call "arabic"), through ``lucene/ArabicIndexer.java``:
title and text analyzed and stored, commits every ``--batch``, one indexing
thread, a 128 MB buffer. It needs Debian's ``liblucene8-java`` and a JDK
(``apt-get install liblucene8-java default-jdk-headless``) and is skipped,
with the reason, without them. It reads a TSV written beforehand (not timed),
so JSON parsing counts for arsearch and not for Lucene; its time starts with
the JVM running (start-up excluded), and its peak RSS is the JVM's.
Prints one JSON line and a table.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from _common import SAUDINEWSNET, peak_rss_mb, print_report, read_jsonl_gz, require


def directory_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file()) / 1e6


def run_arsearch(limit: int | None, batch: int) -> dict[str, Any]:
    from itertools import islice

    from arsearch import Index
    from arsearch.ingest import read_records

    workdir = Path(tempfile.mkdtemp(prefix="bench-arsearch-"))
    try:
        started = time.perf_counter()
        with Index.create(workdir / "ix") as index:
            records = read_records([str(require(SAUDINEWSNET))])
            report = index.add(islice(records, limit), batch_size=batch)
        elapsed = time.perf_counter() - started
        # Peak RSS of the indexing itself: measured before anything opens a
        # searcher (which maps the new index into memory: +170 MB per 4k articles).
        peak = peak_rss_mb()
        return {
            "engine": "arsearch",
            "docs": report.added,
            "skipped": sum(report.skipped.values()),
            "seconds": elapsed,
            "size_mb": directory_mb(workdir / "ix"),
            "peak_rss_mb": peak,
        }
    finally:
        shutil.rmtree(workdir)


def run_plain_whoosh(limit: int | None, batch: int) -> dict[str, Any]:
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, TEXT, Schema

    workdir = Path(tempfile.mkdtemp(prefix="bench-whoosh-"))
    try:
        started = time.perf_counter()
        schema = Schema(id=ID(stored=True, unique=True), title=TEXT(stored=True), text=TEXT)
        ix = whoosh_index.create_in(str(workdir), schema)
        writer = ix.writer(limitmb=256)
        for count, record in enumerate(read_jsonl_gz(SAUDINEWSNET, limit), 1):
            writer.add_document(id=record["id"], title=record.get("title") or "", text=record.get("text") or "")
            if count % batch == 0:
                writer.commit()
                writer = ix.writer(limitmb=256)
        writer.commit()
        elapsed = time.perf_counter() - started
        return {
            "engine": "plain whoosh",
            "docs": ix.doc_count(),
            "skipped": 0,
            "seconds": elapsed,
            "size_mb": directory_mb(workdir),
            "peak_rss_mb": peak_rss_mb(),
        }
    finally:
        shutil.rmtree(workdir)


LUCENE_SOURCE = Path(__file__).resolve().parent / "lucene" / "ArabicIndexer.java"
LUCENE_JARS = ("lucene-core-8.*.jar", "lucene-analyzers-common-8.*.jar")
JAVA_DIR = Path("/usr/share/java")


def lucene_classpath() -> str | None:
    """The jars of Debian's liblucene8-java, or None when they (or java, javac) are missing."""
    if shutil.which("java") is None or shutil.which("javac") is None:
        return None
    jars = [sorted(JAVA_DIR.glob(pattern)) for pattern in LUCENE_JARS]
    return ":".join(str(found[-1]) for found in jars) if all(jars) else None


def _escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def run_lucene(limit: int | None, batch: int) -> dict[str, Any]:
    classpath = lucene_classpath()
    assert classpath is not None, "checked by main()"
    workdir = Path(tempfile.mkdtemp(prefix="bench-lucene-"))
    try:
        articles = workdir / "articles.tsv"
        with articles.open("w", encoding="utf-8") as tsv:
            for record in read_jsonl_gz(SAUDINEWSNET, limit):
                fields = (str(record["id"]), record.get("title") or "", record.get("text") or "")
                tsv.write("\t".join(_escaped(field) for field in fields) + "\n")
        classes = workdir / "classes"
        subprocess.run(["javac", "-d", str(classes), "-cp", classpath, str(LUCENE_SOURCE)], check=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        command = ["java", "-cp", f"{classes}:{classpath}", "ArabicIndexer", str(articles), str(workdir / "ix")]
        output = subprocess.run([*command, str(batch)], check=True, capture_output=True, text=True).stdout
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        result = orjson.loads(output.splitlines()[-1])
        return {
            "engine": "lucene ArabicAnalyzer",
            "docs": result["articles"],
            "skipped": 0,
            "seconds": result["seconds"],
            "size_mb": directory_mb(workdir / "ix"),
            # the JVM's own peak (javac's, if larger, would show as no change from before)
            "peak_rss_mb": peak / 1024 if peak > before else float("nan"),
        }
    finally:
        shutil.rmtree(workdir)


RUNNERS = {"plain_whoosh": run_plain_whoosh, "lucene": run_lucene, "arsearch": run_arsearch}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--batch", type=int, default=1000, help="commit every N articles (both engines)")
    parser.add_argument("--engine", choices=RUNNERS, help=argparse.SUPPRESS)  # internal: one engine, JSON out
    args = parser.parse_args()
    if args.engine:
        print(orjson.dumps(RUNNERS[args.engine](args.limit, args.batch)).decode())
        return
    results = []
    for engine in RUNNERS:
        if engine == "lucene" and lucene_classpath() is None:
            print(
                "skipping the Lucene baseline: needs java, javac and Debian's liblucene8-java "
                "(apt-get install liblucene8-java default-jdk-headless)",
                file=sys.stderr,
            )
            continue
        command = [sys.executable, __file__, "--engine", engine, "--batch", str(args.batch)]
        command += ["--limit", str(args.limit)] if args.limit else []
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(orjson.loads(output.splitlines()[-1]))
    baseline = results[0]["docs"] / results[0]["seconds"]
    lucene = next((r["docs"] / r["seconds"] for r in results if r["engine"].startswith("lucene")), None)
    figures: dict[str, Any] = {"corpus": SAUDINEWSNET.name, "limit": args.limit, "cpus": os.cpu_count()}
    table = [("engine", "docs", "seconds", "docs/s", "vs plain", "vs lucene", "size MB", "peak RSS MB")]
    for r in results:
        rate = r["docs"] / r["seconds"]
        figures[r["engine"].replace(" ", "_")] = {
            "docs": r["docs"],
            "skipped": r["skipped"],
            "seconds": round(r["seconds"], 1),
            "docs_per_s": round(rate, 1),
            "ratio_vs_plain_whoosh": round(rate / baseline, 2),
            "ratio_vs_lucene": round(rate / lucene, 2) if lucene else None,
            "size_mb": round(r["size_mb"], 1),
            "peak_rss_mb": round(r["peak_rss_mb"], 1),
        }
        table.append(
            (
                r["engine"],
                f"{r['docs']:,}",
                f"{r['seconds']:.1f}",
                f"{rate:,.0f}",
                f"{rate / baseline:.2f}x",
                f"{rate / lucene:.2f}x" if lucene else "-",
                f"{r['size_mb']:.0f}",
                f"{r['peak_rss_mb']:.0f}",
            )
        )
    print_report(figures, table)


if __name__ == "__main__":
    main()
