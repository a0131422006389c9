"""Compile arsearch's query tree (``query.py``) into an engine-neutral query (``queries.py``).

Ranking lives here as data (``Ranking``): BM25 over the stemmed text (which
holds the title's words too), extra weight for title matches, for exact word
forms and for shared roots, and an optional proximity bonus for multi-word
queries. Analysis happens here, in Python, so the engine only ever sees our
terms; prefix words are expanded over the snapshot's term dictionary.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from itertools import pairwise
from typing import Protocol

from ..analysis import Analyzer
from ..analysis.synonyms import Member, SynonymTable
from ..query import LEMMA_QUERY_FIELD, ROOT_QUERY_FIELD, Bool, DateRange, MatchLevel, Node, ParsedQuery, Phrase, Word
from .base import Snapshot
from .queries import (
    AllQuery,
    BooleanQuery,
    BoostQuery,
    DateRangeQuery,
    EngineQuery,
    NoneQuery,
    Occur,
    PhraseQuery,
    TermQuery,
    any_of,
    boosted,
)
from .schema import ARTICLE_FIELD, EXACT_SUFFIX, KEYWORD_FIELDS, LEMMA_SUFFIX, ROOT_SUFFIX, TEXT_FIELDS
from .statistics import CollectionStatistics, TermCounts, bm25_idf


class SpellingVariants(Protocol):
    """Other spellings of a name or loanword, ranked below the one typed (``derived.variants``)."""

    def of(self, stem: str, form: str) -> Sequence[str]:
        """The terms a search for a word (its ``stem`` and normalized ``form``) also finds; terms
        separated by a space are a phrase (نيو يورك for نيويورك)."""
        ...

    def joined(self, first: str, second: str) -> Sequence[str]:
        """The terms of the one word two typed words (normalized forms) are also written as."""
        ...


class NearTerms(Protocol):
    """Known terms near a word, for ``word~`` (``vocabulary.Vocabulary`` is one)."""

    def within(self, term: str, distance: int, *, stemmed: bool = False) -> list[tuple[str, int]]: ...


#: A prefix must have this many letters (after normalization): ``ا*`` is refused.
MIN_PREFIX_LETTERS = 2
#: Terms a prefix or fuzzy word may expand to (the most frequent are kept).
MAX_EXPANSIONS = 50


@dataclass(frozen=True)
class Ranking:
    """The ranking knobs. Defaults are set by measurement (benchmarks/RESULTS.md, "Relevance").

    Every weight is relative to a stem match in the text, which already
    counts the title's words.
    """

    #: extra weight of a match in the title
    title_boost: float = 0.25
    #: extra weight of an exact word-form match
    exact_boost: float = 0.5
    #: extra weight of a shared root (كتاب ~ كتب ~ مكتبة: derived forms and
    #: broken plurals). A root alone does not qualify an article, so totals and
    #: facets count real matches, unless the words themselves find almost
    #: nothing: then the search is widened to articles sharing only roots.
    root_boost: float = 1.0
    #: weight of a synonym's match relative to the words typed (``synonyms``), after
    #: evening out how rare each is: a synonym's match ranks below the same match
    #: of the words typed
    synonym_boost: float = 0.6
    #: weight of another spelling of a name or loanword (``variants``), evened out the same way
    variant_boost: float = 0.6
    #: weight of a match of the word's lemma where the dictionary is sure of it (وزراء for وزير,
    #: and the other way round); it qualifies an article. Off by default: on arcd-train and
    #: qqa23-train it moved nothing or lowered the figures (benchmarks/RESULTS.md, "Lemma level");
    #: ``match="lemma"`` and ``lemma:`` search by lemma on request
    lemma_boost: float = 0.0
    #: bonus for the query's words appearing close together, each two neighbours (0 = off)
    proximity_boost: float = 0.0
    proximity_slop: int = 5
    #: weight of the words of the first search's best articles (pseudo-relevance feedback,
    #: ``search.feedback``): the strongest word's, relative to a stem match (0 = off)
    feedback_boost: float = 0.0
    #: how many of the best articles are read, and how many of their words are added
    feedback_docs: int = 3
    feedback_terms: int = 10

    @classmethod
    def from_settings(cls, settings: Iterable[str]) -> Ranking:
        """The defaults with each ``name=value`` setting applied (``--ranking`` on the command line).

        مثال::

            >>> Ranking.from_settings(["proximity_boost=0.2", "feedback-boost=0.3"]).feedback_boost
            0.3
        """
        known = {knob.name: knob for knob in fields(cls)}
        chosen: dict[str, float | int] = {}
        for setting in settings:
            name, equals, value = setting.partition("=")
            knob = known.get(name.strip().replace("-", "_"))
            if not equals or knob is None:
                raise ValueError(f"{setting!r}: expected NAME=VALUE, NAME one of {', '.join(known)}")
            kind = int if isinstance(knob.default, int) else float
            try:
                number = kind(value.strip())
            except ValueError:
                raise ValueError(
                    f"{setting!r}: {knob.name} takes {'a whole number' if kind is int else 'a number'}"
                ) from None
            if number < 0:
                raise ValueError(f"{setting!r}: {knob.name} cannot be negative")
            chosen[knob.name] = number
        return cls(**chosen)  # type: ignore[arg-type]  # each value of its knob's type


@dataclass
class Compiled:
    """The engine query, the terms to highlight, and warnings."""

    query: EngineQuery | None
    stems: set[str] = field(default_factory=set)
    exact_forms: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    #: the query where a shared root alone also qualifies an article (see ``Ranking.root_boost``)
    widened: EngineQuery | None = None
    #: (root field, root, weight) of the query's plain words
    roots: list[tuple[str, str, float]] = field(default_factory=list)
    #: roots searched by ``root:``: every word of these roots is highlighted
    searched_roots: set[str] = field(default_factory=set)
    #: lemma terms searched: every word with one of these lemmas is highlighted (الوزراء for وزير)
    lemmas: set[str] = field(default_factory=set)


class QueryCompiler:
    def __init__(
        self,
        snapshot: Snapshot,
        light: Analyzer,
        ranking: Ranking,
        vocabulary: NearTerms | None = None,
        synonyms: SynonymTable | None = None,
        variants: SpellingVariants | None = None,
        statistics: CollectionStatistics | None = None,
        match: MatchLevel | None = None,
    ) -> None:
        self.snapshot = snapshot
        #: how closely words must match (None: the default ranking)
        self.match = match
        #: the counts words are weighed by: the whole collection's when the index is one shard of it
        self.counts: TermCounts = statistics if statistics is not None else snapshot
        self.light = light
        self.ranking = ranking
        self._vocabulary = vocabulary
        self._synonyms = synonyms if synonyms and ranking.synonym_boost > 0 else None
        self._variants = variants if variants is not None and ranking.variant_boost > 0 else None
        self._roots_qualify = False

    def compile(self, parsed: ParsedQuery) -> Compiled:
        """The query, where roots only add score; and ``widened``, where a word's root may
        stand in for the word (same structure: +word still requires the word or its root)."""
        result = self._compile(parsed, Compiled(None), roots_qualify=False)
        if result.query is not None and result.roots:
            result.widened = self._compile(parsed, Compiled(None), roots_qualify=True).query
        return result

    def _compile(self, parsed: ParsedQuery, result: Compiled, *, roots_qualify: bool) -> Compiled:
        self._roots_qualify = roots_qualify
        query = self._node(parsed.root, result, negated=False)
        if query is None:
            return result
        roots = [self._term(name, root, weight) for name, root, weight in result.roots]
        bonuses = [q for q in (self._proximity(parsed.root), any_of(roots) if roots else None) if q is not None]
        result.query = BooleanQuery((("must", query), *(("should", q) for q in bonuses))) if bonuses else query
        return result

    # --- nodes ------------------------------------------------------------

    def _node(self, node: Node, result: Compiled, negated: bool) -> EngineQuery | None:
        if isinstance(node, Word):
            return self._word(node, result, negated)
        if isinstance(node, Phrase):
            return self._phrase(node, result, negated)
        if isinstance(node, DateRange):
            return DateRangeQuery(node.start, node.end)
        return self._bool(node, result, negated)

    def _bool(self, node: Bool, result: Compiled, negated: bool) -> EngineQuery | None:
        clauses: list[tuple[Occur, EngineQuery]] = []
        occurrences: tuple[tuple[Occur, Sequence[Node], bool], ...] = (
            ("should", node.should, negated),
            ("must", node.must, negated),
            ("must_not", node.must_not, not negated),
        )
        for occur, nodes, inverted in occurrences:
            clauses += [(occur, q) for q in self._clauses(nodes, occur, result, inverted)]
        if not clauses:
            return None
        if all(occur == "must_not" for occur, _ in clauses):
            clauses.append(("must", AllQuery()))  # "-مصر" alone: everything but
        if len(clauses) == 1 and clauses[0][0] != "must_not":
            return clauses[0][1]
        return BooleanQuery(tuple(clauses))

    def _clauses(self, nodes: Sequence[Node], occur: Occur, result: Compiled, negated: bool) -> list[EngineQuery]:
        """Each node compiled; words (or a phrase) spelling a synonym also match the other members of its group."""
        queries: list[EngineQuery] = []
        start = 0
        while start < len(nodes):
            found = self._synonym_run(nodes, start) if self._synonyms is not None else None
            compound = self._compound(nodes, start) if found is None else None
            if compound is not None:
                typed = [q for n in nodes[start : start + 2] if (q := self._node(n, result, negated)) is not None]
                pair_stems, pair_field, joined = compound
                pair_occur: Occur = "must" if occur == "must" else "should"
                one_word = self._spelled(joined, pair_stems, pair_field, result, negated)
                queries.append(any_of([BooleanQuery(tuple((pair_occur, q) for q in typed)), *one_word]))
                start += 2
                continue
            count = found[0] if found else 1
            typed = [q for n in nodes[start : start + count] if (q := self._node(n, result, negated)) is not None]
            start += count
            if found is None or not typed:
                queries += typed
                continue
            _, group, stems, field_name = found
            together: Occur = "must" if occur == "must" else "should"
            typed_query = typed[0] if len(typed) == 1 else BooleanQuery(tuple((together, q) for q in typed))
            assert self._synonyms is not None
            weight = self.ranking.synonym_boost
            typed_rarity = self._rarity(stems)
            alternatives = [
                self._synonym(each, field_name, self._evened(weight, typed_rarity, each.stems), result, negated)
                for each in self._synonyms.others(group, stems)
            ]
            queries.append(any_of([typed_query, *alternatives]))
        return queries

    def _synonym_run(self, nodes: Sequence[Node], start: int) -> tuple[int, int, tuple[str, ...], str | None] | None:
        """The nodes from ``start`` that spell a synonym: (how many nodes, group, their terms, field)."""
        assert self._synonyms is not None
        first = nodes[start]
        if isinstance(first, Phrase) and (first.field is None or first.field in TEXT_FIELDS):
            stems = self._stems(first.text)
            group = self._synonyms.group_of(stems)
            return None if group is None else (1, group, stems, first.field)
        run: list[tuple[str, ...]] = []
        for node in nodes[start:]:
            plain = isinstance(node, Word) and not (node.prefix or node.fuzzy)
            if not plain or node.field != first.field or node.field not in (None, *TEXT_FIELDS):  # type: ignore[union-attr]
                break
            run.append(self._stems(node.text))  # type: ignore[union-attr]
            if sum(map(len, run)) >= self._synonyms.longest:
                break
        for count in range(len(run), 0, -1):
            stems = tuple(stem for word in run[:count] for stem in word)
            group = self._synonyms.group_of(stems) if stems else None
            if group is not None:
                return count, group, stems, first.field  # type: ignore[union-attr]
        return None

    def _stems(self, text: str) -> tuple[str, ...]:
        return tuple(token.stem for token in self.light.tokens(text) if token.stem)

    def _evened(self, weight: float, typed_rarity: float, stems: Sequence[str]) -> float:
        """``weight`` for a match of ``stems`` standing in for the words typed: a rarer stand-in
        would outweigh them (BM25 favours rare terms), so its weight is scaled down to theirs."""
        return weight * min(1.0, typed_rarity / self._rarity(stems))

    def _rarity(self, stems: Sequence[str]) -> float:
        """The summed BM25 idf of some stems in the text: what a match of them all is worth."""
        return sum(bm25_idf(self.counts.doc_count, self.counts.doc_freq(ARTICLE_FIELD, stem)) for stem in stems)

    def _synonym(
        self, synonym: Member, field_name: str | None, weight: float, result: Compiled, negated: bool
    ) -> EngineQuery:
        """Another member of a synonym's group, at ``weight``: a word as a word, a phrase as a phrase
        (of stems, so بالولايات المتحدة matches الولايات المتحدة). No exact-form or root bonus: those
        are the words typed's own, and keep them above."""
        if not negated:
            result.stems.update(synonym.stems)
        clauses: list[EngineQuery] = []
        for name in self._fields(field_name):
            boost = self._boost(name) * weight
            if len(synonym.stems) > 1:
                clauses.append(boosted(PhraseQuery(name, synonym.stems, slop=synonym.gaps), boost))
            else:
                clauses.append(self._term(name, synonym.stems[0], boost))
        return any_of(clauses)

    def _fields(self, field_name: str | None) -> tuple[str, ...]:
        return (field_name,) if field_name in TEXT_FIELDS else TEXT_FIELDS

    def _boost(self, field_name: str) -> float:
        return self.ranking.title_boost if field_name == "title" else 1.0

    def _term(self, field_name: str, text: str, boost: float) -> EngineQuery:
        return boosted(TermQuery(field_name, text), boost)

    def _word(self, word: Word, result: Compiled, negated: bool) -> EngineQuery | None:
        if word.field in KEYWORD_FIELDS:
            return TermQuery(word.field, word.text)
        if word.field == ROOT_QUERY_FIELD:
            return self._root_word(word, result, negated)
        if word.field == LEMMA_QUERY_FIELD:
            return self._lemma_word(word, result, negated)
        if word.prefix or word.fuzzy:
            return self._expanding(word, result, negated)
        match = self.match
        lemma_weight = 1.0 if match == "lemma" else self.ranking.lemma_boost if match is None else 0.0
        clauses: list[EngineQuery] = []
        for token in self.light.tokens(word.text):
            assert token.stem is not None
            if not negated:
                result.stems.add(token.stem)
                result.exact_forms.add(token.normalized)
            for name in self._fields(word.field):
                boost = self._boost(name)
                if match == "word":  # the word as typed: its normalized form, nothing derived
                    clauses.append(self._term(name + EXACT_SUFFIX, token.normalized, boost))
                    continue
                clauses.append(self._term(name, token.stem, boost))
                if self.ranking.exact_boost:
                    clauses.append(self._term(name + EXACT_SUFFIX, token.normalized, boost * self.ranking.exact_boost))
                if lemma_weight:
                    clauses += self._lemma(name, token.stem, token.lemma, boost * lemma_weight, result, negated)
                root = (name + ROOT_SUFFIX, self.light.root(token.stem), boost * self.ranking.root_boost)
                if match == "root":  # any word of the root qualifies
                    clauses.append(self._term(*root))
                    if not negated:
                        result.searched_roots.add(root[1])
                elif match is None and self.ranking.root_boost and not negated:
                    if self._roots_qualify:
                        clauses.append(self._term(*root))
                    else:
                        result.roots.append(root)
            if match != "word":
                clauses += self._spellings(token.stem, token.normalized, word.field, result, negated)
        if not clauses:
            return None  # a stop word
        return any_of(clauses)

    def _lemma(
        self, name: str, stem: str, lemma: str | None, boost: float, result: Compiled, negated: bool
    ) -> list[EngineQuery]:
        """A word's lemma in one field: the words whose stem is the lemma (the singular وزير for
        وزراء typed; for a singular typed, its own stem, which the caller searches) and those whose
        lemma it is (the plural وزراء for وزير typed)."""
        lemma = lemma or stem
        if not negated:
            result.lemmas.add(lemma)
            result.stems.add(lemma)
        clauses = [self._term(name + LEMMA_SUFFIX, lemma, boost)]
        if lemma != stem:
            clauses.append(self._term(name, lemma, boost))
        return clauses

    def _lemma_word(self, word: Word, result: Compiled, negated: bool) -> EngineQuery | None:
        """``lemma:وزير``: articles with the word in any of its forms, broken plurals included
        (وزير، الوزير، وزراء، للوزراء), in title (boosted) or text."""
        clauses: list[EngineQuery] = []
        for token in self.light.tokens(word.text):
            assert token.stem is not None
            for name in TEXT_FIELDS:
                # the word typed as itself, then its lemma
                clauses.append(self._term(name, token.stem, self._boost(name)))
                clauses += self._lemma(name, token.stem, token.lemma, self._boost(name), result, negated)
            if not negated:
                result.stems.add(token.stem)
        return any_of(clauses) if clauses else None

    def _spellings(
        self, stem: str, form: str, field_name: str | None, result: Compiled, negated: bool
    ) -> list[EngineQuery]:
        """The other spellings of a name or loanword (ترمب for ترامب), below the one typed."""
        others = self._variants.of(stem, form) if self._variants is not None else ()
        if not others:
            return []
        return self._spelled(others, (stem,), field_name, result, negated)

    def _spelled(
        self, others: Sequence[str], typed: Sequence[str], field_name: str | None, result: Compiled, negated: bool
    ) -> list[EngineQuery]:
        """Clauses for other spellings of the ``typed`` stems, below them (a phrase for spaced terms)."""
        rarity = self._rarity(typed)
        clauses: list[EngineQuery] = []
        for other in others:
            stems = tuple(other.split())
            if not negated:
                result.stems.update(stems)
            weight = self._evened(self.ranking.variant_boost, rarity, stems)
            for name in self._fields(field_name):
                boost = self._boost(name) * weight
                clauses.append(
                    self._term(name, stems[0], boost) if len(stems) == 1 else boosted(PhraseQuery(name, stems), boost)
                )
        return clauses

    def _compound(self, nodes: Sequence[Node], start: int) -> tuple[tuple[str, ...], str | None, Sequence[str]] | None:
        """Two typed words from ``start`` that the index also writes as one (نيو يورك → نيويورك):
        their stems, their field and the one word's terms."""
        if self._variants is None or start + 1 >= len(nodes):
            return None
        pair = nodes[start : start + 2]
        words = [node for node in pair if isinstance(node, Word) and not (node.prefix or node.fuzzy)]
        if len(words) != 2 or words[0].field != words[1].field or words[0].field not in (None, *TEXT_FIELDS):
            return None
        tokens = [list(self.light.tokens(word.text)) for word in words]
        if any(len(each) != 1 or each[0].stem is None for each in tokens):
            return None
        (first,), (second,) = tokens
        joined = self._variants.joined(first.normalized, second.normalized)
        if not joined:
            return None
        return (first.stem or "", second.stem or ""), words[0].field, joined

    def _root_word(self, word: Word, result: Compiled, negated: bool) -> EngineQuery | None:
        """``root:درس``: articles with any word of the root, in title (boosted) or text.

        The word typed is reduced to its root like every indexed word, so a
        root (درس) and a word of it (مدرسة) search the same.
        """
        clauses: list[EngineQuery] = []
        for token in self.light.tokens(word.text, keep_stopwords=True):
            root = self.light.root(token.stem or token.normalized)
            if not negated:
                result.searched_roots.add(root)
            clauses += [self._term(name + ROOT_SUFFIX, root, self._boost(name)) for name in TEXT_FIELDS]
        return any_of(clauses) if clauses else None

    def _expanding(self, word: Word, result: Compiled, negated: bool) -> EngineQuery | None:
        """``word*`` and ``word~``, expanded over both the stemmed and the exact vocabulary.

        Both matter in Arabic: اقتص* must reach الاقتصاد (stem اقتصاد), and
        تطعيم~ must reach للتطعيم (stem تطعيم).
        """
        tokens = list(self.light.tokens(word.text, keep_stopwords=True))
        if len(tokens) != 1:
            return self._word(Word(word.text, word.field), result, negated)
        form, stem = tokens[0].normalized, tokens[0].stem
        if word.prefix and len(form) < MIN_PREFIX_LETTERS:
            result.warnings.append(f"prefix {word.text}* is too short (at least {MIN_PREFIX_LETTERS} letters): ignored")
            return None
        clauses: list[EngineQuery] = []
        for name in self._fields(word.field):
            for fieldname, text in ((name, stem if stem and word.fuzzy else form), (name + EXACT_SUFFIX, form)):
                if word.prefix:
                    expansions = self._prefix_terms(fieldname, text, result)
                else:
                    expansions = self._fuzzy_terms(fieldname, text)
                if not negated:
                    (result.exact_forms if fieldname.endswith(EXACT_SUFFIX) else result.stems).update(expansions)
                clauses += [self._term(fieldname, term, self._boost(name)) for term in expansions]
        return any_of(clauses) if clauses else NoneQuery()

    def _prefix_terms(self, fieldname: str, prefix: str, result: Compiled) -> list[str]:
        found = self.snapshot.terms(fieldname, prefix, limit=MAX_EXPANSIONS + 1)
        if len(found) > MAX_EXPANSIONS:
            warning = f"prefix {prefix}* matches many words: only the {MAX_EXPANSIONS} commonest are searched"
            if warning not in result.warnings:
                result.warnings.append(warning)
        return [term for term, _ in found[:MAX_EXPANSIONS]]

    def _fuzzy_terms(self, fieldname: str, form: str) -> list[str]:
        if self._vocabulary is None:
            return [form]
        stemmed = not fieldname.endswith(EXACT_SUFFIX)
        near = self._vocabulary.within(form, 1, stemmed=stemmed)
        return [term for term, _ in near[:MAX_EXPANSIONS]]

    def _phrase(self, phrase: Phrase, result: Compiled, negated: bool) -> EngineQuery | None:
        tokens = list(self.light.tokens(phrase.text, keep_stopwords=True))
        words = [t.normalized for t in tokens]
        if not words:
            return None
        if not negated:
            result.exact_forms.update(words)
            result.stems.update(t.stem for t in tokens if t.stem)
        clauses: list[EngineQuery] = []
        for name in self._fields(phrase.field):
            exact_field = name + EXACT_SUFFIX
            query: EngineQuery
            if len(words) == 1:
                query = TermQuery(exact_field, words[0])
            else:
                query = PhraseQuery(exact_field, tuple(words), slop=0)
            clauses.append(boosted(query, self._boost(name)))
        return any_of(clauses)

    def _proximity(self, root: Bool) -> EngineQuery | None:
        """Free-text words found close together (in stemmed form) earn a bonus."""
        if not self.ranking.proximity_boost:
            return None
        plain = [n for n in root.should if isinstance(n, Word) and not (n.field or n.prefix or n.fuzzy)]
        stems = [t.stem for word in plain for t in self.light.tokens(word.text) if t.stem]
        if len(stems) < 2:
            return None
        slop = self.ranking.proximity_slop
        boost = self.ranking.proximity_boost
        # each two neighbouring words of the query, as a sequential-dependence model scores them:
        # a question's words seldom sit all together in its answer, but its pairs do
        pairs = list(dict.fromkeys(pairwise(stems)))
        return any_of(
            [
                BoostQuery(PhraseQuery(name, pair, slop=slop), boost * self._boost(name))
                for pair in pairs
                for name in TEXT_FIELDS
            ]
        )
