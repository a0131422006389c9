"""Engine-neutral queries: what search, related and the store ask an engine to run.

arsearch builds these small immutable trees (``compile.py`` from a user's
query, ``search.py`` from filters, ``related.py`` from key terms); each engine
translates them into its own query objects. Field names are the logical
schema's (``schema.py``). Scoring is the engine's BM25: a ``TermQuery`` on an
analyzed field scores by term frequency, on a keyword field it only matches.

مثال::

    >>> BooleanQuery((("must", TermQuery("text", "مملك")), ("should", BoostQuery(TermQuery("title", "مملك"), 0.25))))
    BooleanQuery(clauses=(('must', TermQuery(field='text', text='مملك')), ...), minimum_should_match=None)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeAlias

Occur = Literal["must", "should", "must_not"]


@dataclass(frozen=True)
class TermQuery:
    """Articles whose ``field`` holds ``text`` (an analyzed term, or an exact keyword value)."""

    field: str
    text: str


@dataclass(frozen=True)
class PhraseQuery:
    """The terms in this order in ``field``, at most ``slop`` positions apart."""

    field: str
    terms: tuple[str, ...]
    slop: int = 0


@dataclass(frozen=True)
class BooleanQuery:
    """Clauses combined: every ``must``, no ``must_not``, ``should`` adds score (and is needed when
    there is no ``must``; ``minimum_should_match`` asks for at least that many)."""

    clauses: tuple[tuple[Occur, EngineQuery], ...]
    minimum_should_match: int | None = None


@dataclass(frozen=True)
class BoostQuery:
    """``query`` with its score multiplied by ``factor``."""

    query: EngineQuery
    factor: float


@dataclass(frozen=True)
class FilterQuery:
    """Matches what ``query`` matches and adds nothing to the score (filters restrict, they do not rank)."""

    query: EngineQuery


@dataclass(frozen=True)
class DateRangeQuery:
    """Articles dated within [start, end] (either may be None); both None: every dated article."""

    start: datetime | None
    end: datetime | None


@dataclass(frozen=True)
class AllQuery:
    """Every article."""


@dataclass(frozen=True)
class NoneQuery:
    """No article."""


EngineQuery: TypeAlias = (
    TermQuery | PhraseQuery | BooleanQuery | BoostQuery | FilterQuery | DateRangeQuery | AllQuery | NoneQuery
)


def boosted(query: EngineQuery, factor: float) -> EngineQuery:
    """``query`` boosted by ``factor`` (itself when the factor is 1)."""
    return query if factor == 1.0 else BoostQuery(query, factor)


def any_of(clauses: list[EngineQuery]) -> EngineQuery:
    """One of the clauses (their scores add up); the clause itself when there is one."""
    return clauses[0] if len(clauses) == 1 else BooleanQuery(tuple(("should", c) for c in clauses))


def all_of(clauses: list[EngineQuery]) -> EngineQuery:
    """Every clause; the clause itself when there is one."""
    return clauses[0] if len(clauses) == 1 else BooleanQuery(tuple(("must", c) for c in clauses))
