"""The admin's Moderatoren pages and the one-time link page, through Flask's test client on
SQLite and PostgreSQL: only admins, CSRF, invite → link → password → signed in, disabling
ends the other browser's session, site-limited admins, and the audit log's account rows."""

import re

import pytest
from helpers.review import PASSWORD, add_moderator, csrf_from, db_of, login

from moderation.storage import account_events, accounts

NEW_PASSWORD = "drie losse woorden hier"


@pytest.fixture
def admin_client(app):
    add_moderator(app, "baas@example.org", role="admin")
    client = app.test_client()
    client.csrf = login(client, "baas@example.org")
    return client


def link_in(html: str) -> str:
    return re.search(r'id="link-url"[^>]*value="http://localhost(/wachtwoord/[^"]+)"', html).group(1)


def invite(client, email, **form):
    return client.post(
        "/admin/moderators/uitnodigen", data={"email": email, "role": "moderator", "csrf_token": client.csrf, **form}
    )


def test_only_admins_reach_the_page_and_it_is_in_their_navigation(app, admin_client):
    page = admin_client.get("/admin/moderators").get_data(as_text=True)
    assert 'href="/admin/moderators"' in page and "baas@example.org" in page
    add_moderator(app)
    moderator = app.test_client()
    login(moderator)
    queue = moderator.get("/queue").get_data(as_text=True)
    assert 'href="/admin/moderators"' not in queue
    refused = moderator.get("/admin/moderators")
    assert refused.status_code == 403 and "Alleen beheerders" in refused.get_data(as_text=True)
    assert app.test_client().get("/admin/moderators").status_code == 302


def test_an_invitee_chooses_a_password_through_the_link_once(app, admin_client, site):
    forged = invite(admin_client, "nieuw@example.org", site=str(site["id"]), csrf_token="")
    assert forged.status_code == 400 and accounts.by_email(db_of(app), "nieuw@example.org") is None
    shown = invite(admin_client, "nieuw@example.org", site=str(site["id"]))
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    path = link_in(html)
    assert "uitgenodigd (link geldig tot" in html
    invitee = app.test_client()
    form = invitee.get(path)
    assert form.status_code == 200 and "nieuw@example.org" in form.get_data(as_text=True)
    assert form.headers["Cache-Control"] == "no-store" and form.headers["Referrer-Policy"] == "same-origin"
    token = csrf_from(form.get_data(as_text=True))
    mismatch = invitee.post(path, data={"password": NEW_PASSWORD, "password2": "iets anders hier", "csrf_token": token})
    assert mismatch.status_code == 422 and "niet gelijk" in mismatch.get_data(as_text=True)
    weak = invitee.post(path, data={"password": "kort", "password2": "kort", "csrf_token": token})
    assert weak.status_code == 422 and "minstens 12 tekens" in weak.get_data(as_text=True)
    done = invitee.post(path, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD, "csrf_token": token})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    queue = invitee.get("/queue")
    assert queue.status_code == 200 and "nieuw@example.org" in queue.get_data(as_text=True)
    account = accounts.by_email(db_of(app), "nieuw@example.org")
    assert account["last_login_at"] is not None and account["site_ids"] == [site["id"]]
    again = app.test_client().get(path)
    assert again.status_code == 410 and "al gebruikt" in again.get_data(as_text=True)
    assert app.test_client().get("/wachtwoord/verzonnen").status_code == 404
    listing = admin_client.get("/admin/moderators").get_data(as_text=True)
    row = listing[listing.index(f'id="m-{account["id"]}"') :].split("</tr>")[0]
    assert "actief" in row and "uitgenodigd" not in row and "Uitnodiging aangenomen" in listing


def test_disabling_ends_the_open_session_and_sign_in(app, admin_client):
    mod = add_moderator(app)
    other = app.test_client()
    login(other)
    r = admin_client.post(f"/admin/moderators/{mod['id']}/uitschakelen", data={"csrf_token": admin_client.csrf})
    assert r.status_code == 302
    assert other.get("/queue").status_code == 302  # the next page goes to the login page
    token = csrf_from(other.get("/login").get_data(as_text=True))
    refused = other.post("/login", data={"email": "mod@example.org", "password": PASSWORD, "csrf_token": token})
    assert refused.status_code == 401
    page = admin_client.get(f"/admin/moderators/{mod['id']}").get_data(as_text=True)
    assert "uitgeschakeld" in page and "Weer inschakelen" in page
    admin_client.post(f"/admin/moderators/{mod['id']}/inschakelen", data={"csrf_token": admin_client.csrf})
    login(other)


def test_role_and_sites_change_and_reset_shows_a_new_link(app, admin_client, site, other_site):
    mod = add_moderator(app)
    r = admin_client.post(
        f"/admin/moderators/{mod['id']}/toegang",
        data={"role": "admin", "site": [str(site["id"]), str(other_site["id"])], "csrf_token": admin_client.csrf},
    )
    assert r.status_code == 302
    changed = accounts.get(db_of(app), mod["id"])
    assert changed["role"] == "admin" and changed["site_ids"] == sorted([site["id"], other_site["id"]])
    bad = admin_client.post(
        f"/admin/moderators/{mod['id']}/toegang", data={"role": "admin", "site": "x", "csrf_token": admin_client.csrf}
    )
    assert bad.status_code == 400 and "kon niet worden gelezen" in bad.get_data(as_text=True)
    reset = admin_client.post(f"/admin/moderators/{mod['id']}/wachtwoord", data={"csrf_token": admin_client.csrf})
    assert reset.status_code == 200 and "/wachtwoord/" in link_in(reset.get_data(as_text=True))
    history = admin_client.get(f"/admin/moderators/{mod['id']}").get_data(as_text=True)
    assert "Rol of sites gewijzigd" in history and "Link voor nieuw wachtwoord gemaakt" in history


def test_an_admin_cannot_leave_the_service_without_an_admin(app, admin_client):
    me = accounts.by_email(db_of(app), "baas@example.org")
    for path, data in [
        ("uitschakelen", {}),
        ("verwijderen", {"zeker": "ja"}),
        ("toegang", {"role": "moderator", "alle_sites": "ja"}),
    ]:
        r = admin_client.post(f"/admin/moderators/{me['id']}/{path}", data={**data, "csrf_token": admin_client.csrf})
        assert r.status_code == 422 and "geen beheerder meer" in r.get_data(as_text=True), path
    assert accounts.get(db_of(app), me["id"])["role"] == "admin" and admin_client.get("/queue").status_code == 200


def test_removing_needs_a_tick_and_leaves_the_audit_rows(app, admin_client):
    mod = add_moderator(app)
    path = f"/admin/moderators/{mod['id']}/verwijderen"
    assert admin_client.post(path, data={"csrf_token": admin_client.csrf}).status_code == 422
    assert admin_client.post(path, data={"zeker": "ja", "csrf_token": admin_client.csrf}).status_code == 302
    assert accounts.get(db_of(app), mod["id"]) is None
    assert admin_client.get(f"/admin/moderators/{mod['id']}").status_code == 404
    audit = admin_client.get("/audit").get_data(as_text=True)
    assert "Account mod@example.org" in audit and "Verwijderd" in audit
    assert [e["action"] for e in account_events.entries(db_of(app)) if e["email"] == "mod@example.org"][0] == "remove"


def test_a_site_limited_admin_sees_and_grants_only_their_sites(app, site, other_site):
    add_moderator(app, "lokaal@example.org", role="admin", sites=["alpha"])
    add_moderator(app, "baas@example.org", role="admin")
    beta = add_moderator(app, "beta@example.org", sites=["beta"])
    client = app.test_client()
    client.csrf = login(client, "lokaal@example.org")
    listing = client.get("/admin/moderators").get_data(as_text=True)
    assert "beta@example.org" not in listing and "baas@example.org" not in listing
    assert 'name="alle_sites"' not in listing and f'value="{other_site["id"]}"' not in listing
    assert client.get(f"/admin/moderators/{beta['id']}").status_code == 404
    r = client.post(f"/admin/moderators/{beta['id']}/uitschakelen", data={"csrf_token": client.csrf})
    assert r.status_code == 404 and not accounts.get(db_of(app), beta["id"])["disabled"]
    refused = invite(client, "x@example.org", site=str(other_site["id"]))
    assert refused.status_code == 422 and "sites die je zelf beheert" in refused.get_data(as_text=True)
    assert accounts.by_email(db_of(app), "x@example.org") is None
    assert "Account " not in client.get("/audit").get_data(as_text=True)  # account rows: admins of every site


def test_the_login_page_sends_people_to_an_admin_not_to_a_command(client):
    page = client.get("/login").get_data(as_text=True)
    assert "moderation moderators" not in page and "Vraag een beheerder om een uitnodiging" in page
