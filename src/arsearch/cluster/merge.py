"""One answer from every shard's: hits merged in the order asked for, near-copies folded across
shards as within one, totals and facet counts summed."""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from ..analysis import fingerprint
from ..search.options import SearchOptions, Sort, past_the_end
from ..search.ranking import FACET_SIZE
from ..search.results import Copy, Hit, Results
from .fanout import describe_missing

_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


def _sort_key(sort: Sort) -> Callable[[tuple[Hit, tuple[int, ...]]], Any]:
    if sort == "relevance":
        return lambda pair: (-pair[0].score, pair[0].id)

    def dated(pair: tuple[Hit, tuple[int, ...]]) -> Any:
        hit = pair[0]
        stamp = _aware(hit.date).timestamp() if hit.date is not None else None
        undated = stamp is None  # last, whichever the direction
        value = 0.0 if stamp is None else (-stamp if sort == "newest" else stamp)
        return (undated, value, -hit.score, hit.id)

    return dated


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def merged_results(
    query: str,
    answers: dict[int, tuple[Results, list[tuple[int, ...]]]],
    missing: list[int],
    options: SearchOptions,
    started: float,
) -> Results:
    """One page of results from every shard's answer (each hit with its near-duplicate sketch)."""
    shard_results = [answers[shard][0] for shard in sorted(answers)]
    ranked = sorted(
        (
            pair
            for results, sketches in (answers[shard] for shard in sorted(answers))
            for pair in zip(results.hits, sketches, strict=True)
        ),
        key=_sort_key(options.sort),
    )
    hits = _folded(ranked) if options.collapse else [hit for hit, _ in ranked]
    facets: dict[str, Counter[str]] = {}
    for results in shard_results:
        for name, counts in results.facets.items():
            facets.setdefault(name, Counter()).update(counts)
    suggestions = Counter(results.suggestion for results in shard_results if results.suggestion)
    first = shard_results[0] if shard_results else None
    warnings = list(first.warnings) if first else []
    if missing:
        warnings.append(f"partial results: {describe_missing(missing)}; their articles are not counted")
    total = sum(results.total for results in shard_results)
    page = hits[options.offset : options.offset + options.limit]
    if total and not page:
        warnings.append(past_the_end(options, total))
    return Results(
        query=query,
        total=total,
        hits=page,
        page=options.page,
        limit=options.limit,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        facets={
            name: dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE])
            for name, counts in facets.items()
        },
        suggestion=suggestions.most_common(1)[0][0] if suggestions else None,
        warnings=warnings,
        parsed=first.parsed if first else "",
        message=first.message if first else None,
        partial=bool(missing),
    )


def _folded(ranked: list[tuple[Hit, tuple[int, ...]]]) -> list[Hit]:
    """Hits with the near-copies that rank lower, from other shards, folded into them."""
    grouper = fingerprint.StoryGrouper()
    stories: list[tuple[Hit, list[Copy]]] = []
    for hit, sketch in ranked:
        story = grouper.add(sketch)
        if story is None:
            stories.append((hit, []))
        else:
            stories[story][1].extend([_as_copy(hit), *hit.copies])
    return [dataclasses.replace(hit, copies=[*hit.copies, *more]) if more else hit for hit, more in stories]


def _as_copy(hit: Hit) -> Copy:
    return Copy(id=hit.id, title=hit.title, source=hit.source, date=hit.date, url=hit.url)
