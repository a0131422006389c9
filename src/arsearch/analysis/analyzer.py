"""The ``Analyzer``: a chain of steps (``chain``, or a named profile's) and the words it met
(``words.WordCache``), turning text into tokens, index fields and highlight spans.

مثال::

    >>> [t.stem for t in analyze("وللمملكةِ دورٌ في المنطقة")]
    ['مملك', 'دور', 'منطق']
    >>> [t.stem for t in analyze("وللمملكةِ دورٌ", profile="exact")]
    ['وللمملكه', 'دور']
    >>> Analyzer(chain=Tokenize() | Normalize() | RootStem()).terms("المدارس")
    ['درس']
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial

from .chain import Chain, Normalize, StopWords
from .dictionary import lemma_table
from .normalize import NormalizationOptions, candidate_spans
from .profiles import DEFAULT_PROFILE, Profile, profile_chain
from .speedups import compiled
from .tokenize import word_end, word_start
from .words import IndexWords, WordCache


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
    #: the term of its lemma where the dictionary is sure of one that is not the stem (وزراء: وزير)
    lemma: str | None = None


_PLAIN = NormalizationOptions()


class Analyzer:
    """A configured analysis chain and the words it met; cheap to call, safe to share between threads.

    ``Analyzer("light", stopwords=..., normalization=..., protected=...)`` runs a
    named profile's chain (``profiles``); ``Analyzer(chain=...)`` one of your own.

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
        chain: Chain | None = None,
    ) -> None:
        if chain is None:
            chain = profile_chain(profile, stopwords=stopwords, normalization=normalization, protected=protected)
        elif (profile, stopwords, normalization, tuple(protected)) != (DEFAULT_PROFILE, None, _PLAIN, ()):
            raise ValueError("an analyzer built from a chain takes its settings from the chain's steps")
        self.chain = chain
        #: the profile the chain is, or "custom"
        self.profile = chain.name
        normalize = next(step for step in chain.steps if isinstance(step, Normalize))
        self.normalization = normalize.normalization
        self.stopwords: frozenset[str] = frozenset().union(
            *(step.words for step in chain.steps if isinstance(step, StopWords))
        )
        #: the words met, with what the chain made of them; what analysis processes share
        self.words = WordCache(chain)
        #: the tokenizer's pattern, and whether the compiled core may tokenize for it
        self._pattern = chain.tokenizer.regex
        self._compiled = compiled if chain.tokenizer.pattern is None else None
        #: lemma terms and the words that have them, for highlighting (``lemma_pieces``)
        self._inflections: dict[str, list[str]] | None = None

    def root(self, term: str) -> str:
        """The root indexed for an index term: tashaphyne's, or the term itself for a protected word.

        مثال::

            >>> Analyzer(protected=["ماكرون"]).root("ماكرون"), get_analyzer().root("مدرس")
            ('ماكرون', 'درس')
        """
        return self.chain.root(term)

    def tokens(self, text: str, *, keep_stopwords: bool = False) -> Iterator[Token]:
        """Every word of ``text`` with its offsets; stop words only if asked."""
        position = 0
        words = self.words
        table = words.table()
        for match in self._pattern.finditer(text):
            surface = match.group()
            number = words.number(table, surface)
            normalized = table.forms[number]
            if not normalized:
                continue  # only marks or joiners: nothing to index
            stem = table.terms[number] or None
            if stem is not None or keep_stopwords:
                lemma = table.lemmas[number] or None
                yield Token(surface, normalized, stem, match.start(), match.end(), position, lemma)
            position += 1

    def find(
        self,
        text: str,
        terms: set[str],
        forms: set[str],
        roots: Collection[str] = (),
        lemmas: Collection[str] = (),
    ) -> list[tuple[int, int, str]]:
        """``(start, end, what matched)`` of every word of ``text`` whose term is in ``terms``,
        whose normalized form is in ``forms``, whose root is in ``roots`` or whose lemma's term is
        in ``lemmas`` (الوزراء for وزير): what highlighting marks.

        Long texts are not analyzed word by word: a light (or exact) term is
        always a piece of the word's normalized form (give or take the ال that
        ``للجزائر → الجزائر`` adds), so a scan of the folded text finds the few
        words that may match, and only those are analyzed.
        """
        if not self.chain.keeps_pieces or roots:  # roots (and a custom step's terms) are not pieces
            candidates = [(0, len(text))]
        else:
            pieces = {t.removeprefix("ال") or t for t in terms} | forms | self.lemma_pieces(lemmas)
            if not pieces:
                return []
            candidates = candidate_spans(text, pieces, self.normalization)
        found: list[tuple[int, int, str]] = []
        words = self.words
        table = words.table()
        done = 0  # candidates are ordered; a word is analyzed once
        for start, end in candidates:
            if end <= done:
                continue
            start, end = max(word_start(text, start), done), word_end(text, end)
            for match in self._pattern.finditer(text, start, end):
                number = words.number(table, match.group())
                normalized, stem, root = table.forms[number], table.terms[number], table.roots[number]
                if (stem and stem in terms) or (normalized and normalized in forms):
                    found.append((match.start(), match.end(), stem or normalized))
                elif root and root in roots:
                    found.append((match.start(), match.end(), root))
                elif lemmas and (lemma := table.lemmas[number]) and lemma in lemmas:
                    found.append((match.start(), match.end(), lemma))
            done = end
        return found

    def lemma_pieces(self, lemmas: Collection[str]) -> set[str]:
        """What the words whose lemma's term is in ``lemmas`` are written with (وزراء for وزير):
        where highlighting looks for them in a long text."""
        if not lemmas:
            return set()
        inflected = self._inflected()
        return {word.removeprefix("ال") or word for lemma in lemmas for word in inflected.get(lemma, ())}

    def _inflected(self) -> dict[str, list[str]]:
        """Each lemma term of the dictionary's table, with the words that have it (built once)."""
        if self._inflections is None:
            inflections: dict[str, list[str]] = {}
            for word, lemma in lemma_table().items():
                term = self.chain.analyze(lemma)[1]
                if term:
                    inflections.setdefault(term, []).append(word)
            self._inflections = inflections
        return self._inflections

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
        words = self.words
        table = words.table()
        known = table.numbers
        if self._compiled is not None:  # one pass: a word not met before is learned where it stands
            return IndexWords(table, self._compiled.word_numbers(text, known, partial(words.learn, table)))
        surfaces = self._pattern.findall(text)
        numbers = list(map(known.get, surfaces))
        if None not in numbers:
            return IndexWords(table, numbers)  # type: ignore[arg-type]  # no None in it
        for surface in set(surfaces).difference(known):  # set.difference(dict) costs O(len(surfaces))
            words.learn(table, surface)
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
