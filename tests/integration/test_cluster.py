"""A cluster index on a real local Ray cluster: a head and two worker nodes, each its own raylet.

The cluster is started once for the module (Ray takes seconds to start) and
its last test takes the worker nodes away, so the tests run in file order.
Every node listens on loopback only.
"""

from __future__ import annotations

import os
import threading
import time
import urllib.request
from urllib.parse import quote

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # before Ray loads: every node on 127.0.0.1

from collections.abc import Iterator
from itertools import combinations, islice
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

ray = pytest.importorskip("ray", reason="the cluster tests need Ray: pip install -e '.[dev]'")
from ray.cluster_utils import Cluster  # noqa: E402

from arsearch import Index  # noqa: E402
from arsearch.cli import main  # noqa: E402
from arsearch.cluster import (  # noqa: E402
    ClusterIndex,
    build_cluster,
    open_or_create_cluster,
    repair_cluster,
    shard_of,
)
from arsearch.derived.topics import document_frequencies  # noqa: E402
from arsearch.errors import ArticleNotFoundError, ClusterError  # noqa: E402
from arsearch.records.ingest import read_records  # noqa: E402
from helpers import SAMPLE  # noqa: E402
from server_helpers import Server  # noqa: E402

TEST_ENGINES = ("tantivy",)  # a cluster's replicas are indexes like any other; once is enough for Ray's slow start

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("ray")]  # one local Ray cluster for the module

QUERIES = ["وزارة", "الوزير", "المنتخب", "معرض الكتاب", "النفط", "أمطار", "التعليم", "الرياض", "اقتصاد", "تطبيق"]


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[tuple[Any, list[Any]]]:
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    workers = [cluster.add_node(num_cpus=1) for _ in range(2)]
    cluster.wait_for_nodes()
    ray.init(address=cluster.address, log_to_driver=False)
    try:
        yield cluster, workers
    finally:
        ray.shutdown()
        cluster.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's 30 articles, each also under a second id (60), and two bad records at known lines."""
    records = [orjson.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    lines = [orjson.dumps(record).decode() for record in records]
    lines += [
        orjson.dumps(dict(record, id=record["id"] + "-b", title=record["title"] + " ثانية")).decode()
        for record in records
    ]
    lines.insert(10, '{"id": "broken", "title": ')
    lines.insert(20, orjson.dumps({"id": "no-text", "source": "الوطن"}).decode())
    path = tmp_path_factory.mktemp("corpus") / "news.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(ray_cluster: Any, corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cluster, _ = ray_cluster
    data_dir = tmp_path_factory.mktemp("data")
    index, report = build_cluster(
        [str(corpus)], address=cluster.address, name="news", data_dir=str(data_dir), shards=3, replicas=2
    )
    single = Index.create(tmp_path_factory.mktemp("single") / "index")
    single_report = single.add([orjson.loads(line) for line in corpus.read_text().splitlines() if _parses(line)])
    return {"index": index, "report": report, "single": single, "single_report": single_report, "data": data_dir}


def _parses(line: str) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


def test_build_reports_bad_records_by_line_and_counts_like_one_index(built: dict[str, Any], corpus: Path) -> None:
    report = built["report"]
    assert report.added == built["single_report"].added == 60
    locations = sorted(problem.location for problem in report.problems)
    assert locations == [f"{corpus}:11", f"{corpus}:21"]
    assert sum(report.skipped.values()) == 2
    assert [problem.reason[:12] for problem in report.problems] == [
        problem.reason[:12] for problem in built["single_report"].problems
    ] or len(built["single_report"].problems) == 1  # the single import never saw the malformed line


def test_replicas_are_plain_indexes_on_distinct_nodes(built: dict[str, Any]) -> None:
    index: ClusterIndex = built["index"]
    layout = index.layout
    assert all(len(set(nodes)) == layout.replicas for nodes in layout.nodes)
    per_shard = [0] * layout.shards
    for article_id in built["single"].ids():
        per_shard[shard_of(article_id, layout.shards)] += 1
    for shard in range(layout.shards):
        for replica in range(layout.replicas):
            with Index.open(layout.replica_path(shard, replica)) as replica_index:  # an ordinary index directory
                assert len(replica_index) == per_shard[shard]
                assert all(shard_of(i, layout.shards) == shard for i in replica_index.ids())
    info = index.info()
    assert info.doc_count == len(index) == 60 and not info.missing_shards
    assert len(info.replica_states) == 6 and all(state.index is not None for state in info.replica_states)


def test_get_finds_every_article_and_refuses_unknown_ids(built: dict[str, Any]) -> None:
    index: ClusterIndex = built["index"]
    for article_id in built["single"].ids():
        assert index.get(article_id) == built["single"].get(article_id)
    with pytest.raises(ArticleNotFoundError):
        index.get("no-such-id")
    assert "sample-01" in index and "no-such-id" not in index


@pytest.mark.parametrize("query", QUERIES)
def test_search_matches_one_index_totals_facets_and_hits(built: dict[str, Any], query: str) -> None:
    index: ClusterIndex = built["index"]
    single: Index = built["single"]
    for collapse in (False, True):
        ours = index.search(query, limit=100, collapse=collapse)
        theirs = single.search(query, limit=100, collapse=collapse)
        assert ours.total == theirs.total
        assert ours.facets == theirs.facets
        assert not ours.partial
        # the same stories, each head with its copies (which copy heads a story may differ: the scores
        # are each shard's own BM25)
        assert _stories(ours) == _stories(theirs)


@pytest.mark.parametrize("typed", [",.dv hgohv[dm", "Hsuhv hgkt'"])
def test_a_query_typed_on_the_other_layout_is_judged_on_every_shard(built: dict[str, Any], typed: str) -> None:
    index: ClusterIndex = built["index"]
    single: Index = built["single"]
    ours, theirs = index.search(typed, limit=100), single.search(typed, limit=100)
    assert ours.rewrite is not None and ours.rewrite == theirs.rewrite and ours.query == typed
    assert ours.total == theirs.total > 0 and _stories(ours) == _stories(theirs)
    as_typed = index.search(typed, rewrite=False)
    assert as_typed.rewrite is None and as_typed.total == single.search(typed, rewrite=False).total
    assert as_typed.suggestion == ours.rewrite.searched  # offered as did-you-mean when searched as typed
    # autocomplete reads the keys alike: what the words typed so far mean
    prefix = typed[: typed.index(" ") + 4]
    offered = [suggestion.text for suggestion in index.suggest(prefix, limit=100)]
    assert offered and sorted(offered) == sorted(suggestion.text for suggestion in single.suggest(prefix, limit=100))
    assert all(text.startswith(ours.rewrite.searched.split()[0]) for text in offered)
    assert index.replicas.any_shard("layout_reading", (typed,)) is not None  # read on a shard


@pytest.mark.parametrize("typed", ["Karate", "Riyadh"])
def test_a_name_in_latin_letters_is_found_as_the_shards_write_it(built: dict[str, Any], typed: str) -> None:
    index: ClusterIndex = built["index"]
    single: Index = built["single"]
    ours, theirs = index.search(typed, limit=100), single.search(typed, limit=100)
    assert ours.rewrite is not None and ours.rewrite.reason == "transliteration" and ours.rewrite == theirs.rewrite
    assert ours.total == theirs.total > 0 and _stories(ours) == _stories(theirs)


def _stories(results: Any) -> set[frozenset[str]]:
    return {frozenset([hit.id, *(copy.id for copy in hit.copies)]) for hit in results.hits}


def test_filters_sorting_and_pages_agree_with_one_index(built: dict[str, Any]) -> None:
    index: ClusterIndex = built["index"]
    single: Index = built["single"]
    filters = {"source": ["الوطن", "جريدة الصباح"], "date_from": "2024-01-01"}
    ours = index.search("الوزير OR وزارة OR التعليم", filters=filters, sort="newest", collapse=False, limit=100)
    theirs = single.search("الوزير OR وزارة OR التعليم", filters=filters, sort="newest", collapse=False, limit=100)
    assert ours.total == theirs.total > 0
    assert [hit.date for hit in ours.hits] == [hit.date for hit in theirs.hits]
    assert {hit.source for hit in ours.hits} <= {"الوطن", "جريدة الصباح"}
    pages = [index.search("وزارة OR الوزير", limit=3, page=page, collapse=False) for page in (1, 2, 3)]
    whole = index.search("وزارة OR الوزير", limit=9, collapse=False)
    assert [hit.id for page in pages for hit in page.hits] == [hit.id for hit in whole.hits]
    assert "[" in (whole.hits[0].title_highlighted.text if whole.hits[0].title_highlighted else "[")


@pytest.mark.parametrize("prefix", ["ال", "وز", "مع"])
def test_suggestions_sum_every_shard(built: dict[str, Any], prefix: str) -> None:
    ours = built["index"].suggest(prefix, limit=5)
    theirs = built["single"].suggest(prefix, limit=5)
    assert ours and [(s.text, s.doc_count) for s in ours] == [(s.text, s.doc_count) for s in theirs]


def test_bad_filter_is_the_callers_error_not_a_failover(built: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="date_from"):
        built["index"].search("وزارة", filters={"date_from": "not a date"})


def test_writes_reach_every_replica_of_the_shard(built: dict[str, Any]) -> None:
    index: ClusterIndex = built["index"]
    article = {"id": "fresh-1", "title": "افتتاح مكتبة رقمية جديدة", "text": "افتتحت المكتبة الرقمية أبوابها للقراء."}
    report = index.add([article, {"id": "bad"}])
    assert report.added == 1 and [p.location for p in report.problems] == ["item 2"]
    assert index.search("المكتبة الرقمية").hits[0].id == "fresh-1"
    shard = shard_of("fresh-1", index.layout.shards)
    for replica in range(index.layout.replicas):
        with Index.open(index.layout.replica_path(shard, replica)) as replica_index:
            assert "fresh-1" in replica_index
    index.update(dict(article, title="مكتبة رقمية للأطفال"))
    assert index.get("fresh-1").title == "مكتبة رقمية للأطفال"
    assert index.delete("fresh-1") is True and index.delete("fresh-1") is False
    assert "fresh-1" not in index and len(index) == 60


def test_rebuild_converges_and_a_different_layout_is_refused(
    built: dict[str, Any], ray_cluster: Any, corpus: Path
) -> None:
    cluster, _ = ray_cluster
    data = str(built["data"])
    index, report = build_cluster([str(corpus)], address=cluster.address, name="news", data_dir=data)
    assert report.added == 0 and report.unchanged == 60 and len(index) == 60
    with pytest.raises(ClusterError, match="exists with 3 shards, not 4"):
        build_cluster([str(corpus)], address=cluster.address, name="news", data_dir=data, shards=4)


def test_a_file_given_twice_reports_each_repeat_like_one_index(
    built: dict[str, Any], ray_cluster: Any, corpus: Path, tmp_path: Path
) -> None:
    cluster, _ = ray_cluster
    _, report = build_cluster(
        [str(corpus), str(corpus)], address=cluster.address, name="twice", data_dir=str(tmp_path), shards=2
    )
    with Index.create(tmp_path / "single") as single:
        expected = single.add(read_records([str(corpus), str(corpus)]))
    assert report.added == expected.added == 60
    assert report.skipped == expected.skipped and report.skipped["duplicate id"] == 60
    assert [str(p) for p in report.problems] == [str(p) for p in expected.problems]


def test_cli_cluster_commands(built: dict[str, Any], ray_cluster: Any) -> None:
    cluster, _ = ray_cluster
    runner = CliRunner()
    where = ["--address", cluster.address, "--name", "news"]
    result = runner.invoke(main, ["cluster", "search", "وزارة", *where, "--json"])
    assert result.exit_code == 0, result.output
    answer = orjson.loads(result.output)
    assert answer["total"] == built["single"].search("وزارة").total and answer["partial"] is False
    result = runner.invoke(main, ["cluster", "info", *where])
    assert result.exit_code == 0 and "60 articles in 3 shards x 2 replicas" in result.output
    result = runner.invoke(main, ["cluster", "info", "--address", cluster.address, "--name", "nothing"])
    assert result.exit_code != 0 and "no index named 'nothing'" in result.output


def test_an_address_nobody_listens_at_fails_at_once() -> None:
    import socket

    from arsearch.cluster.fanout import _check_reachable

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # bound, not listening: connections are refused
        with pytest.raises(ClusterError, match=f"cannot reach the Ray cluster at 127.0.0.1:{port}"):
            _check_reachable(f"127.0.0.1:{port}")
    with pytest.raises(ClusterError, match="HOST:PORT"):
        _check_reachable("no-port-here")


def test_the_http_api_serves_a_cluster_index(built: dict[str, Any], ray_cluster: Any) -> None:
    """``arsearch serve --cluster --name``: a real server process that joins the Ray cluster."""
    cluster, _ = ray_cluster
    single: Index = built["single"]
    server = Server(None, "--cluster", cluster.address, "--name", "news", "--write-token", "secret", start_within=90)
    try:
        assert server.get("/health")["articles"] == 60
        answer = server.get("/search?q=" + quote("وزارة") + "&limit=50&collapse=false")
        assert answer["total"] == single.search("وزارة").total and answer["partial"] is False
        expected = single.search("وزارة", limit=50, collapse=False)
        assert {hit["id"] for hit in answer["hits"]} == {hit.id for hit in expected.hits}
        some_id = answer["hits"][0]["id"]
        assert server.get(f"/articles/{quote(some_id)}")["id"] == some_id
        related = server.get(f"/articles/{quote(some_id)}/related")
        assert related == [
            item.as_dict() | {"date": item.date and item.date.isoformat()} for item in built["index"].related(some_id)
        ]
        assert server.get("/suggest?q=" + quote("وز"))[0]["doc_count"] == single.suggest("وز")[0].doc_count
        fresh = {"id": "web-1", "title": "افتتاح حديقة عامة", "text": "افتتحت البلدية حديقة عامة جديدة."}
        status, body = server.post("/articles", [fresh, {"id": "web-2"}], "secret")  # all or nothing
        assert status == 400 and body["error"]["bad_records"] == 1 and "web-1" not in built["index"]
        status, body = server.post("/articles?partial=true", [fresh, {"id": "web-2"}, fresh], "secret")
        assert status == 200 and [item["status"] for item in body["items"]] == ["added", "skipped", "skipped"]
        assert server.get("/search?q=" + quote("حديقة عامة"))["hits"][0]["id"] == "web-1"
        request = urllib.request.Request(server.url("/articles/web-1"), method="DELETE")
        request.add_header("Authorization", "Bearer secret")
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 204
        assert "web-1" not in built["index"] and len(built["index"]) == 60
    finally:
        server.stop()


def test_a_replica_that_missed_writes_catches_up_before_it_answers(built: dict[str, Any], ray_cluster: Any) -> None:
    cluster, _ = ray_cluster
    index: ClusterIndex = built["index"]
    late = {"id": "late-1", "title": "مهرجان الزهور في الطائف", "text": "انطلق مهرجان الزهور في الطائف بمشاركة واسعة."}
    shard = shard_of("late-1", index.layout.shards)

    def replica(number: int) -> Any:
        return ray.get_actor(f"news/shard-{shard:04d}/replica-{number}", namespace="arsearch")

    ray.kill(replica(1), no_restart=True)  # down for good while the article is written
    assert index.add([late]).added == 1 and "late-1" in index  # acknowledged by the live replica
    with Index.open(index.layout.replica_path(shard, 1)) as stale:
        assert "late-1" not in stale
    # the replica is started again over its old directory (as a re-run of 'cluster build' does)
    open_or_create_cluster(cluster.address, "news", data_dir=str(built["data"]))
    assert ray.get(replica(1).get.remote("late-1")) is not None  # it copied replica 0 before answering
    assert ray.get(replica(1).writes.remote()) == ray.get(replica(0).writes.remote())
    with Index.open(index.layout.replica_path(shard, 1)) as caught_up:
        assert "late-1" in caught_up and len(caught_up) == len(Index.open(index.layout.replica_path(shard, 0)))
    states = {state.replica: state for state in index.info().replica_states if state.shard == shard}
    assert states[0].writes == states[1].writes and not states[1].behind and states[1].index is not None
    ray.kill(replica(0), no_restart=True)  # now only the replica that caught up serves the shard
    fresh = ClusterIndex.connect(cluster.address, "news")
    assert fresh.get("late-1").title == late["title"] and fresh.search("مهرجان الزهور").hits[0].id == "late-1"
    open_or_create_cluster(cluster.address, "news", data_dir=str(built["data"]))  # replica 0 back, caught up
    assert index.delete("late-1") is True and len(index) == 60
    # the old handle of replica 0 missed the deletion: the new replica 0 catches up at its first call
    assert ray.get(replica(0).get.remote("late-1")) is None
    sizes = set()
    for number in (0, 1):
        with Index.open(index.layout.replica_path(shard, number)) as copy:
            assert "late-1" not in copy
            sizes.add(len(copy))
    assert len(sizes) == 1 and ray.get(replica(1).writes.remote()) == ray.get(replica(0).writes.remote())


# --- one topic model, one variant table, related articles across shards -----------

ARCHIVE_ARTICLES = 1000  # enough for a topic model and a dozen spelling variants


@pytest.fixture(scope="module")
def archive(ray_cluster: Any, shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The first 2,100 SaudiNewsNet articles: a cluster of 3 shards and one index built from the
    first 1,000, the rest kept to grow them."""
    cluster, _ = ray_cluster
    corpus_path = shared_dir / "corpora" / "saudinewsnet.jsonl.gz"
    records = list(islice(read_records([str(corpus_path)]), 2 * ARCHIVE_ARTICLES + 100))  # a few lack text
    first = tmp_path_factory.mktemp("archive") / "first.jsonl"
    first.write_bytes(b"".join(orjson.dumps(record.data) + b"\n" for record in records[:ARCHIVE_ARTICLES]))
    index, report = build_cluster(
        [str(first)], address=cluster.address, name="archive", data_dir=str(first.parent / "data"), shards=3
    )
    single = Index.create(first.parent / "single")
    single.add((record.data for record in records[:ARCHIVE_ARTICLES]), fit_topics="now")
    return {"index": index, "report": report, "single": single, "rest": [r.data for r in records[ARCHIVE_ARTICLES:]]}


def _replica_snapshots(index: ClusterIndex) -> list[Any]:
    return [
        Index.open(index.layout.replica_path(shard, replica)).snapshot()
        for shard in range(index.layout.shards)
        for replica in range(index.layout.replicas)
    ]


def test_every_shard_has_the_model_and_variants_one_index_would_fit(archive: dict[str, Any]) -> None:
    index: ClusterIndex = archive["index"]
    single: Index = archive["single"]
    fitted = index.topics.info()
    assert fitted is not None and archive["report"].topics == fitted and fitted.articles == len(index) == len(single)
    expected = single.snapshot().variants()
    assert expected is not None and len(expected) >= 5
    for snapshot in _replica_snapshots(index):  # a shard's own fit (a third of the articles) finds other pairs
        assert snapshot.topic_model().info == fitted
        assert snapshot.variants().pairs == expected.pairs
    # the same topic space: articles are as close under the cluster's model as under the index's
    ours, theirs = _replica_snapshots(index)[0].topic_model(), single.topics.model()
    snapshot = single.snapshot()
    bags = [document_frequencies(snapshot.analyzer, snapshot.document(a.id)) for a in _sampled(single, 6)]
    for a, b in combinations(bags, 2):
        expected_cosine = float(theirs.vector(a) @ theirs.vector(b))
        assert float(ours.vector(a) @ ours.vector(b)) == pytest.approx(expected_cosine, abs=0.01)


def test_totals_match_one_index_with_spelling_variants_joined(archive: dict[str, Any]) -> None:
    index: ClusterIndex = archive["index"]
    single: Index = archive["single"]
    pairs = single.snapshot().variants().pairs
    queries = [word for pair in pairs for word in pair] + [r.title for r in _sampled(single, 30)]
    for query in queries:
        assert index.search(query).total == single.search(query).total, query
    joined = single.search(pairs[0][0]).total
    assert joined > single.search(pairs[0][0], variants=False).total  # the query above did join spellings


def test_scores_use_every_shards_statistics(archive: dict[str, Any]) -> None:
    """Top 10s as one index's: each term weighed by its rarity over all shards, not in its own."""
    index: ClusterIndex = archive["index"]
    single: Index = archive["single"]
    own_statistics = ClusterIndex(index.layout, global_statistics=False)
    queries = [article.title for article in _sampled(single, 40)]

    def overlap(cluster_index: ClusterIndex) -> float:
        shared = 0.0
        for query in queries:
            expected = {hit.id for hit in single.search(query, collapse=False).hits}
            found = {hit.id for hit in cluster_index.search(query, collapse=False).hits}
            shared += len(found & expected) / max(1, len(expected))
        return shared / len(queries)

    together, apart = overlap(index), overlap(own_statistics)
    assert together >= 0.97 and together > apart, (together, apart)


def _sampled(single: Index, count: int) -> list[Any]:
    snapshot = single.snapshot()
    return [single.get(article_id) for article_id in sorted(snapshot.ids())[:: max(1, len(single) // count)]]


def test_related_and_duplicates_span_every_shard(archive: dict[str, Any]) -> None:
    index: ClusterIndex = archive["index"]
    single: Index = archive["single"]
    overlaps, shards_seen = [], set()
    for article in _sampled(single, 40):
        ours = index.related(article.id, limit=5)
        theirs = [item.id for item in single.related(article.id, limit=5)]
        assert article.id not in {item.id for item in ours} and all(item.id in single for item in ours)
        overlaps.append(len({item.id for item in ours} & set(theirs)) / max(1, len(theirs)))
        shards_seen.update(shard_of(item.id, index.layout.shards) for item in ours)
        assert index.duplicates(article.id) == single.duplicates(article.id)
    assert sum(overlaps) / len(overlaps) >= 0.9 and shards_seen == {0, 1, 2}
    copies = next(a.id for a in _sampled(single, 1000) if single.duplicates(a.id))  # a story printed twice
    assert index.duplicates(copies) == single.duplicates(copies) != []
    text = _sampled(single, 5)[2].text
    assert {i.id for i in index.related_to_text(text)} & {i.id for i in single.related_to_text(text)}
    with pytest.raises(ArticleNotFoundError):
        index.related("no-such-article")


def test_growth_refits_one_model_for_every_shard(archive: dict[str, Any]) -> None:
    index: ClusterIndex = archive["index"]
    report = index.add(archive["rest"])  # the index doubles: the import ends by refitting
    assert report.topics is not None and report.topics.articles == len(index) > ARCHIVE_ARTICLES
    assert {snapshot.topic_model().info for snapshot in _replica_snapshots(index)} == {report.topics}


def test_losing_nodes_loses_no_query_then_answers_partially_and_repair_restores_it(
    built: dict[str, Any], ray_cluster: Any
) -> None:
    """Runs last: it takes the worker nodes away (then adds one and repairs the index onto it)."""
    cluster, workers = ray_cluster
    index: ClusterIndex = built["index"]
    expected = {query: built["single"].search(query, limit=100, collapse=False) for query in QUERIES}
    wrong: list[str] = []
    stop = threading.Event()

    def keep_searching() -> None:  # queries in flight while the node goes
        while not stop.is_set():
            for query in QUERIES:
                try:
                    results = index.search(query, limit=100, collapse=False)
                except Exception as error:  # any failure is what the test reports
                    wrong.append(f"{query}: {type(error).__name__}: {error}")
                    continue
                if results.partial or results.total != expected[query].total:
                    wrong.append(f"{query}: total {results.total}, partial {results.partial}")

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        time.sleep(0.5)
        cluster.remove_node(workers[0])
        time.sleep(2)
    finally:
        stop.set()
        searcher.join(timeout=120)
    assert not wrong, wrong[:5]
    for query in QUERIES:  # every shard still has a live replica: exact answers
        results = index.search(query, limit=100, collapse=False)
        assert not results.partial and results.total == expected[query].total
        assert {hit.id for hit in results.hits} == {hit.id for hit in expected[query].hits}
    assert len(index) == 60
    cluster.remove_node(workers[1])
    head = ray.get_runtime_context().get_node_id()
    lost = [shard for shard, nodes in enumerate(index.layout.nodes) if head not in nodes]
    assert lost, "the layout should leave some shard with no replica on the head node"
    for query in QUERIES:
        results = index.search(query, limit=100, collapse=False)
        kept = {hit.id for hit in expected[query].hits if shard_of(hit.id, index.layout.shards) not in lost}
        found = {hit.id for hit in results.hits}
        # every hit of the live shards is there (a query left with fewer than 3 may widen to shared roots)
        assert kept <= found and all(shard_of(hit, index.layout.shards) not in lost for hit in found)
        assert results.total >= len(kept)
        assert results.partial and any(f"shard {lost[0]}" in warning for warning in results.warnings)
    with pytest.raises(ClusterError, match="no replica of shard"):
        len(index)
    # written while every shard's second replica is gone: only the head node's replica has it
    written = next(f"while-down-{n}" for n in range(100) if shard_of(f"while-down-{n}", 3) not in lost)
    index.add([{"id": written, "title": "خبر كتب والعقد غائبة", "text": "خبر كتب والعقد الأخرى غائبة عن العنقود."}])
    with pytest.raises(ClusterError, match="no alive node without another replica"):
        repair_cluster(cluster.address, "news")  # one node cannot hold two replicas of a shard
    cluster.add_node(num_cpus=1)  # a new machine joins
    cluster.wait_for_nodes()
    restarted = repair_cluster(cluster.address, "news")
    assert restarted and all(replica.moved and replica.current for replica in restarted)
    repaired = ClusterIndex.connect(cluster.address, "news")
    assert repaired.layout.nodes != index.layout.nodes and head in {n for row in repaired.layout.nodes for n in row}
    info = repaired.info()
    assert not info.missing_shards and all(state.index is not None for state in info.replica_states)
    assert len(repaired) == 61 and repaired.get(written).title.startswith("خبر كتب")
    shard = shard_of(written, 3)
    for replica in range(2):  # the moved replica copied the head node's before serving
        with Index.open(repaired.layout.replica_path(shard, replica)) as copy:
            assert written in copy
    for query in QUERIES:
        results = repaired.search(query, limit=100, collapse=False)
        assert not results.partial and results.total == expected[query].total
    assert repair_cluster(cluster.address, "news") == []  # nothing left to repair
