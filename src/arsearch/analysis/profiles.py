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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from .normalize import NormalizationOptions, candidate_spans, fold_teh_marbuta, normalize_word
from .stem import default_stemmer, root_of
from .stopwords import default_stopwords
from .tokenize import TOKEN_PATTERN, word_end, word_start

Profile = Literal["exact", "light", "root"]
PROFILES: tuple[Profile, ...] = ("exact", "light", "root")
DEFAULT_PROFILE: Profile = "light"

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
        # surface -> (normalized, term or None for a stop word). A plain dict is
        # the fastest lookup on the hot path; it is emptied when full, which
        # bounds memory (the stemmer keeps its own LRU underneath).
        self._surfaces: dict[str, tuple[str, str | None]] = {}

    def _analyze_surface(self, surface: str) -> tuple[str, str | None]:
        if len(self._surfaces) >= SURFACE_CACHE_SIZE:
            self._surfaces.clear()
        form = normalize_word(surface, self._word_form)
        normalized = fold_teh_marbuta(form) if self.normalization.fold_teh_marbuta else form
        result = (normalized, None if normalized in self.stopwords else self._stem_form(form))
        self._surfaces[surface] = result
        return result

    def tokens(self, text: str, *, keep_stopwords: bool = False) -> Iterator[Token]:
        """Every word of ``text`` with its offsets; stop words only if asked."""
        position = 0
        cached = self._surfaces.get
        for match in TOKEN_PATTERN.finditer(text):
            surface = match.group()
            normalized, stem = cached(surface) or self._analyze_surface(surface)
            if not normalized:
                continue  # only marks or joiners: nothing to index
            if stem is not None or keep_stopwords:
                yield Token(surface, normalized, stem, match.start(), match.end(), position)
            position += 1

    def find(self, text: str, terms: set[str], forms: set[str]) -> list[tuple[int, int, str]]:
        """``(start, end, term or form)`` of every word of ``text`` whose term is in ``terms``
        or whose normalized form is in ``forms``: what highlighting marks.

        Long texts are not analyzed word by word: a light (or exact) term is
        always a piece of the word's normalized form (give or take the ال that
        ``للجزائر → الجزائر`` adds), so a scan of the folded text finds the few
        words that may match, and only those are analyzed.
        """
        if self.profile == "root":  # roots are not pieces of their words
            candidates = [(0, len(text))]
        else:
            pieces = {t.removeprefix("ال") or t for t in terms} | forms
            if not pieces:
                return []
            candidates = candidate_spans(text, pieces, self.normalization)
        found: list[tuple[int, int, str]] = []
        done = 0  # candidates are ordered; a word is analyzed once
        for start, end in candidates:
            if end <= done:
                continue
            start, end = max(word_start(text, start), done), word_end(text, end)
            for match in TOKEN_PATTERN.finditer(text, start, end):
                surface = match.group()
                normalized, stem = self._surfaces.get(surface) or self._analyze_surface(surface)
                if (stem is not None and stem in terms) or (normalized and normalized in forms):
                    found.append((match.start(), match.end(), stem or normalized))
            done = end
        return found

    def term_stream(self, text: str) -> Iterator[tuple[str, int, int, int]]:
        """``(term, position, start, end)`` of every indexed word, when offsets are needed."""
        for token in self.tokens(text):
            assert token.stem is not None
            yield token.stem, token.position, token.start, token.end

    def term_positions(self, text: str) -> Iterator[tuple[str, int]]:
        """``(term, position)`` only: the indexing fast path (no offsets needed)."""
        position = 0
        cached = self._surfaces.get
        for surface in TOKEN_PATTERN.findall(text):
            normalized, stem = cached(surface) or self._analyze_surface(surface)
            if not normalized:
                continue
            if stem is not None:
                yield stem, position
            position += 1

    def index_forms(self, text: str) -> tuple[list[str], list[str]]:
        """One pass over ``text`` for indexing: (terms of this profile, every word's normalized form).

        The normalized forms are what the ``exact`` profile with the same
        normalization gives, so one tokenization feeds both index fields.
        """
        terms: list[str] = []
        forms: list[str] = []
        cached = self._surfaces.get
        for surface in TOKEN_PATTERN.findall(text):
            normalized, stem = cached(surface) or self._analyze_surface(surface)
            if not normalized:
                continue
            forms.append(normalized)
            if stem is not None:
                terms.append(stem)
        return terms, forms

    def roots(self, terms: list[str]) -> list[str]:
        """The root of each of this profile's terms (the index's root fields).

        Roots are taken from the light stems rather than the surface forms:
        there are half as many distinct stems as forms, and tashaphyne's root
        extraction is the slowest step of analysis.
        """
        return list(map(root_of, terms))

    def terms(self, text: str) -> list[str]:
        """Just the index terms of ``text``, in order."""
        return [term for term, _ in self.term_positions(text)]


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
