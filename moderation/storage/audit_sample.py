"""The audit sample ("steekproef") of automatic decisions and the error rate it measures.

A configurable share (``AUDIT_SAMPLE_SHARE``, default 2%) of the comments the
policy approved or rejected on its own is drawn at random when they are
stored and listed for moderators (the queue's "Steekproef" list) until one
gives or confirms the comment's incivility label.  From those labels, per
site and per month: an automatic approval of a comment labelled uncivil, or
an automatic rejection of one labelled civil, is an error.  This is the
figure the Digital Services Act asks platforms to publish about their
automated means, and, being a random sample, unbiased evaluation data.
"""

import random

from sqlalchemy import func, select

from moderation import vocabulary as vocab
from moderation.storage.access import may_see
from moderation.storage.tables import Comment, Correction, Decision, Site

AUTOMATIC = (vocab.APPROVED, vocab.REJECTED)


def draw(decision: dict, share: float, rng=None) -> bool:
    """Whether this decision goes to the audit sample: only automatic approvals and rejections,
    each with probability ``share``."""
    if decision.get("status") not in AUTOMATIC or share <= 0:
        return False
    return (rng or random).random() < share


def report(db, site_ids=None) -> list[dict]:
    """Per site and month (of the automatic decision): sampled, labelled, wrong approvals,
    wrong rejections and the error rate of the labelled ones (None before any label)."""
    with db.session() as s:
        first_policy = (
            select(Decision.comment_id, func.min(Decision.id).label("did"))
            .where(Decision.actor == vocab.BY_POLICY)
            .group_by(Decision.comment_id)
            .subquery()
        )
        query = (
            select(Comment.id, Site.name, Decision.status, Decision.created_at)
            .join(Site, Site.id == Comment.site_id)
            .join(first_policy, first_policy.c.comment_id == Comment.id)
            .join(Decision, Decision.id == first_policy.c.did)
            .where(Comment.audit_sample.is_(True), may_see(site_ids, Comment.site_id))
        )
        sampled = list(s.execute(query))
        ids = [row[0] for row in sampled]
        labels = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            for c in s.scalars(
                select(Correction)
                .where(Correction.comment_id.in_(part), Correction.field == vocab.INCIVILITY)
                .order_by(Correction.id)
            ):
                labels[c.comment_id] = bool((c.after or {}).get("uncivil"))
    rows = {}
    for comment_id, site, status, at in sampled:
        key = (site, at.strftime("%Y-%m"))
        row = rows.setdefault(
            key,
            {
                "site": key[0],
                "month": key[1],
                "sampled": 0,
                "labelled": 0,
                vocab.APPROVED: 0,
                vocab.REJECTED: 0,
                "wrong_approvals": 0,
                "wrong_rejections": 0,
            },
        )
        row["sampled"] += 1
        row[status] += 1
        if comment_id in labels:
            row["labelled"] += 1
            row["wrong_approvals"] += status == vocab.APPROVED and labels[comment_id]
            row["wrong_rejections"] += status == vocab.REJECTED and not labels[comment_id]
    out = []
    for row in sorted(rows.values(), key=lambda r: (r["site"], r["month"])):
        wrong = row["wrong_approvals"] + row["wrong_rejections"]
        row["error_rate"] = round(wrong / row["labelled"], 4) if row["labelled"] else None
        out.append(row)
    return out
