"""Character-level normalization of Arabic (and mixed) words, as data tables.

Every rule lives in one of the tables below so the documentation
(``docs/analysis.md``) and the code cannot drift apart. Normalization works on
single tokens; offsets into the original text are kept by the tokenizer.

مثال::

    >>> normalize_word("المَمْلَكَةُ")
    'المملكه'
    >>> normalize_word("إِسْلامـــيّ")
    'اسلامي'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

#: Code points removed outright: harakat, tanween, shadda, sukun, superscript
#: alef, Quranic annotation marks, tatweel, zero-width joiners and bidi marks.
REMOVED_CHARS: dict[str, str] = {
    **{chr(c): "harakat / tanween / shadda / sukun" for c in range(0x064B, 0x0660)},
    "\u0670": "superscript (dagger) alef",
    **{chr(c): "Quranic annotation mark" for c in range(0x06D6, 0x06EE) if c not in (0x06DE, 0x06E9)},
    "\u0640": "tatweel (kashida)",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u061c": "Arabic letter mark",
}

#: Letter variants folded to one letter (spelling variation and typing habits).
FOLDED_LETTERS: dict[str, str] = {
    "أ": "ا",  # alef with hamza above
    "إ": "ا",  # alef with hamza below
    "آ": "ا",  # alef with madda
    "ٱ": "ا",  # alef wasla
    "ى": "ي",  # alef maqsura written for final yeh (and vice versa)
    "ک": "ك",  # Persian keheh
    "ی": "ي",  # Persian yeh
    "ۀ": "ه",  # heh with yeh above
    "ھ": "ه",  # heh doachashmee
    "ہ": "ه",  # heh goal
    "ۃ": "ة",  # teh marbuta goal
}

#: Digits folded to ASCII so ٢٠١٥, ۲۰۱۵ and 2015 are one term.
FOLDED_DIGITS: dict[str, str] = {
    **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic
    **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian / Urdu
    "٫": ".",  # Arabic decimal separator
}

#: Separators inside numbers that are dropped (thousands grouping).
NUMBER_GROUPING = ("٬", ",")

#: Teh marbuta is folded last, after stemming (it marks the feminine suffix,
#: which the stemmer needs to see); ``normalize_word`` folds it directly.
TEH_MARBUTA = "ة"

#: Optional folding of hamza on waw/yeh carriers. Off by default, like
#: Lucene's ArabicNormalizer; see benchmarks/RESULTS.md for the measurement.
HAMZA_CARRIERS: dict[str, str] = {"ؤ": "و", "ئ": "ي"}


@dataclass(frozen=True)
class NormalizationOptions:
    """Switches for the few rules whose benefit depends on the collection."""

    fold_hamza_carriers: bool = False
    fold_teh_marbuta: bool = True


def _build_table(fold_hamza_carriers: bool) -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(c): None for c in REMOVED_CHARS}
    table.update({ord(k): v for k, v in FOLDED_LETTERS.items()})
    table.update({ord(k): v for k, v in FOLDED_DIGITS.items()})
    if fold_hamza_carriers:
        table.update({ord(k): v for k, v in HAMZA_CARRIERS.items()})
    return table


_TABLES = {flag: _build_table(flag) for flag in (False, True)}


def normalize_word(word: str, options: NormalizationOptions = NormalizationOptions()) -> str:
    """Return the normalized form of one token (see ``docs/analysis.md``).

    Presentation forms and other compatibility characters go through NFKC,
    Latin letters are case-folded, and the tables above are applied. The result
    may be empty (a token made only of marks or tatweel).
    """
    if not word.isascii():
        # Presentation forms (U+FB50-U+FEFF), ligatures such as ﻻ or ﷲ, and
        # full-width letters all decompose under NFKC.
        word = unicodedata.normalize("NFKC", word)
    table = _TABLES[options.fold_hamza_carriers]
    word = word.casefold().translate(table)
    if not word.isascii() and not unicodedata.is_normalized("NFKC", word):
        # removing a joiner between two combining marks can leave them out of
        # canonical order; one more pass makes the result stable (idempotent)
        word = unicodedata.normalize("NFKC", word).casefold().translate(table)
    if word[:1].isdigit():
        for sep in NUMBER_GROUPING:
            word = word.replace(sep, "")
    if options.fold_teh_marbuta:
        word = word.replace(TEH_MARBUTA, "ه")
    return word


def normalize_words(words: Iterable[str], options: NormalizationOptions = NormalizationOptions()) -> list[str]:
    """``normalize_word`` of each word, in one pass over them all: a table of tens of thousands of
    words loads in a tenth of the time (every step but the number grouping is letter by letter, and
    a line break is left as it is, so the words are normalized as one text and split again).

    مثال::

        >>> normalize_words(["أحمد", "مدرسة", "٢٠١٥"])
        ['احمد', 'مدرسه', '2015']
    """
    words = list(words)
    if not words or any("\n" in word for word in words):
        return [normalize_word(word, options) for word in words]
    # a line break first: the number grouping rule reads the text's first character
    folded = normalize_word("\n" + "\n".join(words), options).split("\n")[1:]
    if len(folded) != len(words):  # not expected: one by one, rather than a wrong table
        return [normalize_word(word, options) for word in words]
    for number, form in enumerate(folded):
        if form[:1].isdigit():  # number grouping goes by the word's first character
            folded[number] = normalize_word(words[number], options)
    return folded


@lru_cache(maxsize=2)
def _same_length_folding(fold_hamza_carriers: bool) -> dict[int, str]:
    """The normalization table's one-to-one foldings (offsets survive), ة → ه included, plus A-Z → a-z."""
    table = {
        code: "ه" if letter == TEH_MARBUTA else letter
        for code, letter in _TABLES[fold_hamza_carriers].items()
        if letter is not None and len(letter) == 1
    }
    table[ord(TEH_MARBUTA)] = "ه"
    table.update({c: chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})
    return table


_REMOVED = re.compile("[" + "".join(re.escape(c) for c in REMOVED_CHARS) + "]+")


def candidate_spans(
    text: str, pieces: set[str], options: NormalizationOptions = NormalizationOptions()
) -> list[tuple[int, int]]:
    """Where in ``text`` a word whose normalized form contains one of ``pieces`` may be.

    A cheap superset for highlighting long texts: the pieces are looked up in
    the text with its letters folded (same length, so offsets hold), and every
    place with marks or tatweel (which normalization removes, so a piece may
    be split by them) is a candidate too. NFKC-only spellings are not seen.
    """
    folded = text.translate(_same_length_folding(options.fold_hamza_carriers))
    found = [m.span() for m in _REMOVED.finditer(text)]
    for piece in pieces:
        at = folded.find(piece)
        while at >= 0:
            found.append((at, at + len(piece)))
            at = folded.find(piece, at + 1)
    return sorted(found)


def fold_teh_marbuta(word: str) -> str:
    """Apply the last rule, ة → ه, to a form normalized without it."""
    return word.replace(TEH_MARBUTA, "ه")
