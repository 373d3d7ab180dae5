"""Notices (DSA Art. 16): storing them, the Gemeld queue ordered by weight, and deciding them.

A notice on a comment a moderator already cleared is answered at once (dismissed,
by automated means) unless it is new: a ground, category or law not in the notices
dismissed before.  A notice on a comment already refused is upheld at once.
Everything else waits in Gemeld.  ``dsa.weight`` has the ordering formula.
"""

import hashlib

from sqlalchemy import func, select

from moderation import vocabulary as vocab
from moderation.dsa import weight
from moderation.storage import dsa_hooks
from moderation.storage.comments import record_decision
from moderation.storage.dsa_tables import Notice
from moderation.storage.review_items import hydrate
from moderation.storage.review_queue import NotVisible, visible
from moderation.storage.tables import Comment, Decision, utcnow

GEMELD_PAGE = 25


class UnknownComment(LookupError):
    pass


def notifier_key(email: str | None) -> str | None:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest() if email and email.strip() else None


def _signature(n) -> tuple:
    return (n.ground, n.category, (n.legal_ground or n.terms_ground or "").strip().lower())


def create(db, site_id: int, data: dict) -> dict:
    """Store a validated notice and answer it at once when the rules above say so."""
    with db.session() as s:
        comment = s.scalar(
            select(Comment).where(Comment.site_id == site_id, Comment.external_id == data["comment_external_id"])
        )
        if comment is None or comment.erased_at is not None:
            raise UnknownComment(data["comment_external_id"])
        notifier = data.get("notifier") or {}
        notice = Notice(
            site_id=site_id,
            comment_id=comment.id,
            ground=data["ground"],
            legal_ground=data.get("legal_ground"),
            terms_ground=data.get("terms_ground"),
            category=data["category"],
            explanation=data["explanation"],
            notifier_name=notifier.get("name"),
            notifier_email=notifier.get("email"),
            notifier_key=notifier_key(notifier.get("email")),
            bona_fide=bool(data["bona_fide"]),
            received_at=utcnow(),
            state=vocab.NOTICE_OPEN,
            automated=False,
        )
        s.add(notice)
        s.flush()
        earlier = list(s.scalars(select(Notice).where(Notice.comment_id == comment.id, Notice.id != notice.id)))
        if comment.status == vocab.REJECTED:
            last = dsa_hooks.last_decision(s, comment.id)
            dsa_hooks.resolve(s, comment, [notice], vocab.NOTICE_UPHELD, vocab.BY_POLICY, last, automated=True)
        elif _cleared(s, comment) and _signature(notice) not in {_signature(n) for n in earlier}:
            pass  # new grounds: back to Gemeld
        elif _cleared(s, comment):
            dsa_hooks.resolve(s, comment, [notice], vocab.NOTICE_DISMISSED, vocab.BY_POLICY, None, automated=True)
        return dsa_hooks.notice_view(s, notice, comment)


def _cleared(session, comment) -> bool:
    """A moderator approved the comment, or dismissed notices on it."""
    approved = session.scalar(
        select(func.count())
        .select_from(Decision)
        .where(Decision.comment_id == comment.id, Decision.actor != vocab.BY_POLICY, Decision.status == vocab.APPROVED)
    )
    dismissed = session.scalar(
        select(func.count())
        .select_from(Notice)
        .where(
            Notice.comment_id == comment.id,
            Notice.state == vocab.NOTICE_DISMISSED,
            Notice.decided_by != vocab.BY_POLICY,
        )
    )
    return comment.status == vocab.APPROVED and bool(approved or dismissed)


def get(db, site_id: int, notice_id: int) -> dict | None:
    with db.session() as s:
        notice = s.scalar(select(Notice).where(Notice.id == notice_id, Notice.site_id == site_id))
        return dsa_hooks.notice_view(s, notice) if notice else None


# --- the Gemeld queue ---------------------------------------------------------------------------


def _open_by_comment(session, site_ids):
    rows = session.execute(
        select(Notice, Comment)
        .join(Comment, Comment.id == Notice.comment_id)
        .where(Notice.state == vocab.NOTICE_OPEN, visible(site_ids), Comment.erased_at.is_(None))
        .order_by(Notice.id)
    )
    grouped = {}
    for notice, comment in rows:
        grouped.setdefault(comment.id, (comment, []))[1].append(notice)
    return grouped


def count(db, site_ids) -> int:
    with db.session() as s:
        return s.scalar(
            select(func.count(func.distinct(Notice.comment_id)))
            .join(Comment, Comment.id == Notice.comment_id)
            .where(Notice.state == vocab.NOTICE_OPEN, visible(site_ids), Comment.erased_at.is_(None))
        )


def _track(session, keys) -> dict:
    if not keys:
        return {}
    out = {}
    for key, state, n in session.execute(
        select(Notice.notifier_key, Notice.state, func.count())
        .where(Notice.notifier_key.in_(list(keys)), Notice.state.in_(vocab.NOTICE_OUTCOMES))
        .group_by(Notice.notifier_key, Notice.state)
    ):
        upheld, dismissed = out.get(key, (0, 0))
        out[key] = (upheld + n, dismissed) if state == vocab.NOTICE_UPHELD else (upheld, dismissed + n)
    return out


def gemeld(db, site_ids, page: int = 1, limit: int = GEMELD_PAGE) -> dict:
    """Reported comments, heaviest first: ``{"items", "total", "page", "pages"}``; each item is
    the queue's item plus ``notices`` and ``weight``."""
    with db.session() as s:
        grouped = _open_by_comment(s, site_ids)
        track = _track(s, {n.notifier_key for _, ns in grouped.values() for n in ns if n.notifier_key})
        ranked = []
        for comment, notices in grouped.values():
            plain = [
                {"notifier_key": n.notifier_key, "ground": n.ground, "received_at": n.received_at} for n in notices
            ]
            w = weight.comment_weight(plain, track)
            ranked.append((weight.order_key(plain, w), w, comment, notices))
        ranked.sort(key=lambda r: r[0])
        pages = max(1, -(-len(ranked) // limit))
        page = min(max(1, page), pages)
        chosen = ranked[(page - 1) * limit : page * limit]
        items = hydrate(s, [c for _, _, c, _ in chosen])
        for item, (_, w, _, notices) in zip(items, chosen):
            item["weight"] = w
            item["notices"] = [_moderator_view(n, track) for n in notices]
            item["history_notices"] = _decided(s, item["id"])
    return {"items": items, "total": len(ranked), "page": page, "pages": pages}


def _moderator_view(n, track) -> dict:
    upheld, dismissed = track.get(n.notifier_key, (0, 0)) if n.notifier_key else (0, 0)
    return {
        "id": n.id,
        "ground": n.ground,
        "law": n.legal_ground if n.ground == vocab.GROUND_ILLEGAL else n.terms_ground,
        "category": n.category,
        "explanation": n.explanation or "",
        "notifier": n.notifier_name or ("anoniem" if not n.notifier_key else "lezer"),
        "identified": bool(n.notifier_key),
        "track": {"upheld": upheld, "dismissed": dismissed},
        "received_at": dsa_hooks.iso(n.received_at),
        "state": n.state,
    }


def _decided(session, comment_id) -> list[dict]:
    return [
        _moderator_view(n, {})
        for n in session.scalars(
            select(Notice).where(Notice.comment_id == comment_id, Notice.state != vocab.NOTICE_OPEN).order_by(Notice.id)
        )
    ]


def decide(db, site_ids, comment_ids, action, actor, reason=None, note=None, explanation=None) -> dict:
    """Uphold (``reject``) or dismiss (``approve``) the open notices on these comments.  A
    status that changes goes through ``record_decision`` (statement, events); a comment
    already in that status only has its notices answered."""
    status = {"approve": vocab.APPROVED, "reject": vocab.REJECTED}.get(action)
    if status is None:
        raise ValueError("in Gemeld a notice is upheld (reject) or dismissed (approve)")
    done, skipped = [], []
    with db.session() as s:
        rows = {
            c.id: c
            for c in s.scalars(
                select(Comment)
                .where(Comment.id.in_(sorted(set(comment_ids))), visible(site_ids), Comment.erased_at.is_(None))
                .with_for_update()
            )
        }
        if len(rows) != len(set(comment_ids)):
            raise NotVisible(sorted(set(comment_ids) - set(rows)))
        for cid in dict.fromkeys(comment_ids):
            comment = rows[cid]
            open_ = s.scalars(select(Notice).where(Notice.comment_id == cid, Notice.state == vocab.NOTICE_OPEN)).all()
            if not open_:
                skipped.append({"id": cid, "status": comment.status, "by": None})
                continue
            if comment.status != status:
                record_decision(
                    s,
                    cid,
                    status,
                    actor=actor,
                    reason=reason if status == vocab.REJECTED else None,
                    note=note,
                    explanation=explanation if status == vocab.REJECTED else None,
                )
            else:
                outcome = dsa_hooks.OUTCOMES[status]
                dsa_hooks.resolve(s, comment, list(open_), outcome, actor, dsa_hooks.last_decision(s, cid))
            done.append(cid)
    return {"done": done, "skipped": skipped}
