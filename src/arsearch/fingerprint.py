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
import zlib
from collections.abc import Sequence

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


def band_keys(values: Sequence[int]) -> list[str]:
    """The indexed keys of a sketch: its smallest hashes, as text terms."""
    return [format(value, "08x") for value in values[:BAND_SIZE]]


def similarity(first: Sequence[int], second: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the two shingle sets (0 when either is empty)."""
    if not first or not second:
        return 0.0
    size = min(SKETCH_SIZE, len(first), len(second))
    union = heapq.nsmallest(size, set(first) | set(second))
    both = set(first) & set(second)
    return sum(1 for value in union if value in both) / len(union)


def is_duplicate(first: Sequence[int], second: Sequence[int]) -> bool:
    if not first or not second:
        return False
    # the estimate counts shared hashes among `size` values, so it is at most shared / size:
    # most pairs are ruled out by this cheap bound before the exact estimate
    size = min(SKETCH_SIZE, len(first), len(second))
    if len(set(first).intersection(second)) < DUPLICATE_SIMILARITY * size:
        return False
    return similarity(first, second) >= DUPLICATE_SIMILARITY


def pack(values: Sequence[int]) -> bytes:
    """A sketch as bytes, for storage (empty sketches store as b"")."""
    if len(values) < SKETCH_SIZE:
        return struct.pack(f"<{len(values)}I", *values)
    return _PACK.pack(*values)


def unpack(data: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(data) // 4}I", data)
