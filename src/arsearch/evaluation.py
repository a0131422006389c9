"""How well a search ranks on a relevance test set in TREC form (``arsearch eval``).

A test set is a directory with ``topics.tsv`` (query id TAB query, one per line), ``qrels.txt``
(TREC qrels: ``qid 0 docid grade``) and, unless an existing index is evaluated, ``docs.jsonl``
(the articles, one JSON object a line, as ``arsearch index`` reads them). Each topic is searched
through the public ``search`` exactly as a reader's query string, and the ranked article ids are
scored with the standard measures at trec_eval's definitions:

* ``MAP@10``: average precision of the top 10, over every relevant article of the topic;
* ``MRR@10``: one over the rank of the first relevant article in the top 10;
* ``nDCG@10``: graded gain (the qrels' grade) with a log2 discount, over the ideal order;
* ``R@100``: the share of the topic's relevant articles found in the top 100.

An article counts as relevant when its grade is 1 or more; a topic none of whose articles is
relevant cannot be scored and is left out, and a judged topic that finds nothing counts as zeros.

مثال::

    >>> report = evaluate("eval/arcd-train")                                  # doctest: +SKIP
    >>> report.default["MRR@10"], report.levels["root"]["MRR@10"]             # doctest: +SKIP
    (0.815, 0.814)
    >>> scores({"1": ["القاهرة", "الرياض"]}, {"1": {"الرياض": 1}})["MRR@10"]
    0.5
"""

from __future__ import annotations

import math
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from .engine.compile import Ranking
from .errors import EvaluationSetError
from .index import Index
from .query import MATCH_LEVELS, MatchLevel
from .records.ingest import read_records
from .search.results import Results

#: The measures reported, in order.
MEASURES = ("MAP@10", "MRR@10", "nDCG@10", "R@100")
#: Results kept per topic (``R@100`` needs 100).
RUN_DEPTH = 100
#: The cutoff of the top-10 measures.
TOP = 10
#: What each run is called: the default ranking, then each match level.
DEFAULT_RUN = "default"

#: Topic id -> article id -> grade.
Qrels = dict[str, dict[str, int]]
#: Topic id -> article ids, best first.
RankedRun = dict[str, list[str]]

TOPICS_FILE = "topics.tsv"
QRELS_FILE = "qrels.txt"
DOCS_FILE = "docs.jsonl"


class Searcher(Protocol):
    """What is evaluated: an ``Index``, a ``ClusterIndex``, anything with their ``search``."""

    def search(self, query: str, **options: Any) -> Results: ...


@dataclass(frozen=True)
class TestSet:
    """A relevance test set: its topics, judgements and (when it has them) articles."""

    name: str
    topics: dict[str, str]
    qrels: Qrels
    #: ``docs.jsonl`` when the set has one
    docs: Path | None = None

    @property
    def judged_topics(self) -> int:
        """Topics with at least one relevant article: those the means are taken over."""
        return len(_judged(self.qrels))


def read_topics(path: Path) -> dict[str, str]:
    """``query id TAB query text`` per line; blank lines are skipped, anything else malformed
    is an ``EvaluationSetError`` naming the file and line."""
    topics: dict[str, str] = {}
    for number, line in enumerate(_lines(path), 1):
        if not line.strip():
            continue
        qid, tab, text = line.partition("\t")
        if not tab or not qid.strip() or not text.strip():
            raise EvaluationSetError(f"{path}:{number}: expected 'query id<TAB>query text', got {line[:60]!r}")
        if qid.strip() in topics:
            raise EvaluationSetError(f"{path}:{number}: query id {qid.strip()!r} given twice")
        topics[qid.strip()] = text.strip()
    return topics


def read_qrels(path: Path) -> Qrels:
    """TREC qrels, ``qid iteration docid grade`` per line (the iteration is ignored)."""
    qrels: Qrels = {}
    for number, line in enumerate(_lines(path), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4 or not parts[3].lstrip("-").isdigit():
            raise EvaluationSetError(f"{path}:{number}: expected 'qid 0 docid grade', got {line[:60]!r}")
        qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return qrels


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise EvaluationSetError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None


def read_test_set(directory: str | Path, *, need_docs: bool = True) -> TestSet:
    """The test set in ``directory``; ``need_docs=False`` when an existing index is evaluated."""
    directory = Path(directory)
    if not directory.is_dir():
        raise EvaluationSetError(f"{directory}: no such test set directory")
    wanted = [TOPICS_FILE, QRELS_FILE, *([DOCS_FILE] if need_docs else [])]
    missing = [name for name in wanted if not (directory / name).is_file()]
    if missing:
        raise EvaluationSetError(f"{directory} lacks {', '.join(missing)} (a test set holds {', '.join(wanted)})")
    topics = read_topics(directory / TOPICS_FILE)
    qrels = read_qrels(directory / QRELS_FILE)
    if not topics:
        raise EvaluationSetError(f"{directory / TOPICS_FILE}: no topics")
    unasked = sorted(set(_judged(qrels)) - set(topics))
    if unasked:
        raise EvaluationSetError(
            f"{directory / QRELS_FILE}: judgements for topics {', '.join(unasked[:5])} that {TOPICS_FILE} does not ask"
        )
    docs = directory / DOCS_FILE
    return TestSet(directory.name, topics, qrels, docs if docs.is_file() else None)


def ranked_run(
    searcher: Searcher,
    topics: Mapping[str, str],
    *,
    depth: int = RUN_DEPTH,
    collapse: bool = True,
    match: MatchLevel | None = None,
    ranking: Ranking | None = None,
) -> RankedRun:
    """Each topic's top ``depth`` article ids, through ``search`` as a reader's query.

    By default as a reader sees them: near-copies folded into their story, each story's copies
    listed right after it ("also in"). With ``collapse=False``, every article as a hit of its own.
    """
    run: RankedRun = {}
    for qid, text in topics.items():
        results = searcher.search(
            text, limit=depth, highlight=False, facets=False, ranking=ranking, collapse=collapse, match=match
        )
        shown = [article for hit in results.hits for article in (hit.id, *(copy.id for copy in hit.copies))]
        run[qid] = list(dict.fromkeys(shown))[:depth]
    return run


def topic_scores(ranked: Sequence[str], grades: Mapping[str, int]) -> dict[str, float]:
    """The measures of one topic's ranked article ids, given its judgements."""
    relevant = {article for article, grade in grades.items() if grade > 0}
    if not relevant:
        raise ValueError("a topic without a relevant article cannot be scored")
    found = [article in relevant for article in ranked[:RUN_DEPTH]]
    precisions = [sum(found[: rank + 1]) / (rank + 1) for rank in range(min(TOP, len(found))) if found[rank]]
    first = next((rank for rank in range(min(TOP, len(found))) if found[rank]), None)
    gains = [max(grades.get(article, 0), 0) for article in ranked[:TOP]]
    ideal = sorted((grade for grade in grades.values() if grade > 0), reverse=True)[:TOP]
    return {
        "MAP@10": sum(precisions) / len(relevant),
        "MRR@10": 0.0 if first is None else 1 / (first + 1),
        "nDCG@10": _dcg(gains) / _dcg(ideal),
        "R@100": sum(found) / len(relevant),
    }


def _dcg(gains: Sequence[int]) -> float:
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))


def scores(run: Mapping[str, Sequence[str]], qrels: Qrels) -> dict[str, float]:
    """The mean of each measure over every judged topic; a judged topic the run lacks scores 0."""
    judged = _judged(qrels)
    totals = dict.fromkeys(MEASURES, 0.0)
    for qid, grades in judged.items():
        ranked = run.get(qid)
        if ranked:
            for name, value in topic_scores(ranked, grades).items():
                totals[name] += value
    return {name: total / len(judged) if judged else 0.0 for name, total in totals.items()}


def _judged(qrels: Qrels) -> Qrels:
    return {qid: grades for qid, grades in qrels.items() if any(grade > 0 for grade in grades.values())}


def trec_run_lines(run: Mapping[str, Sequence[str]], tag: str = "arsearch") -> Iterator[str]:
    """The run in TREC form (``qid Q0 docid rank score tag``), scores falling with the rank."""
    for qid, ranked in run.items():
        for rank, article in enumerate(ranked, 1):
            yield f"{qid} Q0 {article} {rank} {len(ranked) - rank + 1} {tag}"


@dataclass(frozen=True)
class Evaluation:
    """The figures of one test set: the default ranking (copies folded, and every copy listed)
    and each match level asked for."""

    set: str
    articles: int
    topics: int
    judged_topics: int
    #: the default ranking, as a reader sees it (copies folded into their story)
    default: dict[str, float]
    #: the default ranking with every copy a hit of its own
    every_copy: dict[str, float]
    #: the measures of each match level (``match="word"``...), same index and topics
    levels: dict[str, dict[str, float]] = field(default_factory=dict)
    #: seconds to build the temporary index (0 for an index given)
    index_seconds: float = 0.0
    ms_per_query: float = 0.0
    #: the default ranking's run (``trec_run_lines``)
    run: RankedRun = field(default_factory=dict, repr=False)
    #: the run with every copy a hit of its own
    every_copy_run: RankedRun = field(default_factory=dict, repr=False)
    #: articles the qrels judge relevant that the index does not hold (wrong ids, a record skipped):
    #: they can never be found, and lower every measure
    missing: list[str] = field(default_factory=list)
    #: records of the set's files that could not be indexed ("location: reason")
    problems: list[str] = field(default_factory=list)

    def rows(self) -> list[tuple[str, dict[str, float]]]:
        """Each run's name and measures, the default first."""
        return [(DEFAULT_RUN, self.default), (f"{DEFAULT_RUN}, every copy", self.every_copy), *self.levels.items()]

    def table(self) -> list[tuple[str, ...]]:
        """``rows`` as text: a header, then each run's name and measures to three decimals."""
        return [("run", *MEASURES), *((name, *(f"{got[m]:.3f}" for m in MEASURES)) for name, got in self.rows())]

    def as_dict(self) -> dict[str, Any]:
        def rounded(measured: Mapping[str, float]) -> dict[str, float]:
            return {name: round(value, 4) for name, value in measured.items()}

        return {
            "set": self.set,
            "articles": self.articles,
            "topics": self.topics,
            "judged_topics": self.judged_topics,
            **rounded(self.default),
            "every_copy": rounded(self.every_copy),
            "levels": {level: rounded(measured) for level, measured in self.levels.items()},
            "index_s": round(self.index_seconds, 1),
            "ms_per_query": round(self.ms_per_query, 2),
            "missing": self.missing,
            "problems": self.problems,
        }


def evaluate(
    test_set: str | Path | TestSet,
    *,
    index: str | Path | None = None,
    distract: Sequence[str | Path] = (),
    levels: Sequence[MatchLevel] = MATCH_LEVELS,
    ranking: Ranking | None = None,
    **create_options: Any,
) -> Evaluation:
    """Search every topic of ``test_set`` and score the rankings: the default, every copy listed,
    and each of ``levels``.

    Without ``index``, a temporary index is built from the set's ``docs.jsonl`` and the articles of
    each ``distract`` file (never judged relevant: they only compete), with ``create_options``
    (``profile=``, ``normalization=``...), and removed afterwards. With ``index``, that index is
    searched as it is (its articles must carry the qrels' ids).

    مثال::

        >>> evaluate("eval/arcd-train", levels=("root",)).levels["root"]["MRR@10"]   # doctest: +SKIP
        0.814
    """
    if index is not None and (distract or create_options):
        raise ValueError("distract and index options apply to the temporary index, not to an index given")
    for level in levels:
        if level not in MATCH_LEVELS:
            raise ValueError(f"unknown match level {level!r}; choose among {', '.join(MATCH_LEVELS)}")
    chosen = test_set if isinstance(test_set, TestSet) else read_test_set(test_set, need_docs=index is None)
    if index is not None:
        with Index.open(index) as opened:
            evaluated = _evaluated(chosen, opened, opened.info().doc_count, levels, ranking, 0.0)
            return replace(evaluated, missing=_missing(chosen, opened))
    if chosen.docs is None:
        raise EvaluationSetError(f"test set {chosen.name} has no {DOCS_FILE} to index")
    workdir = Path(tempfile.mkdtemp(prefix="arsearch-eval-"))
    try:
        started = time.perf_counter()
        with Index.create(workdir / "index", **create_options) as built:
            report = built.add(read_records([str(chosen.docs), *map(str, distract)]), fit_topics="now")
            seconds = time.perf_counter() - started
            evaluated = _evaluated(chosen, built, report.added, levels, ranking, seconds)
            problems = [f"{problem.location}: {problem.reason}" for problem in report.problems]
            return replace(evaluated, missing=_missing(chosen, built), problems=problems)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _missing(test_set: TestSet, index: Index) -> list[str]:
    relevant = {
        article for grades in _judged(test_set.qrels).values() for article, grade in grades.items() if grade > 0
    }
    return sorted(article for article in relevant if article not in index)


def _evaluated(
    test_set: TestSet,
    searcher: Searcher,
    articles: int,
    levels: Sequence[MatchLevel],
    ranking: Ranking | None,
    index_seconds: float,
) -> Evaluation:
    started = time.perf_counter()
    run = ranked_run(searcher, test_set.topics, ranking=ranking)
    ms_per_query = 1000 * (time.perf_counter() - started) / len(test_set.topics)
    every_copy = ranked_run(searcher, test_set.topics, ranking=ranking, collapse=False)
    return Evaluation(
        set=test_set.name,
        articles=articles,
        topics=len(test_set.topics),
        judged_topics=test_set.judged_topics,
        default=scores(run, test_set.qrels),
        every_copy=scores(every_copy, test_set.qrels),
        levels={
            level: scores(ranked_run(searcher, test_set.topics, ranking=ranking, match=level), test_set.qrels)
            for level in levels
        },
        index_seconds=index_seconds,
        ms_per_query=ms_per_query,
        run=run,
        every_copy_run=every_copy,
    )


__all__ = [
    "DEFAULT_RUN",
    "MEASURES",
    "RUN_DEPTH",
    "Evaluation",
    "Qrels",
    "RankedRun",
    "Searcher",
    "TestSet",
    "evaluate",
    "ranked_run",
    "read_qrels",
    "read_test_set",
    "read_topics",
    "scores",
    "topic_scores",
    "trec_run_lines",
]
