"""Indexing speed: arsearch vs. plain Whoosh on SaudiNewsNet, in the same run.

    python benchmarks/bench_index.py [--limit N] [--batch 1000]

arsearch indexes through its public API (``Index.add`` over
``ingest.read_records``, so reading and validating the gzip'd JSONL counts),
with full Arabic analysis: the title, and the title + text, each indexed as
light stems and exact forms (with positions) and as roots. The baseline is plain whoosh-reloaded with its
default analyzer (StandardAnalyzer) over id, title (stored) and text, fed from
the same file. Each engine runs in a fresh interpreter (a plain subprocess, not
a multiprocessing pool worker, whose peak RSS reads ~1.6x higher for the same
work), so peak RSS is its own.
Prints one JSON line and a table.
"""

from __future__ import annotations

import argparse
import os
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


RUNNERS = {"plain_whoosh": run_plain_whoosh, "arsearch": run_arsearch}


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
        command = [sys.executable, __file__, "--engine", engine, "--batch", str(args.batch)]
        command += ["--limit", str(args.limit)] if args.limit else []
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(orjson.loads(output.splitlines()[-1]))
    baseline = results[0]["docs"] / results[0]["seconds"]
    figures: dict[str, Any] = {"corpus": SAUDINEWSNET.name, "limit": args.limit, "cpus": os.cpu_count()}
    table = [("engine", "docs", "seconds", "docs/s", "vs plain", "size MB", "peak RSS MB")]
    for r in results:
        rate = r["docs"] / r["seconds"]
        figures[r["engine"].replace(" ", "_")] = {
            "docs": r["docs"],
            "skipped": r["skipped"],
            "seconds": round(r["seconds"], 1),
            "docs_per_s": round(rate, 1),
            "ratio_vs_plain_whoosh": round(rate / baseline, 2),
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
                f"{r['size_mb']:.0f}",
                f"{r['peak_rss_mb']:.0f}",
            )
        )
    print_report(figures, table)


if __name__ == "__main__":
    main()
