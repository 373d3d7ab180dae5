"""Plain helpers for tests that talk to the API: a site's auth header, a comment body, a free port."""

import socket


def auth(site):
    return {"Authorization": f"Bearer {site['api_key']}"}


def comment(ext="c1", text="Meer ruimte voor de wijkteams, laat ze zelf beslissen.", **extra):
    return {
        "external_id": ext,
        "article": {"id": "a1", "title": "Ambtenaren zitten elkaar in de weg", "url": "https://example.org/artikel"},
        "author": {"id": "u1", "name": "Lezer"},
        "text": text,
        "created_at": "2026-11-22T10:00:00Z",
        **extra,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
