"""Faults and concurrency on real indexes: killed writers, stale locks, readers during commits.

The slow tests start real `arsearch` processes; CI runs them (a minute or so in all).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from arsearch import Index
from arsearch.cli import main
from arsearch.errors import IndexLockedError, IndexNotFoundError, IndexWriteError
from arsearch.records.ingest import read_records
from arsearch.store.settings import SETTINGS_FILE
from helpers import SAMPLE, SAMPLE_RECORDS

#: A made-up word put in every generated article: searching it counts the articles a commit holds.
MARKER = "علامةالاختبار"
BATCH = 50


def write_articles(path: Path, count: int) -> list[str]:
    ids = []
    with path.open("wb") as out:
        for n in range(count):
            article = SAMPLE_RECORDS[n % len(SAMPLE_RECORDS)]
            ids.append(f"{article['id']}-{n}")
            out.write(orjson.dumps({**article, "id": ids[-1], "text": f"{article['text']} {MARKER}"}) + b"\n")
    return ids


def index_command(source: Path, index_dir: Path, *options: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "arsearch",
        "index",
        str(source),
        "--index",
        str(index_dir),
        "--batch",
        str(BATCH),
        *options,
    ]


#: The kill test's imports leave the topic model alone: its refit is a process of its own, after the
#: import's last commit, that writes no commit (test_refits); forty of them would only compete with
#: the imports for the CPU.
NO_REFIT = ("--fit-topics", "off")


#: Articles of the import the kill test kills: many commits (of BATCH articles), analysis on worker
#: processes (more than pipeline.INLINE_ARTICLES), each import a second or two. A Whoosh commit
#: costs ~10x a tantivy one: a quarter of the articles spreads its kills over start-up, five
#: commits and the end in about the time tantivy's 20 commits take.
KILLED_IMPORT_ARTICLES = {"tantivy": 1000, "whoosh": 250}
#: Kills per engine: twenty on the default engine; ten on Whoosh, whose every import and re-run
#: start slower (about 3 s each), so that the suite stays near five minutes on two cores.
KILLS = {"tantivy": 20, "whoosh": 10}


def started_import(command: list[str], index_dir: Path) -> tuple[subprocess.Popen[bytes], float]:
    """The import, started, once it has created its index (or ended): the process and the seconds
    its start-up took (the interpreter, arsearch's imports, the creation of the index)."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not (index_dir / SETTINGS_FILE).exists() and process.poll() is None:
        time.sleep(0.005)
    return process, time.monotonic() - started


#: Kills that land in an import's start-up, before its index exists; the others land anywhere from
#: its creation to its end (commits, analysis on worker processes, the last commit, the exit).
START_UP_KILLS = 0.2


@pytest.mark.slow
def test_kills_at_random_moments_never_lose_or_duplicate(tmp_path: Path, engine: str) -> None:
    source = tmp_path / "articles.jsonl"
    ids = write_articles(source, KILLED_IMPORT_ARTICLES[engine])
    rng = random.Random(7)
    # one undisturbed run tells how long an import's start-up and its work take on this machine
    started = time.monotonic()
    calibration_dir = tmp_path / "calibration"
    calibration, start_up = started_import(index_command(source, calibration_dir, *NO_REFIT), calibration_dir)
    assert calibration.wait() == 0
    work = time.monotonic() - started - start_up
    outcomes = {"before the index existed": 0, "mid-import": 0, "after it finished": 0}
    for attempt in range(KILLS[engine]):
        index_dir = tmp_path / f"ix-{attempt}"
        command = index_command(source, index_dir, *NO_REFIT)
        if rng.random() < START_UP_KILLS:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.0, start_up))
        else:
            process, _ = started_import(command, index_dir)
            time.sleep(rng.uniform(0.0, 1.1 * work))  # creation, commits, the end: any of them
        process.send_signal(signal.SIGKILL)
        process.wait()
        try:
            index = Index.open(index_dir)
        except IndexNotFoundError:
            outcomes["before the index existed"] += 1
        else:
            with index:
                held = list(index.ids())
                # exactly what some commit held: a whole prefix of the input, each article once
                assert len(held) == len(set(held)) and len(held) % BATCH == 0
                assert set(held) == set(ids[: len(held)])
                assert index.search(MARKER, facets=False, highlight=False).total == len(held)
            outcomes["after it finished" if len(held) == len(ids) else "mid-import"] += 1
        # running the same import again converges: everything, once
        subprocess.run(command, capture_output=True, check=True)
        with Index.open(index_dir) as index:
            held = list(index.ids())
            assert len(held) == len(set(held)) == len(ids)
    assert outcomes["mid-import"] >= KILLS[engine] // 4, outcomes  # the kills did land during imports


LOCK_HOLDER = textwrap.dedent(
    """
    import sys, time
    from arsearch import Index
    index = Index.open(sys.argv[1])
    holding = index.store.writing()  # kept referenced: the lock is held until the process dies
    holding.__enter__()
    print("locked", flush=True)
    time.sleep(60)
    """
)


@pytest.mark.slow
def test_a_lock_left_by_a_dead_writer_is_free_at_once(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        holder = subprocess.Popen(
            [sys.executable, "-c", LOCK_HOLDER, str(tmp_path / "ix")], stdout=subprocess.PIPE, text=True
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
            with pytest.raises(IndexLockedError, match=rf"locked by another writer \(pid {holder.pid} on "):
                index.add([{"id": "1", "text": "نص"}])
        finally:
            holder.send_signal(signal.SIGKILL)
            holder.wait()
        # the operating system released the dead process's lock; no waiting, no manual cleanup
        assert index.add([{"id": "1", "text": "نص"}]).added == 1


READER = textwrap.dedent(
    """
    import json, sys, time
    from arsearch import Index
    seen = []
    with Index.open(sys.argv[1]) as index:
        deadline = time.monotonic() + float(sys.argv[3])
        while time.monotonic() < deadline:
            seen.append(index.search(sys.argv[2], facets=False, highlight=False).total)
            if seen[-1] == int(sys.argv[4]):
                break
    print(json.dumps(seen))
    """
)


#: Articles of the import the readers watch: a few dozen commits of BATCH articles with tantivy, ten
#: with Whoosh (whose commits cost ~10x as much).
WATCHED_IMPORT_ARTICLES = {"tantivy": 1500, "whoosh": 500}


@pytest.mark.slow
def test_readers_in_threads_and_processes_see_whole_commits_only(tmp_path: Path, engine: str) -> None:
    source = tmp_path / "articles.jsonl"
    ids = write_articles(source, WATCHED_IMPORT_ARTICLES[engine])
    index_dir = tmp_path / "ix"
    with Index.create(index_dir) as index:
        index.add([{"id": "seed", "text": "بداية"}])
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(index_dir), MARKER, "60", str(len(ids))], stdout=subprocess.PIPE, text=True
    )
    shared = Index.open(index_dir)  # one long-lived object shared by the threads, as a web app would
    seen_by_threads: list[list[int]] = []
    errors: list[BaseException] = []
    written = threading.Event()  # the writer has exited: its last commit is made

    def read() -> None:
        seen: list[int] = []
        try:
            while True:
                after_the_writer = written.is_set()
                seen.append(shared.search(MARKER, facets=False, highlight=False).total)
                # the last answer is of a search begun once the writer was done (a Whoosh search
                # takes ~0.6 s on three threads sharing the interpreter: no fixed pause is enough)
                if after_the_writer:
                    break
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        seen_by_threads.append(seen)

    threads = [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    writer = subprocess.run(index_command(source, index_dir), capture_output=True, text=True)
    written.set()
    for thread in threads:
        thread.join()
    out, _ = reader.communicate(timeout=90)
    assert writer.returncode == 0, writer.stderr
    assert not errors, errors
    for seen in [*seen_by_threads, json.loads(out)]:
        assert seen, "a reader never got an answer"
        assert all(total % BATCH == 0 for total in seen), sorted(set(seen))  # whole commits only
        assert seen == sorted(seen)  # never back to an older commit
        assert seen[-1] == len(ids)  # the long-lived objects picked up the last commit
    shared.close()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs, so a commit can run out of space (Linux, as root; skipped elsewhere)."""
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root and mount(8); the full-disk case is not simulated here")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mountpoint)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.decode().strip()})")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def random_articles(count: int) -> Iterator[dict[str, str]]:
    rng = random.Random(3)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    for n in range(count):
        words = ("".join(rng.choice(letters) for _ in range(6)) for _ in range(300))
        yield {"id": f"random-{n}", "text": " ".join(words)}


def test_a_full_disk_is_a_clear_error_and_the_last_commit_stays(small_disk: Path) -> None:
    with Index.create(small_disk / "ix") as index:
        index.add(read_records([str(SAMPLE)]))
        with pytest.raises(IndexWriteError, match=r"no space left on device\); the last commit \(30 articles\)"):
            index.add(random_articles(3000), batch_size=200)
    with Index.open(small_disk / "ix") as reopened:
        assert len(reopened) == 30 and reopened.search("المملكة").total > 0
    # the failed import gave its space back (its batch rolled back): the disk is filled for the CLI's turn
    with contextlib.suppress(OSError), open(small_disk / "filler", "wb") as filler:
        while True:
            filler.write(b"\0" * 65536)
            filler.flush()
    runner = CliRunner()
    failed = runner.invoke(main, ["index", str(SAMPLE), "--index", str(small_disk / "another")])
    assert failed.exit_code == 1 and "Traceback" not in failed.output
    assert "no space left on device" in failed.output


def test_an_index_on_a_read_only_file_system_is_a_clear_error(small_disk: Path) -> None:
    with Index.create(small_disk / "ix") as index:
        index.add(read_records([str(SAMPLE)]))
        subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
        with pytest.raises(IndexWriteError, match=r"read-only file system"):
            index.add([{"id": "new", "text": "خبر جديد"}])
    # opened anew from the read-only file system, it searches (tantivy's lock files go to a private
    # directory of links) and refuses writes before touching anything
    with Index.open(small_disk / "ix") as index:
        assert len(index) == 30 and index.search("المملكة").total > 0
        with pytest.raises(IndexWriteError, match=r"is on read-only storage"):
            index.add([{"id": "new", "text": "خبر جديد"}])
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    with Index.open(small_disk / "ix") as index:
        assert len(index) == 30
