"""The ``webhooks`` of the OpenAPI document: one entry per event type of the vocabulary,
each with its typed payload and the signature headers (``delivery/webhooks.py``).

The payload is built in one place (``storage/outbox.event_payload``): the event's ``id``,
``type`` and ``created_at``, and one section named below per type."""

import re

from moderation import vocabulary as vocab

# event type -> (the payload's section, its schema, what happened)
SECTIONS = {
    vocab.EVENT_APPROVED: ("comment", "Record", "A comment was approved: by the policy at once, or by a moderator."),
    vocab.EVENT_REJECTED: (
        "comment",
        "Record",
        "A comment was rejected; `comment.decision.explanation` is the reason for the writer.",
    ),
    vocab.EVENT_ESCALATED: (
        "comment",
        "Record",
        "An urgent comment (a threat) stays offline and goes to the front of the moderators' queue.",
    ),
    vocab.EVENT_NOTICE_DECIDED: ("notice", "Notice", "A reader's notice (Art. 16 DSA) was decided: tell the notifier."),
    vocab.EVENT_APPEAL_DECIDED: ("appeal", "Appeal", "An appeal (Art. 20 DSA) was decided: tell the appellant."),
    vocab.EVENT_TEST: (
        "test",
        "TestPing",
        "A test from 'moderation events test SITE' or the admin page: nothing was decided.",
    ),
}

TEST_PING = {
    "type": "object",
    "required": ["site", "message"],
    "properties": {"site": {"type": "string"}, "message": {"type": "string"}},
}

_HEADERS = (
    ("webhook-id", True, False, "Standard Webhooks: the event's id, the same on every retry"),
    ("webhook-timestamp", True, False, "Standard Webhooks: when it was sent, in unix seconds"),
    (
        "webhook-signature",
        True,
        False,
        'Standard Webhooks: `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">` keyed with '
        "the bytes of your secret `whsec_<base64>`, one per valid secret, separated by spaces",
    ),
    (
        "X-Moderation-Signature",
        True,
        True,
        'Deprecated (use webhook-signature): `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed with '
        "the secret's text",
    ),
    ("X-Moderation-Event-Id", True, False, "The event's id (as webhook-id)"),
    ("X-Moderation-Event-Type", True, False, "The event's type"),
    ("X-Moderation-Attempt", True, False, "1 on the first attempt, then 2, 3, ..."),
)


def schema_name(event_type: str) -> str:
    """``comment.approved`` -> ``CommentApprovedEvent``."""
    return "".join(part.capitalize() for part in re.split(r"[._-]", event_type)) + "Event"


def operation_id(event_type: str) -> str:
    return "on" + schema_name(event_type)


def schemas() -> dict:
    out = {"TestPing": TEST_PING}
    for event_type in vocab.EVENT_TYPES:
        section, ref, _ = SECTIONS[event_type]
        out[schema_name(event_type)] = {
            "type": "object",
            "required": ["id", "type", "created_at", section],
            "properties": {
                "id": {
                    "type": "string",
                    "description": "The event's id, the same on every retry (webhook-id): ignore one you have handled",
                },
                "type": {"const": event_type},
                "created_at": {"type": "string", "format": "date-time"},
                section: {"$ref": f"#/components/schemas/{ref}"},
            },
        }
    return out


def webhooks() -> dict:
    parameters = [
        {"name": name, "in": "header", "required": required, "deprecated": deprecated, "description": text}
        | {"schema": {"type": "string"}}
        for name, required, deprecated, text in _HEADERS
    ]
    return {
        event_type: {
            "post": {
                "operationId": operation_id(event_type),
                "summary": SECTIONS[event_type][2],
                "security": [],
                "parameters": parameters,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name(event_type)}"}}
                    },
                },
                "responses": {
                    "2XX": {"description": "Received. Anything else (or no answer within 10 s) is retried with backoff"}
                },
            }
        }
        for event_type in vocab.EVENT_TYPES
    }
