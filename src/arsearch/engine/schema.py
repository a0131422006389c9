"""The logical schema: which fields an arsearch index has and what goes into them.

Analysis runs in Python (``arsearch.analysis``); an engine receives the
analyzed terms joined by spaces and splits them on whitespace, so the index
holds exactly our terms and the engine needs no Arabic knowledge. Title and
text are each indexed four times: stems (the profile's terms), under
``EXACT_SUFFIX`` normalized word forms (precision, phrases), under
``ROOT_SUFFIX`` the stems' roots (recall across derived forms and broken
plurals) and, under ``LEMMA_SUFFIX``, the lemmas the dictionary is sure of
where they are not the stem itself (a broken plural's singular). The
spelling terms of words (the other spellings of a name) are no field: the
store keeps them in a dictionary of the index's words (``store.spellings``).
The text fields hold the title's words followed by the text's, so
BM25 sees the whole article in one field as Lucene-style engines do; the
title fields add weight on top. The article itself is stored as JSON for
``get()`` and snippets from the original text, and the text's stem counts
for related articles (their key terms and topic vectors) without analyzing
the text again. Each engine maps these fields onto its own schema.
"""

from __future__ import annotations

from typing import Any

import orjson

from ..analysis import COLUMNS, Analyzer, fingerprint
from ..query import KEYWORD_QUERY_FIELDS
from ..records.articles import Article, searchable_part
from .base import IndexedDocument, Snapshot, StoredDocument
from .queries import TermQuery

#: Bump when the schema or the stored layout changes; Index.open refuses other versions.
#: 1: Whoosh (arsearch 0.1); 2: tantivy; 3: root fields, the title inside the text fields;
#: 4: the text's stem counts stored; 5: the spelling and lemma fields; 6: the spelling terms in a
#: dictionary beside the index (``store.spellings``), not a field.
SCHEMA_VERSION = 6

#: Title and text are each indexed as stems and, under these suffixes, as
#: exact normalized forms and as roots.
EXACT_SUFFIX = "_exact"
ROOT_SUFFIX = "_root"
#: The lemma of each word whose lemma the dictionary is sure of and is not its term (الوزراء: وزير).
LEMMA_SUFFIX = "_lemma"
#: What each field of a text is indexed from, by suffix (``analysis.COLUMNS``).
SUFFIXES = ("", EXACT_SUFFIX, ROOT_SUFFIX, LEMMA_SUFFIX)
TEXT_FIELDS = ("title", "text")
#: The analyzed field that holds every word of an article (its title's, then its text's):
#: a term's document count there is the number of articles with it.
ARTICLE_FIELD = "text"
#: Its exact normalized forms: a word's document count there is the number of articles writing it
#: so (what the spelling judge, the rewrite and the vocabulary count).
ARTICLE_EXACT_FIELD = ARTICLE_FIELD + EXACT_SUFFIX
#: Every analyzed field; only stems and exact forms keep positions (``indexed_with``).
ANALYZED_FIELDS = tuple(name + suffix for name in TEXT_FIELDS for suffix in SUFFIXES)
#: Exact-value fields (filters, facets, ``source:`` queries): the query model's list.
KEYWORD_FIELDS = KEYWORD_QUERY_FIELDS
#: Keyword fields of their own: the id, and the near-duplicate keys of ``fingerprint``.
ID_FIELD = "id"
DUPLICATE_KEYS_FIELD = "dup"
#: Stored byte fields: the article as JSON, its MinHash sketch, its text's stem counts (``pack_stem_counts``).
STORED_FIELDS = ("article", "sketch", "stems")
#: Longest term kept (engines drop terms over ~65 kB; no real word is this long).
MAX_TERM_CHARS = 255


def indexed_with(name: str) -> str:
    """What an analyzed field keeps of each term: "position" (phrases) or "freq" (roots and lemmas:
    ranking only)."""
    return "freq" if name.endswith((ROOT_SUFFIX, LEMMA_SUFFIX)) else "position"


def _both(title: str, text: str) -> str:
    return f"{title} {text}" if title and text else title or text


def build_document(article: Article, analyzer: Analyzer) -> IndexedDocument:
    """The pre-analyzed document for an article: analyzed fields, keywords, fingerprint, stored JSON."""
    document = IndexedDocument(article.id, date=article.date)
    title_words = analyzer.index_words(searchable_part(article.title))
    text_words = analyzer.index_words(searchable_part(article.text))
    title = tuple(title_words.joined(column, MAX_TERM_CHARS) for column in COLUMNS)
    text = tuple(text_words.joined(column, MAX_TERM_CHARS) for column in COLUMNS)
    for suffix, in_title, in_text in zip(SUFFIXES, title, text, strict=True):
        if in_title:
            document.analyzed["title" + suffix] = in_title
        if in_title or in_text:
            document.analyzed["text" + suffix] = _both(in_title, in_text)
    # copies are judged on the text alone
    text_sketch = fingerprint.numbered_sketch(text_words.table.forms, text_words.numbers)
    document.keywords[DUPLICATE_KEYS_FIELD] = list(fingerprint.band_keys(text_sketch))
    for name in ("source", "category", "author"):
        value = getattr(article, name)
        if value is not None:
            document.keywords[name] = [value]
    if article.tags:
        document.keywords["tags"] = list(article.tags)
    document.stored = {
        "sketch": fingerprint.pack(text_sketch),
        "article": orjson.dumps(article.to_record()),
        "stems": pack_stem_counts(text_words.counted("terms")),
    }
    return document


def address_of(snapshot: Snapshot, article_id: str) -> Any | None:
    """Where in a snapshot the article with this id is (``Snapshot.stored`` reads it), or None."""
    hits = snapshot.search(TermQuery(ID_FIELD, article_id), limit=1, count=False).hits
    return hits[0][1] if hits else None


def stored_article(document: StoredDocument) -> Article:
    """Rebuild the Article from a stored document."""
    stored = document.field("article")
    if not isinstance(stored, bytes):
        raise ValueError("a document without its stored article (index damaged?)")
    return Article.from_record(orjson.loads(stored))


#: Between a stem and its count, in stored stem counts (no term holds it: the tokenizer drops it).
_COUNT_MARK = "\x1f"


def pack_stem_counts(counts: dict[str, int]) -> bytes:
    """Stem counts as stored: the stems in order, space-separated, each followed by its count where
    it is more than one (``مدرس\x1f2 مدارس``): three quarters of a JSON object's bytes, whose quotes,
    colons and 1s are gone (SaudiNewsNet: 45 MB, not 61).

    مثال::

        >>> unpack_stem_counts(pack_stem_counts({"مدرس": 2, "مدارس": 1}))
        {'مدرس': 2, 'مدارس': 1}
    """
    return " ".join(stem if count == 1 else f"{stem}{_COUNT_MARK}{count}" for stem, count in counts.items()).encode()


def unpack_stem_counts(stored: bytes) -> dict[str, int]:
    """``pack_stem_counts`` undone; also the JSON object indexes made before it stored (``{...}``)."""
    if stored[:1] == b"{":
        counts: dict[str, int] = orjson.loads(stored)
        return counts
    found: dict[str, int] = {}
    for entry in stored.decode().split(" ") if stored else ():
        stem, _, count = entry.partition(_COUNT_MARK)
        found[stem] = int(count) if count else 1
    return found


def stored_stem_counts(document: StoredDocument) -> dict[str, int]:
    """The stored text's stems with their counts (empty for a text without words)."""
    stored = document.field("stems")
    if not isinstance(stored, bytes):
        raise ValueError("a document without its stored stem counts (index damaged?)")
    return unpack_stem_counts(stored)


def stored_sketch(document: StoredDocument) -> tuple[int, ...]:
    """A stored document's near-duplicate sketch (empty for short texts)."""
    return fingerprint.unpack(document.field("sketch") or b"")
