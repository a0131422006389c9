"""The query parser: table of queries → trees, and it never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arsearch.query import MAX_QUERY_CHARS, Bool, DateRange, Phrase, Word, parse

TEST_ENGINES = ("tantivy",)  # query parsing only: no index

CASES = [
    ("زيارة الوزير", "(زيارة الوزير)", []),
    ('"وزير الخارجية"', '("وزير الخارجية")', []),
    ("+المملكة -مصر", "(+المملكة -مصر)", []),
    ("title:ميزانية", "(title:ميزانية)", []),
    ("عنوان:ميزانية", "(title:ميزانية)", []),
    ('source:"الوطن الرياضي"', "(source:الوطن الرياضي)", []),
    ("اقتص* تطعيم~", "(اقتص* تطعيم~)", []),
    ("(نفط OR غاز) AND أسعار", "(+(نفط غاز) +أسعار)", []),
    ("نفط أو غاز", "(نفط غاز)", []),
    ("نفط و غاز", "(+نفط +غاز)", []),
    ("نفط و غاز و فحم", "(+نفط +غاز +فحم)", []),
    ('(نفط أو غاز) و "الأسعار"', '(+(نفط غاز) +"الأسعار")', []),
    # inside prose (a question), a standalone و/أو is just a word, not an operator
    ("الفرق بين النفط و الغاز", "(الفرق بين النفط و الغاز)", []),
    ("هل يشرب الشاي أو القهوة", "(هل يشرب الشاي أو القهوة)", []),
    ('ليس "كرة القدم" لاعب', '(لاعب -"كرة القدم")', []),
    ("ليس لدي وقت", "(ليس لدي وقت)", []),  # ليس before a plain word is prose
    ("NOT مصر المملكة", "(المملكة -مصر)", []),
    ("date:2024-01-01..2024-06-30", "(date:2024-01-01..2024-06-30)", []),
    ("date:..2015-08-01", "(date:..2015-08-01)", []),
    # malformed input degrades to the words, with a warning
    ('الكتاب "غير مغلق', "(الكتاب غير مغلق)", ["unbalanced quote: searched the words without it"]),
    ("(نفط غاز", "(نفط غاز)", ["unbalanced parenthesis: searched the words only"]),
    ("نفط غاز)", "(نفط غاز)", ["unbalanced parenthesis: searched the words only"]),
    ("AND", "()", ["AND without a term on both sides: searched the words only"]),
    ("نفط OR", "(نفط)", ["OR without a term after it: searched the words only"]),
    (
        "foo:bar",
        "(bar)",
        [
            "unknown field 'foo' (known: title, text, source, category, author, tags, date, root, lemma): "
            "searched as words"
        ],
    ),
    ("date:غدا", "()", ["unparsable date range 'غدا' (use date:2024-01-01..2024-06-30): ignored"]),
    ("", "()", []),
    (
        '-"',
        "()",
        [
            "unbalanced quote: searched the words without it",
            "+, - or ! without a term after it: searched the words only",
        ],
    ),
]


@pytest.mark.parametrize(("text", "tree", "warnings"), CASES)
def test_parse(text: str, tree: str, warnings: list[str]) -> None:
    parsed = parse(text)
    assert parsed.describe() == tree
    assert list(parsed.warnings) == warnings


def test_nodes_carry_their_details() -> None:
    root = parse('title:"ميزانية العام" اقتص* date:2024-01-01..2024-01-31').root
    assert root.should[0] == Phrase("ميزانية العام", "title")
    assert root.should[1] == Word("اقتص", prefix=True)
    date_range = root.should[2]
    assert isinstance(date_range, DateRange)
    assert date_range.end is not None and date_range.end.hour == 23  # the whole last day


def test_huge_queries_are_cut_with_a_warning() -> None:
    parsed = parse("كلمة " * 5000)
    assert any("cut" in warning for warning in parsed.warnings)
    assert len(parsed.root.should) <= 64


@settings(max_examples=400)
@given(st.text(alphabet=st.sampled_from(list('ابت ثج"()+-!*~:ORANDNOTأو و ليس date:title:.\\[]{}^$?|')), max_size=80))
def test_operator_soup_never_raises(text: str) -> None:
    parsed = parse(text)
    assert isinstance(parsed.root, Bool)


@settings(max_examples=300)
@given(st.text(max_size=300))
def test_any_unicode_never_raises(text: str) -> None:
    assert len(parse(text).describe()) <= 2 * MAX_QUERY_CHARS + 10
