"""Tokens and their offsets into the original text."""

from __future__ import annotations

import pytest

from arsearch.analysis import analyze, spans

TEST_ENGINES = ("tantivy",)  # analysis only: no index

CASES = [
    ("قالَ الوزيـــرُ: ٢٠١٥", ["قالَ", "الوزيـــرُ", "٢٠١٥"]),
    ("السعودية، مصر؛ لماذا؟ «نعم»", ["السعودية", "مصر", "لماذا", "نعم"]),
    ("كـَتب كتابـ ـــ", ["كـَتب", "كتاب"]),
    ("بلغ 1,250.5 ريال و٣٫٥ مليون", ["بلغ", "1,250.5", "ريال", "و", "٣٫٥", "مليون"]),
    ("iPhone 15 في الرياض", ["iPhone", "15", "في", "الرياض"]),
    ("\u200fمرحبا\u200e بكم", ["مرحبا", "بكم"]),
    ("نمی\u200cخواهم", ["نمی\u200cخواهم"]),
    ("ﻻ ﺑﺴﻢ", ["ﻻ", "ﺑﺴﻢ"]),
    ("", []),
    ("   \n\t ", []),
    ("!!! ... ؟؟", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_token_surfaces(text: str, expected: list[str]) -> None:
    assert [text[start:end] for start, end in spans(text)] == expected


def test_offsets_point_into_the_original_diacritized_text() -> None:
    text = "زارَ وزيرُ الخارجيةِ المملكةَ"
    tokens = analyze(text, keep_stopwords=True)
    assert [(t.surface, text[t.start : t.end]) for t in tokens] == [(t.surface, t.surface) for t in tokens]
    assert tokens[-1].surface == "المملكةَ"
    assert tokens[-1].start == text.index("المملكةَ")


def test_positions_count_stop_words_so_phrases_keep_their_gaps() -> None:
    tokens = analyze("ذهب إلى المدرسة")
    assert [(t.stem, t.position) for t in tokens] == [("ذهب", 0), ("مدرس", 2)]
