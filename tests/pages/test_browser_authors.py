"""The author page in a real browser: open it from a card, suspend the author with a reason and
an end date, and see a new comment of theirs refused or held, as the site chose."""

import json
import time
import urllib.error
import urllib.request
import uuid
from datetime import date, timedelta

import pytest
from helpers.browser import item_of, require_browser, run_cli, running_server

pytestmark = pytest.mark.browser
require_browser()

TEXT = "Ik vind dat de wijkteams zelf moeten kunnen beslissen over hun budget."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Every comment waits for a person (as the shared server), with a policy ``sites set`` accepts."""
    policy = {"approve_below": 0.0, "reject_above": 1.0, "mode": "pre"}
    with running_server(tmp_path_factory.mktemp("browser-authors"), policy=policy) as running:
        yield running


def post_raw(server, author, text=TEXT):
    """POST a comment for ``author``; ``(status, body)`` also for a refusal."""
    body = {
        "external_id": f"x-{uuid.uuid4().hex[:8]}",
        "text": text,
        "article": {"id": "art-1", "title": "Wijkteams", "url": "https://example.org/artikel"},
        "author": {"id": author, "name": "Kees"},
    }
    request = urllib.request.Request(
        server.url + "/api/v1/comments",
        method="POST",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {server.site['api_key']}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def eventually(check, seconds=10.0):
    """The server caches a site's settings for 2 s: wait for a changed setting to be seen."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.3)


def test_suspend_an_author_from_their_card_and_their_next_comment_is_refused_then_held(page, server):
    server.post("schorsing", TEXT)  # author "lezer-schorsing"
    page.goto(server.url + "/queue")
    card = item_of(page, server, "schorsing")
    card.locator("a.author").click()
    page.wait_for_url("**/authors/lezer-schorsing")
    assert "1 reactie" in page.locator("#h-stats").inner_text()
    assert page.locator('[data-state="none"]').is_visible()

    until = date.today() + timedelta(days=14)
    form = page.get_by_role("form", name="Schorsing")
    form.get_by_label("Reden").fill("Scheldt <medeschrijvers> uit")
    form.get_by_label("Geschorst tot (datum)").fill(until.isoformat())
    form.get_by_role("button", name="Schorsen").click()
    page.wait_for_url("**/authors/lezer-schorsing")

    badge = page.locator('[data-state="suspended"]')
    shown = badge.text_content()  # the badge is in capitals on screen
    assert badge.is_visible() and f"Geschorst tot {until.day} dec {until.year}" in shown
    assert "Scheldt <medeschrijvers> uit" in page.locator(".suspension").inner_text()  # shown as text, escaped
    assert "worden geweigerd" in page.locator(".suspension").inner_text()
    assert "U bent geschorst tot" in page.locator(".author-log").inner_text()

    status, problem = post_raw(server, "lezer-schorsing")
    assert status == 403 and problem["type"].endswith("/author-suspended")
    # the end of the chosen day's eve in UTC: the suspension ends as that day starts in the Netherlands
    assert problem["suspended_until"].startswith((until - timedelta(days=1)).isoformat() + "T23:00")
    assert post_raw(server, "lezer-ander")[0] == 201  # someone else is not suspended

    run_cli(["sites", "set", "browser", "--suspended-comments", "hold"], server.env)
    held = eventually(lambda: (r := post_raw(server, "lezer-schorsing"))[0] == 201 and r)
    assert held, "the held comment was not stored"
    assert (held[1]["status"], held[1]["decision"]["reason"]) == ("pending", "author_suspended")
    page.reload()
    assert "vastgehouden voor een moderator" in page.locator(".suspension").inner_text()
    assert "2 reacties" in page.locator("#h-stats").inner_text()

    page.get_by_role("form", name="Schorsing").get_by_role("button", name="Schorsing opheffen").click()
    page.wait_for_url("**/authors/lezer-schorsing")
    assert page.locator('[data-state="suspended"]').count() == 0
    run_cli(["sites", "set", "browser", "--suspended-comments", "refuse"], server.env)
    assert post_raw(server, "lezer-schorsing")[0] == 201
    assert page.js_errors == []


def test_block_and_hide_all_and_undo_it(page, server):
    server.post("blok", TEXT)
    server.post("blok2", TEXT + " Echt waar.", author={"id": "lezer-blok", "name": "Kees"})
    page.goto(f"{server.url}/sites/{server.site['id']}/authors/lezer-blok")
    page.get_by_role("form", name="Blokkeren").get_by_role("button", name="Blokkeren en alles verbergen").click()
    page.wait_for_url("**/authors/lezer-blok")
    assert page.locator('[data-state="blocked"]').is_visible()
    statuses = page.locator(".author-comments td.status").all_inner_texts()
    assert statuses == ["Afgewezen", "Afgewezen"]
    assert server.status("blok")["decision"]["reason"] == "author_blocked"
    page.get_by_role("form", name="Blokkeren").get_by_role("button", name="Blokkade opheffen").click()
    page.wait_for_url("**/authors/lezer-blok")
    assert page.locator(".author-comments td.status").all_inner_texts() == ["Wacht op beoordeling"] * 2
    assert server.status("blok")["status"] == "pending"
