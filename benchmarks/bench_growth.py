"""A growing archive on one machine: imports of 100k, 300k and 1M distinct articles, and what a
reader then waits for.

    python benchmarks/bench_growth.py --sizes 100000,300000,1000000 [--workdir DIR] [--queries 200]
        [--lucene]

For each size, the articles are ``make_articles.py``'s (seed 7, written once into ``--workdir``
and kept there for the next run: a million is ~1.9 GB). Each step runs as a reader would, in a
fresh process, timed from outside, with the peak memory of that process and every process it
starts (``TreeMemory``: all resident pages, and in brackets those the processes own, without the
index files tantivy maps, which are the OS's page cache):

- ``arsearch index FILE --fit-topics off``: the import (articles/s, peak memory, index bytes);
- ``arsearch topics --refit``: the refit an import starts in the background (topic model,
  variants, spellings judged ahead), on its own;
- then, in this process, on the index: ``search`` of three-word queries (each three words in a row
  of an article's title, drawn with the seed; p50/p95, each query once, highlighted), ``suggest``
  of a word's first three letters (p99), ``related`` of an article (p95), and this process's
  resident memory after them, the index still open (what a searcher holds).

``--lucene``: Lucene 8.7's ArabicAnalyzer indexes the same articles (title and text analyzed
and stored, one commit, arsearch's writer buffer: ``_lucene.py``) for its time and size; its time
starts with the JVM running, where arsearch's includes the interpreter's start (a second or
two: it counts against arsearch). Prints one JSON line and a table.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import SAUDINEWSNET, TreeMemory, directory_mb, print_report, read_jsonl_gz, tree_rss_mb
from _lucene import MISSING, ONE_COMMIT, compiled, index_articles, lucene_classpath, write_articles
from bench_query import percentile
from make_articles import ANTCORPUS, articles, sentence_pool

SEED = 7
#: Articles whose titles give the queries and the suggest prefixes (read from the file's start).
SAMPLED = 5_000


def article_file(workdir: Path, size: int, pool: tuple[list[str], list[str]] | None) -> Path:
    """The file of ``size`` generated articles, written when missing."""
    path = workdir / f"articles-{size}-seed{SEED}.jsonl.gz"
    if not path.exists():
        import gzip

        import orjson

        sentences, sources = pool or sentence_pool([SAUDINEWSNET, ANTCORPUS])
        partial = path.with_suffix(".partial")
        with gzip.open(partial, "wb", compresslevel=3) as out:
            for article in articles(size, SEED, sentences, sources):
                out.write(orjson.dumps(article) + b"\n")
        partial.rename(path)
    return path


def timed(command: list[str]) -> tuple[float, float, float]:
    """Seconds and the peak memory (MB) of a command and every process it starts: all resident pages,
    and those the processes own (``TreeMemory``: not the index files they map)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with TreeMemory(process.pid) as memory:
        _, errors = process.communicate()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed: {errors.decode(errors='replace').strip()}")
    return time.perf_counter() - started, memory.peak_mb, memory.peak_owned_mb


def reader_waits(index_dir: Path, source: Path, queries: int) -> dict[str, float]:
    """Search, suggest and related latencies on the index, and this process's memory after them."""
    from arsearch import Index

    rng = random.Random(SEED)
    sampled = list(read_jsonl_gz(source, SAMPLED))
    titles = [record["title"].split() for record in sampled if len(record["title"].split()) >= 3]
    searched = []
    for words in rng.sample(titles, min(queries, len(titles))):
        start = rng.randrange(len(words) - 2)
        searched.append(" ".join(words[start : start + 3]))
    prefixes = [word[:3] for words in rng.sample(titles, min(queries, len(titles))) for word in words[:1]]
    ids = [record["id"] for record in rng.sample(sampled, min(queries, len(sampled)))]
    found: dict[str, float] = {}
    with Index.open(index_dir) as index:
        for query in searched[:20]:  # the process's first searches load what every search uses
            index.search(query, limit=10)
        for name, calls in (
            ("search", [lambda q=q: index.search(q, limit=10) for q in searched]),
            ("suggest", [lambda p=p: index.suggest(p) for p in prefixes]),
            ("related", [lambda i=i: index.related(i) for i in ids]),
        ):
            times = []
            for call in calls:
                started = time.perf_counter()
                call()
                times.append((time.perf_counter() - started) * 1000)
            found[f"{name}_p50_ms"] = percentile(times, 0.5)
            found[f"{name}_p95_ms"] = percentile(times, 0.95)
            found[f"{name}_p99_ms"] = percentile(times, 0.99)
        # what the index holds in this process now (not its peak: this process may have generated the articles)
        found["searcher_rss_mb"] = tree_rss_mb(os.getpid())
        found["searcher_owned_mb"] = tree_rss_mb(os.getpid(), "RssAnon")
    return found


def lucene_run(source: Path, workdir: Path) -> dict[str, float]:
    """Lucene's import of the same articles: seconds and index size."""
    from arsearch.engine.tantivy_engine import WRITER_HEAP_BYTES

    classpath = lucene_classpath()
    assert classpath is not None, "checked by main()"
    lucene_dir = Path(tempfile.mkdtemp(prefix="growth-lucene-", dir=workdir))
    try:
        tsv = lucene_dir / "articles.tsv"
        write_articles(read_jsonl_gz(source), tsv)
        result = index_articles(compiled(classpath, lucene_dir), tsv, lucene_dir / "ix", ONE_COMMIT, WRITER_HEAP_BYTES)
        return {"seconds": float(result["seconds"]), "size_mb": directory_mb(lucene_dir / "ix")}
    finally:
        shutil.rmtree(lucene_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,300000,1000000", help="articles per run, comma-separated")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "arsearch-growth")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--lucene", action="store_true", help="also time Lucene 8.7 on the same articles")
    args = parser.parse_args(argv)
    if args.lucene and lucene_classpath() is None:
        print(f"skipping the Lucene baseline: {MISSING}", file=sys.stderr)
        args.lucene = False
    args.workdir.mkdir(parents=True, exist_ok=True)
    pool = None
    runs = []
    for size in (int(text) for text in args.sizes.split(",")):
        if not (args.workdir / f"articles-{size}-seed{SEED}.jsonl.gz").exists() and pool is None:
            pool = sentence_pool([SAUDINEWSNET, ANTCORPUS])
        source = article_file(args.workdir, size, pool)
        index_dir = args.workdir / f"index-{size}"
        shutil.rmtree(index_dir, ignore_errors=True)
        arsearch = [sys.executable, "-m", "arsearch"]
        seconds, peak, owned = timed(
            [*arsearch, "index", str(source), "--index", str(index_dir), "--quiet", "--fit-topics", "off"]
        )
        refit_seconds, refit_peak, refit_owned = timed([*arsearch, "topics", "--refit", "--index", str(index_dir)])
        run: dict[str, Any] = {
            "articles": size,
            "import_s": round(seconds, 1),
            "articles_per_s": round(size / seconds),
            "import_peak_mb": round(peak),
            "import_owned_mb": round(owned),
            "refit_s": round(refit_seconds, 1),
            "refit_peak_mb": round(refit_peak),
            "refit_owned_mb": round(refit_owned),
            "index_mb": round(directory_mb(index_dir), 1),
            **{name: round(value, 2) for name, value in reader_waits(index_dir, source, args.queries).items()},
        }
        if args.lucene:
            lucene = lucene_run(source, args.workdir)
            run["lucene_s"] = round(lucene["seconds"], 1)
            run["lucene_mb"] = round(lucene["size_mb"], 1)
            run["vs_lucene_speed"] = round(lucene["seconds"] / seconds, 2)
            run["vs_lucene_size"] = round(run["index_mb"] / lucene["size_mb"], 2)
        runs.append(run)
        shutil.rmtree(index_dir, ignore_errors=True)
    header = (
        "articles",
        "import s",
        "art/s",
        "peak MB (owned)",
        "refit s",
        "refit MB (owned)",
        "index MB",
        "search p50/p95 ms",
        "suggest p99 ms",
        "related p95 ms",
        "searcher MB (owned)",
        "vs Lucene speed / size",
    )
    table = [header]
    for run in runs:
        versus = f"{run['vs_lucene_speed']}x / {run['vs_lucene_size']}x" if "lucene_s" in run else "-"
        table.append(
            (
                f"{run['articles']:,}",
                f"{run['import_s']}",
                f"{run['articles_per_s']:,}",
                f"{run['import_peak_mb']:,} ({run['import_owned_mb']:,})",
                f"{run['refit_s']}",
                f"{run['refit_peak_mb']:,} ({run['refit_owned_mb']:,})",
                f"{run['index_mb']:,}",
                f"{run['search_p50_ms']:.1f} / {run['search_p95_ms']:.1f}",
                f"{run['suggest_p99_ms']:.1f}",
                f"{run['related_p95_ms']:.1f}",
                f"{run['searcher_rss_mb']:.0f} ({run['searcher_owned_mb']:.0f})",
                versus,
            )
        )
    figures = {"seed": SEED, "queries": args.queries, "runs": runs}
    print_report(figures, table)
    return figures


if __name__ == "__main__":
    main()
