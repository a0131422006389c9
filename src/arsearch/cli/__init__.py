"""The ``arsearch`` command: thin click wrappers over the public API.

Every failure ends with one readable line on stderr and a non-zero exit code;
tracebacks are for bugs only. ``main`` holds the commands over one index,
``cluster`` and ``serve`` the edge's own; ``common`` what they share.

Layer: edge, the top. May import every layer below (``web`` and ``cluster`` when a command
needs them); nothing of arsearch imports it but ``__main__``.
"""

from .main import main

__all__ = ["main"]
