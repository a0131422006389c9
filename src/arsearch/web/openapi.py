"""The HTTP API's OpenAPI 3.1 description, served at ``/openapi.json``."""

from __future__ import annotations

from typing import Any

from ..query import MATCH_LEVELS, MAX_QUERY_CHARS
from ..search.options import SORTS
from ..version import __version__
from .limits import MAX_API_LIMIT, MAX_API_PAGE, MAX_RELATED_LIMIT, MAX_SUGGEST_LIMIT


def _parameter(name: str, description: str, schema: dict[str, Any], location: str = "query") -> dict[str, Any]:
    return {"name": name, "in": location, "description": description, "schema": schema, "required": location == "path"}


_ID = _parameter("article_id", "the article's id", {"type": "string"}, "path")
_ERROR = {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}

#: The API's OpenAPI 3.1 description, served at ``/openapi.json``.
OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "arsearch", "version": __version__, "description": "Arabic full-text search over one index."},
    "paths": {
        "/search": {
            "get": {
                "summary": "Ranked search (query language: docs/search.md)",
                "parameters": [
                    _parameter("q", "the query", {"type": "string", "maxLength": MAX_QUERY_CHARS}),
                    _parameter("page", "page number", {"type": "integer", "minimum": 1, "maximum": MAX_API_PAGE}),
                    _parameter("limit", "hits per page", {"type": "integer", "minimum": 1, "maximum": MAX_API_LIMIT}),
                    _parameter("source", "only this source (repeatable)", {"type": "string"}),
                    _parameter("category", "only this category (repeatable)", {"type": "string"}),
                    _parameter("from", "only articles dated on or after", {"type": "string", "format": "date"}),
                    _parameter("to", "only articles dated on or before", {"type": "string", "format": "date"}),
                    _parameter("sort", "order", {"type": "string", "enum": list(SORTS)}),
                    _parameter(
                        "collapse",
                        "fold near-copies of a story into its best hit (default true; false lists every copy)",
                        {"type": "boolean", "default": True},
                    ),
                    _parameter(
                        "variants",
                        "also find other spellings of names and loanwords, ranked below (default true)",
                        {"type": "boolean", "default": True},
                    ),
                    _parameter(
                        "rewrite",
                        "search a query typed with the keyboard on the other layout as meant (fsl as بسم), "
                        "said in the answer's rewrite (default true; false searches as typed)",
                        {"type": "boolean", "default": True},
                    ),
                    _parameter(
                        "match",
                        "how closely words must match: word (as typed), stem, lemma (وزير finds وزراء) or root "
                        "(درس finds مدرسة); by default all weigh in, closest first",
                        {"type": "string", "enum": list(MATCH_LEVELS)},
                    ),
                ],
                "responses": {
                    "200": {
                        "description": "total (articles, copies included), hits with highlighted snippets "
                        "and the copies folded into each, facets"
                    },
                    "400": _ERROR,
                },
            }
        },
        "/suggest": {
            "get": {
                "summary": "Autocomplete the last word",
                "description": (
                    "The commonest words of the index that start with the last word typed, stop words "
                    "left out. text: the words typed before it, then the word as the articles most often "
                    "write it (وزارة, not the folded وزاره); doc_count: articles holding it; form: its "
                    "normalized form."
                ),
                "parameters": [
                    _parameter("q", "what was typed", {"type": "string"}),
                    _parameter("limit", "how many", {"type": "integer", "minimum": 1, "maximum": MAX_SUGGEST_LIMIT}),
                ],
                "responses": {"200": {"description": "[{text, doc_count, form}]"}},
            }
        },
        "/articles": {
            "post": {
                "summary": "Add articles (needs the write token): all or nothing, unless partial=1",
                "description": (
                    "Every record is checked first. Any bad one: 400 listing every bad record "
                    "(error.problems: item, reason; error.bad_records: how many), and nothing is written. "
                    "Otherwise all are written in one commit before the 201 answer: a 2xx means every "
                    "article of the request is committed and survives a crash. partial=1: the good records "
                    "are written, 200 with errors (true when any was skipped) and items (each item's "
                    "status: added, updated, unchanged, kept (indexed with other content: update=1 "
                    "replaces it) or skipped, with its reason)."
                ),
                "security": [{"bearer": []}],
                "parameters": [
                    _parameter("update", "replace articles whose id is indexed", {"type": "boolean", "default": False}),
                    _parameter(
                        "partial", "write the good records, report each item", {"type": "boolean", "default": False}
                    ),
                ],
                "responses": {
                    "201": {"description": "added, updated, unchanged, kept (all or nothing: every article committed)"},
                    "200": {"description": "partial=1: the counts, errors, and each item's outcome"},
                    "400": _ERROR,
                    "401": _ERROR,
                    "403": _ERROR,
                    "409": _ERROR,
                    "507": _ERROR,
                },
            }
        },
        "/articles/{article_id}": {
            "get": {
                "summary": "One article",
                "parameters": [_ID],
                "responses": {"200": {"description": "the article"}, "404": _ERROR},
            },
            "delete": {
                "summary": "Delete an article (needs the write token)",
                "parameters": [_ID],
                "security": [{"bearer": []}],
                "responses": {"204": {"description": "deleted"}, "401": _ERROR, "403": _ERROR, "404": _ERROR},
            },
        },
        "/articles/{article_id}/related": {
            "get": {
                "summary": "Related articles (copies of one story grouped)",
                "parameters": [
                    _ID,
                    _parameter("limit", "how many", {"type": "integer", "minimum": 1, "maximum": MAX_RELATED_LIMIT}),
                ],
                "responses": {"200": {"description": "related articles"}, "404": _ERROR},
            }
        },
        "/articles/{article_id}/duplicates": {
            "get": {
                "summary": "Ids of near-copies",
                "parameters": [_ID],
                "responses": {"200": {"description": "ids"}, "404": _ERROR},
            }
        },
        "/health": {"get": {"summary": "Liveness and article count", "responses": {"200": {"description": "ok"}}}},
    },
    "components": {
        "schemas": {
            "Error": {
                "type": "object",
                "properties": {
                    "error": {
                        "type": "object",
                        "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
                    }
                },
            }
        },
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    },
}
