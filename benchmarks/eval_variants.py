"""Spelling variants of names and loanwords: recall and precision on SaudiNewsNet.

    python benchmarks/eval_variants.py [--index PATH] [--sample 100] [--labels FILE]

(``--index`` defaults to ``indexes/saudinewsnet`` in the project, built on first use.)

The variants are fitted afresh on the index (timed: the cost an import's topic
refit now pays on top). Then, with the pairs of ``data/variant_pairs.tsv``
(written from knowledge of Arabic news spelling, kept when both spellings
occur in the corpus):

* recall: for each ``variant`` pair, in both directions, whether a search for
  one spelling also searches the other (``index.variants(word).searched``),
  and the articles that gains: those with the other spelling only;
* kept apart: for each ``apart`` pair (native words one long vowel or one of
  ج/غ/ق/ك apart, and different names that look alike), whether they stay apart;
* precision: a seeded sample of ``--sample`` of all accepted pairs, judged by
  the hand labels of ``data/variant_labels.tsv`` (pairs without a label are
  counted, not guessed).

Prints one JSON line and a table.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from pathlib import Path
from typing import Any

from _common import ROOT, SAUDINEWSNET_INDEX, open_saudinewsnet_index, print_report
from arsearch import Index
from arsearch.derived.topics import fit_index
from arsearch.derived.variants import fit_index_variants
from arsearch.engine.queries import BooleanQuery, TermQuery
from arsearch.engine.schema import ARTICLE_FIELD

DATA = ROOT / "benchmarks" / "data"
SEED = 20261126


def read_pairs(path: Path) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8") as lines:
        rows = csv.reader((line for line in lines if not line.startswith("#")), delimiter="\t")
        return [(row[0], row[1], row[2]) for row in rows if len(row) >= 3]


def stem_of(index: Index, word: str) -> str | None:
    tokens = list(index.store.analyzer.tokens(word))
    return tokens[0].stem if len(tokens) == 1 else None


def articles_with_only(index: Index, wanted: str, without: str) -> int:
    query = BooleanQuery((("must", TermQuery(ARTICLE_FIELD, wanted)), ("must_not", TermQuery(ARTICLE_FIELD, without))))
    return index.snapshot().search(query, limit=1, count=True).total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=SAUDINEWSNET_INDEX)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--labels", type=Path, default=DATA / "variant_labels.tsv")
    args = parser.parse_args()
    index = open_saudinewsnet_index(args.index)
    snapshot = index.snapshot()
    started = time.perf_counter()
    model = fit_index(snapshot, index.analyzer, index.path)  # the contexts come with a fresh fit
    topics_seconds = time.perf_counter() - started
    assert model is not None
    started = time.perf_counter()
    table = fit_index_variants(snapshot, model, index.path)
    fit_seconds = time.perf_counter() - started

    counts = snapshot.vocabulary().stems
    figures: dict[str, Any] = {
        "docs": len(index),
        "accepted_pairs": len(table),
        "judged_pairs": len(table.verdicts),
        "topics_fit_seconds": round(topics_seconds, 2),
        "variants_fit_seconds": round(fit_seconds, 2),
    }
    results: dict[str, list[dict[str, Any]]] = {"variant": [], "apart": []}
    for kind, first, second in read_pairs(DATA / "variant_pairs.tsv"):
        a, b = stem_of(index, first), stem_of(index, second)
        if not a or not b or a == b or counts.get(a, 0) < 2 or counts.get(b, 0) < 2:
            continue  # not two distinct spellings in this corpus
        joined = [b in table.of(a), a in table.of(b)]
        gained = [articles_with_only(index, b, a), articles_with_only(index, a, b)]
        results[kind].append({"pair": f"{first}/{second}", "joined": joined, "gained": gained})

    variants, apart = results["variant"], results["apart"]
    directions = [found for row in variants for found in row["joined"]]
    figures["variant_pairs_in_corpus"] = len(variants)
    figures["recall_directions"] = round(sum(directions) / len(directions), 3) if directions else None
    figures["articles_gained"] = sum(
        gain for row in variants for gain, found in zip(row["gained"], row["joined"], strict=True) if found
    )
    figures["articles_only_other_spelling"] = sum(g for row in variants for g in row["gained"])
    figures["missed"] = [row["pair"] for row in variants if not all(row["joined"])]
    figures["apart_pairs_in_corpus"] = len(apart)
    figures["apart_kept"] = sum(not any(row["joined"]) for row in apart)
    figures["apart_merged"] = [row["pair"] for row in apart if any(row["joined"])]

    labels: dict[tuple[str, str], str] = {}
    if args.labels.exists():
        for label, first, second in read_pairs(args.labels):
            labels[tuple(sorted((first, second)))] = label  # type: ignore[index]
    sample = random.Random(SEED).sample(table.pairs, min(args.sample, len(table.pairs)))
    judged = [labels.get(pair) for pair in sample]
    right = sum(label == "variant" for label in judged)
    wrong = [f"{a}/{b}" for (a, b), label in zip(sample, judged, strict=True) if label == "apart"]
    figures["sample"] = len(sample)
    figures["sample_labeled"] = right + len(wrong)
    figures["precision_sample"] = round(right / (right + len(wrong)), 3) if right + len(wrong) else None
    figures["sample_wrong"] = wrong
    figures["sample_unlabeled"] = [f"{a}/{b}" for (a, b), label in zip(sample, judged, strict=True) if label is None]

    table_rows = [
        ("measure", "value"),
        ("accepted pairs (whole index)", f"{len(table):,}"),
        ("fit time (topic model, then variants)", f"{topics_seconds:.1f} s + {fit_seconds:.1f} s"),
        ("variant pairs in corpus", str(len(variants))),
        ("recall, both directions", f"{figures['recall_directions']}"),
        (
            "articles gained / only with the other spelling",
            f"{figures['articles_gained']} / {figures['articles_only_other_spelling']}",
        ),
        ("apart pairs kept apart", f"{figures['apart_kept']} of {len(apart)}"),
        (
            "precision on a sample of accepted pairs",
            f"{figures['precision_sample']} ({figures['sample_labeled']} of {len(sample)} labeled)",
        ),
    ]
    print_report(figures, table_rows)


if __name__ == "__main__":
    main()
