"""The admin site page: tag rules, the weekly schedule and the dashboard's target."""

from helpers.review import add_moderator, login

from moderation.storage import comments as records
from moderation.storage import sites as site_settings


def setup(app):
    db = app.extensions["moderation"].db
    alpha = records.create_site(db, "alpha")
    client = app.test_client()
    add_moderator(app, role="admin")
    return db, client, alpha, login(client)


def test_an_admin_sets_tag_rules_schedule_and_target(app):
    db, client, alpha, token = setup(app)
    page = client.get(f"/admin/sites/{alpha['id']}").get_data(as_text=True)
    assert 'value="contains-pii"' in page and "Regels per tag" in page  # the default for a new site
    r = client.post(
        f"/admin/sites/{alpha['id']}",
        data={
            "csrf_token": token,
            "tag-1": "contains-pii",
            "action-1": "hold",
            "tag-2": "spam",
            "action-2": "reject:spam",
            "tag-3": "",
            "action-3": "hold",
            "schedule_hours": "mon-fri 07:00-23:00",
            "schedule_outside": "pre",
            "timezone": "Europe/Amsterdam",
            "target_minutes": "20",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    view = site_settings.get(db, "alpha")
    assert view["tag_rules"] == {"contains-pii": "hold", "spam": "reject:spam"}
    assert view["schedule"] == {"hours": "mon-fri 07:00-23:00", "outside": "pre", "timezone": "Europe/Amsterdam"}
    assert view["target_minutes"] == 20
    # emptying a tag removes its rule; emptying the hours removes the schedule
    client.post(
        f"/admin/sites/{alpha['id']}",
        data={
            "csrf_token": token,
            "tag-1": "",
            "action-1": "hold",
            "tag-2": "spam",
            "action-2": "reject:spam",
            "schedule_hours": "",
        },
    )
    view = site_settings.get(db, "alpha")
    assert view["tag_rules"] == {"spam": "reject:spam"} and view["schedule"] is None


def test_bad_rules_and_hours_are_shown_not_stored(app):
    db, client, alpha, token = setup(app)
    for data, wrong in [
        ({"tag-1": "spam", "action-1": "reject:<script>"}, "reason"),
        ({"schedule_hours": "maandag <b>07:00</b>"}, "days"),
        ({"target_minutes": "snel"}, "minuten"),
    ]:
        r = client.post(f"/admin/sites/{alpha['id']}", data={"csrf_token": token, **data})
        body = r.get_data(as_text=True)
        assert r.status_code == 422 and wrong in body
        assert "<script>" not in body and "<b>07:00" not in body
    assert site_settings.get(db, "alpha")["tag_rules"] == {"contains-pii": "hold"}


def test_a_held_comment_says_which_rule_held_it(app):
    from helpers.api import auth, comment

    db, client, alpha, _ = setup(app)
    held = client.post(
        "/api/v1/comments", json=comment("p1", "Goed plan, bel me op 06-12345678."), headers=auth(alpha)
    ).get_json()
    assert held["status"] == "pending"
    page = client.get(f"/comments/{held['id']}").get_data(as_text=True)
    assert "Regel voor tag contains-pii" in page
