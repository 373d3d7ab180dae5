"""Re-scoring the pending queue after a model promotion, so its order reflects the new model.

Only the analysis and the columns the queue sorts and filters on change; the
comment's status and its decisions stay as they are (a person still decides).
"""

from sqlalchemy import select

from moderation import vocabulary as vocab
from moderation.storage.queue_columns import denormalised
from moderation.storage.tables import Analysis, Comment, Site


def pending(db, site_id=None, limit=5000) -> list[dict]:
    """The newest ``limit`` pending comments (of ``site_id``, when given): id, text, site name, policy."""
    with db.session() as s:
        query = (
            select(Comment.id, Comment.text, Site.name, Site.policy)
            .join(Site, Site.id == Comment.site_id)
            .where(Comment.status == vocab.PENDING, Comment.erased_at.is_(None), Comment.text.is_not(None))
            .order_by(Comment.id.desc())
            .limit(limit)
        )
        if site_id is not None:
            query = query.where(Comment.site_id == site_id)
        return [{"id": i, "text": t, "site": n, "policy": p or {}} for i, t, n, p in s.execute(query)]


def apply(db, results) -> int:
    """Store ``[(comment id, analysis)]`` as each comment's newest analysis; returns how many."""
    done = 0
    with db.session() as s:
        for comment_id, analysis in results:
            comment = s.get(Comment, comment_id)
            if comment is None or comment.status != vocab.PENDING or comment.erased_at is not None:
                continue
            models = analysis.get("models") or {}
            s.add(
                Analysis(
                    comment_id=comment_id,
                    result=analysis,
                    stance_model=models.get(vocab.STANCE),
                    incivility_model=models.get(vocab.INCIVILITY),
                )
            )
            for column, value in denormalised(analysis).items():
                setattr(comment, column, value)
            done += 1
    return done
