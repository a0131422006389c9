"""Synonyms applied at query time, and protected words (never stemmed), on real indexes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from arsearch import Index
from arsearch.analysis import get_analyzer
from arsearch.analysis.synonyms import merged_groups, without
from arsearch.cli import main
from arsearch.errors import SynonymError
from helpers import SYNONYM_ARTICLES, ranked

GROUPS = [["أمريكا", "الولايات المتحدة"], ["الأمم المتحدة", "المنظمة الدولية"]]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    with Index.create(tmp_path_factory.mktemp("synonyms") / "ix") as index:
        index.add(SYNONYM_ARTICLES)
        for group in GROUPS:
            index.synonyms.add(group)
        yield index


@pytest.mark.parametrize(
    ("query", "typed", "through_synonyms"),
    [
        # the words typed first, then the synonym's matches (a phrase as a phrase: not "apart")
        ("أمريكا", {"typed"}, {"phrase", "clitic"}),
        ("لأمريكا", {"typed"}, {"phrase", "clitic"}),
        # a quoted phrase is exact word forms (بالولايات is not الولايات); its synonym is not
        ('"الولايات المتحدة"', {"phrase"}, {"typed"}),
        ("+أمريكا", {"typed"}, {"phrase", "clitic"}),
        ("المنظمة الدولية", {"un"}, {"un-typed"}),
        ('"الأمم المتحدة"', {"un-typed"}, {"un"}),
        # a negated word excludes its synonyms too
        ("جولة -أمريكا", set(), set()),
        ("رسمية -الولايات", {"typed"}, set()),
        # a field applies to the synonyms as well
        ("title:أمريكا", {"typed"}, set()),
    ],
)
def test_synonyms_match_and_rank_below_the_words_typed(
    index: Index, query: str, typed: set[str], through_synonyms: set[str]
) -> None:
    found = ranked(index, query)
    assert set(found[: len(typed)]) == typed
    assert set(found[len(typed) :]) == through_synonyms


def test_unquoted_phrase_words_keep_their_own_matches_and_add_the_synonym(index: Index) -> None:
    found = ranked(index, "الولايات المتحدة")
    assert set(found) == {"apart", "phrase", "clitic", "un-typed", "typed"}  # either word, or the synonym
    assert found[-1] == "typed"  # the synonym's match ranks below every match of the words typed


def test_synonym_matches_are_highlighted(index: Index) -> None:
    hits = {hit.id: hit for hit in index.search("أمريكا", collapse=False).hits}
    assert "[الولايات] [المتحدة]" in hits["phrase"].snippet
    assert "[بالولايات] [المتحدة]" in hits["clitic"].snippet
    assert hits["typed"].title_highlighted is not None and "[أمريكا]" in hits["typed"].title_highlighted.text


def test_a_rarer_synonym_still_ranks_below_the_word_typed(tmp_path: Path) -> None:
    # "common" is in many articles (low idf), its synonym "rare" in one: unevened, the rare one would win
    articles = [{"id": f"filler{n}", "text": f"تقرير عن السياحة رقم {n}"} for n in range(30)]
    articles += [{"id": "typed", "text": "تقرير عن السياحة في المصايف"}, {"id": "synonym", "text": "خبر عن المصطافين"}]
    with Index.create(tmp_path / "ix") as index:
        index.add(articles)
        index.synonyms.add(["السياحة", "المصطافين"])
        found = ranked(index, "السياحة")
    assert found.index("synonym") > found.index("typed")
    assert found[0] == "typed" or found.index("typed") < found.index("synonym")


def test_groups_merge_and_members_come_out(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        assert index.synonyms.add(["أمريكا", "الولايات المتحدة"]) == ["أمريكا", "الولايات المتحدة"]
        # sharing a member (spelled differently: امريكا is أمريكا to a search) merges the groups
        assert index.synonyms.add(["امريكا", "واشنطن"]) == ["أمريكا", "الولايات المتحدة", "واشنطن"]
        index.synonyms.add(["غوغل", "جوجل"])
        assert index.synonyms.list() == [["أمريكا", "الولايات المتحدة", "واشنطن"], ["غوغل", "جوجل"]]
        assert index.synonyms.remove(["واشنطن"]) == 1
        assert index.synonyms.remove(["جوجل"]) == 2  # the group left with one member goes too
        assert index.synonyms.list() == [["أمريكا", "الولايات المتحدة"]]
        assert index.synonyms.remove(["الولايات المتحدة"], whole_group=True) == 2
        assert index.synonyms.list() == []


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (["في", "أمريكا"], "'في' has only stop words"),
        (["أمريكا"], "at least two different"),
        (["أمريكا", "امريكا", "أمريكا"], "are one word to a search"),
        (["", "أمريكا"], "an empty synonym"),
        (["أمريكا", "كلمة " * 30], "longer than 100 characters"),
    ],
)
def test_bad_groups_are_refused_with_the_reason(tmp_path: Path, members: list[str], message: str) -> None:
    with Index.create(tmp_path / "ix") as index:
        with pytest.raises(SynonymError, match=message):
            index.synonyms.add(members)
        with pytest.raises(SynonymError, match="'مصر' is in no synonym group"):
            index.synonyms.remove(["مصر"])
        assert index.synonyms.list() == []


ARABIC_WORDS = st.sampled_from(["أمريكا", "واشنطن", "الولايات المتحدة", "جوجل", "غوغل", "قوقل", "ترامب", "ترمب"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(ARABIC_WORDS, min_size=2, max_size=4, unique=True), max_size=6))
def test_groups_stay_disjoint_whatever_is_added(additions: list[list[str]]) -> None:
    analyzer = get_analyzer()
    groups: list[list[str]] = []
    for members in additions:
        groups, group = merged_groups(groups, members, analyzer)
        assert set(members) <= set(group)
    everyone = [member for group in groups for member in group]
    assert len(everyone) == len(set(everyone))  # a member is in one group only
    assert all(len(group) >= 2 for group in groups)
    for group in list(groups):
        groups, removed = without(groups, [group[0]], analyzer, whole_group=True)
        assert removed == len(group)
    assert groups == []


def test_the_synonyms_command(tmp_path: Path) -> None:
    runner = CliRunner()
    index = ["--index", str(tmp_path / "ix")]
    Index.create(tmp_path / "ix").close()
    added = runner.invoke(main, ["synonyms", "add", "أمريكا", "الولايات المتحدة", *index])
    assert (added.exit_code, added.output) == (0, "أمريكا = الولايات المتحدة\n")
    listed = runner.invoke(main, ["synonyms", "list", "--json", *index])
    assert orjson.loads(listed.output) == [["أمريكا", "الولايات المتحدة"]]
    refused = runner.invoke(main, ["synonyms", "add", "في", "من", *index])
    assert refused.exit_code == 1
    assert "'في' has only stop words" in refused.output
    assert "Traceback" not in refused.output
    removed = runner.invoke(main, ["synonyms", "remove", "أمريكا", "--group", *index])
    assert (removed.exit_code, removed.output) == (0, "removed 2 members\n")
    assert runner.invoke(main, ["synonyms", "list", *index]).output == ""


# --- protected words ----------------------------------------------------------


@pytest.mark.parametrize(
    ("surface", "protected_term", "stemmed_term"),
    [
        # names the stemmer cuts, unprotected (ان, ون read as endings; و as a conjunction)
        ("سلمان", "سلمان", "سلم"),
        ("وماكرون", "ماكرون", "وماكر"),
        ("لماكرون", "ماكرون", None),
        ("وكورونا", "كورونا", "ورونا"),
        ("للتويتر", "التويتر", None),  # ل + التويتر
    ],
)
def test_protected_words_keep_their_letters_and_lose_their_proclitics(
    tmp_path: Path, surface: str, protected_term: str, stemmed_term: str | None
) -> None:
    with Index.create(tmp_path / "ix", protected=["سلمان", "ماكرون", "كورونا", "التويتر"]) as index:
        (token,) = index.store.analyzer.tokens(surface)
        assert token.stem == protected_term
        index.add([{"id": "1", "text": f"أعلنت {surface} نتائجها"}])
        assert [hit.id for hit in index.search(protected_term).hits] == ["1"]
    if stemmed_term is not None:
        assert [token.stem for token in get_analyzer().tokens(surface)] == [stemmed_term]


def test_protected_words_are_fixed_at_creation(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix", protected=["ماكرون", "ماكرون", "سلمان"]) as index:
        assert index.protected_words == ["سلمان", "ماكرون"]
        assert index.info().protected_words == ["سلمان", "ماكرون"]
    with Index.open(tmp_path / "ix") as index:
        (token,) = index.store.analyzer.tokens("وماكرون")
        assert token.stem == "ماكرون"
    result = CliRunner().invoke(
        main, ["index", str(tmp_path / "missing.jsonl"), "--index", str(tmp_path / "ix"), "--protect", "نيوم"]
    )
    assert result.exit_code == 1
    assert "created with protected words ['سلمان', 'ماكرون']" in result.output
    with pytest.raises(ValueError, match="'الولايات المتحدة' is not one word"):
        Index.create(tmp_path / "other", protected=["الولايات المتحدة"])


def test_a_protected_word_is_its_own_root(tmp_path: Path) -> None:
    """سلمان unprotected has the root سلم (سلام, سلامة); protected, a search for it never widens to them."""
    articles = [
        {"id": "name", "text": "استقبل الملك سلمان الوفد"},
        {"id": "peace", "text": "دعوة إلى السلام والسلامة في المنطقة"},
        {"id": "other", "text": "أخبار الطقس اليوم"},
    ]
    with Index.create(tmp_path / "plain") as plain, Index.create(tmp_path / "kept", protected=["سلمان"]) as kept:
        plain.add(articles)
        kept.add(articles)
        assert {hit.id for hit in plain.search("سلمان").hits} == {"name", "peace"}  # widened to the root سلم
        assert [hit.id for hit in kept.search("سلمان").hits] == ["name"]
        assert [hit.id for hit in kept.search("root:سلمان").hits] == ["name"]
        assert kept.store.analyzer.root("سلمان") == "سلمان"
