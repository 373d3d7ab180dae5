"""What an admin (or the command line) does to moderator accounts: invite, change role and
sites, disable, enable, reset a password, remove.  Every change writes its audit row
(``account_events``) in its own transaction.

The rules, said once here:
- an admin limited to some sites manages only accounts limited to (some of) those sites, and
  gives no one more than those; only an admin of every site gives every site;
- no change leaves the service without an enabled admin;
- a disabled account cannot sign in, and its sessions end at once.
"""

import secrets
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from werkzeug.security import generate_password_hash

from moderation import vocabulary as vocab
from moderation.storage import account_events, account_links, accounts, sessions
from moderation.storage.tables import AccountLink, Moderator, ModeratorSession, Site

# the command line acts as an admin of every site
COMMAND_LINE = {"email": vocab.BY_COMMAND_LINE, "site_ids": None}
# why a change is refused (the pages word each in Dutch)
REFUSALS = {
    "last_admin": "the service would have no enabled admin left",
    "not_yours": "no such moderator among the accounts you manage",
    "sites": "you can only give access to sites you manage yourself",
    "no_sites": "choose at least one site",
    "role": f"role must be one of {', '.join(vocab.ROLES)}",
    "exists": "a moderator with this e-mail address already exists",
    "address": "this is not an e-mail address",
}


class Refused(accounts.AccountError):
    def __init__(self, code: str):
        super().__init__(REFUSALS[code])
        self.code = code


def may_manage(actor: dict, site_ids) -> bool:
    """Whether ``actor`` (an admin's account view) manages an account with these sites."""
    mine = actor["site_ids"]
    return mine is None or (site_ids is not None and bool(site_ids) and set(site_ids) <= set(mine))


def manageable(db, actor: dict) -> list[dict]:
    return [m for m in accounts.list_all(db) if may_manage(actor, m["site_ids"])]


def _account(session, actor, moderator_id, lock=False):
    query = select(Moderator).where(Moderator.id == moderator_id)
    moderator = session.scalar(query.with_for_update() if lock else query)
    if moderator is None or not may_manage(actor, moderator.site_ids):
        raise Refused("not_yours")
    return moderator


def _checked_access(session, actor, role, site_ids):
    if role not in vocab.ROLES:
        raise Refused("role")
    if site_ids is None:
        if actor["site_ids"] is not None:
            raise Refused("sites")
        return None
    site_ids = sorted({int(i) for i in site_ids})
    if not site_ids:
        raise Refused("no_sites")
    known = set(session.scalars(select(Site.id).where(Site.id.in_(site_ids))))
    if known != set(site_ids) or not may_manage(actor, site_ids):
        raise Refused("sites")
    return site_ids


def _keeps_an_admin(session, moderator):
    """Refused when ``moderator`` is the last enabled admin (the admins' rows are locked on PostgreSQL)."""
    if moderator.role != vocab.ADMIN or moderator.disabled_at is not None:
        return
    others = select(Moderator.id).where(
        Moderator.role == vocab.ADMIN, Moderator.disabled_at.is_(None), Moderator.id != moderator.id
    )
    locked = list(session.scalars(others.with_for_update()))
    if not locked:
        raise Refused("last_admin")


def invite(db, actor, email, role=vocab.MODERATOR, site_ids=None, now=None) -> dict:
    """A new account without a usable password, and the link to choose one:
    ``{"moderator", "token", "expires_at"}``."""
    try:
        email = accounts.check_address(email)
    except accounts.AccountError:
        raise Refused("address") from None
    with db.session() as s:
        site_ids = _checked_access(s, actor, role, site_ids)
        if s.scalar(select(func.count()).select_from(Moderator).where(Moderator.email == email)):
            raise Refused("exists")
        # nobody knows this password: the account opens only through the link
        unusable = generate_password_hash(secrets.token_urlsafe(32))
        moderator = accounts.add_row(s, email, unusable, role, site_ids)
        link = account_links.issue(s, moderator, vocab.LINK_INVITE, actor["email"], now=now)
        account_events.record(
            s, moderator, actor["email"], vocab.ACCOUNT_INVITE, after=account_events.access_of(moderator)
        )
        moderator_id = moderator.id
    return {"moderator": accounts.existing(db, moderator_id), **link}


def set_access(db, actor, moderator_id, role, site_ids) -> dict:
    with db.session() as s:
        moderator = _account(s, actor, moderator_id, lock=True)
        site_ids = _checked_access(s, actor, role, site_ids)
        before = account_events.access_of(moderator)
        if role != vocab.ADMIN:
            _keeps_an_admin(s, moderator)
        moderator.role, moderator.site_ids = role, site_ids
        after = account_events.access_of(moderator)
        if after != before:
            account_events.record(s, moderator, actor["email"], vocab.ACCOUNT_ACCESS, before=before, after=after)
    return accounts.existing(db, moderator_id)


def disable(db, actor, moderator_id, now=None) -> dict:
    """The account can no longer sign in; its open sessions end now."""
    with db.session() as s:
        moderator = _account(s, actor, moderator_id, lock=True)
        if moderator.disabled_at is None:
            _keeps_an_admin(s, moderator)
            before = account_events.access_of(moderator)
            moderator.disabled_at = now or datetime.now(UTC)
            account_events.record(
                s, moderator, actor["email"], vocab.ACCOUNT_DISABLE, before, account_events.access_of(moderator)
            )
    sessions.end_all(db, moderator_id)
    return accounts.existing(db, moderator_id)


def enable(db, actor, moderator_id) -> dict:
    with db.session() as s:
        moderator = _account(s, actor, moderator_id, lock=True)
        if moderator.disabled_at is not None:
            before = account_events.access_of(moderator)
            moderator.disabled_at = None
            account_events.record(
                s, moderator, actor["email"], vocab.ACCOUNT_ENABLE, before, account_events.access_of(moderator)
            )
    return accounts.existing(db, moderator_id)


def reset(db, actor, moderator_id, now=None) -> dict:
    """A one-time link to choose a new password (the old one keeps working until it is used):
    ``{"moderator", "token", "expires_at"}``.  A disabled account gets none."""
    with db.session() as s:
        moderator = _account(s, actor, moderator_id, lock=True)
        if moderator.disabled_at is not None:
            raise account_links.LinkError(account_links.DISABLED)
        link = account_links.issue(s, moderator, vocab.LINK_RESET, actor["email"], now=now)
        account_events.record(s, moderator, actor["email"], vocab.ACCOUNT_RESET)
    return {"moderator": accounts.existing(db, moderator_id), **link}


def remove(db, actor, moderator_id) -> dict:
    """Delete the account, its sessions and links; its decisions and audit rows keep its address."""
    with db.session() as s:
        moderator = _account(s, actor, moderator_id, lock=True)
        _keeps_an_admin(s, moderator)
        view = accounts.view_of(moderator)
        before = account_events.access_of(moderator)
        account_events.record(s, moderator, actor["email"], vocab.ACCOUNT_REMOVE, before=before)
        s.execute(delete(ModeratorSession).where(ModeratorSession.moderator_id == moderator.id))
        s.execute(delete(AccountLink).where(AccountLink.moderator_id == moderator.id))
        s.delete(moderator)
    return view
