from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from arsearch.engine import ENGINE_ENV_VAR, ENGINES

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLE_CORPUS = Path(__file__).resolve().parents[1] / "samples" / "news.jsonl"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The team's data folder (../shared); tests that need it skip without it."""
    if not (SHARED / "corpora").is_dir():
        pytest.skip(f"needs the shared corpora at {SHARED} (not part of a fresh clone)")
    return SHARED


# --- every test module runs on each engine -------------------------------------------
#
# A module that builds no index, or tests one engine's files by nature, says which
# engines it runs on with ``TEST_ENGINES = ("tantivy",)``. Every index a test creates
# without naming an engine (``Index.create``, ``arsearch index``, in this process or a
# subprocess) gets the module's engine, through ``$ARSEARCH_ENGINE``.


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" in metafunc.fixturenames:
        engines = getattr(metafunc.module, "TEST_ENGINES", ENGINES)
        metafunc.parametrize("engine", engines, indirect=True, scope="module")


@pytest.fixture(scope="module", autouse=True)
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """The engine of the indexes this module's tests create."""
    name: str = getattr(request, "param", ENGINES[0])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENGINE_ENV_VAR, name)
        yield name
