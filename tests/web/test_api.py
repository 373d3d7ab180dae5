"""The site-facing API through the Flask test client, on SQLite and PostgreSQL."""

import json
import re

import pytest
from helpers.api import auth, comment

from moderation.storage import comments as records
from moderation.storage.tables import Analysis, Article, Comment, Decision

STANCES = {"pro-participation", "pro-policy", "hostile", "neutral"}


def stored(app, table=Comment):
    return records.count_rows(app.extensions["moderation"].db, table)


def assert_problem(response, status, *words):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status and body["detail"]
    for word in words:
        assert word in body["detail"], body["detail"]
    return body


def test_post_stores_and_analyses(client, app, site):
    text = "Die ambtenaren zijn echt zakkenvullers, schrap die hele afdeling maar. @Joke lees dit eens"
    r = client.post("/api/v1/comments", json=comment("c1", text), headers=auth(site))
    assert r.status_code == 201
    body = r.get_json()
    assert body["status"] in {"approved", "rejected", "pending"}
    analysis = body["analysis"]
    assert analysis["stance"]["label"] in STANCES
    assert set(analysis["stance"]["scores"]) == STANCES
    assert abs(sum(analysis["stance"]["scores"].values()) - 1) < 0.01
    assert analysis["incivility"]["uncivil"] is True
    span = analysis["incivility"]["spans"][0]
    assert text[span["start"] : span["end"]] == span["text"] == "zakkenvullers"
    assert span["category"] == "insult"
    assert "reply" in analysis["tags"]
    assert analysis["errors"] == []
    assert set(analysis["models"]) == {"stance", "incivility", "scope"}
    assert analysis["models"]["scope"] == {"stance": "shared", "incivility": "shared"}
    assert body["text"] == text and body["article"]["title"] == "Ambtenaren zitten elkaar in de weg"
    assert stored(app) == 1 and stored(app, Analysis) == 1 and stored(app, Decision) == 1 and stored(app, Article) == 1


def test_retry_returns_the_same_record(client, app, site):
    first = client.post("/api/v1/comments", json=comment("c1"), headers=auth(site))
    again = client.post("/api/v1/comments", json=comment("c1", text="a different text"), headers=auth(site))
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["text"] == first.get_json()["text"]
    assert stored(app) == 1 and stored(app, Analysis) == 1


def test_same_external_id_on_two_sites_is_two_comments(client, app, site, other_site):
    a = client.post("/api/v1/comments", json=comment("c1"), headers=auth(site))
    b = client.post("/api/v1/comments", json=comment("c1"), headers=auth(other_site))
    assert a.status_code == b.status_code == 201 and a.get_json()["id"] != b.get_json()["id"]


def test_text_is_stored_exactly_as_sent(client, app, site):
    text = "  <script>alert('x')</script>\n\tMet   spaties  en émoji 🙂  "
    r = client.post("/api/v1/comments", json=comment("c1", text), headers=auth(site))
    got = client.get(f"/api/v1/comments/{r.get_json()['id']}", headers=auth(site)).get_json()
    assert got["text"] == text


def test_a_site_sees_only_its_own_comments(client, site, other_site):
    cid = client.post("/api/v1/comments", json=comment("c1"), headers=auth(site)).get_json()["id"]
    assert client.get(f"/api/v1/comments/{cid}", headers=auth(site)).status_code == 200
    assert_problem(client.get(f"/api/v1/comments/{cid}", headers=auth(other_site)), 404)
    assert_problem(client.get("/api/v1/comments/999999", headers=auth(site)), 404)


BAD_BODIES = [
    ("invalid json", b'{"text": "kapot', "application/json", 400, "not valid JSON"),
    ("invalid utf-8", b'{"external_id":"c4","text":"\xff\xfe kapot"}', "application/json", 400, "UTF-8"),
    ("empty body", b"", "application/json", 400, "empty"),
    ("wrong content type", json.dumps(comment()).encode(), "text/plain", 415, "application/json"),
    ("form post", b"text=hallo", "application/x-www-form-urlencoded", 415, "application/json"),
    ("json array", b"[1, 2]", "application/json", 422, "object"),
]


@pytest.mark.parametrize("name,raw,ctype,status,word", BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_bodies_are_problems_and_store_nothing(client, app, site, name, raw, ctype, status, word):
    r = client.post("/api/v1/comments", data=raw, content_type=ctype, headers=auth(site))
    assert_problem(r, status, word)
    assert stored(app) == 0


BAD_FIELDS = [
    ("missing text", {"text": None}, "text is required"),
    ("empty text", {"text": ""}, "text must not be empty"),
    ("blank text", {"text": "   \n "}, "text must not be empty"),
    ("oversized text", {"text": "x" * 10001}, "limit is 10000"),
    ("text is a number", {"text": 42}, "text must be a string"),
    ("text is a list", {"text": ["a"]}, "text must be a string"),
    ("NUL in text", {"text": "hallo\x00daar"}, "U+0000"),
    ("control char in text", {"text": "hallo\x1bdaar"}, "U+001B"),
    ("lone surrogate", {"text": "hallo \ud800 daar"}, "surrogate"),
    ("missing external_id", {"external_id": None}, "external_id is required"),
    ("numeric external_id", {"external_id": 12}, "external_id must be a string"),
    ("empty external_id", {"external_id": " "}, "external_id must not be empty"),
    ("article not an object", {"article": "a1"}, "article must be an object"),
    ("article without id", {"article": {"title": "x"}}, "article.id is required"),
    ("bad article url", {"article": {"id": "a", "url": "javascript:alert(1)"}}, "article.url must be an http(s) URL"),
    ("author name is a list", {"author": {"id": "u", "name": ["x"]}}, "author.name must be a string"),
    ("bad created_at", {"created_at": "gisteren"}, "created_at"),
    ("NUL in author", {"author": {"id": "u", "name": "a\x00b"}}, "U+0000"),
]


@pytest.mark.parametrize("name,change,message", BAD_FIELDS, ids=[b[0] for b in BAD_FIELDS])
def test_bad_fields_are_problems_and_store_nothing(client, app, site, name, change, message):
    body = comment()
    for key, value in change.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value
    r = client.post("/api/v1/comments", data=json.dumps(body), content_type="application/json", headers=auth(site))
    problem = assert_problem(r, 422, message)
    assert problem["errors"] and all({"field", "message"} <= set(e) for e in problem["errors"])
    assert stored(app) == 0 and stored(app, Article) == 0


def test_text_limit_is_configurable(make_app):
    app = make_app(MAX_TEXT_LENGTH=20)
    site = records.create_site(app.extensions["moderation"].db, "s")
    r = app.test_client().post("/api/v1/comments", json=comment(text="x" * 21), headers=auth(site))
    assert_problem(r, 422, "limit is 20")


@pytest.mark.parametrize("header", [None, "Bearer wrong-key", "Basic dXNlcjpwdw==", "Bearer "])
def test_missing_or_wrong_key_is_401(client, app, site, header):
    headers = {"Authorization": header} if header else {}
    r = client.post("/api/v1/comments", json=comment(), headers=headers)
    assert_problem(r, 401)
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert stored(app) == 0


def test_api_keys_are_stored_hashed(app, site):
    from sqlalchemy import select

    from moderation.storage.tables import Site

    with app.extensions["moderation"].db.session() as s:
        hashes = list(s.scalars(select(Site.api_key_hash)))
    assert site["api_key"] not in hashes and len(hashes[0]) == 64


def test_batch_stores_every_comment(client, app, site):
    texts = ["Meer ruimte voor de wijkteams graag.", "Beleid is bindend, punt.", "Wanneer is de raadsvergadering?"]
    r = client.post(
        "/api/v1/comments/batch",
        json={"comments": [comment(f"b{i}", t) for i, t in enumerate(texts)]},
        headers=auth(site),
    )
    assert r.status_code == 201
    results = r.get_json()["results"]
    assert [x["external_id"] for x in results] == ["b0", "b1", "b2"]
    assert all(x["created"] and x["analysis"]["stance"]["label"] in STANCES for x in results)
    assert "question" in results[2]["analysis"]["tags"]
    again = client.post(
        "/api/v1/comments/batch",
        json={"comments": [comment("b0", texts[0]), comment("b9", "Nieuw.")]},
        headers=auth(site),
    )
    assert [x["created"] for x in again.get_json()["results"]] == [False, True]
    assert again.get_json()["results"][0]["id"] == results[0]["id"]
    assert stored(app) == 4


def test_batch_is_all_or_nothing_with_per_item_errors(client, app, site):
    items = [comment("b0"), comment("b1", ""), comment("b2"), comment("b3", 7)]
    r = client.post("/api/v1/comments/batch", json={"comments": items}, headers=auth(site))
    problem = assert_problem(r, 422, "nothing was stored", "comments[1].text")
    assert [(e["index"], e["field"]) for e in problem["errors"]] == [(1, "text"), (3, "text")]
    assert stored(app) == 0


def test_a_repeat_inside_a_batch_is_the_same_record(client, app, site):
    r = client.post(
        "/api/v1/comments/batch",
        json={"comments": [comment("b0"), comment("b1"), comment("b0", "anders")]},
        headers=auth(site),
    )
    results = r.get_json()["results"]
    assert r.status_code == 201 and [x["created"] for x in results] == [True, True, False]
    assert results[2]["id"] == results[0]["id"] and results[2]["text"] == results[0]["text"]
    assert stored(app) == 2 and stored(app, Analysis) == 2


def test_batch_too_large(make_app):
    app = make_app(MAX_BATCH=3)
    site = records.create_site(app.extensions["moderation"].db, "s")
    r = app.test_client().post(
        "/api/v1/comments/batch", json={"comments": [comment(f"b{i}") for i in range(4)]}, headers=auth(site)
    )
    assert_problem(r, 413, "at most 3")
    assert stored(app) == 0


@pytest.mark.parametrize("body", [{}, {"comments": []}, {"comments": "x"}, [1]])
def test_batch_shape_errors(client, site, body):
    assert_problem(client.post("/api/v1/comments/batch", json=body, headers=auth(site)), 422, "comments")


def test_classify_stores_nothing(client, app, site):
    r = client.post("/api/v1/classify", json={"text": "Wat een prutsers bij de gemeente."}, headers=auth(site))
    assert r.status_code == 200
    analysis = r.get_json()["analysis"]
    assert analysis["incivility"]["uncivil"] and analysis["incivility"]["spans"][0]["text"] == "prutsers"
    assert stored(app) == 0
    assert_problem(client.post("/api/v1/classify", json={"text": ""}, headers=auth(site)), 422, "text")
    assert_problem(client.post("/api/v1/classify", json={"text": "x"}), 401)


def test_healthz_reports_database_and_models(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert all(body["models"].values())


def test_openapi_describes_the_real_routes(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert spec["components"]["schemas"]["Comment"]["properties"]["text"]["maxLength"] == app.config["MAX_TEXT_LENGTH"]
    routes = {
        re.sub(
            r"<(?:\w+:)?(\w+)>",
            lambda m: "{id}" if m[1] in ("comment_id", "notice_id", "appeal_id") else f"{{{m[1]}}}",
            rule.rule,
        )
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("api.", "dsa_api.", "site_api."))
    }
    assert routes == set(spec["paths"])


def test_metrics_count_requests_and_comments(client, site):
    client.post("/api/v1/comments", json=comment("c1"), headers=auth(site))
    client.post("/api/v1/comments", json=comment("c2", ""), headers=auth(site))
    text = client.get("/metrics").get_data(as_text=True)
    assert "# TYPE moderation_http_requests_total counter" in text
    assert 'moderation_http_requests_total{endpoint="/api/v1/comments",method="POST",status="201"} 1.0' in text
    assert 'moderation_http_requests_total{endpoint="/api/v1/comments",method="POST",status="422"} 1.0' in text
    assert "moderation_http_request_duration_seconds_bucket" in text
    assert any(line.startswith("moderation_comments{") and line.endswith(" 1.0") for line in text.splitlines())


def test_unknown_api_path_is_a_problem(client):
    assert_problem(client.get("/api/v1/nothing"), 404)
    assert_problem(client.get("/api/v1/comments"), 405)
