"""Spelling variants of names and loanwords, learned from the index itself.

Arabic news writes foreign names and loanwords many ways, often within one
outlet: ترامب/ترمب, جوجل/غوغل/قوقل, إنستغرام/انستقرام/انستجرام,
ديمقراطية/ديموقراطية. Edit distance would merge native words one letter apart
(علم/عالم, حق/حج) and miss two-letter variants (جوجل/قوقل), and no word list
is used: variants are found among the index's own stems, when they are fitted
with the topic model (``index.topics.refit()``, which imports run as the index
grows), and kept in ``variants.json`` beside it.

1. **Candidates** share a *skeleton*: the letters transliteration writes in
   several ways made one (ج غ ق ك گ; ف ڤ; ب پ), the long-vowel letters ا و ي
   dropped inside the word (not first or last: those carry Arabic endings,
   the nisba ي of لبناني, the tanween ا of قتلا), a name's ال set aside. Both
   have at least ``MIN_LETTERS`` letters: three-letter words are Arabic roots
   (علم/عالم, قال/قيل, كتب/كاتب).
2. **Evidence from the index**, all of it required:

   * *shared contexts*: their topic-model vectors (which stems they occur
     among, over the whole index) have a cosine of at least ``MIN_CONTEXT``;
   * *one spelling per writer*: they are seldom in the same article (in at
     most ``MAX_TOGETHER`` of the rarer one's articles), where two different
     words about one subject meet often (غرب/قرب, لائحة/لوائح);
   * *foreign words*: neither reads as an Arabic word, a root of the Arabic
     root dictionary (tashaphyne's) plus at most ``MAX_PATTERN_LETTERS``
     letters of a pattern, also once an inflection ending is set aside
     (افتقادها, ارتدوه): a native word's patterns and inflections share
     letters and contexts too (اعتقاد/اعتقد, مثير/مثار), and a loanword must
     not swallow the native word it resembles.

A search for one spelling then also finds the others, ranked below it
(``Ranking.variant_boost``) and highlighted; ``arsearch variants WORD`` shows
the candidates of a word and the evidence for each.

مثال::

    >>> skeleton("ترامب") == skeleton("ترمب"), skeleton("جوجل") == skeleton("قوقل")
    (True, True)
    >>> skeleton("عالم")  # three letters once its long vowel is gone: no candidate
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import orjson

from ..analysis.stem import is_arabic_word, is_dictionary_root, root_of
from ..engine.base import Snapshot
from ..engine.queries import BooleanQuery, TermQuery
from ..engine.schema import ARTICLE_FIELD
from ..records.files import write_atomically
from .topics import TopicModel

VARIANTS_FILE = "variants.json"
VARIANTS_FORMAT = 1
#: Letters that transliteration writes in several ways, each mapped to one of its class.
ALTERNATING_LETTERS = str.maketrans({"غ": "ج", "ق": "ج", "ك": "ج", "گ": "ج", "ڤ": "ف", "پ": "ب"})
#: Long-vowel letters, written or dropped inside foreign words (ترامب/ترمب).
LONG_VOWELS = frozenset("اوي")
#: Shortest stem that may have variants (three-letter words are Arabic roots).
MIN_LETTERS = 4
#: Least cosine of two stems' contexts.
MIN_CONTEXT = 0.6
#: Pairs whose contexts are this alike are kept in the file with their evidence (``arsearch variants``).
KEPT_CONTEXT = 0.3
#: Most articles holding both spellings, as a share of the rarer one's articles.
MAX_TOGETHER = 0.2
#: Letters an Arabic pattern adds to its root in a light stem (اعتقاد: عقد + ا ت ا); a longer stem
#: whose "root" tashaphyne finds is taken for a foreign word.
MAX_PATTERN_LETTERS = 3
#: Endings a light stem keeps that Arabic inflection adds (pronouns, plural and dual, verb endings).
INFLECTIONS = ("ها", "هم", "هما", "ه", "وا", "ان", "ين", "ون", "تم", "نا")


def skeleton(stem: str) -> str | None:
    """The key candidates share (None for a stem too short or not all Arabic letters)."""
    if len(stem) < MIN_LETTERS or not is_arabic_word(stem):
        return None
    bare = stem[2:] if stem.startswith("ال") and len(stem) > MIN_LETTERS else stem
    letters = bare.translate(ALTERNATING_LETTERS)
    return letters[0] + "".join(letter for letter in letters[1:-1] if letter not in LONG_VOWELS) + letters[-1]


@dataclass(frozen=True)
class Verdict:
    """Whether two stems are spellings of one word, and the evidence (as fitted)."""

    first: str
    second: str
    #: cosine of the two stems' contexts (``TopicModel.contexts``)
    context: float
    #: share of the rarer stem's articles that hold both (None: not counted, the contexts already differ)
    together: float | None = None
    #: "word: root" when one of them reduces to a root of the Arabic root dictionary
    arabic: str | None = None

    @property
    def accepted(self) -> bool:
        return (
            self.context >= MIN_CONTEXT
            and self.arabic is None
            and self.together is not None
            and self.together <= MAX_TOGETHER
        )

    @property
    def reason(self) -> str:
        if self.accepted:
            return "variant"
        if self.context < MIN_CONTEXT:
            return f"contexts differ (cosine {self.context:.2f} < {MIN_CONTEXT})"
        if self.arabic is not None:
            return f"an Arabic word ({self.arabic})"
        return f"often in one article ({self.together or 0:.0%} > {MAX_TOGETHER:.0%})"

    def other(self, stem: str) -> str:
        return self.second if stem == self.first else self.first

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__, accepted=self.accepted, reason=self.reason)


class VariantTable:
    """Every candidate pair judged when the table was fitted; the accepted ones looked up by stem."""

    def __init__(self, verdicts: Iterable[Verdict], fitted: str = "") -> None:
        self.verdicts = sorted(verdicts, key=lambda verdict: (verdict.first, verdict.second))
        self.fitted = fitted
        self._candidates: dict[str, list[Verdict]] = {}
        self._of: dict[str, list[str]] = {}
        for verdict in self.verdicts:
            for stem in (verdict.first, verdict.second):
                self._candidates.setdefault(stem, []).append(verdict)
                if verdict.accepted:
                    self._of.setdefault(stem, []).append(verdict.other(stem))

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """The accepted pairs, each in alphabetical order."""
        return [(verdict.first, verdict.second) for verdict in self.verdicts if verdict.accepted]

    def of(self, stem: str) -> list[str]:
        """The other spellings of a stem (empty for most words)."""
        return self._of.get(stem, [])

    def candidates(self, stem: str) -> list[Verdict]:
        """Every pair judged with ``stem``, accepted first, then by context."""
        found = self._candidates.get(stem, [])
        return sorted(found, key=lambda verdict: (not verdict.accepted, -verdict.context, verdict.other(stem)))

    def as_mapping(self) -> Mapping[str, list[str]]:
        return self._of

    def __len__(self) -> int:
        return len(self.pairs)

    def save(self, path: Path) -> None:
        rows = [[v.first, v.second, v.context, v.together, v.arabic] for v in self.verdicts]
        write_atomically(path, orjson.dumps({"format": VARIANTS_FORMAT, "fitted": self.fitted, "pairs": rows}))

    @classmethod
    def load(cls, path: Path) -> VariantTable:
        data = orjson.loads(path.read_bytes())
        if not isinstance(data, dict) or data.get("format") != VARIANTS_FORMAT:
            raise ValueError(f"{path} is not an arsearch variants file of format {VARIANTS_FORMAT}")
        verdicts = [Verdict(str(a), str(b), float(c), t, r) for a, b, c, t, r in data["pairs"]]
        return cls(verdicts, str(data.get("fitted", "")))


def read_variants(path: Path) -> VariantTable | None:
    """The variants file of an index; None when it is missing or unreadable (searches go without)."""
    try:
        return VariantTable.load(path)
    except (OSError, ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        return None


#: Articles holding a pair's first stem, its second, and both (the evidence ``MAX_TOGETHER`` is about).
PairCounts = tuple[int, int, int]


def fit_variants(snapshot: Snapshot, model: TopicModel) -> VariantTable:
    """Judge every candidate pair among the model's stems on ``snapshot``.

    The contexts come from a model just fitted (``TopicModel.contexts``, not
    saved); pairs whose contexts are not even alike (< ``KEPT_CONTEXT``) are not kept.
    """
    return judged_table(candidate_pairs(model), lambda pairs: pair_counts(snapshot, pairs))


def candidate_pairs(model: TopicModel) -> list[tuple[str, str, float]]:
    """Stems of one skeleton whose contexts are at least ``KEPT_CONTEXT`` alike: (first, second, cosine),
    each pair in alphabetical order."""
    import numpy as np  # only when fitting: see topics

    if model.contexts is None:
        raise ValueError("variants are fitted with a topic model just fitted (its contexts are not saved)")
    norms = np.linalg.norm(model.contexts, axis=1, keepdims=True)
    vectors = model.contexts / np.where(norms > 0, norms, 1.0)
    by_skeleton: dict[str, list[str]] = {}
    for term in model.terms:
        key = skeleton(term)
        if key is not None:
            by_skeleton.setdefault(key, []).append(term)
    pairs: list[tuple[str, str, float]] = []
    for group in by_skeleton.values():
        if len(group) < 2:
            continue
        rows = vectors[[model.positions[term] for term in group]]
        contexts = rows @ rows.T
        for i, j in zip(*np.nonzero(np.triu(contexts >= KEPT_CONTEXT, k=1)), strict=True):
            first, second = sorted((group[i], group[j]))
            pairs.append((first, second, round(float(contexts[i, j]), 3)))
    return pairs


def judged_table(
    pairs: Sequence[tuple[str, str, float]], count: Callable[[list[tuple[str, str]]], Sequence[PairCounts]]
) -> VariantTable:
    """The table of ``candidate_pairs``; ``count`` gives the ``PairCounts`` of the pairs whose contexts
    agree (asked once, for all of them: a sharded index sums every shard's)."""
    needed = [(first, second) for first, second, context in pairs if context >= MIN_CONTEXT]
    counted = dict(zip(needed, count(needed), strict=True)) if needed else {}
    verdicts = [_judged(first, second, context, counted.get((first, second))) for first, second, context in pairs]
    return VariantTable(verdicts, datetime.now(timezone.utc).isoformat(timespec="seconds"))


def pair_counts(snapshot: Snapshot, pairs: Sequence[tuple[str, str]]) -> list[PairCounts]:
    """The ``PairCounts`` of each pair in ``snapshot``."""
    counts = []
    for first, second in pairs:
        both = BooleanQuery((("must", TermQuery(ARTICLE_FIELD, first)), ("must", TermQuery(ARTICLE_FIELD, second))))
        counts.append(
            (
                snapshot.doc_freq(ARTICLE_FIELD, first),
                snapshot.doc_freq(ARTICLE_FIELD, second),
                snapshot.search(both, limit=1, count=True).total,
            )
        )
    return counts


def _judged(first: str, second: str, context: float, counts: PairCounts | None) -> Verdict:
    """The evidence on a pair: the counts and roots are looked at only when the contexts agree."""
    if context < MIN_CONTEXT or counts is None:
        return Verdict(first, second, context)
    arabic = next(filter(None, map(_arabic, (first, second))), None)
    in_first, in_second, both = counts
    together = round(both / max(1, min(in_first, in_second)), 3)
    return Verdict(first, second, context, together, arabic)


def _arabic(stem: str) -> str | None:
    """ "stem: root" when the stem, or the stem without an inflection ending, reads as an Arabic word:
    a dictionary root plus a pattern's few letters.

    tashaphyne finds some dictionary root in most long loanwords too
    (كمبيوتر → بتر, نتنياهو → نوه); a pattern adds at most ``MAX_PATTERN_LETTERS``.
    """
    for form in (stem, *(stem[: -len(ending)] for ending in INFLECTIONS if stem.endswith(ending))):
        root = root_of(form)
        if len(form) >= 3 and is_dictionary_root(root) and len(form) <= len(root) + MAX_PATTERN_LETTERS:
            return f"{stem}: {root}"
    return None


@dataclass(frozen=True)
class Candidate:
    """Another spelling considered for a word, with the evidence and how many articles have it now."""

    spelling: str
    articles: int
    verdict: Verdict

    def as_dict(self) -> dict[str, object]:
        return {"spelling": self.spelling, "articles": self.articles, **self.verdict.as_dict()}


@dataclass(frozen=True)
class WordVariants:
    """What ``arsearch variants WORD`` shows: the spellings searches use, and why."""

    word: str
    #: the word's index term (None: a stop word, or not one word)
    stem: str | None
    #: the other spellings a search for the word also finds
    searched: list[str]
    #: every spelling judged with it when the table was fitted (contexts at least ``KEPT_CONTEXT``)
    candidates: list[Candidate]
    #: when the table was fitted ("" when there is none yet)
    fitted: str
    #: the articles the word's term is in
    articles: int = 0
    #: the root of its term, which a search falls back on when the term finds too few articles
    root: str = ""
    #: the term finds too few articles: a search for the word alone also lets in those sharing its root
    root_widens: bool = False

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__, candidates=[candidate.as_dict() for candidate in self.candidates])


def word_variants(
    snapshot: Snapshot, table: VariantTable | None, word: str, stem: str | None, root: str = "", widen_below: int = 0
) -> WordVariants:
    """``WordVariants`` of a word whose index term is ``stem`` (and ``root``); a search for it also
    lets in articles sharing the root when the term is in fewer than ``widen_below`` articles."""
    fitted = table.fitted if table is not None else ""
    if stem is None:
        return WordVariants(word, stem, [], [], fitted)
    articles = snapshot.doc_freq(ARTICLE_FIELD, stem)
    widens = bool(root) and root != stem and articles < widen_below
    if table is None:
        return WordVariants(word, stem, [], [], fitted, articles, root, widens)
    candidates = [
        Candidate(verdict.other(stem), snapshot.doc_freq(ARTICLE_FIELD, verdict.other(stem)), verdict)
        for verdict in table.candidates(stem)
    ]
    return WordVariants(word, stem, table.of(stem), candidates, fitted, articles, root, widens)


def fit_index_variants(snapshot: Snapshot, model: TopicModel, directory: Path) -> VariantTable:
    """Fit the variants of an index and save them in its ``directory``."""
    table = fit_variants(snapshot, model)
    table.save(directory / VARIANTS_FILE)
    return table


__all__ = [
    "VARIANTS_FILE",
    "Candidate",
    "PairCounts",
    "VariantTable",
    "Verdict",
    "WordVariants",
    "candidate_pairs",
    "fit_index_variants",
    "fit_variants",
    "judged_table",
    "pair_counts",
    "read_variants",
    "skeleton",
    "word_variants",
]
