"""What a new user reads says one true thing: errors, notes on a search, import notes, help, counts.

Each case goes through the library, the CLI (click's runner) and, where it has one, the HTTP API.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from arsearch import Index
from arsearch.cli import main
from arsearch.errors import IndexNotFoundError
from arsearch.maintenance import check_index, repair_index
from arsearch.search.options import FilterError
from arsearch.web import create_app
from helpers import SAMPLE, SAMPLE_RECORDS


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def sample(sample_index_dir: Path) -> Iterator[Index]:
    with Index.open(sample_index_dir) as index:
        yield index


# --- errors that say one true thing -----------------------------------------------------------


def test_check_and_repair_of_a_missing_index_say_there_is_none_not_that_it_is_damaged(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(IndexNotFoundError, match="no index at"):
        check_index(missing)
    with pytest.raises(IndexNotFoundError, match="nothing to repair"):
        repair_index(missing)
    for command in ("check", "repair"):
        code, out, err = run(command, "--index", str(missing))
        assert code == 1 and err.startswith("error: no index at"), (command, err)
        assert "damaged" not in out + err and "Traceback" not in out + err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [((), "give an ARTICLE_ID, or a text with --text"), (("sample-01", "--text", "نص"), "not both")],
)
def test_related_says_what_is_missing_or_too_much(sample: Index, arguments: tuple[str, ...], message: str) -> None:
    code, _, err = run("related", *arguments, "--index", str(sample.path))
    assert code == 2 and message in err


def test_an_empty_standard_input_is_called_empty(tmp_path: Path) -> None:
    code, _, err = run("index", "-", "--index", str(tmp_path / "ix"), input=b"")
    assert code == 1 and "no input (standard input was empty)" in err


def test_variants_say_why_a_search_finds_other_words(sample: Index) -> None:
    found = sample.variants("المملكة")
    assert (found.articles, found.root, found.root_widens) == (2, "ملك", True)
    code, out, _ = run("variants", "المملكة", "--index", str(sample.path))
    assert code == 0
    assert "once the index has 200 articles" in out  # a small index has learned no spellings
    assert "المملكة (term مملك, in 2 articles): no other spelling is joined to it" in out
    assert "so a search for it alone also lets in the articles sharing its root ملك" in out


# --- notes on a search -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "note"),
    [
        ({"date_from": "2024-12-01", "date_to": "2024-01-01"}, "the date range is reversed"),
        ({"date_from": "05/06/2024"}, "read the date '05/06/2024' day first, as 5 June 2024"),
    ],
)
def test_a_search_notes_a_reversed_range_and_a_date_read_day_first(
    sample: Index, filters: dict[str, str], note: str
) -> None:
    assert any(note in warning for warning in sample.search("المملكة", filters=filters).warnings)
    flags = [f"--{'from' if key == 'date_from' else 'to'}={value}" for key, value in filters.items()]
    code, _, err = run("search", "المملكة", "--index", str(sample.path), *flags)
    assert code == 0 and f"note: {note}" in err
    params = {"from" if key == "date_from" else "to": value for key, value in filters.items()}
    with TestClient(create_app(sample.path)) as client:
        assert any(
            note in warning for warning in client.get("/search", params={"q": "المملكة", **params}).json()["warnings"]
        )


def test_a_query_date_range_written_backwards_is_noted(sample: Index) -> None:
    warnings = sample.search("المملكة date:2024-12-01..2024-01-01").warnings
    assert any("is reversed: no article can be in it" in warning for warning in warnings)


def test_a_page_past_the_last_one_says_so(sample: Index) -> None:
    results = sample.search("المملكة", page=5)
    assert results.total == 2 and not results.hits
    assert results.warnings == ["page 5 is past the last page of the 2 results: nothing to show on it"]
    code, out, err = run("search", "المملكة", "--index", str(sample.path), "--page", "5")
    assert code == 0 and "note: page 5 is past the last page" in err and "2 results" in out


def test_arabic_indic_digits_make_a_date_and_a_bad_date_names_its_option(sample: Index) -> None:
    assert (
        sample.search("المملكة", filters={"date_from": "٢٠٢٤-٠٦-٠١"}).total
        == sample.search("المملكة", filters={"date_from": "2024-06-01"}).total
    )
    code, _, err = run("search", "المملكة", "--index", str(sample.path), "--from", "nope")
    assert code == 2 and "Invalid value for --from: unparsable date 'nope'" in err and "date_from" not in err
    with TestClient(create_app(sample.path)) as client:
        answer = client.get("/search", params={"q": "المملكة", "from": "nope"})
        assert answer.status_code == 400
        assert answer.json()["error"]["message"].startswith("'from': unparsable date 'nope'")
    # a cluster's replica sends the error back pickled: it arrives whole
    with pytest.raises(FilterError) as raised:
        sample.search("المملكة", filters={"date_to": "nope"})
    copy = pickle.loads(pickle.dumps(raised.value))
    assert (copy.key, copy.reason, str(copy)) == (raised.value.key, raised.value.reason, str(raised.value))


# --- the import's notes and checks ------------------------------------------------------------


def test_a_field_map_names_article_fields_and_a_key_no_record_has_is_noted(tmp_path: Path) -> None:
    source = tmp_path / "feed.jsonl"
    source.write_bytes(orjson.dumps({"id": "1", "headline": "عنوان", "body": "نص الخبر"}) + b"\n")
    code, _, err = run("index", str(source), "--index", str(tmp_path / "a"), "--map", "title=headline,body=text")
    assert code == 2 and "'body' is not an article field" in err and "write the article's field first" in err
    with pytest.raises(ValueError, match="'body' is not an article field"):
        Index.create(tmp_path / "b").add([], field_map={"body": "text"})
    code, out, err = run("index", str(source), "--index", str(tmp_path / "c"), "--map", "title=headline,text=bodyy")
    assert code == 0 and out.startswith("added 1,")
    assert "note: field map text=bodyy: no record has the key 'bodyy', so no article has a text" in err
    with Index.create(tmp_path / "d") as index:
        report = index.add(
            [{"id": "1", "headline": "عنوان", "body": "نص"}], field_map={"title": "headline", "text": "body"}
        )
        assert report.warnings == []


# --- help, counts and facets that read right ---------------------------------------------------


def test_search_help_stands_alone() -> None:
    code, out, _ = run("search", "--help")
    assert code == 0 and "docs/search.md" not in out
    for example in ('"وزير الخارجية"', "+المملكة -مصر", "title:ميزانية", "date:", "root:درس", "اقتص*", "تطعيم~", "OR"):
        assert example in out, example


def test_counts_read_right_and_the_text_output_shows_facets(sample: Index) -> None:
    code, out, _ = run("search", "الإنفلونزا", "--index", str(sample.path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("1 result (")
    assert lines[1].startswith("by source: ") and lines[2].startswith("by category: ")
    code, out, _ = run("index", str(SAMPLE), "--index", str(sample.path))  # all there already: nothing written
    assert out.startswith("added 0, updated 0, unchanged 30, skipped 0 in ") and "docs/s" not in out


def test_info_says_what_a_small_index_has_not_learned_yet(sample: Index) -> None:
    code, out, _ = run("info", "--index", str(sample.path))
    assert code == 0
    assert "none yet: a small index (fewer than 200 articles) has no topic model" in out
    assert "spelling variants  none yet: they are learned with the topic model" in out
    assert len(SAMPLE_RECORDS) < 200
    # facts read as words, not as Python values
    assert "protected words    none" in out and "topics fitting     no" in out
    assert "[]" not in out and "False" not in out and "None" not in out
