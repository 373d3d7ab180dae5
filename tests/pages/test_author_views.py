"""The author page and the author rules on the moderator and admin pages (Flask test client)."""

import re
from datetime import timedelta

import pytest
from helpers.api import auth, comment
from helpers.review import add_moderator, db_of, login, seed

from moderation.storage import authors
from moderation.storage import comments as records
from moderation.storage import sites as site_settings
from moderation.storage.tables import utcnow

CAMPAIGN = "Stop de windmolens in Drenthe nu, teken allemaal de petitie op onze website vandaag nog!"


def html(response):
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:500])
    return response.get_data(as_text=True)


@pytest.fixture
def token(app, client):
    add_moderator(app)
    return login(client)


def test_a_card_links_to_the_author_page_with_their_history(app, client, site, token):
    seed(app, site, "a", author=("lezer/7", "Kees"), status="approved")
    seed(app, site, "b", text="Nog een <b>reactie</b> van Kees.", author=("lezer/7", "Kees"), status="rejected")
    seed(app, site, "c", author=("lezer/7", "Kees"), status="pending")
    queue = html(client.get("/queue"))
    link = re.search(r'<a class="author" href="([^"]+)"', queue).group(1)
    assert link == f"/sites/{site['id']}/authors/lezer/7"
    page = html(client.get(link))
    assert "Kees" in page and "op alpha" in page
    assert re.search(r"data-rejected-share>33%<", page)
    assert "&lt;b&gt;reactie&lt;/b&gt;" in page and "<b>reactie</b>" not in page  # escaped
    assert "Voor het eerst gezien" in page and "Geen maatregelen." in page


def test_a_moderator_of_another_site_gets_a_404(app, client, site, other_site):
    seed(app, other_site, "x", author=("u1", "Anna"))
    add_moderator(app, "alpha@example.org", sites=["alpha"])
    csrf = login(client, "alpha@example.org")
    assert client.get(f"/sites/{other_site['id']}/authors/u1").status_code == 404
    r = client.post(f"/sites/{other_site['id']}/authors/u1", data={"csrf_token": csrf, "action": "block"})
    assert r.status_code == 404
    with db_of(app).session() as s:
        from moderation.storage.tables import Comment

        assert {c.status for c in s.query(Comment)} == {"pending"}


def test_suspend_premoderate_and_block_from_the_page_land_in_the_audit_log(app, client, site, token):
    seed(app, site, "a", author=("u1", "Kees"), status="approved")
    url = f"/sites/{site['id']}/authors/u1"
    until = (utcnow() + timedelta(days=10)).date().isoformat()
    r = client.post(url, data={"csrf_token": token, "action": "suspend", "reason": "scheldt", "until": until})
    assert r.status_code == 302
    page = html(client.get(url))
    assert 'data-state="suspended"' in page and "scheldt" in page and "U bent geschorst tot" in page
    assert client.post(url, data={"csrf_token": token, "action": "suspend", "until": until}).status_code == 400
    assert client.post(url, data={"csrf_token": token, "action": "premoderate"}).status_code == 302
    assert client.post(url, data={"csrf_token": token, "action": "block", "reason": "trol"}).status_code == 302
    page = html(client.get(url))
    assert 'data-state="premoderated"' in page and 'data-state="blocked"' in page
    assert "Schrijver geblokkeerd" in page  # the comment's reason now
    log = html(client.get("/audit"))
    for what in ("Geschorst", "Voorafgaand toezicht aan", "Geblokkeerd en alles verborgen"):
        assert what in log
    assert f'href="{url}"' in log
    assert client.post(url, data={"action": "block"}).status_code == 400  # no CSRF token


def test_the_card_shows_how_often_a_text_was_posted(app, client, site, token):
    for i, author in enumerate(("a", "b", "a")):
        client.post(
            "/api/v1/comments",
            json=comment(f"c{i}", CAMPAIGN, author={"id": author, "name": author.upper()}),
            headers=auth(site),
        )
    page = html(client.get("/queue/approved"))
    assert page.count("3 keer geplaatst (door 2 schrijvers)") == 3
    cid = records.find_comment(db_of(app), site["id"], "c0")["id"]
    assert "3 keer geplaatst (door 2 schrijvers)" in html(client.get(f"/comments/{cid}"))


def test_an_admin_sets_the_author_rules_on_the_site_page(app, client, site):
    add_moderator(app, "admin@example.org", role="admin")
    csrf = login(client, "admin@example.org")
    page = html(client.get(f"/admin/sites/{site['id']}"))
    assert 'name="first_comments_held"' in page and 'name="hold_repeats"' in page
    data = {"csrf_token": csrf, "mode": "pre", "suspended_comments": "hold", "first_comments_held": "2"}
    assert client.post(f"/admin/sites/{site['id']}", data={**data, "hold_repeats": "3"}).status_code == 302
    view = site_settings.get(db_of(app), "alpha")
    assert (view["suspended_comments"], view["first_comments_held"], view["hold_repeats"]) == ("hold", 2, 3)
    bad = client.post(f"/admin/sites/{site['id']}", data={**data, "hold_repeats": "veel"})
    assert bad.status_code == 422 and site_settings.get(db_of(app), "alpha")["hold_repeats"] == 3


def test_the_suspension_shows_the_sites_choice(app, client, site, token):
    seed(app, site, "a", author=("u1", "Kees"))
    authors.suspend(db_of(app), None, site["id"], "u1", utcnow() + timedelta(days=2), "spam", "mod@example.org")
    assert "worden geweigerd" in html(client.get(f"/sites/{site['id']}/authors/u1"))
    site_settings.update(db_of(app), "alpha", suspended_comments="hold")
    assert "vastgehouden voor een moderator" in html(client.get(f"/sites/{site['id']}/authors/u1"))
