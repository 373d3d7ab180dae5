"""The OpenAPI 3.1 description of the site-facing API (what the tests fuzz)."""

from moderation.ml.corpus import CATEGORIES, STANCES
from moderation.web import openapi_dsa

STR = {"type": "string"}
NULLABLE_STR = {"type": ["string", "null"]}


# What validation.py accepts, said as patterns: no control characters (text may
# hold newlines and tabs) and not only white space. (Unpaired surrogates, which
# JSON allows and the API refuses, are beyond what a pattern can say.)
_CONTROL = r"\u0000-\u001f\u007f"
_CONTROL_BUT_LINES = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f"
# every character Python's str.strip() removes, spelled out (\s alone is ASCII in some engines)
_SPACE = r"\s\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
LINE = rf"^[^{_CONTROL}]*$"
REQUIRED_LINE = rf"^[^{_CONTROL}]*[^{_SPACE}{_CONTROL}][^{_CONTROL}]*$"
TEXT = rf"^[^{_CONTROL_BUT_LINES}]*[^{_SPACE}{_CONTROL}][^{_CONTROL_BUT_LINES}]*$"


def _line(max_length, required=False, integer=False):
    schema = {"type": "string", "maxLength": max_length, "pattern": REQUIRED_LINE if required else LINE}
    if required:
        schema["minLength"] = 1
    return {"anyOf": [schema, {"type": "integer"}]} if integer else schema


def _comment_in(max_text):
    return {
        "type": "object",
        "required": ["external_id", "text"],
        "properties": {
            "external_id": {
                **_line(200, required=True),
                "description": "Your id for the comment; posting it again returns the stored record.",
            },
            "text": {
                "type": "string",
                "minLength": 1,
                "maxLength": max_text,
                "pattern": TEXT,
                "description": "The comment exactly as written; no control characters except newline, "
                "carriage return and tab; not only white space.",
            },
            "article": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": _line(200, required=True, integer=True),
                    "title": _line(1000),
                    "url": {
                        "type": "string",
                        "maxLength": 2000,
                        "pattern": rf"^https?://[^{_SPACE}/{_CONTROL}]+[^{_CONTROL}]*$",
                    },
                },
            },
            "author": {"type": "object", "properties": {"id": _line(200, integer=True), "name": _line(500)}},
            "parent_external_id": {"anyOf": [_line(200), {"type": "null"}]},
            "created_at": {"type": "string", "format": "date-time"},
        },
    }


ANALYSIS = {
    "type": "object",
    "required": ["stance", "incivility", "tags", "models", "errors"],
    "properties": {
        "stance": {
            "type": ["object", "null"],
            "properties": {
                "label": {"enum": list(STANCES)},
                "scores": {"type": "object", "additionalProperties": {"type": "number"}},
                "evidence": {"type": "array", "items": {"type": "object"}},
            },
        },
        "incivility": {
            "type": ["object", "null"],
            "properties": {
                "uncivil": {"type": "boolean"},
                "score": {"type": "number"},
                "categories": {"type": "array", "items": {"enum": list(CATEGORIES)}},
                "spans": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "start": {"type": "integer"},
                            "end": {"type": "integer"},
                            "text": STR,
                            "category": {"enum": list(CATEGORIES)},
                        },
                    },
                },
            },
        },
        "tags": {"type": "array", "items": STR},
        "models": {"type": "object", "additionalProperties": STR},
        "errors": {
            "type": "array",
            "items": {"type": "object"},
            "description": "Plugins that failed; when not empty the comment waits for a human.",
        },
    },
}

RECORD = {
    "type": "object",
    "required": ["id", "status", "analysis"],
    "properties": {
        "id": {"type": "integer"},
        "external_id": STR,
        "status": {"enum": ["approved", "rejected", "pending"]},
        "urgent": {"type": "boolean"},
        "analysis": {"$ref": "#/components/schemas/Analysis"},
        "text": {"type": ["string", "null"], "description": "null once the comment was erased"},
        "decision": {
            "type": ["object", "null"],
            "properties": {
                "status": STR,
                "reason": NULLABLE_STR,
                "by": {"enum": ["policy", "moderator"]},
                "explanation": {
                    "type": ["string", "null"],
                    "description": "For a rejection: the reason for the writer, in plain Dutch",
                },
                "statement": {
                    "anyOf": [{"$ref": "#/components/schemas/Statement"}, {"type": "null"}],
                    "description": "For a restriction: the statement of reasons (Art. 17 DSA)",
                },
            },
        },
        "erased_at": {"type": ["string", "null"], "format": "date-time"},
    },
}

DECISION = {
    "type": "object",
    "required": ["id", "comment_id", "external_id", "status", "at"],
    "properties": {
        "id": {"type": "integer", "description": "The cursor: pass the last id you saw as ?since="},
        "comment_id": {"type": "integer"},
        "external_id": STR,
        "status": {"enum": ["approved", "rejected", "pending"]},
        "previous_status": {"type": ["string", "null"]},
        "reason": NULLABLE_STR,
        "explanation": {"type": ["string", "null"], "description": "For a rejection: the reason for the writer"},
        "by": {"enum": ["policy", "moderator"]},
        "at": {"type": "string", "format": "date-time"},
        "comment_erased": {"type": "boolean"},
        "notices": {
            "type": "array",
            "items": {"type": "object", "properties": {"id": {"type": "integer"}, "outcome": {"type": "string"}}},
            "description": "The notices (POST /api/v1/notices) this decision answered: upheld or dismissed",
        },
    },
}

ERASED = {
    "type": "object",
    "required": ["id", "erased", "erased_at"],
    "properties": {
        "id": {"type": "integer"},
        "external_id": STR,
        "status": STR,
        "erased": {"const": True},
        "erased_at": {"type": "string", "format": "date-time"},
    },
}

PROBLEM = {
    "description": "A problem (RFC 9457)",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def _errors(*codes):
    return {str(code): PROBLEM for code in codes}


def spec(config) -> dict:
    max_text = config["MAX_TEXT_LENGTH"]
    json_body = lambda schema: {"required": True, "content": {"application/json": {"schema": schema}}}  # noqa: E731
    ok = lambda schema, text: {"description": text, "content": {"application/json": {"schema": schema}}}  # noqa: E731
    record = {"$ref": "#/components/schemas/Record"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Comment moderation API",
            "version": "1",
            "description": "Stance, incivility and tags for Dutch reader comments, and a decision.",
        },
        "components": {
            "securitySchemes": {"siteKey": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Comment": _comment_in(max_text),
                "Analysis": ANALYSIS,
                "Record": RECORD,
                "Problem": {
                    "type": "object",
                    "required": ["title", "status", "detail"],
                    "properties": {
                        "type": STR,
                        "title": STR,
                        "status": {"type": "integer"},
                        "detail": STR,
                        "errors": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "Decision": DECISION,
                "Erased": ERASED,
                **openapi_dsa.schemas(_line, TEXT),
            },
        },
        "security": [{"siteKey": []}],
        "paths": {
            **openapi_dsa.paths(json_body, ok, _errors),
            "/api/v1/comments": {
                "post": {
                    "summary": "Analyse, decide and store one comment (idempotent on external_id)",
                    "requestBody": json_body({"$ref": "#/components/schemas/Comment"}),
                    "responses": {
                        "201": ok(record, "Stored now"),
                        "200": ok(record, "Stored before: the same record"),
                        **_errors(400, 401, 413, 415, 422),
                    },
                }
            },
            "/api/v1/comments/batch": {
                "post": {
                    "summary": f"Up to {config['MAX_BATCH']} comments at once; nothing is stored if any is invalid",
                    "requestBody": json_body(
                        {
                            "type": "object",
                            "required": ["comments"],
                            "properties": {
                                "comments": {
                                    "type": "array",
                                    "minItems": 1,
                                    "maxItems": config["MAX_BATCH"],
                                    "items": {"$ref": "#/components/schemas/Comment"},
                                }
                            },
                        }
                    ),
                    "responses": {
                        "201": ok(
                            {"type": "object", "properties": {"results": {"type": "array"}}}, "At least one stored now"
                        ),
                        "200": ok({"type": "object"}, "All stored before"),
                        **_errors(400, 401, 413, 415, 422),
                    },
                }
            },
            "/api/v1/comments/{id}": {
                "get": {
                    "summary": "One of this site's comments with its current status",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {"200": ok(record, "The comment"), **_errors(401, 404)},
                },
                "delete": {
                    "summary": "Erase the comment's text and personal data (AVG/GDPR); the anonymous decision stays",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {
                        "200": ok({"$ref": "#/components/schemas/Erased"}, "Erased (also when erased before)"),
                        **_errors(401, 404),
                    },
                },
            },
            "/api/v1/authors/{author_id}": {
                "delete": {
                    "summary": "Erase every comment this site received from one author (author.id)",
                    "parameters": [
                        {"name": "author_id", "in": "path", "required": True, "schema": _line(200, required=True)}
                    ],
                    "responses": {
                        "200": ok(
                            {
                                "type": "object",
                                "required": ["erased", "comments"],
                                "properties": {
                                    "erased": {"type": "integer"},
                                    "comments": {"type": "array", "items": {"$ref": "#/components/schemas/Erased"}},
                                },
                            },
                            "The comments erased now (none when there were none)",
                        ),
                        **_errors(401, 422),
                    },
                }
            },
            "/api/v1/decisions": {
                "get": {
                    "summary": "This site's decisions after a cursor, oldest first: for sites without webhooks",
                    "parameters": [
                        {
                            "name": "since",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
                            "description": "The last decision id you processed (0 or absent: from the start)",
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                        },
                    ],
                    "responses": {
                        "200": ok(
                            {
                                "type": "object",
                                "required": ["decisions", "next_cursor", "has_more"],
                                "properties": {
                                    "decisions": {"type": "array", "items": {"$ref": "#/components/schemas/Decision"}},
                                    "next_cursor": {"type": "integer"},
                                    "has_more": {"type": "boolean"},
                                },
                            },
                            "A page of decisions",
                        ),
                        **_errors(401, 422),
                    },
                }
            },
            "/api/v1/classify": {
                "post": {
                    "summary": "Analyse a text without storing it",
                    "requestBody": json_body(
                        {
                            "type": "object",
                            "required": ["text"],
                            "properties": {
                                "text": {"type": "string", "minLength": 1, "maxLength": max_text, "pattern": TEXT}
                            },
                        }
                    ),
                    "responses": {
                        "200": ok(
                            {
                                "type": "object",
                                "properties": {"analysis": {"$ref": "#/components/schemas/Analysis"}, "status": STR},
                            },
                            "The analysis",
                        ),
                        **_errors(400, 401, 415, 422),
                    },
                }
            },
            "/healthz": {
                "get": {
                    "security": [],
                    "summary": "Liveness, database and models",
                    "responses": {
                        "200": ok({"type": "object"}, "Healthy or degraded"),
                        "503": ok({"type": "object"}, "Database unreachable"),
                    },
                }
            },
            "/metrics": {
                "get": {
                    "security": [],
                    "summary": "Prometheus metrics",
                    "responses": {"200": {"description": "Text format", "content": {"text/plain": {"schema": STR}}}},
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "security": [],
                    "summary": "This document",
                    "responses": {"200": ok({"type": "object"}, "OpenAPI 3.1")},
                }
            },
        },
    }
