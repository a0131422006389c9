"""arsearch: full-text search for Arabic.

The names below are imported on first use (PEP 562), so that ``import
arsearch`` and the analysis worker processes, which need only the analysis,
do not pay for the search engine, SciPy and the rest (~0.3 s a process).

مثال::

    >>> import arsearch
    >>> [t.stem for t in arsearch.analyze("والمملكة العربية السعودية")]
    ['مملك', 'عربي', 'سعودي']
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .analysis import Analyzer, Token, analyze
    from .engine.compile import Ranking
    from .errors import ArsearchError
    from .evaluation import Evaluation, evaluate
    from .index import AddReport, ImportOptions, Index, IndexInfo, Problem, SearchIndex, index_path_for
    from .maintenance import CheckReport, RepairReport, check_index, repair_index
    from .records.articles import Article, ArticleError
    from .records.ingest import read_records
    from .related import RelatedArticle
    from .search.options import SearchOptions
    from .search.results import Hit, Results

#: Each public name and the module it lives in.
_HOMES = {
    "Analyzer": ".analysis",
    "Token": ".analysis",
    "analyze": ".analysis",
    "Ranking": ".engine.compile",
    "ArsearchError": ".errors",
    "Evaluation": ".evaluation",
    "evaluate": ".evaluation",
    "AddReport": ".index",
    "ImportOptions": ".index",
    "Index": ".index",
    "IndexInfo": ".index",
    "Problem": ".index",
    "SearchIndex": ".index",
    "index_path_for": ".index",
    "CheckReport": ".maintenance",
    "RepairReport": ".maintenance",
    "check_index": ".maintenance",
    "repair_index": ".maintenance",
    "Article": ".records.articles",
    "ArticleError": ".records.articles",
    "read_records": ".records.ingest",
    "RelatedArticle": ".related",
    "SearchOptions": ".search.options",
    "Hit": ".search.results",
    "Results": ".search.results",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'arsearch' has no attribute {name!r}")
    value = getattr(import_module(home, __name__), name)
    globals()[name] = value  # the next access is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "AddReport",
    "Analyzer",
    "ArsearchError",
    "Article",
    "ArticleError",
    "CheckReport",
    "Evaluation",
    "Hit",
    "ImportOptions",
    "Index",
    "IndexInfo",
    "Problem",
    "Ranking",
    "RelatedArticle",
    "RepairReport",
    "Results",
    "SearchIndex",
    "SearchOptions",
    "Token",
    "__version__",
    "analyze",
    "check_index",
    "evaluate",
    "index_path_for",
    "read_records",
    "repair_index",
]
