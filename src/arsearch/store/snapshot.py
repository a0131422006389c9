"""One commit of an open index: the engine's reads, and arsearch's own (articles by id, the
vocabulary, the topic model, synonyms, spelling variants).

The features (search, related, suggest) read a ``Snapshot`` and never the
``Index`` facade; a snapshot reaches the caches of the index it comes from
through ``IndexCaches``, which ``Store`` provides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from ..analysis import Analyzer, Token
from ..analysis.synonyms import SynonymTable
from ..analysis.tokenize import written_forms, written_otherwise
from ..derived.prejudged import IndexKinds, Prejudged
from ..derived.topics import TopicModel
from ..derived.variants import GivenSpellings, QueryVariants, SnapshotSource, SpellingJudge, VariantTable
from ..derived.vocabulary import Vocabulary
from ..engine.base import Found, Order, StoredDocument
from ..engine.base import Snapshot as EngineSnapshot
from ..engine.queries import EngineQuery, TermQuery
from ..engine.schema import ARTICLE_EXACT_FIELD, address_of, stored_article
from ..errors import ArticleNotFoundError
from ..records.articles import Article, searchable_part
from .spellings import SpellingDictionary

#: Articles read to learn how a word is written: its commonest spelling among them is shown.
SPELLING_SAMPLE = 5
#: Of each, the title and the text's first characters are read (enough to see the word written).
SPELLING_CHARS = 2000
#: Spellings kept per commit at most (the cache is emptied when it is full).
SPELLINGS_KEPT = 100_000


class IndexCaches(Protocol):
    """What a snapshot needs of its index: the analyzer, and the caches of what does not change
    with every commit, or is built once per commit (``Store``)."""

    path: Path
    analyzer: Analyzer

    def vocabulary_of(self, snapshot: Snapshot) -> Vocabulary: ...
    def topic_model(self) -> TopicModel | None: ...
    def synonym_table(self) -> SynonymTable: ...
    def variant_table(self) -> VariantTable | None: ...
    def prejudged(self) -> Prejudged: ...

    @property
    def spellings(self) -> SpellingDictionary: ...


class Snapshot:
    """One commit of an open index, with the index's analyzer and per-commit caches.

    It offers the engine's read operations (``engine.base.Snapshot``) and
    arsearch's own: articles by id, the vocabulary, the topic model.
    """

    def __init__(self, store: IndexCaches, view: EngineSnapshot) -> None:
        self.store = store
        self.view = view
        self.analyzer = store.analyzer
        self.path = store.path

    # --- the engine's reads -------------------------------------------------

    @property
    def generation(self) -> Hashable:
        return self.view.generation

    @property
    def doc_count(self) -> int:
        return self.view.doc_count

    @property
    def segment_count(self) -> int:
        return self.view.segment_count

    def __len__(self) -> int:
        return self.doc_count

    def search(
        self, query: EngineQuery, *, limit: int, offset: int = 0, count: bool = True, order: Order = "score"
    ) -> Found:
        return self.view.search(query, limit=limit, offset=offset, count=count, order=order)

    def stored(self, address: Any) -> StoredDocument:
        return self.view.stored(address)

    def addresses(self) -> list[Any]:
        return self.view.addresses()

    def ids(self) -> Iterator[str]:
        return self.view.ids()

    def doc_freq(self, field: str, term: str) -> int:
        return self.view.doc_freq(field, term)

    def terms(self, field: str, prefix: str = "", limit: int | None = None) -> list[tuple[str, int]]:
        return self.view.terms(field, prefix, limit)

    def facet_counts(self, query: EngineQuery, fields: Sequence[str], size: int) -> dict[str, dict[str, int]]:
        return self.view.facet_counts(query, fields, size)

    # --- arsearch's reads -----------------------------------------------------

    def find(self, article_id: str) -> StoredDocument | None:
        """The stored document of an article, or None."""
        address = address_of(self.view, article_id)
        return None if address is None else self.stored(address)

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and address_of(self.view, article_id) is not None

    def document(self, article_id: str) -> StoredDocument:
        """An article's stored document, or ``ArticleNotFoundError``."""
        document = self.find(article_id)
        if document is None:
            raise ArticleNotFoundError(f"no article with id {article_id!r} in {self.path}", article_id)
        return document

    def article(self, article_id: str) -> Article:
        """The article with this id (``ArticleNotFoundError`` if there is none)."""
        return stored_article(self.document(article_id))

    def vocabulary(self) -> Vocabulary:
        """The commit's words and stems with document counts (built on first use after a commit)."""
        return self.store.vocabulary_of(self)

    def spelling(self, form: str) -> str:
        """How the articles most often write the word whose normalized form is ``form``, for showing
        it to a reader: ``وزاره`` → ``وزارة``, ``الي`` → ``إلى``, ``reuters`` → ``Reuters``.

        The commonest spelling (without diacritics or tatweel) among up to ``SPELLING_SAMPLE`` articles
        that hold the word, kept until the next commit; ``form`` itself when no article holds it.
        """
        spellings = self.vocabulary().spellings
        known = spellings.get(form)
        if known is None:
            if len(spellings) >= SPELLINGS_KEPT:
                spellings.clear()
            known = spellings[form] = self._commonest_spelling(form)
        return known

    def _commonest_spelling(self, form: str) -> str:
        if not written_otherwise(form):
            return form
        holding = self.search(TermQuery(ARTICLE_EXACT_FIELD, form), limit=SPELLING_SAMPLE, count=False)
        written: Counter[str] = Counter()
        for _, address in holding.hits:
            article = stored_article(self.stored(address))
            for text in (searchable_part(article.title), searchable_part(article.text)[:SPELLING_CHARS]):
                written.update(written_forms(text, form, self.analyzer.normalization))
        # the commonest; among equals, one order whatever the articles' order
        return max(written, key=lambda spelling: (written[spelling], spelling)) if written else form

    def spelling_judge(self) -> SpellingJudge:
        """The commit's judge of spelling variants among its words (``derived.variants``)."""
        vocabulary = self.vocabulary()
        judge = vocabulary.built.get("spelling judge")
        if not isinstance(judge, SpellingJudge):
            # what the last refit judged ahead first (read again when a refit replaces it)
            kinds = IndexKinds(lambda: self.store.prejudged().kinds)
            judge = SpellingJudge(self.spelling_source(), kinds, lambda: self.store.prejudged().answers, kinds.known)
            vocabulary.built["spelling judge"] = judge
        return judge

    def query_variants(self, given: GivenSpellings | None = None) -> QueryVariants:
        """What searches join to a word: the fitted pairs and the judged spellings (or those
        ``given``, judged elsewhere: a cluster's over every shard)."""
        return QueryVariants(self.variants(), self.spelling_judge() if given is None else given)

    def spelling_source(self) -> SnapshotSource:
        """What the spelling judge reads of this commit."""
        vocabulary = self.vocabulary()
        return SnapshotSource(
            self.view,
            self.store.spellings.starting,
            self.spelling,
            self._term_of,
            lambda: vocabulary.forms,
            vocabulary.forms_read,
        )

    def one_word(self, text: str) -> Token | None:
        """The token of a text that is one word (None for several words, or none)."""
        tokens = list(self.analyzer.tokens(text))
        return tokens[0] if len(tokens) == 1 else None

    def _term_of(self, form: str) -> str | None:
        token = self.one_word(form)
        return token.stem if token is not None else None

    def topic_model(self) -> TopicModel | None:
        """The index's topic model (re-read when a writer refits it), or None."""
        return self.store.topic_model()

    def synonyms(self) -> SynonymTable:
        """The index's synonym groups, as stored now (they are settings, not part of a commit)."""
        return self.store.synonym_table()

    def variants(self) -> VariantTable | None:
        """The spelling variants of names and loanwords fitted with the topic model, or None."""
        return self.store.variant_table()
