"""Errors as RFC 9457 ``application/problem+json`` responses."""

import json

from flask import Response, render_template, request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

# seconds a client is told to wait when the database is unreachable
DATABASE_RETRY_AFTER = 5

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class Problem(Exception):
    """Raise anywhere in a request to answer with a problem document."""

    def __init__(self, status: int, detail: str, slug: str | None = None, headers=None, **extra):
        super().__init__(detail)
        self.headers = dict(headers or {})
        self.status = status
        self.detail = detail
        self.slug = slug or TITLES.get(status, "error").lower().replace(" ", "-")
        self.extra = extra


def response(status, detail, slug=None, headers=None, **extra) -> Response:
    body = {
        "type": f"https://moderation.invalid/problems/{slug or TITLES.get(status, 'error').lower().replace(' ', '-')}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }
    return Response(
        json.dumps(body, ensure_ascii=False), status=status, headers=headers, mimetype="application/problem+json"
    )


def init_app(app, prefix="/api/", page_error=None):
    """Problems for the API (and plain HTTP errors under ``prefix`` as problems too); every
    other path's HTTP errors go to ``page_error`` (the moderator pages' Dutch error page)."""

    @app.errorhandler(Problem)
    def _problem(exc):
        headers = dict(exc.headers)
        if exc.status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="moderation"'
        return response(exc.status, exc.detail, exc.slug, headers=headers, **exc.extra)

    def is_api():
        return request.path.startswith(prefix) or request.path.startswith("/healthz") or request.path == "/metrics"

    @app.errorhandler(HTTPException)
    def _http(exc):
        if is_api():
            detail = exc.description or TITLES.get(exc.code, "error")
            if exc.code == 413:
                detail = f"the request body is larger than {app.config['MAX_CONTENT_LENGTH']} bytes"
            # keep what the exception says about itself, e.g. the Allow header of a 405
            headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
            return response(exc.code or 500, detail, headers=headers)
        return page_error(exc) if page_error else exc

    @app.errorhandler(PoolTimeout)
    @app.errorhandler(DBAPIError)
    def _database_unavailable(exc):
        """The database is down, frozen or overloaded: 503 and when to try again, never 500.
        Errors that are the request's own fault (integrity, data) are not connection
        errors and stay 500s with a log entry, as bugs."""
        if isinstance(exc, DBAPIError) and not _is_unavailable(exc):
            raise exc
        app.logger.warning("database unavailable: %s", type(getattr(exc, "orig", exc)).__name__)
        headers = {"Retry-After": str(DATABASE_RETRY_AFTER)}
        detail = f"the database is unavailable; nothing was stored; try again in {DATABASE_RETRY_AFTER} seconds"
        if is_api():
            return response(503, detail, "database-unavailable", headers=headers)
        message = "De database is even niet bereikbaar. Probeer het over een paar seconden opnieuw."
        return render_template("error.html", status=503, message=message), 503, headers


def _is_unavailable(exc) -> bool:
    from sqlalchemy.exc import InterfaceError, OperationalError

    if exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError)):
        return True
    return type(exc.orig).__name__ in ("QueryCanceled", "AdminShutdown", "ConnectionTimeout")
