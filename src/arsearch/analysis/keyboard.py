"""What a reader meant when the keyboard was on the other layout: the same keys read on the Arabic
layout (``fsl`` → ``بسم``), or on the English one (``لخخلمث`` → ``google``).

The keys come from the X keyboard configuration database (``data/keyboard.tsv``, written by
``scripts/build_keyboard_table.py`` from xkeyboard-config's US English and Arabic (101) layouts):
every key counts, those that type punctuation on the English layout but a letter on the Arabic one
too (``,`` و، ``;`` ك، ``'`` ط، ``[`` ج، ``]`` د، ``.`` ز، ``/`` ظ، the backquote ذ), shifted keys
(``H`` أ، ``Y`` إ، ``N`` آ) and the lam-alef keys (``b`` لا, ``G`` لأ, ``T`` لإ, ``B`` لآ). Whether a
reading is what the reader meant is the search's to decide, from the index's words
(``search.rewrite``).

مثال::

    >>> as_arabic("fsl hggi"), as_arabic("hgYs;k]vdm"), as_english("لخخلمث")
    ('بسم الله', 'الإسكندرية', 'google')
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

#: Arabic letters (and the marks typed with them): what tells an Arabic reading from a Latin one.
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], dict[int, str], dict[str, str]]:
    """The English layout's characters read on the Arabic layout; the Arabic letters read on the
    English layout (each key's unshifted and shifted character); and what the lam-alef keys type,
    with their key (لا: b)."""
    to_arabic: dict[int, str] = {}
    to_english: dict[int, str] = {}
    lam_alef: dict[str, str] = {}
    table = resources.files("arsearch.analysis").joinpath("data/keyboard.tsv").read_text(encoding="utf-8")
    for line in table.splitlines():
        if not line or line.startswith("#"):
            continue
        _, latin, latin_shifted, arabic, arabic_shifted = line.split("\t")
        for english, typed in ((latin, arabic), (latin_shifted, arabic_shifted)):
            if english == typed:
                continue
            to_arabic[ord(english)] = typed
            if len(typed) == 1 and _ARABIC.match(typed) and english.isascii():
                to_english.setdefault(ord(typed), english)
            elif len(typed) == 2 and _ARABIC.match(typed):
                lam_alef[typed] = english
    for presentation in range(0xFEF5, 0xFEFD):  # ﻵ ﻶ ﻷ ﻸ ﻹ ﻺ ﻻ ﻼ: a lam-alef typed as one character
        key = lam_alef.get(unicodedata.normalize("NFKC", chr(presentation)))
        if key is not None:
            to_english[presentation] = key
    return to_arabic, to_english, lam_alef


def as_arabic(text: str) -> str:
    """``text`` as its keys type it on the Arabic layout (characters of no key stay as they are).

    مثال::

        >>> as_arabic("hgHldv"), as_arabic("gh"), as_arabic("b"), as_arabic("gHk")
        ('الأمير', 'لا', 'لا', 'لأن')
    """
    return text.translate(_tables()[0])


def as_english(text: str) -> str:
    """``text`` as its keys type it on the English layout (characters of no key stay as they are);
    لا as the two keys ل and ا (``english_readings`` gives the lam-alef key's reading too).

    مثال::

        >>> as_english("لخخلمث"), as_english("شححمث")
        ('google', 'apple')
    """
    return text.translate(_tables()[1])


def english_readings(text: str) -> list[str]:
    """``text`` read on the English layout, every way its keys may have been typed: لا (and لأ لإ لآ)
    is one key on the Arabic layout or two, so a text that holds one has two readings, the one key's
    first (``b`` is a commoner letter in English than ``gh``).

    مثال::

        >>> english_readings("ؤمعلا"), english_readings("لخخلمث")
        (['club', 'clugh'], ['google'])
    """
    _, to_english, lam_alef = _tables()
    one_key = text
    for letters, key in lam_alef.items():
        one_key = one_key.replace(letters, key)
    readings = [one_key.translate(to_english), text.translate(to_english)]
    return list(dict.fromkeys(readings))


def typed_in_latin(text: str) -> bool:
    """Whether ``text`` has Latin letters and no Arabic ones: what the English layout types."""
    return bool(_LATIN.search(text)) and not _ARABIC.search(text)


def typed_in_arabic(text: str) -> bool:
    """Whether ``text`` has Arabic letters and no Latin ones: what the Arabic layout types."""
    return bool(_ARABIC.search(text)) and not _LATIN.search(text)


__all__ = ["as_arabic", "as_english", "english_readings", "typed_in_arabic", "typed_in_latin"]
