"""The webhook worker: claims due outbox events, sends them, logs every attempt.

Run as ``moderation worker`` (a loop) or ``moderation worker --once`` (what is
due now, then exit).  Any number of workers may run against one PostgreSQL
database; each claims its own events (see ``outbox.claim``).
"""

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from moderation import vocabulary as vocab
from moderation.delivery import webhooks
from moderation.storage import outbox

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Worker:
    db: object
    config: dict
    name: str = field(default_factory=worker_name)

    @property
    def lease_seconds(self) -> float:
        # long enough for a whole batch to time out, so a slow batch keeps its events
        return self.config["WORKER_BATCH"] * (self.config["WEBHOOK_TIMEOUT"] + 5)

    def backoff(self, attempts: int) -> float:
        return webhooks.backoff(
            attempts, self.config["WEBHOOK_BACKOFF_SECONDS"], self.config["WEBHOOK_BACKOFF_MAX_SECONDS"]
        )

    def run_once(self, now: datetime | None = None) -> dict:
        """Claim one batch of due events and try each once.  ``now`` is for tests."""
        events = outbox.claim(self.db, self.name, self.config["WORKER_BATCH"], self.lease_seconds, now=now)
        stats = {"claimed": len(events), vocab.DELIVERED: 0, "failed": 0, vocab.PARKED: 0}
        for event in events:
            status, error, ms = webhooks.send(
                event["url"],
                event["payload"],
                event["secrets"],
                self.config["WEBHOOK_TIMEOUT"],
                attempt=event["attempts"] + 1,
                now=now.timestamp() if now else None,
            )
            result = outbox.record_attempt(
                self.db,
                event["id"],
                self.name,
                status_code=status,
                error=error,
                duration_ms=ms,
                max_attempts=self.config["WEBHOOK_MAX_ATTEMPTS"],
                backoff=self.backoff,
                now=now,
            )
            key = result["state"] if result["state"] in (vocab.DELIVERED, vocab.PARKED) else "failed"
            if key == vocab.PARKED:
                log.warning(
                    "event %s for site %s parked after %s attempts: %s",
                    event["id"],
                    event["site"],
                    result["attempts"],
                    error,
                )
            stats[key] += 1
        return stats

    def drain(self, now: datetime | None = None, max_batches: int = 10_000) -> dict:
        """Deliver everything due now: batches until none is left (``--once``)."""
        total = {"claimed": 0, vocab.DELIVERED: 0, "failed": 0, vocab.PARKED: 0}
        for _ in range(max_batches):
            stats = self.run_once(now=now)
            for key, value in stats.items():
                total[key] += value
            if stats["claimed"] == 0:
                break
        return total

    def run(self, stop: threading.Event, report=None):
        """Loop until ``stop`` is set, waiting between empty polls.  A database
        outage is logged and waited out, not fatal: the events stay in the outbox."""
        while not stop.is_set():
            try:
                stats = self.run_once()
            except Exception:  # noqa: BLE001 - keep the worker alive; nothing is lost
                log.exception("worker %s: delivery round failed; trying again", self.name)
                stop.wait(self.config["WORKER_POLL_SECONDS"])
                continue
            if report and stats["claimed"]:
                report(stats)
            if stats["claimed"] == 0:
                stop.wait(self.config["WORKER_POLL_SECONDS"])
