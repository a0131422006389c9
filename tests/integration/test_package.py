"""The package's public names load on first use: importing arsearch, or an analysis worker, stays light."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

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


def test_every_package_says_which_layer_it_is_and_what_it_may_import() -> None:
    source = Path(arsearch.__file__).parent
    packages = sorted(path.parent.name for path in source.glob("*/__init__.py"))
    assert len(packages) >= 9
    for name in packages:
        doc = ast.get_docstring(ast.parse((source / name / "__init__.py").read_text(encoding="utf-8"))) or ""
        assert re.search(r"^Layer: \w+.*May import", doc, flags=re.M | re.S), f"{name}/__init__.py says no layer"
