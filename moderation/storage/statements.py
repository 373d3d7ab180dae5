"""Statements of reasons: issued with each restricting decision (in its transaction), shown
as ``decision.statement``, and the outbox from which ``moderation dsa submit`` sends them to
the Transparency Database (claimed, marked submitted, retried, parked).  Every SQL statement
about statements is here."""

from datetime import UTC, timedelta

from sqlalchemy import insert, select

from moderation import vocabulary as vocab
from moderation.dsa import roles
from moderation.dsa import statements as sor
from moderation.storage.dsa_tables import Notice, Statement
from moderation.storage.tables import Decision, Site, utcnow

SUBMIT_STATES = vocab.STATEMENT_STATES


def _day(value):
    if value is None:
        return utcnow().date()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).date()


def flagged(session, comment_id) -> bool:
    """Did the models send this comment to a person (or refuse it)?  Automated detection."""
    first = session.scalar(select(Decision).where(Decision.comment_id == comment_id).order_by(Decision.id).limit(1))
    if first is None:
        return False
    return first.status == vocab.REJECTED or (
        first.status == vocab.PENDING and first.reason != vocab.REASON_ANALYSIS_INCOMPLETE
    )


def open_notices(session, comment_id) -> list[Notice]:
    return list(
        session.scalars(select(Notice).where(Notice.comment_id == comment_id, Notice.state == vocab.NOTICE_OPEN))
    )


def notice_terms(notices) -> list[dict]:
    return [
        {"ground": n.ground, "legal_ground": n.legal_ground, "terms_ground": n.terms_ground, "category": n.category}
        for n in notices
    ]


def kind_for(session, comment, decision, initial) -> str | None:
    """Which statement a decision needs: a rejection always; withholding in pre-moderation
    when the site asks for it; nothing for an approval."""
    if decision.status == vocab.REJECTED:
        return "removed"
    if decision.status == vocab.PENDING and initial:
        site = session.get(Site, comment.site_id)
        if roles.settings(site.dsa)["statements_for_withheld"] and (site.policy or {}).get("mode", "pre") == "pre":
            return "withheld"
    return None


def kind_at_intake(site: dict, decision: dict) -> str | None:
    """``kind_for`` for a first (policy) decision at intake, from the site dict alone."""
    if decision["status"] == vocab.REJECTED:
        return "removed"
    withheld = roles.settings(site.get("dsa"))["statements_for_withheld"]
    if decision["status"] == vocab.PENDING and withheld and (site.get("policy") or {}).get("mode", "pre") == "pre":
        return "withheld"
    return None


def issue_at_intake(session, site: dict, items: list[tuple], now) -> dict[int, dict]:
    """Statements for the first decisions of new comments (``storage.intake``), in one INSERT:
    ``items`` are ``(comment_id, decision_id, decision row, kind, created_at)``; no notice
    exists yet.  Returns ``{comment_id: body}``."""
    if not items:
        return {}
    settings = roles.settings(site.get("dsa"))
    bodies, rows = {}, []
    for comment_id, decision_id, decision, kind, created_at in items:
        puid = sor.puid(comment_id, decision_id)
        flagged = decision["status"] == vocab.REJECTED or decision["reason"] != vocab.REASON_ANALYSIS_INCOMPLETE
        bodies[comment_id] = sor.build(
            puid=puid,
            kind=kind,
            reason=decision["reason"],
            actor=decision["actor"],
            flagged=flagged,
            notices=[],
            content_date=_day(created_at or now),
            application_date=_day(now),
            settings=settings,
        )
        row = {"site_id": site["id"], "comment_id": comment_id, "decision_id": decision_id, "puid": puid}
        rows.append({**row, "body": bodies[comment_id], "created_at": now, "next_attempt_at": now})
    session.execute(insert(Statement), rows)
    return bodies


def issue(session, comment, decision, kind, notices, after_appeal=False) -> dict:
    """Build and store the statement for ``decision`` (flushed, with an id)."""
    site = session.get(Site, comment.site_id)
    puid = sor.puid(comment.id, decision.id)
    body = sor.build(
        puid=puid,
        kind=kind,
        reason=decision.reason,
        actor=decision.actor,
        flagged=flagged(session, comment.id),
        notices=notice_terms(notices),
        content_date=_day(comment.created_at or comment.received_at),
        application_date=_day(decision.created_at),
        settings=roles.settings(site.dsa),
        after_appeal=after_appeal,
    )
    session.add(Statement(site_id=site.id, comment_id=comment.id, decision_id=decision.id, puid=puid, body=body))
    session.flush()
    return body


def for_decision(session, decision_id) -> dict | None:
    return session.scalar(select(Statement.body).where(Statement.decision_id == decision_id))


# --- the submission outbox -------------------------------------------------------------------


def ready(db, site_id: int, since=None) -> list[dict]:
    """A site's statements, oldest first (``since``: a date; by application date)."""
    query = select(Statement.body).where(Statement.site_id == site_id).order_by(Statement.id)
    with db.session() as s:
        bodies = list(s.scalars(query))
    if since is not None:
        bodies = [b for b in bodies if b["application_date"] >= since.isoformat()]
    return bodies


def claim(db, site_ids: list[int], limit: int, now=None) -> list[dict]:
    """Due, unsent statements of these sites: ``{"id", "site_id", "puid", "body", "attempts"}``."""
    now = now or utcnow()
    with db.session() as s:
        rows = s.scalars(
            select(Statement)
            .where(
                Statement.site_id.in_(site_ids),
                Statement.submit_state == vocab.STATEMENT_PENDING,
                Statement.next_attempt_at <= now,
            )
            .order_by(Statement.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [
            {"id": r.id, "site_id": r.site_id, "puid": r.puid, "body": r.body, "attempts": r.attempts} for r in rows
        ]


def mark_submitted(db, ids, now=None) -> None:
    with db.session() as s:
        for row in s.scalars(select(Statement).where(Statement.id.in_(list(ids)))):
            row.submit_state, row.submitted_at, row.last_error = "submitted", now or utcnow(), None


def mark_failed(db, statement_id, error: str, *, final: bool, max_attempts: int, backoff_seconds: float, now=None):
    """A failed try: ``final`` (the database refused the statement itself) parks it as
    ``rejected``; otherwise it is tried again later, and parked after ``max_attempts``."""
    now = now or utcnow()
    with db.session() as s:
        row = s.get(Statement, statement_id)
        row.attempts += 1
        row.last_error = error[:4000]
        if final:
            row.submit_state = vocab.STATEMENT_REJECTED
        elif row.attempts >= max_attempts:
            row.submit_state = "parked"
        else:
            row.next_attempt_at = now + timedelta(seconds=backoff_seconds * 2 ** (row.attempts - 1))


def counts(db, site_id=None) -> dict:
    from sqlalchemy import func

    query = select(Statement.submit_state, func.count()).group_by(Statement.submit_state)
    if site_id is not None:
        query = query.where(Statement.site_id == site_id)
    with db.session() as s:
        found = dict(s.execute(query).all())
    return {state: found.get(state, 0) for state in SUBMIT_STATES}
