"""GET /api/v1/decisions?include_initial_pending=false: the feed without the first ``pending``
of comments that wait for a moderator; their later decisions still come, and the cursor holds."""

from helpers.api import auth, comment
from helpers.delivery import INSULT, decide

from moderation.storage import comments as records
from moderation.storage import sites as site_settings


def setup(fast_app):
    app = fast_app()
    db = app.extensions["moderation"].db
    site = records.create_site(db, "alpha")
    client = app.test_client()
    post = lambda ext, text: client.post("/api/v1/comments", json=comment(ext, text), headers=auth(site)).get_json()  # noqa: E731
    approved, rejected = post("a", "Goed plan."), post("r", f"Wat een {INSULT}.")
    site_settings.update(db, "alpha", approve_below=0.01, reject_above=0.99)  # now everything waits
    waiting = [post(f"p{i}", "Mee eens." if i % 2 else f"Echt {INSULT}.") for i in range(4)]
    assert {w["status"] for w in waiting} == {"pending"}
    decide(app, waiting[1]["id"], "approved")
    decide(app, waiting[1]["id"], "pending")  # taken back: a later pending is always listed
    return client, site, approved, rejected, waiting


def feed(client, site, query=""):
    r = client.get(f"/api/v1/decisions{query}", headers=auth(site))
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def test_the_first_pending_of_waiting_comments_can_be_left_out(fast_app):
    client, site, approved, rejected, waiting = setup(fast_app)
    everything = [(d["external_id"], d["status"]) for d in feed(client, site)["decisions"]]
    assert everything == [
        ("a", "approved"),
        ("r", "rejected"),
        ("p0", "pending"),
        ("p1", "pending"),
        ("p2", "pending"),
        ("p3", "pending"),
        ("p1", "approved"),
        ("p1", "pending"),
    ]
    assert feed(client, site, "?include_initial_pending=true")["decisions"] == feed(client, site)["decisions"]
    body = feed(client, site, "?include_initial_pending=false")
    got = [(d["external_id"], d["status"], d["previous_status"]) for d in body["decisions"]]
    assert got == [
        ("a", "approved", None),
        ("r", "rejected", None),
        ("p1", "approved", "pending"),
        ("p1", "pending", "approved"),
    ]
    assert body["next_cursor"] == body["decisions"][-1]["id"] and body["has_more"] is False


def test_paging_without_initial_pending_sees_each_decision_once(fast_app):
    client, site, approved, rejected, waiting = setup(fast_app)
    seen, cursor = [], 0
    for _ in range(10):  # bounded
        body = feed(client, site, f"?since={cursor}&limit=1&include_initial_pending=false")
        seen += [d["id"] for d in body["decisions"]]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            break
    assert len(seen) == len(set(seen)) == 4
    decide(client.application, waiting[0]["id"], "rejected", reason="insult")
    [new] = feed(client, site, f"?since={cursor}&include_initial_pending=false")["decisions"]
    assert (new["external_id"], new["status"]) == ("p0", "rejected")


def test_a_value_other_than_true_or_false_is_a_field_error(fast_app):
    client, site, *_ = setup(fast_app)
    for bad in ("yes", "0", "False", "<script>"):
        r = client.get(f"/api/v1/decisions?include_initial_pending={bad}", headers=auth(site))
        assert r.status_code == 422 and r.content_type == "application/problem+json"
        assert r.get_json()["errors"] == [{"field": "include_initial_pending", "message": "must be true or false"}]
