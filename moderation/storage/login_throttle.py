"""Failed sign-ins, counted per client, per account and per (account, client), in the
database so every worker sees the same counts.

``reserve`` counts an attempt *before* the password is checked, in one atomic
UPDATE, so parallel guesses cannot slip past the limit.  Past a key's limit the
key is blocked for ``block`` seconds; after that one more attempt is allowed per
block (a wrong one blocks again), until a right password clears the account's
counters.  Keys are plain strings, so an unknown e-mail address is throttled
exactly like a real one.
"""

import time

from sqlalchemy import case, delete, insert, literal, update
from sqlalchemy.exc import IntegrityError

from moderation.storage.tables import LoginThrottle

WINDOW = 900.0  # attempts older than this (since the key's last one) are forgotten


def reserve(db, key: str, limit: int, block: float, now: float | None = None, _again=True) -> bool:
    """Count one attempt on ``key``; False when the key is blocked (nothing counted)."""
    now = time.time() if now is None else now
    key = key[:400]
    count = case((LoginThrottle.updated_at < now - WINDOW, literal(1)), else_=LoginThrottle.failures + 1)
    with db.session() as s:
        counted = s.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key, LoginThrottle.blocked_until <= now)
            .values(
                failures=count,
                updated_at=now,
                blocked_until=case((count >= limit, literal(now + block)), else_=LoginThrottle.blocked_until),
            )
            .execution_options(synchronize_session=False)
        ).rowcount
    if counted:
        return True
    try:
        with db.session() as s:
            s.execute(
                insert(LoginThrottle).values(
                    key=key, failures=1, updated_at=now, blocked_until=now + block if limit <= 1 else 0.0
                )
            )
        return True
    except IntegrityError:  # the row exists: blocked, or another attempt made it just now
        return reserve(db, key, limit, block, now, _again=False) if _again else False


def clear(db, *keys: str):
    with db.session() as s:
        s.execute(delete(LoginThrottle).where(LoginThrottle.key.in_([k[:400] for k in keys])))
