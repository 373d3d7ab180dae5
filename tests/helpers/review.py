"""Helpers for the moderator-page tests: comments with a known analysis, moderators, logging in."""

import re
from datetime import UTC, datetime

from moderation.storage import accounts
from moderation.storage import comments as records

PASSWORD = "een-lang-wachtwoord"
STANCES = ("pro-participation", "pro-policy", "hostile", "neutral")


def db_of(app):
    return app.extensions["moderation"].db


def analysis(stance="neutral", score=0.5, hostility=None, uncivil=None, categories=(), spans=(), tags=()):
    hostility = hostility if hostility is not None else (0.7 if stance == "hostile" else 0.1)
    rest = (1 - hostility) / 3
    scores = {s: round(hostility if s == "hostile" else rest, 4) for s in STANCES}
    return {
        "stance": {"label": stance, "scores": scores, "evidence": [{"term": "regels", "weight": 0.3}]},
        "incivility": {
            "uncivil": score >= 0.5 if uncivil is None else uncivil,
            "score": score,
            "categories": list(categories),
            "spans": list(spans),
        },
        "tags": list(tags),
        "models": {"stance": "test", "incivility": "test"},
        "errors": [],
    }


def seed(
    app,
    site,
    ext,
    text="Een gewone reactie over de gemeenteraad.",
    status="pending",
    urgent=False,
    article=("a1", "Ambtenaren zitten elkaar in de weg", "https://example.org/artikel"),
    author=("u1", "Lezer"),
    parent=None,
    received_at=None,
    **labels,
) -> int:
    """Store a comment as the API would, with a hand-made analysis; returns its id."""
    data = {
        "external_id": ext,
        "text": text,
        "parent_external_id": parent,
        "article": {"id": article[0], "title": article[1], "url": article[2]} if article else None,
        "author": {"id": author[0], "name": author[1]},
        "created_at": None,
    }
    record, created = records.store_comment(
        db_of(app), site["id"], data, analysis(**labels), {"status": status, "urgent": urgent, "reason": None}
    )
    assert created
    if received_at is not None:
        from moderation.storage.tables import Comment

        with db_of(app).session() as s:
            s.get(Comment, record["id"]).received_at = received_at
    return record["id"]


def spans_of(text, word, category="insult"):
    start = text.index(word)
    return [{"start": start, "end": start + len(word), "text": word, "category": category}]


def add_moderator(app, email="mod@example.org", role="moderator", sites=None):
    return accounts.create(db_of(app), email, PASSWORD, role=role, site_names=sites)


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def login(client, email="mod@example.org", password=PASSWORD):
    """Log in through the form; returns the session's CSRF token."""
    token = csrf_from(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)
    return csrf_from(client.get("/queue").get_data(as_text=True))


def utc(*args):
    return datetime(*args, tzinfo=UTC)
