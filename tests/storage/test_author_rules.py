"""The author rules at intake (storage.author_rules) and a moderator's actions on an author
(storage.authors): pre-moderation, suspension (refused or held, and its end), block and hide
all and its reversal, the first-N rule, repeats, site isolation and the webhook events."""

from datetime import timedelta

import pytest
from helpers.api import auth, comment
from sqlalchemy import select, update

from moderation.storage import authors
from moderation.storage import comments as records
from moderation.storage import sites as site_settings
from moderation.storage.tables import AuthorRule, Comment, Decision, OutboxEvent, utcnow

CIVIL = "Meer ruimte voor de wijkteams, laat ze zelf beslissen."
CAMPAIGN = "Stop de windmolens in Drenthe nu, teken allemaal de petitie op onze website vandaag nog!"
NEAR = "Stop de windmolens in Drenthe!! Teken allemaal de petitie op onze website vandaag."


def db_of(app):
    return app.extensions["moderation"].db


def post(client, site, ext, text=CIVIL, author="u1", **extra):
    return client.post(
        "/api/v1/comments", json=comment(ext, text, author={"id": author, "name": "Lezer"}, **extra), headers=auth(site)
    )


def events(app, kind=None):
    with db_of(app).session() as s:
        rows = s.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
        return [(e.event_type, e.payload) for e in rows if kind is None or e.event_type == kind]


@pytest.fixture
def hooked(app):
    """A site with a webhook URL, so its events are written to the outbox."""
    return records.create_site(db_of(app), "hooked", webhook_url="https://example.org/hook")


def test_a_civil_comment_is_approved_without_rules(client, site):
    r = post(client, site, "c1")
    assert (r.status_code, r.get_json()["status"], r.get_json()["decision"]["reason"]) == (201, "approved", None)


def test_a_premoderated_author_waits_for_a_human_on_their_site_only(app, client, site, other_site):
    view = authors.set_premoderation(db_of(app), None, site["id"], "u1", True, "mod@example.org", "te vaak grof")
    assert "eerst" in view["explanation"]  # the Dutch statement of reasons
    held = post(client, site, "c1").get_json()
    assert (held["status"], held["decision"]["reason"]) == ("pending", "author_premoderated")
    assert post(client, site, "c2", author="u2").get_json()["status"] == "approved"
    # another site's author with the same id is someone else
    assert post(client, other_site, "c1").get_json()["status"] == "approved"
    authors.set_premoderation(db_of(app), None, site["id"], "u1", False, "mod@example.org")
    assert post(client, site, "c3").get_json()["status"] == "approved"


def test_a_premoderated_authors_rejection_stands(app, client, site):
    authors.set_premoderation(db_of(app), None, site["id"], "u1", True, "mod@example.org")
    r = post(client, site, "c1", "Stelletje idioten daar op het stadhuis").get_json()
    assert r["status"] == "rejected" and r["decision"]["reason"] != "author_premoderated"


def test_a_suspended_authors_new_comments_are_refused_with_the_end_date(app, client, site, other_site):
    stored_before = post(client, site, "old").get_json()
    until = utcnow() + timedelta(days=3)
    authors.suspend(db_of(app), None, site["id"], "u1", until, "herhaaldelijk beledigend", "mod@example.org")
    r = post(client, site, "c1")
    assert r.status_code == 403 and r.mimetype == "application/problem+json"
    body = r.get_json()
    assert body["type"].endswith("/author-suspended")
    assert body["suspended_until"] == until.isoformat().replace("+00:00", "Z")
    assert body["errors"][0]["field"] == "author.id" and "u1" in body["detail"]
    with db_of(app).session() as s:
        assert s.scalar(select(Comment.id).where(Comment.external_id == "c1", Comment.site_id == site["id"])) is None
    # a retry of a comment stored before the suspension is answered as stored
    again = post(client, site, "old")
    assert (again.status_code, again.get_json()["id"]) == (200, stored_before["id"])
    # others on the site, and the same id on another site, are not suspended
    assert post(client, site, "c2", author="u2").status_code == 201
    assert post(client, other_site, "c1").status_code == 201


def test_a_batch_with_a_suspended_author_stores_nothing(app, client, site):
    authors.suspend(db_of(app), None, site["id"], "u9", utcnow() + timedelta(days=1), "spam", "mod@example.org")
    batch = {"comments": [comment("b1", CIVIL), comment("b2", CIVIL, author={"id": "u9", "name": "X"})]}
    r = client.post("/api/v1/comments/batch", json=batch, headers=auth(site))
    assert r.status_code == 403 and r.get_json()["errors"] == [
        {"index": 1, "field": "author.id", "message": r.get_json()["errors"][0]["message"]}
    ]
    assert records.count_rows(db_of(app), Comment) == 0


def test_a_site_that_holds_suspended_authors_comments_stores_them_pending(app, client, site):
    site_settings.update(db_of(app), "alpha", suspended_comments="hold")
    authors.suspend(db_of(app), None, site["id"], "u1", utcnow() + timedelta(days=1), "spam", "mod@example.org")
    r = post(client, site, "c1")
    assert r.status_code == 201
    assert (r.get_json()["status"], r.get_json()["decision"]["reason"]) == ("pending", "author_suspended")


def test_a_suspension_ends_by_itself_and_can_be_lifted_early(app, client, hooked):
    until = utcnow() + timedelta(days=2)
    authors.suspend(db_of(app), None, hooked["id"], "u1", until, "beledigend", "mod@example.org")
    assert post(client, hooked, "c1").status_code == 403
    with db_of(app).session() as s:  # time passes: the end date is behind us
        s.execute(update(AuthorRule).values(suspended_until=utcnow() - timedelta(seconds=1)))
    assert post(client, hooked, "c2").get_json()["status"] == "approved"
    assert authors.unsuspend(db_of(app), None, hooked["id"], "u1", "mod@example.org") is None  # nothing to lift
    assert events(app, "author.unsuspended") == []

    authors.suspend(db_of(app), None, hooked["id"], "u1", until, "opnieuw", "mod@example.org")
    assert authors.unsuspend(db_of(app), None, hooked["id"], "u1", "mod@example.org", "te streng")
    assert post(client, hooked, "c3").status_code == 201
    [(_, lifted)] = events(app, "author.unsuspended")
    assert lifted["author"] == {"id": "u1"} and lifted["suspension"]["lifted_at"]


def test_the_site_hears_of_a_suspension_with_its_end_date(app, hooked):
    until = (utcnow() + timedelta(days=7)).replace(microsecond=0)
    authors.suspend(db_of(app), None, hooked["id"], "lezer-7", until, "bedreigingen", "mod@example.org")
    [(kind, payload)] = events(app)
    assert kind == payload["type"] == "author.suspended"
    assert payload["author"] == {"id": "lezer-7"}
    suspension = payload["suspension"]
    assert suspension["until"] == until.isoformat().replace("+00:00", "Z")
    assert suspension["reason"] == "bedreigingen" and suspension["new_comments"] == "refuse"
    assert "geschorst tot" in suspension["explanation"] and "bedreigingen" in suspension["explanation"]


def test_a_suspension_needs_a_future_end_and_a_reason(app, site):
    with pytest.raises(ValueError):
        authors.suspend(db_of(app), None, site["id"], "u1", utcnow() - timedelta(hours=1), "x", "m")
    with pytest.raises(ValueError):
        authors.suspend(db_of(app), None, site["id"], "u1", utcnow() + timedelta(hours=1), "  ", "m")


def test_block_and_hide_all_rejects_everything_and_unblock_restores_each_status(app, client, hooked):
    approved = post(client, hooked, "c1").get_json()["id"]
    rejected = post(client, hooked, "c2", "Stelletje idioten daar op het stadhuis").get_json()["id"]
    authors.set_premoderation(db_of(app), None, hooked["id"], "u1", True, "mod@example.org")
    pending = post(client, hooked, "c3").get_json()["id"]
    other = post(client, hooked, "c4", author="u2").get_json()["id"]
    before = len(events(app))

    done = authors.block(db_of(app), None, hooked["id"], "u1", "mod@example.org", "trollenaccount")
    assert done["comments_changed"] == 2
    with db_of(app).session() as s:
        status = dict(s.execute(select(Comment.id, Comment.status)).all())
    assert status == {approved: "rejected", rejected: "rejected", pending: "rejected", other: "approved"}
    new = events(app)[before:]
    assert [(k, p["comment"]["id"]) for k, p in new] == [("comment.rejected", approved), ("comment.rejected", pending)]
    assert all(p["comment"]["decision"]["reason"] == "author_blocked" for _, p in new)
    assert "geblokkeerd" in new[0][1]["comment"]["decision"]["explanation"]
    assert new[0][1]["comment"]["decision"]["statement"]["decision_visibility"]  # DSA statement of reasons
    assert authors.profile(db_of(app), None, hooked["id"], "u1")["blocked_at"] is not None

    undone = authors.unblock(db_of(app), None, hooked["id"], "u1", "mod@example.org")
    assert undone["comments_changed"] == 2
    with db_of(app).session() as s:
        status = dict(s.execute(select(Comment.id, Comment.status)).all())
        reasons = [d.reason for d in s.scalars(select(Decision).where(Decision.comment_id == approved))]
    assert status == {approved: "approved", rejected: "rejected", pending: "pending", other: "approved"}
    assert reasons[-2:] == ["author_blocked", "author_unblocked"]
    assert [k for k, _ in events(app)[before + 2 :]] == ["comment.approved"]  # pending again raises no event
    assert authors.profile(db_of(app), None, hooked["id"], "u1")["blocked_at"] is None


def test_unblock_leaves_a_comment_a_moderator_decided_since(app, client, site):
    from moderation.storage import review_queue as review

    cid = post(client, site, "c1").get_json()["id"]
    authors.block(db_of(app), None, site["id"], "u1", "mod@example.org")
    review.decide(db_of(app), None, [cid], "approve", "other@example.org")  # a colleague looks again
    review.decide(db_of(app), None, [cid], "reject", "other@example.org", reason="spam")
    assert authors.unblock(db_of(app), None, site["id"], "u1", "mod@example.org")["comments_changed"] == 0
    with db_of(app).session() as s:
        assert s.get(Comment, cid).status == "rejected"


def test_an_authors_first_comments_wait_for_a_human(app, client, site, other_site):
    site_settings.update(db_of(app), "alpha", first_comments_held=2)
    first = [post(client, site, f"c{i}").get_json() for i in range(3)]
    assert [(c["status"], c["decision"]["reason"]) for c in first] == [
        ("pending", "new_author"),
        ("pending", "new_author"),
        ("approved", None),
    ]
    assert post(client, other_site, "c1").get_json()["status"] == "approved"  # the rule is the site's own


def test_first_comments_in_one_batch_count_in_order(app, client, site):
    site_settings.update(db_of(app), "alpha", first_comments_held=1)
    batch = {"comments": [comment("b1", CIVIL), comment("b2", CIVIL)]}
    results = client.post("/api/v1/comments/batch", json=batch, headers=auth(site)).get_json()["results"]
    assert [r["status"] for r in results] == ["pending", "approved"]


def test_exact_and_near_repeats_across_authors_are_held(app, client, site, other_site):
    from moderation.storage import review_queue as review

    site_settings.update(db_of(app), "alpha", hold_repeats=3)
    one = post(client, site, "c1", CAMPAIGN, author="a").get_json()
    two = post(client, site, "c2", CAMPAIGN.upper().replace(",", " ,"), author="b").get_json()  # exact, normalised
    three = post(client, site, "c3", NEAR, author="c").get_json()  # nearly the same
    assert [c["status"] for c in (one, two)] == ["approved", "approved"]
    assert (three["status"], three["decision"]["reason"]) == ("pending", "repeat")
    # another site: the same text is a first there
    assert post(client, other_site, "c1", CAMPAIGN, author="a").get_json()["status"] == "approved"
    unrelated = post(client, site, "c4", "De raad moet beslissen over de windmolens, niet een denktank.", author="d")
    assert unrelated.get_json()["status"] == "approved"
    item = review.get(db_of(app), None, one["id"])
    assert item["repeats"] == {"times": 3, "authors": 3}
    assert review.get(db_of(app), None, unrelated.get_json()["id"])["repeats"] == {"times": 1, "authors": 1}


def test_repeats_by_one_author_in_one_batch(app, client, site):
    from moderation.storage import review_queue as review

    site_settings.update(db_of(app), "alpha", hold_repeats=2)
    batch = {"comments": [comment(f"b{i}", CAMPAIGN) for i in range(3)]}
    results = client.post("/api/v1/comments/batch", json=batch, headers=auth(site)).get_json()["results"]
    assert [r["status"] for r in results] == ["approved", "pending", "pending"]
    assert review.get(db_of(app), None, results[2]["id"])["repeats"] == {"times": 3, "authors": 1}


def test_a_moderator_sees_only_authors_of_their_sites(app, client, site, other_site):
    post(client, other_site, "c1")
    with pytest.raises(authors.NotVisible):
        authors.profile(db_of(app), [site["id"]], other_site["id"], "u1")
    with pytest.raises(authors.NotVisible):
        authors.suspend(db_of(app), [site["id"]], other_site["id"], "u1", utcnow() + timedelta(days=1), "x", "m")
    with pytest.raises(authors.NotVisible):
        authors.block(db_of(app), [site["id"]], other_site["id"], "u1", "m")
    assert authors.profile(db_of(app), [other_site["id"]], other_site["id"], "u1")["total"] == 1


def test_the_author_profile(app, client, site):
    post(client, site, "c1")
    post(client, site, "c2", "Stelletje idioten daar op het stadhuis")
    post(client, site, "c3", author="u2")
    view = authors.profile(db_of(app), None, site["id"], "u1")
    assert (view["total"], view["counts"]["rejected"], view["rejected_share"]) == (2, 1, 0.5)
    assert view["first_seen"] <= view["last_seen"] and [c["external_id"] for c in view["comments"]] == ["c2", "c1"]
    with pytest.raises(authors.NotVisible):
        authors.profile(db_of(app), None, site["id"], "nobody")


def test_site_settings_for_the_author_rules_are_checked(app, site):
    view = site_settings.update(db_of(app), "alpha", suspended_comments="hold", first_comments_held=3, hold_repeats=4)
    assert (view["suspended_comments"], view["first_comments_held"], view["hold_repeats"]) == ("hold", 3, 4)
    for bad in ({"suspended_comments": "drop"}, {"first_comments_held": -1}, {"hold_repeats": 1.5}):
        with pytest.raises(site_settings.SettingsError):
            site_settings.update(db_of(app), "alpha", **bad)


def test_a_rule_names_itself_on_a_held_comment_but_leaves_urgent_and_rejected_ones(app, site):
    authors.set_premoderation(db_of(app), None, site["id"], "u1", True, "mod@example.org")
    analysis = {"stance": None, "incivility": None, "tags": [], "models": {}, "errors": []}

    def store(ext, decision):
        data = comment(ext, CIVIL)
        data["created_at"] = None
        record, _ = records.store_comment(db_of(app), site["id"], data, analysis, decision)
        return record["status"], record["decision"]["reason"], record["urgent"]

    assert store("c1", {"status": "pending", "urgent": False, "reason": "in doubt"}) == (
        "pending",
        "author_premoderated",
        False,
    )
    assert store("c2", {"status": "pending", "urgent": True, "reason": "threat"}) == ("pending", "threat", True)
    assert store("c3", {"status": "rejected", "urgent": False, "reason": "insult"}) == ("rejected", "insult", False)


def test_erasure_forgets_a_comments_repeat_keys(app, client, site):
    from moderation.storage import erasure
    from moderation.storage import review_queue as review
    from moderation.storage.tables import RepeatKey

    first = post(client, site, "c1", CAMPAIGN, author="a").get_json()["id"]
    second = post(client, site, "c2", CAMPAIGN, author="b").get_json()["id"]
    assert review.get(db_of(app), None, first)["repeats"] == {"times": 2, "authors": 2}
    erasure.erase_comment(db_of(app), site["id"], second)
    with db_of(app).session() as s:
        assert s.scalars(select(RepeatKey.comment_id).distinct()).all() == [first]
    assert review.get(db_of(app), None, first)["repeats"] == {"times": 1, "authors": 1}
