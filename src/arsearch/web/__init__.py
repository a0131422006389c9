"""An HTTP API over an index: ``create_app(index_or_path)`` returns an ASGI app (Starlette).

Run it alone (``arsearch serve``, or any ASGI server) or mount it inside your
own Starlette/FastAPI app::

    from fastapi import FastAPI
    from arsearch.web import create_app

    app = FastAPI()
    app.mount("/search-api", create_app("indexes/news"))

Flask and Django (WSGI) can serve it through the ``a2wsgi`` package:
``ASGIMiddleware(create_app("indexes/news"))``.

Endpoints (JSON, UTF-8; errors are ``{"error": {"status", "message"}}``):

* ``GET /search?q=&page=&limit=&source=&category=&from=&to=&sort=&collapse=&variants=&match=``
* ``GET /articles/{id}``, ``GET /articles/{id}/related?limit=``, ``GET /articles/{id}/duplicates``
* ``GET /suggest?q=&limit=``, ``GET /health``, ``GET /openapi.json``
* ``GET /``: a right-to-left search page (``static/``) using the endpoints above
* ``POST /articles`` (one article or a list) and ``DELETE /articles/{id}``: only
  when the app has a write token (``write_token=`` or ``$ARSEARCH_WRITE_TOKEN``),
  sent as ``Authorization: Bearer TOKEN``; refused otherwise.

The index is shared by the server's worker threads (``Index`` is safe for
that) and new commits are picked up by the next request. A cluster index
(``arsearch.cluster.ClusterIndex``) is served the same way: ``create_app(cluster_index)``,
or ``arsearch serve --cluster HOST:PORT --name NAME``; when a shard has no replica
left, searches answer ``partial: true`` and writes to it ``503``.

Layer: edge. May import the facade (``index``) and the layers below it, and ``cluster`` for a
cluster index served; never ``cli``.

مثال::

    >>> from starlette.testclient import TestClient                 # doctest: +SKIP
    >>> TestClient(create_app("indexes/news")).get("/search", params={"q": "المملكة"}).json()["total"]
"""

from .app import CLUSTER_ENV_VAR, CLUSTER_INDEX_ENV_VAR, WRITE_TOKEN_ENV_VAR, app_from_environment, create_app

__all__ = ["CLUSTER_ENV_VAR", "CLUSTER_INDEX_ENV_VAR", "WRITE_TOKEN_ENV_VAR", "app_from_environment", "create_app"]
