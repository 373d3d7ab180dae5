"""The SQL of the moderator pages: the queue and the lists, decisions and corrections.

Every function takes ``site_ids``, the sites the moderator may see (None: all);
a comment outside them does not exist for that moderator.  Pages are keyset
paged on the order of the ``ix_comments_queue`` index, so the hundredth page
costs what the first does.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import exists, literal, or_, select, tuple_
from sqlalchemy.exc import DBAPIError

from moderation import vocabulary as vocab
from moderation.storage import search
from moderation.storage.access import may_see
from moderation.storage.comments import record_decision
from moderation.storage.paging import capped_count, decode_cursor, encode_cursor
from moderation.storage.review_items import hydrate
from moderation.storage.tables import Article, Comment, Correction, Decision, Site, pack_labels, unpack_labels

VIEWS = vocab.VIEWS
RISK_ORDER = (Comment.urgent, Comment.incivility_score, Comment.hostility, Comment.id)
# "least certain first": what the models are least sure of, so moderators' labels teach them most
DOUBT_ORDER = (Comment.urgent, Comment.doubt, Comment.id)
ORDERS = ("risk", "doubt")
ACTIONS = {"approve": vocab.APPROVED, "reject": vocab.REJECTED, "escalate": vocab.PENDING}


class NotVisible(LookupError):
    """A comment that does not exist, or not for this moderator."""


@dataclass
class Filters:
    site_id: int | None = None
    article_id: int | None = None
    stance: str | None = None
    uncivil: bool | None = None
    category: str | None = None
    tag: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None
    order: str = "risk"  # pending and escalated: "risk" (riskiest first) or "doubt" (least certain first)


def visible(site_ids):
    return may_see(site_ids, Comment.site_id)


def _conditions(view, site_ids, f: Filters, search_clause=None):
    conds = [visible(site_ids), Comment.erased_at.is_(None)]
    if view == vocab.PENDING:
        conds += [Comment.status == vocab.PENDING, Comment.escalated_at.is_(None)]
    elif view == vocab.ESCALATED:
        conds += [Comment.status == vocab.PENDING, Comment.escalated_at.is_not(None)]
    elif view == vocab.SAMPLE:  # the audit sample ("steekproef"): automatic decisions no one has labelled yet
        conds += [Comment.audit_sample.is_(True), unlabelled_sample()]
    else:
        conds.append(Comment.status == view)
    if f.site_id is not None:
        conds.append(Comment.site_id == f.site_id)
    if f.article_id is not None:
        conds.append(Comment.article_id == f.article_id)
    if f.stance:
        conds.append(Comment.stance == f.stance)
    if f.uncivil is not None:
        conds.append(
            Comment.uncivil.is_(True) if f.uncivil else or_(Comment.uncivil.is_(False), Comment.uncivil.is_(None))
        )
    if f.category:
        conds.append(Comment.categories.contains(pack_labels([f.category]), autoescape=True))
    if f.tag:
        conds.append(Comment.tags.contains(pack_labels([f.tag]), autoescape=True))
    if f.since:
        conds.append(Comment.received_at >= f.since)
    if f.until:
        conds.append(Comment.received_at < f.until)
    if f.q:
        conds.append(search_clause if search_clause is not None else search.condition("sqlite", f.q, False))
    return conds


def unlabelled_sample():
    """No moderator has given (or confirmed) this comment's incivility label yet."""
    return ~exists().where(Correction.comment_id == Comment.id, Correction.field == vocab.INCIVILITY)


def _order(view, order="risk"):
    if view not in (vocab.PENDING, vocab.ESCALATED):
        return (Comment.id,)
    return DOUBT_ORDER if order == "doubt" else RISK_ORDER


def cursor_types(view, order="risk"):
    return {4: (bool, float, float, int), 3: (bool, float, int)}.get(len(_order(view, order)), (int,))


def _key(comment, view, order="risk"):
    return [getattr(comment, column.key) for column in _order(view, order)]


def page_queries(view, site_ids, filters, after=None, before=None, search_clause=None):
    """The keyset query for one page (descending, or ascending when going back) and the rows to
    count (``paging.capped_count`` counts them)."""
    order = _order(view, filters.order)
    conds = _conditions(view, site_ids, filters, search_clause)
    query = select(Comment).where(*conds)
    if before is not None and after is None:
        query = query.where(tuple_(*order) > tuple_(*before)).order_by(*[c.asc() for c in order])
    else:
        if after is not None:
            query = query.where(tuple_(*order) < tuple_(*after))
        query = query.order_by(*[c.desc() for c in order])
    return query, select(literal(1)).select_from(Comment).where(*conds)


def page(db, view, site_ids, filters: Filters, after=None, before=None, limit=25) -> dict:
    """One page of a list: ``{"items", "total", "next", "prev"}`` (cursors or None); ``total``
    is capped (``paging.capped_count``)."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    types = cursor_types(view, filters.order)
    after, before = decode_cursor(after, types), decode_cursor(before, types)
    try:
        with db.session() as s:
            clause = None
            if filters.q:
                engine = s.bind.dialect.name
                trigram = engine == "postgresql" and db.remember("trigram", lambda: search.has_trigram_index(s))
                clause = search.condition(engine, filters.q, trigram)
            query, count = page_queries(view, site_ids, filters, after, before, clause)
            backwards = before is not None and after is None
            order = _order(view, filters.order)
            rows, total = search.page_rows(s, query, count, clause, order, not backwards, limit + 1)
            more = len(rows) > limit
            rows = rows[:limit]
            if backwards:
                rows.reverse()
                has_prev, has_next = more, True
            else:
                has_prev, has_next = after is not None, more
            items = hydrate(s, rows)
    except DBAPIError as error:  # a search stopped at search.TIMEOUT_MS: the page says so
        if not search.timed_out(error):
            raise
        return {"items": [], "total": 0, "next": None, "prev": None, "timed_out": True}
    return {
        "items": items,
        "total": total,
        "next": encode_cursor(_key(rows[-1], view, filters.order)) if rows and has_next else None,
        "prev": encode_cursor(_key(rows[0], view, filters.order)) if rows and has_prev else None,
        "timed_out": False,
    }


def counts(db, site_ids) -> dict:
    """How many comments wait in the queue, the escalated list and the audit sample, each
    counted up to ``paging.COUNT_CAP`` (an index-only scan of at most that many entries)."""
    with db.session() as s:
        return {
            view: capped_count(
                s, select(literal(1)).select_from(Comment).where(*_conditions(view, site_ids, Filters()))
            )
            for view in (vocab.PENDING, vocab.ESCALATED, vocab.SAMPLE)
        }


def get(db, site_ids, comment_id) -> dict:
    with db.session() as s:
        comment = s.scalar(select(Comment).where(Comment.id == comment_id, visible(site_ids)))
        if comment is None:
            raise NotVisible(comment_id)
        return hydrate(s, [comment])[0]


def _lock(session, site_ids, comment_ids):
    """The comments, locked for this transaction; NotVisible if any is not there for this moderator."""
    wanted = sorted(set(comment_ids))
    rows = list(
        session.scalars(
            select(Comment)
            .where(Comment.id.in_(wanted), visible(site_ids), Comment.erased_at.is_(None))
            .order_by(Comment.id)
            .with_for_update()
        )
    )
    if len(rows) != len(wanted):
        raise NotVisible(sorted(set(wanted) - {r.id for r in rows}))
    return {r.id: r for r in rows}


def decide(db, site_ids, comment_ids, action, actor, reason=None, note=None, expected=None, explanation=None) -> dict:
    """Approve, reject or escalate comments, all in one transaction.

    ``explanation``: the moderator's own statement of reasons for a rejection
    (None: the drafted one, ``explanations.draft``).

    ``expected`` is the status the moderator saw: a comment that has changed
    since (a colleague decided it) is skipped and reported, never overruled.
    Returns ``{"done": [ids], "skipped": [{"id", "status", "by"}]}``.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    status = ACTIONS[action]
    comment_ids = list(dict.fromkeys(comment_ids))
    done, skipped = [], []
    with db.session() as s:
        comments = _lock(s, site_ids, comment_ids)
        for cid in comment_ids:
            comment = comments[cid]
            already = comment.status == status and (action != "escalate" or comment.escalated_at is not None)
            if (expected and comment.status != expected) or already:
                last = s.scalar(select(Decision.actor).where(Decision.comment_id == cid).order_by(Decision.id.desc()))
                skipped.append({"id": cid, "status": comment.status, "by": last})
                continue
            if action == "escalate":
                comment.escalated_at = datetime.now(UTC)
            record_decision(
                s,
                cid,
                status,
                actor=actor,
                reason=reason if action == "reject" else None,
                note=note or None,
                urgent=action == "escalate",
                explanation=explanation if action == "reject" else None,
            )
            done.append(cid)
    return {"done": done, "skipped": skipped}


def correct(db, site_ids, comment_id, actor, stance=None, uncivil=None, categories=None, confirm=False) -> list[dict]:
    """Store a moderator's corrected labels; returns the corrections made (none if nothing changed).

    ``confirm``: a label given that equals the current one is stored too (``before``
    equals ``after``): the moderator confirmed it, which makes it a training label
    (the audit sample, "was the flag right?" when approving)."""
    made = []
    with db.session() as s:
        comment = _lock(s, site_ids, [comment_id])[comment_id]
        if stance is not None and (stance != comment.stance or confirm):
            made.append(
                Correction(
                    comment_id=comment_id,
                    actor=actor,
                    field=vocab.STANCE,
                    before={"stance": comment.stance},
                    after={"stance": stance},
                )
            )
            comment.stance = stance
        if uncivil is not None:
            new_categories = sorted(set(categories or ())) if uncivil else []
            old = {"uncivil": comment.uncivil, "categories": unpack_labels(comment.categories)}
            if confirm or (bool(comment.uncivil), sorted(old["categories"])) != (uncivil, new_categories):
                made.append(
                    Correction(
                        comment_id=comment_id,
                        actor=actor,
                        field=vocab.INCIVILITY,
                        before=old,
                        after={"uncivil": uncivil, "categories": new_categories},
                    )
                )
                comment.uncivil = uncivil
                comment.categories = pack_labels(new_categories)
        s.add_all(made)
        s.flush()
        return [{"field": c.field, "before": c.before, "after": c.after} for c in made]


def filter_options(db, site_ids) -> dict:
    """The sites this moderator can filter on."""
    with db.session() as s:
        query = select(Site.id, Site.name).order_by(Site.name)
        query = query.where(may_see(site_ids, Site.id))
        return {"sites": [{"id": i, "name": n} for i, n in s.execute(query)]}


def article_ref(db, site_ids, article_id) -> dict | None:
    with db.session() as s:
        query = select(Article).where(Article.id == article_id)
        query = query.where(may_see(site_ids, Article.site_id))
        article = s.scalar(query)
        return (
            {"id": article.id, "title": article.title, "url": article.url, "site_id": article.site_id}
            if article
            else None
        )
