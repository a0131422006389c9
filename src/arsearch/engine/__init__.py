"""The engine seam: what arsearch needs from a search engine (``base``), engine-neutral
queries (``queries``), the logical schema (``schema``), the user query compiler
(``compile``) and the engines themselves. Only this package imports an engine.

Layer: engine. May import ``query``, ``analysis``, ``records`` and ``errors``; never the store
or anything above it (the compiler sees the vocabulary and variants through Protocols).

مثال::

    >>> get_engine("tantivy").name
    'tantivy'
"""

from __future__ import annotations

import importlib.util
import logging
import os

from .base import EngineKind

#: tantivy (Rust: fast, the default) and Whoosh (pure Python: wherever Python runs).
ENGINES = ("tantivy", "whoosh")


def _tantivy_importable() -> bool:
    try:
        return importlib.util.find_spec("tantivy") is not None
    except (ImportError, ValueError):
        return False


#: The engine of new indexes (an index records its own in its settings): tantivy, or Whoosh
#: where tantivy cannot be imported (no wheel for the platform: Pyodide, some CPUs).
DEFAULT_ENGINE = "tantivy" if _tantivy_importable() else "whoosh"
if DEFAULT_ENGINE != "tantivy":
    logging.getLogger("arsearch").warning(
        "arsearch: tantivy cannot be imported here; new indexes use the pure-Python Whoosh engine (slower)"
    )


#: Names the engine of new indexes for a process (tests run the suite on each engine this way).
ENGINE_ENV_VAR = "ARSEARCH_ENGINE"


def default_engine() -> str:
    """The engine a new index gets when none is named: ``$ARSEARCH_ENGINE``, else ``DEFAULT_ENGINE``."""
    return os.environ.get(ENGINE_ENV_VAR) or DEFAULT_ENGINE


def get_engine(name: str) -> EngineKind:
    """The engine called ``name`` (``ValueError`` naming the known ones otherwise).

    Engines are imported on first use, so arsearch imports without any one of them.
    """
    if name == "tantivy":
        try:
            from .tantivy_engine import TantivyKind
        except ImportError as error:
            raise ValueError(
                f"this index uses the tantivy engine, which cannot be imported here ({error}): "
                "pip install tantivy, or rebuild the index with engine='whoosh'"
            ) from None
        return TantivyKind()
    if name == "whoosh":
        from .whoosh_engine import WhooshKind

        return WhooshKind()
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")


__all__ = ["DEFAULT_ENGINE", "ENGINES", "ENGINE_ENV_VAR", "EngineKind", "default_engine", "get_engine"]
