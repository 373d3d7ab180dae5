"""The audit trail of moderator accounts: who invited, changed, disabled, enabled, reset or
removed whom, and when an invitee accepted.  A row is written in the same transaction as the
change it records; rows stay when the account is removed."""

from sqlalchemy import select

from moderation.storage.tables import AccountEvent


def record(session, moderator, actor: str, action: str, before=None, after=None):
    """Add one row for ``moderator`` (a ``Moderator`` row) inside the caller's transaction."""
    session.add(
        AccountEvent(
            moderator_id=moderator.id, email=moderator.email, actor=actor, action=action, before=before, after=after
        )
    )


def access_of(moderator) -> dict:
    """The part of an account a change is about, as the audit row's before and after."""
    return {
        "role": moderator.role,
        "site_ids": list(moderator.site_ids) if moderator.site_ids is not None else None,
        "disabled": moderator.disabled_at is not None,
    }


def entries(db, before=None, limit=50, actor=None, moderator_ids=None) -> list[dict]:
    """Account rows, newest first; ``before``: only rows with a smaller id; ``moderator_ids``:
    only about these accounts (None: every account)."""
    query = select(AccountEvent).order_by(AccountEvent.id.desc()).limit(limit)
    if before:
        query = query.where(AccountEvent.id < before)
    if actor:
        query = query.where(AccountEvent.actor == actor)
    if moderator_ids is not None:
        query = query.where(AccountEvent.moderator_id.in_(list(moderator_ids)))
    with db.session() as s:
        return [_entry(e) for e in s.scalars(query)]


def actors(db) -> list[str]:
    with db.session() as s:
        return sorted(s.scalars(select(AccountEvent.actor).distinct()))


def _entry(e) -> dict:
    return {
        "kind": "account",
        "row": e.id,
        "at": e.created_at,
        "actor": e.actor,
        "moderator_id": e.moderator_id,
        "email": e.email,
        "action": e.action,
        "before": e.before,
        "after": e.after,
    }
