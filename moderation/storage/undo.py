"""Undoing a moderator's own last decision for a short while (the queue's ``u``, "Ongedaan maken").

The comment goes back to the status, escalation and urgency it had before, and the undo
is a decision of its own in the audit trail (reason ``vocabulary.REASON_UNDONE``, with
``undoes_id``).  When the undone decision raised a webhook event, the site gets a
``comment.decision_reverted`` event after it: the comment as it is now, and what was
reverted.  A statement of reasons the decision issued is withdrawn when it has not been
sent to the Transparency Database yet; one already submitted stays there, and the undo's
note says so.  A decision that answered a notice or an appeal was told to a reader
already: it is changed in Gemeld or Bezwaren, never undone.
"""

from datetime import timedelta

from sqlalchemy import select

from moderation import vocabulary as vocab
from moderation.storage import outbox
from moderation.storage.access import may_see
from moderation.storage.comments import comment_view
from moderation.storage.dsa_tables import Appeal, Notice, Statement
from moderation.storage.tables import Comment, Decision, OutboxEvent, Site, utcnow

# why an undo is refused
REFUSALS = (NOT_DECIDED, NOT_YOURS, TOO_LATE, ANSWERED) = ("not_decided", "not_yours", "too_late", "answered")
UNSENT = (vocab.STATEMENT_PENDING, vocab.STATEMENT_PARKED, vocab.STATEMENT_REJECTED)


class NotVisible(LookupError):
    """A comment that does not exist, or not for this moderator."""


def _last(session, comment_id, before_id=None):
    query = select(Decision).where(Decision.comment_id == comment_id)
    if before_id is not None:
        query = query.where(Decision.id < before_id)
    return session.scalar(query.order_by(Decision.id.desc()).limit(1))


def _refusal(session, last, actor, now, window_seconds):
    if last is None or last.actor == vocab.BY_POLICY or last.reason == vocab.REASON_UNDONE:
        return NOT_DECIDED
    if last.previous_status is None:
        return NOT_DECIDED
    if last.actor != actor:
        return NOT_YOURS
    if now - last.created_at > timedelta(seconds=window_seconds):
        return TOO_LATE
    answered = session.scalar(select(Notice.id).where(Notice.decision_id == last.id).limit(1)) or session.scalar(
        select(Appeal.id).where(Appeal.new_decision_id == last.id).limit(1)
    )
    return ANSWERED if answered else None


def undo(db, site_ids, comment_ids, actor, window_seconds, now=None) -> dict:
    """Undo ``actor``'s last decision on each comment, if it is theirs and recent.

    Returns ``{"done": [{"id", "status", "escalated"}], "refused": [{"id", "why", "by"}]}``;
    ``why`` is one of ``REFUSALS``.  Raises NotVisible for a comment this moderator cannot see.
    """
    now = now or utcnow()
    wanted = list(dict.fromkeys(comment_ids))
    done, refused = [], []
    with db.session() as s:
        rows = {
            c.id: c
            for c in s.scalars(
                select(Comment)
                .where(Comment.id.in_(wanted), may_see(site_ids, Comment.site_id), Comment.erased_at.is_(None))
                .order_by(Comment.id)
                .with_for_update()
            )
        }
        if len(rows) != len(wanted):
            raise NotVisible(sorted(set(wanted) - set(rows)))
        for cid in wanted:
            last = _last(s, cid)
            why = _refusal(s, last, actor, now, window_seconds)
            if why:
                refused.append({"id": cid, "why": why, "by": last.actor if last else None})
                continue
            done.append(_revert(s, rows[cid], last, actor, now))
    return {"done": done, "refused": refused}


def _revert(session, comment, last, actor, now) -> dict:
    escalation = last.status == vocab.PENDING and last.previous_status == vocab.PENDING
    urgent_now = comment.urgent
    comment.status = last.previous_status
    if escalation:
        comment.escalated_at = None
    if last.was_urgent is not None:
        comment.urgent = last.was_urgent
    earlier = _last(session, comment.id, before_id=last.id)
    notes = [f"maakt beslissing #{last.id} ongedaan"] + _withdraw_statement(session, last)
    session.add(
        Decision(
            comment_id=comment.id,
            site_id=comment.site_id,
            status=comment.status,
            previous_status=last.status,
            actor=actor,
            reason=vocab.REASON_UNDONE,
            note="; ".join(notes),
            explanation=earlier.explanation if earlier and comment.status == vocab.REJECTED else None,
            created_at=now,
            was_urgent=urgent_now,
            undoes_id=last.id,
        )
    )
    session.flush()
    _correct_event(session, comment, last, escalation)
    return {"id": comment.id, "status": comment.status, "escalated": comment.escalated_at is not None}


def _withdraw_statement(session, last) -> list[str]:
    statement = session.scalar(select(Statement).where(Statement.decision_id == last.id))
    if statement is None:
        return []
    if statement.submit_state in UNSENT:
        statement.submit_state = vocab.STATEMENT_WITHDRAWN
        return [f"verklaring {statement.puid} ingetrokken (niet ingediend)"]
    return [f"verklaring {statement.puid} was al ingediend bij de Transparantiedatabase"]


def _correct_event(session, comment, last, escalation) -> None:
    """``comment.decision_reverted`` after the undone decision's own event, if it raised one."""
    event_type = vocab.EVENT_ESCALATED if escalation else vocab.EVENT_FOR_STATUS.get(last.status)
    if event_type is None or not session.get(Site, comment.site_id).webhook_url:
        return
    first = session.scalar(
        select(OutboxEvent)
        .where(
            OutboxEvent.comment_id == comment.id,
            OutboxEvent.event_type == event_type,
            OutboxEvent.created_at >= last.created_at,
        )
        .order_by(OutboxEvent.id)
        .limit(1)
    )
    if first is None:
        return
    reverted = {
        "event_id": (first.payload or {}).get("id"),
        "event_type": event_type,
        "status": last.status,
        "escalated": escalation,
        "decided_at": last.created_at.isoformat().replace("+00:00", "Z"),
    }
    outbox.queue_event(
        session,
        comment.site_id,
        comment.id,
        vocab.EVENT_REVERTED,
        comment_view(session, comment),
        sections={"reverted": reverted},
    )
