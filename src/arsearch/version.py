"""arsearch's version: its one home (``pyproject.toml`` reads it from here), and its own module, so
any module can ask without importing the package."""

__version__ = "0.1.0"
