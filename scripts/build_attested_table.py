"""Build the tables of what farahidi's own corpus attests (``analysis/data/attested.txt.gz``), of
the words of that corpus it reads as native (``native.txt.gz``) and of their lemmas (``lemmas.tsv.gz``).

``analysis.dictionary`` takes a reading of a word for a native derivation only when the
dictionary's corpus attests it: its stem occurs at least ``MIN_ATTESTED`` times there, or its
lemma weighs at least ``MIN_LEMMA_WEIGHT`` (farahidi's ``map_stem`` and ``map_lemma``, drawn
from MSA text that is none of SaudiNewsNet, arcd or qqa23). Reading those maps takes ~0.8 s
per process (JSON lines); this table keeps only the stems and lemmas over the thresholds
(~74,000 lines, ~330 kB) and loads in a few tens of milliseconds. Its first line records the
farahidi version and the thresholds; the dictionary reads the maps themselves when the first
line does not match (so re-run this script after upgrading farahidi or changing a threshold).

The second table holds each stem of that corpus, without diacritics, that ``look_up`` finds native,
and ``kind_of`` answers from it without analysing the word (farahidi takes ~6 ms a word):
most words a search judges are ordinary Arabic. The third holds the lemma of each of those
words where the dictionary is sure of it (``Entry.sure_lemma``): what the lemma level indexes,
without analysing words while indexing. It takes ~5 minutes to build.

    python scripts/build_attested_table.py
"""

from __future__ import annotations

import gzip
from collections import defaultdict

from farahidi.lexicon import load_map
from farahidi.lm import MAP_LEMMA, MAP_STEM

from arsearch.analysis.dictionary import (
    ATTESTED_TABLE_PATH,
    LEMMA_TABLE_PATH,
    NATIVE_TABLE_PATH,
    attested_table_header,
    look_up,
)
from arsearch.analysis.normalize import normalize_word
from arsearch.analysis.tokenize import without_marks


def main() -> None:
    from arsearch.analysis.dictionary import MIN_ATTESTED, MIN_LEMMA_WEIGHT

    counts = load_map(MAP_STEM)
    stems = sorted(stem for stem, count in counts.items() if count >= MIN_ATTESTED)
    lemmas = sorted(lemma for lemma, weight in load_map(MAP_LEMMA).items() if weight >= MIN_LEMMA_WEIGHT)
    lines = [attested_table_header(), *(f"s\t{stem}" for stem in stems), *(f"l\t{lemma}" for lemma in lemmas)]
    with gzip.open(ATTESTED_TABLE_PATH, "wt", encoding="utf-8", compresslevel=9) as table:
        table.write("\n".join(lines) + "\n")
    print(f"{ATTESTED_TABLE_PATH}: {len(stems):,} stems, {len(lemmas):,} lemmas")
    words = sorted({without_marks(stem) for stem in counts})  # every stem of its corpus, attested or not
    native = [word for word in words if look_up(word).kind == "native"]
    with gzip.open(NATIVE_TABLE_PATH, "wt", encoding="utf-8", compresslevel=9) as table:
        table.write("\n".join([attested_table_header(), *native]) + "\n")
    print(f"{NATIVE_TABLE_PATH}: {len(native):,} of {len(words):,} stems of its corpus are native")
    # the lemma of each native word the dictionary is sure of, keyed as the index normalizes words;
    # words that normalize alike but have other lemmas are left out
    lemmas_of: dict[str, set[str]] = defaultdict(set)
    for word in native:
        lemma = look_up(word).sure_lemma
        key = normalize_word(word)
        if lemma and normalize_word(lemma) != key:
            lemmas_of[key].add(lemma)
    sure = {key: found.pop() for key, found in sorted(lemmas_of.items()) if len(found) == 1}
    with gzip.open(LEMMA_TABLE_PATH, "wt", encoding="utf-8", compresslevel=9) as table:
        table.write("\n".join([attested_table_header(), *(f"{key}\t{lemma}" for key, lemma in sure.items())]) + "\n")
    print(
        f"{LEMMA_TABLE_PATH}: {len(sure):,} words with a lemma of their own ({len(lemmas_of) - len(sure):,} ambiguous)"
    )


if __name__ == "__main__":
    main()
