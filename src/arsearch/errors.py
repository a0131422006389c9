"""Errors arsearch raises on purpose; each message says what is wrong and what to do."""

from __future__ import annotations

from typing import Protocol


class ArsearchError(Exception):
    """Base class of every error arsearch raises deliberately."""


class IndexNotFoundError(ArsearchError):
    """No arsearch index at the given path."""


class IndexExistsError(ArsearchError):
    """``Index.create`` on a path that already holds an index."""


class IndexVersionError(ArsearchError):
    """The index was written by an incompatible version of arsearch."""


class IndexLockedError(ArsearchError):
    """Another writer holds the index."""


class IndexCorruptError(ArsearchError):
    """The index files cannot be read."""


class ArticleNotFoundError(ArsearchError, KeyError):
    """No article with that id (``article_id``)."""

    def __init__(self, message: str, article_id: str | None = None) -> None:
        super().__init__(message)
        self.article_id = article_id

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "article not found"


class StrictModeError(ArsearchError):
    """A bad record stopped an ingest run in strict mode."""


class InvalidIndexNameError(ArsearchError, ValueError):
    """An index name that is not a plain name (it would be a path)."""


class IndexWriteError(ArsearchError):
    """Writing the index failed (disk full, read-only, I/O error); the last commit is intact."""


class AnalysisWorkerError(ArsearchError):
    """An analysis worker process (``Index.add(jobs=N)``) failed or died; the last commit is intact."""


class SynonymError(ArsearchError, ValueError):
    """A synonym group that cannot be stored; the message names the member and why."""


class ClusterError(ArsearchError):
    """A cluster index cannot do what was asked: the cluster is unreachable, the index is
    unknown there, or every replica of a shard that a write or count needs is down."""


class EvaluationSetError(ArsearchError, ValueError):
    """A relevance test set (``arsearch eval``) that cannot be read: the message names the file
    and line, and what is wrong."""


class BadRecord(Protocol):
    """Where a bad record is and what is wrong with it (``store.Problem``)."""

    @property
    def location(self) -> str: ...

    @property
    def reason(self) -> str: ...


class BatchRejectedError(ArsearchError, ValueError):
    """An all-or-nothing add (``Index.add(..., all_or_nothing=True)``) with bad records: nothing was written.

    ``problems`` lists every bad record (its location and reason), in input order.
    """

    def __init__(self, problems: list[BadRecord], shown: int = 10) -> None:
        self.problems = problems
        listed = "; ".join(map(str, problems[:shown]))
        more = f"; and {len(problems) - shown} more" if len(problems) > shown else ""
        count = f"{len(problems)} bad record{'s' if len(problems) != 1 else ''}"
        super().__init__(f"{count}, nothing was written: {listed}{more}")
