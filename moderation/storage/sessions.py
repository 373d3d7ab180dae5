"""Moderator sessions kept on the server: the cookie holds a random token, the
``moderator_sessions`` table its sha256 and an absolute end.  Logging out, a
password change and "sign out everywhere" delete rows, so a copied cookie stops
working at once; no session outlives ``expires_at``, however active."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from moderation.storage.tables import ModeratorSession


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(db, moderator_id: int, lifetime: timedelta, now=None) -> str:
    """A new session; returns the token for the cookie (only its hash is stored)."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    with db.session() as s:
        s.execute(delete(ModeratorSession).where(ModeratorSession.expires_at <= now))  # tidy up ended ones
        s.add(ModeratorSession(id=_hash(token), moderator_id=moderator_id, created_at=now, expires_at=now + lifetime))
    return token


def moderator_of(db, token: str | None, now=None) -> int | None:
    """The moderator id of a live session, or None (unknown, ended or expired)."""
    if not token or not isinstance(token, str):
        return None
    now = now or datetime.now(UTC)
    with db.session() as s:
        row = s.scalar(select(ModeratorSession).where(ModeratorSession.id == _hash(token)))
        if row is None:
            return None
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
        return row.moderator_id if expires > now else None


def end(db, token: str | None):
    if token and isinstance(token, str):
        with db.session() as s:
            s.execute(delete(ModeratorSession).where(ModeratorSession.id == _hash(token)))


def end_all(db, moderator_id: int) -> int:
    """Sign a moderator out everywhere; returns how many sessions ended."""
    with db.session() as s:
        return s.execute(delete(ModeratorSession).where(ModeratorSession.moderator_id == moderator_id)).rowcount
