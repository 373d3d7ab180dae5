"""The OpenAPI 3.1 description of the site-facing API (what the tests fuzz), with an
``operationId`` on every operation and the ``webhooks`` a site receives (``openapi_webhooks``)."""

from moderation.web import openapi_dsa, openapi_site, openapi_webhooks
from moderation.web.routing import MAX_ID
from moderation.web.schemas import ANALYSIS, BATCH_RESULT, DECISION, ERASED, RECORD, STR, TEXT, comment_in, line

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
    document: dict = {
        "openapi": "3.1.0",
        "info": {
            "title": "Comment moderation API",
            "version": "1",
            "description": "Stance, incivility and tags for Dutch reader comments, and a decision.",
        },
        "components": {
            "securitySchemes": {"siteKey": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Comment": comment_in(max_text),
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
                "BatchResult": BATCH_RESULT,
                **openapi_dsa.schemas(line, TEXT),
                **openapi_webhooks.schemas(),
                **openapi_site.SCHEMAS,
            },
        },
        "webhooks": openapi_webhooks.webhooks(),
        "security": [{"siteKey": []}],
        "paths": {
            **openapi_dsa.paths(json_body, ok, _errors),
            **openapi_site.paths(ok, _errors),
            "/api/v1/comments": {
                "post": {
                    "operationId": "postComment",
                    "summary": "Analyse, decide and store one comment (idempotent on external_id)",
                    "requestBody": json_body({"$ref": "#/components/schemas/Comment"}),
                    "responses": {
                        "201": ok(record, "Stored now"),
                        "200": ok(record, "Stored before: the same record"),
                        "409": {
                            **PROBLEM,
                            "description": "Comments are closed now (the site's schedule): comments-closed",
                        },
                        **_errors(400, 401, 403, 413, 415, 422),
                    },
                }
            },
            "/api/v1/comments/batch": {
                "post": {
                    "operationId": "postComments",
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
                        "201": ok({"$ref": "#/components/schemas/BatchResult"}, "At least one stored now"),
                        "200": ok({"$ref": "#/components/schemas/BatchResult"}, "All stored before"),
                        "409": {
                            **PROBLEM,
                            "description": "Comments are closed now (the site's schedule): comments-closed",
                        },
                        **_errors(400, 401, 403, 413, 415, 422),
                    },
                }
            },
            "/api/v1/comments/{id}": {
                "get": {
                    "operationId": "getComment",
                    "summary": "One of this site's comments with its current status",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {"200": ok(record, "The comment"), **_errors(401, 404)},
                },
                "delete": {
                    "operationId": "eraseComment",
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
                    "operationId": "eraseAuthor",
                    "summary": "Erase every comment this site received from one author (author.id)",
                    "parameters": [
                        {"name": "author_id", "in": "path", "required": True, "schema": line(200, required=True)}
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
                    "operationId": "listDecisions",
                    "summary": "This site's decisions after a cursor, oldest first: for sites without webhooks",
                    "parameters": [
                        {
                            "name": "since",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                            "description": "The last decision id you processed (0 or absent: from the start)",
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                        },
                        {
                            "name": "include_initial_pending",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "boolean", "default": True},
                            "description": "false: leave out the first decision of a comment that waits for a "
                            "moderator (status pending, previous_status null); you hear when a moderator decides",
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
                    "operationId": "classify",
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
                    "operationId": "health",
                    "security": [],
                    "summary": "Readiness (the same as /healthz/ready)",
                    "responses": {
                        "200": ok({"type": "object"}, "Database and models usable"),
                        "503": ok({"type": "object"}, "Database unreachable or a model not loaded"),
                    },
                }
            },
            "/healthz/ready": {
                "get": {
                    "operationId": "readiness",
                    "security": [],
                    "summary": "Readiness: the database answers and both models are loaded",
                    "responses": {
                        "200": ok({"type": "object"}, "Ready for traffic"),
                        "503": ok({"type": "object"}, "Database unreachable or a model not loaded"),
                    },
                }
            },
            "/healthz/live": {
                "get": {
                    "operationId": "liveness",
                    "security": [],
                    "summary": "Liveness: the process answers",
                    "responses": {"200": ok({"type": "object"}, "Alive")},
                }
            },
            "/metrics": {
                "get": {
                    "operationId": "metrics",
                    "security": [],
                    "summary": "Prometheus metrics, summed over all server workers",
                    "description": "Needs `Authorization: Bearer <token>` when MODERATION_METRICS_TOKEN is set.",
                    "responses": {
                        "200": {"description": "Text format", "content": {"text/plain": {"schema": STR}}},
                        **_errors(401),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "security": [],
                    "summary": "This document",
                    "responses": {"200": ok({"type": "object"}, "OpenAPI 3.1")},
                }
            },
        },
    }
    for operations in document["paths"].values():
        for operation in operations.values():
            if operation.get("security") != []:  # every site-key operation: the rate limit and database faults
                operation["responses"].setdefault("429", {**PROBLEM, "description": "Past the site's rate limit"})
                operation["responses"].setdefault("503", {**PROBLEM, "description": "Database unavailable"})
    return document
