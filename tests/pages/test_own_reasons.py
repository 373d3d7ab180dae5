"""A site's own rejection reasons: added, edited and removed on the admin page, listed in the
reject dialog under their titles, and their text is what the writer reads."""

import re

from helpers.api import auth, comment
from helpers.review import add_moderator, db_of, login, seed

from moderation.storage import canned
from moderation.storage import comments as records
from moderation.storage import sites as site_settings

XSS = "<script>window.__pwned=1</script>"
OWN_TEXT = (
    "Uw reactie is niet geplaatst. Wervende berichten voor een partij plaatsen wij niet vlak voor de verkiezingen."
)


def _setup(app):
    db = db_of(app)
    site = records.create_site(db, "krant")
    other = records.create_site(db, "ander")
    add_moderator(app, "admin@example.org", role="admin", sites=["krant"])
    client = app.test_client()
    return db, site, other, client, login(client, "admin@example.org")


def _add(client, site, token, base="spam", title="Verkiezingsreclame", text=OWN_TEXT):
    return client.post(
        f"/admin/sites/{site['id']}/redenen",
        data={"csrf_token": token, "base": base, "title": title, "text": text},
    )


def test_add_edit_and_remove_an_own_reason(app):
    db, site, _, client, token = _setup(app)
    assert _add(client, site, token).status_code == 302
    [own] = canned.own_reasons(db, [site["id"]])
    assert own["code"] == "own-1" and own["base"] == "spam" and own["title"] == "Verkiezingsreclame"
    page = client.get(f"/admin/sites/{site['id']}/dsa").get_data(as_text=True)
    assert 'data-own="own-1"' in page and "Verkiezingsreclame" in page
    # saving the standard reasons keeps the own one
    client.post(
        f"/admin/sites/{site['id']}/dsa",
        data={"csrf_token": token, "title-spam": "Reclame", "text-spam": "Geen reclame, graag."},
    )
    assert [r["code"] for r in canned.own_reasons(db, [site["id"]])] == ["own-1"]
    r = client.post(
        f"/admin/sites/{site['id']}/redenen/own-1",
        data={"csrf_token": token, "action": "save", "base": "off_topic", "title": "Campagne " + XSS, "text": OWN_TEXT},
    )
    assert r.status_code == 302
    page = client.get(f"/admin/sites/{site['id']}/dsa").get_data(as_text=True)
    assert XSS not in page and "Campagne &lt;script&gt;" in page
    assert canned.own_reasons(db, [site["id"]])[0]["base"] == "off_topic"
    assert _add(client, site, token, title="Tweede").status_code == 302
    assert [r["code"] for r in canned.own_reasons(db, [site["id"]])] == ["own-1", "own-2"]
    r = client.post(f"/admin/sites/{site['id']}/redenen/own-1", data={"csrf_token": token, "action": "remove"})
    assert r.status_code == 302 and [r["code"] for r in canned.own_reasons(db, [site["id"]])] == ["own-2"]
    assert (
        client.post(
            f"/admin/sites/{site['id']}/redenen/own-1", data={"csrf_token": token, "action": "remove"}
        ).status_code
        == 404
    )


def test_bad_own_reasons_are_refused(app):
    db, site, other, client, token = _setup(app)
    for data, wrong in [({"base": "rude"}, "standaardredenen"), ({"title": ""}, "titel"), ({"text": "  "}, "tekst")]:
        r = _add(client, site, token, **data)
        assert r.status_code == 422 and wrong in r.get_data(as_text=True)
    assert canned.own_reasons(db, None) == []
    # an admin of one site cannot add to another
    assert _add(client, other, token).status_code == 404


def test_the_reject_dialog_lists_titles_and_own_reasons_and_the_writer_reads_the_text(app):
    db, site, other, client, token = _setup(app)
    canned.save(db, site["id"], {"insult": ("Schelden", "Schelden doen we hier niet.")})
    _add(client, site, token)
    canned.add_own(db, other["id"], "spam", "Van een ander", "Niet voor jou.")
    cid = seed(app, site, "c1", score=0.6)
    page = client.get("/queue").get_data(as_text=True)
    dialog = page[page.index('id="reject-dialog"') :]
    titles = re.findall(r'name="reason" value="([^"]+)"> (?:<kbd>\d</kbd> )?([^<]+)</label>', dialog)
    assert ("insult", "Schelden") in titles and ("own-1", "Verkiezingsreclame") in titles
    assert "Van een ander" not in dialog
    r = client.post(
        f"/comments/{cid}/decision",
        data={"csrf_token": token, "action": "reject", "reason": "own-1"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    record = client.get(f"/api/v1/comments/{cid}", headers=auth(site)).get_json()
    assert record["decision"]["reason"] == "spam" and record["decision"]["explanation"] == OWN_TEXT
    # codes are per site: one this site does not have is no reason
    second = seed(app, site, "c2", score=0.6)
    r = client.post(
        f"/comments/{second}/decision",
        data={"csrf_token": token, "action": "reject", "reason": "own-9"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 400


def test_an_automatic_rejection_uses_the_sites_own_text(app):
    db, site, _, client, _ = _setup(app)
    site_settings.update(db, "krant", tag_rules={"contains-pii": "reject"})
    canned.save(db, site["id"], {"personal_data": ("Privé", "Geen telefoonnummers in reacties, alstublieft.")})
    body = client.post(
        "/api/v1/comments", json=comment("p1", "Goed plan, bel me op 06-12345678."), headers=auth(site)
    ).get_json()
    assert body["status"] == "rejected" and body["decision"]["reason"] == "personal_data"
    assert body["decision"]["explanation"] == "Geen telefoonnummers in reacties, alstublieft."
