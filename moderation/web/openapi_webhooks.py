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
    vocab.EVENT_REVERTED: (
        "comment",
        "Record",
        "A moderator undid their decision within the undo window: `comment` is the comment as it is now "
        "(usually pending again), `reverted` what was undone; it always follows the event it corrects.",
    ),
    vocab.EVENT_AUTHOR_SUSPENDED: (
        "author",
        "AuthorRef",
        "A moderator suspended an author on this site until `suspension.until`: tell them, and refuse or hold "
        "their comments as `suspension.new_comments` says.",
    ),
    vocab.EVENT_AUTHOR_UNSUSPENDED: ("author", "AuthorRef", "A moderator lifted an author's suspension early."),
    vocab.EVENT_TEST: (
        "test",
        "TestPing",
        "A test from 'moderation events test SITE' or the admin page: nothing was decided.",
    ),
}

_MOMENT = {"type": ["string", "null"], "format": "date-time"}
AUTHOR_REF = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
SUSPENSION = {
    "type": "object",
    "required": ["until", "reason", "explanation"],
    "properties": {
        "until": _MOMENT,
        "reason": {"type": ["string", "null"], "description": "The moderator's reason"},
        "explanation": {"type": ["string", "null"], "description": "The Dutch statement of reasons for the author"},
        "new_comments": {"enum": list(vocab.SUSPENDED_COMMENTS), "description": "What happens to their comments"},
    },
}
REVERTED = {
    "type": "object",
    "required": ["event_id", "event_type", "status", "decided_at"],
    "properties": {
        "event_id": {"type": ["string", "null"], "description": "The id of the event this one corrects"},
        "event_type": {"type": "string"},
        "status": {"type": "string", "description": "The status the undone decision had set"},
        "escalated": {"type": ["boolean", "null"]},
        "decided_at": {"type": "string", "format": "date-time"},
    },
}
# the sections an event carries beside its main one (``storage/undo.py``, ``storage/authors.py``)
EXTRA_SECTIONS = {
    vocab.EVENT_REVERTED: {"reverted": REVERTED},
    vocab.EVENT_AUTHOR_SUSPENDED: {"suspension": SUSPENSION},
    vocab.EVENT_AUTHOR_UNSUSPENDED: {"suspension": SUSPENSION},
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
    out = {"TestPing": TEST_PING, "AuthorRef": AUTHOR_REF}
    for event_type in vocab.EVENT_TYPES:
        section, ref, _ = SECTIONS[event_type]
        extra = EXTRA_SECTIONS.get(event_type, {})
        out[schema_name(event_type)] = {
            "type": "object",
            "required": ["id", "type", "created_at", section, *extra],
            "properties": {
                "id": {
                    "type": "string",
                    "description": "The event's id, the same on every retry (webhook-id): ignore one you have handled",
                },
                "type": {"const": event_type},
                "created_at": {"type": "string", "format": "date-time"},
                section: {"$ref": f"#/components/schemas/{ref}"},
                **extra,
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
