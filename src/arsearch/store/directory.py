"""An open index directory: its engine, settings, snapshots, caches, the writer and its lock.

An index is a directory: the engine's files, ``arsearch.json`` (``settings``)
and derived files such as the topic model. ``Store`` owns all of it; the
features (search, related, suggest) read a ``Snapshot``, one consistent
commit with the index's analyzer and caches, and never see the ``Index``
facade. Imports go through ``importing.import_articles``.

مثال::

    >>> store = Store.open("indexes/news")                      # doctest: +SKIP
    >>> snapshot = store.snapshot()                             # doctest: +SKIP
    >>> snapshot.article("1").title, len(snapshot)              # doctest: +SKIP
    ('افتتاح معرض الكتاب', 1)

Reading is safe from many threads at once; writing takes the index's lock,
so one writer at a time, across processes.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from ..analysis import DEFAULT_PROFILE, Analyzer, Chain, NormalizationOptions, Profile, Protect
from ..analysis.synonyms import Groups, SynonymTable
from ..derived.prejudged import PREJUDGED_FILE, Prejudged, read_prejudged
from ..derived.topics import MODEL_FILE, TopicModel, read_model
from ..derived.variants import VARIANTS_FILE, VariantTable, read_variants
from ..derived.vocabulary import Vocabulary
from ..engine import default_engine, get_engine
from ..engine.base import Engine, EngineBusy, EngineDiskError, EngineKind, EngineUnreadable, Writer
from ..errors import (
    ArsearchError,
    IndexCorruptError,
    IndexExistsError,
    IndexLockedError,
    IndexWriteError,
)
from ..records.files import FileCache
from ..version import __version__
from .settings import (
    SETTINGS_FILE,
    analysis_options,
    engine_kind,
    is_read_only,
    new_settings,
    now,
    protected_words,
    read_failure,
    read_only_error,
    read_settings,
    write_json_atomically,
    write_settings,
)
from .snapshot import Snapshot
from .spellings import SPELLINGS_FILE, SpelledWords, SpellingDictionary

WRITER_INFO_FILE = "writer.json"
#: Written into every index directory: an index is never committed to git by accident,
#: wherever it is created.
IGNORE_FILE = ".gitignore"


class Store:
    """An open index directory. Use ``Store.create`` or ``Store.open``."""

    def __init__(
        self, path: Path, kind: EngineKind, engine: Engine, settings: dict[str, Any], *, read_only: bool = False
    ) -> None:
        self.path = path
        self.kind = kind
        self.engine = engine
        self.settings = settings
        self.analyzer_options = analysis_options(settings["analysis"])
        self.analyzer = Analyzer(**self.analyzer_options)
        self._vocabulary: tuple[Hashable, Vocabulary] | None = None
        self._topics = FileCache(path / MODEL_FILE, read_model, None)
        self._variants = FileCache(path / VARIANTS_FILE, read_variants, None)
        self._prejudged = FileCache(path / PREJUDGED_FILE, read_prejudged, Prejudged())
        #: the spelling terms of the index's words, added to by every commit
        self.spellings = SpellingDictionary(path / SPELLINGS_FILE)
        #: what this process's analyzer had met when its words were last added to ``spellings``
        self._spelled_mark = self.analyzer.words.mark()
        self._synonyms = FileCache(
            path / SETTINGS_FILE,
            lambda file: SynonymTable(read_settings(file.parent).get("synonyms", []), self.analyzer),
            SynonymTable([], self.analyzer),
        )
        #: opened from storage this process cannot write: searches work, writes raise ``IndexWriteError``
        self.read_only = read_only

    # --- life cycle -------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        profile: Profile = DEFAULT_PROFILE,
        stopwords: frozenset[str] | None = None,
        normalization: NormalizationOptions = NormalizationOptions(),
        overwrite: bool = False,
        engine: str | None = None,
        protected: Iterable[str] = (),
        chain: Chain | None = None,
    ) -> Store:
        """Create a new, empty index at ``path`` (a directory); ``engine`` None: ``default_engine()``;
        ``chain``: analyze with a chain of steps of the user's own instead of ``profile``'s."""
        directory = Path(path)
        protected = protected_words(protected)
        if chain is not None:
            if (
                protected
                or stopwords is not None
                or profile != DEFAULT_PROFILE
                or normalization != NormalizationOptions()
            ):
                raise ValueError("an index created with a chain takes its analysis settings from the chain's steps")
            chain.check_savable()
            protected = sorted({word for step in chain.steps if isinstance(step, Protect) for word in step.given})
        kind = get_engine(engine or default_engine())
        if (directory / SETTINGS_FILE).exists() and not overwrite:
            raise IndexExistsError(f"an index already exists at {directory} (open it, or pass overwrite=True)")
        if overwrite and (directory / SETTINGS_FILE).exists():
            _remove_index_files(directory)
        if not overwrite and kind.committed_parts(directory):
            # an index whose settings file is gone: starting afresh would wipe its articles
            raise IndexCorruptError(
                f"{directory} holds committed articles but no {SETTINGS_FILE} (its settings): not overwriting it; "
                f"restore {SETTINGS_FILE} from a backup, or delete the directory (or overwrite=True) to start again"
            )
        directory.mkdir(parents=True, exist_ok=True)
        if chain is None:
            Analyzer(profile)  # validates the profile name before anything is written
        try:
            opened = kind.create(directory)
            (directory / IGNORE_FILE).write_text("# an arsearch index: built data, never committed\n*\n")
        except EngineDiskError as error:
            raise IndexWriteError(f"cannot create an index at {directory} ({error.reason})") from None
        except OSError as error:
            reason = (error.strerror or str(error)).lower()  # as the engines word it: "no space left on device"
            raise IndexWriteError(f"cannot create an index at {directory} ({reason})") from None
        settings = new_settings(kind, profile, stopwords, normalization, protected, chain)
        write_settings(directory, settings)
        return cls(directory, kind, opened, settings)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        """Open an existing index; its engine and analysis settings come from the index itself."""
        directory = Path(path)
        settings = read_settings(directory)
        kind = engine_kind(settings)
        if not kind.has_files(directory):
            raise IndexCorruptError(
                f"{directory} has settings but no index files ({kind.commit_marker(directory).name}); rebuild the index"
            )
        read_only = is_read_only(directory)
        try:
            opened = kind.open(directory, read_only=read_only)
        except EngineUnreadable as error:
            raise read_failure(directory, error) from None
        return cls(directory, kind, opened, settings, read_only=read_only)

    def close(self) -> None:
        """Release cached state; the files are closed when the object is dropped."""
        self._vocabulary = None
        self.spellings.close()

    # --- reading ----------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The latest commit (a consistent view; cheap to get)."""
        try:
            return Snapshot(self, self.engine.snapshot())
        except EngineUnreadable as error:
            raise read_failure(self.path, error) from None

    def vocabulary_of(self, snapshot: Snapshot) -> Vocabulary:
        cached = self._vocabulary
        if cached is None or cached[0] != snapshot.generation:
            cached = self._vocabulary = (snapshot.generation, Vocabulary(snapshot))
        return cached[1]

    def topic_model(self) -> TopicModel | None:
        """The topic model file's contents, re-read when its file is replaced."""
        return self._topics.get()

    def variant_table(self) -> VariantTable | None:
        """The spelling variants fitted with the topic model, re-read when the file is replaced."""
        return self._variants.get()

    def prejudged(self) -> Prejudged:
        """The spellings of the index's words a refit judged ahead (``derived.prejudged``), re-read
        when a refit replaces them; none before the first."""
        return self._prejudged.get()

    def size_bytes(self) -> int:
        return sum(entry.stat().st_size for entry in os.scandir(self.path) if entry.is_file())

    # --- writing ----------------------------------------------------------

    @contextlib.contextmanager
    def writing(self, wait: float = 0.0) -> Iterator[Writer]:
        """Hold the index's write lock (waiting up to ``wait`` seconds for another writer): the writer
        inside; on any error the uncommitted changes are dropped, and the last commit stands."""
        writer = self._writer(wait)
        try:
            yield writer
        except BaseException as error:
            writer.rollback()
            if isinstance(error, EngineDiskError):
                raise self.write_failure(error.reason) from None
            raise
        finally:
            try:
                writer.close()
            finally:
                self.spellings.done_writing()
                (self.path / WRITER_INFO_FILE).unlink(missing_ok=True)

    def commit(self, writer: Writer, spelled: SpelledWords | None = None) -> None:
        """Commit the writer's changes, after adding to the spelling dictionary the words ``spelled``
        (an import's analysis processes met them) and every word this process's analyzer met since
        its last commit: a word an article brings is never missing from it (one no committed
        article holds is counted 0)."""
        mark = self.analyzer.words.mark()
        words = self.analyzer.words.spelled_since(self._spelled_mark)
        if spelled:
            words.update(spelled)
        try:
            self.spellings.add(words)
        except sqlite3.Error as error:  # a full disk, read-only storage: the last commit stands
            raise EngineDiskError(_dictionary_failure(error)) from None
        writer.commit()
        self._spelled_mark = mark
        self._change_settings(lambda settings: settings.update(updated=now(), library_version=__version__))

    def _change_settings(self, change: Callable[[dict[str, Any]], object]) -> None:
        """Change the settings file; only under the write lock, so no two processes change it at once.

        The file is read again first: another process may have changed it
        (synonyms) since this one opened the index.
        """
        settings = read_settings(self.path)
        change(settings)
        write_settings(self.path, settings)
        self.settings = settings

    # --- synonyms -----------------------------------------------------------

    def synonym_groups(self) -> Groups:
        """The synonym groups as stored now (another process may have changed them since this one opened)."""
        return [[member.text for member in group] for group in self.synonym_table().groups]

    def synonym_table(self) -> SynonymTable:
        """The synonym groups analyzed for searching, re-read when the settings file is replaced."""
        return self._synonyms.get()

    def change_synonyms(self, change: Callable[[Groups], Groups], wait: float = 0.0) -> Groups:
        """Replace the synonym groups by ``change(groups)``, atomically and under the write lock
        (``writing`` refuses an index on read-only storage)."""
        changed: Groups = []

        def apply(settings: dict[str, Any]) -> None:
            nonlocal changed
            changed = change([list(group) for group in settings.get("synonyms", [])])
            settings["synonyms"] = changed

        with self.writing(wait):
            self._change_settings(apply)
        return changed

    def delete(self, article_id: str) -> bool:
        """Delete an article; False when there was none with that id."""
        if article_id not in self.snapshot():
            return False
        with self.writing() as writer:
            writer.delete(article_id)
            self.commit(writer)
        return True

    def write_failure(self, reason: str) -> IndexWriteError:
        """The error for a write that failed (full disk, read-only...), saying the last commit is intact."""
        try:
            kept = f"{len(self.snapshot()):,} articles"
        except ArsearchError:
            kept = "as it was"
        return IndexWriteError(f"writing to {self.path} failed ({reason}); the last commit ({kept}) is intact")

    def check_writable(self) -> None:
        """Raise ``IndexWriteError`` when the index was opened from storage this process cannot write."""
        if self.read_only:
            raise read_only_error(self.path)

    def _writer(self, wait: float) -> Writer:
        self.check_writable()
        deadline = time.monotonic() + wait
        while True:
            try:
                writer = self.engine.writer()
            except EngineDiskError as error:
                raise self.write_failure(error.reason) from None
            except EngineBusy:
                if time.monotonic() >= deadline:
                    raise IndexLockedError(self._lock_message()) from None
                time.sleep(0.2)
                continue
            write_json_atomically(
                self.path / WRITER_INFO_FILE,
                {"pid": os.getpid(), "host": socket.gethostname(), "since": now()},
            )
            return writer

    def _lock_message(self) -> str:
        try:
            holder = orjson.loads((self.path / WRITER_INFO_FILE).read_bytes())
            who = f"pid {holder['pid']} on {holder['host']} since {holder['since']}"
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
            who = "another process"
        return f"index {self.path} is locked by another writer ({who}); retry later or pass --wait SECONDS"


#: SQLite's result codes for a full disk and read-only storage (https://sqlite.org/rescode.html).
_SQLITE_FAILURES = {13: "no space left on device", 8: "read-only file system"}


def _dictionary_failure(error: sqlite3.Error) -> str:
    """Why the spelling dictionary could not be written, worded as the engines word a write failure."""
    code = getattr(error, "sqlite_errorcode", None)
    known = _SQLITE_FAILURES.get(code & 0xFF) if isinstance(code, int) else None  # by its primary result code
    return known or f"the spelling dictionary: {error}"


def _remove_index_files(directory: Path) -> None:
    """Empty an index directory for ``overwrite=True`` (only files, never subdirectories)."""
    for entry in directory.iterdir():
        if entry.is_file():
            entry.unlink()
