"""``moderation events test SITE`` and the admin page's button: a signed ``test`` event through
the normal delivery path to a real receiver, and the answer shown."""

import json

import pytest
from click.testing import CliRunner
from helpers.delivery import webhook_site
from helpers.review import add_moderator, login
from standardwebhooks import Webhook

from moderation import vocabulary as vocab
from moderation.cli.main import main
from moderation.delivery import webhooks
from moderation.storage import comments as records
from moderation.storage import outbox, probe_events


@pytest.fixture
def cli(fast_app, database_url, monkeypatch):
    app = fast_app()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("MODERATION_PLUGINS", "policy")
    monkeypatch.setenv("MODERATION_WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    return app, CliRunner()


def test_a_test_event_arrives_signed_and_the_answer_is_printed(cli, receiver):
    app, runner = cli
    db = app.extensions["moderation"].db
    site = webhook_site(app, receiver)
    out = runner.invoke(main, ["events", "test", "alpha"])
    assert out.exit_code == 0, out.output
    assert f"delivered to {receiver.url}: HTTP 200 in" in out.output
    [(headers, body)] = receiver.requests
    event = Webhook(site["webhook_secret"]).verify(body, headers)
    assert event["type"] == vocab.EVENT_TEST == headers["x-moderation-event-type"]
    assert event["test"]["site"] == "alpha" and "nothing was decided" in event["test"]["message"]
    assert webhooks.verify(headers["x-moderation-signature"], body, site["webhook_secret"])
    [row] = outbox.list_events(db)
    logged = outbox.get_event(db, row["id"])
    assert logged["state"] == vocab.DELIVERED and logged["type"] == "test" and logged["event_id"] == event["id"]
    assert [d["status_code"] for d in logged["deliveries"]] == [200]
    as_json = json.loads(runner.invoke(main, ["events", "test", "alpha", "--json"]).output)
    assert as_json["delivered"] is True and as_json["status_code"] == 200 and as_json["error"] is None
    assert as_json["webhook_id"] == receiver.events()[1]["id"]


def test_a_failing_receiver_is_reported_and_the_test_is_parked_not_retried(cli, receiver):
    app, runner = cli
    db = app.extensions["moderation"].db
    webhook_site(app, receiver)
    receiver.status = 503
    out = runner.invoke(main, ["events", "test", "alpha"])
    assert out.exit_code == 1 and "not delivered" in out.output and "HTTP 503" in out.output
    [row] = outbox.list_events(db)
    assert row["state"] == vocab.PARKED and row["attempts"] == 1
    assert "1 delivered" not in runner.invoke(main, ["worker", "--once"]).output
    assert len(receiver.requests) == 1
    receiver.stop()  # nothing listens now
    out = runner.invoke(main, ["events", "test", "alpha", "--json"])
    result = json.loads(out.output.splitlines()[0])
    assert out.exit_code == 1 and result["status_code"] is None and result["error"].startswith("could not connect")


def test_a_site_without_a_webhook_or_an_unknown_site_is_refused(cli):
    app, runner = cli
    records.create_site(app.extensions["moderation"].db, "beta")
    out = runner.invoke(main, ["events", "test", "beta"])
    assert out.exit_code == 1 and "site 'beta' has no webhook URL" in out.output
    out = runner.invoke(main, ["events", "test", "nobody"])
    assert out.exit_code == 1 and "no site named 'nobody'" in out.output
    assert outbox.list_events(app.extensions["moderation"].db) == []


def test_no_worker_takes_a_test_event_while_it_is_being_sent(fast_app, receiver):
    app = fast_app()
    db = app.extensions["moderation"].db
    webhook_site(app, receiver)
    event = probe_events.queue_leased(db, "alpha", "tester", 30)
    assert event["type"] == "test" and event["url"] == receiver.url and event["secrets"]
    assert outbox.claim(db, "a-worker", 10, 30) == []


def admin(fast_app, receiver, sites=None):
    app = fast_app()
    db = app.extensions["moderation"].db
    alpha = webhook_site(app, receiver)
    beta = records.create_site(db, "beta")
    add_moderator(app, role="admin", sites=sites)
    client = app.test_client()
    return client, login(client), alpha, beta


def test_the_admin_button_sends_a_test_event_and_shows_the_answer(fast_app, receiver):
    client, token, alpha, beta = admin(fast_app, receiver)
    page = client.get(f"/admin/sites/{alpha['id']}").get_data(as_text=True)
    assert "Testgebeurtenis versturen" in page
    r = client.post(f"/admin/sites/{alpha['id']}/test-event", data={"csrf_token": token})
    assert r.status_code == 200 and "is afgeleverd:" in r.get_data(as_text=True) and "HTTP 200" in r.get_data(True)
    assert Webhook(alpha["webhook_secret"]).verify(*receiver.requests[0][::-1])["type"] == "test"
    receiver.status = 500
    failed = client.post(f"/admin/sites/{alpha['id']}/test-event", data={"csrf_token": token}).get_data(as_text=True)
    assert "niet afgeleverd" in failed and "(HTTP 500)" in failed and "geparkeerd" in failed
    assert len(receiver.requests) == 2
    no_url = client.post(f"/admin/sites/{beta['id']}/test-event", data={"csrf_token": token})
    assert no_url.status_code == 422 and "geen webhook-URL" in no_url.get_data(as_text=True)
    assert client.post(f"/admin/sites/{alpha['id']}/test-event").status_code == 400  # no CSRF token
    assert len(receiver.requests) == 2


def test_an_admin_of_other_sites_cannot_test_this_one(fast_app, receiver):
    client, token, alpha, beta = admin(fast_app, receiver, sites=["beta"])
    assert client.post(f"/admin/sites/{alpha['id']}/test-event", data={"csrf_token": token}).status_code == 404
    assert receiver.requests == []
