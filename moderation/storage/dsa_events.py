"""Webhook events of the DSA flows (``notice.decided``, ``appeal.decided``), written to the
outbox in the caller's transaction, like the comment events of ``comments.record_decision``."""

from moderation import vocabulary as vocab
from moderation.storage import outbox
from moderation.storage.tables import Site

NOTICE_DECIDED = vocab.EVENT_NOTICE_DECIDED
APPEAL_DECIDED = vocab.EVENT_APPEAL_DECIDED

# what the site can tell a notifier or writer about redress (Art. 16(5), 17(3)(f), 20, 21 DSA)
REDRESS = {
    "internal_complaint": "Bezwaar bij de site binnen de termijn (art. 20 DSA), als de site dat aanbiedt",
    "out_of_court": "Een erkende geschillenbeslechtingsinstantie (art. 21 DSA)",
    "court": "De rechter",
}


def redress_options(appeals_offered: bool) -> list[dict]:
    keys = (["internal_complaint"] if appeals_offered else []) + ["out_of_court", "court"]
    return [{"type": k, "description": REDRESS[k]} for k in keys]


def queue_event(session, site_id: int, comment_id: int | None, event_type: str, body: dict) -> None:
    """An event for the site's webhook (nothing when the site has no webhook URL)."""
    site = session.get(Site, site_id)
    if not site.webhook_url:
        return
    outbox.queue_event(session, site_id, comment_id, event_type, sections=body)
    session.flush()
