"""Cluster index vs one local index, same articles, same run: build rate, query latency, agreement.

A local Ray cluster (``ray.cluster_utils.Cluster``: a head and 1, then 2,
worker nodes, each its own raylet, on loopback) gets the first ``--limit``
SaudiNewsNet articles in one shard per node (one replica each); the same
articles go into one local ``Index``. Then the same title queries run through
``ClusterIndex`` and through the local index: p50/p95 latency, how often the
totals agree, and the mean overlap of the top 10.

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

from _common import SAUDINEWSNET, print_report, read_jsonl_gz, require
from arsearch import Index
from arsearch.cluster import build_cluster
from bench_query import SEED, percentile, timed, title_queries


def write_sample(limit: int, directory: Path) -> Path:
    path = directory / "sample.jsonl"
    with path.open("wb") as out:
        for record in read_jsonl_gz(require(SAUDINEWSNET), limit):
            out.write(orjson.dumps(record) + b"\n")
    return path


def top_ids(results: Any) -> list[str]:
    return [hit.id for hit in results.hits]


def run_cluster(workers: int, sample: Path, data_dir: Path, queries: list[str], local: Index) -> dict[str, Any]:
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
        for query in queries[:20]:  # warm each replica's caches, as the local index was warmed
            index.search(query)
        times = timed(index.search, queries)
        same_total, overlaps = 0, []
        for query in queries:
            ours, theirs = index.search(query), local.search(query)
            same_total += ours.total == theirs.total
            expected = set(top_ids(theirs))
            if expected:
                overlaps.append(len(set(top_ids(ours)) & expected) / len(expected))
        return {
            "nodes": workers + 1,
            "shards": workers + 1,
            "docs": report.indexed,
            "build_seconds": round(build_seconds, 1),
            "build_docs_per_s": round(report.indexed / build_seconds, 1),
            "p50_ms": round(percentile(times, 0.5), 2),
            "p95_ms": round(percentile(times, 0.95), 2),
            "same_total": round(same_total / len(queries), 3),
            "top10_overlap": round(statistics.mean(overlaps), 3) if overlaps else None,
        }
    finally:
        ray.shutdown()
        cluster.shutdown()  # type: ignore[no-untyped-call]


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
        local_report = local.add(orjson.loads(line) for line in sample.read_bytes().splitlines())
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
            }
        ]
        for workers in (1, 2):
            rows.append(run_cluster(workers, sample, directory / f"cluster{workers}", queries, local))
        local.close()
    baseline = rows[0]
    for row in rows:
        row["build_vs_local"] = round(row["build_docs_per_s"] / baseline["build_docs_per_s"], 2)
        row["p95_vs_local"] = round(row["p95_ms"] / baseline["p95_ms"], 2)
    figures = {"corpus": SAUDINEWSNET.name, "limit": args.limit, "queries": len(queries), "cpus": os.cpu_count()}
    figures["runs"] = rows
    columns = list(rows[0])
    table = [columns, *[[str(row[column]) for column in columns] for row in rows]]
    print_report(figures, table)


if __name__ == "__main__":
    main()
