"""The analysis chain: profiles are chains, steps compose, a step of one's own joins an index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from arsearch import Index
from arsearch.analysis import (
    Analyzer,
    Chain,
    LightStem,
    NormalizationOptions,
    Normalize,
    Protect,
    RootStem,
    Step,
    StopWords,
    Synonyms,
    Tokenize,
    Word,
    profile_chain,
)
from arsearch.errors import IndexCorruptError
from arsearch.store.settings import SETTINGS_FILE
from helpers import Digitless, Prefixed

TEXTS = [
    "زيارةُ الوزيرِ للمملكة في ٢٠١٥ وماكرون لماكرون",
    "المدارس والمدرسة ومدرسة يدرسون دراسة",
    "قالَ الوزيـــرُ: 1,250.5 و٣٫٥ بالمائة، التي والذي",
    "الأمم المتحدة إلى أن آسيا مؤتمر مؤسسة مسؤول",
]


def analyzed(analyzer: Analyzer, text: str) -> list[tuple[str, str, str | None, int, int]]:
    return [(t.surface, t.normalized, t.stem, t.start, t.end) for t in analyzer.tokens(text, keep_stopwords=True)]


SETTINGS: list[dict[str, Any]] = [
    {"profile": "light"},
    {"profile": "exact"},
    {"profile": "root"},
    {"profile": "light", "protected": ["ماكرون"]},
    {"profile": "root", "protected": ["ماكرون"]},
    {"profile": "light", "stopwords": frozenset({"قال"})},
    {"profile": "light", "normalization": NormalizationOptions(fold_hamza_carriers=True, fold_teh_marbuta=False)},
]


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: "-".join(map(str, s.values())))
def test_a_profile_is_a_named_chain_that_analyzes_alike(settings: dict[str, Any]) -> None:
    by_name = Analyzer(**settings)
    by_chain = Analyzer(chain=profile_chain(**settings))
    assert by_name.chain == by_chain.chain and by_name.chain.name == settings["profile"]
    for text in TEXTS:
        assert analyzed(by_chain, text) == analyzed(by_name, text)
        words = by_chain.index_words(text)
        assert (words.terms(), words.roots()) == (by_name.index_words(text).terms(), by_name.index_words(text).roots())


@pytest.mark.parametrize(
    ("chain", "text", "terms"),
    [
        (Tokenize() | Normalize(), "والمدارسُ في", ["والمدارس", "في"]),
        (Tokenize() | Normalize() | StopWords(), "والمدارسُ في", ["والمدارس"]),
        (Tokenize() | Normalize() | StopWords() | LightStem(), "والمدارسُ في", ["مدارس"]),
        (Tokenize() | Normalize() | StopWords() | RootStem(), "والمدارسُ في", ["درس"]),
        (Tokenize() | Normalize() | Protect(["ماكرون"]) | LightStem(), "لماكرون", ["ماكرون"]),
        (Tokenize() | Normalize() | LightStem() | Prefixed("x"), "والمدارس", ["xمدارس"]),
        (Tokenize() | Normalize() | Prefixed("x") | LightStem(), "والمدارس", ["مدارس"]),  # a stemmer reads the form
        (Tokenize() | Normalize() | Digitless() | LightStem(), "في ٢٠١٥ 1,250.5", ["في"]),
        (Tokenize() | Normalize() | Prefixed("x") | StopWords(), "في مدرسة", ["xمدرسه"]),  # stop lists read it too
        (
            Tokenize() | Normalize() | Synonyms({"كوفيد": "كورونا"}) | LightStem(),
            "الكوفيد كورونا",
            ["كورونا", "كورونا"],
        ),
        (Tokenize(r"\S+") | Normalize(), "كوفيد-19 انتشر", ["كوفيد-19", "انتشر"]),
        (Normalize() | StopWords(words=["كوفيد"]), "كوفيد انتشر", ["انتشر"]),  # the tokenizer is implied
    ],
)
def test_steps_compose_in_the_order_given(chain: Chain, text: str, terms: list[str]) -> None:
    analyzer = Analyzer(chain=chain)
    assert analyzer.terms(text) == terms
    assert Chain.from_spec(chain.spec()) == chain  # what an index saves rebuilds it


def test_a_chain_of_ones_own_marks_what_it_matched_in_the_original_text() -> None:
    analyzer = Analyzer(chain=Tokenize() | Normalize() | Synonyms({"كوفيد": "كورونا"}) | LightStem())
    text = "انتشر الكوفيدُ في المدينة"
    assert not analyzer.chain.keeps_pieces  # the term كورونا is no piece of الكوفيد: the whole text is read
    assert [text[start:end] for start, end, _ in analyzer.find(text, {"كورونا"}, set())] == ["الكوفيدُ"]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([Tokenize(), LightStem()], "needs a Normalize step"),
        ([Normalize(), Tokenize()], "one Tokenize step, first"),
        ([Tokenize(), Tokenize(), Normalize()], "one Tokenize step, first"),
    ],
)
def test_a_chain_that_cannot_work_is_refused(steps: list[Step], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Chain(steps)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ([{"step": "normalize"}, {"step": "no_such_step"}], "'no_such_step' is not importable"),
        ([{"step": "normalize"}, {"step": "json:dumps"}], "is not an analysis Step"),
        ([{"step": "normalize"}, {"step": "no_such_module:Step"}], "cannot be imported"),
        ([{"step": "normalize", "colour": "red"}], "does not take"),
    ],
)
def test_a_description_that_cannot_be_rebuilt_says_which_step(spec: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Chain.from_spec(spec)


def test_a_chain_an_index_cannot_save_or_rebuild_is_a_clear_error(tmp_path: Path) -> None:
    class Local(Step):  # defined in a function: no import path reaches it
        def __call__(self, word: Word) -> None:
            pass

    with pytest.raises(ValueError, match="cannot be saved with an index"):
        Index.create(tmp_path / "local", chain=Tokenize() | Normalize() | Local())
    with pytest.raises(ValueError, match="takes its analysis settings from the chain"):
        Index.create(tmp_path / "both", chain=profile_chain("light"), protected=["ماكرون"])
    Index.create(tmp_path / "ix", chain=Tokenize() | Normalize() | Prefixed("x")).close()
    settings = (tmp_path / "ix" / SETTINGS_FILE).read_text().replace("helpers:Prefixed", "gone_module:Prefixed")
    (tmp_path / "ix" / SETTINGS_FILE).write_text(settings)
    with pytest.raises(IndexCorruptError, match="'gone_module:Prefixed' cannot be imported"):
        Index.open(tmp_path / "ix")
