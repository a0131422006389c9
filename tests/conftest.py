from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from arsearch import Index, read_records
from arsearch.derived.prejudged import CACHE_ENV_VAR
from arsearch.engine import ENGINE_ENV_VAR, ENGINES
from helpers import SAMPLE, SHARED


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The team's data folder (../shared); tests that need it skip without it."""
    if not (SHARED / "corpora").is_dir():
        pytest.skip(f"needs the shared corpora at {SHARED} (not part of a fresh clone)")
    return SHARED


@pytest.fixture(scope="session", autouse=True)
def verdicts_cache(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[Path]:
    """The dictionary's verdicts shared by the run's indexes (``derived.prejudged``), in the run's
    temporary folder (one for every xdist worker), never in the home directory."""
    base = tmp_path_factory.getbasetemp()
    folder = (base if worker_id == "master" else base.parent) / "verdicts"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV_VAR, str(folder))
        yield folder


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


@pytest.fixture(scope="module")
def sample_index_dir(engine: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample indexed with the module's engine, for the tests of a module that only read it."""
    path = tmp_path_factory.mktemp(f"sample-{engine}") / "ix"
    with Index.create(path) as index:
        index.add(read_records([str(SAMPLE)]))
    return path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first (each starts processes, servers or a cluster): spread over the workers
    of ``pytest -n`` from the start, they end with the quick ones rather than after them."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
