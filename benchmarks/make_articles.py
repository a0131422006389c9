"""Distinct articles, as many as asked, recombined from the sentences of the shared corpora.

    python benchmarks/make_articles.py --count 1000000 --out ../articles-1m.jsonl.gz [--seed 7]

For the million-article benchmarks (issue 36): the two corpora hold 41k articles, and an index
of one article copied many times would measure nothing real (its terms, postings and copies
would all be the corpus's again). The sentences of SaudiNewsNet and ANT (text split at . ! ? ؟
and line ends, 5 words or more, each kept once) are pooled; each article takes a title from the
pool (its first 14 words at most) and a text of 4 to 24 sentences drawn at random, a date
between the corpora's first and last, and a source of SaudiNewsNet's. Every text is distinct
(checked by a 64-bit hash of it; a repeat is drawn again); the same seed writes the same file.
Written as gzip'd JSON lines, what ``arsearch index`` reads. Prints one JSON line and a table.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import random
import re
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from _common import SAUDINEWSNET, SHARED, print_report, read_jsonl_gz, require

ANTCORPUS = SHARED / "corpora" / "antcorpus.jsonl.gz"
#: Where a text is cut into sentences.
SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n+")
MIN_SENTENCE_WORDS = 5
TITLE_WORDS = 14
SENTENCES = (4, 24)
#: The span of the articles' dates.
FIRST_DAY, LAST_DAY = datetime(2010, 1, 1), datetime(2020, 12, 31)


def sentence_pool(paths: list[Path]) -> tuple[list[str], list[str]]:
    """Each distinct sentence of the corpora (in corpus order), and SaudiNewsNet's sources."""
    seen: set[str] = set()
    sentences: list[str] = []
    sources: set[str] = set()
    for path in paths:
        for record in read_jsonl_gz(require(path)):
            if path == SAUDINEWSNET and record.get("source"):
                sources.add(str(record["source"]))
            for sentence in SENTENCE_END.split(str(record.get("text") or "")):
                sentence = " ".join(sentence.split())
                if len(sentence.split()) >= MIN_SENTENCE_WORDS and sentence not in seen:
                    seen.add(sentence)
                    sentences.append(sentence)
    return sentences, sorted(sources)


def articles(count: int, seed: int, sentences: list[str], sources: list[str]) -> Any:
    """``count`` distinct articles, the same for the same seed and pool."""
    rng = random.Random(seed)
    seen: set[bytes] = set()
    span = int((LAST_DAY - FIRST_DAY).total_seconds())
    number = 0
    while number < count:
        text = " ".join(rng.choice(sentences) for _ in range(rng.randint(*SENTENCES)))
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
        if digest in seen:
            continue  # drawn before: draw again
        seen.add(digest)
        title = " ".join(rng.choice(sentences).split()[:TITLE_WORDS])
        date = FIRST_DAY + timedelta(seconds=rng.randrange(span))
        yield {
            "id": f"gen{seed}-{number}",
            "title": title,
            "text": text,
            "source": rng.choice(sources),
            "date": date.strftime("%Y-%m-%d %H:%M:%S"),
        }
        number += 1


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, required=True, help="articles to write")
    parser.add_argument("--out", type=Path, required=True, help="the .jsonl.gz file to write")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sentences, sources = sentence_pool([SAUDINEWSNET, ANTCORPUS])
    words = 0
    with gzip.open(args.out, "wb", compresslevel=3) as out:
        for article in articles(args.count, args.seed, sentences, sources):
            words += len(article["text"].split())
            out.write(orjson.dumps(article) + b"\n")
    figures = {
        "articles": args.count,
        "seed": args.seed,
        "sentences_pooled": len(sentences),
        "mean_words": round(words / max(args.count, 1), 1),
        "bytes": args.out.stat().st_size,
        "seconds": round(time.perf_counter() - started, 1),
        "out": str(args.out),
    }
    print_report(
        figures,
        [
            ("articles", "sentences pooled", "mean words", "file MB", "seconds"),
            (
                f"{args.count:,}",
                f"{len(sentences):,}",
                f"{figures['mean_words']}",
                f"{figures['bytes'] / 1e6:.1f}",
                f"{figures['seconds']}",
            ),
        ],
    )
    return figures


if __name__ == "__main__":
    main()
