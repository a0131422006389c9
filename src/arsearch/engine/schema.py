"""The one place that maps arsearch's articles and analysis onto tantivy.

Analysis runs in Python (``arsearch.analysis``); tantivy receives the analyzed
terms joined by spaces and splits them on whitespace, so the index holds
exactly our terms and tantivy needs no Arabic knowledge. Title and text are
each indexed three times: stems (the profile's terms), under ``EXACT_SUFFIX``
normalized word forms (precision, phrases) and, under ``ROOT_SUFFIX``, the
stems' roots (recall across derived forms and broken plurals). The text
fields hold the title's words followed by the text's, so BM25 sees the whole
article in one field as Lucene-style engines do; the title fields add weight
on top. The article itself is stored as JSON for ``get()`` and snippets from
the original text, and the text's stem counts for related articles (their
key terms and topic vectors) without analyzing the text again."""

from __future__ import annotations

from collections import Counter

import orjson
import tantivy

from .. import fingerprint
from ..analysis import Analyzer
from ..articles import Article, searchable_part
from ..query import KEYWORD_QUERY_FIELDS

#: Bump when the schema or the stored layout changes; Index.open refuses other versions.
#: 1: Whoosh (arsearch 0.1); 2: tantivy; 3: root fields, the title inside the text fields;
#: 4: the text's stem counts stored.
SCHEMA_VERSION = 4

#: Title and text are each indexed as stems and, under these suffixes, as
#: exact normalized forms and as roots.
EXACT_SUFFIX = "_exact"
ROOT_SUFFIX = "_root"
TEXT_FIELDS = ("title", "text")
#: Exact-value fields (filters, facets, ``source:`` queries): the query model's list.
KEYWORD_FIELDS = KEYWORD_QUERY_FIELDS
#: tantivy's name for our whitespace-separated term streams.
TERMS_TOKENIZER = "arsearch_terms"
#: Longest term kept (tantivy drops terms over ~65 kB; no real word is this long).
MAX_TERM_CHARS = 255


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, fast=True, tokenizer_name="raw")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name=TERMS_TOKENIZER, index_option="position")
        builder.add_text_field(name + EXACT_SUFFIX, tokenizer_name=TERMS_TOKENIZER, index_option="position")
        builder.add_text_field(name + ROOT_SUFFIX, tokenizer_name=TERMS_TOKENIZER, index_option="freq")
    builder.add_date_field("date", indexed=True, fast=True)
    for name in KEYWORD_FIELDS:  # exact values: filters and facet counts (fast fields)
        builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("dup", tokenizer_name="raw", index_option="basic")  # near-duplicate keys
    builder.add_bytes_field("sketch", stored=True)  # the text's MinHash sketch (fingerprint.py)
    builder.add_bytes_field("article", stored=True)  # the whole article as JSON
    builder.add_bytes_field("stems", stored=True)  # the text's stems and their counts, as JSON
    return builder.build()


def register_analysis(index: tantivy.Index) -> None:
    """Teach a tantivy index our tokenizer name (it must be registered on every open)."""
    terms = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).filter(tantivy.Filter.remove_long(1000))
    index.register_tokenizer(TERMS_TOKENIZER, terms.build())


def _joined(terms: list[str]) -> str:
    if not terms or max(map(len, terms)) <= MAX_TERM_CHARS:  # the usual case, checked at C speed
        return " ".join(terms)
    return " ".join(term[:MAX_TERM_CHARS] for term in terms)


def _both(title: str, text: str) -> str:
    return f"{title} {text}" if title and text else title or text


def build_document(article: Article, analyzer: Analyzer) -> tantivy.Document:
    """The tantivy document for an article: analyzed fields, keywords, fingerprint, stored JSON."""
    document = tantivy.Document()
    document.add_text("id", article.id)
    title_terms, title_forms = analyzer.index_forms(searchable_part(article.title))
    text_terms, text_forms = analyzer.index_forms(searchable_part(article.text))
    title = (_joined(title_terms), _joined(title_forms), _joined(analyzer.roots(title_terms)))
    text = (_joined(text_terms), _joined(text_forms), _joined(analyzer.roots(text_terms)))
    for suffix, in_title, in_text in zip(("", EXACT_SUFFIX, ROOT_SUFFIX), title, text, strict=True):
        if in_title:
            document.add_text("title" + suffix, in_title)
        if in_title or in_text:
            document.add_text("text" + suffix, _both(in_title, in_text))
    text_sketch = fingerprint.sketch(text_forms)  # copies are judged on the text alone
    for key in fingerprint.band_keys(text_sketch):
        document.add_text("dup", key)
    document.add_bytes("sketch", fingerprint.pack(text_sketch))
    if article.date is not None:
        document.add_date("date", article.date)
    for name in ("source", "category", "author"):
        value = getattr(article, name)
        if value is not None:
            document.add_text(name, value)
    for tag in article.tags:
        document.add_text("tags", tag)
    document.add_bytes("article", orjson.dumps(article.to_record()))
    document.add_bytes("stems", orjson.dumps(Counter(text_terms)))
    return document


def stored_article(document: tantivy.Document) -> Article:
    """Rebuild the Article from a stored document."""
    stored = document.get_first("article")
    if not isinstance(stored, bytes):
        raise ValueError("a document without its stored article (index damaged?)")
    return Article.from_record(orjson.loads(stored))


def stored_stem_counts(document: tantivy.Document) -> dict[str, int]:
    """The stored text's stems with their counts (empty for a text without words)."""
    stored = document.get_first("stems")
    if not isinstance(stored, bytes):
        raise ValueError("a document without its stored stem counts (index damaged?)")
    counts: dict[str, int] = orjson.loads(stored)
    return counts


def document_by_id(searcher: tantivy.Searcher, schema: tantivy.Schema, article_id: str) -> tantivy.Document | None:
    """The stored document of an article, or None."""
    query = tantivy.Query.term_query(schema, "id", article_id)
    found = searcher.search(query, limit=1, count=False).hits
    return searcher.doc(found[0][1]) if found else None
