"""Inputs that used to answer 500: each gets a clear 4xx (issue 10, items 9 and 10)."""

import jsonschema_rs
import pytest
from helpers.api import auth, comment

from moderation.web.openapi import spec

BIG_IDS = [2**31, 2**40, 2**63 - 1, 2**63, 2**70]


@pytest.mark.parametrize("big", BIG_IDS)
def test_ids_beyond_the_column_are_not_found(client, site, big):
    for method in ("GET", "DELETE"):
        r = client.open(f"/api/v1/comments/{big}", method=method, headers=auth(site))
        assert r.status_code == 404 and r.mimetype == "application/problem+json"
    r = client.get(f"/api/v1/decisions?since={big}", headers=auth(site))
    assert r.status_code == 422 and "since" in r.get_json()["detail"]


def test_nul_in_an_author_id_is_refused(client, site):
    r = client.delete("/api/v1/authors/ab%00cd", headers=auth(site))
    assert r.status_code == 422 and "U+0000" in r.get_json()["detail"]


def test_a_huge_json_integer_is_a_400(client, site):
    body = '{"external_id": "x", "text": "hallo", "author": {"id": ' + "9" * 5000 + "}}"
    for path in ("/api/v1/comments", "/api/v1/classify", "/api/v1/comments/batch"):
        r = client.post(path, data=body, headers={**auth(site), "Content-Type": "application/json"})
        assert r.status_code == 400 and r.mimetype == "application/problem+json"
        assert "digits" in r.get_json()["detail"]


def test_405_carries_allow(client, site):
    r = client.put("/api/v1/comments", headers=auth(site))
    assert r.status_code == 405 and r.mimetype == "application/problem+json"
    assert set(r.headers["Allow"].split(", ")) >= {"POST"}


def test_an_erased_comment_matches_the_openapi_document(client, app, site):
    text = "Die wethouder is een zakkenvuller en een leugenaar, weg ermee."
    created = client.post("/api/v1/comments", json=comment("e1", text), headers=auth(site)).get_json()
    assert client.delete(f"/api/v1/comments/{created['id']}", headers=auth(site)).status_code == 200
    erased = client.get(f"/api/v1/comments/{created['id']}", headers=auth(site)).get_json()
    document = spec(app.config)
    schema = {**document["components"]["schemas"]["Record"], "components": document["components"]}
    validator = jsonschema_rs.Draft202012Validator(schema)
    errors = [e.message for e in validator.iter_errors(erased)]
    assert not errors, errors


def test_an_integral_float_is_an_integer_id(client, site):
    body = {"external_id": "f1", "text": "Goed plan.", "article": {"id": 60.0}, "author": {"id": 7.0}}
    r = client.post("/api/v1/comments", json=body, headers=auth(site))
    assert r.status_code == 201, r.get_json()
