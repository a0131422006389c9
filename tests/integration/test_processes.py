"""arsearch's own processes, started by the tests: the CLI killed mid-import and on a terminal,
another process changing synonyms, roots alike in every process, the compiled core turned off,
memory bounded on a 50 MB article."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson
import pytest

from arsearch import Index
from arsearch.analysis.speedups import PURE_PYTHON_VARIABLE
from arsearch.records.articles import MAX_SEARCHABLE_CHARS
from arsearch.store.settings import SETTINGS_FILE
from helpers import SAMPLE, SAMPLE_RECORDS, SYNONYM_ARTICLES, ranked

BIG_ARTICLE = textwrap.dedent(
    """
    import resource, sys
    from arsearch import Index
    size = int(sys.argv[2])
    filler = "وزير الخارجية يزور المملكة لبحث التعاون الإقليمي " * (size // 50)
    with Index.create(sys.argv[1]) as index:
        index.add([{"id": "big", "title": "مقال ضخم", "text": "بدايةالمقال " + filler + " نهايةالمقال"}])
        found = [index.search(word).total for word in ("بدايةالمقال", "نهايةالمقال", "التعاون")]
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(*found, len(index.get("big").text), peak_kb)
    """
)


ROOT_WORDS = ["المدارس", "مكتبة", "يكتبون", "استخدام", "اتبعتم", "ابتلاه", "ائمه", "ابويك", "اتاكم", "المستشفيات"]


#: Articles of the import killed after its first commit: enough for it still to be running then
#: (a Whoosh commit costs ~10x a tantivy one: a third of the articles takes longer still).
KILLED_WRITER_ARTICLES = {"tantivy": 3000, "whoosh": 1000}


@pytest.mark.slow
def test_killed_writer_leaves_the_last_commit_and_a_rerun_converges(tmp_path: Path, engine: str) -> None:
    source = tmp_path / "many.jsonl"
    articles = KILLED_WRITER_ARTICLES[engine]
    with source.open("wb") as out:
        for n in range(articles):
            article = SAMPLE_RECORDS[n % 30]
            out.write(orjson.dumps({**article, "id": f"{article['id']}-{n}"}) + b"\n")
    index_dir = tmp_path / "ix"
    command = [sys.executable, "-m", "arsearch", "index", str(source), "--index", str(index_dir), "--batch", "100"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    committed = 0
    while committed < 100 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        try:
            with Index.open(index_dir) as index:
                committed = len(index)
        except Exception:  # not created yet
            continue
    assert process.poll() is None, "the import finished before it could be killed; make the input larger"
    process.send_signal(signal.SIGKILL)
    process.wait()
    with Index.open(index_dir) as index:
        survived = len(index)
        assert survived % 100 == 0 and survived >= 100
        assert index.search("المملكة").total > 0
    rerun = subprocess.run(command, capture_output=True, text=True, check=True)
    assert f"added {articles - survived:,}, updated 0, unchanged {survived:,}" in rerun.stdout
    with Index.open(index_dir) as index:
        ids = list(index.ids())
        assert len(ids) == len(set(ids)) == articles


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_terminal_shows_a_progress_bar_with_percent_and_docs_per_second(tmp_path: Path) -> None:
    import pty

    source = tmp_path / "articles.jsonl"
    lines = SAMPLE.read_bytes().splitlines()
    source.write_bytes(
        b"".join(orjson.dumps({**orjson.loads(lines[n % len(lines)]), "id": str(n)}) + b"\n" for n in range(3000))
    )
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "arsearch", "index", str(source), "--index", str(tmp_path / "ix")]
    command += ["--batch", "500"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower, env={**os.environ, "COLUMNS": "200"})
    os.close(follower)
    screen = b""
    with contextlib.suppress(OSError):  # the pty reports EIO once the process has closed it
        while chunk := os.read(leader, 4096):
            screen += chunk
    out, _ = process.communicate(timeout=60)
    os.close(leader)
    shown = screen.decode("utf-8", "replace")
    assert process.returncode == 0, shown
    assert "indexing" in shown and "100%" in shown and "3,000 indexed" in shown and "docs/s" in shown, shown
    assert re.search(r"\b[1-9]\d?%", shown), shown  # an intermediate percentage was shown on the way
    assert out.decode().startswith("added 3,000,")  # the summary goes to stdout, after the bar


@pytest.mark.slow
def test_a_50_mb_article_is_stored_whole_indexed_in_part_and_memory_stays_bounded(tmp_path: Path) -> None:
    size = 50_000_000
    done = subprocess.run(
        [sys.executable, "-c", BIG_ARTICLE, str(tmp_path / "ix"), str(size)], capture_output=True, text=True, check=True
    )
    start, end, middle, stored, peak_kb = map(int, done.stdout.split())
    assert (start, end, middle) == (1, 0, 1)  # the text past MAX_SEARCHABLE_CHARS is not searchable
    assert stored > MAX_SEARCHABLE_CHARS * 40  # ...but the article is kept whole
    assert peak_kb < 1_500_000  # the process holds the 50 MB text several times over, and no more


def test_synonyms_are_settings_written_atomically_and_seen_by_indexes_opened_before(tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    with Index.create(ix) as index:
        index.add(SYNONYM_ARTICLES)
    with Index.open(ix) as reader, Index.open(ix) as writer:
        assert ranked(reader, "أمريكا") == ["typed"]
        # another process adds the group: the open reader sees it at its next search
        subprocess.run(
            [sys.executable, "-m", "arsearch", "synonyms", "add", "أمريكا", "الولايات المتحدة", "--index", str(ix)],
            check=True,
            capture_output=True,
        )
        found = ranked(reader, "أمريكا")
        assert found[0] == "typed" and set(found[1:]) == {"phrase", "clitic"}
        # a writer opened before the change commits later: the group survives its commit
        writer.add([{"id": "new", "text": "خبر جديد عن أمريكا"}])
    settings = orjson.loads((tmp_path / "ix" / SETTINGS_FILE).read_bytes())
    assert settings["synonyms"] == [["أمريكا", "الولايات المتحدة"]]
    with Index.open(tmp_path / "ix") as reopened:
        assert reopened.synonyms.list() == [["أمريكا", "الولايات المتحدة"]]
        assert set(ranked(reopened, "أمريكا")) == {"typed", "new", "phrase", "clitic"}


def test_roots_are_the_same_in_every_process() -> None:
    """tashaphyne breaks ties between candidate roots by set order, which depends on
    Python's per-process string hashing; an index built in one process must agree
    with the queries of another."""
    script = "import sys; from arsearch.analysis.stem import root_of; print(' '.join(map(root_of, sys.argv[1:])))"
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        environment = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run(
            [sys.executable, "-c", script, *ROOT_WORDS], env=environment, capture_output=True, text=True, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1, outputs
    assert outputs.pop().split()[:3] == ["درس", "كتب", "كتب"]


def test_the_environment_variable_turns_the_compiled_core_off() -> None:
    probe = "from arsearch.analysis.speedups import compiled; print(compiled is None)"
    for value, pure in (("1", "True"), ("0", "False"), ("", "False")):
        environment = {**os.environ, PURE_PYTHON_VARIABLE: value}
        output = subprocess.run([sys.executable, "-c", probe], env=environment, capture_output=True, text=True)
        assert output.stdout.strip() == pure, (value, output.stderr)
