"""The moderator pages in a real browser: Debian's chromium driven by Playwright.

One real server for the module (``moderation serve``: gunicorn, a temporary
SQLite database), comments posted through the HTTP API, a moderator made with
the CLI.  A failing test leaves a screenshot in test-artifacts/.
"""

import re
import shutil
import sys
from pathlib import Path

import pytest
from helpers.browser import (
    ARTIFACTS,
    CHROMIUM,
    EMAIL,
    login,
    new_context,
    playwright,
    require_browser,
)
from helpers.browser import item_of as _item
from helpers.browser import posted_and_found as _posted_and_found

pytestmark = pytest.mark.browser
require_browser()

INSULT = "Die ambtenaren zijn echt zakkenvullers, schrap die hele afdeling maar."
XSS = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> die prutsers ook'


def test_login_shows_the_comment_with_its_words_highlighted(page, server):
    server.post("insult", INSULT)
    page.goto(server.url + "/queue?q=zakkenvullers")
    item = _item(page, server, "insult")
    mark = item.locator("mark.span")
    assert mark.count() == 1 and mark.first.inner_text().startswith("zakkenvullers")
    assert "span-insult" in mark.first.get_attribute("class")
    assert item.locator(".text").inner_text().startswith("Die ambtenaren zijn echt zakkenvullers")
    assert (
        item.get_by_role("link", name="Ambtenaren zitten elkaar in de weg").get_attribute("href")
        == "https://example.org/artikel"
    )
    assert page.js_errors == []


def test_approve_with_the_keyboard(page, server):
    item = _posted_and_found(
        page,
        server,
        "keyboard",
        "Laat de wijkteams zelf beslissen, minder regels graag. toetsenbordtest",
        "toetsenbordtest",
    )
    page.keyboard.press("?")
    assert page.locator("#keys-help").is_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    assert "current" in item.get_attribute("class")
    page.keyboard.press("a")
    item.wait_for(state="detached")
    # the last item leaves, so the page reloads and carries its message over: wait for it
    page.locator("#messages", has_text=re.compile(r"Reactie #\d+ goedgekeurd\.")).wait_for()
    status = server.status("keyboard")
    assert status["status"] == "approved" and status["decision"]["by"] == "moderator"
    assert page.js_errors == []


def test_reject_several_at_once_with_a_reason(page, server):
    for i in range(3):
        server.post(f"bulk{i}", f"Koop nu goedkope zonnepanelen bij ons, bulkactie nummer {i}!")
    server.post("bulk-keep", "Bulkactie: deze blijft staan, een gewone vraag over de raad?")
    page.goto(server.url + "/queue?q=bulkactie")
    for name in ("bulk0", "bulk1", "bulk2", "bulk-keep"):
        _item(page, server, name).wait_for()
    for name in ("bulk0", "bulk1", "bulk2"):
        _item(page, server, name).locator("input.select").check()
    assert page.locator("[data-bulk-count]").inner_text() == "3 geselecteerd"
    page.locator("body").press("r")  # focus is on a checkbox: keys still work there
    dialog = page.locator("#reject-dialog")
    assert dialog.is_visible() and "3 reacties" in dialog.inner_text()
    page.keyboard.press("6")  # spam
    assert dialog.get_by_label("Spam").is_checked()
    dialog.get_by_label("Uitleg voor de schrijver").fill("Reclame plaatsen we niet onder artikelen.")
    dialog.get_by_label("Notitie").fill("reclame voor zonnepanelen")
    page.keyboard.press("Enter")
    for name in ("bulk0", "bulk1", "bulk2"):
        _item(page, server, name).wait_for(state="detached")
    assert "3 reacties afgewezen (spam)." in page.locator("#messages").inner_text()
    assert _item(page, server, "bulk-keep").is_visible()
    for name in ("bulk0", "bulk1", "bulk2"):
        status = server.status(name)
        assert status["status"] == "rejected" and status["decision"]["reason"] == "spam"
        assert status["decision"]["explanation"] == "Reclame plaatsen we niet onder artikelen."
    assert server.status("bulk-keep")["status"] == "pending"


def test_correct_a_label_and_find_it_in_the_audit_log(page, server):
    item = _posted_and_found(
        page, server, "label", "Ik ben niet tegen participatie, maar de raad moet beslissen. labeltest", "labeltest"
    )
    page.keyboard.press("j")
    page.keyboard.press("c")
    stance = item.get_by_label("Standpunt", exact=True)
    assert stance.evaluate("el => el === document.activeElement")
    before = stance.input_value()
    target = "neutral" if before == "pro-policy" else "pro-policy"
    stance.select_option(target)
    item.get_by_role("button", name="Correctie opslaan").click()
    page.locator("#messages").get_by_text("standpunt gecorrigeerd").wait_for()
    expected = {"pro-policy": "Pro-beleid", "neutral": "Neutraal"}[target]
    # the item is re-read from the server after the message: wait for it, do not race it
    playwright.expect(_item(page, server, "label").locator(".label-stance strong")).to_have_text(expected)
    page.goto(server.url + "/audit")
    row = page.locator("tr.audit-correction", has=page.locator(f"a[href='/comments/{server.ids['label']}']"))
    assert row.count() == 1 and EMAIL in row.inner_text() and expected in row.inner_text()
    # a decision shows up there too, with the status the site now sees
    page.goto(server.url + "/queue?q=labeltest")
    page.keyboard.press("j")
    page.keyboard.press("e")
    _item(page, server, "label").wait_for(state="detached")
    page.wait_for_load_state("networkidle")  # the queue may still reload itself after the key
    page.goto(server.url + "/audit")
    row = page.locator("tr.audit-decision", has=page.locator(f"a[href='/comments/{server.ids['label']}']"))
    assert "(geëscaleerd)" in row.inner_text()
    status = server.status("label")
    assert status["status"] == "pending" and status["urgent"] is True


def test_a_script_in_a_comment_does_not_run(page, server):
    server.post("xss", XSS, author={"id": "x", "name": '<img src=x onerror="window.__pwned = 3">'})
    page.goto(server.url + "/queue?q=prutsers+ook")
    item = _item(page, server, "xss")
    item.wait_for()
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []
    assert item.locator(".text").inner_text().startswith("<script>window.__pwned = 1</script><img src=x onerror=")
    assert item.locator(".author").first.inner_text() == '<img src=x onerror="window.__pwned = 3">'
    assert item.locator(".text script, .text img, .author img").count() == 0
    page.goto(server.url + f"/comments/{server.ids['xss']}")
    assert page.evaluate("window.__pwned") is None and page.dialogs == []


def test_the_plain_forms_work_without_javascript(chromium, server, tmp_path, request):
    server.post("nojs", "Zonder javascript beslissen, graag meer inspraak. nojstest")
    context = new_context(chromium, tmp_path, java_script_enabled=False)
    tab = context.new_page()
    failed_before = request.session.testsfailed
    try:
        login(tab, server)
        tab.goto(server.url + "/queue?q=nojstest")
        item = _item(tab, server, "nojs")
        item.get_by_label("Reden").select_option("off_topic")
        item.get_by_role("button", name="Afwijzen").click()
        tab.wait_for_url(re.compile(r".*/queue\?q=nojstest$"))
        assert "afgewezen (off-topic)." in tab.locator("#messages").inner_text()
        assert _item(tab, server, "nojs").count() == 0
        assert server.status("nojs")["decision"]["reason"] == "off_topic"
    finally:
        if request.session.testsfailed > failed_before or sys.exc_info()[0] is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        context.close()


def test_screenshot_on_failure_is_written(tmp_path):
    """The artefact directory is where CI collects screenshots; it must be creatable and ignored by git."""
    assert "test-artifacts/" in (Path(__file__).resolve().parents[2] / ".gitignore").read_text().split()
    assert shutil.which("chromium") or Path(CHROMIUM).exists()


# --- the DSA queues: Gemeld and Bezwaren ---------------------------------------------------------


def _db(server):
    from moderation.storage.database import Database

    return Database(server.env["DATABASE_URL"])


def test_gemeld_a_readers_notice_is_upheld_with_the_keyboard(page, server):
    server.post("reported", "Die wethouder moet je eens flink aanpakken, gemeldtest")
    notice = server.api(
        "POST",
        "/api/v1/notices",
        {
            "comment_external_id": server.status("reported")["external_id"],
            "ground": "illegal",
            "legal_ground": "art. 285 Sr (bedreiging)",
            "category": "STATEMENT_CATEGORY_VIOLENCE",
            "explanation": 'Dit is een bedreiging <img src=x onerror="window.__pwned = 3">',
            "notifier": {"name": "Anna", "email": "anna@example.org"},
            "bona_fide": True,
        },
    )
    page.goto(server.url + "/gemeld")
    assert page.locator('[data-count="gemeld"]').inner_text() == "1"
    item = _item(page, server, "reported")
    item.wait_for()
    assert "art. 285 Sr (bedreiging)" in item.locator(".notices").inner_text()
    assert 'onerror="window.__pwned = 3"' in item.locator(".notice-text").inner_text()
    page.keyboard.press("j")
    page.keyboard.press("r")
    dialog = page.locator("#reject-dialog")
    assert dialog.is_visible()
    page.keyboard.press("3")  # threat
    page.keyboard.press("Enter")
    item.wait_for(state="detached")
    # the last item leaves, so the page reloads and carries its messages over: wait for it
    page.locator("#messages", has_text="melding toegekend").wait_for()
    status = server.status("reported")
    assert status["status"] == "rejected" and status["decision"]["reason"] == "threat"
    statement = status["decision"]["statement"]
    assert statement["source_type"] == "SOURCE_ARTICLE_16"
    assert statement["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert server.api("GET", f"/api/v1/notices/{notice['id']}")["state"] == "upheld"
    assert page.evaluate("window.__pwned") is None and page.js_errors == []


def test_bezwaren_a_writers_appeal_is_reversed_with_the_keyboard(page, server):
    from moderation.storage import review_queue
    from moderation.storage import sites as site_settings

    server.post("appealed", "De raad slaapt, word eens wakker. bezwaartest")
    db = _db(server)
    try:
        site_settings.update_dsa(db, "browser", role="platform")
        review_queue.decide(db, None, [server.ids["appealed"]], "reject", EMAIL, reason="insult")
    finally:
        db.dispose()
    first = server.status("appealed")["decision"]["statement"]
    appeal = server.api(
        "POST",
        "/api/v1/appeals",
        {
            "comment_external_id": server.status("appealed")["external_id"],
            "appellant": "author",
            "text": "Ik beledig niemand, ik zeg dat de raad slaapt.",
        },
    )
    page.goto(server.url + "/bezwaren")
    assert page.locator('[data-count="bezwaren"]').inner_text() == "1"
    item = _item(page, server, "appealed")
    item.wait_for()
    text = item.locator(".appeals").inner_text()
    assert "Ik beledig niemand" in text and first["puid"] in text
    page.keyboard.press("j")
    page.keyboard.press("a")
    item.wait_for(state="detached")
    page.locator("#messages", has_text="Bezwaar bij reactie").wait_for()
    status = server.status("appealed")
    assert status["status"] == "approved"
    assert status["decision"]["statement"]["decision_visibility"] == ["DECISION_VISIBILITY_OTHER"]
    assert server.api("GET", f"/api/v1/appeals/{appeal['id']}")["state"] == "reversed"
    assert page.js_errors == []
