"""The relevance harness (benchmarks/eval_relevance.py) on a tiny hand-made set.

Every expected score below is worked out by hand, so a metric that is wired
wrongly (wrong cutoff, unjudged topics dropped from the mean, grades ignored)
fails here rather than silently moving the published figures.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import orjson
import pytest

from helpers import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import eval_relevance

# q1: judged d1, d2; ranked d3 d1 d4 d2 -> AP = (1/2 + 2/4) / 2 = 0.5, RR = 1/2, R = 1,
#     nDCG = (1/log2 3 + 1/log2 5) / (1 + 1/log2 3)
# q2: judged d4; nothing retrieved -> 0 everywhere, and still counted in the means
# q3: d2 graded 2, d3 graded 1; ranked d2 d3 -> ideal order: AP = RR = R = nDCG = 1
# q4: judged non-relevant only -> not a topic anyone can score; left out of the means
RUN = {
    "q1": {"d3": 4.0, "d1": 3.0, "d4": 2.0, "d2": 1.0},
    "q3": {"d2": 2.0, "d3": 1.0},
    "q4": {"d1": 1.0},
}
QRELS = {
    "q1": {"d1": 1, "d2": 1, "d3": 0},
    "q2": {"d4": 1},
    "q3": {"d2": 2, "d3": 1},
    "q4": {"d1": 0},
}
NDCG_Q1 = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))


def test_measures_match_hand_computation() -> None:
    scores = eval_relevance.evaluate(RUN, QRELS)
    assert scores["MAP@10"] == pytest.approx((0.5 + 0 + 1) / 3)
    assert scores["MRR@10"] == pytest.approx((0.5 + 0 + 1) / 3)
    assert scores["R@100"] == pytest.approx((1 + 0 + 1) / 3)
    assert scores["nDCG@10"] == pytest.approx((NDCG_Q1 + 0 + 1) / 3)


def test_cutoff_at_ten() -> None:
    # the one relevant document at rank 11 earns nothing at @10, but counts for recall
    run = {"q": {f"x{rank:02d}": 100.0 - rank for rank in range(1, 11)} | {"hit": 1.0}}
    scores = eval_relevance.evaluate(run, {"q": {"hit": 1}})
    assert scores["MRR@10"] == 0.0
    assert scores["MAP@10"] == 0.0
    assert scores["R@100"] == 1.0


def test_topics_and_qrels_readers(tmp_path: Path) -> None:
    (tmp_path / "topics.tsv").write_text("1\tما عاصمة مصر؟\n\n2\tمن بنى الكعبة\n", encoding="utf-8")
    (tmp_path / "qrels.txt").write_text("1 0 d1 1\n2 Q0 d2 2\n", encoding="utf-8")
    assert eval_relevance.read_topics(tmp_path / "topics.tsv") == {"1": "ما عاصمة مصر؟", "2": "من بنى الكعبة"}
    assert eval_relevance.read_qrels(tmp_path / "qrels.txt") == {"1": {"d1": 1}, "2": {"d2": 2}}
    (tmp_path / "bad.tsv").write_text("1 no tab here\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"bad.tsv:1: expected 'query id<TAB>query text'"):
        eval_relevance.read_topics(tmp_path / "bad.tsv")
    (tmp_path / "bad.txt").write_text("1 0 d1 yes\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"bad.txt:1: expected 'qid 0 docid grade'"):
        eval_relevance.read_qrels(tmp_path / "bad.txt")


DOCS = [
    {"id": "cairo", "title": "القاهرة", "text": "القاهرة عاصمة جمهورية مصر العربية وأكبر مدنها على ضفاف النيل."},
    {"id": "kaaba", "title": "الكعبة", "text": "الكعبة المشرفة في مكة المكرمة، رفع قواعدها إبراهيم وإسماعيل."},
    {
        "id": "desert",
        "title": "الصحراء الكبرى",
        "text": "الصحراء الكبرى أكبر صحراء حارة في العالم، تمتد في شمال أفريقيا.",
    },
]
TOPICS = {
    "1": "ما هي عاصمة مصر؟",  # finds cairo first
    "2": "من رفع قواعد الكعبة؟",  # finds kaaba first
    "3": "أين تقع الصحراء الحارة؟",  # judged: cairo, which shares none of these words
}
QRELS_E2E = {"1": "cairo", "2": "kaaba", "3": "cairo"}


def test_whole_run_on_a_tiny_set(tmp_path: Path) -> None:
    set_dir = tmp_path / "tiny"
    set_dir.mkdir()
    (set_dir / "docs.jsonl").write_bytes(b"".join(orjson.dumps(doc) + b"\n" for doc in DOCS))
    (set_dir / "topics.tsv").write_text("".join(f"{q}\t{t}\n" for q, t in TOPICS.items()), encoding="utf-8")
    (set_dir / "qrels.txt").write_text("".join(f"{q} 0 {d} 1\n" for q, d in QRELS_E2E.items()), encoding="utf-8")
    run_file = tmp_path / "run.txt"
    figures = eval_relevance.main([str(set_dir), "--run-out", str(run_file)])
    assert figures["articles"] == 3
    assert figures["judged_topics"] == 3
    # topics 1 and 2 rank their document first; topic 3 cannot find cairo at all
    assert figures["MRR@10"] == pytest.approx(2 / 3, abs=1e-4)
    assert figures["R@100"] == pytest.approx(2 / 3, abs=1e-4)
    lines = [line.split() for line in run_file.read_text(encoding="utf-8").splitlines()]
    assert all(len(parts) == 6 and parts[1] == "Q0" for parts in lines)
    firsts = {parts[0]: parts[2] for parts in lines if parts[3] == "1"}
    assert firsts == {"1": "cairo", "2": "kaaba", "3": "desert"}
    assert "cairo" not in {parts[2] for parts in lines if parts[0] == "3"}


def test_a_set_directory_missing_files_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "docs.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"lacks topics\.tsv, qrels\.txt"):
        eval_relevance.main([str(tmp_path)])
