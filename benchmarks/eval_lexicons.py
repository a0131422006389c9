"""Which Arabic lexicon from PyPI: coverage, correctness on our own cases, speed, size, licence.

    pip install qalsadi farahidi          # the candidates this script finds installed are measured
    python benchmarks/eval_lexicons.py [--corpus-words 3000]

Issue 33 asks for a dictionary that knows (a) a broken plural's singular, (b) that a word is a
native derivation of a root, and (c) that a foreign name or loanword is a proper noun or unknown.
Each candidate analyses the cases of ``benchmarks/data/lexicon_cases.tsv`` (written from general
knowledge, not mined from a corpus) and a sample of the distinct words of ANT (Tunisian news: not a
set arsearch's relevance or variant figures are measured on). Candidates that are not installed, or
whose data does not install offline, are listed with the reason. Prints one JSON line and a table.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import ROOT, SHARED, print_report, read_jsonl_gz

CASES = Path(__file__).with_name("data") / "lexicon_cases.tsv"
ANT = SHARED / "corpora" / "antcorpus.jsonl.gz"
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_WORD = re.compile(r"[\u0621-\u064a]{2,}")


def plain(word: str | None) -> str:
    """A lemma as it is compared: no diacritics, alef and yeh forms and ة folded, no tanween."""
    return _MARKS.sub("", word or "").translate(_FOLD)


@dataclass(frozen=True)
class Reading:
    lemma: str
    root: str | None
    proper: bool  # a proper noun (اسم علم)
    derived: bool  # a derivation of a root: a verb, or a noun with a root and a derivational pattern
    noun: bool
    plural: bool  # the reading takes the word for a plural (its lemma is then the singular)


Analyse = Callable[[str], list[Reading]]


def farahidi_candidate() -> Analyse:
    import farahidi

    analyzer = farahidi.Analyzer()

    def analyse(word: str) -> list[Reading]:
        readings = []
        for a in analyzer.analyze(word):
            proper = a.type == "اسم علم"
            derived = a.root is not None and not proper and a.pos in ("اسم", "فعل") and a.type != "اسم جامد"
            readings.append(Reading(plain(a.lemma), a.root, proper, derived, a.pos == "اسم", a.number == "جمع"))
        return readings

    return analyse


def qalsadi_candidate() -> Analyse:
    import qalsadi.analex

    analyzer = qalsadi.analex.Analex()

    def analyse(word: str) -> list[Reading]:
        readings = []
        for a in analyzer.check_word(word):
            kind = a.get_type() or ""
            if kind.startswith("unknown"):
                continue
            proper = "علم" in kind
            derived = kind == "Verb" or (kind.startswith("Noun") and "جامد" not in kind and not proper)
            lemma, root = plain(a.get_lemma()), getattr(a, "root", None) or None
            plural = (getattr(a, "number", "") or "").startswith("جمع")
            readings.append(Reading(lemma, root, proper, derived, kind.startswith("Noun"), plural))
        return readings

    return analyse


CANDIDATES: dict[str, tuple[str, Callable[[], Analyse]]] = {
    "farahidi": ("farahidi", farahidi_candidate),
    "qalsadi (arramooz)": ("qalsadi", qalsadi_candidate),
}
#: Named by the issue and measured by hand here: why they are not candidates.
NOT_CANDIDATES = {
    "camel-tools": "its morphology database downloads from the internet at first use (camel_data); "
    "nothing installs offline from PyPI",
    "alyahmor": "a generator of inflected forms, not an analyser (0.2 fails to import: noun_affixer)",
    "naftawayh": "a noun/verb/stop-word tagger by rules: no lemma, no root, no proper nouns",
}


def read_cases() -> dict[str, list[tuple[str, str]]]:
    cases: dict[str, list[tuple[str, str]]] = {"plural": [], "native": [], "foreign": []}
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            kind, word, singular = [*line.split("\t"), ""][:3]
            cases[kind].append((word, singular))
    return cases


def corpus_words(count: int, seed: int = 7) -> tuple[list[str], list[str]]:
    """ANT's commonest ``count`` words, and ``count`` words drawn from those seen 2 to 5 times."""
    counts: Counter[str] = Counter()
    for record in read_jsonl_gz(ANT):
        counts.update(_WORD.findall(f"{record.get('title') or ''} {record.get('text') or ''}"))
    common = [word for word, _ in counts.most_common(count)]
    rare = sorted(word for word, n in counts.items() if 2 <= n <= 5)
    return common, random.Random(seed).sample(rare, min(count, len(rare)))


def installed_size_mb(distribution: str, seen: set[str] | None = None) -> float:
    """The installed size of a distribution and of everything it requires (each counted once)."""
    seen = set() if seen is None else seen
    key = distribution.lower().replace("_", "-")
    if key in seen:
        return 0.0
    seen.add(key)
    try:
        files = importlib.metadata.files(distribution) or []
        requires = importlib.metadata.requires(distribution) or []
    except importlib.metadata.PackageNotFoundError:
        return 0.0
    size = sum(Path(str(f.locate())).stat().st_size for f in files if Path(str(f.locate())).is_file()) / 1e6
    for requirement in requires:
        if "extra ==" not in requirement:
            size += installed_size_mb(re.split(r"[ ;<>=!~\[(]", requirement, maxsplit=1)[0], seen)
    return size


def licence(distribution: str) -> str:
    meta = importlib.metadata.metadata(distribution)
    return str((meta.get_all("License-Expression") or meta.get_all("License") or ["?"])[0])


def measure(
    name: str, make: Callable[[], Analyse], cases: dict[str, list[tuple[str, str]]], words: Any
) -> dict[str, Any]:
    started = time.perf_counter()
    analyse = make()
    analyse("كتاب")
    load = time.perf_counter() - started
    plurals = [(w, s) for w, s in cases["plural"]]
    plural_any = sum(any(r.lemma == plain(s) for r in analyse(w)) for w, s in plurals)
    # the first noun reading (analysers rank their readings): what a lemma step would pick
    plural_first = sum(next((r.lemma for r in analyse(w) if r.noun), None) == plain(s) for w, s in plurals)
    # a plural noun reading first, then any noun reading
    plural_preferred = sum(
        next((r.lemma for r in sorted(analyse(w), key=lambda r: not r.plural) if r.noun), None) == plain(s)
        for w, s in plurals
    )
    native = sum(any(r.derived for r in analyse(w)) for w, _ in cases["native"])
    native_as_foreign = sum(not analyse(w) or all(r.proper for r in analyse(w)) for w, _ in cases["native"])
    foreign_flagged = sum(not (rs := analyse(w)) or any(r.proper for r in rs) for w, _ in cases["foreign"])
    foreign_only_proper = sum(not (rs := analyse(w)) or all(r.proper for r in rs) for w, _ in cases["foreign"])
    common, rare = words
    started = time.perf_counter()
    known_common = sum(bool(analyse(w)) for w in common)
    known_rare = sum(bool(analyse(w)) for w in rare)
    per_word_ms = (time.perf_counter() - started) / max(1, len(common) + len(rare)) * 1000
    distribution = CANDIDATES[name][0]
    return {
        "lexicon": name,
        "version": importlib.metadata.version(distribution),
        "licence": licence(distribution),
        "size_mb_with_dependencies": round(installed_size_mb(distribution), 1),
        "load_s": round(load, 2),
        "ms_per_word": round(per_word_ms, 2),
        "plural_singular_any_reading": f"{plural_any}/{len(plurals)}",
        "plural_singular_first_noun": f"{plural_first}/{len(plurals)}",
        "plural_singular_plural_reading_first": f"{plural_preferred}/{len(plurals)}",
        "native_known": f"{native}/{len(cases['native'])}",
        "native_called_foreign": f"{native_as_foreign}/{len(cases['native'])}",
        "foreign_proper_or_unknown": f"{foreign_flagged}/{len(cases['foreign'])}",
        "foreign_only_proper_or_unknown": f"{foreign_only_proper}/{len(cases['foreign'])}",
        "known_common_words": f"{known_common}/{len(common)}",
        "known_rare_words": f"{known_rare}/{len(rare)}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-words", type=int, default=2000)
    args = parser.parse_args()
    cases = read_cases()
    words = corpus_words(args.corpus_words) if ANT.exists() else ([], [])
    results, skipped = [], dict(NOT_CANDIDATES)
    for name, (distribution, make) in CANDIDATES.items():
        try:
            importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            skipped[name] = f"not installed (pip install {distribution})"
            continue
        results.append(measure(name, make, cases, words))
    keys = [k for k in results[0] if k != "lexicon"] if results else []
    table = [["", *[r["lexicon"] for r in results]]] + [[k, *[str(r[k]) for r in results]] for k in keys]
    print_report({"results": results, "not_measured": skipped, "root": str(ROOT)}, table)
    for name, why in skipped.items():
        print(f"not measured: {name}: {why}")


if __name__ == "__main__":
    main()
