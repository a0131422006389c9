"""The Arabic names of the world's places, by their Latin names: a reader types Cairo, Jeddah or
Morocco where the articles write القاهرة، جدة، المغرب, which no reading of the letters gives.

``data/places.tsv.gz`` is written by ``scripts/build_places.py`` from GeoNames (CC BY 4.0,
geonames.org: every city of 15,000 people or more with an Arabic name, under all its Latin names)
and the Unicode CLDR (its English and Arabic names of countries and regions). Which of a place's
Arabic names the articles use is the search's to find out (``search.rewrite``).

مثال::

    >>> arabic_place_names("Jeddah")[:1], arabic_place_names("Morocco")
    (['جده'], ['المغرب'])
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

from .normalize import normalize_word

#: Latin names shorter than this are left out: three letters name too many things (IATA codes, Sam).
MIN_NAME_LETTERS = 4


#: Latin names of more words than this are left out (a reader types a place's usual name).
MAX_NAME_WORDS = 4


@lru_cache(maxsize=1)
def _places() -> tuple[dict[str, int], list[str]]:
    """Each Latin name (lowercase, words joined by one space) with the row of its most populous
    place, and each row's Arabic names (as the table writes them, ``|`` between them)."""
    rows: dict[str, int] = {}
    arabic: list[str] = []
    table = resources.files("arsearch.analysis").joinpath("data/places.tsv.gz").read_bytes()
    for line in gzip.decompress(table).decode("utf-8").splitlines()[1:]:
        latin, names, _ = line.split("\t", 2)
        for name in latin.split("|"):
            if len(name) >= MIN_NAME_LETTERS and name.count(" ") < MAX_NAME_WORDS:
                rows.setdefault(name, len(arabic))  # rows go from the most populous place down
        arabic.append(names)
    return rows, arabic


def arabic_place_names(latin: str) -> list[str]:
    """The Arabic names (normalized) of the most populous place called ``latin`` (any case, hyphens
    as spaces).

    مثال::

        >>> arabic_place_names("Riyadh")[:1], arabic_place_names("abu dhabi")[:1]
        (['الرياض'], ['ابوظبي'])
    """
    rows, arabic = _places()
    row = rows.get(" ".join(latin.lower().replace("-", " ").split()))
    if row is None:
        return []
    return list(
        dict.fromkeys(" ".join(normalize_word(word) for word in name.split()) for name in arabic[row].split("|"))
    )


__all__ = ["MAX_NAME_WORDS", "MIN_NAME_LETTERS", "arabic_place_names"]
