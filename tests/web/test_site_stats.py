"""The dashboard's figures: GET /api/v1/sites/me/stats (one site's own) and the page at /."""

from datetime import timedelta

import pytest
from helpers.api import auth
from helpers.review import add_moderator, db_of, login, seed, utc
from sqlalchemy import update

from moderation.storage import comments as records
from moderation.storage import sites as site_settings
from moderation.storage.tables import Comment, Decision

NOW = utc(2026, 12, 4, 15, 0)  # a Friday, 16:00 in Amsterdam


def decided(app, site, ext, wait_seconds, actor, at=NOW - timedelta(hours=1), status="approved"):
    """A comment that arrived ``wait_seconds`` before a moderator decided it at ``at``."""
    cid = seed(app, site, ext, received_at=at - timedelta(seconds=wait_seconds))
    with db_of(app).session() as s:
        s.execute(update(Comment).where(Comment.id == cid).values(status=status))
        s.execute(
            update(Decision).where(Decision.comment_id == cid).values(created_at=at - timedelta(seconds=wait_seconds))
        )
        s.add(
            Decision(
                comment_id=cid, site_id=site["id"], status=status, previous_status="pending", actor=actor, created_at=at
            )
        )
    return cid


def automatic(app, site, ext, at=NOW - timedelta(hours=2)):
    cid = seed(app, site, ext, status="approved")
    with db_of(app).session() as s:
        s.execute(update(Decision).where(Decision.comment_id == cid).values(created_at=at))
        s.execute(update(Comment).where(Comment.id == cid).values(received_at=at))
    return cid


@pytest.fixture
def stats_app(make_app):
    app = make_app(CLOCK=lambda: NOW)
    db = db_of(app)
    alpha = records.create_site(db, "alpha")
    beta = records.create_site(db, "beta")
    for i, (wait, who) in enumerate(
        [(60, "a@x.nl"), (120, "a@x.nl"), (180, "b@x.nl"), (600, "a@x.nl"), (1200, "b@x.nl")]
    ):
        decided(app, alpha, f"t{i}", wait, who)
    decided(app, alpha, "yesterday", 3000, "a@x.nl", at=NOW - timedelta(days=1))
    decided(app, alpha, "last-week", 5000, "a@x.nl", at=NOW - timedelta(days=6))
    for i in range(3):
        automatic(app, alpha, f"auto{i}")
    seed(app, alpha, "waiting", received_at=NOW - timedelta(hours=1))
    seed(app, alpha, "urgent", urgent=True, received_at=NOW - timedelta(minutes=5))
    decided(app, beta, "slow", 99999, "c@x.nl")
    seed(app, beta, "b-waiting", received_at=NOW - timedelta(days=3))
    site_settings.update(db, "alpha", target_minutes=10)
    return app, alpha, beta


def test_stats_on_known_data(stats_app):
    app, alpha, _ = stats_app
    body = app.test_client().get("/api/v1/sites/me/stats", headers=auth(alpha)).get_json()
    assert body["site"] == "alpha" and body["target_minutes"] == 10
    assert body["queues"] == {"pending": 1, "urgent": 1, "gemeld": 0, "bezwaren": 0}
    assert body["oldest_waiting_seconds"] == 3600
    today, week = body["today"], body["week"]
    assert today["since"] == "2026-12-03T23:00:00Z" and week["since"] == "2026-11-29T23:00:00Z"
    # waits today 60, 120, 180, 600, 1200: nearest-rank median the 3rd, p90 the 5th
    assert today["time_to_decision"] == {"median_seconds": 180.0, "p90_seconds": 1200.0, "decisions": 5}
    # this week also yesterday's 3000 (six waits: median the 3rd, p90 the 6th); last Saturday's is before Monday
    assert week["time_to_decision"] == {"median_seconds": 180.0, "p90_seconds": 3000.0, "decisions": 6}
    assert today["by_moderator"] == {"a@x.nl": 3, "b@x.nl": 2}
    assert week["by_moderator"] == {"a@x.nl": 4, "b@x.nl": 2}
    assert today["automatic_share"] == 0.375  # 3 automatic of 3 + 5


def test_stats_show_only_the_sites_own(stats_app):
    app, alpha, beta = stats_app
    client = app.test_client()
    body = client.get("/api/v1/sites/me/stats", headers=auth(beta)).get_json()
    assert body["site"] == "beta" and body["queues"]["pending"] == 1
    assert body["today"]["time_to_decision"]["median_seconds"] == 99999.0
    assert body["today"]["by_moderator"] == {"c@x.nl": 1} and body["oldest_waiting_seconds"] == 3 * 86400
    assert client.get("/api/v1/sites/me/stats").status_code == 401


def test_stats_of_an_empty_site(app, client, site):
    body = client.get("/api/v1/sites/me/stats", headers=auth(site)).get_json()
    assert body["queues"] == {"pending": 0, "urgent": 0, "gemeld": 0, "bezwaren": 0}
    assert body["oldest_waiting_seconds"] is None and body["target_minutes"] == 15
    assert body["today"]["time_to_decision"] == {"median_seconds": None, "p90_seconds": None, "decisions": 0}
    assert body["today"]["automatic_share"] is None


def test_dashboard_is_home_and_shows_only_visible_sites(stats_app):
    app, _, _ = stats_app
    add_moderator(app, sites=["alpha"])
    client = app.test_client()
    assert client.get("/").headers["Location"].startswith("/login?next=/")
    login(client)
    page = client.get("/").get_data(as_text=True)
    assert 'data-site="alpha"' in page and 'data-site="beta"' not in page
    assert 'data-figure="oldest" class="late">1 u 0 min' in page  # an hour, past the 10-minute target
    assert "a@x.nl" in page and "c@x.nl" not in page
    assert client.get("/queue").status_code == 200


def test_decisions_window_reads_the_site_time_index(stats_app):
    """The window's decisions come from an index range, not a scan of every decision."""
    from sqlalchemy import text

    from moderation.storage import site_stats

    app, alpha, _ = stats_app
    with db_of(app).session() as s:
        query = site_stats._by_moderator([alpha["id"]], NOW - timedelta(days=1))
        compiled = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN QUERY PLAN " if s.get_bind().dialect.name == "sqlite" else "EXPLAIN "
        if explain.startswith("EXPLAIN ") and s.get_bind().dialect.name != "sqlite":
            s.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table: make the planner show its choice
        plan = " ".join(str(row) for row in s.execute(text(explain + str(compiled))))
    assert "ix_decisions_site_time" in plan, plan
