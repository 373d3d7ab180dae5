"""The admin pages: site settings and parked webhooks, for admins only."""

from helpers.api import auth, comment
from helpers.review import add_moderator, login

from moderation.delivery.worker import Worker
from moderation.storage import comments as records
from moderation.storage import outbox
from moderation.storage import sites as site_settings


def setup(fast_app, role="admin", sites=None):
    app = fast_app(WEBHOOK_MAX_ATTEMPTS=1)
    db = app.extensions["moderation"].db
    alpha = records.create_site(db, "alpha", webhook_url="http://127.0.0.1:9/down")  # nothing listens on port 9
    records.create_site(db, "beta")
    client = app.test_client()
    add_moderator(app, role=role, sites=sites)
    return app, db, client, alpha, login(client)


def test_an_admin_changes_a_sites_settings(fast_app):
    app, db, client, alpha, token = setup(fast_app)
    page = client.get("/admin/sites").get_data(as_text=True)
    assert "alpha" in page and "beta" in page and "http://127.0.0.1:9/down" in page
    r = client.post(
        f"/admin/sites/{alpha['id']}",
        data={
            "csrf_token": token,
            "webhook_url": "https://alpha.example/hook",
            "approve_below": "0,2",
            "reject_above": "0.8",
            "mode": "post",
            "plugins": ["policy"],
        },
    )
    assert r.status_code == 302
    assert site_settings.get(db, "alpha") == {
        **site_settings.get(db, "alpha"),
        "webhook_url": "https://alpha.example/hook",
        "approve_below": 0.2,
        "reject_above": 0.8,
        "mode": "post",
        "plugins": ["policy"],
    }
    bad = client.post(
        f"/admin/sites/{alpha['id']}",
        data={"csrf_token": token, "approve_below": "0.9", "reject_above": "0.5", "mode": "pre"},
    )
    assert bad.status_code == 422 and "must not be above" in bad.get_data(as_text=True)
    assert site_settings.get(db, "alpha")["mode"] == "post"
    assert client.post(f"/admin/sites/{alpha['id']}", data={"mode": "pre"}).status_code == 400  # no CSRF token


def test_a_new_secret_is_shown_once(fast_app):
    app, db, client, alpha, token = setup(fast_app)
    page = client.post(f"/admin/sites/{alpha['id']}/secret", data={"csrf_token": token}).get_data(as_text=True)
    assert "whsec_" in page and "ondertekent ook nog" in page
    assert "whsec_" not in client.get(f"/admin/sites/{alpha['id']}").get_data(as_text=True)


def test_parked_events_are_listed_and_resent(fast_app):
    app, db, client, alpha, token = setup(fast_app)
    app.test_client().post("/api/v1/comments", json=comment("c1", "Goed plan."), headers=auth(alpha))
    Worker(db, app.config).drain()
    [parked] = outbox.list_events(db, state="parked")
    page = client.get("/admin/events?staat=parked").get_data(as_text=True)
    assert f">{parked['id']}<" in page and "comment.approved" in page
    detail = client.get(f"/admin/events/{parked['id']}").get_data(as_text=True)
    # what went wrong, but no raw network error of an internal address (no port scanner for admins)
    assert "could not connect" in detail and "Errno" not in detail and parked["event_id"] in detail
    r = client.post(f"/admin/events/{parked['id']}/resend", data={"csrf_token": token})
    assert r.status_code == 302 and outbox.get_event(db, parked["id"])["state"] == "pending"


def test_moderators_and_strangers_are_kept_out(fast_app):
    app, db, client, alpha, token = setup(fast_app, role="moderator")
    assert client.get("/admin/sites").status_code == 403
    assert client.post(f"/admin/sites/{alpha['id']}", data={"csrf_token": token, "mode": "post"}).status_code == 403
    assert site_settings.get(db, "alpha")["mode"] == "pre"
    stranger = app.test_client()
    assert stranger.get("/admin/sites").status_code == 302


def test_an_admin_of_one_site_sees_only_that_site(fast_app):
    app, db, client, alpha, token = setup(fast_app, sites=["beta"])
    assert "alpha" not in client.get("/admin/sites").get_data(as_text=True)
    assert client.get(f"/admin/sites/{alpha['id']}").status_code == 404
