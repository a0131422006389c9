"""What one request to the HTTP API may ask for (also stated in its OpenAPI description)."""

#: Limits on what one request may ask for.
MAX_API_LIMIT = 50
MAX_API_PAGE = 100
MAX_SUGGEST_LIMIT = 20
MAX_RELATED_LIMIT = 20
#: Largest POST body accepted (an import of many articles belongs in ``arsearch index``).
MAX_BODY_BYTES = 10 * 1024 * 1024
