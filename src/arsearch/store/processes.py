"""Starting arsearch's own helper processes (analysis workers, background refits)."""

from __future__ import annotations

import sys


def python_running(call: str) -> list[str]:
    """The command of a fresh interpreter that runs ``call`` (one line of Python importing from
    arsearch) with exactly this process's ``sys.path``, as multiprocessing does: the child imports
    the same arsearch, even from a checkout or a path set at run time. Started as ``python -c``
    rather than by multiprocessing, whose spawn re-imports the caller's main script (re-running a
    script without a ``__main__`` guard). Ctrl-C is ignored from the first line: a child still
    importing must not print a traceback (its parent decides what to do)."""
    prelude = f"import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); import sys; sys.path[:] = {sys.path!r}; "
    return [sys.executable, "-c", prelude + call]
