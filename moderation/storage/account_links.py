"""One-time links to choose a password: an invitation (the account's first password) or a
reset.  The link carries a random token; only its sha256 is stored, with an end
(``LIFETIME``) and the moment it was used: it works once, until then, and only while the
account is enabled.  A new link for an account voids its older ones."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from moderation import vocabulary as vocab
from moderation.storage import account_events, accounts, sessions
from moderation.storage.tables import AccountLink, Moderator

LIFETIME = timedelta(hours=72)
# why a link does not work: unknown (never issued, or mistyped), used, expired, account disabled
REFUSALS = (UNKNOWN, USED, EXPIRED, DISABLED) = ("unknown", "used", "expired", "disabled")


class LinkError(accounts.AccountError):
    def __init__(self, reason: str):
        super().__init__(f"this link does not work: {reason}")
        self.reason = reason


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session, moderator, purpose: str, created_by: str, now=None, lifetime=LIFETIME) -> dict:
    """A new link for ``moderator`` (a row) in the caller's transaction: ``{"token", "expires_at"}``."""
    now = now or datetime.now(UTC)
    session.execute(
        update(AccountLink)
        .where(AccountLink.moderator_id == moderator.id, AccountLink.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    expires = now + lifetime
    session.add(
        AccountLink(
            token_hash=_hash(token),
            moderator_id=moderator.id,
            purpose=purpose,
            created_by=created_by,
            created_at=now,
            expires_at=expires,
        )
    )
    return {"token": token, "expires_at": expires}


def _usable(session, token, now):
    """The link and its account, or LinkError saying why not."""
    if not token or not isinstance(token, str) or len(token) > 200:
        raise LinkError(UNKNOWN)
    link = session.scalar(select(AccountLink).where(AccountLink.token_hash == _hash(token)))
    if link is None:
        raise LinkError(UNKNOWN)
    if link.used_at is not None:
        raise LinkError(USED)
    if link.expires_at <= now:
        raise LinkError(EXPIRED)
    moderator = session.get(Moderator, link.moderator_id)
    if moderator is None:
        raise LinkError(UNKNOWN)
    if moderator.disabled_at is not None:
        raise LinkError(DISABLED)
    return link, moderator


def peek(db, token, now=None) -> dict:
    """What a link is for, without using it: ``{"email", "purpose", "expires_at"}``; else LinkError."""
    with db.session() as s:
        link, moderator = _usable(s, token, now or datetime.now(UTC))
        return {"email": moderator.email, "purpose": link.purpose, "expires_at": link.expires_at}


def redeem(db, token, password, now=None) -> dict:
    """Use a link: the account gets ``password`` (the usual rules, AccountError otherwise, the link
    stays usable), every other session of it ends; returns the account.  Works once: of two
    requests at the same moment, one wins."""
    now = now or datetime.now(UTC)
    with db.session() as s:
        link, moderator = _usable(s, token, now)
        accounts.check_password_strength(password, moderator.email)
        taken = s.execute(
            update(AccountLink)
            .where(AccountLink.id == link.id, AccountLink.used_at.is_(None), AccountLink.expires_at > now)
            .values(used_at=now)
        ).rowcount
        if taken != 1:
            raise LinkError(USED)
        moderator.password_hash = generate_password_hash(password)
        moderator.failed_logins = 0
        moderator.locked_until = None
        action = vocab.ACCOUNT_ACCEPT if link.purpose == vocab.LINK_INVITE else vocab.ACCOUNT_PASSWORD
        account_events.record(s, moderator, moderator.email, action)
        moderator_id = moderator.id
    sessions.end_all(db, moderator_id)
    return accounts.existing(db, moderator_id)


def open_links(db, moderator_ids, now=None) -> dict:
    """Per account: its unused, unexpired link's purpose and end, for the admin's list."""
    now = now or datetime.now(UTC)
    if not moderator_ids:
        return {}
    with db.session() as s:
        rows = s.scalars(
            select(AccountLink).where(
                AccountLink.moderator_id.in_(list(moderator_ids)),
                AccountLink.used_at.is_(None),
                AccountLink.expires_at > now,
            )
        )
        return {r.moderator_id: {"purpose": r.purpose, "expires_at": r.expires_at} for r in rows}
