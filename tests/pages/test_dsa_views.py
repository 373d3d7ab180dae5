"""The DSA pages without a browser: Gemeld and Bezwaren with their counts, decisions through the
forms, the same-moderator rule, canned reasons and the DSA settings, the report page."""

from helpers.api import auth
from helpers.review import add_moderator, db_of, login, seed

from moderation.storage import appeals, notices
from moderation.storage import comments as records
from moderation.storage import sites as site_settings

XSS = "<script>window.__pwned=1</script>"
NOTICE = {
    "comment_external_id": "c1",
    "ground": "terms",
    "terms_ground": "Huisregel " + XSS,
    "category": "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
    "explanation": "Dit is spam " + XSS,
    "notifier": {"name": "Anna " + XSS, "email": "anna@example.org"},
    "bona_fide": True,
}


def _setup(app, role="admin"):
    db = db_of(app)
    site = records.create_site(db, "krant")
    site_settings.update_dsa(db, "krant", role="platform")
    add_moderator(app, "mod@example.org", role=role)
    client = app.test_client()
    return db, site, client, login(client, "mod@example.org")


def test_gemeld_shows_the_notices_escaped_and_a_decision_answers_them(app):
    db, site, client, token = _setup(app)
    cid = seed(app, site, "c1", status="approved", score=0.1)
    assert client.post("/api/v1/notices", json=NOTICE, headers=auth(site)).status_code == 201
    page = client.get("/gemeld").get_data(as_text=True)
    assert 'data-count="gemeld">1<' in page and 'data-count="bezwaren">0<' in page
    assert XSS not in page and "&lt;script&gt;" in page
    assert f'action="/gemeld/{cid}/decision"' in page
    r = client.post(
        f"/gemeld/{cid}/decision",
        data={"csrf_token": token, "action": "reject", "reason": "spam"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 200 and r.get_json()["done"] == [cid]
    assert notices.count(db, None) == 0
    assert client.get("/queue").get_data(as_text=True).count('data-count="gemeld">0<') == 1
    bad = client.post(
        f"/gemeld/{cid}/decision",
        data={"csrf_token": token, "action": "escalate"},
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 400


def test_a_canned_reason_is_what_the_writer_reads(app):
    db, site, client, token = _setup(app)
    cid = seed(app, site, "c1", status="approved", score=0.1)
    client.post("/api/v1/notices", json=NOTICE, headers=auth(site))
    r = client.post(
        f"/admin/sites/{site['id']}/dsa",
        data={
            "csrf_token": token,
            "dsa_role": "hosting-voluntary-platform",
            "appeal_months": "12",
            "title-spam": "Reclame",
            "text-spam": "Reclame plaatsen wij niet. Stuur ons een tip via de redactie.",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    view = site_settings.get(db, "krant")
    assert view["dsa_role"] == "hosting-voluntary-platform" and view["appeal_months"] == 12
    assert "Reclame" in client.get("/gemeld").get_data(as_text=True)
    client.post(
        f"/gemeld/{cid}/decision",
        data={"csrf_token": token, "action": "reject", "canned": "spam"},
        headers={"Accept": "application/json"},
    )
    record = client.get(f"/api/v1/comments/{cid}", headers=auth(site)).get_json()
    assert record["decision"]["explanation"].startswith("Reclame plaatsen wij niet.")
    queued = seed(app, site, "c2", score=0.6)  # the main queue uses the canned text too
    client.post(
        f"/comments/{queued}/decision",
        data={"csrf_token": token, "action": "reject", "reason": "spam"},
        headers={"Accept": "application/json"},
    )
    record = client.get(f"/api/v1/comments/{queued}", headers=auth(site)).get_json()
    assert record["decision"]["explanation"].startswith("Reclame plaatsen wij niet.")
    bad = client.post(f"/admin/sites/{site['id']}/dsa", data={"csrf_token": token, "appeal_months": "3"})
    assert bad.status_code == 422 and "six" in bad.get_data(as_text=True)


def test_bezwaren_keeps_the_original_moderator_off_and_a_colleague_decides(app):
    db, site, client, token = _setup(app)
    add_moderator(app, "colleague@example.org")
    cid = seed(app, site, "c1", score=0.6)
    client.post(
        f"/comments/{cid}/decision",
        data={"csrf_token": token, "action": "reject", "reason": "insult"},
        headers={"Accept": "application/json"},
    )
    r = client.post(
        "/api/v1/appeals",
        json={"comment_external_id": "c1", "appellant": "author", "text": "Niet eens " + XSS},
        headers=auth(site),
    )
    assert r.status_code == 201
    page = client.get("/bezwaren").get_data(as_text=True)
    assert 'data-count="bezwaren">1<' in page and "een collega beoordeelt dit bezwaar" in page and XSS not in page
    refused = client.post(
        f"/bezwaren/{cid}/decision",
        data={"csrf_token": token, "action": "approve"},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 403 and appeals.count(db, None) == 1
    other = app.test_client()
    other_token = login(other, "colleague@example.org")
    done = other.post(
        f"/bezwaren/{cid}/decision",
        data={"csrf_token": other_token, "action": "approve", "reply": "Terecht bezwaar."},
        headers={"Accept": "application/json"},
    )
    assert done.status_code == 200 and done.get_json()["done"] == [cid]
    got = client.get(f"/api/v1/appeals/{r.get_json()['id']}", headers=auth(site)).get_json()
    assert got["decision"]["reply"] == "Terecht bezwaar." and got["state"] == "reversed"


def test_the_report_page_is_for_admins(app):
    db, site, client, token = _setup(app, role="moderator")
    assert client.get(f"/admin/sites/{site['id']}/report").status_code == 403
    admin = app.test_client()
    add_moderator(app, "admin@example.org", role="admin")
    login(admin, "admin@example.org")
    seed(app, site, "c1", status="rejected", score=0.97)
    page = admin.get(f"/admin/sites/{site['id']}/report").get_data(as_text=True)
    assert 'data-metric="automated_means.automatic_decisions">1<' in page
    assert 'data-metric="own_initiative.by_decision.AUTOMATED_DECISION_FULLY">1<' in page
