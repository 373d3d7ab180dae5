"""GET /api/v1/decisions: a site's decisions in order, paged by cursor, for sites without webhooks."""

import pytest
from helpers.api import auth, comment
from helpers.delivery import INSULT, decide

from moderation.storage import comments as records


def setup(fast_app, **config):
    app = fast_app(**config)
    db = app.extensions["moderation"].db
    site, other = records.create_site(db, "alpha"), records.create_site(db, "beta")
    client = app.test_client()
    ids = [
        client.post("/api/v1/comments", json=comment(f"c{i}", text), headers=auth(site)).get_json()["id"]
        for i, text in enumerate(["Goed plan.", f"Stel {INSULT}.", "Mee eens."])
    ]
    client.post("/api/v1/comments", json=comment("x1", "Van een andere site."), headers=auth(other))
    decide(app, ids[0], "rejected", reason="off_topic")
    return app, client, site, ids


def test_decisions_come_in_order_with_the_explanation(fast_app):
    app, client, site, ids = setup(fast_app)
    r = client.get("/api/v1/decisions", headers=auth(site))
    assert r.status_code == 200
    body = r.get_json()
    got = [(d["external_id"], d["status"], d["by"]) for d in body["decisions"]]
    assert got == [
        ("c0", "approved", "policy"),
        ("c1", "rejected", "policy"),
        ("c2", "approved", "policy"),
        ("c0", "rejected", "moderator"),
    ]
    assert [d["id"] for d in body["decisions"]] == sorted(d["id"] for d in body["decisions"])
    assert body["decisions"][3]["previous_status"] == "approved"
    assert f"‘{INSULT}’" in body["decisions"][1]["explanation"]
    assert body["decisions"][3]["explanation"].startswith("Uw reactie is niet geplaatst.")
    assert body["decisions"][0]["explanation"] is None
    assert body["next_cursor"] == body["decisions"][-1]["id"] and body["has_more"] is False


def test_paging_with_the_cursor_sees_each_decision_once(fast_app):
    app, client, site, ids = setup(fast_app)
    seen, cursor = [], 0
    for _ in range(10):  # bounded
        body = client.get(f"/api/v1/decisions?since={cursor}&limit=3", headers=auth(site)).get_json()
        seen += [d["id"] for d in body["decisions"]]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            break
    assert len(seen) == 4 and len(set(seen)) == 4
    later = client.get(f"/api/v1/decisions?since={cursor}", headers=auth(site)).get_json()
    assert later == {"decisions": [], "next_cursor": cursor, "has_more": False}
    decide(app, ids[2], "rejected", reason="spam")
    [new] = client.get(f"/api/v1/decisions?since={cursor}", headers=auth(site)).get_json()["decisions"]
    assert new["external_id"] == "c2" and new["status"] == "rejected"


def test_fresh_decisions_wait_for_the_settle_time(fast_app):
    app, client, site, ids = setup(fast_app, DECISIONS_SETTLE_SECONDS=3600)
    assert client.get("/api/v1/decisions", headers=auth(site)).get_json()["decisions"] == []


@pytest.mark.parametrize("query", ["since=-1", "since=abc", "since=1.5", "limit=0", "limit=5000", "since=²"])
def test_bad_cursor_or_limit_is_a_problem(fast_app, query):
    app, client, site, ids = setup(fast_app)
    r = client.get(f"/api/v1/decisions?{query}", headers=auth(site))
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert query.split("=")[0] in r.get_json()["detail"]


def test_decisions_need_a_key(fast_app):
    app, client, site, ids = setup(fast_app)
    assert client.get("/api/v1/decisions").status_code == 401
