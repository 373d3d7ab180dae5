"""Storage for ``GET /api/v1/decisions``: a site's decisions in order, for polling.

The cursor is a decision id.  Ids are handed out when a row is inserted, not
when its transaction commits, so on PostgreSQL a decision with a lower id can
become visible just after one with a higher id.  The feed therefore only lists
decisions older than a few seconds (``DECISIONS_SETTLE_SECONDS``): a site that
polls with the last id it saw never skips one.

``initial_pending=False`` leaves out the first decision of a comment that waits for a
moderator (``pending`` with no previous status): the site hears about it when a moderator
decides.  A later ``pending`` (a decision taken back) is always listed.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, select

from moderation import vocabulary as vocab
from moderation.storage.dsa_tables import Notice
from moderation.storage.tables import Comment, Decision, utcnow


def decisions_since(
    db,
    site_id: int,
    since: int,
    limit: int,
    settle_seconds: float,
    now: datetime | None = None,
    initial_pending: bool = True,
) -> tuple[list[dict], bool]:
    """Up to ``limit`` decisions with an id above ``since``, oldest first, and whether more follow."""
    cutoff = (now or utcnow()) - timedelta(seconds=settle_seconds)
    query = (
        select(Decision, Comment.external_id, Comment.erased_at)
        .join(Comment, Comment.id == Decision.comment_id)
        .where(Decision.site_id == site_id, Decision.id > since, Decision.created_at <= cutoff)
    )
    if not initial_pending:
        query = query.where(~and_(Decision.previous_status.is_(None), Decision.status == vocab.PENDING))
    with db.session() as s:
        rows = s.execute(query.order_by(Decision.id).limit(limit + 1)).all()
        answered = {}  # the notices each decision answered (Art. 16: the site tells the notifier)
        ids = [d.id for d, _, _ in rows[:limit]]
        if ids:
            for notice_id, decision_id, state in s.execute(
                select(Notice.id, Notice.decision_id, Notice.state)
                .where(Notice.decision_id.in_(ids))
                .order_by(Notice.id)
            ):
                answered.setdefault(decision_id, []).append({"id": notice_id, "outcome": state})
    items = [_view(d, external_id, erased_at) for d, external_id, erased_at in rows[:limit]]
    for item in items:
        item["notices"] = answered.get(item["id"], [])
    return items, len(rows) > limit


def _view(decision, external_id, erased_at) -> dict:
    return {
        "id": decision.id,
        "comment_id": decision.comment_id,
        "external_id": external_id,
        "status": decision.status,
        "previous_status": decision.previous_status,
        "reason": decision.reason,
        "explanation": decision.explanation,
        "by": vocab.BY_POLICY if decision.actor == vocab.BY_POLICY else vocab.BY_MODERATOR,
        "at": _iso(decision.created_at),
        "comment_erased": erased_at is not None,
    }


def _iso(value):
    return value.isoformat().replace("+00:00", "Z") if value else None
