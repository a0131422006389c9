"""A real `arsearch serve` process on loopback, started and stopped by a test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import orjson


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``arsearch serve`` on a free loopback port, in a session of its own (so a SIGKILL reaches every process)."""

    def __init__(self, index_dir: Path | None, *options: str, start_within: float = 30) -> None:
        """``index_dir`` None: the options say what to serve (``--cluster ADDR --name NAME``)."""
        self.port = free_port()
        command = [sys.executable, "-m", "arsearch", "serve", "--port", str(self.port)]
        if index_dir is not None:
            command += ["--index", str(index_dir)]
        self.process = subprocess.Popen(
            [*command, *options], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        deadline = time.monotonic() + start_within
        while True:
            try:
                self.get("/health")
                return
            except OSError:
                assert self.process.poll() is None and time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.2)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str, timeout: float = 5) -> Any:
        with urllib.request.urlopen(self.url(path), timeout=timeout) as response:
            return orjson.loads(response.read())

    def post(self, path: str, body: object, token: str, timeout: float = 30) -> tuple[int, Any]:
        request = urllib.request.Request(
            self.url(path),
            data=orjson.dumps(body),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, orjson.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, orjson.loads(error.read())

    def kill(self) -> None:
        """SIGKILL to the server and its workers: no shutdown code runs."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> str:
        """Stop it the polite way; what it printed on stderr."""
        if self.process.poll() is None:
            self.process.terminate()
        _, errors = self.process.communicate(timeout=10)
        return errors
