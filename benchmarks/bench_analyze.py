"""Analysis throughput: every profile over the whole SaudiNewsNet corpus.

    python benchmarks/bench_analyze.py [--limit N] [--profiles light,exact,root]

Prints one JSON line of figures and a readable table: tokens/s for each
profile (the indexing fast path, ``Analyzer.term_positions``), measured on texts
already in memory so file reading and JSON parsing are not counted. Each
profile runs in a fresh process so peak memory is its own. The "naive"
baseline is pyarabic + tashaphyne as a new user would call them, uncached.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from typing import Any

from _common import SAUDINEWSNET, peak_rss_mb, print_report, read_jsonl_gz


def load_texts(limit: int | None) -> list[str]:
    return [f"{r.get('title') or ''}\n{r.get('text') or ''}" for r in read_jsonl_gz(SAUDINEWSNET, limit)]


def run_profile(profile: str, limit: int | None) -> dict[str, Any]:
    texts = load_texts(limit)
    if profile == "naive":
        return run_naive(texts)
    from arsearch.analysis import Analyzer

    analyzer = Analyzer(profile)  # type: ignore[arg-type]
    start = time.perf_counter()
    terms = 0
    for text in texts:
        for _ in analyzer.term_positions(text):
            terms += 1
    elapsed = time.perf_counter() - start
    # throughput counts every word read, stop words included (like the naive baseline)
    words = sum(1 for text in texts for _ in analyzer.tokens(text, keep_stopwords=True))
    return {"profile": profile, "tokens": words, "terms": terms, "seconds": elapsed, "peak_rss_mb": peak_rss_mb()}


def run_naive(texts: list[str]) -> dict[str, Any]:
    """pyarabic tokenize + strip_tashkeel, tashaphyne light_stem, no cache."""
    from pyarabic import araby
    from tashaphyne.stemming import ArabicLightStemmer

    stemmer = ArabicLightStemmer()
    start = time.perf_counter()
    tokens = 0
    for text in texts:
        for word in araby.tokenize(araby.strip_tashkeel(text)):
            stemmer.light_stem(word)
            tokens += 1
    elapsed = time.perf_counter() - start
    return {"profile": "naive", "tokens": tokens, "terms": tokens, "seconds": elapsed, "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--profiles", default="light,exact,root", help="comma-separated; 'naive' adds the baseline")
    args = parser.parse_args()
    results = []
    context = multiprocessing.get_context("spawn")
    for profile in args.profiles.split(","):
        with context.Pool(1) as pool:
            results.append(pool.apply(run_profile, (profile, args.limit)))
    figures: dict[str, Any] = {"corpus": SAUDINEWSNET.name, "articles_limit": args.limit}
    table = [("profile", "tokens", "seconds", "tokens/s", "peak RSS MB")]
    for r in results:
        rate = r["tokens"] / r["seconds"]
        figures[r["profile"]] = {
            "tokens": r["tokens"],
            "seconds": round(r["seconds"], 2),
            "tokens_per_s": round(rate),
            "peak_rss_mb": round(r["peak_rss_mb"], 1),
        }
        table.append(
            (r["profile"], f"{r['tokens']:,}", f"{r['seconds']:.1f}", f"{rate:,.0f}", f"{r['peak_rss_mb']:.0f}")
        )
    print_report(figures, table)


if __name__ == "__main__":
    main()
