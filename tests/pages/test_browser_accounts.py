"""Moderator accounts in a real browser (Debian's chromium, a real ``moderation serve``): an
admin invites a moderator, the invitee opens the link and chooses a password, the admin
disables them and the invitee's open session ends at their next click; a Dutch 404 page."""

import pytest
from helpers.browser import ARTIFACTS, PASSWORD, new_context, require_browser, run_cli, running_server

require_browser()
pytestmark = pytest.mark.browser

ADMIN = "beheerder@example.org"
INVITEE = "nieuwe.moderator@example.org"
INVITEE_PASSWORD = "drie losse woorden hier"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("accounts")) as running:
        run_cli(["moderators", "add", ADMIN, "--role", "admin", "--password-stdin"], running.env, stdin=PASSWORD + "\n")
        yield running


@pytest.fixture
def browser_tab(chromium, tmp_path, request):
    """``browser_tab()``: a new tab in its own fresh profile (its own cookies); screenshots on failure."""
    contexts = []

    def make():
        context = new_context(chromium, tmp_path)
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(15000)
        return tab

    failed_before = request.session.testsfailed
    yield make
    for i, context in enumerate(contexts):
        if request.session.testsfailed > failed_before and context.pages:
            ARTIFACTS.mkdir(exist_ok=True)
            context.pages[0].screenshot(path=str(ARTIFACTS / f"{request.node.name}-{i}.png"), full_page=True)
        context.close()


def test_invite_accept_and_disable(server, browser_tab):
    admin = browser_tab()
    admin.goto(server.url + "/login")
    admin.get_by_label("E-mailadres").fill(ADMIN)
    admin.get_by_label("Wachtwoord").fill(PASSWORD)
    admin.get_by_role("button", name="Inloggen").click()
    admin.wait_for_url(server.url + "/")

    admin.get_by_role("link", name="Moderatoren").click()
    admin.wait_for_url(server.url + "/admin/moderators")
    admin.get_by_label("E-mailadres").fill(INVITEE)
    admin.get_by_label("Rol").select_option("moderator")
    admin.get_by_label("Alle sites (ook nieuwe)").uncheck()
    admin.get_by_label("browser", exact=True).check()
    admin.get_by_role("button", name="Uitnodiging maken").click()
    link = admin.locator("#link-url").input_value()
    assert link.startswith(server.url + "/wachtwoord/")
    assert "uitgenodigd" in admin.locator("table.accounts").inner_text()

    invitee = browser_tab()
    invitee.goto(link)
    assert INVITEE in invitee.locator("main").inner_text()
    invitee.get_by_label("Wachtwoord", exact=True).fill(INVITEE_PASSWORD)
    invitee.get_by_label("Nog een keer").fill(INVITEE_PASSWORD)
    invitee.get_by_role("button", name="Wachtwoord instellen").click()
    invitee.wait_for_url(server.url + "/")
    assert INVITEE in invitee.locator("header .who").text_content()
    assert "Welkom" in invitee.locator("#messages").inner_text()

    admin.goto(server.url + "/admin/moderators")
    row = admin.locator("table.accounts tr", has_text=INVITEE)
    assert "actief" in row.inner_text() and "nog nooit" not in row.inner_text()
    row.get_by_role("link", name=INVITEE).click()
    admin.get_by_role("button", name="Uitschakelen").click()
    assert "is uitgeschakeld" in admin.locator("#messages").inner_text()
    assert "Weer inschakelen" in admin.locator("main").inner_text()

    # the invitee's tab is still open on the queue: their next navigation lands on the login page
    invitee.get_by_role("link", name="Afgewezen").click()
    invitee.wait_for_url(server.url + "/login**")
    assert invitee.get_by_role("heading", name="Inloggen").is_visible()
    invitee.get_by_label("E-mailadres").fill(INVITEE)
    invitee.get_by_label("Wachtwoord").fill(INVITEE_PASSWORD)
    invitee.get_by_role("button", name="Inloggen").click()
    assert "horen niet bij elkaar" in invitee.locator("#login-error").inner_text()

    # the link worked once
    invitee.goto(link)
    assert "al gebruikt" in invitee.locator("main").inner_text()

    # every change is in the audit log
    admin.goto(server.url + "/audit")
    audit = admin.locator("table.audit").inner_text()
    for action in ("Uitgenodigd", "Uitnodiging aangenomen", "Uitgeschakeld"):
        assert action in audit


def test_an_unknown_page_is_dutch(server, browser_tab):
    tab = browser_tab()
    response = tab.goto(server.url + "/dit/bestaat/niet")
    assert response.status == 404
    assert tab.locator("html").get_attribute("lang") == "nl"
    assert tab.get_by_role("heading", name="Niet gevonden").is_visible()
    assert "Deze pagina bestaat niet" in tab.locator("main").inner_text()
    assert "Not Found" not in tab.content()
    tab.get_by_role("link", name="Terug naar de wachtrij").click()
    tab.wait_for_url(server.url + "/login**")
