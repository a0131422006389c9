"""The package's public names load on first use: importing arsearch, or an analysis worker, stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import arsearch

TEST_ENGINES = ("tantivy",)  # packaging: no index


def modules_loaded_by(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return set(output.split())


@pytest.mark.parametrize("statement", ["import arsearch", "from arsearch.store.pipeline import _work"])
def test_importing_arsearch_or_a_worker_leaves_the_engine_and_scipy_unloaded(statement: str) -> None:
    loaded = modules_loaded_by(statement)
    assert not {"tantivy", "scipy", "arsearch.index", "arsearch.search.ranking"} & loaded


def test_every_public_name_resolves_and_unknown_ones_say_so() -> None:
    for name in arsearch.__all__:
        assert getattr(arsearch, name) is not None
    assert "Index" in dir(arsearch)
    assert arsearch.Index.__module__ == "arsearch.index"
    with pytest.raises(AttributeError, match="module 'arsearch' has no attribute 'Indx'"):
        arsearch.Indx  # noqa: B018
