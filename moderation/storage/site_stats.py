"""A site's day at a glance: the dashboard (``/``) and ``GET /api/v1/sites/me/stats``.

Per site, all in aggregate SQL grouped by site (a handful of statements however many comments):

- ``queues``: comments waiting, ``pending`` (in the queue) and ``urgent`` (marked urgent or
  escalated; not counted in ``pending``), ``gemeld`` (comments with an open notice) and
  ``bezwaren`` (comments with an open appeal);
- ``oldest_waiting_seconds``: the age of the oldest comment waiting for a moderator (None: none);
- per window, ``today`` and ``week`` (since local midnight and since Monday 00:00 in
  Europe/Amsterdam): ``time_to_decision`` — median and 90th percentile (nearest rank: the
  smallest wait at least half, or nine tenths, of the waits are no longer than) of the seconds
  from a comment's arrival to a moderator's decision taking it out of the queue — against the
  site's ``target_minutes``; ``by_moderator`` (decisions per moderator); ``automatic_share``
  (the share of the window's decisions the policy made at intake, approvals and rejections,
  of those plus moderators' decisions out of the queue; None when there were none).

The waits use ``ix_decisions_site_time`` (site, time); the queue counts ``ix_comments_waiting``.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Float, and_, case, cast, func, or_, select

from moderation import vocabulary as vocab
from moderation.storage.access import may_see
from moderation.storage.dsa_tables import Appeal, Notice
from moderation.storage.tables import Comment, Decision, Site

WINDOWS = ("today", "week")


def windows(now: datetime, timezone: str = vocab.DEFAULT_TIMEZONE) -> dict[str, datetime]:
    """The start of today and of this week (Monday) in ``timezone``, as UTC moments."""
    local = now.astimezone(ZoneInfo(timezone))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    monday = midnight - timedelta(days=local.weekday())
    # replace() keeps the offset of ``now``; re-read the wall clock in the zone for a day across a DST change
    zone = ZoneInfo(timezone)
    return {
        "today": midnight.replace(tzinfo=None).replace(tzinfo=zone).astimezone(UTC),
        "week": monday.replace(tzinfo=None).replace(tzinfo=zone).astimezone(UTC),
    }


def for_sites(db, site_ids, now: datetime) -> list[dict]:
    """The figures of every site in ``site_ids`` (None: all), by site name."""
    now = now.astimezone(UTC)
    since = windows(now)
    with db.session() as s:
        sites = s.execute(select(Site.id, Site.name, Site.policy).where(may_see(site_ids, Site.id)).order_by(Site.name))
        out = {
            sid: _empty(sid, name, (policy or {}).get("target_minutes") or vocab.DEFAULT_TARGET_MINUTES, now, since)
            for sid, name, policy in sites
        }
        if not out:
            return []
        ids = list(out)
        for sid, pending, urgent, oldest in s.execute(_waiting(ids)):
            out[sid]["queues"].update(pending=int(pending or 0), urgent=int(urgent or 0))
            out[sid]["oldest_waiting_seconds"] = _age(now, oldest)
        for sid, n in s.execute(_open(Notice, vocab.NOTICE_OPEN, ids)):
            out[sid]["queues"]["gemeld"] = n
        for sid, n in s.execute(_open(Appeal, vocab.APPEAL_OPEN, ids)):
            out[sid]["queues"]["bezwaren"] = n
        for window in WINDOWS:
            start = since[window]
            for sid, median, p90, n in s.execute(_waits(s, ids, start)):
                out[sid][window]["time_to_decision"].update(
                    median_seconds=_round(median), p90_seconds=_round(p90), decisions=int(n)
                )
            for sid, actor, n in s.execute(_by_moderator(ids, start)):
                out[sid][window]["by_moderator"][actor] = n
            for sid, automatic, human in s.execute(_automatic(ids, start)):
                total = int(automatic or 0) + int(human or 0)
                out[sid][window]["automatic_share"] = round(int(automatic or 0) / total, 4) if total else None
    return list(out.values())


def _empty(site_id, name, target, now, since) -> dict:
    return {
        "site": name,
        "site_id": site_id,
        "at": now.isoformat().replace("+00:00", "Z"),
        "target_minutes": target,
        "queues": {"pending": 0, "urgent": 0, "gemeld": 0, "bezwaren": 0},
        "oldest_waiting_seconds": None,
        **{
            window: {
                "since": since[window].isoformat().replace("+00:00", "Z"),
                "time_to_decision": {"median_seconds": None, "p90_seconds": None, "decisions": 0},
                "by_moderator": {},
                "automatic_share": None,
            }
            for window in WINDOWS
        },
    }


def _waiting(ids):
    urgent = or_(Comment.urgent.is_(True), Comment.escalated_at.is_not(None))
    return (
        select(
            Comment.site_id,
            func.sum(case((urgent, 0), else_=1)),
            func.sum(case((urgent, 1), else_=0)),
            func.min(Comment.received_at),
        )
        .where(Comment.status == vocab.PENDING, Comment.erased_at.is_(None), Comment.site_id.in_(ids))
        .group_by(Comment.site_id)
    )


def _open(table, state, ids):
    return (
        select(table.site_id, func.count(func.distinct(table.comment_id)))
        .where(table.state == state, table.site_id.in_(ids))
        .group_by(table.site_id)
    )


def _seconds(session):
    """The seconds between a comment's arrival and the decision, in the database's own arithmetic."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", Decision.created_at - Comment.received_at)
    return (func.julianday(Decision.created_at) - func.julianday(Comment.received_at)) * 86400.0


def _human(start):
    """A moderator's decision that took a comment out of the queue, in the window."""
    return and_(
        Decision.created_at >= start, Decision.actor != vocab.BY_POLICY, Decision.previous_status == vocab.PENDING
    )


def _waits(session, ids, start):
    waits = (
        select(Decision.site_id.label("site_id"), cast(_seconds(session), Float).label("wait"))
        .join(Comment, Comment.id == Decision.comment_id)
        .where(Decision.site_id.in_(ids), _human(start))
        .subquery()
    )
    ranked = select(
        waits.c.site_id,
        waits.c.wait,
        func.row_number().over(partition_by=waits.c.site_id, order_by=waits.c.wait).label("rank"),
        func.count().over(partition_by=waits.c.site_id).label("n"),
    ).subquery()
    rank, n = ranked.c.rank, ranked.c.n
    return select(
        ranked.c.site_id,
        func.min(case((rank * 2 >= n, ranked.c.wait))),  # nearest rank: rank >= ceil(p * n)
        func.min(case((rank * 10 >= n * 9, ranked.c.wait))),
        func.max(n),
    ).group_by(ranked.c.site_id)


def _by_moderator(ids, start):
    return (
        select(Decision.site_id, Decision.actor, func.count())
        .where(
            Decision.site_id.in_(ids),
            Decision.created_at >= start,
            Decision.actor != vocab.BY_POLICY,
            Decision.status != vocab.PENDING,
        )
        .group_by(Decision.site_id, Decision.actor)
        .order_by(Decision.site_id, func.count().desc())
    )


def _automatic(ids, start):
    automatic = and_(
        Decision.actor == vocab.BY_POLICY,
        Decision.previous_status.is_(None),
        Decision.status.in_((vocab.APPROVED, vocab.REJECTED)),
    )
    human = and_(Decision.actor != vocab.BY_POLICY, Decision.previous_status == vocab.PENDING)
    return (
        select(Decision.site_id, func.sum(case((automatic, 1), else_=0)), func.sum(case((human, 1), else_=0)))
        .where(Decision.site_id.in_(ids), Decision.created_at >= start)
        .group_by(Decision.site_id)
    )


def _age(now, oldest):
    if oldest is None:
        return None
    oldest = oldest.replace(tzinfo=UTC) if oldest.tzinfo is None else oldest
    return max(0, int((now - oldest).total_seconds()))


def _round(value):
    return None if value is None else round(float(value), 1)
