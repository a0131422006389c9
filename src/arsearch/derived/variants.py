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

import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import NamedTuple, Protocol

import orjson

from ..analysis.dictionary import Kind, is_native_form, kind_of, table_kind
from ..analysis.spelling import (
    KEY_SEPARATOR,
    LONG_VOWELS,
    MIN_LETTERS,
    fullest_written,
    known_native,
    letter_edits,
    parse_spelling_term,
    spelled_after_proclitics,
    spelled_words,
    spelling_key,
    spelling_prefixes,
    vowel_edits,
    without_proclitics,
)
from ..analysis.stem import is_arabic_word, is_dictionary_root, root_of
from ..engine.base import Snapshot
from ..engine.queries import BooleanQuery, EngineQuery, PhraseQuery, TermQuery
from ..engine.schema import ARTICLE_EXACT_FIELD, ARTICLE_FIELD
from ..records.files import write_atomically
from .topics import TopicModel

VARIANTS_FILE = "variants.json"
VARIANTS_FORMAT = 1
#: Letters that transliteration writes in several ways, each mapped to one of its class.
ALTERNATING_LETTERS = str.maketrans({"غ": "ج", "ق": "ج", "ك": "ج", "گ": "ج", "ڤ": "ف", "پ": "ب"})
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
    #: the forms of the word's spelling key, judged now by the dictionary and the index's words
    judged: list[Judgement] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        judged = [dict(j.__dict__, accepted=j.accepted, reason=j.reason) for j in self.judged]
        return dict(self.__dict__, candidates=[candidate.as_dict() for candidate in self.candidates], judged=judged)


def word_variants(
    snapshot: Snapshot,
    table: VariantTable | None,
    word: str,
    stem: str | None,
    root: str = "",
    widen_below: int = 0,
    judged: Sequence[Judgement] = (),
) -> WordVariants:
    """``WordVariants`` of a word whose index term is ``stem`` (and ``root``); a search for it also
    lets in articles sharing the root when the term is in fewer than ``widen_below`` articles.
    ``judged``: the judge's verdicts on the word's form (``SpellingJudge.judged``)."""
    fitted = table.fitted if table is not None else ""
    if stem is None:
        return WordVariants(word, stem, [], [], fitted)
    articles = snapshot.doc_freq(ARTICLE_FIELD, stem)
    widens = bool(root) and root != stem and articles < widen_below
    accepted = {other for j in judged if j.accepted for other in j.stems if other != stem}
    searched = sorted(set(table.of(stem) if table is not None else ()) | accepted)
    candidates = [
        Candidate(verdict.other(stem), snapshot.doc_freq(ARTICLE_FIELD, verdict.other(stem)), verdict)
        for verdict in (table.candidates(stem) if table is not None else ())
    ]
    return WordVariants(word, stem, searched, candidates, fitted, articles, root, widens, list(judged))


# --- spellings judged when a search asks: the dictionary and the index's own words -----------------

#: The judge's rules, numbered: the answers a refit judged ahead (``derived.prejudged``) hold only
#: for the rules they were judged by. One more whenever a change may change an answer.
JUDGE_RULES = 4
#: Two spellings found together in more than this share of the rarer one's articles (when it has
#: at least ``TOGETHER_FROM`` of them) are two words an article tells apart, not one name.
MAX_SHARED = 0.5
TOGETHER_FROM = 3
#: Most other spellings of a word judged (the closest, by ``letter_edits``, then the commonest): a
#: short key can be shared by dozens of words, and a rare spelling of a common word must be reached.
MAX_JUDGED = 8
#: Most long vowels two spellings differ by (``analysis.spelling.vowel_edits``), most differences in
#: all (``letter_edits``: توغو/توجو 1, توغو/طوكيو 3), and the shortest key.
MAX_VOWEL_EDITS = 1
MAX_LETTER_EDITS = 2
MIN_KEY = 3
#: Shortest half of a compound written as one word or two (أبو ظبي، نيو يورك، لاب توب).
MIN_HALF = 3


def close_spellings(first: str, second: str) -> bool:
    """Whether two words of one spelling key are close enough to be judged spellings of one name:
    ``MAX_VOWEL_EDITS`` long vowels apart, ``MAX_LETTER_EDITS`` differences in all (one, the last
    letter, for words of twin keys: ``analysis.spelling.FINAL_TWINS``).

    مثال::

        >>> close_spellings("ترامب", "ترمب"), close_spellings("توغو", "طوكيو"), close_spellings("باريس", "باريز")
        (True, False, True)
    """
    lengths = [len(word) - 2 if word.startswith("ال") else len(word) for word in (first, second)]
    if abs(lengths[0] - lengths[1]) > MAX_LETTER_EDITS:  # a bound on letter_edits, at no cost
        return False
    # words of twin keys (باريس، باريز) differ in that letter alone: تونس is no تيونز
    most = MAX_LETTER_EDITS if spelling_key(first) == spelling_key(second) else 1
    return vowel_edits(first, second) <= MAX_VOWEL_EDITS and letter_edits(first, second) <= most


#: The kind of a judgement's other side when it is the word itself after a proclitic (وتوغو for توغو).
AFTER_PROCLITIC = "after a proclitic"
#: The kind of a judgement's other side when the stemmer read it as a proclitic before a native word of
#: the dictionary's table whose term is mostly that word's (``SpellingJudge._polluted``): a search
#: would find that word wherever it is (a search for الكاميرا finding أمير through كأمير).
NATIVE_TERM = "a native word's term"
#: ... mostly that word's: in more than this many times the articles of the spelling.
MAX_TERM_ARTICLES = 2


class Answer(NamedTuple):
    """A word's ``SpellingJudge.answer``, judged ahead, and the ``spellings_print`` it was judged on."""

    spellings: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Judgement:
    """Whether a search for ``form`` also finds ``other`` (another spelling of a name), and why."""

    form: str
    other: str
    #: the other spelling's index terms (what a search adds): one, or two for a word ending in ه,
    #: which the articles may write with ة (stemmed otherwise); a compound's two words are one
    #: entry, their terms separated by a space (searched as a phrase)
    stems: tuple[str, ...]
    #: how the articles write each, and what the dictionary makes of it (analysis.dictionary)
    written: tuple[str, str]
    kinds: tuple[str, str]
    #: articles holding both, and the rarer one's articles
    together: int
    rarer: int

    @property
    def accepted(self) -> bool:
        return (
            "native" not in self.kinds
            and NATIVE_TERM not in self.kinds
            and not self._both_nouns
            and not self._together_often
            and bool(self.stems)
        )

    @property
    def _both_nouns(self) -> bool:
        # the dictionary lists each of them as a word of its own (سفارة، سفير)
        return self.kinds == ("noun", "noun")

    @property
    def _together_often(self) -> bool:
        return self.rarer >= TOGETHER_FROM and self.together > MAX_SHARED * self.rarer

    @property
    def reason(self) -> str:
        if self.kinds[1] == AFTER_PROCLITIC and self.accepted:
            return "the word after a proclitic its light stem keeps (names are not cut: لندن is no ل + ندن)"
        if "native" in self.kinds:
            word = self.written[self.kinds.index("native")]
            return f"an Arabic word ({word}: a native word in the dictionary)"
        if NATIVE_TERM in self.kinds:
            terms = "، ".join(self.stems)
            return f"its index term is mostly a native word's ({terms}: {self.other} read as a proclitic before it)"
        if self._both_nouns:
            return "two nouns of the dictionary, not one name spelled twice"
        if self._together_often:
            return f"often in one article ({self.together} of {self.rarer})"
        kinds = ", ".join(f"{word}: {kind}" for word, kind in zip(self.written, self.kinds, strict=True))
        return f"variant ({kinds}; together in {self.together} of {self.rarer} articles)"


class SpellingSource(Protocol):
    """What the judge reads of an index: its spelling terms, word counts, article counts of a query,
    how a word is written and its index term. One commit's (``SnapshotSource``), or a cluster's,
    summed over its shards, so that every shard is given the same judgements."""

    def spelled(self, prefix: str) -> dict[str, int]:
        """The spelling terms that start with ``prefix`` (``analysis.spelling.spelling_term``), with
        their article counts (``analysis.spelling.spelled_words`` reads them)."""
        ...

    def spelled_each(self, prefixes: Sequence[str]) -> list[dict[str, int]]:
        """``spelled`` of each prefix: asked together, a cluster asks its shards once."""
        ...

    def articles(self, words: Sequence[str]) -> list[int]:
        """Articles holding each (normalized) word: asked together, a cluster asks its shards once."""
        ...

    def counts(self, queries: Sequence[EngineQuery]) -> list[int]:
        """Articles each query finds: asked together, a cluster asks its shards once."""
        ...

    def written(self, form: str) -> str:
        """How the articles most often write the word whose normalized form is ``form``."""
        ...

    def stems(self, words: Sequence[str]) -> list[str | None]:
        """The index term of each word (None for a stop word or several words)."""
        ...


#: ``SnapshotSource.articles`` reads the commit's whole word list (``word_counts``) for more words than
#: this at once, and than ``LIST_SHARE`` of the commit's articles (the whole spelling dictionary, for a
#: refit), rather than the engine word by word; once it is read, every count comes from it (a
#: dictionary look-up, not ~8 µs through the bindings). The list costs ~2 µs an article to read (0.64 s
#: at 300k articles), so a search's look-ups (a Latin word's Arabic spellings: up to ~1,000) are asked
#: word by word on a large index rather than make one search wait for the list.
MANY_WORDS = 64
LIST_SHARE = 0.25


class SnapshotSource:
    """A ``SpellingSource`` over one commit. ``dictionary``: the (term, word) pairs of the index's
    spelling dictionary whose term starts with a prefix (``store.spellings``); ``word_counts``: the
    commit's words (normalized forms) with their article counts, read once for large look-ups
    (``store.Snapshot.vocabulary``); ``word_counts_read``: whether they are read already."""

    def __init__(
        self,
        snapshot: Snapshot,
        dictionary: Callable[[str], list[tuple[str, str]]],
        written: Callable[[str], str],
        stem_of: Callable[[str], str | None],
        word_counts: Callable[[], Mapping[str, int]] | None = None,
        word_counts_read: Callable[[], bool] = lambda: False,
    ) -> None:
        self._snapshot = snapshot
        self._dictionary = dictionary
        self.written = written
        self._stem_of = stem_of
        self._word_counts = word_counts
        self._word_counts_read = word_counts_read

    def spelled(self, prefix: str) -> dict[str, int]:
        """The terms starting with ``prefix`` of each form the commit's articles hold: the term of its
        ``fullest_written`` spelling with the articles that hold the words bringing it (لندن: لندن،
        ولندن، بلندن...), its other spellings' with 0."""
        words_of: dict[str, set[str]] = {}
        terms_of: dict[str, dict[str, str]] = {}
        for term, word in self._dictionary(prefix):
            form, written = parse_spelling_term(term)
            words_of.setdefault(form, set()).add(word)
            terms_of.setdefault(form, {})[written] = term
        forms = sorted(words_of)
        found: dict[str, int] = {}
        held = self._holding([words_of[form] for form in forms])
        for form, articles in zip(forms, held, strict=True):
            if articles:  # none: its articles were deleted, or never committed
                # every way it is written (what a cluster's shards write it as, put together, is
                # what one index does), its articles with the fullest
                spellings = terms_of[form]
                fullest = fullest_written(spellings)
                found.update((term, articles if spelled == fullest else 0) for spelled, term in spellings.items())
        return found

    def _holding(self, word_sets: Sequence[set[str]]) -> list[int]:
        """The articles holding the words of each set, summed (an article holding two, لندن and ولندن,
        counted twice: a bound, as cheap as the engine's document counts), asked at once."""
        words = [word for words in word_sets for word in words]
        counts = dict(zip(words, self.articles(words), strict=True))
        return [sum(counts[word] for word in words) for words in word_sets]

    def stems(self, words: Sequence[str]) -> list[str | None]:
        return [self._stem_of(word) for word in words]

    def spelled_each(self, prefixes: Sequence[str]) -> list[dict[str, int]]:
        return [self.spelled(prefix) for prefix in prefixes]

    def articles(self, words: Sequence[str]) -> list[int]:
        many = max(MANY_WORDS, int(LIST_SHARE * self._snapshot.doc_count))
        if self._word_counts is not None and (len(words) > many or self._word_counts_read()):
            counts = self._word_counts()
            return [counts.get(word, 0) for word in words]
        return [self._snapshot.doc_freq(ARTICLE_EXACT_FIELD, word) for word in words]

    def counts(self, queries: Sequence[EngineQuery]) -> list[int]:
        return [self._snapshot.search(query, limit=1, count=True).total for query in queries]


def _native_after_proclitic(form: str, stems: Sequence[str]) -> list[str]:
    """The terms of ``form`` that are native words of the table ``form`` does not start with (its
    article set aside): the stemmer read it as a proclitic before them (كأمير: أمير; not الجابون: جاب,
    an ending cut from a name)."""
    bare = form[2:] if form.startswith("ال") else form
    return [stem for stem in stems if not bare.startswith(stem) and is_native_form(stem)]


def _native_however_bare(form: str) -> bool:
    """Whether ``form`` is a native word whichever word the judge takes it as (``_bare``): the table
    knows it and each word it may be without a proclitic as native (most words of a query), told
    without counting their articles."""
    return all(map(known_native, [form, *without_proclitics(form)]))


class SpellingJudge:
    """Other spellings of a name or loanword among one commit's words, judged when a search asks.

    Two word forms are spellings of one name when they share a ``spelling_key`` and the
    dictionary knows neither, as the articles write it, for a native word (``عادل`` and ``عدل``
    stay apart; ``ترمب``, a name, and ``ترامب`` meet), unless articles often hold both. It needs
    no topic model: it works on a site's first articles, and for words seen a few times.
    """

    def __init__(
        self,
        source: SpellingSource,
        kind: Callable[[str], Kind] = kind_of,
        answers: Callable[[], Mapping[str, Answer]] | None = None,
        known_kind: Callable[[str], Kind | None] = table_kind,
    ) -> None:
        self._source = source
        #: the dictionary's verdict on a word as written (the verdicts a refit got ahead first:
        #: ``derived.prejudged``)
        self._kind = kind
        #: the ``answer`` of each word a refit judged ahead, by normalized form, with the
        #: ``spellings_print`` it was judged on
        self._answers = answers
        #: the answers of this commit's words taken from those, once their spellings were checked
        self._taken: dict[str, tuple[str, ...]] = {}
        #: the verdict on a word where it is known without analysing the word, else None
        self._known_kind = known_kind
        self._judged: dict[str, list[Judgement]] = {}
        #: what ``spellings`` and ``_bare`` found of each word: a search asks both for a word more than
        #: once (its answer's print, then its judgement), and each is a read of the index
        self._spelled: dict[str, dict[str, int]] = {}
        self._bares: dict[str, str] = {}
        self._joined: dict[tuple[str, str], tuple[str, ...]] = {}
        #: how each word met in the spelling terms stands written (``fullest_written``)
        self._written: dict[str, str] = {}

    def spellings(self, form: str) -> dict[str, int]:
        """The index's words sharing ``form``'s spelling key or its twin (``spelling_prefixes``), with
        their article counts (itself included; none for a key under ``MIN_KEY`` letters: الصين's is
        سن, shared with السين، اولسون...)."""
        prefixes = spelling_prefixes(form)
        if not prefixes or len(prefixes[0]) - len(KEY_SEPARATOR) < MIN_KEY:
            return {}
        read_as = " ".join(sorted(prefixes))  # twins (باريس، باريز) read the same words once
        known = self._spelled.get(read_as)
        if known is not None:
            return known
        counts: dict[str, int] = {}
        self._spelled[read_as] = counts
        for spelled in self._source.spelled_each(prefixes):
            for word, (articles, written) in spelled_words(spelled).items():
                counts[word] = articles
                self._written[word] = written
        return counts

    def _written_form(self, form: str) -> str:
        """How a word stands written: from its spelling terms when it has them (``fullest_written``,
        the same over a cluster's shards as over one index), else as its articles most often write it."""
        known = self._written.get(form)
        if known is None:
            self.spellings(form)
            known = self._written.get(form) or self._source.written(form)
        return known

    def judged(self, form: str) -> list[Judgement]:
        """Every other form of ``form``'s key, judged (none when the form is a native word). A word
        after a proclitic is judged as the word without it when the index holds that one more often
        (للمملكة as المملكة, وأنقرة as أنقرة; لندن stays لندن)."""
        known = self._judged.get(form)
        if known is None:
            known = self._judged[form] = self._judge(self._bare(form))
        return known

    def _bare(self, form: str) -> str:
        known = self._bares.get(form)
        if known is None:
            words = [form, *without_proclitics(form)]
            articles = dict(zip(words, self._source.articles(words), strict=True))
            known = self._bares[form] = max(articles, key=lambda word: (articles[word], word == form))
        return known

    def answer(self, form: str) -> tuple[str, ...]:
        """The index terms a search for ``form`` also finds: every accepted judgement's, sorted."""
        if form not in self._judged and (_native_however_bare(form) or known_native(self._bare(form))):
            return ()  # nothing is merged with a native word: its judgements need not be made
        return tuple(sorted({other for j in self.judged(form) if j.accepted for other in j.stems}))

    def spellings_print(self, form: str) -> str:
        """A short print of the words sharing a spelling key with ``form`` (or with the word it is
        judged as, without a proclitic): an answer judged ahead holds while the print is the same,
        and is judged again once an article brings another spelling."""
        words = sorted({*self.spellings(form), *self.spellings(self._bare(form))})
        return format(zlib.crc32("\n".join(words).encode("utf-8")), "08x")

    def of(self, stem: str, form: str) -> list[str]:
        """``answer(form)`` but ``stem``, the word's own term: as a refit answered it ahead while the
        word's spellings are those it judged, else judged now."""
        terms = self._taken.get(form)
        if terms is None and form not in self._judged and _native_however_bare(form):
            terms = self._taken[form] = ()  # the answer whatever the spellings: no print to check
        if terms is None:
            known = self._answers().get(form) if self._answers is not None else None
            if known is not None and known.spellings == self.spellings_print(form):
                terms = self._taken[form] = known.terms
            else:
                terms = self.answer(form)
        return [other for other in terms if other != stem]

    def joined(self, first: str, second: str) -> tuple[str, ...]:
        """The index terms of the one word two typed words are also written as (نيو يورك → نيويورك),
        when the index holds it and the dictionary does not know it for a native word; else ()."""
        known = self._joined.get((first, second))
        if known is None:
            known = self._joined[first, second] = self._join(first, second)
        return known

    def _join(self, first: str, second: str) -> tuple[str, ...]:
        word = first + second
        if min(len(first), len(second)) < MIN_HALF or not self._source.articles([word])[0]:
            return ()
        if not all(self._source.stems([first, second])):
            return ()  # a stop word is no half of a name (في لم is not فيلم)
        written = self._written_form(word)
        return () if self._kind(written) == "native" else self._stems([(word, written)])[0]

    def _splits(self, form: str) -> list[tuple[str, str, str, int]]:
        """The two words the articles also write a compound as (نيويورك → نيو يورك): each split
        whose halves are words of the index found side by side, with their terms and articles."""
        found = []
        halves = [(form[:at], form[at:]) for at in range(MIN_HALF, len(form) - MIN_HALF + 1)]
        words = sorted({half for pair in halves for half in pair})
        articles_of = dict(zip(words, self._source.articles(words), strict=True))
        held = [(first, second) for first, second in halves if articles_of[first] and articles_of[second]]
        words = sorted({half for pair in held for half in pair})
        stem_of = dict(zip(words, self._source.stems(words), strict=True))
        # a stop word is no half of a name (في لم is not فيلم)
        named = [(first, second) for first, second in held if stem_of[first] and stem_of[second]]
        phrases = self._source.counts([PhraseQuery(ARTICLE_EXACT_FIELD, pair) for pair in named]) if named else []
        for (first, second), articles in zip(named, phrases, strict=True):
            if articles:
                found.append((first, second, f"{stem_of[first]} {stem_of[second]}", articles))
        return found

    def _split(self, form: str, written: str, kind: str, splits: list[tuple[str, str, str, int]]) -> list[Judgement]:
        judgements = []
        form_articles = self._source.articles([form])[0] if splits else 0
        both = [
            BooleanQuery(
                (
                    ("must", TermQuery(ARTICLE_EXACT_FIELD, form)),
                    ("must", PhraseQuery(ARTICLE_EXACT_FIELD, (first, second))),
                )
            )
            for first, second, _, _ in splits
        ]
        for (first, second, searched, articles), together in zip(
            splits, self._source.counts(both) if both else [], strict=True
        ):
            rarer = min(articles, form_articles)
            words = f"{first} {second}"
            judgements.append(
                Judgement(form, words, (searched,), (written, words), (kind, "two words"), together, rarer)
            )
        return judgements

    def _judge(self, form: str) -> list[Judgement]:
        spellings = self.spellings(form)
        close = [other for other in spellings if other != form and close_spellings(form, other)]
        others = sorted(close, key=lambda other: (letter_edits(form, other), -spellings[other], other))
        splits = self._splits(form) if len(form) >= 2 * MIN_HALF else []
        native = known_native(form)  # the dictionary's table knows it (and no spelling of it is indexed)
        ((after, after_stems),) = self._after_proclitics([form]) if spellings and not native else [([], ())]
        if not others and not splits and not after:
            return []  # the dictionary is not asked: nothing to judge
        written = form if native else self._written_form(form)
        others_written = [self._written_form(other) for other in others]
        # every other's terms at once (a cluster asks its shards once): the inflections are skipped on them
        others_stems = self._stems([(form, written), *zip(others, others_written, strict=True)])
        seen = set(others_stems.pop(0))
        judged: list[tuple[str, str, tuple[str, ...]]] = []
        for other, other_written, stems in zip(others, others_written, others_stems, strict=True):
            if len(judged) == MAX_JUDGED:
                break
            if seen.issuperset(stems):
                continue  # an inflection of a spelling judged already (or of the word itself): no new term
            seen.update(stems)
            judged.append((other, other_written, stems))
        # the dictionary is asked (2-5 ms a word) only where its answer decides: not for a word the table
        # knows, nor when every other spelling is an inflection of one judged already (the table is enough)
        # nor when every other spelling is a native word it knows without analysis (a typo of one:
        # nothing is joined to a native word, whatever the word typed is)
        decides = splits or (judged and (after or any(self._known_kind(w) != "native" for _, w, _ in judged)))
        kind = "native" if native else self._kind(written) if decides else "not looked up"
        judgements = [] if kind == "native" else self._split(form, written, kind, splits)
        if after:
            judgements.append(
                Judgement(form, "، ".join(after), after_stems, (written, after[0]), (kind, AFTER_PROCLITIC), 0, 0)
            )
        # nothing is merged with a native word: its others need no look-up nor count
        togethers = self._together(form, [other for other, _, _ in judged]) if kind != "native" else []
        polluted = self._polluted(judged, spellings) if kind != "native" else set()
        accepted: list[int] = []
        for number, (other, other_written, stems) in enumerate(judged):
            judgement = Judgement(
                form,
                other,
                stems if kind != "native" else (),
                (written, other_written),
                (kind, "not looked up"),
                togethers[number] if kind != "native" else 0,
                min(spellings.get(form, 0), spellings[other]),
            )
            # nor for another spelling that its counts keep apart already (often in one article)
            if judgement.accepted and number in polluted:
                judgement = replace(judgement, kinds=(kind, NATIVE_TERM))
            if judgement.accepted:
                judgement = replace(judgement, kinds=(kind, self._kind(other_written)))
            if judgement.accepted:
                accepted.append(len(judgements))
            judgements.append(judgement)
        # the accepted spellings' forms after a proclitic too (وتوغو for توغو), asked at once
        after_accepted = self._after_proclitics([judgements[number].other for number in accepted])
        for number, (_, more) in zip(accepted, after_accepted, strict=True):
            judgements[number] = replace(judgements[number], stems=(*judgements[number].stems, *more))
        return judgements

    def _polluted(self, judged: Sequence[tuple[str, str, tuple[str, ...]]], spellings: Mapping[str, int]) -> set[int]:
        """Which of the ``judged`` spellings the stemmer reads as a proclitic before a native word whose
        term is mostly that word's (كأمير: أمير, in more than ``MAX_TERM_ARTICLES`` times its articles),
        asked at once: a search joining them would find that word wherever it is (الكاميرا finding
        أمير); not بينج (ب + ينج, a term hardly any article holds but for بينج)."""
        suspects = [
            (number, stem)
            for number, (other, _, stems) in enumerate(judged)
            for stem in _native_after_proclitic(other, stems)
        ]
        if not suspects:
            return set()
        counts = self._source.counts([TermQuery(ARTICLE_FIELD, stem) for _, stem in suspects])
        return {
            number
            for (number, _), articles in zip(suspects, counts, strict=True)
            if articles > MAX_TERM_ARTICLES * spellings[judged[number][0]]
        }

    def _after_proclitics(self, forms: Sequence[str]) -> list[tuple[list[str], tuple[str, ...]]]:
        """For each form, the index's words that are the form after a proclitic its light stem keeps
        (وتوغو، لكرستيان: the stemmer does not cut a name's first letter), and their terms; not the
        words the dictionary's table knows as native (وزير is no و + زير)."""
        candidates = [spelled_after_proclitics(form) for form in forms]
        asked = [word for words in candidates for word in words]
        articles = dict(zip(asked, self._source.articles(asked), strict=True)) if asked else {}
        held = [[word for word in words if articles[word]] for words in candidates]
        terms = sorted({*forms, *(word for words in held for word in words)}) if any(held) else []
        term_of = dict(zip(terms, self._source.stems(terms), strict=True)) if terms else {}
        found = []
        for form, words in zip(forms, held, strict=True):
            own = term_of.get(form)
            # a term that is the proclitic and the word's own term (لكرستي); not one the stemmer cut
            # into the word (وكرستيان → رستي)
            kept = [
                (word, term) for word in words if own and (term := term_of[word]) and term != own and term.endswith(own)
            ]
            found.append(([word for word, _ in kept], tuple(dict.fromkeys(term for _, term in kept))))
        return found

    def _stems(self, spellings: Sequence[tuple[str, str]]) -> list[tuple[str, ...]]:
        """The index terms of each spelling (its normalized form, and how it is written): as written,
        and, for a final ه, as if written ة (a stemmer reads ة; the normalized form has it as ه, and
        the written form is the commonest spelling only)."""
        asked = [(written, form[:-1] + "ة") if form.endswith("ه") else (written,) for form, written in spellings]
        found = iter(self._source.stems([word for words in asked for word in words]))
        return [tuple(dict.fromkeys(stem for stem in islice(found, len(words)) if stem)) for words in asked]

    def _together(self, form: str, others: Sequence[str]) -> list[int]:
        """Articles holding ``form`` and each of ``others`` (as they are, or after a proclitic), asked
        at once (a cluster asks its shards once for all of them)."""
        if not others:
            return []
        held = self._held(form)
        return self._source.counts([BooleanQuery((("must", held), ("must", self._held(other)))) for other in others])

    def _held(self, word: str) -> EngineQuery:
        """The articles that hold ``word``, however they write it (normalized: أيدولوجيا is ايدولوجيا),
        as it is or after a proclitic (ولندن): the articles whose spelling terms name it."""
        words = [word, *spelled_after_proclitics(word)]
        return BooleanQuery(tuple(("should", TermQuery(ARTICLE_EXACT_FIELD, other)) for other in words))


class GivenSpellings:
    """Spellings judged elsewhere and given to a search: a cluster judges a query's words over every
    shard and gives each shard the same answers (``engine.compile.SpellingVariants``). A word or
    pair not given has none; ``asked`` collects what a search asked (a compile with nothing given
    lists the questions)."""

    def __init__(
        self,
        words: Mapping[tuple[str, str], Sequence[str]] | None = None,
        pairs: Mapping[tuple[str, str], Sequence[str]] | None = None,
    ) -> None:
        self.words = dict(words or {})
        self.pairs = dict(pairs or {})
        self.asked_words: set[tuple[str, str]] = set()
        self.asked_pairs: set[tuple[str, str]] = set()

    def of(self, stem: str, form: str) -> list[str]:
        self.asked_words.add((stem, form))
        return list(self.words.get((stem, form), ()))

    def joined(self, first: str, second: str) -> tuple[str, ...]:
        self.asked_pairs.add((first, second))
        return tuple(self.pairs.get((first, second), ()))

    @classmethod
    def answered(cls, judge: SpellingJudge, asked: GivenSpellings) -> GivenSpellings:
        """The judge's answers to the questions ``asked`` collected."""
        words = {key: spelled for key in asked.asked_words if (spelled := judge.of(*key))}
        pairs = {key: joined for key in asked.asked_pairs if (joined := judge.joined(*key))}
        return cls(words, pairs)


class QueryVariants:
    """What a search joins to a word: the pairs fitted with the topic model, and the spellings the
    judge accepts (``engine.compile.SpellingVariants``)."""

    def __init__(self, table: VariantTable | None, judge: SpellingJudge | GivenSpellings | None) -> None:
        self.table = table
        self.judge = judge

    def of(self, stem: str, form: str) -> list[str]:
        fitted = self.table.of(stem) if self.table is not None else []
        judged = self.judge.of(stem, form) if self.judge is not None else []
        return sorted(set(fitted) | set(judged))

    def joined(self, first: str, second: str) -> tuple[str, ...]:
        return self.judge.joined(first, second) if self.judge is not None else ()


def fit_index_variants(snapshot: Snapshot, model: TopicModel, directory: Path) -> VariantTable:
    """Fit the variants of an index and save them in its ``directory``."""
    table = fit_variants(snapshot, model)
    table.save(directory / VARIANTS_FILE)
    return table


__all__ = [
    "VARIANTS_FILE",
    "Answer",
    "Candidate",
    "GivenSpellings",
    "Judgement",
    "PairCounts",
    "QueryVariants",
    "SnapshotSource",
    "SpellingJudge",
    "SpellingSource",
    "VariantTable",
    "Verdict",
    "WordVariants",
    "candidate_pairs",
    "close_spellings",
    "fit_index_variants",
    "fit_variants",
    "judged_table",
    "pair_counts",
    "read_variants",
    "skeleton",
    "word_variants",
]
