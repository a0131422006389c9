"""Cluster index vs one local index, same articles, same run: build rate, query latency, agreement.

A local Ray cluster (``ray.cluster_utils.Cluster``: a head and 1, then 2,
worker nodes, each its own raylet, on loopback) gets the first ``--limit``
SaudiNewsNet articles in one shard per node (one replica each); the same
articles go into one local ``Index``. Then the same title queries run through
``ClusterIndex`` and through the local index: p50/p95 latency, how often the
totals agree, and the mean overlap of the top 10; each twice, with the term
statistics of every shard (the default) and with each shard's own
(``global_statistics=False``). With 2 worker nodes, the relevance sets
(``../shared/eval``) are also indexed both ways and scored with
``arsearch.evaluation``'s measures: the cluster's figures against the local index's.

All nodes share this machine's cores, so the build rate measures arsearch's
cluster path (reading, routing, Ray calls, per-shard commits) on the same
hardware, not what more machines would add.

    python bench_cluster.py [--limit 10000] [--queries 300]
"""

from __future__ import annotations

import os

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # before Ray loads: every node on 127.0.0.1

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
import ray
from ray.cluster_utils import Cluster

from _common import SAUDINEWSNET, SHARED, print_report, read_jsonl_gz, require
from arsearch import Index
from arsearch.cluster import ClusterIndex, build_cluster
from arsearch.evaluation import MEASURES, ranked_run, read_test_set, scores
from bench_query import SEED, percentile, timed, title_queries

EVAL_SETS = ("qqa23-train", "arcd-train")


def write_sample(limit: int, directory: Path) -> Path:
    path = directory / "sample.jsonl"
    with path.open("wb") as out:
        for record in read_jsonl_gz(require(SAUDINEWSNET), limit):
            out.write(orjson.dumps(record) + b"\n")
    return path


def top_ids(results: Any) -> list[str]:
    return [hit.id for hit in results.hits]


def agreement(index: ClusterIndex | Index, local: Index, queries: list[str]) -> tuple[float, float]:
    """How often the totals are the local index's, and the mean overlap of the top 10s."""
    same_total, overlaps = 0, []
    for query in queries:
        ours, theirs = index.search(query), local.search(query)
        same_total += ours.total == theirs.total
        expected = set(top_ids(theirs))
        if expected:
            overlaps.append(len(set(top_ids(ours)) & expected) / len(expected))
    return same_total / len(queries), statistics.mean(overlaps) if overlaps else 0.0


def run_cluster(
    workers: int, sample: Path, data_dir: Path, queries: list[str], local: Index, relevance: bool
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    for _ in range(workers):
        cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    ray.init(address=cluster.address, log_to_driver=False)
    try:
        started = time.perf_counter()
        index, report = build_cluster(
            [str(sample)], address=cluster.address, name=f"bench{workers}", data_dir=str(data_dir), shards=workers + 1
        )
        build_seconds = time.perf_counter() - started
        own = ClusterIndex(index.layout, global_statistics=False)
        row: dict[str, Any] = {
            "nodes": workers + 1,
            "shards": workers + 1,
            "docs": report.indexed,
            "build_seconds": round(build_seconds, 1),
            "build_docs_per_s": round(report.indexed / build_seconds, 1),
        }
        for label, searched in (("", index), ("own_stats_", own)):
            for query in queries[:20]:  # warm each replica's caches, as the local index was warmed
                searched.search(query)
            times = timed(searched.search, queries)
            same_total, overlap = agreement(searched, local, queries)
            row[f"{label}p50_ms"] = round(percentile(times, 0.5), 2)
            row[f"{label}p95_ms"] = round(percentile(times, 0.95), 2)
            row[f"{label}same_total"] = round(same_total, 3)
            row[f"{label}top10_overlap"] = round(overlap, 3)
        # what the rewrite checks (the other keyboard layout, names' Arabic spellings) cost a cluster:
        # the same queries, every one searched already, with them and as typed, each first in turn
        checked: list[float] = []
        as_typed: list[float] = []
        for number, query in enumerate(queries):
            runs = [(checked, True), (as_typed, False)]
            for times_of, rewrite in runs[:: 1 if number % 2 else -1]:
                started = time.perf_counter()
                index.search(query, rewrite=rewrite)
                times_of.append((time.perf_counter() - started) * 1000)
        for label, times_of in (("checked", checked), ("as_typed", as_typed)):
            row[f"{label}_p50_ms"] = round(percentile(times_of, 0.5), 2)
            row[f"{label}_p95_ms"] = round(percentile(times_of, 0.95), 2)
        sets = relevance_rows(cluster.address, data_dir / "eval", workers + 1) if relevance else []
        return row, sets
    finally:
        ray.shutdown()
        cluster.shutdown()  # type: ignore[no-untyped-call]


def relevance_rows(address: str, directory: Path, shards: int) -> list[dict[str, Any]]:
    """Each relevance set's measures: one local index, then the cluster with each shard's own term
    statistics and with every shard's."""
    rows: list[dict[str, Any]] = []
    for name in EVAL_SETS:
        set_dir = SHARED / "eval" / name
        if not (set_dir / "docs.jsonl").is_file():
            print(f"skipped {name}: {set_dir} is missing")
            continue
        test_set = read_test_set(set_dir)
        local = Index.create(directory / name / "local")
        local.add(
            (orjson.loads(line) for line in (set_dir / "docs.jsonl").read_bytes().splitlines() if line.strip()),
            fit_topics="now",
        )
        cluster_index, _ = build_cluster(
            [str(set_dir / "docs.jsonl")],
            address=address,
            name=f"eval-{name}",
            data_dir=str(directory / name / "cluster"),
            shards=shards,
        )
        own = ClusterIndex(cluster_index.layout, global_statistics=False)
        for label, searched in (("local Index", local), ("cluster, own stats", own), ("cluster", cluster_index)):
            measured = scores(ranked_run(searched, test_set.topics), test_set.qrels)
            rows.append({"set": name, "run": label, **{key: round(value, 4) for key, value in measured.items()}})
        local.close()
    for row in rows:
        base = next(other for other in rows if other["set"] == row["set"] and other["run"] == "local Index")
        row["vs_local"] = {key: round(row[key] / base[key], 4) if base[key] else None for key in MEASURES}
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=10_000, help="the first N SaudiNewsNet articles")
    parser.add_argument("--queries", type=int, default=300, help="title queries timed")
    args = parser.parse_args()
    rng = random.Random(SEED)
    queries = title_queries(args.queries, rng)
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as scratch:
        directory = Path(scratch)
        sample = write_sample(args.limit, directory)
        started = time.perf_counter()
        local = Index.create(directory / "local")
        # fitted before returning, as the cluster does
        local_report = local.add((orjson.loads(line) for line in sample.read_bytes().splitlines()), fit_topics="now")
        local_seconds = time.perf_counter() - started
        for query in queries[:20]:
            local.search(query)
        local_times = timed(local.search, queries)
        rows: list[dict[str, Any]] = [
            {
                "nodes": "local Index",
                "shards": 1,
                "docs": local_report.indexed,
                "build_seconds": round(local_seconds, 1),
                "build_docs_per_s": round(local_report.indexed / local_seconds, 1),
                "p50_ms": round(percentile(local_times, 0.5), 2),
                "p95_ms": round(percentile(local_times, 0.95), 2),
                "same_total": 1.0,
                "top10_overlap": 1.0,
                "own_stats_p50_ms": None,
                "own_stats_p95_ms": None,
                "own_stats_same_total": None,
                "own_stats_top10_overlap": None,
            }
        ]
        relevance: list[dict[str, Any]] = []
        for workers in (1, 2):
            row, sets = run_cluster(workers, sample, directory / f"cluster{workers}", queries, local, workers == 2)
            rows.append(row)
            relevance += sets
        local.close()
    baseline = rows[0]
    for row in rows:
        row["build_vs_local"] = round(row["build_docs_per_s"] / baseline["build_docs_per_s"], 2)
        row["p95_vs_local"] = round(row["p95_ms"] / baseline["p95_ms"], 2)
    figures = {"corpus": SAUDINEWSNET.name, "limit": args.limit, "queries": len(queries), "cpus": os.cpu_count()}
    figures["runs"] = rows
    figures["relevance"] = relevance
    columns = list(rows[0])
    table = [columns, *[[str(row[column]) for column in columns] for row in rows]]
    if relevance:
        table += [["set", "run", *MEASURES, *(f"{key} vs local" for key in MEASURES)]]
        table += [
            [
                row["set"],
                row["run"],
                *(str(row[key]) for key in MEASURES),
                *(str(row["vs_local"][key]) for key in MEASURES),
            ]
            for row in relevance
        ]
    width = max(len(row) for row in table)  # one table: the relevance rows padded to the runs' columns
    print_report(figures, [[*row, *[""] * (width - len(row))] for row in table])


if __name__ == "__main__":
    main()
