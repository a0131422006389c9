"""Build the table of what the dictionary makes of the words of a general news corpus
(``analysis/data/kinds.tsv.gz``), so that neither an import nor a search analyses them again.

``kind_of`` asks farahidi (~3 ms a word) about every word the table of native words
(``native.txt.gz``, the stems of farahidi's own corpus) does not hold, and an import
indexes spelling terms (``analysis.spelling``) for every word that table does not know as
native: about 60 terms an article on SaudiNewsNet, half of them ordinary Arabic words the table
lacks only because they carry a proclitic or an ending (بشكل، وذلك، خلالها). This script
analyses every word written at least ``MIN_OCCURRENCES`` times in the corpus given, as it is
written (without marks), and keeps its verdict:

* ``native``, ``name``, ``noun``, ``unknown``: ``look_up(word).kind``, exactly;
* ``proclitic``: a word farahidi reads only as a proclitic other than the article before a native
  word (بشكل = ب + شكل, وذلك = و + ذلك): every reading has a root, none is a proper noun, one has an
  attested stem or lemma, and the word without that proclitic is native. ``look_up`` calls such a
  word a noun (a reading through ب or ل is as often a misreading of a name: لندن as ل + دنّ); a name
  has a reading as a proper noun or none with a root, so it is not listed.

The corpus must be none of the sets arsearch is measured on (SaudiNewsNet, arcd, qqa23): the ANT
corpus (Tunisian news, Apache-2.0) serves, as for the stemmer's lexicon. The first line records
the farahidi version and thresholds; a table made for others is not read. Takes ~2 minutes.

    python scripts/build_kinds_table.py ../shared/corpora/antcorpus.jsonl.gz
"""

from __future__ import annotations

import gzip
import sys
from collections import Counter
from pathlib import Path

from arsearch.analysis.dictionary import (
    KINDS_TABLE_PATH,
    PROCLITIC_KIND,
    attested_reading,
    attested_table_header,
    look_up,
    readings,
)
from arsearch.analysis.spelling import spelling_key
from arsearch.analysis.tokenize import without_marks
from build_lexicon import count_words

#: Least occurrences of a written word in the corpus for the table to hold it.
MIN_OCCURRENCES = 2


def verdict(word: str) -> str:
    kind = look_up(word).kind
    if kind == "native":
        return kind
    found = readings(word)
    if not found or any(reading.type == "اسم علم" for reading in found) or not all(r.root for r in found):
        return kind
    for reading in found:
        cut = "".join(without_marks(p.form) for p in reading.proclitics if without_marks(p.form) != "ال")
        if cut and word.startswith(cut) and attested_reading(reading) and look_up(word[len(cut) :]).kind == "native":
            return PROCLITIC_KIND
    return kind


def main(corpus: str) -> None:
    counts = count_words(Path(corpus), without_marks)  # as written
    # the words that may have spelling variants: those with a spelling key (Arabic letters, 4 or more)
    words = sorted(w for w, count in counts.items() if count >= MIN_OCCURRENCES and spelling_key(w) is not None)
    rows = [f"{word}\t{verdict(word)}" for word in words]
    header = f"{attested_table_header()}; words written >= {MIN_OCCURRENCES} times in {Path(corpus).name}"
    with gzip.GzipFile(KINDS_TABLE_PATH, "wb", mtime=0, compresslevel=9) as table:
        table.write(("\n".join([header, *rows]) + "\n").encode("utf-8"))
    kinds = Counter(row.rpartition("\t")[2] for row in rows)
    print(f"{KINDS_TABLE_PATH}: {len(rows):,} words: " + ", ".join(f"{kind} {n:,}" for kind, n in kinds.most_common()))


if __name__ == "__main__":
    main(sys.argv[1])
