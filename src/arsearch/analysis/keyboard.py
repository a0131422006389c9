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
from functools import lru_cache
from importlib import resources

#: Arabic letters (and the marks typed with them): what tells an Arabic reading from a Latin one.
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], dict[int, str]]:
    """The English layout's characters read on the Arabic layout, and the Arabic letters read on the
    English layout (each key's unshifted and shifted character)."""
    to_arabic: dict[int, str] = {}
    to_english: dict[int, str] = {}
    table = resources.files("arsearch.analysis").joinpath("data/keyboard.tsv").read_text(encoding="utf-8")
    for line in table.splitlines():
        if not line or line.startswith("#"):
            continue
        _, latin, latin_shifted, arabic, arabic_shifted = line.split("\t")
        for english, typed in ((latin, arabic), (latin_shifted, arabic_shifted)):
            if english != typed:
                to_arabic[ord(english)] = typed
                # an Arabic letter read back as its key (لا, two letters, is read as ل then ا)
                if len(typed) == 1 and _ARABIC.match(typed) and english.isascii():
                    to_english.setdefault(ord(typed), english)
    return to_arabic, to_english


def as_arabic(text: str) -> str:
    """``text`` as its keys type it on the Arabic layout (characters of no key stay as they are).

    مثال::

        >>> as_arabic("hgHldv"), as_arabic("gh"), as_arabic("b"), as_arabic("gHk")
        ('الأمير', 'لا', 'لا', 'لأن')
    """
    return text.translate(_tables()[0])


def as_english(text: str) -> str:
    """``text`` as its keys type it on the English layout (characters of no key stay as they are).

    مثال::

        >>> as_english("لخخلمث"), as_english("شححمث")
        ('google', 'apple')
    """
    return text.translate(_tables()[1])


def typed_in_latin(text: str) -> bool:
    """Whether ``text`` has Latin letters and no Arabic ones: what the English layout types."""
    return bool(_LATIN.search(text)) and not _ARABIC.search(text)


def typed_in_arabic(text: str) -> bool:
    """Whether ``text`` has Arabic letters and no Latin ones: what the Arabic layout types."""
    return bool(_ARABIC.search(text)) and not _LATIN.search(text)


__all__ = ["as_arabic", "as_english", "typed_in_arabic", "typed_in_latin"]
