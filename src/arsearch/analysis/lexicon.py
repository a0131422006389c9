"""Word-form frequencies that the light stemmer uses as evidence.

Built by ``scripts/build_lexicon.py`` from the ANT corpus (Apache-2.0); see
that script for why. Forms are normalized but keep teh marbuta (ة), which the
stemmer needs in order to see the feminine ending.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from .normalize import NormalizationOptions, normalize_word

LEXICON_PATH = Path(__file__).with_name("data") / "lexicon.tsv.gz"
MIN_COUNT = 2

_LEXICON_NORMALIZATION = NormalizationOptions(fold_teh_marbuta=False)


def lexicon_form(word: str) -> str:
    """The form under which ``word`` is counted: normalized, ة kept."""
    return normalize_word(word, _LEXICON_NORMALIZATION)


@lru_cache(maxsize=1)
def word_counts() -> dict[str, int]:
    """Occurrences of each word form in the lexicon corpus (0 when unseen)."""
    rows = gzip.decompress(LEXICON_PATH.read_bytes()).decode("utf-8")
    while rows.startswith("#"):  # the header's comment lines
        rows = rows.partition("\n")[2]
    if rows.count("\t") != rows.count("\n") or not rows.endswith("\n"):
        raise ValueError(f"{LEXICON_PATH}: not rows of a word and its count")
    # one split of the whole text and two strided slices: ~4x faster than row by row, and every
    # process that analyzes (each import worker) loads it
    fields = rows[:-1].replace("\n", "\t").split("\t") if rows else []
    return dict(zip(fields[0::2], map(int, fields[1::2]), strict=True))
