"""An author of one site, for moderators: their comments with the decisions, and the actions
on them (pre-moderation, suspension, block and hide all), each with a statement of reasons in
Dutch and a line in the audit log (``author_actions``).

Every function takes ``site_ids``, the sites the moderator may see (None: all): an author of
another site does not exist for them (``NotVisible``).  The rules are applied at intake by
``storage.author_rules``.
"""

from datetime import UTC, datetime

from sqlalchemy import case, func, select

from moderation import vocabulary as vocab
from moderation.storage import explanations, outbox
from moderation.storage.access import allows
from moderation.storage.comments import record_decision
from moderation.storage.tables import AuthorAction, AuthorRule, Comment, Decision, Site, utcnow

COMMENT_LIMIT = 200
HIDDEN = (vocab.PENDING, vocab.APPROVED)  # what block-and-hide rejects


class NotVisible(LookupError):
    """No such site or author, or not for this moderator."""


def _site(session, site_ids, site_id) -> Site:
    site = session.get(Site, site_id)
    if site is None or not allows(site_ids, site_id):
        raise NotVisible(site_id)
    return site


def _rule(session, site_id, author_id) -> AuthorRule | None:
    return session.scalar(
        select(AuthorRule).where(AuthorRule.site_id == site_id, AuthorRule.author_id == author_id).with_for_update()
    )


def _ensure_rule(session, site_id, author_id) -> AuthorRule:
    rule = _rule(session, site_id, author_id)
    if rule is None:
        rule = AuthorRule(site_id=site_id, author_id=author_id, premoderated=False, updated_at=utcnow())
        session.add(rule)
        session.flush()
    return rule


def state(rule: AuthorRule | None, now=None) -> dict:
    now = now or utcnow()
    until = rule.suspended_until if rule else None
    return {
        "premoderated": bool(rule and rule.premoderated),
        "suspended": bool(until and until > now),
        "suspended_until": until if until and until > now else None,
        "suspension_reason": rule.suspension_reason if rule and until and until > now else None,
        "blocked_at": rule.blocked_at if rule else None,
    }


def profile(db, site_ids, site_id: int, author_id: str, limit=COMMENT_LIMIT) -> dict:
    """The author page: names used, first and last seen, counts per status, the share
    rejected, the rules in force, the newest ``limit`` comments and the actions on them."""
    with db.session() as s:
        site = _site(s, site_ids, site_id)
        mine = (Comment.site_id == site_id, Comment.author_id == author_id)
        total, first, last, rejected, pending, approved = s.execute(
            select(
                func.count(),
                func.min(Comment.received_at),
                func.max(Comment.received_at),
                func.sum(case((Comment.status == vocab.REJECTED, 1), else_=0)),
                func.sum(case((Comment.status == vocab.PENDING, 1), else_=0)),
                func.sum(case((Comment.status == vocab.APPROVED, 1), else_=0)),
            ).where(*mine)
        ).one()
        rule = s.scalar(select(AuthorRule).where(AuthorRule.site_id == site_id, AuthorRule.author_id == author_id))
        if not total and rule is None:
            raise NotVisible(author_id)
        names = list(
            s.scalars(select(Comment.author_name).where(*mine, Comment.author_name.is_not(None)).distinct().limit(10))
        )
        rows = list(s.scalars(select(Comment).where(*mine).order_by(Comment.id.desc()).limit(limit)))
        last_decisions = {}
        if rows:
            for d in s.scalars(
                select(Decision).where(Decision.comment_id.in_([c.id for c in rows])).order_by(Decision.id)
            ):
                last_decisions[d.comment_id] = d
        actions = [
            _action_view(a)
            for a in s.scalars(
                select(AuthorAction)
                .where(AuthorAction.site_id == site_id, AuthorAction.author_id == author_id)
                .order_by(AuthorAction.id.desc())
                .limit(100)
            )
        ]
        return {
            "site": {"id": site.id, "name": site.name, "policy": site.policy or {}},
            "author_id": author_id,
            "names": names,
            "first_seen": first,
            "last_seen": last,
            "total": total or 0,
            "counts": {vocab.APPROVED: approved or 0, vocab.REJECTED: rejected or 0, vocab.PENDING: pending or 0},
            "rejected_share": (rejected or 0) / total if total else 0.0,
            **state(rule),
            "comments": [_comment_view(c, last_decisions.get(c.id)) for c in rows],
            "actions": actions,
        }


def _comment_view(c, decision) -> dict:
    return {
        "id": c.id,
        "external_id": c.external_id,
        "text": c.text or "",
        "status": c.status,
        "received_at": c.received_at,
        "erased": c.erased_at is not None,
        "reason": decision.reason if decision else None,
        "actor": decision.actor if decision else None,
    }


def _action_view(a) -> dict:
    return {
        "id": a.id,
        "action": a.action,
        "actor": a.actor,
        "reason": a.reason,
        "explanation": a.explanation,
        "until": a.until,
        "comments_changed": a.comments_changed,
        "at": a.created_at,
    }


def _log(session, site, author_id, action, actor, reason=None, until=None, changed=0, hold=False) -> AuthorAction:
    row = AuthorAction(
        site_id=site.id,
        author_id=author_id,
        action=action,
        actor=actor,
        reason=reason,
        explanation=explanations.author_action(action, reason, until, hold=hold),
        until=until,
        comments_changed=changed,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def set_premoderation(db, site_ids, site_id, author_id, on: bool, actor: str, reason=None) -> dict:
    """Put an author on pre-moderation (every new comment waits for a human), or take them off."""
    with db.session() as s:
        site = _site(s, site_ids, site_id)
        rule = _ensure_rule(s, site_id, author_id)
        rule.premoderated, rule.updated_at = on, utcnow()
        action = vocab.AUTHOR_PREMODERATE if on else vocab.AUTHOR_END_PREMODERATION
        return _action_view(_log(s, site, author_id, action, actor, reason))


def suspend(db, site_ids, site_id, author_id, until: datetime, reason: str, actor: str, now=None) -> dict:
    """Suspend an author until ``until`` (their new comments are refused or held, the site's
    ``suspended_comments``); the site gets an ``author.suspended`` event with the end date."""
    now = now or utcnow()
    until = until.replace(tzinfo=UTC) if until.tzinfo is None else until.astimezone(UTC)
    if until <= now:
        raise ValueError("the end of a suspension must lie in the future")
    if not (reason or "").strip():
        raise ValueError("a suspension needs a reason")
    with db.session() as s:
        site = _site(s, site_ids, site_id)
        rule = _ensure_rule(s, site_id, author_id)
        rule.suspended_until, rule.suspension_reason, rule.updated_at = until, reason.strip(), now
        hold = (site.policy or {}).get("suspended_comments") == vocab.SUSPENDED_HOLD
        row = _log(s, site, author_id, vocab.AUTHOR_SUSPEND, actor, reason.strip(), until, hold=hold)
        _event(s, site, author_id, vocab.EVENT_AUTHOR_SUSPENDED, row, hold)
        return _action_view(row)


def unsuspend(db, site_ids, site_id, author_id, actor: str, reason=None, now=None) -> dict | None:
    """Lift a suspension early (``author.unsuspended`` to the site); None when none was in force."""
    now = now or utcnow()
    with db.session() as s:
        site = _site(s, site_ids, site_id)
        rule = _rule(s, site_id, author_id)
        if rule is None or rule.suspended_until is None or rule.suspended_until <= now:
            return None
        until = rule.suspended_until
        rule.suspended_until, rule.suspension_reason, rule.updated_at = None, None, now
        row = _log(s, site, author_id, vocab.AUTHOR_UNSUSPEND, actor, reason, until)
        _event(s, site, author_id, vocab.EVENT_AUTHOR_UNSUSPENDED, row, False, lifted_at=now)
        return _action_view(row)


def _event(session, site, author_id, event_type, row, hold, **extra):
    if not site.webhook_url:
        return
    suspension = {
        "until": _iso(row.until),
        "reason": row.reason,
        "explanation": row.explanation,
        "new_comments": vocab.SUSPENDED_HOLD if hold else vocab.SUSPENDED_REFUSE,
        **{k: _iso(v) for k, v in extra.items()},
    }
    if event_type == vocab.EVENT_AUTHOR_UNSUSPENDED:
        suspension.pop("new_comments")
    outbox.queue_event(
        session, site.id, None, event_type, sections={"author": {"id": author_id}, "suspension": suspension}
    )


def block(db, site_ids, site_id, author_id, actor: str, reason=None) -> dict:
    """Block and hide all: reject every pending and published comment of the author in one
    transaction (each a decision with its webhook event and statement, as a moderator's
    rejection); ``unblock`` gives each its previous status back."""
    with db.session() as s:
        site = _site(s, site_ids, site_id)
        comments = _comments(s, site_id, author_id, Comment.status.in_(HIDDEN))
        statement = explanations.author_action(vocab.AUTHOR_BLOCK, reason)
        for c in comments:
            record_decision(
                s, c.id, vocab.REJECTED, actor, reason=vocab.REASON_AUTHOR_BLOCKED, note=reason, explanation=statement
            )
        rule = _ensure_rule(s, site_id, author_id)
        rule.blocked_at = rule.updated_at = utcnow()
        return _action_view(_log(s, site, author_id, vocab.AUTHOR_BLOCK, actor, reason, changed=len(comments)))


def unblock(db, site_ids, site_id, author_id, actor: str, reason=None) -> dict:
    """Undo ``block``: each comment it rejected, and that nobody has decided since, gets its
    previous status back."""
    with db.session() as s:
        site = _site(s, site_ids, site_id)
        comments = _comments(s, site_id, author_id, Comment.status == vocab.REJECTED)
        restored = 0
        for c in comments:
            last = s.scalar(select(Decision).where(Decision.comment_id == c.id).order_by(Decision.id.desc()).limit(1))
            if last is None or last.reason != vocab.REASON_AUTHOR_BLOCKED or last.previous_status not in HIDDEN:
                continue
            record_decision(s, c.id, last.previous_status, actor, reason=vocab.REASON_AUTHOR_UNBLOCKED, note=reason)
            restored += 1
        rule = _ensure_rule(s, site_id, author_id)
        rule.blocked_at, rule.updated_at = None, utcnow()
        return _action_view(_log(s, site, author_id, vocab.AUTHOR_UNBLOCK, actor, reason, changed=restored))


def _comments(session, site_id, author_id, condition) -> list[Comment]:
    return list(
        session.scalars(
            select(Comment)
            .where(Comment.site_id == site_id, Comment.author_id == author_id, Comment.erased_at.is_(None), condition)
            .order_by(Comment.id)
            .with_for_update()
        )
    )


def _iso(value):
    return None if value is None else value.isoformat().replace("+00:00", "Z")
