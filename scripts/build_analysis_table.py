"""Build the precomputed analysis table (``analysis/data/analyzed.tsv.gz``).

Every word form of the ANT corpus (normalized, teh marbuta kept, seen at
least once) with its light stem and the root of that stem, computed by
arsearch's own stemmer. A short import meets most of its words for the
first time, and stemming plus tashaphyne's root extraction cost tens of
microseconds per distinct word; with the table, the forms of ordinary news
Arabic are looked up instead. The table is drawn from ANT (Apache-2.0, the
corpus the lexicon comes from), not from SaudiNewsNet, the benchmark corpus,
nor from a relevance test set: a table fitted to the benchmark would flatter
it. Its first line records the key of the code it was computed by; arsearch
ignores a table whose key does not match (so re-run this script after
changing the stemmer, the normalization, the lexicon or tashaphyne).

    python scripts/build_analysis_table.py ../shared/corpora/antcorpus.jsonl.gz
"""

from __future__ import annotations

import sys
from pathlib import Path

from arsearch.analysis.stem import ANALYSIS_TABLE_PATH, write_analysis_table
from build_lexicon import count_words


def main(corpus: str) -> None:
    counts = count_words(Path(corpus))
    forms = sorted(form for form in counts if form)
    written = write_analysis_table(forms)
    size = ANALYSIS_TABLE_PATH.stat().st_size / 1e6
    print(f"{written} forms written to {ANALYSIS_TABLE_PATH} ({size:.1f} MB)")


if __name__ == "__main__":
    main(sys.argv[1])
