"""Calling the replicas of a cluster index through Ray: one live replica of every shard at once
(reads), or every replica of one shard (writes), with time-outs, fail-over to a shard's next
replica, and catch-up of a replica that missed writes before it answers again.
"""

from __future__ import annotations

import logging
import math
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import ray
from ray.exceptions import RayError, RayTaskError

from ..errors import ClusterError, IndexCorruptError, IndexWriteError
from .layout import NAMESPACE, Layout, catalog_name, replica_name
from .replica import Catalog, ReplicaBehindError, ShardReplica

#: Seconds a replica may take to answer before the shard's next replica is asked.
DEFAULT_TIMEOUT = 30.0
#: Seconds to wait for the head node's port to accept a connection.
CONNECT_TIMEOUT = 5.0
#: Seconds a replica that failed is asked last (it may be restarting).
DOWN_FOR = 10.0

_log = logging.getLogger(__name__)

ReplicaActor = ray.remote(ShardReplica)
CatalogActor = ray.remote(Catalog)

#: Failures of the replica rather than of the request: the shard's next replica is asked.
_REPLICA_FAILURES = (IndexCorruptError, IndexWriteError, OSError, ReplicaBehindError)


def start_ray(address: str | None) -> None:
    """Join the Ray cluster at ``address`` ("auto": the local one) unless this process already has."""
    if ray.is_initialized():
        return
    _check_reachable(address)
    try:
        ray.init(address=address, namespace=NAMESPACE, logging_level=logging.WARNING, log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as error:
        raise ClusterError(f"cannot join the Ray cluster at {address}: {error}") from None


def _check_reachable(address: str | None) -> None:
    """Fail at once on an address nobody listens at (Ray itself retries for a minute or more)."""
    if not address or address == "auto" or "://" in address:
        return
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ClusterError(f"bad Ray address {address!r}: give the head node as HOST:PORT, e.g. 10.0.0.5:6379")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as error:
        raise ClusterError(f"cannot reach the Ray cluster at {address}: {error}") from None


def read_layout(name: str, timeout: float = DEFAULT_TIMEOUT) -> Layout | None:
    """The layout of the index ``name`` on the cluster this process has joined; None if there is none."""
    try:
        catalog = ray.get_actor(catalog_name(name), namespace=NAMESPACE)
    except ValueError:
        return None
    return catalog_layout(catalog, name, timeout)


def catalog_layout(catalog: Any, name: str, timeout: float = DEFAULT_TIMEOUT) -> Layout:
    """The layout a catalog actor keeps (waiting up to ``timeout`` while Ray restarts the catalog
    elsewhere, after the loss of its node)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return Layout.from_dict(ray.get(catalog.layout.remote(), timeout=max(0.1, deadline - time.monotonic())))
        except RayError as error:
            if time.monotonic() >= deadline or isinstance(error, RayTaskError):
                raise ClusterError(f"the catalog of index {name!r} does not answer: {error}") from None
            time.sleep(0.5)


class Unanswered(Exception):
    """A replica could not answer (down, gone, timed out, or its index unreadable)."""


class Fanout:
    """The replicas of one cluster index, as this client sees them: their actor handles, which
    failed lately (asked last for a while), which may have missed writes. One instance may be
    shared by threads."""

    def __init__(self, layout: Layout, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.layout = layout
        self.name = layout.name
        self.timeout = timeout
        self._handles: dict[tuple[int, int], Any] = {}
        self._down_since: dict[tuple[int, int], float] = {}
        #: replicas that may have missed writes (one failed here): they catch up before answering
        self._suspects: set[tuple[int, int]] = set()
        self._turn = 0

    def suspect_laggards(self) -> None:
        """Count every replica's writes: one behind another replica of its shard catches up before it
        answers this client (it does on its own when restarted, or when a write failed on it)."""
        writes = {
            key: applied
            for key, applied in self.ask_every_replica("writes").items()
            if not isinstance(applied, Unanswered)
        }
        most: dict[int, int] = {}
        for (shard, _), applied in writes.items():
            most[shard] = max(most.get(shard, applied), applied)
        self._suspects.update(key for key, applied in writes.items() if applied < most[key[0]])

    def ask_every_replica(self, method: str) -> dict[tuple[int, int], Any]:
        """Every replica's answer to ``method``, each asked directly and at once (no fail-over):
        its value, or the ``Unanswered`` that stands for it."""
        references: dict[tuple[int, int], Any] = {}
        for shard, replica in self.layout.every_replica():
            try:
                references[(shard, replica)] = getattr(self.handle(shard, replica), method).remote()
            except Unanswered as error:
                references[(shard, replica)] = error
        answers: dict[tuple[int, int], Any] = {}
        for key, reference in references.items():
            try:
                answers[key] = reference if isinstance(reference, Unanswered) else value_of(reference, self.timeout)
            except Unanswered as error:
                answers[key] = error
        return answers

    def close(self) -> None:
        """Forget the actor handles (the cluster and its replicas keep running)."""
        self._handles.clear()

    def handle(self, shard: int, replica: int) -> Any:
        key = (shard, replica)
        handle = self._handles.get(key)
        if handle is None:
            try:
                handle = ray.get_actor(replica_name(self.name, shard, replica), namespace=NAMESPACE)
            except ValueError:  # gone for good (its node died and it cannot be placed again)
                raise Unanswered(f"replica {replica} of shard {shard} is gone") from None
            self._handles[key] = handle
        return handle

    def order(self, shard: int) -> list[int]:
        """The shard's replicas in the order to ask them: in turn, those that failed lately last."""
        self._turn += 1
        replicas = self.layout.replicas
        turn = [(self._turn + offset) % replicas for offset in range(replicas)]
        now = time.monotonic()
        return sorted(turn, key=lambda r: now - self._down_since.get((shard, r), -math.inf) < DOWN_FOR)

    def mark_down(self, shard: int, replica: int) -> None:
        self._down_since[(shard, replica)] = time.monotonic()
        self._handles.pop((shard, replica), None)  # looked up again next time (it may have been restarted)

    def submit(self, shard: int, replica: int, method: str, args: tuple[Any, ...]) -> Any:
        handle = self.handle(shard, replica)
        if (shard, replica) in self._suspects:
            try:
                current = ray.get(handle.catch_up.remote(), timeout=self.timeout)
            except RayError as error:
                raise Unanswered(f"replica {replica} of shard {shard} cannot catch up: {error}") from None
            if not current:
                raise Unanswered(f"replica {replica} of shard {shard} missed writes and cannot catch up yet")
            self._suspects.discard((shard, replica))
        return getattr(handle, method).remote(*args)

    def gather(
        self, method: str, args: Callable[[int], tuple[Any, ...]], shards: Iterable[int] | None = None
    ) -> tuple[dict[int, Any], list[int]]:
        """Ask one replica of every shard at once; a replica that fails or times out is replaced by
        the shard's next one. Returns the answers by shard and the shards no replica answered for."""
        answers: dict[int, Any] = {}
        missing: list[int] = []
        pending: dict[Any, tuple[int, int, list[int], float]] = {}

        def ask(shard: int, candidates: list[int]) -> None:
            while candidates:
                replica = candidates.pop(0)
                try:
                    reference = self.submit(shard, replica, method, args(shard))
                except Unanswered:
                    self.mark_down(shard, replica)
                    continue
                pending[reference] = (shard, replica, candidates, time.monotonic() + self.timeout)
                return
            missing.append(shard)

        for shard in range(self.layout.shards) if shards is None else shards:
            ask(shard, self.order(shard))
        while pending:
            wait_for = max(0.0, min(deadline for *_, deadline in pending.values()) - time.monotonic())
            ready, _ = ray.wait(list(pending), num_returns=1, timeout=wait_for)
            if not ready:  # the slowest replica is past its deadline: ask the shard's next one
                reference = min(pending, key=lambda ref: pending[ref][3])
                shard, replica, candidates, _ = pending.pop(reference)
                ray.cancel(reference, force=False)
                self.mark_down(shard, replica)
                ask(shard, candidates)
                continue
            reference = ready[0]
            shard, replica, candidates, _ = pending.pop(reference)
            try:
                answers[shard] = value_of(reference)
            except Unanswered:
                self.mark_down(shard, replica)
                ask(shard, candidates)
        return answers, sorted(missing)

    def any_shard(self, method: str, args: tuple[Any, ...]) -> Any:
        """The answer of the first shard one of whose replicas answers, for work every shard does
        alike (parsing, analysis); ``ClusterError`` when none does."""
        for shard in range(self.layout.shards):
            answers, _ = self.gather(method, lambda _: args, [shard])
            if answers:
                return answers[shard]
        raise ClusterError(f"index {self.name!r}: no replica answered")

    def everywhere(self, method: str, args: Callable[[int], tuple[Any, ...]]) -> dict[int, Any]:
        """``gather`` for a call that needs every shard (counts, ``info``): a missing shard is an error."""
        answers, missing = self.gather(method, args)
        if missing:
            raise ClusterError(f"index {self.name!r}: {describe_missing(missing)}")
        return answers

    def write_shard(self, shard: int, method: str, args: tuple[Any, ...], what: str) -> list[Any]:
        """Run a write on every replica of a shard and wait for all; the answers of those that committed."""
        return self.committed(shard, self.send_to_all(shard, method, args, what), what)

    def send_to_all(self, shard: int, method: str, args: tuple[Any, ...], what: str) -> list[tuple[int, Any]]:
        """Start a write on every replica of a shard that can be reached (``ClusterError`` if none);
        one id for it on all, so a replica that catches up meanwhile does not count it twice."""
        sent = []
        write_id = uuid.uuid4().hex
        for replica in range(self.layout.replicas):
            try:
                sent.append((replica, self.submit(shard, replica, method, (write_id, *args))))
            except Unanswered:
                self.missed_write(shard, replica)
        if not sent:
            raise ClusterError(f"index {self.name!r}: {what} not written: {describe_missing([shard])}")
        return sent

    def missed_write(self, shard: int, replica: int) -> None:
        """A write did not reach a replica: it catches up before it answers anyone again. Told now if
        it can be reached (it may be a new actor over the old directory), and before this client's
        next call to it in any case (it is also told when restarted)."""
        self.mark_down(shard, replica)
        self._suspects.add((shard, replica))
        try:
            ray.get(self.handle(shard, replica).mark_behind.remote(), timeout=CONNECT_TIMEOUT)
        except (Unanswered, RayError):
            self._handles.pop((shard, replica), None)

    def committed(self, shard: int, sent: list[tuple[int, Any]], what: str) -> list[Any]:
        """Wait for the replicas a write went to: the answers of those that committed
        (``ClusterError`` if none did)."""
        answers = []
        for replica, reference in sent:
            try:
                answers.append(value_of(reference))
            except Unanswered:
                self.missed_write(shard, replica)
        if not answers:
            raise ClusterError(f"index {self.name!r}: {what} not written: {describe_missing([shard])}")
        return answers


def value_of(reference: Any, timeout: float | None = None) -> Any:
    """A replica's answer; its own errors (a bad filter...) are raised as they are, its failures
    (gone, timed out, index unreadable) as ``Unanswered``."""
    try:
        return ray.get(reference, timeout=timeout)
    except RayTaskError as error:
        cause = error.cause
        if isinstance(cause, _REPLICA_FAILURES):
            raise Unanswered(str(cause)) from None
        if isinstance(cause, Exception):
            raise cause from None
        raise Unanswered(str(error)) from None
    except RayError as error:
        raise Unanswered(f"{type(error).__name__}: {error}") from None


def describe_missing(shards: Sequence[int]) -> str:
    listed = ", ".join(str(shard) for shard in shards)
    return f"no replica of shard{'s' if len(shards) > 1 else ''} {listed} answered"
