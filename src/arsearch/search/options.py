"""What a search may ask for: ``SearchOptions``, one type for the library, the cluster, the CLI
and the web API, and the filters it carries.

مثال::

    >>> options = SearchOptions(limit=5, filters={"source": "الوطن"}, sort="newest")
    >>> options.page, options.collapse
    (1, True)
    >>> SearchOptions(limit=500).limit  # bounded, as every search is
    100
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ..engine.compile import Ranking
from ..engine.queries import DateRangeQuery, EngineQuery, TermQuery, all_of, any_of
from ..engine.schema import KEYWORD_FIELDS
from ..query import MATCH_LEVELS, MatchLevel, inclusive_end
from ..records.articles import ArticleError, day_first_note, parse_date

Sort = Literal["relevance", "newest", "oldest"]
SORTS: tuple[Sort, ...] = ("relevance", "newest", "oldest")
FILTER_KEYS = (*KEYWORD_FIELDS, "date_from", "date_to")
#: Most hits on one page.
MAX_LIMIT = 100
#: Deepest page a caller may ask for (results beyond are rarely useful and cost time).
MAX_PAGE = 1000

Filters = Mapping[str, "str | Sequence[str] | datetime | None"]


@dataclass(frozen=True)
class SearchOptions:
    """How to search: the page wanted, filters, order, highlighting, ranking and folding.

    ``Index.search(query, options)`` and ``ClusterIndex.search`` take one;
    keyword arguments (``index.search(query, limit=5)``) change the default's
    fields. A ``limit`` or ``page`` out of bounds is brought within them; an
    unknown sort or filter key raises ``ValueError``.
    """

    #: hits per page (1 to ``MAX_LIMIT``)
    limit: int = 10
    #: the page, from 1 (to ``MAX_PAGE``)
    page: int = 1
    #: ``source``, ``category``, ``author``, ``tags`` (a value or a list of values),
    #: ``date_from``/``date_to`` (dates or ISO text): restrict, never score
    filters: Filters | None = None
    sort: Sort = "relevance"
    #: snippets and a highlighted title for every hit
    highlight: bool = True
    #: what surrounds a matched word in snippets (``("<b>", "</b>")``, ANSI colours...)
    markers: tuple[str, str] = ("[", "]")
    #: the ranking knobs (``engine.compile.Ranking``); None: the defaults
    ranking: Ranking | None = None
    #: counts by source and category over the whole result set
    facets: bool = True
    #: one story once: near-copies of a hit that rank lower are folded into it (``Hit.copies``)
    collapse: bool = True
    #: a word also finds the other spellings of a name or loanword (ترمب finds ترامب, ranked below)
    variants: bool = True
    #: how closely words must match: "word" (as typed), "stem", "lemma" (وزير finds وزراء) or
    #: "root" (درس finds مدرسة); None: the default ranking, which weighs them all
    match: MatchLevel | None = None
    #: a query typed with the keyboard on the other layout is searched as meant (fsl as بسم), and
    #: ``Results.rewrite`` says so; False: always as typed
    rewrite: bool = True

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r}; choose one of {', '.join(SORTS)}")
        if self.match is not None and self.match not in MATCH_LEVELS:
            raise ValueError(f"unknown match level {self.match!r}; choose one of {', '.join(MATCH_LEVELS)}")
        _check_keys(self.filters or {})
        object.__setattr__(self, "limit", max(1, min(int(self.limit), MAX_LIMIT)))
        object.__setattr__(self, "page", max(1, min(int(self.page), MAX_PAGE)))

    @property
    def offset(self) -> int:
        """Hits before this page."""
        return (self.page - 1) * self.limit


def filter_query(filters: Filters | None) -> EngineQuery | None:
    """The query restricting results to ``filters`` (None when there is nothing to restrict)."""
    if not filters:
        return None
    _check_keys(filters)
    clauses: list[EngineQuery] = []
    for key in KEYWORD_FIELDS:
        value = filters.get(key)
        if value is None or value == "" or value == []:
            continue
        values = [value] if isinstance(value, str) else list(value)  # type: ignore[arg-type]
        clauses.append(any_of([TermQuery(key, str(v)) for v in values]))
    start, end = _filter_date(filters, "date_from"), inclusive_end(_filter_date(filters, "date_to"))
    if start is not None or end is not None:
        clauses.append(DateRangeQuery(start, end))
    return all_of(clauses) if clauses else None


def past_the_end(options: SearchOptions, total: int) -> str:
    """The note of a page past the last one (the results exist, this page has none of them)."""
    return f"page {options.page} is past the last page of the {total:,} results: nothing to show on it"


class FilterError(ValueError):
    """A filter whose value cannot be used; ``key`` names it (``date_from``...), so that the CLI and
    the web API can say which of their own parameters (``--from``, ``from``) is wrong."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"filter {key}: {reason}")
        self.key = key
        self.reason = reason

    def __reduce__(self) -> tuple[type[FilterError], tuple[str, str]]:
        # its arguments are not its message: a cluster's replica sends it back pickled
        return FilterError, (self.key, self.reason)


def filter_notes(filters: Filters | None) -> list[str]:
    """What a reader should know of the filters' dates: a range that is reversed (no article can be
    in it), a date read day first that could have been read month first."""
    if not filters:
        return []
    notes = [note for key in ("date_from", "date_to") if (note := day_first_note(filters.get(key)))]
    start, end = _filter_date(filters, "date_from"), _filter_date(filters, "date_to")
    if start is not None and end is not None and start > end:
        notes.append(f"the date range is reversed ({start:%Y-%m-%d} is after {end:%Y-%m-%d}): no article can be in it")
    return notes


def _check_keys(filters: Filters) -> None:
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        raise ValueError(f"unknown filter {sorted(unknown)[0]!r}; filters are {', '.join(FILTER_KEYS)}")


def _filter_date(filters: Filters, key: str) -> datetime | None:
    value = filters.get(key)
    try:
        return parse_date(value)
    except ArticleError as error:
        raise FilterError(key, str(error)) from None
