"""Build the stemmer's word-frequency lexicon (``analysis/data/lexicon.tsv.gz``).

The lexicon lets the stemmer tell a clitic from a word's own letter: وبحث is
و + بحث because بحث is a far more common word than وبحث, while كتاب is not
ك + تاب. It is drawn from the ANT corpus v1.1 (Apache-2.0, Tunisian news in
Modern Standard Arabic), which is not one of the relevance test sets.

    python scripts/build_lexicon.py ../shared/corpora/antcorpus.jsonl.gz
"""

from __future__ import annotations

import gzip
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import orjson

from arsearch.analysis.lexicon import LEXICON_PATH, MIN_COUNT, lexicon_form
from arsearch.analysis.tokenize import spans


def count_words(corpus: Path, form: Callable[[str], str] = lexicon_form) -> Counter[str]:
    """How often each word of the corpus's titles and texts occurs, counted under ``form`` (the
    lexicon's normalized form, by default)."""
    counts: Counter[str] = Counter()
    with gzip.open(corpus, "rb") as lines:
        for line in lines:
            record = orjson.loads(line)
            for field in ("title", "text"):
                text = record.get(field) or ""
                counts.update(form(text[s:e]) for s, e in spans(text))
    return counts


def main(corpus: str) -> None:
    counts = count_words(Path(corpus))
    kept = sorted(((w, c) for w, c in counts.items() if c >= MIN_COUNT and w), key=lambda wc: (-wc[1], wc[0]))
    body = "".join(f"{w}\t{c}\n" for w, c in kept)
    header = f"# word forms (normalized, teh marbuta kept) with >= {MIN_COUNT} occurrences in {Path(corpus).name}\n"
    with gzip.GzipFile(LEXICON_PATH, "wb", mtime=0) as out:
        out.write((header + body).encode("utf-8"))
    print(f"{len(kept)} forms written to {LEXICON_PATH}")


if __name__ == "__main__":
    main(sys.argv[1])
