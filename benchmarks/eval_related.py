"""Related articles: quality on ANT (category precision@5), latency and duplicates on SaudiNewsNet.

    python benchmarks/eval_related.py [--sample 1000] [--snn-index PATH] [--skip-baseline]
                                      [--subsets 200,1000,5000]

(``--snn-index`` defaults to ``indexes/saudinewsnet`` in the project, built on first use.)

Quality: the 10,138 ANT articles are indexed by arsearch and, as the
baseline, by Whoosh with the naive pyarabic + tashaphyne analyzer (text
stored so Whoosh's ``more_like`` runs with its default settings). For
``--sample`` articles drawn with a fixed seed, precision@5 is the share of
the 5 proposed articles in the article's own category (chance: the sum of
squared category shares). arsearch is measured twice on one index: with the
topic model its import fitted, then with key terms alone (model removed).
``--subsets``: the same two on random ANT subsets (small indexes).

Latency and duplicates: ``index.related`` on the full SaudiNewsNet index
(built at --snn-index when missing) for the same number of sampled articles,
p50/p95; and how many related lists hold a near-copy of the article or two
copies of one story, judged independently of arsearch's sketches: exact
Jaccard similarity >= 0.5 of the two texts' sets of 3-word shingles.
Prints one JSON line and a table.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _common import (
    SAUDINEWSNET_INDEX,
    SHARED,
    open_saudinewsnet_index,
    print_report,
    read_jsonl_gz,
    require,
)
from arsearch import Index
from arsearch.derived import topics

ANT = SHARED / "corpora" / "antcorpus.jsonl.gz"
SEED = 20261125
TOP = 5
COPY_JACCARD = 0.5


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def precision(proposed: list[str], category: str, categories: dict[str, str]) -> float:
    return sum(1 for other in proposed[:TOP] if categories.get(other) == category) / TOP


def arsearch_quality(
    records: list[dict[str, Any]], sample: list[str], categories: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """P@5 and latency with the topic model the import fitted, then with key terms alone
    (the model file removed), on one index."""
    workdir = Path(tempfile.mkdtemp(prefix="eval-related-"))
    runs: dict[str, dict[str, Any]] = {}
    try:
        with Index.create(workdir / "ix") as index:
            report = index.add(records, fit_topics="now")
            if report.topics is None:
                index.topics.refit()  # a subset smaller than topics.MIN_ARTICLES
            for name in ("arsearch", "arsearch, key terms alone"):
                scores, times = [], []
                for article_id in sample:
                    started = time.perf_counter()
                    proposed = [item.id for item in index.related(article_id, limit=TOP)]
                    times.append((time.perf_counter() - started) * 1000)
                    scores.append(precision(proposed, categories[article_id], categories))
                runs[name] = {
                    "p_at_5": statistics.mean(scores),
                    "p50_ms": percentile(times, 0.5),
                    "p95_ms": percentile(times, 0.95),
                }
                (index.path / topics.MODEL_FILE).unlink(missing_ok=True)
    finally:
        shutil.rmtree(workdir)
    return runs


def subsets_quality(records: list[dict[str, Any]], sizes: list[int]) -> dict[str, dict[str, float]]:
    """The same two rankings on random subsets of ANT (small indexes), up to 500 sampled articles each."""
    figures = {}
    for size in sizes:
        subset = random.Random(size).sample(records, min(size, len(records)))
        categories = {r["id"]: r["category"] for r in subset}
        sample = random.Random(SEED).sample(sorted(categories), min(500, len(categories)))
        runs = arsearch_quality(subset, sample, categories)
        figures[str(size)] = {name: round(run["p_at_5"], 3) for name, run in runs.items()}
    return figures


def whoosh_quality(records: list[dict[str, Any]], sample: list[str], categories: dict[str, str]) -> dict[str, Any]:
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, TEXT, Schema

    from _naive import NaiveArabicTokenizer

    workdir = Path(tempfile.mkdtemp(prefix="eval-related-whoosh-"))
    try:
        schema = Schema(id=ID(stored=True, unique=True), text=TEXT(analyzer=NaiveArabicTokenizer(), stored=True))
        ix = whoosh_index.create_in(str(workdir), schema)
        with ix.writer(limitmb=256) as writer:
            for record in records:
                writer.add_document(id=record["id"], text=f"{record.get('title') or ''}\n{record.get('text') or ''}")
        scores, times = [], []
        with ix.searcher() as searcher:
            for article_id in sample:
                started = time.perf_counter()
                docnum = searcher.document_number(id=article_id)
                proposed = [hit["id"] for hit in searcher.more_like(docnum, "text", top=TOP)]
                times.append((time.perf_counter() - started) * 1000)
                scores.append(precision(proposed, categories[article_id], categories))
    finally:
        shutil.rmtree(workdir)
    return {"p_at_5": statistics.mean(scores), "p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95)}


def shingles(text: str) -> set[str]:
    from arsearch.analysis import get_analyzer

    words = [token.normalized for token in get_analyzer("exact").tokens(text)]
    return {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}


def jaccard(first: set[str], second: set[str]) -> float:
    return len(first & second) / len(first | second) if first and second else 0.0


def snn_related(index_path: Path, count: int, rng: random.Random) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with open_saudinewsnet_index(index_path) as index:
        sample = rng.sample(sorted(index.ids()), count)
        index.related(sample[0])  # warm the analyzer
        for grouping in (True, False):
            times, with_copy_of_article, with_two_copies, grouped = [], 0, 0, 0
            for article_id in sample:
                started = time.perf_counter()
                proposed = index.related(article_id, limit=TOP, include_duplicates=not grouping)
                times.append((time.perf_counter() - started) * 1000)
                grouped += sum(len(item.duplicates) for item in proposed)
                own = shingles(index.get(article_id).text)
                texts = [shingles(index.get(item.id).text) for item in proposed]
                if any(jaccard(own, text) >= COPY_JACCARD for text in texts):
                    with_copy_of_article += 1
                if any(
                    jaccard(texts[i], texts[j]) >= COPY_JACCARD
                    for i in range(len(texts))
                    for j in range(i + 1, len(texts))
                ):
                    with_two_copies += 1
            key = "grouping_on" if grouping else "grouping_off"
            figures[key] = {
                "p50_ms": round(percentile(times, 0.5), 2),
                "p95_ms": round(percentile(times, 0.95), 2),
                "lists_with_a_copy_of_the_article": with_copy_of_article,
                "lists_with_two_copies_of_one_story": with_two_copies,
                "copies_grouped": grouped,
            }
        with_copies = sum(1 for article_id in sample if index.duplicates(article_id))
        figures["sampled_articles_with_copies"] = with_copies
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--snn-index", type=Path, default=SAUDINEWSNET_INDEX)
    parser.add_argument(
        "--skip-baseline", action="store_true", help="arsearch only (the Whoosh baseline takes minutes)"
    )
    parser.add_argument(
        "--subsets", default="", metavar="N,N,...", help="also P@5 on random ANT subsets of these sizes"
    )
    args = parser.parse_args()
    records = list(read_jsonl_gz(require(ANT)))
    categories = {r["id"]: r["category"] for r in records}
    rng = random.Random(SEED)
    sample = rng.sample(sorted(categories), args.sample)
    shares = Counter(categories.values())
    chance = sum((n / len(categories)) ** 2 for n in shares.values())
    figures: dict[str, Any] = {"articles": len(records), "sample": args.sample, "chance_p_at_5": round(chance, 3)}
    table: list[tuple[str, ...]] = [("ANT related", "P@5", "vs baseline", "p50 ms", "p95 ms")]
    runs = arsearch_quality(records, sample, categories)
    if not args.skip_baseline:
        runs["whoosh more_like (naive analyzer)"] = whoosh_quality(records, sample, categories)
    baseline = runs.get("whoosh more_like (naive analyzer)", {}).get("p_at_5")
    for name, run in runs.items():
        figures[name] = {key: round(value, 3) for key, value in run.items()}
        ratio = f"{run['p_at_5'] / baseline:.2f}x" if baseline else "-"
        table.append((name, f"{run['p_at_5']:.3f}", ratio, f"{run['p50_ms']:.1f}", f"{run['p95_ms']:.1f}"))
    if args.subsets:
        sizes = [int(size) for size in args.subsets.split(",")]
        figures["subsets"] = subsets = subsets_quality(records, sizes)
        table.append(("ANT subset, articles", "P@5 topics", "P@5 key terms alone", "", ""))
        for size, run in subsets.items():
            table.append((size, f"{run['arsearch']:.3f}", f"{run['arsearch, key terms alone']:.3f}", "", ""))
    figures["saudinewsnet"] = snn = snn_related(args.snn_index, args.sample, rng)
    table.append(("SaudiNewsNet related", "p50 ms", "p95 ms", "lists w/ copy of article", "lists w/ 2 copies"))
    for key in ("grouping_on", "grouping_off"):
        run = snn[key]
        table.append(
            (
                key.replace("_", " "),
                f"{run['p50_ms']:.1f}",
                f"{run['p95_ms']:.1f}",
                str(run["lists_with_a_copy_of_the_article"]),
                str(run["lists_with_two_copies_of_one_story"]),
            )
        )
    print_report(figures, table)


if __name__ == "__main__":
    main()
