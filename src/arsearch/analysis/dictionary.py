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

import gzip
import re
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal, cast

from .normalize import normalize_words
from .stem import ARTICLE_PREFIXES
from .tokenize import without_marks

#: What the dictionary makes of a word:
#: ``native``  a derivation of a root (a verb, or a noun or adjective of a root's pattern) whose
#:             stem is attested in the dictionary's own corpus counts (``MIN_ATTESTED``);
#: ``name``    known only as a proper noun;
#: ``noun``    known only as a noun without a root (loanwords such as تلفزيون), only through
#:             a proclitic the word may not have (لندن read as ل + دنّ), or only as a derivation
#:             the dictionary's corpus hardly ever met (جوزف as the passive جُوزِفَ);
#: ``unknown`` not in the dictionary.
Kind = Literal["native", "name", "noun", "unknown"]

#: Words remembered per process (an import's worker meets each distinct word once).
CACHED_WORDS = 200_000
#: The one proclitic a native reading may have: the article. A reading that needs و ف ب ك ل is
#: as often a misreading of a name (لندن as ل + دنّ) as a word with a conjunction.
_ARTICLE = "ال"
#: The article with the proclitics before it (وال، بال، لل...), longest first.
_ARTICLE_PREFIX = re.compile("|".join(sorted(ARTICLE_PREFIXES, key=len, reverse=True)))
#: Least count of a reading's stem in the dictionary's corpus (its ``map_stem``, from MSA text) for the
#: reading to make a word native: a name often has a reading as a rare form of a root (جستن as
#: جِسْتُنَّ, 0; جوزف as جُوزِفَ, 1), while the native words of our cases (benchmarks/data/lexicon_cases.tsv)
#: all have 10 or more (قاوم, 10; استثمار, 44).
MIN_ATTESTED = 10
#: Or the least weight of its lemma there (``map_lemma``): an inflected native word's stem may be
#: rare (المراجعين, 2) while its lemma is not (مُرَاجِع); a name's misreading has a rare lemma
#: (جوزف: جَازَفَ, 3.6e-6; بكين: بَكَى, 1.7e-5), a native word of our cases a common one.
MIN_LEMMA_WEIGHT = 2e-5
#: The stems and lemmas over those thresholds (``scripts/build_attested_table.py``).
ATTESTED_TABLE_PATH = Path(__file__).with_name("data") / "attested.txt.gz"
#: The attested words (without diacritics) ``look_up`` finds native, built by the same script.
NATIVE_TABLE_PATH = Path(__file__).with_name("data") / "native.txt.gz"
#: Words (normalized as indexed) whose lemma the dictionary is sure of, and that lemma (as written).
LEMMA_TABLE_PATH = Path(__file__).with_name("data") / "lemmas.tsv.gz"
#: The verdict on each word of a general news corpus, as written (``scripts/build_kinds_table.py``).
KINDS_TABLE_PATH = Path(__file__).with_name("data") / "kinds.tsv.gz"
#: The kinds table's mark for a word read only as a proclitic before a native word (بشكل، وذلك):
#: native to ``kind_of`` and to the index, a noun to ``look_up``.
PROCLITIC_KIND = "proclitic"


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
    #: the lemma when the readings agree on it (``sure_lemma``): what the lemma level indexes
    sure_lemma: str | None = None


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    import farahidi  # a dependency, imported on first use: it loads its lexicon then

    analyzer = farahidi.Analyzer()
    _load_tables()
    return analyzer


def load() -> None:
    """Load the dictionary now, once per process (~0.6 s: farahidi's lexicon and its tables), rather
    than in the first search that asks it about a word: a server calls it as it starts, in the
    background (``web.create_app``).

    مثال::

        >>> load(); look_up("وزراء").lemma   # no wait for the lexicon now
        'وزير'
    """
    _analyzer()


def _load_tables() -> None:
    """Every table of farahidi's lexicon, read now (~0.2 s): farahidi reads each when a word first
    needs it, which made three searches of a server's first hundreds each wait 0.1-0.3 s."""
    from farahidi import lexicon

    try:
        tables, derived = lexicon.TABLES, lexicon.DERIVED_TABLES
    except AttributeError:  # another farahidi: it reads them as it goes
        return
    for name in tables.values():
        (lexicon.load_map if name.endswith(".map") else lexicon.load_list)(name)
    for name in derived.values():
        for category in ("Nouns", "Verbs"):
            with suppress(OSError):  # a table only one of them has
                (lexicon.load_map if name.endswith(".map") else lexicon.load_list)(name.format(cat=category))


def attested_table_header() -> str:
    """The first line of the attested table this code reads (``scripts/build_attested_table.py``)."""
    return f"# farahidi {version('farahidi')}; stems >= {MIN_ATTESTED}; lemmas >= {MIN_LEMMA_WEIGHT}"


def _table_lines(path: Path, *, described: bool = False) -> list[str] | None:
    """The lines of a table made from the dictionary (``scripts/build_attested_table.py``,
    ``build_kinds_table.py``), after its header; None when it is missing or was made for another
    farahidi or other thresholds. A ``described`` table's header goes on to say where its words
    came from ("; ...")."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as table:
            lines = table.read().splitlines()
    except OSError:
        return None
    header = attested_table_header()
    made_here = bool(lines) and (lines[0].startswith(header + ";") if described else lines[0] == header)
    return lines[1:] if made_here else None


@lru_cache(maxsize=1)
def _attested() -> tuple[frozenset[str], frozenset[str]]:
    """The (diacritized) stems and lemmas the dictionary's corpus attests, from the shipped table
    (a few tens of ms) or, when it is stale, from farahidi's own maps (~0.8 s)."""
    lines = _table_lines(ATTESTED_TABLE_PATH)
    if lines is not None:
        stems = frozenset(line[2:] for line in lines if line.startswith("s\t"))
        return stems, frozenset(line[2:] for line in lines if line.startswith("l\t"))
    from farahidi.lexicon import load_map
    from farahidi.lm import MAP_LEMMA, MAP_STEM

    stem_counts, lemma_weights = load_map(MAP_STEM), load_map(MAP_LEMMA)
    return (
        frozenset(stem for stem, count in stem_counts.items() if count >= MIN_ATTESTED),
        frozenset(lemma for lemma, weight in lemma_weights.items() if weight >= MIN_LEMMA_WEIGHT),
    )


def readings(word: str) -> list[Any]:
    """farahidi's readings of ``word`` as written (diacritics are ignored), commonest first."""
    return _analyzer().analyze(_plain(word)) if word else []


def attested_reading(reading: Any) -> bool:
    """Whether a reading is a derivation of a root (not a proper noun) whose stem or lemma the
    dictionary's corpus attests (``MIN_ATTESTED``, ``MIN_LEMMA_WEIGHT``)."""
    stems, lemmas = _attested()
    return bool(reading.root) and reading.type != "اسم علم" and (reading.stem in stems or reading.lemma in lemmas)


@lru_cache(maxsize=CACHED_WORDS)
def look_up(word: str) -> Entry:
    """The dictionary's verdict on ``word`` as written (diacritics are ignored)."""
    found = readings(word)
    if not found:
        return Entry(word, "unknown", None, None)
    native = [r for r in found if _bare_or_definite(r) and attested_reading(r)]
    if native:
        kind: Kind = "native"
    elif any(r.type == "اسم علم" for r in found):
        kind = "name"
    else:
        kind = "noun"
    chosen = _lemma_reading(native or found)
    return Entry(word, kind, _plain(chosen.lemma) or None, chosen.root or None, _sure_lemma(native))


@lru_cache(maxsize=1)
def _kinds_table() -> dict[str, str]:
    """What ``scripts/build_kinds_table.py`` found of each word of its corpus (as written); empty
    when the table is missing or was made for another farahidi or other thresholds."""
    return dict(line.split("\t", 1) for line in _table_lines(KINDS_TABLE_PATH, described=True) or () if "\t" in line)


@lru_cache(maxsize=1)
def _native_words() -> frozenset[str]:
    """The native stems of the dictionary's corpus, and the words of the kinds table read as native
    (with an ending: خلالها) or as a proclitic before a native word (بشكل)."""
    listed = (word for word, kind in _kinds_table().items() if kind in ("native", PROCLITIC_KIND))
    return frozenset((*(_table_lines(NATIVE_TABLE_PATH) or ()), *listed))


@lru_cache(maxsize=1)
def _known_kinds() -> dict[str, Kind]:
    """The kinds table's other words (names, nouns, unknown words), with ``look_up``'s verdict."""
    return {word: cast(Kind, kind) for word, kind in _kinds_table().items() if kind in ("name", "noun", "unknown")}


@lru_cache(maxsize=1)
def native_forms() -> frozenset[str]:
    """The table's native words, normalized as indexed (loaded once per process)."""
    return frozenset(normalize_words(_native_words()))


def is_native_form(normalized: str) -> bool:
    """Whether the word whose normalized form is ``normalized`` (or that form after ال) is in the
    table of native words: a quick test, while indexing, that never analyses a word.

    مثال::

        >>> is_native_form("المدرسه"), is_native_form("ترامب")
        (True, False)
    """
    return _in_or_after_article(normalized, native_forms())


def kind_of(word: str) -> Kind:
    """``look_up(word).kind``, from the tables when they hold the word (most words of a text): native
    when the table of native words holds it or the word after ال, and the kinds table's verdict on a
    word of its corpus (native too for a proclitic before a native word: بشكل); else by analysing it.

    مثال::

        >>> kind_of("المدرسة"), kind_of("بشكل"), kind_of("لندن"), kind_of("أوردغان")
        ('native', 'native', 'name', 'unknown')
    """
    return table_kind(word) or look_up(word).kind


def table_kind(word: str) -> Kind | None:
    """``kind_of(word)`` where the shipped tables tell it without analysing the word; else None.

    مثال::

        >>> table_kind("المدرسة"), table_kind("ترمبيون")
        ('native', None)
    """
    plain = _plain(word)
    if _in_or_after_article(plain, _native_words()):
        return "native"
    return _known_kinds().get(plain)


def _in_or_after_article(word: str, words: frozenset[str]) -> bool:
    return word in words or (word.startswith(_ARTICLE) and word[len(_ARTICLE) :] in words)


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """The words (normalized) whose lemma the dictionary is sure of, with that lemma as written."""
    return dict(line.split("\t", 1) for line in _table_lines(LEMMA_TABLE_PATH) or () if "\t" in line)


def lemma_of(normalized: str) -> str | None:
    """The lemma, as written, of the word whose normalized form is ``normalized``, where the
    dictionary is sure of it (``Entry.sure_lemma``) and it is not the word itself: from the table
    ``scripts/build_attested_table.py`` makes of the dictionary's corpus stems (loaded once per
    process), for the word, or the word after the article (والوزراء as الوزراء, then وزراء). A
    proclitic without the article is not taken off: وزارة is no و + زارة.

    مثال::

        >>> lemma_of("الوزراء"), lemma_of("والمدارس"), lemma_of("وزير"), lemma_of("وزاره")
        ('وزير', 'مدرسة', None, None)
    """
    lemmas = lemma_table()
    found = lemmas.get(normalized)
    if found is None and (article := _ARTICLE_PREFIX.match(normalized)) and len(normalized) > article.end() + 1:
        found = lemmas.get(normalized[article.end() :])
    return found


def _bare_or_definite(reading: Any) -> bool:
    return all(_plain(proclitic.form) == _ARTICLE for proclitic in reading.proclitics)


def _sure_lemma(readings: list[Any]) -> str | None:
    """The lemma of a native word when its readings leave no doubt: a plural noun's singular when
    the word has no verb reading (مدارس → مدرسة; كتاب, also a plural of كاتب, has none: it is read
    as a verb too), else the one lemma all its noun readings, or all its verb readings, share
    (يكتبون → كتب). None otherwise, and for a word that is both a noun and a verb (شارك).
    Measured on benchmarks/data/lexicon_cases.tsv: docs/analysis.md."""
    verbs = [r for r in readings if r.pos == "فعل"]
    nouns = [r for r in readings if r.pos == "اسم"]
    if verbs and nouns:
        return None
    plurals = [r for r in nouns if r.number == "جمع"]
    if plurals:
        lemma = _plain(plurals[0].lemma)
        # and no singular of its own (كتاب: a book, or the writers of كاتب)
        singular = {_plain(r.lemma) for r in nouns if r.number != "جمع"} - {lemma}
        return None if singular or not lemma else lemma
    lemmas = {_plain(r.lemma) for r in nouns or verbs}
    return lemmas.pop() or None if len(lemmas) == 1 else None


def _lemma_reading(readings: list[Any]) -> Any:
    """The reading whose lemma stands for the word: a plural noun's first (its lemma is the
    singular: مدارس → مدرسة, not the singular مُدارَس it could also be read as), then a noun's,
    then the first (the dictionary ranks its readings by frequency)."""
    nouns = [r for r in readings if r.pos == "اسم"]
    plurals = [r for r in nouns if r.number == "جمع"]
    return (plurals or nouns or readings)[0]


__all__ = [
    "ATTESTED_TABLE_PATH",
    "CACHED_WORDS",
    "KINDS_TABLE_PATH",
    "LEMMA_TABLE_PATH",
    "MIN_ATTESTED",
    "MIN_LEMMA_WEIGHT",
    "NATIVE_TABLE_PATH",
    "PROCLITIC_KIND",
    "Entry",
    "Kind",
    "attested_reading",
    "attested_table_header",
    "is_native_form",
    "kind_of",
    "lemma_of",
    "lemma_table",
    "load",
    "look_up",
    "native_forms",
    "readings",
    "table_kind",
]
