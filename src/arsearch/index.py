"""The Index: create, open, add, update, delete, get, info, search, related.

``Index`` is arsearch's public facade: it composes the store (``store.py``:
the directory, its engine, settings, snapshots and writer) with the features
(``search``, ``suggest``, ``related``, ``topics``) and holds no logic of
theirs. An index is a directory: the engine's files plus ``arsearch.json``
(format, schema version, engine, analysis settings, times), so
``Index.open`` needs nothing but the path.

مثال::

    >>> from arsearch import Index
    >>> with Index.create("indexes/news") as index:
    ...     report = index.add([{"id": "1", "title": "افتتاح معرض الكتاب", "text": "افتُتح معرضُ الكتابِ الدولي"}])
    ...     index.get("1").title
    'افتتاح معرض الكتاب'

Reading (``get``, ``len``, searching) is safe from many threads at once;
writing takes the index's lock, so one writer at a time, across processes.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import refits
from .analysis import DEFAULT_PROFILE, Analyzer, NormalizationOptions, Profile
from .articles import Article
from .engine import DEFAULT_ENGINE
from .engine.compile import Ranking
from .errors import InvalidIndexNameError
from .related import RelatedArticle, duplicates, related, related_to_text
from .search import Filters, Results, Sort, search
from .store import (
    DEFAULT_BATCH_SIZE,
    SETTINGS_FILE,
    AddReport,
    ArticleLike,
    Problem,
    Snapshot,
    Store,
    protected_words,
)
from .suggest import Suggestion, autocomplete
from .synonyms import Groups, merged_groups, without
from .topics import MODEL_FILE, ModelInfo, TopicModel, WrittenBags
from .variants import VARIANTS_FILE, VariantTable, WordVariants, word_variants

DEFAULT_INDEX_DIR = Path("indexes") / "default"
INDEX_ENV_VAR = "ARSEARCH_INDEX"
#: When an import refits the topic model that is due (``Index.add``).
TopicFitting = Literal["background", "now", "off"]
TOPIC_FITTING: tuple[TopicFitting, ...] = ("background", "now", "off")


def default_index_path() -> Path:
    """``$ARSEARCH_INDEX`` if set, else ``./indexes/default``."""
    return Path(os.environ.get(INDEX_ENV_VAR) or DEFAULT_INDEX_DIR)


#: An index *name* (as an app or a web request gives it): letters of any
#: script, digits, ``-``, ``_`` and inner dots; never a path.
_INDEX_NAME = re.compile(r"[^\W_][\w.-]{0,99}")


def index_path_for(name: str, home: str | os.PathLike[str] = "indexes") -> Path:
    """The directory of the index called ``name`` under ``home``; a name that is a
    path (``../x``, ``/etc``, ``a/b``) or hidden is refused, so it cannot escape ``home``.

    مثال::

        >>> index_path_for("أخبار-2024")
        PosixPath('indexes/أخبار-2024')
    """
    if not isinstance(name, str) or not _INDEX_NAME.fullmatch(name) or ".." in name:
        raise InvalidIndexNameError(
            f"{name!r} is not an index name (letters, digits, '-', '_' and inner dots; not a path)"
        )
    base = Path(home)
    path = base / name
    if base.resolve() not in path.resolve().parents:  # belt and braces (symlinks)
        raise InvalidIndexNameError(f"{name!r} does not stay inside {base}")
    return path


@dataclass(frozen=True)
class IndexInfo:
    """Facts about an index, as ``index.info()`` and ``arsearch info`` show them."""

    path: str
    doc_count: int
    size_bytes: int
    profile: str
    schema_version: int
    created: str
    updated: str
    library_version: str
    segments: int
    topics: ModelInfo | None = None  # the topic model related articles use, if fitted
    engine: str = DEFAULT_ENGINE
    protected_words: list[str] = field(default_factory=list)
    synonym_groups: int = 0
    #: pairs of spellings of one name or loanword that searches join (``variants``)
    spelling_variants: int = 0
    #: a background process is refitting the topic model and the variants (``wait_for_topics``)
    topics_fitting: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, topics=self.topics.as_dict() if self.topics else None)


class Index:
    """An arsearch index on disk. Use ``Index.create`` or ``Index.open``.

    One ``Index`` may be shared by many threads for reading (``search``,
    ``get``, ``suggest``...): each call reads one consistent commit, and a
    commit made since (by this or another process) is picked up by the next
    call. Writing takes the index's lock: one writer at a time, across processes.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.path = store.path
        self.analyzer: Analyzer = store.analyzer

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
    ) -> Index:
        """Create a new, empty index at ``path`` (a directory).

        ``engine``: "tantivy" (Rust: fast; the default) or "whoosh" (pure Python:
        for platforms without a tantivy wheel, such as Pyodide); None takes
        ``$ARSEARCH_ENGINE`` or the default, which is Whoosh where tantivy cannot
        be imported. ``Index.open`` reads the engine from the index.

        ``protected``: words never stemmed nor reduced to a root (Elasticsearch's
        ``stem_exclusion``), such as names the stemmer would cut; they still
        lose their proclitics (وأرامكو, لأرامكو find أرامكو). Fixed at creation.

        مثال::

            >>> index = Index.create("indexes/news", protected=["أرامكو", "سابك"])  # doctest: +SKIP
        """
        return cls(
            Store.create(
                path,
                profile=profile,
                stopwords=stopwords,
                normalization=normalization,
                overwrite=overwrite,
                engine=engine,
                protected=protected,
            )
        )

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Index:
        """Open an existing index; its engine and analysis settings come from the index itself."""
        return cls(Store.open(path))

    @classmethod
    def open_or_create(cls, path: str | os.PathLike[str], **create_options: Any) -> Index:
        """Open the index at ``path``, creating it (with ``create_options``) if absent."""
        if (Path(path) / SETTINGS_FILE).exists():
            return cls.open(path)
        return cls.create(path, **create_options)

    def close(self) -> None:
        """Release cached state; the files are closed when the object is dropped."""
        self.store.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Index({str(self.path)!r})"

    # --- reading ----------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The latest commit: a consistent view that search, related and suggest read (cheap to get)."""
        return self.store.snapshot()

    def __len__(self) -> int:
        return len(self.snapshot())

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.snapshot()

    def get(self, article_id: str) -> Article:
        """The article with this id (``ArticleNotFoundError`` if there is none)."""
        return self.snapshot().article(article_id)

    def ids(self) -> Iterator[str]:
        """Every article id in the index (live documents only), in no particular order."""
        return self.snapshot().ids()

    def info(self) -> IndexInfo:
        settings = self.store.settings
        snapshot = self.snapshot()
        return IndexInfo(
            path=str(self.path),
            doc_count=snapshot.doc_count,
            size_bytes=self.store.size_bytes(),
            profile=settings["analysis"]["profile"],
            schema_version=settings["schema_version"],
            created=settings["created"],
            updated=settings["updated"],
            library_version=settings["library_version"],
            segments=snapshot.segment_count,
            topics=model.info if (model := self.topics()) is not None else None,
            engine=self.store.kind.name,
            protected_words=self.protected_words,
            synonym_groups=len(self.store.synonym_groups()),
            spelling_variants=len(table) if (table := snapshot.variants()) is not None else 0,
            topics_fitting=refits.running(self.path),
        )

    @property
    def protected_words(self) -> list[str]:
        """Words this index never stems (``Index.create(protected=...)``)."""
        return list(self.store.settings["analysis"].get("protected", []))

    @property
    def profile(self) -> Profile:
        """The analysis profile the index was built with."""
        profile: Profile = self.store.settings["analysis"]["profile"]
        return profile

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        page: int = 1,
        filters: Filters | None = None,
        sort: Sort = "relevance",
        highlight: bool = True,
        markers: tuple[str, str] = ("[", "]"),
        ranking: Ranking | None = None,
        facets: bool = True,
        collapse: bool = True,
        variants: bool = True,
    ) -> Results:
        """Ranked search. Never raises on a malformed query: see ``Results.warnings``.

        ``filters``: ``source``, ``category``, ``author``, ``tags`` (a value or a
        list of values), ``date_from``/``date_to`` (dates or ISO text).
        ``sort``: "relevance", "newest" or "oldest". ``page`` counts from 1.
        ``facets=False`` skips the source/category counts (a little faster).
        ``collapse``: one story once: near-copies of a hit that rank lower are
        folded into it (``Hit.copies``); ``collapse=False`` lists every article.
        ``total`` and the facets count articles, copies included.
        ``variants``: a word also finds the other spellings of a name or
        loanword (ترمب finds ترامب, ranked below; see ``variants``);
        ``variants=False`` searches the spellings typed only.

        مثال::

            >>> results = index.search("زيارة الوزير للمملكة", filters={"date_from": "2024-01-01"})
            >>> results.hits[0].snippets[0].html  # doctest: +SKIP
        """
        return search(
            self.snapshot(),
            query,
            limit=limit,
            page=page,
            filters=filters,
            sort=sort,
            highlight=highlight,
            markers=markers,
            ranking=ranking,
            facets=facets,
            collapse=collapse,
            variants=variants,
        )

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        """Autocomplete: completions of the last word of ``prefix`` from the index.

        مثال::

            >>> [s.text for s in index.suggest("اقتص")]  # doctest: +SKIP
        """
        return autocomplete(self.snapshot(), prefix, limit)

    def related(
        self,
        article_id: str,
        limit: int = 5,
        filters: Filters | None = None,
        *,
        include_duplicates: bool = False,
        recency_days: float | None = None,
    ) -> list[RelatedArticle]:
        """Articles related to an indexed one ("مقالات ذات صلة"), best first, itself excluded.

        Candidates share the article's key terms; the index's topic model (fitted
        by imports once it has 200 articles) ranks them on subject too. ``score``
        is then between 0 and 1.

        Copies of one story (the same wire text in several outlets) come as one
        entry whose ``duplicates`` lists the other ids, unless
        ``include_duplicates``; copies of the article itself are left out.
        ``recency_days``: prefer articles close in date (a score halves, at
        most, as the dates drift apart; off by default).

        مثال::

            >>> for item in index.related("sample-01", limit=3):  # doctest: +SKIP
            ...     print(item.title, item.duplicates)
        """
        return related(
            self.snapshot(),
            article_id,
            limit=limit,
            filters=filters,
            include_duplicates=include_duplicates,
            recency_days=recency_days,
        )

    def related_to_text(
        self,
        text: str,
        limit: int = 5,
        filters: Filters | None = None,
        *,
        include_duplicates: bool = False,
    ) -> list[RelatedArticle]:
        """Articles related to any text, e.g. a draft: ``index.related_to_text("ارتفاع أسعار النفط")``."""
        return related_to_text(
            self.snapshot(), text, limit=limit, filters=filters, include_duplicates=include_duplicates
        )

    def duplicates(self, article_id: str) -> list[str]:
        """Ids of near-copies of an article (the same story republished), closest first.

        مثال::

            >>> index.duplicates("spa-1")  # doctest: +SKIP
            ['okaz-17', 'alriyadh-9']
        """
        return duplicates(self.snapshot(), article_id)

    def topics(self) -> TopicModel | None:
        """The index's topic model (``arsearch.topics``), re-read when a writer refits it;
        None before the index has ``topics.MIN_ARTICLES`` articles or when the file is unreadable."""
        return self.store.topic_model()

    def topics_info(self) -> ModelInfo | None:
        """What the topic model was fitted on (``ModelInfo``); None before the index has one."""
        return model.info if (model := self.topics()) is not None else None

    def refit_topics(self) -> ModelInfo | None:
        """Fit the topic model and the spelling variants on the current articles now, in this
        process (imports have them refitted in the background as the index grows); None when
        there is too little text to learn topics from.

        مثال::

            >>> index.refit_topics().dimensions  # doctest: +SKIP
            100
        """
        return refits.refit(self.store)

    def refitting_topics(self) -> bool:
        """Whether a background process is refitting the topic model (``add``)."""
        return refits.running(self.path)

    def wait_for_topics(self, timeout: float | None = None) -> ModelInfo | None:
        """Wait for the background refit an import started, if any, to land (up to ``timeout``
        seconds: ``TimeoutError`` beyond); the topic model's info then (None: too few articles).

        مثال::

            >>> index.add(articles).topics_fitting          # doctest: +SKIP
            True
            >>> index.wait_for_topics(timeout=60).articles   # doctest: +SKIP
            31030
        """
        if not refits.wait(self.path, timeout):
            raise TimeoutError(f"the topic model of {self.path} is still being fitted after {timeout} s")
        return self.topics_info()

    def use_topics(self, model: TopicModel, variants: VariantTable) -> None:
        """Adopt a topic model and spelling variants fitted elsewhere, in place of the index's own.

        A cluster fits one of each over all its shards (``ClusterIndex.refit_topics``),
        so that every shard joins the same spellings and scores related articles alike;
        pass ``fit_topics="off"`` to ``add`` so that imports keep them.
        """
        self.store.check_writable()
        try:
            model.save(self.path / MODEL_FILE)
            variants.save(self.path / VARIANTS_FILE)
        except OSError as error:
            raise self.store.write_failure(error.strerror or str(error)) from None

    def variants(self, word: str) -> WordVariants:
        """The spellings of a name or loanword a search for ``word`` also finds, and why.

        Variants are found among the index's own words when the topic model is
        fitted (``refit_topics``): same letters once the ones transliteration
        varies are made one (ج/غ/ق/ك, ف/ڤ, ب/پ) and inner long vowels dropped,
        shared contexts, seldom in one article, and neither reads as an Arabic
        word (a dictionary root and a pattern's few letters).

        مثال::

            >>> index.variants("ترمب").searched  # doctest: +SKIP
            ['ترامب']
        """
        snapshot = self.snapshot()
        tokens = list(self.analyzer.tokens(word))
        stem = tokens[0].stem if len(tokens) == 1 else None
        return word_variants(snapshot, snapshot.variants(), word, stem)

    # --- synonyms ---------------------------------------------------------

    def synonyms(self) -> list[list[str]]:
        """The synonym groups, each a list of equivalent words and phrases as they were given.

        مثال::

            >>> index.synonyms()  # doctest: +SKIP
            [['أمريكا', 'الولايات المتحدة'], ['الأمم المتحدة', 'المنظمة الدولية']]
        """
        return self.store.synonym_groups()

    def add_synonyms(self, members: Sequence[str], *, wait: float = 0.0) -> list[str]:
        """Make words and phrases equivalent in searches, from now on (nothing is re-indexed).

        A query that spells one member (as words, or as a quoted phrase) also
        finds the others: a word as a word, a phrase as a phrase, ranked below
        the words typed and highlighted. A group sharing a member with an
        existing one is merged into it; the merged group is returned. Stored in
        the index's settings (``arsearch.json``), replaced atomically, under the
        write lock (``wait`` as in ``add``). ``SynonymError`` for a member that
        has only stop words, or a group of fewer than two different members.

        مثال::

            >>> index.add_synonyms(["أمريكا", "الولايات المتحدة"])  # doctest: +SKIP
            ['أمريكا', 'الولايات المتحدة']
            >>> index.search("أمريكا").hits[0].snippet  # doctest: +SKIP
            'زار الرئيس [الولايات] [المتحدة]…'
        """
        added: list[str] = []

        def change(groups: Groups) -> Groups:
            nonlocal added
            changed, added = merged_groups(groups, members, self.store.analyzer)
            return changed

        self.store.change_synonyms(change, wait)
        return added

    def remove_synonyms(self, members: Sequence[str], *, whole_group: bool = False, wait: float = 0.0) -> int:
        """Take words and phrases out of their synonym groups (``whole_group``: drop their groups).

        A group left with a single member is dropped. Returns how many members
        were removed; ``SynonymError`` names a member that is in no group.

        مثال::

            >>> index.remove_synonyms(["أمريكا"], whole_group=True)  # doctest: +SKIP
            2
        """
        removed = 0

        def change(groups: Groups) -> Groups:
            nonlocal removed
            changed, removed = without(groups, members, self.store.analyzer, whole_group=whole_group)
            return changed

        self.store.change_synonyms(change, wait)
        return removed

    # --- writing ----------------------------------------------------------

    def add(
        self,
        articles: Iterable[ArticleLike],
        *,
        update: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        strict: bool = False,
        field_map: Mapping[str, str] | None = None,
        wait: float = 0.0,
        progress: Callable[[AddReport], None] | None = None,
        jobs: int | None = None,
        all_or_nothing: bool = False,
        item_outcomes: bool = False,
        fit_topics: TopicFitting = "background",
    ) -> AddReport:
        """Index articles from any iterable (streamed), committing every ``batch_size``.

        Items may be ``Article`` objects, mappings, or ``ingest.Record``s. A bad
        record is skipped and reported in ``AddReport.problems`` (``strict``:
        raise ``StrictModeError`` instead, after committing what came before).
        An id already in the index is left alone unless ``update`` is true, so
        re-running an interrupted import converges without duplicates. Once the
        index holds ``topics.MIN_ARTICLES`` articles, and whenever it has doubled
        since, the topic model of related articles and the spelling variants of
        searches are refitted: with ``fit_topics="background"`` by a process of
        its own once the articles are committed (``AddReport.topics_fitting``;
        ``wait_for_topics`` waits for it; until it lands the last fit serves),
        with ``"now"`` before ``add`` returns (about 4 s for 31k articles;
        ``AddReport.topics``), with ``"off"`` not at all (a cluster fits one
        over all its shards). See ``arsearch.refits``.

        ``jobs``: processes analyzing articles (default: every core). Imports
        of up to ``pipeline.INLINE_ARTICLES`` articles stay in this process;
        commits are in input order whatever ``jobs`` is.

        ``all_or_nothing``: every record is checked first; any bad one raises
        ``BatchRejectedError`` listing them all, and nothing is written;
        otherwise all are written in one commit (the items are held in memory:
        for a request's worth, not an archive). ``item_outcomes``: fill
        ``AddReport.outcomes`` with each item's fate, in input order.

        مثال::

            >>> index.add([{"id": "1", "text": "خبر"}, {"id": "2"}], all_or_nothing=True)  # doctest: +SKIP
            BatchRejectedError: 1 bad record, nothing was written: item 2: no text: ...
        """
        if fit_topics not in TOPIC_FITTING:
            raise ValueError(f"fit_topics must be one of {', '.join(TOPIC_FITTING)}, not {fit_topics!r}")
        # a refit in this process right after the import reads none of the bags back
        written = WrittenBags() if fit_topics == "now" else None
        report = self.store.add(
            articles,
            update=update,
            batch_size=batch_size,
            strict=strict,
            field_map=field_map,
            wait=wait,
            progress=progress,
            jobs=jobs,
            all_or_nothing=all_or_nothing,
            item_outcomes=item_outcomes,
            written=written,
        )
        # after the writer is gone and merges are done (lower peak memory); a concurrent refit is
        # harmless: each writes a whole model and the last one stays. An import that adds nothing
        # still starts a refit that is due (the last one was killed, say)
        if fit_topics != "off" and refits.due(self.store):
            if fit_topics == "background" and refits.start(self.path):
                report.topics_fitting = True
            else:
                fitting_started = time.perf_counter()
                report.topics = refits.refit(self.store, written)
                report.elapsed += time.perf_counter() - fitting_started
        return report

    def update(self, article: Article | Mapping[str, Any]) -> None:
        """Add the article, or replace the one with the same id."""
        self.add([article], update=True, strict=True)

    def delete(self, article_id: str) -> bool:
        """Delete an article; returns False when there was none with that id."""
        return self.store.delete(article_id)


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "TOPIC_FITTING",
    "AddReport",
    "Index",
    "IndexInfo",
    "Problem",
    "TopicFitting",
    "default_index_path",
    "index_path_for",
    "protected_words",
]
