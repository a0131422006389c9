"""arsearch: full-text search for Arabic.

مثال::

    >>> import arsearch
    >>> [t.stem for t in arsearch.analyze("والمملكة العربية السعودية")]
    ['مملك', 'عربي', 'سعودي']
"""

from .analysis import Analyzer, Token, analyze
from .articles import Article, ArticleError
from .errors import ArsearchError
from .index import AddReport, Index, IndexInfo, Problem, index_path_for
from .maintenance import CheckReport, RepairReport, check_index, repair_index
from .related import RelatedArticle
from .search import Hit, Results
from .version import __version__

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
