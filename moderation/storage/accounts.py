"""Moderator accounts: storage, password hashing and the failed-login brake.

Passwords are hashed with werkzeug's scrypt.  After ``FREE_ATTEMPTS`` wrong
passwords in a row an account is locked for a while, doubling with every
further failure up to ``MAX_LOCK``; a good password resets the count.
"""

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from moderation import vocabulary as vocab
from moderation.storage.tables import Moderator, Site

ROLES = vocab.ROLES
MIN_PASSWORD_LENGTH = 10
FREE_ATTEMPTS = 5
FIRST_LOCK = timedelta(seconds=30)
MAX_LOCK = timedelta(minutes=15)
# checked against when the e-mail is unknown, so both cases take as long
_DUMMY_HASH = generate_password_hash("not-a-real-password-0000")


class AccountError(ValueError):
    pass


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_password_strength(password: str):
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def create(db, email, password, role=vocab.MODERATOR, site_names=None) -> dict:
    """A new moderator; ``site_names`` limits them to those sites (None: every site)."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 320:
        raise AccountError(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    check_password_strength(password)
    with db.session() as s:
        if s.scalar(select(Moderator.id).where(Moderator.email == email)) is not None:
            raise AccountError(f"a moderator {email} already exists")
        site_ids = _site_ids(s, site_names) if site_names else None
        moderator = Moderator(
            email=email, password_hash=generate_password_hash(password), role=role, site_ids=site_ids, failed_logins=0
        )
        s.add(moderator)
        s.flush()
        return _view(moderator)


def _site_ids(session, names) -> list[int]:
    found = dict(session.execute(select(Site.name, Site.id).where(Site.name.in_(list(names)))).all())
    missing = [n for n in names if n not in found]
    if missing:
        raise AccountError(f"no site named {', '.join(map(repr, missing))}; see 'moderation sites list'")
    return sorted({found[n] for n in names})


def set_password(db, email, password) -> dict:
    """A new password; it also lifts a lock and ends every open session of the account."""
    check_password_strength(password)
    with db.session() as s:
        moderator = s.scalar(select(Moderator).where(Moderator.email == normalise_email(email)))
        if moderator is None:
            raise AccountError(f"no moderator {email}")
        moderator.password_hash = generate_password_hash(password)
        moderator.failed_logins = 0
        moderator.locked_until = None
        return _view(moderator)


def list_all(db) -> list[dict]:
    with db.session() as s:
        return [_view(m) for m in s.scalars(select(Moderator).order_by(Moderator.email))]


def get(db, moderator_id) -> dict | None:
    with db.session() as s:
        moderator = s.get(Moderator, moderator_id)
        return _view(moderator) if moderator else None


def authenticate(db, email, password, now=None) -> tuple[dict | None, datetime | None]:
    """``(moderator, None)`` on success; ``(None, locked_until)`` otherwise.

    A locked account refuses even the right password until the lock ends.
    """
    now = now or datetime.now(UTC)
    with db.session() as s:
        moderator = s.scalar(select(Moderator).where(Moderator.email == normalise_email(email)).with_for_update())
        if moderator is None:
            check_password_hash(_DUMMY_HASH, password or "")
            return None, None
        locked = moderator.locked_until
        if locked and locked > now:
            return None, locked
        if check_password_hash(moderator.password_hash, password or ""):
            moderator.failed_logins = 0
            moderator.locked_until = None
            return _view(moderator), None
        moderator.failed_logins = (moderator.failed_logins or 0) + 1
        extra = moderator.failed_logins - FREE_ATTEMPTS
        if extra >= 0:
            moderator.locked_until = now + min(FIRST_LOCK * (2 ** min(extra, 16)), MAX_LOCK)
        return None, moderator.locked_until if extra >= 0 else None


def _view(moderator) -> dict:
    return {
        "id": moderator.id,
        "email": moderator.email,
        "role": moderator.role,
        "site_ids": list(moderator.site_ids) if moderator.site_ids is not None else None,
        "failed_logins": moderator.failed_logins or 0,
        "locked_until": moderator.locked_until,
        # changes with the password: sessions opened under an old password end
        "password_stamp": hashlib.sha256(moderator.password_hash.encode()).hexdigest()[:16],
    }
