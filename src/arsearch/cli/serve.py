"""``arsearch serve``: the HTTP API and search page over an index or a cluster index."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..index import INDEX_ENV_VAR, SearchIndex, default_index_path
from .common import cluster_module, fail, friendly_errors, index_option


@click.command("serve")
@index_option
@click.option(
    "--cluster",
    "cluster_address",
    metavar="HOST:PORT",
    help="Serve a cluster index instead: the Ray head node ('arsearch cluster build'); needs --name.",
)
@click.option("--name", "cluster_name", help="The cluster index to serve (with --cluster).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--write-token",
    envvar="ARSEARCH_WRITE_TOKEN",
    help="Allow POST/DELETE /articles with 'Authorization: Bearer TOKEN' [env: ARSEARCH_WRITE_TOKEN].",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes (searches are CPU-bound Python: about one per core).",
)
@friendly_errors
def serve_command(
    index_path: Path | None,
    cluster_address: str | None,
    cluster_name: str | None,
    host: str,
    port: int,
    write_token: str | None,
    workers: int,
) -> None:
    """Serve the index over HTTP: the JSON API and a search page at / (see arsearch.web)."""
    try:
        import uvicorn

        from ..web import CLUSTER_ENV_VAR, CLUSTER_INDEX_ENV_VAR, create_app
    except ImportError:
        fail("the web server needs extra packages: pip install 'arsearch[web]'")
    if (cluster_address is None) != (cluster_name is None):
        fail("serving a cluster index takes both --cluster HOST:PORT and --name NAME")
    if cluster_address is not None and index_path is not None:
        fail("give --index or --cluster, not both")
    served: SearchIndex | Path
    if cluster_address is not None and cluster_name is not None:
        served = cluster_module().ClusterIndex.connect(cluster_address, cluster_name)
        what = f"cluster index {cluster_name!r} at {cluster_address}"
        os.environ[CLUSTER_ENV_VAR], os.environ[CLUSTER_INDEX_ENV_VAR] = cluster_address, cluster_name
    else:
        served = index_path or default_index_path()
        what = str(served)
        os.environ[INDEX_ENV_VAR] = str(served)
    app = create_app(served, write_token=write_token)  # opens the index: a bad path fails here, in one line
    mode = "read-write (token set)" if write_token else "read-only"
    processes = f", {workers} processes" if workers > 1 else ""
    click.echo(f"serving {what} on http://{host}:{port} ({mode}{processes})", err=True)
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    # each worker process builds its own app from the environment (uvicorn imports it by name)
    if write_token:
        os.environ["ARSEARCH_WRITE_TOKEN"] = write_token
    uvicorn.run(
        "arsearch.web:app_from_environment", factory=True, host=host, port=port, workers=workers, log_level="warning"
    )
