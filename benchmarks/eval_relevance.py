"""Relevance of arsearch's search on a test set in TREC form, with ablations and a naive baseline.

    python benchmarks/eval_relevance.py SET_DIR [--distract CORPUS.jsonl.gz] [--baseline] [--lucene]
        [--profile light] [--run-out run.txt] [--levels] [--title-boost 0.25 --root-boost 1 ...]

The measures, the set's files and the runs are the library's (``arsearch.evaluation``,
``arsearch eval``): a temporary index of the set's ``docs.jsonl`` (plus every article of
``--distract``, never judged relevant), each topic searched through the public ``search``
as a reader's query string. This script adds what a user does not need: every ranking knob
and index option for ablations, and ``--baseline``, the naive Whoosh setup the issue's
reference table quotes (pyarabic + tashaphyne, title and text in one field, BM25F), on the
same articles and topics. ``--lucene`` measures Lucene 8.7's ArabicAnalyzer with BM25 in the
same run (``_lucene.py``, ``lucene/ArabicSearcher.java``): the same articles, title and text
analyzed and stored, one commit; each question's words OR-ed over both fields, summed
(``most_fields``) and each word's better field (``best_fields``); the better of the two is the
baseline the ratios are against. Topics are split in two halves by a hash of their id (``shape``
to tune on, ``held-out`` to check), and every run is reported on both. Prints one JSON line and
a table.

The defaults are the library's defaults, which are what the figures in RESULTS.md are about.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import zlib
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from _common import print_report
from _lucene import MISSING, compiled, index_articles, lucene_classpath, search_topics, write_articles
from arsearch.analysis import PROFILES, NormalizationOptions
from arsearch.engine.compile import Ranking
from arsearch.evaluation import (
    DEFAULT_RUN,
    MEASURES,
    RUN_DEPTH,
    Qrels,
    RankedRun,
    evaluate,
    read_test_set,
    scores,
    trec_run_lines,
)
from arsearch.query import MATCH_LEVELS
from arsearch.records.ingest import read_records


def naive_whoosh_run(
    workdir: Path, sources: Iterable[Path], topics: dict[str, str], depth: int = RUN_DEPTH
) -> RankedRun:
    """The baseline the issue quotes: Whoosh BM25F (k1=1.2, b=0.75) over title + text in one
    field, analyzed by pyarabic + tashaphyne (``_naive.py``), each topic's terms OR-ed; ties in
    score broken by article id."""
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
    run: RankedRun = {}
    with engine.searcher() as searcher:
        for qid, text in topics.items():
            terms = sorted(set(naive_terms(text)))
            hits = searcher.search(Or([Term("body", term) for term in terms]), limit=depth) if terms else []
            scored = sorted((-float(hit.score), hit["id"]) for hit in hits)
            run[qid] = [article for _, article in scored]
    return run


def ranking_from(args: argparse.Namespace) -> Ranking:
    options = {f.name: getattr(args, f.name) for f in fields(Ranking) if getattr(args, f.name) is not None}
    return Ranking(**options)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set_dir", type=Path, help="directory with docs.jsonl, topics.tsv, qrels.txt")
    parser.add_argument("--distract", type=Path, action="append", default=[], help="extra unjudged articles")
    parser.add_argument("--profile", choices=PROFILES, default="light")
    parser.add_argument("--run-out", type=Path, help="write the TREC run here")
    parser.add_argument("--levels", action="store_true", help="also report every match level, on the same index")
    parser.add_argument("--fold-hamza-carriers", action="store_true", help="index option: fold ؤ ئ into ء")
    parser.add_argument("--keep-teh-marbuta", action="store_true", help="index option: do not fold ة into ه")
    parser.add_argument(
        "--baseline", action="store_true", help="also run naive Whoosh + pyarabic + tashaphyne (needs the bench extra)"
    )
    parser.add_argument("--lucene", action="store_true", help="also run Lucene 8.7's ArabicAnalyzer + BM25")
    for f in fields(Ranking):
        parser.add_argument(
            "--" + f.name.replace("_", "-"), type=type(f.default), help=f"ranking (default {f.default})"
        )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    test_set = read_test_set(args.set_dir)
    ranking = ranking_from(args)
    normalization = NormalizationOptions(
        fold_hamza_carriers=args.fold_hamza_carriers, fold_teh_marbuta=not args.keep_teh_marbuta
    )
    report = evaluate(
        test_set,
        distract=args.distract,
        levels=MATCH_LEVELS if args.levels else (),
        ranking=ranking,
        profile=args.profile,
        normalization=normalization,
    )
    if args.run_out:
        args.run_out.write_text("".join(line + "\n" for line in trec_run_lines(report.run, f"arsearch-{args.profile}")))
    figures: dict[str, Any] = {
        **report.as_dict(),
        "set": report.set + "".join("+" + path.name for path in args.distract),
        "profile": args.profile,
        "normalization": vars(normalization),
        "ranking": vars(ranking),
    }
    table = report.table()
    if args.baseline:
        workdir = Path(tempfile.mkdtemp(prefix="eval-relevance-"))
        try:
            assert test_set.docs is not None  # read_test_set asked for it
            baseline = naive_whoosh_run(workdir, [test_set.docs, *args.distract], test_set.topics)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        naive = scores(baseline, test_set.qrels)
        figures["naive_whoosh"] = {name: round(value, 4) for name, value in naive.items()}
        table.append(("naive Whoosh", *(f"{naive[name]:.3f}" for name in MEASURES)))
        ratios = (f"{report.default[n] / naive[n]:.2f}x" if naive[n] else "-" for n in MEASURES)
        table.append(("arsearch / naive", *ratios))
    runs = {DEFAULT_RUN: report.run, f"{DEFAULT_RUN}, every copy": report.every_copy_run}
    if args.lucene:
        classpath = lucene_classpath()
        if classpath is None:
            print(f"skipping the Lucene baseline: {MISSING}", file=sys.stderr)
        else:
            assert test_set.docs is not None  # read_test_set asked for it
            lucene = lucene_runs(classpath, [test_set.docs, *args.distract], test_set.topics)
            runs.update(lucene)
            best = max(lucene, key=lambda name: scores(lucene[name], test_set.qrels)["MRR@10"])
            figures["lucene"] = {name: rounded(scores(run, test_set.qrels)) for name, run in lucene.items()}
            table += [
                (name, *(f"{value:.3f}" for value in scores(run, test_set.qrels).values()))
                for name, run in lucene.items()
            ]
            for name in (DEFAULT_RUN, f"{DEFAULT_RUN}, every copy"):
                ours, theirs = scores(runs[name], test_set.qrels), scores(lucene[best], test_set.qrels)
                table.append(
                    (f"{name} / {best}", *(f"{ours[m] / theirs[m]:.3f}x" if theirs[m] else "-" for m in MEASURES))
                )
    halves = split_topics(test_set.qrels)
    figures["halves"] = {
        half: {name: rounded(scores(run, judged)) for name, run in runs.items()} for half, judged in halves.items()
    }
    table.append(("MRR@10 by half", *halves, "", ""))
    table += [
        (name, *(f"{scores(run, judged)['MRR@10']:.3f}" for judged in halves.values()), "", "")
        for name, run in runs.items()
    ]
    print_report(figures, table)
    return figures


def split_topics(qrels: Qrels) -> dict[str, Qrels]:
    """The judged topics in two halves, fixed by a hash of each topic's id: ``shape`` to tune on,
    ``held-out`` to check what was tuned."""
    halves: dict[str, Qrels] = {"shape": {}, "held-out": {}}
    for qid, grades in qrels.items():
        halves["shape" if zlib.crc32(qid.encode("utf-8")) % 2 == 0 else "held-out"][qid] = grades
    return halves


def rounded(measures: dict[str, float]) -> dict[str, float]:
    return {name: round(value, 4) for name, value in measures.items()}


def lucene_runs(classpath: str, sources: Iterable[Path], topics: dict[str, str]) -> dict[str, RankedRun]:
    """Lucene's runs over the articles of ``sources``, one commit, in each way it meets two fields."""
    workdir = Path(tempfile.mkdtemp(prefix="eval-lucene-"))
    try:
        articles = workdir / "articles.tsv"
        write_articles((record.data for record in read_records([str(source) for source in sources])), articles)
        programs = compiled(classpath, workdir)
        index_articles(programs, articles, workdir / "ix")
        return {
            f"lucene {mode}": search_topics(programs, workdir / "ix", topics, RUN_DEPTH, mode) for mode in LUCENE_MODES
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


#: How Lucene's query meets the title and text fields (``lucene/ArabicSearcher.java``).
LUCENE_MODES = ("most_fields", "best_fields")


if __name__ == "__main__":
    main()
