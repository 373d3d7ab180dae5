"""The OpenAPI document: valid OpenAPI 3.1 (openapi-spec-validator), a unique operationId on
every operation, a typed webhook for every event type of the vocabulary, and the payloads a
real receiver gets match those types."""

import copy

import pytest
from helpers.api import auth, comment
from helpers.delivery import INSULT, THREAT, webhook_site
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from moderation import vocabulary as vocab
from moderation.delivery.worker import Worker

METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture
def document(fast_app):
    app = fast_app()
    r = app.test_client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    return app, r.get_json()


def operations(document):
    for section in ("paths", "webhooks"):
        for path, item in document.get(section, {}).items():
            for method, operation in item.items():
                if method in METHODS:
                    yield section, path, method, operation


def test_the_document_is_valid_openapi_3_1(document):
    _, doc = document
    assert doc["openapi"].startswith("3.1")
    validate(doc)
    broken = copy.deepcopy(doc)
    del broken["webhooks"][vocab.EVENT_APPROVED]["post"]["requestBody"]["content"]  # required
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_every_operation_has_a_unique_operation_id(document):
    _, doc = document
    ops = list(operations(doc))
    assert len([op for op in ops if op[0] == "paths"]) >= 16
    missing = [f"{method.upper()} {path}" for _, path, method, op in ops if not op.get("operationId")]
    assert missing == []
    ids = [op["operationId"] for *_, op in ops]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_every_event_type_has_a_typed_webhook(document):
    _, doc = document
    assert set(doc["webhooks"]) == set(vocab.EVENT_TYPES)
    for event_type, item in doc["webhooks"].items():
        body = item["post"]["requestBody"]["content"]["application/json"]["schema"]
        schema = doc["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
        assert schema["properties"]["type"] == {"const": event_type}
        sections = set(schema["required"]) - {"id", "type", "created_at"}
        assert sections, event_type
        for section in sections:  # each a named schema, or one written out in place
            typed = schema["properties"][section]
            assert typed.get("type") == "object" or typed["$ref"].rsplit("/", 1)[1] in doc["components"]["schemas"]
        headers = {p["name"]: p for p in item["post"]["parameters"] if p["in"] == "header"}
        assert {"webhook-id", "webhook-timestamp", "webhook-signature"} <= set(headers)
        assert headers["X-Moderation-Signature"]["deprecated"] is True


def test_the_batch_response_is_documented(document):
    _, doc = document
    responses = doc["paths"]["/api/v1/comments/batch"]["post"]["responses"]
    for status in ("200", "201"):
        assert responses[status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/BatchResult"
        }
    result = doc["components"]["schemas"]["BatchResult"]
    assert result["properties"]["results"]["items"]["allOf"][0] == {"$ref": "#/components/schemas/Record"}


def test_the_feed_documents_leaving_out_initial_pending(document):
    _, doc = document
    params = {p["name"]: p for p in doc["paths"]["/api/v1/decisions"]["get"]["parameters"]}
    assert params["include_initial_pending"]["schema"] == {"type": "boolean", "default": True}


def validator(doc, event_type):
    ref = doc["webhooks"][event_type]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return Draft202012Validator({"$ref": ref, "components": doc["components"]})


def test_delivered_events_match_their_webhook_schemas(document, receiver):
    app, doc = document
    db = app.extensions["moderation"].db
    site = webhook_site(app, receiver)
    client = app.test_client()
    for ext, text in (("c1", "Goed plan."), ("c2", f"Wat een {INSULT}."), ("c3", f"Wethouder, {THREAT}.")):
        assert client.post("/api/v1/comments", json=comment(ext, text), headers=auth(site)).status_code == 201
    Worker(db, app.config).drain()
    events = receiver.events()
    assert {e["type"] for e in events} == {vocab.EVENT_APPROVED, vocab.EVENT_REJECTED, vocab.EVENT_ESCALATED}
    for event in events:
        errors = [e.message for e in validator(doc, event["type"]).iter_errors(event)]
        assert errors == [], (event["type"], errors)
    wrong = {**events[0], "comment": {"id": "not a number"}}
    assert list(validator(doc, events[0]["type"]).iter_errors(wrong))
