"""Every SQL statement of the service: sites, comments, analyses, decisions.

Functions take a ``Database`` (or an open session) and return plain dicts, so
callers never hold ORM objects past a transaction.
"""

import base64
import copy
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select

from moderation import analysis as typed
from moderation import vocabulary as vocab
from moderation.storage import canned, dsa_hooks, explanations, intake, outbox, statements
from moderation.storage.tables import Analysis, Article, Comment, Decision, Site, utcnow

MAX_GRACE_HOURS = 24 * 30


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in standard base64
    (what ``standardwebhooks.Webhook(secret)`` decodes; ``delivery.webhooks.signing_key``)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


# --- sites -----------------------------------------------------------------


def create_site(db, name, webhook_url=None, policy=None) -> dict:
    """A new site; the only time its API key (and webhook secret) is seen in clear.
    Without a ``policy`` it starts with ``vocabulary.NEW_SITE_POLICY`` (contains-pii waits for a human)."""
    api_key = new_secret("mk_")
    secret = new_webhook_secret() if webhook_url else None
    with db.session() as s:
        if s.scalar(select(Site.id).where(Site.name == name)) is not None:
            raise ValueError(f"a site named {name!r} already exists")
        site = Site(
            name=name,
            api_key_hash=hash_key(api_key),
            webhook_url=webhook_url,
            webhook_secret=secret,
            policy=copy.deepcopy(dict(vocab.NEW_SITE_POLICY)) if policy is None else policy,
        )
        s.add(site)
        s.flush()
        out = {"id": site.id, "name": name, "api_key": api_key}
    if webhook_url:
        out.update(webhook_url=webhook_url, webhook_secret=secret)
    return out


def rotate_key(db, name, grace_hours: float = 0, now=None) -> dict:
    """Give a site a new API key and return it.  The old key stops working at once, or keeps
    working beside the new one for ``grace_hours`` (a key that was in its grace already stops)."""
    if not 0 <= grace_hours <= MAX_GRACE_HOURS:
        raise ValueError(f"the grace period must be 0 to {MAX_GRACE_HOURS} hours, not {grace_hours:g}")
    now = now or utcnow()
    api_key = new_secret("mk_")
    with db.session() as s:
        site = s.scalar(select(Site).where(Site.name == name))
        if site is None:
            raise LookupError(f"no site named {name!r}")
        if grace_hours > 0:
            site.api_key_hash_previous = site.api_key_hash
            site.api_key_previous_until = now + timedelta(hours=grace_hours)
        else:
            site.api_key_hash_previous = site.api_key_previous_until = None
        site.api_key_hash = hash_key(api_key)
        until = site.api_key_previous_until
        out = {
            "id": site.id,
            "name": name,
            "api_key": api_key,
            "previous_key_valid_until": _iso(until) if until else None,
        }
    db.forget_sites()
    return out


def site_by_key(db, api_key: str) -> dict | None:
    return site_by_key_hash(db, hash_key(api_key))


def cached_site_by_key(db, api_key: str) -> dict | None:
    """``site_by_key`` through the process's short-lived cache (storage.intake.KeyCache)."""
    return intake.site_by_key(db, hash_key(api_key), site_by_key_hash)


def site_by_key_hash(db, key_hash: str, now=None) -> dict | None:
    """The site whose current key, or previous key still in its grace period, has this hash, with its
    own texts for the rejection reasons (``canned_texts``), so intake (through the cache) writes an
    automatic rejection without another query.  Through the old key the dict also says until when
    it works (``key_valid_until``, for the cache)."""
    now = now or utcnow()
    with db.session() as s:
        site = s.scalar(select(Site).where(Site.api_key_hash == key_hash))
        extra = {}
        if site is None:
            site = s.scalar(
                select(Site).where(Site.api_key_hash_previous == key_hash, Site.api_key_previous_until > now)
            )
            extra = {"key_valid_until": site.api_key_previous_until} if site else {}
        if site is None:
            return None
        return {**_site_dict(site), "canned_texts": canned.texts(s, site.id, canned.DEFAULT_TITLES), **extra}


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
                # the site's rule that decided ("tag:<tag>"); only the policy's: a moderator's note is internal
                "rule": decision.note if decision.actor == vocab.BY_POLICY else None,
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
