"""The role objects an ``Index`` hands out: ``index.topics`` (the topic model of related articles
and the spelling variants fitted with it) and ``index.synonyms`` (groups of words searched as one).

Whoosh and tantivy group an index's operations the same way (``searcher()``,
``writer()``): each role is a small object over the index's store, so the
``Index`` itself keeps to opening, reading, searching and writing articles.

مثال::

    >>> index.topics.info().dimensions                         # doctest: +SKIP
    100
    >>> index.synonyms.add(["أمريكا", "الولايات المتحدة"])     # doctest: +SKIP
    ['أمريكا', 'الولايات المتحدة']
"""

from __future__ import annotations

import builtins
import warnings
from collections.abc import Sequence

from .analysis.synonyms import Groups, merged_groups, without
from .derived.topics import MODEL_FILE, ModelInfo, TopicModel
from .derived.variants import VARIANTS_FILE, VariantTable
from .store import refits
from .store.directory import Store


def deprecated(old: str, new: str) -> None:
    """Warn that ``old`` is kept for one release only, and what replaces it."""
    warnings.warn(f"{old} is deprecated and goes in the next release: use {new}", DeprecationWarning, stacklevel=3)


class Topics:
    """``index.topics``: the topic model related articles rank with, and the spelling variants
    searches join, both fitted on the index's own articles.

    Imports refit them as the index grows (once it has ``topics.MIN_ARTICLES``
    articles, and whenever it has doubled since), in a background process by
    default (``arsearch.store.refits``).
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def model(self) -> TopicModel | None:
        """The topic model (``arsearch.derived.topics``), re-read when a refit replaces it; None before
        the index has ``topics.MIN_ARTICLES`` articles or when the file is unreadable."""
        return self._store.topic_model()

    def info(self) -> ModelInfo | None:
        """What the topic model was fitted on (``ModelInfo``); None before the index has one."""
        return model.info if (model := self.model()) is not None else None

    def refit(self) -> ModelInfo | None:
        """Fit the topic model and the spelling variants on the current articles now, in this
        process; None when there is too little text to learn topics from.

        مثال::

            >>> index.topics.refit().dimensions  # doctest: +SKIP
            100
        """
        return refits.refit(self._store)

    def refitting(self) -> bool:
        """Whether a background process is refitting them (started by an import)."""
        return refits.running(self._store.path)

    def wait(self, timeout: float | None = None) -> ModelInfo | None:
        """Wait for the background refit an import started, if any, to land (up to ``timeout``
        seconds: ``TimeoutError`` beyond); the topic model's info then (None: too few articles).

        مثال::

            >>> index.add(articles).topics_fitting   # doctest: +SKIP
            True
            >>> index.topics.wait(timeout=60).articles  # doctest: +SKIP
            31030
        """
        if not refits.wait(self._store.path, timeout):
            raise TimeoutError(f"the topic model of {self._store.path} is still being fitted after {timeout} s")
        return self.info()

    def adopt(self, model: TopicModel, variants: VariantTable) -> None:
        """Use a topic model and spelling variants fitted elsewhere, in place of the index's own.

        A cluster fits one of each over all its shards (``ClusterIndex.topics.refit``),
        so that every shard joins the same spellings and scores related articles alike;
        its imports pass ``fit_topics="off"`` so that they keep them.
        """
        store = self._store
        store.check_writable()
        try:
            model.save(store.path / MODEL_FILE)
            variants.save(store.path / VARIANTS_FILE)
        except OSError as error:
            raise store.write_failure(error.strerror or str(error)) from None

    def __call__(self) -> TopicModel | None:
        """``index.topics()``: the old spelling of ``index.topics.model()``, kept for one release."""
        deprecated("index.topics()", "index.topics.model()")
        return self.model()


class Synonyms:
    """``index.synonyms``: words and phrases searched as one (أمريكا = "الولايات المتحدة").

    They apply at query time, so nothing is re-indexed: a query that spells
    one member (as words, or as a quoted phrase) also finds the others, ranked
    below the words typed and highlighted. Stored in the index's settings
    (``arsearch.json``), replaced atomically, under the write lock.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, members: Sequence[str], *, wait: float = 0.0) -> builtins.list[str]:
        """Make ``members`` one group of equivalents, from now on; a group sharing a member with an
        existing one is merged into it, and the merged group is returned. ``wait``: seconds to wait
        for another writer. ``SynonymError`` for a member that has only stop words, or a group of
        fewer than two different members.

        مثال::

            >>> index.synonyms.add(["أمريكا", "الولايات المتحدة"])  # doctest: +SKIP
            ['أمريكا', 'الولايات المتحدة']
            >>> index.search("أمريكا").hits[0].snippet              # doctest: +SKIP
            'زار الرئيس [الولايات] [المتحدة]…'
        """
        added: builtins.list[str] = []

        def change(groups: Groups) -> Groups:
            nonlocal added
            changed, added = merged_groups(groups, members, self._store.analyzer)
            return changed

        self._store.change_synonyms(change, wait)
        return added

    def remove(self, members: Sequence[str], *, whole_group: bool = False, wait: float = 0.0) -> int:
        """Take ``members`` out of their groups (``whole_group``: drop their groups); a group left
        with one member goes. Returns how many members were removed; ``SynonymError`` names a
        member that is in no group.

        مثال::

            >>> index.synonyms.remove(["أمريكا"], whole_group=True)  # doctest: +SKIP
            2
        """
        removed = 0

        def change(groups: Groups) -> Groups:
            nonlocal removed
            changed, removed = without(groups, members, self._store.analyzer, whole_group=whole_group)
            return changed

        self._store.change_synonyms(change, wait)
        return removed

    def __call__(self) -> builtins.list[builtins.list[str]]:
        """``index.synonyms()``: the old spelling of ``index.synonyms.list()``, kept for one release."""
        deprecated("index.synonyms()", "index.synonyms.list()")
        return self.list()

    def list(self) -> builtins.list[builtins.list[str]]:
        """The groups, each a list of equivalent words and phrases as they were given (another process
        may have changed them since this one opened the index: they are read as stored now).

        مثال::

            >>> index.synonyms.list()  # doctest: +SKIP
            [['أمريكا', 'الولايات المتحدة'], ['الأمم المتحدة', 'المنظمة الدولية']]
        """
        return self._store.synonym_groups()


class LastReleaseNames:
    """The method names ``Index`` had before its roles, kept for one release; each warns
    (``DeprecationWarning``) and says what replaces it."""

    topics: Topics
    synonyms: Synonyms

    def topics_info(self) -> ModelInfo | None:
        deprecated("Index.topics_info()", "index.topics.info()")
        return self.topics.info()

    def refit_topics(self) -> ModelInfo | None:
        deprecated("Index.refit_topics()", "index.topics.refit()")
        return self.topics.refit()

    def refitting_topics(self) -> bool:
        deprecated("Index.refitting_topics()", "index.topics.refitting()")
        return self.topics.refitting()

    def wait_for_topics(self, timeout: float | None = None) -> ModelInfo | None:
        deprecated("Index.wait_for_topics()", "index.topics.wait()")
        return self.topics.wait(timeout)

    def use_topics(self, model: TopicModel, variants: VariantTable) -> None:
        deprecated("Index.use_topics()", "index.topics.adopt()")
        self.topics.adopt(model, variants)

    def add_synonyms(self, members: list[str], *, wait: float = 0.0) -> list[str]:
        deprecated("Index.add_synonyms()", "index.synonyms.add()")
        return self.synonyms.add(members, wait=wait)

    def remove_synonyms(self, members: list[str], *, whole_group: bool = False, wait: float = 0.0) -> int:
        deprecated("Index.remove_synonyms()", "index.synonyms.remove()")
        return self.synonyms.remove(members, whole_group=whole_group, wait=wait)
