"""Appeals (DSA Art. 20): internal complaints by the writer of a refused comment or by a
notifier, the Bezwaren queue, and deciding them.

An appeal is never decided automatically: only ``decide`` (a moderator) closes one, and
where the site has another moderator it must be someone other than the one who took the
original decision.  A reversal raises ``appeal.decided`` first, then changes the comment's
status through ``record_decision``: a new statement of reasons and the status event.
"""

from datetime import datetime

from sqlalchemy import func, select

from moderation import vocabulary as vocab
from moderation.dsa import roles
from moderation.storage import access, dsa_hooks, statements
from moderation.storage.comments import record_decision
from moderation.storage.dsa_events import APPEAL_DECIDED, queue_event, redress_options
from moderation.storage.dsa_tables import Appeal, Notice
from moderation.storage.review_items import hydrate
from moderation.storage.review_queue import NotVisible, visible
from moderation.storage.tables import Comment, Decision, Moderator, Site, utcnow

REPLIES = {
    "upheld": "Uw bezwaar is beoordeeld door een andere moderator. De beslissing blijft zoals hij was.",
    "reversed": "Uw bezwaar is beoordeeld door een andere moderator. De beslissing is herzien.",
}


class AppealRefused(ValueError):
    """The appeal cannot be taken: the detail says why."""


class SameModerator(PermissionError):
    pass


def add_months(value: datetime, months: int) -> datetime:
    month = value.month - 1 + months
    year, month = value.year + month // 12, month % 12 + 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return value.replace(year=year, month=month, day=min(value.day, days[month - 1]))


def create(db, site_id: int, data: dict, now=None) -> tuple[dict, bool]:
    """Store a validated appeal: ``(view, created)``; the same open appeal again is returned as it is."""
    now = now or utcnow()
    with db.session() as s:
        site = s.get(Site, site_id)
        settings = roles.settings(site.dsa)
        if not roles.duties(site.dsa)["appeals"]:
            raise AppealRefused(
                f"this site's DSA role is {settings['role']!r}, which does not offer appeals; "
                "set it to 'platform' or 'hosting-voluntary-platform' to take them"
            )
        comment = s.scalar(
            select(Comment).where(Comment.site_id == site_id, Comment.external_id == data["comment_external_id"])
        )
        if comment is None:
            raise LookupError(data["comment_external_id"])
        notice = None
        if data["appellant"] == vocab.APPELLANT_NOTIFIER:
            notice = s.scalar(select(Notice).where(Notice.id == data["notice_id"], Notice.comment_id == comment.id))
            if notice is None:
                raise AppealRefused(f"notice {data['notice_id']} is not a notice on comment {comment.external_id!r}")
            if notice.state == vocab.NOTICE_OPEN:
                raise AppealRefused(f"notice {notice.id} has not been decided yet; an appeal is against a decision")
            decision = (
                s.get(Decision, notice.decision_id) if notice.decision_id else dsa_hooks.last_decision(s, comment.id)
            )
            actor, decided_at = notice.decided_by or decision.actor, notice.decided_at
        else:
            decision = dsa_hooks.last_decision(s, comment.id)
            if decision is None or comment.status != vocab.REJECTED:
                raise AppealRefused(f"comment {comment.external_id!r} is not refused; a writer appeals a refusal")
            actor, decided_at = decision.actor, decision.created_at
        if add_months(decided_at, settings["appeal_months"]) < now:
            raise AppealRefused(
                f"the decision was taken on {decided_at.date()}; appeals are open for "
                f"{settings['appeal_months']} months"
            )
        existing = s.scalar(
            select(Appeal).where(
                Appeal.comment_id == comment.id,
                Appeal.appellant == data["appellant"],
                Appeal.state == vocab.APPEAL_OPEN,
                Appeal.notice_id.is_(None) if notice is None else Appeal.notice_id == notice.id,
            )
        )
        if existing is not None:
            return view(s, existing, comment), False
        appeal = Appeal(
            site_id=site_id,
            comment_id=comment.id,
            appellant=data["appellant"],
            notice_id=notice.id if notice else None,
            text=data["text"],
            decision_id=decision.id,
            original_actor=actor,
            received_at=now,
            state=vocab.NOTICE_OPEN,
        )
        s.add(appeal)
        s.flush()
        return view(s, appeal, comment), True


def view(session, appeal, comment=None) -> dict:
    comment = comment or session.get(Comment, appeal.comment_id)
    return {
        "id": appeal.id,
        "comment_id": comment.id,
        "comment_external_id": comment.external_id,
        "appellant": appeal.appellant,
        "notice_id": appeal.notice_id,
        "received_at": dsa_hooks.iso(appeal.received_at),
        "state": appeal.state,
        "decision": (
            {
                "outcome": appeal.state,
                "reply": appeal.reply,
                "comment_status": comment.status,
                "at": dsa_hooks.iso(appeal.decided_at),
                "automated": False,
                "statement": statements.for_decision(session, appeal.new_decision_id)
                if appeal.new_decision_id
                else None,
                "redress": redress_options(False),
            }
            if appeal.state != vocab.APPEAL_OPEN
            else None
        ),
    }


def get(db, site_id, appeal_id) -> dict | None:
    with db.session() as s:
        appeal = s.scalar(select(Appeal).where(Appeal.id == appeal_id, Appeal.site_id == site_id))
        return view(s, appeal) if appeal else None


# --- the Bezwaren queue ---------------------------------------------------------------------


def count(db, site_ids) -> int:
    with db.session() as s:
        return s.scalar(
            select(func.count(func.distinct(Appeal.comment_id)))
            .join(Comment, Comment.id == Appeal.comment_id)
            .where(Appeal.state == vocab.APPEAL_OPEN, visible(site_ids))
        )


def others_can_decide(session, site_id, email) -> bool:
    """Is there a moderator other than ``email`` who can see this site?"""
    for other_email, site_ids in session.execute(select(Moderator.email, Moderator.site_ids)):
        if other_email != email and access.allows(site_ids, site_id):
            return True
    return False


def bezwaren(db, site_ids, me, limit=25) -> dict:
    """Comments with open appeals, oldest appeal first; each item is the queue's item plus
    ``appeals`` (with the original decision and its statement), ``notices`` and ``mine``
    (True when ``me`` took the original decision and someone else can take the appeal)."""
    with db.session() as s:
        rows = s.execute(
            select(Appeal, Comment)
            .join(Comment, Comment.id == Appeal.comment_id)
            .where(Appeal.state == vocab.APPEAL_OPEN, visible(site_ids))
            .order_by(Appeal.received_at, Appeal.id)
        ).all()
        grouped = {}
        for appeal, comment in rows:
            grouped.setdefault(comment.id, (comment, []))[1].append(appeal)
        chosen = list(grouped.values())[:limit]
        items = hydrate(s, [c for c, _ in chosen])
        for item, (comment, appeals) in zip(items, chosen):
            item["appeals"] = [_moderator_view(s, a) for a in appeals]
            item["notices"] = [
                {
                    "id": n.id,
                    "ground": n.ground,
                    "law": n.legal_ground or n.terms_ground,
                    "category": n.category,
                    "explanation": n.explanation or "",
                    "state": n.state,
                    "received_at": dsa_hooks.iso(n.received_at),
                }
                for n in dsa_hooks.notices_of(s, comment.id)
            ]
            item["mine"] = any(a.original_actor == me for a in appeals) and others_can_decide(s, comment.site_id, me)
    return {"items": items, "total": len(grouped)}


def _moderator_view(session, appeal) -> dict:
    decision = session.get(Decision, appeal.decision_id)
    return {
        "id": appeal.id,
        "appellant": appeal.appellant,
        "notice_id": appeal.notice_id,
        "text": appeal.text or "",
        "received_at": appeal.received_at,
        "original": {
            "status": decision.status,
            "reason": decision.reason,
            "actor": appeal.original_actor,
            "at": decision.created_at,
            "explanation": decision.explanation,
            "statement": statements.for_decision(session, decision.id),
        },
    }


def decide(db, site_ids, comment_ids, action, actor, reply=None, reason=None, explanation=None) -> dict:
    """Decide every open appeal on these comments: the comment ends ``approved`` or
    ``rejected``; an appeal whose decision that changes is reversed, otherwise upheld."""
    status = {"approve": vocab.APPROVED, "reject": vocab.REJECTED}.get(action)
    if status is None:
        raise ValueError("an appeal ends with the comment approved or rejected")
    done, skipped = [], []
    with db.session() as s:
        comments = {
            c.id: c
            for c in s.scalars(
                select(Comment).where(Comment.id.in_(sorted(set(comment_ids))), visible(site_ids)).with_for_update()
            )
        }
        if len(comments) != len(set(comment_ids)):
            raise NotVisible(sorted(set(comment_ids) - set(comments)))
        for cid in dict.fromkeys(comment_ids):
            comment = comments[cid]
            appeals = dsa_hooks.open_appeals(s, cid)
            if not appeals:
                skipped.append({"id": cid, "status": comment.status, "by": None})
                continue
            if any(a.original_actor == actor for a in appeals) and others_can_decide(s, comment.site_id, actor):
                raise SameModerator(cid)
            outcome = vocab.APPEAL_UPHELD if comment.status == status else vocab.APPEAL_REVERSED
            now = utcnow()
            for appeal in appeals:
                appeal.state, appeal.decided_at, appeal.decided_by = outcome, now, actor
                appeal.reply = (reply or "").strip() or REPLIES[outcome]
            s.flush()
            for appeal in appeals:
                queue_event(s, comment.site_id, cid, APPEAL_DECIDED, {"appeal": view(s, appeal, comment)})
            if outcome == vocab.APPEAL_REVERSED:
                notices = [s.get(Notice, a.notice_id) for a in appeals if a.notice_id]
                decision = record_decision(
                    s,
                    cid,
                    status,
                    actor=actor,
                    reason=(reason or vocab.OTHER) if status == vocab.REJECTED else "appeal",
                    explanation=explanation if status == vocab.REJECTED else None,
                    statement_kind="reinstated" if status == vocab.APPROVED else None,
                    notices=notices,
                    after_appeal=True,
                )
                for appeal in appeals:
                    appeal.new_decision_id = decision.id
            done.append(cid)
    return {"done": done, "skipped": skipped}
