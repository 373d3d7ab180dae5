"""The queue's SQL (moderation/review.py, reports.py) on SQLite and PostgreSQL."""

import pytest
from helpers.review import db_of, seed, spans_of, utc
from sqlalchemy import select

from moderation.storage import audit as reports
from moderation.storage import comments as records
from moderation.storage import review_queue as review
from moderation.storage.review_queue import Filters
from moderation.storage.tables import Comment, Correction, Decision, OutboxEvent


def ids(result):
    return [item["id"] for item in result["items"]]


def test_queue_is_riskiest_first(app, site):
    low = seed(app, site, "low", score=0.4, hostility=0.1)
    high = seed(app, site, "high", score=0.8, hostility=0.1)
    high_hostile = seed(app, site, "high-hostile", score=0.8, hostility=0.9, stance="hostile")
    urgent = seed(app, site, "urgent", score=0.3, urgent=True)
    seed(app, site, "done", score=0.99, status="rejected")
    result = review.page(db_of(app), "pending", None, Filters())
    assert ids(result) == [urgent, high_hostile, high, low]
    assert result["total"] == 4 and result["next"] is None and result["prev"] is None


def test_keyset_paging_visits_every_comment_once_both_ways(app, site):
    # ties on every score: the id breaks them
    made = [seed(app, site, f"c{i}", score=[0.6, 0.6, 0.7][i % 3], hostility=0.2, urgent=i == 5) for i in range(11)]
    seen, pages, cursor = [], [], None
    while True:
        result = review.page(db_of(app), "pending", None, Filters(), after=cursor, limit=4)
        pages.append(result)
        seen += ids(result)
        cursor = result["next"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen)) == 11
    assert len(pages) == 3 and seen[0] == made[5]
    # back from the last page gives the middle page again
    back = review.page(db_of(app), "pending", None, Filters(), before=pages[2]["prev"], limit=4)
    assert ids(back) == ids(pages[1]) and back["next"] and back["prev"]


def test_the_queue_walks_its_indexes(app):
    """No sort and no row reads for the default queue page and its count, at any depth (SQLite's plan;
    PostgreSQL chooses by table statistics, see docs/BENCHMARKS.md)."""
    db = db_of(app)
    if not db.is_sqlite:
        pytest.skip("query plans are checked on SQLite")
    from sqlalchemy import text

    def plan(query):
        sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
        with db.session() as s:
            return " / ".join(row[-1] for row in s.execute(text("EXPLAIN QUERY PLAN " + sql)))

    for cursor in (None, [True, 0.5, 0.25, 1000]):
        for site_ids in (None, [1, 2]):
            query, count = review.page_queries("pending", site_ids, Filters(), after=cursor)
            assert "USING INDEX ix_comments_queue" in plan(query) and "TEMP B-TREE" not in plan(query)
            assert "USING COVERING INDEX ix_comments_waiting" in plan(count)
    query, _ = review.page_queries("pending", None, Filters(), before=[False, 0.5, 0.25, 1000])
    assert "USING INDEX ix_comments_queue" in plan(query) and "TEMP B-TREE" not in plan(query)


def test_a_malformed_cursor_starts_at_the_top(app, site):
    first = seed(app, site, "c1")
    for junk in ["nonsense", "W10", "WyJ4Il0", "!!!"]:
        assert ids(review.page(db_of(app), "pending", None, Filters(), after=junk)) == [first]


def test_filters(app, site, other_site):
    a = seed(
        app,
        site,
        "a",
        text="Die zakkenvullers bij de gemeente",
        stance="hostile",
        score=0.9,
        categories=["insult"],
        spans=spans_of("Die zakkenvullers bij de gemeente", "zakkenvullers"),
        tags=["politiek", "identity_attack-like"],
        received_at=utc(2026, 11, 20, 12),
    )
    b = seed(
        app,
        site,
        "b",
        text="Meer ruimte voor bewoners",
        stance="pro-participation",
        score=0.2,
        tags=["participatie"],
        article=("a2", "Inspraak", "https://example.org/2"),
        author=("u2", "Joke"),
        received_at=utc(2026, 11, 21, 23, 30),
    )
    c = seed(
        app,
        other_site,
        "c",
        text="Beleid is bindend, 100% zeker",
        stance="pro-policy",
        score=0.6,
        categories=["profanity"],
        tags=["beleid"],
        received_at=utc(2026, 11, 22, 9),
    )
    db = db_of(app)

    def found(**f):
        return sorted(ids(review.page(db, "pending", None, Filters(**f))))

    assert found() == sorted([a, b, c])
    assert found(site_id=other_site["id"]) == [c]
    with db.session() as s:
        article2 = s.scalar(select(Comment.article_id).where(Comment.id == b))
    assert found(article_id=article2) == [b]
    assert found(stance="hostile") == [a]
    assert found(uncivil=True) == sorted([a, c]) and found(uncivil=False) == [b]
    assert found(category="insult") == [a] and found(category="threat") == []
    assert found(tag="participatie") == [b]
    assert found(tag="politiek") == [a]
    assert found(tag="identity_attack") == []  # only whole tags match, and _ is no wildcard
    assert found(since=utc(2026, 11, 21)) == sorted([b, c])
    assert found(until=utc(2026, 11, 21)) == [a]
    assert found(q="ZAKKENVULLERS") == [a] and found(q="joke") == [b]
    assert found(q="100%") == [c] and found(q="%") == [c] and found(q="_") == []
    assert found(stance="hostile", q="bewoners") == []


def test_site_limits_hide_everything_of_other_sites(app, site, other_site):
    mine = seed(app, site, "m")
    theirs = seed(app, other_site, "t")
    limited = [site["id"]]
    db = db_of(app)
    assert ids(review.page(db, "pending", limited, Filters())) == [mine]
    assert ids(review.page(db, "pending", limited, Filters(site_id=other_site["id"]))) == []
    assert ids(review.page(db, "pending", [], Filters())) == []
    assert review.counts(db, limited) == {"pending": 1, "escalated": 0, "sample": 0}
    with pytest.raises(review.NotVisible):
        review.get(db, limited, theirs)
    with pytest.raises(review.NotVisible):
        review.decide(db, limited, [mine, theirs], "approve", "mod@example.org")
    with pytest.raises(review.NotVisible):
        review.correct(db, limited, theirs, "mod@example.org", stance="hostile")
    # nothing happened to either, not even to the visible one in the refused batch
    assert [
        records.get_comment(db, site["id"], mine)["status"],
        records.get_comment(db, other_site["id"], theirs)["status"],
    ] == ["pending", "pending"]


def test_item_details(app, site):
    seed(app, site, "old1", status="approved")
    seed(app, site, "old2", status="rejected")
    seed(app, site, "other-author", status="rejected", author=("u9", "Ander"))
    parent = seed(app, site, "p", text="Eerste reactie", author=("u5", "Piet"), status="approved")
    text = "@Piet wat een prutsers"
    cid = seed(
        app,
        site,
        "r",
        text=text,
        parent="p",
        stance="hostile",
        score=0.92,
        categories=["insult"],
        spans=spans_of(text, "prutsers"),
        tags=["reply"],
    )
    item = review.get(db_of(app), None, cid)
    assert item["history"] == {"approved": 1, "rejected": 1, "pending": 1}
    assert item["parent"]["id"] == parent and item["parent"]["text"] == "Eerste reactie"
    assert item["article"]["title"] == "Ambtenaren zitten elkaar in de weg"
    assert item["spans"][0]["text"] == "prutsers" and item["categories"] == ["insult"] and item["tags"] == ["reply"]
    assert item["stance"] == item["model_stance"] == "hostile" and item["stance_scores"]["hostile"] == 0.7
    assert item["site"] == "alpha" and item["received_at"].tzinfo is not None


def test_decisions_are_recorded_and_reach_the_site(make_app):
    app = make_app()
    site = records.create_site(db_of(app), "hooked", webhook_url="http://127.0.0.1:9/hook")
    a, b, c = (seed(app, site, ext) for ext in "abc")
    db = db_of(app)
    assert review.decide(db, None, [a], "approve", "mod@example.org", expected="pending") == {
        "done": [a],
        "skipped": [],
    }
    assert review.decide(db, None, [b, c, b], "reject", "mod@example.org", reason="insult", note="grof") == {
        "done": [b, c],
        "skipped": [],
    }
    assert records.get_comment(db, site["id"], a)["status"] == "approved"
    view = records.get_comment(db, site["id"], b)
    assert (
        view["status"] == "rejected"
        and view["decision"]["reason"] == "insult"
        and view["decision"]["by"] == "moderator"
    )
    with db.session() as s:
        rows = list(s.scalars(select(Decision).where(Decision.actor == "mod@example.org").order_by(Decision.id)))
        events = list(s.scalars(select(OutboxEvent.event_type).where(OutboxEvent.comment_id.in_([a, b, c]))))
    assert [(d.comment_id, d.previous_status, d.status, d.reason, d.note) for d in rows] == [
        (a, "pending", "approved", None, None),
        (b, "pending", "rejected", "insult", "grof"),
        (c, "pending", "rejected", "insult", "grof"),
    ]
    assert events.count("comment.approved") == 1 and events.count("comment.rejected") == 2


def test_a_stale_decision_never_overrules_a_colleague(app, site):
    cid = seed(app, site, "c")
    db = db_of(app)
    review.decide(db, None, [cid], "approve", "eerste@example.org", expected="pending")
    result = review.decide(db, None, [cid], "reject", "tweede@example.org", reason="spam", expected="pending")
    assert result == {"done": [], "skipped": [{"id": cid, "status": "approved", "by": "eerste@example.org"}]}
    assert records.get_comment(db, site["id"], cid)["status"] == "approved"
    # deciding the same again changes nothing either
    assert review.decide(db, None, [cid], "approve", "eerste@example.org")["done"] == []
    # a deliberate change from the approved list does go through
    assert review.decide(db, None, [cid], "reject", "tweede@example.org", reason="spam", expected="approved")[
        "done"
    ] == [cid]


def test_escalation_moves_a_comment_to_the_escalated_list(app, site):
    cid = seed(app, site, "c")
    other = seed(app, site, "d")
    db = db_of(app)
    assert review.decide(db, None, [cid], "escalate", "mod@example.org", note="juridisch?")["done"] == [cid]
    assert ids(review.page(db, "pending", None, Filters())) == [other]
    escalated = review.page(db, "escalated", None, Filters())
    assert ids(escalated) == [cid] and escalated["items"][0]["urgent"] and escalated["items"][0]["escalated_at"]
    assert review.counts(db, None) == {"pending": 1, "escalated": 1, "sample": 0}
    assert records.get_comment(db, site["id"], cid)["status"] == "pending"
    assert review.decide(db, None, [cid], "escalate", "mod@example.org")["done"] == []
    review.decide(db, None, [cid], "reject", "chef@example.org", reason="threat", expected="pending")
    assert ids(review.page(db, "escalated", None, Filters())) == [] and ids(
        review.page(db, "rejected", None, Filters())
    ) == [cid]


def test_corrections_store_before_and_after_and_update_the_labels(app, site):
    cid = seed(app, site, "c", stance="hostile", score=0.8, categories=["insult"])
    db = db_of(app)
    made = review.correct(
        db,
        None,
        cid,
        "mod@example.org",
        stance="pro-policy",
        uncivil=True,
        categories=["profanity", "insult", "profanity"],
    )
    assert made == [
        {"field": "stance", "before": {"stance": "hostile"}, "after": {"stance": "pro-policy"}},
        {
            "field": "incivility",
            "before": {"uncivil": True, "categories": ["insult"]},
            "after": {"uncivil": True, "categories": ["insult", "profanity"]},
        },
    ]
    assert (
        review.correct(
            db, None, cid, "mod@example.org", stance="pro-policy", uncivil=True, categories=["insult", "profanity"]
        )
        == []
    )
    made = review.correct(db, None, cid, "ander@example.org", uncivil=False, categories=["insult"])
    assert made[0]["after"] == {"uncivil": False, "categories": []}
    item = review.get(db, None, cid)
    assert item["stance"] == "pro-policy" and item["model_stance"] == "hostile"
    assert item["uncivil"] is False and item["categories"] == []
    assert [c["actor"] for c in item["corrections"]] == ["mod@example.org"] * 2 + ["ander@example.org"]
    assert ids(review.page(db, "pending", None, Filters(stance="pro-policy"))) == [cid]
    assert ids(review.page(db, "pending", None, Filters(category="insult"))) == []
    with db.session() as s:
        assert len(list(s.scalars(select(Correction)))) == 3


def test_audit_log_merges_decisions_and_corrections_newest_first(app, site, other_site):
    db = db_of(app)
    cids = [seed(app, site, f"c{i}") for i in range(4)]
    hidden = seed(app, other_site, "x")
    review.decide(db, None, [cids[0]], "approve", "a@example.org")
    review.correct(db, None, cids[1], "b@example.org", stance="pro-policy")
    review.decide(db, None, [cids[1]], "reject", "b@example.org", reason="spam", note="reclame")
    review.correct(db, None, cids[2], "a@example.org", uncivil=True, categories=["threat"])
    review.decide(db, None, [cids[3], hidden], "escalate", "a@example.org")
    entries = []
    cursor = None
    while True:
        page = reports.audit(db, [site["id"]], before=cursor, limit=2)
        entries += page["entries"]
        cursor = page["next"]
        if not cursor:
            break
    assert [(e["kind"], e["comment_id"], e["actor"]) for e in entries] == [
        ("decision", cids[3], "a@example.org"),
        ("correction", cids[2], "a@example.org"),
        ("decision", cids[1], "b@example.org"),
        ("correction", cids[1], "b@example.org"),
        ("decision", cids[0], "a@example.org"),
    ]
    assert entries[2]["before"] == "pending" and entries[2]["after"] == "rejected" and entries[2]["note"] == "reclame"
    assert entries[1]["before"] == {"uncivil": True, "categories": []}
    only_b = reports.audit(db, None, actor="b@example.org")["entries"]
    assert {e["actor"] for e in only_b} == {"b@example.org"} and len(only_b) == 2
    with_policy = reports.audit(db, None, include_policy=True, limit=100)["entries"]
    assert sum(e["actor"] == "policy" for e in with_policy) == 5
    assert reports.audit_actors(db, [site["id"]]) == ["a@example.org", "b@example.org"]


def test_article_stats(app, site, other_site):
    db = db_of(app)
    seed(app, site, "1", stance="hostile", score=0.9, status="rejected")
    seed(app, site, "2", stance="hostile", score=0.2, uncivil=False)
    seed(app, site, "3", stance="pro-policy", score=0.1)
    seed(app, site, "4", stance="neutral", score=0.1, article=("a2", "Ander artikel", None))
    with db.session() as s:
        article_id = s.scalar(select(Comment.article_id).where(Comment.external_id == "1"))
    stats = reports.article_stats(db, None, article_id)
    assert stats["total"] == 3 and stats["uncivil"] == 1
    assert stats["stances"] == {"hostile": {"total": 2, "uncivil": 1}, "pro-policy": {"total": 1, "uncivil": 0}}
    assert stats["statuses"] == {"rejected": 1, "pending": 2}
    assert reports.article_stats(db, [other_site["id"]], article_id) is None
    listed = reports.articles(db, None)["items"]
    assert [(a["title"], a["total"], a["pending"], a["uncivil"]) for a in listed] == [
        ("Ander artikel", 1, 1, 0),
        ("Ambtenaren zitten elkaar in de weg", 3, 2, 1),
    ]


def test_migration_0002_copies_labels_out_of_existing_analyses(empty_database_url):
    """An 0001 database with comments gets its categories and tags filled in."""
    from alembic import command

    from moderation.storage.database import Database, alembic_config

    db = Database(empty_database_url)
    try:
        command.upgrade(alembic_config(db.url), "0001")
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO sites (id, name, api_key_hash, policy, created_at) "
                "VALUES (1, 's', 'h', '{}', '2026-11-22 10:00:00')"
            )
            conn.exec_driver_sql(
                "INSERT INTO comments (id, site_id, external_id, text, received_at, status, urgent, "
                "incivility_score, hostility) VALUES (1, 1, 'e', 't', '2026-11-22 10:00:00', "
                "'pending', false, 0.9, 0.1)"
            )
            conn.exec_driver_sql(
                "INSERT INTO analyses (comment_id, result, created_at) VALUES (1, "
                '\'{"incivility": {"categories": ["insult", "threat"]}, "tags": ["reply"]}\', '
                "'2026-11-22 10:00:00')"
            )
        command.upgrade(alembic_config(db.url), "0002")
        # plain SQL: the ORM's Comment is the head schema, which has columns 0002 does not
        with db.engine.begin() as conn:
            row = conn.exec_driver_sql("SELECT categories, tags, escalated_at FROM comments WHERE id = 1").one()
            assert tuple(row) == ("|insult|threat|", "|reply|", None)
        command.upgrade(alembic_config(db.url), "head")
        with db.session() as s:
            comment = s.get(Comment, 1)
            assert (comment.audit_sample, comment.doubt) == (False, 0.0)  # the later migrations' defaults
    finally:
        db.dispose()
