"""Query latency on the full SaudiNewsNet index.

    python benchmarks/bench_query.py [--index PATH (default: indexes/saudinewsnet in the project)] [--queries 1000]

Two kinds of queries, seed fixed: 2-6 word prefixes of random article titles,
and the arcd-train questions (question-length natural language). Each is run
without highlighting, then with highlighting of the top 10, both with copies
folded (the default), then with every copy listed (``collapse=False``). The
copies check: 150 queries made of an article's first title words, and how many
of their top-10 lists hold two copies of one story (``index.duplicates``), with
and without folding. ``suggest`` is
timed on 1-4 letter prefixes of the same titles' words (its per-commit cache
starts empty; the first call is timed separately). The index is built
(once) at --index when it does not exist yet. Prints one JSON line and a table.

    python benchmarks/bench_query.py --curve 1000,3000,10000,31030 [--engines tantivy,whoosh] [--queries 300]

``--curve``: search latency against index size, per engine: for each size an
index of the corpus's first N articles is built in a temporary directory (on
each engine), and the title-prefix queries run as a reader's search does
(highlighting the top 10, copies folded); beside them plain Whoosh
(its StandardAnalyzer, the words OR-ed over title and text, a highlighted
fragment of each of the top 10).
"""

from __future__ import annotations

import argparse
import functools
import itertools
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson

from _common import (
    SAUDINEWSNET,
    SAUDINEWSNET_INDEX,
    SHARED,
    open_saudinewsnet_index,
    print_report,
    read_jsonl_gz,
    require,
)
from arsearch import Index

SEED = 20261125


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed(run: Callable[[str], Any], queries: Sequence[str]) -> list[float]:
    times = []
    for query in queries:
        started = time.perf_counter()
        run(query)
        times.append((time.perf_counter() - started) * 1000)
    return times


def title_queries(count: int, rng: random.Random) -> list[str]:
    titles = [r["title"] for r in read_jsonl_gz(SAUDINEWSNET) if len((r.get("title") or "").split()) >= 2]
    queries = []
    for title in rng.sample(titles, count):
        words = title.split()
        queries.append(" ".join(words[: rng.randint(2, min(6, len(words)))]))
    return queries


def question_queries(count: int, rng: random.Random) -> list[str]:
    lines = require(SHARED / "eval" / "arcd-train" / "topics.tsv").read_text(encoding="utf-8").splitlines()
    questions = [line.split("\t", 1)[1] for line in lines if "\t" in line]
    return rng.sample(questions, min(count, len(questions)))


def copies_queries(rng: random.Random, count: int = 150) -> list[str]:
    """The first 3 words of random titles: queries that find a story and its copies."""
    titles = [r["title"] for r in read_jsonl_gz(SAUDINEWSNET) if len((r.get("title") or "").split()) >= 3]
    return [" ".join(title.split()[:3]) for title in random.Random(rng.random()).sample(titles, count)]


def lists_with_copies(index: Index, queries: Sequence[str], collapse: bool) -> int:
    """How many top-10 lists hold two near-copies of one story."""
    found = 0
    for query in queries:
        ids = [hit.id for hit in index.search(query, limit=10, highlight=False, collapse=collapse).hits]
        shown = set(ids)
        found += any(shown.intersection(index.duplicates(article_id)) for article_id in ids)
    return found


PLAIN_WHOOSH = "plain_whoosh"


def plain_whoosh_run(directory: Path, size: int, queries: Sequence[str]) -> tuple[float, int, list[float]]:
    """The baseline: plain Whoosh (StandardAnalyzer, title and text stored), each query's words
    OR-ed over both fields, the top 10 with a highlighted fragment of the text, as Whoosh's docs show."""
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser, OrGroup

    started = time.perf_counter()
    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(stored=True), text=TEXT(stored=True))
    engine = whoosh_index.create_in(str(directory), schema)
    articles = 0
    with engine.writer(limitmb=256) as writer:
        for record in read_jsonl_gz(SAUDINEWSNET, size):
            writer.add_document(id=str(record["id"]), title=record.get("title") or "", text=record.get("text") or "")
            articles += 1
    built = time.perf_counter() - started
    parser = MultifieldParser(["title", "text"], schema, group=OrGroup)
    with engine.searcher() as searcher:

        def run(query: str) -> None:
            for hit in searcher.search(parser.parse(query), limit=10):
                hit.highlights("text")

        run("تسخين")
        times = timed(run, queries)
    return built, articles, times


def latency_curve(sizes: list[int], engines: list[str], count: int) -> None:
    """p50/p95 of the title-prefix queries on indexes of the first N articles, per engine."""
    from arsearch.records.ingest import read_records

    queries = title_queries(count, random.Random(SEED))
    figures: dict[str, Any] = {"queries": len(queries), "runs": []}
    table: list[tuple[str, ...]] = [("engine", "articles", "build s", "p50 ms", "p95 ms", "p99 ms", "p95 < 100 ms")]
    for engine in engines:
        for size in sizes:
            with tempfile.TemporaryDirectory(prefix="bench-curve-") as scratch:
                if engine == PLAIN_WHOOSH:
                    built, articles, times = plain_whoosh_run(Path(scratch), size, queries)
                else:
                    started = time.perf_counter()
                    with Index.create(Path(scratch) / "ix", engine=engine) as index:
                        index.add(itertools.islice(read_records([str(require(SAUDINEWSNET))]), size))
                        built = time.perf_counter() - started
                        index.topics.wait()  # its refit in the background, never timed beside the queries
                        index.search("تسخين")  # open the searcher and warm the analyzers once
                        times = timed(functools.partial(index.search, limit=10), queries)
                        articles = len(index)
            run: dict[str, Any] = {
                "engine": engine,
                "articles": articles,
                "build_s": round(built, 1),
                **{f"p{p}_ms": round(percentile(times, p / 100), 1) for p in (50, 95, 99)},
            }
            figures["runs"].append(run)
            table.append(
                (
                    engine,
                    f"{articles:,}",
                    f"{built:.1f}",
                    *(f"{run[f'p{p}_ms']:.1f}" for p in (50, 95, 99)),
                    "yes" if run["p95_ms"] < 100 else "no",
                )
            )
            print(orjson.dumps(run).decode(), file=sys.stderr, flush=True)  # progress: builds take minutes
    print_report(figures, table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=SAUDINEWSNET_INDEX)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--curve", help="index sizes for a latency curve, e.g. 1000,3000,10000,31030")
    parser.add_argument(
        "--engines", default=f"tantivy,whoosh,{PLAIN_WHOOSH}", help="engines of the curve (plain_whoosh: the baseline)"
    )
    args = parser.parse_args()
    if args.curve:
        latency_curve([int(size) for size in args.curve.split(",")], args.engines.split(","), args.queries)
        return
    rng = random.Random(SEED)
    index = open_saudinewsnet_index(args.index)
    kinds = {"title prefixes": title_queries(args.queries, rng), "arcd questions": question_queries(args.queries, rng)}
    words = [w for q in kinds["title prefixes"] for w in q.split() if len(w) >= 4]
    prefixes = [w[: rng.randint(1, 4)] for w in rng.sample(words, min(args.queries, len(words)))]
    index.search("تسخين", limit=10)  # open the searcher and warm the analyzers once
    figures: dict[str, Any] = {"docs": len(index), "queries_per_kind": args.queries}
    table: list[tuple[str, ...]] = [("queries", "mode", "p50 ms", "p95 ms", "p99 ms", "mean hits")]
    for kind, queries in kinds.items():
        totals: list[int] = []
        modes = (
            ("no highlight", False, True),
            ("highlight top 10", True, True),
            ("highlight, all copies", True, False),
        )
        for mode, highlight, collapse in modes:

            def run(
                query: str, highlight: bool = highlight, collapse: bool = collapse, totals: list[int] = totals
            ) -> None:
                totals.append(index.search(query, limit=10, highlight=highlight, collapse=collapse).total)

            times = timed(run, queries)
            key = f"{kind} / {mode}".replace(" ", "_")
            figures[key] = {f"p{p}": round(percentile(times, p / 100), 2) for p in (50, 95, 99)}
            row = [f"{percentile(times, p / 100):.1f}" for p in (50, 95, 99)]
            table.append((kind, mode, *row, f"{statistics.mean(totals):,.0f}"))
    for collapse in (True, False):
        lists = lists_with_copies(index, copies_queries(rng), collapse)
        figures[f"top10_lists_with_two_copies_{'folded' if collapse else 'all_copies'}"] = lists
        table.append(
            (
                "first title words",
                "folded" if collapse else "all copies",
                "-",
                "-",
                "-",
                f"{lists} of 150 lists with 2 copies",
            )
        )
    started = time.perf_counter()
    index.snapshot().vocabulary().complete("ال", 10)  # warm the per-commit cache; timed on its own
    figures["suggest_first_call_s"] = round(time.perf_counter() - started, 2)
    times = timed(lambda prefix: index.suggest(prefix, 10), prefixes)
    figures["suggest"] = {f"p{p}": round(percentile(times, p / 100), 2) for p in (50, 95, 99)}
    table.append(("suggest", "1-4 letters", *[f"{percentile(times, p / 100):.1f}" for p in (50, 95, 99)], "-"))
    print_report(figures, table)


if __name__ == "__main__":
    main()
