"""The Arabic stop list, shipped as ``data/stopwords.txt`` and configurable.

The list is normalized with the same rules as the text (``normalize_word``),
so it matches whatever spelling a document or a query uses.

مثال::

    >>> "الي" in default_stopwords()      # إلى after normalization
    True
    >>> words = load_stopwords(extra=["قال"], remove=["كيف"])
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .normalize import normalize_word

DATA_FILE = "stopwords.txt"


def parse_stopword_lines(lines: Iterable[str]) -> frozenset[str]:
    """Normalized words of a stop-word file: one per line, '#' comments."""
    words = set()
    for line in lines:
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(normalize_word(word))
    words.discard("")
    return frozenset(words)


@lru_cache(maxsize=1)
def default_stopwords() -> frozenset[str]:
    """The shipped stop list, normalized."""
    text = resources.files("arsearch.analysis").joinpath("data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return parse_stopword_lines(text.splitlines())


def load_stopwords(
    path: str | Path | None = None,
    *,
    extra: Iterable[str] = (),
    remove: Iterable[str] = (),
) -> frozenset[str]:
    """Build a stop list: a file of your own (or the default), plus and minus words."""
    if path is None:
        base = default_stopwords()
    else:
        base = parse_stopword_lines(Path(path).read_text(encoding="utf-8").splitlines())
    removed = {normalize_word(w) for w in remove}
    return (base | parse_stopword_lines(extra)) - removed
