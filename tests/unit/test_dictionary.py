"""The Arabic dictionary (farahidi): native derivations, names, broken plurals' singulars."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from arsearch.analysis import dictionary
from arsearch.analysis.dictionary import PROCLITIC_KIND, kind_of, look_up
from arsearch.analysis.normalize import normalize_word
from arsearch.analysis.spelling import spelling_terms
from arsearch.cli import main

TEST_ENGINES = ("tantivy",)  # no index is built here


@pytest.mark.parametrize(
    "word",
    # native minimal pairs: a derivation and its root's bare form, each known as native (never merged)
    ["عادل", "عدل", "كامل", "كمل", "شارك", "شرك", "بارد", "برد", "كاتب", "مكتوب", "استقبال"],
)
def test_native_derivations_are_known_as_native(word: str) -> None:
    entry = look_up(word)
    assert entry.kind == "native" and entry.root


@pytest.mark.parametrize(
    ("word", "kind"),
    [("ترمب", "name"), ("أردوغان", "name"), ("غوغل", "name"), ("أوردغان", "unknown"), ("جوجل", "unknown")],
)
def test_names_and_loanwords_are_names_or_unknown(word: str, kind: str) -> None:
    entry = look_up(word)
    assert entry.kind == kind and entry.root is None


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("وزراء", "وزير"),
        ("مدارس", "مدرسة"),
        ("دول", "دولة"),
        ("مشاريع", "مشروع"),
        ("سفراء", "سفير"),
        ("الوزراء", "وزير"),  # with the article
    ],
)
def test_a_broken_plural_has_its_singular_as_lemma(plural: str, singular: str) -> None:
    assert look_up(plural).lemma == singular


def test_diacritics_are_ignored_and_each_word_is_analysed_once() -> None:
    assert look_up("مَدَارِسُ").lemma == "مدرسة"
    assert look_up("سفراء") is look_up("سفراء")  # remembered
    assert look_up("").kind == "unknown" and look_up("").lemma is None


def test_analyze_shows_the_dictionary_on_request() -> None:
    result = CliRunner().invoke(main, ["analyze", "--dictionary", "وزراء ترمب في"])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines()]
    assert rows[0][-2:] == ["lemma", "dictionary"]
    assert rows[1][-2:] == ["وزير", "native"] and rows[2][-2:] == ["ترمب", "name"]
    assert rows[3][-2:] == ["-", "-"]  # a stop word is not looked up
    as_json = orjson.loads(CliRunner().invoke(main, ["analyze", "--dictionary", "--json", "مدارس"]).output)
    assert (as_json[0]["lemma"], as_json[0]["kind"]) == ("مدرسة", "native")
    plain = orjson.loads(CliRunner().invoke(main, ["analyze", "--json", "مدارس"]).output)
    assert "lemma" not in plain[0]  # without the option, nothing is looked up


# --- the kinds table (scripts/build_kinds_table.py): verdicts on a news corpus's words, kept -----------


def test_the_kinds_table_holds_look_ups_verdict_on_its_words() -> None:
    """A word of the table is answered without analysing it, with the verdict farahidi gives (a sample
    of each kind, looked up afresh), but for words read only as a proclitic before a native word."""
    table = dictionary._kinds_table()
    assert len(table) > 40_000, "the shipped table is missing or was made for another farahidi"
    for kind in ("native", "name", "noun", "unknown"):
        words = sorted(word for word, listed in table.items() if listed == kind)[::997]
        assert words, kind
        for word in words:
            assert dictionary.look_up.__wrapped__(word).kind == kind, word
            assert kind_of(word) == kind, word


@pytest.mark.parametrize("word", ["بشكل", "بمناسبة", "وبعد", "بالمدرسة", "لكرة"])
def test_a_proclitic_before_a_native_word_is_native_to_the_index(word: str) -> None:
    # look_up calls it a noun (ب or ل is as often a name's first letter: لندن); the table knows better
    assert dictionary._kinds_table().get(word) == PROCLITIC_KIND
    assert look_up(word).kind == "noun"
    assert kind_of(word) == "native"
    assert spelling_terms(normalize_word(word)) == ""  # no spelling terms indexed for it


@pytest.mark.parametrize("word", ["لندن", "بكين", "بوسطن", "فيسبوك"])
def test_names_are_never_read_as_a_proclitic_before_a_native_word(word: str) -> None:
    assert dictionary._kinds_table().get(word, "not listed") != PROCLITIC_KIND
    assert kind_of(word) != "native"
    assert spelling_terms(normalize_word(word)) != ""


def test_a_kinds_table_made_for_another_farahidi_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "kinds.tsv.gz"
    stale.write_bytes(gzip.compress("# farahidi 0.0.1; stems >= 10; lemmas >= 2e-05; old\nبشكل\tproclitic\n".encode()))
    monkeypatch.setattr(dictionary, "KINDS_TABLE_PATH", stale)
    dictionary._kinds_table.cache_clear()
    try:
        assert dictionary._kinds_table() == {}
    finally:
        monkeypatch.undo()
        dictionary._kinds_table.cache_clear()
    assert dictionary._kinds_table()["بشكل"] == PROCLITIC_KIND
