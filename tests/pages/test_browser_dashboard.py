"""The dashboard and tag rules in a real browser: signing in lands on the dashboard with the
site's counts and the oldest waiting comment's age; a tag rule set on the admin page decides
the next comment.  A real ``moderation serve``, Debian's chromium driven by Playwright."""

import re

import pytest
from helpers.browser import ARTIFACTS, new_context, require_browser, run_cli, running_server

pytestmark = pytest.mark.browser
require_browser()

ADMIN, PASSWORD = "admin@example.org", "zeven-lange-ambtenarenstoelen"
POLICY = {"approve_below": 0.35, "reject_above": 0.9, "mode": "pre"}  # a site made before tag rules: none
DOUBT = "Wat een slap gedoe van die ambtenaren, echt sneu."
PII = "Meer ruimte voor de wijkteams, bel me gerust op 06-12345678."


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory):
    with running_server(
        tmp_path_factory.mktemp("dashboard"), policy=POLICY, env_extra={"MODERATION_SITE_CACHE_SECONDS": "0"}
    ) as running:
        run_cli(["moderators", "add", ADMIN, "--role", "admin", "--password-stdin"], running.env, stdin=PASSWORD + "\n")
        yield running


@pytest.fixture
def tab(chromium, tmp_path, request):
    context = new_context(chromium, tmp_path)
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    failed_before = request.session.testsfailed
    yield page
    if request.session.testsfailed > failed_before:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def sign_in(tab, server, path="/login"):
    tab.goto(server.url + path)
    tab.get_by_label("E-mailadres").fill(ADMIN)
    tab.get_by_label("Wachtwoord").fill(PASSWORD)
    tab.get_by_role("button", name="Inloggen").click()


def test_sign_in_lands_on_the_dashboard_with_counts_and_oldest_age(tab, admin_server):
    admin_server.post("doubt", DOUBT)
    assert admin_server.status("doubt")["status"] == "pending"
    sign_in(tab, admin_server)
    tab.wait_for_url(admin_server.url + "/")
    assert tab.get_by_role("heading", name="Overzicht", level=1).is_visible()
    section = tab.locator('[data-site="browser"]')
    assert section.get_by_role("heading", name="browser").is_visible()
    assert int(section.locator('[data-figure="pending"]').inner_text()) >= 1
    oldest = section.locator('[data-figure="oldest"]').inner_text()
    assert re.fullmatch(r"\d+ s|\d+ min( \d+ s)?", oldest), oldest
    assert section.get_by_role("rowheader", name="Vandaag").is_visible()
    # the queue still answers from the dashboard's link
    section.locator('[data-figure="pending"] a').click()
    tab.wait_for_url(admin_server.url + "/queue")
    assert tab.js_errors == []


def test_a_sign_in_with_next_goes_there(tab, admin_server):
    tab.goto(admin_server.url + "/queue/escalated")
    assert tab.url.startswith(admin_server.url + "/login")
    sign_in(tab, admin_server, path=tab.url.removeprefix(admin_server.url))
    tab.wait_for_url(admin_server.url + "/queue/escalated")


def test_a_tag_rule_set_in_the_admin_page_decides_the_next_comment(tab, admin_server):
    admin_server.post("pii-before", PII)
    before = admin_server.status("pii-before")
    assert "contains-pii" in before["analysis"]["tags"] and before["status"] == "approved"
    sign_in(tab, admin_server)
    tab.wait_for_url(admin_server.url + "/")
    tab.goto(admin_server.url + f"/admin/sites/{admin_server.site['id']}")
    rules = tab.get_by_role("group", name="Regels per tag")
    rules.get_by_label("Tag").last.fill("contains-pii")
    rules.get_by_label("Dan").last.select_option("hold")
    tab.get_by_role("button", name="Opslaan").first.click()
    tab.get_by_text("zijn opgeslagen").wait_for()
    assert tab.get_by_role("group", name="Regels per tag").get_by_label("Tag").first.input_value() == "contains-pii"
    admin_server.post("pii-after", PII)
    after = admin_server.status("pii-after")
    assert after["status"] == "pending"
    assert after["decision"]["reason"] == "tag:contains-pii" and after["decision"]["rule"] == "tag:contains-pii"
    assert tab.js_errors == []
