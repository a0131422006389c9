"""Did-you-mean corrections and autocomplete, from the index's own vocabulary.

Normalization already makes the commonest slips harmless (ة/ه, ى/ي, hamza
forms, diacritics). What is left is corrected here: a letter doubled,
dropped, swapped or mistyped (edit distance over normalized forms, ranked by
document frequency), and two words typed without the space between them.

مثال::

    >>> index.search("المملكلة").suggestion        # doctest: +SKIP
    'المملكة'
    >>> [s.text for s in index.suggest("اقتص")]     # doctest: +SKIP
    ['اقتصادي', 'اقتصاد', ...]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .query import ParsedQuery, Word

if TYPE_CHECKING:
    import tantivy

    from .index import Index

#: Look for a correction when a query finds fewer results than this.
SUGGEST_BELOW = 3
#: A word is suspect when it occurs in fewer documents than this.
RARE_WORD_DOCS = 2
#: Did-you-mean looks at this many unknown words of a query at most, each no
#: longer than this: the time per query stays bounded whatever is typed.
MAX_CORRECTED_WORDS = 8
MAX_CORRECTABLE_LETTERS = 20
MIN_SPLIT_PART = 2
#: Letters tried when editing an Arabic word (normalized forms: no alef or yeh variants).
ARABIC_LETTERS = "ءابتثجحخدذرزسشصضطظعغفقكلمنهويؤئ"
LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
#: Autocomplete answers for prefixes this short are kept per commit.
CACHED_PREFIX = 3
CACHED_COMPLETIONS = 20


@dataclass(frozen=True)
class Suggestion:
    """One completion: the word (normalized form) and how many articles contain it."""

    text: str
    doc_count: int


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
    include deleted articles until tantivy merges their segments, which is
    fine for ranking suggestions. Built from tantivy's term dictionary.
    """

    def __init__(self, searcher: tantivy.Searcher) -> None:
        self._searcher = searcher
        self._completions: dict[str, list[tuple[str, int]]] = {}

    def _counts(self, field_name: str) -> dict[str, int]:
        return dict(self._searcher.terms_with_prefix(field_name, ""))

    # the text fields hold the title's words too, so their counts are articles
    @cached_property
    def forms(self) -> dict[str, int]:
        return self._counts("text_exact")

    @cached_property
    def stems(self) -> dict[str, int]:
        return self._counts("text")

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
        return list(self._searcher.terms_with_prefix("text_exact", prefix, limit=limit))


def _nearest(vocabulary: Vocabulary, form: str, *, stemmed: bool) -> str | None:
    """The most frequent known term near ``form``: one edit away, or two for long words."""
    for distance in (1, 2) if len(form) >= 6 else (1,):
        near = [(w, c) for w, c in vocabulary.within(form, distance, stemmed=stemmed) if w != form]
        near = [(w, c) for w, c in near if c >= RARE_WORD_DOCS]
        if near:
            return near[0][0]
    return None


def _correct_word(vocabulary: Vocabulary, form: str, stem: str | None) -> str | None:
    """A near known word (exact forms, or stems: تطعيمم → تطعيم), or the word split in two."""
    # a whole word is shown when there is one; a stem only when no word is near
    near = _nearest(vocabulary, form, stemmed=False)
    if near is None and stem:
        near = _nearest(vocabulary, stem, stemmed=True)
    if near is not None:
        return near
    splits = []
    for cut in range(MIN_SPLIT_PART, len(form) - MIN_SPLIT_PART + 1):
        left, right = form[:cut], form[cut:]
        frequency = min(vocabulary.count(left), vocabulary.count(right))
        if frequency >= RARE_WORD_DOCS:
            splits.append((frequency, f"{left} {right}"))
    return max(splits)[1] if splits else None


def did_you_mean(index: Index, parsed: ParsedQuery, total: int) -> str | None:
    """A corrected query when this one found (almost) nothing, else None."""
    if total >= SUGGEST_BELOW:
        return None
    words = [n for n in parsed.root.should + parsed.root.must if isinstance(n, Word) and not n.field]
    if not words:
        return None
    vocabulary = index.vocabulary()
    light = index.analyzer
    corrected = []
    changed = False
    attempts = 0
    for word in words:
        tokens = list(light.tokens(word.text, keep_stopwords=True))
        stems = [t.stem for t in tokens if t.stem]
        if word.prefix or word.fuzzy or not stems:
            corrected.append(word.text)
            continue
        forms = [t.normalized for t in tokens]
        known_stem = any(vocabulary.count(stem, stemmed=True) for stem in stems)
        if (
            len(forms) == 1
            and not known_stem
            and vocabulary.count(forms[0]) < RARE_WORD_DOCS
            and len(forms[0]) <= MAX_CORRECTABLE_LETTERS
            and attempts < MAX_CORRECTED_WORDS
        ):
            attempts += 1
            fix = _correct_word(vocabulary, forms[0], stems[0])
            if fix:
                corrected.append(fix)
                changed = True
                continue
        corrected.append(word.text)
    return " ".join(corrected) if changed else None


def autocomplete(index: Index, prefix: str, limit: int = 10) -> list[Suggestion]:
    """Completions of the last word of ``prefix``, most frequent first.

    The earlier words are kept, so "وزير الخار" completes to "وزير الخارجيه".
    """
    head, _, last = prefix.rstrip().rpartition(" ") if prefix.strip() else ("", "", "")
    forms = [t.normalized for t in index.analyzer.tokens(last, keep_stopwords=True)]
    if len(forms) != 1 or prefix.endswith(" "):
        return []
    lead = f"{head} " if head else ""
    vocabulary = index.vocabulary()
    return [Suggestion(lead + word, count) for word, count in vocabulary.complete(forms[0], max(1, limit))]
