"""Claiming outbox events: leases on both databases, SKIP LOCKED and two workers on PostgreSQL."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy
from helpers.api import auth, comment
from helpers.delivery import Receiver, decide, webhook_site

from moderation.delivery import webhooks
from moderation.delivery.worker import Worker
from moderation.storage import outbox
from moderation.storage.tables import OutboxEvent, utcnow


def make_events(app, site, n):
    client = app.test_client()
    for i in range(n):
        assert (
            client.post("/api/v1/comments", json=comment(f"c{i}", f"Reactie {i}."), headers=auth(site)).status_code
            == 201
        )
    return app.extensions["moderation"].db


def sites_with_events(app, receiver, n_sites, per_site=1):
    """``n_sites`` sites on ``receiver`` with ``per_site`` events each; the sites in order."""
    sites = [webhook_site(app, receiver, name=f"site{i}") for i in range(n_sites)]
    for i, site in enumerate(sites):
        for j in range(per_site):
            body = comment(f"s{i}c{j}", f"Reactie {j}.")
            assert app.test_client().post("/api/v1/comments", json=body, headers=auth(site)).status_code == 201
    return sites


def test_a_claimed_event_is_not_claimed_again_until_its_lease_ends(fast_app, receiver):
    app = fast_app()
    sites_with_events(app, receiver, 6)
    db = app.extensions["moderation"].db
    now = utcnow()
    first = outbox.claim(db, "w1", 4, lease_seconds=60, now=now)
    second = outbox.claim(db, "w2", 4, lease_seconds=60, now=now)
    assert len(first) == 4 and len(second) == 2
    assert not {e["id"] for e in first} & {e["id"] for e in second}
    assert outbox.claim(db, "w3", 10, lease_seconds=60, now=now + timedelta(seconds=59)) == []
    # w1 crashed: after its lease another worker takes its events
    taken = outbox.claim(db, "w3", 10, lease_seconds=60, now=now + timedelta(seconds=61))
    assert sorted(e["id"] for e in taken) == sorted(e["id"] for e in first + second)
    # w1's late result is logged but does not move the event
    result = outbox.record_attempt(
        db, first[0]["id"], "w1", status_code=200, error=None, duration_ms=1.0, max_attempts=5, backoff=lambda n: 30
    )
    assert result["state"] == "lease-lost"
    event = outbox.get_event(db, first[0]["id"])
    assert event["state"] == "pending" and event["locked_by"] == "w3" and len(event["deliveries"]) == 1


def test_claim_returns_the_url_and_secrets_and_only_due_events(fast_app, receiver):
    app = fast_app()
    site = webhook_site(app, receiver)
    db = make_events(app, site, 2)
    with db.session() as s:
        s.execute(
            sqlalchemy.update(OutboxEvent)
            .where(OutboxEvent.comment_id == 2)
            .values(next_attempt_at=utcnow() + timedelta(minutes=5))
        )
    [event] = outbox.claim(db, "w1", 10, 60)
    assert event["url"] == receiver.url and event["secrets"] == [site["webhook_secret"]]
    assert event["payload"]["type"] == "comment.approved" and event["payload"]["id"]


def test_backoff_doubles_up_to_the_cap_then_parks(fast_app, receiver):
    app = fast_app(WEBHOOK_MAX_ATTEMPTS=5, WEBHOOK_BACKOFF_SECONDS=30, WEBHOOK_BACKOFF_MAX_SECONDS=100)
    db = make_events(app, webhook_site(app, receiver), 1)
    receiver.stop()
    w = Worker(db, app.config)
    now, waits = utcnow(), []
    for _ in range(6):  # bounded: five attempts, then parked
        w.run_once(now=now)
        event = outbox.list_events(db)[0]
        if event["state"] == "parked":
            break
        waits.append((event["next_attempt_at"] - now).total_seconds())
        now = event["next_attempt_at"]
    assert waits == [30, 60, 100, 100]
    assert event["state"] == "parked" and event["attempts"] == 5
    assert webhooks.backoff(1, 30, 21600) == 30 and webhooks.backoff(20, 30, 21600) == 21600


def test_resend_all_parked_for_one_site(fast_app, receiver):
    app = fast_app(WEBHOOK_MAX_ATTEMPTS=1)
    db = make_events(app, webhook_site(app, receiver), 3)
    receiver.status = 500
    Worker(db, app.config).drain()
    assert outbox.count_by_state(db) == {"pending": 0, "delivered": 0, "parked": 3}
    queued = outbox.resend(db, all_parked=True, site_id=1)
    assert len(queued) == 3 and outbox.count_by_state(db)["pending"] == 3
    receiver.status = 200
    assert Worker(db, app.config).drain()["delivered"] == 3


@pytest.mark.postgres
def test_skip_locked_passes_over_rows_another_transaction_holds(pg_app):
    app = pg_app()
    r = Receiver()
    r.port = 9  # never contacted
    sites_with_events(app, r, 4)
    db = app.extensions["moderation"].db
    with db.Session() as holder:
        with holder.begin():
            held = list(
                holder.scalars(sqlalchemy.select(OutboxEvent.id).order_by(OutboxEvent.id).limit(2).with_for_update())
            )
            claimed = outbox.claim(db, "w2", 10, 60)  # does not wait for the holder
            assert sorted(e["id"] for e in claimed) == [3, 4] and held == [1, 2]


@pytest.mark.postgres
def test_two_workers_at_once_deliver_every_event_exactly_once(pg_app, receiver):
    # one delivery in flight per worker: two requests in flight at once come from both workers
    app = pg_app(WORKER_BATCH=1)
    sites_with_events(app, receiver, 8, per_site=5)
    db = app.extensions["moderation"].db
    both_in_flight = threading.Barrier(2, timeout=5)
    overlapped, arrived, lock = [], [], threading.Lock()

    def first_requests_meet(headers, body):
        with lock:
            arrived.append(True)
            first_two = len(arrived) <= 2
        if first_two:  # the first request of each worker waits for the other's
            try:
                both_in_flight.wait()
                overlapped.append(True)
            except threading.BrokenBarrierError:
                overlapped.append(False)

    receiver.on_request = first_requests_meet
    workers = [Worker(app.extensions["moderation"].db, app.config, name=f"w{i}") for i in range(2)]
    results = [None, None]

    def run(i):
        results[i] = workers[i].drain()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert overlapped[:2] == [True, True], "the two workers never had requests in flight together"
    ids = [e["id"] for e in receiver.events()]
    assert len(ids) == 40, (results, outbox.list_events(db, state="pending")) and len(set(ids)) == 40
    assert results[0]["delivered"] + results[1]["delivered"] == 40
    assert results[0]["delivered"] > 0 and results[1]["delivered"] > 0
    assert outbox.count_by_state(db) == {"pending": 0, "delivered": 40, "parked": 0}


def test_metrics_count_webhook_events_by_state(fast_app, receiver):
    app = fast_app(WEBHOOK_MAX_ATTEMPTS=1)
    db = make_events(app, webhook_site(app, receiver), 2)
    receiver.status = 500
    Worker(db, app.config).drain()
    text = app.test_client().get("/metrics").get_data(as_text=True)
    assert 'moderation_webhook_events{state="parked"} 2.0' in text
    assert 'moderation_webhook_events{state="pending"} 0.0' in text


def test_the_worker_loop_delivers_and_stops_when_told(fast_app, receiver):
    app = fast_app()
    db = make_events(app, webhook_site(app, receiver), 3)
    stop, rounds = threading.Event(), []

    def report(stats):
        rounds.append(stats)
        stop.set()

    Worker(db, app.config).run(stop, report=report)
    assert rounds == [{"claimed": 3, "delivered": 3, "failed": 0, "parked": 0}]
    assert len(receiver.requests) == 3


def test_one_event_per_site_in_flight_and_one_comments_events_in_order(fast_app, receiver):
    """A site's events go one at a time (a dead receiver holds up only its own site), and
    a comment's later event waits while an earlier one is still being retried."""
    app = fast_app()
    site, other = webhook_site(app, receiver), webhook_site(app, receiver, name="other")
    client = app.test_client()
    first = client.post("/api/v1/comments", json=comment("c1", "Prima."), headers=auth(site)).get_json()
    decide(app, first["id"], "rejected", reason="off_topic")
    client.post("/api/v1/comments", json=comment("c2", "Goed."), headers=auth(site))
    client.post("/api/v1/comments", json=comment("c1", "Ook goed."), headers=auth(other))
    db, now = app.extensions["moderation"].db, utcnow()
    claimed = outbox.claim(db, "w1", 10, 15, now=now)
    assert [(e["site"], e["payload"]["comment"]["external_id"], e["type"]) for e in claimed] == [
        ("alpha", "c1", "comment.approved"),
        ("other", "c1", "comment.approved"),
    ]
    assert outbox.claim(db, "w2", 10, 15, now=now) == []  # both sites have an event in flight
    approved = claimed[0]
    outbox.record_attempt(
        db, approved["id"], "w1", status_code=500, error="HTTP 500", duration_ms=1, max_attempts=5, backoff=lambda n: 60
    )
    # c1's rejection waits for c1's approval (retried in 60 s); c2's event may go
    [next_one] = outbox.claim(db, "w2", 10, 15, now=now + timedelta(seconds=1))
    assert next_one["payload"]["comment"]["external_id"] == "c2"
    outbox.record_attempt(
        db, next_one["id"], "w2", status_code=200, error=None, duration_ms=1, max_attempts=5, backoff=lambda n: 60
    )
    assert outbox.claim(db, "w2", 10, 15, now=now + timedelta(seconds=2)) == []
    # after the backoff c1's approval goes again (and other's, whose worker w1 never reported back)
    again = outbox.claim(db, "w2", 10, 15, now=now + timedelta(seconds=61))
    assert sorted(e["id"] for e in again) == sorted(e["id"] for e in claimed)
