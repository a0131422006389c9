"""Building a cluster index: its catalog, a replica actor per shard and replica, then the articles.

مثال::

    >>> from arsearch.cluster import build_cluster
    >>> news, report = build_cluster(["news.jsonl.gz"], address="10.0.0.5:6379", name="news",
    ...                              data_dir="/srv/arsearch", shards=4, replicas=2)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ray
from ray.exceptions import RayError
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from ..errors import ClusterError
from ..index import AddReport, ImportOptions
from ..records.ingest import Format, read_records
from ..store.settings import protected_words
from .client import ClusterIndex
from .fanout import DEFAULT_TIMEOUT, CatalogActor, ReplicaActor, catalog_layout, read_layout, start_ray
from .layout import NAMESPACE, Layout, catalog_name, check_name, place, replica_name
from .replica import COPY_TIMEOUT

#: Searches one replica answers at once (its actor's threads); writes take the index's own lock.
REPLICA_CONCURRENCY = 8
#: Seconds a replica has to answer ``repair_cluster``'s probe before it counts as gone.
PROBE_TIMEOUT = 10.0


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
    handles = [_start_replica(layout, shard, replica) for shard, replica in layout.every_replica()]
    try:
        ray.get([handle.count.remote() for handle in handles], timeout=timeout)
    except RayError as error:
        raise ClusterError(f"index {name!r}: a replica could not start: {error}") from None
    return ClusterIndex(layout, timeout=timeout)


def _start_replica(layout: Layout, shard: int, replica: int) -> Any:
    """The replica's actor on its node (the one running already, if any)."""
    return ReplicaActor.options(
        name=replica_name(layout.name, shard, replica),
        namespace=NAMESPACE,
        lifetime="detached",
        get_if_exists=True,
        max_restarts=-1,
        max_concurrency=REPLICA_CONCURRENCY,
        num_cpus=0,
        scheduling_strategy=NodeAffinitySchedulingStrategy(layout.nodes[shard][replica], soft=False),
    ).remote(
        layout.replica_path(shard, replica),
        layout.create_options,
        [replica_name(layout.name, shard, other) for other in range(layout.replicas) if other != replica],
    )


@dataclass(frozen=True)
class Restarted:
    """A replica ``repair_cluster`` started again: on which node (``moved``: not its old one), and
    whether it is current (it copied a live replica of its shard if it was behind)."""

    shard: int
    replica: int
    node: str
    moved: bool
    current: bool


def repair_cluster(address: str | None, name: str, *, timeout: float = DEFAULT_TIMEOUT) -> list[Restarted]:
    """Start again every replica of the index ``name`` that is gone: on its node if that is alive,
    else on an alive node that holds no other replica of its shard (its directory is then a copy of a
    live replica's, made before it serves). Replicas that answer are left alone.

    Ray restarts a replica whose process died, but not one whose node is gone (a
    node that comes back is a new node to Ray); run this after losing a machine.
    """
    start_ray(address)
    layout = read_layout(name, timeout)
    if layout is None:
        raise ClusterError(f"no index named {name!r} on the Ray cluster at {address}")
    alive = set(alive_nodes())
    gone = [(shard, replica) for shard, replica in layout.every_replica() if not _answers(layout, shard, replica)]
    nodes = [list(row) for row in layout.nodes]
    for shard, replica in gone:
        if nodes[shard][replica] in alive:
            continue
        taken = {node for other, node in enumerate(nodes[shard]) if other != replica}
        free = sorted(alive - taken, key=lambda node: (sum(row.count(node) for row in nodes), node))
        if not free:
            raise ClusterError(
                f"index {name!r}: no alive node without another replica of shard {shard} to restart replica "
                f"{replica} on; add a node ('ray start --address ...') and run this again"
            )
        nodes[shard][replica] = free[0]
    moved = dataclasses.replace(layout, nodes=tuple(tuple(row) for row in nodes))
    if moved != layout:
        _replace_catalog(moved, timeout)
    restarted = []
    for shard, replica in gone:
        handle = _start_replica(moved, shard, replica)
        try:
            current = bool(ray.get(handle.catch_up.remote(), timeout=COPY_TIMEOUT))
        except RayError:
            current = False
        node = moved.nodes[shard][replica]
        restarted.append(Restarted(shard, replica, node, node != layout.nodes[shard][replica], current))
    return restarted


def _answers(layout: Layout, shard: int, replica: int) -> bool:
    """Whether the replica's actor is there and answers; a dead one is removed (its name is freed)."""
    try:
        handle = ray.get_actor(replica_name(layout.name, shard, replica), namespace=NAMESPACE)
    except ValueError:
        return False
    try:
        ray.get(handle.writes.remote(), timeout=PROBE_TIMEOUT)
        return True
    except RayError:
        ray.kill(handle, no_restart=True)  # waiting for a node that will not come back
        return False


def _replace_catalog(layout: Layout, timeout: float) -> None:
    """Put a catalog keeping ``layout`` in place of the index's (a restarted catalog starts from its
    first layout, so the old one is removed rather than told)."""
    with contextlib.suppress(ValueError):  # none: nothing to remove
        ray.kill(ray.get_actor(catalog_name(layout.name), namespace=NAMESPACE), no_restart=True)
    deadline = time.monotonic() + timeout
    while True:
        try:
            catalog = CatalogActor.options(
                name=catalog_name(layout.name), namespace=NAMESPACE, lifetime="detached", max_restarts=-1
            ).remote(layout.as_dict())
            catalog_layout(catalog, layout.name, timeout)
            return
        except ValueError:  # the old name is freed a moment after the kill
            if time.monotonic() > deadline:
                raise ClusterError(f"index {layout.name!r}: the catalog could not be replaced") from None
            time.sleep(0.2)


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
    options: ImportOptions | None = None,
    profile: str = "light",
    protected: Sequence[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[ClusterIndex, AddReport]:
    """Create (or reopen) the cluster index ``name`` and index the articles of ``paths`` into it.

    Records are read and checked here, in input order, as ``arsearch index``
    does (bad ones reported with file:line); each shard's replicas analyze and
    commit their articles on their own nodes, the shards in parallel. Running
    it again after an interruption finishes the job without duplicates.
    ``options``: how the articles are imported (``ImportOptions``, as ``ClusterIndex.add`` takes them).
    """
    index = open_or_create_cluster(address, name, data_dir=data_dir, shards=shards, replicas=replicas, timeout=timeout)
    report = index.add(read_records(paths, input_format), options)
    return index, report
