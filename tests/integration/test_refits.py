"""Refits of the topic model and the spelling variants in the background: an import returns once its
articles are committed, and a process of its own fits them (``arsearch.store.refits``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import orjson
import pytest
from click.testing import CliRunner

from arsearch import Index
from arsearch.cli import main
from arsearch.derived import topics
from arsearch.store import refits
from arsearch.store.directory import Store
from helpers import topic_articles

ENOUGH = topics.MIN_ARTICLES + 20  # the child process sees the real threshold, not a test's patch


@contextmanager
def refit_lock_held(directory: Path) -> Iterator[None]:
    """The refit lock, taken as a running background refit holds it."""
    lock = refits._open_lock(directory, create=True)
    assert lock is not None and refits._take(lock)
    try:
        yield
    finally:
        os.close(lock)


def saved_model(directory: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    model = topics.read_model(directory / topics.MODEL_FILE)
    assert model is not None
    return model.terms, model.idf, model.basis


def test_an_import_returns_before_the_refit_which_lands_what_a_refit_now_would(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index:
        report = index.add(topic_articles(0, ENOUGH))
        assert report.topics_fitting and report.topics is None
        # the lock is taken before the process starts: a refit just started is never missed
        assert index.topics.refitting() and index.info().topics_fitting
        info = index.topics.wait(timeout=120)
        assert info is not None and info.articles == ENOUGH and info.sample == ENOUGH
        assert not index.topics.refitting() and not index.info().topics_fitting
        assert index.info().topics == info and index.snapshot().variants() is not None
        assert not (tmp_path / "ix" / refits.LOG_FILE).exists()  # nothing went wrong
        terms, idf, _ = saved_model(index.path)
        again = index.topics.refit()  # in this process: the same articles, stems and weights
        assert again is not None and (again.sample, again.terms, again.dimensions) == (
            info.sample,
            info.terms,
            info.dimensions,
        )
        assert saved_model(index.path)[0] == terms and np.array_equal(saved_model(index.path)[1], idf)


def test_a_refit_that_the_index_outgrew_while_it_ran_fits_again_before_letting_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The background process's loop, run here: an import commits (and finds the lock held, so it
    starts nothing) while the refit fits the index as it was."""
    path = tmp_path / "ix"
    with Index.create(path) as index:
        index.add(topic_articles(0, ENOUGH), fit_topics="off")
        fitted: list[int] = []
        fitting = refits.refit

        def refit_while_an_import_commits(store: Store, written: topics.WrittenBags | None = None) -> object:
            info = fitting(store, written)
            fitted.append(info.articles if info else 0)
            if len(fitted) == 1:
                report = index.add(topic_articles(ENOUGH, ENOUGH))  # doubles the index meanwhile
                assert report.topics_fitting  # left to the running refit
            return info

        monkeypatch.setattr(refits, "refit", refit_while_an_import_commits)
        lock = refits._open_lock(path, create=True)
        assert lock is not None and refits._take(lock)
        refits._refit_in_background(str(path), lock)
        assert fitted == [ENOUGH, 2 * ENOUGH]
        assert not index.topics.refitting()  # let go at the end
        assert index.topics.info() is not None and index.topics.info().articles == 2 * ENOUGH  # type: ignore[union-attr]


def test_waiting_for_a_refit_that_does_not_end_times_out(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    with Index.create(path) as index:
        index.add(topic_articles(0, 30))
        assert not index.topics.refitting() and index.topics.wait(timeout=0) is None  # none running
        with refit_lock_held(path):
            started = time.monotonic()
            with pytest.raises(TimeoutError, match=r"still being fitted after 0\.3 s"):
                index.topics.wait(timeout=0.3)
            assert time.monotonic() - started >= 0.3
            result = CliRunner().invoke(main, ["topics", "--index", str(path), "--wait", "0.2"])
            assert result.exit_code == 1 and "still being fitted after 0.2 s" in result.output
            result = CliRunner().invoke(main, ["topics", "--index", str(path)])
            assert result.exit_code == 0 and result.output.startswith("being refitted in the background")
            result = CliRunner().invoke(main, ["info", "--index", str(path)])
            assert "topics             being refitted in the background; until then: none" in result.output
            assert "topics fitting     yes" in result.output
        assert index.topics.wait(timeout=0) is None


def test_a_failed_refit_is_logged_and_the_next_import_starts_it_again(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    with Index.create(path) as index:
        (path / topics.MODEL_FILE).mkdir()  # the model cannot be written
        with pytest.warns(UserWarning, match="topics.npz cannot be read"):
            assert index.add(topic_articles(0, ENOUGH)).topics_fitting
            assert index.topics.wait(timeout=120) is None
        log = (path / refits.LOG_FILE).read_text(encoding="utf-8")
        assert f"background refit of {path.resolve()} failed" in log and "IndexWriteError" in log
        (path / topics.MODEL_FILE).rmdir()
        report = index.add([])  # adds nothing, yet the refit is due
        assert report.indexed == 0 and report.topics_fitting
        info = index.topics.wait(timeout=120)
        assert info is not None and info.articles == ENOUGH
        assert not (path / refits.LOG_FILE).exists()


def test_without_flock_an_import_fits_before_it_returns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refits, "fcntl", None)
    with Index.create(tmp_path / "ix") as index:
        report = index.add(topic_articles(0, ENOUGH))
        assert not report.topics_fitting and report.topics is not None and report.topics.articles == ENOUGH
        assert not index.topics.refitting()


def test_fit_topics_must_be_one_of_the_three(tmp_path: Path) -> None:
    with Index.create(tmp_path / "ix") as index, pytest.raises(ValueError, match="background, now, off"):
        index.add(topic_articles(0, 3), fit_topics="later")  # type: ignore[arg-type]
    assert len(Index.open(tmp_path / "ix")) == 0


def test_the_cli_returns_before_the_refit_which_outlives_it_and_its_ctrl_c(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    source = tmp_path / "news.jsonl"
    source.write_text("\n".join(orjson.dumps(a).decode() for a in topic_articles(0, ENOUGH)), encoding="utf-8")
    command = [sys.executable, "-m", "arsearch", "index", str(source), "--index", str(path)]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert finished.returncode == 0, finished.stderr
    assert "topic model being refitted in the background ('arsearch topics --wait' waits for it)" in finished.stdout
    # the refit is in a session of its own: a Ctrl-C at the terminal (its process group) misses it
    assert refits.running(path)
    result = CliRunner().invoke(main, ["topics", "--index", str(path), "--wait"])
    assert result.exit_code == 0, result.output
    assert f"from {ENOUGH} of {ENOUGH} articles" in result.output
    result = CliRunner().invoke(main, ["index", str(source), "--index", str(path), "--fit-topics", "later"])
    assert result.exit_code == 2 and "'later' is not one of 'background', 'now', 'off'" in result.output


def test_a_refit_with_too_little_text_to_fit_ends(tmp_path: Path) -> None:
    """No model comes of it, so the index stays due: the refit must not fit the same articles again."""
    with Index.create(tmp_path / "ix") as index:
        report = index.add({"id": str(number), "text": "خبر عاجل"} for number in range(ENOUGH))
        assert report.topics_fitting
        assert index.topics.wait(timeout=60) is None  # ended, without a model
        time.sleep(0.5)
        assert not index.topics.refitting()  # and not to start again
        assert not (tmp_path / "ix" / refits.LOG_FILE).exists()


def test_an_import_whose_refit_runs_in_the_background_never_loads_numpy_or_scipy(tmp_path: Path) -> None:
    """They serve the fit only (~60 ms and ~150 ms of every `arsearch index` before)."""
    source = tmp_path / "news.jsonl"
    source.write_text("\n".join(orjson.dumps(a).decode() for a in topic_articles(0, ENOUGH)), encoding="utf-8")
    code = (
        "import sys; from arsearch.cli import main; "
        f"main(['index', {str(source)!r}, '--index', {str(tmp_path / 'ix')!r}, '--quiet'], standalone_mode=False); "
        "print(sorted(name for name in ('numpy', 'scipy') if name in sys.modules))"
    )
    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert finished.stdout.strip() == "[]"
    with Index.open(tmp_path / "ix") as index:
        assert len(index) == ENOUGH and index.topics.wait(timeout=120) is not None  # fitted meanwhile
