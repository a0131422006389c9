"""Compile arsearch's query tree (``query.py``) into a Whoosh query.

Ranking lives here as data (``Ranking``): BM25F over the stemmed fields, an
extra weight for exact word forms, a coordination bonus for matching more of
the query's words, and a proximity bonus for multi-word queries.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from ..analysis import Analyzer
from ..query import Bool, DateRange, Node, ParsedQuery, Phrase, Word
from .whoosh import EXACT_SUFFIX

#: A prefix must have this many letters (after normalization): ``ا*`` is refused.
MIN_PREFIX_LETTERS = 2
#: Terms a prefix or fuzzy word may expand to (the most frequent are kept).
MAX_EXPANSIONS = 50
#: Vocabulary entries looked at per prefix; bounds the time of ``word*``.
MAX_PREFIX_SCAN = 20_000


@dataclass(frozen=True)
class Ranking:
    """The ranking knobs. Defaults are set by measurement (benchmarks/RESULTS.md)."""

    title_boost: float = 2.0
    #: weight of an exact word-form match relative to a stem match
    exact_boost: float = 0.5
    #: coordination bonus: documents matching more query words rank higher (0 = off)
    coordination: float = 0.9
    #: bonus for the query's words appearing close together (0 = off). Off by
    #: default: on 31k news articles it multiplies query time by ~2.5 (phrase
    #: positions read for every candidate); issue 6 decides by measurement.
    proximity_boost: float = 0.0
    proximity_slop: int = 5


@dataclass
class Compiled:
    """The Whoosh query, the exact-form bonus, the terms to highlight, warnings.

    ``query`` matches and scores on stems (and phrases, prefixes, fuzzy words);
    ``exact_bonus`` scores the free-text words' exact forms. It is meant to be
    applied to the top candidates only (``rerank``), which costs a fraction of
    scoring every candidate on four fields; ``combined()`` is the same ranking
    as one query, for result pages beyond the reranked depth.
    """

    query: wq.Query | None
    exact_bonus: wq.Query | None = None
    stems: set[str] = field(default_factory=set)
    exact_forms: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    exact_clauses: list[wq.Query] = field(default_factory=list)

    def combined(self) -> wq.Query | None:
        if self.query is None or self.exact_bonus is None:
            return self.query
        return wq.AndMaybe(self.query, self.exact_bonus)


class QueryCompiler:
    def __init__(self, reader: Any, light: Analyzer, exact: Analyzer, ranking: Ranking) -> None:
        self.reader = reader
        self.light = light
        self.exact = exact
        self.ranking = ranking

    def compile(self, parsed: ParsedQuery) -> Compiled:
        result = Compiled(None)
        query = self._node(parsed.root, result, negated=False)
        proximity = self._proximity(parsed.root)
        if query is not None and proximity is not None:
            query = wq.AndMaybe(query, proximity)
        result.query = query
        if result.exact_clauses and self.ranking.exact_boost:
            result.exact_bonus = wq.Or(result.exact_clauses)
        return result

    # --- nodes ------------------------------------------------------------

    def _node(self, node: Node, result: Compiled, negated: bool) -> wq.Query | None:
        if isinstance(node, Word):
            return self._word(node, result, negated)
        if isinstance(node, Phrase):
            return self._phrase(node, result, negated)
        if isinstance(node, DateRange):
            return wq.DateRange("date", node.start, node.end)
        return self._bool(node, result, negated)

    def _bool(self, node: Bool, result: Compiled, negated: bool) -> wq.Query | None:
        should = [q for n in node.should if (q := self._node(n, result, negated)) is not None]
        must = [q for n in node.must if (q := self._node(n, result, negated)) is not None]
        must_not = [q for n in node.must_not if (q := self._node(n, result, not negated)) is not None]
        optional = None
        if should:
            optional = should[0] if len(should) == 1 else wq.Or(should, scale=self.ranking.coordination or None)
        required = (must[0] if len(must) == 1 else wq.And(must)) if must else None
        if required is not None and optional is not None:
            query: wq.Query | None = wq.AndMaybe(required, optional)
        else:
            query = required or optional
        if must_not:
            query = wq.AndNot(query or wq.Every(), must_not[0] if len(must_not) == 1 else wq.Or(must_not))
        return query

    def _fields(self, field_name: str | None) -> tuple[str, ...]:
        if field_name in ("title", "text"):
            return (field_name,)
        return ("title", "text")

    def _boost(self, field_name: str) -> float:
        return self.ranking.title_boost if field_name == "title" else 1.0

    def _word(self, word: Word, result: Compiled, negated: bool) -> wq.Query | None:
        if word.field in ("source", "category", "author", "tags"):
            return wq.Term(word.field, word.text)
        if word.prefix or word.fuzzy:
            return self._expanding(word, result, negated)
        clauses: list[wq.Query] = []
        for token in self.light.tokens(word.text):
            assert token.stem is not None
            if not negated:
                result.stems.add(token.stem)
                result.exact_forms.add(token.normalized)
            for name in self._fields(word.field):
                boost = self._boost(name)
                clauses.append(wq.Term(name, token.stem, boost=boost))
                if not negated:
                    exact_term = wq.Term(name + EXACT_SUFFIX, token.normalized, boost=boost * self.ranking.exact_boost)
                    result.exact_clauses.append(exact_term)
        if not clauses:
            return None  # a stop word
        return wq.Or(clauses)

    def _expanding(self, word: Word, result: Compiled, negated: bool) -> wq.Query | None:
        """``word*`` and ``word~``, expanded over both the stemmed and the exact vocabulary.

        Both matter in Arabic: اقتص* must reach الاقتصاد (stem اقتصاد), and
        تطعيم~ must reach للتطعيم (stem تطعيم).
        """
        forms = [t.normalized for t in self.exact.tokens(word.text)]
        if len(forms) != 1:
            return self._word(Word(word.text, word.field), result, negated)
        form = forms[0]
        if word.prefix and len(form) < MIN_PREFIX_LETTERS:
            result.warnings.append(f"prefix {word.text}* is too short (at least {MIN_PREFIX_LETTERS} letters): ignored")
            return None
        stems = [t.stem for t in self.light.tokens(word.text) if t.stem]
        clauses: list[wq.Query] = []
        for name in self._fields(word.field):
            for fieldname, text in ((name, stems[0] if stems and word.fuzzy else form), (name + EXACT_SUFFIX, form)):
                if word.prefix:
                    expansions = self._prefix_terms(fieldname, text, result)
                else:
                    expansions = self._fuzzy_terms(fieldname, text)
                if not negated:
                    (result.exact_forms if fieldname.endswith(EXACT_SUFFIX) else result.stems).update(expansions)
                clauses += [wq.Term(fieldname, term, boost=self._boost(name)) for term in expansions]
        return wq.Or(clauses) if clauses else wq.NullQuery

    def _prefix_terms(self, fieldname: str, prefix: str, result: Compiled) -> list[str]:
        candidates: list[tuple[int, str]] = []
        for scanned, term in enumerate(self.reader.expand_prefix(fieldname, prefix)):
            if scanned >= MAX_PREFIX_SCAN:
                result.warnings.append(f"prefix {prefix}* matches too many words: only the commonest are searched")
                break
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            candidates.append((self.reader.doc_frequency(fieldname, text), text))
        return [text for _, text in heapq.nlargest(MAX_EXPANSIONS, candidates)]

    def _fuzzy_terms(self, fieldname: str, form: str) -> list[str]:
        near = list(self.reader.terms_within(fieldname, form, 1, prefix=1))
        ranked = heapq.nlargest(MAX_EXPANSIONS, ((self.reader.doc_frequency(fieldname, t), t) for t in near))
        return [text for _, text in ranked]

    def _phrase(self, phrase: Phrase, result: Compiled, negated: bool) -> wq.Query | None:
        words = [t.normalized for t in self.exact.tokens(phrase.text)]
        if not words:
            return None
        if not negated:
            result.exact_forms.update(words)
            result.stems.update(t.stem for t in self.light.tokens(phrase.text) if t.stem)
        clauses: list[wq.Query] = []
        for name in self._fields(phrase.field):
            exact_field = name + EXACT_SUFFIX
            boost = self._boost(name)
            if len(words) == 1:
                clauses.append(wq.Term(exact_field, words[0], boost=boost))
            else:
                clauses.append(wq.Phrase(exact_field, words, slop=1, boost=boost))
        return clauses[0] if len(clauses) == 1 else wq.Or(clauses)

    def _proximity(self, root: Bool) -> wq.Query | None:
        """Free-text words found close together (in stemmed form) earn a bonus."""
        if not self.ranking.proximity_boost:
            return None
        plain = [n for n in root.should if isinstance(n, Word) and not (n.field or n.prefix or n.fuzzy)]
        stems = [t.stem for word in plain for t in self.light.tokens(word.text) if t.stem]
        if len(stems) < 2:
            return None
        slop = self.ranking.proximity_slop
        return wq.Or(
            [
                wq.Phrase("text", stems, slop=slop, boost=self.ranking.proximity_boost),
                wq.Phrase("title", stems, slop=slop, boost=self.ranking.proximity_boost * self.ranking.title_boost),
            ]
        )
