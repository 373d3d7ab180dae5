"""Every SQL statement of the service: sites, comments, analyses, decisions.

Functions take a ``Database`` (or an open session) and return plain dicts, so
callers never hold ORM objects past a transaction.
"""

import hashlib
import secrets

from sqlalchemy import func, select

from moderation import analysis as typed
from moderation import vocabulary as vocab
from moderation.storage import dsa_hooks, explanations, intake, outbox, statements
from moderation.storage.tables import Analysis, Article, Comment, Decision, Site, utcnow


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


# --- sites -----------------------------------------------------------------


def create_site(db, name, webhook_url=None, policy=None) -> dict:
    """A new site; the only time its API key (and webhook secret) is seen in clear."""
    api_key = new_secret("mk_")
    secret = new_secret("whsec_") if webhook_url else None
    with db.session() as s:
        if s.scalar(select(Site.id).where(Site.name == name)) is not None:
            raise ValueError(f"a site named {name!r} already exists")
        site = Site(
            name=name,
            api_key_hash=hash_key(api_key),
            webhook_url=webhook_url,
            webhook_secret=secret,
            policy=policy or {},
        )
        s.add(site)
        s.flush()
        out = {"id": site.id, "name": name, "api_key": api_key}
    if webhook_url:
        out.update(webhook_url=webhook_url, webhook_secret=secret)
    return out


def rotate_key(db, name) -> dict:
    """Give a site a new API key (the old one stops working at once) and return it."""
    api_key = new_secret("mk_")
    with db.session() as s:
        site = s.scalar(select(Site).where(Site.name == name))
        if site is None:
            raise LookupError(f"no site named {name!r}")
        site.api_key_hash = hash_key(api_key)
        out = {"id": site.id, "name": name, "api_key": api_key}
    db.forget_sites()
    return out


def site_by_key(db, api_key: str) -> dict | None:
    return site_by_key_hash(db, hash_key(api_key))


def cached_site_by_key(db, api_key: str) -> dict | None:
    """``site_by_key`` through the process's short-lived cache (storage.intake.KeyCache)."""
    return intake.site_by_key(db, hash_key(api_key), site_by_key_hash)


def site_by_key_hash(db, key_hash: str) -> dict | None:
    with db.session() as s:
        site = s.scalar(select(Site).where(Site.api_key_hash == key_hash))
        return _site_dict(site) if site else None


def list_sites(db) -> list[dict]:
    with db.session() as s:
        return [_site_dict(site) for site in s.scalars(select(Site).order_by(Site.id))]


def _site_dict(site):
    return {
        "id": site.id,
        "name": site.name,
        "webhook_url": site.webhook_url,
        "policy": site.policy or {},
        "rate_limit_per_second": site.rate_limit_per_second,
        "rate_limit_burst": site.rate_limit_burst,
        "dsa": site.dsa,
    }


# --- comments ----------------------------------------------------------------


def store_comment(db, site_id, data, analysis: typed.Analysis, decision: typed.Decision) -> tuple[dict | None, bool]:
    """Store a comment with its analysis and decision in one transaction (storage.intake).

    Idempotent on (site, external_id): returns ``(record, True)`` when stored
    now, ``(existing record, False)`` when it was there already, also when a
    concurrent request stored it a moment earlier.
    """
    with db.session() as s:
        site = _site_dict(s.get(Site, site_id))
    [(record, created)] = intake.store(db, site, [(data, dict(analysis), dict(decision))])
    if created:
        return record, True
    return find_comment(db, site_id, external_id=data["external_id"]), False


def record_decision(
    session, comment_id, status, actor, reason=None, note=None, explanation=None, urgent=False, initial=False, **dsa
):
    """Append a decision to the audit trail, update the comment, and queue the site's event.

    The event is written in the caller's transaction (the outbox), so a decision
    and its webhook are never out of step.  Every approval and rejection raises
    an event, the first, automatic one too (it is also in the API response; the
    event id lets a site ignore what it has seen); a comment left for a human
    raises one only when urgent (``comment.escalated``).
    A rejection without an ``explanation`` gets the drafted statement of reasons
    (``explanations.draft``); a moderator's edited text is used as given.
    ``dsa``: for ``dsa_hooks.after_decision`` (the statement, the notices).  Returns the Decision.
    """
    comment = session.get(Comment, comment_id)
    previous = None if initial else comment.status
    if status == vocab.REJECTED and not explanation:
        analysis = session.scalar(
            select(Analysis.result).where(Analysis.comment_id == comment_id).order_by(Analysis.id.desc()).limit(1)
        )
        explanation = explanations.draft(reason, analysis)
    decision = Decision(
        comment_id=comment_id,
        site_id=comment.site_id,
        status=status,
        previous_status=previous,
        actor=actor,
        reason=reason,
        note=note,
        explanation=explanation,
        created_at=utcnow(),
        was_urgent=comment.urgent,
    )
    session.add(decision)
    comment.status = status
    session.flush()
    dsa_hooks.after_decision(session, comment, decision, initial=initial, **dsa)
    if urgent:
        comment.urgent = True
    event_type = vocab.EVENT_ESCALATED if urgent and status == vocab.PENDING else vocab.EVENT_FOR_STATUS.get(status)
    if event_type:
        site = session.get(Site, comment.site_id)
        if site.webhook_url:
            session.flush()
            outbox.queue_event(session, site.id, comment_id, event_type, _comment_view(session, comment))
    return decision


def find_comment(db, site_id, external_id) -> dict | None:
    with db.session() as s:
        comment = s.scalar(select(Comment).where(Comment.site_id == site_id, Comment.external_id == external_id))
        return _comment_view(s, comment) if comment else None


def get_comment(db, site_id, comment_id) -> dict | None:
    """A site's own comment, or None (also for another site's id)."""
    with db.session() as s:
        comment = s.scalar(select(Comment).where(Comment.id == comment_id, Comment.site_id == site_id))
        return _comment_view(s, comment) if comment else None


def _comment_view(session, comment, analysis=None) -> dict:
    """The record a site sees; ``analysis`` when the caller has it at hand."""
    if analysis is None:
        analysis = session.scalar(
            select(Analysis.result).where(Analysis.comment_id == comment.id).order_by(Analysis.id.desc()).limit(1)
        )
    decision = session.scalar(
        select(Decision).where(Decision.comment_id == comment.id).order_by(Decision.id.desc()).limit(1)
    )
    article = session.get(Article, comment.article_id) if comment.article_id else None
    return {
        "id": comment.id,
        "external_id": comment.external_id,
        "status": comment.status,
        "urgent": comment.urgent,
        "text": comment.text,
        "article": ({"id": article.site_article_id, "title": article.title, "url": article.url} if article else None),
        "author": {"id": comment.author_id, "name": comment.author_name},
        "parent_external_id": comment.parent_external_id,
        "created_at": _iso(comment.created_at),
        "received_at": _iso(comment.received_at),
        "erased_at": _iso(comment.erased_at),
        "analysis": analysis,
        "decision": (
            {
                "status": decision.status,
                "reason": decision.reason,
                "explanation": decision.explanation,
                "by": vocab.BY_POLICY if decision.actor == vocab.BY_POLICY else vocab.BY_MODERATOR,
                "at": _iso(decision.created_at),
                "statement": statements.for_decision(session, decision.id),
            }
            if decision
            else None
        ),
    }


comment_view = _comment_view  # the record a site sees, for the other storage modules


def _iso(value):
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


def count_comments(db) -> list[tuple[str, str | None, int]]:
    """(status, stance, count) for the metrics endpoint."""
    with db.session() as s:
        rows = s.execute(select(Comment.status, Comment.stance, func.count()).group_by(Comment.status, Comment.stance))
        return [(status, stance, n) for status, stance, n in rows]


def count_rows(db, table) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(table))
