"""Writes over HTTP under load and crashes: a real server, readers and a writer, then SIGKILL."""

from __future__ import annotations

import http.client
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
from pathlib import Path

import pytest

from arsearch import Index
from server_helpers import Server

TOKEN = "crash-test-token"
BATCH = 20
READERS = 4
#: every posted article holds this word, so its search total counts the articles written
MARKER = "تجريبي"


def batch_of(number: int) -> list[dict[str, str]]:
    return [
        {"id": f"b{number}-{item}", "title": f"خبر {MARKER} {number}", "text": f"نص خبر {MARKER} رقم {item} من الدفعة"}
        for item in range(BATCH)
    ]


class Readers:
    """Threads searching the marker word over and over: what each saw, and any failure."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.stopping = threading.Event()
        self.failures: list[str] = []
        self.searches = 0
        self.threads = [threading.Thread(target=self.read, daemon=True) for _ in range(READERS)]
        for thread in self.threads:
            thread.start()

    def read(self) -> None:
        query = "/search?" + urllib.parse.urlencode({"q": MARKER, "collapse": "false", "limit": 1})
        last = 0
        while not self.stopping.is_set():
            try:
                total = self.server.get(query)["total"]
            except urllib.error.HTTPError as error:
                self.failures.append(f"HTTP {error.code}")
                return
            except (OSError, http.client.HTTPException) as error:  # refused, reset, or cut mid-answer
                if self.stopping.is_set():
                    return  # the server was killed under us: expected from now on
                self.failures.append(f"connection failed while the server was up ({error!r})")
                return
            if total < last:
                self.failures.append(f"the total went down from {last} to {total}")
            last = total
            self.searches += 1

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=10)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_a_server_killed_while_writing_keeps_every_acknowledged_article(tmp_path: Path, seed: int) -> None:
    index_dir = tmp_path / "ix"
    Index.create(index_dir).close()
    server = Server(index_dir, "--write-token", TOKEN)
    readers = Readers(server)
    acknowledged: list[int] = []
    in_flight: list[int] = []
    unexpected: list[str] = []
    stop_writing = threading.Event()

    def write() -> None:
        number = 0
        while not stop_writing.is_set():
            in_flight[:] = [number]
            try:
                status, answer = server.post("/articles", batch_of(number), TOKEN)
            except (OSError, http.client.HTTPException):
                return  # killed mid-request: this batch's fate is unknown to the client
            if status != 201 or answer.get("added") != BATCH:
                unexpected.append(f"batch {number}: {status} {answer}")
                return
            acknowledged.append(number)
            in_flight.clear()
            number += 1

    writer = threading.Thread(target=write, daemon=True)
    try:
        writer.start()
        time.sleep(random.Random(seed).uniform(1.5, 3.0))  # some batches in, one most likely on its way
        readers.stopping.set()  # from now on a refused connection is expected
        server.kill()
    finally:
        stop_writing.set()
        writer.join(timeout=30)
        readers.stop()
        server.stop()
    assert not unexpected, unexpected
    assert not readers.failures, readers.failures
    assert len(acknowledged) >= 3 and readers.searches > 10  # the test did exercise both sides

    # the restarted server holds every acknowledged article, and the batch in flight whole or not at all
    restarted = Server(index_dir, "--write-token", TOKEN)
    try:
        for number in acknowledged:
            assert restarted.get(f"/articles/b{number}-{BATCH - 1}")["id"] == f"b{number}-{BATCH - 1}"
        total = restarted.get("/health")["articles"]
        assert total in (len(acknowledged) * BATCH, (len(acknowledged) + len(in_flight)) * BATCH)
    finally:
        restarted.stop()
    check = subprocess.run([sys.executable, "-m", "arsearch", "check", "--index", str(index_dir)], capture_output=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("workers", [1, 2])
def test_arsearch_serve_answers_on_loopback(sample_index_dir: Path, workers: int) -> None:
    server = Server(sample_index_dir, "--workers", str(workers))
    try:
        assert server.get("/health")["articles"] == 30
        assert server.get("/search?" + urllib.parse.urlencode({"q": "المملكة"}))["total"] > 0
    finally:
        errors = server.stop()
    processes = ", 2 processes" if workers == 2 else ""
    assert f"serving {sample_index_dir} on http://127.0.0.1:{server.port} (read-only{processes})" in errors
