"""What the moderator pages show about each comment: the comment with its analysis, article,
site, parent, the author's history, the last decision, the label corrections and how often its
text was posted (``storage.repeats``), read for a whole page in a fixed number of queries plus
one index query per repeat group."""

from sqlalchemy import and_, func, or_, select

from moderation import vocabulary as vocab
from moderation.storage import repeats
from moderation.storage.tables import Analysis, Article, Comment, Correction, Decision, Site, unpack_labels


def hydrate(session, comments) -> list[dict]:
    """Everything the page shows about each comment, in a fixed number of queries."""
    if not comments:
        return []
    ids = [c.id for c in comments]
    analyses = {
        cid: result
        for cid, result in session.execute(
            select(Analysis.comment_id, Analysis.result).where(Analysis.comment_id.in_(ids)).order_by(Analysis.id)
        )
    }
    article_ids = {c.article_id for c in comments if c.article_id}
    articles = (
        {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(article_ids)))} if article_ids else {}
    )
    sites = dict(session.execute(select(Site.id, Site.name).where(Site.id.in_({c.site_id for c in comments}))).all())
    parents = _parents(session, comments)
    history = _history(session, comments)
    repeated = repeats.counts(session, comments)
    decisions = {}
    for d in session.scalars(select(Decision).where(Decision.comment_id.in_(ids)).order_by(Decision.id)):
        decisions[d.comment_id] = d
    corrections = {}
    for c in session.scalars(select(Correction).where(Correction.comment_id.in_(ids)).order_by(Correction.id)):
        corrections.setdefault(c.comment_id, []).append(
            {"field": c.field, "actor": c.actor, "before": c.before, "after": c.after, "at": c.created_at}
        )
    return [
        _item(
            c,
            analyses.get(c.id) or {},
            articles.get(c.article_id),
            sites.get(c.site_id),
            parents.get((c.site_id, c.parent_external_id)),
            history.get((c.site_id, c.author_id), {}),
            decisions.get(c.id),
            corrections.get(c.id, []),
            repeated[c.id],
        )
        for c in comments
    ]


def _per_site(comments, column, attribute):
    """``(site = s AND column IN (...)) OR ...``: an index seek per value on both databases
    (SQLite scans a whole index for a row-value IN)."""
    wanted = {}
    for c in comments:
        if getattr(c, attribute):
            wanted.setdefault(c.site_id, set()).add(getattr(c, attribute))
    return (
        or_(*[and_(Comment.site_id == site_id, column.in_(sorted(values))) for site_id, values in wanted.items()])
        if wanted
        else None
    )


def _parents(session, comments):
    condition = _per_site(comments, Comment.external_id, "parent_external_id")
    if condition is None:
        return {}
    return {
        (p.site_id, p.external_id): {
            "id": p.id,
            "text": p.text,
            "author_name": p.author_name,
            "status": p.status,
            "erased": p.erased_at is not None,
        }
        for p in session.scalars(select(Comment).where(condition))
    }


def _history(session, comments):
    condition = _per_site(comments, Comment.author_id, "author_id")
    if condition is None:
        return {}
    out = {}
    for site_id, author_id, status, n in session.execute(
        select(Comment.site_id, Comment.author_id, Comment.status, func.count())
        .where(condition)
        .group_by(Comment.site_id, Comment.author_id, Comment.status)
    ):
        out.setdefault((site_id, author_id), {})[status] = n
    return out


def _item(c, analysis, article, site_name, parent, history, decision, corrections, repeated) -> dict:
    stance = analysis.get("stance") or {}
    incivility = analysis.get("incivility") or {}
    return {
        "id": c.id,
        "site_id": c.site_id,
        "site": site_name,
        "external_id": c.external_id,
        "text": c.text or "",
        "author": {"id": c.author_id, "name": c.author_name},
        "created_at": c.created_at,
        "received_at": c.received_at,
        "status": c.status,
        "urgent": bool(c.urgent),
        "escalated_at": c.escalated_at,
        "stance": c.stance,
        "model_stance": stance.get("label"),
        "stance_scores": stance.get("scores") or {},
        "stance_evidence": stance.get("evidence") or [],
        "uncivil": c.uncivil,
        "incivility_score": c.incivility_score,
        "hostility": c.hostility,
        "categories": unpack_labels(c.categories),
        "spans": incivility.get("spans") or [],
        "incivility_evidence": incivility.get("evidence") or [],
        "tags": unpack_labels(c.tags),
        "errors": analysis.get("errors") or [],
        "article": ({"id": article.id, "title": article.title, "url": article.url} if article else None),
        "parent": parent,
        "parent_external_id": c.parent_external_id,
        "history": {
            vocab.APPROVED: history.get(vocab.APPROVED, 0),
            vocab.REJECTED: history.get(vocab.REJECTED, 0),
            vocab.PENDING: history.get(vocab.PENDING, 0),
        },
        "decision": (
            {
                "status": decision.status,
                "previous": decision.previous_status,
                "actor": decision.actor,
                "reason": decision.reason,
                "note": decision.note,
                "at": decision.created_at,
            }
            if decision
            else None
        ),
        "corrections": corrections,
        "repeats": repeated,  # {"times", "authors"}: storage.repeats
    }


# --- decisions and corrections ---------------------------------------------------------
