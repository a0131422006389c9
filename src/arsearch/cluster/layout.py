"""Where a cluster index's articles live: shards by a stable hash of the id, replicas on distinct nodes.

Nothing here talks to Ray: the layout is plain data that the catalog actor
keeps, so that any client (``ClusterIndex.connect``) finds the same replicas
the build placed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import PurePath
from typing import Any

#: The Ray namespace of every arsearch actor, so that a client started anywhere finds them by name.
NAMESPACE = "arsearch"
#: The most shards one index may have (each is an index of its own, with its own files and actor).
MAX_SHARDS = 1024
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def check_name(name: str) -> str:
    """A cluster index's name: letters, digits, '_', '.', '-' (it names directories and actors)."""
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"bad index name {name!r}: use 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit"
        )
    return name


def shard_of(article_id: str, shards: int) -> int:
    """The shard of an article: the same on every machine and Python run (unlike ``hash``)."""
    digest = hashlib.blake2b(article_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def replica_name(index: str, shard: int, replica: int) -> str:
    """The Ray actor name of one replica."""
    return f"{index}/shard-{shard:04d}/replica-{replica}"


def catalog_name(index: str) -> str:
    """The Ray actor name of the catalog that keeps an index's layout."""
    return f"{index}/catalog"


@dataclass(frozen=True)
class Layout:
    """An index's shards and replicas: ``nodes[shard][replica]`` is the Ray node id serving that replica."""

    name: str
    shards: int
    replicas: int
    data_dir: str
    nodes: tuple[tuple[str, ...], ...]
    create_options: dict[str, Any]

    def every_replica(self) -> list[tuple[int, int]]:
        """(shard, replica) of every replica, shard by shard."""
        return [(shard, replica) for shard in range(self.shards) for replica in range(self.replicas)]

    def replica_path(self, shard: int, replica: int) -> str:
        """The replica's index directory, on the node that serves it."""
        return str(PurePath(self.data_dir, self.name, f"shard-{shard:04d}", f"replica-{replica}"))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Layout:
        return cls(
            name=data["name"],
            shards=data["shards"],
            replicas=data["replicas"],
            data_dir=data["data_dir"],
            nodes=tuple(tuple(row) for row in data["nodes"]),
            create_options=dict(data["create_options"]),
        )


def place(shards: int, replicas: int, nodes: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Replica ``r`` of shard ``s`` on node ``(s + r) mod len(nodes)``: replicas of a shard on
    distinct nodes, and each node serving about as many replicas as the others."""
    if not 1 <= shards <= MAX_SHARDS:
        raise ValueError(f"shards must be between 1 and {MAX_SHARDS}, not {shards}")
    if replicas < 1:
        raise ValueError(f"replicas must be at least 1, not {replicas}")
    if replicas > len(nodes):
        raise ValueError(
            f"{replicas} replicas need {replicas} nodes (each replica of a shard on its own node); "
            f"the cluster has {len(nodes)} alive"
        )
    ordered = sorted(nodes)
    return tuple(
        tuple(ordered[(shard + replica) % len(ordered)] for replica in range(replicas)) for shard in range(shards)
    )
