"""The ``arsearch`` command: thin click wrappers over the public API.

Every failure ends with one readable line on stderr and a non-zero exit code;
tracebacks are for bugs only. ``main`` holds the commands over one index,
``cluster`` and ``serve`` the edge's own; ``common`` what they share.
"""

from .main import main

__all__ = ["main"]
