"""Building a cluster index: its catalog, a replica actor per shard and replica, then the articles.

مثال::

    >>> from arsearch.cluster import build_cluster
    >>> news, report = build_cluster(["news.jsonl.gz"], address="10.0.0.5:6379", name="news",
    ...                              data_dir="/srv/arsearch", shards=4, replicas=2)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ray
from ray.exceptions import RayError
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from ..errors import ClusterError
from ..index import DEFAULT_BATCH_SIZE, AddReport
from ..ingest import Format, read_records
from ..store import protected_words
from .client import DEFAULT_TIMEOUT, CatalogActor, ClusterIndex, ReplicaActor, catalog_layout, read_layout, start_ray
from .layout import NAMESPACE, Layout, catalog_name, check_name, place, replica_name

#: Searches one replica answers at once (its actor's threads); writes take the index's own lock.
REPLICA_CONCURRENCY = 8


def alive_nodes() -> list[str]:
    """The ids of the cluster's nodes that are alive now."""
    return [node["NodeID"] for node in ray.nodes() if node.get("Alive")]  # type: ignore[no-untyped-call]


def open_or_create_cluster(
    address: str | None,
    name: str,
    *,
    data_dir: str,
    shards: int | None = None,
    replicas: int | None = None,
    profile: str = "light",
    protected: Sequence[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
) -> ClusterIndex:
    """The index ``name`` on the cluster at ``address``, created with ``shards`` x ``replicas``
    (defaults 1 and 1) when it does not exist; an existing one must match what is given."""
    check_name(name)
    start_ray(address)
    layout = read_layout(name, timeout)
    if layout is None:
        options: dict[str, Any] = {"profile": profile, "protected": protected_words(protected)}
        wanted = Layout(
            name, shards or 1, replicas or 1, data_dir, place(shards or 1, replicas or 1, alive_nodes()), options
        )
        catalog: Any = CatalogActor.options(
            name=catalog_name(name), namespace=NAMESPACE, lifetime="detached", get_if_exists=True, max_restarts=-1
        ).remote(wanted.as_dict())
        # another build may have created it first: its layout wins
        layout = catalog_layout(catalog, name, timeout)
    else:
        _check_same(layout, shards, replicas, data_dir)
    handles: list[Any] = [
        ReplicaActor.options(
            name=replica_name(name, shard, replica),
            namespace=NAMESPACE,
            lifetime="detached",
            get_if_exists=True,
            max_restarts=-1,
            max_concurrency=REPLICA_CONCURRENCY,
            num_cpus=0,
            scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=False),
        ).remote(
            layout.replica_path(shard, replica),
            layout.create_options,
            [replica_name(name, shard, other) for other in range(layout.replicas) if other != replica],
        )
        for shard, nodes in enumerate(layout.nodes)
        for replica, node in enumerate(nodes)
    ]
    try:
        ray.get([handle.count.remote() for handle in handles], timeout=timeout)
    except RayError as error:
        raise ClusterError(f"index {name!r}: a replica could not start: {error}") from None
    return ClusterIndex(layout, timeout=timeout)


def _check_same(layout: Layout, shards: int | None, replicas: int | None, data_dir: str) -> None:
    for what, given, actual in (("shards", shards, layout.shards), ("replicas", replicas, layout.replicas)):
        if given is not None and given != actual:
            raise ClusterError(
                f"index {layout.name!r} exists with {actual} {what}, not {given}: "
                "build a new index under another name to change it"
            )
    if data_dir != layout.data_dir:
        raise ClusterError(f"index {layout.name!r} lives under --data-dir {layout.data_dir}, not {data_dir}")


def build_cluster(
    paths: Sequence[str],
    *,
    address: str | None,
    name: str,
    data_dir: str,
    shards: int | None = None,
    replicas: int | None = None,
    input_format: Format = "auto",
    field_map: Mapping[str, str] | None = None,
    update: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[AddReport], None] | None = None,
    profile: str = "light",
    protected: Sequence[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[ClusterIndex, AddReport]:
    """Create (or reopen) the cluster index ``name`` and index the articles of ``paths`` into it.

    Records are read and checked here, in input order, as ``arsearch index``
    does (bad ones reported with file:line); each shard's replicas analyze and
    commit their articles on their own nodes, the shards in parallel. Running
    it again after an interruption finishes the job without duplicates.
    """
    index = open_or_create_cluster(address, name, data_dir=data_dir, shards=shards, replicas=replicas, timeout=timeout)
    report = index.add(
        read_records(paths, input_format), update=update, batch_size=batch_size, field_map=field_map, progress=progress
    )
    return index, report
