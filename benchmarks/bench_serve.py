"""HTTP API under a bounded load: throughput and latency of GET /search, on 127.0.0.1 only.

    python benchmarks/bench_serve.py [--index PATH] [--requests 2000] [--clients 8] [--workers 1]
                                     [--memory-requests 20000]

(``--index`` defaults to ``indexes/saudinewsnet`` in the project.)

Starts ``arsearch serve`` (uvicorn, one process) on a free loopback port,
then ``--clients`` threads send ``--requests`` searches in all, each over its
own keep-alive connection (stdlib ``http.client``): 2-6 word title
prefixes of random SaudiNewsNet articles, so every query finds something.
Reports requests/s and p50/p95/p99 latency as the client sees it, and the
same queries through the library in this process (one thread) as the
baseline: the difference is what HTTP, JSON and the server add.

Mixed run: the same searches against a server writing at the same time, on a
copy of the index: one more client posts 20-article batches (real articles
under new ids) back to back with the write token; its batches/s and post
latency are reported beside the searches'. Memory: the resident memory of
the read-only server (all its processes) after the warm-up and after
``--memory-requests`` more searches. Prints one JSON line and a table.
"""

from __future__ import annotations

import argparse
import http.client
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

import orjson

from _common import SAUDINEWSNET_INDEX, print_report, tree_rss_mb
from arsearch import Index

SEED = 20261125
#: Articles per POST of the mixed run's writer.
WRITE_BATCH = 20
WRITE_TOKEN = "bench-serve-token"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def title_queries(index: Index, count: int) -> list[str]:
    rng = random.Random(SEED)
    ids = sorted(index.ids())
    queries: list[str] = []
    while len(queries) < count:
        words = index.get(rng.choice(ids)).title.split()
        if len(words) >= 2:
            queries.append(" ".join(words[: rng.randint(2, min(6, len(words)))]))
    return queries


def wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("error: the server exited before it answered")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("error: the server did not answer /health within 60 s")


def load(port: int, queries: list[str], clients: int) -> tuple[list[float], float, int]:
    """Send every query once, spread over ``clients`` threads; returns latencies (ms), wall time, errors."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    shares = [queries[start::clients] for start in range(clients)]

    def client(share: list[str]) -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        for query in share:
            path = "/search?" + urllib.parse.urlencode({"q": query, "limit": 10})
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200 or "hits" not in orjson.loads(body):
                failed += 1
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, errors


def start_server(index_path: Path, workers: int, token: str | None = None) -> tuple[int, subprocess.Popen[bytes]]:
    port = free_port()
    command = [sys.executable, "-m", "arsearch", "serve", "--index", str(index_path), "--port", str(port)]
    command += ["--workers", str(workers), *(["--write-token", token] if token else [])]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_up(port, server)
    return port, server


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=30)


class Writer(threading.Thread):
    """Posts WRITE_BATCH-article batches back to back until stopped: batches, post latencies, failures."""

    def __init__(self, port: int, articles: list[dict[str, Any]]) -> None:
        super().__init__(daemon=True)
        self.port, self.articles = port, articles
        self.stopping = threading.Event()
        self.latencies: list[float] = []
        self.failures = 0

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Authorization": f"Bearer {WRITE_TOKEN}", "Content-Type": "application/json"}
        number = 0
        while not self.stopping.is_set():
            start = (number * WRITE_BATCH) % max(1, len(self.articles) - WRITE_BATCH)
            batch = [
                dict(article, id=f"mixed-{number}-{item}")
                for item, article in enumerate(self.articles[start : start + WRITE_BATCH])
            ]
            started = time.perf_counter()
            connection.request("POST", "/articles", body=orjson.dumps(batch), headers=headers)
            response = connection.getresponse()
            response.read()
            self.latencies.append((time.perf_counter() - started) * 1000)
            self.failures += response.status != 201
            number += 1


def summary(latencies: list[float]) -> dict[str, float]:
    return {name: round(percentile(latencies, q), 2) for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=SAUDINEWSNET_INDEX)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="server processes (arsearch serve --workers)")
    parser.add_argument("--memory-requests", type=int, default=20000, help="searches between the two RSS readings")
    args = parser.parse_args()
    if not args.index.exists():
        sys.exit(f"error: no index at {args.index} (build it: arsearch index ../shared/corpora/saudinewsnet.jsonl.gz)")
    with Index.open(args.index) as index:
        queries = title_queries(index, args.requests)
        library = []
        for query in queries[:500]:
            started = time.perf_counter()
            index.search(query, limit=10)
            library.append((time.perf_counter() - started) * 1000)
        articles = len(index)
        rng = random.Random(SEED)
        sources = [index.get(article_id).to_record() for article_id in rng.sample(sorted(index.ids()), 2000)]

    # read-only: throughput, then memory over many more searches
    port, server = start_server(args.index, args.workers)
    try:
        load(port, queries[:100], args.clients)  # warm-up
        latencies, wall, errors = load(port, queries, args.clients)
        rss_before = tree_rss_mb(server.pid)
        many = [queries[n % len(queries)] for n in range(args.memory_requests)]
        _, _, memory_errors = load(port, many, args.clients)
        rss_after = tree_rss_mb(server.pid)
    finally:
        stop_server(server)

    # mixed: the same searches while a writer posts batches, on a copy of the index
    with tempfile.TemporaryDirectory(prefix="arsearch-bench-serve-") as scratch:
        copy = Path(scratch) / "index"
        shutil.copytree(args.index, copy)
        port, server = start_server(copy, args.workers, WRITE_TOKEN)
        try:
            load(port, queries[:100], args.clients)
            writer = Writer(port, sources)
            writer.start()
            time.sleep(1.0)  # the writer's first batches are in the way of the searches
            mixed, mixed_wall, mixed_errors = load(port, queries, args.clients)
            writer.stopping.set()
            writer.join(timeout=120)
        finally:
            stop_server(server)

    figures: dict[str, Any] = {
        "articles": articles,
        "requests": len(latencies),
        "clients": args.clients,
        "workers": args.workers,
        "errors": errors,
        "requests_per_s": round(len(latencies) / wall, 1),
        "http": summary(latencies),
        "library_one_thread": summary(library),
        "library_mean_ms": round(statistics.mean(library), 2),
        "mixed": {
            "requests_per_s": round(len(mixed) / mixed_wall, 1),
            "http": summary(mixed),
            "errors": mixed_errors,
            "write_batches": len(writer.latencies),
            "write_failures": writer.failures,
            "write_batches_per_s": round(len(writer.latencies) / mixed_wall, 2),
            "post_ms": summary(writer.latencies),
        },
        "memory": {
            "requests": args.memory_requests,
            "errors": memory_errors,
            "rss_before_mb": round(rss_before, 1),
            "rss_after_mb": round(rss_after, 1),
            "growth": round(rss_after / rss_before - 1, 3),
        },
    }
    row = ("p50", "p95", "p99")
    table = [
        ("GET /search", "requests/s", "p50 ms", "p95 ms", "p99 ms", "errors"),
        (
            f"HTTP, {args.clients} clients, {args.workers} worker(s)",
            f"{figures['requests_per_s']:.0f}",
            *(f"{figures['http'][p]:.1f}" for p in row),
            str(errors),
        ),
        (
            f"HTTP, same, while posting {WRITE_BATCH}-article batches",
            f"{figures['mixed']['requests_per_s']:.0f}",
            *(f"{figures['mixed']['http'][p]:.1f}" for p in row),
            str(mixed_errors),
        ),
        (
            f"POST /articles ({WRITE_BATCH} articles), {len(writer.latencies)} batches",
            f"{figures['mixed']['write_batches_per_s']:.1f}",
            *(f"{figures['mixed']['post_ms'][p]:.1f}" for p in row),
            str(writer.failures),
        ),
        (
            "library, 1 thread (baseline)",
            f"{1000 / figures['library_mean_ms']:.0f}",
            *(f"{figures['library_one_thread'][p]:.1f}" for p in row),
            "-",
        ),
        (
            f"server RSS MB before / after {args.memory_requests:,} searches",
            f"{rss_before:.0f} / {rss_after:.0f}",
            f"{figures['memory']['growth']:+.1%}",
            "",
            "",
            str(memory_errors),
        ),
    ]
    print_report(figures, table)


if __name__ == "__main__":
    main()
