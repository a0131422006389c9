"""Fitting an index's derived models (the topic model and the spelling variants), now or in the background.

An import returns once its articles are committed: by default the refit it
makes due (the index reached ``topics.MIN_ARTICLES`` articles, or doubled
since the last fit) runs in a process of its own and lands atomically
(``topics.npz``, then ``variants.json``): ~5–6 s after the import returns
for 31k articles, ~1.7 s for 3k (its start-up, reading its sample back and
the fit, on one core). Until it lands, searches join the spelling variants of
the last fit and related articles rank on its topics (on key terms alone
before the first one); readers never wait for it. ``wait`` does. Then it
judges ahead the spellings of the index's words (``derived.prejudged``,
``prejudged.tsv.gz``): ~2.5 minutes for 31k articles the first time, mostly
the dictionary's analysis of words it has not met, half a minute once it has.

One refit at a time per index: the importer takes ``topics.lock`` (an
advisory ``flock``) before it starts the process, which inherits the lock
and holds it until it is done, so ``wait`` cannot miss a refit just
started. An import that finds a refit running leaves it be: before letting
go, the refit looks again and fits again if the index has doubled
meanwhile (never the same articles twice: an index with too little text to
fit stays due). The process is in a session of its own, like ``git gc --auto``:
it outlives the command that started it, and that command's Ctrl-C does not
stop it; a refit that dies (killed, machine off) is started again by the
next import, even one that adds nothing. Where ``flock`` is missing (not
POSIX) or the lock cannot be created, the import fits before it returns.

مثال::

    >>> report = index.add(articles)            # doctest: +SKIP
    >>> report.topics_fitting                   # doctest: +SKIP
    True
    >>> refits.wait(index.path, timeout=60)     # doctest: +SKIP
    True
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from ..derived.prejudged import prejudge
from ..derived.topics import ModelInfo, WrittenBags, fit_index, needs_fitting
from ..derived.variants import fit_index_variants
from .directory import Store
from .processes import python_running

if TYPE_CHECKING:
    import fcntl
else:
    try:
        import fcntl
    except ImportError:  # not POSIX: every refit is made in the importing process
        fcntl = None

LOCK_FILE = "topics.lock"
#: What the last background refit that failed printed (removed by one that succeeds).
LOG_FILE = "topics.log"
#: How often ``wait`` looks whether the refit is done.
POLL_SECONDS = 0.05


def refit(store: Store, written: WrittenBags | None = None) -> ModelInfo | None:
    """Fit the topic model and the spelling variants on the store's latest commit, in this process,
    and save them; None when there is too little text to learn topics from. ``written``: the bags an
    import kept as it wrote them (``topics.WrittenBags``), so that none is read back."""
    store.check_writable()
    snapshot = store.snapshot()
    try:
        model = fit_index(snapshot, store.analyzer, store.path, written)
        if model is not None:
            fit_index_variants(snapshot, model, store.path)
        # after the models, which searches need first: minutes for a large index
        prejudge(snapshot.spelling_source(), store.path)
    except OSError as error:
        raise store.write_failure(error.strerror or str(error)) from None
    return model.info if model is not None else None


def due(store: Store) -> bool:
    """Whether the store's index should (re)fit its models: it reached ``topics.MIN_ARTICLES``
    articles without a model, or doubled since its model was fitted."""
    model = store.topic_model()
    return needs_fitting(model.info if model is not None else None, store.snapshot().doc_count)


def start(directory: Path) -> bool:
    """Have a background process refit the index in ``directory``; True when a refit is under way
    (started now, or running already: it fits again if the index has doubled by its end), False
    when none can run here (no ``flock``, or the lock file cannot be written): refit in this process."""
    lock = _open_lock(directory, create=True)
    if lock is None:
        return False
    try:
        if not _take(lock):
            return True  # one is running
        where = str(directory.resolve())
        with open(directory / LOG_FILE, "ab") as log:
            process = subprocess.Popen(
                python_running(
                    f"from arsearch.store.refits import _refit_in_background as run; run({where!r}, {lock})"
                ),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                pass_fds=(lock,),
                start_new_session=True,  # no terminal signal meant for this command reaches it
            )
    except OSError:
        return False
    finally:
        os.close(lock)  # the process holds the lock now (one open file, shared), or it is released
    # a long-lived importer (a web app) reaps it when it ends; a short one leaves that to init
    threading.Thread(target=process.wait, name="arsearch-refit-reaper", daemon=True).start()
    return True


def running(directory: Path) -> bool:
    """Whether a background refit of the index in ``directory`` is under way."""
    lock = _open_lock(directory, create=False)
    if lock is None:
        return False
    try:
        return not _take(lock)
    except OSError:  # no locks on this file system: no background refit either
        return False
    finally:
        os.close(lock)


def wait(directory: Path, timeout: float | None = None) -> bool:
    """Wait until no background refit of the index in ``directory`` is under way (up to ``timeout``
    seconds); False when one still is."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while running(directory):
        if deadline is not None and time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


def _open_lock(directory: Path, *, create: bool) -> int | None:
    """The refit lock file of ``directory``, opened; None when there is none, or no ``flock``."""
    if fcntl is None:
        return None
    try:
        return os.open(directory / LOCK_FILE, (os.O_RDWR | os.O_CREAT) if create else os.O_RDONLY, 0o644)
    except OSError:
        return None


def _take(lock: int) -> bool:
    """Take the lock without waiting; False when another holds it. ``OSError`` when this file
    system has no locks."""
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _refit_in_background(directory_name: str, lock: int) -> None:
    """The background process (``start``), holding the refit ``lock`` it inherited: refits while the
    index is due, then lets go. A failure is written to ``LOG_FILE`` (its stderr), and the next
    import tries again."""
    directory = Path(directory_name)
    try:
        with contextlib.closing(Store.open(directory)) as store:
            fitted_on = None  # the article count of this process's last fit

            def still_due() -> bool:  # the same articles are never fitted twice (too little text stays due)
                return due(store) and store.snapshot().doc_count != fitted_on

            while True:
                if still_due():  # the lock held all along: wait() returns after the last fit
                    fitted_on = store.snapshot().doc_count
                    refit(store)
                    continue
                os.close(lock)
                # an import that committed after that look found the lock held and started nothing
                if not still_due() or (retaken := _open_lock(directory, create=True)) is None:
                    break
                if not _take(retaken):
                    os.close(retaken)  # another refit began meanwhile: it will see the index as it is
                    break
                lock = retaken
        (directory / LOG_FILE).unlink(missing_ok=True)
    except Exception:
        with contextlib.suppress(OSError):
            sys.stderr.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} background refit of {directory} failed:\n")
            sys.stderr.write(traceback.format_exc())
        sys.exit(1)
