"""Split text into word tokens that remember where they came from.

Each span is a ``(start, end)`` pair of character offsets into the ORIGINAL
text, so ``text[start:end]`` is always the surface form, diacritics and
tatweel included: highlighting later marks exactly what the reader wrote.

مثال::

    >>> [text[s:e] for s, e in spans(text := "قالَ الوزيـــرُ: ٢٠١٥")]
    ['قالَ', 'الوزيـــرُ', '٢٠١٥']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Letters and digits of any script, except tatweel (which only joins).
_ALNUM = r"[^\W_\u0640]"
# Marks that belong to the preceding letter: harakat, superscript alef,
# Quranic marks, and any other combining mark (Latin accents, ...).
_MARK = r"[\u0300-\u036f\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed]"
# Characters that may sit INSIDE a word without splitting it: tatweel,
# zero-width (non-)joiners and bidi marks. They never start or end a token.
_JOINER = r"[\u0640\u200c-\u200f\u061c]"
# Numbers with grouping or decimal separators stay one token: 1,250.5 / ١٬٢٥٠٫٥
_NUMBER = r"\d+(?:[.,\u066b\u066c]\d+)+"

# A one-letter proclitic glued to a number (و٣٫٥, ب2015) is a word of its own.
_CLITIC_BEFORE_NUMBER = r"[وفبلك](?=\d)"

_WORD = rf"{_ALNUM}(?:{_ALNUM}|{_MARK}|{_JOINER}+(?={_ALNUM}|{_MARK}))*"

TOKEN_PATTERN = re.compile(rf"{_CLITIC_BEFORE_NUMBER}|{_NUMBER}|{_WORD}")


_MARKS_AND_JOINERS = re.compile(f"(?:{_MARK}|{_JOINER})+")


def unmarked(word: str) -> str:
    """``word`` as written without its marks (harakat, Quranic marks) and joiners (tatweel, ZWJ,
    direction marks): how a word is shown to a reader who types it (وِزَارَة → وزارة; its hamza,
    ة and ى stay)."""
    return _MARKS_AND_JOINERS.sub("", unicodedata.normalize("NFC", word))


def word_start(text: str, position: int) -> int:
    """Move a cut point left to the start of the whitespace-delimited word it falls in."""
    position = max(0, position)
    while position > 0 and not text[position - 1].isspace():
        position -= 1
    return position


def word_end(text: str, position: int) -> int:
    """Move a cut point right to the end of the whitespace-delimited word it falls in."""
    position = min(len(text), position)
    while position < len(text) and not text[position].isspace():
        position += 1
    return position


def spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` offsets of every word in ``text``, in order."""
    for match in TOKEN_PATTERN.finditer(text):
        yield match.span()
