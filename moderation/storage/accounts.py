"""Moderator accounts: storage and password hashing (werkzeug's scrypt).

Guessing is slowed by ``login_throttle`` (per client, per account, per pair), not
by locking accounts: a stranger's wrong guesses cannot lock the owner out.
"""

import functools
import hashlib
from datetime import UTC, datetime

from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from moderation import vocabulary as vocab
from moderation.storage import account_events, passwords, sessions
from moderation.storage.tables import Moderator, Site

ROLES = vocab.ROLES
MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the e-mail is unknown, so both cases take as long (made on first use:
    a scrypt hash at import would cost every process start a tenth of a second)."""
    return generate_password_hash("not-a-real-password-0000")


class AccountError(ValueError):
    pass


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_password_strength(password: str, email: str = ""):
    problem = passwords.problem(password, email)
    if problem:
        raise AccountError(problem)


def check_address(email: str) -> str:
    email = normalise_email(email)
    if "@" not in email or len(email) > 320 or any(c.isspace() for c in email):
        raise AccountError(f"{email!r} is not an e-mail address")
    return email


def create(db, email, password, role=vocab.MODERATOR, site_names=None, actor=vocab.BY_COMMAND_LINE) -> dict:
    """A new moderator; ``site_names`` limits them to those sites (None: every site)."""
    email = check_address(email)
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    check_password_strength(password, email)
    with db.session() as s:
        site_ids = _site_ids(s, site_names) if site_names else None
        moderator = add_row(s, email, generate_password_hash(password), role, site_ids)
        account_events.record(s, moderator, actor, vocab.ACCOUNT_CREATE, after=account_events.access_of(moderator))
        return view_of(moderator)


def add_row(session, email, password_hash, role, site_ids):
    """The new account's row (flushed), or AccountError when the address is taken."""
    if session.scalar(select(Moderator.id).where(Moderator.email == email)) is not None:
        raise AccountError(f"a moderator {email} already exists")
    moderator = Moderator(
        email=email, password_hash=password_hash, role=role, site_ids=site_ids, failed_logins=0, disabled_at=None
    )
    session.add(moderator)
    session.flush()
    return moderator


def site_ids_of(db, names) -> list[int]:
    """The ids of the sites with these names; AccountError naming the unknown ones."""
    with db.session() as s:
        return _site_ids(s, names)


def _site_ids(session, names) -> list[int]:
    found = dict(session.execute(select(Site.name, Site.id).where(Site.name.in_(list(names)))).all())
    missing = [n for n in names if n not in found]
    if missing:
        raise AccountError(f"no site named {', '.join(map(repr, missing))}; see 'moderation sites list'")
    return sorted({found[n] for n in names})


def set_password(db, email, password, actor=vocab.BY_COMMAND_LINE) -> dict:
    """A new password; it also lifts a lock and ends every open session of the account."""
    check_password_strength(password, normalise_email(email))
    with db.session() as s:
        moderator = s.scalar(select(Moderator).where(Moderator.email == normalise_email(email)))
        if moderator is None:
            raise AccountError(f"no moderator {email}")
        moderator.password_hash = generate_password_hash(password)
        moderator.failed_logins = 0
        moderator.locked_until = None
        account_events.record(s, moderator, actor, vocab.ACCOUNT_PASSWORD)
        view = view_of(moderator)
    sessions.end_all(db, view["id"])
    return view


def list_all(db) -> list[dict]:
    with db.session() as s:
        return [view_of(m) for m in s.scalars(select(Moderator).order_by(Moderator.email))]


def get(db, moderator_id) -> dict | None:
    with db.session() as s:
        moderator = s.get(Moderator, moderator_id)
        return view_of(moderator) if moderator else None


def existing(db, moderator_id) -> dict:
    """The account, which the caller knows exists (AccountError if it went meanwhile)."""
    found = get(db, moderator_id)
    if found is None:
        raise AccountError(f"no moderator with id {moderator_id}")
    return found


def by_email(db, email) -> dict | None:
    with db.session() as s:
        moderator = s.scalar(select(Moderator).where(Moderator.email == normalise_email(email)))
        return view_of(moderator) if moderator else None


def record_sign_in(db, moderator_id, now=None):
    with db.session() as s:
        s.execute(update(Moderator).where(Moderator.id == moderator_id).values(last_login_at=now or datetime.now(UTC)))


def authenticate(db, email, password) -> dict | None:
    """The moderator when the password is right and the account not disabled, else None.  An
    unknown address costs the same hash check as a known one, so the two cannot be told apart."""
    with db.session() as s:
        moderator = s.scalar(select(Moderator).where(Moderator.email == normalise_email(email)))
        if moderator is None:
            check_password_hash(_dummy_hash(), password or "")
            return None
        if check_password_hash(moderator.password_hash, password or "") and moderator.disabled_at is None:
            return view_of(moderator)
        return None


def spend_a_hash_check(password: str):
    """As long as a real check: for answers that must take as long as one."""
    check_password_hash(_dummy_hash(), password or "")


def view_of(moderator) -> dict:
    """A ``Moderator`` row as the dict every caller gets."""
    return {
        "id": moderator.id,
        "email": moderator.email,
        "role": moderator.role,
        "site_ids": list(moderator.site_ids) if moderator.site_ids is not None else None,
        "failed_logins": moderator.failed_logins or 0,
        "locked_until": moderator.locked_until,
        "disabled": moderator.disabled_at is not None,
        "disabled_at": moderator.disabled_at,
        "last_login_at": moderator.last_login_at,
        "created_at": moderator.created_at,
        # changes with the password: sessions opened under an old password end
        "password_stamp": hashlib.sha256(moderator.password_hash.encode()).hexdigest()[:16],
    }
