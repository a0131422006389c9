"""Relevance evaluation (``arsearch.evaluation``, ``arsearch eval``) on tiny hand-made sets.

Every expected score below is worked out by hand, so a measure wired wrongly (wrong cutoff,
unjudged topics dropped from the mean, grades ignored) fails here rather than silently moving
the published figures; a property test holds the measures to trec_eval's (through ir-measures).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import ir_measures
import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from arsearch import Index
from arsearch.cli import main
from arsearch.errors import EvaluationSetError
from arsearch.evaluation import (
    MEASURES,
    evaluate,
    read_qrels,
    read_test_set,
    read_topics,
    scores,
    trec_run_lines,
)
from helpers import ROOT

# q1: judged d1, d2; ranked d3 d1 d4 d2 -> AP = (1/2 + 2/4) / 2 = 0.5, RR = 1/2, R = 1,
#     nDCG = (1/log2 3 + 1/log2 5) / (1 + 1/log2 3)
# q2: judged d4; nothing retrieved -> 0 everywhere, and still counted in the means
# q3: d2 graded 2, d3 graded 1; ranked d2 d3 -> ideal order: AP = RR = R = nDCG = 1
# q4: judged non-relevant only -> not a topic anyone can score; left out of the means
RUN = {"q1": ["d3", "d1", "d4", "d2"], "q3": ["d2", "d3"], "q4": ["d1"]}
QRELS = {
    "q1": {"d1": 1, "d2": 1, "d3": 0},
    "q2": {"d4": 1},
    "q3": {"d2": 2, "d3": 1},
    "q4": {"d1": 0},
}
NDCG_Q1 = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))


def test_measures_match_hand_computation() -> None:
    measured = scores(RUN, QRELS)
    assert measured["MAP@10"] == pytest.approx((0.5 + 0 + 1) / 3)
    assert measured["MRR@10"] == pytest.approx((0.5 + 0 + 1) / 3)
    assert measured["R@100"] == pytest.approx((1 + 0 + 1) / 3)
    assert measured["nDCG@10"] == pytest.approx((NDCG_Q1 + 0 + 1) / 3)


def test_grades_weigh_in_ndcg_only() -> None:
    # the grade-2 article second: nDCG falls below 1, the other measures do not see grades
    measured = scores({"q": ["d3", "d2"]}, {"q": {"d2": 2, "d3": 1}})
    assert measured["nDCG@10"] == pytest.approx((1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3)))
    assert measured["MAP@10"] == measured["MRR@10"] == measured["R@100"] == 1.0


def test_cutoff_at_ten() -> None:
    # the one relevant article at rank 11 earns nothing at @10, but counts for recall
    measured = scores({"q": [*(f"x{rank}" for rank in range(10)), "hit"]}, {"q": {"hit": 1}})
    assert measured["MRR@10"] == measured["MAP@10"] == measured["nDCG@10"] == 0.0
    assert measured["R@100"] == 1.0


ARTICLE_IDS = st.sampled_from([f"d{number}" for number in range(14)])


@settings(max_examples=60, deadline=None)
@given(
    ranked=st.lists(ARTICLE_IDS, unique=True, max_size=14),
    grades=st.dictionaries(ARTICLE_IDS, st.integers(min_value=0, max_value=3), min_size=1),
)
def test_measures_agree_with_trec_eval(ranked: list[str], grades: dict[str, int]) -> None:
    """Our measures against trec_eval's (pytrec_eval, through ir-measures), on any ranking."""
    qrels = {"q": grades}
    if not any(grades.values()):
        assert scores({"q": ranked}, qrels) == dict.fromkeys(MEASURES, 0.0)  # no topic to score
        return
    run = {"q": {article: float(len(ranked) - rank) for rank, article in enumerate(ranked)}}
    expected = dict.fromkeys(MEASURES, 0.0)
    measures = {"MAP@10": ir_measures.AP @ 10, "MRR@10": ir_measures.RR @ 10, "nDCG@10": ir_measures.nDCG @ 10}
    measures["R@100"] = ir_measures.R @ 100
    if ranked:
        for metric in ir_measures.iter_calc(list(measures.values()), qrels, run):
            expected[next(name for name, measure in measures.items() if measure == metric.measure)] = metric.value
    assert scores({"q": ranked}, qrels) == pytest.approx(expected)


def test_topics_and_qrels_readers(tmp_path: Path) -> None:
    (tmp_path / "topics.tsv").write_text("1\tما عاصمة مصر؟\n\n2\tمن بنى الكعبة\n", encoding="utf-8")
    (tmp_path / "qrels.txt").write_text("1 0 d1 1\n2 Q0 d2 2\n", encoding="utf-8")
    assert read_topics(tmp_path / "topics.tsv") == {"1": "ما عاصمة مصر؟", "2": "من بنى الكعبة"}
    assert read_qrels(tmp_path / "qrels.txt") == {"1": {"d1": 1}, "2": {"d2": 2}}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("topics.tsv", "1\tسؤال\n1 no tab here\n", r"topics.tsv:2: expected 'query id<TAB>query text'"),
        ("topics.tsv", "1\tسؤال\n1\tسؤال آخر\n", r"topics.tsv:2: query id '1' given twice"),
        ("topics.tsv", "\n\n", r"topics.tsv: no topics"),
        ("qrels.txt", "1 0 d1 1\n1 0 d2 yes\n", r"qrels.txt:2: expected 'qid 0 docid grade'"),
        ("qrels.txt", "1 0 d1 1\n7 0 d2 1\n", r"qrels.txt: judgements for topics 7 that topics.tsv does not ask"),
    ],
)
def test_a_bad_set_names_the_file_and_line(tmp_path: Path, name: str, content: str, message: str) -> None:
    (tmp_path / "topics.tsv").write_text("1\tسؤال\n", encoding="utf-8")
    (tmp_path / "qrels.txt").write_text("1 0 d1 1\n", encoding="utf-8")
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(EvaluationSetError, match=message):
        read_test_set(tmp_path, need_docs=False)


def test_a_set_missing_files_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "docs.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(EvaluationSetError, match=r"lacks topics\.tsv, qrels\.txt"):
        read_test_set(tmp_path)
    (tmp_path / "topics.tsv").write_bytes("1\tسؤال\n".encode("cp1256"))
    (tmp_path / "qrels.txt").write_text("1 0 d1 1\n", encoding="utf-8")
    with pytest.raises(EvaluationSetError, match=r"topics\.tsv: not UTF-8 text"):
        read_test_set(tmp_path)


DOCS = [
    {"id": "cairo", "title": "القاهرة", "text": "القاهرة عاصمة جمهورية مصر العربية وأكبر مدنها على ضفاف النيل."},
    {"id": "kaaba", "title": "الكعبة", "text": "الكعبة المشرفة في مكة المكرمة، رفع قواعدها إبراهيم وإسماعيل."},
    {
        "id": "desert",
        "title": "الصحراء الكبرى",
        "text": "الصحراء الكبرى أكبر صحراء حارة في العالم، تمتد في شمال أفريقيا.",
    },
    {"id": "schools", "title": "المدارس", "text": "افتتحت الوزارة مدارس جديدة في المدن الكبرى هذا العام."},
]
TOPICS = {
    "1": "ما هي عاصمة مصر؟",  # finds cairo first
    "2": "من رفع قواعد الكعبة؟",  # finds kaaba first
    "3": "أين تقع الصحراء الحارة؟",  # judged: cairo, which shares none of these words
    "4": "افتتاح مدرسة",  # schools: a singular for a plural, only the lemma and root levels meet it
}
QRELS_TINY = {"1": "cairo", "2": "kaaba", "3": "cairo", "4": "schools"}


def tiny_set(directory: Path) -> Path:
    directory.mkdir()
    (directory / "docs.jsonl").write_bytes(b"".join(orjson.dumps(doc) + b"\n" for doc in DOCS))
    (directory / "topics.tsv").write_text("".join(f"{q}\t{t}\n" for q, t in TOPICS.items()), encoding="utf-8")
    (directory / "qrels.txt").write_text("".join(f"{q} 0 {d} 1\n" for q, d in QRELS_TINY.items()), encoding="utf-8")
    return directory


def test_a_whole_evaluation_on_a_tiny_set(tmp_path: Path) -> None:
    report = evaluate(tiny_set(tmp_path / "tiny"))
    assert (report.set, report.articles, report.topics, report.judged_topics) == ("tiny", 4, 4, 4)
    assert (report.run["1"][0], report.run["2"][0], report.run["4"][0]) == ("cairo", "kaaba", "schools")
    assert "cairo" not in report.run["3"]
    # topics 1, 2 and 4 rank their article first (4 through its root); topic 3 cannot find cairo
    assert report.default["MRR@10"] == pytest.approx(3 / 4)
    assert report.levels["root"]["MRR@10"] == pytest.approx(3 / 4)
    # as typed, افتتاح مدرسة shares no word with the article: one topic less
    assert report.levels["word"]["MRR@10"] == pytest.approx(2 / 4)
    assert set(report.levels) == {"word", "stem", "lemma", "root"}
    assert report.as_dict()["levels"]["word"]["R@100"] == pytest.approx(0.5)


def test_an_index_given_is_searched_as_it_is(tmp_path: Path) -> None:
    set_dir = tiny_set(tmp_path / "tiny")
    (set_dir / "docs.jsonl").unlink()  # not needed with an index
    with Index.create(tmp_path / "ix") as index:
        index.add(DOCS[:2])  # cairo and kaaba only
    report = evaluate(set_dir, index=tmp_path / "ix", levels=())
    assert report.articles == 2 and report.index_seconds == 0.0 and report.levels == {}
    assert report.default["MRR@10"] == pytest.approx(2 / 4)
    assert report.missing == ["schools"]  # judged relevant, never indexed: said, not silently zero
    result = CliRunner().invoke(main, ["eval", str(set_dir), "--index", str(tmp_path / "ix"), "--no-levels"])
    assert result.exit_code == 0
    assert "warning: 1 relevant article of the qrels not in the index (never found, every measure lower): schools" in (
        result.output
    )
    with pytest.raises(EvaluationSetError, match=r"tiny lacks docs\.jsonl"):
        evaluate(set_dir)
    with pytest.raises(EvaluationSetError, match=r"test set tiny has no docs\.jsonl to index"):
        evaluate(read_test_set(set_dir, need_docs=False))


def test_the_eval_command(tmp_path: Path) -> None:
    set_dir = tiny_set(tmp_path / "tiny")
    run_file = tmp_path / "run.txt"
    result = CliRunner().invoke(main, ["eval", str(set_dir), "--level", "word", "--run-out", str(run_file)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("tiny: 4 judged topics of 4, 4 articles, indexed in ")
    table = {line.split()[0]: line.split()[-4:] for line in lines[1:]}
    assert table["run"] == ["MAP@10", "MRR@10", "nDCG@10", "R@100"]
    assert table["default"][1] == "0.750" and table["word"][1] == "0.500"
    assert set(table) == {"run", "default", "default,", "word"}
    run = [line.split() for line in run_file.read_text(encoding="utf-8").splitlines()]
    assert all(len(parts) == 6 and parts[1] == "Q0" for parts in run)
    assert {parts[0]: parts[2] for parts in run if parts[3] == "1"} == {
        "1": "cairo",
        "2": "kaaba",
        "3": "desert",
        "4": "schools",
    }
    as_json = CliRunner().invoke(main, ["eval", str(set_dir), "--no-levels", "--json"])
    assert orjson.loads(as_json.output)["MRR@10"] == 0.75 and orjson.loads(as_json.output)["levels"] == {}


def test_the_eval_command_fails_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", str(tmp_path)])
    assert result.exit_code == 1
    files = "topics.tsv, qrels.txt, docs.jsonl"
    assert result.output.strip().splitlines() == [f"error: {tmp_path} lacks {files} (a test set holds {files})"]
    result = CliRunner().invoke(main, ["eval", str(tiny_set(tmp_path / "tiny")), "--index", "x", "--distract", "y"])
    assert result.exit_code == 1 and "do not apply to --index" in result.output


def test_trec_run_lines_rank_and_score() -> None:
    assert list(trec_run_lines({"7": ["b", "a"]}, "tag")) == ["7 Q0 b 1 2 tag", "7 Q0 a 2 1 tag"]


def test_the_benchmark_script_reports_the_library_figures(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import eval_relevance

    figures = eval_relevance.main([str(tiny_set(tmp_path / "tiny")), "--title-boost", "0.5"])
    assert figures["MRR@10"] == pytest.approx(0.75)
    assert figures["ranking"]["title_boost"] == 0.5


def test_records_that_cannot_be_indexed_are_reported(tmp_path: Path) -> None:
    set_dir = tiny_set(tmp_path / "tiny")
    with (set_dir / "docs.jsonl").open("ab") as docs:
        docs.write(b'{"id": "empty"}\n')
    report = evaluate(set_dir, levels=())
    assert report.articles == 4 and report.missing == []
    assert len(report.problems) == 1 and report.problems[0].endswith(
        "no text: both 'title' and 'text' are empty or missing"
    )
    assert "docs.jsonl:5" in report.problems[0]
