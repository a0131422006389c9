"""Analysis profiles: tokenize → normalize → stop words → stem.

* ``exact``: normalized words, nothing removed (ranking prefers exact forms).
* ``light`` (default): normalized, stop words out, guarded light stem.
* ``root``: normalized, stop words out, tashaphyne root (recall experiments).

مثال::

    >>> [t.stem for t in analyze("وللمملكةِ دورٌ في المنطقة")]
    ['مملك', 'دور', 'منطق']
    >>> [t.stem for t in analyze("وللمملكةِ دورٌ", profile="exact")]
    ['وللمملكه', 'دور']
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Literal

from ..speedups import compiled
from .normalize import NormalizationOptions, candidate_spans, fold_teh_marbuta, normalize_word
from .stem import AMBIGUOUS_PREFIXES, ARTICLE_PREFIXES, default_stemmer, remember_roots, root_of
from .stopwords import default_stopwords
from .tokenize import TOKEN_PATTERN, word_end, word_start

Profile = Literal["exact", "light", "root"]
PROFILES: tuple[Profile, ...] = ("exact", "light", "root")
#: The columns of a ``WordTable``: what ``IndexWords.joined`` can join.
Column = Literal["terms", "forms", "roots"]
COLUMNS: tuple[Column, ...] = ("terms", "forms", "roots")
DEFAULT_PROFILE: Profile = "light"

#: Proclitics a protected word may carry and still be itself (وأمريكا, لأمريكا, بالأمريكي).
PROTECTED_WORD_PROCLITICS = tuple(sorted({*ARTICLE_PREFIXES, *AMBIGUOUS_PREFIXES}, key=lambda c: (-len(c), c)))

#: Distinct surface forms remembered per analyzer: news text repeats a lot
#: (SaudiNewsNet: 9.0M tokens, 320k distinct surfaces).
SURFACE_CACHE_SIZE = 1 << 19


@dataclass(frozen=True, slots=True)
class Token:
    """One word of the input.

    ``surface`` is ``text[start:end]`` exactly as written; ``stem`` is the
    term that goes into the index, or None for a stop word.
    """

    surface: str
    normalized: str
    stem: str | None
    start: int
    end: int
    position: int


class WordTable:
    """The distinct surfaces an analyzer has met, numbered, with what each analyzes to.

    Append-only: a number, once given, always means the same word, so a text
    can be analyzed as a list of numbers and its fields built by C-level
    ``map``/``join`` over the per-number lists (no Python code per word). An
    analyzer starts a new table when this one is full.
    """

    __slots__ = ("forms", "numbers", "roots", "surfaces", "terms")

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        #: each number's surface (the keys of ``numbers``, in number order)
        self.surfaces: list[str] = []
        #: normalized form of each surface ("" for one made only of marks or joiners)
        self.forms: list[str] = []
        #: its index term ("" for a stop word, or when the form is empty)
        self.terms: list[str] = []
        #: the root of its term ("" likewise)
        self.roots: list[str] = []

    def add(self, surface: str, form: str, term: str, root: str) -> int:
        """Number a surface not in the table yet, with what it analyzes to."""
        number = len(self.forms)
        self.surfaces.append(surface)
        # one string, not two equal ones: most words of news need no normalizing
        self.forms.append(surface if form == surface else form)
        self.terms.append(term)
        self.roots.append(root)
        self.numbers[surface] = number
        return number


#: Surfaces with what each analyzes to, column by column (surfaces, forms, terms, roots):
#: what one analyzer learned, ready to teach another with the same settings.
LearnedWords = tuple[list[str], list[str], list[str], list[str]]


@dataclass(frozen=True, slots=True)
class VocabularyMark:
    """Where an analyzer's vocabulary stood (``Analyzer.vocabulary_mark``)."""

    table: WordTable
    size: int


@dataclass(frozen=True, slots=True)
class IndexWords:
    """A text analyzed for indexing: the number of each of its words in ``table``.

    مثال::

        >>> words = get_analyzer().index_words("وللمملكةِ دورٌ في المنطقة")
        >>> words.terms(), words.forms()
        (['مملك', 'دور', 'منطق'], ['وللمملكه', 'دور', 'في', 'المنطقه'])
    """

    table: WordTable
    numbers: list[int]

    def terms(self) -> list[str]:
        """The index terms in order (stop words left out)."""
        return self._present(self.table.terms)

    def forms(self) -> list[str]:
        """Every word's normalized form in order (stop words kept): the ``exact`` profile's terms."""
        return self._present(self.table.forms)

    def roots(self) -> list[str]:
        """The root of each index term, in the order of ``terms()``."""
        return self._present(self.table.roots)

    def counted(self, column: Column) -> dict[str, int]:
        """Each of ``terms()``, ``forms()`` or ``roots()`` with how often it occurs, in order of first occurrence.

        مثال::

            >>> get_analyzer().index_words("المدرسة والمدارس والمدرسة").counted("terms")
            {'مدرس': 2, 'مدارس': 1}
        """
        words = getattr(self.table, column)
        if compiled is not None:
            return compiled.counted(words, self.numbers)
        return dict(Counter(self._present(words)))

    def joined(self, column: Column, longest: int) -> str:
        """``terms()``, ``forms()`` or ``roots()`` joined by spaces, each cut to ``longest``
        characters: an index field, built without a list of its words in between.

        مثال::

            >>> get_analyzer().index_words("وللمملكةِ دورٌ").joined("terms", 255)
            'مملك دور'
        """
        words = getattr(self.table, column)
        if compiled is not None:
            return compiled.joined(words, self.numbers, longest)
        present = self._present(words)
        if not present or max(map(len, present)) <= longest:  # the usual case, checked at C speed
            return " ".join(present)
        return " ".join(word[:longest] for word in present)

    def _present(self, column: list[str]) -> list[str]:
        if compiled is not None:
            return compiled.present(column, self.numbers)
        return list(filter(None, map(column.__getitem__, self.numbers)))


class Analyzer:
    """A configured analysis pipeline; cheap to call, safe to share between threads.

    مثال::

        >>> Analyzer("light", stopwords=frozenset()).terms("في البيت")
        ['في', 'بيت']
    """

    def __init__(
        self,
        profile: Profile = DEFAULT_PROFILE,
        *,
        stopwords: Iterable[str] | None = None,
        normalization: NormalizationOptions = NormalizationOptions(),
        protected: Iterable[str] = (),
    ) -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown analysis profile {profile!r}; choose one of {', '.join(PROFILES)}")
        self.profile: Profile = profile
        self.normalization = normalization
        self.stopwords: frozenset[str] = (
            frozenset() if profile == "exact" else (default_stopwords() if stopwords is None else frozenset(stopwords))
        )
        self._stem_form = (
            default_stemmer().stem
            if profile == "light"
            else root_of
            if profile == "root"
            else fold_teh_marbuta
            if normalization.fold_teh_marbuta
            else str
        )
        self._word_form = NormalizationOptions(normalization.fold_hamza_carriers, fold_teh_marbuta=False)
        #: words never stemmed (nor reduced to a root), as normalized forms that keep ة
        self.protected: frozenset[str] = frozenset(normalize_word(word, self._word_form) for word in protected)
        fold = fold_teh_marbuta if normalization.fold_teh_marbuta else str
        self._protected_terms = frozenset(map(fold, self.protected))
        # Every surface met is analyzed once, into the current table; a full
        # table is replaced, not emptied, so a thread still reading the old
        # one sees consistent numbers. New words are added under the lock.
        self._table = WordTable()
        self._learning = threading.Lock()

    def _current_table(self) -> WordTable:
        table = self._table
        if len(table.forms) >= SURFACE_CACHE_SIZE:
            table = self._table = WordTable()
        return table

    def _learn(self, table: WordTable, surface: str) -> int:
        """The number of a surface not seen before in ``table`` (analyzed and added now)."""
        with self._learning:
            number = table.numbers.get(surface)
            if number is None:
                form = normalize_word(surface, self._word_form)
                normalized = fold_teh_marbuta(form) if self.normalization.fold_teh_marbuta else form
                if not normalized or normalized in self.stopwords:
                    term = ""
                elif (kept := self._protected(form)) is not None:
                    term = fold_teh_marbuta(kept) if self.normalization.fold_teh_marbuta else kept
                else:
                    term = self._stem_form(form)
                number = table.add(surface, normalized, term, self.root(term) if term else "")
            return number

    def vocabulary_mark(self) -> VocabularyMark:
        """Where the vocabulary stands now: ``learned_since`` it gives what is learned from here on."""
        table = self._current_table()
        return VocabularyMark(table, len(table.forms))

    def learned_since(self, mark: VocabularyMark) -> LearnedWords:
        """The surfaces met since ``mark`` (all of the current table's, if it was replaced since).

        Analysis processes share what they learn, so that each word is worked
        out once per import rather than once per process (``pipeline``).
        """
        with self._learning:
            table = self._table
            start = mark.size if table is mark.table else 0
            return table.surfaces[start:], table.forms[start:], table.terms[start:], table.roots[start:]

    def teach(self, words: LearnedWords) -> None:
        """Take in surfaces another analyzer learned; it must have had the same settings (profile,
        stop words, normalization, protected words), or this one would index them differently.

        مثال::

            >>> teacher, pupil = Analyzer(), Analyzer()
            >>> mark = teacher.vocabulary_mark()
            >>> _ = teacher.index_words("وللمملكةِ دورٌ")
            >>> pupil.teach(teacher.learned_since(mark))
            >>> pupil.index_words("وللمملكةِ دورٌ").terms()
            ['مملك', 'دور']
        """
        roots: list[tuple[str, str]] = []  # root_of's own (not a protected word's): other surfaces share them
        with self._learning:
            table = self._current_table()
            known = table.numbers
            room = SURFACE_CACHE_SIZE - len(table.forms)
            for surface, form, term, root in zip(*words, strict=True):
                if surface not in known:
                    if room <= 0:
                        break  # a full table is not grown; words missed are learned again when met
                    # a lesson's strings are new objects: share equal terms and roots, as learning
                    # does through the stem and root caches (a worker taught the whole vocabulary
                    # keeps ~40% less)
                    term, root = form if term == form else sys.intern(term), sys.intern(root)
                    table.add(surface, form, term, root)
                    room -= 1
                    if term and term not in self._protected_terms:
                        roots.append((term, root))
        remember_roots(roots)

    def root(self, term: str) -> str:
        """The root indexed for an index term: tashaphyne's, or the term itself for a protected word.

        مثال::

            >>> Analyzer(protected=["ماكرون"]).root("ماكرون"), get_analyzer().root("مدرس")
            ('ماكرون', 'درس')
        """
        return term if term in self._protected_terms else root_of(term)

    def _protected(self, form: str) -> str | None:
        """The protected word ``form`` is, alone or after proclitics (وماكرون, لماكرون, للتويتر), or None."""
        if not self.protected or self.profile == "exact":
            return None
        if form in self.protected:
            return form
        for clitics in PROTECTED_WORD_PROCLITICS:
            if form.startswith(clitics):
                rest = form[len(clitics) :]
                if rest in self.protected:
                    return rest
                if clitics.endswith("لل") and "ال" + rest in self.protected:
                    return "ال" + rest  # للتويتر = ل + التويتر
        return None

    def _number(self, table: WordTable, surface: str) -> int:
        number = table.numbers.get(surface)
        return self._learn(table, surface) if number is None else number

    def tokens(self, text: str, *, keep_stopwords: bool = False) -> Iterator[Token]:
        """Every word of ``text`` with its offsets; stop words only if asked."""
        position = 0
        table = self._current_table()
        for match in TOKEN_PATTERN.finditer(text):
            surface = match.group()
            number = self._number(table, surface)
            normalized = table.forms[number]
            if not normalized:
                continue  # only marks or joiners: nothing to index
            stem = table.terms[number] or None
            if stem is not None or keep_stopwords:
                yield Token(surface, normalized, stem, match.start(), match.end(), position)
            position += 1

    def find(
        self, text: str, terms: set[str], forms: set[str], roots: Collection[str] = ()
    ) -> list[tuple[int, int, str]]:
        """``(start, end, what matched)`` of every word of ``text`` whose term is in ``terms``,
        whose normalized form is in ``forms`` or whose root is in ``roots``: what highlighting marks.

        Long texts are not analyzed word by word: a light (or exact) term is
        always a piece of the word's normalized form (give or take the ال that
        ``للجزائر → الجزائر`` adds), so a scan of the folded text finds the few
        words that may match, and only those are analyzed.
        """
        if self.profile == "root" or roots:  # roots are not pieces of their words
            candidates = [(0, len(text))]
        else:
            pieces = {t.removeprefix("ال") or t for t in terms} | forms
            if not pieces:
                return []
            candidates = candidate_spans(text, pieces, self.normalization)
        found: list[tuple[int, int, str]] = []
        table = self._current_table()
        done = 0  # candidates are ordered; a word is analyzed once
        for start, end in candidates:
            if end <= done:
                continue
            start, end = max(word_start(text, start), done), word_end(text, end)
            for match in TOKEN_PATTERN.finditer(text, start, end):
                number = self._number(table, match.group())
                normalized, stem, root = table.forms[number], table.terms[number], table.roots[number]
                if (stem and stem in terms) or (normalized and normalized in forms):
                    found.append((match.start(), match.end(), stem or normalized))
                elif root and root in roots:
                    found.append((match.start(), match.end(), root))
            done = end
        return found

    def term_stream(self, text: str) -> Iterator[tuple[str, int, int, int]]:
        """``(term, position, start, end)`` of every indexed word, when offsets are needed."""
        for token in self.tokens(text):
            assert token.stem is not None
            yield token.stem, token.position, token.start, token.end

    def term_positions(self, text: str) -> Iterator[tuple[str, int]]:
        """``(term, position)`` only, without offsets."""
        words = self.index_words(text)
        table, position = words.table, 0
        for number in words.numbers:
            if table.forms[number]:
                if term := table.terms[number]:
                    yield term, position
                position += 1

    def index_words(self, text: str) -> IndexWords:
        """``text`` as word numbers, from which the index's fields are built (the indexing fast path)."""
        table = self._current_table()
        known = table.numbers
        if compiled is not None:  # one pass: a word not met before is learned where it stands
            return IndexWords(table, compiled.word_numbers(text, known, partial(self._learn, table)))
        surfaces = TOKEN_PATTERN.findall(text)
        numbers = list(map(known.get, surfaces))
        if None not in numbers:
            return IndexWords(table, numbers)  # type: ignore[arg-type]  # no None in it
        for surface in set(surfaces).difference(known):  # set.difference(dict) costs O(len(surfaces))
            self._learn(table, surface)
        return IndexWords(table, list(map(known.__getitem__, surfaces)))

    def index_forms(self, text: str) -> tuple[list[str], list[str]]:
        """(terms of this profile, every word's normalized form) of ``text``.

        The normalized forms are what the ``exact`` profile with the same
        normalization gives, so one tokenization feeds both index fields.
        """
        words = self.index_words(text)
        return words.terms(), words.forms()

    def terms(self, text: str) -> list[str]:
        """Just the index terms of ``text``, in order."""
        return self.index_words(text).terms()


@lru_cache(maxsize=16)
def get_analyzer(profile: Profile = DEFAULT_PROFILE) -> Analyzer:
    """The shared analyzer for a profile with default settings."""
    return Analyzer(profile)


def analyze(text: str, profile: Profile = DEFAULT_PROFILE, *, keep_stopwords: bool = False) -> list[Token]:
    """Analyze ``text`` with a named profile; returns its tokens in order.

    مثال::

        >>> [(t.surface, t.stem) for t in analyze("زيارةُ الوزيرِ للمملكة")]
        [('زيارةُ', 'زيار'), ('الوزيرِ', 'وزير'), ('للمملكة', 'مملك')]
    """
    return list(get_analyzer(profile).tokens(text, keep_stopwords=keep_stopwords))
