"""Indexing speed: arsearch vs. plain Whoosh and Lucene's ArabicAnalyzer on SaudiNewsNet, in the same run.

    python benchmarks/bench_index.py [--limit N] [--batch 2500] [--jobs N] [--engines a,b] [--repeat N]
    python benchmarks/bench_index.py --sizes 1000,10000,31030,100000 [--jobs N]
    python benchmarks/bench_index.py --cold-cli 3000 [--repeat N]

arsearch indexes through its public API (``Index.add`` over
``ingest.read_records``, so reading and validating the gzip'd JSONL counts),
with full Arabic analysis: the title, and the title + text, each indexed as
light stems and exact forms (with positions) and as roots. The baseline is plain Whoosh (whoosh3) with its
default analyzer (StandardAnalyzer) over id, title (stored) and text, fed from
the same file. Each engine runs in a fresh interpreter (a plain subprocess, not
a multiprocessing pool worker, whose peak RSS reads ~1.6x higher for the same
work), so peak RSS is its own.

The Lucene baseline is Lucene 8.7 with its ArabicAnalyzer (what Elasticsearch,
OpenSearch and Solr call "arabic"), through ``lucene/ArabicIndexer.java``:
title and text analyzed and stored, the id stored, one indexing thread, and
its best bulk setting: one commit at the end and the same buffer as
arsearch's writer (``WRITER_HEAP_BYTES``, 128 MB; ``--batch`` does not apply
to it: committing every batch only slows it). It needs Debian's ``liblucene8-java`` and a JDK
(``apt-get install liblucene8-java default-jdk-headless``) and is skipped,
with the reason, without them. It reads a TSV written beforehand (not timed),
so JSON parsing counts for arsearch and not for Lucene; its time starts with
the JVM running (start-up excluded), and its peak RSS is the JVM's.
arsearch also runs on its pure-Python Whoosh engine (``arsearch_whoosh``),
the same analysis written through Whoosh.
``--sizes``: arsearch alone at each size, for a scale curve (beyond 31,030 the
corpus is read again, under new ids). ``--cold-cli N``: the first N articles
through the ``arsearch index`` command against a plain-Whoosh script, each a
fresh interpreter timed from the outside (start-up and imports included).
Peak RSS is that of the importing process and all its workers together
(sampled from /proc; the importer's own peak beside it).
arsearch's import returns once its articles are committed, and its topic
model is refitted by a background process after it (``arsearch.store.refits``):
each run waits for that refit before the next begins, and reports when the
model landed ("s, topics landed"; with ``--cold-cli``, its own row) beside
the import's time.
Prints one JSON line and a table.
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from arsearch.records.ingest import Record

from _common import SAUDINEWSNET, TreeMemory, directory_mb, peak_rss_mb, print_report, read_jsonl_gz, require
from _lucene import MISSING, ONE_COMMIT, compiled, index_articles, lucene_classpath, write_articles


def corpus_records(limit: int | None) -> Iterator[Record]:
    """The corpus as ``ingest`` reads it; past its end (``limit`` larger) again, under new ids."""
    from arsearch.records.ingest import read_records

    count, round_number = 0, 0
    while True:
        for record in read_records([str(require(SAUDINEWSNET))]):
            if limit is not None and count >= limit:
                return
            if round_number and isinstance(record.data, dict):
                record = replace(record, data={**record.data, "id": f"{record.data.get('id')}~{round_number}"})
            count += 1
            yield record
        if limit is None or count == 0:
            return
        round_number += 1


def run_arsearch(limit: int | None, batch: int, jobs: int | None = None, engine: str = "tantivy") -> dict[str, Any]:
    from arsearch import Index

    workdir = Path(tempfile.mkdtemp(prefix="bench-arsearch-"))
    try:
        with TreeMemory() as memory:
            started = time.perf_counter()
            with Index.create(workdir / "ix", engine=engine) as index:
                report = index.add(corpus_records(limit), batch_size=batch, jobs=jobs)
                elapsed = time.perf_counter() - started
                # the topic model's refit, in a background process once the articles are committed:
                # waited for (so it never overlaps the next run) and timed on its own
                model = index.topics.wait()
                landed = time.perf_counter() - started
        # The importer's own peak, before anything opens a searcher (which maps the new
        # index into memory: +170 MB per 4k articles).
        own_peak = peak_rss_mb()
        return {
            "engine": "arsearch" if engine == "tantivy" else f"arsearch, {engine} engine",
            "docs": report.added,
            "skipped": sum(report.skipped.values()),
            "seconds": elapsed,
            # wall time from the import's return to the refit's end (process start included): the topic
            # model, the variants, then the spellings judged ahead (derived/prejudged.py; minutes for the
            # first 31k articles a machine judges, ~30 s once its cache knows their words)
            "topics_seconds": landed - elapsed,
            "topics_fit_seconds": model.seconds if model else 0.0,  # the fit alone, as the refit measured it
            "seconds_with_topics": landed,
            "size_mb": directory_mb(workdir / "ix"),
            "peak_rss_mb": max(memory.peak_mb, own_peak),
            "importer_peak_rss_mb": own_peak,
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


def run_lucene(limit: int | None, batch: int) -> dict[str, Any]:
    from arsearch.engine.tantivy_engine import WRITER_HEAP_BYTES

    classpath = lucene_classpath()
    assert classpath is not None, "checked by main()"
    workdir = Path(tempfile.mkdtemp(prefix="bench-lucene-"))
    try:
        articles = workdir / "articles.tsv"
        write_articles(read_jsonl_gz(SAUDINEWSNET, limit), articles)
        programs = compiled(classpath, workdir)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        # its best bulk setting, whatever --batch: one commit, arsearch's writer buffer
        result = index_articles(programs, articles, workdir / "ix", ONE_COMMIT, WRITER_HEAP_BYTES)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
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


def run_arsearch_whoosh(limit: int | None, batch: int, jobs: int | None = None) -> dict[str, Any]:
    """arsearch on its pure-Python engine (Whoosh under the same analysis)."""
    return run_arsearch(limit, batch, jobs, engine="whoosh")


def run_arsearch_pure(limit: int | None, batch: int, jobs: int | None = None) -> dict[str, Any]:
    """arsearch without its compiled core (started with ARSEARCH_PURE_PYTHON=1: see run_in_subprocess)."""
    from arsearch.analysis.speedups import compiled

    assert compiled is None, "run with ARSEARCH_PURE_PYTHON=1"
    return {**run_arsearch(limit, batch, jobs), "engine": "arsearch, pure Python"}


RUNNERS = {
    "plain_whoosh": run_plain_whoosh,
    "lucene": run_lucene,
    "arsearch": run_arsearch,
    "arsearch_pure": run_arsearch_pure,
    "arsearch_whoosh": run_arsearch_whoosh,
}


WHOOSH_SCRIPT = """
import sys, gzip, orjson
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
schema = Schema(id=ID(stored=True, unique=True), title=TEXT(stored=True), text=TEXT)
writer = index.create_in(sys.argv[2], schema).writer(limitmb=256)
for line in gzip.open(sys.argv[1]):
    record = orjson.loads(line)
    writer.add_document(id=record["id"], title=record.get("title") or "", text=record.get("text") or "")
writer.commit()
"""


def run_in_subprocess(engine: str, limit: int | None, batch: int, jobs: int | None) -> dict[str, Any]:
    """One engine in a fresh interpreter (its peak RSS is its own); its JSON line."""
    command = [sys.executable, __file__, "--engine", engine, "--batch", str(batch)]
    command += ["--limit", str(limit)] if limit else []
    command += ["--jobs", str(jobs)] if jobs else []
    environment = {**os.environ, "ARSEARCH_PURE_PYTHON": "1" if engine == "arsearch_pure" else ""}
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=environment).stdout
    result: dict[str, Any] = orjson.loads(output.splitlines()[-1])
    return result


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median time (the lower middle one of an even number), with every time beside it."""
    ordered = sorted(runs, key=lambda run: run["seconds"])
    return {**ordered[(len(ordered) - 1) // 2], "all_seconds": [round(run["seconds"], 1) for run in runs]}


def scale_curve(sizes: list[int], batch: int, jobs: int | None) -> None:
    figures: dict[str, Any] = {"corpus": SAUDINEWSNET.name, "cpus": os.cpu_count(), "jobs": jobs, "sizes": {}}
    table = [("articles", "seconds", "docs/s", "ms per 1k", "topic fit s", "size MB", "peak RSS MB (all)", "importer")]
    for size in sizes:
        r = run_in_subprocess("arsearch", size, batch, jobs)
        rate = r["docs"] / r["seconds"]
        figures["sizes"][str(size)] = {
            "docs": r["docs"],
            "seconds": round(r["seconds"], 1),
            "docs_per_s": round(rate, 1),
            "topics_seconds": round(r["topics_seconds"], 1),
            "size_mb": round(r["size_mb"], 1),
            "peak_rss_mb": round(r["peak_rss_mb"], 1),
            "importer_peak_rss_mb": round(r["importer_peak_rss_mb"], 1),
        }
        table.append(
            (
                f"{r['docs']:,}",
                f"{r['seconds']:.1f}",
                f"{rate:,.0f}",
                f"{1e6 / rate:,.0f}",
                f"{r['topics_seconds']:.1f}",
                f"{r['size_mb']:.0f}",
                f"{r['peak_rss_mb']:.0f}",
                f"{r['importer_peak_rss_mb']:.0f}",
            )
        )
    print_report(figures, table)


ARSEARCH_CLI = "arsearch index (CLI)"


def cold_cli(count: int, repeat: int = 1) -> None:
    """The first ``count`` articles: ``arsearch index`` against a plain-Whoosh script, start-up included;
    ``repeat`` alternated rounds, each command's median time reported (and every run's)."""
    from arsearch.store import refits

    workdir = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    try:
        source = workdir / "articles.jsonl.gz"
        with gzip.open(source, "wb") as output:
            for record in read_jsonl_gz(SAUDINEWSNET, count):
                output.write(orjson.dumps(record) + b"\n")
        commands = {
            "plain whoosh (script)": [sys.executable, "-c", WHOOSH_SCRIPT, str(source), str(workdir / "whoosh")],
            ARSEARCH_CLI: [
                sys.executable,
                "-m",
                "arsearch",
                "index",
                str(source),
                "--index",
                str(workdir / "ix"),
                "--quiet",
            ],
        }
        runs: dict[str, list[float]] = {name: [] for name in commands}
        landed: list[float] = []
        for _ in range(repeat):  # alternated: a slow spell of a shared machine falls on both alike
            for name, command in commands.items():
                for directory in (workdir / "whoosh", workdir / "ix"):  # every run starts cold and empty
                    shutil.rmtree(directory, ignore_errors=True)
                (workdir / "whoosh").mkdir()
                started = time.perf_counter()
                subprocess.run(command, check=True, capture_output=True)
                runs[name].append(time.perf_counter() - started)
                if name == ARSEARCH_CLI:  # its topic model's refit, in the background: never overlapping the next run
                    refits.wait(workdir / "ix")
                    landed.append(time.perf_counter() - started)
        seconds = {name: statistics.median(times) for name, times in runs.items()}
        baseline = seconds["plain whoosh (script)"]
        figures: dict[str, Any] = {"articles": count, **{name: round(value, 2) for name, value in seconds.items()}}
        figures["all_seconds"] = {name: [round(value, 2) for value in times] for name, times in runs.items()}
        figures["speedup"] = round(baseline / seconds[ARSEARCH_CLI], 2)
        figures["topics_landed_seconds"] = round(statistics.median(landed), 2)
        figures["speedup_topics_landed"] = round(baseline / statistics.median(landed), 2)
        table = [("command", "median s", "all runs s", "articles/s", "vs plain")]
        table += [
            (
                name,
                f"{value:.2f}",
                ", ".join(f"{run:.2f}" for run in runs[name]),
                f"{count / value:,.0f}",
                f"{baseline / value:.2f}x",
            )
            for name, value in seconds.items()
        ]
        until_landed = statistics.median(landed)
        table.append(
            (
                "... its topic model landed",
                f"{until_landed:.2f}",
                ", ".join(f"{run:.2f}" for run in landed),
                "-",
                f"{baseline / until_landed:.2f}x",
            )
        )
        print_report(figures, table)
    finally:
        shutil.rmtree(workdir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument(
        "--batch", type=int, default=None, help="commit every N articles (every engine) [default: arsearch's]"
    )
    parser.add_argument("--jobs", type=int, default=None, help="arsearch's analysis processes [default: every core]")
    parser.add_argument("--sizes", help="a scale curve of arsearch alone, e.g. 1000,10000,31030,100000")
    parser.add_argument("--cold-cli", type=int, metavar="N", help="N articles through the CLI vs a Whoosh script")
    parser.add_argument(
        "--engines", default=",".join(RUNNERS), help=f"which to run, in this order [default: {','.join(RUNNERS)}]"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the engines (or --cold-cli's two commands) N times, alternated; report each one's median time",
    )
    parser.add_argument("--engine", choices=RUNNERS, help=argparse.SUPPRESS)  # internal: one engine, JSON out
    args = parser.parse_args()
    if args.batch is None:
        from arsearch.store.importing import (
            DEFAULT_BATCH_SIZE,  # here, not at the top: baselines' processes stay free of it
        )

        args.batch = DEFAULT_BATCH_SIZE
    if args.engine:
        options = {"jobs": args.jobs} if args.engine.startswith("arsearch") else {}
        print(orjson.dumps(RUNNERS[args.engine](args.limit, args.batch, **options)).decode())
        return
    if args.sizes:
        scale_curve([int(size) for size in args.sizes.split(",")], args.batch, args.jobs)
        return
    if args.cold_cli:
        cold_cli(args.cold_cli, args.repeat)
        return
    engines = [engine for engine in args.engines.split(",") if engine]
    unknown = sorted(set(engines) - set(RUNNERS))
    if unknown:
        parser.error(f"unknown engine(s) {', '.join(unknown)}; choose among {', '.join(RUNNERS)}")
    if "lucene" in engines and lucene_classpath() is None:
        print(
            f"skipping the Lucene baseline: {MISSING}",
            file=sys.stderr,
        )
        engines.remove("lucene")
    # alternated rounds: a slow spell of a shared machine falls on every engine alike
    rounds = [
        [run_in_subprocess(engine, args.limit, args.batch, args.jobs) for engine in engines] for _ in range(args.repeat)
    ]
    results = [median_run([runs[position] for runs in rounds]) for position in range(len(engines))]
    baseline = next((r["docs"] / r["seconds"] for r in results if r["engine"] == "plain whoosh"), None)
    lucene = next((r["docs"] / r["seconds"] for r in results if r["engine"].startswith("lucene")), None)
    figures: dict[str, Any] = {
        "corpus": SAUDINEWSNET.name,
        "limit": args.limit,
        "cpus": os.cpu_count(),
        "jobs": args.jobs,
    }
    table = [
        ("engine", "docs", "seconds", "docs/s", "vs plain", "vs lucene", "s, topics landed", "size MB", "peak RSS MB")
    ]
    for r in results:
        rate = r["docs"] / r["seconds"]
        # arsearch's import returns once the articles are committed; its topic model lands after
        landed = r.get("seconds_with_topics")
        figures[r["engine"].replace(" ", "_")] = {
            "docs": r["docs"],
            "skipped": r["skipped"],
            "seconds": round(r["seconds"], 1),
            "docs_per_s": round(rate, 1),
            "ratio_vs_plain_whoosh": round(rate / baseline, 2) if baseline else None,
            "ratio_vs_lucene": round(rate / lucene, 2) if lucene else None,
            "size_mb": round(r["size_mb"], 1),
            "peak_rss_mb": round(r["peak_rss_mb"], 1),
            "all_seconds": r["all_seconds"],
            "seconds_with_topics": round(landed, 1) if landed is not None else None,
        }
        table.append(
            (
                r["engine"],
                f"{r['docs']:,}",
                f"{r['seconds']:.1f}",
                f"{rate:,.0f}",
                f"{rate / baseline:.2f}x" if baseline else "-",
                f"{rate / lucene:.2f}x" if lucene else "-",
                f"{landed:.1f}" if landed is not None else "-",
                f"{r['size_mb']:.0f}",
                f"{r['peak_rss_mb']:.0f}",
            )
        )
    print_report(figures, table)


if __name__ == "__main__":
    main()
