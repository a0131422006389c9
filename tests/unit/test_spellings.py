"""Spellings of one name judged at search time: the spelling key, the dictionary's verdict, and a
small index (a site's first articles) where nothing is fitted yet."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st

from arsearch import Index
from arsearch.analysis.normalize import normalize_word
from arsearch.analysis.spelling import (
    MIN_LETTERS,
    SPELLING_LETTERS,
    judged_key,
    known_native,
    letter_edits,
    parse_spelling_term,
    spelling_key,
    spelling_prefixes,
    spelling_term,
    spelling_terms,
    with_proclitics,
    without_proclitics,
)
from arsearch.cli import main
from arsearch.derived.variants import MAX_JUDGED, SpellingJudge, SpellingSource, close_spellings
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
    assert spelling_term(form) == f"{key}_{form}" == spelling_term(form, form)
    assert parse_spelling_term(spelling_term(form, "أ" + form[1:])) == (form, "أ" + form[1:])
    # between two other letters, away from the ends and the article, in a word long enough that its
    # last letter is dropped (or kept) either way
    at = min(at, len(form) - 2)
    assume(
        len(key) >= MIN_LETTERS
        and form[-1] not in "هاة"
        and not form.startswith("ال")
        and len({form[at - 1].translate(SPELLING_LETTERS), form[at].translate(SPELLING_LETTERS)}) == 2
        and form[at - 1] + form[at] != "تش"
        and "تش" not in form  # شتش is شش once تش is ش, one letter: a vowel between them makes it two
    )
    assert spelling_key(form[:at] + vowel + form[at:]) == key


@given(st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويءئؤة", min_size=MIN_LETTERS, max_size=10), st.booleans())
def test_a_word_after_a_proclitic_is_the_word_without_it(form: str, article: bool) -> None:
    form = "ال" + form if article else form
    assume(not form.startswith(("و", "ف", "ب", "ك", "ل")))
    after = with_proclitics(form)
    assert after and len(set(after)) == len(after)
    assert all(form in without_proclitics(word) for word in after)


@pytest.mark.parametrize(
    ("first", "second", "edits"),
    [
        ("توغو", "توجو", 1),  # one letter of a group
        ("ترامب", "ترمب", 1),  # a long vowel
        ("الكونغرس", "كونجرس", 1),  # the article set aside
        ("جوجل", "قوقل", 2),
        ("توغو", "طوكيو", 3),  # Togo and Tokyo share a key: three places apart
    ],
)
def test_letter_edits_count_every_difference(first: str, second: str, edits: int) -> None:
    assert letter_edits(first, second) == letter_edits(second, first) == edits


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


def test_a_name_after_a_proclitic_its_stem_keeps_is_found(tmp_path: Path) -> None:
    """The light stemmer does not cut a name's first letter (لندن), so وتوغو is a term of its own;
    a search for توغو (or its other spelling توجو) finds it too, and not طوكيو, three letters away."""
    found_in = {
        "bare": "مباراة توغو اليوم",
        "after": "بين غانا وتوغو اليوم",
        "other": "منتخب توجو اليوم",
        "tokyo": "بورصة طوكيو اليوم",
    }
    with Index.create(tmp_path / "ix") as index:
        index.add([{"id": f"{name}-{n}", "text": text} for name, text in found_in.items() for n in range(3)])
        for typed in ("توغو", "توجو"):
            ids = {word_of(hit.id) for hit in index.search(typed, limit=20, collapse=False).hits}
            assert ids == {"bare", "after", "other"}, typed
        judged = {judgement.other: judgement for judgement in index.variants("توغو").judged}
        assert judged["وتوغو"].reason.startswith("the word after a proclitic")
        assert "طوكيو" not in judged  # not judged at all: too many letters apart
        hit = index.search("توغو", limit=20, collapse=False).hits
        after = next(h for h in hit if word_of(h.id) == "after")
        assert "[وتوغو]" in after.snippets[0].text


def test_a_rare_spelling_is_judged_past_the_commoner_inflections(tmp_path: Path) -> None:
    """A loanword written many ways, with endings (one term for several, judged once): its rare
    spelling is still reached, however many commoner forms come before it."""
    inflected = ["أيديولوجيا", "الأيديولوجيا", "أيديولوجية", "الأيديولوجية", "أيديولوجي", "الأيديولوجي"]
    spelled = ["إيديولجيا", "ايديلوجيا", "أديولوجيا", "أيديولوجا"]  # other spellings, commoner too
    common = enumerate(inflected + spelled)
    records = [{"id": f"common-{n}-{i}", "text": f"عن {word} اليوم"} for i, word in common for n in range(4)]
    records += [{"id": f"rare-{n}", "text": "عن أيدولوجيا اليوم"} for n in range(3)]
    with Index.create(tmp_path / "ix") as index:
        index.add(records, fit_topics="off")
        assert "ايدولوجيا" in index.variants("أيديولوجيا").searched
        found = {hit.id for hit in index.search("أيديولوجيا", limit=100, collapse=False).hits}
        assert {f"rare-{n}" for n in range(3)} <= found


class CountingSource:
    """A spelling source that counts the calls a cluster would make a round trip each."""

    def __init__(self, source: SpellingSource) -> None:
        self._source = source
        self.calls: Counter[str] = Counter()

    def __getattr__(self, method: str) -> Any:
        found = getattr(self._source, method)

        def counted(*args: Any) -> Any:
            self.calls[method] += 1
            return found(*args)

        return counted


def test_a_word_and_all_its_spellings_are_counted_in_one_call(tmp_path: Path) -> None:
    """However many spellings are judged, what articles hold each beside the word typed is asked
    once (a round trip to every shard on a cluster), and the dictionary's verdicts are unchanged."""
    spelled = ["أيديولوجيا", "أيدلوجيا", "أديولوجيا", "ايديلوجيا", "أيدولوجيا"]
    records = [{"id": f"{i}-{n}", "text": f"عن {word} اليوم"} for i, word in enumerate(spelled) for n in range(3)]
    with Index.create(tmp_path / "ix") as index:
        index.add([*records, {"id": "both", "text": "أيدولوجيا أو أيدلوجيا"}], fit_topics="off")
        snapshot = index.snapshot()
        source = CountingSource(snapshot.spelling_source())
        judged = SpellingJudge(source).judged(normalize_word("أيدولوجيا"))
    assert len([j for j in judged if j.accepted]) == 4
    assert {j.together for j in judged} == {0, 1}  # the article holding two spellings is counted
    assert source.calls["counts"] == 1


@pytest.mark.parametrize("typed", ["المدرسة", "والمدارس", "وقال", "مدرسة"])
def test_a_native_word_is_answered_without_counting_its_articles(tmp_path: Path, typed: str) -> None:
    """A word the dictionary's table knows as native, as it is and without each proclitic it may
    carry, has nothing merged with it, whatever the index holds: the judge reads nothing."""
    with Index.create(tmp_path / "ix") as index:
        index.add([{"id": "a", "text": "المدرسة والمدارس وقال مدرسة"}], fit_topics="off")
        source = CountingSource(index.snapshot().spelling_source())
        judge = SpellingJudge(source)
        form = normalize_word(typed)
        assert judge.of(form, form) == [] and judge.answer(form) == ()
    assert sum(source.calls.values()) == 0


def test_a_name_after_a_proclitic_is_still_counted_and_judged(tmp_path: Path) -> None:
    records = [{"id": f"{word}-{n}", "text": f"قال {word} اليوم"} for word in ("ترامب", "ترمب") for n in range(3)]
    with Index.create(tmp_path / "ix") as index:
        index.add([*records, {"id": "w", "text": "وترامب"}], fit_topics="off")
        source = CountingSource(index.snapshot().spelling_source())
        answer = SpellingJudge(source).answer(normalize_word("وترامب"))
    assert source.calls["articles"] >= 1 and answer  # ترامب counted, then judged: ترمب merged


# --- twin keys (a final س or ز) and spellings read as a proclitic before a native word -----------


@pytest.mark.parametrize(
    ("first", "second", "close"),
    [
        ("باريس", "باريز", True),  # a final "s" written س or ز: twin keys
        ("سواريز", "سواريس", True),
        ("ويلز", "ويلس", True),
        ("تونس", "تيونز", False),  # twin keys, and a vowel more: two words
        ("عنيزة", "عنوس", False),
        ("زيارة", "سيارة", False),  # ز/س inside a word: other keys, never judged together
        ("ترامب", "ترمب", True),
        ("توغو", "طوكيو", False),
    ],
)
def test_spellings_close_enough_to_judge(first: str, second: str, close: bool) -> None:
    first, second = normalize_word(first), normalize_word(second)
    judged_together = set(spelling_prefixes(first)) & set(spelling_prefixes(second))
    assert (bool(judged_together) and close_spellings(first, second)) is close
    assert close_spellings(second, first) is close_spellings(first, second)


def test_twin_keys_are_judged_as_one() -> None:
    assert spelling_prefixes("باريس") == ["برس_", "برز_"] and spelling_prefixes("باريز") == ["برز_", "برس_"]
    assert judged_key("برز") == judged_key("برس") == "برس" and judged_key("لندن") == "لندن"
    assert spelling_prefixes("لندن") == ["لندن_"] and spelling_prefixes("في") == []


def test_a_final_s_written_with_zay_is_found(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add(articles_per_word(["باريس", "باريز", "زيارة", "سيارة"], "وصل اليوم إلى {} مساء"), fit_topics="off")
        for typed, other in (("باريس", "باريز"), ("باريز", "باريس")):
            ids = {word_of(hit.id) for hit in index.search(typed, limit=20, collapse=False).hits}
            assert ids == {typed, other}
        assert {word_of(hit.id) for hit in index.search("زيارة", limit=20, collapse=False).hits} == {"زيارة"}


def test_a_spelling_read_as_a_proclitic_before_a_common_native_word_is_not_joined(tmp_path: Path) -> None:
    """كأمير shares الكاميرا's key, and its term is أمير: joined, a search for الكاميرا would find
    every article about a prince. A name whose term is cut the same way but hardly held by other
    articles is still joined."""
    records = articles_per_word(["الكاميرا", "كأمير"], "قال {} اليوم")
    records += [{"id": f"prince-{n}", "text": "استقبل الأمير الوفد"} for n in range(10)]
    with Index.create(tmp_path / "ix") as index:
        index.add(records, fit_topics="off")
        judged = {judgement.other: judgement for judgement in index.variants("الكاميرا").judged}
        assert not judged["كامير"].accepted
        assert judged["كامير"].reason.startswith("its index term is mostly a native word's (امير")
        ids = {word_of(hit.id) for hit in index.search("الكاميرا", limit=50, collapse=False).hits}
        assert ids == {"الكاميرا"}


def test_the_closest_spellings_are_judged_first(tmp_path: Path) -> None:
    """A common word's rare spelling one letter away is judged before commoner words two letters away,
    however many of those share its key (only ``MAX_JUDGED`` are judged)."""
    farther = ["قامرا", "غامرا", "جامرا", "قاميره", "غاميره", "جاميره", "كامره", "قامير", "غامير"]
    records = articles_per_word(farther, "قال {} اليوم", each=5) + articles_per_word(
        ["كاميرا", "كميرا"], "قال {} اليوم"
    )
    with Index.create(tmp_path / "ix") as index:
        index.add(records, fit_topics="off")
        judged = [judgement.other for judgement in index.variants("كاميرا").judged]
        assert judged[0] == "كميرا" and len(judged) == MAX_JUDGED
        assert "كميرا" in index.variants("كاميرا").searched


def test_words_of_twin_keys_read_their_spellings_once(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add(articles_per_word(["باريس", "باريز"], "وصل اليوم إلى {} مساء"), fit_topics="off")
        source = CountingSource(index.snapshot().spelling_source())
        judge = SpellingJudge(source)
        assert judge.spellings("باريس") == judge.spellings("باريز") and "باريز" in judge.spellings("باريس")
        assert source.calls["spelled_each"] == 1
