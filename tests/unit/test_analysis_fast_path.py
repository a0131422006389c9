"""The indexing fast path (word tables, bulk sketches, the precomputed table) gives exactly
what analysis word by word gives: the same terms, forms, roots and sketches."""

from __future__ import annotations

import gzip
import itertools
import random
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tashaphyne.stemming import ArabicLightStemmer

from arsearch.analysis import Analyzer, NormalizationOptions, fingerprint, normalize_word, stem
from arsearch.analysis import words as word_cache
from arsearch.analysis.lexicon import tab_columns
from arsearch.analysis.profiles import PROFILES, Profile
from arsearch.analysis.spelling import spelling_terms
from arsearch.analysis.stem import (
    ANALYSIS_TABLE_PATH,
    LightStemmer,
    _likeliest_root,
    analysis_table_key,
    compute_root,
    precomputed_analysis,
)
from arsearch.analysis.tokenize import TOKEN_PATTERN, without_marks
from arsearch.engine.schema import build_document, unpack_stem_counts
from arsearch.records.articles import Article, searchable_part
from helpers import SAMPLE

SAMPLE_CORPUS = SAMPLE

TEST_ENGINES = ("tantivy",)  # analysis only: no index

# Letters, marks, tatweel, joiners, digits, punctuation, and whitespace of every kind
# (the fast path cuts text at whitespace before tokenizing it).
ALPHABET = (
    "".join(chr(c) for c in range(0x0621, 0x0671))
    + "ـ\u200c\u200d\u200e\u200f\u061c،؛؟«».,:0123456789٠١٢٣abcÉ"
    + " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2028\u2029\u3000"
)

mixed_text = st.text(alphabet=ALPHABET, max_size=300)


PLAIN_TASHAPHYNE = ArabicLightStemmer()
PLAIN_STEMMER = LightStemmer(precomputed=False)


def tashaphyne_root(word: str) -> str:
    """The root as tashaphyne computes it for every segmentation (no table, no cache of pieces)."""
    if not word or any(not "\u0621" <= letter <= "\u064a" for letter in word):
        return word
    return (_likeliest_root(PLAIN_TASHAPHYNE, word) or word).replace("ة", "ه")


class WordByWord:
    """Today's analysis from its primitives: every token normalized and stemmed on its own, no
    cache, no table; roots by tashaphyne; sketches by hashing every joined shingle."""

    def __init__(self, profile: Profile) -> None:
        self.analyzer = Analyzer(profile)  # for its stop words and options only
        self.stemmer = PLAIN_STEMMER

    def term(self, form: str) -> str:
        profile = self.analyzer.profile
        if profile == "light":
            return self.stemmer.compute_stem(form)
        if profile == "root":
            return tashaphyne_root(form)
        return form.replace("ة", "ه")

    def analyze(self, text: str) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
        terms, forms, roots, lemmas, spellings = [], [], [], [], []
        for surface in TOKEN_PATTERN.findall(text):
            form = normalize_word(surface, NormalizationOptions(fold_teh_marbuta=False))
            normalized = form.replace("ة", "ه")
            if not normalized:
                continue
            forms.append(normalized)
            if normalized not in self.analyzer.stopwords:
                term = self.term(form)
                terms.append(term)
                roots.append(tashaphyne_root(term))
                if term and (lemma := self.analyzer.chain.lemma(normalized, term)):
                    lemmas.append(lemma)
                if term and (spelled := spelling_terms(normalized, without_marks(surface))):
                    spellings.append(f"{spelled}\t{normalized}")
        return terms, forms, roots, lemmas, spellings


def joined(words: list[str]) -> str:
    return " ".join(words)


def expected_document(reference: WordByWord, article: Article) -> dict[str, Any]:
    title = reference.analyze(searchable_part(article.title))
    text = reference.analyze(searchable_part(article.text))
    fields: dict[str, str] = {}
    spellings: set[str] = set()
    for suffix, in_title, in_text in zip(("", "_exact", "_root", "_lemma", "spelling"), title, text, strict=True):
        if suffix == "spelling":
            spellings = {*in_title, *in_text}
            continue
        if in_title:
            fields["title" + suffix] = joined(in_title)
        if in_title or in_text:
            fields["text" + suffix] = " ".join(part for part in (joined(in_title), joined(in_text)) if part)
    sketch = fingerprint.sketch(text[1])
    return {
        "analyzed": fields,
        "spellings": spellings,
        "dup": fingerprint.band_keys(sketch),
        "sketch": fingerprint.pack(sketch),
        "stems": Counter(text[0]),
    }


def actual_document(analyzer: Analyzer, article: Article) -> dict[str, Any]:
    document = build_document(article, analyzer)
    # the spelling terms of the article's words, as the word table holds them for the index's dictionary
    table = analyzer.words.table()
    numbers = [
        number
        for text in (article.title, article.text)
        for number in analyzer.index_words(searchable_part(text)).numbers
        if table.spellings[number]
    ]
    return {
        "analyzed": document.analyzed,
        "spellings": {f"{table.spellings[number]}\t{table.forms[number]}" for number in numbers},
        "dup": document.keywords["dup"],
        "sketch": document.stored["sketch"],
        "stems": Counter(unpack_stem_counts(document.stored["stems"])),
    }


def corpus_sample(path: Path, count: int) -> list[Article]:
    opener = gzip.open if path.suffix == ".gz" else open
    articles = []
    with opener(path, "rb") as lines:
        for line in lines:
            record = orjson.loads(line)
            if record.get("title") or record.get("text"):
                articles.append(Article.from_record({**record, "id": str(record.get("id") or len(articles))}))
            if len(articles) >= count:
                break
    return articles


@pytest.mark.parametrize("profile", PROFILES)
def test_documents_of_the_bundled_sample_are_those_of_word_by_word_analysis(profile: Profile) -> None:
    reference, analyzer = WordByWord(profile), Analyzer(profile)
    for article in corpus_sample(SAMPLE_CORPUS, 1000):
        assert actual_document(analyzer, article) == expected_document(reference, article), article.id


@pytest.mark.parametrize("corpus", ["saudinewsnet.jsonl.gz", "antcorpus.jsonl.gz"])
def test_documents_of_a_corpus_sample_are_those_of_word_by_word_analysis(shared_dir: Path, corpus: str) -> None:
    reference, analyzer = WordByWord("light"), Analyzer("light")
    for article in corpus_sample(shared_dir / "corpora" / corpus, 400):
        assert actual_document(analyzer, article) == expected_document(reference, article), article.id


REFERENCES = {profile: WordByWord(profile) for profile in PROFILES}
ANALYZERS = {profile: Analyzer(profile) for profile in PROFILES}


@settings(max_examples=200, deadline=None)
@given(mixed_text, mixed_text)
def test_documents_of_any_text_are_those_of_word_by_word_analysis(title: str, text: str) -> None:
    if not (title.strip() or text.strip()):
        return
    article = Article(id="x", title=title, text=text)
    for profile in PROFILES:
        assert actual_document(ANALYZERS[profile], article) == expected_document(REFERENCES[profile], article)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["", "قال", "الوزير", "ان", "و", "x" * 700, "ب" * 600, "2015", "é"]), max_size=60))
def test_bulk_sketches_equal_shingle_by_shingle_sketches(words: list[str]) -> None:
    table = sorted(set(words))
    numbers = [table.index(word) for word in words]
    assert fingerprint.numbered_sketch(table, numbers) == fingerprint.sketch([word for word in words if word])


def test_a_growing_word_table_keeps_bulk_sketches_exact() -> None:
    table: list[str] = []
    rng = random.Random(7)
    vocabulary = [f"كلمة{n}" for n in range(400)]
    for _ in range(50):
        words = [rng.choice(vocabulary) for _ in range(rng.randrange(0, 80))]
        for word in words:
            if word not in table:
                table.append(word)
        numbers = [table.index(word) for word in words]
        assert fingerprint.numbered_sketch(table, numbers) == fingerprint.sketch(words)


def test_threads_sharing_an_analyzer_whose_table_fills_get_the_same_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word_cache, "SURFACE_CACHE_SIZE", 50)  # tables replaced again and again meanwhile
    texts = [article.text for article in corpus_sample(SAMPLE_CORPUS, 1000)]
    expected = [WordByWord("light").analyze(text)[0] for text in texts]
    shared = Analyzer("light")
    failures: list[str] = []

    def analyze_all() -> None:
        for _ in range(5):
            for text, terms in zip(texts, expected, strict=True):
                if shared.index_words(text).terms() != terms or shared.terms(text) != terms:
                    failures.append(text[:40])

    threads = [threading.Thread(target=analyze_all) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures


@pytest.mark.parametrize("profile", PROFILES)
def test_an_analyzer_taught_what_another_learned_analyzes_alike_and_learns_nothing(profile: Profile) -> None:
    articles = corpus_sample(SAMPLE_CORPUS, 1000)
    teacher, pupil = Analyzer(profile, protected=["ماكرون"]), Analyzer(profile, protected=["ماكرون"])
    pupil.index_words(articles[0].text)  # words the pupil knows already are not taught twice
    known_before = len(pupil.words.mark().table.forms)
    mark = teacher.words.mark()
    # a lesson holds no spelling terms: the analyzer that learned a word gives them to the index
    expected = [actual_document(teacher, article) | {"spellings": set()} for article in articles]
    learned = teacher.words.learned_since(mark)
    assert len(set(learned[0])) == len(learned[0]) > 500
    pupil.words.teach(learned)
    table = pupil.words.mark().table
    new_to_pupil = set(learned[0]) - set(table.surfaces[:known_before])
    assert len(table.forms) == len(set(table.surfaces)) == known_before + len(new_to_pupil)
    after_lesson = pupil.words.mark()
    # (the words it knew before the lesson have their spelling terms: those are left out)
    assert [actual_document(pupil, article) | {"spellings": set()} for article in articles] == expected
    assert pupil.words.learned_since(after_lesson) == ([], [], [], [], [])  # every word came from the lesson
    assert pupil.words.spelled_since(after_lesson) == {}


def test_lessons_survive_full_tables_on_either_side(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word_cache, "SURFACE_CACHE_SIZE", 20)  # every text of the sample fills a table
    texts = [article.text for article in corpus_sample(SAMPLE_CORPUS, 1000)][:30]
    teacher, pupil = Analyzer("light"), Analyzer("light")
    for first, second in itertools.pairwise(texts):
        mark = teacher.words.mark()
        terms = [teacher.index_words(text).terms() for text in (first, second)]
        # the first text filled the marked table, so the second started another: its words are all given
        learned = teacher.words.learned_since(mark)
        assert sorted(learned[0]) == sorted(set(TOKEN_PATTERN.findall(second)))
        pupil.words.teach(learned)  # into a table with room for some of them only: the rest are learned when met
        assert [pupil.index_words(text).terms() for text in (first, second)] == terms
        assert terms == [WordByWord("light").analyze(text)[0] for text in (first, second)]


def test_a_taught_root_is_not_worked_out_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another spelling of a taught word (another clitic: the same light stem) finds the stem's root
    known; a protected word's root (itself) is not root_of's, so it is not passed on."""
    monkeypatch.setattr(stem, "_taught_roots", {})
    teacher, pupil = Analyzer("light", protected=["ماكرون"]), Analyzer("light", protected=["ماكرون"])
    mark = teacher.words.mark()
    first = teacher.index_words("والكرتوفلانية وماكرون")
    pupil.words.teach(teacher.words.learned_since(mark))
    assert first.terms() == ["كرتوفلاني", "ماكرون"]
    assert set(stem._taught_roots) == {"كرتوفلاني"}
    stem.root_of.cache_clear()  # as in a fresh worker
    worked_out: list[str] = []
    monkeypatch.setattr(stem, "compute_root", lambda word: worked_out.append(word) or word)
    try:
        again = pupil.index_words("بالكرتوفلانية لماكرون")  # new surfaces, the same terms
        assert again.terms() == first.terms()
        assert again.joined("roots", 255) == first.joined("roots", 255)
        assert worked_out == []
    finally:
        stem.root_of.cache_clear()  # no root the stub gave stays cached


def test_taught_roots_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stem, "_taught_roots", {})
    monkeypatch.setattr(stem, "TAUGHT_ROOTS_SIZE", 3)
    stem.remember_roots([(f"كلمة{number}", "كلم") for number in range(10)])
    assert 0 < len(stem._taught_roots) <= 3


def test_the_shipped_analysis_table_is_current() -> None:
    with gzip.open(ANALYSIS_TABLE_PATH, "rt", encoding="utf-8") as lines:
        recorded = lines.readline().strip()
    assert recorded == f"# key {analysis_table_key()}", (
        "the stemmer, normalization, lexicon or tashaphyne changed since data/analyzed.tsv.gz was built: "
        "run python scripts/build_analysis_table.py ../shared/corpora/antcorpus.jsonl.gz"
    )
    table = precomputed_analysis()
    assert len(table.stems) > 50_000  # loaded, not ignored


def test_the_shipped_analysis_table_holds_what_the_stemmer_computes() -> None:
    table = precomputed_analysis()
    for form in random.Random(15).sample(sorted(table.stems), 1500):
        stem = PLAIN_STEMMER.compute_stem(form)
        assert table.stems[form] == stem, form
        assert table.roots[stem] == tashaphyne_root(stem), stem


def test_roots_from_cached_pieces_are_tashaphynes() -> None:
    stems = random.Random(16).sample(sorted(precomputed_analysis().roots), 3000)
    assert [compute_root(stem) for stem in stems] == [tashaphyne_root(stem) for stem in stems]


def test_a_stale_or_damaged_table_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from arsearch.analysis import stem as stem_module

    stale = tmp_path / "analyzed.tsv.gz"
    stale.write_bytes(gzip.compress("# key 0000\nكتب\tWRONG\tWRONG\n".encode()))
    damaged = tmp_path / "damaged.tsv.gz"
    damaged.write_bytes(b"not gzip")
    for path in (stale, damaged, tmp_path / "missing.tsv.gz"):
        monkeypatch.setattr(stem_module, "ANALYSIS_TABLE_PATH", path)
        stem_module.precomputed_analysis.cache_clear()
        try:
            assert not stem_module.precomputed_analysis().stems
            assert LightStemmer().stem("كتب") == "كتب"
        finally:
            stem_module.precomputed_analysis.cache_clear()


@pytest.mark.parametrize(
    ("rows", "width", "columns"),
    [
        ("", 2, [[], []]),
        ("في\t1\nمن\t2\n", 2, [["في", "من"], ["1", "2"]]),
        ("كتب\tكتب\tكتب\n", 3, [["كتب"], ["كتب"], ["كتب"]]),
        ("في\t1\nمن\n", 2, None),  # a line short of a field
        ("في\t1\t2\nمن\n", 2, None),  # one too many here, one too few there
        ("في\t1", 2, None),  # cut inside its last line
    ],
)
def test_tables_are_read_as_columns_of_whole_lines(rows: str, width: int, columns: list[list[str]] | None) -> None:
    if columns is None:
        with pytest.raises(ValueError, match=f"not lines of {width} tab-separated fields"):
            tab_columns(rows, width)
    else:
        assert tab_columns(rows, width) == columns
