"""What an analyzer remembers: every distinct word it met, numbered, with what its chain made of
it (``WordCache``), and how analysis processes share what they learned.

News text repeats a lot (SaudiNewsNet: 9.0M tokens, 320k distinct surfaces),
so each surface goes through the chain once; a text is then analyzed as a
list of word numbers, and an index field is built by C-level ``map`` and
``join`` over the per-number columns (``IndexWords``), with no Python code
per word. Analysis processes each answer with the words they worked out
(``learned_since``) and are taught the others' (``teach``), so that a word
is worked out once per import, not once per process.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from .chain import Chain
from .speedups import compiled
from .spelling import spelling_terms
from .stem import remember_roots
from .tokenize import without_marks

#: The columns of a ``WordTable``: what ``IndexWords.joined`` can join.
Column = Literal["terms", "forms", "roots", "spellings", "lemmas"]
#: The columns each text field is indexed from (its stems, exact forms, roots and lemmas).
COLUMNS: tuple[Column, ...] = ("terms", "forms", "roots", "lemmas")

#: Distinct surface forms remembered per analyzer (a full table is replaced by a new one).
SURFACE_CACHE_SIZE = 1 << 19


class WordTable:
    """The distinct surfaces an analyzer has met, numbered, with what each analyzes to.

    Append-only: a number, once given, always means the same word, so a text
    can be analyzed as a list of numbers and its fields built by C-level
    ``map``/``join`` over the per-number lists (no Python code per word). An
    analyzer starts a new table when this one is full.
    """

    __slots__ = ("forms", "lemmas", "numbers", "roots", "spellings", "surfaces", "terms")

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        #: each number's surface (the keys of ``numbers``, in number order)
        self.surfaces: list[str] = []
        #: normalized form of each surface ("" for one made only of marks or joiners)
        self.forms: list[str] = []
        #: its index term ("" for a stop word, or when the form is empty)
        self.terms: list[str] = []
        #: the root of its term ("" likewise)
        self.roots: list[str] = []
        #: its spelling terms (``spelling.spelling_terms``; "" for a stop word or a word without a key)
        self.spellings: list[str] = []
        #: its lemma's term where the dictionary is sure of it and it is not the term itself
        #: (وزراء: وزير; ``Chain.lemma``), else ""
        self.lemmas: list[str] = []

    def add(self, surface: str, form: str, term: str, root: str, lemma: str = "", spellings: str = "") -> int:
        """Number a surface not in the table yet, with what it analyzes to."""
        number = len(self.forms)
        self.surfaces.append(surface)
        # one string, not two equal ones: most words of news need no normalizing
        self.forms.append(surface if form == surface else form)
        self.terms.append(term)
        self.roots.append(root)
        self.spellings.append(spellings)
        self.lemmas.append(lemma)
        self.numbers[surface] = number
        return number


#: Surfaces with what each analyzes to, column by column (surfaces, forms, terms, roots, lemmas):
#: what one analyzer learned, ready to teach another with the same chain. Not their spelling terms:
#: the analyzer that learned a word gives them to the index (``spelled_since``), and a document
#: needs none.
LearnedWords = tuple[list[str], list[str], list[str], list[str], list[str]]


@dataclass(frozen=True, slots=True)
class VocabularyMark:
    """Where an analyzer's vocabulary stood (``WordCache.mark``)."""

    table: WordTable
    size: int


class WordCache:
    """The word tables of one chain: each surface met is analyzed once, into the current table;
    a full table is replaced, not emptied, so a thread still reading the old one sees consistent
    numbers. New words are added under a lock; reading needs none."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self._table = WordTable()
        self._learning = threading.Lock()

    def table(self) -> WordTable:
        """The table new words go into now."""
        table = self._table
        if len(table.forms) >= SURFACE_CACHE_SIZE:
            table = self._table = WordTable()
        return table

    def learn(self, table: WordTable, surface: str) -> int:
        """The number of a surface not seen before in ``table`` (analyzed by the chain and added now)."""
        with self._learning:
            number = table.numbers.get(surface)
            if number is None:
                normalized, term = self.chain.analyze(surface)
                root, lemma = (self.chain.root(term), self.chain.lemma(normalized, term)) if term else ("", "")
                # a surface its normalizing leaves as it is has no marks to take off (most words)
                written = surface if normalized == surface else without_marks(surface)
                spellings = spelling_terms(normalized, written) if term else ""
                number = table.add(surface, normalized, term, root, lemma, spellings)
            return number

    def number(self, table: WordTable, surface: str) -> int:
        number = table.numbers.get(surface)
        return self.learn(table, surface) if number is None else number

    def mark(self) -> VocabularyMark:
        """Where the vocabulary stands now: ``learned_since`` it gives what is learned from here on."""
        table = self.table()
        return VocabularyMark(table, len(table.forms))

    def learned_since(self, mark: VocabularyMark) -> LearnedWords:
        """The surfaces met since ``mark`` (all of the current table's, if it was replaced since)."""
        with self._learning:
            table = self._table
            start = mark.size if table is mark.table else 0
            return (
                table.surfaces[start:],
                table.forms[start:],
                table.terms[start:],
                table.roots[start:],
                table.lemmas[start:],
            )

    def spelled_since(self, mark: VocabularyMark) -> dict[str, str]:
        """The spelling terms (``spelling.spelling_terms``, space-separated) of each word met since
        ``mark`` that has some, with the word (its normalized form; the terms also hold how it is
        written, so two spellings of one form are two entries): what an index's spelling dictionary
        is given at a commit. A table replaced since is read from the mark to its end first."""
        with self._learning:
            tables = [(mark.table, mark.size)] if self._table is not mark.table else []
            tables.append((self._table, mark.size if self._table is mark.table else 0))
            return {
                spellings: form
                for table, start in tables
                for form, spellings in zip(table.forms[start:], table.spellings[start:], strict=True)
                if spellings
            }

    def teach(self, words: LearnedWords) -> None:
        """Take in surfaces another cache learned; its chain must be this one's, or the words would be
        indexed differently."""
        protected = self.chain.protected_terms
        roots: list[tuple[str, str]] = []  # root_of's own (not a protected word's): other surfaces share them
        with self._learning:
            table = self.table()
            known = table.numbers
            room = SURFACE_CACHE_SIZE - len(table.forms)
            for surface, form, term, root, lemma in zip(*words, strict=True):
                if surface not in known:
                    if room <= 0:
                        break  # a full table is not grown; words missed are learned again when met
                    # a lesson's strings are new objects: share equal terms and roots, as learning
                    # does through the stem and root caches (a worker taught the whole vocabulary
                    # keeps ~40% less)
                    term, root = form if term == form else sys.intern(term), sys.intern(root)
                    table.add(surface, form, term, root, lemma and sys.intern(lemma))
                    room -= 1
                    if term and term not in protected:
                        roots.append((term, root))
        remember_roots(roots)


@dataclass(frozen=True, slots=True)
class IndexWords:
    """A text analyzed for indexing: the number of each of its words in ``table``.

    مثال::

        >>> words = get_analyzer().index_words("وللمملكةِ دورٌ في المنطقة")
        >>> words.terms(), words.forms()
        (['مملك', 'دور', 'منطق'], ['وللمملكه', 'دور', 'في', 'المنطقه'])
    """

    table: WordTable
    numbers: list[int]

    def terms(self) -> list[str]:
        """The index terms in order (stop words left out)."""
        return self._present(self.table.terms)

    def forms(self) -> list[str]:
        """Every word's normalized form in order (stop words kept): the ``exact`` profile's terms."""
        return self._present(self.table.forms)

    def roots(self) -> list[str]:
        """The root of each index term, in the order of ``terms()``."""
        return self._present(self.table.roots)

    def counted(self, column: Column) -> dict[str, int]:
        """Each of ``terms()``, ``forms()`` or ``roots()`` with how often it occurs, in order of first occurrence.

        مثال::

            >>> get_analyzer().index_words("المدرسة والمدارس والمدرسة").counted("terms")
            {'مدرس': 2, 'مدارس': 1}
        """
        words = getattr(self.table, column)
        if compiled is not None:
            return compiled.counted(words, self.numbers)
        return dict(Counter(self._present(words)))

    def joined(self, column: Column, longest: int) -> str:
        """``terms()``, ``forms()`` or ``roots()`` joined by spaces, each cut to ``longest``
        characters: an index field, built without a list of its words in between.

        مثال::

            >>> get_analyzer().index_words("وللمملكةِ دورٌ").joined("terms", 255)
            'مملك دور'
        """
        words = getattr(self.table, column)
        if compiled is not None:
            return compiled.joined(words, self.numbers, longest)
        present = self._present(words)
        if not present or max(map(len, present)) <= longest:  # the usual case, checked at C speed
            return " ".join(present)
        return " ".join(word[:longest] for word in present)

    def _present(self, column: list[str]) -> list[str]:
        if compiled is not None:
            return compiled.present(column, self.numbers)
        return list(filter(None, map(column.__getitem__, self.numbers)))
