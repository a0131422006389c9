"""What a search answers: a page of ``Hit``s with their snippets and folded ``Copy``s, in ``Results``,
and the ``Rewrite`` of a query searched otherwise than typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from .highlight import Snippet

#: Why a query was searched otherwise than typed: "layout", typed with the keyboard on the other
#: layout (fsl for بسم); "transliteration", a name in Latin letters the articles write in Arabic
#: ones (Erdogan, أردوغان, added); "arabizi", Arabic typed in Latin letters and digits (3arab: عرب).
RewriteReason = Literal["layout", "transliteration", "arabizi"]


@dataclass(frozen=True)
class Rewrite:
    """A query searched otherwise than typed: what was typed, what was searched, and why. A reader is
    shown "results for ``searched`` — search instead for ``typed``"; ``rewrite=False`` searches as typed."""

    typed: str
    searched: str
    reason: RewriteReason

    def as_dict(self) -> dict[str, str]:
        return {"typed": self.typed, "searched": self.searched, "reason": self.reason}


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
    #: set when the query was searched otherwise than typed (``query`` is what was typed)
    rewrite: Rewrite | None = None

    @property
    def pages(self) -> int:
        return (self.total + self.limit - 1) // self.limit

    @property
    def searched(self) -> str:
        """The query searched: ``query`` as typed, or as rewritten."""
        return self.rewrite.searched if self.rewrite is not None else self.query

    def as_dict(self) -> dict[str, Any]:
        return dict(
            self.__dict__,
            hits=[hit.as_dict() for hit in self.hits],
            pages=self.pages,
            searched=self.searched,
            rewrite=self.rewrite.as_dict() if self.rewrite is not None else None,
        )
