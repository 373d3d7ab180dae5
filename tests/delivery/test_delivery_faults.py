"""The resilience suite for webhook delivery: poison, hung and trickling receivers next
to a healthy one, and a worker killed mid-batch.  Real sockets on 127.0.0.1; each
test is bounded to seconds (short deadlines, receivers that give up on their own)."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

from helpers.api import auth, comment
from helpers.delivery import LOOPBACK
from helpers.receivers import RawReceiver, hang, hello, huge_header, trickle

from moderation.delivery import targets, webhooks
from moderation.delivery.worker import Worker
from moderation.storage import comments as records
from moderation.storage import outbox
from moderation.storage import sites as site_settings
from moderation.storage.tables import utcnow


def site_with_event(app, name, url, ext="c1"):
    """A site whose webhook URL is stored as given (as an old row might hold it), with one event."""
    site = records.create_site(app.extensions["moderation"].db, name, webhook_url=url)
    r = app.test_client().post("/api/v1/comments", json=comment(ext, "Prima plan."), headers=auth(site))
    assert r.status_code == 201, r.get_data(as_text=True)
    return site


def wait_for(condition, limit):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def last_error(db, site_name):
    [event] = [e for e in outbox.list_events(db) if e["site"] == site_name]
    return event


def test_a_poison_receiver_fails_its_own_event_and_no_other(fast_app, receiver):
    """Issue item 1: a malformed status line, a 70 KB header line and a stored URL with
    CR/LF are each a failed attempt of that event; the healthy site's event is delivered."""
    app = fast_app(WEBHOOK_TIMEOUT=3)
    db = app.extensions["moderation"].db
    poison, huge = RawReceiver(hello), RawReceiver(huge_header)
    try:
        site_with_event(app, "poison", poison.url)
        site_with_event(app, "huge", huge.url)
        site_with_event(app, "crlf", receiver.url + "\r\nX-Injected: 1")
        site_with_event(app, "healthy", receiver.url)
        stats = Worker(db, app.config).drain()
    finally:
        poison.stop()
        huge.stop()
    assert stats == {"claimed": 4, "delivered": 1, "failed": 3, "parked": 0}
    assert [e["comment"]["external_id"] for e in receiver.events()] == ["c1"]
    assert all("x-injected" not in headers for headers, _ in receiver.requests)
    assert "status line" in last_error(db, "poison")["last_error"]
    assert "64 KB" in last_error(db, "huge")["last_error"]
    assert "control characters" in last_error(db, "crlf")["last_error"]
    for name in ("poison", "huge", "crlf"):
        event = outbox.get_event(db, last_error(db, name)["id"])
        assert event["state"] == "pending" and event["attempts"] == 1 and event["locked_by"] is None
        assert len(event["deliveries"]) == 1  # the attempt is logged, retried after the backoff
        assert event["next_attempt_at"] > utcnow() + timedelta(seconds=10)


def test_webhook_urls_with_control_characters_or_spaces_are_refused_when_set(fast_app, receiver):
    app = fast_app()
    db = app.extensions["moderation"].db
    records.create_site(db, "alpha")
    for url in (receiver.url + "\r\nX-Injected: 1", "http://hooks.example/a b", "http://hooks.example/\tx"):
        try:
            site_settings.update(db, "alpha", webhook_url=url)
        except site_settings.SettingsError as exc:
            assert "control characters" in str(exc)
        else:
            raise AssertionError(f"{url!r} was accepted")
    assert site_settings.get(db, "alpha")["webhook_url"] is None


def test_a_hung_receiver_does_not_delay_another_site(fast_app, receiver):
    """Issue item 2: the hung site's event is claimed first; the healthy site's events
    arrive while the hung receiver still holds its connection."""
    app = fast_app(WEBHOOK_TIMEOUT=8, WORKER_POLL_SECONDS=0.2)
    db = app.extensions["moderation"].db
    hung = RawReceiver(hang)
    stop = threading.Event()
    try:
        site_with_event(app, "hung", hung.url)
        healthy = site_with_event(app, "healthy", receiver.url)
        thread = threading.Thread(target=Worker(db, app.config).run, args=(stop,), daemon=True)
        thread.start()
        assert wait_for(lambda: hung.open == 1, 5)
        assert wait_for(lambda: len(receiver.requests) == 1, 5)
        # a later event of the healthy site goes out too, while the hung one is still in flight
        r = app.test_client().post("/api/v1/comments", json=comment("c2", "Goed idee."), headers=auth(healthy))
        assert r.status_code == 201
        assert wait_for(lambda: len(receiver.requests) == 2, 5)
        assert hung.open == 1 and hung.connections == 1, "the healthy site waited for the hung one"
    finally:
        stop.set()
        hung.stop()
        thread.join(timeout=15)
    assert [e["comment"]["external_id"] for e in receiver.events()] == ["c1", "c2"]


def test_a_trickling_receiver_is_cut_off_at_the_deadline(fast_app, receiver):
    """Issue item 2: one byte every 0.3 s would take a minute; the deadline (1 s) holds."""
    slow = RawReceiver(trickle)
    try:
        started = time.monotonic()
        status, error, ms = webhooks.send(
            slow.url, {"id": "evt_1", "type": "comment.approved"}, ["whsec_x"], 1.0, allow=LOOPBACK
        )
        elapsed = time.monotonic() - started
        assert status is None and "deadline" in error
        assert wait_for(lambda: slow.closed_by_client, 5)
    finally:
        slow.stop()
    assert elapsed < 3, f"the delivery took {elapsed:.1f} s despite a 1 s deadline"


def test_a_trickling_receiver_next_to_a_healthy_one(fast_app, receiver):
    app = fast_app(WEBHOOK_TIMEOUT=1, WEBHOOK_MAX_ATTEMPTS=1)
    db = app.extensions["moderation"].db
    slow = RawReceiver(trickle)
    try:
        site_with_event(app, "slow", slow.url)
        site_with_event(app, "healthy", receiver.url)
        stats = Worker(db, app.config).drain()
    finally:
        slow.stop()
    assert stats == {"claimed": 2, "delivered": 1, "failed": 0, "parked": 1}
    assert "deadline" in last_error(db, "slow")["last_error"]


def test_a_lease_lasts_one_deadline_plus_a_margin_and_never_overlaps_a_delivery(fast_app, receiver):
    """Issue item 3: the lease is about one event's deadline, whatever the batch size;
    while a delivery can still be running, nobody else may claim its event."""
    app = fast_app(WEBHOOK_TIMEOUT=10, WEBHOOK_LEASE_MARGIN_SECONDS=5, WORKER_BATCH=20)
    db = app.extensions["moderation"].db
    site_with_event(app, "alpha", receiver.url)
    worker = Worker(db, app.config)
    assert worker.lease_seconds == 15
    now = utcnow()
    [event] = outbox.claim(db, "w1", 20, worker.lease_seconds, now=now)
    assert outbox.claim(db, "w2", 20, worker.lease_seconds, now=now + timedelta(seconds=10)) == []
    [again] = outbox.claim(db, "w2", 20, worker.lease_seconds, now=now + timedelta(seconds=15.5))
    assert again["id"] == event["id"]


def test_a_worker_killed_mid_batch_leaves_its_events_to_another_quickly(fast_app, receiver, database_url, tmp_path):
    """Issue item 3: kill -9 a worker while it has three sites' events in flight; another
    worker delivers them within about one lease (deadline 2 s + margin 1 s), not minutes."""
    app = fast_app(WEBHOOK_TIMEOUT=2, WEBHOOK_LEASE_MARGIN_SECONDS=1)
    db = app.extensions["moderation"].db
    held = threading.Event()
    seen = []

    def hold(headers, body):
        seen.append(headers["x-moderation-event-id"])
        held.wait(10)

    receiver.on_request = hold
    for name in ("a", "b", "c"):
        site_with_event(app, name, receiver.url)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MODERATION_MODELS_DIR": str(tmp_path / "no-models"),
        "MODERATION_PLUGINS": "policy",
        "MODERATION_WEBHOOK_ALLOW_HOSTS": LOOPBACK,
        "MODERATION_WEBHOOK_TIMEOUT": "2",
        "MODERATION_WEBHOOK_LEASE_MARGIN_SECONDS": "1",
    }
    code = "from moderation.cli.main import main; main(['worker'])"
    process = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: len(seen) == 3, 30), "the worker never had the three events in flight"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        killed_at = time.monotonic()
        held.set()
        receiver.on_request = None
        stats = Worker(db, app.config).drain()
        while stats["delivered"] < 3 and time.monotonic() - killed_at < 10:
            time.sleep(0.2)
            stats = {k: v + stats[k] for k, v in Worker(db, app.config).drain().items()}
        taken = time.monotonic() - killed_at
    finally:
        if process.poll() is None:
            process.kill()
    assert stats["delivered"] == 3, stats
    assert outbox.count_by_state(db) == {"pending": 0, "delivered": 3, "parked": 0}
    assert {h["x-moderation-event-id"] for h, _ in receiver.requests} == set(seen)
    assert taken < 8, f"the killed worker's events waited {taken:.1f} s"


def test_the_sender_connects_to_the_checked_address_not_a_second_lookup(receiver):
    """Issue item 4 (rebinding): the connection goes to the address that was checked;
    the host name is only the Host header, never looked up again."""
    target = targets.Target("http", "rebound.invalid", receiver.port, "/hooks/moderation", [targets._address(LOOPBACK)])
    from moderation.delivery import http_post

    answer = http_post.post(target, {"X-Test": "1"}, b"{}", time.monotonic() + 3)
    assert answer.status == 200
    [(headers, _)] = receiver.requests
    assert headers["host"] == f"rebound.invalid:{receiver.port}"
