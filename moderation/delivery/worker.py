"""The webhook worker: claims due outbox events, sends them, logs every attempt.

Run as ``moderation worker`` (a loop) or ``moderation worker --once`` (what is
due now, then exit).  Any number of workers may run against one PostgreSQL
database; each claims its own events (see ``outbox.claim``), at most one per
site at a time, and sends them concurrently, each with a hard deadline.
"""

import logging
import os
import socket
import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime

from moderation import vocabulary as vocab
from moderation.delivery import targets, webhooks
from moderation.storage import outbox

STATS = ("claimed", vocab.DELIVERED, "failed", vocab.PARKED)
STAT_OF = {vocab.DELIVERED: vocab.DELIVERED, vocab.PARKED: vocab.PARKED, vocab.OUTBOX_PENDING: "failed"}

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Worker:
    """Delivers up to ``WORKER_BATCH`` events at once, each to a different site
    (``outbox.claim`` hands out one event per site at a time), each with a hard
    deadline of ``WEBHOOK_TIMEOUT`` seconds.  A slot that frees up is filled at
    once, so a site whose receiver hangs holds one slot, not the worker."""

    db: object
    config: dict
    name: str = field(default_factory=worker_name)

    def __post_init__(self):
        self.allow = targets.AllowList.parse(self.config.get("WEBHOOK_ALLOW_HOSTS", ""))

    @property
    def lease_seconds(self) -> float:
        # one event's deadline plus a margin: a crashed worker's events wait about that long
        return self.config["WEBHOOK_TIMEOUT"] + self.config.get("WEBHOOK_LEASE_MARGIN_SECONDS", 5)

    @property
    def slots(self) -> int:
        return max(1, int(self.config["WORKER_BATCH"]))

    def backoff(self, attempts: int) -> float:
        return webhooks.backoff(
            attempts, self.config["WEBHOOK_BACKOFF_SECONDS"], self.config["WEBHOOK_BACKOFF_MAX_SECONDS"]
        )

    def deliver(self, event: dict, deadline: float, now: datetime | None = None) -> str:
        """Send one claimed event and log the attempt: "delivered", "failed", "parked" or "lease-lost"."""
        status, error, ms = webhooks.send(
            event["url"],
            event["payload"],
            event["secrets"],
            self.config["WEBHOOK_TIMEOUT"],
            attempt=event["attempts"] + 1,
            now=now.timestamp() if now else None,
            allow=self.allow,
            deadline=deadline,
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
        if result["state"] == vocab.PARKED:
            log.warning(
                "event %s for site %s parked after %s attempts: %s",
                event["id"],
                event["site"],
                result["attempts"],
                error,
            )
        elif result["state"] == "lease-lost":
            log.warning("event %s: the lease ran out before its attempt was logged; it will be sent again", event["id"])
        return result["state"]

    def _claim(self, pool, inflight: dict, stats: dict, now) -> int:
        free = self.slots - len(inflight)
        if free <= 0:
            return 0
        events = outbox.claim(self.db, self.name, free, self.lease_seconds, now=now)
        deadline = time.monotonic() + self.config["WEBHOOK_TIMEOUT"]
        for event in events:
            inflight[pool.submit(self.deliver, event, deadline, now)] = event
        stats["claimed"] += len(events)
        return len(events)

    def _collect(self, inflight: dict, stats: dict, timeout: float | None):
        done, _ = wait(list(inflight), timeout=timeout, return_when=FIRST_COMPLETED)
        for future in done:
            event = inflight.pop(future)
            try:
                state = future.result()
            except Exception:  # noqa: BLE001 - e.g. the database went away while logging; the lease runs out
                log.exception("event %s: the attempt could not be logged; it will be sent again", event["id"])
                state = "failed"
            stats[STAT_OF.get(state, "failed")] += 1

    def run_once(self, now: datetime | None = None) -> dict:
        """Claim one batch of due events (one per site), send them at once, wait for all."""
        stats = dict.fromkeys(STATS, 0)
        with ThreadPoolExecutor(self.slots, thread_name_prefix="webhook") as pool:
            inflight = {}
            self._claim(pool, inflight, stats, now)
            while inflight:
                self._collect(inflight, stats, None)
        return stats

    def drain(self, now: datetime | None = None, stop: threading.Event | None = None) -> dict:
        """Deliver everything due now, then return (``--once``); ``stop`` ends it early."""
        stats = dict.fromkeys(STATS, 0)
        with ThreadPoolExecutor(self.slots, thread_name_prefix="webhook") as pool:
            inflight = {}
            while not (stop and stop.is_set()):
                self._claim(pool, inflight, stats, now)
                if not inflight:
                    break
                self._collect(inflight, stats, None)
            while inflight:
                self._collect(inflight, stats, None)
        return stats

    def run(self, stop: threading.Event, report=None, report_every: float = 10.0):
        """Loop until ``stop`` is set.  New events are claimed whenever a slot is
        free, at the latest every ``WORKER_POLL_SECONDS``.  A database outage is
        logged and waited out, not fatal: the events stay in the outbox.
        ``report(stats)`` when the worker goes idle, or every ``report_every`` s."""
        poll = self.config["WORKER_POLL_SECONDS"]
        stats, last_report = dict.fromkeys(STATS, 0), time.monotonic()
        with ThreadPoolExecutor(self.slots, thread_name_prefix="webhook") as pool:
            inflight = {}
            while not stop.is_set():
                try:
                    self._claim(pool, inflight, stats, None)
                except Exception:  # noqa: BLE001 - keep the worker alive; nothing is lost
                    log.exception("worker %s: claiming events failed; trying again", self.name)
                    if not inflight:
                        stop.wait(poll)
                        continue
                idle = not inflight  # nothing in flight right after a claim: nothing is due
                if inflight:
                    self._collect(inflight, stats, poll)
                if report and stats["claimed"] and (idle or time.monotonic() - last_report >= report_every):
                    report(stats)
                    stats, last_report = dict.fromkeys(STATS, 0), time.monotonic()
                if idle:
                    stop.wait(poll)
            while inflight:  # finish what is in flight (each has its deadline) and log it
                self._collect(inflight, stats, None)
