"""Where an index's bytes go: each kind of engine file, the files beside it, and each stored field.

    python benchmarks/bench_size.py [--index indexes/saudinewsnet]

The engine's files are summed by kind (tantivy: ``.store`` the stored documents, ``.idx`` the
postings, ``.pos`` the positions, ``.term`` the term dictionaries, ``.fast`` and ``.fieldnorm``);
arsearch's own files beside them are listed one by one (the spelling dictionary, the spellings
judged ahead, the topic model...). The stored documents are then read back, field by field
(``engine.schema.STORED_FIELDS``: the article as JSON, its near-duplicate sketch, its text's stem
counts), and each field's bytes compressed in blocks as the document store does (zlib at
level 1 standing in for the engine's LZ4): the ``.store`` total is shared out in those
proportions. Prints one JSON line and a table.
"""

from __future__ import annotations

import argparse
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any

from _common import SAUDINEWSNET_INDEX, open_saudinewsnet_index, print_report
from arsearch.engine.tantivy_engine import STORE_BLOCK_BYTES

#: The block the document store compresses at once.
BLOCK_BYTES = STORE_BLOCK_BYTES


def file_sizes(directory: Path) -> tuple[dict[str, int], dict[str, int]]:
    """Bytes by engine file kind (a segment's extension), and arsearch's own files by name."""
    engine: dict[str, int] = defaultdict(int)
    own: dict[str, int] = {}
    for path in directory.iterdir():
        if not path.is_file():
            continue
        stem, _, kind = path.name.partition(".")
        if len(stem) == 32 and all(c in "0123456789abcdef" for c in stem):  # a segment's file
            engine[kind] += path.stat().st_size
        else:
            own[path.name] = path.stat().st_size
    return dict(engine), own


def stored_fields(index: Any) -> dict[str, tuple[int, int]]:
    """Each stored field's raw bytes and its bytes compressed in ``BLOCK_BYTES`` blocks."""
    from arsearch.engine.schema import STORED_FIELDS

    view = index.snapshot().view
    raw = dict.fromkeys(STORED_FIELDS, 0)
    packed = dict.fromkeys(STORED_FIELDS, 0)
    pending: dict[str, list[bytes]] = {name: [] for name in STORED_FIELDS}
    pending_bytes = dict.fromkeys(STORED_FIELDS, 0)

    def flush(name: str) -> None:
        packed[name] += len(zlib.compress(b"".join(pending[name]), 1))
        pending[name], pending_bytes[name] = [], 0

    for address in view.addresses():
        document = view.stored(address)
        for name in STORED_FIELDS:
            value = document.field(name) or b""
            raw[name] += len(value)
            pending[name].append(value)
            pending_bytes[name] += len(value)
            if pending_bytes[name] >= BLOCK_BYTES:
                flush(name)
    for name in STORED_FIELDS:
        flush(name)
    return {name: (raw[name], packed[name]) for name in STORED_FIELDS}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=SAUDINEWSNET_INDEX)
    args = parser.parse_args(argv)
    if args.index == SAUDINEWSNET_INDEX:
        index = open_saudinewsnet_index(args.index)  # built from the corpus when missing
    else:
        from arsearch import Index

        index = Index.open(args.index)
    engine, own = file_sizes(args.index)
    fields = stored_fields(index)
    total = sum(engine.values()) + sum(own.values())
    store = engine.get("store", 0)
    packed_total = sum(packed for _, packed in fields.values()) or 1
    mb = 1e6
    table = [("part", "MB", "share")]
    for kind, size in sorted(engine.items(), key=lambda item: -item[1]):
        table.append((f"engine .{kind}", f"{size / mb:.1f}", f"{size / total:.0%}"))
        if kind == "store":
            for name, (raw, packed) in fields.items():
                share = store * packed / packed_total
                table.append((f"  stored {name} (raw {raw / mb:.1f} MB)", f"~{share / mb:.1f}", f"{share / total:.0%}"))
    for name, size in sorted(own.items(), key=lambda item: -item[1]):
        table.append((name, f"{size / mb:.2f}", f"{size / total:.0%}"))
    table.append(("total", f"{total / mb:.1f}", "100%"))
    figures = {
        "index": str(args.index),
        "articles": index.snapshot().doc_count,
        "total_bytes": total,
        "engine_bytes": engine,
        "own_bytes": own,
        "stored_fields": {name: {"raw": raw, "compressed_zlib1": packed} for name, (raw, packed) in fields.items()},
    }
    print_report(figures, table)
    return figures


if __name__ == "__main__":
    main()
