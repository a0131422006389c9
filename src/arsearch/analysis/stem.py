"""Guarded light stemming over tashaphyne, and tashaphyne roots.

tashaphyne's ``ArabicLightStemmer`` is configured with OUR affix lists (nouns'
clitics and endings only) and used to enumerate the candidate segmentations
of a word. We then choose among them with guards against its over-stemming:

* a stem keeps at least 3 letters (2 when only the article ال is removed);
* an ambiguous affix, one that is often a word's own letter (the one-letter
  proclitics و ف ب ك ل, the pronoun endings, ين/ون/ان/ي), is removed only when
  the lexicon (``lexicon.py``) says the word without it is at least as common
  as the word with it: وبحث → بحث, but كتاب stays كتاب and وزيري is وزير;
* words in Latin script, digits, and words the lexicon knows only with
  their first letters (foreign names: أوكرانيا, واشنطن, المانيا) are left alone.

Stemming runs on forms that still carry teh marbuta (ة), so the feminine
ending is told apart from the pronoun ه; ة is folded to ه afterwards.

Both steps cost tens of microseconds per distinct word, which a short import
pays for most of its words. ``data/analyzed.tsv.gz`` ships the stem and root
of every word form of the ANT corpus (``scripts/build_analysis_table.py``),
computed by this very code: it is used only while its recorded key matches
this module, the lexicon and tashaphyne's code, so it changes the speed
of analysis, never its result.

مثال::

    >>> stemmer = LightStemmer()
    >>> [stemmer.stem(lexicon_form(w)) for w in ["للمملكة", "والمملكة", "مملكة"]]
    ['مملك', 'مملك', 'مملك']
    >>> stemmer.stem(lexicon_form("كتاب")), stemmer.stem(lexicon_form("وزيري"))
    ('كتاب', 'وزير')
"""

from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import tashaphyne
from tashaphyne import arabicstopwords
from tashaphyne.stemming import ArabicLightStemmer

from .lexicon import LEXICON_PATH, tab_columns, word_counts
from .normalize import fold_teh_marbuta

ARTICLE_PREFIXES = ("ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وبال", "فبال", "وكال")
#: Proclitics that are just as often a word's first letter (كتاب, وزير, بلد).
AMBIGUOUS_PREFIXES = ("و", "ف", "ب", "ك", "ل", "وب", "فب", "ول", "فل", "وك", "فك")

#: Pronoun endings. Bare ي is left out: nisba adjectives (سعودي) end in it.
_PRONOUNS = ("ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "كن", "نا")
#: Endings that cannot be part of the stem once the word is long enough:
#: feminine ة, sound feminine plural ات, and ة/ات followed by a pronoun.
CLEAR_SUFFIXES = ("ة", "ات", *("ت" + p for p in _PRONOUNS), *("ات" + p for p in _PRONOUNS))
#: Endings that are often a word's own letters (دراهم, فلسطين, لبنان, اتجاه).
PLURAL_SUFFIXES = ("ين", "ون", "ان")
AMBIGUOUS_SUFFIXES = (*PLURAL_SUFFIXES, *_PRONOUNS)

MIN_STEM = 3
MIN_STEM_AFTER_ARTICLE = 2
#: A word seen this often while its article-less form never is, is a name
#: whose first letters only look like the article (المانيا, الجزائر).
NAME_EVIDENCE = 20
#: Without lexicon evidence, only a conjunction is removed, and only from
#: words long enough that the remainder is unlikely to be a fragment.
MIN_UNKNOWN_REMAINDER = 5
UNKNOWN_WORD_PROCLITICS = ("و", "ف")
#: A one-letter proclitic is removed when the word without it is at least
#: 1/ratio as common as the word with it (بشكل → شكل, but not كتاب → تاب).
PROCLITIC_EVIDENCE_RATIO = 4

#: Distinct word forms remembered. Analyzers keep every surface they meet in
#: their word tables; these caches serve the surfaces that share a form (diacritized
#: spellings) and a stem, and outlive a full table.
STEM_CACHE_SIZE = 1 << 17
#: Segmentation pieces whose root is remembered.
PIECE_CACHE_SIZE = 1 << 16

_ARABIC_WORD = re.compile("[\u0621-\u064a]+")


def is_arabic_word(word: str) -> bool:
    """True when every character is an Arabic letter (after normalization)."""
    return _ARABIC_WORD.fullmatch(word) is not None


class LightStemmer:
    """Light stemmer: clitics and noun endings removed under the guards above.

    Instances are cheap to share; results are memoized in a bounded LRU cache.
    """

    def __init__(self, cache_size: int = STEM_CACHE_SIZE, *, precomputed: bool = True) -> None:
        self._segmenter = ArabicLightStemmer()
        self._segmenter.set_prefix_list(("", *ARTICLE_PREFIXES, *AMBIGUOUS_PREFIXES))
        self._segmenter.set_suffix_list(("", *CLEAR_SUFFIXES, *AMBIGUOUS_SUFFIXES))
        self._counts = word_counts()
        self._precomputed = precomputed_analysis().stems if precomputed else {}
        self.stem = lru_cache(maxsize=cache_size)(self._stem)  # type: ignore[method-assign]

    def stem(self, word: str) -> str:  # replaced by the memoized version in __init__
        return self._stem(word)

    def _stem(self, word: str) -> str:
        known = self._precomputed.get(word)
        return self.compute_stem(word) if known is None else known

    def compute_stem(self, word: str) -> str:
        """Stem of ``word``, a normalized form that still carries ة (computed, no table)."""
        if not is_arabic_word(word) or len(word) <= MIN_STEM_AFTER_ARTICLE:
            return fold_teh_marbuta(word)
        # tashaphyne's affix tries give every place a proclitic can end and a
        # suffix can start; we judge each (left, right) reading ourselves, the
        # most stripped first, and keep the first acceptable one.
        lefts = self._segmenter.lookup_prefixes(word)
        rights = [*self._segmenter.lookup_suffixes(word), len(word)]
        # Shortest stems first; among equally short ones, the reading that
        # removes more proclitics (البيتكوين: ال + بيتكوين, not البيتكو + ين).
        readings = sorted(
            {(lf, rt) for lf in lefts for rt in rights if rt - lf >= 2}, key=lambda lr: (lr[1] - lr[0], -lr[0])
        )
        best = word
        for left, right in readings:
            stem = self._candidate(word, left, right)
            # a rewrite of the same length (للجزائر → الجزائر) beats the word as it
            # stands, and a reading that judged the ال to be a name's is final
            # (الكعبة stays whole rather than losing its ة as الكعب)
            if stem is not None and (stem != word or left > 0):
                best = stem
                break
        return fold_teh_marbuta(best)

    def _count(self, form: str) -> int:
        return self._counts.get(form, 0)

    def _family_count(self, stem: str) -> int:
        """How often the stem is seen bare or with the feminine ending ة."""
        return self._count(stem) + self._count(stem + "ة")

    def _candidate(self, word: str, left: int, right: int) -> str | None:
        """The stem for one segmentation, or None when a guard rejects it."""
        prefix, stem, suffix = word[:left], word[left:right], word[right:]
        rest = word[left:]  # the word without its proclitics
        if prefix in ARTICLE_PREFIXES:
            if prefix.endswith("لل") and self._count("ال" + "ل" + rest) > self._count("ال" + rest):
                return None  # لل here is ل + ال + a word starting with ل (للجنة = ل + اللجنة)
            if self._looks_like_name("ال" + rest, rest):
                return "ال" + rest  # الجزائر, بالجزائر, للجزائر: one stem
            if not suffix and len(stem) < MIN_STEM:
                return stem if len(stem) == MIN_STEM_AFTER_ARTICLE and self._count("ال" + stem) else None
        elif prefix in AMBIGUOUS_PREFIXES and not self._proclitic_is_supported(word, rest):
            return None
        if len(stem) < MIN_STEM:
            return None
        if suffix in AMBIGUOUS_SUFFIXES:
            family = self._family_count(stem)
            if family < self._count(rest):
                return None  # دراهم, فلسطين, لبنان: the ending belongs to the word
            if not family and suffix not in PLURAL_SUFFIXES:
                return None  # unknown word: only a plural/dual ending is trusted
        return stem

    def _looks_like_name(self, definite: str, rest: str) -> bool:
        return self._count(definite) >= NAME_EVIDENCE and not self._family_count(rest)

    def _proclitic_is_supported(self, word: str, rest: str) -> bool:
        """Lexicon evidence that ``word`` is a one-letter proclitic + ``rest``."""
        count_rest = self._count(rest)
        if count_rest == 0:
            # unknown word: only the conjunctions و/ف, and only on long words
            return self._count(word) == 0 and word[0] in UNKNOWN_WORD_PROCLITICS and len(rest) >= MIN_UNKNOWN_REMAINDER
        return count_rest * PROCLITIC_EVIDENCE_RATIO >= self._count(word)


@lru_cache(maxsize=STEM_CACHE_SIZE)
def root_of(word: str) -> str:
    """tashaphyne's root of a normalized word (the index's root fields, the ``root`` profile)."""
    known = precomputed_analysis().roots.get(word)
    if known is None:
        known = _taught_roots.get(word)
    return compute_root(word) if known is None else known


#: Roots worked out by other processes of an import (``remember_roots``), at most this many.
TAUGHT_ROOTS_SIZE = STEM_CACHE_SIZE
_taught_roots: dict[str, str] = {}


def remember_roots(roots: Iterable[tuple[str, str]]) -> None:
    """Take in ``(word, root_of(word))`` pairs worked out by another process, so that an import's
    analysis processes each work out a word's root once, not once per process (~40 µs a word).

    مثال::

        >>> remember_roots([("مدرسة", "درس")])
    """
    for word, root in roots:
        if len(_taught_roots) >= TAUGHT_ROOTS_SIZE:
            _taught_roots.clear()  # bounded, as the caches are; a root forgotten is worked out again
        _taught_roots[word] = root


def compute_root(word: str) -> str:
    """``root_of`` computed, without the precomputed table."""
    if not is_arabic_word(word):
        return word
    return fold_teh_marbuta(_likeliest_root(_root_extractor(), word, _piece_root) or word)


def _likeliest_root(stemmer: ArabicLightStemmer, word: str, piece_root: Callable[[str], str] | None = None) -> str:
    """tashaphyne's choice among the roots of a word's segmentations, made deterministic.

    Like tashaphyne's ``get_root`` after ``light_stem``: keep the roots of
    plausible length, then those in its root dictionary, prefer three-letter
    ones and take the commonest. tashaphyne breaks ties by the iteration
    order of a set of strings, which changes from one Python process to the
    next (hash randomization), so an index built in one process and queried
    from another disagreed on ~12% of words; ties here go to the
    alphabetically first root. Asking only for each segmentation's root
    (not its whole affix tuple) also halves the time.

    The root of a segmentation depends only on its letters, ``word[left:right]``
    (for a word without harakat, as normalized words are), so ``piece_root``
    may answer from a cache: words share most of their pieces (كتاب in
    الكتاب, بالكتاب, كتابه). Without it, tashaphyne is asked every time.
    """
    if arabicstopwords.is_stop(word):
        stemmer.light_stem(word)
        return str(stemmer.get_root())
    segments = stemmer.segment(word)
    if piece_root is None:
        roots = [str(stemmer.get_root(left, right)) for left, right in segments]
    else:
        roots = [piece_root(word[left:right]) for left, right in segments]
    for plausible in (stemmer.is_root_length_valid, stemmer.is_root):
        kept = [root for root in roots if plausible(root)]
        roots = kept or roots
    roots = [root for root in roots if len(root) == 3] or roots
    return max(sorted(set(roots)), key=roots.count) if roots else ""


def is_dictionary_root(root: str) -> bool:
    """Whether tashaphyne's dictionary of Arabic roots has ``root`` (names and loanwords seldom give one)."""
    return bool(_root_extractor().is_root(root))


@lru_cache(maxsize=PIECE_CACHE_SIZE)
def _piece_root(piece: str) -> str:
    """tashaphyne's root of one segmentation's letters (what ``get_root(left, right)`` computes)."""
    # the extractor _likeliest_root segments with: it reads nothing of its state once it has the segments
    stemmer = _root_extractor()
    stemmer.word = stemmer.unvocalized = piece
    return str(stemmer.get_root(0, len(piece)))


@lru_cache(maxsize=1)
def _root_extractor() -> ArabicLightStemmer:
    return ArabicLightStemmer()


ANALYSIS_TABLE_PATH = Path(__file__).with_name("data") / "analyzed.tsv.gz"
_KEY_PREFIX = "# key "


class PrecomputedAnalysis:
    """The shipped table: the light stem of each word form, the root of each stem."""

    def __init__(self, stems: dict[str, str], roots: dict[str, str]) -> None:
        self.stems = stems
        self.roots = roots


def analysis_table_key() -> str:
    """What the table's entries depend on: this module, the normalization it calls, the lexicon, and
    tashaphyne's code (its sources, not its version: reading a version costs ~30 ms a process, and
    tashaphyne's ``__version__`` lags its releases)."""
    digest = hashlib.sha256()
    tashaphyne_sources = sorted(Path(tashaphyne.__file__).parent.glob("*.py"))
    for path in (Path(__file__), Path(__file__).with_name("normalize.py"), LEXICON_PATH, *tashaphyne_sources):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def precomputed_analysis() -> PrecomputedAnalysis:
    """The table when it is there and current; empty otherwise (everything is then computed)."""
    try:
        key, _, rows = gzip.decompress(ANALYSIS_TABLE_PATH.read_bytes()).decode("utf-8").partition("\n")
        if key.strip() != _KEY_PREFIX + analysis_table_key():
            return PrecomputedAnalysis({}, {})  # stale: built by other code than this
        forms, stems, roots = tab_columns(rows, 3)  # gzip's CRC vouches for the bytes
    except (OSError, ValueError, EOFError, zlib.error):  # damaged or missing: costs speed, never correctness
        return PrecomputedAnalysis({}, {})
    return PrecomputedAnalysis(dict(zip(forms, stems, strict=True)), dict(zip(stems, roots, strict=True)))


def write_analysis_table(forms: list[str], path: Path = ANALYSIS_TABLE_PATH) -> int:
    """Compute and write the table for ``forms`` (lexicon forms); returns the number of entries."""
    stemmer = LightStemmer(precomputed=False)
    lines = [_KEY_PREFIX + analysis_table_key() + "\n"]
    for form in forms:
        if is_arabic_word(form):
            stem = stemmer.compute_stem(form)
            lines.append(f"{form}\t{stem}\t{compute_root(stem)}\n")
    with gzip.GzipFile(path, "wb", mtime=0) as out:
        out.write("".join(lines).encode("utf-8"))
    return len(lines) - 1


@lru_cache(maxsize=1)
def default_stemmer() -> LightStemmer:
    """The shared light stemmer (its lexicon is loaded once)."""
    return LightStemmer()
