"""Arabic analysis, pure Python: it knows nothing of the search engine.

tokenize → normalize → stop words → stem, composed into profiles.
"""

from .normalize import NormalizationOptions, normalize_word
from .profiles import (
    COLUMNS,
    DEFAULT_PROFILE,
    PROFILES,
    Analyzer,
    Column,
    IndexWords,
    LearnedWords,
    Profile,
    Token,
    VocabularyMark,
    WordTable,
    analyze,
    get_analyzer,
)
from .stem import LightStemmer
from .stopwords import default_stopwords, load_stopwords
from .tokenize import spans

__all__ = [
    "COLUMNS",
    "DEFAULT_PROFILE",
    "PROFILES",
    "Analyzer",
    "Column",
    "IndexWords",
    "LearnedWords",
    "LightStemmer",
    "NormalizationOptions",
    "Profile",
    "Token",
    "VocabularyMark",
    "WordTable",
    "analyze",
    "default_stopwords",
    "get_analyzer",
    "load_stopwords",
    "normalize_word",
    "spans",
]
