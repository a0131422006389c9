"""The Arabic dictionary (farahidi): native derivations, names, broken plurals' singulars."""

from __future__ import annotations

import orjson
import pytest
from click.testing import CliRunner

from arsearch.analysis.dictionary import look_up
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
