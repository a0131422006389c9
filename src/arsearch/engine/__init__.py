"""The engine seam: what arsearch needs from a search engine (``base``), engine-neutral
queries (``queries``), the logical schema (``schema``), the user query compiler
(``compile``) and the engines themselves. Only this package imports an engine.

مثال::

    >>> get_engine("tantivy").name
    'tantivy'
"""

from __future__ import annotations

from .base import EngineKind

#: The engine of new indexes; an index records its own in its settings.
DEFAULT_ENGINE = "tantivy"
ENGINES = ("tantivy",)


def get_engine(name: str) -> EngineKind:
    """The engine called ``name`` (``ValueError`` naming the known ones otherwise).

    Engines are imported on first use, so arsearch imports without any one of them.
    """
    if name == "tantivy":
        from .tantivy_engine import TantivyKind

        return TantivyKind()
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")


__all__ = ["DEFAULT_ENGINE", "ENGINES", "EngineKind", "get_engine"]
