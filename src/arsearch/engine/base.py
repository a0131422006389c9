"""What arsearch needs from a search engine, as typed Protocols.

arsearch does its own Arabic analysis: an engine receives pre-analyzed
documents (``IndexedDocument``: whitespace-joined terms per field, keyword
values, a date, stored bytes), runs engine-neutral queries (``queries.py``)
with BM25 scores, counts and facets, and hands back stored documents and term
statistics. Everything above ``engine/`` speaks only these types, so another
engine (pure-Python Whoosh, a shard of a cluster) plugs in by implementing
them; ``engine.get_engine`` picks one by name.

The logical fields are listed in ``schema.py``: an engine maps them onto its
own schema and must index the analyzed fields with positions (phrases),
keyword fields as exact values (filters, facets) and store ``article``,
``sketch`` and ``stems``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from .queries import EngineQuery

#: How hits are ordered: by score, or by date (newest or oldest first; scores are then None).
Order = Literal["score", "newest", "oldest"]


class EngineError(Exception):
    """Base of the errors an engine reports; the store turns them into arsearch's own."""


class EngineBusy(EngineError):
    """Another writer holds the engine's write lock."""


class EngineDiskError(EngineError):
    """Writing failed (disk full, read-only, I/O); ``reason`` in a few words. The last commit stands."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class EngineUnreadable(EngineError):
    """The engine's files cannot be opened or read. ``needs_write``: they may be fine,
    but the engine must write (a lock file) even to read and may not."""

    def __init__(self, detail: str, *, needs_write: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.needs_write = needs_write


@dataclass
class IndexedDocument:
    """An article after analysis, as an engine indexes it.

    ``analyzed``: logical field → terms joined by single spaces (the engine
    splits on whitespace, nothing else). ``keywords``: field → exact values.
    ``stored``: field → bytes kept verbatim and returned by ``StoredDocument``.
    """

    id: str
    analyzed: dict[str, str] = field(default_factory=dict)
    keywords: dict[str, list[str]] = field(default_factory=dict)
    date: datetime | None = None
    stored: dict[str, bytes] = field(default_factory=dict)


class StoredDocument(Protocol):
    """What an engine hands back for a hit: the id, and the stored byte fields read on demand
    (a search page needs only ``article``; related articles also read ``sketch`` and ``stems``)."""

    @property
    def id(self) -> str: ...

    def field(self, name: str) -> bytes | None:
        """A stored field's bytes, None when the document has none."""


@dataclass(frozen=True)
class Found:
    """A page of hits (score, or None when sorted by date; engine address) and, when asked, the total."""

    hits: list[tuple[float | None, Any]]
    total: int = 0


class Snapshot(Protocol):
    """One commit of an index, consistent for as long as it is held."""

    @property
    def generation(self) -> Hashable:
        """Identifies the commit: equal generations, equal contents (caches key on it)."""

    @property
    def doc_count(self) -> int:
        """Live articles."""

    @property
    def segment_count(self) -> int:
        """Parts the engine keeps the commit in (1 for an engine without segments)."""

    def search(
        self, query: EngineQuery, *, limit: int, offset: int = 0, count: bool = True, order: Order = "score"
    ) -> Found:
        """The best ``limit`` hits after ``offset``; ``Found.total`` counts every match when ``count``."""

    def stored(self, address: Any) -> StoredDocument:
        """The stored document at an address from ``search`` or ``addresses``."""

    def addresses(self) -> list[Any]:
        """The address of every live article, in no particular order."""

    def ids(self) -> Iterator[str]:
        """Every live article id, in no particular order."""

    def doc_freq(self, field: str, term: str) -> int:
        """Articles whose analyzed ``field`` holds ``term`` (deleted ones may count until merged)."""

    def terms(self, field: str, prefix: str = "", limit: int | None = None) -> list[tuple[str, int]]:
        """Terms of ``field`` starting with ``prefix`` and their document counts: every one (in an
        order of the engine's: tantivy's is commonest first, whoosh's the terms'), or the ``limit``
        commonest."""

    def facet_counts(self, query: EngineQuery, fields: Sequence[str], size: int) -> dict[str, dict[str, int]]:
        """For each keyword field, its ``size`` commonest values among the matches, with counts."""


class Writer(Protocol):
    """The one writer of an index (it holds the engine's lock until ``close``)."""

    def add(self, document: IndexedDocument) -> None: ...

    def delete(self, article_id: str) -> None: ...

    def commit(self) -> None:
        """Make every change since the last commit durable and visible, all at once."""

    def rollback(self) -> None:
        """Drop every change since the last commit."""

    def close(self) -> None:
        """Finish background work (merges) and release the lock."""


class Engine(Protocol):
    """An open index of one engine."""

    def snapshot(self) -> Snapshot:
        """The latest commit, by this process or another (reloads when there is a newer one)."""

    def writer(self) -> Writer:
        """Take the write lock (``EngineBusy`` when another writer has it)."""


class EngineKind(Protocol):
    """One engine: how to create, open and look after its files in an index directory."""

    name: str

    def create(self, directory: Path) -> Engine:
        """A new, empty index in ``directory`` (which exists and holds no engine files)."""

    def open(self, directory: Path, *, read_only: bool = False) -> Engine:
        """The index in ``directory`` (``EngineUnreadable`` when it cannot be opened).

        ``read_only``: the directory cannot be written (read-only storage); the
        engine must read it without creating any file there, and need not write.
        """

    def has_files(self, directory: Path) -> bool:
        """Whether ``directory`` holds this engine's index files (a commit)."""

    def committed_parts(self, directory: Path) -> int:
        """Parts (segments) in the directory's last commit, without opening it (0 when there is none)."""

    def commit_marker(self, directory: Path) -> Path:
        """The file replaced at every commit (its identity changes with each commit)."""

    def repair(self, directory: Path, validate: Callable[[StoredDocument], object]) -> PartsRepair:
        """Keep the parts of the last commit whose every stored document reads and passes ``validate``
        (which raises ``ValueError`` otherwise); drop the others, backing up the old commit list."""


@dataclass
class PartsRepair:
    """What ``EngineKind.repair`` did: parts kept and dropped, articles lost, where the old commit list went."""

    kept: int = 0
    dropped: list[str] = field(default_factory=list)
    dropped_documents: int = 0
    backup: Path | None = None
