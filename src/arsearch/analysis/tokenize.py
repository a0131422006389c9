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
from collections.abc import Iterator

# the same one-for-one folding highlighting uses to find candidate words (normalize.candidate_spans)
from .normalize import NormalizationOptions, _same_length_folding

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


def without_marks(text: str) -> str:
    """``text`` without its marks (harakat, Quranic marks) and joiners (tatweel, ZWJ, direction marks):
    a word as a reader types it (وِزَارَةُ → وزارة)."""
    return _MARKS_AND_JOINERS.sub("", text)


def written_otherwise(form: str) -> bool:
    """Whether the word whose normalized form is ``form`` is, in practice, written otherwise: with an
    alef (whose hamza forms vary), a final ي or ه (ى, ة) or a Latin letter (case). Other words are
    shown as they are, without looking them up."""
    return "ا" in form or form[-1:] in ("ي", "ه") or any(c.isascii() and c.isalpha() for c in form)


def written_forms(text: str, form: str, options: NormalizationOptions = NormalizationOptions()) -> Iterator[str]:
    """Each place ``text`` writes the word whose normalized form is ``form``, as written there
    without its marks and tatweel (وزارةُ → وزارة, إلى for الي): a cheap stand-in for analyzing
    the text word by word. The text's letters are folded one for one (ة → ه, أ → ا, ى → ي, case),
    so each match's place in the folded text is its place in the text without marks.

    مثال::

        >>> list(written_forms("زارت وزارةُ الصحة الوزارة", "وزاره"))
        ['وزارة']
    """
    plain = without_marks(text)
    folded = plain.translate(_same_length_folding(options.fold_hamza_carriers))
    at = folded.find(form)
    while at >= 0:
        end = at + len(form)
        if (at == 0 or not folded[at - 1].isalnum()) and (end == len(folded) or not folded[end].isalnum()):
            yield plain[at:end]
        at = folded.find(form, end)


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
