"""Webhooks to a real receiver on a loopback port: signature, outages, parking, resending."""

import json
import time
from datetime import timedelta

from click.testing import CliRunner
from helpers.api import auth, comment
from helpers.delivery import INSULT, THREAT, decide, webhook_site

from moderation.cli.main import main
from moderation.delivery import webhooks
from moderation.delivery.worker import Worker
from moderation.storage import outbox
from moderation.storage.tables import utcnow


def post(app, site, ext, text):
    r = app.test_client().post("/api/v1/comments", json=comment(ext, text), headers=auth(site))
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()


def worker(app, **config):
    return Worker(app.extensions["moderation"].db, {**app.config, **config})


def test_a_rejection_arrives_signed_with_a_dutch_explanation(fast_app, receiver):
    app = fast_app()
    site = webhook_site(app, receiver)
    record = post(app, site, "c1", f"Die ambtenaren zijn echt {INSULT}.")
    assert record["status"] == "rejected"
    assert worker(app).drain() == {"claimed": 1, "delivered": 1, "failed": 0, "parked": 0}
    [(headers, body)] = receiver.requests
    assert webhooks.verify(headers["x-moderation-signature"], body, site["webhook_secret"])
    event = json.loads(body)
    assert event["type"] == "comment.rejected" and headers["x-moderation-event-id"] == event["id"]
    assert event["comment"]["id"] == record["id"] and event["comment"]["external_id"] == "c1"
    explanation = event["comment"]["decision"]["explanation"]
    assert explanation.startswith("Uw reactie is niet geplaatst.") and f"‘{INSULT}’" in explanation
    assert headers["content-type"].startswith("application/json")


def test_every_status_change_raises_its_event(fast_app, receiver):
    app = fast_app()
    site = webhook_site(app, receiver)
    civil = post(app, site, "c1", "Meer ruimte voor de wijkteams.")
    threat = post(app, site, "c2", f"Wethouder, {THREAT}.")
    assert threat["status"] == "pending" and threat["urgent"] is True
    decide(app, threat["id"], "rejected", reason="threat")
    decide(app, civil["id"], "rejected", reason="off_topic", explanation="Dit gaat niet over het artikel.")
    worker(app).drain()
    got = [(e["type"], e["comment"]["external_id"]) for e in receiver.events()]
    assert got == [
        ("comment.approved", "c1"),
        ("comment.escalated", "c2"),
        ("comment.rejected", "c2"),
        ("comment.rejected", "c1"),
    ]
    assert receiver.events()[3]["comment"]["decision"]["explanation"] == "Dit gaat niet over het artikel."
    assert len({e["id"] for e in receiver.events()}) == 4


def test_a_wrong_secret_or_a_changed_body_is_detected(fast_app, receiver):
    app = fast_app()
    site = webhook_site(app, receiver)
    post(app, site, "c1", "Prima plan.")
    worker(app).drain()
    [(headers, body)] = receiver.requests
    header = headers["x-moderation-signature"]
    assert webhooks.verify(header, body, site["webhook_secret"])
    assert not webhooks.verify(header, body, "whsec_wrong")
    assert not webhooks.verify(header, body.replace(b"approved", b"rejected"), site["webhook_secret"])
    assert not webhooks.verify(header, body, site["webhook_secret"], now=time.time() + 3600)  # a replay, later
    assert not webhooks.verify("v1=abc", body, site["webhook_secret"])


def test_receiver_down_then_back_every_event_arrives_once(fast_app, receiver):
    app = fast_app()
    site = webhook_site(app, receiver)
    for i in range(5):
        post(app, site, f"c{i}", f"Reactie nummer {i}.")
    receiver.stop()  # the site is down: connection refused
    start = utcnow()
    w = worker(app)
    assert w.drain(now=start) == {"claimed": 5, "delivered": 0, "failed": 5, "parked": 0}
    assert w.drain(now=start)["claimed"] == 0  # nothing is due again before the backoff
    second = start + timedelta(seconds=app.config["WEBHOOK_BACKOFF_SECONDS"])
    assert w.drain(now=second)["failed"] == 5  # still down
    receiver.start()  # back, on the same port
    assert w.drain(now=second + timedelta(seconds=app.config["WEBHOOK_BACKOFF_SECONDS"] * 2))["delivered"] == 5
    assert w.drain(now=second + timedelta(days=30))["claimed"] == 0
    ids = [e["id"] for e in receiver.events()]
    assert len(ids) == 5 and len(set(ids)) == 5
    assert sorted(e["comment"]["external_id"] for e in receiver.events()) == [f"c{i}" for i in range(5)]
    [attempts] = {
        len(outbox.get_event(app.extensions["moderation"].db, e["id"])["deliveries"])
        for e in outbox.list_events(app.extensions["moderation"].db)
    }
    assert attempts == 3


def test_server_errors_are_retried_and_redirects_not_followed(fast_app, receiver):
    app = fast_app()
    site = webhook_site(app, receiver)
    post(app, site, "c1", "Prima plan.")
    db = app.extensions["moderation"].db
    receiver.status = 503
    w = worker(app)
    w.drain()
    receiver.status = 301
    w.drain(now=utcnow() + timedelta(hours=1))
    [event] = outbox.list_events(db)
    assert event["state"] == "pending" and "redirected to https://example.org/elsewhere" in event["last_error"]
    assert [d["status_code"] for d in outbox.get_event(db, event["id"])["deliveries"]] == [503, 301]
    receiver.status = 200
    w.drain(now=utcnow() + timedelta(hours=2))
    assert outbox.list_events(db)[0]["state"] == "delivered"
    assert len({e["id"] for e in receiver.events()}) == 1 and len(receiver.requests) == 3


def test_parked_then_resent_from_the_command_line(fast_app, receiver, database_url, monkeypatch):
    app = fast_app(WEBHOOK_MAX_ATTEMPTS=3)
    site = webhook_site(app, receiver)
    post(app, site, "c1", f"Wat een {INSULT}.")
    receiver.status = 500
    w = worker(app)
    now = utcnow()
    for hours in range(4):  # bounded: three attempts park it, the fourth run finds nothing
        w.drain(now=now + timedelta(hours=hours))
    db = app.extensions["moderation"].db
    [parked] = outbox.list_events(db, state="parked")
    assert parked["attempts"] == 3 and parked["last_error"] == "HTTP 500"
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("MODERATION_PLUGINS", "policy")
    monkeypatch.setenv("MODERATION_WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    runner = CliRunner()
    listed = runner.invoke(main, ["events", "list", "--parked", "--json"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output.splitlines()[0])["id"] == parked["id"]
    assert "500" in runner.invoke(main, ["events", "show", str(parked["id"])]).output
    receiver.status = 200
    resent = runner.invoke(main, ["events", "resend", str(parked["id"])])
    assert resent.exit_code == 0 and "1 event(s) queued again" in resent.output
    assert runner.invoke(main, ["events", "resend", str(parked["id"])]).exit_code != 0  # pending now: not again
    delivered = runner.invoke(main, ["worker", "--once"])
    assert delivered.exit_code == 0 and "1 delivered" in delivered.output
    assert outbox.get_event(db, parked["id"])["state"] == "delivered"
    assert len(receiver.requests) == 4 and len({e["id"] for e in receiver.events()}) == 1
    assert runner.invoke(main, ["events", "list", "--parked"]).output.strip() == "no events"


def test_rotated_secret_signs_beside_the_old_one_for_the_grace_period(fast_app, receiver):
    from moderation.storage import sites as site_settings

    app = fast_app()
    site = webhook_site(app, receiver)
    db = app.extensions["moderation"].db
    new = site_settings.rotate_secret(db, "alpha", grace_hours=24)["webhook_secret"]
    post(app, site, "c1", "Prima plan.")
    worker(app).drain()
    headers, body = receiver.requests[-1]
    header = headers["x-moderation-signature"]
    assert header.count("v1=") == 2
    assert webhooks.verify(header, body, new) and webhooks.verify(header, body, site["webhook_secret"])
    newest = site_settings.rotate_secret(db, "alpha", grace_hours=0)["webhook_secret"]
    post(app, site, "c2", "Nog een plan.")
    worker(app).drain()
    headers, body = receiver.requests[-1]
    assert webhooks.verify(headers["x-moderation-signature"], body, newest)
    assert not webhooks.verify(headers["x-moderation-signature"], body, new)


def test_a_site_without_webhook_gets_no_events(fast_app):
    from moderation.storage import comments as records

    app = fast_app()
    site = records.create_site(app.extensions["moderation"].db, "pull-only")
    post(app, site, "c1", f"Wat een {INSULT}.")
    assert outbox.list_events(app.extensions["moderation"].db) == []


def test_done_when_a_new_site_hears_of_a_rejection_and_of_everything_after_an_outage(
    app, receiver, database_url, monkeypatch
):
    """The issue's acceptance test, with the real models, plugins and command line."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("MODERATION_WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    runner = CliRunner()
    added = runner.invoke(main, ["sites", "add", "gemeente-nu", "--webhook-url", receiver.url, "--json"])
    assert added.exit_code == 0, added.output
    site = json.loads(added.output)
    record = post(app, site, "c1", f"Die ambtenaren zijn echt {INSULT}, schrap die hele afdeling maar.")
    assert record["status"] == "rejected"
    assert "1 delivered" in runner.invoke(main, ["worker", "--once"]).output
    [(headers, body)] = receiver.requests
    assert webhooks.verify(headers["x-moderation-signature"], body, site["webhook_secret"])
    event = json.loads(body)
    assert event["type"] == "comment.rejected"
    assert event["comment"]["decision"]["explanation"].startswith("Uw reactie is niet geplaatst.")
    assert f"‘{INSULT}’" in event["comment"]["decision"]["explanation"]

    receiver.stop()
    threat = post(app, site, "c2", "Ik weet waar je woont, ik maak je dood.")
    assert threat["status"] == "pending" and threat["urgent"] is True
    post(app, site, "c3", f"Wat een {INSULT}.")
    assert "2 to retry" in runner.invoke(main, ["worker", "--once"]).output
    receiver.start()
    w = worker(app, WEBHOOK_ALLOW_HOSTS="127.0.0.1")
    assert w.drain(now=utcnow() + timedelta(minutes=5))["delivered"] == 2
    types = sorted((e["type"], e["comment"]["external_id"]) for e in receiver.events())
    assert types == [("comment.escalated", "c2"), ("comment.rejected", "c1"), ("comment.rejected", "c3")]
    assert len({e["id"] for e in receiver.events()}) == 3


def test_the_readme_verification_example_works(fast_app, receiver):
    from moderation.config import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## For site developers") :]
    code = section[section.index("```python\nimport hashlib") + len("```python") :]
    namespace = {}
    exec(code[: code.index("```")], namespace)  # noqa: S102 - our own README
    verify = namespace["verify_moderation_signature"]
    app = fast_app()
    site = webhook_site(app, receiver)
    post(app, site, "c1", "Prima plan.")
    worker(app).drain()
    [(headers, body)] = receiver.requests
    assert verify(headers["x-moderation-signature"], body, site["webhook_secret"])
    assert not verify(headers["x-moderation-signature"], body, "whsec_wrong")
    assert not verify(headers["x-moderation-signature"], body + b" ", site["webhook_secret"])
