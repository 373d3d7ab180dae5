"""What every decision does for the DSA, inside the decision's transaction: a statement of
reasons for a restriction (Art. 17) and an answer to the open notices on the comment (Art. 16),
each notice with a ``notice.decided`` event.  Called by ``comments.record_decision``."""

from sqlalchemy import select

from moderation import vocabulary as vocab
from moderation.dsa import roles
from moderation.dsa.statements import automated_decision
from moderation.storage import statements
from moderation.storage.dsa_events import NOTICE_DECIDED, queue_event, redress_options
from moderation.storage.dsa_tables import Appeal, Notice
from moderation.storage.tables import Comment, Decision, Site, utcnow

OUTCOMES = {vocab.REJECTED: vocab.NOTICE_UPHELD, vocab.APPROVED: vocab.NOTICE_DISMISSED}


def after_decision(session, comment, decision, initial=False, statement_kind=None, notices=None, after_appeal=False):
    """``statement_kind`` forces a statement (``reinstated`` after an appeal); ``notices``: the
    notices the statement answers (default: the comment's open notices)."""
    open_ = statements.open_notices(session, comment.id)
    kind = statement_kind or statements.kind_for(session, comment, decision, initial)
    if kind:
        statements.issue(session, comment, decision, kind, open_ if notices is None else notices, after_appeal)
    if decision.status in OUTCOMES and open_:
        resolve(session, comment, open_, OUTCOMES[decision.status], decision.actor, decision)


def resolve(session, comment, notices, outcome, actor, decision=None, automated=None):
    """Decide notices and queue a ``notice.decided`` event for each."""
    now = utcnow()
    used = automated_decision(actor, statements.flagged(session, comment.id))
    for notice in notices:
        notice.state = outcome
        notice.decided_at = now
        notice.decided_by = actor
        notice.automated = actor == vocab.BY_POLICY if automated is None else automated
        notice.decision_id = decision.id if decision is not None else None
    session.flush()
    site = session.get(Site, comment.site_id)
    appeals = roles.duties(site.dsa)["appeals"]
    for notice in notices:
        queue_event(
            session,
            comment.site_id,
            comment.id,
            NOTICE_DECIDED,
            {"notice": notice_view(session, notice, comment, used, appeals)},
        )


def iso(value):
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


def notice_view(session, notice, comment=None, used=None, appeals=None) -> dict:
    """A notice as the site sees it: what was reported, and what was decided."""
    comment = comment or session.get(Comment, notice.comment_id)
    if appeals is None:
        appeals = roles.duties(session.get(Site, notice.site_id).dsa)["appeals"]
    decided = notice.state != vocab.NOTICE_OPEN
    if decided and used is None:
        used = (
            "AUTOMATED_DECISION_FULLY"
            if notice.automated
            else automated_decision(notice.decided_by or "", statements.flagged(session, comment.id))
        )
    statement = statements.for_decision(session, notice.decision_id) if notice.decision_id else None
    puid = statement["puid"] if statement else None
    return {
        "id": notice.id,
        "comment_id": comment.id,
        "comment_external_id": comment.external_id,
        "ground": notice.ground,
        "legal_ground": notice.legal_ground,
        "terms_ground": notice.terms_ground,
        "category": notice.category,
        "received_at": iso(notice.received_at),
        "state": notice.state,
        "decision": (
            {
                "outcome": notice.state,
                "comment_status": comment.status,
                "at": iso(notice.decided_at),
                "by": vocab.BY_POLICY if notice.decided_by == vocab.BY_POLICY else vocab.BY_MODERATOR,
                "automated_means": {
                    "detection": statements.flagged(session, comment.id),
                    "decision": used,
                },
                "statement_puid": puid,
                "redress": redress_options(appeals),
            }
            if decided
            else None
        ),
    }


def last_decision(session, comment_id):
    return session.scalar(
        select(Decision).where(Decision.comment_id == comment_id).order_by(Decision.id.desc()).limit(1)
    )


def open_appeals(session, comment_id):
    return list(
        session.scalars(select(Appeal).where(Appeal.comment_id == comment_id, Appeal.state == vocab.APPEAL_OPEN))
    )


def notices_of(session, comment_id):
    return list(session.scalars(select(Notice).where(Notice.comment_id == comment_id).order_by(Notice.id)))
