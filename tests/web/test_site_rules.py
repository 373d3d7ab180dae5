"""Tag rules, the weekly schedule (GET /api/v1/sites/me/status) and what a closed site answers."""

from datetime import UTC, datetime

import pytest
from helpers.api import auth, comment

from moderation import hookimpl
from moderation.storage import comments as records
from moderation.storage import sites as site_settings

PII = "Meer ruimte voor de wijkteams, bel me gerust op 06-12345678."
CIVIL = "Meer ruimte voor de wijkteams, laat ze zelf beslissen."


class SpamTagger:
    @hookimpl
    def moderation_analyze(self, comments):
        return [{"tags": ["spam"]} if "bit.ly" in c["text"] else None for c in comments]


class Clock:
    def __init__(self, iso):
        self.at = datetime.fromisoformat(iso)

    def __call__(self):
        return self.at


@pytest.fixture
def spam_app(make_app):
    return make_app(extra_plugins=[SpamTagger()])


def db_of(app):
    return app.extensions["moderation"].db


def test_new_site_holds_pii_old_site_keeps_its_behaviour(spam_app):
    client, db = spam_app.test_client(), db_of(spam_app)
    new = records.create_site(db, "nieuw")
    old = records.create_site(db, "oud", policy={})  # as a site made before tag rules existed
    assert site_settings.get(db, "nieuw")["tag_rules"] == {"contains-pii": "hold"}
    held = client.post("/api/v1/comments", json=comment("p1", PII), headers=auth(new)).get_json()
    assert "contains-pii" in held["analysis"]["tags"]
    assert held["status"] == "pending"
    assert held["decision"]["reason"] == "tag:contains-pii" and held["decision"]["rule"] == "tag:contains-pii"
    kept = client.post("/api/v1/comments", json=comment("p1", PII), headers=auth(old)).get_json()
    assert kept["status"] == "approved" and kept["decision"]["rule"] is None
    # the stored record says the same
    again = client.get(f"/api/v1/comments/{held['id']}", headers=auth(new)).get_json()
    assert again["decision"]["reason"] == "tag:contains-pii" and again["decision"]["rule"] == "tag:contains-pii"


def test_spam_rule_rejects_with_its_reason_and_statement(spam_app):
    client, db = spam_app.test_client(), db_of(spam_app)
    site = records.create_site(db, "s")
    site_settings.update(db, "s", tag_rules=site_settings.parse_tag_rules(["spam=reject:spam"]))
    body = client.post(
        "/api/v1/comments", json=comment("s1", CIVIL + " kijk op bit.ly/xyz"), headers=auth(site)
    ).get_json()
    assert body["status"] == "rejected"
    assert body["decision"]["reason"] == "spam" and body["decision"]["rule"] == "tag:spam"
    assert "reclame of spam" in body["decision"]["explanation"]
    plain = client.post("/api/v1/comments", json=comment("s2", CIVIL), headers=auth(site)).get_json()
    assert plain["status"] == "approved" and plain["decision"]["rule"] is None
    # "none" drops the rule again; a bare reject takes the tag's own reason
    site_settings.update(db, "s", tag_rules=site_settings.parse_tag_rules(["spam=none", "contains-pii=reject"]))
    assert site_settings.get(db, "s")["tag_rules"] == {"contains-pii": "reject"}
    db.forget_sites()
    pii = client.post("/api/v1/comments", json=comment("s3", PII), headers=auth(site)).get_json()
    assert pii["status"] == "rejected" and pii["decision"]["reason"] == "personal_data"
    spam = client.post("/api/v1/comments", json=comment("s4", CIVIL + " bit.ly/a"), headers=auth(site)).get_json()
    assert spam["status"] == "approved"


@pytest.mark.parametrize(
    "rules, wrong",
    [
        (["spam=delete"], "hold, reject"),
        (["spam=reject:rude"], "reason"),
        (["spam"], "TAG=hold"),
        (["a b=hold"], "tag"),
    ],
)
def test_bad_tag_rules_are_refused(rules, wrong):
    with pytest.raises(site_settings.SettingsError, match=wrong):
        site_settings.parse_tag_rules(rules)


def test_threat_still_waits_urgently_over_a_reject_rule(spam_app):
    client, db = spam_app.test_client(), db_of(spam_app)
    site = records.create_site(db, "s", policy={"tag_rules": {"spam": "reject:spam"}})
    text = "Ik weet waar je woont, wethouder, ik maak je af. bit.ly/x"
    body = client.post("/api/v1/comments", json=comment("t1", text), headers=auth(site)).get_json()
    assert body["status"] == "pending" and body["decision"]["reason"] == "threat"


# --- the schedule ------------------------------------------------------------------------------

SCHEDULE = {"hours": "mon-fri 07:00-23:00", "outside": "closed"}


def schedule_app(make_app, iso, **schedule):
    clock = Clock(iso)
    app = make_app(CLOCK=clock)
    site = records.create_site(db_of(app), "s", policy={"mode": "post"})
    site_settings.update(db_of(app), "s", schedule={**SCHEDULE, **schedule})
    return app, site, clock


def test_status_open_within_hours(make_app):
    # Friday 4 December 2026, 13:00 in Amsterdam (winter time, UTC+1)
    app, site, _ = schedule_app(make_app, "2026-12-04T12:00:00+00:00")
    body = app.test_client().get("/api/v1/sites/me/status", headers=auth(site)).get_json()
    assert body["comments_open"] is True and body["mode"] == "post"
    assert body["until"] == "2026-12-04T22:00:00Z"  # 23:00 Amsterdam
    assert body["schedule"] == "mon-fri 07:00-23:00" and body["timezone"] == "Europe/Amsterdam"


def test_closed_refuses_a_comment_and_says_until_when(make_app):
    app, site, clock = schedule_app(make_app, "2026-12-05T10:00:00+00:00")  # Saturday
    client = app.test_client()
    body = client.get("/api/v1/sites/me/status", headers=auth(site)).get_json()
    assert body["comments_open"] is False and body["until"] == "2026-12-07T06:00:00Z"  # Monday 07:00
    r = client.post("/api/v1/comments", json=comment("c1", CIVIL), headers=auth(site))
    assert r.status_code == 409 and r.mimetype == "application/problem+json"
    problem = r.get_json()
    assert problem["type"].endswith("/comments-closed") and problem["until"] == "2026-12-07T06:00:00Z"
    assert "closed" in problem["detail"]
    batch = client.post("/api/v1/comments/batch", json={"comments": [comment("c2", CIVIL)]}, headers=auth(site))
    assert batch.status_code == 409
    assert records.count_rows(db_of(app), records.Comment) == 0
    clock.at = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # Monday 07:00: open again
    assert client.post("/api/v1/comments", json=comment("c1", CIVIL), headers=auth(site)).status_code == 201


def test_outside_hours_switches_to_pre_moderation(make_app):
    app, site, clock = schedule_app(make_app, "2026-12-05T10:00:00+00:00", outside="pre")
    client = app.test_client()
    body = client.get("/api/v1/sites/me/status", headers=auth(site)).get_json()
    assert body["comments_open"] is True and body["mode"] == "pre" and body["within_hours"] is False
    doubtful = "Wat een slap gedoe van die ambtenaren, echt sneu."  # in the doubt band
    outside = client.post("/api/v1/comments", json=comment("d1", doubtful), headers=auth(site)).get_json()
    clock.at = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    inside = client.post("/api/v1/comments", json=comment("d2", doubtful), headers=auth(site)).get_json()
    assert inside["decision"]["reason"] == outside["decision"]["reason"] == "in doubt"
    assert inside["status"] == "approved" and outside["status"] == "pending"
    assert client.get("/api/v1/sites/me/status", headers=auth(site)).get_json()["mode"] == "post"


@pytest.mark.parametrize(
    "now, until",
    [
        # Saturday before the spring change (29 March 2027): Monday 07:00 is already summer time, UTC+2
        ("2027-03-27T12:00:00+00:00", "2027-03-29T05:00:00Z"),
        # Friday 22:30 summer time; closes at 23:00 summer time
        ("2027-10-29T20:30:00+00:00", "2027-10-29T21:00:00Z"),
        # Saturday after the autumn change (31 October 2027): Monday 07:00 is winter time, UTC+1
        ("2027-10-30T12:00:00+00:00", "2027-11-01T06:00:00Z"),
    ],
)
def test_next_change_is_dst_safe(make_app, now, until):
    app, site, _ = schedule_app(make_app, now)
    body = app.test_client().get("/api/v1/sites/me/status", headers=auth(site)).get_json()
    assert body["until"] == until


def test_a_range_in_the_spring_gap_starts_when_the_clock_jumps():
    from moderation import schedule

    state = schedule.state(
        {"schedule": {"hours": "sun 02:30-04:00", "outside": "closed"}}, Clock("2027-03-27T12:00:00+00:00")()
    )
    assert state.until == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)  # 02:00 winter time jumps to 03:00


def test_without_a_schedule_comments_are_always_open(client, site):
    body = client.get("/api/v1/sites/me/status", headers=auth(site)).get_json()
    assert body["comments_open"] is True and body["until"] is None and body["schedule"] is None
    assert client.get("/api/v1/sites/me/status").status_code == 401


@pytest.mark.parametrize(
    "schedule, wrong",
    [
        ({"hours": "maandag 07:00-23:00"}, "days"),
        ({"hours": "mon 23:00-07:00"}, "end after"),
        ({"hours": "mon 07:00-23:00", "outside": "open"}, "outside"),
        ({"hours": "mon 7-23"}, "range"),
        ({"hours": "mon 07:00-23:00", "timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_bad_schedules_are_refused(app, site, schedule, wrong):
    with pytest.raises(site_settings.SettingsError, match=wrong):
        site_settings.update(db_of(app), "alpha", schedule=schedule)
