"""The HTTP API (arsearch.web) through Starlette's test client, on a real index of the sample."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from arsearch import Index
from arsearch.analysis import dictionary
from arsearch.cli import main
from arsearch.derived.variants import VARIANTS_FILE, VariantTable, Verdict
from arsearch.records.ingest import read_records
from arsearch.web import create_app
from arsearch.web.limits import MAX_API_LIMIT, MAX_API_PAGE
from arsearch.web.openapi import OPENAPI
from helpers import SAMPLE, SAMPLE_RECORDS

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def client(sample_index_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(sample_index_dir)) as test_client:
        yield test_client


def error_of(response: object) -> str:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and body["error"]["status"] == response.status_code  # type: ignore[attr-defined]
    return str(body["error"]["message"])


def test_search_answers_json_with_hits_snippets_and_facets(client: TestClient) -> None:
    response = client.get("/search", params={"q": "زيارة وزير الخارجية للمملكة", "limit": 3})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["total"] >= 1 and len(body["hits"]) <= 3 and body["page"] == 1
    top = body["hits"][0]
    assert top["id"] == "sample-05"
    assert "<mark>" in top["title_highlighted"]["html"] and top["snippets"]
    assert body["facets"]["source"]


def test_search_filters_sort_and_pages(client: TestClient) -> None:
    everything = client.get("/search", params={"q": "المملكة", "limit": 50}).json()
    one_source = next(iter(everything["facets"]["source"]))
    filtered = client.get("/search", params={"q": "المملكة", "source": one_source, "limit": 50}).json()
    assert filtered["total"] == everything["facets"]["source"][one_source]
    assert {hit["source"] for hit in filtered["hits"]} == {one_source}
    dated = client.get("/search", params={"q": "المملكة", "from": "2024-06-01", "sort": "oldest"}).json()
    dates = [hit["date"] for hit in dated["hits"]]
    assert dates == sorted(dates) and all(date >= "2024-06-01" for date in dates)
    first = client.get("/search", params={"q": "المملكة", "limit": 2, "page": 1}).json()["hits"]
    second = client.get("/search", params={"q": "المملكة", "limit": 2, "page": 2}).json()["hits"]
    assert {hit["id"] for hit in first}.isdisjoint(hit["id"] for hit in second)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x", "limit": str(MAX_API_LIMIT + 1)}, "'limit' must be between 1 and"),
        ({"q": "x", "limit": "ten"}, "'limit' must be a whole number"),
        ({"q": "x", "page": str(MAX_API_PAGE + 1)}, "'page' must be between 1 and"),
        ({"q": "x" * 1001}, "'q' is longer than 1000 characters"),
        ({"q": "x", "sort": "random"}, "'sort' must be one of relevance, newest, oldest"),
        ({"q": "x", "from": "not a date"}, "date"),
        ({"q": "x", "collapse": "maybe"}, "'collapse' must be true or false"),
        ({"q": "x", "variants": "perhaps"}, "'variants' must be true or false"),
    ],
)
def test_bad_parameters_are_400_with_a_reason(client: TestClient, params: dict[str, str], message: str) -> None:
    response = client.get("/search", params=params)
    assert response.status_code == 400
    assert message in error_of(response)


def test_copies_fold_unless_collapse_is_false(tmp_path: Path) -> None:
    wire = " ".join(f"كلمة{n} خبر التطعيم الوطني" for n in range(30))
    with Index.create(tmp_path / "ix") as index:
        index.add([{"id": n, "title": f"التطعيم {n}", "text": f"{n}: {wire}", "source": n} for n in ("a", "b", "c")])
    with TestClient(create_app(tmp_path / "ix")) as client:
        folded = client.get("/search", params={"q": "التطعيم"}).json()
        listed = client.get("/search", params={"q": "التطعيم", "collapse": "false"}).json()
    assert folded["total"] == listed["total"] == 3
    assert len(folded["hits"]) == 1 and len(folded["hits"][0]["copies"]) == 2
    assert {copy["source"] for copy in folded["hits"][0]["copies"]} | {folded["hits"][0]["id"]} == {"a", "b", "c"}
    assert len(listed["hits"]) == 3 and all(hit["copies"] == [] for hit in listed["hits"])


def test_other_spellings_are_found_unless_variants_is_false(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        # enough articles with the spelling typed that the search is not widened to its root
        index.add([{"id": str(n), "text": f"زار {'ترامب' if n < 3 else 'ترمب'} المدينة"} for n in range(5)])
    VariantTable([Verdict("ترامب", "ترمب", 0.9, 0.0)]).save(tmp_path / "ix" / VARIANTS_FILE)
    with TestClient(create_app(tmp_path / "ix")) as client:
        both = client.get("/search", params={"q": "ترامب", "collapse": "false"}).json()
        typed = client.get("/search", params={"q": "ترامب", "variants": "false"}).json()
    assert (both["total"], typed["total"]) == (5, 3)
    assert "[ترمب]" in both["hits"][-1]["snippets"][0]["text"]


def test_article_related_duplicates_and_unknown_ids(client: TestClient) -> None:
    article = client.get("/articles/sample-05")
    assert article.status_code == 200 and article.json()["source"] == "الوطن"
    related = client.get("/articles/sample-05/related", params={"limit": 3})
    assert related.status_code == 200
    assert 0 < len(related.json()) <= 3 and "sample-05" not in {item["id"] for item in related.json()}
    assert client.get("/articles/sample-05/duplicates").json() == []
    for path in ("/articles/nope", "/articles/nope/related", "/articles/nope/duplicates"):
        response = client.get(path)
        assert response.status_code == 404 and error_of(response) == "no article with id 'nope'"


def test_suggest_health_openapi_and_unknown_paths(client: TestClient) -> None:
    suggestions = client.get("/suggest", params={"q": "وزا"}).json()
    assert suggestions[0] == {"text": "وزارة", "doc_count": 4, "form": "وزاره"}
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["articles"] == 30
    assert client.get("/openapi.json").json()["paths"].keys() == OPENAPI["paths"].keys()
    missing = client.get("/nothing-here")
    assert missing.status_code == 404 and "no such endpoint" in error_of(missing)
    assert client.put("/search").status_code == 405


def test_writes_are_refused_without_a_token(client: TestClient) -> None:
    added = client.post("/articles", json={"id": "new", "text": "خبر جديد"})
    assert added.status_code == 403 and "read-only" in error_of(added)
    deleted = client.delete("/articles/sample-01")
    assert deleted.status_code == 403
    assert client.get("/articles/sample-01").status_code == 200


def test_writes_with_the_token(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add(read_records([str(SAMPLE)]))
    with TestClient(create_app(tmp_path / "ix", write_token=TOKEN)) as client:
        article = {"id": "web-1", "title": "خبر من الواجهة", "text": "نص خبر أضيف عبر الواجهة البرمجية"}
        assert client.post("/articles", json=article).status_code == 401
        wrong = client.post("/articles", json=article, headers={"Authorization": "Bearer wrong"})
        assert wrong.status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        created = client.post("/articles", json=[article], headers=auth)
        assert created.status_code == 201 and created.json()["added"] == 1
        assert client.get("/search", params={"q": "الواجهة البرمجية"}).json()["hits"][0]["id"] == "web-1"
        # sent again with one change: counted apart, and replaced only with update=1
        edited = {**SAMPLE_RECORDS[0], "title": "خبر معدل من الواجهة"}
        again = client.post("/articles", json=[article, edited], headers=auth).json()
        assert again == {"added": 0, "updated": 0, "unchanged": 1, "kept": 1}
        again = client.post("/articles", params={"update": "1"}, json=[article, edited], headers=auth).json()
        assert again == {"added": 0, "updated": 1, "unchanged": 1, "kept": 0}
        assert client.get(f"/articles/{edited['id']}").json()["title"] == "خبر معدل من الواجهة"
        bad = client.post("/articles", json={"title": "بلا معرف"}, headers=auth)
        assert bad.status_code == 400 and "id" in error_of(bad)
        not_json = client.post("/articles", content=b"{nope", headers=auth)
        assert not_json.status_code == 400 and "not JSON" in error_of(not_json)
        huge = client.post("/articles", content=b"[" + b" " * (10 * 1024 * 1024) + b"]", headers=auth)
        assert huge.status_code == 413 and "larger than 10 MB" in error_of(huge)
        assert client.delete("/articles/web-1", headers=auth).status_code == 204
        assert client.get("/articles/web-1").status_code == 404
        assert client.delete("/articles/web-1", headers=auth).status_code == 404


def test_a_post_with_a_bad_record_writes_nothing_and_names_every_bad_one(tmp_path: Path) -> None:
    Index.create(tmp_path / "ix").close()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    batch = [
        {"id": "ok-1", "title": "خبر سليم", "text": "نص الخبر الأول"},
        {"id": "no-text"},
        {"id": "ok-2", "title": "خبر آخر", "text": "نص الخبر الثاني"},
        {"id": "ok-1", "title": "تكرار", "text": "المعرف نفسه مرة أخرى"},
        {"title": "بلا معرف", "text": "نص"},
    ]
    with TestClient(create_app(tmp_path / "ix", write_token=TOKEN)) as client:
        rejected = client.post("/articles", json=batch, headers=auth)
        assert rejected.status_code == 400
        error = rejected.json()["error"]
        assert error["message"].startswith("3 bad records, nothing was written: item 2: no text")
        assert error["bad_records"] == 3
        assert [problem["item"] for problem in error["problems"]] == [2, 4, 5]
        assert "duplicate id 'ok-1' (first seen at item 1)" in error["problems"][1]["reason"]
        assert client.get("/health").json()["articles"] == 0  # not even ok-1
        # resent without the bad records: written, in one commit
        fixed = client.post("/articles", json=[batch[0], batch[2]], headers=auth)
        assert (fixed.status_code, fixed.json()) == (201, {"added": 2, "updated": 0, "unchanged": 0, "kept": 0})
        assert client.post("/articles?update=maybe", json=batch[0], headers=auth).status_code == 400


def test_partial_posts_write_the_good_records_and_report_each_item(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        index.add([{"id": "old", "title": "قديم", "text": "خبر موجود من قبل"}])
    auth = {"Authorization": f"Bearer {TOKEN}"}
    batch = [
        {"id": "new", "title": "جديد", "text": "خبر جديد"},
        {"id": "broken", "title": ""},
        {"id": "old", "title": "قديم", "text": "نسخة أخرى"},
    ]
    with TestClient(create_app(tmp_path / "ix", write_token=TOKEN)) as client:
        answer = client.post("/articles", params={"partial": "1"}, json=batch, headers=auth)
        assert answer.status_code == 200
        body = answer.json()
        # "old" is indexed with other text: kept as it is, and said so (update=1 replaces it)
        assert (body["errors"], body["added"], body["kept"], body["skipped"]) == (True, 1, 1, 1)
        assert [item["status"] for item in body["items"]] == ["added", "skipped", "kept"]
        assert "no text" in body["items"][1]["reason"]
        updated = client.post("/articles?partial=1&update=1", json=batch[2:], headers=auth).json()
        assert (updated["errors"], updated["items"]) == (False, [{"item": 1, "status": "updated"}])
        assert client.get("/articles/old").json()["text"] == "نسخة أخرى"


def test_serve_refuses_a_missing_index_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no index at" in result.output and "Traceback" not in result.output


def test_the_app_mounts_inside_another_app(sample_index_dir: Path) -> None:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    host = Starlette(routes=[Mount("/news", create_app(sample_index_dir))])
    with TestClient(host) as client:
        assert client.get("/news/search", params={"q": "المملكة"}).json()["total"] > 0
        page = client.get("/news/")
        assert page.status_code == 200 and 'dir="rtl"' in page.text
        assert 'src="static/app.js"' in page.text  # relative: resolves under /news/
        assert client.get("/news/static/app.js").status_code == 200
        assert page.headers["x-content-type-options"] == "nosniff"


def test_the_dictionary_is_loaded_as_the_server_starts(sample_index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its lexicon takes ~0.6 s: loaded in the background as the app starts, not by a reader's search."""
    loaded = threading.Event()
    monkeypatch.setattr(dictionary, "load", loaded.set)
    app = create_app(sample_index_dir)
    assert not loaded.is_set()
    with TestClient(app) as started:
        assert loaded.wait(timeout=10)
        assert started.get("/health").status_code == 200
