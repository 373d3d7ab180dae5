"""Webhook events of the DSA flows (``notice.decided``, ``appeal.decided``), written to the
outbox in the caller's transaction, like the comment events of ``comments.record_decision``."""

import uuid
from datetime import UTC, datetime

from moderation.storage.tables import OutboxEvent, Site

NOTICE_DECIDED = "notice.decided"
APPEAL_DECIDED = "appeal.decided"

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
    session.add(
        OutboxEvent(
            site_id=site_id,
            comment_id=comment_id,
            event_type=event_type,
            payload={"id": str(uuid.uuid4()), "type": event_type, "created_at": datetime.now(UTC).isoformat(), **body},
        )
    )
    session.flush()
