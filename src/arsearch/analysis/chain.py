"""The analysis chain: a tokenizer, then steps that each act on one word at a time.

A chain is built from steps, Whoosh's and Lucene's way (``Tokenizer |
Filter | ...``)::

    >>> chain = Tokenize() | Normalize() | StopWords() | Protect(["ماكرون"]) | LightStem()
    >>> chain.analyze("وللمملكةِ"), chain.analyze("في"), chain.analyze("وماكرون")
    (('وللمملكه', 'مملك'), ('في', ''), ('وماكرون', 'ماكرون'))

Each distinct word goes through the steps once (``Analyzer`` remembers what
it gave), so a step may be as slow as a dictionary look-up. A step gets the
word as a ``Word`` and changes it in place: ``form`` is what stemmers read
(normalized, teh marbuta kept), ``normalized`` what exact matches and
highlighting compare, ``term`` what is indexed ("" drops the word), and
``protected`` tells the steps after it to leave ``term`` alone.

Your own step is a subclass of ``Step``; to be saved with an index (and run
by the import's worker processes) it must live in an importable module and
give its constructor's arguments back from ``options()``::

    class Digitless(Step):
        '''Numbers are not indexed.'''
        def __call__(self, word: Word) -> None:
            if word.normalized.isdigit():
                word.term = ""

    Index.create("indexes/news", chain=Tokenize() | Normalize() | Digitless() | StopWords() | LightStem())

The named profiles (``profiles``) are such chains. Beside its term, each word
gets its root (``Chain.root``) and, where the dictionary is sure of it, its
lemma's term (``Chain.lemma``): what the root and lemma fields index.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from .dictionary import lemma_of
from .normalize import NormalizationOptions, fold_teh_marbuta, normalize_word
from .stem import AMBIGUOUS_PREFIXES, ARTICLE_PREFIXES, default_stemmer, root_of
from .stopwords import default_stopwords
from .tokenize import TOKEN_PATTERN

#: Proclitics a protected word may carry and still be itself (وأمريكا, لأمريكا, بالأمريكي).
PROTECTED_WORD_PROCLITICS = tuple(sorted({*ARTICLE_PREFIXES, *AMBIGUOUS_PREFIXES}, key=lambda c: (-len(c), c)))


class Word:
    """One distinct word on its way through a chain's steps."""

    __slots__ = ("form", "normalized", "protected", "surface", "term")

    def __init__(self, surface: str) -> None:
        #: as written (diacritics, tatweel and all)
        self.surface = surface
        #: normalized, teh marbuta kept: what stemmers read
        self.form = surface
        #: normalized as searched: what exact matches, stop lists and highlighting compare
        self.normalized = surface
        #: what is indexed; "" once a step drops the word
        self.term = surface
        #: a protected word: the steps after the one that set it leave ``term`` alone
        self.protected = False


class Step:
    """One step of a chain: ``__call__`` changes a ``Word`` in place.

    ``keeps_pieces``: the terms it gives are pieces of the word's normalized
    form (a light stem is; a root is not), which lets highlighting scan a long
    text for the few words that may match. ``options()``: the keyword
    arguments that rebuild the step (what an index saves of it).
    """

    #: the name a built-in step is saved under (a step of your own is saved by its import path)
    name: ClassVar[str] = ""
    keeps_pieces: ClassVar[bool] = False

    def __call__(self, word: Word) -> None:
        raise NotImplementedError

    def options(self) -> dict[str, Any]:
        return {}

    def __or__(self, other: Step) -> Chain:
        return Chain([self, other])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Step) and type(other) is type(self) and other.options() == self.options()

    def __hash__(self) -> int:
        return hash((type(self), repr(sorted(self.options().items()))))

    def __repr__(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.options().items())
        return f"{type(self).__name__}({arguments})"


class Tokenize(Step):
    """Where a chain starts: the text cut into words (letters, digits and the marks inside them;
    numbers with their separators), each with its offsets into the original text."""

    name = "tokenize"
    keeps_pieces = True

    def __init__(self, pattern: str | None = None) -> None:
        #: a regular expression matching one word; None: arsearch's own (``tokenize.TOKEN_PATTERN``)
        self.pattern = pattern
        self.regex = TOKEN_PATTERN if pattern is None else re.compile(pattern)

    def __call__(self, word: Word) -> None:
        """Words are cut before the steps run: nothing to do to one."""

    def options(self) -> dict[str, Any]:
        return {} if self.pattern is None else {"pattern": self.pattern}


class Normalize(Step):
    """Diacritics, tatweel and invisible marks out; hamza and alef forms, ى/ي, Persian letters
    and Arabic-Indic digits folded (``normalize``); ة folded to ه in ``normalized`` and ``term``
    unless ``fold_teh_marbuta=False`` (``form`` keeps it, for the stemmer)."""

    name = "normalize"
    keeps_pieces = True

    def __init__(self, fold_hamza_carriers: bool = False, fold_teh_marbuta: bool = True) -> None:
        self.normalization = NormalizationOptions(fold_hamza_carriers, fold_teh_marbuta)
        self._word_form = NormalizationOptions(fold_hamza_carriers, fold_teh_marbuta=False)

    def __call__(self, word: Word) -> None:
        word.form = normalize_word(word.surface, self._word_form)
        word.term = word.normalized = self.searched(word.form)

    def searched(self, form: str) -> str:
        """A form (ة kept) as it is searched: ة folded to ه unless ``fold_teh_marbuta=False``."""
        return fold_teh_marbuta(form) if self.normalization.fold_teh_marbuta else form

    def options(self) -> dict[str, Any]:
        return {
            "fold_hamza_carriers": self.normalization.fold_hamza_carriers,
            "fold_teh_marbuta": self.normalization.fold_teh_marbuta,
        }


class StopWords(Step):
    """Stop words (في، من، التي...) are not indexed: ``term`` becomes "" (they keep their place,
    so phrases still count them). ``words``: normalized stop words; None: the shipped list."""

    name = "stop_words"
    keeps_pieces = True

    def __init__(self, words: Iterable[str] | None = None) -> None:
        self.words: frozenset[str] = default_stopwords() if words is None else frozenset(words)

    def __call__(self, word: Word) -> None:
        if word.normalized in self.words:
            word.term = ""

    def options(self) -> dict[str, Any]:
        return {} if self.words == default_stopwords() else {"words": sorted(self.words)}


class Protect(Step):
    """Words never stemmed nor reduced to a root (names the stemmer would cut: سلمان، ماكرون),
    alone or after proclitics (وماكرون, لماكرون, للتويتر find them; ``proclitics=False``: only
    as written). The normalization options are the chain's ``Normalize`` step's, so the words
    are written as it writes them."""

    name = "protect"
    keeps_pieces = True

    def __init__(
        self,
        words: Iterable[str] = (),
        fold_hamza_carriers: bool = False,
        fold_teh_marbuta: bool = True,
        proclitics: bool = True,
    ) -> None:
        self.given = tuple(sorted(set(words)))
        self._normalize = Normalize(fold_hamza_carriers, fold_teh_marbuta)
        self.proclitics = proclitics
        word_form = NormalizationOptions(fold_hamza_carriers, fold_teh_marbuta=False)
        #: the words as normalized forms that keep ة (what ``Word.form`` is compared with)
        self.forms: frozenset[str] = frozenset(normalize_word(word, word_form) for word in self.given)
        #: the terms they are indexed as (their root is the term itself)
        self.terms: frozenset[str] = frozenset(map(self._normalize.searched, self.forms))

    def __call__(self, word: Word) -> None:
        if word.term and (kept := self.protected_word(word.form)) is not None:
            word.term = self._normalize.searched(kept)
            word.protected = True

    def protected_word(self, form: str) -> str | None:
        """The protected word ``form`` is, alone or after proclitics, or None."""
        if form in self.forms:
            return form
        if not self.forms or not self.proclitics:
            return None
        for clitics in PROTECTED_WORD_PROCLITICS:
            if form.startswith(clitics):
                rest = form[len(clitics) :]
                if rest in self.forms:
                    return rest
                if clitics.endswith("لل") and "ال" + rest in self.forms:
                    return "ال" + rest  # للتويتر = ل + التويتر
        return None

    def options(self) -> dict[str, Any]:
        return {"words": list(self.given), **self._normalize.options(), "proclitics": self.proclitics}


class LightStem(Step):
    """Clitics and endings off, guarded by a lexicon (``stem.LightStemmer``): للمملكة, والمملكة
    and مملكة meet at مملك, while كتاب stays كتاب."""

    name = "light_stem"
    keeps_pieces = True

    def __init__(self) -> None:
        self._stem = default_stemmer().stem

    def __call__(self, word: Word) -> None:
        if word.term and not word.protected:
            word.term = self._stem(word.form)


class RootStem(Step):
    """The word's root (tashaphyne's, ties broken here): درس، مدرسة، المدارس، دراسة meet at درس.
    Roots are not pieces of their words: highlighting reads the whole text."""

    name = "root_stem"

    def __call__(self, word: Word) -> None:
        if word.term and not word.protected:
            word.term = root_of(word.form)


class Synonyms(Step):
    """One word indexed as another: ``Synonyms({"كوفيد": "كورونا"})`` indexes كوفيد (and
    الكوفيد, لكوفيد...) as كورونا is, before stemming, so a search for either finds both.
    For groups of words and phrases applied at search time, without re-indexing, use
    ``index.synonyms``. The normalization options are the chain's ``Normalize`` step's."""

    name = "synonyms"
    keeps_pieces = False  # the term may not be a piece of the word written

    def __init__(
        self, words: Mapping[str, str], fold_hamza_carriers: bool = False, fold_teh_marbuta: bool = True
    ) -> None:
        self.given = dict(sorted(words.items()))
        self._normalize = Normalize(fold_hamza_carriers, fold_teh_marbuta)
        word_form = NormalizationOptions(fold_hamza_carriers, fold_teh_marbuta=False)
        self._forms = {normalize_word(a, word_form): normalize_word(b, word_form) for a, b in self.given.items()}
        self._find = Protect(self._forms, fold_hamza_carriers, fold_teh_marbuta)

    def __call__(self, word: Word) -> None:
        if word.term and not word.protected and (known := self._find.protected_word(word.form)) is not None:
            word.form = self._forms[known]
            word.term = self._normalize.searched(word.form)

    def options(self) -> dict[str, Any]:
        return {"words": self.given, **self._normalize.options()}


#: The built-in steps, by the name an index saves them under.
BUILT_IN: dict[str, type[Step]] = {
    step.name: step for step in (Tokenize, Normalize, StopWords, Protect, LightStem, RootStem, Synonyms)
}


class Chain:
    """A tokenizer and the steps each word goes through, in order.

    مثال::

        >>> chain = Tokenize() | Normalize() | StopWords() | LightStem()
        >>> chain.analyze("والمدارس")
        ('والمدارس', 'مدارس')
        >>> Chain.from_spec(chain.spec()) == chain
        True
    """

    def __init__(self, steps: Sequence[Step], name: str = "custom") -> None:
        steps = list(steps)
        tokenizers = [step for step in steps if isinstance(step, Tokenize)]
        if len(tokenizers) > 1 or (tokenizers and steps[0] is not tokenizers[0]):
            raise ValueError("a chain has one Tokenize step, first")
        if not any(isinstance(step, Normalize) for step in steps):
            raise ValueError(
                "a chain needs a Normalize step (arsearch's queries and highlighting compare normalized words)"
            )
        self.tokenizer: Tokenize = tokenizers[0] if tokenizers else Tokenize()
        #: the steps each word goes through (the tokenizer left out)
        self.steps: tuple[Step, ...] = tuple(step for step in steps if not isinstance(step, Tokenize))
        #: the profile this chain is (``profiles``), or "custom"
        self.name = name
        self._calls = [step.__call__ for step in self.steps]
        #: the terms of protected words: their root is the word itself
        self.protected_terms: frozenset[str] = frozenset().union(
            *(step.terms for step in self.steps if isinstance(step, Protect))
        )
        #: every step gives terms that are pieces of the word's normalized form
        self.keeps_pieces = all(step.keeps_pieces for step in (self.tokenizer, *self.steps))
        #: each lemma's term, once worked out: many words share a lemma (وزراء، الوزراء، ووزراء)
        self._lemma_terms: dict[str, str] = {}

    def __or__(self, step: Step) -> Chain:
        return Chain([self.tokenizer, *self.steps, step])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Chain) and (other.tokenizer, other.steps) == (self.tokenizer, self.steps)

    def __hash__(self) -> int:
        return hash((self.tokenizer, self.steps))

    def __repr__(self) -> str:
        return " | ".join(map(repr, (self.tokenizer, *self.steps)))

    def __reduce__(self) -> tuple[Any, ...]:
        # sent to analysis processes as its description (steps may hold big tables, such as a lexicon)
        return (Chain.from_spec, (self.spec(), self.name))

    def analyze(self, surface: str) -> tuple[str, str]:
        """``(normalized, term)`` of one word: what the steps make of it ("" for no term)."""
        word = Word(surface)
        for call in self._calls:
            call(word)
        return word.normalized, (word.term if word.normalized else "")

    def root(self, term: str) -> str:
        """The root indexed beside a term: tashaphyne's, or the term itself for a protected word."""
        return term if term in self.protected_terms else root_of(term)

    def lemma(self, normalized: str, term: str) -> str:
        """The term of a word's lemma where the dictionary is sure of it (``dictionary.lemma_of``)
        and it is not ``term`` itself: الوزراء → وزير (the term of وزير); "" otherwise, and for a
        protected word.

        مثال::

            >>> chain = Tokenize() | Normalize() | StopWords() | LightStem()
            >>> chain.lemma("الوزراء", "وزراء"), chain.lemma("الوزير", "وزير")
            ('وزير', '')
        """
        if term in self.protected_terms:
            return ""
        lemma = lemma_of(normalized)
        if lemma is None:
            return ""
        lemma_term = self._lemma_terms.get(lemma)
        if lemma_term is None:
            lemma_term = self._lemma_terms[lemma] = self.analyze(lemma)[1]
        return "" if lemma_term == term else lemma_term

    def spec(self) -> list[dict[str, Any]]:
        """What an index saves of the chain (JSON): each step's name, or import path, and options."""
        return [{"step": _step_name(step), **step.options()} for step in (self.tokenizer, *self.steps)]

    @classmethod
    def from_spec(cls, spec: Sequence[Mapping[str, Any]], name: str = "custom") -> Chain:
        """The chain ``spec`` describes (``ValueError`` naming a step that cannot be rebuilt)."""
        return cls([_step_from(entry) for entry in spec], name)

    def check_savable(self) -> None:
        """``ValueError`` unless every step can be rebuilt from what an index saves of it."""
        for step in (self.tokenizer, *self.steps):
            try:
                rebuilt = _step_from({"step": _step_name(step), **step.options()})
            except ValueError as error:
                raise ValueError(f"{step!r} cannot be saved with an index: {error}") from None
            if rebuilt != step:
                raise ValueError(f"{step!r} cannot be saved with an index: options() does not rebuild it")


def _step_name(step: Step) -> str:
    kind = type(step)
    if BUILT_IN.get(kind.name) is kind:
        return kind.name
    return f"{kind.__module__}:{kind.__qualname__}"


def _step_from(entry: Mapping[str, Any]) -> Step:
    name = str(entry.get("step", ""))
    options = {key: value for key, value in entry.items() if key != "step"}
    kind = BUILT_IN.get(name)
    if kind is None:
        module_name, _, qualified = name.partition(":")
        if not qualified or module_name == "__main__":
            raise ValueError(f"step {name!r} is not importable: define it in a module of its own")
        try:
            found: Any = importlib.import_module(module_name)
            for part in qualified.split("."):
                found = getattr(found, part)
        except (ImportError, AttributeError) as error:
            raise ValueError(f"step {name!r} cannot be imported ({error})") from None
        if not (isinstance(found, type) and issubclass(found, Step)):
            raise ValueError(f"step {name!r} is not an analysis Step")
        kind = found
    try:
        return kind(**options)
    except TypeError as error:
        raise ValueError(f"step {name!r} does not take {sorted(options)} ({error})") from None
