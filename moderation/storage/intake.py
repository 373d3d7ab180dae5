"""Storing new comments: one transaction per comment (or per batch), few statements.

For each new comment: the author rules (``author_rules``: the author's rules and the
repeat candidates), the article's id (cached per process once committed), then
``INSERT … ON CONFLICT DO NOTHING RETURNING id`` on (site, external_id), the
idempotency check and the insert in one statement, its repeat keys, the analysis, the
first decision and, for a site with a webhook, its outbox event.  The record the API
answers with is built from what was written, not read back.  A batch does each as one
bulk statement in one transaction.  A comment that was there already (sent before, or
by a concurrent request a moment earlier) is read back as stored.

The site behind an API key is cached per process for ``KeyCache.ttl`` seconds
(``SITE_CACHE_SECONDS``, default 2): a rotated key or an edited policy is seen
at once by the process that changed it (``Database.forget_sites``), and by the
other workers within the TTL.  An old key in its grace period after a rotation
(``sites rotate-key --grace-hours``) is cached no longer than it is valid.
"""

import threading
import time
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, insert, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from moderation import vocabulary as vocab
from moderation.storage import author_rules, canned, explanations, outbox, statements
from moderation.storage.queue_columns import denormalised
from moderation.storage.tables import Analysis, Article, Comment, Decision, OutboxEvent


class KeyCache:
    """``key hash -> site dict`` for ``ttl`` seconds, and article ids (never change once made)."""

    ARTICLE_LIMIT = 50_000

    def __init__(self, ttl=2.0, clock=time.monotonic):
        self.ttl, self.clock = ttl, clock
        self._sites: dict[str, tuple[float, dict]] = {}
        self.articles: dict[tuple[int, str], int] = {}
        self._lock = threading.Lock()

    def site(self, key_hash):
        hit = self._sites.get(key_hash)
        if hit is not None and self.clock() < hit[0]:
            return hit[1]
        return None

    def remember(self, key_hash, site, valid_for: float | None = None):
        """Keep ``site`` for the TTL, or for ``valid_for`` seconds when that is shorter
        (an old key whose grace period ends sooner)."""
        ttl = self.ttl if valid_for is None else min(self.ttl, valid_for)
        if ttl <= 0:
            return
        with self._lock:
            if len(self._sites) > 10_000:
                self._sites.clear()
            self._sites[key_hash] = (self.clock() + ttl, site)

    def forget_sites(self):
        with self._lock:
            self._sites.clear()

    def remember_article(self, key, article_id):
        if len(self.articles) > self.ARTICLE_LIMIT:
            self.articles.clear()
        self.articles[key] = article_id


def site_by_key(db, key_hash: str, load) -> dict | None:
    """The site for an API key's hash, from the cache or ``load(db, key_hash)``."""
    cache = db.key_cache
    site = cache.site(key_hash)
    if site is None:
        site = load(db, key_hash)
        if site is not None:  # unknown keys are not cached: a new site works at once
            until = site.get("key_valid_until")
            cache.remember(key_hash, site, (until - datetime.now(UTC)).total_seconds() if until else None)
    return site


def _insert(session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


# the intake's INSERTs, built once: Core statements on the tables (the ORM's bulk-insert
# machinery and a statement's construction per request cost more than SQLite's own work)
_COMMENTS, _ANALYSES, _DECISIONS, _OUTBOX = (
    cast(Table, model.__table__) for model in (Comment, Analysis, Decision, OutboxEvent)
)
_NEW_COMMENTS = {
    dialect: module.insert(_COMMENTS)
    .on_conflict_do_nothing(index_elements=["site_id", "external_id"])
    .returning(_COMMENTS.c.id, _COMMENTS.c.external_id)
    for dialect, module in (("postgresql", postgresql), ("sqlite", sqlite))
}
_NEW_ANALYSES = insert(_ANALYSES)
_NEW_DECISIONS = insert(_DECISIONS)
_NEW_DECISIONS_WITH_IDS = insert(_DECISIONS).returning(
    _DECISIONS.c.comment_id, _DECISIONS.c.id, sort_by_parameter_order=True
)
_NEW_EVENTS = insert(_OUTBOX)


def _article_ids(session, cache, site_id, items) -> dict[str, int]:
    """The row id of every article the items name, inserting the new ones (bulk, first title wins).
    The caller caches them once its transaction has committed (``_cache_articles``): another
    request's insert must never refer to an article row that is not committed yet."""
    wanted = {}
    for data in items:
        article = data.get("article") or {}
        if article.get("id"):
            wanted.setdefault(str(article["id"]), article)
    out, missing = {}, []
    for article_id in wanted:
        known = cache.articles.get((site_id, article_id))
        if known is None:
            missing.append(article_id)
        else:
            out[article_id] = known
    if missing:
        rows = [
            {"site_id": site_id, "site_article_id": a, "title": wanted[a].get("title"), "url": wanted[a].get("url")}
            for a in missing
        ]
        session.execute(
            _insert(session)(Article).on_conflict_do_nothing(index_elements=["site_id", "site_article_id"]), rows
        )
        found = session.execute(
            select(Article.site_article_id, Article.id).where(
                Article.site_id == site_id, Article.site_article_id.in_(missing)
            )
        )
        for article_id, row_id in found:
            out[article_id] = row_id
    return out


def store(db, site: dict, items: list[tuple[dict, dict, dict]]) -> list[tuple[dict | None, bool]]:
    """Store ``(data, analysis, decision)`` items of one site in one transaction.

    ``(record, True)`` for each stored now; ``(None, False)`` for one whose external_id the site
    had already (the caller reads it back).  The author rules may hold a decision back, or refuse
    suspended authors' comments (``author_rules.AuthorSuspended``, before anything is written)."""
    now = datetime.now(UTC)
    with db.session() as s:
        records, articles = _store(s, db.key_cache, site, items, now)
    for article_id, row_id in articles.items():  # committed now: safe for other requests to refer to
        db.key_cache.remember_article((site["id"], article_id), row_id)
    return [
        (records[data["external_id"]], True) if data["external_id"] in records else (None, False)
        for data, _, _ in items
    ]


def _store(s, cache, site, items, now) -> tuple[dict, dict]:
    """What ``store`` writes, in the caller's transaction: ``({external_id: record}, article ids)``."""
    outcomes = author_rules.apply(s, site, items, now)
    items = [(data, analysis, outcome.decision) for (data, analysis, _), outcome in zip(items, outcomes)]
    articles = _article_ids(s, cache, site["id"], [data for data, _, _ in items])
    rows = [
        {**_comment_row(site["id"], data, analysis, decision, articles, now), "repeat_group": outcome.repeat_of}
        for (data, analysis, decision), outcome in zip(items, outcomes)
    ]
    inserted = s.execute(_NEW_COMMENTS[s.get_bind().dialect.name], rows).all()
    ids = {external_id: comment_id for comment_id, external_id in inserted}
    fresh = [(data, analysis, decision) for data, analysis, decision in items if data["external_id"] in ids]
    if not fresh:
        return {}, articles
    author_rules.remember_repeats(s, site["id"], items, outcomes, ids, now)
    s.execute(
        _NEW_ANALYSES,
        [
            {
                "comment_id": ids[data["external_id"]],
                "result": analysis,
                "stance_model": (analysis.get("models") or {}).get("stance"),
                "incivility_model": (analysis.get("models") or {}).get("incivility"),
                "created_at": now,
            }
            for data, analysis, _ in fresh
        ],
    )
    # a rejection's text for the writer: the site's own for that reason (storage.canned), else drafted
    # (the API's cached site carries them; another caller's site dict is looked up)
    rejected = [d.get("reason") for _, _, d in fresh if d["status"] == vocab.REJECTED]
    own = site.get("canned_texts")
    if own is None:
        own = canned.texts(s, site["id"], rejected) if rejected else {}
    decisions = [_decision_row(site["id"], ids[data["external_id"]], a, d, now, own) for data, a, d in fresh]
    # a statement of reasons (DSA Art. 17) for a rejection, or a withheld comment if the site asks
    kinds = [statements.kind_at_intake(site, row) for row in decisions]
    decision_ids = {}
    if any(kinds):  # the decisions' ids for the statements, from the same INSERT
        returned = s.execute(_NEW_DECISIONS_WITH_IDS, decisions)
        decision_ids = dict(returned.all())
    else:
        s.execute(_NEW_DECISIONS, decisions)
    records = {
        data["external_id"]: _record(ids[data["external_id"]], data, analysis, decision, row, now)
        for (data, analysis, decision), row in zip(fresh, decisions)
    }
    needed = [
        (row["comment_id"], decision_ids[row["comment_id"]], row, kind, _utc(data.get("created_at")))
        for (data, _, _), row, kind in zip(fresh, decisions, kinds)
        if kind
    ]
    bodies = statements.issue_at_intake(s, site, needed, now)
    for (data, _, _), row in zip(fresh, decisions):
        records[data["external_id"]]["decision"]["statement"] = bodies.get(row["comment_id"])
    events = [_event(site, records[data["external_id"]], decision, now) for data, _, decision in fresh]
    events = [e for e in events if e is not None]
    if events:
        s.execute(_NEW_EVENTS, events)
    return records, articles


def existing(db, site_id, external_ids) -> set[str]:
    """Which of ``external_ids`` the site has stored already (one statement)."""
    if not external_ids:
        return set()
    with db.session() as s:
        return set(
            s.scalars(
                select(Comment.external_id).where(
                    tuple_(Comment.site_id, Comment.external_id).in_([(site_id, e) for e in external_ids])
                )
            )
        )


def _comment_row(site_id, data, analysis, decision, articles, now):
    author = data.get("author") or {}
    article = data.get("article") or {}
    return {
        "site_id": site_id,
        "article_id": articles.get(str(article["id"])) if article.get("id") else None,
        "external_id": data["external_id"],
        "parent_external_id": data.get("parent_external_id"),
        "author_id": author.get("id"),
        "author_name": author.get("name"),
        "text": data["text"],
        "created_at": _utc(data.get("created_at")),
        "received_at": now,
        "status": decision["status"],
        "urgent": bool(decision.get("urgent")),
        "audit_sample": bool(decision.get("audit_sample")),
        **denormalised(analysis),
    }


def _decision_row(site_id, comment_id, analysis, decision, now, own_texts=None):
    status, reason = decision["status"], decision.get("reason")
    return {
        "comment_id": comment_id,
        "site_id": site_id,
        "status": status,
        "previous_status": None,
        "actor": "policy",
        "reason": reason,
        # the site's rule that decided ("tag:spam"): a policy decision has no moderator's note
        "note": decision.get("rule"),
        "explanation": (
            ((own_texts or {}).get(reason) or explanations.draft(reason, analysis))
            if status == vocab.REJECTED
            else None
        ),
        "created_at": now,
    }


def _record(comment_id, data, analysis, decision, decision_row, now) -> dict:
    """The record a site sees (comments._comment_view's shape), from what was written."""
    article = data.get("article") or {}
    author = data.get("author") or {}
    return {
        "id": comment_id,
        "external_id": data["external_id"],
        "status": decision_row["status"],
        "urgent": bool(decision.get("urgent")),
        "text": data["text"],
        "article": (
            {"id": str(article["id"]), "title": article.get("title"), "url": article.get("url")}
            if article.get("id")
            else None
        ),
        "author": {"id": author.get("id"), "name": author.get("name")},
        "parent_external_id": data.get("parent_external_id"),
        "created_at": _iso(data.get("created_at")),
        "received_at": _iso(now),
        "erased_at": None,
        "analysis": analysis,
        "decision": {
            "status": decision_row["status"],
            "reason": decision_row["reason"],
            "explanation": decision_row["explanation"],
            "by": vocab.BY_POLICY,
            "at": _iso(now),
            "rule": decision_row["note"],
        },
    }


def _event(site, record, decision, now):
    urgent = bool(decision.get("urgent"))
    status = decision["status"]
    event_type = vocab.EVENT_ESCALATED if urgent and status == vocab.PENDING else vocab.EVENT_FOR_STATUS.get(status)
    if not event_type or not site.get("webhook_url"):
        return None
    return {
        "site_id": site["id"],
        "comment_id": record["id"],
        "event_type": event_type,
        "payload": outbox.event_payload(event_type, record),
        "state": vocab.OUTBOX_PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def _utc(value):
    """Aware datetimes in UTC (as the database gives them back); naive ones are UTC already."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _iso(value):
    return None if value is None else _utc(value).isoformat().replace("+00:00", "Z")
