"""Undoing a decision (POST /decisions/undo) and the live counters, through the Flask test client."""

from datetime import timedelta

import pytest
from helpers.api import auth
from helpers.review import add_moderator, csrf_from, db_of, login, seed
from sqlalchemy import select

from moderation import vocabulary as vocab
from moderation.storage import comments as records
from moderation.storage.dsa_tables import Statement
from moderation.storage.tables import Comment, Decision, OutboxEvent

JSON = {"Accept": "application/json"}


@pytest.fixture
def moderator(app, client):
    add_moderator(app)
    return login(client)


def decide(client, token, cid, action, **extra):
    data = {"action": action, "expected": "pending", "csrf_token": token, **extra}
    r = client.post(f"/comments/{cid}/decision", data=data, headers=JSON)
    assert r.status_code == 200 and r.get_json()["done"] == [cid], r.get_data(as_text=True)


def undo(client, token, *ids):
    r = client.post("/decisions/undo", data={"ids": [str(i) for i in ids], "csrf_token": token}, headers=JSON)
    return r.status_code, r.get_json()


def status_of(client, site, cid):
    return client.get(f"/api/v1/comments/{cid}", headers=auth(site)).get_json()


def test_an_approval_undone_is_pending_again_and_in_the_audit_log(app, client, site, moderator):
    cid = seed(app, site, "c")
    decide(client, moderator, cid, "approve")
    code, body = undo(client, moderator, cid)
    assert code == 200 and body["ok"] and body["done"] == [cid]
    assert body["message"] == f"Reactie #{cid} ongedaan gemaakt: terug in de wachtrij."
    view = status_of(client, site, cid)
    assert view["status"] == "pending" and view["decision"]["reason"] == vocab.REASON_UNDONE
    assert f'id="c-{cid}"' in client.get("/queue").get_data(as_text=True)
    audit = client.get("/audit").get_data(as_text=True)
    assert "Ongedaan gemaakt" in audit and "maakt beslissing #" in audit
    # once undone, there is nothing left to undo
    code, body = undo(client, moderator, cid)
    assert code == 409 and body["refused"] == [{"id": cid, "why": "not_decided", "by": "mod@example.org"}]


def test_an_undone_escalation_is_neither_escalated_nor_urgent(app, client, site, moderator):
    cid = seed(app, site, "c")
    decide(client, moderator, cid, "escalate")
    assert status_of(client, site, cid)["urgent"] is True
    code, body = undo(client, moderator, cid)
    assert code == 200 and body["done"] == [cid]
    with db_of(app).session() as s:
        comment = s.get(Comment, cid)
        assert comment.escalated_at is None and comment.urgent is False and comment.status == "pending"


def test_undo_is_refused_after_the_time_limit(app, client, site, moderator):
    cid = seed(app, site, "c")
    decide(client, moderator, cid, "approve")
    with db_of(app).session() as s:  # the approval was three minutes ago
        last = s.scalar(select(Decision).where(Decision.comment_id == cid).order_by(Decision.id.desc()))
        last.created_at = last.created_at - timedelta(minutes=3)
    code, body = undo(client, moderator, cid)
    assert code == 409 and body["refused"][0]["why"] == "too_late"
    assert "tot 2 minuten na de beslissing" in body["message"]
    assert status_of(client, site, cid)["status"] == "approved"


def test_a_colleagues_decision_cannot_be_undone(app, client, site, moderator):
    cid = seed(app, site, "c")
    decide(client, moderator, cid, "reject", reason="insult")
    add_moderator(app, email="collega@example.org")
    other = app.test_client()
    token = login(other, email="collega@example.org")
    code, body = undo(other, token, cid)
    assert code == 409 and body["refused"] == [{"id": cid, "why": "not_yours", "by": "mod@example.org"}]
    assert "door mod@example.org beslist" in body["message"]
    assert status_of(client, site, cid)["status"] == "rejected"


def test_a_comment_no_moderator_decided_cannot_be_undone(app, client, site, moderator):
    waiting = seed(app, site, "w")
    automatic = seed(app, site, "a", status="approved")
    code, body = undo(client, moderator, waiting, automatic)
    assert code == 409 and [r["why"] for r in body["refused"]] == ["not_decided", "not_decided"]
    assert status_of(client, site, automatic)["status"] == "approved"
    assert undo(client, moderator, 10**6)[0] == 404
    assert client.post("/decisions/undo", data={"csrf_token": moderator}, headers=JSON).status_code == 400


def test_a_delivered_event_is_corrected_by_a_reverted_event(app, client, moderator):
    site = records.create_site(db_of(app), "hooked", webhook_url="https://hooked.example/hook")
    cid = seed(app, site, "c")
    decide(client, moderator, cid, "approve")
    with db_of(app).session() as s:  # the worker delivered the approval
        [first] = s.scalars(select(OutboxEvent).where(OutboxEvent.comment_id == cid))
        assert first.event_type == "comment.approved"
        first.state, first_id = vocab.DELIVERED, first.payload["id"]
    assert undo(client, moderator, cid)[0] == 200
    with db_of(app).session() as s:
        events = list(s.scalars(select(OutboxEvent).where(OutboxEvent.comment_id == cid).order_by(OutboxEvent.id)))
    assert [e.event_type for e in events] == ["comment.approved", "comment.decision_reverted"]
    correction = events[1].payload
    assert correction["type"] == vocab.EVENT_REVERTED and events[1].state == vocab.OUTBOX_PENDING
    assert correction["reverted"]["event_id"] == first_id and correction["reverted"]["status"] == "approved"
    assert correction["comment"]["status"] == "pending" and correction["comment"]["decision"]["reason"] == "undone"


def test_no_event_is_sent_when_the_decision_raised_none(app, client, site, moderator):
    cid = seed(app, site, "c")  # this site has no webhook
    decide(client, moderator, cid, "approve")
    assert undo(client, moderator, cid)[0] == 200
    with db_of(app).session() as s:
        assert list(s.scalars(select(OutboxEvent).where(OutboxEvent.comment_id == cid))) == []


def test_a_rejections_statement_is_withdrawn_or_noted_when_already_submitted(app, client, site, moderator):
    unsent, submitted = seed(app, site, "u"), seed(app, site, "s")
    for cid in (unsent, submitted):
        decide(client, moderator, cid, "reject", reason="insult")
    with db_of(app).session() as s:
        s.scalar(select(Statement).where(Statement.comment_id == submitted)).submit_state = vocab.STATEMENT_SUBMITTED
    code, body = undo(client, moderator, unsent, submitted)
    assert code == 200 and body["done"] == [unsent, submitted]
    with db_of(app).session() as s:
        states = {
            st.comment_id: (st.submit_state, st.puid)
            for st in s.scalars(select(Statement).where(Statement.comment_id.in_([unsent, submitted])))
        }
        notes = {
            d.comment_id: d.note for d in s.scalars(select(Decision).where(Decision.reason == vocab.REASON_UNDONE))
        }
    assert states[unsent][0] == vocab.STATEMENT_WITHDRAWN and states[submitted][0] == vocab.STATEMENT_SUBMITTED
    assert f"verklaring {states[unsent][1]} ingetrokken" in notes[unsent]
    assert "al ingediend bij de Transparantiedatabase" in notes[submitted]
    assert status_of(client, site, unsent)["decision"]["statement"] is None


def test_undo_without_javascript_after_a_plain_decision(app, client, site, moderator):
    cid = seed(app, site, "c")
    r = client.post(
        f"/comments/{cid}/decision",
        data={"action": "approve", "expected": "pending", "csrf_token": moderator, "next": "/queue"},
    )
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'action="/decisions/undo"' in page and f'name="ids" value="{cid}"' in page
    r = client.post("/decisions/undo", data={"ids": str(cid), "csrf_token": csrf_from(page), "next": "/queue"})
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert f"Reactie #{cid} ongedaan gemaakt" in page and 'action="/decisions/undo"' not in page
    assert f'id="c-{cid}"' in page


def test_the_counters_as_json(app, client, site, moderator):
    cid = seed(app, site, "c")
    seed(app, site, "d")
    assert client.get("/queue/tellers").get_json()["pending"] == 2
    decide(client, moderator, cid, "escalate")
    counts = client.get("/queue/tellers").get_json()
    assert counts["pending"] == 1 and counts["escalated"] == 1 and counts["gemeld"] == 0
