"""Analysis on every core: the same documents and the same index as one process, in input order,
and worker processes that never outlive the import (SIGKILL of the importer, Ctrl-C, a dead worker)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from arsearch import Article, Index
from arsearch.analysis import LightStem, Normalize, Protect, StopWords, Tokenize, get_analyzer
from arsearch.engine.schema import build_document
from arsearch.errors import AnalysisWorkerError, ArsearchError, StrictModeError
from arsearch.store import pipeline
from arsearch.store.pipeline import DocumentMaker
from helpers import SAMPLE, SAMPLE_RECORDS, Digitless


def records(count: int, *, start: int = 0) -> Iterator[dict[str, object]]:
    """``count`` articles cycling through the sample, each with its own id and a number in its text."""
    for n in range(start, start + count):
        record = SAMPLE_RECORDS[n % len(SAMPLE_RECORDS)]
        yield {**record, "id": f"{record['id']}-{n}", "text": f"{record['text']} العدد {n}"}


@pytest.fixture
def small_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers start after 40 articles and take chunks of 16, so small tests cross every boundary."""
    monkeypatch.setattr(pipeline, "INLINE_ARTICLES", 40)
    monkeypatch.setattr(pipeline, "CHUNK_ARTICLES", 16)


def children_of(pid: int) -> set[int]:
    """Every live descendant of a process (Linux /proc); zombies count as gone."""
    found: set[int] = set()
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            with_children = task / "children"
            if with_children.exists():
                for child in with_children.read_text().split():
                    if alive(int(child)):
                        found.add(int(child))
                        frontier.append(int(child))
    return found


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.05)
    return False


linux_only = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads processes from Linux's /proc")


@pytest.mark.usefixtures("small_inline")
@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_workers_build_the_same_documents_in_input_order(jobs: int) -> None:
    analyzer = get_analyzer("light")
    # enough chunks that workers are taught what the others learned (each text has a new number)
    articles = [Article.from_record(record) for record in records(500)]
    items: list[Article | str] = []
    for number, article in enumerate(articles):
        items.append(article)
        if number % 37 == 0:
            items.append(f"marker {number}")  # items without an article pass through in place
    with DocumentMaker(analyzer, {"profile": "light"}, jobs=jobs) as maker:
        out = list(maker.analyzed(items, lambda item: item if isinstance(item, Article) else None))
    assert [item for item, _ in out] == items
    expected = {article.id: build_document(article, analyzer) for article in articles}
    for item, document in out:
        if isinstance(item, Article):
            assert document == expected[item.id]
        else:
            assert document is None


@pytest.mark.usefixtures("small_inline")
@pytest.mark.parametrize(("count", "workers"), [(40, 0), (41, 2)])
def test_workers_start_before_the_first_document_of_a_large_import_and_never_for_a_small_one(
    count: int, workers: int
) -> None:
    """Up to INLINE_ARTICLES articles (items without one not counted) stay in this process; a
    larger import starts its workers at once, and analyzes its first articles while they start."""
    items: list[Article | None] = [None, *(Article.from_record(record) for record in records(count)), None]
    with DocumentMaker(get_analyzer("light"), {"profile": "light"}, jobs=2) as maker:
        out = maker.analyzed(items, lambda item: item)
        assert next(out) == (None, None)
        assert len(maker._workers) == workers
        assert [item for item, _ in out] == items[1:]


@pytest.mark.usefixtures("small_inline")
def test_an_index_built_on_two_processes_answers_like_one_built_on_one(tmp_path: Path) -> None:
    with Index.create(tmp_path / "one") as one, Index.create(tmp_path / "two") as two:
        assert one.add(records(300), jobs=1, batch_size=64).added == 300
        report = two.add(records(300), jobs=2, batch_size=64)
        assert (report.added, report.commits) == (300, 5)
        assert sorted(one.ids()) == sorted(two.ids())
        for query in ("وزير الخارجية", "المدارس", '"معرض الكتاب"', '"العدد 17"', "اقتص*"):
            # every hit with its score (copies of one sample text tie, in whatever order segments give)
            first, second = one.search(query, limit=100, collapse=False), two.search(query, limit=100, collapse=False)
            assert first.total == second.total > 0, query
            assert sorted((h.score, h.id) for h in first.hits) == sorted((h.score, h.id) for h in second.hits), query
        some_id = str(list(records(6))[5]["id"])
        assert one.get(some_id) == two.get(some_id)


@pytest.mark.usefixtures("small_inline")
def test_strict_mode_commits_everything_before_the_bad_record_then_stops(tmp_path: Path) -> None:
    stream = [*records(130), {"id": "bad", "source": "بلا عنوان ولا نص"}, *records(50, start=130)]
    with Index.create(tmp_path / "ix") as index:
        with pytest.raises(StrictModeError, match="item 131"):
            index.add(stream, jobs=2, strict=True, batch_size=50)
        assert sorted(index.ids()) == sorted(str(r["id"]) for r in records(130))


@pytest.mark.usefixtures("small_inline")
def test_bad_records_are_reported_where_they_were(tmp_path: Path) -> None:
    repeated = str(list(records(4))[3]["id"])
    stream = [*records(100), {"id": repeated, "text": "مكرر"}, {"id": "x"}, *records(40, start=100)]
    with Index.create(tmp_path / "ix") as index:
        report = index.add(stream, jobs=2)
    assert report.added == 140
    assert [str(problem) for problem in report.problems] == [
        f"item 101: duplicate id '{repeated}' (first seen at item 4)",
        "item 102: no text: both 'title' and 'text' are empty or missing",
    ]


def test_jobs_must_be_positive(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index, pytest.raises(ValueError, match="jobs must be at least 1"):
        index.add(records(1), jobs=0)


IMPORTER = textwrap.dedent(
    """
    import sys, orjson
    from arsearch import Index
    sample = [orjson.loads(line) for line in open(sys.argv[2], "rb") if line.strip()]
    articles = ({**sample[n % len(sample)], "id": str(n)} for n in range(10**7))
    with Index.create(sys.argv[1]) as index:
        index.add(articles, jobs=2, batch_size=500)
    """
)


@linux_only
@pytest.mark.slow
def test_workers_die_with_a_killed_importer(tmp_path: Path) -> None:
    importer = subprocess.Popen([sys.executable, "-c", IMPORTER, str(tmp_path / "ix"), str(SAMPLE)])
    try:
        assert wait_for(lambda: len(children_of(importer.pid)) >= 2, 60), "the workers never started"
        workers = children_of(importer.pid)
        importer.send_signal(signal.SIGKILL)
        importer.wait()
        assert wait_for(lambda: not any(alive(pid) for pid in workers), 5), "workers outlived the importer"
    finally:
        importer.kill()
    with Index.open(tmp_path / "ix") as index:  # whole commits only
        assert len(index) % 500 == 0


@linux_only
@pytest.mark.slow
def test_ctrl_c_stops_the_import_and_its_workers_cleanly(tmp_path: Path) -> None:
    source = tmp_path / "articles.jsonl"
    source.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records(60_000)))
    command = [sys.executable, "-m", "arsearch", "index", str(source), "--index", str(tmp_path / "ix"), "--jobs", "2"]
    # its own process group, signalled as a terminal signals its foreground job: every process gets SIGINT.
    # A suite started in the background by a shell without job control runs with SIGINT ignored, which a
    # child inherits (Python then installs no handler): with a handler here, exec gives the CLI the default.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        cli = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        assert wait_for(lambda: len(children_of(cli.pid)) >= 2, 60), "the workers never started"
        workers = children_of(cli.pid)
        time.sleep(0.5)
        os.killpg(cli.pid, signal.SIGINT)
        _, err = cli.communicate(timeout=30)
    finally:
        cli.kill()
    assert cli.returncode == 130, err
    assert "Traceback" not in err and "interrupted;" in err and "committed in" in err, err
    assert wait_for(lambda: not any(alive(pid) for pid in workers), 5), "workers outlived the import"


@linux_only
@pytest.mark.slow
def test_a_dead_worker_stops_the_import_with_a_clear_error_and_the_last_commit_intact(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        killed: list[int] = []

        def stream() -> Iterator[dict[str, object]]:
            for n, record in enumerate(records(100_000)):
                if n == 1000 and not killed:  # the workers run (past INLINE_ARTICLES), commits made
                    for pid in children_of(os.getpid()):
                        os.kill(pid, signal.SIGKILL)
                        killed.append(pid)
                yield record

        with pytest.raises(AnalysisWorkerError, match="an analysis worker process died") as raised:
            index.add(stream(), jobs=2, batch_size=500)
        assert killed and isinstance(raised.value, ArsearchError)
        assert len(index) % 500 == 0 and len(index) < 100_000
    assert not any(alive(pid) for pid in killed)


def test_an_index_saves_its_chain_and_its_import_workers_run_it(tmp_path: Path) -> None:
    chain = Tokenize() | Normalize() | Digitless() | StopWords() | Protect(["ماكرون"]) | LightStem()
    articles = [{"id": str(n), "title": f"خبر {n}", "text": f"زار ماكرون المدارس في {n} و٢٠١٥"} for n in range(240)]
    with Index.create(tmp_path / "ix", chain=chain) as index:
        # more than pipeline.INLINE_ARTICLES on two processes: the workers rebuild the chain from its description
        assert index.add(articles, jobs=2, fit_topics="off").added == 240
        assert index.protected_words == ["ماكرون"] and index.profile == "custom"
    with Index.open(tmp_path / "ix") as index:
        assert index.analyzer.chain == chain
        assert index.search("٢٠١٥").total == 0  # numbers are not indexed
        assert index.search("مدرسة").total == 240 and index.search("لماكرون").total == 240
        assert index.info().profile == "custom"
