"""Send a site a signed ``test`` event now, through the normal delivery path, and say how it went.

Used by ``moderation events test SITE`` and the admin page's "Testgebeurtenis versturen".
The event is an outbox row (``storage.probe_events``), sent by ``Worker.deliver`` (the same
signing, deadline and SSRF checks as every event) with one attempt: a test that fails is
parked at once, not retried for hours, and can be resent from the events page once fixed."""

import time

from moderation import vocabulary as vocab
from moderation.delivery.worker import Worker
from moderation.storage import outbox, probe_events


def send_test_event(db, config: dict, site_name: str) -> dict:
    """``{"event_id", "webhook_id", "url", "state", "delivered", "status_code", "error", "duration_ms"}``.
    LookupError for an unknown site; ``probe_events.NoWebhook`` (a ValueError) without a URL."""
    worker = Worker(db, {**config, "WEBHOOK_MAX_ATTEMPTS": 1})
    event = probe_events.queue_leased(db, site_name, worker.name, worker.lease_seconds)
    state = worker.deliver(event, time.monotonic() + config["WEBHOOK_TIMEOUT"])
    attempts = (outbox.get_event(db, event["id"]) or {}).get("deliveries") or [{}]
    last = attempts[-1]
    return {
        "event_id": event["id"],
        "webhook_id": event["payload"]["id"],
        "site": site_name,
        "url": event["url"],
        "state": state,
        "delivered": state == vocab.DELIVERED,
        "status_code": last.get("status_code"),
        "error": last.get("error"),
        "duration_ms": last.get("duration_ms"),
    }
