"""Near-duplicate fingerprints: bottom-k MinHash sketches of word 3-gram shingles.

A wire story printed by several papers keeps most of its sentences while the
title, the first line or the byline change. Two such texts share most of
their 3-word shingles (high Jaccard similarity). Each text gets a sketch: the
``SKETCH_SIZE`` smallest 32-bit hashes of its shingles. Two sketches estimate
the Jaccard similarity of the shingle sets (bottom-k estimator); the
``BAND_SIZE`` smallest are indexed as keys, so candidates are found by a
query (texts sharing at least ``MIN_SHARED_KEYS`` keys) and then verified.

مثال::

    >>> words = "قال الوزير إن المملكة ماضية في دعم الاستقرار في المنطقة وتعزيز التعاون".split()
    >>> similarity(sketch(["وقال", *words[1:]]), sketch(words)) > 0.7
    True
"""

from __future__ import annotations

import heapq
import struct
import threading
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .speedups import compiled

if TYPE_CHECKING:  # numpy is imported by the pure-Python path only: an analysis worker starts ~40 ms sooner
    import numpy as np

SHINGLE_WORDS = 3
SKETCH_SIZE = 128
BAND_SIZE = 16
MIN_SHARED_KEYS = 2
#: Estimated Jaccard similarity of shingles from which two texts are one story
#: (below the 0.5 often quoted, because the estimate is noisy near the threshold).
DUPLICATE_SIMILARITY = 0.4
#: Texts with fewer words than this get no sketch (too short to judge).
MIN_WORDS = 8

_PACK = struct.Struct(f"<{SKETCH_SIZE}I")


def sketch(words: Sequence[str]) -> tuple[int, ...]:
    """The smallest ``SKETCH_SIZE`` shingle hashes, ascending (empty for short texts).

    ``words`` are normalized forms, so diacritics and spelling variants do not
    hide a copy.
    """
    if len(words) < MIN_WORDS:
        return ()
    # consecutive runs of SHINGLE_WORDS words (the shorter tails are dropped on purpose)
    shingles = map(" ".join, zip(*(words[start:] for start in range(SHINGLE_WORDS)), strict=False))
    hashes = {zlib.crc32(shingle.encode("utf-8", "surrogatepass")) for shingle in shingles}
    return tuple(heapq.nsmallest(SKETCH_SIZE, hashes))


def numbered_sketch(words: Sequence[str], numbers: Sequence[int]) -> tuple[int, ...]:
    """``sketch([words[n] for n in numbers])``, computed in bulk (the indexing fast path).

    ``words`` is a table of distinct words that only ever grows (empty
    strings are not words and are skipped); ``numbers`` is a text as indexes
    into it. Gives exactly what ``sketch`` gives, about ten times faster.
    """
    if compiled is not None and isinstance(words, list) and isinstance(numbers, list):
        values = compiled.sketch(words, numbers, SKETCH_SIZE, SHINGLE_WORDS, MIN_WORDS)
        if values is not None:  # None: a word with a lone surrogate, which only the Python way encodes
            return values
    hasher = getattr(_hashers, "hasher", None)
    if hasher is None:
        hasher = _hashers.hasher = _ShingleHasher()
    return hasher.sketch(words, numbers)


#: Longest word (in UTF-8 bytes, with its space) the bulk path handles; longer ones go the plain way.
_LONGEST_WORD_BYTES = 1024

_hashers = threading.local()  # one per thread: each keeps per-word arrays for the table it last saw


class _ShingleHasher:
    """CRC-32 of every shingle from per-word CRCs, by the linearity of CRCs.

    crc32(A + B) = shift(crc32(A), len(B)) ^ crc32(B), where shift(x, n) is
    crc32(n zero bytes, start=x) ^ crc32(n zero bytes): linear in x, so it is
    four table look-ups, one per byte of x, for each length n. A shingle
    "a b c" is crc32(a) shifted by " b" and " c" with their CRCs added, so
    each distinct word is hashed once and every shingle costs a few numpy
    operations.
    """

    def __init__(self) -> None:
        import numpy as np

        self._words: Sequence[str] | None = None
        self._known = 0
        self._alone = np.zeros(0, dtype=np.uint32)  # crc32(word)
        self._spaced = np.zeros(0, dtype=np.uint32)  # crc32(" " + word)
        self._spaced_bytes = np.zeros(0, dtype=np.int64)  # len((" " + word).encode()); 0: not a word
        self._shifts = np.zeros((0, 4, 256), dtype=np.uint32)

    def sketch(self, words: Sequence[str], numbers: Sequence[int]) -> tuple[int, ...]:
        import numpy as np

        if words is not self._words:
            self._words, self._known = words, 0
        if len(words) > self._known:
            self._learn(words)
        chosen = np.array(numbers, dtype=np.int64)
        chosen = chosen[self._spaced_bytes[chosen] > 0]
        if len(chosen) < MIN_WORDS:
            return ()
        lengths = self._spaced_bytes[chosen]
        if lengths.max() > _LONGEST_WORD_BYTES:
            return sketch([words[number] for number in chosen.tolist()])
        self._extend_shifts(int(lengths.max()))
        hashes = self._alone[chosen[:-2]]
        for offset in (1, 2):
            following = chosen[offset : len(chosen) - 2 + offset]
            hashes = self._shifted(hashes, self._spaced_bytes[following]) ^ self._spaced[following]
        return tuple(np.unique(hashes)[:SKETCH_SIZE].tolist())

    def _learn(self, words: Sequence[str]) -> None:
        import numpy as np

        size = len(words)  # the table may grow meanwhile (another thread): take what is there now
        new = [word.encode("utf-8", "surrogatepass") for word in words[self._known : size]]
        if size > len(self._alone):
            capacity = max(size, 2 * len(self._alone), 1024)
            for name in ("_alone", "_spaced", "_spaced_bytes"):
                old = getattr(self, name)
                grown = np.zeros(capacity, dtype=old.dtype)
                grown[: self._known] = old[: self._known]
                setattr(self, name, grown)
        span = slice(self._known, size)
        self._alone[span] = [zlib.crc32(word) for word in new]
        self._spaced[span] = [zlib.crc32(b" " + word) for word in new]
        self._spaced_bytes[span] = [len(word) + 1 if word else 0 for word in new]
        self._known = size

    def _extend_shifts(self, longest: int) -> None:
        import numpy as np

        have = len(self._shifts)
        if longest < have:
            return
        grown = np.zeros((longest + 1, 4, 256), dtype=np.uint32)
        grown[:have] = self._shifts
        for length in range(have, longest + 1):
            zeros = bytes(length)
            base = zlib.crc32(zeros)
            for byte in range(4):
                grown[length, byte] = [zlib.crc32(zeros, value << (8 * byte)) ^ base for value in range(256)]
        self._shifts = grown

    def _shifted(self, hashes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        tables = self._shifts
        shifted: np.ndarray = (
            tables[lengths, 0, hashes & 0xFF]
            ^ tables[lengths, 1, (hashes >> 8) & 0xFF]
            ^ tables[lengths, 2, (hashes >> 16) & 0xFF]
            ^ tables[lengths, 3, hashes >> 24]
        )
        return shifted


def band_keys(values: Sequence[int]) -> list[str]:
    """The indexed keys of a sketch: its smallest hashes, as text terms."""
    return [format(value, "08x") for value in values[:BAND_SIZE]]


def similarity(first: Sequence[int], second: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the two shingle sets (0 when either is empty)."""
    if not first or not second:
        return 0.0
    firsts = set(first)
    return _estimate(firsts, firsts.intersection(second), second, min(SKETCH_SIZE, len(first), len(second)))


def _estimate(firsts: set[int], both: set[int], second: Sequence[int], size: int) -> float:
    # set operations and a sort in C: a third of heapq.nsmallest's time (each hit of a search is
    # compared with the stories above it)
    union = sorted(firsts.union(second))[:size]
    return len(both.intersection(union)) / len(union)


def is_duplicate(first: Sequence[int], second: Sequence[int]) -> bool:
    if not first or not second:
        return False
    # the estimate counts shared hashes among `size` values, so it is at most shared / size:
    # most pairs are ruled out by this cheap bound before the exact estimate
    size = min(SKETCH_SIZE, len(first), len(second))
    firsts = set(first)
    both = firsts.intersection(second)
    if len(both) < DUPLICATE_SIMILARITY * size:
        return False
    return _estimate(firsts, both, second, size) >= DUPLICATE_SIMILARITY


class StoryGrouper:
    """Sketches taken in order (ranked hits) and grouped into stories: each joins the first earlier
    story it is a near-copy of, by the test ``duplicates`` uses (``MIN_SHARED_KEYS`` shared band
    keys, then ``is_duplicate``), so a sketch is compared with a few candidates, not every story.

    مثال::

        >>> grouper = StoryGrouper()
        >>> grouper.add(sketch(words)), grouper.add(sketch(["وقال", *words[1:]]))  # doctest: +SKIP
        (None, 0)
    """

    def __init__(self) -> None:
        self._stories: list[Sequence[int]] = []
        self._by_key: dict[int, list[int]] = {}

    def add(self, values: Sequence[int]) -> int | None:
        """The number of the earlier story ``values`` is a copy of; None for a story of its own."""
        shared: dict[int, int] = {}
        for key in values[:BAND_SIZE]:
            for story in self._by_key.get(key, ()):
                shared[story] = shared.get(story, 0) + 1
        for story in sorted(number for number, count in shared.items() if count >= MIN_SHARED_KEYS):
            if is_duplicate(self._stories[story], values):
                return story
        number = len(self._stories)
        self._stories.append(values)
        for key in values[:BAND_SIZE]:
            self._by_key.setdefault(key, []).append(number)
        return None


def pack(values: Sequence[int]) -> bytes:
    """A sketch as bytes, for storage (empty sketches store as b"")."""
    if len(values) < SKETCH_SIZE:
        return struct.pack(f"<{len(values)}I", *values)
    return _PACK.pack(*values)


def unpack(data: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(data) // 4}I", data)
