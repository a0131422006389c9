"""Word-form frequencies that the light stemmer uses as evidence.

Built by ``scripts/build_lexicon.py`` from the ANT corpus (Apache-2.0); see
that script for why. Forms are normalized but keep teh marbuta (ة), which the
stemmer needs in order to see the feminine ending.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from itertools import repeat
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
    try:
        words, counts = tab_columns(rows, 2)
    except ValueError as error:
        raise ValueError(f"{LEXICON_PATH}: {error}") from None
    return dict(zip(words, map(int, counts), strict=True))


def tab_columns(rows: str, width: int) -> list[list[str]]:
    r"""The columns of ``rows``, lines of ``width`` tab-separated fields each ending in a newline
    (``ValueError`` otherwise). One split into lines, one into fields, then strided slices: about
    twice as fast as a loop over the lines, and every process that analyzes (each import worker)
    loads two such tables.

    مثال::

        >>> tab_columns("في\t38160\nمن\t30083\n", 2)
        [['في', 'من'], ['38160', '30083']]
    """
    lines = rows.split("\n")
    if lines.pop() != "" or set(map(str.count, lines, repeat("\t"))) - {width - 1}:
        raise ValueError(f"not lines of {width} tab-separated fields")
    fields = "\t".join(lines).split("\t") if lines else []
    return [fields[column::width] for column in range(width)]
