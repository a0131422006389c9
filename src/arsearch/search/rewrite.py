"""Queries as readers type them: a query typed with the keyboard on the other layout is searched as
the reader meant it, and the results say so (``Results.rewrite``), so that the reader can search as
typed instead.

A query in Latin letters is read on the Arabic layout (``analysis.keyboard``: ``fsl`` → ``بسم``);
the reading is searched when every one of its words is a word of the index and the query as typed
is not what the index holds: its words together find no article, or far fewer than the reading
(less than ``AS_TYPED_SHARE`` of them, and fewer than ``AS_TYPED_ARTICLES``). Latin words the index
really holds (a brand, a product, an e-mail name) stay as typed. The other way too, by the same
rule: Arabic letters whose words are not each in ``AS_TYPED_ARTICLES`` articles, whose English
reading is what the index holds (``لخخلمث`` → ``google``; لا is one key or two: ``ؤمعلا`` → ``club``).

Everything is decided from the index's own counts: one index's (``SnapshotSource``) or a cluster's,
summed over its shards.

مثال::

    >>> index.search("fsl hggi").rewrite                                      # doctest: +SKIP
    Rewrite(typed='fsl hggi', searched='بسم الله', reason='layout')
    >>> index.search("fsl hggi", rewrite=False).total                        # doctest: +SKIP
    0
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from typing import Protocol

from ..analysis import Analyzer
from ..analysis.keyboard import as_arabic, english_readings, typed_in_arabic, typed_in_latin
from ..analysis.places import MAX_NAME_WORDS, arabic_place_names
from ..analysis.spelling import KEY_SEPARATOR, MIN_LETTERS, spelled_words
from ..analysis.transliterate import full_spellings, is_chat_arabic, latin_spelling_keys, sound_shape, sounds_apart
from ..engine.queries import EngineQuery, PhraseQuery, TermQuery, all_of, any_of
from ..engine.schema import ARTICLE_EXACT_FIELD, ARTICLE_FIELD
from .results import Rewrite

#: The query as typed is meant as typed when its words together are in at least this many articles...
AS_TYPED_ARTICLES = 3
#: ...or in at least this share of the articles its reading finds (a rare Latin word whose reading
#: is a common Arabic one is read; one about as common as its reading is not).
AS_TYPED_SHARE = 0.1
#: Queries longer than this are searched as typed (a pasted text is no slip of the keyboard).
MAX_WORDS = 12
#: A Latin word's Arabic spelling sounds at most this far apart from it (``sounds_apart``) per letter...
MAX_SOUNDS_APART = 0.3
#: ...and the closest, where each tenfold of articles counts as this much closer (ترامب, in 33
#: articles, rather than ترومب, in one, for Trump).
COMMONER = 0.35
#: A name of this many words at most is read as a phrase when one of its words is too short to be
#: read alone, from this many likeliest spellings of each word.
MAX_SHORT_NAME_WORDS = 3
SHORT_WORD_SPELLINGS = 3
#: The Arabic article as Latin-script names write it apart (Al Hilal, El Nasr): Arabic writes it on
#: its word, which its spelling key and the search read with or without it.
LATIN_ARTICLE = frozenset(("al", "el"))
_LATIN_WORDS = re.compile(r"[A-Za-z0-9']*[A-Za-z][A-Za-z0-9']*|[0-9]+")

#: Words of a text, each its normalized form and its term (None for a stop word).
Words = tuple[tuple[str, str | None], ...]


class Evidence(Protocol):
    """What a rewrite reads of an index: articles holding each normalized word, articles each query
    finds, and the words of a spelling key (``derived.variants.SnapshotSource``, or a cluster's,
    summed over its shards)."""

    def articles(self, words: Sequence[str]) -> list[int]: ...

    def counts(self, queries: Sequence[EngineQuery]) -> list[int]: ...

    def spelled_each(self, prefixes: Sequence[str]) -> list[dict[str, int]]: ...

    def written(self, form: str) -> str: ...

    def stems(self, words: Sequence[str]) -> list[str | None]: ...


@dataclass(frozen=True)
class LayoutReading:
    """A query read on the other keyboard layout, with the words of the query and of each reading
    (each word's normalized form and term, None for a stop word): what ``judged`` decides on. Made
    where the analyzer is (a cluster's shard), decided where the counts are (its client)."""

    typed: str
    typed_words: Words
    #: each way the keys may be read, likeliest first (لا is one key or two), with its words
    readings: tuple[tuple[str, Words], ...]
    #: typed in Arabic letters (read on the English layout)
    typed_arabic: bool


def layout_reading(text: str, analyzer: Analyzer, evidence: Evidence | None = None) -> LayoutReading | None:
    """``text`` read on the other layout (None when it is in neither script, or too long to be a slip).
    With ``evidence``, None too when its counts say the query is meant as typed (``surely_as_typed``:
    most Arabic queries), before the other layout's readings are made.

    مثال::

        >>> [reading for reading, _ in layout_reading("fsl", get_analyzer()).readings]  # doctest: +SKIP
        ['بسم']
    """
    typed_arabic = not typed_in_latin(text)
    if typed_arabic and not typed_in_arabic(text):
        return None
    typed_words = _words(analyzer, text)
    if not typed_words or len(typed_words) > MAX_WORDS:
        return None
    if evidence is not None and _settled_as_typed(typed_arabic, typed_words, evidence):
        return None
    readings = english_readings(text) if typed_arabic else [as_arabic(text)]
    read = tuple((reading.strip(), _words(analyzer, reading)) for reading in readings)
    return LayoutReading(text, typed_words, read, typed_arabic)


def judged(reading: LayoutReading, evidence: Evidence) -> Rewrite | None:
    """The rewrite to the first reading the index says the reader meant, else None: every word of the
    reading is a word of the index, and the query as typed finds fewer than ``AS_TYPED_ARTICLES``
    articles and fewer than ``AS_TYPED_SHARE`` of the reading's."""
    if surely_as_typed(reading, evidence):
        return None  # common Arabic words (most queries): nothing more is asked
    for searched, words in reading.readings:
        # a reading of marks and lone letters (UNESCO typed in capitals) is no word the reader meant
        if not words or any(len(form) < 2 for form, term in words if term) or not _all_held(words, evidence):
            continue
        as_typed, as_read = evidence.counts([_all_of(reading.typed_words), _all_of(words)])
        if as_read and as_typed < AS_TYPED_ARTICLES and as_typed < AS_TYPED_SHARE * as_read:
            return Rewrite(reading.typed, searched, "layout")
    return None


def surely_as_typed(reading: LayoutReading, evidence: Evidence) -> bool:
    """Whether a query is meant as typed without reading it further: Arabic letters whose words are
    each in ``AS_TYPED_ARTICLES`` articles. Counts only grow as shards are summed, so one shard's
    counts may say so for a whole cluster."""
    return _settled_as_typed(reading.typed_arabic, reading.typed_words, evidence)


def _settled_as_typed(typed_arabic: bool, typed_words: Words, evidence: Evidence) -> bool:
    return typed_arabic and _each_in_articles(typed_words, evidence, AS_TYPED_ARTICLES)


def rewritten(text: str, reading: LayoutReading | None, evidence: Evidence) -> Rewrite | None:
    """The query as meant, or None (it is searched as typed): its ``reading`` on the other keyboard
    layout when ``judged`` so, else its Latin words' Arabic spellings (``transliteration_rewrite``)."""
    judgement = judged(reading, evidence) if reading is not None else None
    return judgement or transliteration_rewrite(text, evidence)


def layout_rewrite(text: str, analyzer: Analyzer, evidence: Evidence) -> Rewrite | None:
    """The query as meant when it was typed on the other keyboard layout, or None (it is searched as
    typed): ``layout_reading``, ``judged`` on the index's counts.

    مثال::

        >>> snapshot = index.snapshot()                                                    # doctest: +SKIP
        >>> layout_rewrite("fsl hggi", snapshot.analyzer, snapshot.spelling_source())      # doctest: +SKIP
        Rewrite(typed='fsl hggi', searched='بسم الله', reason='layout')
    """
    reading = layout_reading(text, analyzer, evidence)
    return judged(reading, evidence) if reading is not None else None


def transliteration_rewrite(text: str, evidence: Evidence) -> Rewrite | None:
    """The query with the Arabic spellings of its Latin words added, for the words the index writes in
    Arabic letters more often than in Latin ones (``Erdogan`` → ``Erdogan أردوغان``); None when it
    has none. A place is looked up by its names (``analysis.places``: Cairo is القاهرة, New York
    نيويورك); another word's spelling is the index's word of its spelling keys that sounds closest
    to it (``analysis.transliterate``). The search then joins their other spellings (``variants``).

    مثال::

        >>> transliteration_rewrite("Liverpool", index.snapshot().spelling_source())  # doctest: +SKIP
        Rewrite(typed='Liverpool', searched='ليفربول', reason='transliteration')
    """
    if not typed_in_latin(text):
        return None
    words: list[str] = _LATIN_WORDS.findall(text)
    if not words or len(words) > MAX_WORDS:
        return None
    searched: list[str] = []
    changed = False
    after_article = False  # Arabic writes the article on its word (Al Hilal: الهلال, el sa3odia: السعودية)
    at = 0
    while at < len(words):
        taken, spellings = _place(words[at:], evidence)
        if not taken:
            taken, spellings = _short_words_name(words[at:], evidence)
        if not taken:
            taken = 1
            spellings = arabic_spellings_held(words[at], evidence, article=after_article)
        typed = words[at : at + taken]
        at += taken
        after_article = not spellings and taken == 1 and typed[0].lower() in LATIN_ARTICLE
        if after_article:
            changed = True
            continue
        as_typed = _held_together(typed, evidence)
        if not spellings or as_typed >= sum(spellings.values()):
            searched.extend(typed)  # no Arabic spelling, or the articles write it in Latin letters as often
            continue
        changed = True
        # the Latin words stay while articles hold them: their own results are still found
        searched.extend([*typed, *spellings] if as_typed else spellings)
    if not changed or not searched:
        return None
    chat = any(is_chat_arabic(word) for word in words)
    return Rewrite(text, " ".join(dict.fromkeys(searched)), "arabizi" if chat else "transliteration")


def _place(words: Sequence[str], evidence: Evidence) -> tuple[int, dict[str, int]]:
    """The most words a place name starting ``words`` has, and the Arabic name the articles hold most
    (quoted when it is several words), with its article count; (0, {}) for none."""
    for taken in range(min(MAX_NAME_WORDS, len(words)), 0, -1):
        names = arabic_place_names(" ".join(words[:taken]))
        held = {name: count for name, count in zip(names, _held_together_each(names, evidence), strict=True) if count}
        if held:
            # the name that sounds closest, a commoner one a little further before a rare one
            # (Makkah: مكة before مكة المكرمة; Cairo: القاهرة, which sounds nothing like it, alone)
            latin = "".join(words[:taken])
            name = min(held, key=lambda name: (_likeliness(latin, name.replace(" ", ""), held[name]), name))
            shown = " ".join(evidence.written(word) for word in name.split())
            return taken, {f'"{shown}"' if " " in shown else shown: held[name]}
    return 0, {}


def _short_words_name(words: Sequence[str], evidence: Evidence) -> tuple[int, dict[str, int]]:
    """A name of two or three words, one of them too short to be read alone (Ban Ki-moon: بان كي مون),
    as the phrase the articles hold most among its words' likeliest spellings; (0, {}) for none."""
    for taken in range(min(MAX_SHORT_NAME_WORDS, len(words)), 1, -1):
        parts = words[:taken]
        short = [part for part in parts if len(part) < MIN_LETTERS]
        if not short or any(len(part) < 2 or part.lower() in LATIN_ARTICLE for part in short):
            continue  # words long enough are read one by one, an article (Al, El) with its word
        options = [_likeliest_held(part, evidence) for part in parts]
        if not all(options):
            continue
        phrases = list(product(*options))
        counts = evidence.counts([PhraseQuery(ARTICLE_EXACT_FIELD, phrase) for phrase in phrases])
        count, phrase = max(zip(counts, phrases, strict=True))
        if count:
            return taken, {'"' + " ".join(phrase) + '"': count}  # as normalized: a short word's commonest
            # spelling may be another word's (بان is mostly written بأن, "that")
    return 0, {}


def _likeliest_held(word: str, evidence: Evidence) -> list[str]:
    """The ``SHORT_WORD_SPELLINGS`` likeliest of a Latin word's voweled spellings the articles hold."""
    spellings = full_spellings(word)
    held = {form: count for form, count in zip(spellings, evidence.articles(spellings), strict=True) if count}
    return sorted(held, key=lambda form: (_likeliness(word, form, held[form]), form))[:SHORT_WORD_SPELLINGS]


def _held_together(words: Sequence[str], evidence: Evidence) -> int:
    """Articles holding the words, side by side when they are several (normalized as Latin words are)."""
    return _held_together_each([" ".join(word.lower() for word in words)], evidence)[0]


def _held_together_each(phrases: Sequence[str], evidence: Evidence) -> list[int]:
    """Articles holding each phrase (a word, or words side by side), asked at once."""
    single = [phrase for phrase in phrases if " " not in phrase]
    several = [phrase for phrase in phrases if " " in phrase]
    found = dict(zip(single, evidence.articles(single), strict=True)) if single else {}
    if several:
        queries = [PhraseQuery(ARTICLE_EXACT_FIELD, tuple(phrase.split())) for phrase in several]
        found.update(zip(several, evidence.counts(queries), strict=True))
    return [found[phrase] for phrase in phrases]


def arabic_spellings_held(word: str, evidence: Evidence, *, article: bool = False) -> dict[str, int]:
    """The index's Arabic spellings of a Latin word (as the articles most often write each), with
    their article counts: the words of its spelling keys, and its spellings with their long vowels
    that the articles hold (a word the dictionary knows, such as جدة, has no spelling key listed),
    those that sound closest to it (``sounds_apart``). None for a word under ``MIN_LETTERS`` letters.
    ``article``: the word came after Al or El, so a spelling with ال is likelier."""
    if len(word) < MIN_LETTERS:
        return {}
    counts: dict[str, int] = {}
    commonest: dict[str, tuple[int, str]] = {}  # how each form stands written, in the key holding it most
    prefixes = [key + KEY_SEPARATOR for key in latin_spelling_keys(word)]
    for spelled in evidence.spelled_each(prefixes) if prefixes else []:  # asked at once (a cluster: one round trip)
        for form, (articles, written) in spelled_words(spelled).items():
            counts[form] = counts.get(form, 0) + articles
            commonest[form] = max(commonest.get(form, (0, "")), (articles, written))
    # its voweled spellings too, which may be words the dictionary knows (a spelling key lists none)
    spellings = [spelling for spelling in full_spellings(word) if spelling not in counts]
    held = zip(spellings, evidence.articles(spellings) if spellings else [], strict=True)
    counts.update((form, articles) for form, articles in held if articles)
    heard = "al" + word if article else word
    near = _near(heard, counts, evidence)
    if not near:
        return {}
    # the closest, a commoner one a little further before a rare one (ترامب, not ترومب, for Trump); the
    # search joins its other spellings (``variants``)
    best = min(near, key=lambda form: (_likeliness(heard, form, counts[form]), form))
    return {commonest[best][1] if best in commonest else evidence.written(best): counts[best]}


def _near(heard: str, counts: dict[str, int], evidence: Evidence) -> list[str]:
    """The forms (no stop word) that sound at most ``MAX_SOUNDS_APART`` a letter from a Latin word."""
    forms = [form for form, stem in zip(counts, evidence.stems(list(counts)), strict=True) if stem] if counts else []
    limit = MAX_SOUNDS_APART * len(sound_shape(heard))
    return [form for form in forms if sounds_apart(heard, form) <= limit]


def _likeliness(latin: str, form: str, articles: int) -> float:
    """How unlikely ``form`` is the Arabic spelling of a Latin word: how far apart they sound
    (``sounds_apart``, remembered per pair), less ``COMMONER`` for each tenfold of the articles that
    hold it (lower is likelier)."""
    return sounds_apart(latin, form) - COMMONER * math.log10(max(1, articles))


def _words(analyzer: Analyzer, text: str) -> Words:
    """Each word of ``text`` (stop words included): its normalized form and its term (None for a stop word)."""
    return tuple(
        (token.normalized, token.stem) for token in analyzer.tokens(text, keep_stopwords=True) if token.normalized
    )


def _each_in_articles(words: Words, evidence: Evidence, fewest: int) -> bool:
    """Whether every word (stop words aside) is in at least ``fewest`` articles as it is written."""
    content = [form for form, term in words if term]
    return all(count >= fewest for count in evidence.articles(content)) if content else True


def _all_held(words: Words, evidence: Evidence) -> bool:
    """Whether every word is in some article, as it is or by its term (a stop word always is)."""
    content = [(form, term) for form, term in words if term]
    if not content:
        return False  # only stop words: no reading to prefer
    counts = evidence.articles([form for form, _ in content])
    unheld = [term for (_, term), count in zip(content, counts, strict=True) if not count and term]
    if not unheld:
        return True
    return all(evidence.counts([TermQuery(ARTICLE_FIELD, term) for term in unheld]))


def _all_of(words: Words) -> EngineQuery:
    """The articles that hold every word (stop words aside), as it is or by its term."""
    return all_of(
        [any_of([TermQuery(ARTICLE_EXACT_FIELD, form), TermQuery(ARTICLE_FIELD, term)]) for form, term in words if term]
    )


__all__ = [
    "AS_TYPED_ARTICLES",
    "AS_TYPED_SHARE",
    "Evidence",
    "LayoutReading",
    "arabic_spellings_held",
    "judged",
    "layout_reading",
    "layout_rewrite",
    "rewritten",
    "surely_as_typed",
    "transliteration_rewrite",
]
