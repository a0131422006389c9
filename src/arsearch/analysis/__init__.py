"""Arabic analysis, pure Python: it knows nothing of the search engine.

A chain of steps (``chain``): tokenize → normalize → stop words → protected words →
light stem or root; the named profiles (``profiles``) are such chains, and a chain of
your own may add, drop or reorder steps. ``Analyzer`` runs a chain and remembers the
words it met (``words``). Beside it, what is computed from analyzed words alone:
near-duplicate sketches (``fingerprint``), synonym groups (``synonyms``) and the
optional compiled core (``speedups``).

Layer: base. May import ``arsearch.errors`` only.

مثال::

    >>> from arsearch.analysis import Analyzer, Tokenize, Normalize, StopWords, LightStem
    >>> Analyzer(chain=Tokenize() | Normalize() | StopWords() | LightStem()).terms("زيارة الوزير للمملكة")
    ['زيار', 'وزير', 'مملك']
"""

from .analyzer import Analyzer, Token, analyze, get_analyzer
from .chain import BUILT_IN, Chain, LightStem, Normalize, Protect, RootStem, Step, StopWords, Synonyms, Tokenize, Word
from .normalize import NormalizationOptions, normalize_word
from .profiles import DEFAULT_PROFILE, PROFILES, Profile, profile_chain
from .stem import LightStemmer
from .stopwords import default_stopwords, load_stopwords
from .tokenize import spans
from .words import COLUMNS, Column, IndexWords, LearnedWords, VocabularyMark, WordCache, WordTable

__all__ = [
    "BUILT_IN",
    "COLUMNS",
    "DEFAULT_PROFILE",
    "PROFILES",
    "Analyzer",
    "Chain",
    "Column",
    "IndexWords",
    "LearnedWords",
    "LightStem",
    "LightStemmer",
    "NormalizationOptions",
    "Normalize",
    "Profile",
    "Protect",
    "RootStem",
    "Step",
    "StopWords",
    "Synonyms",
    "Token",
    "Tokenize",
    "VocabularyMark",
    "Word",
    "WordCache",
    "WordTable",
    "analyze",
    "default_stopwords",
    "get_analyzer",
    "load_stopwords",
    "normalize_word",
    "profile_chain",
    "spans",
]
