"""The JSON schemas of the site-facing API's bodies, for the OpenAPI document (``openapi.py``).

The patterns say exactly what ``validation.py`` refuses; the enums and the analysis object come
from ``moderation.vocabulary`` and ``moderation.analysis``, so they cannot drift."""

from moderation import vocabulary as vocab
from moderation.analysis import ANALYSIS_SCHEMA

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


def line(max_length, required=False, integer=False):
    schema = {"type": "string", "maxLength": max_length, "pattern": REQUIRED_LINE if required else LINE}
    if required:
        schema["minLength"] = 1
    return {"anyOf": [schema, {"type": "integer"}]} if integer else schema


def comment_in(max_text):
    return {
        "type": "object",
        "required": ["external_id", "text"],
        "properties": {
            "external_id": {
                **line(200, required=True),
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
                    "id": line(200, required=True, integer=True),
                    "title": line(1000),
                    "url": {
                        "type": "string",
                        "maxLength": 2000,
                        "pattern": rf"^https?://[^{_SPACE}/{_CONTROL}]+[^{_CONTROL}]*$",
                    },
                },
            },
            "author": {"type": "object", "properties": {"id": line(200, integer=True), "name": line(500)}},
            "parent_external_id": {"anyOf": [line(200), {"type": "null"}]},
            "created_at": {"type": "string", "format": "date-time"},
        },
    }


ANALYSIS = ANALYSIS_SCHEMA
# the comment's two ids, first in every record about it
_IDS = {"id": {"type": "integer"}, "external_id": STR}

RECORD = {
    "type": "object",
    "required": ["id", "status", "analysis"],
    "properties": {
        **_IDS,
        "status": {"enum": list(vocab.STATUSES)},
        "urgent": {"type": "boolean"},
        "analysis": {"$ref": "#/components/schemas/Analysis"},
        "text": {"type": ["string", "null"], "description": "null once the comment was erased"},
        "decision": {
            "type": ["object", "null"],
            "properties": {
                "status": STR,
                "reason": NULLABLE_STR,
                "by": {"enum": list(vocab.DECIDERS)},
                "rule": {
                    "type": ["string", "null"],
                    "description": "The site's rule that decided, e.g. 'tag:contains-pii' (a tag rule); "
                    "null: the thresholds or a moderator",
                },
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
        "status": {"enum": list(vocab.STATUSES)},
        "previous_status": {"type": ["string", "null"]},
        "reason": NULLABLE_STR,
        "explanation": {"type": ["string", "null"], "description": "For a rejection: the reason for the writer"},
        "by": {"enum": list(vocab.DECIDERS)},
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
        **_IDS,
        "status": STR,
        "erased": {"const": True},
        "erased_at": {"type": "string", "format": "date-time"},
    },
}

BATCH_RESULT = {
    "type": "object",
    "required": ["results"],
    "properties": {
        "results": {
            "type": "array",
            "description": "One record per comment sent, in the order sent",
            "items": {
                "allOf": [
                    {"$ref": "#/components/schemas/Record"},
                    {
                        "type": "object",
                        "required": ["created"],
                        "properties": {
                            "created": {
                                "type": "boolean",
                                "description": "true: stored now; false: stored before, or repeated earlier in "
                                "this batch (the same record)",
                            }
                        },
                    },
                ]
            },
        }
    },
}
