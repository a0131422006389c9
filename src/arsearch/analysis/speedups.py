"""The optional compiled core: C versions of indexing's per-word loops, or None.

``arsearch.analysis._speedups`` (``src/arsearch/analysis/_speedups.c``) is built when the
package is installed on a machine with a C compiler; each of its functions
gives exactly what the pure-Python code it replaces gives (tokenizing,
looking words up, joining a field, the near-duplicate sketch, a word's
spelling key and terms), about ten
times faster. Where it could not be built, or with ``ARSEARCH_PURE_PYTHON=1``
in the environment, ``compiled`` is None and arsearch runs the Python code:
the same index, only slower to build.

مثال::

    >>> from arsearch.analysis.speedups import compiled
    >>> compiled.word_numbers("قالَ الوزيـــرُ قالَ", {"قالَ": 0}, lambda word: 1) if compiled else [0, 1, 0]
    [0, 1, 0]
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Protocol, cast

#: Set (to anything but "" or "0") to run the pure-Python code even where the compiled core is built.
PURE_PYTHON_VARIABLE = "ARSEARCH_PURE_PYTHON"


class CompiledCore(Protocol):
    """The functions of ``_speedups.c``; each names the Python code it stands for."""

    def word_numbers(self, text: str, known: dict[str, int], learn: Callable[[str], int], /) -> list[int]:
        """``[known[word] if word in known else learn(word) for word in TOKEN_PATTERN.findall(text)]``:
        ``learn`` gives the number of a word not met before (and adds it to ``known``)."""

    def present(self, column: list[str], numbers: list[int], /) -> list[str]:
        """``list(filter(None, map(column.__getitem__, numbers)))``."""

    def counted(self, column: list[str], numbers: list[int], /) -> dict[str, int]:
        """``dict(Counter(present(column, numbers)))``: each present word and how often, first met first."""

    def joined(self, column: list[str], numbers: list[int], longest: int, /) -> str:
        """The present words (``present``), each cut to ``longest`` characters, joined by spaces."""

    def sketch(
        self, words: list[str], numbers: list[int], size: int, shingle: int, fewest: int, /
    ) -> tuple[int, ...] | None:
        """``fingerprint.sketch`` of the present words; None when one has a lone surrogate (not UTF-8)."""

    def spelling_key(self, form: str, /) -> str | None:
        """``spelling.python_spelling_key``."""

    def spelling_terms(
        self,
        form: str,
        written: str,
        native: frozenset[str],
        proclitics: tuple[tuple[str, str], ...],
        before_article: tuple[str, ...],
        /,
    ) -> str:
        """``spelling.python_spelling_terms``, given the dictionary's native forms, the proclitics with
        what stands for each, and the proclitics before the article, longest first."""


def _load() -> CompiledCore | None:
    if os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0"):
        return None
    try:  # by name: a static "from . import" would read to import-linter as importing the package
        return cast(CompiledCore, importlib.import_module("arsearch.analysis._speedups"))
    except ImportError:  # not built here (no compiler, Pyodide): the Python code runs
        return None


compiled = _load()
