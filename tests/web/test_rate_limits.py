"""Per-site rate limits: a token bucket per site in the database, shared by every worker."""

import pytest
from click.testing import CliRunner
from helpers.api import auth, comment

from moderation.cli.main import main
from moderation.storage import comments as records
from moderation.storage import rate_limits
from moderation.storage import sites as site_settings


def _db(app):
    return app.extensions["moderation"].db


def test_a_site_past_its_limit_gets_429_and_another_site_does_not(app, client, site, other_site):
    site_settings.update(_db(app), "alpha", rate_limit="0.01/3")
    statuses = [client.post("/api/v1/classify", json={"text": "Goed plan."}, headers=auth(site)).status_code]
    statuses += [client.get("/api/v1/decisions", headers=auth(site)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429, 429]
    r = client.post("/api/v1/comments", json=comment("c1"), headers=auth(site))
    assert r.status_code == 429 and r.mimetype == "application/problem+json"
    assert int(r.headers["Retry-After"]) >= 1 and "per second" in r.get_json()["detail"]
    assert not records.count_comments(_db(app))  # refused before anything was stored
    for i in range(20):  # the other site, on the default limit, is not touched
        assert client.post("/api/v1/comments", json=comment(f"b{i}"), headers=auth(other_site)).status_code == 201


def test_the_bucket_is_shared_by_every_app_on_the_database(make_app, site):
    first = make_app()
    second = make_app()
    site_settings.update(_db(first), "alpha", rate_limit="0.01/2")
    one, two = first.test_client(), second.test_client()
    assert one.get("/api/v1/decisions", headers=auth(site)).status_code == 200
    assert two.get("/api/v1/decisions", headers=auth(site)).status_code == 200
    assert one.get("/api/v1/decisions", headers=auth(site)).status_code == 429
    assert two.get("/api/v1/decisions", headers=auth(site)).status_code == 429


def test_zero_means_no_limit_and_the_bucket_refills(app, site):
    db = _db(app)
    assert all(rate_limits.take(db, "k", 0, 1) == 0 for _ in range(50))
    assert rate_limits.take(db, "r", 10, 2, now=1000.0) == 0
    assert rate_limits.take(db, "r", 10, 2, now=1000.0) == 0
    assert rate_limits.take(db, "r", 10, 2, now=1000.0) == pytest.approx(0.1)
    assert rate_limits.take(db, "r", 10, 2, now=1000.1) == 0  # one token came back after 0.1 s


def test_cli_sets_and_shows_the_limit(app, site, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    result = runner.invoke(main, ["sites", "set", "alpha", "--rate-limit", "5/20"])
    assert result.exit_code == 0, result.output
    assert "5/20" in result.output
    assert "2/8" in runner.invoke(main, ["sites", "set", "alpha", "--rate-limit", "2"]).output
    assert "no limit" in runner.invoke(main, ["sites", "set", "alpha", "--rate-limit", "0"]).output
    bad = runner.invoke(main, ["sites", "set", "alpha", "--rate-limit", "lots"])
    assert bad.exit_code != 0 and "PER_SECOND" in bad.output


@pytest.mark.parametrize("database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_a_bucket_another_worker_makes_meanwhile_is_not_a_refusal(app):
    """Two workers' first requests of a site at once: this one's UPDATE finds no bucket, and the
    other worker creates it (full) before this one reads it; the request must pass, not get 429."""
    from sqlalchemy import event, text

    db = _db(app)
    created = []

    def other_worker_makes_the_bucket(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE RATE_BUCKETS") and not created:
            created.append(True)
            with db.engine.connect() as other:  # another connection: commits at once
                other.execute(
                    text("INSERT INTO rate_buckets (key, tokens, updated_at) VALUES ('k', 9, :t)"), {"t": 1e9}
                )
                other.commit()

    event.listen(db.engine, "after_cursor_execute", other_worker_makes_the_bucket)
    try:
        assert rate_limits.take(db, "k", per_second=1, burst=10, now=1e9) == 0.0
    finally:
        event.remove(db.engine, "after_cursor_execute", other_worker_makes_the_bucket)
    assert created
