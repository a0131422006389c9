"""Do spellings of one name meet, and do native look-alikes stay apart? On pairs split before tuning.

    python benchmarks/eval_name_variants.py [--half both|round2|round3|shape|held-out|...] [--small 50] [--verbose]

The pairs are ``data/name_variant_pairs.tsv`` (issue 33): 66 spelling pairs of foreign names and
loanwords and 67 native look-alike pairs, each in the "shape" half (what a method may be tuned on)
or the "held-out" half (reported beside it, never tuned on). A second round of 48 variant pairs,
taken after the first held-out half had been seen, is split the same way ("shape2", "held-out2");
A third round (82 variant pairs written from general knowledge, 20 native pairs of the kinds a
wider method could join: ز/س, keys of two letters), taken after both earlier held-out halves had
been seen, is "shape3" and "held-out3". ``--half both`` reports the first round's halves,
``--half round2`` and ``--half round3`` the later ones'. Each pair is measured on the corpora
that hold both of its spellings: SaudiNewsNet (``indexes/saudinewsnet``, built on first use) and
ANT (``indexes/antcorpus``, likewise).

* **variant pairs merge** when a search for either spelling finds at least 80% of the articles that
  hold only the other (the issue's measure); the share of pairs that merge is reported. An article
  holds a spelling when it has the word as written, bare or after a proclitic (و، ال، بال...); until
  2026-12-05 the script counted light stems, which also counted other words (بيك for بيكين);
* **native pairs leak** when the variant step joins them (``index.variants(word).searched``); the
  share that leak must stay under 10%. A search for a native word also finds articles sharing its
  root by design (ranking's root fields), so the search-level figure is printed for information;
* ``--small N``: the same on a site's first N articles: for each pair, an index of N articles
  holding up to 5 of each spelling, the rest drawn from the corpus (seeded).

Prints one JSON line and a table.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from _common import ROOT, SAUDINEWSNET, SAUDINEWSNET_INDEX, SHARED, print_report, read_jsonl_gz, require
from arsearch import Index
from arsearch.engine.queries import BooleanQuery, TermQuery
from arsearch.engine.schema import ARTICLE_EXACT_FIELD

PAIRS = Path(__file__).with_name("data") / "name_variant_pairs.tsv"
ANT = SHARED / "corpora" / "antcorpus.jsonl.gz"
ANT_INDEX = ROOT / "indexes" / "antcorpus"
MERGED = 0.8
SMALL_EACH = 5
SEED = 20261205


@dataclass(frozen=True)
class Pair:
    half: str
    kind: str
    first: str
    second: str


#: What ``--half both``, ``round2`` and ``round3`` take in.
_ROUNDS = {
    *(("both", "shape"), ("both", "held-out")),
    *(("round2", "shape2"), ("round2", "held-out2")),
    *(("round3", "shape3"), ("round3", "held-out3")),
}


def read_pairs(half: str) -> list[Pair]:
    pairs = []
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            pair = Pair(*line.split("\t"))
            if half == pair.half or (half, pair.half) in _ROUNDS:
                pairs.append(pair)
    return pairs


def open_index(path: Path, corpus: Path) -> Index:
    if not path.exists():
        print(f"building {path} from {corpus.name} (once)...", flush=True)
        with Index.create(path) as index:
            from arsearch.records.ingest import read_records

            index.add(read_records([str(require(corpus))]), fit_topics="now")
    return Index.open(path)


def terms(index: Index, spelling: str) -> list[str]:
    return [token.stem for token in index.store.analyzer.tokens(spelling) if token.stem]


#: What a word may carry before it and still be the spelling (the article, و ف ب ك ل and their combinations).
PROCLITICS = (
    *("", "ال", "و", "وال", "ف", "فال", "ب", "بال", "ك", "كال", "ل", "لل"),
    *("وب", "وبال", "ول", "ولل", "فب", "فل"),
)


def written(index: Index, word: str) -> Any:
    """Articles holding ``word`` as written (normalized), bare or after a proclitic: not its light stem,
    which also counts other words (the stem of بيكين is بيك, a surname)."""
    # stop words kept: a name may have one among its words (كي in بان كي مون)
    forms = [token.normalized for token in index.store.analyzer.tokens(word, keep_stopwords=True)]
    base = forms[0][2:] if forms and forms[0].startswith("ال") and len(forms[0]) > 4 else (forms or [""])[0]
    return BooleanQuery(tuple(("should", TermQuery(ARTICLE_EXACT_FIELD, prefix + base)) for prefix in PROCLITICS))


def holding(index: Index, spelling: str, without: str | None = None) -> set[str]:
    """Ids of the articles holding every word of ``spelling`` (and not every word of ``without``)."""
    clauses: list[tuple[Literal["must", "must_not"], Any]] = [
        ("must", written(index, word)) for word in spelling.split()
    ]
    if without is not None:
        others: list[tuple[Literal["must"], Any]] = [("must", written(index, word)) for word in without.split()]
        clauses.append(("must_not", BooleanQuery(tuple(others))))
    snapshot = index.snapshot()
    found = snapshot.search(BooleanQuery(tuple(clauses)), limit=max(1, snapshot.doc_count), count=False)
    return {snapshot.stored(address).id for _, address in found.hits}


def searched(index: Index, spelling: str) -> set[str]:
    """Ids of every article a search for ``spelling`` finds (as a reader would search it)."""
    ids: set[str] = set()
    page = 1
    while True:
        results = index.search(spelling, limit=100, page=page, facets=False, highlight=False, collapse=False)
        ids.update(hit.id for hit in results.hits)
        if page >= results.pages or not results.hits:
            return ids
        page += 1


def found_share(index: Index, query: str, other: str) -> float | None:
    """Share of the articles holding only ``other`` that a search for ``query`` finds (None: there are none)."""
    only_other = holding(index, other, without=query)
    if not only_other:
        return None
    return len(searched(index, query) & only_other) / len(only_other)


def joined(index: Index, first: str, second: str) -> bool:
    """Whether the variant step makes one spelling's search find the other's term."""
    wanted = set(terms(index, second))
    return any(set(index.variants(word).searched) & wanted for word in first.split())


def measure(index: Index, pair: Pair) -> dict[str, Any] | None:
    if not holding(index, pair.first) or not holding(index, pair.second):
        return None
    shares = [found_share(index, pair.first, pair.second), found_share(index, pair.second, pair.first)]
    known = [share for share in shares if share is not None]
    return {
        "pair": f"{pair.first}/{pair.second}",
        "half": pair.half,
        "kind": pair.kind,
        "found": [None if share is None else round(share, 2) for share in shares],
        "merged": bool(known) and min(known) >= MERGED,
        "joined": joined(index, pair.first, pair.second) or joined(index, pair.second, pair.first),
    }


def small_index(pair: Pair, corpus: Path, size: int, where: Path) -> Index:
    """A site's first ``size`` articles: up to ``SMALL_EACH`` holding each spelling, the rest drawn."""
    rng = random.Random(f"{SEED}{pair.first}{pair.second}")
    with_first: list[dict[str, Any]] = []
    with_second: list[dict[str, Any]] = []
    rest: list[dict[str, Any]] = []
    for record in read_jsonl_gz(corpus):
        text = f"{record.get('title') or ''} {record.get('text') or ''}"
        if pair.first in text and len(with_first) < SMALL_EACH:
            with_first.append(record)
        elif pair.second in text and len(with_second) < SMALL_EACH:
            with_second.append(record)
        elif len(rest) < 20 * size:
            rest.append(record)
    chosen = with_first + with_second
    chosen += rng.sample(rest, max(0, size - len(chosen)))
    index = Index.create(where)
    index.add(chosen, fit_topics="now")
    return index


def summary(rows: list[dict[str, Any]], kind: str, half: str) -> dict[str, Any]:
    chosen = [row for row in rows if row["kind"] == kind and half == row["half"]]
    if kind == "variant":
        merged = sum(row["merged"] for row in chosen)
        return {"pairs": len(chosen), "merged": merged, "share": round(merged / max(1, len(chosen)), 3)}
    leaked = sum(row["joined"] for row in chosen)
    found = sum(row["merged"] for row in chosen)
    return {
        "pairs": len(chosen),
        "joined_by_variants": leaked,
        "share": round(leaked / max(1, len(chosen)), 3),
        "search_finds_80pct": found,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    halves = ["both", "round2", "round3", "shape", "held-out", "shape2", "held-out2", "shape3", "held-out3"]
    parser.add_argument("--half", choices=halves, default="both")
    parser.add_argument("--small", type=int, default=0, help="also measure on indexes of this many articles")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    pairs = read_pairs(args.half)
    corpora = {"saudinewsnet": (SAUDINEWSNET_INDEX, SAUDINEWSNET), "antcorpus": (ANT_INDEX, ANT)}
    rows: list[dict[str, Any]] = []
    for name, (path, corpus) in corpora.items():
        with open_index(path, corpus) as index:
            for pair in pairs:
                row = measure(index, pair)
                if row is not None:
                    rows.append({"corpus": name, **row})
    small_rows: list[dict[str, Any]] = []
    if args.small:
        with tempfile.TemporaryDirectory() as scratch:
            for number, pair in enumerate(p for p in pairs if p.kind == "variant"):
                with small_index(pair, SAUDINEWSNET, args.small, Path(scratch) / str(number)) as index:
                    row = measure(index, pair)
                    if row is not None:
                        small_rows.append({"corpus": f"first {args.small}", **row})
    halves = sorted({half for round_, half in _ROUNDS if round_ == args.half}, reverse=True) or [args.half]
    figures: dict[str, Any] = {"merge_threshold": MERGED}
    table = [["", *halves]]
    for label, chosen, kind in (
        ("variant pairs merged (31k + ANT)", rows, "variant"),
        ("native pairs joined by variants", rows, "native"),
        (f"variant pairs merged (first {args.small} articles)", small_rows, "variant"),
    ):
        if not chosen:
            continue
        results = {half: summary(chosen, kind, half) for half in halves}
        figures[label] = results
        key = "merged" if kind == "variant" else "joined_by_variants"
        table.append([label, *[f"{r[key]}/{r['pairs']} ({r['share']:.0%})" for r in results.values()]])
    print_report(figures, table)
    if args.verbose:
        for row in rows + small_rows:
            print(row["corpus"], row["half"], row["kind"], row["pair"], row["found"], row["merged"], row["joined"])


if __name__ == "__main__":
    main()
