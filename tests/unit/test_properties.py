"""Invariants of the analyzer, checked on arbitrary text (hypothesis)."""

from __future__ import annotations

import pickle
from datetime import timezone

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from arsearch.analysis import Analyzer, normalize_word
from arsearch.analysis.profiles import PROFILES
from arsearch.engine.schema import pack_stem_counts, unpack_stem_counts
from arsearch.records.articles import Article, ArticleError

ARABIC_ALPHABET = "".join(chr(c) for c in range(0x0600, 0x0700)) + "\u200c\u200d\u200e\u200f\u061c ،؛؟«»ـ0123456789abc"
arabic_text = st.text(alphabet=ARABIC_ALPHABET, max_size=200)
any_text = st.one_of(st.text(max_size=200), arabic_text)
ANALYZERS = [Analyzer(profile) for profile in PROFILES]


@settings(max_examples=300)
@given(any_text)
def test_analysis_never_raises_and_offsets_slice_the_original(text: str) -> None:
    for analyzer in ANALYZERS:
        previous_end = 0
        previous_position = -1
        for token in analyzer.tokens(text, keep_stopwords=True):
            assert text[token.start : token.end] == token.surface
            assert token.start >= previous_end  # in order, no overlap
            assert token.end > token.start
            assert token.position > previous_position
            assert token.normalized
            previous_end, previous_position = token.end, token.position


@settings(max_examples=300)
@given(any_text)
def test_normalization_is_idempotent(text: str) -> None:
    once = normalize_word(text)
    assert normalize_word(once) == once


@settings(max_examples=200)
@given(arabic_text)
def test_light_terms_are_normalized_and_never_longer_than_the_word(text: str) -> None:
    for token in ANALYZERS[1].tokens(text):
        assert token.stem is not None
        assert normalize_word(token.stem) == token.stem
        assert len(token.stem) <= len(token.normalized) + 2  # لل → ال may add an alef


WORD_POOL = ["المملكة", "للمملكة", "مملكه", "زيارات", "الوزير", "بالجزائر", "إسلامى", "اسلامي", "Saudi", "٢٠١٥", "2015"]
DECORATIONS = "\u064e\u064f\u0650\u0651\u0652\u064b\u0640"


@st.composite
def decorated_words(draw: st.DrawFn) -> str:
    word = draw(st.sampled_from(WORD_POOL))
    out = word[0]
    for letter in word[1:]:  # marks and tatweel inside a word, never before its first letter
        out += draw(st.text(alphabet=DECORATIONS, max_size=2)) + letter
    return out


@settings(max_examples=300)
@given(
    st.lists(decorated_words(), max_size=30),
    st.lists(st.sampled_from(WORD_POOL), min_size=1, max_size=3),
    st.sampled_from(["light", "exact", "root"]),
)
def test_highlight_finder_marks_exactly_what_word_by_word_analysis_marks(
    words: list[str], query: list[str], profile: str
) -> None:
    analyzer = next(a for a in ANALYZERS if a.profile == profile)
    text = " ، ".join(words)
    terms = {t.stem for w in query for t in analyzer.tokens(w) if t.stem}
    forms = {t.normalized for w in query for t in analyzer.tokens(w, keep_stopwords=True)}
    expected = [
        (t.start, t.end, t.stem or t.normalized)
        for t in analyzer.tokens(text, keep_stopwords=True)
        if (t.stem is not None and t.stem in terms) or t.normalized in forms
    ]
    assert analyzer.find(text, terms, forms) == expected


@given(
    st.fixed_dictionaries(
        {"id": st.text(st.characters(blacklist_categories=["Cs", "Cc", "Zs"]), min_size=1, max_size=20)},
        optional={
            "title": any_text,
            "text": any_text,
            "date": st.datetimes(timezones=st.just(timezone.utc)).map(lambda moment: moment.isoformat()),
            "source": st.text(max_size=10),
            "tags": st.lists(st.text(min_size=1, max_size=8), max_size=3),
            "views": st.integers(),
        },
    )
)
def test_an_article_pickles_to_itself(record: dict[str, object]) -> None:
    """Articles travel to the analysis workers pickled (``Article.__reduce__``, fields in order)."""
    try:
        article = Article.from_record({"text": "نص", **record})
    except ArticleError:
        return  # a record arsearch refuses is never sent
    copy = pickle.loads(pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == article and type(copy) is Article and copy.to_record() == article.to_record()


@settings(max_examples=300)
@given(any_text)
def test_stored_stem_counts_read_back_as_written(text: str) -> None:
    """What an index stores of a text's stems (``pack_stem_counts``) reads back to the same counts, in
    the same order, and so does the JSON object of indexes made before."""
    for analyzer in ANALYZERS:
        counts = analyzer.index_words(text).counted("terms")
        assert list(unpack_stem_counts(pack_stem_counts(counts)).items()) == list(counts.items())
        assert list(unpack_stem_counts(orjson.dumps(counts)).items()) == list(counts.items())
