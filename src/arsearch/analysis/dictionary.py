"""A dictionary of Arabic words and their analyses: farahidi (AlKhalil Morpho Sys 2, from PyPI).

It knows what a corpus cannot: that عادل and كامل are native derivations of a
root, that وزراء is the plural of وزير, and that a word it has never heard of
(أوردغان) or knows only as a proper noun (ترمب) is most likely a name or a
loanword. Why farahidi: docs/analysis.md, "Choosing the lexicon".

The dictionary is loaded once per process, on the first look-up (about 0.25 s),
and each word is analysed once (about 2.5 ms) and remembered. It is strict
about hamza: ask about a word as written (أراضي, not the folded اراضي).

مثال::

    >>> look_up("وزراء").lemma, look_up("عادل").kind, look_up("أوردغان").kind
    ('وزير', 'native', 'unknown')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from .tokenize import without_marks

#: What the dictionary makes of a word:
#: ``native``  a derivation of a root (a verb, or a noun or adjective of a root's pattern);
#: ``name``    known only as a proper noun;
#: ``noun``    known only as a noun without a root (loanwords such as تلفزيون), or only through
#:             a proclitic the word may not have (لندن read as ل + دنّ);
#: ``unknown`` not in the dictionary.
Kind = Literal["native", "name", "noun", "unknown"]

#: Words remembered per process (an import's worker meets each distinct word once).
CACHED_WORDS = 200_000
#: The one proclitic a native reading may have: the article. A reading that needs و ف ب ك ل is
#: as often a misreading of a name (لندن as ل + دنّ) as a word with a conjunction.
_ARTICLE = "ال"


def _plain(text: str | None) -> str:
    return without_marks(text or "")


@dataclass(frozen=True)
class Entry:
    """What the dictionary says of one word: its kind, lemma and root (None when it has none)."""

    word: str
    kind: Kind
    #: the dictionary form, without diacritics: a broken plural's singular (وزراء → وزير), a
    #: verb's past tense (يكتبون → كتب); None for a word it does not know
    lemma: str | None
    root: str | None


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    import farahidi  # a dependency, imported on first use: it loads its lexicon then

    return farahidi.Analyzer()


@lru_cache(maxsize=CACHED_WORDS)
def look_up(word: str) -> Entry:
    """The dictionary's verdict on ``word`` as written (diacritics are ignored)."""
    readings = _analyzer().analyze(_plain(word)) if word else []
    if not readings:
        return Entry(word, "unknown", None, None)
    native = [r for r in readings if r.root and r.type != "اسم علم" and _bare_or_definite(r)]
    if native:
        kind: Kind = "native"
    elif any(r.type == "اسم علم" for r in readings):
        kind = "name"
    else:
        kind = "noun"
    chosen = _lemma_reading(native or readings)
    return Entry(word, kind, _plain(chosen.lemma) or None, chosen.root or None)


def _bare_or_definite(reading: Any) -> bool:
    return all(_plain(proclitic.form) == _ARTICLE for proclitic in reading.proclitics)


def _lemma_reading(readings: list[Any]) -> Any:
    """The reading whose lemma stands for the word: a plural noun's first (its lemma is the
    singular: مدارس → مدرسة, not the singular مُدارَس it could also be read as), then a noun's,
    then the first (the dictionary ranks its readings by frequency)."""
    nouns = [r for r in readings if r.pos == "اسم"]
    plurals = [r for r in nouns if r.number == "جمع"]
    return (plurals or nouns or readings)[0]


__all__ = ["CACHED_WORDS", "Entry", "Kind", "look_up"]
