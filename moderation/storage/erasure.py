"""Storage for erasure (AVG/GDPR): a comment, everything by one author, old comments.

Erasing a comment removes its text and personal data everywhere they were
copied: the comment's text, author id and name; the analysis' spans, evidence
and error texts; moderators' notes and label corrections; the explanation's
quoted words; the text inside queued webhook payloads.  What stays is an
anonymous record: the comment row (so a retry of its ``external_id`` is still
recognised and not stored again), its scores and labels, and every decision
with its status, reason and time.
"""

from datetime import datetime

from sqlalchemy import select

from moderation.storage import explanations, outbox, repeats
from moderation.storage.dsa_tables import Appeal, Notice
from moderation.storage.tables import Analysis, Comment, Correction, Decision, utcnow

# keys whose values are text from the comment or about its writer, wherever they sit in stored JSON
REDACTED_KEYS = {"text", "evidence", "term", "terms", "note", "snippet", "excerpt", "author_id", "author_name"}
MIN_NEEDLE = 4


def erase_comment(db, site_id: int, comment_id: int, now: datetime | None = None) -> dict | None:
    """Erase one of a site's comments (again is harmless).  None when the site has no such comment."""
    with db.session() as s:
        comment = s.scalar(select(Comment).where(Comment.id == comment_id, Comment.site_id == site_id))
        if comment is None:
            return None
        _erase(s, comment, now or utcnow())
        return _receipt(comment)


def erase_author(db, site_id: int, author_id: str, now: datetime | None = None) -> list[dict]:
    """Erase every comment a site received from one author."""
    with db.session() as s:
        comments = list(
            s.scalars(
                select(Comment).where(Comment.site_id == site_id, Comment.author_id == author_id).order_by(Comment.id)
            )
        )
        for comment in comments:
            _erase(s, comment, now or utcnow())
        return [_receipt(c) for c in comments]


def purge(db, older_than: datetime, site_id: int | None = None, batch: int = 500, now: datetime | None = None) -> int:
    """Erase every comment received before ``older_than``, in transactions of ``batch`` comments."""
    total = 0
    while True:
        with db.session() as s:
            query = select(Comment).where(Comment.received_at < older_than, Comment.erased_at.is_(None))
            if site_id is not None:
                query = query.where(Comment.site_id == site_id)
            comments = list(s.scalars(query.order_by(Comment.id).limit(batch)))
            for comment in comments:
                _erase(s, comment, now or utcnow())
        total += len(comments)
        if len(comments) < batch:
            return total


def _receipt(comment) -> dict:
    return {
        "id": comment.id,
        "external_id": comment.external_id,
        "status": comment.status,
        "erased": True,
        "erased_at": comment.erased_at.isoformat().replace("+00:00", "Z"),
    }


def _erase(session, comment, now):
    analyses = list(session.scalars(select(Analysis).where(Analysis.comment_id == comment.id)))
    needles = _needles(
        [comment.text, comment.author_id, comment.author_name]
        + [span.get("text") for a in analyses for span in _spans(a.result)]
    )
    comment.text = comment.author_id = comment.author_name = None
    if comment.erased_at is None:
        comment.erased_at = now
    for analysis in analyses:
        analysis.result = scrub(analysis.result, needles)
    for decision in session.scalars(select(Decision).where(Decision.comment_id == comment.id)):
        decision.note = None
        if decision.explanation is not None:
            decision.explanation = explanations.draft(decision.reason, words=[])
    for correction in session.scalars(select(Correction).where(Correction.comment_id == comment.id)):
        correction.before, correction.after = scrub(correction.before, needles), scrub(correction.after, needles)
    for notice in session.scalars(select(Notice).where(Notice.comment_id == comment.id)):
        # the notifier's words may quote the comment; the track record (a hash) and the outcome stay
        notice.explanation = notice.notifier_name = notice.notifier_email = None
    for appeal in session.scalars(select(Appeal).where(Appeal.comment_id == comment.id)):
        appeal.text = appeal.reply = None
    outbox.erase_events(session, comment.id, lambda value: scrub(value, needles))
    repeats.forget(session, comment.id)  # the fingerprints were derived from the text
    session.flush()


def _spans(result) -> list[dict]:
    spans = ((result or {}).get("incivility") or {}).get("spans") or []
    return [s for s in spans if isinstance(s, dict)]


def _needles(values) -> list[str]:
    return sorted({str(v).casefold() for v in values if v is not None and str(v).strip()}, key=len, reverse=True)


def scrub(value, needles=()):
    """A copy of stored JSON without the comment's words: text-bearing keys become
    None, and any other string that holds the text, an offending word or the
    author's id or name is dropped too."""
    if isinstance(value, dict):
        return {k: (None if k in REDACTED_KEYS else scrub(v, needles)) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, needles) for v in value]
    if isinstance(value, str) and _holds(value, needles):
        return None
    return value


def _holds(value: str, needles) -> bool:
    folded = value.casefold()
    return any(folded == n or (len(n) >= MIN_NEEDLE and n in folded) for n in needles)
