"""Smaller leaks (issue items 15 and 17): security headers on JSON, /metrics behind a
token, /healthz without file paths, outbox counts limited to an admin's sites."""

from helpers.api import auth, comment
from helpers.review import add_moderator, login

from moderation.app import create_app
from moderation.delivery.worker import Worker
from moderation.storage import comments as records


def test_json_with_comment_text_is_not_cached_or_sniffed(client, site):
    created = client.post("/api/v1/comments", json=comment("c1", "<script>alert(1)</script>"), headers=auth(site))
    fetched = client.get(f"/api/v1/comments/{created.get_json()['id']}", headers=auth(site))
    missing = client.get("/api/v1/comments/999999", headers=auth(site))
    feed = client.get("/api/v1/decisions", headers=auth(site))
    for r in (created, fetched, missing, feed):
        assert r.headers["Cache-Control"] == "no-store", r.request.path
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" not in r.headers  # plain http: no HSTS
    assert client.get("/metrics").headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_over_tls(client, site):
    r = client.get("/api/v1/decisions", headers=auth(site), base_url="https://moderation.example")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    assert r.headers["Cache-Control"] == "no-store"


def test_metrics_need_the_token_when_one_is_configured(make_app):
    app = make_app(METRICS_TOKEN="s3cret-scrape-token")
    client = app.test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret-scrape-token"}):
        r = client.get("/metrics", headers=headers)
        assert r.status_code == 401 and r.mimetype == "application/problem+json"
        assert "moderation_http_requests" not in r.get_data(as_text=True)
    ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"})
    assert ok.status_code == 200 and "moderation_http_requests" in ok.get_data(as_text=True)


def test_healthz_shows_no_file_paths(database_url, tmp_path):
    models_dir = tmp_path / "secret-place" / "models"
    models_dir.mkdir(parents=True)
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "MODELS_DIR": str(models_dir)})
    try:
        body = app.test_client().get("/healthz").get_data(as_text=True)
    finally:
        app.extensions["moderation"].close()
    assert "secret-place" not in body and str(tmp_path) not in body and "/" not in body.replace("\\/", "")
    assert app.extensions["moderation"].models.errors  # the reason is known, just not shown


def test_a_site_limited_admin_sees_only_its_own_outbox_counts(fast_app):
    app = fast_app(WEBHOOK_MAX_ATTEMPTS=1, WEBHOOK_ALLOW_HOSTS="")
    db = app.extensions["moderation"].db
    records.create_site(db, "alpha")
    beta = records.create_site(db, "beta", webhook_url="http://127.0.0.1:9/hook")  # refused: parked
    for i in range(3):
        app.test_client().post("/api/v1/comments", json=comment(f"c{i}", "Prima."), headers=auth(beta))
    Worker(db, app.config).drain()
    client = app.test_client()
    add_moderator(app, role="admin", sites=["alpha"])
    login(client)
    assert "Geparkeerde webhooks: 0" in client.get("/admin/sites").get_data(as_text=True)
    assert "Geparkeerd (0)" in client.get("/admin/events").get_data(as_text=True)
