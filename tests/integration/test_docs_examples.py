"""Every shell and Python example of the README and docs/ runs as written (issue 32).

Each document gets a sandbox of its own holding the bundled sample under the names its examples
use (``articles.jsonl.gz``, ``news.jsonl.gz``, ``more.csv``, ``feed.json``, ``samples/news.jsonl``, ``samples/eval``)
and ``indexes/news`` built from it; its examples run there one after the other, as a reader would:

- ``console`` blocks: each ``$`` line is a command (a trailing ``\\`` continues it); the lines after
  it are what it prints, and each must appear in its output. ``arsearch serve`` runs in the
  background until the block ends (the reader's second terminal) and must answer first;
- ``bash`` blocks: every line is a command (comments skipped);
- ``python`` blocks run with this interpreter; one whose first line is ``# some/file.py: ...``
  is that file, written for the blocks after it.

What the harness changes, and nothing else: the README's opening commands lose their install
step (this environment is installed; its test command is this suite, so it is not run again);
``ray start`` lines are stood in for by a local Ray cluster on loopback, ``HEAD:6379`` is its
address and ``/srv/arsearch`` a directory of the test; ``0.0.0.0`` becomes 127.0.0.1 (tests
listen on loopback only); ``$TOKEN`` is set; curl is told to fail on an HTTP error (it does
not by default).
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from arsearch import Index
from arsearch.records.ingest import read_records
from helpers import SAMPLE

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))]
RUN_LANGUAGES = ("console", "bash", "python")
BIN = Path(sys.executable).parent
SERVE_WITHIN = 90.0
COMMAND_TIMEOUT = 300.0
TOKEN = "docs-example-token"
TEST_ENGINES = ("tantivy",)  # the examples use the default engine; tests/unit runs both

# beside test_cluster.py: one local Ray cluster at a time on a small machine; and the examples'
# servers share ports 8000 and 8080, so the documents run one after the other
pytestmark = pytest.mark.xdist_group("ray")


@dataclass(frozen=True)
class Example:
    document: str
    line: int
    language: str
    body: str

    def where(self) -> str:
        return f"{self.document}:{self.line} ({self.language})"


def examples(document: str) -> list[Example]:
    """The fenced blocks of a document that are meant to be run."""
    text = (ROOT / document).read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r"^```(\w+)\n(.*?)^```", text, re.M | re.S):
        if match.group(1) in RUN_LANGUAGES:
            line = text.count("\n", 0, match.start()) + 2
            found.append(Example(document, line, match.group(1), match.group(2)))
    return found


def uses_cluster(document: str) -> bool:
    return any("HEAD:6379" in example.body for example in examples(document))


# --- the sandbox ------------------------------------------------------------------------------


def make_sandbox(where: Path) -> Path:
    where.mkdir(parents=True)
    (where / "samples").mkdir()
    shutil.copy(SAMPLE, where / "samples" / "news.jsonl")
    shutil.copytree(SAMPLE.parent / "eval", where / "samples" / "eval")
    data = SAMPLE.read_bytes()
    for name in ("articles.jsonl.gz", "news.jsonl.gz"):
        (where / name).write_bytes(gzip.compress(data))
    records = [orjson.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    rows = ["id,title,text,date,source"] + [
        ",".join(f'"{r.get(key, "")}"' for key in ("id", "title", "text", "date", "source"))
        for r in ({**record, "id": record["id"] + "-csv"} for record in records[:5])
    ]
    (where / "more.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    feed = [{"id": r["id"] + "-feed", "headline": r["title"], "body": r["text"]} for r in records[:5]]
    (where / "feed.json").write_bytes(orjson.dumps(feed))
    with Index.create(where / "indexes" / "news") as index:
        index.add(read_records([str(where / "news.jsonl.gz")]))
    return where


@pytest.fixture(scope="module")
def ray_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A local Ray cluster on loopback (three nodes: a shard's two replicas sit on two of them)
    with the cluster ``news`` the docs build, from the same articles, and its data directory."""
    ray = pytest.importorskip("ray")
    from ray.cluster_utils import Cluster

    from arsearch.cluster import build_cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    for _ in range(2):
        cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    ray.init(address=cluster.address, log_to_driver=False)
    data = tmp_path_factory.mktemp("srv-arsearch")
    try:
        build_cluster([str(SAMPLE)], address=cluster.address, name="news", data_dir=str(data), shards=4, replicas=2)
        yield cluster.address, data
    finally:
        ray.shutdown()
        cluster.shutdown()


# --- running the examples ---------------------------------------------------------------------


class Sandbox:
    def __init__(self, where: Path, cluster: tuple[str, Path] | None) -> None:
        self.where = where
        self.cluster = cluster
        self.env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "TOKEN": TOKEN}
        self.env["PYTHONPATH"] = str(where)  # a file an example writes (newsroom/steps.py) imports
        self.servers: dict[int, subprocess.Popen[str]] = {}

    def adapt(self, command: str) -> str:
        """The few changes the module docstring lists."""
        command = command.replace("0.0.0.0", "127.0.0.1")
        if command.startswith("curl "):
            command = "curl --fail-with-body --silent --show-error " + command[5:]  # a refusal fails
        if self.cluster is not None:
            address, data = self.cluster
            command = command.replace("HEAD:6379", address).replace("/srv/arsearch", str(data))
        return command

    def run(self, example: Example, command: str, shown: list[str]) -> None:
        command = self.adapt(command)
        if re.search(r"(^|\s)arsearch serve\b", command):
            self.serve(example, command)
            return
        done = subprocess.run(
            command, shell=True, cwd=self.where, env=self.env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
        )
        said = done.stdout + done.stderr
        assert done.returncode == 0, f"{example.where()}: `{command}` failed ({done.returncode}):\n{said}"
        assert "Traceback" not in said, f"{example.where()}: `{command}`:\n{said}"
        for line in shown:
            assert line.strip() in said, f"{example.where()}: `{command}` did not print {line!r}:\n{said}"

    def serve(self, example: Example, command: str) -> None:
        given = re.search(r"--port\s+(\d+)", command)
        port = int(given.group(1)) if given else 8000
        self.stop(port)  # the examples of one port are alternatives: the next replaces the last
        url = f"http://127.0.0.1:{port}/health"
        server = subprocess.Popen(
            command,
            shell=True,
            cwd=self.where,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # the shell, the server and its workers: one group to stop
        )
        self.servers[port] = server
        deadline = time.monotonic() + SERVE_WITHIN
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    assert answer.status == 200
                    return
            except (OSError, urllib.error.URLError):
                if server.poll() is not None or time.monotonic() > deadline:
                    self.stop(port)
                    pytest.fail(f"{example.where()}: `{command}` did not answer at {url}")
                time.sleep(0.3)

    def stop(self, port: int | None = None) -> None:
        """Stop the server on ``port`` (every server: None)."""
        for number in [port] if port is not None else list(self.servers):
            server = self.servers.pop(number, None) if number is not None else None
            if server is None or server.poll() is not None:
                continue
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()

    def python(self, example: Example) -> None:
        first = example.body.splitlines()[0]
        target = re.match(r"#\s*([\w/]+\.py):", first)
        if target:  # a module of the reader's own, used by the next blocks
            path = self.where / target.group(1)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(example.body, encoding="utf-8")
            return
        script = self.where / f"example_{example.line}.py"
        script.write_text(self.adapt(example.body), encoding="utf-8")
        done = subprocess.run(
            [sys.executable, script.name],
            cwd=self.where,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
        assert done.returncode == 0, f"{example.where()} failed:\n{done.stdout}{done.stderr}"


def shell_commands(example: Example) -> Iterator[tuple[str, list[str]]]:
    """``(command, lines shown as its output)`` for each command of a shell block."""
    commands: list[tuple[str, list[str]]] = []
    pending = ""
    for line in example.body.splitlines():
        if pending:  # the line goes on from a trailing backslash
            pending += " " + line.strip()
        elif example.language == "console" and line.startswith("$ "):
            pending = line[2:]
        elif example.language == "console":
            if commands and line.strip() and line.strip() != "...":
                commands[-1][1].append(line)
            continue
        elif line.strip() and not line.lstrip().startswith("#"):
            pending = line.strip()
        else:
            continue
        if pending.endswith("\\"):
            pending = pending[:-1].rstrip()
            continue
        commands.append((pending, []))
        pending = ""
    yield from commands


def readme_opening(command: str) -> str | None:
    """The README's first commands without their install step; None for the test command (this suite)."""
    if "pytest" in command:
        return None
    steps = [step.strip() for step in command.split("&&")]
    installs = ("python3 -m venv", ".venv/bin/pip ")
    return " && ".join(step.removeprefix(".venv/bin/") for step in steps if not step.startswith(installs))


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_example_runs_as_written(document: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    runnable = examples(document)
    if not runnable:
        pytest.skip(f"{document} has no shell or Python example")
    cluster = request.getfixturevalue("ray_address") if uses_cluster(document) else None
    sandbox = Sandbox(make_sandbox(tmp_path / "sandbox"), cluster)
    try:
        for example in runnable:
            if example.language == "python":
                sandbox.python(example)
                continue
            for command, shown in shell_commands(example):
                if document == "README.md" and example.language == "bash":
                    opening = readme_opening(command)
                    if opening is None:
                        continue
                    command = opening
                if command.startswith("ray start"):
                    continue  # the local cluster of the fixture stands in for the reader's machines
                sandbox.run(example, command, shown)
            sandbox.stop()  # a block's servers stop with it
    finally:
        sandbox.stop()


# --- the harness itself -----------------------------------------------------------------------


def test_the_harness_reads_commands_their_output_and_continuations() -> None:
    block = Example(
        "x.md",
        1,
        "console",
        "$ arsearch synonyms add a b --index DIR\na = b\n$ arsearch cluster build f \\\n    --shards 4\n...\n",
    )
    assert list(shell_commands(block)) == [
        ("arsearch synonyms add a b --index DIR", ["a = b"]),
        ("arsearch cluster build f --shards 4", []),
    ]
    bash = Example("x.md", 1, "bash", "# a comment\nray start --head\n\narsearch info\n")
    assert list(shell_commands(bash)) == [("ray start --head", []), ("arsearch info", [])]
    assert readme_opening("python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/arsearch index x") == (
        "arsearch index x"
    )
    assert readme_opening("python3 -m venv .venv && .venv/bin/pytest -q") is None


def test_every_document_with_examples_is_checked() -> None:
    checked: dict[str, Any] = {document: examples(document) for document in DOCUMENTS}
    assert checked["README.md"] and checked["docs/search.md"] and checked["docs/web.md"]
    # the README's curl lines are among them: they must answer as written
    assert any("curl -G --data-urlencode" in example.body for example in checked["README.md"])


def test_the_harness_fails_an_example_that_fails(tmp_path: Path) -> None:
    sandbox = Sandbox(make_sandbox(tmp_path / "sandbox"), None)
    example = Example("x.md", 1, "console", "")
    try:
        sandbox.run(example, "arsearch serve --index indexes/news --port 8090", [])
        sandbox.run(example, 'curl -G --data-urlencode "q=المملكة" http://127.0.0.1:8090/search', ['"total":2'])
        # what curl sends for Arabic typed into the URL is refused (400): the harness says so
        with pytest.raises(AssertionError, match="failed"):
            sandbox.run(example, 'curl "http://127.0.0.1:8090/search?q=المملكة"', [])
        with pytest.raises(AssertionError, match="did not print"):
            sandbox.run(example, "arsearch info --index indexes/news", ["no such line"])
    finally:
        sandbox.stop()
    with pytest.raises(AssertionError, match=r"example_1\.py"):
        sandbox.python(Example("x.md", 1, "python", "import arsearch\narsearch.no_such_name\n"))
