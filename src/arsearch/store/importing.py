"""Importing articles into an open index: the options, the report, and the import itself.

Three stages: records are read and checked in the importing process, in
input order (a bad one is reported with its ``file:line``); their analysis
runs on ``jobs`` processes (``pipeline``); the documents come back in input
order to the one writer, which commits every ``batch_size``. A crash costs
at most the articles since the last commit, and re-running the same import
adds only what is missing.

مثال::

    >>> articles = [{"id": "1", "title": "خبر", "text": "نص الخبر"}]
    >>> report = import_articles(store, articles, ImportOptions(batch_size=1000))  # doctest: +SKIP
    >>> report.added, report.problems                                              # doctest: +SKIP
    (1, [])
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..derived.topics import ModelInfo, WrittenBags
from ..engine.base import Writer
from ..engine.schema import stored_article
from ..errors import BatchRejectedError, StrictModeError
from ..records.articles import Article, ArticleError, check_field_map
from ..records.ingest import Record
from .directory import Store
from .pipeline import DocumentMaker

#: Articles per commit of an import. Each commit closes a tantivy segment that
#: later merges rewrite: on 31k articles, commits of 2,500 instead of 1,000 cut the
#: importing process's CPU by ~5 s and the wall time by ~10%; 5,000 instead of
#: 2,500 cuts it by 2 s more and the wall time by 5% (8% at 100k articles), and
#: the import's peak memory stays where it was (1,469 MB at 100k against 1,504,
#: every process counted: the importer's own grows by ~140 MB, tantivy's buffer
#: filled further, ``WRITER_HEAP_BYTES`` at most). A crash costs at most the
#: articles since the last commit (a re-run adds them).
DEFAULT_BATCH_SIZE = 5000
#: The progress callback hears from an import at every commit and at least this often (articles).
PROGRESS_EVERY = 500

ArticleLike = Article | Mapping[str, Any] | Record


@dataclass(frozen=True)
class Problem:
    """A record that was skipped, where it was, and why."""

    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


@dataclass
class AddReport:
    """What ``Index.add`` did: counts, skipped records by reason, timing."""

    added: int = 0
    updated: int = 0
    #: already in the index with the same content: nothing to write
    unchanged: int = 0
    #: already in the index with other content, left as it is (``update`` replaces them)
    kept: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    commits: int = 0
    elapsed: float = 0.0
    topics: ModelInfo | None = None  # set when the import (re)fitted the topic model itself
    #: a background process is refitting the topic model (``index.topics.wait()``)
    topics_fitting: bool = False
    #: what the import should tell: a key of the field map that no record had...
    warnings: list[str] = field(default_factory=list)
    #: with ``item_outcomes=True``: each input item's fate, in input order: "added", "updated",
    #: "unchanged", "kept" (indexed with other content, not updated) or "skipped" (why: the
    #: ``problems`` entry at its location)
    outcomes: list[str] | None = None

    @property
    def indexed(self) -> int:
        return self.added + self.updated

    @property
    def docs_per_second(self) -> float:
        return self.indexed / self.elapsed if self.elapsed > 0 else 0.0

    def skip(self, problem: Problem, kind: str) -> None:
        self.skipped[kind] += 1
        self.problems.append(problem)


@dataclass(frozen=True)
class Skipped:
    """An input item that is not written: where and why (``problem``), and its report category."""

    problem: Problem
    kind: str


def checked_articles(
    items: Iterable[ArticleLike], field_map: Mapping[str, str] | None = None, notes: list[str] | None = None
) -> Iterator[Article | Skipped]:
    """Each input item, in order, as its article, or as ``Skipped`` when it is not a valid
    article or repeats an earlier item's id (the first one is kept). ``notes``: once every item is
    read, a note for each key of ``field_map`` that no record had."""
    seen_at: dict[str, str] = {}
    unseen = dict.fromkeys(field_map.values()) if field_map else {}  # the mapped keys no record had yet
    for number, item in enumerate(items, 1):
        location = item.location if isinstance(item, Record) else item_location(number)
        if unseen and isinstance(data := item.data if isinstance(item, Record) else item, Mapping):
            for key in [key for key in unseen if key in data]:
                del unseen[key]
        try:
            article = to_article(item, field_map)
        except ArticleError as error:
            yield Skipped(Problem(location, str(error)), error.kind)
            continue
        first = seen_at.get(article.id)
        if first is None:
            seen_at[article.id] = location
            yield article
        else:
            yield Skipped(Problem(location, f"duplicate id {article.id!r} (first seen at {first})"), "duplicate id")
    if notes is not None and field_map:
        notes.extend(
            f"field map {ours}={theirs}: no record has the key {theirs!r}, so no article has a {ours}"
            for ours, theirs in field_map.items()
            if theirs in unseen
        )


def item_location(number: int) -> str:
    """Where a problem with the ``number``-th item (from 1) of an iterable of articles is reported."""
    return f"item {number}"


#: When an import refits the topic model that is due (``ImportOptions.fit_topics``).
TopicFitting = Literal["background", "now", "off"]
TOPIC_FITTING: tuple[TopicFitting, ...] = ("background", "now", "off")


@dataclass(frozen=True)
class ImportOptions:
    """How an import reads, checks and commits articles (``Index.add``, ``ClusterIndex.add``,
    ``arsearch index``); every field has the default a plain ``index.add(articles)`` uses.

    مثال::

        >>> ImportOptions(update=True, batch_size=1000).jobs is None
        True
    """

    #: replace articles already indexed whose content differs (by default they are kept as they
    #: are, and counted apart: ``AddReport.kept``); the same content is never written again, so
    #: re-running an interrupted import converges without duplicates
    update: bool = False
    #: articles per commit (a crash loses at most the articles since the last commit)
    batch_size: int = DEFAULT_BATCH_SIZE
    #: stop at the first bad record with ``StrictModeError``, after committing what came before
    strict: bool = False
    #: input keys renamed to the article's (``{"title": "headline", "text": "body"}``)
    field_map: Mapping[str, str] | None = None
    #: seconds to wait for another writer's lock
    wait: float = 0.0
    #: called with the report at every commit and every ``PROGRESS_EVERY`` articles
    progress: Callable[[AddReport], None] | None = None
    #: processes analyzing articles (None: every core); imports of up to
    #: ``pipeline.INLINE_ARTICLES`` articles stay in this process
    jobs: int | None = None
    #: check every record first: any bad one raises ``BatchRejectedError`` listing them all and
    #: nothing is written; otherwise one commit writes them all (held in memory: a request's worth)
    all_or_nothing: bool = False
    #: fill ``AddReport.outcomes`` with each item's fate, in input order
    item_outcomes: bool = False
    #: when the topic model and the spelling variants are refitted once due (the index doubled):
    #: "background" (a process of its own, once the articles are committed), "now" (before the
    #: import returns), "off" (a cluster fits one over all its shards)
    fit_topics: TopicFitting = "background"

    def __post_init__(self) -> None:
        if self.field_map:
            check_field_map(self.field_map)
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if self.jobs is not None and self.jobs < 1:
            raise ValueError("jobs must be at least 1")
        if self.fit_topics not in TOPIC_FITTING:
            raise ValueError(f"fit_topics must be one of {', '.join(TOPIC_FITTING)}, not {self.fit_topics!r}")


def import_articles(
    store: Store, articles: Iterable[ArticleLike], options: ImportOptions, written: WrittenBags | None = None
) -> AddReport:
    """Index articles into ``store``, committing every ``options.batch_size``; see ``Index.add``.

    ``written``: keeps the topic model's view of every written article, for a refit
    right after the import (its generation is set once the last commit is made).
    """
    report = AddReport(outcomes=[] if options.item_outcomes else None)
    batch_size = options.batch_size
    started = time.perf_counter()
    committed = store.snapshot()  # the ids indexed before this import (repeats within it are skipped)
    was_empty = committed.doc_count == 0  # a first import looks up no id
    stop_at_first = options.strict and not options.all_or_nothing

    def outcome(fate: str) -> None:
        if report.outcomes is not None:
            report.outcomes.append(fate)

    def planned() -> Iterator[_Write | Problem]:
        """What to write, in input order; in strict mode the first bad record ends it."""
        for article in checked_articles(articles, options.field_map, report.warnings):
            if isinstance(article, Article):
                stored = None if was_empty else committed.find(article.id)
                if stored is None:
                    outcome("added")
                    yield _Write(article, False)
                elif stored_article(stored) == article:  # the same content: nothing to write
                    report.unchanged += 1
                    outcome("unchanged")
                elif options.update:
                    outcome("updated")
                    yield _Write(article, True)
                else:
                    report.kept += 1
                    outcome("kept")
                continue
            if stop_at_first:
                yield article.problem
                return
            report.skip(article.problem, article.kind)
            outcome("skipped")

    plan: Iterable[_Write | Problem] = planned()
    if options.all_or_nothing:
        # every record is checked before anything is written; then one commit writes them all
        plan = list(plan)
        if report.problems:
            raise BatchRejectedError(list(report.problems))
        batch_size = max(1, len(plan))

    with contextlib.ExitStack() as stack:
        maker = stack.enter_context(DocumentMaker(store.analyzer, store.analyzer_options, options.jobs))
        writer: Writer | None = None
        pending = 0

        def tell() -> None:
            report.elapsed = time.perf_counter() - started
            if options.progress is not None:
                options.progress(report)

        def commit() -> None:
            nonlocal pending
            if writer is not None and pending:
                store.commit(writer, maker.take_spelled())
                pending = 0
                report.commits += 1
            tell()

        try:
            for item, document in maker.analyzed(plan, _article_to_write):
                if isinstance(item, Problem):  # strict mode: stop after committing what came before
                    commit()
                    raise StrictModeError(str(item))
                assert document is not None
                if writer is None:
                    writer = stack.enter_context(store.writing(options.wait))
                if item.indexed:
                    writer.delete(item.article.id)
                    report.updated += 1
                else:
                    report.added += 1
                writer.add(document)
                if written is not None:
                    written.add(document)
                pending += 1
                if pending >= batch_size:
                    commit()
                elif pending % PROGRESS_EVERY == 0:
                    tell()
            commit()
            if written is not None:  # still under the writer's lock: this commit is the import's own
                written.generation = store.snapshot().generation
                written.whole_index = was_empty
        finally:
            # the batch in progress is dropped (by ``writing``); every earlier commit stays
            report.elapsed = time.perf_counter() - started
    return report


@dataclass(frozen=True)
class _Write:
    """An article to write; ``indexed``: it replaces the committed one with its id."""

    article: Article
    indexed: bool


def _article_to_write(item: _Write | Problem) -> Article | None:
    return item.article if isinstance(item, _Write) else None


def to_article(item: ArticleLike, field_map: Mapping[str, str] | None = None) -> Article:
    """The article an input item stands for (``ArticleError`` naming what is wrong with it)."""
    if isinstance(item, Record):
        if item.error is not None:
            raise ArticleError(item.error, item.error_kind or "unreadable record")
        return Article.from_record(item.data, field_map)
    return Article.from_record(item, field_map)
