"""Errors as RFC 9457 ``application/problem+json`` responses."""

import json

from flask import Response
from werkzeug.exceptions import HTTPException

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

    def __init__(self, status: int, detail: str, slug: str | None = None, **extra):
        super().__init__(detail)
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


def init_app(app, prefix="/api/"):
    """Problems for the API (and plain HTTP errors under ``prefix`` as problems too)."""

    @app.errorhandler(Problem)
    def _problem(exc):
        headers = {"WWW-Authenticate": 'Bearer realm="moderation"'} if exc.status == 401 else None
        return response(exc.status, exc.detail, exc.slug, headers=headers, **exc.extra)

    @app.errorhandler(HTTPException)
    def _http(exc):
        from flask import request

        if request.path.startswith(prefix) or request.path in ("/healthz", "/metrics"):
            detail = exc.description or TITLES.get(exc.code, "error")
            if exc.code == 413:
                detail = f"the request body is larger than {app.config['MAX_CONTENT_LENGTH']} bytes"
            return response(exc.code or 500, detail)
        return exc
