"""Read-only SQL for the moderator pages: the audit log, articles, and the feedback export."""

from sqlalchemy import case, func, select, union

from moderation import vocabulary as vocab
from moderation.storage import account_events
from moderation.storage.access import may_see
from moderation.storage.paging import decode_cursor, encode_cursor
from moderation.storage.review_queue import visible
from moderation.storage.tables import (
    Analysis,
    Article,
    AuthorAction,
    Comment,
    Correction,
    Decision,
    Site,
    unpack_labels,
)

# --- the audit log -------------------------------------------------------------------


def audit(
    db, site_ids, before=None, limit=50, actor=None, include_policy=False, comment_id=None, include_accounts=False
) -> dict:
    """Decisions, corrections and actions on authors (and with ``include_accounts`` the changes to
    moderator accounts, for an admin of every site), newest first: ``{"entries", "next"}``.

    Id-keyset streams merged by time; ``before`` is the ``next`` cursor of the previous page.
    A comment's history (``comment_id``) has no author actions and no account changes.
    """
    d_before, c_before, a_before, m_before = decode_cursor(before, (int, int, int, int)) or (None, None, None, None)
    include_accounts = include_accounts and comment_id is None
    decision_site = may_see(site_ids, Decision.site_id)
    dq = (
        select(Decision, Comment.text, Site.name)
        .join(Comment, Comment.id == Decision.comment_id)
        .join(Site, Site.id == Decision.site_id)
        .where(decision_site)
        .order_by(Decision.id.desc())
        .limit(limit + 1)
    )
    cq = (
        select(Correction, Comment.text, Site.name)
        .join(Comment, Comment.id == Correction.comment_id)
        .join(Site, Site.id == Comment.site_id)
        .where(visible(site_ids))
        .order_by(Correction.id.desc())
        .limit(limit + 1)
    )
    if not include_policy:
        dq = dq.where(Decision.actor != vocab.BY_POLICY)
    if actor:
        dq, cq = dq.where(Decision.actor == actor), cq.where(Correction.actor == actor)
    if comment_id is not None:
        dq, cq = dq.where(Decision.comment_id == comment_id), cq.where(Correction.comment_id == comment_id)
    aq = (
        select(AuthorAction, Site.name)
        .join(Site, Site.id == AuthorAction.site_id)
        .where(may_see(site_ids, AuthorAction.site_id))
        .order_by(AuthorAction.id.desc())
        .limit(limit + 1)
    )
    if actor:
        aq = aq.where(AuthorAction.actor == actor)
    if d_before:
        dq = dq.where(Decision.id < d_before)
    if c_before:
        cq = cq.where(Correction.id < c_before)
    if a_before:
        aq = aq.where(AuthorAction.id < a_before)
    with db.session() as s:
        decisions = [_decision_entry(d, text, site) for d, text, site in s.execute(dq)]
        corrections = [_correction_entry(c, text, site) for c, text, site in s.execute(cq)]
        actions = [] if comment_id is not None else [_author_entry(a, site) for a, site in s.execute(aq)]
    changes = account_events.entries(db, m_before, limit + 1, actor) if include_accounts else []
    order = {"account": 0, "correction": 1, "author": 2, "decision": 3}
    merged = sorted(
        decisions + corrections + actions + changes,
        key=lambda e: (e["at"], order[e["kind"]], e["row"]),
        reverse=True,
    )[:limit]
    streams = (
        ("decision", decisions, d_before),
        ("correction", corrections, c_before),
        ("author", actions, a_before),
        ("account", changes, m_before),
    )
    cursor, more = [], False
    for kind, rows, previous in streams:
        taken = [e["row"] for e in merged if e["kind"] == kind]
        more = more or len(rows) > len(taken)
        cursor.append((min(taken) if taken else previous) or 0)
    return {"entries": merged, "next": encode_cursor(cursor) if more else None}


def _entry(kind, row, text, site, **details):
    """One line of the audit log: a decision or a label correction, who, when and on what."""
    head = {"kind": kind, "row": row.id, "at": row.created_at, "actor": row.actor, "comment_id": row.comment_id}
    return {**head, "site": site, "text": text or "", **details}


def _decision_entry(d, text, site):
    return _entry("decision", d, text, site, before=d.previous_status, after=d.status, reason=d.reason, note=d.note)


def _correction_entry(c, text, site):
    return _entry("correction", c, text, site, field=c.field, before=c.before, after=c.after)


def _author_entry(a, site):
    """A moderator's action on an author (``storage.authors``)."""
    head = {"kind": "author", "row": a.id, "at": a.created_at, "actor": a.actor, "comment_id": None}
    return {
        **head,
        "site": site,
        "site_id": a.site_id,
        "author_id": a.author_id,
        "action": a.action,
        "reason": a.reason,
        "until": a.until,
        "comments_changed": a.comments_changed,
        "text": a.explanation or "",
    }


def audit_actors(db, site_ids, include_accounts=False) -> list[str]:
    """Who decided or corrected anything on these sites (and changed accounts) (for the filter)."""
    decision_site = may_see(site_ids, Decision.site_id)
    with db.session() as s:
        q = union(
            select(Decision.actor).where(decision_site, Decision.actor != vocab.BY_POLICY),
            select(Correction.actor).join(Comment, Comment.id == Correction.comment_id).where(visible(site_ids)),
            select(AuthorAction.actor).where(may_see(site_ids, AuthorAction.site_id)),
        )
        found = set(s.scalars(q))
    return sorted(found | set(account_events.actors(db) if include_accounts else ()))


# --- articles ----------------------------------------------------------------------------


def _article_visible(site_ids):
    return may_see(site_ids, Article.site_id)


def articles(db, site_ids, before=None, limit=30) -> dict:
    """Articles, newest first, with their comment counts."""
    query = select(Article, Site.name).join(Site, Site.id == Article.site_id).where(_article_visible(site_ids))
    if before is not None:
        query = query.where(Article.id < before)
    with db.session() as s:
        rows = list(s.execute(query.order_by(Article.id.desc()).limit(limit + 1)))
        more, rows = len(rows) > limit, rows[:limit]
        ids = [a.id for a, _ in rows]
        stats = (
            {
                aid: (total, pending, uncivil)
                for aid, total, pending, uncivil in s.execute(
                    select(
                        Comment.article_id,
                        func.count(),
                        func.sum(case((Comment.status == vocab.PENDING, 1), else_=0)),
                        func.sum(case((Comment.uncivil.is_(True), 1), else_=0)),
                    )
                    .where(Comment.article_id.in_(ids), Comment.erased_at.is_(None))
                    .group_by(Comment.article_id)
                )
            }
            if ids
            else {}
        )
    items = [
        {
            "id": a.id,
            "title": a.title,
            "url": a.url,
            "site": site,
            "total": int((stats.get(a.id) or (0, 0, 0))[0]),
            vocab.PENDING: int((stats.get(a.id) or (0, 0, 0))[1] or 0),
            "uncivil": int((stats.get(a.id) or (0, 0, 0))[2] or 0),
        }
        for a, site in rows
    ]
    return {"items": items, "next": ids[-1] if more and ids else None}


def article_stats(db, site_ids, article_id) -> dict | None:
    """An article with the balance of stances and the share of uncivil comments, or None."""
    with db.session() as s:
        row = s.execute(
            select(Article, Site.name)
            .join(Site, Site.id == Article.site_id)
            .where(Article.id == article_id, _article_visible(site_ids))
        ).first()
        if row is None:
            return None
        article, site = row
        groups = list(
            s.execute(
                select(Comment.stance, Comment.uncivil, Comment.status, func.count())
                .where(Comment.article_id == article_id, Comment.erased_at.is_(None))
                .group_by(Comment.stance, Comment.uncivil, Comment.status)
            )
        )
    stances, statuses = {}, {}
    total = uncivil_total = 0
    for stance, uncivil, status, n in groups:
        entry = stances.setdefault(stance or "unknown", {"total": 0, "uncivil": 0})
        entry["total"] += n
        entry["uncivil"] += n if uncivil else 0
        statuses[status] = statuses.get(status, 0) + n
        total += n
        uncivil_total += n if uncivil else 0
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "site": site,
        "total": total,
        "uncivil": uncivil_total,
        "stances": stances,
        "statuses": statuses,
    }


# --- the feedback export -------------------------------------------------------------------


def feedback(db, chunk=500):
    """Every comment a moderator decided or corrected, with what they said; yields dicts, oldest first."""
    reviewed = union(
        select(Decision.comment_id.label("cid")).where(Decision.actor != vocab.BY_POLICY),
        select(Correction.comment_id.label("cid")),
    ).subquery()
    with db.session() as s:
        ids = sorted(s.scalars(select(reviewed.c.cid)))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        with db.session() as s:
            comments = list(
                s.execute(
                    select(Comment, Site.name)
                    .join(Site, Site.id == Comment.site_id)
                    .where(Comment.id.in_(part))
                    .order_by(Comment.id)
                )
            )
            analyses = dict(
                s.execute(
                    select(Analysis.comment_id, Analysis.result)
                    .where(Analysis.comment_id.in_(part))
                    .order_by(Analysis.id)
                ).all()
            )
            decisions = {
                d.comment_id: d
                for d in s.scalars(
                    select(Decision)
                    .where(Decision.comment_id.in_(part), Decision.actor != vocab.BY_POLICY)
                    .order_by(Decision.id)
                )
            }
            corrections = {}
            for c in s.scalars(select(Correction).where(Correction.comment_id.in_(part)).order_by(Correction.id)):
                corrections.setdefault(c.comment_id, {})[c.field] = {**(c.after or {}), "actor": c.actor}
        for comment, site in comments:
            if comment.erased_at is not None or not comment.text:
                continue
            d = decisions.get(comment.id)
            yield {
                "comment_id": comment.id,
                "site": site,
                "external_id": comment.external_id,
                "text": comment.text,
                "decision": {"status": d.status, "reason": d.reason, "actor": d.actor} if d else None,
                "corrections": corrections.get(comment.id, {}),
                "analysis": analyses.get(comment.id) or {},
                "tags": unpack_labels(comment.tags),
            }
