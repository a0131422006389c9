"""HTTP API under a bounded load: throughput and latency of GET /search, on 127.0.0.1 only.

    python benchmarks/bench_serve.py [--index PATH] [--requests 2000] [--clients 8] [--workers 1]

(``--index`` defaults to ``indexes/saudinewsnet`` in the project.)

Starts ``arsearch serve`` (uvicorn, one process) on a free loopback port,
then ``--clients`` threads send ``--requests`` searches in all, each over its
own keep-alive connection (stdlib ``http.client``): 2-6 word title
prefixes of random SaudiNewsNet articles, so every query finds something.
Reports requests/s and p50/p95/p99 latency as the client sees it, and the
same queries through the library in this process (one thread) as the
baseline: the difference is what HTTP, JSON and the server add. Prints one
JSON line and a table.
"""

from __future__ import annotations

import argparse
import http.client
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

import orjson

from _common import SAUDINEWSNET_INDEX, print_report
from arsearch import Index

SEED = 20261125


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=SAUDINEWSNET_INDEX)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="server processes (arsearch serve --workers)")
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
    port = free_port()
    command = [sys.executable, "-m", "arsearch", "serve", "--index", str(args.index), "--port", str(port)]
    command += ["--workers", str(args.workers)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(port, server)
        load(port, queries[:100], args.clients)  # warm-up
        latencies, wall, errors = load(port, queries, args.clients)
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures: dict[str, Any] = {
        "articles": articles,
        "requests": len(latencies),
        "clients": args.clients,
        "workers": args.workers,
        "errors": errors,
        "requests_per_s": round(len(latencies) / wall, 1),
        "http": {name: round(percentile(latencies, q), 2) for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))},
        "library_one_thread": {
            name: round(percentile(library, q), 2) for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
        },
        "library_mean_ms": round(statistics.mean(library), 2),
    }
    table = [
        ("GET /search", "requests/s", "p50 ms", "p95 ms", "p99 ms", "errors"),
        (
            f"HTTP, {args.clients} clients, {args.workers} worker(s)",
            f"{figures['requests_per_s']:.0f}",
            *(f"{figures['http'][p]:.1f}" for p in ("p50", "p95", "p99")),
            str(errors),
        ),
        (
            "library, 1 thread (baseline)",
            f"{1000 / figures['library_mean_ms']:.0f}",
            *(f"{figures['library_one_thread'][p]:.1f}" for p in ("p50", "p95", "p99")),
            "-",
        ),
    ]
    print_report(figures, table)


if __name__ == "__main__":
    main()
