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
    from .articles import Article, ArticleError
    from .errors import ArsearchError
    from .index import AddReport, Index, IndexInfo, Problem, index_path_for
    from .maintenance import CheckReport, RepairReport, check_index, repair_index
    from .related import RelatedArticle
    from .search import Hit, Results

#: Each public name and the module it lives in.
_HOMES = {
    "Analyzer": ".analysis",
    "Token": ".analysis",
    "analyze": ".analysis",
    "Article": ".articles",
    "ArticleError": ".articles",
    "ArsearchError": ".errors",
    "AddReport": ".index",
    "Index": ".index",
    "IndexInfo": ".index",
    "Problem": ".index",
    "index_path_for": ".index",
    "CheckReport": ".maintenance",
    "RepairReport": ".maintenance",
    "check_index": ".maintenance",
    "repair_index": ".maintenance",
    "RelatedArticle": ".related",
    "Hit": ".search",
    "Results": ".search",
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
    "Hit",
    "Index",
    "IndexInfo",
    "Problem",
    "RelatedArticle",
    "RepairReport",
    "Results",
    "Token",
    "__version__",
    "analyze",
    "check_index",
    "index_path_for",
    "repair_index",
]
