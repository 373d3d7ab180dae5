"""The dense queue in a real browser: four comments on a laptop screen, live counters, undo,
the urgent-approval dialog, and every page on a phone without sideways scrolling."""

import re

import pytest
from helpers.browser import PASSWORD, new_context, playwright, require_browser, run_cli
from helpers.browser import item_of as _item
from sqlalchemy import select, update

pytestmark = pytest.mark.browser
require_browser()

expect = playwright.expect if playwright else None
ADMIN = "beheer@example.org"
LONG_WORD = "Gemeenteraadsvergaderingsvoorbereidingsdocumentatie" * 6


def _db(server):
    from moderation.storage.database import Database

    return Database(server.env["DATABASE_URL"])


def _in_view(tab, locator):
    box = locator.bounding_box()
    size = tab.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["width"] > 0


def _count(tab, name):
    return tab.locator(f'[data-count-of="{name}"] .count')


def test_four_comments_fit_on_a_laptop_screen(page, server):
    for i in range(5):
        server.post(f"dense{i}", f"Een korte vraag over de raad, nummer {i}. dichtheid")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(server.url + "/queue")
    items = page.locator("article.item")
    expect(items).to_have_count(5)
    visible = [i for i in range(items.count()) if _in_view(page, items.nth(i))]
    assert len(visible) >= 4, visible
    # the action forms show for the current comment only; a click makes a comment current
    assert page.locator("form.decide:visible").count() == 0
    page.keyboard.press("j")
    assert page.locator("form.decide:visible").count() == 1
    third = items.nth(2)
    third.locator(".text").click()
    assert "current" in third.get_attribute("class")
    assert third.locator("form.decide").is_visible() and not items.nth(0).locator("form.decide").is_visible()
    # the current card's header is never under the sticky bulk bar
    for _ in range(4):
        page.keyboard.press("j")
        bar = page.locator("#bulk").bounding_box()
        head = page.locator("article.item.current .item-head").bounding_box()
        assert head["y"] >= bar["y"] + bar["height"] - 1
    assert page.js_errors == []


def test_nav_counters_and_the_message_follow_a_keyboard_decision(page, server):
    for i in range(6):  # more than fit on the screen, so the page scrolls to the last one
        server.post(f"counted{i}", f"Over de wijkraad wil ik meer weten, vraag {i}. tellertest")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(server.url + "/queue?q=tellertest")
    _item(page, server, "counted5").wait_for()
    pending, escalated = int(_count(page, "pending").inner_text()), int(_count(page, "escalated").inner_text())
    page.evaluate("window.__samePage = true")
    for _ in range(6):
        page.keyboard.press("j")
    last = page.locator("article.item.current")
    assert page.evaluate("window.scrollY") > 0
    last_id = last.get_attribute("data-id")
    page.keyboard.press("e")
    page.locator(f"#c-{last_id}").wait_for(state="detached")
    expect(_count(page, "pending")).to_have_text(str(pending - 1))
    expect(_count(page, "escalated")).to_have_text(str(escalated + 1))
    assert page.evaluate("window.__samePage") is True  # no reload did it
    message = page.locator("#messages .message", has_text=f"Reactie #{last_id} geëscaleerd")
    message.wait_for()
    assert _in_view(page, message) and page.evaluate("window.scrollY") > 0


def test_undo_brings_the_comment_back_and_corrects_the_webhook(page, server):
    from moderation.storage.tables import OutboxEvent, Site

    db = _db(server)
    try:
        with db.session() as s:  # nothing listens there and no worker runs: the events stay in the outbox
            s.execute(update(Site).where(Site.name == "browser").values(webhook_url="http://127.0.0.1:9/hook"))
        server.post("undone", "De gemeente mag best wat sneller antwoorden. ongedaantest")
        server.post("kept", "Ik wacht al weken op de gemeente. ongedaantest")
        page.goto(server.url + "/queue?q=ongedaantest")
        item = _item(page, server, "undone")
        item.wait_for()
        item.locator(".text").click()
        page.keyboard.press("a")
        item.wait_for(state="detached")
        toast = page.locator("#messages .message", has=page.get_by_role("button", name="Ongedaan maken"))
        toast.wait_for()
        assert server.status("undone")["status"] == "approved"
        page.keyboard.press("u")
        page.locator("#messages", has_text="ongedaan gemaakt: terug in de wachtrij").wait_for()
        expect(item).to_be_visible()
        assert "current" in item.get_attribute("class")
        status = server.status("undone")
        assert status["status"] == "pending" and status["decision"]["reason"] == "undone"
        with db.session() as s:
            events = list(
                s.scalars(
                    select(OutboxEvent).where(OutboxEvent.comment_id == server.ids["undone"]).order_by(OutboxEvent.id)
                )
            )
        assert [e.event_type for e in events] == ["comment.approved", "comment.decision_reverted"]
        assert events[1].payload["reverted"]["event_id"] == events[0].payload["id"]
        assert events[1].payload["comment"]["status"] == "pending"
    finally:
        with db.session() as s:
            s.execute(update(Site).where(Site.name == "browser").values(webhook_url=None))
        db.dispose()
    assert page.js_errors == []


def test_approving_an_urgent_comment_asks_first(page, server):
    server.post("threat", "Ik weet waar je woont, pas maar op wethouder. dreigtest")
    page.goto(server.url + "/queue?q=dreigtest")
    item = _item(page, server, "threat")
    item.wait_for()
    assert item.get_attribute("data-urgent") is not None
    dialog = page.locator("#urgent-dialog")
    # by keyboard: cancelling leaves it waiting
    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Annuleren").click()
    expect(dialog).to_be_hidden()
    assert server.status("threat")["status"] == "pending" and item.is_visible()
    # selected for a bulk approval: asked too
    page.keyboard.press("x")
    page.locator("#bulk").get_by_role("button", name="Goedkeuren").click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert server.status("threat")["status"] == "pending"
    page.keyboard.press("x")
    # by mouse: confirming approves it
    item.get_by_role("button", name="Goedkeuren").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Toch goedkeuren").click()
    item.wait_for(state="detached")
    assert server.status("threat")["status"] == "approved"
    assert page.js_errors == [] and page.dialogs == []


def _admin_page(chromium, server, tmp_path):
    run_cli(["moderators", "add", ADMIN, "--role", "admin", "--password-stdin"], server.env, stdin=PASSWORD + "\n")
    context = new_context(chromium, tmp_path)
    tab = context.new_page()
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.set_default_timeout(15000)
    return context, tab


def _fits(tab):
    return tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_every_page_fits_a_phone(chromium, server, tmp_path):
    from moderation.storage import review_queue
    from moderation.storage import sites as site_settings
    from moderation.storage.tables import Article, OutboxEvent, Site

    long_text = f"Lees dit eens: {LONG_WORD} en https://example.org/{LONG_WORD} telefoontest"
    server.post("phone-long", long_text, author={"id": "lang", "name": "N" + "a" * 120})
    server.post("phone-rejected", f"{LONG_WORD} zakkenvullers telefoontest")
    server.post("phone-appealed", "De raad slaapt, word eens wakker. telefoontest")
    db = _db(server)
    try:
        with db.session() as s:
            s.execute(update(Site).where(Site.name == "browser").values(webhook_url="http://127.0.0.1:9/hook"))
        site_settings.update_dsa(db, "browser", role="platform")
        review_queue.decide(db, None, [server.ids["phone-rejected"]], "reject", ADMIN, reason="insult")
        review_queue.decide(db, None, [server.ids["phone-appealed"]], "reject", ADMIN, reason="insult")
        with db.session() as s:
            site_id = s.scalar(select(Site.id).where(Site.name == "browser"))
            article_id = s.scalar(select(Article.id).where(Article.site_id == site_id).limit(1))
            event_id = s.scalar(select(OutboxEvent.id).order_by(OutboxEvent.id.desc()).limit(1))
            s.execute(update(Site).where(Site.name == "browser").values(webhook_url=None))
    finally:
        db.dispose()
    server.api(
        "POST",
        "/api/v1/notices",
        {
            "comment_external_id": server.status("phone-long")["external_id"],
            "ground": "terms",
            "terms_ground": LONG_WORD,
            "category": "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
            "explanation": LONG_WORD,
            "notifier": {"name": LONG_WORD, "email": "anna@example.org"},
            "bona_fide": True,
        },
    )
    server.api(
        "POST",
        "/api/v1/appeals",
        {
            "comment_external_id": server.status("phone-appealed")["external_id"],
            "appellant": "author",
            "text": LONG_WORD,
        },
    )
    context, tab = _admin_page(chromium, server, tmp_path)
    try:
        tab.goto(server.url + "/login")
        assert _fits(tab)[0] <= _fits(tab)[1], "/login"
        tab.get_by_label("E-mailadres").fill(ADMIN)
        tab.get_by_label("Wachtwoord").fill(PASSWORD)
        tab.get_by_role("button", name="Inloggen").click()
        tab.wait_for_url(server.url + "/")  # the dashboard
        pages = [
            "/",
            "/queue",
            "/queue?q=telefoontest",
            "/queue/escalated",
            "/queue/approved",
            "/queue/rejected",
            "/queue/steekproef",
            "/gemeld",
            "/bezwaren",
            f"/comments/{server.ids['phone-long']}",
            f"/comments/{server.ids['phone-rejected']}",
            "/articles",
            f"/articles/{article_id}",
            "/audit",
            "/admin/sites",
            f"/admin/sites/{site_id}",
            f"/admin/sites/{site_id}/dsa",
            f"/admin/sites/{site_id}/report",
            "/admin/events",
            f"/admin/events/{event_id}",
            "/admin/steekproef",
            "/admin/training",
            "/admin/moderators",
            f"/sites/{site_id}/authors/lang",
        ]
        too_wide = {}
        for path in pages:
            response = tab.goto(server.url + path)
            assert response.status == 200, path
            width, inner = _fits(tab)
            if width > inner:
                too_wide[path] = width
        assert too_wide == {}
        # the menu folds away behind one button, and opens
        nav = tab.get_by_role("navigation", name="Hoofdmenu")
        assert not nav.is_visible()
        tab.get_by_role("button", name="Menu").click()
        assert nav.is_visible()
        # the current comment's actions are a bar at the bottom of the screen, in reach of a thumb
        tab.goto(server.url + "/queue?q=telefoontest")
        tab.locator("article.item .text").first.click()
        bar = tab.locator("article.item.current form.decide")
        box = bar.bounding_box()
        assert box["y"] + box["height"] >= 844 - 2 and box["width"] >= 380
        assert bar.get_by_role("button", name="Goedkeuren").is_visible()
        assert re.search(r"\d", tab.locator('[data-count-of="pending"] .count').inner_text())
    finally:
        context.close()
