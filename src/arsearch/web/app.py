"""The ASGI app (Starlette) of the HTTP API and search page: ``create_app(index_or_path)``;
the endpoints are listed in ``arsearch.web``'s docstring and ``openapi``."""

from __future__ import annotations

import contextlib
import functools
import hmac
import inspect
import os
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..analysis import dictionary
from ..errors import (
    ArsearchError,
    ArticleNotFoundError,
    BatchRejectedError,
    ClusterError,
    IndexLockedError,
    IndexWriteError,
    StrictModeError,
)
from ..index import ImportOptions, Index, SearchIndex, SearchOptions, default_index_path
from ..query import MATCH_LEVELS, MAX_QUERY_CHARS
from ..records.articles import ArticleError
from ..search.options import SORTS, FilterError
from ..store.importing import item_location
from ..version import __version__
from .limits import MAX_API_LIMIT, MAX_API_PAGE, MAX_BODY_BYTES, MAX_RELATED_LIMIT, MAX_SUGGEST_LIMIT
from .openapi import OPENAPI

WRITE_TOKEN_ENV_VAR = "ARSEARCH_WRITE_TOKEN"
#: The search API's parameter for each filter of ``SearchOptions``.
API_PARAMETERS = {"source": "source", "category": "category", "date_from": "from", "date_to": "to"}
#: Where ``app_from_environment`` finds a cluster index (``arsearch serve --cluster --name``).
CLUSTER_ENV_VAR = "ARSEARCH_CLUSTER"
CLUSTER_INDEX_ENV_VAR = "ARSEARCH_CLUSTER_INDEX"
#: A write waits this long for another writer (another worker, an import) before a 409.
WRITE_WAIT_SECONDS = 10.0
#: Bad records listed one by one in a rejected POST (the count says how many there were).
MAX_LISTED_PROBLEMS = 100
#: The search page and its script and style, served by the app itself (no CDN).
STATIC_DIR = Path(__file__).with_name("static")
#: The page runs only its own script: no inline script, nothing from elsewhere,
#: so text from the index cannot become code even if it slipped through escaping.
PAGE_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class OrjsonResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


class ApiError(Exception):
    """An error answered as JSON with an HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str, **details: Any) -> OrjsonResponse:
    return OrjsonResponse({"error": {"status": status, "message": message, **details}}, status_code=status)


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"'{name}' must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ApiError(400, f"'{name}' must be between {low} and {high}")
    return value


#: How a query parameter says yes or no (``collapse=false``, ``update=1``).
_YES = ("1", "true", "yes")
_NO = ("0", "false", "no")


def _flag(request: Request, name: str, *, default: bool) -> bool:
    raw = (request.query_params.get(name) or "").lower()
    if not raw:
        return default
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise ApiError(400, f"'{name}' must be true or false, not {raw!r}")


def _values(request: Request, name: str) -> list[str] | None:
    values = [value for value in request.query_params.getlist(name) if value]
    return values or None


class Api:
    """The endpoints, bound to one index."""

    def __init__(self, index: SearchIndex, write_token: str | None) -> None:
        self.index = index
        self.write_token = write_token

    def health(self, request: Request) -> OrjsonResponse:
        info = self.index.info()
        return OrjsonResponse(
            {"status": "ok", "articles": info.doc_count, "updated": info.updated, "version": __version__}
        )

    def search(self, request: Request) -> OrjsonResponse:
        query = request.query_params.get("q", "")
        if len(query) > MAX_QUERY_CHARS:
            raise ApiError(400, f"'q' is longer than {MAX_QUERY_CHARS} characters")
        sort = request.query_params.get("sort") or "relevance"
        if sort not in SORTS:
            raise ApiError(400, f"'sort' must be one of {', '.join(SORTS)}")
        match = request.query_params.get("match") or None
        if match is not None and match not in MATCH_LEVELS:
            raise ApiError(400, f"'match' must be one of {', '.join(MATCH_LEVELS)}")
        filters: dict[str, Any] = {}
        for name in ("source", "category"):
            if values := _values(request, name):
                filters[name] = values
        for key, name in API_PARAMETERS.items():
            if key.startswith("date_") and (value := request.query_params.get(name)):
                filters[key] = value
        options = SearchOptions(
            limit=_int_param(request, "limit", 10, 1, MAX_API_LIMIT),
            page=_int_param(request, "page", 1, 1, MAX_API_PAGE),
            filters=filters or None,
            sort=sort,  # checked above
            collapse=_flag(request, "collapse", default=True),
            variants=_flag(request, "variants", default=True),
            match=match,  # checked above
            rewrite=_flag(request, "rewrite", default=True),
        )
        try:
            results = self.index.search(query, options)
        except FilterError as error:  # said with the API's own parameter name
            raise ApiError(400, f"'{API_PARAMETERS.get(error.key, error.key)}': {error.reason}") from None
        return OrjsonResponse(results.as_dict())

    def article(self, request: Request) -> OrjsonResponse:
        return OrjsonResponse(self.index.get(request.path_params["article_id"]).to_record())

    def related(self, request: Request) -> OrjsonResponse:
        limit = _int_param(request, "limit", 5, 1, MAX_RELATED_LIMIT)
        items = self.index.related(request.path_params["article_id"], limit=limit)
        return OrjsonResponse([item.as_dict() for item in items])

    def duplicates(self, request: Request) -> OrjsonResponse:
        return OrjsonResponse(self.index.duplicates(request.path_params["article_id"]))

    def suggest(self, request: Request) -> OrjsonResponse:
        prefix = request.query_params.get("q", "")
        if len(prefix) > MAX_QUERY_CHARS:
            raise ApiError(400, f"'q' is longer than {MAX_QUERY_CHARS} characters")
        limit = _int_param(request, "limit", 10, 1, MAX_SUGGEST_LIMIT)
        return OrjsonResponse([s.as_dict() for s in self.index.suggest(prefix, limit=limit)])

    async def add(self, request: Request) -> OrjsonResponse:
        self._authorize(request)
        too_large = ApiError(413, f"the body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB")
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise too_large
        chunks, size = [], 0
        async for chunk in request.stream():  # never more than the limit in memory
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise too_large
            chunks.append(chunk)
        body = b"".join(chunks)
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError as error:
            raise ApiError(400, f"the body is not JSON ({error})") from None
        articles = payload if isinstance(payload, list) else [payload]
        if not all(isinstance(article, dict) for article in articles):
            raise ApiError(400, "send one article (a JSON object) or a list of them")
        update = _flag(request, "update", default=False)
        partial = _flag(request, "partial", default=False)
        # indexing is blocking work: off the event loop, so searches keep being served; one commit
        # for the whole request, made before the answer: a 2xx means every article written is durable
        options = ImportOptions(
            update=update,
            batch_size=max(1, len(articles)),
            wait=WRITE_WAIT_SECONDS,
            all_or_nothing=not partial,
            item_outcomes=partial,
        )
        add = functools.partial(self.index.add, articles, options)
        try:
            report = await run_in_threadpool(add)
        except BatchRejectedError as rejected:
            numbers = {item_location(number): number for number in range(1, len(articles) + 1)}
            problems = [{"item": numbers[bad.location], "reason": bad.reason} for bad in rejected.problems]
            return error_response(
                400, str(rejected), problems=problems[:MAX_LISTED_PROBLEMS], bad_records=len(problems)
            )
        counts = {"added": report.added, "updated": report.updated, "unchanged": report.unchanged, "kept": report.kept}
        if not partial:
            return OrjsonResponse(counts, status_code=201)
        reasons = {problem.location: problem.reason for problem in report.problems}
        items = [
            {
                "item": number,
                "status": fate,
                **({"reason": reasons[item_location(number)]} if fate == "skipped" else {}),
            }
            for number, fate in enumerate(report.outcomes or [], 1)
        ]
        return OrjsonResponse(
            {**counts, "skipped": len(report.problems), "errors": bool(report.problems), "items": items}
        )

    def delete(self, request: Request) -> Response:
        self._authorize(request)
        if not self.index.delete(request.path_params["article_id"]):
            raise ArticleNotFoundError("no such article", request.path_params["article_id"])
        return Response(status_code=204)

    def openapi(self, request: Request) -> OrjsonResponse:
        return OrjsonResponse(OPENAPI)

    def page(self, request: Request) -> Response:
        return FileResponse(STATIC_DIR / "index.html", headers=PAGE_SECURITY_HEADERS, media_type="text/html")

    def _authorize(self, request: Request) -> None:
        if not self.write_token:
            raise ApiError(403, "this server is read-only (start it with a write token to allow changes)")
        given = request.headers.get("authorization", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), self.write_token.encode()):
            raise ApiError(401, "a valid 'Authorization: Bearer TOKEN' header is needed to change the index")


#: The errors an endpoint answers as JSON (anything else is a 500).
_ANSWERED = (ArsearchError, ApiError, ArticleError, ValueError)


def _guarded(endpoint: Callable[[Request], Any]) -> Callable[[Request], Any]:
    """Turn arsearch's errors into JSON answers with the right status."""

    def status_of(error: Exception) -> tuple[int, str]:
        if isinstance(error, ApiError):
            return error.status, error.message
        if isinstance(error, ArticleNotFoundError):  # said without the server's paths
            return 404, f"no article with id {error.article_id!r}"
        if isinstance(error, IndexLockedError):
            return 409, "another writer holds the index; retry later"
        if isinstance(error, ClusterError):  # a shard with no live replica: the others are fine
            return 503, str(error)
        if isinstance(error, IndexWriteError):
            return 507, "the server cannot write to the index (disk full or read-only); nothing was changed"
        if isinstance(error, (ArticleError, StrictModeError, ValueError)):
            return 400, str(error)
        return 500, str(error)

    if inspect.iscoroutinefunction(endpoint):

        async def run_async(request: Request) -> Any:
            try:
                return await endpoint(request)
            except _ANSWERED as error:
                return error_response(*status_of(error))

        return run_async

    def run(request: Request) -> Any:
        try:
            return endpoint(request)
        except _ANSWERED as error:
            return error_response(*status_of(error))

    return run


def create_app(index_or_path: SearchIndex | str | os.PathLike[str], *, write_token: str | None = None) -> Starlette:
    """The ASGI app serving one index (an ``Index``, its path, or a ``ClusterIndex``).
    ``write_token`` (or ``$ARSEARCH_WRITE_TOKEN``) enables ``POST /articles`` and
    ``DELETE /articles/{id}``; without one they are refused."""
    index: SearchIndex = (
        Index.open(Path(index_or_path)) if isinstance(index_or_path, (str, os.PathLike)) else index_or_path
    )
    api = Api(index, write_token or os.environ.get(WRITE_TOKEN_ENV_VAR) or None)
    routes = [
        Route("/health", _guarded(api.health)),
        Route("/search", _guarded(api.search)),
        Route("/suggest", _guarded(api.suggest)),
        Route("/articles", _guarded(api.add), methods=["POST"]),
        Route("/articles/{article_id:path}/related", _guarded(api.related)),
        Route("/articles/{article_id:path}/duplicates", _guarded(api.duplicates)),
        Route("/articles/{article_id:path}", _guarded(api.article), methods=["GET"]),
        Route("/articles/{article_id:path}", _guarded(api.delete), methods=["DELETE"]),
        Route("/openapi.json", api.openapi),
        Route("/", api.page),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        return error_response(404, f"no such endpoint: {request.method} {request.url.path}")

    async def not_allowed(request: Request, exc: Exception) -> Response:
        return error_response(405, f"{request.method} is not allowed on {request.url.path}")

    async def failed(request: Request, exc: Exception) -> Response:
        return error_response(500, "internal error")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # the dictionary's lexicon takes ~0.6 s to load: loaded as the server starts, not by a reader's search
        threading.Thread(target=dictionary.load, name="arsearch-dictionary", daemon=True).start()
        yield

    app = Starlette(
        routes=routes, exception_handlers={404: not_found, 405: not_allowed, 500: failed}, lifespan=lifespan
    )
    app.state.index = index
    app.add_middleware(NoSniff)
    return app


class NoSniff:
    """Every response says what it is and may not be sniffed into something else."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-content-type-options", b"nosniff")]
            await send(message)

        await self.app(scope, receive, send_with_header if scope["type"] == "http" else send)


def app_from_environment() -> Starlette:
    """The app for ``$ARSEARCH_INDEX``, or the cluster index ``$ARSEARCH_CLUSTER_INDEX`` on the Ray
    cluster at ``$ARSEARCH_CLUSTER`` (and ``$ARSEARCH_WRITE_TOKEN``): what each worker process
    of ``arsearch serve --workers N`` runs."""
    if address := os.environ.get(CLUSTER_ENV_VAR):
        from ..cluster import ClusterIndex

        return create_app(ClusterIndex.connect(address, os.environ.get(CLUSTER_INDEX_ENV_VAR, "")))
    return create_app(default_index_path())
