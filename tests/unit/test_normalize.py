"""Each normalization rule, one row each (see docs/analysis.md)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arsearch.analysis import NormalizationOptions, normalize_word
from arsearch.analysis.normalize import normalize_words

TEST_ENGINES = ("tantivy",)  # analysis only: no index

CASES = [
    # harakat, tanween, shadda, sukun, superscript alef
    ("كَتَبَ", "كتب"),
    ("كتابًا", "كتابا"),
    ("كتابٌ", "كتاب"),
    ("كتابٍ", "كتاب"),
    ("مُدَرِّسٌ", "مدرس"),
    ("مَسْجِد", "مسجد"),
    ("هٰذا", "هذا"),
    ("رَحْمَٰن", "رحمن"),
    # tatweel
    ("الوزيـــر", "الوزير"),
    ("ســلام", "سلام"),
    # hamza and alef variants
    ("أحمد", "احمد"),
    ("إسلام", "اسلام"),
    ("آمال", "امال"),
    ("ٱلرحمن", "الرحمن"),
    # alef maqsura and teh marbuta
    ("مستشفى", "مستشفي"),
    ("على", "علي"),
    ("مدرسة", "مدرسه"),
    # Persian look-alikes
    ("کتاب", "كتاب"),
    ("فارسی", "فارسي"),
    ("ھذا", "هذا"),
    ("خانۀ", "خانه"),
    # digits
    ("٢٠١٥", "2015"),
    ("۲۰۱۵", "2015"),
    ("١٬٢٥٠٫٥", "1250.5"),
    ("1,250", "1250"),
    # joiners and bidi marks inside a word
    ("نمی\u200cخواهم", "نميخواهم"),
    ("سلا\u200fم", "سلام"),
    ("سلا\u061cم", "سلام"),
    # presentation forms and ligatures (NFKC)
    ("ﻻ", "لا"),
    ("ﷲ", "الله"),
    ("ﺑﺴﻢ", "بسم"),
    # Latin
    ("Apple", "apple"),
    ("ÉCOLE", "école"),
    ("ＡＢＣ", "abc"),
    # hamza on waw / yeh kept by default (Lucene does the same)
    ("مسؤول", "مسؤول"),
    ("رئيس", "رئيس"),
]


@pytest.mark.parametrize(("word", "expected"), CASES)
def test_normalize_word(word: str, expected: str) -> None:
    assert normalize_word(word) == expected


def test_hamza_carrier_folding_is_an_option() -> None:
    options = NormalizationOptions(fold_hamza_carriers=True)
    assert normalize_word("مسؤول", options) == "مسوول"
    assert normalize_word("رئيس", options) == "رييس"


def test_teh_marbuta_folding_can_be_kept_off() -> None:
    assert normalize_word("مدرسة", NormalizationOptions(fold_teh_marbuta=False)) == "مدرسة"


def test_marks_brought_together_by_a_removed_joiner_are_put_in_canonical_order() -> None:
    # found by hypothesis: removing U+200C left U+0300 before U+0618, which NFKC reorders
    once = normalize_word("\u0300\u200c\u0618")
    assert normalize_word(once) == once == "\u0618\u0300"


# Letters of the normalization's own tables, marks, joiners, digits and their separators, Latin
# letters that case-fold to more than one (ß), compatibility forms (ﻻ), the combining marks NFKC
# reorders, and the line break the bulk pass splits on.
_WORD_CHARACTERS = st.sampled_from(
    [
        *"كتبمدرسةىيأإآٱھۀۃکی",
        *(chr(c) for c in range(0x064B, 0x0653)),
        "\u0640",
        "\u200c",
        "\u200d",
        "\u0670",
        "\u0300",
        "\u0618",
        *"٠١٢٣٤٥٦٧٨٩0123456789٬,٫.",
        *"AbßİΣ",
        "ﻻ",
        "ﷲ",
        "\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(_WORD_CHARACTERS, max_size=8), max_size=12),
    st.booleans(),
    st.booleans(),
)
def test_normalize_words_is_normalize_word_of_each(words: list[str], hamza: bool, teh: bool) -> None:
    options = NormalizationOptions(fold_hamza_carriers=hamza, fold_teh_marbuta=teh)
    assert normalize_words(words, options) == [normalize_word(word, options) for word in words]
