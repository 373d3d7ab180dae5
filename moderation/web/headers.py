"""Security headers of every response (the moderator pages add their own on top).

- ``X-Content-Type-Options: nosniff`` everywhere: a comment's text inside JSON is
  never sniffed into HTML or script by a browser;
- ``Cache-Control: no-store`` on JSON (and problem+json) answers: comment text,
  decisions and authors' data stay out of shared and browser caches;
- ``Strict-Transport-Security`` when the request came over TLS (directly, or from
  a proxy the server trusts with ``X-Forwarded-Proto``; see the README).
"""

from flask import request

HSTS = "max-age=31536000"
JSON_TYPES = ("application/json", "application/problem+json")


def secure(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype in JSON_TYPES:
        response.headers.setdefault("Cache-Control", "no-store")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app):
    app.after_request(secure)
