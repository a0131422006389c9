"""The Whoosh tokenizer: pickles as settings, indexes and queries on disk."""

from __future__ import annotations

import pickle
from pathlib import Path

from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

from arsearch.engine.whoosh import ArabicTokenizer


def test_pickles_as_its_settings_only() -> None:
    tokenizer = ArabicTokenizer("light", stopwords=frozenset({"قال"}))
    restored = pickle.loads(pickle.dumps(tokenizer))
    assert restored == tokenizer
    assert [t.text for t in restored("قال الوزير")] == ["وزير"]
    assert len(pickle.dumps(ArabicTokenizer("light"))) < 400  # no caches, no lexicon


def test_offsets_and_positions_follow_the_original_text() -> None:
    text = "زارَ الوزيرُ للمملكة"
    tokens = [(t.text, t.pos, t.startchar, t.endchar) for t in ArabicTokenizer()(text, positions=True, chars=True)]
    assert tokens == [("زار", 0, 0, 4), ("وزير", 1, 5, 12), ("مملك", 2, 13, 20)]
    assert text[13:20] == "للمملكة"


def test_a_real_index_matches_clitic_and_spelling_variants(tmp_path: Path) -> None:
    schema = Schema(id=ID(stored=True, unique=True), body=TEXT(analyzer=ArabicTokenizer("light"), phrase=True))
    ix = index.create_in(str(tmp_path), schema)
    with ix.writer() as writer:
        writer.add_document(id="1", body="وصل وفدٌ رسميٌّ إلى المملكةِ في زيارةٍ قصيرة")
        writer.add_document(id="2", body="افتتاح مدرسة جديدة في الرياض")
    reopened = index.open_dir(str(tmp_path))  # the analyzer comes back from the schema on disk
    with reopened.searcher() as searcher:
        parser = QueryParser("body", reopened.schema)
        for query in ["للمملكه", "زيارات", "بالمملكة", "والمدرسة"]:
            hits = [hit["id"] for hit in searcher.search(parser.parse(query))]
            assert hits == (["2"] if query == "والمدرسة" else ["1"]), query
