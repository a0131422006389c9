"""What a search answers: a page of ``Hit``s with their snippets and folded ``Copy``s, in ``Results``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .highlight import Snippet


@dataclass(frozen=True)
class Copy:
    """A near-copy of a hit (the same story in another outlet or under another title), folded into it."""

    id: str
    title: str
    source: str | None
    date: datetime | None
    url: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, date=self.date.isoformat() if self.date else None)


@dataclass(frozen=True)
class Hit:
    """One matching article, with its title and snippets highlighted, and the copies folded into it."""

    id: str
    score: float
    title: str
    date: datetime | None
    source: str | None
    url: str | None
    category: str | None
    title_highlighted: Snippet | None
    snippets: list[Snippet]
    metadata: dict[str, Any] = field(default_factory=dict)
    copies: list[Copy] = field(default_factory=list)

    @property
    def snippet(self) -> str:
        """The best snippet as plain text ('' when there is none)."""
        return self.snippets[0].text if self.snippets else ""

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__, date=self.date.isoformat() if self.date else None)
        data["title_highlighted"] = self.title_highlighted.__dict__ if self.title_highlighted else None
        data["snippets"] = [s.__dict__ for s in self.snippets]
        data["copies"] = [copy.as_dict() for copy in self.copies]
        return data


@dataclass(frozen=True)
class Results:
    """A page of hits, the total, facet counts, a suggestion, and diagnostics."""

    query: str
    total: int
    hits: list[Hit]
    page: int
    limit: int
    took_ms: float
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    warnings: list[str] = field(default_factory=list)
    parsed: str = ""
    message: str | None = None
    #: True when some of the index could not answer (a cluster with every replica of a
    #: shard down): ``total``, ``facets`` and ``hits`` cover the rest, ``warnings`` say what is missing
    partial: bool = False

    @property
    def pages(self) -> int:
        return (self.total + self.limit - 1) // self.limit

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__, hits=[hit.as_dict() for hit in self.hits], pages=self.pages)
