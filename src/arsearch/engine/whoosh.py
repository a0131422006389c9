"""The one place that adapts arsearch's analysis to Whoosh.

``ArabicTokenizer`` is a Whoosh tokenizer (composable with Whoosh filters via
``|``) that runs a whole arsearch profile. It pickles as its settings only
(profile, stop words, normalization switches), so an index's schema carries
the analysis with it and ``Index.open`` never has to be told again.

مثال::

    >>> from whoosh.fields import TEXT
    >>> field = TEXT(analyzer=ArabicTokenizer("light"), phrase=True)
    >>> [t.text for t in ArabicTokenizer("light")("زيارة الوزير للمملكة")]
    ['زيار', 'وزير', 'مملك']
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import orjson
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from ..analysis import DEFAULT_PROFILE, Analyzer, NormalizationOptions, Profile, default_stopwords
from ..articles import Article


class ArabicTokenizer(Tokenizer):  # type: ignore[misc]
    """Whoosh tokenizer running an arsearch analysis profile, offsets into the original text."""

    def __init__(
        self,
        profile: Profile = DEFAULT_PROFILE,
        *,
        stopwords: frozenset[str] | None = None,
        normalization: NormalizationOptions = NormalizationOptions(),
    ) -> None:
        self.profile = profile
        # Custom stop lists are stored in the schema; the default one is not,
        # so an index follows the library's list as shipped.
        self.stopwords = None if stopwords == default_stopwords() else stopwords
        self.normalization = normalization
        self._analyzer = Analyzer(profile, stopwords=stopwords, normalization=normalization)

    def __getstate__(self) -> dict[str, Any]:
        return {"profile": self.profile, "stopwords": self.stopwords, "normalization": self.normalization}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["profile"], stopwords=state["stopwords"], normalization=state["normalization"])  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArabicTokenizer) and self.__getstate__() == other.__getstate__()

    def __hash__(self) -> int:
        return hash((self.profile, self.stopwords, self.normalization))

    @property
    def analyzer(self) -> Analyzer:
        return self._analyzer

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not (chars or keeporiginal):  # the common indexing case: no offsets to compute
            for term, position in self._analyzer.term_positions(value):
                token.text = term
                token.boost = 1.0
                token.stopped = False
                token.pos = start_pos + position
                yield token
            return
        for term, position, start, end in self._analyzer.term_stream(value):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


# --- schema and documents ---------------------------------------------------

#: Bump when the schema or the stored layout changes; Index.open refuses newer.
SCHEMA_VERSION = 1

#: Title and text are each indexed twice: stemmed (recall) and, under this
#: suffix, as exact normalized forms (precision).
EXACT_SUFFIX = "_exact"
KEYWORD_FACETS = ("source", "category", "author")


def build_schema(tokenizer: ArabicTokenizer) -> Schema:
    """The index schema for one analysis configuration."""
    exact = ArabicTokenizer("exact", normalization=tokenizer.normalization)
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(analyzer=tokenizer, phrase=True, stored=True),
        title_exact=TEXT(analyzer=exact, phrase=True),
        text=TEXT(analyzer=tokenizer, phrase=True),
        text_exact=TEXT(analyzer=exact, phrase=True),
        date=DATETIME(stored=True, sortable=True),
        source=ID(stored=True, sortable=True),
        category=ID(stored=True, sortable=True),
        author=ID(stored=True, sortable=True),
        tags=KEYWORD(stored=True, commas=True, scorable=False),
        url=STORED(),
        body=STORED(),  # the original text, zlib-compressed, for snippets and get()
        extra=STORED(),  # unknown keys of the record, as JSON
    )


def article_fields(article: Article) -> dict[str, Any]:
    """Keyword arguments for ``writer.add_document``."""
    fields: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "title_exact": article.title,
        "text": article.text,
        "text_exact": article.text,
        "body": zlib.compress(article.text.encode("utf-8", "surrogatepass"), BODY_COMPRESSION),
    }
    if article.date is not None:
        fields["date"] = article.date
    for name in (*KEYWORD_FACETS, "url"):
        value = getattr(article, name)
        if value is not None:
            fields[name] = value
    if article.tags:
        fields["tags"] = list(article.tags)
    if article.extra:
        fields["extra"] = orjson.dumps(article.extra, default=str)
    return fields


BODY_COMPRESSION = 6


def stored_article(stored: dict[str, Any]) -> Article:
    """Rebuild the Article from a document's stored fields."""
    body = stored.get("body")
    extra = stored.get("extra")
    return Article(
        id=stored["id"],
        title=stored.get("title", ""),
        text=zlib.decompress(body).decode("utf-8", "surrogatepass") if body else "",
        date=stored.get("date"),
        source=stored.get("source"),
        author=stored.get("author"),
        url=stored.get("url"),
        category=stored.get("category"),
        tags=tuple(stored.get("tags") or ()),
        extra=orjson.loads(extra) if extra else {},
    )
