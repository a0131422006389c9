"""Relevance of arsearch's search on a test set in TREC form: MAP@10, MRR@10, nDCG@10, Recall@100.

    python benchmarks/eval_relevance.py SET_DIR [--distract CORPUS.jsonl.gz] [--baseline]
        [--profile light] [--run-out run.txt] [--title-boost 0.25 --root-boost 1 ...]

SET_DIR holds ``docs.jsonl`` (one article per line: id, title, text),
``topics.tsv`` (query id TAB query text) and ``qrels.txt`` (TREC qrels:
``qid 0 docid grade``). The script builds a temporary index from the docs
(plus every article of ``--distract``, never judged relevant), runs each
topic through the public ``Index.search`` exactly as a user's query string,
writes a TREC run (``--run-out``) and scores it with ir-measures
(pytrec_eval underneath). Topics that find nothing still count, as zeros.
Works on any set in that layout. ``--baseline`` also runs, on the same
articles and topics, the naive Whoosh setup the issue's reference table
quotes (pyarabic + tashaphyne, title and text in one field, BM25F). Prints
one JSON line and a table.

The index and ranking options exist for ablations; the defaults are the
library's defaults, which are what the figures in RESULTS.md are about.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ir_measures
from ir_measures import AP, RR, R, nDCG

from _common import print_report
from arsearch import Index
from arsearch.analysis import PROFILES, NormalizationOptions
from arsearch.engine.compile import Ranking
from arsearch.query import MATCH_LEVELS, MatchLevel
from arsearch.records.ingest import read_records

if TYPE_CHECKING:
    from arsearch.cluster import ClusterIndex

#: What the table reports, in order, and the names the JSON line uses.
MEASURES = {"MAP@10": AP @ 10, "MRR@10": RR @ 10, "nDCG@10": nDCG @ 10, "R@100": R @ 100}
#: Results kept per topic (Recall@100 needs 100).
RUN_DEPTH = 100

Run = dict[str, dict[str, float]]
Qrels = dict[str, dict[str, int]]


def read_topics(path: Path) -> dict[str, str]:
    """``qid TAB text`` per line; blank lines are skipped, anything else malformed is an error."""
    topics: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        qid, tab, text = line.partition("\t")
        if not tab or not qid.strip() or not text.strip():
            raise SystemExit(f"error: {path}:{number}: expected 'query id<TAB>query text'")
        topics[qid.strip()] = text.strip()
    return topics


def read_qrels(path: Path) -> Qrels:
    """TREC qrels: ``qid iteration docid grade`` per line."""
    qrels: Qrels = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4 or not parts[3].lstrip("-").isdigit():
            raise SystemExit(f"error: {path}:{number}: expected 'qid 0 docid grade'")
        qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return qrels


def build_index(
    path: Path, sources: Iterable[Path], *, profile: str, normalization: NormalizationOptions
) -> tuple[Index, int]:
    index = Index.create(path, profile=profile, normalization=normalization)  # type: ignore[arg-type]
    report = index.add(read_records([str(source) for source in sources]), fit_topics="now")
    return index, report.added


def run_topics(
    index: Index | ClusterIndex,
    topics: dict[str, str],
    ranking: Ranking,
    depth: int = RUN_DEPTH,
    *,
    collapse: bool = True,
    match: MatchLevel | None = None,
) -> Run:
    """Each topic's top ``depth`` article ids with their scores, through the public search API.

    By default as a reader sees them: near-copies folded into their story, each
    story's copies listed right after it ("also in"), ranked by position. With
    ``collapse=False``, every article as a hit of its own, with BM25 scores.
    """
    run: Run = {}
    for qid, text in topics.items():
        results = index.search(
            text, limit=depth, highlight=False, facets=False, ranking=ranking, collapse=collapse, match=match
        )
        if not collapse:
            run[qid] = {hit.id: hit.score for hit in results.hits}
            continue
        shown = [article_id for hit in results.hits for article_id in (hit.id, *(copy.id for copy in hit.copies))]
        run[qid] = {article_id: float(depth - position) for position, article_id in enumerate(shown[:depth])}
    return run


def naive_whoosh_run(workdir: Path, sources: Iterable[Path], topics: dict[str, str], depth: int = RUN_DEPTH) -> Run:
    """The baseline the issue quotes: Whoosh BM25F (k1=1.2, b=0.75) over title + text in one
    field, analyzed by pyarabic + tashaphyne (``_naive.py``), each topic's terms OR-ed."""
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.query import Or, Term

    from _naive import NaiveArabicTokenizer, naive_terms

    schema = Schema(id=ID(stored=True, unique=True), body=TEXT(analyzer=NaiveArabicTokenizer()))
    workdir.mkdir(parents=True, exist_ok=True)
    engine = whoosh_index.create_in(str(workdir), schema)
    with engine.writer(limitmb=256) as writer:
        for record in read_records([str(source) for source in sources]):
            data = record.data
            writer.add_document(id=str(data["id"]), body=f"{data.get('title') or ''}\n{data.get('text') or ''}")
    run: Run = {}
    with engine.searcher() as searcher:
        for qid, text in topics.items():
            terms = sorted(set(naive_terms(text)))
            if not terms:
                run[qid] = {}
                continue
            hits = searcher.search(Or([Term("body", term) for term in terms]), limit=depth)
            run[qid] = {hit["id"]: float(hit.score) for hit in hits}
    return run


def trec_lines(run: Run, tag: str) -> Iterator[str]:
    for qid, scored in run.items():
        ranked = sorted(scored.items(), key=lambda pair: (-pair[1], pair[0]))
        for rank, (docid, score) in enumerate(ranked, 1):
            yield f"{qid} Q0 {docid} {rank} {score:.6f} {tag}"


def evaluate(run: Run, qrels: Qrels) -> dict[str, float]:
    """Mean of each measure over every judged topic; a topic missing from the run scores 0.

    Ties in score are broken by document id (pytrec_eval's rule), which is
    also the order ``trec_lines`` writes.
    """
    judged = {qid: docs for qid, docs in qrels.items() if any(grade > 0 for grade in docs.values())}
    complete_run = {qid: run.get(qid, {}) for qid in judged}
    per_topic = {name: 0.0 for name in MEASURES}
    for metric in ir_measures.iter_calc(list(MEASURES.values()), judged, _nonempty(complete_run)):
        name = next(key for key, measure in MEASURES.items() if measure == metric.measure)
        per_topic[name] += metric.value
    return {name: total / len(judged) if judged else 0.0 for name, total in per_topic.items()}


def _nonempty(run: Run) -> Run:
    # pytrec_eval leaves out topics without results; they are counted as zeros by the caller's mean
    return {qid: scored for qid, scored in run.items() if scored}


def ranking_from(args: argparse.Namespace) -> Ranking:
    options = {f.name: getattr(args, f.name) for f in fields(Ranking) if getattr(args, f.name) is not None}
    return Ranking(**options)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set_dir", type=Path, help="directory with docs.jsonl, topics.tsv, qrels.txt")
    parser.add_argument("--distract", type=Path, action="append", default=[], help="extra unjudged articles")
    parser.add_argument("--profile", choices=PROFILES, default="light")
    parser.add_argument("--run-out", type=Path, help="write the TREC run here")
    parser.add_argument("--match", choices=MATCH_LEVELS, help="match level (default: the default ranking)")
    parser.add_argument("--levels", action="store_true", help="also report every match level, on the same index")
    parser.add_argument("--fold-hamza-carriers", action="store_true", help="index option: fold ؤ ئ into ء")
    parser.add_argument("--keep-teh-marbuta", action="store_true", help="index option: do not fold ة into ه")
    parser.add_argument(
        "--baseline", action="store_true", help="also run naive Whoosh + pyarabic + tashaphyne (needs the bench extra)"
    )
    for f in fields(Ranking):
        parser.add_argument(
            "--" + f.name.replace("_", "-"), type=type(f.default), help=f"ranking (default {f.default})"
        )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    set_dir: Path = args.set_dir
    missing = [name for name in ("docs.jsonl", "topics.tsv", "qrels.txt") if not (set_dir / name).is_file()]
    if missing:
        raise SystemExit(f"error: {set_dir} lacks {', '.join(missing)}")
    topics = read_topics(set_dir / "topics.tsv")
    qrels = read_qrels(set_dir / "qrels.txt")
    ranking = ranking_from(args)
    normalization = NormalizationOptions(
        fold_hamza_carriers=args.fold_hamza_carriers, fold_teh_marbuta=not args.keep_teh_marbuta
    )
    workdir = Path(tempfile.mkdtemp(prefix="eval-relevance-"))
    try:
        started = time.perf_counter()
        sources = [set_dir / "docs.jsonl", *args.distract]
        index, articles = build_index(workdir / "ix", sources, profile=args.profile, normalization=normalization)
        with index:
            built = time.perf_counter() - started
            started = time.perf_counter()
            run = run_topics(index, topics, ranking, match=args.match)
            searched = time.perf_counter() - started
            every_copy = run_topics(index, topics, ranking, collapse=False, match=args.match)
            levels = {
                level or "default": evaluate(run_topics(index, topics, ranking, match=level), qrels)
                for level in ((None, *MATCH_LEVELS) if args.levels else ())
            }
        baseline = naive_whoosh_run(workdir / "whoosh", sources, topics) if args.baseline else None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    tag = f"arsearch-{args.profile}"
    if args.run_out:
        args.run_out.write_text("".join(line + "\n" for line in trec_lines(run, tag)), encoding="utf-8")
    scores = evaluate(run, qrels)
    figures: dict[str, Any] = {
        "set": set_dir.name + ("+" + "+".join(p.name for p in args.distract) if args.distract else ""),
        "articles": articles,
        "topics": len(topics),
        "judged_topics": sum(1 for docs in qrels.values() if any(g > 0 for g in docs.values())),
        "profile": args.profile,
        "normalization": vars(normalization),
        "ranking": vars(ranking),
        **{name: round(value, 4) for name, value in scores.items()},
        "index_s": round(built, 1),
        "ms_per_query": round(1000 * searched / max(1, len(topics)), 2),
    }
    all_copies = evaluate(every_copy, qrels)
    figures["all_copies"] = {name: round(value, 4) for name, value in all_copies.items()}
    table = [
        ("run", *MEASURES),
        ("arsearch", *(f"{scores[name]:.3f}" for name in MEASURES)),
        ("arsearch, all copies", *(f"{all_copies[name]:.3f}" for name in MEASURES)),
    ]
    for level, measured in levels.items():
        figures.setdefault("levels", {})[level] = {name: round(value, 4) for name, value in measured.items()}
        table.append((f"match={level}", *(f"{measured[name]:.3f}" for name in MEASURES)))
    if baseline is not None:
        naive = evaluate(baseline, qrels)
        figures["naive_whoosh"] = {name: round(value, 4) for name, value in naive.items()}
        table.append(("naive Whoosh", *(f"{naive[name]:.3f}" for name in MEASURES)))
        table.append(("arsearch / naive", *(f"{scores[n] / naive[n]:.2f}x" if naive[n] else "-" for n in MEASURES)))
    print_report(figures, table)
    return figures


if __name__ == "__main__":
    main()
