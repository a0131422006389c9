"""A sharded, replicated arsearch index on a Ray cluster (``pip install arsearch[cluster]``).

An index is N shards (by a stable hash of the article id), each with R
replicas on distinct nodes; every replica is an ordinary arsearch index
directory under the build's ``data_dir`` on the node that serves it. Ray
places the replicas, restarts them and carries the calls; the analysis,
search and related code are the library's own. See docs/scaling.md.

Layer: edge, under ``web`` and ``cli``. May import the facade (``index``) and every layer
below it; the only package that imports Ray.

مثال::

    >>> from arsearch.cluster import ClusterIndex, build_cluster
    >>> news, report = build_cluster(["news.jsonl.gz"], address="auto", name="news",
    ...                              data_dir="/srv/arsearch", shards=4, replicas=2)  # doctest: +SKIP
    >>> ClusterIndex.connect("auto", "news").search("الرياض").total                    # doctest: +SKIP
"""

from __future__ import annotations

from .build import Restarted, build_cluster, open_or_create_cluster, repair_cluster
from .client import ClusterIndex, ClusterInfo, ReplicaInfo
from .layout import Layout, shard_of

__all__ = [
    "ClusterIndex",
    "ClusterInfo",
    "Layout",
    "ReplicaInfo",
    "Restarted",
    "build_cluster",
    "open_or_create_cluster",
    "repair_cluster",
    "shard_of",
]
