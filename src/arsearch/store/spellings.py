"""The spelling dictionary of an index: each spelling term of its words (``analysis.spelling``), with
the words that bring it, in ``spellings.sqlite`` beside the index.

A search finds the other spellings of a name by its spelling key: every term starting with the
key, read here by one range look-up; how many articles hold each is read from the engine (the
exact forms' document counts), so a deleted article is counted as the engine counts it. The
terms were once indexed with every article, a field of the engine's that cost an import an
eighth of its time (~32 terms an article) for what is a dictionary of words: ~175k terms for
31k articles. Now each word's terms are worked out once, when an analyzer first meets the word,
and an import adds those of its new words just before each commit (``Store.commit``): a crash
between the two leaves words that no committed article holds (counted 0: not found), never
committed articles whose words are missing. SQLite (the standard library's) keeps the table
consistent for readers in other processes while a writer adds to it.

مثال::

    >>> index.store.spellings.starting("ترمب_")                    # doctest: +SKIP
    [('ترمب_ترامب', 'ترامب'), ('ترمب_ترامب', 'وترامب'), ('ترمب_ترمب', 'ترمب')]
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path

SPELLINGS_FILE = "spellings.sqlite"
#: Words' spelling terms (space-separated), each with the word (its normalized form) that brings them
#: (``analysis.words.WordCache.spelled_since``).
SpelledWords = Mapping[str, str]
#: Sorts after every character a term may hold: the end of a prefix's range.
_LAST_CHARACTER = "\U0010ffff"
#: How long a reader waits for a writer's transaction to end (a commit's words take well under this).
_BUSY_SECONDS = 30.0
#: The writer's page cache: the table of a few million words (SQLite's default is 2 MiB).
_WRITER_CACHE_KIB = 64 * 1024
_CREATE = "CREATE TABLE IF NOT EXISTS spellings (term TEXT, word TEXT, PRIMARY KEY (term, word)) WITHOUT ROWID"
_ADD = "INSERT OR IGNORE INTO spellings (term, word) VALUES (?, ?)"
_RANGE = "SELECT term, word FROM spellings WHERE term >= ? AND term < ?"


class SpellingDictionary:
    """The spelling terms of one index directory's words, each with the words that bring it.

    Read by any number of processes and threads; added to only under the index's write lock.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._reader: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # one reading connection, shared by a process's threads
        #: the writer's connection, kept from one commit to the next (its pages stay cached)
        self._writer: sqlite3.Connection | None = None

    def starting(self, prefix: str) -> list[tuple[str, str]]:
        """The (term, word) pairs whose term starts with ``prefix`` ("" for all), by term."""
        with self._lock:
            try:
                if self._reader is None:
                    if not self.path.exists():
                        return []  # nothing added yet
                    # read-only: a search process, or an index on read-only storage
                    self._reader = _connect(self.path, "ro")
                return self._reader.execute(_RANGE, (prefix, prefix + _LAST_CHARACTER)).fetchall()
            except sqlite3.OperationalError:
                return []  # the file was just created: its table comes with the writer's transaction

    def add(self, words: SpelledWords) -> None:
        """Add words with their spelling terms, in one transaction (those known already are kept)."""
        # in order: each page of the table is met once (a quarter faster than in the words' order)
        rows = sorted((term, word) for terms, word in words.items() for term in terms.split())
        if not rows:
            return
        if self._writer is None:
            self._writer = _connect(self.path, "rwc")
            self._writer.execute(f"PRAGMA cache_size = -{_WRITER_CACHE_KIB}")
            self._writer.execute(_CREATE)
        with self._writer:
            self._writer.executemany(_ADD, rows)

    def done_writing(self) -> None:
        """Close the writer's connection (the index's write lock is given up)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def close(self) -> None:
        self.done_writing()
        with self._lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    return sqlite3.connect(uri, uri=True, timeout=_BUSY_SECONDS, check_same_thread=False)


__all__ = ["SPELLINGS_FILE", "SpelledWords", "SpellingDictionary"]
