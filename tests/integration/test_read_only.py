"""An index on read-only storage opens, searches and answers related and suggest; writes say why not.

The index is bind-mounted read-only in a private mount namespace (``unshare``),
so even root cannot write it: file permissions alone would not stop root.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from arsearch import Index
from arsearch.records.ingest import read_records
from helpers import SAMPLE

# Runs inside the namespace, on the read-only mount; prints what it saw as JSON.
CHECK = textwrap.dedent(
    """
    import json, os, subprocess, sys
    from arsearch import Index
    from arsearch.errors import IndexWriteError
    path = sys.argv[1]
    seen = {}
    try:
        open(os.path.join(path, "probe"), "w").close()
        seen["probe"] = "written"
    except OSError as error:
        seen["probe"] = error.strerror
    with Index.open(path) as index:
        seen.update(answers(index))
        for name, write in [
            ("add", lambda: index.add([{"id": "new", "title": "عنوان", "text": "نص جديد"}])),
            ("delete", lambda: index.delete("sample-05")),
            ("refit", index.topics.refit),
            ("synonyms", lambda: index.synonyms.add(["أمريكا", "الولايات المتحدة"])),
        ]:
            try:
                write()
                seen[name] = "written"
            except IndexWriteError as error:
                seen[name] = str(error)
    cli = [sys.executable, "-m", "arsearch"]
    query = "زيارة وزير الخارجية"
    search = subprocess.run([*cli, "search", query, "--index", path, "--json"], capture_output=True, text=True)
    seen["cli_search"] = [search.returncode, json.loads(search.stdout)["total"] if search.returncode == 0 else None]
    record = os.path.join(os.environ["TMPDIR_WRITABLE"], "one.jsonl")
    with open(record, "w", encoding="utf-8") as out:
        out.write(json.dumps({"id": "x", "title": "عنوان", "text": "نص"}) + "\\n")
    index_run = subprocess.run([*cli, "index", record, "--index", path], capture_output=True, text=True)
    seen["cli_index"] = [index_run.returncode, index_run.stderr.strip().splitlines()]
    repair = subprocess.run([*cli, "repair", "--index", path], capture_output=True, text=True)
    seen["cli_repair"] = [repair.returncode, repair.stderr.strip().splitlines()]
    seen["files"] = sorted(os.listdir(path))
    print(json.dumps(seen, ensure_ascii=False))
    """
)

ANSWERS = textwrap.dedent(
    """
    def answers(index):
        results = index.search("زيارة وزير الخارجية")
        return {
            "len": len(index),
            "hits": [hit.id for hit in results.hits],
            "total": results.total,
            "snippet": results.hits[0].snippets[0].text,
            "root_search": index.search("root:درس").total,
            "related": [related.id for related in index.related("sample-05")],
            "suggest": [suggestion.text for suggestion in index.suggest("الممل")],
            "get": index.get("sample-05").title,
            # the spelling dictionary (SQLite) is read on read-only storage too
            "spelled": len(index.snapshot().spelling_source().spelled("")),
        }
    """
)


def answers(index: Index) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(ANSWERS, namespace)
    result: dict[str, Any] = namespace["answers"](index)
    return result


def namespace_command() -> list[str] | None:
    """``unshare`` with a private mount namespace (as root, or as a user mapped to root), if allowed."""
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return None
    for command in (["unshare", "--mount", "--propagation", "private"], ["unshare", "--map-root-user", "--mount"]):
        probe = subprocess.run([*command, "true"], capture_output=True)
        if probe.returncode == 0:
            return command
    return None


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("readonly") / "ix"
    with Index.create(path) as index:
        index.add(read_records([str(SAMPLE)]))
        return path, answers(index)


def test_an_index_on_read_only_storage_searches_and_refuses_writes(
    built: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    unshare = namespace_command()
    if unshare is None:
        pytest.skip("needs unshare and mount (a private mount namespace) to mount the index read-only")
    path, writable_answers = built
    files_before = sorted(entry.name for entry in path.iterdir())
    script = ANSWERS + CHECK
    mount_and_run = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$2" -c "$3" "$1"'
    completed = subprocess.run(
        [*unshare, "sh", "-c", mount_and_run, "sh", str(path), sys.executable, script],
        capture_output=True,
        text=True,
        env={**_environment(), "TMPDIR_WRITABLE": str(tmp_path)},
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    seen = json.loads(completed.stdout.strip().splitlines()[-1])
    assert seen["probe"] == "Read-only file system"  # the mount really is read-only
    for key, value in writable_answers.items():
        assert seen[key] == value, key  # the same answers as on writable storage
    assert seen["len"] > 20 and seen["hits"] and seen["related"] and seen["suggest"]
    for name in ("add", "delete", "refit", "synonyms"):
        assert "read-only storage" in seen[name], (name, seen[name])
    assert seen["cli_search"] == [0, writable_answers["total"]]
    for name in ("cli_index", "cli_repair"):
        code, lines = seen[name]
        assert code != 0 and len(lines) == 1 and "read-only storage" in lines[0], (name, lines)
        assert "Traceback" not in " ".join(lines)
    assert seen["files"] == files_before  # nothing was written (no lock file either)
    with Index.open(path) as index:  # and the index is intact where it is writable
        assert answers(index) == writable_answers


def test_a_directory_without_write_permission_is_read_only_too(built: tuple[Path, dict[str, Any]]) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root writes through permission bits; the read-only mount test covers root")
    path, writable_answers = built
    mode = path.stat().st_mode
    path.chmod(0o555)
    try:
        with Index.open(path) as index:
            assert answers(index) == writable_answers
            with pytest.raises(Exception, match="read-only storage"):
                index.add([{"id": "new", "title": "عنوان", "text": "نص"}])
    finally:
        path.chmod(mode)


def _environment() -> dict[str, str]:
    import os

    return dict(os.environ)
