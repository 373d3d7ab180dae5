"""The OpenAPI description of the DSA endpoints (notices, appeals) and the statement of
reasons; merged into ``openapi.spec``."""

from moderation import vocabulary as vocab
from moderation.dsa.mapping import (
    AUTOMATED_DECISIONS,
    CATEGORIES,
    CONTENT_TYPES,
    DECISION_GROUNDS,
    DECISION_VISIBILITIES,
    SOURCE_TYPES,
)

_CONTROL = r"\u0000-\u001f\u007f"
_NO_AT = rf"[^@\s{_CONTROL}]+"
NULLABLE_STR = {"type": ["string", "null"]}
DATE_TIME = {"type": "string", "format": "date-time"}


def _strings(line, text):
    """``line(max, required)`` and ``text`` (multi-line) schemas, from openapi.py."""
    notifier = {
        "type": "object",
        "properties": {
            "name": line(500),
            "email": {"type": "string", "maxLength": 320, "pattern": rf"^{_NO_AT}@{_NO_AT}\.{_NO_AT}$"},
        },
    }
    explanation = {"type": "string", "minLength": 1, "maxLength": 5000, "pattern": text}
    common = {
        "comment_external_id": {**line(200, True), "description": "The external_id of the comment reported"},
        "category": {"enum": list(CATEGORIES), "description": "A Transparency Database category"},
        "explanation": {
            **explanation,
            "description": "Why the notifier thinks the comment is illegal or against the rules",
        },
        "notifier": notifier,
        "bona_fide": {"const": True, "description": "The notifier's statement of good faith (Art. 16(2)(d))"},
    }
    required = ["comment_external_id", "ground", "category", "explanation", "bona_fide"]
    notice_in = {
        "description": "A reader's notice (Art. 16 DSA): the law it breaks (ground illegal) or the house rule "
        "(ground terms).",
        "anyOf": [
            {
                "type": "object",
                "required": [*required, "legal_ground"],
                "properties": {**common, "ground": {"const": vocab.GROUND_ILLEGAL}, "legal_ground": line(500, True)},
                "not": {"required": ["terms_ground"]},
            },
            {
                "type": "object",
                "required": [*required, "terms_ground"],
                "properties": {**common, "ground": {"const": vocab.GROUND_TERMS}, "terms_ground": line(500, True)},
                "not": {"required": ["legal_ground"]},
            },
        ],
    }
    appeal_common = {"comment_external_id": line(200, True), "text": explanation}
    appeal_in = {
        "description": "An internal complaint (Art. 20 DSA) by the writer, or by a notifier with their notice id.",
        "anyOf": [
            {
                "type": "object",
                "required": ["comment_external_id", "appellant", "text"],
                "properties": {**appeal_common, "appellant": {"const": vocab.APPELLANT_AUTHOR}},
                "not": {"required": ["notice_id"]},
            },
            {
                "type": "object",
                "required": ["comment_external_id", "appellant", "text", "notice_id"],
                "properties": {
                    **appeal_common,
                    "appellant": {"const": vocab.APPELLANT_NOTIFIER},
                    "notice_id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                },
            },
        ],
    }
    return notice_in, appeal_in


STATEMENT = {
    "type": "object",
    "description": "A statement of reasons in the EU DSA Transparency Database's schema (its field names and values)",
    "required": [
        "decision_ground",
        "category",
        "content_type",
        "content_date",
        "application_date",
        "decision_facts",
        "source_type",
        "automated_detection",
        "automated_decision",
        "puid",
    ],
    "properties": {
        "decision_visibility": {"type": "array", "items": {"enum": list(DECISION_VISIBILITIES)}},
        "decision_visibility_other": {"type": "string", "maxLength": 500},
        "decision_ground": {"enum": list(DECISION_GROUNDS)},
        "illegal_content_legal_ground": {"type": "string", "maxLength": 500},
        "illegal_content_explanation": {"type": "string", "maxLength": 2000},
        "incompatible_content_ground": {"type": "string", "maxLength": 500},
        "incompatible_content_explanation": {"type": "string", "maxLength": 2000},
        "category": {"enum": list(CATEGORIES)},
        "category_addition": {"type": "array", "items": {"enum": list(CATEGORIES)}},
        "category_specification": {"type": "array", "items": {"type": "string"}},
        "content_type": {"type": "array", "items": {"enum": list(CONTENT_TYPES)}},
        "content_language": {"type": "string"},
        "territorial_scope": {"type": "array", "items": {"type": "string"}},
        "content_date": {"type": "string", "format": "date"},
        "application_date": {"type": "string", "format": "date"},
        "end_date_visibility_restriction": {"type": "string", "format": "date"},
        "decision_facts": {"type": "string", "maxLength": 5000},
        "source_type": {"enum": list(SOURCE_TYPES)},
        "automated_detection": {"enum": ["Yes", "No"]},
        "automated_decision": {"enum": list(AUTOMATED_DECISIONS)},
        "puid": {"type": "string", "maxLength": 500, "pattern": "^[a-zA-Z0-9_-]+$"},
    },
}
REDRESS = {"type": "array", "items": {"type": "object", "properties": {"type": {"type": "string"}}}}
NOTICE = {
    "type": "object",
    "required": ["id", "comment_external_id", "received_at", "state"],
    "properties": {
        "id": {"type": "integer"},
        "comment_id": {"type": "integer"},
        "comment_external_id": {"type": "string"},
        "ground": {"enum": list(vocab.NOTICE_GROUNDS)},
        "legal_ground": NULLABLE_STR,
        "terms_ground": NULLABLE_STR,
        "category": {"type": "string"},
        "received_at": {**DATE_TIME, "description": "The confirmation of receipt"},
        "state": {"enum": list(vocab.NOTICE_STATES)},
        "decision": {
            "type": ["object", "null"],
            "properties": {
                "outcome": {"enum": list(vocab.NOTICE_OUTCOMES)},
                "automated_means": {"type": "object"},
                "statement_puid": NULLABLE_STR,
                "redress": REDRESS,
            },
        },
    },
}
APPEAL = {
    "type": "object",
    "required": ["id", "comment_external_id", "appellant", "received_at", "state"],
    "properties": {
        "id": {"type": "integer"},
        "comment_id": {"type": "integer"},
        "comment_external_id": {"type": "string"},
        "appellant": {"enum": list(vocab.APPELLANTS)},
        "notice_id": {"type": ["integer", "null"]},
        "received_at": DATE_TIME,
        "state": {"enum": list(vocab.APPEAL_STATES)},
        "decision": {"type": ["object", "null"]},
    },
}


def schemas(line, text) -> dict:
    notice_in, appeal_in = _strings(line, text)
    return {"NoticeIn": notice_in, "AppealIn": appeal_in, "Notice": NOTICE, "Appeal": APPEAL, "Statement": STATEMENT}


def paths(json_body, ok, errors) -> dict:
    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731
    by_id = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    return {
        "/api/v1/notices": {
            "post": {
                "operationId": "postNotice",
                "summary": "A reader's notice (Art. 16 DSA), forwarded by the site; 201 is the confirmation of receipt",
                "requestBody": json_body(ref("NoticeIn")),
                "responses": {"201": ok(ref("Notice"), "Received"), **errors(400, 401, 404, 415, 422)},
            }
        },
        "/api/v1/notices/{id}": {
            "get": {
                "operationId": "getNotice",
                "summary": "One of this site's notices and what was decided",
                "parameters": by_id,
                "responses": {"200": ok(ref("Notice"), "The notice"), **errors(401, 404)},
            }
        },
        "/api/v1/appeals": {
            "post": {
                "operationId": "postAppeal",
                "summary": "An appeal (Art. 20 DSA) against a decision, by the writer or a notifier",
                "requestBody": json_body(ref("AppealIn")),
                "responses": {
                    "201": ok(ref("Appeal"), "Received"),
                    "200": ok(ref("Appeal"), "The same appeal is already open"),
                    **errors(400, 401, 404, 409, 415, 422),
                },
            }
        },
        "/api/v1/appeals/{id}": {
            "get": {
                "operationId": "getAppeal",
                "summary": "One of this site's appeals and what was decided",
                "parameters": by_id,
                "responses": {"200": ok(ref("Appeal"), "The appeal"), **errors(401, 404)},
            }
        },
    }
