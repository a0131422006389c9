"""Analysis on every core: articles in, pre-analyzed documents out, in input order.

Arabic analysis (and the near-duplicate sketch) is most of an import's work
and runs in Python, so one process uses one core. ``DocumentMaker`` reads
ahead: an import of more than ``INLINE_ARTICLES`` articles (when ``jobs``
allows) starts its worker processes at once, analyzes its first articles in
the calling process while they start, and then hands them chunks of the
rest; the documents come back in input order, so the one writer commits
exactly what a single process would have. A small import (a web request, a
test) never starts a process.

Workers never outlive the importing process: they ignore Ctrl-C (the parent
decides what to do) and exit within a second when it dies, even by SIGKILL.

Working out a word the first time (normalization, stem, root) costs ~20 µs,
the most of a cold import. Each worker answers with the words it learned, and
the others are taught them with their next task (with their roots: another
spelling of a word met elsewhere finds its root known), so most words are
worked out once per import, not once per process.

مثال::

    >>> with DocumentMaker(get_analyzer("light"), {"profile": "light"}, jobs=2) as maker:  # doctest: +SKIP
    ...     for article, document in maker.analyzed(articles, lambda article: article):
    ...         writer.add(document)
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain, islice
from typing import IO, Any, TypeVar

from ..analysis import Analyzer
from ..engine.base import IndexedDocument
from ..engine.schema import build_document
from ..errors import AnalysisWorkerError
from ..records.articles import Article
from .processes import python_running

#: Imports of up to this many articles stay in the calling process: each worker costs
#: ~0.3 s to start and ~80 MB, about what 200 articles' cold analysis costs on one core
#: (a web request, a test start none). A larger import analyzes its first articles here
#: while its workers start.
INLINE_ARTICLES = 200
#: Articles per task sent to a worker (large enough that the round trip is noise).
CHUNK_ARTICLES = 64
#: Tasks in flight per worker: enough to keep every worker busy through a commit (a fraction of
#: a second, every ``DEFAULT_BATCH_SIZE`` articles), few enough to bound memory (~2 MB of documents
#: per task).
TASKS_PER_JOB = 4
#: How often a worker checks that the importing process is still alive.
WATCHDOG_SECONDS = 0.5
#: How long a worker may take to finish after its last task before it is killed.
EXIT_SECONDS = 5.0

Item = TypeVar("Item")


def default_jobs() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class DocumentMaker:
    """Turns articles into pre-analyzed documents, on ``jobs`` processes once an import is large."""

    def __init__(self, analyzer: Analyzer, analyzer_options: Mapping[str, Any], jobs: int | None = None) -> None:
        self.analyzer = analyzer
        self.analyzer_options = dict(analyzer_options)
        self.jobs = default_jobs() if jobs is None else jobs
        if self.jobs < 1:
            raise ValueError("jobs must be at least 1")
        self._workers: list[_Worker] = []
        #: the spelling terms of the words the workers met, each with its word (``take_spelled``)
        self._spelled: dict[str, str] = {}

    def __enter__(self) -> DocumentMaker:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        self.close(finished=exc_type is None)

    def close(self, *, finished: bool = True) -> None:
        """Stop the workers: let them exit after their last task, or (``finished=False``) kill them."""
        workers, self._workers = self._workers, []
        for worker in workers:  # all of them told first, so they exit side by side
            worker.finish(kill=not finished)
        for worker in workers:
            worker.wait()

    def analyzed(
        self, items: Iterable[Item], article_of: Callable[[Item], Article | None]
    ) -> Iterator[tuple[Item, IndexedDocument | None]]:
        """Each item with the document of its article (None for items without one), in input order."""
        pairs: Iterator[tuple[Item, Article | None]] = ((item, article_of(item)) for item in items)
        before_inline = self.analyzer.words.mark()
        if self.jobs > 1:
            # Read ahead (reading is ~1% of analyzing): an import of more than INLINE_ARTICLES
            # starts its workers at once and analyzes the first articles here while they start
            # (~0.4 s), rather than first analyzing them with the other cores idle.
            ahead: list[tuple[Item, Article | None]] = []
            articles = 0
            try:
                for item, article in pairs:
                    ahead.append((item, article))
                    articles += article is not None
                    if articles > INLINE_ARTICLES:
                        break
            except Exception as error:  # the input failed: what was read before it is written first
                pairs = _failing(error)
            else:
                if articles > INLINE_ARTICLES:
                    self._workers = [_Worker(self.analyzer_options) for _ in range(self.jobs)]
            pairs = chain(ahead, pairs)
        for item, article in pairs:
            yield self._analyzed_here(item, article)
            if self._workers and all(worker.ready.is_set() for worker in self._workers):
                break
        else:
            return  # all analyzed here (a small import): close() lets any worker go
        inline_words = pickle.dumps(self.analyzer.words.learned_since(before_inline), protocol=pickle.HIGHEST_PROTOCOL)
        for worker in self._workers:
            worker.lessons.append(inline_words)
        # chunk n goes to worker n mod jobs; each worker answers in the order it was asked,
        # so the oldest chunk in flight is always answered next by its worker
        pending: deque[tuple[list[tuple[Item, Article | None]], _Worker]] = deque()
        chunks = iter(lambda: list(islice(pairs, CHUNK_ARTICLES)), [])
        for number, chunk in enumerate(chunks):
            worker = self._workers[number % self.jobs]
            worker.send_task([article for _, article in chunk if article is not None])
            pending.append((chunk, worker))
            while len(pending) >= self.jobs * TASKS_PER_JOB:
                yield from self._in_order(*pending.popleft())
        while pending:
            yield from self._in_order(*pending.popleft())

    def _analyzed_here(self, item: Item, article: Article | None) -> tuple[Item, IndexedDocument | None]:
        return item, None if article is None else build_document(article, self.analyzer)

    def take_spelled(self) -> dict[str, str]:
        """The spelling terms of the words the workers met (``WordCache.spelled_since``) since the last
        call, for the index's spelling dictionary: those of every document handed out so far. The
        calling process's analyzer keeps its own (``Store.commit`` reads them)."""
        spelled, self._spelled = self._spelled, {}
        return spelled

    def _in_order(
        self, chunk: list[tuple[Item, Article | None]], worker: _Worker
    ) -> Iterator[tuple[Item, IndexedDocument | None]]:
        answer, learned, spelled = worker.receive()
        self._spelled.update(spelled)
        for other in self._workers:
            if other is not worker:
                other.lessons.append(learned)
        documents = iter(answer)
        for item, article in chunk:
            yield item, None if article is None else next(documents)


def _failing(error: Exception) -> Iterator[Any]:
    """Raises ``error`` when iterated: a failure of the input, met while reading ahead, in its place."""
    raise error
    yield  # a generator: the error comes when the items before it are done


class _Worker:
    """One analysis process, fed through its stdin and answering on its stdout.

    Started by ``processes.python_running`` (not multiprocessing). Tasks are written, and answers read, by
    threads of their own: a full pipe in either direction can never deadlock the
    importer, and a worker never waits for the importer to read its answers (it
    goes on with its next task while the importer commits).
    """

    def __init__(self, analyzer_options: Mapping[str, Any]) -> None:
        self._process = subprocess.Popen(
            python_running(f"from arsearch.store.pipeline import _work; _work({os.getpid()})"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._sender = threading.Thread(target=self._send_all, name="arsearch-analysis-feed", daemon=True)
        self._sender.start()
        self._inbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        #: set once the worker can take tasks (or has died: ``receive`` then says so)
        self.ready = threading.Event()
        self._receiver = threading.Thread(target=self._receive_all, name="arsearch-analysis-read", daemon=True)
        self._receiver.start()
        #: words the other analyzers learned since this worker's last task, pickled (``LearnedWords``):
        #: taught with its next task. The importer passes them on as they came, never unpickled
        self.lessons: list[bytes] = []
        self._send(dict(analyzer_options))

    def send_task(self, articles: list[Article]) -> None:
        lessons, self.lessons = self.lessons, []
        self._send((lessons, articles))

    def _send(self, message: object) -> None:
        self._outbox.put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def receive(self) -> tuple[list[IndexedDocument], bytes, dict[str, str]]:
        """The documents of the oldest task, the words the worker learned for them (pickled), and their
        spelling terms (``WordCache.spelled_since``)."""
        data = self._inbox.get()
        if data is None:
            raise AnalysisWorkerError(
                "an analysis worker process died (killed, or out of memory); the last commit is intact: "
                "re-run the import to finish it (with --jobs 1 to stay in one process)"
            )
        status, payload = pickle.loads(data)
        if status != "ok":
            raise AnalysisWorkerError(f"an analysis worker failed: {payload}")
        answer: tuple[list[IndexedDocument], bytes, dict[str, str]] = payload
        return answer

    def finish(self, *, kill: bool) -> None:
        """No more tasks: the worker exits once it has answered them all (at once, with ``kill``)."""
        self._outbox.put(None)
        if kill:
            self._process.kill()

    def wait(self) -> None:
        try:
            self._process.wait(timeout=EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._receiver.join(timeout=EXIT_SECONDS)  # the worker is gone: its reader meets the end of the pipe
        if self._process.stdout is not None:
            self._process.stdout.close()

    def _receive_all(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        with contextlib.suppress(OSError, ValueError):  # closed by wait(): the worker is gone anyway
            if _read_frame(stdout) is not None:  # the worker's first frame: it is ready
                self.ready.set()
                while (data := _read_frame(stdout)) is not None:
                    self._inbox.put(data)
        self.ready.set()
        self._inbox.put(None)  # the worker exited (or died): receive() says so

    def _send_all(self) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        with contextlib.suppress(OSError):  # the worker died: receive() says so
            while (data := self._outbox.get()) is not None:
                _write_frame(stdin, data)
        with contextlib.suppress(OSError):
            stdin.close()


def _write_frame(stream: IO[bytes], data: bytes) -> None:
    """One message: its length (8 bytes, little-endian), then its bytes."""
    stream.write(len(data).to_bytes(8, "little") + data)
    stream.flush()


def _read_frame(stream: IO[bytes]) -> bytes | None:
    """The next message written by ``_write_frame``; None when the stream ends (or ends inside one)."""
    header = stream.read(8)
    if len(header) < 8:
        return None
    size = int.from_bytes(header, "little")
    data = stream.read(size)
    return data if len(data) == size else None


# --- in the worker processes ------------------------------------------------------


def _work(parent_pid: int) -> None:
    """A worker's life: analyzer options, then chunks of articles until the importer closes stdin."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the importing process's to handle
    _die_with(parent_pid)
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by accident goes to stderr, not into the answers
    tasks = sys.stdin.buffer
    try:
        options = _read_frame(tasks)
        if options is None:
            return
        analyzer = Analyzer(**pickle.loads(options))
        _write_frame(answers, b"")  # ready: the importer starts sending tasks
        while (task := _read_frame(tasks)) is not None:
            lessons, articles = pickle.loads(task)
            for words in lessons:
                analyzer.words.teach(pickle.loads(words))
            mark = analyzer.words.mark()
            try:
                documents = [build_document(article, analyzer) for article in articles]
                # the words learned are pickled apart: the importer passes them to the others as bytes
                learned = pickle.dumps(analyzer.words.learned_since(mark), protocol=pickle.HIGHEST_PROTOCOL)
                answer: tuple[str, object] = ("ok", (documents, learned, analyzer.words.spelled_since(mark)))
            except Exception:  # reported to the importer, which stops with it
                answer = ("error", traceback.format_exc(limit=3).strip().splitlines()[-1])
            _write_frame(answers, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    except BrokenPipeError:  # the importer is gone
        pass
    # Every answer is written (each frame is flushed): exit now, rather than spend ~0.3 s
    # freeing the word table object by object while the importer waits.
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()  # a warning printed on the way is not lost
    os._exit(0)


def _die_with(parent_pid: int) -> None:
    """Exit when the importing process is gone, however it went (SIGKILL included)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            PR_SET_PDEATHSIG = 1
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

    def watch() -> None:  # elsewhere, and for a parent that died before prctl: its death reparents us
        while os.getppid() == parent_pid:
            time.sleep(WATCHDOG_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="arsearch-parent-watchdog", daemon=True).start()
