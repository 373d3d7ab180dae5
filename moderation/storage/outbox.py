"""Storage for webhook events: claiming, the delivery log, parking and resending.

Events are built here (``event_payload``, ``queue_event``: the one place that knows a payload's
shape, which erasure also goes through, ``erase_events``) and written by ``comments.record_decision``
in the transaction of the decision itself (a test event: ``probe_events``).  A worker claims due
events with a lease (``locked_by``, ``locked_until``): on PostgreSQL the claim reads with ``FOR
UPDATE SKIP LOCKED`` so concurrent workers take different rows without waiting; on both databases
the claiming UPDATE only takes rows whose lease is free, so no event is ever being delivered by two
workers at once, and a crashed worker's events are taken up again when its lease (one event's
deadline plus a margin) runs out.  Every SQL statement about the outbox is here; plain dicts out.
"""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.orm import aliased

from moderation import vocabulary as vocab
from moderation.storage import explanations
from moderation.storage.access import may_see
from moderation.storage.tables import Delivery, OutboxEvent, Site, utcnow

CLAIM_LOCK_KEY = 0x6D6F645F6F7574  # pg_advisory_xact_lock key of the claim ("mod_out")


def event_payload(event_type: str, comment_view: dict | None = None, sections: dict | None = None) -> dict:
    """The body a site receives: the event's id (the same on every retry), its type, when, and
    the comment as ``GET /api/v1/comments/<id>`` shows it at the moment of the decision. The
    DSA events carry their own ``sections`` instead (``{"notice": ...}``, ``{"appeal": ...}``)."""
    payload: dict = {"id": str(uuid.uuid4()), "type": event_type, "created_at": datetime.now(UTC).isoformat()}
    if comment_view is not None:
        payload["comment"] = comment_view
    return {**payload, **(sections or {})}


def queue_event(
    session,
    site_id: int,
    comment_id: int | None,
    event_type: str,
    comment_view: dict | None = None,
    sections: dict | None = None,
) -> None:
    """Write an event in the caller's transaction (the decision's own), for the worker to send."""
    session.add(
        OutboxEvent(
            site_id=site_id,
            comment_id=comment_id,
            event_type=event_type,
            payload=event_payload(event_type, comment_view, sections),
        )
    )


def erase_events(session, comment_id: int, scrub: Callable[[Any], Any]) -> None:
    """Erasure: the comment's events keep their ids and decisions but lose its text and author.
    ``scrub`` removes its words from stored JSON; a written explanation is redrafted without them."""
    for event in session.scalars(select(OutboxEvent).where(OutboxEvent.comment_id == comment_id)):
        decision = ((event.payload or {}).get("comment") or {}).get("decision") or {}
        payload = scrub(event.payload)
        view = payload.get("comment") or {}
        view.update(text=None, author={"id": None, "name": None}, erased=True)
        if decision.get("explanation"):
            view["decision"]["explanation"] = explanations.draft(decision.get("reason"), words=[])
        event.payload = payload  # a new object: JSON columns do not track changes inside


def claim(db, worker: str, limit: int, lease_seconds: float, now: datetime | None = None) -> list[dict]:
    """Take up to ``limit`` due events for ``worker`` and return them with their site's URL and secrets.

    At most one event per site is in flight at a time (an event of a site whose
    other event is leased waits), so a slow or dead receiver holds up only its
    own site; and an event waits while an earlier event of the same comment is
    still pending, so one comment's events arrive in order.  Each event's lease
    is ``lease_seconds`` (the delivery deadline plus a margin): a crashed
    worker's events are taken up again soon after."""
    now = now or utcnow()
    free = or_(OutboxEvent.locked_until.is_(None), OutboxEvent.locked_until < now)
    earlier, busy = aliased(OutboxEvent), aliased(OutboxEvent)
    earlier_pending = (
        select(earlier.id)
        .where(
            earlier.comment_id == OutboxEvent.comment_id,
            earlier.state == vocab.OUTBOX_PENDING,
            earlier.id < OutboxEvent.id,
        )
        .exists()
    )
    site_busy = (
        select(busy.id)
        .where(busy.site_id == OutboxEvent.site_id, busy.state == vocab.OUTBOX_PENDING, busy.locked_until >= now)
        .exists()
    )
    rank = func.row_number().over(
        partition_by=OutboxEvent.site_id, order_by=(OutboxEvent.next_attempt_at, OutboxEvent.id)
    )
    eligible = (
        select(OutboxEvent.id, OutboxEvent.next_attempt_at, rank.label("rank"))
        .where(
            OutboxEvent.state == vocab.OUTBOX_PENDING,
            OutboxEvent.next_attempt_at <= now,
            free,
            ~earlier_pending,
            ~site_busy,
        )
        .subquery()
    )
    with db.session() as s:
        if s.get_bind().dialect.name == "postgresql":
            # claims take turns (they are short), so "one per site" holds across workers too
            s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_LOCK_KEY})
        due = list(
            s.scalars(
                select(eligible.c.id)
                .where(eligible.c.rank == 1)
                .order_by(eligible.c.next_attempt_at, eligible.c.id)
                .limit(limit)
            )
        )
        if not due:
            return []
        # rows another transaction holds (an attempt being recorded) are passed over, not waited for
        unlocked = list(
            s.scalars(select(OutboxEvent.id).where(OutboxEvent.id.in_(due)).with_for_update(skip_locked=True))
        )
        if not unlocked:
            return []
        claimed = list(
            s.scalars(
                update(OutboxEvent)
                .where(OutboxEvent.id.in_(unlocked), OutboxEvent.state == vocab.OUTBOX_PENDING, free)
                .values(locked_by=worker, locked_until=now + timedelta(seconds=lease_seconds))
                .returning(OutboxEvent.id)
            )
        )
        rows = s.execute(
            select(OutboxEvent, Site)
            .join(Site, Site.id == OutboxEvent.site_id)
            .where(OutboxEvent.id.in_(claimed))
            .order_by(OutboxEvent.next_attempt_at, OutboxEvent.id)
        )
        return [claimed_view(event, site, now) for event, site in rows]


def claimed_view(event, site, now) -> dict:
    """A claimed event with what sending it takes: the site's URL and its valid secrets."""
    return {
        "id": event.id,
        "site_id": site.id,
        "site": site.name,
        "type": event.event_type,
        "payload": event.payload,
        "attempts": event.attempts,
        "url": site.webhook_url,
        "secrets": _secrets(site, now),
    }


def _secrets(site, now) -> list[str]:
    secrets = [site.webhook_secret] if site.webhook_secret else []
    until = site.webhook_secret_previous_until
    if site.webhook_secret_previous and until and until > now:
        secrets.append(site.webhook_secret_previous)
    return secrets


def record_attempt(
    db,
    event_id: int,
    worker: str,
    *,
    status_code: int | None,
    error: str | None,
    duration_ms: float | None,
    max_attempts: int,
    backoff,
    now: datetime | None = None,
) -> dict:
    """Log one delivery attempt and move the event on: delivered, retried after
    ``backoff(attempts)`` seconds, or parked after ``max_attempts``.  An attempt
    by a worker that lost its lease is logged but changes nothing else."""
    now = now or utcnow()
    with db.session() as s:
        s.add(
            Delivery(event_id=event_id, attempted_at=now, status_code=status_code, error=error, duration_ms=duration_ms)
        )
        event = s.scalar(select(OutboxEvent).where(OutboxEvent.id == event_id).with_for_update())
        if event is None or event.locked_by != worker:
            return {"id": event_id, "state": "lease-lost"}
        event.attempts += 1
        event.locked_by = event.locked_until = None
        if error is None:
            event.state, event.delivered_at, event.last_error = vocab.DELIVERED, now, None
        else:
            event.last_error = error
            if event.attempts >= max_attempts:
                event.state = vocab.PARKED
            else:
                event.next_attempt_at = now + timedelta(seconds=backoff(event.attempts))
        return {
            "id": event.id,
            "state": event.state,
            "attempts": event.attempts,
            "next_attempt_at": event.next_attempt_at,
        }


def resend(db, ids=(), site_id: int | None = None, all_parked: bool = False, now: datetime | None = None) -> list[int]:
    """Queue parked (or delivered) events again, with a fresh round of attempts.
    Returns the ids queued; events still pending are left as they are."""
    now = now or utcnow()
    query = update(OutboxEvent).where(OutboxEvent.state.in_((vocab.PARKED, vocab.DELIVERED)))
    if all_parked:
        query = query.where(OutboxEvent.state == vocab.PARKED)
        if site_id is not None:
            query = query.where(OutboxEvent.site_id == site_id)
    else:
        query = query.where(OutboxEvent.id.in_(list(ids)))
    with db.session() as s:
        return sorted(
            s.scalars(
                query.values(
                    state=vocab.OUTBOX_PENDING,
                    attempts=0,
                    next_attempt_at=now,
                    locked_by=None,
                    locked_until=None,
                    delivered_at=None,
                ).returning(OutboxEvent.id)
            )
        )


def list_events(
    db, state: str | None = None, site_id: int | None = None, limit: int = 100, site_ids: list[int] | None = None
) -> list[dict]:
    """Newest first; ``site_ids`` limits them to those sites (an admin's own)."""
    query = select(OutboxEvent, Site.name).join(Site, Site.id == OutboxEvent.site_id)
    if state:
        query = query.where(OutboxEvent.state == state)
    if site_id is not None:
        query = query.where(OutboxEvent.site_id == site_id)
    query = query.where(may_see(site_ids, OutboxEvent.site_id))
    with db.session() as s:
        return [_view(event, name) for event, name in s.execute(query.order_by(OutboxEvent.id.desc()).limit(limit))]


def get_event(db, event_id: int) -> dict | None:
    """One event with its payload and delivery log (oldest attempt first)."""
    with db.session() as s:
        row = s.execute(
            select(OutboxEvent, Site.name).join(Site, Site.id == OutboxEvent.site_id).where(OutboxEvent.id == event_id)
        ).first()
        if row is None:
            return None
        deliveries = s.scalars(select(Delivery).where(Delivery.event_id == event_id).order_by(Delivery.id))
        return {
            **_view(*row),
            "payload": row[0].payload,
            "deliveries": [
                {
                    "at": d.attempted_at,
                    "status_code": d.status_code,
                    "error": d.error,
                    "duration_ms": d.duration_ms,
                }
                for d in deliveries
            ],
        }


def count_by_state(db, site_ids: list[int] | None = None) -> dict[str, int]:
    """Events per state; ``site_ids`` counts only those sites' (an admin's own)."""
    query = select(OutboxEvent.state, func.count()).group_by(OutboxEvent.state)
    if site_ids is not None:
        query = query.where(OutboxEvent.site_id.in_(site_ids))
    with db.session() as s:
        counts = dict(s.execute(query).all())
    return {state: counts.get(state, 0) for state in vocab.OUTBOX_STATES}


def _view(event, site_name) -> dict:
    return {
        "id": event.id,
        "event_id": (event.payload or {}).get("id"),
        "site": site_name,
        "type": event.event_type,
        "comment_id": event.comment_id,
        "state": event.state,
        "attempts": event.attempts,
        "next_attempt_at": event.next_attempt_at,
        "last_error": event.last_error,
        "created_at": event.created_at,
        "delivered_at": event.delivered_at,
        "locked_by": event.locked_by,
    }
