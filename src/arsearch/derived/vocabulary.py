"""The words and stems of one commit with their document counts: did-you-mean, ``word~``, autocomplete.

Built from the engine's term dictionary on first use after a commit
(``store.Snapshot.vocabulary``); edits are generated over normalized forms,
so only real typing slips remain to be found.

مثال::

    >>> vocabulary = index.snapshot().vocabulary()          # doctest: +SKIP
    >>> vocabulary.within("المملكلة", 1)[:1]                  # doctest: +SKIP
    [('المملكة', 412)]
"""

from __future__ import annotations

import bisect
from functools import cached_property

from ..engine.base import Snapshot
from ..engine.schema import ARTICLE_EXACT_FIELD, ARTICLE_FIELD

#: Letters tried when editing an Arabic word (normalized forms: no alef or yeh variants).
ARABIC_LETTERS = "ءابتثجحخدذرزسشصضطظعغفقكلمنهويؤئ"
LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
#: Autocomplete answers for prefixes this short are kept per commit.
CACHED_PREFIX = 3
CACHED_COMPLETIONS = 50


def _edits(word: str, *, cheap: bool = False) -> set[str]:
    """Every string one edit (delete, swap, replace, insert) away from ``word``.

    ``cheap``: only deletions, swaps and doubled letters, which need no
    alphabet: tens of strings instead of ~70 per letter.
    """
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {left + right[1:] for left, right in splits if right}
    edits.update(left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1)
    if cheap:
        edits.update(left + right[0] + right for left, right in splits if right)
    else:
        alphabet = ARABIC_LETTERS if any(ch in ARABIC_LETTERS for ch in word) else LATIN_LETTERS
        edits.update(left + letter + right[1:] for left, right in splits if right for letter in alphabet)
        edits.update(left + letter + right for left, right in splits for letter in alphabet)
    edits.discard(word)
    return edits


class Vocabulary:
    """The words (normalized forms) and stems of one commit, with document counts.

    Counts are articles (the text fields hold the title's words too); they
    may include deleted articles until the engine merges them away, which is
    fine for ranking suggestions.
    """

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._completions: dict[str, list[tuple[str, int]]] = {}
        #: How each normalized form looked up so far is most often written (``store.Snapshot.spelling``).
        self.spellings: dict[str, str] = {}
        #: What layers above build once per commit from these words (``store.Snapshot.spelling_judge``).
        self.built: dict[str, object] = {}

    def _counts(self, field_name: str) -> dict[str, int]:
        return dict(self._snapshot.terms(field_name))

    # the text fields hold the title's words too, so their counts are articles
    @cached_property
    def forms(self) -> dict[str, int]:
        return self._counts(ARTICLE_EXACT_FIELD)

    def forms_read(self) -> bool:
        """Whether ``forms`` is read already for this commit (a look-up of many words read it: for
        31k articles ~0.2-0.5 s, as long as ~40k document counts asked of the engine one by one)."""
        return "forms" in vars(self)

    @cached_property
    def stems(self) -> dict[str, int]:
        return self._counts(ARTICLE_FIELD)

    @cached_property
    def sorted_forms(self) -> list[str]:
        """The words in code-point order (``starts_any``), sorted once per commit."""
        return sorted(self.forms)

    def starts_any(self, prefix: str) -> bool:
        """Whether some word of the commit starts with ``prefix``."""
        words = self.sorted_forms
        at = bisect.bisect_left(words, prefix)
        return at < len(words) and words[at].startswith(prefix)

    def count(self, term: str, *, stemmed: bool = False) -> int:
        return (self.stems if stemmed else self.forms).get(term, 0)

    def within(self, term: str, distance: int, *, stemmed: bool = False) -> list[tuple[str, int]]:
        """Known terms ``distance`` edits or fewer from ``term`` (itself included), commonest first.

        The first edit is any edit; later ones only delete, swap or double a
        letter (typing slips), which keeps the work per word bounded: a full
        second edit of a 13-letter word is over a million strings (~0.7 s).
        """
        counts = self.stems if stemmed else self.forms
        frontier = {term}
        seen = {term}
        for step in range(distance):
            frontier = {edit for word in frontier for edit in _edits(word, cheap=step > 0)} - seen
            seen |= frontier
        near = [(word, counts[word]) for word in seen if word in counts]
        return sorted(near, key=lambda pair: (-pair[1], pair[0]))

    def complete(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """The commonest words starting with ``prefix``."""
        if len(prefix) <= CACHED_PREFIX and limit <= CACHED_COMPLETIONS:
            cached = self._completions.get(prefix)
            if cached is None:
                cached = self._completions[prefix] = self._top_words(prefix, CACHED_COMPLETIONS)
            return cached[:limit]
        return self._top_words(prefix, limit)

    def _top_words(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        return self._snapshot.terms(ARTICLE_EXACT_FIELD, prefix, limit=limit)
