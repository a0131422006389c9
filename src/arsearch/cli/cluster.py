"""``arsearch cluster ...``: a sharded, replicated index on a Ray cluster."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import click

from ..index import ImportOptions
from ..records.ingest import IngestError
from .common import (
    batch_option,
    cluster_module,
    counted,
    dumps,
    fail,
    friendly_errors,
    input_options,
    options_of,
    parse_field_map,
    problems_option,
    report_import,
    search_options,
    searched,
    show_results,
)


@click.group("cluster")
def cluster_group() -> None:
    """A sharded, replicated index on a Ray cluster (pip install 'arsearch[cluster]'; see docs/scaling.md)."""


address_option = click.option(
    "--address",
    required=True,
    metavar="HOST:PORT",
    help="The Ray cluster's head node, as 'ray start --head' printed it ('auto': the one this machine belongs to).",
)
name_option = click.option("--name", required=True, help="The cluster index's name (letters, digits, _ . -).")
#: The cluster index a report is about, and its format.
cluster_report_options = options_of(
    address_option, name_option, click.option("--json", "as_json", is_flag=True, help="Print JSON.")
)


@cluster_group.command("build")
@click.argument("paths", nargs=-1, required=True)
@address_option
@name_option
@click.option("--data-dir", required=True, help="Where each node keeps its replicas (the same path on every node).")
@click.option("--shards", type=click.IntRange(1, 1024), default=None, help="Shards, for a new index [default: 1].")
@click.option(
    "--replicas", type=click.IntRange(min=1), default=None, help="Copies of each shard, on distinct nodes [default: 1]."
)
@input_options
@batch_option("Each shard commits every N of its articles.")
@click.option("--quiet", is_flag=True, help="No summary; problems still go to stderr.")
@problems_option
@friendly_errors
def cluster_build_command(
    paths: tuple[str, ...],
    address: str,
    name: str,
    data_dir: str,
    shards: int | None,
    replicas: int | None,
    input_format: str,
    field_map: str | None,
    update: bool,
    batch_size: int,
    quiet: bool,
    problems_file: Path | None,
) -> None:
    """Index articles from PATHS into the cluster index NAME, created if new.

    Bad records are skipped and reported with file:line, as by 'arsearch
    index'; re-running the same command finishes an interrupted build.
    """
    cluster = cluster_module()
    mapping = parse_field_map(field_map)
    try:
        _, report = cluster.build_cluster(
            list(paths),
            address=address,
            name=name,
            data_dir=data_dir,
            shards=shards,
            replicas=replicas,
            input_format=input_format,
            options=ImportOptions(field_map=mapping, update=update, batch_size=batch_size),
        )
    except (IngestError, ValueError) as error:
        fail(str(error))
    report_import(report, problems_file, quiet)


@cluster_group.command("info")
@cluster_report_options
@friendly_errors
def cluster_info_command(address: str, name: str, as_json: bool) -> None:
    """The cluster index's shards, replicas, article count, and each replica's node and state."""
    info = cluster_module().ClusterIndex.connect(address, name).info()
    if as_json:
        click.echo(dumps(info.as_dict()))
        return
    shards, replicas = counted(info.shards, "shard"), counted(info.replicas, "replica")
    click.echo(f"{info.name}: {counted(info.doc_count, 'article')} in {shards} x {replicas}")
    if info.missing_shards:
        click.echo(f"shards with no replica answering: {', '.join(map(str, info.missing_shards))}")
    for state in info.replica_states:
        where = f"shard {state.shard} replica {state.replica} on node {state.node[:12]}"
        if state.index is None:
            click.echo(f"  {where}: down ({state.error})")
        else:
            behind = ", may be behind (catches up at its next call)" if state.behind else ""
            click.echo(
                f"  {where}: {counted(state.index.doc_count, 'article')}, {state.index.size_bytes / 1e6:.1f} MB, "
                f"{counted(state.writes or 0, 'write')}{behind}"
            )


@cluster_group.command("repair")
@cluster_report_options
@friendly_errors
def cluster_repair_command(address: str, name: str, as_json: bool) -> None:
    """Start again the replicas that are gone (after losing a machine): on their node if it is alive,
    else on another; each copies a live replica of its shard before it serves."""
    restarted = cluster_module().repair_cluster(address, name)
    if as_json:
        click.echo(dumps([dataclasses.asdict(replica) for replica in restarted]))
        return
    if not restarted:
        click.echo(f"{name}: every replica answers; nothing to repair")
    for replica in restarted:
        where = f"moved to node {replica.node[:12]}" if replica.moved else f"on node {replica.node[:12]}"
        state = "current" if replica.current else "not current yet (no live replica of its shard to copy)"
        click.echo(f"shard {replica.shard} replica {replica.replica}: started again {where}, {state}")
    if any(not replica.current for replica in restarted):
        sys.exit(1)


@cluster_group.command("search")
@click.argument("query")
@address_option
@name_option
@search_options
@friendly_errors
def cluster_search_command(query: str, address: str, name: str, as_json: bool, **options: Any) -> None:
    """Search the cluster index NAME for QUERY (the query language of 'arsearch search')."""
    index = cluster_module().ClusterIndex.connect(address, name)
    show_results(searched(index, query, as_json, **options), as_json)
