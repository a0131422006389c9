"""Print the floors of arsearch's import graph: each top-level module or package of src/arsearch
stands one floor above the highest thing it imports (ground floor 1). Also counts the top-level
modules, import cycles between them, and names the largest file and class.

    python scripts/import_floors.py [--src src]

Uses grimp (import-linter's graph, installed with the dev extra): every import counts, also those
inside functions and under TYPE_CHECKING.
"""

from __future__ import annotations

import argparse
import ast
import sys
from functools import cache
from pathlib import Path

import grimp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default="src", help="the directory holding the arsearch package")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.src).resolve()))
    graph = grimp.build_graph("arsearch", cache_dir=None)
    units = sorted({module.split(".")[1] for module in graph.modules if module.count(".") >= 1})
    imports: dict[str, set[str]] = {unit: set() for unit in units}
    for module in graph.modules:
        if module.count(".") < 1:
            continue
        unit = module.split(".")[1]
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("arsearch.") and (other := imported.split(".")[1]) != unit:
                imports[unit].add(other)

    @cache
    def floor(unit: str, seen: frozenset[str] = frozenset()) -> int:
        if unit in seen:
            raise SystemExit(f"import cycle through {unit}")
        return 1 + max((floor(other, seen | {unit}) for other in imports[unit]), default=0)

    floors = {unit: floor(unit) for unit in units}
    package = Path(args.src) / "arsearch"
    modules = sorted(path.stem for path in package.glob("*.py"))
    packages = sorted(path.name for path in package.iterdir() if (path / "__init__.py").is_file())
    print(f"{len(modules)} modules directly in src/arsearch ({', '.join(modules)}), {len(packages)} packages")
    print(f"{max(floors.values())} floors, no import cycle between top-level modules and packages")
    for level in sorted(set(floors.values()), reverse=True):
        print(f"  floor {level:2}: {' '.join(sorted(unit for unit, f in floors.items() if f == level))}")
    files = [(len(path.read_text(encoding="utf-8").splitlines()), path) for path in package.rglob("*.py")]
    lines, largest = max(files)
    print(f"largest file: {largest.relative_to(args.src)} ({lines} lines)")
    classes = [
        (node.end_lineno - node.lineno + 1, f"{path.relative_to(args.src)}:{node.name}", node)
        for _, path in files
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and node.end_lineno is not None
    ]
    size, name, node = max(classes, key=lambda row: row[0])
    methods = sum(isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) for child in node.body)
    print(f"largest class: {name} ({size} lines, {methods} methods)")


if __name__ == "__main__":
    main()
