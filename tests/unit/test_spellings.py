"""Spellings of one name judged at search time: the spelling key, the dictionary's verdict, and a
small index (a site's first articles) where nothing is fitted yet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st

from arsearch import Index
from arsearch.analysis.spelling import (
    MIN_LETTERS,
    SPELLING_LETTERS,
    known_native,
    spelling_key,
    spelling_term,
    spelling_terms,
)
from arsearch.cli import main
from helpers import articles_per_word, word_of


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("ترامب", "ترمب"),  # a long vowel written or dropped
        ("جوجل", "غوغل"),  # ج / غ for a "g"
        ("كونغرس", "الكونجرس"),  # and the article set aside
        ("تشيلسي", "شيلسي"),  # تش / ش
        ("بلاتر", "بلاطر"),  # ت / ط
        ("سوني", "صوني"),  # س / ص
        ("زيمبابوي", "ذيمبابوي"),  # ز / ذ
        ("ماكرون", "ماكّرون"),  # doubled
        ("فيينا", "فيينه"),  # the end: ا / ه
        ("مانشستر", "مانشيستر"),
    ],
)
def test_spellings_of_one_name_share_a_key(first: str, second: str) -> None:
    assert spelling_key(first.replace("ّ", "")) == spelling_key(second.replace("ّ", "")) is not None


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("لبنان", "لبناني"),  # a nisba ending is a letter of its own
        ("ترامب", "ترانب"),  # a different consonant
        ("بنك", "بنوك"),  # three letters: no key
    ],
)
def test_words_of_other_letters_have_other_keys(first: str, second: str) -> None:
    assert spelling_key(first) is None or spelling_key(first) != spelling_key(second)


@given(
    st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويءئؤة", min_size=MIN_LETTERS, max_size=12),
    st.integers(min_value=2, max_value=10),
    st.sampled_from("اوي"),
)
def test_a_long_vowel_added_inside_leaves_the_key(form: str, at: int, vowel: str) -> None:
    key = spelling_key(form)
    assert key is not None and 1 <= len(key) <= len(form)
    assert spelling_term(form) == f"{key}_{form}_{form}"
    # between two other letters, away from the ends and the article, in a word long enough that its
    # last letter is dropped (or kept) either way
    at = min(at, len(form) - 2)
    assume(
        len(key) >= MIN_LETTERS
        and form[-1] not in "هاة"
        and not form.startswith("ال")
        and len({form[at - 1].translate(SPELLING_LETTERS), form[at].translate(SPELLING_LETTERS)}) == 2
        and form[at - 1] + form[at] != "تش"
    )
    assert spelling_key(form[:at] + vowel + form[at:]) == key


def test_latin_digits_and_short_words_have_no_key() -> None:
    assert spelling_key("google") is None and spelling_key("2015") is None and spelling_key("علم") is None
    assert spelling_term("في") == ""


# --- on a site's first articles: nothing fitted, the dictionary decides --------------------------

#: three articles a spelling (a search for a word in fewer is widened to its root), one per article
SPELLINGS = [
    ("ترامب", "ترمب"),
    ("تشيلسي", "شيلسي"),
    ("بلاتر", "بلاطر"),
    # native words sharing letters: each a derivation of its root, never merged
    ("عادل", "عدل"),
    ("كامل", "كمل"),
    ("شارك", "شرك"),
    ("بارد", "برد"),
    ("شارك", "شريك"),
    ("بارد", "بريد"),
    ("عادل", "عديل"),
    ("سافر", "سفير"),
    ("سعيد", "سعود"),
    ("كامل", "كاميل"),  # a native word, and a name (Camille) the dictionary does not know
]
NATIVE = {word for pair in SPELLINGS[3:] for word in pair}  # a pair with a native word stays apart


def articles() -> list[dict[str, str]]:
    return articles_per_word([word for pair in SPELLINGS for word in pair], "قال {} اليوم")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    with Index.create(tmp_path_factory.mktemp("spellings") / "ix") as index:
        index.add(articles(), fit_topics="off")
        yield index


@pytest.mark.parametrize(("first", "second"), SPELLINGS)
def test_names_meet_and_native_words_stay_apart_on_a_small_index(small: Index, first: str, second: str) -> None:
    native = first in NATIVE
    for typed, other in ((first, second), (second, first)):
        found = small.variants(typed)
        assert (other in found.searched) is not native
        ids = {word_of(hit.id) for hit in small.search(typed, limit=20, collapse=False).hits}
        assert ids == ({typed} if native else {typed, other})
        judged = {judgement.other: judgement for judgement in found.judged}
        if native:  # not judged at all (other letters), or judged and kept apart
            assert other not in judged or judged[other].reason.startswith("an Arabic word")
        else:
            assert judged[other].accepted and judged[other].reason.startswith("variant")


def test_the_typed_spelling_ranks_first(small: Index) -> None:
    hits = small.search("ترمب", limit=10, collapse=False).hits
    assert [word_of(hit.id) for hit in hits] == ["ترمب"] * 3 + ["ترامب"] * 3
    assert small.search("ترمب", variants=False).total == 3


def test_spellings_often_in_one_article_stay_apart(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        both = [{"id": str(n), "text": "سامسونج أو سامسونغ كما يكتبها البعض"} for n in range(4)]
        index.add([*both, {"id": "alone", "text": "هاتف سامسونغ الجديد"}], fit_topics="off")
        found = index.variants("سامسونج")
        assert found.searched == [] and found.judged[0].reason == "often in one article (4 of 4)"


def test_the_variants_command_says_why(small: Index) -> None:
    runner = CliRunner()
    shown = runner.invoke(main, ["variants", "ترمب", "--index", str(small.path)])
    assert shown.exit_code == 0, shown.output
    assert "a search also finds ترامب" in shown.output
    assert "ترامب  variant (ترمب: name, ترامب: name" in shown.output
    kept = runner.invoke(main, ["variants", "كامل", "--index", str(small.path)])
    assert "كاميل  an Arabic word (كامل: a native word in the dictionary)" in kept.output
    data = orjson.loads(runner.invoke(main, ["variants", "بلاطر", "--json", "--index", str(small.path)]).output)
    assert data["searched"] == ["بلاتر"] and data["judged"][0]["accepted"] is True


@pytest.mark.parametrize(
    ("form", "native"),
    [
        ("المدارس", True),
        ("والمدارس", True),  # after the article and و
        ("للمدارس", True),
        ("وقال", True),  # after و
        ("بكين", False),  # not ب + كين
        ("لندن", False),  # not ل + ندن
        ("ترامب", False),
    ],
)
def test_words_the_dictionarys_table_knows_as_native_get_no_spelling_terms(form: str, native: bool) -> None:
    assert known_native(form) is native
    assert (spelling_terms(form) == "") is native
