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

import bisect
import heapq
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .analysis import get_analyzer
from .query import ParsedQuery, Word

if TYPE_CHECKING:
    from .index import Index

#: Look for a correction when a query finds fewer results than this.
SUGGEST_BELOW = 3
#: A word is suspect when it occurs in fewer documents than this.
RARE_WORD_DOCS = 2
#: Autocomplete looks at no more vocabulary entries than this per call
#: (prefixes of 1-3 letters are answered from a precomputed table).
MAX_COMPLETION_SCAN = 5000
MIN_SPLIT_PART = 2


@dataclass(frozen=True)
class Suggestion:
    """One completion: the word (normalized form) and how many articles contain it."""

    text: str
    doc_count: int


def _doc_frequency(reader: Any, term: str, *, stemmed: bool = False) -> int:
    """Documents with ``term`` in text or title (exact forms, or stems)."""
    text, title = ("text", "title") if stemmed else ("text_exact", "title_exact")
    return int(reader.doc_frequency(text, term) + reader.doc_frequency(title, term))


def _nearest(reader: Any, fieldname: str, form: str, frequency: Any) -> tuple[int, int, str] | None:
    """The most frequent known term near ``form``: (documents, -distance, term)."""
    best: tuple[int, int, str] | None = None
    for distance in (1, 2) if len(form) >= 6 else (1,):
        for candidate in reader.terms_within(fieldname, form, distance):
            count = frequency(candidate)
            if candidate != form and count >= RARE_WORD_DOCS:
                key = (count, -distance, candidate)
                best = max(best, key) if best else key
        if best:
            return best
    return None


def _correct_word(reader: Any, form: str, stem: str | None) -> str | None:
    """A near known word (exact forms, or stems: تطعيمم → تطعيم), or the word split in two."""
    # a whole word is shown when there is one; a stem only when no word is near
    near = _nearest(reader, "text_exact", form, lambda term: _doc_frequency(reader, term))
    if near is None and stem:
        near = _nearest(reader, "text", stem, lambda term: _doc_frequency(reader, term, stemmed=True))
    if near is not None:
        return near[2]
    splits = []
    for cut in range(MIN_SPLIT_PART, len(form) - MIN_SPLIT_PART + 1):
        left, right = form[:cut], form[cut:]
        frequency = min(_doc_frequency(reader, left), _doc_frequency(reader, right))
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
    reader = index.searcher().reader()
    exact = get_analyzer("exact")
    light = get_analyzer(index.profile)
    corrected = []
    changed = False
    for word in words:
        if word.prefix or word.fuzzy or not light.terms(word.text):
            corrected.append(word.text)
            continue
        forms = [t.normalized for t in exact.tokens(word.text)]
        stems = light.terms(word.text)
        known_stem = any(_doc_frequency(reader, stem, stemmed=True) for stem in stems)
        if len(forms) == 1 and not known_stem and _doc_frequency(reader, forms[0]) < RARE_WORD_DOCS:
            fix = _correct_word(reader, forms[0], stems[0] if stems else None)
            if fix:
                corrected.append(fix)
                changed = True
                continue
        corrected.append(word.text)
    return " ".join(corrected) if changed else None


class CompletionTable:
    """Every indexed word with its document count, sorted, plus the best
    completions of every 1-3 letter prefix precomputed: short prefixes match
    tens of thousands of words, so they are answered from the table; longer
    ones scan their (short) slice of the sorted vocabulary.

    Built once per index generation, on the first ``suggest`` after a commit
    (about 5 s for the 31k-article SaudiNewsNet index; a server can warm it
    with ``index.completion_table()`` at start-up).
    """

    PRECOMPUTED_PREFIX = 3
    KEEP = 20

    def __init__(self, reader: Any) -> None:
        counts: dict[str, int] = {}
        # Segment by segment: Whoosh's merged view of many segments is ~10x slower.
        leaves = [leaf for leaf, _ in reader.leaf_readers()] if reader.doc_count_all() else []
        for leaf in leaves:
            for fieldname in ("title_exact", "text_exact"):
                for term, info in leaf.iter_field(fieldname):
                    word = term.decode("utf-8") if isinstance(term, bytes) else term
                    counts[word] = counts.get(word, 0) + int(info.doc_frequency())
        self.words = sorted(counts)
        self.counts = counts
        best: dict[str, list[tuple[int, str]]] = {}
        for word, count in counts.items():
            for length in range(1, min(self.PRECOMPUTED_PREFIX, len(word)) + 1):
                heap = best.setdefault(word[:length], [])
                if len(heap) < self.KEEP:
                    heapq.heappush(heap, (count, word))
                elif (count, word) > heap[0]:
                    heapq.heapreplace(heap, (count, word))
        self.short = {prefix: sorted(heap, reverse=True) for prefix, heap in best.items()}

    def complete(self, form: str, limit: int) -> list[tuple[str, int]]:
        if len(form) <= self.PRECOMPUTED_PREFIX and limit <= self.KEEP:
            return [(word, count) for count, word in self.short.get(form, [])[:limit]]
        start = bisect.bisect_left(self.words, form)
        candidates = []
        for word in itertools.islice(self.words, start, start + MAX_COMPLETION_SCAN):
            if not word.startswith(form):
                break
            candidates.append((self.counts[word], word))
        return [(word, count) for count, word in heapq.nlargest(limit, candidates)]


def autocomplete(index: Index, prefix: str, limit: int = 10) -> list[Suggestion]:
    """Completions of the last word of ``prefix``, most frequent first.

    The earlier words are kept, so "وزير الخار" completes to "وزير الخارجيه".
    """
    head, _, last = prefix.rstrip().rpartition(" ") if prefix.strip() else ("", "", "")
    forms = [t.normalized for t in get_analyzer("exact").tokens(last)]
    if len(forms) != 1 or prefix.endswith(" "):
        return []
    lead = f"{head} " if head else ""
    table = index.completion_table()
    return [Suggestion(lead + word, count) for word, count in table.complete(forms[0], max(1, limit))]
