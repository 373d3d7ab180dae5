"""A test event for a site's webhook (``moderation events test SITE``, the admin page's button).

It is an ordinary outbox row of type ``test`` (``outbox.event_payload``), written already
leased to the caller, who sends it at once through the worker's path: signed, logged in
the delivery log, visible with the other events. No worker takes it meanwhile; if the
caller dies, the lease runs out and a worker sends it."""

from datetime import timedelta

from sqlalchemy import select

from moderation import vocabulary as vocab
from moderation.storage import outbox
from moderation.storage.tables import OutboxEvent, Site, utcnow

MESSAGE = "A test of your webhook: nothing was decided. Verify the signature and answer 2xx."


class NoWebhook(ValueError):
    """The site has no webhook URL to test."""


def queue_leased(db, site_name: str, worker: str, lease_seconds: float, now=None) -> dict:
    """Write a ``test`` event for the site, leased to ``worker``; returns it as ``outbox.claim`` does.
    LookupError for an unknown site, NoWebhook when it has no webhook URL."""
    now = now or utcnow()
    with db.session() as s:
        site = s.scalar(select(Site).where(Site.name == site_name))
        if site is None:
            raise LookupError(f"no site named {site_name!r}; see 'moderation sites list'")
        if not site.webhook_url:
            raise NoWebhook(
                f"site {site_name!r} has no webhook URL; set one with 'moderation sites set {site_name} --webhook-url URL'"
            )
        sections = {"test": {"site": site.name, "message": MESSAGE}}
        event = OutboxEvent(
            site_id=site.id,
            comment_id=None,
            event_type=vocab.EVENT_TEST,
            payload=outbox.event_payload(vocab.EVENT_TEST, sections=sections),
            next_attempt_at=now,
            locked_by=worker,
            locked_until=now + timedelta(seconds=lease_seconds),
        )
        s.add(event)
        s.flush()
        return outbox.claimed_view(event, site, now)
