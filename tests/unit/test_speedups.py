"""The compiled core (``arsearch.analysis._speedups``) gives exactly what the Python code it replaces gives:
tokens, word numbers, joined fields, sketches, whole documents; and arsearch runs without it."""

from __future__ import annotations

import os
import shutil
import sysconfig
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_analysis_fast_path import SAMPLE_CORPUS, corpus_sample

from arsearch.analysis import Analyzer, analyzer, fingerprint, spelling
from arsearch.analysis import words as word_cache
from arsearch.analysis.dictionary import native_forms
from arsearch.analysis.speedups import PURE_PYTHON_VARIABLE, CompiledCore, compiled
from arsearch.analysis.spelling import python_spelling_key, python_spelling_terms, spelling_terms
from arsearch.analysis.tokenize import TOKEN_PATTERN
from arsearch.engine.schema import build_document
from arsearch.records.articles import Article

TEST_ENGINES = ("tantivy",)  # analysis only: no index

needs_core = pytest.mark.skipif(
    compiled is None,
    reason=f"the compiled core is not built here (no C compiler?) or {PURE_PYTHON_VARIABLE} is set",
)

# What the tokenizer must tell apart: Arabic letters, harakat and Quranic marks, tatweel, joiners
# and bidi marks, separators inside numbers, clitic letters before digits, digits of other scripts
# (decimal: Devanagari ४; numeric but not decimal: ² ½ Ⅻ), underscore, Latin with combining
# accents, CJK, and whitespace.
TRICKY = (
    "".join(chr(c) for c in range(0x0600, 0x0700))  # the whole Arabic block, the edges of each range included
    + "".join(chr(c) for c in range(0x02FF, 0x0371))  # combining marks and their edges
    + "\u200b\u200c\u200d\u200e\u200f\u2010"
    + ".,:-_ 0123456789۰۱۲४²½Ⅻ"
    + "abcÉéß漢字\t\n\xa0\u3000"
)
text_of_tricky = st.text(alphabet=TRICKY, max_size=200)


def core() -> CompiledCore:
    assert compiled is not None
    return compiled


def compiled_tokens(text: str) -> list[str]:
    """The compiled tokenizer's tokens of ``text``, as ``word_numbers`` meets them (each learned once)."""
    met: list[str] = []

    def learn(word: str) -> int:
        known[word] = len(met)
        met.append(word)
        return known[word]

    known: dict[str, int] = {}
    return [met[number] for number in core().word_numbers(text, known, learn)]


@pytest.mark.skipif(os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0"), reason="turned off on purpose")
def test_the_compiled_core_is_built_where_a_c_compiler_is() -> None:
    """A failed build only costs speed, silently: this test makes it loud where a compiler is."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}) here: arsearch runs its pure-Python code")
    assert compiled is not None, "the compiled core was not built: see the install's output for the C error"


@needs_core
@settings(max_examples=1500, deadline=None)
@given(st.one_of(text_of_tricky, st.text(max_size=200)))
def test_tokens_are_those_of_the_token_pattern(text: str) -> None:
    assert compiled_tokens(text) == TOKEN_PATTERN.findall(text)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("قالَ الوزيـــرُ: ٢٠١٥", ["قالَ", "الوزيـــرُ", "٢٠١٥"]),
        ("و٣٫٥ مليون ب2015", ["و", "٣٫٥", "مليون", "ب", "2015"]),
        ("1,250.5 و1,2,3 ١٬٢٥٠٫٥", ["1,250.5", "و", "1,2,3", "١٬٢٥٠٫٥"]),
        ("12. 3,x ,4", ["12", "3", "x", "4"]),
        ("ـــكتاب كتاب‌ها كتـ‌ـاب", ["كتاب", "كتاب\u200cها", "كتـ\u200cـاب"]),
        ("snake_case ²³ ½", ["snake", "case", "²³", "½"]),
        ("", []),
    ],
)
@needs_core
def test_tokens_of_known_texts(text: str, tokens: list[str]) -> None:
    assert compiled_tokens(text) == tokens == TOKEN_PATTERN.findall(text)


@needs_core
@settings(max_examples=300, deadline=None)
@given(text_of_tricky, st.sets(st.text(alphabet=TRICKY, min_size=1, max_size=6), max_size=30))
def test_word_numbers_are_the_known_numbers_of_the_tokens(text: str, extra: set[str]) -> None:
    """Known words give their number; each other word is learned once, where it first stands."""
    tokens = TOKEN_PATTERN.findall(text)
    known = {word: number for number, word in enumerate(sorted({*tokens[::2], *extra}))}
    expected_known = dict(known)
    learned: list[str] = []

    def learn(word: str) -> int:
        learned.append(word)
        known[word] = len(known)
        return known[word]

    def python_learn(word: str) -> int:
        expected_known[word] = len(expected_known)
        return expected_known[word]

    expected = [expected_known[t] if t in expected_known else python_learn(t) for t in tokens]
    assert core().word_numbers(text, known, learn) == expected
    assert known == expected_known
    assert len(learned) == len(set(learned))  # a word learned is not learned again


@needs_core
def test_word_numbers_pass_on_what_learning_raises() -> None:
    def refuse(word: str) -> int:
        raise RuntimeError(f"cannot learn {word}")

    with pytest.raises(RuntimeError, match="cannot learn الوزير"):
        core().word_numbers("قال الوزير", {"قال": 0}, refuse)


words_table = st.lists(st.sampled_from(["", "قال", "الوزير", "x" * 300, "ب" * 256, "é", "漢"]), min_size=1, max_size=7)


@needs_core
@settings(max_examples=300, deadline=None)
@given(words_table, st.data())
def test_present_joined_and_counted_words_are_those_of_the_python_code(column: list[str], data: st.DataObject) -> None:
    numbers = data.draw(st.lists(st.integers(0, len(column) - 1), max_size=40))
    present = list(filter(None, map(column.__getitem__, numbers)))
    assert core().present(column, numbers) == present
    for longest in (1, 3, 255, 1000):
        assert core().joined(column, numbers, longest) == " ".join(word[:longest] for word in present)
    counted = core().counted(column, numbers)
    assert counted == Counter(present)
    assert list(counted) == list(dict.fromkeys(present))  # first met first: the stored JSON is the same bytes


@needs_core
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["", "قال", "الوزير", "ان", "و", "x" * 700, "2015", "é", "漢字"]), max_size=60))
def test_sketches_are_those_of_shingle_by_shingle_hashing(words: list[str]) -> None:
    table = sorted(set(words))
    numbers = [table.index(word) for word in words]
    expected = fingerprint.sketch([word for word in words if word])
    got = core().sketch(table, numbers, fingerprint.SKETCH_SIZE, fingerprint.SHINGLE_WORDS, fingerprint.MIN_WORDS)
    assert got == expected


@needs_core
def test_a_word_that_is_not_utf8_leaves_the_sketch_to_python() -> None:
    words = ["قال", "\udc80غريب", *(f"كلمة{n}" for n in range(10))]
    numbers = list(range(len(words)))
    assert core().sketch(words, numbers, 128, 3, 8) is None
    assert fingerprint.numbered_sketch(words, numbers) == fingerprint.sketch(words) != ()


@needs_core
def test_bad_arguments_are_errors_not_crashes() -> None:
    with pytest.raises(IndexError):
        core().joined(["a"], [3], 10)
    with pytest.raises(IndexError):
        core().present(["a"], [-1])
    with pytest.raises(IndexError):
        core().counted(["a"], [1])
    with pytest.raises(TypeError):
        core().counted(["a"], (0,))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        core().joined(["a", 5], [1], 10)  # type: ignore[list-item]
    with pytest.raises(TypeError):
        core().word_numbers(b"bytes", {}, len)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        core().word_numbers("text", {}, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        core().word_numbers(None, {}, len)  # type: ignore[arg-type]


def assert_same_as_pure_python(articles: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    compiled_documents = [build_document(article, Analyzer("light")) for article in articles]
    monkeypatch.setattr(analyzer, "compiled", None)
    monkeypatch.setattr(word_cache, "compiled", None)
    monkeypatch.setattr(fingerprint, "compiled", None)
    for article, document in zip(articles, compiled_documents, strict=True):
        expected = build_document(article, Analyzer("light"))
        got = (document.analyzed, document.keywords, document.stored)
        assert got == (expected.analyzed, expected.keywords, expected.stored), article.id


@needs_core
def test_documents_of_the_bundled_sample_are_those_of_the_pure_python_path(monkeypatch: pytest.MonkeyPatch) -> None:
    assert_same_as_pure_python(corpus_sample(SAMPLE_CORPUS, 1000), monkeypatch)


@needs_core
def test_documents_of_a_corpus_sample_are_those_of_the_pure_python_path(
    shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = corpus_sample(shared_dir / "corpora" / "saudinewsnet.jsonl.gz", 2000)
    assert_same_as_pure_python(articles, monkeypatch)


ARABIC_LETTERS = "".join(chr(c) for c in range(0x0621, 0x064B))


@needs_core
@given(st.text(alphabet=ARABIC_LETTERS + "تشال" * 3 + "abc١", max_size=14))
def test_spelling_keys_are_those_of_the_python_code(form: str) -> None:
    assert core().spelling_key(form) == python_spelling_key(form)


@needs_core
def test_spelling_keys_of_known_words() -> None:
    for form in ("ترامب", "الواشنطونيه", "تشيلسي", "الكونغرس", "ءءءء", "اللل", "ttttt", "مايكروسوفت", "ططتش"):
        assert core().spelling_key(form) == python_spelling_key(form), form
    with pytest.raises(TypeError):
        core().spelling_key(None)  # type: ignore[arg-type]


# words the dictionary's table knows as native, to be found after proclitics (والمدارس، وقال)
NATIVE_SAMPLE = sorted(native_forms())[::500]
PROCLITICS = ["", "و", "ف", "ب", "ك", "ل", "وب", "ول", "وال", "بال", "لل", "فلل", "وبال", "ال"]


@needs_core
@settings(max_examples=300)
@given(
    st.sampled_from(PROCLITICS),
    st.one_of(st.sampled_from(NATIVE_SAMPLE), st.text(alphabet=ARABIC_LETTERS + "اويتش", min_size=1, max_size=10)),
    st.booleans(),
)
def test_spelling_terms_are_those_of_the_python_code(proclitic: str, word: str, other_written: bool) -> None:
    """The compiled spelling terms of any word, native or not, with or without proclitics, and
    with its written form as long as it or not."""
    form = proclitic + word
    written = form.replace("ا", "أ").replace("ه", "ة") if other_written else form[:-1]
    assert spelling_terms(form, written) == python_spelling_terms(form, written)
    assert spelling_terms(form) == python_spelling_terms(form)


@needs_core
def test_spelling_terms_of_known_words() -> None:
    cases = {
        "ولندن": "ولندن_ولندن لندن_لندن",
        "والكونغرس": "ولجنجرس_والكونغرس جنجرس_الكونغرس",
        "والمدارس": "",  # native after the article's proclitic
        "وقال": "",  # native after و
        "بكين": "بجن_بكين",  # a name is not cut into ب + a native word it is not
    }
    for form, terms in cases.items():
        assert spelling_terms(form) == python_spelling_terms(form) == terms, form
    with pytest.raises(TypeError):
        core().spelling_terms("ولندن", "ولندن", set(), spelling._PROCLITIC_CUTS, None)  # type: ignore[arg-type]
