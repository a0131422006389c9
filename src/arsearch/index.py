"""The Index: create, open, add, update, delete, get, info, search, related.

``Index`` is arsearch's public facade: it composes the store (``store/``:
the directory, its engine, settings, snapshots, writer and the import) with
the features (``search/``, ``related``) and hands out role objects for the
rest (``index.topics``, ``index.synonyms``: ``roles``); it holds no logic of
theirs. An index is a directory: the engine's files plus ``arsearch.json``
(format, schema version, engine, analysis settings, times), so ``Index.open``
needs nothing but the path.

مثال::

    >>> from arsearch import Index
    >>> with Index.create("indexes/news") as index:
    ...     report = index.add([{"id": "1", "title": "افتتاح معرض الكتاب", "text": "افتُتح معرضُ الكتابِ الدولي"}])
    ...     index.get("1").title
    'افتتاح معرض الكتاب'

Reading (``get``, ``len``, searching) is safe from many threads at once;
writing takes the index's lock, so one writer at a time, across processes.
``SearchIndex`` is what an ``Index`` and a ``ClusterIndex`` both offer: the web
app and the CLI serve either.
"""

from __future__ import annotations

import dataclasses
import os
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from .analysis import DEFAULT_PROFILE, Analyzer, Chain, NormalizationOptions, Profile
from .derived.topics import ModelInfo, WrittenBags
from .derived.variants import WordVariants, word_variants
from .engine import DEFAULT_ENGINE
from .errors import ArticleNotFoundError, InvalidIndexNameError
from .records.articles import Article
from .related import RelatedArticle, duplicates, related, related_to_text
from .roles import LastReleaseNames, Synonyms, Topics
from .search.options import Filters, SearchOptions
from .search.ranking import WIDEN_BELOW, search
from .search.results import Results
from .search.suggest import Suggestion, autocomplete
from .store import refits
from .store.directory import Store
from .store.importing import DEFAULT_BATCH_SIZE, AddReport, ArticleLike, ImportOptions, Problem, import_articles
from .store.settings import SETTINGS_FILE, protected_words
from .store.snapshot import Snapshot

DEFAULT_INDEX_DIR = Path("indexes") / "default"
INDEX_ENV_VAR = "ARSEARCH_INDEX"


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
    #: a background process is refitting the topic model and the variants (``index.topics.wait()``)
    topics_fitting: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, topics=self.topics.as_dict() if self.topics else None)


class IndexFacts(Protocol):
    """What ``info()`` tells of any searchable index (``IndexInfo``, ``ClusterInfo``)."""

    @property
    def doc_count(self) -> int: ...
    @property
    def updated(self) -> str: ...
    def as_dict(self) -> dict[str, Any]: ...


class SearchIndex(Protocol):
    """What an ``Index`` and a ``ClusterIndex`` both offer: reading, searching and writing
    articles. The web app (``arsearch.web.create_app``) and the CLI serve either."""

    def __len__(self) -> int: ...
    def __contains__(self, article_id: object) -> bool: ...
    def get(self, article_id: str) -> Article: ...
    def info(self) -> IndexFacts: ...
    def search(self, query: str, options: SearchOptions | None = None, **changes: Any) -> Results: ...
    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]: ...
    def related(
        self,
        article_id: str,
        limit: int = 5,
        filters: Filters | None = None,
        *,
        include_duplicates: bool = False,
        recency_days: float | None = None,
    ) -> list[RelatedArticle]: ...
    def related_to_text(
        self, text: str, limit: int = 5, filters: Filters | None = None, *, include_duplicates: bool = False
    ) -> list[RelatedArticle]: ...
    def duplicates(self, article_id: str) -> list[str]: ...
    def add(
        self, articles: Iterable[ArticleLike], options: ImportOptions | None = None, **changes: Any
    ) -> AddReport: ...
    def update(self, article: Article | Mapping[str, Any]) -> None: ...
    def delete(self, article_id: str) -> bool: ...


Options = TypeVar("Options", SearchOptions, ImportOptions)


def with_changes(options: Options, changes: Mapping[str, Any]) -> Options:
    """``options`` with the fields named in ``changes`` replaced; ``TypeError`` names a field it
    does not have (``index.search(query, limt=5)``)."""
    if not changes:
        return options
    names = {option.name for option in dataclasses.fields(options)}
    unknown = sorted(set(changes) - names)
    if unknown:
        raise TypeError(
            f"{unknown[0]!r} is not an option of {type(options).__name__}; they are {', '.join(sorted(names))}"
        )
    return dataclasses.replace(options, **changes)


class Index(LastReleaseNames):
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
        #: the topic model of related articles and the spelling variants (``roles.Topics``)
        self.topics = Topics(store)
        #: words and phrases searched as one (``roles.Synonyms``)
        self.synonyms = Synonyms(store)

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
    ) -> Index:
        """Create a new, empty index at ``path`` (a directory).

        ``engine``: "tantivy" (Rust: fast; the default) or "whoosh" (pure Python:
        for platforms without a tantivy wheel, such as Pyodide); None takes
        ``$ARSEARCH_ENGINE`` or the default, which is Whoosh where tantivy cannot
        be imported. ``Index.open`` reads the engine from the index.

        ``protected``: words never stemmed nor reduced to a root (Elasticsearch's
        ``stem_exclusion``), such as names the stemmer would cut; they still
        lose their proclitics (وأرامكو, لأرامكو find أرامكو). Fixed at creation.

        ``chain``: analyze with a chain of steps of your own (``arsearch.analysis.chain``)
        instead of a profile's; the index saves it, so ``Index.open`` rebuilds it
        (a step of your own must be importable wherever the index is opened).

        مثال::

            >>> index = Index.create("indexes/news", protected=["أرامكو", "سابك"])  # doctest: +SKIP
            >>> from arsearch.analysis import Tokenize, Normalize, StopWords, Synonyms, LightStem
            >>> chain = Tokenize() | Normalize() | StopWords() | Synonyms({"كوفيد": "كورونا"}) | LightStem()
            >>> index = Index.create("indexes/health", chain=chain)  # doctest: +SKIP
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
                chain=chain,
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
            topics=self.topics.info(),
            engine=self.store.kind.name,
            protected_words=self.protected_words,
            synonym_groups=len(self.store.synonym_groups()),
            spelling_variants=len(table) if (table := snapshot.variants()) is not None else 0,
            topics_fitting=self.topics.refitting(),
        )

    @property
    def protected_words(self) -> list[str]:
        """Words this index never stems (``Index.create(protected=...)``)."""
        return list(self.store.settings["analysis"].get("protected", []))

    @property
    def profile(self) -> str:
        """The analysis profile the index was built with ("custom": a chain of the user's own)."""
        profile: str = self.store.settings["analysis"]["profile"]
        return profile

    def search(self, query: str, options: SearchOptions | None = None, **changes: Any) -> Results:
        """Ranked search. Never raises on a malformed query: see ``Results.warnings``.

        ``options`` (``SearchOptions``) says which page, filters, order, and
        whether to highlight, fold copies and join spelling variants; keyword
        arguments change its fields (``index.search(query, limit=5)``).

        مثال::

            >>> results = index.search("زيارة الوزير للمملكة", filters={"date_from": "2024-01-01"})
            >>> results.hits[0].snippets[0].html  # doctest: +SKIP
        """
        return search(self.snapshot(), query, with_changes(options or SearchOptions(), changes))

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
        self, text: str, limit: int = 5, filters: Filters | None = None, *, include_duplicates: bool = False
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

    def variants(self, word: str) -> WordVariants:
        """The spellings of a name or loanword a search for ``word`` also finds, and why.

        Variants are found among the index's own words when the topic model is
        fitted (``index.topics``): same letters once the ones transliteration
        varies are made one (ج/غ/ق/ك, ف/ڤ, ب/پ) and inner long vowels dropped,
        shared contexts, seldom in one article, and neither reads as an Arabic
        word (a dictionary root and a pattern's few letters).

        مثال::

            >>> index.variants("ترمب").searched  # doctest: +SKIP
            ['ترامب']
        """
        snapshot = self.snapshot()
        token = snapshot.one_word(word)
        stem = token.stem if token is not None else None
        root = self.analyzer.root(stem) if stem else ""
        judged = snapshot.spelling_judge().judged(token.normalized) if token is not None and stem else []
        return word_variants(snapshot, snapshot.variants(), word, stem, root, WIDEN_BELOW, judged)

    # --- writing ----------------------------------------------------------

    def add(self, articles: Iterable[ArticleLike], options: ImportOptions | None = None, **changes: Any) -> AddReport:
        """Index articles from any iterable (streamed), committing every ``batch_size``.

        Items may be ``Article`` objects, mappings, or ``records.ingest.Record``s.
        ``options`` (``ImportOptions``) says how; keyword arguments change its
        fields (``index.add(articles, update=True)``). A bad record is skipped
        and reported in ``AddReport.problems`` (``strict``: raise
        ``StrictModeError`` instead, after committing what came before). An id
        already in the index is left alone unless ``update``, so re-running an
        interrupted import converges without duplicates. Once the index holds
        ``topics.MIN_ARTICLES`` articles, and whenever it has doubled since, the
        topic model and the spelling variants are refitted, and then the
        spellings of the index's words judged ahead for searches
        (``derived.prejudged``: minutes for 31k articles the first time; with
        ``fit_topics="now"`` the call waits for it) (``fit_topics``;
        ``AddReport.topics_fitting``, ``index.topics.wait()``).

        مثال::

            >>> index.add([{"id": "1", "text": "خبر"}, {"id": "2"}], all_or_nothing=True)  # doctest: +SKIP
            BatchRejectedError: 1 bad record, nothing was written: item 2: no text: ...
        """
        chosen = with_changes(options or ImportOptions(), changes)
        # a refit in this process right after the import reads none of the bags back
        written = WrittenBags() if chosen.fit_topics == "now" else None
        report = import_articles(self.store, articles, chosen, written)
        # after the writer is gone and merges are done (lower peak memory); a concurrent refit is
        # harmless: each writes a whole model and the last one stays. An import that adds nothing
        # still starts a refit that is due (the last one was killed, say)
        if chosen.fit_topics != "off" and refits.due(self.store):
            if chosen.fit_topics == "background" and refits.start(self.path):
                report.topics_fitting = True
            else:
                fitting_started = time.perf_counter()
                report.topics = refits.refit(self.store, written)
                report.elapsed += time.perf_counter() - fitting_started
        return report

    def update(self, article: Article | Mapping[str, Any]) -> None:
        """Replace the indexed article with the same id (``ArticleNotFoundError`` when there is
        none: ``add`` adds articles); ``ArticleError`` names what is wrong with a bad record.

        مثال::

            >>> index.update({"id": "42", "title": "عنوان معدل", "text": "نص الخبر"})  # doctest: +SKIP
        """
        checked = Article.from_record(article)
        if checked.id not in self:
            raise ArticleNotFoundError(
                f"no article with id {checked.id!r} in {self.path} to update (add() adds articles)", checked.id
            )
        self.add([checked], update=True, strict=True)

    def delete(self, article_id: str) -> bool:
        """Delete an article; returns False when there was none with that id."""
        return self.store.delete(article_id)


def _serves_as_an_index(index: Index) -> SearchIndex:
    return index  # mypy checks that an Index offers what the web app and the CLI use


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "AddReport",
    "ImportOptions",
    "Index",
    "IndexInfo",
    "Problem",
    "SearchIndex",
    "SearchOptions",
    "default_index_path",
    "index_path_for",
    "protected_words",
]
