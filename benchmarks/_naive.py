"""The naive Arabic baseline a new user would assemble: pyarabic + tashaphyne, in Whoosh.

pyarabic's ``tokenize`` and ``strip_tashkeel``, tashaphyne's ``light_stem``
(stems memoized: the cache changes the speed, not the terms). Used by the
evaluation scripts as the "naive Whoosh" baseline the issues quote.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from pyarabic import araby
from tashaphyne.stemming import ArabicLightStemmer
from whoosh.analysis import Token, Tokenizer

_STEMMER = ArabicLightStemmer()


@lru_cache(maxsize=1 << 20)
def naive_stem(word: str) -> str:
    return str(_STEMMER.light_stem(word))


def naive_terms(text: str) -> list[str]:
    return [naive_stem(word) for word in araby.tokenize(araby.strip_tashkeel(text)) if word.strip()]


class NaiveArabicTokenizer(Tokenizer):  # type: ignore[misc]
    """Whoosh tokenizer over ``naive_terms`` (positions only; no character offsets)."""

    def __call__(self, value: str, positions: bool = False, **kwargs: Any) -> Iterator[Token]:
        token = Token(positions=positions, **kwargs)
        for position, term in enumerate(naive_terms(value)):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            token.pos = position
            yield token
