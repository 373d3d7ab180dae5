"""The OpenAPI parts of ``web/site_api.py``: a site's status (its weekly schedule) and its figures."""

from moderation import vocabulary as vocab

_NUMBER_OR_NULL = {"type": ["number", "null"]}
_WINDOW = {
    "type": "object",
    "required": ["since", "time_to_decision", "by_moderator", "automatic_share"],
    "properties": {
        "since": {
            "type": "string",
            "format": "date-time",
            "description": "Local midnight (today) or Monday 00:00 (week), Europe/Amsterdam",
        },
        "time_to_decision": {
            "type": "object",
            "required": ["median_seconds", "p90_seconds", "decisions"],
            "properties": {
                "median_seconds": _NUMBER_OR_NULL,
                "p90_seconds": _NUMBER_OR_NULL,
                "decisions": {"type": "integer", "minimum": 0},
            },
            "description": "Seconds from a comment's arrival to a moderator's decision out of the queue "
            "(nearest-rank median and 90th percentile); null when there were none",
        },
        "by_moderator": {"type": "object", "additionalProperties": {"type": "integer"}},
        "automatic_share": {
            "type": ["number", "null"],
            "minimum": 0,
            "maximum": 1,
            "description": "Decisions the policy made at intake, of those plus moderators' decisions",
        },
    },
}

SCHEMAS = {
    "SiteStatus": {
        "type": "object",
        "required": ["comments_open", "mode", "until"],
        "properties": {
            "site": {"type": "string"},
            "comments_open": {"type": "boolean", "description": "false: a POST of a comment gets 409 comments-closed"},
            "mode": {"enum": list(vocab.MODES), "description": "The moderation mode a comment sent now is decided in"},
            "until": {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "The next change of comments_open (UTC); null: no schedule",
            },
            "within_hours": {"type": "boolean"},
            "schedule": {"type": ["string", "null"], "description": "e.g. 'mon-fri 07:00-23:00'"},
            "outside": {"enum": [*vocab.SCHEDULE_OUTSIDE, None]},
            "timezone": {"type": ["string", "null"]},
        },
    },
    "SiteStats": {
        "type": "object",
        "required": ["site", "queues", "oldest_waiting_seconds", "target_minutes", "today", "week"],
        "properties": {
            "site": {"type": "string"},
            "site_id": {"type": "integer"},
            "at": {"type": "string", "format": "date-time"},
            "target_minutes": {"type": "integer", "minimum": 1},
            "queues": {
                "type": "object",
                "required": ["pending", "urgent", "gemeld", "bezwaren"],
                "properties": {
                    k: {"type": "integer", "minimum": 0} for k in ("pending", "urgent", "gemeld", "bezwaren")
                },
            },
            "oldest_waiting_seconds": {"type": ["integer", "null"], "minimum": 0},
            "today": _WINDOW,
            "week": _WINDOW,
        },
    },
}


def paths(ok, errors) -> dict:
    return {
        "/api/v1/sites/me/status": {
            "get": {
                "operationId": "getSiteStatus",
                "summary": "Are comments open now, in which mode, and until when (the site's weekly schedule)",
                "responses": {
                    "200": ok({"$ref": "#/components/schemas/SiteStatus"}, "The site's status"),
                    **errors(401),
                },
            }
        },
        "/api/v1/sites/me/stats": {
            "get": {
                "operationId": "getSiteStats",
                "summary": "The site's queues, waiting times and decisions today and this week",
                "responses": {
                    "200": ok({"$ref": "#/components/schemas/SiteStats"}, "The site's figures"),
                    **errors(401),
                },
            }
        },
    }
