"""Notices and appeals through the HTTP API, and what moderators' decisions on them give the site."""

from helpers.api import auth
from helpers.review import add_moderator, db_of, seed

from moderation.storage import appeals, decision_feed, notices, outbox, review_queue, sites
from moderation.storage import comments as records

NOTICE = {
    "comment_external_id": "c-17",
    "ground": "illegal",
    "legal_ground": "art. 285 Sr (bedreiging)",
    "category": "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "explanation": "Deze reactie bedreigt de wethouder.",
    "notifier": {"name": "Anna", "email": "anna@example.org"},
    "bona_fide": True,
}


def _site(app, role="platform", webhook=True):
    db = db_of(app)
    site = records.create_site(db, "krant", webhook_url="https://example.org/hook" if webhook else None)
    sites.update_dsa(db, "krant", role=role)
    return site


def _events(app, kind=None):
    found = [outbox.get_event(db_of(app), e["id"]) for e in reversed(outbox.list_events(db_of(app), limit=500))]
    return [e for e in found if kind is None or e["type"] == kind]


def test_a_notice_puts_the_comment_in_gemeld_and_the_decision_reaches_the_site(app, client):
    site = _site(app)
    cid = seed(app, site, "c-17", status="approved", score=0.1)
    r = client.post("/api/v1/notices", json=NOTICE, headers=auth(site))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["id"] and body["received_at"] and body["state"] == "open"
    assert notices.count(db_of(app), None) == 1
    queue = notices.gemeld(db_of(app), None)
    assert [i["id"] for i in queue["items"]] == [cid]
    assert queue["items"][0]["notices"][0]["law"] == "art. 285 Sr (bedreiging)"

    add_moderator(app, "mod@example.org")
    result = notices.decide(db_of(app), None, [cid], "reject", "mod@example.org", reason="threat")
    assert result["done"] == [cid]
    record = client.get(f"/api/v1/comments/{cid}", headers=auth(site)).get_json()
    statement = record["decision"]["statement"]
    assert record["status"] == "rejected"
    assert statement["source_type"] == "SOURCE_ARTICLE_16"
    assert statement["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert statement["illegal_content_legal_ground"] == "art. 285 Sr (bedreiging)"
    assert statement["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    assert statement["automated_detection"] == "No"
    assert "Anna" not in str(statement) and "wethouder" not in str(statement)
    [event] = _events(app, "notice.decided")
    decided = event["payload"]["notice"]
    assert decided["id"] == body["id"] and decided["decision"]["outcome"] == "upheld"
    assert decided["decision"]["automated_means"]["decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    assert decided["decision"]["statement_puid"] == statement["puid"]
    assert {r["type"] for r in decided["decision"]["redress"]} == {"internal_complaint", "out_of_court", "court"}
    rejected = _events(app, "comment.rejected")[-1]
    assert rejected["payload"]["comment"]["decision"]["statement"]["puid"] == statement["puid"]
    assert client.get(f"/api/v1/notices/{body['id']}", headers=auth(site)).get_json()["state"] == "upheld"
    feed, _ = decision_feed.decisions_since(db_of(app), site["id"], 0, 100, 0)
    assert feed[-1]["status"] == "rejected" and feed[-1]["notices"] == [{"id": body["id"], "outcome": "upheld"}]


def test_notices_are_validated_like_every_other_input(app, client):
    site = _site(app)
    seed(app, site, "c-17")
    bad = {**NOTICE, "ground": "illegal", "legal_ground": None, "category": "NOPE", "bona_fide": False}
    r = client.post("/api/v1/notices", json=bad, headers=auth(site))
    assert r.status_code == 422
    assert {e["field"] for e in r.get_json()["errors"]} == {"legal_ground", "category", "bona_fide"}
    r = client.post("/api/v1/notices", json={**NOTICE, "comment_external_id": "missing"}, headers=auth(site))
    assert r.status_code == 404
    terms = {**NOTICE, "ground": "terms", "terms_ground": "Huisregel 3", "legal_ground": None}
    terms.pop("legal_ground")
    assert client.post("/api/v1/notices", json=terms, headers=auth(site)).status_code == 201
    assert client.post("/api/v1/notices", json=NOTICE, headers={"Authorization": "Bearer nope"}).status_code == 401


def test_repeated_notices_on_a_cleared_comment_stay_out_unless_new(app, client):
    site = _site(app)
    cid = seed(app, site, "c-17", status="approved", score=0.1)
    add_moderator(app, "mod@example.org")
    client.post("/api/v1/notices", json=NOTICE, headers=auth(site))
    notices.decide(db_of(app), None, [cid], "approve", "mod@example.org")
    again = client.post("/api/v1/notices", json={**NOTICE, "notifier": {"email": "x@example.org"}}, headers=auth(site))
    assert again.get_json()["state"] == "dismissed"
    assert again.get_json()["decision"]["automated_means"]["decision"] == "AUTOMATED_DECISION_FULLY"
    assert notices.count(db_of(app), None) == 0
    new = {**NOTICE, "ground": "terms", "terms_ground": "Huisregel 2: geen persoonsgegevens"}
    new.pop("legal_ground")
    new["category"] = "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"
    assert client.post("/api/v1/notices", json=new, headers=auth(site)).get_json()["state"] == "open"
    assert notices.count(db_of(app), None) == 1


def test_gemeld_puts_illegal_first_and_weighs_reliable_notifiers_over_a_crowd(app, client):
    site = _site(app)
    add_moderator(app, "mod@example.org")
    # a reliable notifier: two earlier notices upheld
    for ext in ("old-1", "old-2"):
        old = seed(app, site, ext, status="approved", score=0.1)
        client.post(
            "/api/v1/notices",
            json={**NOTICE, "comment_external_id": ext, "notifier": {"email": "good@example.org"}},
            headers=auth(site),
        )
        notices.decide(db_of(app), None, [old], "reject", "mod@example.org", reason="insult")
    terms = {k: v for k, v in NOTICE.items() if k != "legal_ground"} | {"ground": "terms", "terms_ground": "regel 1"}
    crowd = seed(app, site, "crowd", status="approved", score=0.1)
    for _ in range(5):
        client.post(
            "/api/v1/notices", json={**terms, "comment_external_id": "crowd", "notifier": {}}, headers=auth(site)
        )
    trusted = seed(app, site, "trusted", status="approved", score=0.1)
    client.post(
        "/api/v1/notices",
        json={**terms, "comment_external_id": "trusted", "notifier": {"email": "good@example.org"}},
        headers=auth(site),
    )
    client.post(
        "/api/v1/notices",
        json={**terms, "comment_external_id": "trusted", "notifier": {"email": "other@example.org"}},
        headers=auth(site),
    )
    illegal = seed(app, site, "illegal", status="approved", score=0.1)
    client.post(
        "/api/v1/notices", json={**NOTICE, "comment_external_id": "illegal", "notifier": {}}, headers=auth(site)
    )
    order = [i["id"] for i in notices.gemeld(db_of(app), None)["items"]]
    assert order == [illegal, trusted, crowd]
    weights = {i["id"]: i["weight"] for i in notices.gemeld(db_of(app), None)["items"]}
    # good: 0.5 + 3/4, other: 0.5 + 1/2; the crowd of five anonymous: 0.5 * (1 + ln 5)
    assert weights[trusted] == 2.25 and weights[crowd] == 1.3047


def test_the_writers_appeal_reaches_bezwaren_and_a_reversal_gives_a_new_statement(app, client):
    site = _site(app)
    add_moderator(app, "first@example.org")
    add_moderator(app, "second@example.org")
    cid = seed(app, site, "c-17", score=0.6)
    review_queue.decide(db_of(app), None, [cid], "reject", "first@example.org", reason="insult")
    first = client.get(f"/api/v1/comments/{cid}", headers=auth(site)).get_json()["decision"]["statement"]
    assert first["automated_decision"] == "AUTOMATED_DECISION_PARTIALLY" and first["source_type"] == "SOURCE_VOLUNTARY"
    r = client.post(
        "/api/v1/appeals",
        json={"comment_external_id": "c-17", "appellant": "author", "text": "Ik beledig niemand."},
        headers=auth(site),
    )
    assert r.status_code == 201, r.get_json()
    appeal_id = r.get_json()["id"]
    queue = appeals.bezwaren(db_of(app), None, "first@example.org")
    assert [i["id"] for i in queue["items"]] == [cid] and queue["items"][0]["mine"] is True
    assert queue["items"][0]["appeals"][0]["original"]["statement"]["puid"] == first["puid"]
    try:
        appeals.decide(db_of(app), None, [cid], "approve", "first@example.org")
        raise AssertionError("the original moderator decided the appeal")
    except appeals.SameModerator:
        pass
    before = len(_events(app))
    appeals.decide(db_of(app), None, [cid], "approve", "second@example.org", reply="U hebt gelijk.")
    record = client.get(f"/api/v1/comments/{cid}", headers=auth(site)).get_json()
    assert record["status"] == "approved"
    second = record["decision"]["statement"]
    assert second["puid"] != first["puid"] and second["decision_visibility"] == ["DECISION_VISIBILITY_OTHER"]
    new_events = _events(app)[before:]
    assert [e["type"] for e in new_events] == ["appeal.decided", "comment.approved"]
    assert new_events[0]["payload"]["appeal"]["decision"]["outcome"] == "reversed"
    assert new_events[0]["payload"]["appeal"]["decision"]["reply"] == "U hebt gelijk."
    got = client.get(f"/api/v1/appeals/{appeal_id}", headers=auth(site)).get_json()
    assert got["state"] == "reversed" and got["decision"]["automated"] is False
    assert appeals.count(db_of(app), None) == 0


def test_appeals_are_refused_where_the_role_does_not_offer_them_or_the_decision_is_not_appealable(app, client):
    site = _site(app, role="hosting")
    seed(app, site, "c-17", status="rejected")
    body = {"comment_external_id": "c-17", "appellant": "author", "text": "Waarom?"}
    r = client.post("/api/v1/appeals", json=body, headers=auth(site))
    assert r.status_code == 409 and "role" in r.get_json()["detail"]
    sites.update_dsa(db_of(app), "krant", role="hosting-voluntary-platform")
    assert client.post("/api/v1/appeals", json=body, headers=auth(site)).status_code == 201
    assert client.post("/api/v1/appeals", json=body, headers=auth(site)).status_code == 200
    seed(app, site, "ok", status="approved")
    r = client.post("/api/v1/appeals", json={**body, "comment_external_id": "ok"}, headers=auth(site))
    assert r.status_code == 409
    r = client.post("/api/v1/appeals", json={**body, "appellant": "notifier"}, headers=auth(site))
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "notice_id"


def test_an_appeal_is_never_decided_automatically(app, client):
    site = _site(app)
    cid = seed(app, site, "c-17", status="rejected")
    client.post(
        "/api/v1/appeals", json={"comment_external_id": "c-17", "appellant": "author", "text": "x"}, headers=auth(site)
    )
    # more traffic, more decisions: the appeal stays open until a moderator takes it
    seed(app, site, "other", status="rejected")
    client.post("/api/v1/notices", json=NOTICE, headers=auth(site))
    assert appeals.count(db_of(app), None) == 1
    assert client.get(f"/api/v1/comments/{cid}", headers=auth(site)).get_json()["status"] == "rejected"


def test_withholding_in_pre_moderation_gets_a_statement_when_the_site_asks(app, client):
    site = _site(app, role="hosting")
    held = seed(app, site, "before", score=0.6)
    sites.update_dsa(db_of(app), "krant", statements_for_withheld=True)
    withheld = seed(app, site, "after", score=0.6)
    assert client.get(f"/api/v1/comments/{held}", headers=auth(site)).get_json()["decision"]["statement"] is None
    statement = client.get(f"/api/v1/comments/{withheld}", headers=auth(site)).get_json()["decision"]["statement"]
    assert statement["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DISABLED"]
    assert statement["automated_decision"] == "AUTOMATED_DECISION_FULLY"


def test_erasing_a_comment_erases_the_notices_and_appeals_words_but_keeps_the_outcomes(app, client):
    from moderation.storage.dsa_tables import Appeal, Notice

    site = _site(app)
    cid = seed(app, site, "c-17", status="rejected")
    client.post("/api/v1/notices", json=NOTICE, headers=auth(site))
    client.post(
        "/api/v1/appeals",
        json={"comment_external_id": "c-17", "appellant": "author", "text": "Ik, Kees"},
        headers=auth(site),
    )
    assert client.delete(f"/api/v1/comments/{cid}", headers=auth(site)).status_code == 200
    with db_of(app).session() as s:
        notice = s.query(Notice).one()
        appeal = s.query(Appeal).one()
        assert (notice.explanation, notice.notifier_name, notice.notifier_email) == (None, None, None)
        assert notice.state == "upheld" and notice.notifier_key and appeal.text is None and appeal.state == "open"


def test_the_appeal_window_is_six_months_by_default_and_configurable(app):
    from datetime import timedelta

    from moderation.storage.tables import utcnow

    site = _site(app)
    seed(app, site, "c-17", status="rejected")
    body = {"comment_external_id": "c-17", "appellant": "author", "text": "Te laat?", "notice_id": None}
    later = utcnow() + timedelta(days=200)
    try:
        appeals.create(db_of(app), site["id"], body, now=later)
        raise AssertionError("an appeal after seven months was taken")
    except appeals.AppealRefused as exc:
        assert "6 months" in str(exc)
    sites.update_dsa(db_of(app), "krant", appeal_months=12)
    view, created = appeals.create(db_of(app), site["id"], body, now=later)
    assert created and view["state"] == "open"
